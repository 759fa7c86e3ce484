"""Each indicator's direction in the composite index, declared once from the paper's
frame (``data/reference/indicator_directions.csv``) and applied identically in the
main index, every bootstrap replicate and every leave-one-out variant.

A direction of +1 means more of the indicator is more of what the paper counts as a
prerequisite of integration; -1 the opposite (e.g. raw-material exports, W1). The
direction is never read off a loading's sign, which flips with sampling noise.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.errors import DataError
from analysis.paths import DATA_DIR

DIRECTIONS = DATA_DIR / "reference" / "indicator_directions.csv"
COLUMNS = ["variable", "direction", "reason_en", "reason_kk", "reason_ru"]


def load(path: Path = DIRECTIONS, known: list[str] | None = None) -> pd.DataFrame:
    """The declared directions, indexed by variable. ``known`` lists the variables
    that may appear (default: the panel's characteristics); an unknown variable, a
    repeated one, a direction other than +1 or -1 or an empty reason raises
    :class:`DataError` naming the file, the row (as a person counts lines, the header
    being line 1) and the field."""
    if known is None:
        from analysis.measures.panel import CHARACTERISTICS
        known = [spec.name for spec in CHARACTERISTICS]
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise DataError(path, f"missing column(s) {missing}", field=missing[0])
    seen = set()
    for line, row in enumerate(table.itertuples(index=False), start=2):
        if row.variable not in known:
            raise DataError(path, f"unknown variable {row.variable!r}", row=line, field="variable")
        if row.variable in seen:
            raise DataError(path, f"variable {row.variable!r} repeated", row=line, field="variable")
        seen.add(row.variable)
        if row.direction.strip() not in {"1", "+1", "-1"}:
            raise DataError(path, f"direction {row.direction!r} is not +1 or -1", row=line, field="direction")
        for column in COLUMNS[2:]:
            if not getattr(row, column).strip():
                raise DataError(path, "empty reason", row=line, field=column)
    table["direction"] = table.direction.str.strip().astype(int)
    return table.set_index("variable")


def for_variables(variables: list[str], path: Path = DIRECTIONS) -> pd.Series:
    """+1 or -1 for each of ``variables`` (each must be declared)."""
    table = load(path)
    undeclared = [v for v in variables if v not in table.index]
    if undeclared:
        raise DataError(path, f"no direction declared for {undeclared}", field="variable")
    return table.direction.reindex(variables).rename("direction")
