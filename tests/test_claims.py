"""The claims ledger: the file's checks, each claim's measurement on hand-made data, and
every verdict's statistic and every number its reason quotes on the real extract."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.measures import claims, integration_stages


class FakeExtract:
    def __init__(self, **tables):
        self.__dict__.update(tables)


def claim(**fields):
    return pd.Series({"paper_value": "", **fields})


def verdict(measurement, rule):
    return claims.judge(measurement, rule).verdict


def test_ledger_file_loads_and_every_claim_has_a_test_or_names_its_data():
    table = claims.load_claims()
    assert {"C1", "C2", "C3", "C4a", "C4b", "C5", "C6"} <= set(table.id)
    assert (table.test.astype(bool) | table.data_needed_en.astype(bool)).all()


def test_claim_without_test_or_data_is_refused(tmp_path):
    table = claims.load_claims().head(4)
    table.loc[2, ["data_needed_kk", "data_needed_en", "data_needed_ru"]] = ""
    path = tmp_path / "claims.csv"
    table.to_csv(path, index=False)
    with pytest.raises(DataError) as error:
        claims.load_claims(path)
    assert error.value.row == 4 and error.value.field == "data_needed_kk"


def test_every_testable_claim_declares_a_known_rule_and_only_those(tmp_path):
    table = claims.load_claims()
    assert dict(zip(table.id[table.test != ""], table.rule[table.test != ""])) == {
        "C1": "lower_bound", "C2": "trend", "C4a": "count", "C4b": "lower_bound", "C5": "lower_bound",
        "C6": "condition", "C7": "condition", "W1": "majority", "W8": "majority", "T3": "trend",
        "T3-2020": "trend", "T5-2020": "majority"}
    assert (table.rule[table.test == ""] == "").all()
    broken = table.head(3).copy()
    broken.loc[1, "rule"] = "majority_vote"
    broken.to_csv(tmp_path / "claims.csv", index=False)
    with pytest.raises(DataError) as error:
        claims.load_claims(tmp_path / "claims.csv")
    assert (error.value.row, error.value.field) == (3, "rule") and "majority_vote" in str(error.value)
    untested = table[table.id == "C3"].copy()
    untested["rule"] = "count"
    untested.to_csv(tmp_path / "claims.csv", index=False)
    with pytest.raises(DataError) as error:
        claims.load_claims(tmp_path / "claims.csv")
    assert (error.value.row, error.value.field) == (2, "rule")


def test_a_missing_rule_column_is_named(tmp_path):
    claims.load_claims().drop(columns=["rule"]).to_csv(tmp_path / "claims.csv", index=False)
    with pytest.raises(DataError) as error:
        claims.load_claims(tmp_path / "claims.csv")
    assert error.value.field == "rule"


def test_judge_applies_the_named_rule_and_refuses_an_unknown_one():
    measured = claims.Measurement({"bounds": [120.0], "figures": [100.0]}, {"x": 1})
    finding = claims.judge(measured, "lower_bound")
    assert (finding.verdict, finding.values) == ("inconsistent", {"x": 1})
    with pytest.raises(ValueError, match="no_rule"):
        claims.judge(measured, "no_rule")
    with pytest.raises(TypeError):  # a claim measured for one rule cannot be judged by another
        claims.judge(measured, "count")


def test_unknown_test_function_is_refused(tmp_path):
    table = claims.load_claims().head(2)
    table.loc[0, "test"] = "no_such_test"
    path = tmp_path / "claims.csv"
    table.to_csv(path, index=False)
    with pytest.raises(DataError, match="no_such_test"):
        claims.load_claims(path)


def wdi(rows):
    return pd.DataFrame(rows, columns=["iso3", "indicator", "year", "value"])


def test_lower_bound_above_the_paper_share_is_inconsistent_below_it_ambiguous():
    values = pd.DataFrame({"AAA": [30.0, 40.0], "BBB": [10.0, 12.0], "WLD": [100.0, 100.0]}, index=[2019, 2020])
    assert verdict(claims.share_lower_bound(values, {"AAA"}, 0.29), "lower_bound") == "inconsistent"
    measured = claims.share_lower_bound(values, {"BBB", "ZZZ"}, 0.29)
    assert verdict(measured, "lower_bound") == "ambiguous"
    assert measured.values == {"year": 2020, "share": pytest.approx(0.12), "members_in_extract": 1, "members": 2,
                               "paper": 0.29}
    # the world row is never a member, even if a list names it
    assert claims.share_lower_bound(values, {"BBB", "WLD"}, 0.29).values["members_in_extract"] == 1
    # the latest year every member present reports, not the latest year of the table
    values.loc[2020, "BBB"] = float("nan")
    assert claims.share_lower_bound(values, {"BBB"}, 0.29).values["year"] == 2019


def test_bri_members_respect_join_and_exit_dates():
    bri = pd.DataFrame({"iso3": ["A", "B", "C"], "join_date": ["2014-01-01", "2020-01-01", "2015-01-01"],
                        "exit_date": ["", "", "2019-01-01"]})
    assert claims.bri_members(bri, "2018-06-01") == {"A", "C"}
    assert claims.bri_members(bri, "2021-06-01") == {"A", "B"}


def test_trade_doubling_rule():
    flows = pd.DataFrame({"reporter": "CHN", "partner": "AAA", "flow": "exports",
                          "year": [2013, 2020], "value_usd_m": [100.0, 150.0], "estimate": False})
    bri = pd.DataFrame({"iso3": ["AAA"], "join_date": ["2015-01-01"], "exit_date": [""]})
    measured = claims.china_bri_trade_doubling(FakeExtract(trade_flows=flows, bri_countries=bri), claim(paper_value="2"))
    assert verdict(measured, "trend") == "ambiguous" and measured.values["ratio"] == pytest.approx(1.5)
    assert measured.values["needed_growth"] == pytest.approx((2 / 1.5) ** (1 / 3) - 1)
    assert measured.values["observed_growth"] == pytest.approx(1.5 ** (1 / 7) - 1)
    assert measured.inputs == {"changes": [pytest.approx(1.5)], "claimed": 2.0, "no_change": 1.0, "deadline_passed": False}
    flows.loc[1, "value_usd_m"] = 250.0
    assert verdict(claims.china_bri_trade_doubling(FakeExtract(trade_flows=flows, bri_countries=bri),
                                                   claim(paper_value="2")), "trend") == "consistent"
    flows.loc[1, ["year", "value_usd_m"]] = [2023, 150.0]  # ten years over, not doubled
    late = claims.china_bri_trade_doubling(FakeExtract(trade_flows=flows, bri_countries=bri), claim(paper_value="2"))
    assert verdict(late, "trend") == "inconsistent" and "needed_growth" not in late.values


def test_trade_doubling_takes_the_partners_in_the_initiative_at_the_papers_date():
    """A partner that joined after the cited article but before the paper counts; one that
    left before the paper does not; China's trade with a non-member does not."""
    bri = pd.DataFrame({"iso3": ["AAA", "BBB", "CCC", "CHN"],
                        "join_date": ["2015-01-01", "2019-01-01", "2015-01-01", "2013-09-07"],
                        "exit_date": ["", "", "2020-01-01", ""]})
    flows = pd.DataFrame({"reporter": "CHN", "partner": ["AAA", "BBB", "CCC", "DDD"] * 2, "flow": "exports",
                          "year": [2013] * 4 + [2020] * 4, "value_usd_m": [10.0, 10.0, 10.0, 10.0, 30.0, 20.0, 70.0, 90.0],
                          "estimate": False})
    measured = claims.china_bri_trade_doubling(FakeExtract(trade_flows=flows, bri_countries=bri), claim(paper_value="2"))
    assert measured.values["partners"] == 2 and measured.values["ratio"] == pytest.approx(50 / 20)
    reported_by_partner = flows.assign(reporter="AAA", partner="CHN")
    measured = claims.china_bri_trade_doubling(FakeExtract(trade_flows=pd.concat([flows, reported_by_partner]),
                                                           bri_countries=bri), claim(paper_value="2"))
    assert measured.values["ratio"] == pytest.approx(50 / 20)  # China's own reports only
    # a row of China with itself (a data error) is not trade with a partner
    itself = flows.assign(partner="CHN")
    measured = claims.china_bri_trade_doubling(FakeExtract(trade_flows=pd.concat([flows, itself]), bri_countries=bri),
                                               claim(paper_value="2"))
    assert measured.values["partners"] == 2 and measured.values["ratio"] == pytest.approx(50 / 20)


def test_country_count_rule():
    bri = pd.DataFrame({"iso3": [f"C{i:02d}" for i in range(60)],
                        "join_date": ["2015-01-01"] * 30 + ["2020-01-01"] * 30, "exit_date": [""] * 60})
    measured = claims.bri_country_count(FakeExtract(bri_countries=bri), claim(paper_value="58"))
    assert measured.values == {"at_source": 30, "at_paper": 60, "paper": 58, "reached": "2020-01"}
    assert measured.inputs == {"counts": [30, 60], "figure": 58.0}
    assert verdict(measured, "count") == "consistent"  # 60 is within 10% of 58
    measured = claims.bri_country_count(FakeExtract(bri_countries=bri.head(30)), claim(paper_value="58"))
    assert verdict(measured, "count") == "inconsistent" and measured.values["reached"] == ""


def test_development_gap_rule():
    rows = [[c, "NY.GDP.PCAP.PP.CD", 2020, v] for c, v in
            [("DEU", 60e3), ("FRA", 55e3), ("AAA", 10e3), ("BBB", 11e3), ("CCC", 12e3)]]
    measured = claims.development_gap(FakeExtract(wdi=wdi(rows)), claim())
    assert verdict(measured, "condition") == "consistent" and measured.inputs == {"holds": [True, True]}
    rows.append(["NLD", "NY.GDP.PCAP.PP.CD", 2020, 70e3])
    measured = claims.development_gap(FakeExtract(wdi=wdi(rows)), claim())
    assert verdict(measured, "condition") == "inconsistent" and measured.values["richer_than_named"] == ["NLD"]
    assert measured.values["top"] == ["NLD", "DEU"] and measured.inputs["holds"] == [False, False]


def test_development_gap_spread_is_the_90th_over_the_10th_percentile():
    """Close in the middle, far apart in the tails: P90/P10 is 15 while P75/P25 is 1."""
    levels = [1, 2, 10, 10, 10, 10, 10, 10, 10, 30, 60]
    rows = [["DEU", "NY.GDP.PCAP.PP.CD", 2020, 90e3], ["FRA", "NY.GDP.PCAP.PP.CD", 2020, 80e3]]
    rows += [[f"C{i:02d}", "NY.GDP.PCAP.PP.CD", 2020, 1e3 * v] for i, v in enumerate(levels)]
    measured = claims.development_gap(FakeExtract(wdi=wdi(rows)), claim())
    assert measured.values["spread"] == pytest.approx(15.0)
    assert measured.inputs["holds"] == [True, False] and verdict(measured, "condition") == "inconsistent"
    # the latest year in which every country reports
    rows += [["DEU", "NY.GDP.PCAP.PP.CD", 2021, 95e3]]
    assert claims.development_gap(FakeExtract(wdi=wdi(rows)), claim()).values["year"] == 2020


def test_growth_slowdown_rule():
    # T3 names China and several Western countries: both must slow down for "consistent"
    def rows(west_late):
        table = [["CHN", "NY.GDP.MKTP.KD.ZG", year, 10.0 if year < 2014 else 5.0] for year in range(2004, 2024)]
        for country in ("DEU", "FRA", "ITA", "NLD"):
            table += [[country, "NY.GDP.MKTP.KD.ZG", year, 2.0 if year < 2014 else west_late] for year in range(2004, 2024)]
        return table

    measured = claims.growth_slowdown(FakeExtract(wdi=wdi(rows(2.0))), claim())
    assert verdict(measured, "trend") == "ambiguous"
    assert measured.values["china"] == pytest.approx(5.0) and measured.values["west"] == pytest.approx(0.0)
    assert measured.inputs == {"changes": [pytest.approx(5.0), pytest.approx(0.0)], "claimed": 1.0, "no_change": 0.0}
    assert verdict(claims.growth_slowdown(FakeExtract(wdi=wdi(rows(1.0))), claim()), "trend") == "consistent"
    assert verdict(claims.growth_slowdown(FakeExtract(wdi=wdi(rows(1.01))), claim()), "trend") == "ambiguous"
    assert verdict(claims.growth_slowdown(FakeExtract(wdi=wdi(rows(2.5))), claim()), "trend") == "ambiguous"


def test_agreement_stage_and_grouping_stage():
    assert integration_stages.agreement_stage("CU & EIA") == 2
    assert integration_stages.agreement_stage("FTA") == 1
    assert integration_stages.agreement_stage("PSA") == 0.5
    agreements = pd.DataFrame({
        "rta_id": [1, 2, 869, 922], "name": ["a", "b", "EU", "EAEU"], "type": ["CU", "FTA", "CU", "CU"],
        "status": ["In Force"] * 4, "entry_into_force": ["2015-01-01", "2010-01-01", "2013-07-01", "2015-01-01"],
        "inactive_date": ["", "", "", ""], "signatories": ["A;B", "A;B;C", "X;Y", "K;R"]})
    groupings = pd.DataFrame({"grouping": ["g", "g", "g"], "iso3": ["A", "B", "C"]})
    stages = integration_stages.grouping_stages(agreements, groupings, "2020-01-01").iloc[0]
    assert stages.common_stage == 1 and stages.deepest_stage == 2
    assert stages.share_customs_union == pytest.approx(1 / 3)
    before = integration_stages.grouping_stages(agreements, groupings, "2012-01-01").iloc[0]
    assert before.deepest_stage == 1


@pytest.fixture(scope="module")
def extract():
    """The real extract, loaded once per run of this module."""
    from analysis.data.load import load_extract

    return load_extract()


@pytest.fixture(scope="module")
def real():
    """The real extract and its ledger, computed once per run of this module (a fixture,
    not a cache: a mutation run must compute the ledger again with each mutant)."""
    from analysis.data.load import load_extract

    extract = load_extract()
    return extract, claims.ledger(extract).set_index("id", drop=False)


def test_full_ledger_gives_a_verdict_to_every_claim(real):
    _, ledger = real
    assert set(ledger.verdict) <= set(claims.VERDICTS)
    assert (ledger.loc[ledger.test == "", "verdict"] == "not_testable").all()


def test_ledger_of_hand_made_claims_judges_each_by_its_own_rule():
    """Two claims on one hand-made extract: each measured by its test, judged by its rule;
    a claim without a test is not testable; the values travel with the verdict."""
    bri = pd.DataFrame({"iso3": [f"C{i:02d}" for i in range(60)],
                        "join_date": ["2015-01-01"] * 57 + ["2020-01-01"] * 3, "exit_date": [""] * 60})
    table = claims.load_claims().set_index("id", drop=False).loc[["C4a", "C3"]].reset_index(drop=True)
    ledger = claims.ledger(FakeExtract(bri_countries=bri), table)
    assert list(ledger.verdict) == ["consistent", "not_testable"]
    assert ledger["values"][0] == {"at_source": 57, "at_paper": 60, "paper": 58, "reached": "2020-01"}
    assert ledger["values"][1] == {}
    assert list(ledger.id) == ["C4a", "C3"]
    table.loc[0, "rule"] = "majority"  # the declared rule is the one applied
    with pytest.raises(TypeError):
        claims.ledger(FakeExtract(bri_countries=bri), table)


GOLDEN_VERDICTS = {"C1": "ambiguous", "C2": "ambiguous", "C3": "not_testable", "C4a": "inconsistent",
                   "C4b": "ambiguous", "C5": "ambiguous", "C6": "inconsistent", "C7": "consistent",
                   "W1": "consistent", "W5": "not_testable", "W8": "consistent", "T3": "ambiguous",
                   "T6": "not_testable", "E1": "not_testable", "H1": "not_testable",
                   "T3-2020": "ambiguous", "T5-2020": "inconsistent"}
# Every statistic a verdict rests on and every number a reason quotes, on the real extract
GOLDEN_VALUES = {
    "C1": {"year": 2025, "share": 0.230946, "members_in_extract": 21, "members": 144, "paper": 0.29},
    "C2": {"start": 2013, "last": 2020, "horizon": 2023, "ratio": 1.064678, "partners": 20,
           "observed_growth": 0.008993, "needed_growth": 0.233873},
    "C4a": {"at_source": 28, "at_paper": 144, "paper": 58, "reached": "2018-03"},
    "C4b": {"year": 2016, "gdp_trn": 13.710216, "trade_share": 0.150702, "members_in_extract": 14, "members": 28,
            "paper_trn": 21.0, "paper_share": 0.29},
    "C5": {"via_places_km": 7846.237141, "direct_km": 6676.492846, "paper_km": 8445.0, "detour": 1.076312},
    "C6": {"year": 2023, "top": ["NLD", "DEU"], "richer_than_named": ["NLD"], "spread": 7.458043,
           "close_ratio": 2.0, "countries": 26},
    "C7": {"central": 1, "southern": 5, "traceca": 4},
    "W1": {"above": 11, "countries": 17, "scope": 18, "without": ["TKM"], "world": 0.151357, "share": 0.647059,
           "first": 2016, "last": 2020},
    "W8": {"agreements": 58, "bilateral": 39, "share": 0.672414, "desta_share": 0.618557},
    "T3": {"china": 4.279238, "west": -0.381280, "west_members": ["DEU", "FRA", "ITA", "NLD"], "claimed": 1.0,
           "early_from": 2004, "early_to": 2013, "late_from": 2014, "late_to": 2023},
}


def test_golden_verdicts_of_the_whole_ledger(real):
    _, ledger = real
    assert dict(zip(ledger.id, ledger.verdict)) == GOLDEN_VERDICTS
    for claim_id, expected in GOLDEN_VALUES.items():
        assert set(ledger.loc[claim_id, "values"]) == set(expected), claim_id
    # the SWOT table names 18 countries; one has no raw-material series in 2016-2020
    assert ledger.loc["W1", "values"]["without"] == ["TKM"]
    assert ledger.loc["W1", "values"]["scope"] == ledger.loc["W1", "values"]["countries"] + 1


GOLDEN_INPUTS = {
    "C1": {"bounds": [0.230946], "figures": [0.29]},
    "C2": {"changes": [1.064678], "claimed": 2.0, "no_change": 1.0, "deadline_passed": False},
    "C4a": {"counts": [28, 144], "figure": 58.0},
    "C4b": {"bounds": [13.710216, 0.150702], "figures": [21.0, 0.29]},
    "C5": {"bounds": [7846.237141], "figures": [8445.0]},
    "C6": {"holds": [False, False]},
    "C7": {"holds": [True, True]},
    "W1": {"shares": [0.647059]},
    "W8": {"shares": [0.672414, 0.618557]},
    "T3": {"changes": [4.279238, -0.381280], "claimed": 1.0, "no_change": 0.0},
}


def close(expected):
    """``expected`` with its floats compared to six decimals."""
    if isinstance(expected, float):
        return pytest.approx(expected, abs=1e-6)
    if isinstance(expected, list):
        return [close(item) for item in expected]
    if isinstance(expected, dict):
        return {key: close(value) for key, value in expected.items()}
    return expected


@pytest.mark.parametrize("claim_id", sorted(GOLDEN_VALUES))
def test_golden_claim_on_the_real_extract(extract, claim_id):
    """Each claim measured and judged here (one test per claim, so that a mutation run
    attributes each test function to its own test): the verdict, the rule's inputs and
    every value the reason quotes."""
    row = next(c for c in claims.load_claims().itertuples() if c.id == claim_id)
    measured = claims.TESTS[row.test](extract, row)
    assert measured.inputs == close(GOLDEN_INPUTS[claim_id])
    assert measured.values == close(GOLDEN_VALUES[claim_id])
    assert claims.judge(measured, row.rule).verdict == GOLDEN_VERDICTS[claim_id]


def test_golden_reasons_in_english(real):
    """Every number a reason quotes, as the reader sees it."""
    from analysis.present import claims_text

    _, ledger = real
    reasons = {row.id: claims_text.reason(row, "en") for _, row in ledger.iterrows()}
    assert reasons["C1"] == ("The 21 members in the extract (of 144) made 23.1% of world GDP in 2025. This is a lower "
                             "bound; being below 29%, it neither confirms nor refutes the claim.")
    assert reasons["C2"] == ("China’s trade with the 20 study countries in the initiative grew by a factor of 1.06 in "
                             "2013–2020. The data end in 2020; doubling by 2023 would have needed growth of 23.4% a year.")
    assert reasons["C4a"] == ("The list counts 28 countries on 28 April 2016 and 144 on 28 April 2023; 58 matches "
                              "neither. The list passed 58 countries in 2018.")
    assert reasons["C4b"] == ("In 2016 the 14 study countries in the initiative had a GDP of USD 13.7 trillion and 15.1% "
                              "of world merchandise trade. These lower bounds are below the paper’s figures and cannot "
                              "decide the claim.")
    assert reasons["C5"].startswith("The great-circle length through the highway’s places is 7,846\u00a0km (6,676\u00a0km end to "
                                    "end). This lower bound does not exceed the paper’s 8,445\u00a0km")
    assert reasons["C6"].startswith("The two countries with the highest GDP per person at purchasing power parity (PPP) in "
                                    "2023: the Netherlands and Germany. Among the others the 90th percentile is 7.5 times")
    assert reasons["C7"] == ("Goods cross one customs border on the central corridor, five customs borders on the "
                             "southern corridor and four customs borders on TRACECA.")
    assert reasons["W1"] == ("On the mean of 2016–2020, in 11 of the 17 route economies fuels, ores and metals make up a "
                             "larger share of merchandise exports than in the world (15.1%). Of the countries the SWOT "
                             "chapter names, Turkmenistan is not counted: it has no data for these years.")
    assert reasons["W8"] == "Of the 58 agreements in force binding at least two study countries, 39 are bilateral (67%)."
    assert reasons["T3"].startswith("The fall in mean real GDP growth from 2004–2013 to 2014–2023: 4.3\u00a0pp in China, "
                                    "−0.4\u00a0pp for the median of the Western countries (Germany, France, Italy, and "
                                    "the Netherlands)")
    assert reasons["C3"].startswith("The extract holds no data for this. Data that would test it: a deal-level register")


def test_the_ledger_and_the_swot_table_read_w1_w8_and_t3_alike(real):
    """W1, W8 and T3 are in both chapters: the same evidence and the same verdict in each."""
    from analysis.measures import results, swot

    extract, ledger = real
    table = swot.load_items()
    assessment, findings = swot.assess(table, extract, results.compute(extract))
    swot_verdicts = assessment.set_index("code").verdict
    assert ledger.loc["W1", "values"]["share"] == pytest.approx(findings["W1"].values["share"])
    assert ledger.loc["W8", "values"]["share"] == pytest.approx(findings["W8"].values["wto"])
    assert ledger.loc["W8", "values"]["desta_share"] == pytest.approx(findings["W8"].values["desta"])
    assert ledger.loc["T3", "values"]["china"] == pytest.approx(findings["T3"].values["china"])
    for code in ("W1", "W8", "T3"):
        assert ledger.loc[code, "verdict"] == claims.SWOT_VERDICTS[swot_verdicts[code]]


def test_the_swot_table_must_judge_majority_items_with_the_ledgers_bars(extract, monkeypatch):
    import dataclasses

    from analysis.measures import swot

    load = swot.load_items

    def shifted():
        table = load()
        item = table.items["W8"]
        table.items["W8"] = dataclasses.replace(item, evidence=dataclasses.replace(item.evidence, supported_at=0.5))
        return table

    monkeypatch.setattr(swot, "load_items", shifted)
    with pytest.raises(DataError) as error:
        claims.bilateral_agreements(extract, None)
    assert error.value.field == "supported_at" and "W8" in str(error.value)


@pytest.mark.parametrize(("row", "column", "value", "message"), [
    (1, "id", "", "claim id '' is empty or repeated"),
    (1, "id", "C1", "claim id 'C1' is empty or repeated"),
    (1, "kind", "guess", "kind 'guess' is not one of ('numeric', 'swot', 'other')"),
    (0, "wording_ru", " ", "empty value"),
    (1, "source_kk", "", "empty value"),
    (0, "test", "bri_gdp", "no test function 'bri_gdp' in analysis.measures.claims"),
    (0, "rule", "", "rule '' is not one of ('lower_bound', 'count', 'majority', 'trend', 'condition')"),
])
def test_bad_claims_are_named_by_file_row_and_field_with_the_whole_message(tmp_path, row, column, value, message):
    table = claims.load_claims().head(3).copy()
    table.loc[row, column] = value
    path = tmp_path / "claims.csv"
    table.to_csv(path, index=False)
    with pytest.raises(DataError) as error:
        claims.load_claims(path)
    assert str(error.value) == f"file {path}, row {row + 2}, field {column!r}: {message}"


def test_a_missing_column_message_names_the_file(tmp_path):
    path = tmp_path / "claims.csv"
    claims.load_claims().drop(columns=["data_needed_ru"]).to_csv(path, index=False)
    with pytest.raises(DataError) as error:
        claims.load_claims(path)
    assert str(error.value) == f"file {path}, field 'data_needed_ru': missing columns ['data_needed_ru']"


def test_every_value_is_read_as_text(tmp_path):
    """A paper value such as 0.29 or 58 stays text ("21;0.29" needs it), and so does an
    empty cell."""
    path = tmp_path / "claims.csv"
    table = claims.load_claims()
    table[table.id.isin(["C1", "C4a"])].to_csv(path, index=False)
    loaded = claims.load_claims(path)
    assert list(loaded.paper_value) == ["0.29", "58"]
    assert list(loaded.data_needed_en) == ["", ""]
    assert claims.paper_numbers("21;0.29") == [21.0, 0.29] and claims.paper_numbers("") == []


def test_country_count_reached_when_the_list_holds_exactly_the_papers_number():
    bri = pd.DataFrame({"iso3": [f"C{i:02d}" for i in range(58)],
                        "join_date": ["2015-01-01"] * 30 + ["2020-01-01"] * 28, "exit_date": [""] * 58})
    assert claims.bri_country_count(FakeExtract(bri_countries=bri), claim(paper_value="58")).values["reached"] == "2020-01"


def test_trade_doubled_exactly_needs_no_further_growth():
    flows = pd.DataFrame({"reporter": "CHN", "partner": "AAA", "flow": "exports",
                          "year": [2013, 2020], "value_usd_m": [100.0, 200.0], "estimate": False})
    bri = pd.DataFrame({"iso3": ["AAA"], "join_date": ["2015-01-01"], "exit_date": [""]})
    measured = claims.china_bri_trade_doubling(FakeExtract(trade_flows=flows, bri_countries=bri), claim(paper_value="2"))
    assert "needed_growth" not in measured.values and verdict(measured, "trend") == "consistent"


def test_highway_length_is_measured_on_the_routes_table_it_is_given():
    from analysis.measures import routes

    table = routes.load_routes()
    shortened = table[(table.route != claims.HIGHWAY) | (table.seq <= 2)]
    full = claims.highway_length(None, claim(paper_value="8445"), table)
    short = claims.highway_length(None, claim(paper_value="8445"), shortened)
    assert full.values["via_places_km"] == pytest.approx(7846.237141, abs=1e-6)
    assert short.values["via_places_km"] < full.values["via_places_km"]
    assert short.values["via_places_km"] == pytest.approx(short.values["direct_km"])


def test_whole_messages_of_the_remaining_checks(tmp_path):
    table = claims.load_claims()
    untested = table[table.id.isin(["C3"])].copy()
    untested["rule"] = "count"
    path = tmp_path / "claims.csv"
    untested.to_csv(path, index=False)
    with pytest.raises(DataError) as error:
        claims.load_claims(path)
    assert str(error.value) == f"file {path}, row 2, field 'rule': a claim without a test has no rule"
    untested["rule"] = ""
    untested["data_needed_kk"] = ""
    untested.to_csv(path, index=False)
    with pytest.raises(DataError) as error:
        claims.load_claims(path)
    assert str(error.value) == (f"file {path}, row 2, field 'data_needed_kk': "
                                "a claim without a test must name the data that would test it")
    with pytest.raises(DataError) as error:
        claims.wdi_series(wdi([["AAA", "NY.GDP.MKTP.CD", 2020, 1.0]]), "NY.GDP.PCAP.PP.CD")
    assert str(error.value) == (f"file {claims.DATA_DIR / 'wdi.csv'}, field 'indicator': "
                                "indicator NY.GDP.PCAP.PP.CD is not in the extract")
    with pytest.raises(ValueError, match=r"^unknown verdict 'maybe'$"):
        claims.Finding("maybe")
    with pytest.raises(ValueError, match=r"^no year has values for all of \['AAA'\]$"):
        claims.latest_complete_year(pd.DataFrame({"AAA": [float("nan")]}, index=[2020]), ["AAA"])


def test_membership_on_the_day_of_joining_and_of_leaving():
    bri = pd.DataFrame({"iso3": ["A", "B"], "join_date": ["2016-04-28", "2014-01-01"],
                        "exit_date": ["", "2016-04-28"]})
    assert claims.bri_members(bri, "2016-04-28") == {"A"}  # joined that day; B left that day
    assert claims.bri_members(bri, "2016-04-27") == {"B"}


def test_development_gap_bar_is_strict_and_richer_countries_are_those_above_the_second_named():
    def rows(levels):
        return wdi([[c, "NY.GDP.PCAP.PP.CD", 2020, v] for c, v in levels.items()])

    # among the others P90/P10 is exactly 2 (10 and 20 at the ends of two values): not close
    measured = claims.development_gap(FakeExtract(wdi=rows({"DEU": 90e3, "FRA": 80e3, "AAA": 10e3, "BBB": 20e3})),
                                      claim(), close_ratio=(20e3 - 0.1 * 10e3) / (10e3 + 0.1 * 10e3))
    assert measured.inputs["holds"] == [True, False]
    measured = claims.development_gap(FakeExtract(wdi=rows({"NLD": 95e3, "DEU": 90e3, "CHE": 85e3, "FRA": 80e3,
                                                           "AAA": 10e3})), claim())
    assert measured.values["richer_than_named"] == ["NLD", "CHE"]


def test_customs_condition_is_strict_and_uses_the_routes_table_given(extract):
    from analysis.measures import routes

    table = routes.load_routes()
    same = pd.concat([table[table.route != "sreb_southern"],
                      table[table.route == "sreb_central"].assign(route="sreb_southern")])
    measured = claims.central_corridor_customs(extract, None, same)
    assert measured.values["central"] == measured.values["southern"] == 1
    assert measured.inputs == {"holds": [False, True]}


def test_majority_bar_message_names_the_file_and_item(extract, monkeypatch):
    import dataclasses

    from analysis.measures import swot

    load = swot.load_items

    def shifted():
        table = load()
        item = table.items["W1"]
        table.items["W1"] = dataclasses.replace(item, evidence=dataclasses.replace(item.evidence, contradicted_at=0.3))
        return table

    monkeypatch.setattr(swot, "load_items", shifted)
    with pytest.raises(DataError) as error:
        claims.raw_material_exports(extract, None)
    assert str(error.value) == (f"file {claims.SWOT_ITEMS_FILE}, field 'supported_at': item W1: bars 0.6/0.3 differ "
                                "from the ledger's majority rule (0.6/0.4)")
