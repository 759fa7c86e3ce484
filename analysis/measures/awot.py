"""The second stage of A’WOT: the measures M1-M7 compared under each ranked SWOT item.

A’WOT (Kurttila et al. 2000; Pesonen et al. 2001) continues SWOT-AHP one level down:
under each SWOT item the alternatives (here the paper's measures M1-M7) are compared
in pairs, which gives each measure a local priority under the item, and a measure's
global priority is the sum over the items of the item's global priority times the
measure's local priority under it. The local priorities of an item sum to one, so a
measure cannot gain by naming many items: it gains only where the judgements say it
does more for an item than the other measures.

The judgements come from ``data/reference/awot_judgements.csv`` (item, measure_a,
measure_b, judgement on Saaty's scale, a reason in each language). Pairs the file
does not judge follow one stated rule: a measure the TOWS table
links to the item (``tows.csv``) is ``LINKED_OVER_UNLINKED`` times (5, "strongly")
more important for it than a measure it does not link, and two measures both linked
or both unlinked are equal. An item no measure is linked to thus spreads its priority
evenly over M1-M7. The rule fills only what the file leaves open; the file judges
every pair of measures the TOWS table links to the same item.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.data.schemas import _as_data_error
from analysis.errors import DataError
from analysis.measures import ahp as ahp_method
from analysis.measures import swot
from analysis.paths import DATA_DIR

AWOT_FILE = DATA_DIR / "reference" / "awot_judgements.csv"
MEASURES = tuple(f"M{number}" for number in range(1, 8))
LINKED_OVER_UNLINKED = 5.0

SCHEMA = pa.DataFrameSchema({
    "item": pa.Column(str, pa.Check.str_matches(r"^[SWOT]\d{1,2}$")),
    "measure_a": pa.Column(str, pa.Check.isin(list(MEASURES))),
    "measure_b": pa.Column(str, pa.Check.isin(list(MEASURES))),
    "judgement": pa.Column(str, pa.Check.str_matches(r"^(1/[2-9]|[1-9])$")),
    **{f"reason_{lang}": pa.Column(str, pa.Check.str_length(min_value=5)) for lang in swot.LANGUAGES},
}, strict=True)


def load(path: Path = AWOT_FILE) -> pd.DataFrame:
    """The A’WOT judgements, checked: Saaty-scale values, two different measures, each
    pair of an item judged once."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    try:
        frame = SCHEMA.validate(frame)
    except (pa.errors.SchemaError, pa.errors.SchemaErrors) as error:
        raise _as_data_error(error, str(path)) from error
    seen = set()
    for line, row in zip(itertools.count(2), frame.itertuples()):
        if row.measure_a == row.measure_b:
            raise DataError(path, f"compares {row.measure_a} with itself", row=line, field="measure_b")
        key = (row.item, frozenset((row.measure_a, row.measure_b)))
        if key in seen:
            raise DataError(path, f"{row.item}: {row.measure_a} and {row.measure_b} are judged twice",
                            row=line, field="measure_b")
        seen.add(key)
    return frame.assign(value=[float(ahp_method.parse_judgement(text)) for text in frame.judgement],
                        line=range(2, len(frame) + 2))


def links(tows: pd.DataFrame) -> dict[str, set[str]]:
    """Item -> the measures the TOWS table links to it."""
    linked: dict[str, set[str]] = {}
    for row in tows.itertuples():
        for code in row.items.split(";"):
            linked.setdefault(code, set()).add(row.measure)
    return linked


@dataclass(frozen=True)
class Awot:
    local: pd.DataFrame           # item x measure: local priority of the measure under the item
    consistency: pd.DataFrame     # item, lambda_max, consistency_ratio, judged (pairs from the file)
    global_: pd.Series            # measure -> A’WOT global priority, sorted from the highest


def matrix_for(item: str, judged: pd.DataFrame, linked: set[str], measures=MEASURES) -> tuple[dict, int]:
    """The item's judgements over the measures: the file's rows, then the rule for the rest."""
    pairs = {(row.measure_a, row.measure_b): row.value for row in judged.itertuples()}
    done = {frozenset(pair) for pair in pairs}
    for first, second in itertools.combinations(measures, 2):
        if frozenset((first, second)) in done:
            continue
        one, two = first in linked, second in linked
        pairs[(first, second)] = (LINKED_OVER_UNLINKED if one and not two
                                  else 1.0 / LINKED_OVER_UNLINKED if two and not one else 1.0)
    return pairs, len(done)


def second_stage(judgements: pd.DataFrame, tows: pd.DataFrame, global_items: pd.Series, *,
                 path: Path | str = AWOT_FILE, enforce: bool = True, measures=MEASURES) -> Awot:
    """Local priorities of M1-M7 under each ranked item and the measures' global
    priorities (item global priority x local priority, summed over the items).

    Every item of the file must be ranked (``global_items``), and every pair of
    measures the TOWS table links to the same ranked item must be judged in the file."""
    linked = links(tows)
    ranked = list(global_items.index)
    for line, row in zip(judgements.get("line", itertools.count(2)), judgements.itertuples()):
        if row.item not in ranked:
            raise DataError(path, f"{row.item} is not a ranked item ({', '.join(ranked)})", row=line, field="item")
    local, consistency = {}, []
    for item in ranked:
        rows = judgements[judgements.item == item]
        both = {frozenset(pair) for pair in itertools.combinations(sorted(linked.get(item, ())), 2)}
        missing = both - {frozenset((a, b)) for a, b in zip(rows.measure_a, rows.measure_b)}
        if missing:
            raise DataError(path, f"{item}: the TOWS table links {sorted(linked[item])} to it, so the file must "
                            f"judge {', '.join(' : '.join(sorted(pair)) for pair in sorted(map(sorted, missing)))}",
                            field="item")
        pairs, judged = matrix_for(item, rows, linked.get(item, set()), measures)
        matrix = ahp_method.judgement_matrix(list(measures), pairs)
        result = ahp_method.ahp(matrix)
        if enforce:
            where = {frozenset((a, b)): line for a, b, line in zip(rows.measure_a, rows.measure_b,
                                                                   rows.get("line", [None] * len(rows)))}
            ahp_method.require_consistent(result, f"{Path(path).name}: {item}", matrix=matrix,
                                          labels=list(measures), rows=where)
        local[item] = result.priorities
        consistency.append({"item": item, "lambda_max": result.lambda_max,
                            "consistency_ratio": result.consistency_ratio, "judged": judged})
    local = pd.DataFrame(local, index=list(measures)).T
    global_ = (local.mul(global_items[ranked], axis=0)).sum().sort_values(ascending=False, kind="stable")
    return Awot(local, pd.DataFrame(consistency), global_)
