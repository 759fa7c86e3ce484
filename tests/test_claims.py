"""The claims ledger: the file's checks and each verdict rule on hand-made data."""
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
    values = pd.DataFrame({"AAA": [40.0], "BBB": [10.0], "WLD": [100.0]}, index=[2020])
    assert claims.share_lower_bound(values, {"AAA"}, 0.29).verdict == "inconsistent"
    finding = claims.share_lower_bound(values, {"BBB", "ZZZ"}, 0.29)
    assert finding.verdict == "ambiguous" and finding.values["share"] == pytest.approx(0.10)


def test_bri_members_respect_join_and_exit_dates():
    bri = pd.DataFrame({"iso3": ["A", "B", "C"], "join_date": ["2014-01-01", "2020-01-01", "2015-01-01"],
                        "exit_date": ["", "", "2019-01-01"]})
    assert claims.bri_members(bri, "2018-06-01") == {"A", "C"}
    assert claims.bri_members(bri, "2021-06-01") == {"A", "B"}


def test_trade_doubling_rule():
    flows = pd.DataFrame({"reporter": "CHN", "partner": "AAA", "flow": "exports",
                          "year": [2013, 2020], "value_usd_m": [100.0, 150.0], "estimate": False})
    bri = pd.DataFrame({"iso3": ["AAA"], "join_date": ["2015-01-01"], "exit_date": [""]})
    finding = claims.china_bri_trade_doubling(FakeExtract(trade_flows=flows, bri_countries=bri), claim(paper_value="2"))
    assert finding.verdict == "ambiguous" and finding.values["ratio"] == pytest.approx(1.5)
    assert finding.values["needed_growth"] == pytest.approx((2 / 1.5) ** (1 / 3) - 1)
    flows.loc[1, "value_usd_m"] = 250.0
    assert claims.china_bri_trade_doubling(FakeExtract(trade_flows=flows, bri_countries=bri),
                                           claim(paper_value="2")).verdict == "consistent"


def test_country_count_rule():
    bri = pd.DataFrame({"iso3": [f"C{i:02d}" for i in range(60)],
                        "join_date": ["2015-01-01"] * 30 + ["2020-01-01"] * 30, "exit_date": [""] * 60})
    finding = claims.bri_country_count(FakeExtract(bri_countries=bri), claim(paper_value="58"))
    assert finding.values["at_source"] == 30 and finding.values["at_paper"] == 60
    assert finding.verdict == "consistent"  # 60 is within 10% of 58
    assert finding.values["reached"] == "2020-01"


def test_development_gap_rule():
    rows = [[c, "NY.GDP.PCAP.PP.CD", 2020, v] for c, v in
            [("DEU", 60e3), ("FRA", 55e3), ("AAA", 10e3), ("BBB", 11e3), ("CCC", 12e3)]]
    finding = claims.development_gap(FakeExtract(wdi=wdi(rows)), claim())
    assert finding.verdict == "consistent"
    rows.append(["NLD", "NY.GDP.PCAP.PP.CD", 2020, 70e3])
    finding = claims.development_gap(FakeExtract(wdi=wdi(rows)), claim())
    assert finding.verdict == "inconsistent" and finding.values["richer_than_named"] == ["NLD"]


def test_growth_slowdown_rule():
    # T3 names China and several Western countries: both must slow down for "consistent"
    def rows(west_late):
        table = [["CHN", "NY.GDP.MKTP.KD.ZG", year, 10.0 if year < 2014 else 5.0] for year in range(2004, 2024)]
        for country in ("DEU", "FRA", "ITA", "NLD"):
            table += [[country, "NY.GDP.MKTP.KD.ZG", year, 2.0 if year < 2014 else west_late] for year in range(2004, 2024)]
        return table

    finding = claims.growth_slowdown(FakeExtract(wdi=wdi(rows(2.0))), claim())
    assert finding.verdict == "ambiguous"
    assert finding.values["china"] == pytest.approx(5.0) and finding.values["west"] == pytest.approx(0.0)
    assert claims.growth_slowdown(FakeExtract(wdi=wdi(rows(0.5))), claim()).verdict == "consistent"
    assert claims.growth_slowdown(FakeExtract(wdi=wdi(rows(2.5))), claim()).verdict == "ambiguous"


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


def test_full_ledger_gives_a_verdict_to_every_claim():
    from analysis.data.load import load_extract

    ledger = claims.ledger(load_extract())
    assert set(ledger.verdict) <= set(claims.VERDICTS)
    assert (ledger.loc[ledger.test == "", "verdict"] == "not_testable").all()


def test_the_ledger_and_the_swot_table_read_w1_w8_and_t3_alike():
    """W1, W8 and T3 are in both chapters: the same evidence and the same verdict in each."""
    from analysis.data.load import load_extract
    from analysis.measures import results, swot

    extract = load_extract()
    table = swot.load_items()
    assessment, findings = swot.assess(table, extract, results.compute(extract))
    swot_verdicts = assessment.set_index("code").verdict
    w1 = claims.raw_material_exports(extract, None)
    assert w1.values["share"] == pytest.approx(findings["W1"].values["share"])
    assert w1.values["above"] / w1.values["countries"] == pytest.approx(w1.values["share"])
    w8 = claims.bilateral_agreements(extract, None)
    assert w8.values["share"] == pytest.approx(findings["W8"].values["wto"])
    assert (w8.values["agreements"], w8.values["bilateral"]) == (58, 39)  # the EU's and the EAEU's agreements included
    t3 = claims.growth_slowdown(extract, None)
    assert (w1.verdict, w8.verdict, t3.verdict) == tuple(claims.SWOT_VERDICTS[swot_verdicts[code]] for code in ("W1", "W8", "T3"))
    assert t3.verdict == "ambiguous"  # China slowed, the West did not
