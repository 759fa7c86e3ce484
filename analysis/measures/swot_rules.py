"""The verdict rule of the SWOT chapter, its benchmark families, and each verdict's margin.

Every item the data can speak to has one row in ``data/reference/swot_rules.csv``:
its benchmark family, the statistic (a function of
:data:`analysis.measures.swot_evidence.EVIDENCE`), the reference it is compared with,
the two thresholds, the window and a reason in each language. Three families, one per
kind of item:

- ``share``: the share of countries (currencies, years, agreements) for which the
  item's condition holds. "Most" is read as three in five: 60% or more supports,
  40% or less contradicts, the same for every item of the family.
- ``trend``: the relative change of a series over a window: +5% or more supports,
  −5% or less contradicts, the same for every item of the family.
- ``level``: one value against a reference (zero, a fixed bar, the world); its
  thresholds are in the statistic's own unit and the row gives the reason for them.

:func:`verdict` turns the values into supported, mixed or contradicted;
:func:`margin` says how much change would flip that verdict (in countries for a share,
in the statistic's unit otherwise) and whether it is fragile: within one country, or
within 10% of the threshold that decides it; :func:`margin_unit` names the unit it is
stated in.
"""
from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import DataError
from analysis.paths import DATA_DIR

RULES_FILE = DATA_DIR / "reference" / "swot_rules.csv"
LANGUAGES = ("kk", "en", "ru")
FAMILIES = ("share", "trend", "level")
FAMILY_THRESHOLDS = {"share": (0.6, 0.4), "trend": (0.05, -0.05)}
REFERENCES = ("world", "zero", "fixed", "window_start")
COLUMNS = ["item", "family", "statistic", "reference", "supported_at", "contradicted_at", "window",
           *[f"reason_{lang}" for lang in LANGUAGES]]
FRAGILE_UNITS = 1          # a share within one country (currency, year, agreement) of flipping
FRAGILE_RELATIVE = 0.10    # any other value within 10% of the threshold that decides it


@dataclass(frozen=True)
class Rule:
    item: str
    family: str
    statistic: str
    reference: str
    supported_at: float
    contradicted_at: float
    window: str
    reason: dict                  # language -> why this statistic, reference and thresholds


def window_of(params: dict) -> str:
    """The window an item's parameters cover, written as the rules file writes it:
    "2016-2020", "2014-01-2024-11" for months, "latest" when the statistic reads the
    latest values."""
    if "years" in params:
        return f"{params['years'][0]}-{params['years'][1]}"
    if "early" in params:
        return f"{params['early'][0]}-{params['late'][1]}"
    if "months" in params:
        return f"{params['months'][0]}-{params['months'][1]}"
    if "since" in params:
        return f"{params['since']}-latest"
    return ""


def load_rules(path: Path = RULES_FILE, evidence: dict[str, tuple[str, dict]] | None = None) -> dict[str, Rule]:
    """The rules, checked: known family, statistic and reference; the family's own
    thresholds for shares and trends; two different thresholds; a reason in each
    language; with ``evidence`` (item -> (statistic, parameters) from the items file),
    one row for each item with evidence and none other, the same statistic and the
    window the parameters cover. Any fault is a DataError naming the row and field."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(frame.columns) != COLUMNS:
        raise DataError(path, f"columns must be {', '.join(COLUMNS)}", field="header")
    rules = {}
    for line, row in zip(itertools.count(2), frame.to_dict("records")):
        code = row["item"]
        if not re.fullmatch(r"[SWOT]\d{1,2}", code):
            raise DataError(path, "an item code is S, W, O or T followed by a number", row=line, field="item")
        if code in rules:
            raise DataError(path, f"{code} has two rows", row=line, field="item")
        if row["family"] not in FAMILIES:
            raise DataError(path, f"family must be one of {', '.join(FAMILIES)}", row=line, field="family")
        if row["reference"] not in REFERENCES:
            raise DataError(path, f"reference must be one of {', '.join(REFERENCES)}", row=line, field="reference")
        thresholds = []
        for name in ("supported_at", "contradicted_at"):
            try:
                thresholds.append(float(row[name]))
            except ValueError:
                raise DataError(path, f"{row[name]!r} is not a number", row=line, field=name) from None
        if thresholds[0] == thresholds[1]:
            raise DataError(path, "the two thresholds must differ", row=line, field="contradicted_at")
        expected = FAMILY_THRESHOLDS.get(row["family"])
        if expected and not np.allclose(thresholds, expected):
            raise DataError(path, f"the {row['family']} family's thresholds are {expected[0]} and {expected[1]}",
                            row=line, field="supported_at")
        for lang in LANGUAGES:
            if len(row[f"reason_{lang}"].strip()) < 5:
                raise DataError(path, "needs a reason", row=line, field=f"reason_{lang}")
        if evidence is not None:
            if code not in evidence:
                raise DataError(path, f"{code} has no evidence in the items file", row=line, field="item")
            statistic, params = evidence[code]
            if row["statistic"] != statistic:
                raise DataError(path, f"the items file tests {code} with {statistic}", row=line, field="statistic")
            if row["window"] != window_of(params):
                raise DataError(path, f"the items file's parameters cover {window_of(params)}", row=line,
                                field="window")
        rules[code] = Rule(code, row["family"], row["statistic"], row["reference"], thresholds[0], thresholds[1],
                           row["window"], {lang: row[f"reason_{lang}"].strip() for lang in LANGUAGES})
    if evidence is not None and set(evidence) - set(rules):
        raise DataError(path, f"no rule for {sorted(set(evidence) - set(rules))}", field="item")
    return rules


# --------------------------------------------------------------------------- verdict rule

def verdict(values: dict[str, float], supported_at: float, contradicted_at: float) -> str:
    """Supported when every value reaches ``supported_at``, contradicted when every
    value reaches ``contradicted_at``, mixed otherwise; no data when a value is missing.

    The thresholds give the direction: ``supported_at > contradicted_at`` means larger
    values support the item, ``supported_at < contradicted_at`` that smaller ones do.
    Several values (two sources, two countries) must agree for a clear verdict.
    """
    numbers = np.array(list(values.values()), dtype=float)
    if numbers.size == 0 or np.isnan(numbers).any():
        return "no_data"
    sign = 1.0 if supported_at > contradicted_at else -1.0
    if np.all(sign * numbers >= sign * supported_at):
        return "supported"
    if np.all(sign * numbers <= sign * contradicted_at):
        return "contradicted"
    return "mixed"


@dataclass(frozen=True)
class Margin:
    verdict: str
    flips_to: str                 # the verdict the smallest change reaches
    amount: float                 # that change, in the statistic's unit (moving every value alike)
    units: int | None             # for shares of counted units: how many must switch
    threshold: float              # the threshold that decides
    fragile: bool
    units_of: tuple = ()          # the values whose counted units ``units`` counts


def _units_needed(share: float, count: int, threshold: float, upward: bool, strict: bool) -> int:
    """Units (countries) that must switch for ``share`` of ``count`` to reach
    ``threshold`` going up (or down); with ``strict``, to pass beyond it."""
    have = round(share * count)
    if upward:
        target = math.floor(threshold * count + 1e-9) + 1 if strict else math.ceil(threshold * count - 1e-9)
        return max(target - have, 0)
    target = math.ceil(threshold * count - 1e-9) - 1 if strict else math.floor(threshold * count + 1e-9)
    return max(have - target, 0)


def margin(values: dict[str, float], supported_at: float, contradicted_at: float,
           counts: dict[str, int] | None = None) -> Margin | None:
    """How far the verdict is from flipping. Supported flips to mixed when any value
    falls below ``supported_at``: the amount is the smallest value's distance above it
    (any move beyond it flips). Contradicted flips to mixed likewise. Mixed flips to
    whichever clear verdict is nearer, when every value has reached its threshold.
    With ``counts`` (units behind each share) the margin is also given in units: for
    a share of 11 of 17 countries against 60% it is one country. Fragile: within
    ``FRAGILE_UNITS`` units, or (uncounted values) within 10% of the deciding
    threshold (10% of the distance between the thresholds when that is zero)."""
    decided = verdict(values, supported_at, contradicted_at)
    if decided == "no_data":
        return None
    sign = 1.0 if supported_at > contradicted_at else -1.0
    x = {key: sign * value for key, value in values.items()}
    s, c = sign * supported_at, sign * contradicted_at
    counted = counts is not None and set(values) <= set(counts) and sign > 0
    units, units_of = None, ()
    if decided == "supported":
        amount, to, threshold = min(x.values()) - s, "mixed", supported_at
        if counted:
            need = {k: _units_needed(values[k], counts[k], supported_at, False, True) for k in values}
            units_of = (min(need, key=need.get),)
            units = need[units_of[0]]
    elif decided == "contradicted":
        amount, to, threshold = c - max(x.values()), "mixed", contradicted_at
        if counted:
            need = {k: _units_needed(values[k], counts[k], contradicted_at, True, True) for k in values}
            units_of = (min(need, key=need.get),)
            units = need[units_of[0]]
    else:
        up, down = max(s - v for v in x.values()), max(v - c for v in x.values())
        amount, to, threshold = (up, "supported", supported_at) if up <= down else (down, "contradicted",
                                                                                      contradicted_at)
        if counted:
            units, units_of = sum(_units_needed(values[k], counts[k], threshold, to == "supported", False)
                                  for k in values), tuple(values)
    scale = abs(threshold) if threshold != 0 else abs(supported_at - contradicted_at)
    fragile = units <= FRAGILE_UNITS if units is not None else amount <= FRAGILE_RELATIVE * scale
    return Margin(decided, to, float(amount), units, threshold, bool(fragile), units_of)


# the unit of a margin stated as an amount, by the unit the item's values are shown in
# (``swot_items.yml``): a difference of two shares or of two percentages is in
# percentage points; ``factor`` turns the statistic's amount into that unit
AMOUNT_UNITS = {"share": ("percentage_points", 100.0), "points": ("percentage_points", 1.0)}
# values shown as plain numbers: by what they are (the keys of a Finding's values)
NUMBER_UNITS = {"cv": "ratio", "index": "index_points", "gap": "index_points"}


def margin_unit(found: Margin, unit: str, keys, counted: dict[str, str]) -> tuple[str, float]:
    """The unit a margin is stated in and the factor from the statistic's amount to it:
    the counted units (countries, currencies, years, agreements, groupings) when the
    margin is in units, the thing a count counts, percentage points for shares and
    percentages, index points for an index, the ratio itself for a coefficient of
    variation. ``keys`` are the names of the item's values, ``counted`` what their
    units are (:class:`analysis.measures.swot_evidence.Finding`). A value whose unit
    is not known is an error, so that a new statistic must name it."""
    if found.units is not None:
        kinds = {counted.get(key, "units") for key in found.units_of}
        return (kinds.pop() if len(kinds) == 1 else "units"), 1.0
    if unit == "count":
        kinds = {counted.get(key, "units") for key in keys}
        return (kinds.pop() if len(kinds) == 1 else "units"), 1.0
    if unit in AMOUNT_UNITS:
        return AMOUNT_UNITS[unit]
    kinds = {NUMBER_UNITS.get(key) for key in keys}
    if None in kinds or len(kinds) != 1:
        raise ValueError(f"no margin unit for the values {sorted(keys)} shown as {unit!r}: name it in NUMBER_UNITS")
    return kinds.pop(), 1.0
