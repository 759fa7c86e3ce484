"""Which characteristics go with integration: outcomes, two-way fixed effects, few-cluster
inference, Romano-Wolf adjustment and the whole-pipeline bootstrap."""
import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.measures import drivers, fixed_effects, multiple_testing, pipeline_bootstrap


def test_own_region_is_the_smallest_grouping_first_listed_on_ties():
    membership = pd.DataFrame({
        "grouping": ["ca5"] * 3 + ["eaeu"] * 3 + ["big"] * 4 + ["new_silk_road"] * 5,
        "iso3": ["KAZ", "KGZ", "UZB", "KAZ", "RUS", "BLR", "KAZ", "RUS", "CHN", "UZB",
                 "KAZ", "KGZ", "UZB", "RUS", "DEU"]})
    regions = drivers.own_regions(membership)
    assert regions["KAZ"] == "ca5"  # tie of three members: listed first
    assert regions["RUS"] == "eaeu"
    assert regions["CHN"] == "big"
    assert "DEU" not in regions.index  # only in the whole group: no own region


def test_country_share_and_intensity_by_hand():
    from analysis.measures.results import IntegrationResults

    bilateral = pd.DataFrame({"exporter": ["A", "B", "A", "C"], "importer": ["B", "A", "C", "A"], "year": 2000,
                              "value_usd_m": [10.0, 5.0, 2.0, 3.0], "source": "exporter", "estimate": False})
    totals = pd.DataFrame({"iso3": ["A", "B", "C"], "year": 2000, "exports": [40.0, 20.0, 10.0],
                           "imports": [30.0, 20.0, 10.0], "exports_estimate_share": 0.0,
                           "imports_estimate_share": 0.0})
    membership = pd.DataFrame({"grouping": "g", "iso3": ["A", "B", "C"]})
    integration = IntegrationResults(bilateral, totals, pd.DataFrame(), pd.DataFrame(), membership)
    values = drivers.country_integration(integration, "g", pd.Series({2000: 1000.0})).set_index("iso3")
    # A trades 10 + 5 with B and 2 + 3 with C out of 70; its partners trade 40 + 20 = 60 of
    # the 1000 - 70 = 930 that the rest of the world trades
    assert values.at["A", "share"] == pytest.approx(20 / 70)
    assert values.at["A", "intensity"] == pytest.approx((20 / 70) / (60 / 930))
    assert values.at["B", "share"] == pytest.approx(15 / 40)
    assert values.at["C", "intensity"] == pytest.approx((5 / 20) / (110 / 980))


# ---- two-way fixed effects ------------------------------------------------------------

def test_two_way_slope_equals_demeaned_ols_by_hand_on_a_tiny_panel():
    # 3 countries x 3 years; a year trend and country levels that a pooled slope would pick up
    x = np.array([[1.0, 2.0, 4.0], [3.0, 3.0, 6.0], [0.0, 2.0, 1.0]])
    y = np.array([[2.0, 3.0, 7.0], [9.0, 8.0, 12.0], [1.0, 4.0, 2.0]])
    demean = lambda a: a - a.mean(axis=1, keepdims=True) - a.mean(axis=0, keepdims=True) + a.mean()
    by_hand = (demean(x) * demean(y)).sum() / (demean(x) ** 2).sum()
    mask = np.ones((3, 3), dtype=bool)
    result = fixed_effects.fit(y, x[..., None], mask)
    assert result.coefficient[0] == pytest.approx(by_hand, abs=1e-12)
    # the demeaned x of the first cell: 1 - 7/3 - 4/3 + 22/9
    assert demean(x)[0, 0] == pytest.approx(1 - 7 / 3 - 4 / 3 + 22 / 9)
    assert result.design[0, 0, 0] == pytest.approx(demean(x)[0, 0])
    # year effects matter here: the slope with country effects only is different
    country_only = x - x.mean(axis=1, keepdims=True), y - y.mean(axis=1, keepdims=True)
    assert by_hand != pytest.approx((country_only[0] * country_only[1]).sum() / (country_only[0] ** 2).sum())


def _panel(seed, n_countries=8, n_years=5, drop=(3, 17, 18)):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_countries, n_years, 2)) + rng.standard_normal((n_countries, 1, 1))
    y = 0.3 * x[..., 0] + rng.standard_normal((n_countries, 1)) + 0.2 * np.arange(n_years) \
        + rng.standard_normal((n_countries, n_years))
    mask = np.ones((n_countries, n_years), dtype=bool)
    mask.reshape(-1)[list(drop)] = False
    return y, x, mask


def test_unbalanced_two_way_slopes_equal_dummy_variable_ols():
    y, x, mask = _panel(3)
    g, t = np.nonzero(mask)
    dummies = np.column_stack([np.eye(mask.shape[0])[g], np.eye(mask.shape[1])[t][:, 1:]])
    design = np.column_stack([x[mask], dummies])
    lsdv = np.linalg.lstsq(design, y[mask], rcond=None)[0][:2]
    assert fixed_effects.fit(y, x, mask).coefficient == pytest.approx(lsdv, abs=1e-10)
    assert fixed_effects.slopes(y[None], x[None], mask[None])[0] == pytest.approx(lsdv, abs=1e-10)


def test_cr1_errors_and_t_p_values_match_pyfixest():
    import pyfixest as pf

    y, x, mask = _panel(3)
    g, t = np.nonzero(mask)
    frame = pd.DataFrame({"y": y[mask], "x1": x[mask][:, 0], "x2": x[mask][:, 1], "g": g, "t": t})
    reference = pf.feols("y ~ x1 + x2 | g + t", data=frame, vcov={"CRV1": "g"},
                         ssc=pf.ssc(k_adj=True, k_fixef="full", G_adj=True))
    result = fixed_effects.fit(y, x, mask)
    assert result.se == pytest.approx(reference.se().to_numpy(), rel=1e-8)
    assert result.p_t == pytest.approx(reference.pvalue().to_numpy(), rel=1e-6)


def test_t_with_g_minus_one_degrees_of_freedom_by_hand():
    # five countries: the 97.5% point of Student's t with 4 degrees of freedom is 2.7764
    y, x, mask = _panel(5, n_countries=5, n_years=6, drop=())
    result = fixed_effects.fit(y, x, mask)
    assert (result.ci_high - result.coefficient) / result.se == pytest.approx(2.7764, abs=1e-4)
    # p for the first slope: 2 (1 - F_t4(|t|)), larger than the normal p
    assert result.p_t[0] == pytest.approx(2 * (1 - stats.t.cdf(abs(result.t[0]), 4)), rel=1e-10)
    assert result.p_t[0] > result.p_normal[0]
    # t = 2.7764 with 4 degrees of freedom is p = 0.05; with the normal, 0.0055
    assert 2 * stats.t.sf(2.7764, 4) == pytest.approx(0.05, abs=1e-5)



@pytest.mark.parametrize("country", [True, False])
def test_within_residuals_are_orthogonal_to_the_dummies_in_an_unbalanced_panel(country):
    # Frisch-Waugh-Lovell: the residual on country and year dummies sums to zero in every
    # year (and in every country when country effects are in); zero outside the mask
    _, x, mask = _panel(4)
    residual = fixed_effects.within(x, mask, country)
    assert np.abs(residual.sum(axis=0)).max() < 1e-10  # each year, each column
    if country:
        assert np.abs(residual.sum(axis=1)).max() < 1e-10  # each country
    else:
        assert np.abs(residual.sum(axis=1)).max() > 0.1  # country levels stay in
    assert (residual[~mask] == 0).all()
    # and it equals the least-squares residual on the dummies by hand
    g, t = np.nonzero(mask)
    dummies = np.eye(mask.shape[1])[t]
    if country:
        dummies = np.column_stack([np.eye(mask.shape[0])[g], dummies[:, 1:]])
    by_hand = x[mask] - dummies @ np.linalg.lstsq(dummies, x[mask], rcond=None)[0]
    assert residual[mask] == pytest.approx(by_hand, abs=1e-10)


def test_within_removes_both_effects_by_default_and_absorbs_countries_seen_once():
    # balanced 2 x 2: x - country mean - year mean + grand mean = +-0.25
    values = np.array([[1.0, 2.0], [3.0, 5.0]])[..., None]
    both = fixed_effects.within(values, np.ones((2, 2), dtype=bool))
    np.testing.assert_allclose(both[..., 0], [[0.25, -0.25], [-0.25, 0.25]])
    # two countries with a single cell each: their own effects fit those cells exactly
    values = np.random.default_rng(1).standard_normal((6, 5, 1))
    mask = np.random.default_rng(2).random((6, 5)) > 0.3
    mask[0], mask[1] = [True, False, False, False, False], [False, False, True, False, False]
    residual = fixed_effects.within(values, mask)[..., 0]
    assert residual[0, 0] == pytest.approx(0.0, abs=1e-12) and residual[1, 2] == pytest.approx(0.0, abs=1e-12)
    g, t = np.nonzero(mask)
    dummies = np.column_stack([np.eye(6)[g], np.eye(5)[t][:, 1:]])
    by_hand = values[mask][:, 0] - dummies @ np.linalg.lstsq(dummies, values[mask][:, 0], rcond=None)[0]
    np.testing.assert_allclose(residual[mask], by_hand, atol=1e-12)


def test_within_year_effects_only_with_an_empty_year_a_single_cell_year_and_a_batch():
    rng = np.random.default_rng(3)
    values = rng.standard_normal((2, 4, 5, 1))  # batch x country x year x column
    mask = np.ones((2, 4, 5), dtype=bool)
    mask[:, :, 4] = False          # no cell in the last year
    mask[0, 1:, 3] = False         # one cell only in year 3 of the first panel
    batched = fixed_effects.within(values, mask, country=False)
    assert np.isfinite(batched).all() and (batched[~mask] == 0).all()
    assert batched[0, 0, 3, 0] == pytest.approx(0.0, abs=1e-12)  # its own year mean
    for b in range(2):
        np.testing.assert_allclose(batched[b], fixed_effects.within(values[b], mask[b], country=False), atol=1e-12)
        # by hand: each cell minus its year's mean over the cells in the mask
        means = np.array([values[b, mask[b, :, t], t, 0].mean() if mask[b, :, t].any() else 0.0 for t in range(5)])
        np.testing.assert_allclose(batched[b, ..., 0], (values[b, ..., 0] - means) * mask[b], atol=1e-12)


def test_pooled_fit_has_year_effects_and_counts_them():
    # country=False: slopes of OLS on the regressors, year dummies and a constant
    y, x, mask = _panel(6)
    g, t = np.nonzero(mask)
    design = np.column_stack([x[mask], np.eye(mask.shape[1])[t]])
    by_hand = np.linalg.lstsq(design, y[mask], rcond=None)[0][:2]
    pooled = fixed_effects.fit(y, x, mask, country=False)
    assert pooled.coefficient == pytest.approx(by_hand, abs=1e-10)
    # without the year effects the slope would differ (y has a year trend)
    no_years = np.linalg.lstsq(np.column_stack([x[mask], np.ones(mask.sum())]), y[mask], rcond=None)[0][:2]
    assert not np.allclose(by_hand, no_years, atol=1e-3)
    # K in the CR1 factor: k slopes + (T - 1) year effects + constant [+ (G - 1) country effects]
    n_obs = int(mask.sum())
    assert pooled.n_params == 2 + 4 + 1
    assert pooled.scale == pytest.approx(8 / 7 * (n_obs - 1) / (n_obs - 7))
    two_way = fixed_effects.fit(y, x, mask)
    assert two_way.n_params == 2 + 7 + 4 + 1
    assert two_way.scale == pytest.approx(8 / 7 * (n_obs - 1) / (n_obs - 14))


def test_between_regression_interval_is_ninety_five_percent_by_default():
    import statsmodels.api as sm
    y, x, mask = _panel(7, n_countries=9, drop=())
    result = drivers.between_ols(y, x, mask)
    reference = sm.OLS(y.mean(axis=1), sm.add_constant(x.mean(axis=1))).fit(cov_type="HC1", use_t=True)
    interval = reference.conf_int(alpha=0.05)[1:]
    assert result["ci_low"] == pytest.approx(interval[:, 0], rel=1e-10)
    assert result["ci_high"] == pytest.approx(interval[:, 1], rel=1e-10)
    # t(G - k - 1) = t(6): half-width / HC1 error is its 97.5% point, 2.4469
    assert ((result["ci_high"] - result["coefficient"]) / reference.bse[1:]) == pytest.approx(2.4469, abs=1e-4)
    assert result["n_countries"] == 9


def test_pipeline_interval_is_ninety_five_percent_by_default():
    # 101 replicates 0..100: linear quantiles at 2.5% and 97.5%
    values = np.arange(101.0)[:, None]
    boot = pipeline_bootstrap.PipelineBootstrap(values, values, 101, 0)
    low, high = boot.interval(values)
    assert (low[0], high[0]) == pytest.approx((2.5, 97.5))
    assert boot.interval(values, 0.9)[0][0] == pytest.approx(5.0)


# ---- wild cluster bootstrap --------------------------------------------------------------

def test_restricted_wild_bootstrap_matches_wildboottest_by_full_enumeration():
    import pyfixest as pf

    y, x, mask = _panel(3)
    g, t = np.nonzero(mask)
    frame = pd.DataFrame({"y": y[mask], "x1": x[mask][:, 0], "x2": x[mask][:, 1], "g": g, "t": t})
    model = pf.feols("y ~ x1 + x2 | g + t", data=frame, vcov={"CRV1": "g"})
    result = fixed_effects.fit(y, x, mask)
    every_sign = np.array(list(itertools.product([-1.0, 1.0], repeat=mask.shape[0])))  # 2^8 = 256 draws
    boot = fixed_effects.wild_cluster_bootstrap(result, mask, every_sign)
    for j, name in enumerate(["x1", "x2"]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "2^G < the number of boot iterations": full enumeration
            reference, reference_boot = model.wildboottest(param=name, reps=9999, seed=1,
                                                           return_bootstrapped_t_stats=True)
        # the same 256 statistics (in another order), hence the same p-value; the two draws
        # w = +1 and w = -1 reproduce |t| itself, a tie that each side breaks by rounding
        assert np.sort(np.abs(boot[:, j])) == pytest.approx(np.sort(np.abs(np.ravel(reference_boot))), rel=1e-8)
        untied = ~np.isclose(np.abs(boot[:, j]), abs(result.t[j]), rtol=1e-9)
        assert np.mean(np.abs(boot[untied, j]) > abs(result.t[j])) * untied.mean() == pytest.approx(
            reference["Pr(>|t|)"], abs=2 / 256 + 1e-12)
    # the all-ones draw reproduces the data, hence the original statistic
    assert fixed_effects.wild_cluster_bootstrap(result, mask, np.ones((1, 8)))[0] == pytest.approx(result.t)


def test_wild_bootstrap_p_is_roughly_uniform_under_the_null_and_small_for_a_strong_effect():
    rng = np.random.default_rng(7)
    n_countries, n_years = 14, 6
    weights = fixed_effects.bootstrap_weights(n_countries, 399, seed=1)
    mask = np.ones((n_countries, n_years), dtype=bool)
    null_p, strong_p = [], []
    for _ in range(300):
        x = rng.standard_normal((n_countries, n_years, 2)) + rng.standard_normal((n_countries, 1, 2))
        # errors correlated within a country and with a country-specific scale
        noise = rng.standard_normal((n_countries, 1)) * 0.8 + rng.standard_normal((n_countries, n_years)) \
            * rng.uniform(0.5, 2, (n_countries, 1))
        for slope, store in [(0.0, null_p), (1.0, strong_p)]:
            y = slope * x[..., 0] + 0.5 * x[..., 1] + noise
            result = fixed_effects.fit(y, x, mask)
            boot = fixed_effects.wild_cluster_bootstrap(result, mask, weights)
            store.append(fixed_effects.bootstrap_p_value(result.t, boot)[0])
    null_p = np.array(null_p)
    assert stats.kstest(null_p, "uniform").pvalue > 0.01
    assert 0.02 < np.mean(null_p < 0.05) < 0.09
    assert np.median(strong_p) < 0.01


def test_webb_weights_below_twelve_clusters():
    few = fixed_effects.bootstrap_weights(11, 6000, seed=2)
    assert set(np.round(np.abs(few), 6).ravel()) == {round(np.sqrt(0.5), 6), 1.0, round(np.sqrt(1.5), 6)}
    assert np.mean(few) == pytest.approx(0, abs=0.02) and np.mean(few ** 2) == pytest.approx(1, abs=0.02)
    assert set(fixed_effects.bootstrap_weights(12, 50, seed=2).ravel()) == {-1.0, 1.0}


# ---- Romano-Wolf ---------------------------------------------------------------------------

def test_romano_wolf_by_hand():
    t = np.array([3.0, 2.0, 1.0])
    boot = np.array([[0.5, 2.5, 0.2],
                     [3.5, 0.1, 0.3],
                     [0.2, 0.3, 0.5],
                     [0.1, 2.2, 1.2]])
    # step 1, all three: row maxima 2.5, 3.5, 0.5, 2.2 -> one at least 3 -> (1 + 1)/5 = 0.4
    # step 2, hypotheses 2 and 3: maxima 2.5, 0.3, 0.5, 2.2 -> two at least 2 -> 3/5 = 0.6
    # step 3, hypothesis 3: 0.2, 0.3, 0.5, 1.2 -> one at least 1 -> 0.4, raised to 0.6 (monotone)
    assert multiple_testing.romano_wolf(t, boot) == pytest.approx([0.4, 0.6, 0.6])
    assert fixed_effects.bootstrap_p_value(t, boot) == pytest.approx([0.4, 0.6, 0.4])
    # the order of the hypotheses does not matter
    assert multiple_testing.romano_wolf(t[::-1], boot[:, ::-1]) == pytest.approx([0.6, 0.6, 0.4])


def test_romano_wolf_equals_pyfixest_and_is_monotone_and_above_the_unadjusted():
    from pyfixest.estimation.post_estimation.multcomp import _get_rwolf_pval

    rng = np.random.default_rng(4)
    for _ in range(20):
        correlation = rng.uniform(-0.5, 0.9)
        common = rng.standard_normal((999, 1))
        boot = np.sqrt(1 - abs(correlation)) * rng.standard_normal((999, 6)) + np.sqrt(abs(correlation)) * common
        t = rng.normal(0, 2, 6)
        adjusted = multiple_testing.romano_wolf(t, boot)
        assert adjusted == pytest.approx(_get_rwolf_pval(t, boot), abs=1e-12)
        assert np.all(adjusted >= fixed_effects.bootstrap_p_value(t, boot) - 1e-12)
        order = np.argsort(-np.abs(t))
        assert np.all(np.diff(adjusted[order]) >= 0)


def test_romano_wolf_between_sidak_and_bonferroni_for_independent_tests_and_equal_when_identical():
    rng = np.random.default_rng(5)
    boot = rng.standard_normal((200_000, 4))
    t = np.array([2.8, 0.3, 0.2, 0.1])
    p = 2 * stats.norm.sf(2.8)
    first = multiple_testing.romano_wolf(t, boot)[0]
    # independent tests: the max-|t| p-value is Sidak's 1 - (1 - p)^4, below Holm's 4p
    assert first == pytest.approx(1 - (1 - p) ** 4, abs=0.0015)
    assert first < multiple_testing.holm(2 * stats.norm.sf(np.abs(t)))[0]
    # identical tests: no penalty at all
    same = np.repeat(boot[:, :1], 4, axis=1)
    assert multiple_testing.romano_wolf(t, same)[0] == pytest.approx(fixed_effects.bootstrap_p_value(t, same)[0])


def test_holm_by_hand():
    assert multiple_testing.holm(np.array([0.01, 0.04, 0.03, 0.5])) == pytest.approx([0.04, 0.09, 0.09, 0.5])



def test_holm_is_capped_at_one():
    # 2 x 0.6 = 1.2 and 0.7: both adjusted to one
    assert multiple_testing.holm([0.6, 0.7]).tolist() == [1.0, 1.0]


def test_bootstrap_p_values_count_draws_equal_to_the_statistic():
    # |t*| equal to |t| counts as at least as extreme: (1 + 2) / 4; t = 0 gives p = 1
    boot = np.array([[2.0, 0.0], [1.0, 0.0], [-3.0, 0.0]])
    t = np.array([-2.0, 0.0])
    assert fixed_effects.bootstrap_p_value(t, boot).tolist() == [0.75, 1.0]
    assert multiple_testing.romano_wolf(t[:1], boot[:, :1]).tolist() == [0.75]
    assert multiple_testing.romano_wolf(t[1:], boot[:, 1:]).tolist() == [1.0]


def test_romano_wolf_rejects_draws_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"boot must be B x 3, got \(4, 2\)"):
        multiple_testing.romano_wolf(np.ones(3), np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"B x 3, got \(3,\)"):
        multiple_testing.romano_wolf(np.ones(3), np.ones(3))


def test_standardise_over_the_masked_cells_by_hand():
    y = np.array([[1.0, 2.0, 99.0], [3.0, 4.0, 5.0]])
    x = np.stack([y * 2 + 1, -y], axis=-1)
    mask = np.array([[True, True, False], [True, True, True]])
    z_y, z_x = fixed_effects.standardise(y, x, mask)
    # masked values 1..5: mean 3, sd sqrt(2.5) (ddof = 1); zero outside the mask
    assert z_y[mask] == pytest.approx((np.array([1.0, 2.0, 3.0, 4.0, 5.0]) - 3) / np.sqrt(2.5))
    assert z_y[0, 2] == 0 and (z_x[0, 2] == 0).all()
    assert z_x[..., 0][mask] == pytest.approx(z_y[mask]) and z_x[..., 1][mask] == pytest.approx(-z_y[mask])
    # batched: a leading axis is standardised slice by slice
    z_batch, _ = fixed_effects.standardise(np.stack([y, 10 * y]), np.stack([x, x]), np.stack([mask, mask]))
    assert z_batch[1] == pytest.approx(z_y)


def test_batched_slopes_follow_the_country_switch_and_weights_are_seeded():
    y, x, mask = _panel(8)
    assert fixed_effects.slopes(y, x, mask, country=False) == pytest.approx(
        fixed_effects.fit(y, x, mask, country=False).coefficient, abs=1e-10)
    first = fixed_effects.bootstrap_weights(8, 50, 11)
    assert (first == fixed_effects.bootstrap_weights(8, 50, 11)).all()
    assert not (first == fixed_effects.bootstrap_weights(8, 50, 12)).all()
    with pytest.raises(ValueError, match="unknown wild bootstrap weights 'normal': rademacher or webb"):
        fixed_effects.bootstrap_weights(8, 50, 11, "normal")


def test_strongest_lists_only_adjusted_survivors():
    table = pd.DataFrame({"outcome": ["a", "a", "b", "b"], "factor": ["F1", "F2", "F1", "F2"],
                          "coefficient": [0.9, 0.5, -0.6, 0.1], "p_t": [0.001, 0.01, 0.02, 0.03],
                          "p_romano_wolf": [0.2, 0.03, 0.03, 0.04]})
    assert list(drivers.strongest(table).coefficient) == [-0.6, 0.5, 0.1]
    assert drivers.strongest(table.assign(p_romano_wolf=0.06)).empty


def test_within_share_by_hand():
    index = pd.MultiIndex.from_product([["A", "B"], [2000, 2001]], names=["iso3", "year"])
    data = pd.DataFrame({"f": [1.0, 3.0, 5.0, 7.0]}, index=index)
    # country means 2 and 6; within squares 1 + 1 + 1 + 1 = 4; total about 4: 9 + 1 + 1 + 9 = 20
    assert drivers.variance_shares(data)["f"] == pytest.approx(4 / 20)


# ---- the real extract ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def study():
    from analysis.measures import factor_study
    return factor_study.load_or_run()


def test_pipeline_bootstrap_of_the_original_countries_reproduces_the_estimates(study):
    associations = study.associations
    countries = list(study.scores.index.get_level_values("iso3").unique())
    years = sorted(study.scores.index.get_level_values("year").unique())
    data = study.outcomes[drivers.OUTCOMES].join(study.scores, how="right")
    y, _, order, _ = drivers.to_cubes(data, drivers.OUTCOMES, list(study.loadings.columns))
    assert order == countries
    grid = pd.MultiIndex.from_product([countries, years])
    characteristics = study.treated[study.variables].reindex(grid).to_numpy().reshape(len(countries), len(years), -1)
    within, between = pipeline_bootstrap.replicate_coefficients(
        characteristics, y, np.arange(len(countries))[None], study.loadings.to_numpy(), study.max_iter)
    assert within[0].ravel() == pytest.approx(associations.within.coefficient.to_numpy(), abs=1e-4)
    assert between[0].ravel() == pytest.approx(associations.between.coefficient.to_numpy(), abs=1e-4)


def test_pipeline_bootstrap_widens_the_intervals_on_the_real_data(study):
    within = study.associations.within
    nsr = within[within.outcome.str.startswith("nsr")]
    assert np.median(within.width_ratio) > 1.1
    assert (nsr.boot_sd / nsr.se).median() > 1.2
    # the estimates lie inside their pipeline intervals
    assert ((within.boot_low < within.coefficient) & (within.coefficient < within.boot_high)).all()


def test_golden_associations_of_the_real_extract(study):
    associations = study.associations
    within = associations.within.set_index(["outcome", "factor"])
    assert within.coefficient.round(3).to_dict() == {
        ("nsr_share", "F1"): -0.35, ("nsr_share", "F2"): 0.132,
        ("nsr_intensity", "F1"): -0.296, ("nsr_intensity", "F2"): 0.168,
        ("region_share", "F1"): 0.129, ("region_share", "F2"): 0.052,
        ("region_intensity", "F1"): 0.206, ("region_intensity", "F2"): -0.174}
    assert within.p_t.round(3).tolist() == [0.159, 0.414, 0.304, 0.317, 0.498, 0.651, 0.434, 0.41]
    assert within.p_wild.round(3).tolist() == [0.141, 0.428, 0.286, 0.322, 0.498, 0.67, 0.564, 0.596]
    assert within.p_romano_wolf.round(3).tolist() == [0.654, 0.99, 0.941, 0.941, 0.99, 0.99, 0.99, 0.99]
    assert associations.strongest.empty  # nothing survives the adjustment at 5%
    assert associations.variance_shares[["F1", "F2"]].round(3).tolist() == [0.104, 0.109]
    pooled = associations.pooled.set_index(["outcome", "factor"]).coefficient
    assert round(pooled[("region_intensity", "F1")], 3) == -0.695
    between = associations.between.set_index(["outcome", "factor"]).p_holm.round(3)
    assert between[("nsr_share", "F2")] == 0.002 and between[("region_intensity", "F1")] == 0.052
    assert associations.settings["weights"] == "rademacher" and associations.settings["t_dof"] == [18, 25]
    assert associations.settings["n_tests"] == 8


def test_real_within_intervals_use_t_with_g_minus_one_at_95_percent(study):
    within = study.associations.within
    critical = stats.t.ppf(0.975, within.n_countries - 1)
    assert ((within.ci_high - within.coefficient) / within.se).to_numpy() == pytest.approx(critical, rel=1e-8)
    assert study.associations.settings["level"] == 0.95
    # the pipeline interval: 2.5th and 97.5th percentiles of the 1,000 replicates
    pipeline = study.associations.pipeline
    assert pipeline.within.shape[0] == 1000
    assert within.boot_low.to_numpy() == pytest.approx(np.quantile(pipeline.within, 0.025, axis=0).ravel())
    assert within.boot_high.to_numpy() == pytest.approx(np.quantile(pipeline.within, 0.975, axis=0).ravel())


# ---- the whole-pipeline bootstrap on small inputs -----------------------------------------

def _two_factor_cube(seed=0, n_countries=12, n_years=5):
    rng = np.random.default_rng(seed)
    level = rng.normal(size=(n_countries, 1, 2)) + 0.6 * rng.normal(size=(n_countries, n_years, 2))
    pattern = np.array([[0.9, 0], [0.8, 0], [0.7, 0.1], [0, 0.9], [0.1, 0.8], [0, 0.7]])
    characteristics = level @ pattern.T + rng.normal(0, 0.4, (n_countries, n_years, 6))
    outcomes = np.stack([level[..., 0] + rng.normal(0, 1, (n_countries, n_years)),
                         -level[..., 1] + rng.normal(0, 1, (n_countries, n_years))], axis=-1)
    outcomes[0, 1, 0] = outcomes[3, :, 1] = np.nan  # a missing cell, a country without the second outcome
    return characteristics, outcomes


def test_pipeline_between_slopes_equal_ols_on_country_means():
    import statsmodels.api as sm
    y, x, mask = _panel(9, n_countries=9, drop=(3, 17, 18, 40, 41, 42, 43, 44))  # country 8 has no cell
    slopes = pipeline_bootstrap.between_slopes(y, x, mask)
    present = mask.any(axis=1)
    y_bar = np.array([y[g][mask[g]].mean() for g in np.flatnonzero(present)])
    x_bar = np.array([x[g][mask[g]].mean(axis=0) for g in np.flatnonzero(present)])
    reference = sm.OLS(y_bar, sm.add_constant(x_bar)).fit().params[1:]
    assert slopes == pytest.approx(reference, abs=1e-10)
    assert drivers.between_ols(y, x, mask)["coefficient"] == pytest.approx(reference, abs=1e-10)
    # batched over a leading axis
    batch = pipeline_bootstrap.between_slopes(np.stack([y, 2 * y]), np.stack([x, x]), np.stack([mask, mask]))
    assert batch == pytest.approx(np.stack([reference, 2 * reference]), abs=1e-10)


def test_pipeline_scores_are_regression_scores_of_the_matched_solution():
    from analysis.measures import factor
    characteristics, _ = _two_factor_cube()
    sample = characteristics.reshape(-1, 6)
    frame = pd.DataFrame(sample)
    reference = factor.extract(frame, 2, max_iter=200).loadings.to_numpy()
    z = (sample - sample.mean(axis=0)) / sample.std(axis=0, ddof=1)
    corr = np.corrcoef(z, rowvar=False)
    by_hand = z @ np.linalg.solve(corr, reference)
    scores = pipeline_bootstrap.scores_batch(sample[None], reference, 200)[0]
    assert scores == pytest.approx(by_hand, abs=1e-4)  # the two iterations stop within 1e-4
    # the factors are matched to the reference: swapping its columns swaps the scores
    swapped = pipeline_bootstrap.scores_batch(sample[None], reference[:, ::-1], 200)[0]
    assert swapped == pytest.approx(by_hand[:, ::-1], abs=1e-4)


def test_pipeline_replicate_of_the_original_countries_is_the_two_way_fit():
    characteristics, outcomes = _two_factor_cube()
    from analysis.measures import factor
    reference = factor.extract(pd.DataFrame(characteristics.reshape(-1, 6)), 2, max_iter=200).loadings.to_numpy()
    identity = np.arange(12)[None]
    within, between = pipeline_bootstrap.replicate_coefficients(characteristics, outcomes, identity, reference, 200)
    assert within.shape == between.shape == (1, 2, 2)
    scores = pipeline_bootstrap.scores_batch(characteristics.reshape(1, -1, 6), reference, 200)[0].reshape(12, 5, 2)
    for o in range(2):
        mask = np.isfinite(outcomes[..., o])
        y, x = fixed_effects.standardise(outcomes[..., o], scores, mask)
        assert within[0, o] == pytest.approx(fixed_effects.fit(y, x, mask).coefficient, abs=1e-8)
        assert between[0, o] == pytest.approx(drivers.between_ols(y, x, mask)["coefficient"], abs=1e-8)


def test_pipeline_bootstrap_is_seeded_and_does_not_depend_on_the_chunk():
    characteristics, outcomes = _two_factor_cube(1)
    from analysis.measures import factor
    reference = factor.extract(pd.DataFrame(characteristics.reshape(-1, 6)), 2, max_iter=100).loadings.to_numpy()
    one = pipeline_bootstrap.pipeline_bootstrap(characteristics, outcomes, reference, 100, 7, 5)
    chunked = pipeline_bootstrap.pipeline_bootstrap(characteristics, outcomes, reference, 100, 7, 5, chunk=3)
    assert (one.n_boot, one.seed) == (7, 5) and one.within.shape == one.between.shape == (7, 2, 2)
    # (a batch iterates until all its members converge: agreement to the convergence tolerance)
    assert chunked.within == pytest.approx(one.within, abs=1e-4)
    assert chunked.between == pytest.approx(one.between, abs=1e-4)
    # the replicates are the draws of numpy's generator seeded with ``seed``, countries with replacement
    drawn = np.random.default_rng(5).integers(0, 12, size=(7, 12))
    within, between = pipeline_bootstrap.replicate_coefficients(characteristics, outcomes, drawn[2:3], reference, 100)
    assert one.within[2] == pytest.approx(within[0], abs=1e-4)
    assert one.between[2] == pytest.approx(between[0], abs=1e-4)
    other = pipeline_bootstrap.pipeline_bootstrap(characteristics, outcomes, reference, 100, 7, 6)
    assert not np.allclose(other.within, one.within)


# ---- the whole analysis on a small hand-made panel ------------------------------------------

def _small_study(seed=0):
    """12 countries x 5 years, six characteristics driven by two factors, two outcomes; the
    last country has no outcome row at all (it stays in the grid through its scores)."""
    from analysis.measures import factor
    characteristics, outcome_cube = _two_factor_cube(seed)
    countries = [f"C{g:02d}" for g in range(12)][::-1]  # listed in reverse order: kept as given
    years = list(range(2001, 2006))
    grid = pd.MultiIndex.from_product([countries, years], names=["iso3", "year"])
    variables = [f"v{j}" for j in range(6)]
    frame = pd.DataFrame(characteristics.reshape(-1, 6), index=grid, columns=variables)
    loadings = factor.extract(frame, 2, max_iter=200).loadings
    z = (frame - frame.mean()) / frame.std(ddof=1)
    scores = pd.DataFrame(z.to_numpy() @ np.linalg.solve(np.corrcoef(z, rowvar=False), loadings.to_numpy()),
                          index=grid, columns=loadings.columns)
    outcome_cube[11] = np.nan
    table = pd.DataFrame(outcome_cube.reshape(-1, 2), index=grid, columns=["a", "b"]).drop(index=countries[11], level="iso3")
    return table, scores, frame, loadings, characteristics, outcome_cube


def test_analyse_is_the_stated_composition_of_its_parts():
    table, scores, frame, loadings, characteristics, outcome_cube = _small_study()
    study = drivers.analyse(table, scores, frame, loadings, 200, 5, n_wild=99, n_pipeline=12,
                            outcome_names=["a", "b"])
    x = scores.to_numpy().reshape(12, 5, 2)
    # outcome b lacks a country (and the last has none): 10 clusters, below 12, so Webb weights
    # over all 12 countries of the grid, the same draw for every test
    weights = fixed_effects.bootstrap_weights(12, 99, 5, "webb")
    t_all, boot_all = [], []
    for o, name in enumerate(["a", "b"]):
        mask = np.isfinite(outcome_cube[..., o])
        y, xz = fixed_effects.standardise(outcome_cube[..., o], x, mask)
        result = fixed_effects.fit(y, xz, mask, 0.95)
        boot = fixed_effects.wild_cluster_bootstrap(result, mask, weights[:, mask.any(axis=1)])
        t_all.append(result.t)
        boot_all.append(boot)
        rows = study.within[study.within.outcome == name]
        assert list(rows.factor) == list(loadings.columns)
        for column, expected in [("coefficient", result.coefficient), ("se", result.se), ("t", result.t),
                                 ("ci_low", result.ci_low), ("ci_high", result.ci_high),
                                 ("p_normal", result.p_normal), ("p_t", result.p_t),
                                 ("p_wild", fixed_effects.bootstrap_p_value(result.t, boot))]:
            assert rows[column].to_numpy() == pytest.approx(expected, rel=1e-9, abs=1e-12), column
        assert (rows.n_obs == result.n_obs).all() and (rows.n_countries == result.n_clusters).all()
        assert (rows.n_years == 5).all()
        between = drivers.between_ols(y, xz, mask)
        brows = study.between[study.between.outcome == name]
        for column in ["coefficient", "ci_low", "ci_high", "p_value"]:
            assert brows[column].to_numpy() == pytest.approx(between[column], rel=1e-9), column
        assert (brows.n_countries == between["n_countries"]).all()
        pooled = fixed_effects.fit(y, xz, mask, 0.95, country=False)
        prows = study.pooled[study.pooled.outcome == name]
        for column in ["coefficient", "ci_low", "ci_high", "p_t"]:
            assert prows[column].to_numpy() == pytest.approx(getattr(pooled, column), rel=1e-9), column
    assert list(study.within.n_countries) == [11, 11, 10, 10]
    assert study.within.p_romano_wolf.to_numpy() == pytest.approx(
        multiple_testing.romano_wolf(np.concatenate(t_all), np.concatenate(boot_all, axis=1)))
    assert study.between.p_holm.to_numpy() == pytest.approx(multiple_testing.holm(study.between.p_value.to_numpy()))
    assert list(study.pooled.columns) == ["outcome", "factor", "coefficient", "ci_low", "ci_high", "p_t"]

    # the pipeline bootstrap over all 12 countries, 95% percentile intervals
    pipeline = pipeline_bootstrap.pipeline_bootstrap(characteristics, outcome_cube, loadings.to_numpy(), 200, 12, 5)
    assert study.pipeline.within == pytest.approx(pipeline.within, abs=1e-10)
    low, high = np.quantile(pipeline.within, [0.025, 0.975], axis=0)
    assert study.within.boot_low.to_numpy() == pytest.approx(low.reshape(-1), abs=1e-10)
    assert study.within.boot_high.to_numpy() == pytest.approx(high.reshape(-1), abs=1e-10)
    assert study.within.boot_sd.to_numpy() == pytest.approx(pipeline.within.std(axis=0, ddof=1).reshape(-1))
    assert study.within.width_ratio.to_numpy() == pytest.approx(
        ((high - low).reshape(-1) / (study.within.ci_high - study.within.ci_low)).to_numpy())
    b_low, b_high = np.quantile(pipeline.between, [0.025, 0.975], axis=0)
    assert study.between.boot_low.to_numpy() == pytest.approx(b_low.reshape(-1), abs=1e-10)
    assert study.between.boot_high.to_numpy() == pytest.approx(b_high.reshape(-1), abs=1e-10)

    data = table.join(scores, how="right")
    expected_shares = drivers.variance_shares(data[list(loadings.columns) + ["a", "b"]])
    pd.testing.assert_series_equal(study.variance_shares, expected_shares)
    assert list(study.variance_shares.index) == list(loadings.columns) + ["a", "b"]
    assert study.settings == {"seed": 5, "n_wild": 99, "n_pipeline": 12, "weights": "webb", "level": 0.95,
                              "alpha": 0.05, "n_tests": 4, "t_dof": [9, 10]}
    pd.testing.assert_frame_equal(study.strongest, drivers.strongest(study.within))


def test_analyse_uses_rademacher_weights_from_twelve_clusters():
    table, scores, frame, loadings, characteristics, outcome_cube = _small_study(2)
    # every country with every outcome: 12 clusters
    outcome_cube = np.where(np.isnan(outcome_cube), 0.5, outcome_cube)
    grid = scores.index
    table = pd.DataFrame(outcome_cube.reshape(-1, 2), index=grid, columns=["a", "b"])
    study = drivers.analyse(table, scores, frame, loadings, 200, 3, n_wild=49, n_pipeline=4,
                            outcome_names=["a", "b"])
    assert study.settings["weights"] == "rademacher" and study.settings["t_dof"] == [11]
    weights = fixed_effects.bootstrap_weights(12, 49, 3, "rademacher")
    mask = np.ones((12, 5), dtype=bool)
    y, xz = fixed_effects.standardise(outcome_cube[..., 0], scores.to_numpy().reshape(12, 5, 2), mask)
    result = fixed_effects.fit(y, xz, mask)
    boot = fixed_effects.wild_cluster_bootstrap(result, mask, weights)
    assert study.within.p_wild.to_numpy()[:2] == pytest.approx(fixed_effects.bootstrap_p_value(result.t, boot))


def test_own_region_reads_the_listing_order_of_groupings_not_of_rows():
    # groupings listed big, b, a; KAZ's row of "a" comes before its row of "b" (both have 2 members)
    membership = pd.DataFrame({"grouping": ["big", "b", "a", "b", "a", "big", "big"],
                               "iso3": ["UZB", "UZB", "KAZ", "KAZ", "KGZ", "KGZ", "TJK"]})
    regions = drivers.own_regions(membership)
    assert regions.name == "region"
    assert regions["KAZ"] == "b" and regions["KGZ"] == "a"
    # a smaller grouping listed after a larger one still wins
    assert regions["UZB"] == "b" and regions["TJK"] == "big"


def test_outcomes_of_the_whole_group_and_of_the_own_region_by_hand():
    from analysis.measures.results import IntegrationResults
    bilateral = pd.DataFrame({"exporter": ["KAZ", "KGZ", "KAZ", "UZB"], "importer": ["KGZ", "KAZ", "UZB", "KAZ"],
                              "year": 2000, "value_usd_m": [10.0, 5.0, 2.0, 3.0], "source": "exporter",
                              "estimate": False})
    totals = pd.DataFrame({"iso3": ["KAZ", "KGZ", "UZB"], "year": 2000, "exports": [40.0, 20.0, 10.0],
                           "imports": [30.0, 20.0, 10.0], "exports_estimate_share": 0.0,
                           "imports_estimate_share": 0.0})
    membership = pd.DataFrame({"grouping": ["new_silk_road"] * 3 + ["ca"] * 2, "iso3": ["KAZ", "KGZ", "UZB", "KAZ", "KGZ"]})
    integration = IntegrationResults(bilateral, totals, pd.DataFrame(), pd.DataFrame(), membership)
    table = drivers.outcomes(integration, pd.Series({2000: 1000.0}))
    assert list(table.columns) == drivers.OUTCOMES
    assert table.index.names == ["iso3", "year"]
    kaz = table.loc[("KAZ", 2000)]
    assert kaz.nsr_share == pytest.approx(20 / 70)
    assert kaz.nsr_intensity == pytest.approx((20 / 70) / (60 / 930))
    # own region "ca": KAZ trades 15 with KGZ; KGZ's 40 of the 930 of the rest of the world
    assert kaz.region_share == pytest.approx(15 / 70)
    assert kaz.region_intensity == pytest.approx((15 / 70) / (40 / 930))
    assert table.loc[("KGZ", 2000), "region_share"] == pytest.approx(15 / 40)
    assert table.loc[("UZB", 2000), ["region_share", "region_intensity"]].isna().all()  # no own region
    assert table.loc[("UZB", 2000), "nsr_share"] == pytest.approx(5 / 20)


def test_country_integration_is_missing_when_a_member_total_is():
    from analysis.measures.results import IntegrationResults
    bilateral = pd.DataFrame({"exporter": ["A", "B"], "importer": ["B", "A"], "year": 2000,
                              "value_usd_m": [10.0, 5.0], "source": "exporter", "estimate": False})
    totals = pd.DataFrame({"iso3": ["A", "B", "C"], "year": 2000, "exports": [40.0, 20.0, np.nan],
                           "imports": [30.0, 20.0, np.nan], "exports_estimate_share": 0.0,
                           "imports_estimate_share": 0.0})
    membership = pd.DataFrame({"grouping": "g", "iso3": ["A", "B", "C"]})
    integration = IntegrationResults(bilateral, totals, pd.DataFrame(), pd.DataFrame(), membership)
    values = drivers.country_integration(integration, "g", pd.Series({2000: 1000.0}))
    assert list(values.columns) == ["iso3", "year", "share", "intensity"]
    # the group's total is unknown when one member's is: no intensity rather than an understated one
    assert values.set_index("iso3").intensity.isna().all()


def test_to_cubes_places_cells_on_the_full_grid():
    index = pd.MultiIndex.from_tuples([("B", 2001), ("A", 2000), ("B", 2000)], names=["iso3", "year"])
    data = pd.DataFrame({"y": [1.0, 2.0, 3.0], "f": [4.0, 5.0, 6.0]}, index=index)
    y, x, countries, years = drivers.to_cubes(data, ["y"], ["f"])
    assert countries == ["B", "A"] and years == [2000, 2001]
    assert y.dtype == float and y.shape == (2, 2, 1)
    np.testing.assert_array_equal(y[..., 0], [[3.0, 1.0], [2.0, np.nan]])
    np.testing.assert_array_equal(x[..., 0], [[6.0, 4.0], [5.0, np.nan]])


def test_within_share_is_named():
    index = pd.MultiIndex.from_product([["A", "B"], [2000, 2001]], names=["iso3", "year"])
    assert drivers.variance_shares(pd.DataFrame({"f": [1.0, 3.0, 5.0, 7.0]}, index=index)).name == "within_share"


def test_strongest_needs_an_adjusted_p_strictly_below_alpha():
    table = pd.DataFrame({"coefficient": [0.5, 0.4], "p_romano_wolf": [0.05, 0.049]})
    assert list(drivers.strongest(table).coefficient) == [0.4]


def test_analyse_tables_are_indexed_afresh_and_read_characteristics_by_label():
    table, scores, frame, loadings, characteristics, outcome_cube = _small_study(1)
    base = drivers.analyse(table, scores, frame, loadings, 200, 5, n_wild=19, n_pipeline=6, outcome_names=["a", "b"])
    for part in (base.within, base.between, base.pooled):
        assert list(part.index) == list(range(4))
    assert list(base.between.columns[:2]) == ["outcome", "factor"]
    shuffled = frame.sample(frac=1.0, random_state=0)
    other = drivers.analyse(table, scores, shuffled, loadings, 200, 5, n_wild=19, n_pipeline=6,
                            outcome_names=["a", "b"])
    assert other.within.boot_low.to_numpy() == pytest.approx(base.within.boot_low.to_numpy(), abs=1e-12)
    # a missing score: that cell leaves both outcomes' samples
    gap = scores.copy()
    gap.iloc[7, 1] = np.nan
    missing = drivers.analyse(table, gap, frame, loadings, 200, 5, n_wild=19, n_pipeline=6, outcome_names=["a", "b"])
    assert list(missing.within.n_obs) == [list(base.within.n_obs)[0] - 1] * 2 + [list(base.within.n_obs)[2] - 1] * 2
