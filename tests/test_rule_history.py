"""The rule history: its file's checks, and that it ends where the ledger's verdicts are."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.measures import rule_history

CLAIMS = {"C1", "C5", "T3", "W1"}


def test_history_file_loads_in_date_order_with_every_text():
    history = rule_history.load_history()
    assert list(history.date) == sorted(history.date)
    assert {"W1", "W8", "T3", "O5", "O", "ledger"} <= set(history.what)
    for column in rule_history.TEXTS:
        assert history[column].str.strip().astype(bool).all(), column


def test_history_records_the_changes_the_referee_named():
    history = rule_history.load_history()
    w1 = history[history.what == "W1"].iloc[-1]
    assert "more than half" in w1.old_rule_en and "0.6" in w1.new_rule_en and w1.commit == "0a5c528"
    o_rows = history[history.what == "O"]
    assert o_rows.new_rule_en.str.contains("O17 left the set of ranked opportunities").any()
    assert (history[history.what == "O5"].verdicts_changed == "O5:not_testable>consistent").all()
    today = history[history.what == "ledger"].iloc[-1]
    assert today.date == "2026-12-07" and today.verdicts_changed == "C5:consistent>ambiguous"
    assert (history[history.what == "C7"].date == "2026-12-07").all()


def test_the_latest_change_of_each_claim_gives_the_ledgers_verdict_today():
    from analysis.data.load import load_extract
    from analysis.measures import claims

    ledger = claims.ledger(load_extract()).set_index("id").verdict
    latest = rule_history.latest_verdicts(rule_history.load_history())
    for what, verdict in latest.items():
        if what in ledger.index:
            assert ledger[what] == verdict, what
    assert {"C5", "T3"} <= set(latest)


def test_parse_changes():
    changes = rule_history.parse_changes("T3:consistent>ambiguous; C5:consistent>ambiguous")
    assert [(c.what, c.old, c.new) for c in changes] == [("T3", "consistent", "ambiguous"), ("C5", "consistent", "ambiguous")]
    assert rule_history.parse_changes("") == []
    for bad in ("T3:consistent", "T3:consistent>maybe", "T3:ambiguous>ambiguous", "consistent>ambiguous"):
        with pytest.raises(ValueError):
            rule_history.parse_changes(bad)


def write(tmp_path, table: pd.DataFrame):
    path = tmp_path / "rule_history.csv"
    table.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(("row", "column", "value", "message"), [
    (0, "date", "1 December 2026", "YYYY-MM-DD"),
    (0, "date", "2026-13-01", "YYYY-MM-DD"),
    (1, "date", "2026-11-30", "before the row above"),
    (1, "what", "Q9", "neither a claim"),
    (0, "commit", "HEAD~1", "not a commit id"),
    (1, "reason_kk", " ", "empty text"),
    (0, "verdicts_changed", "W1:consistent>fine", "fine"),
])
def test_bad_rows_are_named_by_file_row_and_field(tmp_path, row, column, value, message):
    table = rule_history.load_history().head(3).copy()
    table.loc[row, column] = value
    with pytest.raises(DataError, match=message) as error:
        rule_history.load_history(write(tmp_path, table), CLAIMS)
    assert (error.value.row, error.value.field) == (row + 2, column)
    assert error.value.file.endswith("rule_history.csv")


def test_a_missing_column_is_named(tmp_path):
    table = rule_history.load_history().drop(columns=["new_rule_ru"])
    with pytest.raises(DataError) as error:
        rule_history.load_history(write(tmp_path, table), CLAIMS)
    assert error.value.field == "new_rule_ru"


def test_claims_items_and_parts_are_accepted(tmp_path):
    table = rule_history.load_history().head(1).copy()
    for what in ("C1", "W11", "O5", "SWOT-AHP", "ledger"):
        table.loc[0, "what"] = what
        assert len(rule_history.load_history(write(tmp_path, table), CLAIMS)) == 1
    table.loc[0, "commit"] = ""
    assert len(rule_history.load_history(write(tmp_path, table), CLAIMS)) == 1
