"""The paper's SWOT table tested against the evidence, ranked by SWOT-AHP, scored as TOWS.

Three steps, each driven by a data file in ``data/reference``:

1. ``swot_items.yml`` states the 49 items and the measures M1-M7. For every item the
   data can speak to it names an evidence function (:mod:`analysis.measures.swot_evidence`)
   and its parameters, and, where two items are tested by the same evidence, which item
   the evidence belongs to (``shares_evidence_with``). ``swot_rules.csv`` gives each
   tested item its benchmark family, reference and thresholds
   (:mod:`analysis.measures.swot_rules`: the verdict rule and each verdict's margin).
2. The items each group ranks follow one rule of the data files,
   :func:`analysis.measures.swot_selection.select_items`.
   A judgements file (``swot_judgements.csv`` is the book's own, written by the rule
   :func:`~analysis.measures.swot_selection.rule_judgements`) holds Saaty-scale pairwise comparisons within each group
   and between the four groups; :func:`priorities` turns them into local, group and
   global priorities (Kurttila et al. 2000).
3. ``tows.csv`` links M1-M7 to the SO, ST, WO and WT pairs they address. The A’WOT
   second stage (Pesonen et al. 2001), measures compared under each ranked item, is
   :mod:`analysis.measures.awot`; :func:`measure_scores` is only the simple link-sum
   variant shown beside it. :func:`~analysis.measures.swot_selection.structural_rankings` repeats steps 2-3 under each
   structural choice (selection rule, evidence counted once or not);
   :mod:`analysis.measures.swot_sensitivity` repeats them with every judgement moved
   one step along Saaty's scale. Several judges' files are aggregated in
   :mod:`analysis.measures.swot_group`.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

from analysis.data import reference
from analysis.data.schemas import _as_data_error
from analysis.errors import DataError
from analysis.measures import ahp as ahp_method
from analysis.measures import judgement_file
from analysis.measures import swot_rules
from analysis.measures.swot_evidence import EVIDENCE, Finding
from analysis.measures.swot_rules import Rule, margin, margin_unit, verdict
from analysis.paths import DATA_DIR

ITEMS_FILE = DATA_DIR / "reference" / "swot_items.yml"
JUDGEMENTS_FILE = DATA_DIR / "reference" / "swot_judgements.csv"
TOWS_FILE = DATA_DIR / "reference" / "tows.csv"

GROUPS = ("S", "W", "O", "T")
GROUP_SIZES = {"S": 9, "W": 11, "O": 20, "T": 9}
LANGUAGES = ("kk", "en", "ru")
VERDICTS = ("supported", "mixed", "contradicted", "no_data")
STRATEGY_TYPES = ("SO", "ST", "WO", "WT")
GROUP_LEVEL = "groups"
MIN_RANKED, MAX_RANKED = 3, 4


# --------------------------------------------------------------------------- items

@dataclass(frozen=True)
class Evidence:
    measure: str                  # a key of EVIDENCE
    params: dict
    supported_at: float           # from the rules file
    contradicted_at: float
    unit: str                     # how the values are shown: share, number, points, count
    text: dict                    # per language: describe, compare, extension (optional)
    rule: Rule | None = None      # the item's row of the rules file


@dataclass(frozen=True)
class Item:
    code: str
    group: str
    label: dict                   # language -> text
    evidence: Evidence | None
    no_data: dict | None          # language -> why the data cannot speak to the item
    shares_evidence_with: str | None = None   # the item whose evidence this one reuses


@dataclass(frozen=True)
class SwotTable:
    items: dict[str, Item]
    measures: dict[str, dict]     # M1..M7 -> language -> text
    scopes: dict[str, list[str]]  # named country sets used by the evidence


def _texts(source: Path, where: str, value, field_name: str) -> dict:
    if not isinstance(value, dict) or any(not str(value.get(lang, "")).strip() for lang in LANGUAGES):
        raise DataError(source, f"needs a text in each of {', '.join(LANGUAGES)}", row=where, field=field_name)
    return {lang: str(value[lang]).strip() for lang in LANGUAGES}


EVIDENCE_FIELDS = {"measure", "params", "unit", "describe", "compare", "extension"}
UNITS = {"share", "number", "points", "count"}


def _evidence(source: Path, code: str, raw: dict) -> Evidence:
    unknown = set(raw) - EVIDENCE_FIELDS
    if unknown:
        raise DataError(source, f"unknown fields {sorted(unknown)}", row=code, field="evidence")
    if raw.get("measure") not in EVIDENCE:
        raise DataError(source, f"unknown measure {raw.get('measure')!r} (known: {sorted(EVIDENCE)})",
                        row=code, field="evidence.measure")
    if raw.get("unit") not in UNITS:
        raise DataError(source, f"unit must be one of {sorted(UNITS)}", row=code, field="evidence.unit")
    text = {name: _texts(source, code, raw.get(name), f"evidence.{name}") for name in ("describe", "compare")}
    if "extension" in raw:
        text["extension"] = _texts(source, code, raw["extension"], "evidence.extension")
    return Evidence(raw["measure"], dict(raw.get("params") or {}), float("nan"), float("nan"), raw["unit"], text)


def load_items(path: Path = ITEMS_FILE, rules_path: Path = swot_rules.RULES_FILE) -> SwotTable:
    """The SWOT table, checked: all 49 items in their groups, three languages everywhere,
    for each item either evidence or the reason there is none, and for each item with
    evidence its row of the rules file (family, reference, thresholds). An item that
    ``shares_evidence_with`` another must name an item with evidence that shares with
    no other."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not {"items", "measures", "scopes"} <= set(raw):
        raise DataError(path, "needs the sections items, measures and scopes")
    items = {}
    for code, entry in raw["items"].items():
        group = str(code)[:1]
        if group not in GROUPS or not str(code)[1:].isdigit():
            raise DataError(path, "item codes are S, W, O or T followed by a number", row=code, field="code")
        has_evidence, has_reason = "evidence" in entry, "no_data" in entry
        if has_evidence == has_reason:
            raise DataError(path, "needs either evidence or a no_data reason, not both", row=code, field="evidence")
        items[code] = Item(code, group, _texts(path, code, entry.get("label"), "label"),
                           _evidence(path, code, entry["evidence"]) if has_evidence else None,
                           _texts(path, code, entry["no_data"], "no_data") if has_reason else None,
                           entry.get("shares_evidence_with"))
    for group, size in GROUP_SIZES.items():
        expected = {f"{group}{number}" for number in range(1, size + 1)}
        present = {code for code in items if code.startswith(group)}
        if present != expected:
            raise DataError(path, f"group {group} must hold {group}1-{group}{size}; "
                            f"missing {sorted(expected - present)}, extra {sorted(present - expected)}",
                            field="items")
    for code, item in items.items():
        other = items.get(item.shares_evidence_with) if item.shares_evidence_with else None
        if item.shares_evidence_with and (other is None or other.evidence is None or item.evidence is None
                                          or other.shares_evidence_with or other.code == code):
            raise DataError(path, f"shares_evidence_with must name another item with evidence of its own, "
                            f"not {item.shares_evidence_with!r}", row=code, field="shares_evidence_with")
    rules = swot_rules.load_rules(rules_path, {code: (item.evidence.measure, item.evidence.params)
                                               for code, item in items.items() if item.evidence})
    for code, rule in rules.items():
        evidence = items[code].evidence
        items[code] = Item(**{**items[code].__dict__, "evidence": Evidence(
            evidence.measure, evidence.params, rule.supported_at, rule.contradicted_at, evidence.unit,
            evidence.text, rule)})
    measures = {code: _texts(path, code, text, "label") for code, text in raw["measures"].items()}
    if sorted(measures) != [f"M{number}" for number in range(1, 8)]:
        raise DataError(path, "measures must be M1-M7", field="measures")
    study = set(reference.study_iso3())
    for name, countries in raw["scopes"].items():
        if not countries or set(countries) - study:
            raise DataError(path, f"scope lists codes outside the study: {sorted(set(countries) - study)}",
                            row=name, field="scopes")
    return SwotTable(items, measures, {name: list(codes) for name, codes in raw["scopes"].items()})


def assess(table: SwotTable, extract, integration) -> tuple[pd.DataFrame, dict[str, Finding]]:
    """One row per item: code, group, verdict, and the verdict's margin (what flips
    it, by how much, in how many units, whether it is fragile, and the margin in its
    named unit: ``margin_unit`` and ``margin_in_unit``, :func:`swot_rules.margin_unit`);
    and the findings behind each verdict."""
    rows, findings = [], {}
    for code, item in table.items.items():
        row = {"code": code, "group": item.group, "verdict": "no_data", "flips_to": None,
               "margin": float("nan"), "margin_units": None, "fragile": False, "margin_unit": None,
               "margin_in_unit": float("nan")}
        if item.evidence is not None:
            evidence = item.evidence
            finding = EVIDENCE[evidence.measure](extract, integration, table.scopes, evidence.params)
            findings[code] = finding
            row["verdict"] = verdict(finding.values, evidence.supported_at, evidence.contradicted_at)
            found = margin(finding.values, evidence.supported_at, evidence.contradicted_at, finding.counts or None)
            if found is not None:
                unit, factor = margin_unit(found, evidence.unit, list(finding.values), finding.counted)
                row.update(flips_to=found.flips_to, margin=found.amount, margin_units=found.units,
                           fragile=found.fragile, margin_unit=unit,
                           margin_in_unit=float(found.units) if found.units is not None else found.amount * factor)
        rows.append(row)
    return pd.DataFrame(rows), findings


# --------------------------------------------------------------------------- judgements and priorities

def load_judgements(path: Path = JUDGEMENTS_FILE) -> pd.DataFrame:
    """The pairwise judgements of a file: level (a group or ``groups``), first, second,
    judgement (how much more ``first`` matters, on Saaty's scale), a reason in at least
    one language, the judgement's ``value`` and its ``line`` in the file. Read and checked
    by :func:`analysis.measures.judgement_file.read` (one message per problem, naming the
    file, the row, the field, the value and what is allowed)."""
    return judgement_file.read(path)


def measures_per_item(tows: pd.DataFrame) -> pd.Series:
    """How many of the measures M1-M7 address each item (through any strategy)."""
    links = {(row.measure, code) for row in tows.itertuples() for code in row.items.split(";")}
    return pd.Series([code for _, code in links]).value_counts()


@dataclass(frozen=True)
class Priorities:
    local: pd.Series              # item -> priority within its group
    groups: pd.Series             # S/W/O/T -> group priority
    global_: pd.Series            # item -> local x group priority
    consistency: pd.DataFrame     # level, n, lambda_max, consistency_ratio


def priorities(judgements: pd.DataFrame, selected: dict[str, list[str]], *, enforce: bool = True,
               values: pd.Series | None = None, name: str = "judgements") -> Priorities:
    """Local, group and global priorities (global = local x group) from the judgements.

    ``values`` replaces the judgement values. With ``enforce`` a matrix above the
    consistency limit raises :class:`~analysis.measures.ahp.InconsistentJudgements`
    naming the level and the judgement to revisit, with its row in the file.
    """
    values = judgements.value if values is None else values
    local, groups, consistency = {}, None, []
    for level in list(GROUPS) + [GROUP_LEVEL]:
        rows = judgements.level == level
        members = list(GROUPS) if level == GROUP_LEVEL else selected[level]
        pairs = {(a, b): v for a, b, v in zip(judgements.first[rows], judgements.second[rows], values[rows])}
        matrix = ahp_method.judgement_matrix(members, pairs)
        result = ahp_method.ahp(matrix)
        if enforce:
            lines = judgements.line[rows] if "line" in judgements else [None] * int(rows.sum())
            where = {frozenset((a, b)): line for a, b, line in zip(judgements.first[rows], judgements.second[rows], lines)
                     if line is not None}
            ahp_method.require_consistent(result, f"{name}: {level}", matrix=matrix, labels=members, rows=where)
        consistency.append({"level": level, "n": len(members), "lambda_max": result.lambda_max,
                            "consistency_ratio": result.consistency_ratio})
        weights = pd.Series(result.priorities, index=members)
        if level == GROUP_LEVEL:
            groups = weights
        else:
            local.update(weights.to_dict())
    local = pd.Series(local)
    global_ = pd.Series({code: weight * groups[code[0]] for code, weight in local.items()})
    return Priorities(local, groups, global_, pd.DataFrame(consistency))


# --------------------------------------------------------------------------- TOWS scoring

TOWS_SCHEMA = pa.DataFrameSchema({
    "measure": pa.Column(str, pa.Check.str_matches(r"^M[1-7]$")),
    "strategy": pa.Column(str, pa.Check.isin(list(STRATEGY_TYPES))),
    "items": pa.Column(str, pa.Check.str_matches(r"^[SWOT]\d{1,2}(;[SWOT]\d{1,2})*$")),
}, strict=True, unique=["measure", "strategy"])


def load_tows(path: Path = TOWS_FILE, table: SwotTable | None = None) -> pd.DataFrame:
    """The TOWS links: each row a measure, a strategy type and the items it addresses;
    every item must belong to the two groups the strategy type pairs."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    try:
        frame = TOWS_SCHEMA.validate(frame)
    except (pa.errors.SchemaError, pa.errors.SchemaErrors) as error:
        raise _as_data_error(error, str(path)) from error
    known = set(table.items) if table else None
    for line, row in zip(itertools.count(2), frame.itertuples()):
        codes = row.items.split(";")
        if {code[0] for code in codes} != set(row.strategy):
            raise DataError(path, f"a {row.strategy} strategy must address items of both groups "
                            f"{row.strategy[0]} and {row.strategy[1]}", row=line, field="items")
        if known is not None and set(codes) - known:
            raise DataError(path, f"unknown items {sorted(set(codes) - known)}", row=line, field="items")
    if sorted(frame.measure.unique()) != [f"M{number}" for number in range(1, 8)]:
        raise DataError(path, "every measure M1-M7 needs at least one strategy", field="measure")
    return frame


def measure_scores(tows: pd.DataFrame, global_priorities: pd.Series) -> pd.Series:
    """Link-sum score of each measure, a simple variant and not A’WOT (for A’WOT see
    :func:`analysis.measures.awot.second_stage`): the sum of the global priorities of
    the distinct items it addresses (an item counts once even if two of its strategies
    name it; items not ranked add nothing). Sorted from the highest score."""
    scores = {}
    for measure, rows in tows.groupby("measure"):
        codes = set(itertools.chain.from_iterable(text.split(";") for text in rows["items"]))
        scores[measure] = float(global_priorities.reindex(sorted(codes)).fillna(0).sum())
    return pd.Series(scores).sort_values(ascending=False, kind="stable")
