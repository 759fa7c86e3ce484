"""Mirror rules: one bilateral matrix from the exporters' and the importers' reports."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.measures.mirror import (BILATERAL_COLUMNS, FLOW_COLUMNS, TOTAL_COLUMNS, bilateral_trade,
                             estimate_share, total_trade)


def flows_frame(rows):
    frame = pd.DataFrame.from_records(rows, columns=FLOW_COLUMNS)
    return frame.astype({"year": "int64", "value_usd_m": "float64", "estimate": "bool"})


def one(result, exporter, importer, year=2000):
    row = result[(result.exporter == exporter) & (result.importer == importer) & (result.year == year)]
    assert len(row) == 1, (exporter, importer, year)
    return row.iloc[0]


# Each ordered pair exercises one branch of the rule.
#   A->B exporter 10 (national), importer 11 (national)   -> exporter 10, not estimate
#   B->A exporter 20 (estimate), importer 22 (national)   -> importer 22, not estimate
#   A->C no exporter report,     importer 7 (national)    -> importer 7, not estimate
#   C->A exporter 5 (estimate),  importer 6 (estimate)    -> exporter 5, estimate
#   B->C no exporter report,     importer 8 (estimate)    -> importer 8, estimate
#   C->B exporter 3 (estimate),  no importer report       -> exporter 3, estimate
#   A->D exporter 99, D is not among the countries        -> no row
#   B->A in 2001: exporter 0.0 (national), importer 4     -> exporter 0, not estimate
RULE_FLOWS = flows_frame([
    ("A", "B", "exports", 2000, 10.0, False), ("B", "A", "imports", 2000, 11.0, False),
    ("B", "A", "exports", 2000, 20.0, True), ("A", "B", "imports", 2000, 22.0, False),
    ("C", "A", "imports", 2000, 7.0, False),
    ("C", "A", "exports", 2000, 5.0, True), ("A", "C", "imports", 2000, 6.0, True),
    ("C", "B", "imports", 2000, 8.0, True),
    ("C", "B", "exports", 2000, 3.0, True),
    ("A", "D", "exports", 2000, 99.0, False), ("D", "A", "imports", 2000, 98.0, False),
    ("A", "WLD", "exports", 2000, 500.0, False), ("A", "WLD", "imports", 2000, 400.0, True),
    ("B", "A", "exports", 2001, 0.0, False), ("A", "B", "imports", 2001, 4.0, False),
])


def test_bilateral_rule_branches():
    result = bilateral_trade(RULE_FLOWS, ["A", "B", "C"])
    assert list(result.columns) == BILATERAL_COLUMNS
    expected = {
        ("A", "B", 2000): (10.0, "exporter", False),
        ("B", "A", 2000): (22.0, "importer", False),
        ("A", "C", 2000): (7.0, "importer", False),
        ("C", "A", 2000): (5.0, "exporter", True),
        ("B", "C", 2000): (8.0, "importer", True),
        ("C", "B", 2000): (3.0, "exporter", True),
        ("B", "A", 2001): (0.0, "exporter", False),
    }
    got = {(r.exporter, r.importer, r.year): (r.value_usd_m, r.source, bool(r.estimate))
           for r in result.itertuples()}
    assert got == expected


def test_prefer_importer_swaps_the_sides():
    # Same flows, importer's report first:
    #   A->B importer 11 (national); B->A importer 22 (national); A->C importer 7;
    #   C->A both estimates -> importer 6 (estimate); B->C importer 8 (estimate);
    #   C->B only the exporter's 3 (estimate); B->A 2001 importer 4 (national).
    result = bilateral_trade(RULE_FLOWS, ["A", "B", "C"], prefer="importer")
    got = {(r.exporter, r.importer, r.year): (r.value_usd_m, r.source, bool(r.estimate))
           for r in result.itertuples()}
    assert got == {
        ("A", "B", 2000): (11.0, "importer", False),
        ("B", "A", 2000): (22.0, "importer", False),
        ("A", "C", 2000): (7.0, "importer", False),
        ("C", "A", 2000): (6.0, "importer", True),
        ("B", "C", 2000): (8.0, "importer", True),
        ("C", "B", 2000): (3.0, "exporter", True),
        ("B", "A", 2001): (4.0, "importer", False),
    }


def test_outsiders_world_and_self_flows_are_left_out():
    flows = flows_frame([
        ("A", "A", "exports", 2000, 1.0, False),
        ("A", "B", "exports", 2000, 2.0, False),
        ("A", "WLD", "exports", 2000, 9.0, False),
    ])
    result = bilateral_trade(flows, ["A", "B"])
    assert result[["exporter", "importer"]].values.tolist() == [["A", "B"]]
    assert bilateral_trade(flows, ["A"]).empty
    with pytest.raises(ValueError, match="WLD"):
        bilateral_trade(flows, ["A", "WLD"])


def test_bad_flows_are_rejected():
    duplicate = flows_frame([("A", "B", "exports", 2000, 1.0, False),
                             ("A", "B", "exports", 2000, 2.0, False)])
    with pytest.raises(ValueError, match="more than one row"):
        bilateral_trade(duplicate, ["A", "B"])
    negative = flows_frame([("A", "B", "exports", 2000, -1.0, False)])
    with pytest.raises(ValueError, match="negative"):
        bilateral_trade(negative, ["A", "B"])
    unknown = flows_frame([("A", "B", "re-exports", 2000, 1.0, False)])
    with pytest.raises(ValueError, match="unknown flow"):
        total_trade(unknown, ["A"])
    with pytest.raises(ValueError, match="lacks columns"):
        bilateral_trade(duplicate.drop(columns="estimate"), ["A", "B"])


def test_total_trade_uses_own_reports_and_leaves_gaps_missing():
    flows = flows_frame([
        ("A", "WLD", "exports", 2000, 500.0, False), ("A", "WLD", "imports", 2000, 400.0, True),
        ("B", "WLD", "exports", 2001, 50.0, True),
        ("B", "A", "imports", 2000, 30.0, False),          # a partner's report: not a total
        ("WLD", "WLD", "exports", 2000, 9000.0, False), ("WLD", "WLD", "imports", 2000, 9100.0, False),
    ])
    result = total_trade(flows, ["A", "B"])
    assert list(result.columns) == TOTAL_COLUMNS
    rows = result.set_index(["iso3", "year"])
    assert rows.loc[("A", 2000)].tolist() == [500.0, 400.0, 0.0, 1.0]
    a2001 = rows.loc[("A", 2001)]
    assert a2001.isna().all()                              # A reported nothing for 2001
    b2000 = rows.loc[("B", 2000)]
    assert b2000.isna().all()                              # B's imports from A are no total
    b2001 = rows.loc[("B", 2001)]
    assert b2001.exports == 50.0 and b2001.exports_estimate_share == 1.0
    assert math.isnan(b2001.imports) and math.isnan(b2001.imports_estimate_share)
    world = total_trade(flows, ["WLD"]).set_index("year")
    assert world.loc[2000, ["exports", "imports"]].tolist() == [9000.0, 9100.0]


def test_estimate_share_by_value():
    # values 10 (estimate), 30, 60 (estimate): (10 + 60) / 100 = 0.7
    frame = pd.DataFrame({"g": ["x", "x", "x", "y", "z"],
                          "value_usd_m": [10.0, 30.0, 60.0, 0.0, 8.0],
                          "estimate": [True, False, True, True, 0.25]})
    assert estimate_share(frame.iloc[:3]) == pytest.approx(0.7)
    by = estimate_share(frame, "g")
    assert by["x"] == pytest.approx(0.7)
    assert math.isnan(by["y"])                             # zero value: no share
    assert by["z"] == pytest.approx(0.25)                  # a share, weighted by value
    # whole frame: (10 + 60 + 0 + 8 * 0.25) / 108 = 72 / 108
    assert estimate_share(frame) == pytest.approx(72 / 108)


# ---------------------------------------------------------------- property tests

def reference_rule(exporter_report, importer_report):
    """The rule written out case by case: report = (value, estimate) or None."""
    for report, side in ((exporter_report, "exporter"), (importer_report, "importer")):
        if report is not None and not report[1]:
            return report[0], side, False
    for report, side in ((exporter_report, "exporter"), (importer_report, "importer")):
        if report is not None:
            return report[0], side, True
    return None


report = st.one_of(st.none(), st.tuples(st.integers(0, 1000).map(float), st.booleans()))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.tuples(st.sampled_from("ABCD"), st.sampled_from("ABCD"),
                                 st.sampled_from([2000, 2001])),
                       st.tuples(report, report), max_size=20))
def test_bilateral_matches_the_rule_case_by_case(cases):
    rows = []
    for (exporter, importer, year), (x, m) in cases.items():
        if x is not None:
            rows.append((exporter, importer, "exports", year, x[0], x[1]))
        if m is not None:
            rows.append((importer, exporter, "imports", year, m[0], m[1]))
    result = bilateral_trade(flows_frame(rows), ["A", "B", "C"])
    expected = {}
    for (exporter, importer, year), (x, m) in cases.items():
        if exporter == importer or "D" in (exporter, importer):
            continue
        chosen = reference_rule(x, m)
        if chosen is not None:
            expected[(exporter, importer, year)] = chosen
    got = {(r.exporter, r.importer, r.year): (r.value_usd_m, r.source, bool(r.estimate))
           for r in result.itertuples()}
    assert got == expected
    assert not result.duplicated(["exporter", "importer", "year"]).any()
    # the share of the matrix's value that rests on estimates, counted case by case
    total = sum(v for v, _, _ in expected.values())
    estimated = sum(v for v, _, flagged in expected.values() if flagged)
    share = estimate_share(result)
    if total > 0:
        assert share == pytest.approx(estimated / total)
    else:
        assert math.isnan(share)


def test_empty_flows_give_empty_frames():
    empty = flows_frame([])
    assert bilateral_trade(empty, ["A", "B"]).empty
    assert list(bilateral_trade(empty, ["A", "B"]).columns) == BILATERAL_COLUMNS
    assert total_trade(empty, ["A"]).empty
    assert np.isnan(estimate_share(bilateral_trade(empty, ["A", "B"])))


def test_total_trade_years_are_integers_and_a_missing_flag_means_national():
    # an estimate flag left blank on a reported total counts as a national figure (share
    # 0.0); the years keep their integer type
    flows = pd.DataFrame.from_records([
        ("A", "WLD", "exports", 2000, 500.0, None), ("A", "WLD", "imports", 2000, 400.0, True),
        ("A", "WLD", "exports", 2001, 50.0, False)], columns=FLOW_COLUMNS)
    result = total_trade(flows, ["A"])
    assert result.year.dtype == "int64" and result.year.tolist() == [2000, 2001]
    assert result.exports_estimate_share.tolist() == [0.0, 0.0]
    assert result.imports_estimate_share.tolist()[0] == 1.0
    assert math.isnan(result.imports_estimate_share.tolist()[1])


def test_bilateral_result_is_indexed_and_typed_and_a_blank_flag_is_national():
    # A->B: the exporter's flag is blank (a national figure), so its 10 is used, not the
    # importer's 11; B->A: only the importer's report, flag blank.
    flows = pd.DataFrame.from_records([
        ("A", "B", "exports", 2001, 10.0, None), ("B", "A", "imports", 2001, 11.0, False),
        ("A", "B", "imports", 2000, 4.0, None), ("C", "A", "exports", 2000, 1.0, True)],
        columns=FLOW_COLUMNS)
    result = bilateral_trade(flows, ["A", "B", "C"])
    assert result.index.tolist() == [0, 1, 2]
    assert result.year.dtype == "int64"
    assert [(r.exporter, r.importer, r.year, r.value_usd_m, r.source, bool(r.estimate))
            for r in result.itertuples()] == [("A", "B", 2001, 10.0, "exporter", False),
                                              ("B", "A", 2000, 4.0, "importer", False),
                                              ("C", "A", 2000, 1.0, "exporter", True)]
    flipped = bilateral_trade(flows, ["A", "B", "C"], prefer="importer")
    assert one(flipped, "A", "B", 2001).value_usd_m == 11.0


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"^prefer must be 'exporter' or 'importer', not 'both'$"):
        bilateral_trade(RULE_FLOWS, ["A", "B"], prefer="both")
    with pytest.raises(TypeError, match=r"^countries must be a collection of ISO3 codes, not one string$"):
        bilateral_trade(RULE_FLOWS, "AB")
    with pytest.raises(ValueError, match=r"^'WLD' is the world total, not a partner country$"):
        bilateral_trade(RULE_FLOWS, ["A", "WLD"])
    with pytest.raises(ValueError, match=r"^flows has negative values$"):
        bilateral_trade(flows_frame([("A", "B", "exports", 2000, -1.0, False)]), ["A", "B"])
    duplicate = flows_frame([("A", "B", "imports", 2000, 1.0, False), ("A", "C", "exports", 2000, 1.0, False),
                             ("A", "B", "imports", 2000, 2.0, False)])
    with pytest.raises(ValueError, match=r"^flows has more than one row for key \['A', 'B', 'imports', 2000\]$"):
        bilateral_trade(duplicate, ["A", "B", "C"])


def test_estimate_share_groups_by_one_or_several_columns_and_skips_blank_flags():
    frame = pd.DataFrame({"group": ["x", "x", "y", "y"], "year": [2000, 2001, 2000, 2000],
                          "value_usd_m": [0.2, 0.6, 0.5, 3.0],
                          "estimate": [1.0, 0.0, 1.0, np.nan]})
    # the blank flag's row is left out: (0.2 + 0.5) / (0.2 + 0.6 + 0.5)
    assert estimate_share(frame) == pytest.approx(0.7 / 1.3)
    assert estimate_share(frame.iloc[[0]]) == 1.0            # a total below one is still a total
    by_group = estimate_share(frame, "group")
    assert by_group.name == "estimate_share" and by_group.index.name == "group"
    assert by_group.to_dict() == pytest.approx({"x": 0.25, "y": 1.0})
    by_both = estimate_share(frame, ["group", "year"])
    assert by_both.to_dict() == pytest.approx({("x", 2000): 1.0, ("x", 2001): 0.0, ("y", 2000): 1.0})
