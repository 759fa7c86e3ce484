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
