"""The SWOT benchmark families, the verdict rule at both sides of each threshold, each
verdict's margin, the golden statistics of every verdict on the real extract, the
selection rule's structural variants and the judgements by rule."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.measures import swot, swot_evidence, swot_rules, swot_selection, swot_sensitivity
from analysis.paths import DATA_DIR

RULES = DATA_DIR / "reference" / "swot_rules.csv"


# ---------------------------------------------------------------- the rules file

def _rules_with(tmp_path, old, new):
    text = RULES.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "rules.csv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_every_tested_item_has_one_rule_of_its_family():
    table = swot.load_items()
    rules = swot_rules.load_rules()
    assert set(rules) == {code for code, item in table.items.items() if item.evidence}
    for code, rule in rules.items():
        assert table.items[code].evidence.rule == rule
        if rule.family in swot_rules.FAMILY_THRESHOLDS:
            assert (rule.supported_at, rule.contradicted_at) == swot_rules.FAMILY_THRESHOLDS[rule.family]
    # the items the referee named now test what their words say
    assert rules["W9"].reference == rules["O5"].reference == rules["W4"].reference == "world"
    assert table.items["T5"].evidence.measure == "major_currency_instability"
    assert table.scopes["major_currencies"] == ["DEU", "CHN"]
    assert table.items["S1"].evidence.params["grouping"] == "new_silk_road"


@pytest.mark.parametrize("old, new, field", [
    ("W1,share,countries_beyond_world,world,0.6,0.4", "W1,share,countries_beyond_world,world,0.5,0.4", "supported_at"),
    ("O6,trend,scope_median_trend,window_start,0.05,-0.05", "O6,trend,scope_median_trend,window_start,0.1,-0.05",
     "supported_at"),
    ("W3,level,dispersion", "W3,levels,dispersion", "family"),
    ("W3,level,dispersion,fixed", "W3,level,dispersion,european_end", "reference"),
    ("W3,level,dispersion,fixed,0.5,0.25", "W3,level,dispersion,fixed,0.5,0.5", "contradicted_at"),
    ("W3,level,dispersion,fixed,0.5", "W3,level,dispersion,fixed,half", "supported_at"),
    ("W3,level,dispersion,fixed,0.5,0.25,2016-2020", "W3,level,dispersion,fixed,0.5,0.25,2016-2019", "window"),
    ("W3,level,dispersion,", "W3,level,similarity_gap,", "statistic"),
    ("W3,level,", "W33,level,", "item"),
])
def test_rules_file_errors_name_file_row_and_field(tmp_path, old, new, field):
    path = _rules_with(tmp_path, old, new)
    with pytest.raises(DataError, match=rf"rules.csv, row \d+, field '{field}'"):
        swot.load_items(rules_path=path)


def _row_of(path, code):
    """The 1-based row of ``code``'s (last) rule in the rules file (the header is row 1)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return max(number for number, line in enumerate(lines, 1) if line.startswith(f"{code},"))


@pytest.mark.parametrize("old, new, code, field, message", [
    ("W3,level,", "X3,level,", "X3", "item", "an item code is S, W, O or T followed by a number"),
    ("W3,level,", "W1,level,", "W1", "item", "W1 has two rows"),
    ("W3,level,dispersion", "W3,levels,dispersion", "W3", "family",
     f"family must be one of {', '.join(swot_rules.FAMILIES)}"),
    ("W3,level,dispersion,fixed", "W3,level,dispersion,european_end", "W3", "reference",
     f"reference must be one of {', '.join(swot_rules.REFERENCES)}"),
    ("W3,level,dispersion,fixed,0.5", "W3,level,dispersion,fixed,half", "W3", "supported_at", "'half' is not a number"),
    ("W3,level,dispersion,fixed,0.5,0.25", "W3,level,dispersion,fixed,0.5,low", "W3", "contradicted_at",
     "'low' is not a number"),
    ("W3,level,dispersion,fixed,0.5,0.25", "W3,level,dispersion,fixed,0.5,0.5", "W3", "contradicted_at",
     "the two thresholds must differ"),
    ("W1,share,countries_beyond_world,world,0.6,0.4", "W1,share,countries_beyond_world,world,0.5,0.4", "W1",
     "supported_at", "the share family's thresholds are 0.6 and 0.4"),
    ("W3,level,dispersion,", "W3,level,similarity_gap,", "W3", "statistic",
     "the items file tests W3 with dispersion"),
    ("W3,level,dispersion,fixed,0.5,0.25,2016-2020", "W3,level,dispersion,fixed,0.5,0.25,2016-2019", "W3", "window",
     "the items file's parameters cover 2016-2020"),
])
def test_each_rules_file_error_is_named_whole(tmp_path, old, new, code, field, message):
    """The whole message: the file, the row a person sees, the field and what is wrong."""
    path = _rules_with(tmp_path, old, new)
    with pytest.raises(DataError) as error:
        swot.load_items(rules_path=path)
    assert str(error.value) == f"file {path}, row {_row_of(path, code)}, field {field!r}: {message}"


def test_a_rule_without_a_reason_in_one_language_names_that_language(tmp_path):
    frame = pd.read_csv(RULES, dtype=str, keep_default_na=False)
    frame.loc[frame.item == "W3", "reason_ru"] = " "
    path = tmp_path / "rules.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataError) as error:
        swot.load_items(rules_path=path)
    assert str(error.value) == f"file {path}, row {_row_of(path, 'W3')}, field 'reason_ru': needs a reason"


def test_a_rules_file_with_other_columns_is_refused_as_a_whole(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text(RULES.read_text(encoding="utf-8").replace("reason_ru", "reason_russian", 1), encoding="utf-8")
    with pytest.raises(DataError) as error:
        swot.load_items(rules_path=path)
    assert str(error.value) == f"file {path}, field 'header': columns must be {', '.join(swot_rules.COLUMNS)}"


def test_a_tested_item_without_a_rule_is_an_error(tmp_path):
    text = RULES.read_text(encoding="utf-8")
    path = tmp_path / "rules.csv"
    path.write_text("\n".join(line for line in text.split("\n") if not line.startswith("W10,")), encoding="utf-8")
    with pytest.raises(DataError) as error:
        swot.load_items(rules_path=path)
    assert str(error.value) == f"file {path}, field 'item': no rule for ['W10']"


def test_window_of_each_kind_of_parameters():
    assert swot_rules.window_of({"years": [2016, 2020]}) == "2016-2020"
    assert swot_rules.window_of({"early": [2004, 2013], "late": [2014, 2023]}) == "2004-2023"
    assert swot_rules.window_of({"months": ["2014-01", "2024-11"]}) == "2014-01-2024-11"
    assert swot_rules.window_of({"since": 2016}) == "2016-latest"
    assert swot_rules.window_of({"scope": "study"}) == ""


# ---------------------------------------------------------------- the verdict at both sides of each threshold

@pytest.mark.parametrize("family, supported_at, contradicted_at", [
    ("share", 0.6, 0.4), ("trend", 0.05, -0.05), ("level", 0.5, 0.25), ("level reversed", -1.0, 1.0)])
def test_verdict_at_both_sides_of_each_threshold(family, supported_at, contradicted_at):
    step = 1e-9 * (1 if supported_at > contradicted_at else -1)
    check = lambda value: swot_rules.verdict({"x": value}, supported_at, contradicted_at)
    assert check(supported_at) == "supported"
    assert check(supported_at - step) == "mixed"
    assert check(contradicted_at) == "contradicted"
    assert check(contradicted_at + step) == "mixed"


# ---------------------------------------------------------------- margins

def test_margin_in_countries_eleven_of_seventeen_is_one_country_from_flipping():
    found = swot_rules.margin({"share": 11 / 17}, 0.6, 0.4, {"share": 17})
    assert (found.verdict, found.flips_to, found.units, found.fragile) == ("supported", "mixed", 1, True)
    assert swot_rules.verdict({"share": 10 / 17}, 0.6, 0.4) == "mixed"
    far = swot_rules.margin({"share": 15 / 17}, 0.6, 0.4, {"share": 17})
    assert (far.units, far.fragile) == (5, False)
    assert swot_rules.verdict({"share": 10 / 17}, 0.6, 0.4) != swot_rules.verdict({"share": 11 / 17}, 0.6, 0.4)


@pytest.mark.parametrize("have, count, expected", [
    (0, 2, ("contradicted", 1)), (2, 10, ("contradicted", 3)), (4, 10, ("contradicted", 1)),
    (5, 10, ("mixed", 1)), (3, 5, ("supported", 1)), (5, 5, ("supported", 3)), (6, 10, ("supported", 1)),
])
def test_margin_units_flip_the_verdict_when_applied(have, count, expected):
    found = swot_rules.margin({"s": have / count}, 0.6, 0.4, {"s": count})
    assert (found.verdict, found.units) == expected
    direction = -1 if found.verdict == "supported" or found.flips_to == "contradicted" else 1
    moved = have + direction * found.units
    assert swot_rules.verdict({"s": moved / count}, 0.6, 0.4) != found.verdict
    one_less = have + direction * (found.units - 1)
    assert swot_rules.verdict({"s": one_less / count}, 0.6, 0.4) == found.verdict


@pytest.mark.parametrize("values, supported_at, contradicted_at", [
    ({"a": 0.116}, 0.05, -0.05), ({"a": -0.033}, 0.05, -0.05), ({"a": 0.055}, 0.05, -0.05),
    ({"china": 4.28, "west": -0.38}, 1.0, 0.0), ({"e": 0.32, "m": 0.15}, 0.2, 0.1),
    ({"gap": -0.059}, 0.05, 0.0), ({"x": 0.3}, -1.0, 1.0), ({"wto": 39.0, "desta": 60.0}, 10.0, 0.0),
])
def test_margin_amount_flips_the_verdict_when_applied(values, supported_at, contradicted_at):
    found = swot_rules.margin(values, supported_at, contradicted_at)
    sign = 1.0 if supported_at > contradicted_at else -1.0
    toward = {"supported": sign, "contradicted": -sign}[found.flips_to] if found.verdict == "mixed" else (
        -sign if found.verdict == "supported" else sign)
    shift = lambda amount: {key: value + toward * amount for key, value in values.items()}
    assert swot_rules.verdict(shift(found.amount + 1e-6), supported_at, contradicted_at) != found.verdict
    assert swot_rules.verdict(shift(max(found.amount - 1e-6, 0)), supported_at, contradicted_at) == found.verdict


def test_fragile_within_ten_per_cent_of_the_threshold():
    assert swot_rules.margin({"cv": 0.5475}, 0.5, 0.25).fragile          # 0.0475 <= 0.05
    assert not swot_rules.margin({"cv": 0.56}, 0.5, 0.25).fragile
    # a threshold of zero: 10% of the distance between the thresholds
    assert swot_rules.margin({"gap": -0.004}, 0.05, 0.0).fragile
    assert not swot_rules.margin({"gap": -0.006}, 0.05, 0.0).fragile
    assert swot_rules.margin({"x": float("nan")}, 0.6, 0.4) is None


# ---------------------------------------------------------------- golden: every verdict on the real extract

GOLDEN = {  # statistic values, verdict, margin in units (shares), fragile
    "S1": ({"index": -0.0301}, "mixed", None, False),
    "S3": ({"wto": 39.0, "desta": 60.0}, "supported", None, False),
    "W1": ({"share": 0.6471}, "supported", 1, True),
    "W2": ({"share": 0.8235}, "supported", 4, False),
    "W3": ({"cv": 0.5475}, "supported", None, True),
    "W4": ({"gap": -0.0593}, "contradicted", None, False),
    "W8": ({"wto": 0.6724, "desta": 0.6186}, "supported", 2, False),
    "W9": ({"share": 0.8824}, "supported", 5, False),
    "W10": ({"cv": 0.7141}, "supported", None, False),
    "O4": ({"share": 1.0}, "supported", 2, False),
    "O5": ({"share": 0.6111}, "supported", 1, True),
    "O6": ({"change": 0.1159}, "supported", None, False),
    "O10": ({"change": -0.0329}, "mixed", None, False),
    "O11": ({"change": 0.4878}, "supported", None, False),
    "O17": ({"change": 0.8506}, "supported", None, False),
    "T3": ({"china": 4.2792, "west": -0.3813}, "mixed", None, False),
    "T4": ({"iENERGY": 0.3217, "iMETMIN": 0.1521}, "mixed", None, False),
    "T5": ({"depreciation": 0.0, "inflation": 0.2}, "contradicted", 1, True),
    "T7": ({"share": 0.8824}, "supported", 5, False),
}


@pytest.fixture(scope="module")
def assessed():
    from analysis.data.load import load_extract
    from analysis.measures import results
    extract = load_extract()
    table = swot.load_items()
    assessment, findings = swot.assess(table, extract, results.compute(extract))
    return table, assessment, findings, swot.load_tows(table=table)


def test_every_verdict_statistic_on_the_real_extract(assessed):
    # golden; the T3 values die if a growth window loses its last year, the W9 and O5
    # values if the world's value is swapped for a comparison group's
    _, assessment, findings, _ = assessed
    rows = assessment.set_index("code")
    assert set(findings) == set(GOLDEN)
    for code, (values, verdict, units, fragile) in GOLDEN.items():
        assert {key: round(value, 4) for key, value in findings[code].values.items()} == values, code
        assert rows.verdict[code] == verdict, code
        found = rows.margin_units[code]
        assert (None if found is None or found != found else int(found)) == units, code
        assert bool(rows.fragile[code]) == fragile, code
    assert findings["T5"].counts == {"depreciation": 2, "inflation": 10}
    assert findings["W1"].counts == {"share": 17}


# ---------------------------------------------------------------- mutants the review found surviving

def _wdi(rows):
    return pd.DataFrame(rows, columns=["iso3", "indicator", "year", "value"])


def test_growth_windows_include_their_last_year():
    rows = [("CHN", "NY.GDP.MKTP.KD.ZG", year, value) for year, value in
            [(2000, 10.0), (2001, 10.0), (2002, 4.0), (2003, 6.0), (2004, 2.0)]]
    params = {"scopes": ["china"], "early": [2000, 2002], "late": [2003, 2004]}
    found = swot_evidence.growth_slowdown(SimpleNamespace(wdi=_wdi(rows)), None, {"china": ["CHN"]}, params)
    assert found.values["china"] == pytest.approx(8.0 - 4.0)   # a window losing 2002 or 2004 gives 10 - 6 or 8 - 6


def test_comparison_group_uses_its_median_not_its_mean():
    rows = [(c, "LP.LPI.OVRL.XQ", 2018, v) for c, v in
            [("KAZ", 2.8), ("KGZ", 3.4), ("DEU", 4.0), ("FRA", 3.0), ("ITA", 3.5)]]
    params = {"series": "LP.LPI.OVRL.XQ", "since": 2016, "scope": "s", "reference_scope": "eu", "direction": "below"}
    found = swot_evidence.countries_beyond_scope_median(SimpleNamespace(wdi=_wdi(rows)), None,
                                                        {"s": ["KAZ", "KGZ"], "eu": ["DEU", "FRA", "ITA"]}, params)
    # median 3.5: both below; the mean 3.5 would be the same, so a third bar tells them apart
    assert found.lines == {"share": 3.5} and found.values == {"share": 1.0}
    rows = [(c, "LP.LPI.OVRL.XQ", 2018, v) for c, v in
            [("KAZ", 2.8), ("KGZ", 3.3), ("DEU", 4.2), ("FRA", 3.0), ("ITA", 3.2)]]
    found = swot_evidence.countries_beyond_scope_median(SimpleNamespace(wdi=_wdi(rows)), None,
                                                        {"s": ["KAZ", "KGZ"], "eu": ["DEU", "FRA", "ITA"]}, params)
    assert found.lines == {"share": 3.2} and found.values == {"share": 0.5}   # the mean 3.47 would give 1.0
    world = [("KAZ", "LP.LPI.OVRL.XQ", 2018, 2.8), ("KGZ", "LP.LPI.OVRL.XQ", 2018, 3.3), ("WLD", "LP.LPI.OVRL.XQ", 2018, 3.0)]
    found = swot_evidence.countries_beyond_scope_median(SimpleNamespace(wdi=_wdi(world)), None, {"s": ["KAZ", "KGZ"]},
                                                        {**params, "reference_scope": "world"})
    assert found.lines == {"share": 3.0} and found.values == {"share": 0.5} and found.counts == {"share": 2}


def test_rank_range_is_the_5th_to_95th_percentile():
    # 94 draws at rank 1, 6 at rank 3: the 95th percentile is 3, the 90th would be 1
    draws = pd.DataFrame({"O1": [1] * 94 + [3] * 6, "O2": [2] * 94 + [1] * 6})
    stability = swot_sensitivity.rank_stability(draws, pd.Series({"O1": 0.6, "O2": 0.4}))
    assert stability.loc["O1", ["low", "high"]].tolist() == [1, 3]
    # 4 draws at rank 2 of 100: inside the 5th percentile, outside the 10th would differ too
    draws = pd.DataFrame({"O1": [2] * 7 + [1] * 93, "O2": [1] * 7 + [2] * 93})
    assert swot_sensitivity.rank_stability(draws, pd.Series({"O1": 0.6, "O2": 0.4})).loc["O2", "low"] == 1


def test_major_currencies_and_world_inflation():
    rows = [("DEU", "PA.NUS.FCRF", 2014, 0.75), ("DEU", "PA.NUS.FCRF", 2015, 0.90),
            ("CHN", "PA.NUS.FCRF", 2014, 6.1), ("CHN", "PA.NUS.FCRF", 2015, 6.2)]
    rows += [("WLD", "FP.CPI.TOTL.ZG", year, value) for year, value in [(2014, 2.0), (2015, 8.0)]]
    params = {"scope": "m", "years": [2014, 2015], "inflation_above": 5, "depreciation_above": 15}
    found = swot_evidence.major_currency_instability(SimpleNamespace(wdi=_wdi(rows)), None,
                                                     {"m": ["DEU", "CHN"]}, params)
    assert found.values == {"depreciation": 0.5, "inflation": 0.5}   # the euro lost 20% in 2015
    assert found.counts == {"depreciation": 2, "inflation": 2}


# ---------------------------------------------------------------- judgements by rule and structural choices

def test_nearest_step_of_saatys_scale():
    assert [swot_selection.nearest_step(r) for r in (1.0, 1.45, 1.5, 2.4, 12.0)] == [1.0, 1.0, 2.0, 2.0, 9.0]
    assert swot_selection.nearest_step(1 / 1.6) == pytest.approx(0.5)


def test_rule_judgements_compare_prevalences_only_and_groups_equal():
    evidence = lambda family: swot.Evidence("dispersion", {}, 0.6, 0.4, "share", {},
                                            swot_rules.Rule("x", family, "dispersion", "world", 0.6, 0.4, "", {}))
    items = {"W1": swot.Item("W1", "W", {}, evidence("share"), None), "W2": swot.Item("W2", "W", {}, evidence("share"), None),
             "W3": swot.Item("W3", "W", {}, evidence("level"), None), "W4": swot.Item("W4", "W", {}, None, {})}
    table = swot.SwotTable(items, {}, {})
    findings = {"W1": swot.Finding({"share": 0.9}), "W2": swot.Finding({"share": 0.45}), "W3": swot.Finding({"cv": 9.0})}
    selected = {"S": [], "W": ["W1", "W2", "W3", "W4"], "O": [], "T": []}
    frame = swot_selection.rule_judgements(table, findings, selected).set_index(["first", "second"])
    assert frame.loc[("W1", "W2"), "judgement"] == "2"          # 0.9 / 0.45 = 2
    assert frame.loc[("W1", "W3"), "judgement"] == "1"          # a level has no prevalence
    assert frame.loc[("W1", "W4"), "judgement"] == "1"          # having data raises nothing
    assert set(frame[frame.level == "groups"].judgement) == {"1"}
    assert "{W1}" in frame.loc[("W1", "W2"), "reason_en"]


def test_the_books_judgements_file_is_the_rule(assessed):
    table, assessment, findings, tows = assessed
    selected = swot_selection.select_items(table, assessment, tows)["selected"]
    expected = swot_selection.rule_judgements(table, findings, selected).drop(columns=["value", "line"])
    book = pd.read_csv(DATA_DIR / "reference" / "swot_judgements.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(book, expected)
    assert selected == {"S": ["S3", "S1", "S2"], "W": ["W1", "W2", "W9", "W10"],
                        "O": ["O6", "O11", "O5", "O17"], "T": ["T4", "T3", "T6"]}


def test_measure_ranking_under_each_structural_choice(assessed):
    from analysis.measures import awot
    table, assessment, findings, tows = assessed
    found = swot_selection.structural_rankings(table, assessment, findings, tows, awot.load()).set_index(["fill", "dedup"])
    link = {key: row.round(3).to_dict() for key, row in found.link_sum.items()}
    awot_ = {key: row.round(3).to_dict() for key, row in found.awot.items()}
    # golden: the rule ties M1 and M6 by link-sum; evidence counted twice puts M1 ahead;
    # the first edition's hand-picked S5 puts M6 ahead
    assert (link[("rule", True)]["M1"], link[("rule", True)]["M6"]) == (0.208, 0.208)
    assert (link[("rule", False)]["M1"], link[("rule", False)]["M6"]) == (0.283, 0.207)
    assert (link[("earlier_edition", True)]["M6"], link[("earlier_edition", True)]["M1"]) == (0.292, 0.208)
    assert list(found.awot[("rule", True)].index[:3]) == ["M6", "M1", "M4"]
    assert list(found.awot[("rule", False)].index[:2]) == ["M1", "M6"]
    assert list(found.awot[("none", True)].index[:3]) == ["M1", "M4", "M6"]
    for key in found.index:
        assert found.awot[key].sum() == pytest.approx(1.0)
        assert found["items"][key].sum() == pytest.approx(1.0)
    assert awot_[("rule", True)]["M6"] == 0.179


# ---------------------------------------------------------------- each margin's unit named

def test_margin_unit_is_the_counted_unit_that_decides():
    # T5's shape: no currency of two lost more than the bar (0 of 2), 2 years of 10 with
    # high inflation; one currency flips it, three years would: the currency decides
    values, counts = {"depreciation": 0.0, "inflation": 0.2}, {"depreciation": 2, "inflation": 10}
    counted = {"depreciation": "currencies", "inflation": "years"}
    found = swot_rules.margin(values, 0.6, 0.4, counts)
    assert (found.verdict, found.units, found.units_of) == ("contradicted", 1, ("depreciation",))
    assert swot_rules.margin_unit(found, "share", list(values), counted) == ("currencies", 1.0)
    # with ten currencies the years decide (five currencies against three years)
    found = swot_rules.margin(values, 0.6, 0.4, {"depreciation": 10, "inflation": 10})
    assert (found.units, found.units_of) == (3, ("inflation",))
    assert swot_rules.margin_unit(found, "share", list(values), counted) == ("years", 1.0)
    # a mixed verdict adds the units of every value: named only when they are alike
    found = swot_rules.margin({"a": 0.5, "b": 0.7}, 0.6, 0.4, {"a": 10, "b": 10})
    assert (found.verdict, found.units, found.units_of) == ("mixed", 1, ("a", "b"))
    assert swot_rules.margin_unit(found, "share", ["a", "b"], {"a": "countries", "b": "countries"})[0] == "countries"
    assert swot_rules.margin_unit(found, "share", ["a", "b"], {"a": "countries", "b": "years"})[0] == "units"


def test_margin_amounts_are_in_percentage_points_index_points_or_the_ratio():
    found = swot_rules.margin({"change": 0.1159}, 0.05, -0.05)
    unit, factor = swot_rules.margin_unit(found, "share", ["change"], {})
    assert (unit, factor) == ("percentage_points", 100.0) and found.amount * factor == pytest.approx(6.59)
    found = swot_rules.margin({"china": 4.28, "west": -0.38}, 1.0, -1.0)
    assert swot_rules.margin_unit(found, "points", ["china", "west"], {}) == ("percentage_points", 1.0)
    found = swot_rules.margin({"index": -0.03}, 0.1, -0.1)
    assert swot_rules.margin_unit(found, "number", ["index"], {}) == ("index_points", 1.0)
    assert swot_rules.margin_unit(swot_rules.margin({"gap": -0.06}, 0.05, 0.0), "number", ["gap"], {})[0] == \
        "index_points"
    assert swot_rules.margin_unit(swot_rules.margin({"cv": 0.55}, 0.5, 0.25), "number", ["cv"], {})[0] == "ratio"
    found = swot_rules.margin({"wto": 39.0, "desta": 60.0}, 10, 0)
    assert swot_rules.margin_unit(found, "count", ["wto", "desta"], {"wto": "agreements", "desta": "agreements"}) \
        == ("agreements", 1.0)
    with pytest.raises(ValueError, match="no margin unit.*'speed'"):
        swot_rules.margin_unit(swot_rules.margin({"speed": 3.0}, 2.0, 1.0), "number", ["speed"], {})


GOLDEN_MARGIN_UNITS = {  # item: (unit, margin in that unit, rounded)
    "S1": ("index_points", 0.07), "S3": ("agreements", 29), "W1": ("countries", 1), "W2": ("countries", 4),
    "W3": ("ratio", 0.05), "W4": ("index_points", 0.06), "W8": ("agreements", 2), "W9": ("countries", 5),
    "W10": ("ratio", 0.21), "O4": ("countries", 2), "O5": ("countries", 1), "O6": ("percentage_points", 6.59),
    "O10": ("percentage_points", 1.71), "O11": ("percentage_points", 43.78), "O17": ("percentage_points", 80.06),
    "T3": ("percentage_points", 1.38), "T4": ("percentage_points", 4.79), "T5": ("currencies", 1),
    "T7": ("countries", 5),
}


def test_every_margin_names_its_unit_on_the_real_extract(assessed):
    _, assessment, findings, _ = assessed
    rows = assessment.set_index("code")
    assert set(GOLDEN_MARGIN_UNITS) == set(findings)
    for code, (unit, amount) in GOLDEN_MARGIN_UNITS.items():
        assert (rows.margin_unit[code], round(rows.margin_in_unit[code], 2)) == (unit, amount), code
    assert rows.loc[rows.verdict == "no_data", "margin_unit"].isna().all()


def test_margin_text_names_the_unit_in_each_language():
    from analysis.present import swot_figures
    text = swot_figures.margin_amount_text
    assert [text("countries", 1, "en"), text("countries", 5, "ru"), text("years", 3, "kk")] == \
        ["1 country", "5 стран", "3 жыл"]
    assert text("percentage_points", 6.587983, "en") == "6.6 percentage points"
    assert text("percentage_points", 6.587983, "ru") == "6,6 процентного пункта"
    assert text("index_points", 0.0699, "kk") == "0,07 индекс бірлігі"
    assert text("ratio", 0.0475, "en") == "0.05 (coefficient of variation, a ratio)"


# ---------------------------------------------------------------- evidence of the groupings, on hand-made series

class _Integration:
    def __init__(self, table):
        self.table = table

    def grouping_series(self, indicator):
        assert indicator == "RTII"
        return self.table


def test_groupings_positive_in_the_last_year_level_and_trend():
    table = pd.DataFrame({"EAEU": [-0.2, -0.1, 0.0, 0.1, 0.2, 0.3], "SCO": [0.1, 0.1, 0.1, 0.1, -0.1, -0.2],
                          "CAREC": [0.3, 0.3, 0.3, 0.2, 0.2, np.nan], "ASEAN": [0.1, 0.2, 0.1, 0.2, 0.1, 0.0],
                          "ECO": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]},
                         index=range(2015, 2021))
    found = swot_evidence.grouping_indicator_positive(None, _Integration(table), {}, {"indicator": "RTII"})
    # last year: EAEU and ECO above zero, SCO below, ASEAN at zero (neither), CAREC missing
    assert found.values == {"share": pytest.approx(2 / 4)}
    assert found.counts == {"share": 4} and found.counted == {"share": "groupings"} and found.lines == {"share": 0.0}
    assert list(found.series["share"].dropna().index) == ["SCO", "ASEAN", "EAEU", "ECO"]
    level = swot_evidence.grouping_level(None, _Integration(table), {}, {"indicator": "RTII", "grouping": "CAREC"})
    assert level.values == {"index": pytest.approx(0.2)} and level.lines == {"index": 0.0}   # its last value, 2019
    trend = swot_evidence.grouping_trend(None, _Integration(table), {}, {"indicator": "RTII", "grouping": "SCO"})
    assert trend.values == {"change": pytest.approx((-0.2 / 3) / 0.1 - 1)}


# ---------------------------------------------------------------- golden: the series and comparison lines behind each verdict

GOLDEN_SERIES = {  # item: (comparison lines, {series: (length, sum)}) of the small multiples
    'S1': ({'index': 0.0}, {'index': (21, 2.85)}),
    'S3': ({}, {'wto': (2, 58.0), 'desta': (2, 97.0)}),
    'W1': ({'share': 15.1357}, {'share': (17, 594.42)}),
    'W2': ({'share': 68.9749}, {'share': (17, 576.6)}),
    'W3': ({}, {'cv': (18, 252824.91)}),
    'W4': ({}, {'gap': (2, 1.04)}),
    'W8': ({}, {'wto': (2, 58.0), 'desta': (2, 97.0)}),
    'W9': ({'share': 3.0}, {'share': (17, 44.43)}),
    'W10': ({}, {'cv': (18, 48.71)}),
    'O4': ({'share': 15.1357}, {'share': (4, 181.99)}),
    'O5': ({'share': 0.7}, {'share': (18, 13.3)}),
    'O6': ({}, {'change': (7, 17.77)}),
    'O10': ({}, {'change': (21, 7.91)}),
    'O11': ({}, {'change': (21, 8.91)}),
    'O17': ({}, {'change': (24, 5.29)}),
    'T3': ({}, {'china': (20, 163.58), 'west': (20, 23.22)}),
    'T4': ({}, {'iENERGY': (131, 11766.79), 'iMETMIN': (131, 11595.48)}),
    'T5': ({'depreciation': 20.0, 'inflation': 5.0}, {'depreciation': (2, 26.43), 'inflation': (10, 31.56)}),
    'T7': ({'share': 3.0}, {'share': (17, 44.43)}),
}


def test_every_small_multiple_on_the_real_extract(assessed):
    # one series per value, its comparison line where it has one: the figure of the
    # evidence draws exactly these (lengths and sums pin the windows and the countries)
    _, _, findings, _ = assessed
    assert set(findings) == set(GOLDEN_SERIES)
    for code, (lines, series) in GOLDEN_SERIES.items():
        finding = findings[code]
        assert set(finding.series) == set(finding.values), code
        assert {key: round(value, 4) for key, value in finding.lines.items()} == lines, code
        assert {key: (int(found.notna().sum()), round(float(found.sum()), 2))
                for key, found in finding.series.items()} == series, code


def test_a_grouping_without_data_has_no_level():
    table = pd.DataFrame({"EAEU": [np.nan, np.nan]}, index=[2019, 2020])
    found = swot_evidence.grouping_level(None, _Integration(table), {}, {"indicator": "RTII", "grouping": "EAEU"})
    assert np.isnan(found.values["index"]) and found.series["index"].empty and found.lines == {"index": 0.0}


def test_export_similarity_gap_against_a_comparison_group_and_the_world():
    codes = {"fuel": "TX.VAL.FUEL.ZS.UN", "ores": "TX.VAL.MMTL.ZS.UN", "manufactures": "TX.VAL.MANF.ZS.UN"}
    shares = {"AAA": (80, 10, 10), "BBB": (60, 30, 15), "CCC": (0, 0, 50), "WLD": (10, 10, 70)}
    rows = [(country, code, 2018, value) for country, values in shares.items()
            for code, value in zip(codes.values(), values)]
    extract = SimpleNamespace(wdi=_wdi(rows))
    # BBB's three categories add up to 105%: "other" is 0, not -5%, and the rest is rescaled
    compositions = swot_evidence.export_compositions(extract, [2018], ["AAA", "BBB"])
    assert compositions.loc["BBB"].tolist() == pytest.approx([60 / 105, 30 / 105, 15 / 105, 0.0])
    scopes = {"s": ["AAA", "BBB"], "g": ["CCC"]}
    inside = 60 / 105 + 0.1 + 0.1                                 # AAA with BBB
    group = swot_evidence.similarity_gap(extract, None, scopes, {"years": [2018, 2018], "scope": "s",
                                                                 "reference_scope": "g"})
    assert group.values["gap"] == pytest.approx(inside - (0.1 + 15 / 105) / 2)
    world = swot_evidence.similarity_gap(extract, None, scopes, {"years": [2018, 2018], "scope": "s",
                                                                 "reference_scope": "world"})
    assert world.values["gap"] == pytest.approx(inside - (0.3 + 0.2 + 15 / 105) / 2)
    assert world.series["gap"].to_dict() == pytest.approx({"inside": inside, "across": (0.3 + 0.2 + 15 / 105) / 2})
    # one country has no pair inside the scope: no gap
    alone = swot_evidence.similarity_gap(extract, None, {"s": ["AAA"]}, {"years": [2018, 2018], "scope": "s",
                                                                        "reference_scope": "world"})
    assert list(alone.values) == ["gap"] and np.isnan(alone.values["gap"]) and alone.series == {}


def test_edges_of_the_coefficient_of_variation_and_the_relative_change():
    assert swot_evidence.coefficient_of_variation(pd.Series([0.5, 1.5])) == pytest.approx(0.5)   # mean exactly 1
    assert np.isnan(swot_evidence.coefficient_of_variation(pd.Series([-1.0, 1.0])))              # mean 0: no ratio
    # exactly two windows of three years are enough
    assert swot_evidence.relative_change(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])) == pytest.approx(5 / 2 - 1)


def test_world_share_counts_only_years_every_member_and_the_world_report():
    rows = []
    for year, (a_pc, b_pc, w_pc) in zip(range(2000, 2004), [(1, 1, 2), (2, np.nan, 2), (3, 3, 2), (4, 4, 2)]):
        for country, per_person, people in (("AAA", a_pc, 10), ("BBB", b_pc, 10), ("WLD", w_pc, 100)):
            rows += [(country, "NY.GDP.PCAP.PP.CD", year, per_person), (country, "SP.POP.TOTL", year, people)]
    found = swot_evidence.world_share_trend(SimpleNamespace(wdi=_wdi(rows)), None, {"s": ["AAA", "BBB"]},
                                            {"scope": "s", "years": [2000, 2003]})
    # 2001 is left out (BBB missing): shares 0.1, 0.3, 0.4
    assert found.series["change"].to_dict() == pytest.approx({2000: 0.1, 2002: 0.3, 2003: 0.4})
