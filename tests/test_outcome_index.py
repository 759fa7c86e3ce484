"""The integration-outcome composite (analysis.measures.outcome_index): principal-component
weights and the two-stage construction on hand-checkable cases, min-max normalisation,
interpolation of the five-yearly migrant stocks, and golden values on the real extract."""
import numpy as np
import pandas as pd
import pytest

from analysis.measures import outcome_index


def test_pca_weights_by_hand():
    # covariance [[4, 0], [0, 1]]: the first component is the first axis alone
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(4000), rng.standard_normal(4000)
    a, b = (a - a.mean()) / a.std(ddof=1), (b - b.mean()) / b.std(ddof=1)
    b = b - a * (a @ b) / (a @ a)  # exactly uncorrelated
    b = b / b.std(ddof=1)
    w = outcome_index.pca_weights(pd.DataFrame({"a": 2 * a, "b": b}))
    np.testing.assert_allclose(w.to_numpy(), [1, 0], atol=1e-12)
    # covariance [[3, 1], [1, 3]]: eigenvector (1, 1)/sqrt(2), weights one half each
    x = pd.DataFrame({"a": [1.0, -1.0, 2.0, -2.0], "b": [-1.0, 1.0, 2.0, -2.0]})
    np.testing.assert_allclose(np.cov(x.to_numpy(), rowvar=False), [[10 / 3, 2], [2, 10 / 3]])
    np.testing.assert_allclose(outcome_index.pca_weights(x).to_numpy(), [0.5, 0.5])
    # covariance [[2, 1], [1, 1]]: eigenvector of the largest eigenvalue (3 + sqrt 5)/2 is
    # proportional to (1 + sqrt 5, 2), so the first weight is (1 + sqrt 5)^2 / ((1 + sqrt 5)^2 + 4)
    y = pd.DataFrame({"a": [1.0, -1.0, 1.0, -1.0], "b": [1.0, -1.0, 0.0, 0.0]})
    y = y * np.sqrt(np.array([2.0, 1.0]) / np.diag(np.cov(y.to_numpy(), rowvar=False)))
    cov = np.cov(y.to_numpy(), rowvar=False)
    vector = np.array([cov[0, 1], (cov[1, 1] - cov[0, 0] + np.sqrt((cov[0, 0] - cov[1, 1]) ** 2 + 4 * cov[0, 1] ** 2)) / 2])
    expected = vector ** 2 / (vector ** 2).sum()
    np.testing.assert_allclose(outcome_index.pca_weights(y).to_numpy(), expected, rtol=1e-10)
    assert outcome_index.pca_weights(y).sum() == pytest.approx(1)


def test_two_stage_by_hand():
    # dimension A: two identical indicators -> weights 1/2, 1/2; dimension B: one indicator -> weight 1
    normalised = pd.DataFrame({"a1": [0.0, 0.5, 1.0, 0.5], "a2": [0.0, 0.5, 1.0, 0.5],
                               "b1": [1.0, 0.0, 0.5, 0.5]})
    weights, dims, sub, score = outcome_index.two_stage(normalised, {"A": ["a1", "a2"], "B": ["b1"]})
    np.testing.assert_allclose(weights[["a1", "a2", "b1"]].to_numpy(), [0.5, 0.5, 1.0])
    np.testing.assert_allclose(sub.A, normalised.a1)
    # the sub-indices have equal variance and covariance -1/6 of 1/6: the first component is (1, -1)/sqrt 2
    np.testing.assert_allclose(dims.to_numpy(), [0.5, 0.5])
    np.testing.assert_allclose(score, 100 * (0.5 * normalised.a1 + 0.5 * normalised.b1))


def test_build_normalises_over_the_pooled_panel():
    index = pd.MultiIndex.from_product([["X", "Y"], [2000, 2001]], names=["iso3", "year"])
    raw = pd.DataFrame({"t1": [1.0, 3.0, 5.0, np.nan], "t2": [2.0, 4.0, 6.0, 8.0], "m1": [0.1, 0.2, 0.3, 0.4]},
                       index=index)
    result = outcome_index.build(raw, {"trade": ["t1", "t2"], "migration": ["m1"]})
    assert result.kinds.loc[("Y", 2001), "t1"] == "extended"
    np.testing.assert_allclose(result.normalised.t2, [0, 1 / 3, 2 / 3, 1])
    np.testing.assert_allclose(result.normalised.t1, [0, 0.5, 1, 1])
    assert result.index.score.between(-1e-9, 100 + 1e-9).all()
    assert result.index.loc[("Y", 2001), "rank"] == 1


def test_migrant_stocks_are_made_annual_before_the_ratio():
    bilateral = pd.DataFrame({"origin": ["A", "A", "B", "B"], "destination": ["B", "B", "A", "A"],
                              "year": [2000, 2005, 2000, 2005], "migrants": [10.0, 20.0, 0.0, 5.0]})
    totals = pd.DataFrame({"iso3": ["A", "A", "B", "B"], "year": [2000, 2010, 2000, 2010],
                           "migrants": [100.0, 200.0, 40.0, 40.0]})
    population = pd.Series(1000.0, index=pd.MultiIndex.from_product([["A", "B"], range(2000, 2011)],
                                                                     names=["iso3", "year"]))
    table = outcome_index.migration_indicators(bilateral, totals, population, ["A", "B"], range(2000, 2011))
    # B hosts 10 (2000) -> 20 (2005), then 20 (nearest year); its total stock is 40 throughout
    np.testing.assert_allclose(table.loc["B", "migrants_inward_share"].loc[[2000, 2003, 2008]], [0.25, 0.4, 0.5])
    # A: 5 born in A live in B in 2005, 1 in 2001; total stock of A interpolated 100 -> 200
    assert table.loc[("A", 2001), "migrants_inward_share"] == pytest.approx(1 / 110)
    assert table.loc[("A", 2005), "migrants_outward_rate"] == pytest.approx(2.0)


@pytest.fixture(scope="module")
def real():
    return outcome_index.load_or_run()


def test_golden_outcome_index(real):
    outcome = real.outcome
    latest = outcome.index.xs(2020, level="year")
    assert outcome.dimension_weights["migration"] == pytest.approx(0.801, abs=0.001)
    assert latest.at["KAZ", "rank"] == 4
    assert outcome.indicator_weights["trade_intensity"] == pytest.approx(0.510, abs=0.001)
    assert latest["rank"].idxmin() == "MDA" and latest["rank"].idxmax() == "CHN"
    comparison = real.comparison
    assert comparison.pooled["characteristics_hdi"] == pytest.approx(0.944, abs=0.001)
    assert comparison.spearman_by_year.median() == pytest.approx(-0.36, abs=0.01)
    assert comparison.hdi_characteristics.median() > 0.7 > 0 > comparison.hdi_outcome.median()
    assert (comparison.spearman_by_year < 0.3).all()
    assert real.shares_above_one == 30


def _small_extract():
    """Three members (KAZ, KGZ, UZB) of a grouping ``g`` over 2000-2001; DEU is a study
    country outside it."""
    from types import SimpleNamespace
    from analysis.measures.results import IntegrationResults
    bilateral = pd.DataFrame({"exporter": ["KAZ", "KGZ", "KAZ", "UZB"] * 2, "importer": ["KGZ", "KAZ", "UZB", "KAZ"] * 2,
                              "year": [2000] * 4 + [2001] * 4, "value_usd_m": [10.0, 5.0, 2.0, 3.0, 20.0, 10.0, 4.0, 6.0],
                              "source": "exporter", "estimate": False})
    totals = pd.DataFrame({"iso3": ["KAZ", "KGZ", "UZB"] * 2, "year": [2000] * 3 + [2001] * 3,
                           "exports": [40.0, 20.0, 10.0, 80.0, 40.0, 20.0], "imports": [30.0, 20.0, 10.0, 60.0, 40.0, 20.0],
                           "exports_estimate_share": 0.0, "imports_estimate_share": 0.0})
    membership = pd.DataFrame({"grouping": ["g"] * 3 + ["h"] * 2, "iso3": ["KAZ", "KGZ", "UZB", "KAZ", "DEU"]})
    integration = IntegrationResults(bilateral, totals, pd.DataFrame(), pd.DataFrame(), membership)
    world = pd.DataFrame({"reporter": "WLD", "partner": "WLD", "flow": ["exports", "imports"] * 3,
                          "year": [2000, 2000, 2001, 2001, 1999, 1999], "value_usd_m": [500.0, 500.0, 700.0, 700.0, 1.0, 1.0],
                          "estimate": False})
    wdi = pd.DataFrame({"iso3": ["KAZ", "KGZ", "UZB"] * 4, "year": ([2000] * 3 + [2001] * 3) * 2,
                        "indicator": ["NY.GDP.MKTP.CD"] * 6 + ["SP.POP.TOTL"] * 6,
                        "value": [2e9, 1e9, 0.0, 4e9, 1e9, 1e9, 1e6, 2e5, 5e5, 1e6, 2e5, 5e5]})
    stocks = pd.DataFrame({"origin": ["KGZ", "UZB", "KAZ", "DEU", "KAZ", "KGZ"], "destination": ["KAZ", "KAZ", "KGZ", "KAZ", "KAZ", "KAZ"],
                           "year": [2000, 2000, 2000, 2000, 2000, 2001], "migrants": [30.0, 10.0, 50.0, 99.0, 7.0, 60.0]})
    stock_totals = pd.DataFrame({"iso3": ["KAZ", "KGZ", "UZB", "KAZ"], "year": [2000, 2000, 2000, 2001],
                                 "migrants": [200.0, 100.0, 80.0, 300.0]})
    extract = SimpleNamespace(trade_flows=world, wdi=wdi, migrant_stock_bilateral=stocks,
                              migrant_stock_totals=stock_totals)
    return extract, integration


def test_outcome_panel_by_hand_on_three_members():
    extract, integration = _small_extract()
    table = outcome_index.outcome_panel(extract, integration, grouping="g", period=range(2000, 2002))
    from analysis.data import reference
    assert list(table.index) == [(iso3, year) for iso3 in reference.study_iso3() for year in (2000, 2001)]
    assert list(table.columns) == ["trade_share", "trade_intensity", "trade_gdp", "migrants_inward_share",
                                   "migrants_outward_rate"]
    assert table.loc["DEU"].isna().all().all()  # a study country outside the grouping
    kaz = table.loc[("KAZ", 2000)]
    # KAZ trades 10 + 5 with KGZ and 2 + 3 with UZB out of 70; its partners trade 40 + 20 = 60
    # of the 1000 - 70 = 930 that the rest of the world trades (the 1999 world row is outside the period)
    share, intensity = 20 / 70, (20 / 70) / (60 / 930)
    assert kaz.trade_share == pytest.approx(share)
    assert kaz.trade_intensity == pytest.approx((intensity - 1) / (intensity + 1))
    assert kaz.trade_gdp == pytest.approx(100 * 20e6 / 2e9)  # 1% of GDP
    assert table.loc[("KAZ", 2001), "trade_share"] == pytest.approx(40 / 140)
    assert table.loc[("KAZ", 2001), "trade_intensity"] == pytest.approx(
        ((40 / 140) / (120 / 1260) - 1) / ((40 / 140) / (120 / 1260) + 1))
    assert np.isnan(table.loc[("UZB", 2000), "trade_gdp"])  # zero GDP: no ratio
    assert table.loc[("UZB", 2001), "trade_gdp"] == pytest.approx(100 * 10e6 / 1e9)
    # 30 + 10 born in KGZ and UZB live in KAZ (not the 99 from DEU nor the 7 born in KAZ) of 200
    assert kaz.migrants_inward_share == pytest.approx(40 / 200)
    assert kaz.migrants_outward_rate == pytest.approx(100 * 50 / 1e6)
    assert table.loc[("KGZ", 2000), "migrants_inward_share"] == pytest.approx(50 / 100)
    assert table.loc[("KGZ", 2000), "migrants_outward_rate"] == pytest.approx(100 * 30 / 2e5)
    # 2001: the stocks are summed over origins per year first, so 2001 counts the 60 listed, of 300
    assert table.loc[("KAZ", 2001), "migrants_inward_share"] == pytest.approx(60 / 300)
    # KGZ has no 2001 total stock: its 2000 total (the nearest year) stands in
    assert table.loc[("KGZ", 2001), "migrants_inward_share"] == pytest.approx(50 / 100)


def test_outcome_panel_defaults_to_the_whole_group_and_the_trade_period():
    import inspect
    parameters = inspect.signature(outcome_index.outcome_panel).parameters
    assert parameters["grouping"].default == "new_silk_road"
    assert parameters["period"].default is None  # the extract's trade period (analysis.measures.periods)
    extract, integration = _small_extract()
    import dataclasses
    integration = dataclasses.replace(integration, membership=pd.concat([
        integration.membership, pd.DataFrame({"grouping": "new_silk_road", "iso3": ["KAZ", "KGZ", "UZB"]})]))
    whole = outcome_index.outcome_panel(extract, integration, period=range(2000, 2002))
    pd.testing.assert_frame_equal(whole, outcome_index.outcome_panel(extract, integration, "g", range(2000, 2002)))


def test_compare_by_hand():
    index = pd.MultiIndex.from_product([["A", "B", "C"], [2000, 2001]], names=["iso3", "year"])
    outcome = pd.Series([1.0, 1.0, 2.0, 3.0, 3.0, 2.0], index=index)
    characteristics = pd.Series([3.0, 1.0, 2.0, 2.0, 1.0, 3.0], index=index)
    hdi = pd.Series([0.1, 0.1, 0.2, 0.2, 0.3, np.nan], index=index)
    result = outcome_index.compare(outcome, characteristics, hdi)
    # 2000: outcome ranks 1, 2, 3 and characteristics 3, 2, 1 -> -1; 2001 (C has no HDI): A, B only
    assert result.spearman_by_year.loc[2000] == pytest.approx(-1.0)
    assert result.hdi_outcome.loc[2000] == pytest.approx(1.0)
    assert result.hdi_characteristics.loc[2000] == pytest.approx(-1.0)
    frame = pd.DataFrame({"o": outcome, "c": characteristics, "h": hdi}).dropna()
    assert result.pooled == pytest.approx({"outcome_characteristics": frame.o.corr(frame.c),
                                           "outcome_hdi": frame.o.corr(frame.h),
                                           "characteristics_hdi": frame.c.corr(frame.h)})


def test_pca_weights_are_named():
    x = pd.DataFrame({"a": [1.0, -1.0, 2.0, -2.0], "b": [-1.0, 1.0, 2.0, -2.0]})
    assert outcome_index.pca_weights(x).name == "weight"


def test_fill_gaps_by_the_year_and_labels_each_cell():
    index = pd.MultiIndex.from_product([["X", "Y"], [2000, 2001, 2005, 2006]], names=["iso3", "year"])
    raw = pd.DataFrame({"t": [0.0, np.nan, 5.0, np.nan, np.nan, 2.0, np.nan, 4.0]}, index=index)
    filled, kinds = outcome_index.fill_gaps(raw)
    # X: 2001 lies a fifth of the way from 2000 to 2005 (by year, not by position); 2006 the nearest, 5
    np.testing.assert_allclose(filled.loc["X", "t"], [0.0, 1.0, 5.0, 5.0])
    assert kinds.loc["X", "t"].tolist() == ["observed", "interpolated", "observed", "extended"]
    # Y: 2005 lies four fifths of the way from 2001 (2) to 2006 (4); 2000 the nearest, 2
    np.testing.assert_allclose(filled.loc["Y", "t"], [2.0, 2.0, 3.6, 4.0])
    assert kinds.loc["Y", "t"].tolist() == ["extended", "observed", "interpolated", "observed"]
    empty = raw.assign(t=[np.nan] * 4 + [1.0] * 4)
    with pytest.raises(ValueError, match="outcome indicator 't' has no value for X"):
        outcome_index.fill_gaps(empty)


def test_build_keeps_every_stage():
    index = pd.MultiIndex.from_product([["X", "Y", "Z"], [2000, 2001]], names=["iso3", "year"])
    raw = pd.DataFrame({"t1": [1.0, 3.0, 5.0, np.nan, 2.0, 2.5], "t2": [2.0, 4.0, 6.0, 8.0, 1.0, 0.0],
                        "m1": [0.1, 0.2, 0.3, 0.4, 0.2, 0.1]}, index=index)
    dimensions = {"trade": ["t1", "t2"], "migration": ["m1"]}
    result = outcome_index.build(raw, dimensions)
    pd.testing.assert_frame_equal(result.raw, raw)
    filled, kinds = outcome_index.fill_gaps(raw)
    pd.testing.assert_frame_equal(result.filled, filled)
    weights, dims, sub, score = outcome_index.two_stage(outcome_index.factor.min_max(filled), dimensions)
    pd.testing.assert_series_equal(result.indicator_weights, weights)
    pd.testing.assert_series_equal(result.dimension_weights, dims)
    pd.testing.assert_frame_equal(result.subindices, sub)
    pd.testing.assert_series_equal(result.index.score, score.rename("score"))


def test_interpolated_years_reads_years_outside_the_period():
    stock = pd.Series({1990: 0.0, 2005: 15.0})
    values = outcome_index._interpolated_years(stock, range(2000, 2007))
    # linear by the year: 2000 is two thirds of the way from 1990 to 2005; 2006 the nearest, 15
    assert list(values.index) == list(range(2000, 2007))
    np.testing.assert_allclose(values.to_numpy(), [10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 15.0])


def test_annual_gives_a_country_without_values_an_empty_row():
    values = pd.Series([1.0, 2.0, np.nan, np.nan],
                       index=pd.MultiIndex.from_product([["A", "B"], [2000, 2001]], names=["iso3", "year"]))
    table = outcome_index._annual(values, range(2000, 2003))
    assert list(table.columns) == [2000, 2001, 2002]
    np.testing.assert_allclose(table.loc["A"], [1.0, 2.0, 2.0])
    assert table.loc["B"].isna().all()


def test_migration_ratios_at_their_boundaries_and_in_the_members_order():
    bilateral = pd.DataFrame({"origin": ["A", "B", "C"], "destination": ["B", "C", "B"], "year": 2000,
                              "migrants": [1.0, 2.0, 3.0]})
    totals = pd.DataFrame({"iso3": ["A", "B", "C"], "year": 2000, "migrants": [0.0, 1.0, 4.0]})
    population = pd.Series([1.0, 0.0, 10.0, 5.0],
                           index=pd.MultiIndex.from_tuples([("A", 2000), ("B", 2000), ("C", 2000), ("Q", 2000)],
                                                           names=["iso3", "year"]))
    table = outcome_index.migration_indicators(bilateral, totals, population, ["C", "B", "A", "D"], range(2000, 2001))
    assert list(table.index) == [("C", 2000), ("B", 2000), ("A", 2000), ("D", 2000)]
    assert table.index.names == ["iso3", "year"]
    # B hosts 1 + 3 of a total stock of exactly 1 (kept); A's total stock is 0 (no ratio)
    assert table.loc[("B", 2000), "migrants_inward_share"] == pytest.approx(4.0)
    assert np.isnan(table.loc[("A", 2000), "migrants_inward_share"])
    # A's population is exactly 1 (kept); B's is 0 (no ratio); D has no data at all
    assert table.loc[("A", 2000), "migrants_outward_rate"] == pytest.approx(100.0)
    assert np.isnan(table.loc[("B", 2000), "migrants_outward_rate"])
    assert table.loc[("D", 2000)].isna().all()


def test_outcome_panel_is_exact_and_keeps_a_gdp_of_one():
    extract, integration = _small_extract()
    wdi = extract.wdi.copy()
    wdi.loc[(wdi.iso3 == "KGZ") & (wdi.year == 2000) & (wdi.indicator == "NY.GDP.MKTP.CD"), "value"] = 1.0
    extract.wdi = wdi
    table = outcome_index.outcome_panel(extract, integration, grouping="g", period=range(2000, 2002))
    assert table.index.names == ["iso3", "year"]
    assert table.loc[("KAZ", 2000), "trade_gdp"] == pytest.approx(100 * 20e6 / 2e9, rel=1e-12)
    assert table.loc[("KGZ", 2000), "trade_gdp"] == pytest.approx(100 * 15e6 / 1.0, rel=1e-12)


def test_run_builds_the_index_from_the_outcome_panel_and_compares_it(monkeypatch):
    from types import SimpleNamespace
    index = pd.MultiIndex.from_product([["X", "Y", "Z"], [2000, 2001]], names=["iso3", "year"])
    raw = pd.DataFrame({"trade_share": [0.2, 1.3, 0.5, 0.4, 1.1, 1.0], "trade_intensity": [0.1, 0.2, 0.3, 0.2, 0.5, 0.4],
                        "trade_gdp": [1.0, 2.0, 2.5, 3.0, 0.5, 1.5], "migrants_inward_share": [0.1, 0.2, 0.3, 0.1, 0.2, 0.3],
                        "migrants_outward_rate": [1.0, 0.5, 0.2, 0.3, 0.9, 0.4]}, index=index)
    extract = SimpleNamespace(migrant_stock_bilateral=pd.DataFrame({"year": [2005, 2000, 2005]}),
                              migrant_stock_totals=pd.DataFrame({"year": [2020, 2000]}))
    seen = []
    monkeypatch.setattr(outcome_index, "outcome_panel", lambda given: seen.append(given) or raw)
    study = SimpleNamespace(index=pd.DataFrame({"score": [3.0, 1.0, 2.0, 2.0, 1.0, 3.0]}, index=index),
                            filled=pd.DataFrame({"human_development": [0.7, 0.8, 0.6, 0.7, 0.9, 0.5]}, index=index))
    result = outcome_index.run(extract, study)
    assert seen == [extract]
    expected = outcome_index.build(raw)
    pd.testing.assert_frame_equal(result.outcome.index, expected.index)
    pd.testing.assert_series_equal(result.characteristics, study.index["score"])
    comparison = outcome_index.compare(expected.index.score, study.index["score"], study.filled["human_development"])
    pd.testing.assert_series_equal(result.comparison.spearman_by_year, comparison.spearman_by_year)
    pd.testing.assert_series_equal(result.comparison.hdi_outcome, comparison.hdi_outcome)
    assert result.comparison.pooled == pytest.approx(comparison.pooled)
    assert result.shares_above_one == 2  # trade shares 1.3 and 1.1, not the 1.0
    assert result.bilateral_years == [2000, 2005] and result.total_years == [2000, 2020]


def test_load_or_run_keeps_the_study_in_its_own_cache_folder(monkeypatch):
    from analysis.measures import cache
    calls = []
    monkeypatch.setattr(cache, "load_or_compute", lambda folder, stem, key, compute: calls.append((folder, stem, key)))
    outcome_index.load_or_run()
    assert calls == [("outcome_index", "study", cache.content_key())]
