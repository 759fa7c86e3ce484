"""Data treatment: the JRC outlier rule (hand-checkable skewness and kurtosis on both
sides of the thresholds) and the multiple imputation with country effects."""
import numpy as np
import pandas as pd
import pytest

from analysis.measures import treatment


def skew_kurt(values: np.ndarray) -> tuple[float, float]:
    """Sample skewness G1 and excess kurtosis G2 with the small-sample corrections,
    written out by hand (the spreadsheet SKEW and KURT)."""
    n = len(values)
    d = values - values.mean()
    m2, m3, m4 = (d ** 2).mean(), (d ** 3).mean(), (d ** 4).mean()
    g1, g2 = m3 / m2 ** 1.5, m4 / m2 ** 2 - 3
    return g1 * np.sqrt(n * (n - 1)) / (n - 2), (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6)


def ones_among_zeros(n: int, k: int) -> pd.Series:
    return pd.Series([1.0] * k + [0.0] * (n - k))


def test_one_point_among_twenty_has_skewness_root_twenty():
    # one 1 among nineteen 0s: G1 = sqrt(20) = 4.472, G2 = 20 by hand
    values = ones_among_zeros(20, 1)
    assert values.skew() == pytest.approx(np.sqrt(20))
    assert values.kurt() == pytest.approx(20)
    assert treatment.flagged(values)


@pytest.mark.parametrize("k", range(1, 11))
def test_rule_on_both_sides_of_the_thresholds(k):
    values = ones_among_zeros(20, k)
    g1, g2 = skew_kurt(values.to_numpy())
    assert treatment.flagged(values) == (abs(g1) > 2 and g2 > 3.5)


def test_thresholds_are_crossed_in_the_family():
    # k = 2: G1 2.89, G2 = (19 / 306)(21 x 5.111 + 6) = 7.04 (treated); k = 3: G1 2.12, G2 2.78 (kurtosis below 3.5, left alone)
    g1, g2 = skew_kurt(ones_among_zeros(20, 2).to_numpy())
    assert g1 == pytest.approx(2.888, abs=1e-3) and g2 == pytest.approx(7.037, abs=1e-3)
    g1, g2 = skew_kurt(ones_among_zeros(20, 3).to_numpy())
    assert g1 > 2 and g2 < 3.5
    assert treatment.flagged(ones_among_zeros(20, 2)) and not treatment.flagged(ones_among_zeros(20, 3))
    # skewness above 2 is not enough, nor is kurtosis above 3.5 alone (a symmetric heavy tail)
    symmetric = pd.Series([-10.0, 10.0] + [0.0] * 18)
    assert symmetric.kurt() > 3.5 and abs(symmetric.skew()) < 2 and not treatment.flagged(symmetric)


def test_winsorising_one_outlier_to_the_next_value():
    values = pd.Series(np.r_[np.linspace(0, 1, 29), 50.0], index=[f"p{i}" for i in range(30)])
    treated, report = treatment.treat_outliers(values.to_frame("x"))
    row = report.loc["x"]
    assert row.treatment == "winsorised" and row.n_winsorised == 1 and row.points == "p29"
    assert treated.x["p29"] == pytest.approx(1.0)  # the next highest value
    assert treated.x.drop("p29").equals(values.drop("p29"))
    assert not treatment.flagged(treated.x)


def test_winsorising_a_low_outlier_and_a_clean_variable():
    values = pd.Series(np.r_[np.linspace(0, 1, 29), -50.0])
    treated, report = treatment.treat_outliers(pd.DataFrame({"low": values, "clean": np.linspace(0, 1, 30)}))
    assert report.at["low", "treatment"] == "winsorised" and treated.low.min() == pytest.approx(0.0)
    assert report.at["clean", "treatment"] == "none" and report.at["clean", "n_winsorised"] == 0
    assert treated.clean.equals(pd.Series(np.linspace(0, 1, 30)))


def test_more_than_five_outliers_are_logged_not_winsorised():
    rng = np.random.default_rng(3)
    values = pd.Series(np.exp(rng.normal(0, 1.5, 400)))  # lognormal: far more than five extreme points
    assert treatment.flagged(values)
    treated, report = treatment.treat_outliers(values.to_frame("x"))
    row = report.loc["x"]
    assert row.treatment == "log" and row.n_winsorised == 0 and len(row.tried.split("; ")) == 5
    centre, iqr = values.median(), values.quantile(0.75) - values.quantile(0.25)
    np.testing.assert_allclose(treated.x, np.sign(values - centre) * np.log1p((values - centre).abs() / iqr))
    assert row.skewness_after < row.skewness_before
    # ranks are kept: the log-modulus is monotone
    assert (treated.x.rank() == values.rank()).all()


# ---- multiple imputation -------------------------------------------------------------------

def synthetic_panel(seed: int = 0) -> pd.DataFrame:
    """Six countries x 12 years, three characteristics with country levels and a trend."""
    rng = np.random.default_rng(seed)
    countries, years = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"], range(2000, 2012)
    index = pd.MultiIndex.from_product([countries, years], names=["iso3", "year"])
    level = np.repeat(np.arange(6) * 10.0, 12)
    trend = np.tile(np.arange(12) * 0.5, 6)
    a = level + trend + rng.normal(0, 1, 72)
    return pd.DataFrame({"a": a, "b": 0.5 * a + rng.normal(0, 1, 72), "c": -a + rng.normal(0, 1, 72)}, index=index)


def with_gaps(panel: pd.DataFrame) -> pd.DataFrame:
    gapped = panel.copy()
    gapped.loc[("AAA", 2005), "b"] = np.nan           # inside AAA's observed range: interpolated
    gapped.loc[("BBB", slice(2009, 2011)), "b"] = np.nan  # after BBB's last observation: imputed
    gapped.loc[("CCC", slice(2000, 2001)), "c"] = np.nan  # before CCC's first observation: imputed
    gapped.loc[("FFF", slice(2000, 2009)), "a"] = np.nan  # two observations only: absent
    return gapped


def test_cell_kinds():
    kinds = treatment.cell_kinds(with_gaps(synthetic_panel()))
    assert kinds.at[("AAA", 2005), "b"] == "interpolated"
    assert (kinds.loc[("BBB", slice(2009, 2011)), "b"] == "imputed").all()
    assert (kinds.loc[("CCC", slice(2000, 2001)), "c"] == "imputed").all()
    fff = kinds.loc["FFF", "a"]
    assert (fff.loc[2000:2009] == "absent").all() and (fff.loc[2010:2011] == "observed").all()
    absent = treatment.absent_series(kinds)
    assert absent.at["FFF", "a"] and absent.to_numpy().sum() == 1
    # three observed years are enough for a country effect
    three = with_gaps(synthetic_panel())
    three.loc[("FFF", 2000), "a"] = 1.0
    assert treatment.cell_kinds(three).loc["FFF", "a"].isin(["observed", "interpolated", "imputed"]).all()


def test_imputations_keep_observed_cells_and_interpolate_inside():
    gapped = with_gaps(synthetic_panel())
    draws = treatment.multiple_imputations(gapped, m=4, seed=7)
    assert len(draws) == 4
    known = gapped.notna()
    for draw in draws:
        assert draw.notna().all().all()
        assert draw.index.equals(gapped.index) and list(draw.columns) == list(gapped.columns)
        pd.testing.assert_frame_equal(draw[known], gapped[known])
        inside = (gapped.at[("AAA", 2004), "b"] + gapped.at[("AAA", 2006), "b"]) / 2
        assert draw.at[("AAA", 2005), "b"] == pytest.approx(inside)


def test_imputations_are_reproducible_by_seed():
    gapped = with_gaps(synthetic_panel())
    first = treatment.multiple_imputations(gapped, m=3, seed=11)
    again = treatment.multiple_imputations(gapped, m=3, seed=11)
    other = treatment.multiple_imputations(gapped, m=3, seed=12)
    for a, b in zip(first, again):
        pd.testing.assert_frame_equal(a, b)
    assert not all(a.equals(b) for a, b in zip(first, other))
    # draws differ from one another in the imputed cells (a distribution, not a single fill)
    cells = [d.loc[("BBB", slice(2009, 2011)), "b"].to_numpy() for d in first]
    assert not np.allclose(cells[0], cells[1])


def test_absent_country_series_gets_no_borrowed_country_effect():
    # "a" is a pure country level (0, 10, ..., 40); the other characteristics say nothing
    # about it. FFF has no observation of "a". Through country dummies its cells would take
    # the reference country's level (AAA: 0) in every draw; without them, donors come from
    # across the countries.
    rng = np.random.default_rng(5)
    index = pd.MultiIndex.from_product([["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"], range(2000, 2012)],
                                       names=["iso3", "year"])
    panel = pd.DataFrame({"a": np.repeat(np.arange(6) * 10.0, 12), "b": rng.normal(size=72),
                          "c": rng.normal(size=72)}, index=index)
    panel.loc["FFF", "a"] = np.nan
    kinds = treatment.cell_kinds(panel)
    assert (kinds.loc["FFF", "a"] == "absent").all()
    values = np.concatenate([d.loc["FFF", "a"].to_numpy() for d in treatment.multiple_imputations(panel, 5, 1)])
    assert len(np.unique(values)) >= 3
    assert set(np.unique(values)) <= {0.0, 10.0, 20.0, 30.0, 40.0}


def test_log_modulus_by_hand_with_a_small_and_a_zero_interquartile_range():
    from analysis.measures import treatment
    # median 1.5, quartiles 1.3125 and 1.875 (linear interpolation): IQR 0.5625, below one
    values = pd.Series([1.0, 1.25, 1.5, 1.5, 2.0, 10.0])
    expected = np.sign(values - 1.5) * np.log1p((values - 1.5).abs() / 0.5625)
    assert treatment._logged(values).to_numpy() == pytest.approx(expected.to_numpy())
    # IQR zero: the standard deviation takes its place
    values = pd.Series([0.0] * 7 + [8.0])
    expected = np.log1p(8.0 / values.std())
    logged = treatment._logged(values)
    assert logged.iloc[-1] == pytest.approx(expected) and (logged.iloc[:-1] == 0).all()


def _two_tailed(seed: int) -> pd.Series:
    # 40 standard normal values, three high outliers (8 to 20) and three low ones (-4.8 to -12)
    rng = np.random.default_rng(seed)
    return pd.Series(np.r_[rng.normal(0, 1, 40), rng.uniform(8, 20, 3), -0.6 * rng.uniform(8, 20, 3)])


def test_winsorising_on_both_sides_follows_the_current_skewness():
    values = _two_tailed(124)
    treated, report = treatment.treat_outliers(values.to_frame("x"))
    row = report.loc["x"]
    # three points at the top (41, 42, 40) and two at the bottom (44, 45), in the order treated
    assert row.treatment == "winsorised" and row.n_winsorised == 5 and row.points == "41; 42; 40; 44; 45"
    ranked = np.sort(values.to_numpy())[::-1]
    assert treated.x[[40, 41, 42]].tolist() == [ranked[3]] * 3  # the fourth highest value
    assert treated.x[[44, 45]].tolist() == [ranked[-3]] * 2     # the third lowest value
    assert treated.x.drop([40, 41, 42, 44, 45]).equals(values.drop([40, 41, 42, 44, 45]))


def test_five_points_on_both_sides_that_do_not_suffice_lead_to_the_log():
    values = _two_tailed(83)
    treated, report = treatment.treat_outliers(values.to_frame("x"))
    row = report.loc["x"]
    assert row.treatment == "log" and row.n_winsorised == 0 and row.points == ""
    assert row.tried == "41; 40; 42; 43; 44"


def test_report_columns_and_labels_of_country_years():
    index = pd.MultiIndex.from_product([["AAA", "BBB", "CCC"], range(2000, 2010)], names=["iso3", "year"])
    spike = pd.Series(np.r_[np.linspace(0, 1, 29), 50.0], index=index)
    panel = pd.DataFrame({"spike": spike, "clean": np.linspace(0, 1, 30)}, index=index)
    treated, report = treatment.treat_outliers(panel)
    assert list(report.columns) == ["skewness_before", "kurtosis_before", "treatment", "n_winsorised", "points",
                                    "tried", "skewness_after", "kurtosis_after"]
    assert report.at["spike", "points"] == "CCC 2009" and report.at["spike", "tried"] == ""
    clean = report.loc["clean"]
    assert (clean.treatment, clean.points, clean.tried) == ("none", "", "")
    assert (clean.skewness_before, clean.kurtosis_before) == pytest.approx(skew_kurt(np.linspace(0, 1, 30)))
    assert (report.at["spike", "skewness_before"], report.at["spike", "kurtosis_before"]) == pytest.approx(
        skew_kurt(spike.to_numpy()))
    assert treatment._label(("KAZ", 2020)) == "KAZ 2020" and treatment._label("p3") == "p3"
    # the moments after treatment are those of the treated column
    assert (report.at["spike", "skewness_after"], report.at["spike", "kurtosis_after"]) == pytest.approx(
        skew_kurt(treated.spike.to_numpy()))


def test_skewness_and_kurtosis_of_small_samples_by_hand():
    for values in ([1.0, 2.0, 4.0, 9.0], [0.0, 1.0, 1.0, 3.0, 10.0, 2.0], [5.0, -1.0, 2.0, 2.5, 7.0, 0.0, 30.0]):
        assert treatment.skewness_kurtosis(values) == pytest.approx(skew_kurt(np.array(values)), rel=1e-12)
    # missing values are left out, whatever container holds them
    assert treatment.skewness_kurtosis([1.0, None, 2.0, 4.0, 9.0]) == pytest.approx(
        skew_kurt(np.array([1.0, 2.0, 4.0, 9.0])), rel=1e-12)
    # fewer than four values, or no spread: NaN
    assert np.isnan(treatment.skewness_kurtosis([1.0, 2.0, 7.0])).all()
    assert np.isnan(treatment.skewness_kurtosis([3.0] * 6)).all()
    # "no spread" is relative to the size of the values: a spread of 1e-2 around 1e6 is none...
    assert np.isnan(treatment.skewness_kurtosis(1e6 + np.array([0.0, 0.01, 0.02, 0.0, 0.01]))).all()
    # ... but a spread of 10 around 1e6, or of 2.4e-7 around zero (variance 1.5e-14), is
    assert np.isfinite(treatment.skewness_kurtosis(1e6 + np.array([0.0, 10.0, 20.0, 30.0, 45.0]))).all()
    assert np.isfinite(treatment.skewness_kurtosis([0.0, 0.0, 2.449e-7, 2.449e-7])).all()


def test_the_rule_needs_both_limits_strictly_exceeded(monkeypatch):
    for moments, expected in [((2.0, 9.0), False), ((-2.0001, 9.0), True), ((5.0, 3.5), False),
                              ((5.0, 3.5001), True)]:
        monkeypatch.setattr(treatment, "skewness_kurtosis", lambda values, m=moments: m)
        assert treatment.flagged([0.0]) is expected, moments


def test_year_terms_centred_and_scaled_by_hand():
    index = pd.MultiIndex.from_product([["AAA"], [2000, 2004, 2008]], names=["iso3", "year"])
    spread = np.std([2000, 2004, 2008])  # 3.266, above one
    expected = np.column_stack([np.ones(3), [-4 / spread, 0, 4 / spread], [16 / spread ** 2, 0, 16 / spread ** 2]])
    assert treatment._year_terms(index) == pytest.approx(expected)
    # a spread below one is not blown up: divided by one
    index = pd.MultiIndex.from_product([["AAA"], [2000, 2001]], names=["iso3", "year"])
    assert treatment._year_terms(index) == pytest.approx(np.array([[1, -0.5, 0.25], [1, 0.5, 0.25]]))


def test_predictive_mean_matching_draw_by_hand():
    # one predictor, a constant, a dummy with one known row and a dummy with none (left out)
    rng = np.random.default_rng(5)
    n = 60
    z = rng.normal(size=n)
    y = 1.0 + 2.0 * z + rng.normal(0, 3.0, n)
    single = np.zeros(n)
    single[0] = 1.0
    empty = np.zeros(n)
    empty[20:] = 1.0
    x = np.column_stack([np.ones(n), z, single, empty])
    known = np.arange(n) < 20
    targets = ~known
    got = treatment._pmm_draw(x, y, known, targets, np.random.default_rng(11))
    # the same steps written out: OLS on the identified columns, a posterior draw of
    # sigma and beta, the five known rows nearest in prediction, one of them at random
    by_hand_rng = np.random.default_rng(11)
    xk, yk = x[known][:, :3], y[known]
    beta = np.linalg.lstsq(xk, yk, rcond=None)[0]
    residual = yk - xk @ beta
    sigma = np.sqrt(residual @ residual / by_hand_rng.chisquare(20 - 3))
    lower = np.linalg.cholesky(xk.T @ xk)
    drawn = beta + sigma * np.linalg.solve(lower.T, by_hand_rng.standard_normal(3))
    distance = np.abs((x[targets][:, :3] @ drawn)[:, None] - (xk @ beta)[None, :])
    nearest = np.argsort(distance, axis=1, kind="stable")[:, :5]
    chosen = nearest[np.arange(40), by_hand_rng.integers(0, 5, size=40)]
    assert got.tolist() == yk[chosen].tolist()
    assert set(got) <= set(yk)
