"""The history of the verdict rules: every change to a rule, threshold, benchmark or
judgement of the claims ledger and the SWOT table made after results were visible.

The file ``data/reference/rule_history.csv`` is the record; the ledger page shows it as
the deviations section of a pre-registration would. Each row names the date, what
changed (a claim or SWOT item id, or a part of the book), the commit that made the change
(empty for a change not yet committed when the row was written), the rule before and after
and the reason in three languages, and the verdicts it changed as ``ID:old>new`` joined
by ``;``, in the ledger's words (a SWOT verdict is mapped as the ledger maps it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import DataError
from analysis.paths import DATA_DIR

HISTORY_FILE = DATA_DIR / "reference" / "rule_history.csv"
LANGS = ("kk", "en", "ru")
TEXTS = [f"{part}_{lang}" for part in ("old_rule", "new_rule", "reason") for lang in LANGS]
COLUMNS = ["date", "what", "commit", "verdicts_changed"] + TEXTS
VERDICTS = ("consistent", "inconsistent", "not_testable", "ambiguous")
# Parts of the book a row may name besides a claim or a SWOT item
PARTS = {"ledger", "SWOT-AHP", "SWOT", "S", "W", "O", "T", "factors"}
ITEM = re.compile(r"^[SWOT]\d+$")
COMMIT = re.compile(r"^[0-9a-f]{7,40}$")


@dataclass(frozen=True)
class VerdictChange:
    what: str
    old: str
    new: str


def parse_changes(text: str) -> list[VerdictChange]:
    """``"T3:consistent>ambiguous;C5:consistent>ambiguous"`` -> two changes; ``""`` -> none."""
    changes = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = re.fullmatch(r"([^:]+):([a-z_]+)>([a-z_]+)", part)
        if not match:
            raise ValueError(f"{part!r} is not of the form ID:old>new")
        what, old, new = match.groups()
        for verdict in (old, new):
            if verdict not in VERDICTS:
                raise ValueError(f"{verdict!r} is not one of {VERDICTS}")
        if old == new:
            raise ValueError(f"{part!r}: the verdict did not change")
        changes.append(VerdictChange(what, old, new))
    return changes


def load_history(path: Path = HISTORY_FILE, claim_ids: set[str] | None = None) -> pd.DataFrame:
    """The rule history, checked: every column, an ISO date in order, a known claim,
    item or part, a commit id or none, every text in every language, and verdict changes
    that parse. ``claim_ids`` defaults to the ledger's claims."""
    if claim_ids is None:
        from analysis.measures.claims import load_claims

        claim_ids = set(load_claims().id)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise DataError(path, f"missing columns {missing}", field=missing[0])
    previous = None
    for index, row in table.iterrows():
        line = index + 2
        try:
            day = pd.Timestamp(row["date"]) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date"]) else None
        except ValueError:
            day = None
        if day is None:
            raise DataError(path, f"date {row['date']!r} is not a YYYY-MM-DD date", row=line, field="date")
        if previous is not None and day < previous:
            raise DataError(path, f"date {row['date']} comes before the row above; keep the rows in date order",
                            row=line, field="date")
        previous = day
        if not (row["what"] in claim_ids or ITEM.match(row["what"]) or row["what"] in PARTS):
            raise DataError(path, f"{row['what']!r} is neither a claim, a SWOT item nor one of {sorted(PARTS)}",
                            row=line, field="what")
        if row["commit"] and not COMMIT.match(row["commit"]):
            raise DataError(path, f"{row['commit']!r} is not a commit id", row=line, field="commit")
        for column in TEXTS:
            if not row[column].strip():
                raise DataError(path, "empty text", row=line, field=column)
        try:
            parse_changes(row["verdicts_changed"])
        except ValueError as error:
            raise DataError(path, str(error), row=line, field="verdicts_changed") from None
    return table


def latest_verdicts(history: pd.DataFrame) -> dict[str, str]:
    """For each id whose verdict a row changed, the verdict the latest such row gives."""
    latest = {}
    for text in history.verdicts_changed:
        for change in parse_changes(text):
            latest[change.what] = change.new
    return latest
