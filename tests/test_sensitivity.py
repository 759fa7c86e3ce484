"""Uncertainty and sensitivity analysis (analysis.measures.sensitivity): Sobol indices of
the Ishigami function against their analytic values, the mapping of uniform draws to
levels, benefit-of-the-doubt weights against a brute-force search, the main-effect
estimator on a linear model with known answer, the exact factorial indices by hand,
invariance of the index to the order of indicators and countries, and golden values on
the real extract."""
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from scipy import stats

from analysis.measures import sensitivity

# Ishigami and Homma (1990), a = 7, b = 0.1, inputs uniform on [-pi, pi]; analytic
# indices as tabulated by Saltelli et al. (2008), Global Sensitivity Analysis: The Primer.
ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]
ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_the_ishigami_function():
    names = ["x1", "x2", "x3"]
    design = sensitivity.sobol_design(names, 2 ** 13, seed=1)  # 8192 * 5 = 40,960 runs
    indices = sensitivity.sobol_indices(names, ishigami(-np.pi + 2 * np.pi * design), seed=1)
    np.testing.assert_allclose(indices.S1, ISHIGAMI_S1, atol=0.02)
    np.testing.assert_allclose(indices.ST, ISHIGAMI_ST, atol=0.02)
    # the stated intervals are honest: each covers the analytic value within twice its half-width
    assert (np.abs(indices.S1 - ISHIGAMI_S1) <= 2 * indices.S1_conf + 1e-3).all()
    assert (np.abs(indices.ST - ISHIGAMI_ST) <= 2 * indices.ST_conf + 1e-3).all()



def test_sobol_confidence_half_widths_are_at_95_percent_by_default():
    # SALib's half-width is z x the bootstrap standard error; 95% against 90%: 1.95996 / 1.64485
    names = ["x1", "x2", "x3"]
    design = sensitivity.sobol_design(names, 2 ** 9, seed=2)
    outputs = ishigami(-np.pi + 2 * np.pi * design)
    default = sensitivity.sobol_indices(names, outputs, seed=3)
    ninety = sensitivity.sobol_indices(names, outputs, seed=3, conf_level=0.90)
    ratio = stats.norm.ppf(0.975) / stats.norm.ppf(0.95)
    np.testing.assert_allclose(default.S1_conf / ninety.S1_conf, ratio, rtol=1e-9)
    np.testing.assert_allclose(default.ST_conf / ninety.ST_conf, ratio, rtol=1e-9)
    assert sensitivity.CONF_LEVEL == 0.95 and sensitivity.N_RESAMPLES == 200


def test_rank_distribution_reports_the_5th_and_95th_percentiles():
    # one country ranked 1..40 over 40 combinations, another always 3: inverted-CDF
    # percentiles are 2 and 38 (a 95% interval would give 1 and 39), the median 20
    ranks = np.column_stack([np.arange(1, 41), np.full(40, 3)]).reshape(40, 1, 1, 1, 1, 1, 2)
    fact = sensitivity.Factorial(ranks, {}, ["AAA", "BBB"], 2020)
    table = sensitivity.rank_distribution(fact, pd.Series({"AAA": 21, "BBB": 3}))
    assert table.loc["AAA", ["median", "p05", "p95"]].tolist() == [20, 2, 38]
    assert table.loc["BBB", ["median", "p05", "p95"]].tolist() == [3, 3, 3]
    assert table.index.tolist() == ["BBB", "AAA"]  # by median rank
    assert table.loc["AAA", "nominal"] == 21


def test_level_index_maps_equal_intervals_to_levels():
    u = np.array([0.0, 0.2499, 0.25, 0.5, 0.7499, 0.75, 0.999, 1.0])
    assert sensitivity.level_index(u, 4).tolist() == [0, 0, 1, 2, 2, 3, 3, 3]
    assert sensitivity.level_index(np.array([0.0, 0.49, 0.5, 1.0]), 2).tolist() == [0, 0, 1, 1]
    # each level is equally likely under uniform draws
    counts = np.bincount(sensitivity.level_index(np.random.default_rng(0).random(30000), 3), minlength=3)
    assert np.all(np.abs(counts / 30000 - 1 / 3) < 0.01)
    with pytest.raises(ValueError):
        sensitivity.level_index(np.array([1.2]), 3)


def test_benefit_of_doubt_respects_bounds_and_beats_a_brute_force_grid():
    values = np.array([[0.9, 0.1, 0.5], [0.2, 0.8, 0.3], [0.4, 0.4, 0.7]])
    weights = sensitivity.bod_weights(values, (0.5, 2.0))
    p = values.shape[1]
    assert np.allclose(weights.sum(axis=1), 1)
    assert (weights >= 0.5 / p - 1e-12).all() and (weights <= 2.0 / p + 1e-12).all()
    grid = np.arange(0, 1.0000001, 0.005)
    feasible = [w for w in itertools.product(grid, grid)
                if 0.5 / p - 1e-9 <= 1 - sum(w) <= 2.0 / p + 1e-9
                and all(0.5 / p - 1e-9 <= v <= 2.0 / p + 1e-9 for v in w)]
    candidates = np.array([[a, b, 1 - a - b] for a, b in feasible])
    best = (values @ candidates.T).max(axis=1)
    achieved = (values * weights).sum(axis=1)
    assert np.all(achieved >= best - 1e-9)           # no grid point does better
    assert np.all(achieved <= best + 0.005)          # and the grid gets close to it
    # by hand for the first country: 2/3 on indicator 1, then 1/6 + 1/6 on indicators 3 and 2
    np.testing.assert_allclose(weights[0], [2 / 3, 1 / 6, 1 / 6])


def test_unavailable_indicators_get_no_weight_and_the_rest_are_renormalised():
    values = np.array([[0.9, 0.1, 0.5, 0.7], [0.2, 0.8, 0.3, 0.1]])
    available = np.array([[True, True, True, False], [True, True, True, True]])
    weights = sensitivity.bod_weights(values, (0.5, 2.0), available)
    # the first country has three indicators: bounds 1/6 and 2/3, as in the three-indicator case
    np.testing.assert_allclose(weights[0], [2 / 3, 1 / 6, 1 / 6, 0])
    # the second has four: bounds 1/8 and 1/2; 1/2 of the mass is spare: 3/8 to its best, 1/8 to the next
    np.testing.assert_allclose(weights[1], [1 / 8, 1 / 2, 1 / 4, 1 / 8])
    np.testing.assert_allclose(sensitivity.renormalised(np.array([0.4, 0.3, 0.2, 0.1]), available),
                               [[0.4 / 0.9, 0.3 / 0.9, 0.2 / 0.9, 0], [0.4, 0.3, 0.2, 0.1]])


def test_benefit_of_doubt_rejects_impossible_bounds():
    with pytest.raises(ValueError):
        sensitivity.bod_weights(np.ones((1, 4)), (1.5, 2.0))


def test_main_effects_recover_a_linear_model():
    rng = np.random.default_rng(3)
    n = 3000
    sd = np.array([1.0, 2.0, 0.5])
    w = np.array([0.5, 0.3, 0.2])
    x = rng.standard_normal((n, 3)) * sd
    y = x @ w
    effects = sensitivity.main_effects(pd.DataFrame(x, columns=["a", "b", "c"]), pd.Series(y))
    expected = w ** 2 * sd ** 2 / (w ** 2 * sd ** 2).sum()
    np.testing.assert_allclose(effects.to_numpy(), expected, atol=0.03)
    table = sensitivity.importance_table(effects, pd.Series(w, index=["a", "b", "c"]))
    assert np.isclose(table.importance.sum(), 1) and np.isclose(table.weight.sum(), 1)
    # b has a smaller weight than a but the larger variance: more important
    assert table.importance["b"] > table.importance["a"]


def test_exact_indices_of_an_additive_table_by_hand():
    # y = u_i + 2 v_j on a 2 x 2 grid, u in {0, 1}, v in {0, 1}: Var = 1/4 + 1 = 5/4
    values = np.array([[0.0, 2.0], [1.0, 3.0]])
    table = sensitivity.exact_indices(values, ["u", "v"])
    np.testing.assert_allclose(table.S1_exact, [0.2, 0.8])
    np.testing.assert_allclose(table.ST_exact, [0.2, 0.8])
    # a pure interaction: y = u xor v has no first-order effects and total ones of 1
    xor = sensitivity.exact_indices(np.array([[0.0, 1.0], [1.0, 0.0]]), ["u", "v"])
    np.testing.assert_allclose(xor.S1_exact, [0, 0], atol=1e-12)
    np.testing.assert_allclose(xor.ST_exact, [1, 1])


def test_geometric_scale_and_normalisations():
    frame = pd.DataFrame({"a": [1.0, 2.0, 4.0], "b": [3.0, 2.0, 1.0]})
    directions = pd.Series({"a": 1, "b": -1})
    mm = sensitivity.normalise(frame, "min_max", directions)
    np.testing.assert_allclose(mm.a, [0, 1 / 3, 1])
    np.testing.assert_allclose(mm.b, [0, 0.5, 1])
    rk = sensitivity.normalise(frame, "rank", directions)
    np.testing.assert_allclose(rk.b, [1 / 3, 2 / 3, 1])
    pos = sensitivity.positive_scale(mm.to_numpy(), 0.1)
    np.testing.assert_allclose(pos[:, 0], [0.1, 0.4, 1.0])
    with pytest.raises(ValueError):
        sensitivity.normalise(frame, "min_max", pd.Series({"a": 1}))
    with pytest.raises(ValueError):
        sensitivity.scores(np.array([[0.0, 1.0]]), np.array([0.5, 0.5]), "geometric")


def synthetic_panel(seed: int, n_countries: int = 6, n_years: int = 5, p: int = 8) -> pd.DataFrame:
    """Two clusters of indicators, each driven by its own common factor, plus noise."""
    rng = np.random.default_rng(seed)
    common = rng.standard_normal((n_countries * n_years, 3))
    pattern = np.zeros((3, p))
    pattern[0, : p // 2] = rng.uniform(0.6, 1, p // 2)
    pattern[1, p // 2:] = rng.uniform(0.6, 1, p - p // 2)
    pattern[2] = rng.uniform(0.2, 0.5, p)
    values = common @ pattern + 0.5 * rng.standard_normal((n_countries * n_years, p))
    index = pd.MultiIndex.from_product([[f"C{c}" for c in range(n_countries)], range(2000, 2000 + n_years)],
                                       names=["iso3", "year"])
    return pd.DataFrame(values, index=index, columns=[f"v{j}" for j in range(p)])


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), data=st.data())
def test_ranks_do_not_depend_on_the_order_of_indicators_or_countries(seed, data):
    panel = synthetic_panel(seed)
    directions = pd.Series(1, index=panel.columns)
    base = sensitivity.factorial([panel], [panel * 1.1], directions, 2004, max_iter=1)
    columns = data.draw(st.permutations(list(panel.columns)))
    countries = data.draw(st.permutations(list(panel.index.get_level_values("iso3").unique())))
    shuffled = panel[columns].reindex(pd.MultiIndex.from_product([countries, range(2000, 2005)],
                                                                 names=["iso3", "year"]))
    other = sensitivity.factorial([shuffled], [shuffled * 1.1], directions, 2004, max_iter=1)
    order = [other.countries.index(c) for c in base.countries]
    np.testing.assert_array_equal(other.ranks[..., order], base.ranks)


def test_factorial_shape_and_inert_factor_count():
    panel = synthetic_panel(1)
    directions = pd.Series(1, index=panel.columns)
    fact = sensitivity.factorial([panel, panel + 0.01], [panel, panel], directions, 2004, max_iter=1)
    assert fact.ranks.shape == (2, 2, 3, 4, 2, 2, 6)
    # every combination ranks each country once
    assert (np.sort(fact.flat(), axis=1) == np.arange(1, 7)).all()
    # k acts only through the factor weights
    weighting = sensitivity.WEIGHTINGS
    for w, name in enumerate(weighting):
        if name != "factor":
            np.testing.assert_array_equal(fact.ranks[:, :, :, w, :, 0], fact.ranks[:, :, :, w, :, 1])


# ---- golden values on the real extract ---------------------------------------------------

@pytest.fixture(scope="module")
def real():
    from analysis.measures import sensitivity_study
    return sensitivity_study.load_or_run()


def test_nominal_combination_reproduces_the_book_index(real):
    from analysis.measures import factor_study
    study = factor_study.load_or_run()
    fact = real.analysis.factorial
    n = sensitivity.NORMALISATIONS.index("min_max")
    w = sensitivity.WEIGHTINGS.index("factor")
    k = fact.levels["factors"].index(study.n_factors)
    o = real.nominal_outliers
    ranks = fact.ranks[:, o, n, w, 0, k]
    nominal = real.analysis.nominal.to_numpy()
    # the nominal settings rank the countries as the book's index does, in every imputation draw but for
    # the few countries the draws move
    assert (np.abs(ranks - nominal) <= 2).mean() >= 0.9


def test_golden_sensitivity_values(real):
    shift = real.analysis.sobol["mean_shift"]
    assert list(shift.ST_exact.sort_values(ascending=False).index[:2]) == ["weighting", "aggregation"]
    assert shift.at["weighting", "ST_exact"] == pytest.approx(0.579, abs=0.001)
    assert shift.at["aggregation", "ST_exact"] == pytest.approx(0.523, abs=0.001)
    assert shift.at["imputation", "ST_exact"] == pytest.approx(0.135, abs=0.001)
    # SALib's estimates (N = 4096) agree with the exact indices of the full factorial
    for table in real.analysis.sobol.values():
        assert (table.ST - table.ST_exact).abs().max() < 0.035
        assert (table.S1 - table.S1_exact).abs().max() < 0.035
    kaz = real.analysis.distribution.loc["KAZ"]
    assert (kaz["nominal"], kaz["p05"], kaz["median"], kaz["p95"]) == (11, 10, 13, 17)
    assert real.analysis.shift_summary["mean"] == pytest.approx(1.79, abs=0.01)
    effects = real.importance.main_effect
    assert effects["human_development"] == pytest.approx(0.915, abs=0.005)
    assert effects["gdp_per_head_ppp"] == pytest.approx(0.896, abs=0.005)


# ---- the whole analysis on a small synthetic panel ------------------------------------------

def _small_run(**options):
    panel = synthetic_panel(3)
    directions = pd.Series(1, index=panel.columns).where(panel.columns != "v1", -1)
    panels, treated = [panel, panel + 0.05 * synthetic_panel(4)], [panel.clip(upper=2), panel.clip(upper=1.5)]
    available = pd.DataFrame(True, index=panel.index, columns=panel.columns)
    available.loc["C2", "v3"] = False
    fact = sensitivity.factorial(panels, treated, directions, 2004, 3, available=available)
    nominal = pd.Series(fact.ranks[0, 1, 0, 0, 0, 0], index=fact.countries)[::-1]  # one combination's ranks
    result = sensitivity.run(panels, treated, directions, nominal, 2004, max_iter=3, n_base=16, seed=9,
                             countries_of_interest=("C2", "C5"), available=available, **options)
    return result, fact, nominal


def test_run_is_the_stated_composition_on_a_small_panel():
    result, fact, nominal = _small_run()
    np.testing.assert_array_equal(result.factorial.ranks, fact.ranks)
    assert result.factorial.countries == fact.countries == [f"C{c}" for c in range(6)]
    assert list(result.nominal.index) == fact.countries
    design = sensitivity.sobol_design(sensitivity.INPUTS, 16, 9)
    np.testing.assert_array_equal(result.design, design)
    assert design.shape == (16 * 8, 6)
    n_levels = [2, 2, 3, 4, 2, 2]
    expected_levels = np.column_stack([sensitivity.level_index(design[:, j], n) for j, n in enumerate(n_levels)])
    np.testing.assert_array_equal(result.levels, expected_levels)
    nominal_ranks = nominal.reindex(fact.countries).to_numpy()
    runs = fact.ranks[tuple(expected_levels.T)]
    np.testing.assert_allclose(result.shift, np.abs(runs - nominal_ranks).mean(axis=1))
    # the combination the nominal ranks come from has no shift
    assert sensitivity.mean_shift(fact.ranks, nominal_ranks)[0, 1, 0, 0, 0, 0] == 0
    assert list(result.sobol) == ["mean_shift", "rank_C2", "rank_C5"]
    full = sensitivity.mean_shift(fact.ranks, nominal_ranks)
    for name, sample, exact in [("mean_shift", result.shift, full),
                                ("rank_C2", runs[:, 2], fact.ranks[..., 2]),
                                ("rank_C5", runs[:, 5], fact.ranks[..., 5])]:
        expected = sensitivity.sobol_indices(sensitivity.INPUTS, sample.astype(float), 9).join(
            sensitivity.exact_indices(exact.astype(float), sensitivity.INPUTS))
        pd.testing.assert_frame_equal(result.sobol[name], expected)
    pd.testing.assert_frame_equal(result.distribution, sensitivity.rank_distribution(fact, nominal))
    assert result.shift_summary == pytest.approx({
        "mean": full.mean(), "median": np.median(full), "p05": np.quantile(full, 0.05),
        "p95": np.quantile(full, 0.95), "sample_mean": result.shift.mean()})
    assert result.settings == {"n_base": 16, "n_runs": 128, "seed": 9, "year": 2004, "max_iter": 3,
                               "n_imputations": 2, "n_combinations": 192, "bod_bounds": (0.5, 2.0),
                               "geometric_floor": 0.1, "conf_level": 0.95, "n_resamples": 200}
    assert set(result.timings) == {"factorial_s", "sobol_s", "total_s"}
    assert result.timings["total_s"] == pytest.approx(result.timings["factorial_s"] + result.timings["sobol_s"])
    assert min(result.timings.values()) > 0


def test_run_needs_a_nominal_rank_for_every_country():
    panel = synthetic_panel(3)
    directions = pd.Series(1, index=panel.columns)
    nominal = pd.Series(range(1, 6), index=[f"C{c}" for c in range(5)])
    with pytest.raises(ValueError, match="the nominal ranks do not cover every country"):
        sensitivity.run([panel], [panel], directions, nominal, 2004, max_iter=1, n_base=8)


def test_run_defaults():
    import inspect
    parameters = inspect.signature(sensitivity.run).parameters
    assert parameters["max_iter"].default == 50 and parameters["n_base"].default == 4096
    assert parameters["seed"].default == 20231 and parameters["countries_of_interest"].default == ("KAZ",)


# ---- cases the mutation run found untested (values by hand) ----------------------------------

def test_level_index_and_normalise_name_what_is_wrong():
    with pytest.raises(ValueError, match=r"^Sobol inputs must lie in \[0, 1\]$"):
        sensitivity.level_index(np.array([0.5, 1.5]), 3)
    panel = synthetic_panel(1).iloc[:, :3]
    with pytest.raises(ValueError, match=r"^no declared direction for \['v2'\]$"):
        sensitivity.normalise(panel, "min_max", pd.Series({"v0": 1, "v1": -1}))
    normalised = sensitivity.normalise(panel, "min_max", pd.Series({"v0": 1, "v1": -1, "v2": 1}))
    assert normalised.index.equals(panel.index) and list(normalised.columns) == ["v0", "v1", "v2"]
    low, high = panel.v1.min(), panel.v1.max()
    np.testing.assert_allclose(normalised.v1, (high - panel.v1) / (high - low))  # reversed


def test_mean_shift_averages_over_countries_on_the_last_axis():
    ranks = np.array([[[1, 2, 3], [3, 2, 1]], [[2, 1, 3], [1, 3, 2]]])
    # shifts from (1, 2, 3): 0, (2 + 0 + 2) / 3; (1 + 1 + 0) / 3, (0 + 1 + 1) / 3
    np.testing.assert_allclose(sensitivity.mean_shift(ranks, np.array([1, 2, 3])), [[0, 4 / 3], [2 / 3, 2 / 3]])


def test_exact_indices_of_a_constant_and_of_a_small_variance_table():
    constant = sensitivity.exact_indices(np.full((2, 3), 4.0), ["u", "v"])
    assert constant.to_dict("list") == {"S1_exact": [0.0, 0.0], "ST_exact": [0.0, 0.0]}
    assert constant.index.name == "input" and list(constant.index) == ["u", "v"]
    # the additive table of the test above divided by ten: Var = 1/80, indices unchanged
    small = sensitivity.exact_indices(np.array([[0.0, 0.2], [0.1, 0.3]]), ["u", "v"])
    np.testing.assert_allclose(small.S1_exact, [0.2, 0.8])
    np.testing.assert_allclose(small.ST_exact, [0.2, 0.8])


def test_main_effects_use_a_third_of_the_points_and_importance_by_hand():
    from statsmodels.nonparametric.smoothers_lowess import lowess
    x = np.linspace(-1, 1, 61)
    y = np.sin(3 * x) + x ** 2
    effects = sensitivity.main_effects(pd.DataFrame({"x": x}), pd.Series(y))
    assert effects.name == "main_effect"
    fitted = lowess(y, x, frac=1 / 3, it=0, return_sorted=False)
    assert effects["x"] == pytest.approx(fitted.var() / y.var(), rel=1e-12)
    assert effects["x"] != pytest.approx(lowess(y, x, frac=2 / 3, it=0, return_sorted=False).var() / y.var())
    # effects .2 and .6 (sum .8), weights 2 and 2 (sum 4): importance .25 and .75, weight .5 each
    table = sensitivity.importance_table(pd.Series({"a": 0.2, "b": 0.6}), pd.Series({"b": 2.0, "a": 2.0}))
    assert list(table.columns) == ["main_effect", "importance", "weight", "ratio"]
    np.testing.assert_allclose(table.to_numpy(), [[0.2, 0.25, 0.5, 0.5], [0.6, 0.75, 0.5, 1.5]])


def test_rank_distribution_by_hand_with_nominal_ranks_in_another_order():
    ranks = np.array([[1, 2, 3], [2, 1, 3], [1, 3, 2], [1, 2, 3]])  # four combinations x countries A, B, C
    fact = sensitivity.Factorial(ranks, {"x": [0, 1, 2, 3]}, ["A", "B", "C"], 2004)
    table = sensitivity.rank_distribution(fact, pd.Series({"C": 3, "A": 1, "B": 2}))
    # sorted: A 1 1 1 2, B 1 2 2 3, C 2 3 3 3; inverted-CDF median, 5th and 95th percentiles
    assert table.index.name == "iso3"
    assert table.reset_index().values.tolist() == [["A", 1, 1, 1, 2], ["B", 2, 2, 1, 3], ["C", 3, 3, 2, 3]]


def test_run_iterates_fifty_times_by_default_and_names_missing_ranks():
    panel = synthetic_panel(3)
    directions = pd.Series(1, index=panel.columns)
    fact = sensitivity.factorial([panel], [panel], directions, 2004)
    nominal = pd.Series(fact.ranks[0, 0, 0, 0, 0, 0], index=fact.countries)
    result = sensitivity.run([panel], [panel], directions, nominal, 2004, n_base=8, countries_of_interest=())
    assert result.settings["max_iter"] == 50
    np.testing.assert_array_equal(result.factorial.ranks, fact.ranks)
    with pytest.raises(ValueError, match="^the nominal ranks do not cover every country$"):
        sensitivity.run([panel], [panel], directions, nominal.iloc[1:], 2004, n_base=8)


def test_spearman_by_year_by_hand():
    index = pd.MultiIndex.from_product([["A", "B", "C"], [2000, 2001]], names=["iso3", "year"])
    a = pd.Series([1.0, 1.0, 2.0, 2.0, 3.0, 3.0], index=index)
    b = pd.Series([1.0, 3.0, 2.0, 2.0, 3.0, 1.0], index=index)
    rho = sensitivity.spearman_by_year(a, b)
    assert rho.name == "spearman" and rho.to_dict() == {2000: pytest.approx(1.0), 2001: pytest.approx(-1.0)}


def test_sobol_indices_resample_two_hundred_times_and_name_the_inputs():
    names = ["x1", "x2", "x3"]
    design = sensitivity.sobol_design(names, 2 ** 7, seed=2)
    outputs = ishigami(-np.pi + 2 * np.pi * design)
    default = sensitivity.sobol_indices(names, outputs, seed=3)
    assert default.index.name == "input" and list(default.index) == names
    pd.testing.assert_frame_equal(default, sensitivity.sobol_indices(names, outputs, seed=3, n_resamples=200))
    fewer = sensitivity.sobol_indices(names, outputs, seed=3, n_resamples=100)
    assert not np.allclose(fewer.S1_conf, default.S1_conf)  # the resamples set the half-widths
    np.testing.assert_allclose(fewer.S1, default.S1)  # but not the estimates
