"""The project's reference tables (``data/reference/``): study countries, groupings,
IMF area names, WDI source candidates and the source descriptions."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pycountry

from analysis.errors import DataError
from analysis.paths import DATA_DIR

REFERENCE_DIR = DATA_DIR / "reference"
WORLD = "WLD"
EUROPEAN_UNION = "EUU"


@cache
def study_countries(reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "countries.csv", dtype={"iso3": str, "undesa_name": str})


def study_iso3(reference_dir: Path = REFERENCE_DIR) -> list[str]:
    return sorted(study_countries(reference_dir).iso3)


@cache
def groupings(reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "groupings.csv", dtype=str)


def iso_numeric(iso3: str) -> int:
    return int(pycountry.countries.get(alpha_3=iso3).numeric)


@cache
def sources(reference_dir: Path = REFERENCE_DIR) -> dict:
    return json.loads((reference_dir / "sources.json").read_text(encoding="utf-8"))


def display_order(reference_dir: Path = REFERENCE_DIR) -> list[str]:
    """Study countries in the order their groupings are listed (Central Asia first),
    then the rest alphabetically: neighbours stay next to each other in figures."""
    listed = list(dict.fromkeys(groupings(reference_dir).query("grouping != 'new_silk_road'").iso3))
    return listed + [c for c in study_iso3(reference_dir) if c not in listed]


@cache
def known_country_codes(reference_dir: Path = REFERENCE_DIR) -> frozenset[str]:
    """ISO 3166 alpha-3 codes plus the countries and territories the World Bank codes
    outside it (Kosovo XKX, Channel Islands CHI), as listed in ``wdi_areas.csv``."""
    areas = pd.read_csv(reference_dir / "wdi_areas.csv", dtype=str, keep_default_na=False)
    return frozenset({c.alpha_3 for c in pycountry.countries} | set(areas.code[areas.kind == "country"]))


@cache
def undesa_2019_names(reference_dir: Path = REFERENCE_DIR) -> dict[str, str]:
    """Every location name of the UN DESA 2019 origin-destination table -> its kind."""
    table = pd.read_csv(reference_dir / "undesa_2019_names.csv", dtype=str, keep_default_na=False)
    return dict(zip(table.name, table.kind))


@cache
def undesa_m49_kinds(reference_dir: Path = REFERENCE_DIR) -> dict[int, str]:
    """Every UN M49 location code -> its kind: ISO 3166 numeric codes are countries, the
    rest are listed in ``undesa_m49_areas.csv``."""
    table = pd.read_csv(reference_dir / "undesa_m49_areas.csv", dtype={"code": int, "kind": str})
    return {int(c.numeric): "country" for c in pycountry.countries} | dict(zip(table.code, table.kind))


@dataclass(frozen=True)
class SeriesRule:
    """The domain of one series (a WDI indicator) or one numeric column (``table.column``).

    ``kind`` is 'non-negative', 'bounded' or 'signed'; a value outside [lower, upper] is an
    error, one outside the plausibility band [band_low, band_high] only a warning.
    """

    target: str
    kind: str
    lower: float | None
    upper: float | None
    band_low: float | None
    band_high: float | None
    reason: str

    def breaks(self, values: pd.Series) -> pd.Series:
        """True where a value is outside the rule's hard limits."""
        return _outside(values, self.lower, self.upper)

    def implausible(self, values: pd.Series) -> pd.Series:
        """True where a value is within the limits but outside the plausibility band."""
        return _outside(values, self.band_low, self.band_high) & ~self.breaks(values)

    def describe(self) -> str:
        low = "−∞" if self.lower is None else f"{self.lower:g}"
        high = "∞" if self.upper is None else f"{self.upper:g}"
        return f"{self.kind}, in [{low}, {high}]: {self.reason}"


def _outside(values: pd.Series, low: float | None, high: float | None) -> pd.Series:
    outside = pd.Series(False, index=values.index)
    if low is not None:
        outside |= values < low
    if high is not None:
        outside |= values > high
    return outside & values.notna()


RULE_KINDS = ("non-negative", "bounded", "signed")


@cache
def series_rules(reference_dir: Path = REFERENCE_DIR) -> dict[str, SeriesRule]:
    """``series_rules.csv``, checked: a kind that fits its limits, one rule per target."""
    path = reference_dir / "series_rules.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    rules: dict[str, SeriesRule] = {}
    for line, row in enumerate(table.itertuples(index=False), start=2):
        limits = {}
        for name in ("lower", "upper", "band_low", "band_high"):
            text = getattr(row, name).strip()
            try:
                limits[name] = float(text) if text else None
            except ValueError:
                raise DataError(path, f"{text!r} is not a number", row=line, field=name) from None
        rule = SeriesRule(row.target.strip(), row.kind.strip(), **limits, reason=row.reason.strip())
        problem = _rule_problem(rule)
        if problem:
            raise DataError(path, problem, row=line, field="kind")
        if rule.target in rules:
            raise DataError(path, f"a second rule for {rule.target}", row=line, field="target")
        rules[rule.target] = rule
    return rules


def _rule_problem(rule: SeriesRule) -> str | None:
    if rule.kind not in RULE_KINDS:
        return f"kind {rule.kind!r} is not one of {RULE_KINDS}"
    if not rule.reason:
        return "a rule needs a reason"
    if rule.kind == "non-negative" and (rule.lower is None or rule.lower < 0):
        return "a non-negative rule needs a lower limit of 0 or more"
    if rule.kind == "bounded" and (rule.lower is None or rule.upper is None):
        return "a bounded rule needs both limits"
    if rule.lower is not None and rule.upper is not None and rule.lower > rule.upper:
        return "lower limit above the upper one"
    return None
