"""The years after 2020: hand-checkable cases for each computation, golden values of the
real extract (the issue's spot checks among them) and the two ledger entries' verdicts
on both sides of their bars."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.measures import after_2020, claim_rules, claims


def wdi(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["iso3", "indicator", "year", "value"])


# ---- hand-made cases -------------------------------------------------------------------

def test_series_is_a_year_by_country_table_and_names_a_missing_indicator():
    table = after_2020.series(wdi([("A", "X", 2021, 1.0), ("A", "X", 2022, 2.0), ("B", "X", 2022, 5.0)]), "X",
                              ["B", "A", "C"])
    assert list(table.columns) == ["B", "A", "C"]
    assert table.loc[2022, "B"] == 5.0 and pd.isna(table.loc[2021, "B"]) and table["C"].isna().all()
    with pytest.raises(DataError, match="indicator Y is not in the extract"):
        after_2020.series(wdi([("A", "X", 2021, 1.0)]), "Y")


def test_a_grouping_divides_sums_over_the_members_that_report_both():
    """A: 10 of 100, B: 30 of 100, C reports no remittances: (10 + 30) / (100 + 100) = 0.2,
    not the mean of the shares with C's GDP in the denominator (40 / 1100)."""
    numerator = pd.DataFrame({"A": [10.0], "B": [30.0], "C": [float("nan")]}, index=[2022])
    denominator = pd.DataFrame({"A": [100.0], "B": [100.0], "C": [900.0]}, index=[2022])
    found = after_2020.grouping_ratio(numerator, denominator, ["A", "B", "C"])
    assert found.loc[2022, "value"] == pytest.approx(0.2)
    assert found.loc[2022, "members"] == 2 and found.loc[2022, "left_out"] == "C"


def test_a_grouping_sum_counts_and_names_its_missing_members():
    levels = pd.DataFrame({"A": [1.0, 2.0], "B": [3.0, float("nan")]}, index=[2021, 2022])
    found = after_2020.grouping_sum(levels, ["A", "B"])
    assert list(found.value) == [4.0, 2.0] and list(found.members) == [2, 1] and list(found.left_out) == ["", "B"]


def test_openness_is_exports_plus_imports_over_gdp():
    rows = [("A", after_2020.EXPORTS, 2022, 30.0), ("A", after_2020.IMPORTS, 2022, 20.0),
            ("A", after_2020.GDP, 2022, 200.0)]
    for code in (after_2020.REMITTANCES, after_2020.FDI, after_2020.GROWTH, after_2020.INFLATION):
        rows.append(("A", code, 2022, 10.0))
    panel = after_2020.country_panel(wdi(rows), ["A"])
    assert panel["openness"].loc[2022, "A"] == pytest.approx(0.25)
    assert panel["remittances_to_gdp"].loc[2022, "A"] == pytest.approx(0.05)


def test_cross_rate_against_the_rouble_and_the_index():
    """100 tenge and 50 roubles to the dollar in 2021 (2 tenge a rouble), 120 and 40 in
    2022 (3 tenge a rouble): +20 % against the dollar, +50 % against the rouble."""
    rows = [("KAZ", after_2020.RATE, 2021, 100.0), ("KAZ", after_2020.RATE, 2022, 120.0),
            ("RUS", after_2020.RATE, 2021, 50.0), ("RUS", after_2020.RATE, 2022, 40.0),
            ("TKM", after_2020.RATE, 2000, 5200.0)]
    rates = after_2020.exchange_rates(wdi(rows), issuers=("KAZ", "TKM"))
    assert after_2020.rate_change(rates, "KAZ", "usd", 2021, 2022) == pytest.approx(0.2)
    assert after_2020.rate_change(rates, "KAZ", "rub", 2021, 2022) == pytest.approx(0.5)
    rub = rates[(rates.issuer == "KAZ") & (rates.against == "rub")].set_index("year")
    assert list(rub.rate) == pytest.approx([2.0, 3.0]) and list(rub["index"]) == pytest.approx([100.0, 150.0])
    assert "TKM" not in set(rates.issuer)  # no official rate in the base year: no rows
    assert after_2020.official_rate_ends(wdi(rows), ("KAZ", "TKM")) == {"KAZ": 2022, "TKM": 2000}


def test_agreements_after_2020_expand_blocs_and_keep_only_study_parties():
    agreements = pd.DataFrame({
        "rta_id": [869, 922, 1, 2, 3],
        "name": ["EU", "EAEU", "Old", "EAEU - Iran", "Others"],
        "type": ["CU", "CU", "FTA", "FTA", "FTA"],
        "entry_into_force": ["1958-01-01", "2015-01-01", "2020-12-31", "2025-05-15", "2022-01-01"],
        "signatories": ["DEU;FRA", "KAZ;RUS", "KAZ;IRN", "EEU;IRN", "XXX;YYY"]})
    found = after_2020.agreements_after(agreements, ["KAZ", "IRN", "DEU"])
    assert list(found.rta_id) == [2]  # the last day of 2020 is not after 2020; others bind no study country
    assert found.loc[0, "study"] == ["IRN", "KAZ"]


def test_bri_joins_after_2020_flag_the_study_countries():
    bri = pd.DataFrame({"iso3": ["AFG", "ARG", "KAZ"], "join_date": ["2023-05-01", "2022-02-06", "2013-09-07"]})
    found = after_2020.bri_joins_after(bri, ["AFG", "KAZ"])
    assert list(found.iso3) == ["ARG", "AFG"] and list(found.study) == [False, True]


def test_missing_years_and_largest_jumps():
    shares = pd.DataFrame({"A": [0.1, 0.3], "B": [0.2, 0.25], "C": [float("nan"), 0.9]}, index=[2021, 2022])
    assert after_2020.missing_years(shares, 2021, 2023) == {"A": [2023], "B": [2023], "C": [2021, 2023]}
    jumps = after_2020.largest_jumps(shares, 2021, 2022, 2)
    assert list(jumps.index) == ["A", "B"] and jumps["A"] == pytest.approx(0.2)
    assert after_2020.latest_year(shares) == 2022


# ---- the real extract ------------------------------------------------------------------

@pytest.fixture(scope="module")
def extract():
    from analysis.data.load import load_extract

    return load_extract()


@pytest.fixture(scope="module")
def panel(extract):
    from analysis.data import reference

    return after_2020.country_panel(extract.wdi, reference.study_iso3())


def test_the_issue_s_spot_checks(panel):
    """Tajikistan's remittances US$ 2.9 bn (2021), 5.3 bn (2022), 6.8 bn (2024);
    Kazakhstan's merchandise exports US$ 60.6 bn (2021), 84.6 bn (2022)."""
    remittances = panel["remittances"]["TJK"] / 1e9
    assert [round(remittances[y], 1) for y in (2021, 2022, 2024)] == [2.9, 5.3, 6.8]
    exports = panel["exports"]["KAZ"] / 1e9
    assert [round(exports[y], 1) for y in (2021, 2022)] == [60.6, 84.6]


def test_golden_remittance_shares_and_openness(panel):
    shares = panel["remittances_to_gdp"]
    assert shares.loc[2021, "TJK"] == pytest.approx(0.3269, abs=5e-5)
    assert shares.loc[2022, "TJK"] == pytest.approx(0.4990, abs=5e-5)
    jumps = after_2020.largest_jumps(shares, 2021, 2022, 2)
    assert list(jumps.index) == ["TJK", "UZB"] and jumps["UZB"] == pytest.approx(0.0502, abs=5e-5)
    assert panel["openness"].loc[2024, "ARM"] == pytest.approx(1.162, abs=5e-4)
    assert after_2020.missing_years(panel["inflation"], 2019, 2025).keys() == {"AFG", "TJK", "TKM"}


def test_golden_currencies_in_2022(extract):
    rates = after_2020.exchange_rates(extract.wdi)
    assert after_2020.rate_change(rates, "KAZ", "usd", 2021, 2022) == pytest.approx(0.0804, abs=5e-5)
    assert after_2020.rate_change(rates, "KAZ", "rub", 2021, 2022) == pytest.approx(0.1620, abs=5e-5)
    assert after_2020.rate_change(rates, "UZB", "rub", 2021, 2022) == pytest.approx(0.1202, abs=5e-5)
    assert after_2020.rate_change(rates, "TJK", "usd", 2021, 2022) == pytest.approx(-0.0246, abs=5e-5)
    assert "TKM" not in set(rates.issuer)
    assert after_2020.official_rate_ends(extract.wdi)["TKM"] == 2001


def test_golden_agreements_and_memberships(extract):
    from analysis.data import reference

    study = reference.study_iso3()
    found = after_2020.agreements_after(extract.trade_agreements_wto, study)
    assert len(found) == 19
    eaeu_iran = found[found.rta_id == 1316].iloc[0]
    assert eaeu_iran.entry_into_force == "2025-05-15" and eaeu_iran.study == ["ARM", "BLR", "IRN", "KAZ", "KGZ", "RUS"]
    joins = after_2020.bri_joins_after(extract.bri_countries, study)
    assert len(joins) == 12 and list(joins.iso3[joins.study]) == ["AFG"]


def test_golden_grouping_remittances(extract):
    from analysis.data import reference

    table = after_2020.grouping_panel(extract.wdi, reference.groupings())
    ca5 = table[(table.grouping == "ca5") & (table.measure == "remittances_to_gdp")].set_index("year")
    assert ca5.loc[2022, "left_out"] == "TKM" and ca5.loc[2022, "members"] == 4
    assert ca5.loc[2022, "value"] == pytest.approx(0.0718, abs=5e-5)


# ---- the ledger's entries for the later years --------------------------------------------

def claim(claim_id):
    return next(c for c in claims.load_claims().itertuples() if c.id == claim_id)


def test_golden_ledger_entries(extract):
    t3b = claims.TESTS["growth_slowdown_after_2020"](extract, claim("T3-2020"))
    assert t3b.inputs["changes"] == pytest.approx([2.0773, 0.2750], abs=5e-5)
    assert (t3b.values["late_from"], t3b.values["late_to"]) == (2022, 2025)
    assert claims.judge(t3b, "trend").verdict == "ambiguous"
    t5b = claims.TESTS["currency_instability_after_2020"](extract, claim("T5-2020"))
    assert t5b.inputs["shares"] == pytest.approx([0.0, 0.4])
    assert t5b.values["largest_currency"] == "DEU" and t5b.values["largest_depreciation"] == pytest.approx(0.1232, abs=5e-5)
    assert claims.judge(t5b, "majority").verdict == "inconsistent"
    assert t3b.values["left_out"] == [2020, 2021] and t5b.values["inflation_years"] == 2


def test_ledger_reasons_take_their_bars_and_left_out_years_from_the_rule(extract, monkeypatch):
    """The T5 reason quotes the rule's bars, not numbers typed into its template; the T3
    reason names the pandemic years the windows leave out."""
    from analysis.present import claims_text

    def reason(claim_id):
        ledger = claims.ledger(extract).set_index("id", drop=False)
        return {lang: claims_text.reason(ledger.loc[claim_id], lang) for lang in ("kk", "en", "ru")}

    t5 = reason("T5-2020")
    assert "more than 20% in a year" in t5["en"] and "exceeded 5% in 2 of the 5 years" in t5["en"]
    assert "20\u00a0%" in t5["ru"] and "5\u00a0%-дан асты" in t5["kk"]
    assert "fall of 2020 and the rebound of 2021" in reason("T3-2020")["en"]
    monkeypatch.setattr(claims, "AFTER_DEPRECIATION_ABOVE", 25)
    monkeypatch.setattr(claims, "AFTER_INFLATION_ABOVE", 7)
    t5 = reason("T5-2020")
    assert "more than 25% in a year" in t5["en"] and "exceeded 7% in 1 of the 5 years" in t5["en"]


@pytest.mark.parametrize(("china", "west", "verdict"), [
    (2.08, 1.0, "consistent"), (2.08, 0.99, "ambiguous"), (0.0, -0.3, "inconsistent"), (0.01, -0.3, "ambiguous")])
def test_t3b_on_both_sides_of_its_bars(china, west, verdict):
    measured = claims.Measurement({"changes": [china, west], "claimed": 1.0, "no_change": 0.0})
    assert claims.judge(measured, "trend").verdict == verdict


@pytest.mark.parametrize(("shares", "verdict"), [
    ([0.0, 0.4], "inconsistent"), ([0.0, 0.5], "ambiguous"), ([0.6, 0.6], "consistent"), ([0.5, 0.6], "ambiguous")])
def test_t5b_on_both_sides_of_its_bars(shares, verdict):
    assert (claim_rules.MOST, claim_rules.FEW) == (0.6, 0.4)
    assert claims.judge(claims.Measurement({"shares": shares}), "majority").verdict == verdict


def test_t5b_counts_world_inflation_years_of_its_window_only(extract, monkeypatch):
    """One more year of 8 % world inflation makes 3 of 6 years: the share leaves the bar."""
    extra = pd.DataFrame({"iso3": ["WLD"], "indicator": ["FP.CPI.TOTL.ZG"], "year": [2026], "value": [8.0]})

    class Longer:
        wdi = pd.concat([extract.wdi, extra], ignore_index=True)

    measured = claims.TESTS["currency_instability_after_2020"](Longer(), claim("T5-2020"))
    assert measured.inputs["shares"] == pytest.approx([0.0, 0.5]) and measured.values["last"] == 2026
    assert claims.judge(measured, "majority").verdict == "ambiguous"


def test_a_price_index_changes_between_yearly_means():
    prices = pd.DataFrame({"series": ["E"] * 4 + ["F"], "month": ["2021-01", "2021-02", "2022-01", "2022-02", "2021-01"],
                           "value": [90.0, 110.0, 140.0, 160.0, 1.0]})
    assert after_2020.price_index_change(prices, "E", 2021, 2022) == pytest.approx(0.5)
    with pytest.raises(DataError, match="no series G"):
        after_2020.price_index_change(prices, "G", 2021, 2022)


def test_golden_energy_prices_in_2022(extract):
    change = after_2020.price_index_change(extract.commodity_price_indices, "iENERGY", 2021, 2022)
    assert change == pytest.approx(0.5996, abs=5e-4)


def test_later_years_entries_report_every_value_their_reasons_print(extract):
    """Everything T3-2020 and T5-2020 report besides the verdict's inputs, on the real
    extract, and the English reasons made of it: the windows (2015-2019 against 2022 to
    the last year all report), the Western members by name, the left-out pandemic years,
    the bars of T5 as fractions and the peak of world inflation with its year."""
    from analysis.present import claims_text

    t3b = claims.TESTS["growth_slowdown_after_2020"](extract, claim("T3-2020"))
    assert {key: value for key, value in t3b.values.items() if key not in ("china", "west")} == {
        "west_members": ["DEU", "FRA", "ITA", "NLD"], "early_from": 2015, "early_to": 2019,
        "late_from": 2022, "late_to": 2025, "left_out": [2020, 2021]}
    assert (t3b.values["china"], t3b.values["west"]) == tuple(t3b.inputs["changes"])
    assert (t3b.inputs["claimed"], t3b.inputs["no_change"]) == (1.0, 0.0)
    t5b = claims.TESTS["currency_instability_after_2020"](extract, claim("T5-2020"))
    assert {key: value for key, value in t5b.values.items() if key not in ("largest_depreciation", "peak_inflation")} == {
        "first": 2021, "last": 2025, "largest_currency": "DEU", "currencies": 2, "inflation_years": 2, "years": 5,
        "depreciation_above": 0.2, "inflation_above": 0.05, "peak_year": 2022}
    assert t5b.values["peak_inflation"] == pytest.approx(0.0808, abs=5e-5)
    ledger = claims.ledger(extract).set_index("id", drop=False)
    assert claims_text.reason(ledger.loc["T3-2020"], "en") == (
        "The fall in mean real GDP growth from 2015–2019 to 2022–2025: 2.1\u00a0pp in China, 0.3\u00a0pp for the median "
        "of the Western countries (Germany, France, Italy, and the Netherlands). The pandemic years (the fall "
        "of 2020 and the rebound of 2021) are in neither window.")
    assert claims_text.reason(ledger.loc["T5-2020"], "en") == (
        "In 2021–2025 the largest one-year loss of a major currency against the dollar was the euro’s, 12.3% "
        "(the threshold: a loss of more than 20% in a year); world inflation exceeded 5% in 2 of the 5 years (its "
        "peak: 8.1% in 2022).")
