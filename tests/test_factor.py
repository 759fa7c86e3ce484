"""Factor analysis library: KMO, Bartlett and parallel analysis against published worked
examples (data and printed results from the sources named at each), extraction against
R's psych/GPArotation solution, the Handbook weights by hand, the bootstrap's
reproducibility, and invariance properties."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from analysis.measures import factor

# Harman, H. H. (1976), Modern Factor Analysis, 3rd ed., Table 2.3: eight physical
# measurements of 305 girls (R's datasets::Harman23.cor).
HARMAN_NAMES = ["height", "arm.span", "forearm", "lower.leg", "weight", "bitro.diameter", "chest.girth",
                "chest.width"]
HARMAN = np.array([
    [1.000, 0.846, 0.805, 0.859, 0.473, 0.398, 0.301, 0.382],
    [0.846, 1.000, 0.881, 0.826, 0.376, 0.326, 0.277, 0.415],
    [0.805, 0.881, 1.000, 0.801, 0.380, 0.319, 0.237, 0.345],
    [0.859, 0.826, 0.801, 1.000, 0.436, 0.329, 0.327, 0.365],
    [0.473, 0.376, 0.380, 0.436, 1.000, 0.762, 0.730, 0.629],
    [0.398, 0.326, 0.319, 0.329, 0.762, 1.000, 0.583, 0.577],
    [0.301, 0.277, 0.237, 0.327, 0.730, 0.583, 1.000, 0.539],
    [0.382, 0.415, 0.345, 0.365, 0.629, 0.577, 0.539, 1.000]])
HARMAN_N = 305

# SAS/STAT "Introduction to Regression Procedures" example data (three tree-size
# measures and an id, 13 trees), with the principal-axis solutions of R
# psych::fa(fm="pa", SMC=TRUE) and GPArotation::Varimax that statsmodels tests against
# (statsmodels/multivariate/tests/test_factor.py).
TREES = pd.DataFrame(
    [[2.068, 2.070, 1.580, 1], [2.068, 2.074, 1.602, 2], [2.090, 2.090, 1.613, 3], [2.097, 2.093, 1.613, 4],
     [2.117, 2.125, 1.663, 5], [2.140, 2.146, 1.681, 6], [2.045, 2.054, 1.580, 7], [2.076, 2.088, 1.602, 8],
     [2.090, 2.093, 1.643, 9], [2.111, 2.114, 1.643, 10], [2.093, 2.098, 1.653, 11], [2.100, 2.106, 1.623, 12],
     [2.104, 2.101, 1.653, 13]], columns=["Basal", "Occ", "Max", "id"])
R_PA_UNROTATED = np.array([[0.97541115, 0.20280987], [0.97113975, 0.17207499], [0.9618705, -0.2004196],
                           [0.37570708, -0.45821379]])
R_PA_VARIMAX = np.array([[0.98828898, -0.12587155], [0.97424206, -0.15354033], [0.84418097, -0.502714],
                         [0.20601929, -0.55558235]])


def same_up_to_sign(actual, expected, atol):
    signs = np.sign((actual * expected).sum(axis=0))
    np.testing.assert_allclose(actual * signs, expected, atol=atol)


# ---- KMO and Bartlett ----------------------------------------------------------------

# SAS Institute, SAS/STAT User's Guide, "The FACTOR Procedure", example "Principal Factor
# Analysis" (PROC FACTOR with the MSA option) on the SocioEconomics data of Harman (1976,
# p. 14): five socioeconomic variables of 12 census tracts.
SOCIOECONOMICS = pd.DataFrame(
    [[5700, 12.8, 2500, 270, 25000], [1000, 10.9, 600, 10, 10000], [3400, 8.8, 1000, 10, 9000],
     [3800, 13.6, 1700, 140, 25000], [4000, 12.8, 1600, 140, 25000], [8200, 8.3, 2600, 60, 12000],
     [1200, 11.4, 400, 10, 16000], [9100, 11.5, 3300, 60, 14000], [9900, 12.5, 3400, 180, 18000],
     [9600, 13.7, 3600, 390, 25000], [9600, 9.6, 3300, 80, 12000], [9400, 11.4, 4000, 100, 13000]],
    columns=["Population", "School", "Employment", "Services", "HouseValue"])

# Trujillo-Ortiz, A., Hernandez-Walls, R., Castro-Perez, A., Barba-Rojo, K. and Otero-Limon, A.
# (2006), "kmo: Kaiser-Meyer-Olkin Measure of Sampling Adequacy", MATLAB Central File
# Exchange 12736, worked example in its help text: eight survey items of 12 respondents.
SURVEY = pd.DataFrame(
    [[4, 1, 4, 5, 2, 3, 6, 7], [4, 2, 7, 6, 6, 3, 3, 4], [6, 4, 3, 4, 2, 5, 7, 7], [5, 3, 5, 4, 3, 4, 6, 7],
     [5, 2, 4, 5, 2, 5, 5, 6], [6, 3, 3, 5, 4, 4, 7, 7], [6, 2, 4, 4, 4, 3, 4, 5], [4, 1, 3, 4, 3, 3, 5, 6],
     [5, 3, 4, 3, 4, 3, 6, 6], [5, 4, 3, 4, 4, 4, 6, 7], [6, 2, 4, 4, 4, 3, 7, 5], [5, 2, 3, 3, 3, 3, 7, 6]],
    columns=[f"X{i}" for i in range(1, 9)])

# Trujillo-Ortiz, A. and Hernandez-Walls, R. (2003), "Barspher: Bartlett's sphericity
# test", MATLAB Central File Exchange 3694, worked example in its help text: carapace
# length, width and height of 24 female painted turtles (Jolicoeur and Mosimann 1960, as
# printed in Johnson and Wichern, Applied Multivariate Statistical Analysis, 1992, p. 275).
TURTLES = pd.DataFrame(
    [[98, 81, 38], [103, 84, 38], [103, 86, 42], [105, 86, 42], [109, 88, 44], [123, 92, 50], [123, 95, 46],
     [133, 99, 51], [133, 102, 51], [133, 102, 51], [134, 100, 48], [136, 102, 49], [138, 98, 51],
     [138, 99, 51], [141, 105, 53], [147, 108, 57], [149, 107, 55], [153, 107, 56], [155, 115, 63],
     [155, 117, 60], [158, 115, 62], [159, 118, 63], [162, 124, 61], [177, 132, 67]],
    columns=["length", "width", "height"])

# Spearman's five tests, N = 100 (Harman 1976, pp. 116 and 391-392), as analysed with SAS
# PROC FACTOR (method=ML) in M. Friendly's course notes, York University, Psy 6140,
# "Output from spear5.sas". Its test of "H0: No common factors" is Bartlett's test of
# sphericity (so named in JMP's documentation of the same test).
SPEARMAN = np.array([
    [1.000, 0.485, 0.400, 0.397, 0.295],
    [0.485, 1.000, 0.397, 0.397, 0.247],
    [0.400, 0.397, 1.000, 0.335, 0.275],
    [0.397, 0.397, 0.335, 1.000, 0.195],
    [0.295, 0.247, 0.275, 0.195, 1.000]])
SPEARMAN_N = 100


def test_kmo_sas_socioeconomics():
    # printed: "Kaiser's Measure of Sampling Adequacy: Overall MSA = 0.57536759"
    overall, msa = factor.kmo(SOCIOECONOMICS)
    assert overall == pytest.approx(0.57536759, abs=5e-9)
    printed = {"Population": 0.47207897, "School": 0.55158839, "Employment": 0.48851137,
               "Services": 0.80664365, "HouseValue": 0.61281377}
    assert list(msa.index) == list(printed)
    np.testing.assert_allclose(msa, list(printed.values()), atol=5e-9)


def test_kmo_trujillo_ortiz_survey():
    # printed: "Kaiser-Meyer-Olkin Measure of Sampling Adequacy: 0.4172"
    overall, msa = factor.kmo(SURVEY)
    assert round(overall, 4) == 0.4172
    assert len(msa) == 8


def test_bartlett_trujillo_ortiz_turtles():
    # printed: sample size 24, variables 3, X2 125.9015, P 0.0000
    statistic, dof, p_value = factor.bartlett_sphericity(TURTLES)
    assert round(statistic, 4) == 125.9015
    assert dof == 3
    assert round(p_value, 4) == 0.0


def test_bartlett_spearman_five_tests():
    # printed: "Chi-square = 87.205  df = 10"
    statistic, dof, p_value = factor.bartlett_from_correlation(SPEARMAN, SPEARMAN_N)
    assert round(statistic, 3) == 87.205
    assert dof == 10
    assert p_value < 1e-3


def test_kmo_harman_physical_measures():
    # A cross-check, not a published value: factor_analyzer 0.5.1 (calculate_kmo) gives the
    # same on data with exactly this correlation matrix; every MSA is "meritorious" or
    # better except weight (0.78).
    overall, msa = factor.kmo_from_correlation(HARMAN)
    assert overall == pytest.approx(0.845461, abs=1e-6)
    np.testing.assert_allclose(msa, [0.864315, 0.816296, 0.857654, 0.886662, 0.779614, 0.851121, 0.824044,
                                     0.898469], atol=1e-6)


def test_bartlett_harman_physical_measures():
    statistic, dof, p_value = factor.bartlett_from_correlation(HARMAN, HARMAN_N)
    # chi2 = -(n - 1 - (2p + 5)/6) ln|R| with n = 305, p = 8 (Bartlett 1950)
    assert statistic == pytest.approx(-(304 - 21 / 6) * np.log(np.linalg.det(HARMAN)), rel=1e-12)
    assert statistic == pytest.approx(2085.7405, abs=1e-3)  # factor_analyzer 0.5.1 gives the same
    assert dof == 28
    assert p_value < 1e-300


def test_kmo_and_bartlett_trees():
    # a cross-check, not a published value: factor_analyzer 0.5.1 on the same 13 x 4 data
    # gives KMO 0.720435, Bartlett 52.9128, p 1.22e-9
    overall, msa = factor.kmo(TREES)
    assert overall == pytest.approx(0.7204353, abs=1e-6)
    np.testing.assert_allclose(msa, [0.679663, 0.687595, 0.851341, 0.589264], atol=1e-6)
    assert list(msa.index) == list(TREES.columns)
    statistic, dof, p_value = factor.bartlett_sphericity(TREES)
    assert (statistic, dof) == (pytest.approx(52.91284, abs=1e-4), 6)
    assert p_value == pytest.approx(1.2216758e-09, rel=1e-5)


def test_kmo_of_two_variables_is_one_half():
    # with two variables the partial correlation equals the correlation (Kaiser 1970)
    corr = np.array([[1, 0.63], [0.63, 1]])
    overall, msa = factor.kmo_from_correlation(corr)
    assert overall == pytest.approx(0.5)
    np.testing.assert_allclose(msa, [0.5, 0.5])


@pytest.mark.parametrize("p, r", [(3, 0.3), (5, 0.5), (8, 0.2)])
def test_equicorrelation_closed_forms(p, r):
    corr = np.full((p, p), r) + (1 - r) * np.eye(p)
    partial = r / (1 + (p - 2) * r)
    overall, _ = factor.kmo_from_correlation(corr)
    assert overall == pytest.approx(r ** 2 / (r ** 2 + partial ** 2))
    statistic, dof, _ = factor.bartlett_from_correlation(corr, 100)
    log_det = (p - 1) * np.log(1 - r) + np.log(1 + (p - 1) * r)
    assert statistic == pytest.approx(-(99 - (2 * p + 5) / 6) * log_det)
    assert dof == p * (p - 1) // 2


def test_drop_low_msa_removes_the_unrelated_variable():
    rng = np.random.default_rng(5)
    common = rng.standard_normal((400, 1))
    data = pd.DataFrame(common + 0.6 * rng.standard_normal((400, 4)), columns=list("abcd"))
    data["noise"] = rng.standard_normal(400)
    kept, dropped = factor.drop_low_msa(data, 0.5)
    assert [name for name, _ in dropped] == ["noise"]
    assert kept == list("abcd")


# ---- number of factors ---------------------------------------------------------------

def test_harman_eigenvalues_and_factor_counts():
    values = factor.eigenvalues(HARMAN)
    # Harman (1976): the first two principal components explain 4.67 and 1.77
    np.testing.assert_allclose(values[:2], [4.673, 1.771], atol=1e-3)
    assert factor.kaiser_count(values) == 2
    # the acceleration factor puts the elbow at the second eigenvalue (second difference
    # 4.673 - 2(1.771) + 0.481 = 1.612, the largest), so it keeps one: it is known to
    # favour one factor when the first eigenvalue dominates, hence all three rules
    assert factor.scree_elbow(values) == 1


def test_parallel_analysis_harman_keeps_two():
    # Kabacoff, R in Action (2nd ed., 2015, ch. 14): parallel analysis of Harman23.cor
    # retains two components.
    result = factor.parallel_analysis_from_correlation(HARMAN, HARMAN_N, n_iter=500, seed=1)
    assert result.n_factors == 2
    assert list(result.table.keep) == [True, True] + [False] * 6
    # the largest random eigenvalue of 305 x 8 normal data lies above one and below the
    # Marchenko-Pastur edge (1 + sqrt(8/305))^2; the random eigenvalues average to one
    table = result.table
    assert 1 < table.random_mean.iloc[0] < (1 + np.sqrt(8 / 305)) ** 2
    assert table.random_mean.sum() == pytest.approx(8)
    assert (table.random_quantile > table.random_mean).all()


def test_parallel_analysis_is_seeded_and_on_data():
    first = factor.parallel_analysis(TREES, n_iter=200, seed=3)
    again = factor.parallel_analysis(TREES, n_iter=200, seed=3)
    other = factor.parallel_analysis(TREES, n_iter=200, seed=4)
    pd.testing.assert_frame_equal(first.table, again.table)
    assert not np.allclose(first.table.random_quantile, other.table.random_quantile)
    assert first.n_factors == 1  # one size factor in the tree measures


def test_parallel_analysis_stops_at_the_first_failure():
    assert factor.leading_count([True, True, False, True]) == 2
    assert factor.leading_count([False, True]) == 0
    assert factor.leading_count([True, True]) == 2


def test_scree_elbow_by_acceleration():
    assert factor.scree_elbow(np.array([5.0, 1.2, 1.0, 0.9, 0.8])) == 1
    assert factor.scree_elbow(np.array([4.0, 3.0, 0.5, 0.4, 0.3])) == 2


# ---- extraction ----------------------------------------------------------------------

def test_extraction_matches_r_psych_principal_axis():
    unrotated = factor.extract(TREES, 2, rotation="none")
    same_up_to_sign(unrotated.loadings.to_numpy(), R_PA_UNROTATED, atol=1e-7)
    rotated = factor.extract(TREES, 2, rotation="varimax")
    same_up_to_sign(rotated.loadings.to_numpy(), R_PA_VARIMAX, atol=1e-7)
    np.testing.assert_allclose(rotated.communalities, (R_PA_VARIMAX ** 2).sum(axis=1), atol=1e-7)
    np.testing.assert_allclose(rotated.variance.ss_loadings, (R_PA_VARIMAX ** 2).sum(axis=0), atol=1e-7)
    assert (rotated.loadings.abs().idxmax() == rotated.loadings.idxmax()).all()  # largest loading positive


def test_vectorised_extraction_matches_r_and_statsmodels():
    corr = factor.correlation(TREES)[None]
    unrotated = factor.principal_axis_batch(corr, 2, tol=1e-12)[0]
    same_up_to_sign(unrotated, R_PA_UNROTATED, atol=1e-6)
    rotated = factor.varimax_batch(unrotated[None])[0]
    same_up_to_sign(rotated, R_PA_VARIMAX, atol=1e-5)
    one_step = factor.principal_axis_batch(corr, 2, max_iter=1)[0]
    reference = factor.extract(TREES, 2, rotation="none", max_iter=1).loadings.to_numpy()
    same_up_to_sign(one_step, reference, atol=1e-10)


def test_factors_ordered_by_variance_and_signed_by_their_peak():
    loadings = np.array([[0.1, -0.9], [0.2, -0.8], [0.7, 0.1]])
    order, signs = factor.arrange(loadings)
    assert list(order) == [1, 0]
    assert list(signs) == [-1, 1]


def test_oblique_check_gives_factor_correlation():
    result = factor.extract(TREES, 2, rotation="oblimin")
    phi = result.factor_correlation
    assert phi.shape == (2, 2) and np.allclose(np.diag(phi), 1)
    assert abs(phi[0, 1]) > 0.05


def test_match_factors_recovers_order_and_sign():
    reference = np.array([[0.9, 0.1, 0.0], [0.8, 0.0, 0.2], [0.1, 0.7, 0.0], [0.0, 0.8, 0.1], [0.1, 0.0, 0.9]])
    shuffled = -reference[:, [2, 0, 1]] * np.array([1, -1, 1])
    matched = factor.match_factors(shuffled[None], reference)[0]
    np.testing.assert_allclose(matched, reference)


# ---- weights and composite -----------------------------------------------------------

def test_handbook_weights_by_hand():
    loadings = pd.DataFrame([[0.8, 0.1], [0.6, 0.2], [0.1, 0.9], [0.3, 0.4]], index=list("abcd"),
                            columns=["F1", "F2"])
    weights = factor.handbook_weights(loadings)
    # squares by factor: F1 .64 .36 .01 .09 (sum 1.10), F2 .01 .04 .81 .16 (sum 1.02);
    # d goes to F2 since .16/1.02 > .09/1.10; shares 1.10/2.12 and 1.02/2.12; so each
    # weight is its own square over 2.12, then rescaled by 2.12/1.97
    assert list(weights.factor) == ["F1", "F1", "F2", "F2"]
    np.testing.assert_allclose(weights.scaled_loading, [0.64 / 1.10, 0.36 / 1.10, 0.81 / 1.02, 0.16 / 1.02])
    np.testing.assert_allclose(weights.factor_share, [1.10 / 2.12, 1.10 / 2.12, 1.02 / 2.12, 1.02 / 2.12])
    np.testing.assert_allclose(weights.weight, np.array([0.64, 0.36, 0.81, 0.16]) / 1.97)


def test_handbook_weights_assign_by_scaled_not_raw_squares():
    loadings = pd.DataFrame([[0.9, 0.0], [0.8, 0.1], [0.5, 0.45], [0.1, 0.6]], index=list("abcd"),
                            columns=["F1", "F2"])
    weights = factor.handbook_weights(loadings)
    # c: raw squares .25 (F1) > .2025 (F2), but scaled .25/1.71 = .146 < .2025/.5725 = .354
    assert list(weights.factor) == ["F1", "F1", "F2", "F2"]
    np.testing.assert_allclose(weights.weight, np.array([0.81, 0.64, 0.2025, 0.36]) / 2.0125)


def test_min_max_in_the_declared_direction_and_composite():
    loadings = pd.DataFrame([[0.8, 0.0], [-0.7, 0.1], [0.0, 0.9]], index=list("abc"), columns=["F1", "F2"])
    weights = factor.handbook_weights(loadings)
    direction = pd.Series({"c": 1, "a": 1, "b": -1})  # read by name, not by position
    data = pd.DataFrame({"a": [0.0, 5.0, 10.0], "b": [1.0, 2.0, 3.0], "c": [4.0, 4.0, 8.0]})
    normalised = factor.min_max(data, direction)
    np.testing.assert_allclose(normalised.b, [1.0, 0.5, 0.0])
    scores = factor.composite(normalised, weights.weight)
    expected = 100 * (normalised * weights.weight).sum(axis=1)
    np.testing.assert_allclose(scores, expected)
    assert scores.iloc[2] == pytest.approx(100 * (weights.weight.a + weights.weight.c))


def test_ranks_within_years():
    scores = pd.Series([3.0, 1.0, 2.0, 5.0, 9.0, 7.0])
    years = pd.Series([2000, 2000, 2000, 2001, 2001, 2001])
    assert list(factor.ranks(scores, years)) == [1, 3, 2, 3, 1, 2]
    np.testing.assert_array_equal(factor.ranks_batch(np.array([[3.0, 1.0, 2.0]])), [[1, 3, 2]])


# ---- bootstrap -----------------------------------------------------------------------

def _toy_cube(seed=0, countries=12, years=5):
    rng = np.random.default_rng(seed)
    common = rng.standard_normal((countries, years, 2))
    mix = np.array([[0.9, 0.0], [0.8, 0.1], [0.7, 0.0], [0.0, 0.9], [0.1, 0.8], [0.0, 0.7]])
    return common @ mix.T + 0.5 * rng.standard_normal((countries, years, 6))


def test_bootstrap_resamples_whole_countries():
    countries, years, variables = 7, 4, 3
    cube = np.arange(countries * years * variables, dtype=float).reshape(countries, years, variables)
    samples = factor.cluster_resample(cube, 50, seed=2)
    assert samples.shape == (50, countries * years, variables)
    blocks = samples.reshape(50, countries, years, variables)
    # every block of consecutive rows is one original country with all its years, in order
    drawn = blocks[:, :, 0, 0] // (years * variables)
    np.testing.assert_array_equal(blocks, cube[drawn.astype(int)])
    assert len(np.unique(drawn)) == countries  # over 50 draws every country appears


def test_bootstrap_identical_for_a_fixed_seed():
    cube = _toy_cube()
    flat = pd.DataFrame(cube.reshape(-1, 6), columns=list("abcdef"))
    reference = factor.extract(flat, 2).loadings.to_numpy()
    normalised = (cube - cube.min(axis=(0, 1))) / np.ptp(cube, axis=(0, 1))
    args = (cube, normalised, reference, 200)
    names = (list("abcdef"), [f"C{i}" for i in range(12)], list(range(2000, 2005)))
    first = factor.cluster_bootstrap(*args, 7, *names)
    again = factor.cluster_bootstrap(*args, 7, *names)
    other = factor.cluster_bootstrap(*args, 8, *names)
    np.testing.assert_array_equal(first.loadings, again.loadings)
    np.testing.assert_array_equal(first.ranks, again.ranks)
    assert not np.array_equal(first.weights, other.weights)
    np.testing.assert_allclose(first.weights.sum(axis=1), 1)
    assert first.ranks.shape == (200, 12, 5)
    # matched factors agree with the reference on average
    assert np.all(factor.congruence(first.loadings.mean(axis=0), reference) > 0.95)
    low, high = first.interval(first.weights)
    assert np.all(low <= high)


# ---- properties ----------------------------------------------------------------------

loading_matrices = arrays(np.float64, st.tuples(st.integers(3, 8), st.integers(1, 3)),
                          elements=st.floats(0.05, 0.95) | st.floats(-0.95, -0.05))


@settings(max_examples=60, deadline=None)
@given(loading_matrices)
def test_weights_sum_to_one_and_follow_variable_order(values):
    names = [f"v{i}" for i in range(values.shape[0])]
    loadings = pd.DataFrame(values, index=names, columns=factor.factor_labels(values.shape[1]))
    weights = factor.handbook_weights(loadings).weight
    assert weights.sum() == pytest.approx(1)
    assert (weights >= 0).all()
    order = np.random.default_rng(0).permutation(len(names))
    shuffled = factor.handbook_weights(loadings.iloc[order]).weight
    pd.testing.assert_series_equal(shuffled.reindex(names), weights)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0.1, 100), min_size=5, max_size=5), st.lists(st.floats(-50, 50), min_size=5, max_size=5),
       st.permutations(list(range(5))))
def test_results_invariant_to_rescaling_and_order(scales, shifts, order):
    data = pd.DataFrame(_toy_cube(3, 30, 4).reshape(-1, 6)[:, :5], columns=list("abcde"))
    rescaled = data * scales + shifts
    assert factor.kmo(rescaled)[0] == pytest.approx(factor.kmo(data)[0], rel=1e-9)
    assert factor.bartlett_sphericity(rescaled)[0] == pytest.approx(factor.bartlett_sphericity(data)[0], rel=1e-9)
    reordered = rescaled.iloc[:, order]
    base = factor.extract(data, 2)
    other = factor.extract(reordered, 2)
    weights = factor.handbook_weights(base.loadings).weight
    other_weights = factor.handbook_weights(other.loadings).weight.reindex(weights.index)
    np.testing.assert_allclose(other_weights, weights, atol=1e-6)
    direction = pd.Series([1, -1, 1, -1, 1], index=list("abcde"))
    scores = factor.composite(factor.min_max(data, direction), weights)
    other_scores = factor.composite(factor.min_max(reordered, direction), other_weights)
    np.testing.assert_allclose(other_scores, scores, atol=1e-6)


# ---- the chapter's study: names and the disk cache -------------------------------------

def test_factor_names_follow_the_two_highest_loadings(tmp_path):
    from analysis.errors import DataError
    from analysis.measures import factor_study

    table = tmp_path / "names.csv"
    table.write_text("defining_indicators,kk,en,ru\nb;a,Ааа,First,Первый\nc;d,Ввв,Second,Второй\n", encoding="utf-8")
    loadings = pd.DataFrame({"F1": [0.9, -0.95, 0.1, 0.2], "F2": [0.1, 0.0, -0.7, 0.6]}, index=list("abcd"))
    names = factor_study.factor_names(loadings, table)
    assert list(names.en) == ["First", "Second"] and names.at["F2", "kk"] == "Ввв"
    assert list(names.columns) == ["defining_indicators", "kk", "en", "ru"] and names.at["F2", "ru"] == "Второй"
    assert names.at["F1", "defining_indicators"] == ["b", "a"]  # by absolute loading, largest first
    loadings.loc["c", "F1"] = 0.99  # now c (0.99) and b (0.95) define F1: no such row
    with pytest.raises(DataError, match="F1 defined by c;b") as caught:
        factor_study.factor_names(loadings, table)
    assert (caught.value.file, caught.value.field) == (str(table), "defining_indicators")


def test_study_is_computed_once_and_then_read_from_disk(tmp_path, monkeypatch):
    from analysis.measures import factor_study

    calls = []
    monkeypatch.setenv("SILKROAD_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(factor_study, "run", lambda extract: calls.append(1) or {"computed": len(calls)})
    monkeypatch.setattr("analysis.data.load.load_extract", lambda: None)
    first = factor_study.load_or_run()
    again = factor_study.load_or_run()
    assert first == again == {"computed": 1} and len(calls) == 1
    assert len(list((tmp_path / "factor").glob("study-*.pickle"))) == 1
    monkeypatch.setattr(factor_study, "content_key", lambda: "another-key")
    assert factor_study.load_or_run() == {"computed": 2}


def test_parallel_language_runs_compute_the_study_once(tmp_path, monkeypatch):
    import threading
    import time

    from analysis.measures import factor_study

    calls = []

    def slow_run(extract):
        calls.append(1)
        time.sleep(0.3)  # long enough for the other run to arrive while this one computes
        return {"computed": len(calls)}

    monkeypatch.setenv("SILKROAD_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(factor_study, "run", slow_run)
    monkeypatch.setattr("analysis.data.load.load_extract", lambda: None)
    results = []
    runs = [threading.Thread(target=lambda: results.append(factor_study.load_or_run())) for _ in range(3)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()
    assert len(calls) == 1 and results == [{"computed": 1}] * 3


def test_bootstrap_interval_is_ninety_percent_by_default():
    # 100 replicates 1..100: the 5th and 95th values (inverted CDF); a 95% interval would give 3 and 98
    values = np.arange(1.0, 101.0)[:, None]
    boot = factor.Bootstrap(values, values, values, ["x"], ["AAA"], [2000])
    low, high = boot.interval(values)
    assert (low[0], high[0]) == (5.0, 95.0)
    low, high = boot.interval(values, 0.95)
    assert (low[0], high[0]) == (3.0, 98.0)


def test_the_study_declares_the_draws_and_seed_the_chapter_prints():
    # fewer draws would change the printed intervals silently (the golden tests pin them too)
    import inspect
    from analysis.measures import factor_study
    assert (factor_study.N_BOOT, factor_study.N_PARALLEL, factor_study.N_IMPUTATIONS) == (1000, 1000, 20)
    assert factor_study.SEED == 20231 and factor_study.NAMING_LOADINGS == 2
    parameters = inspect.signature(factor_study.run).parameters
    assert (parameters["n_boot"].default, parameters["n_parallel"].default, parameters["seed"].default) == \
        (1000, 1000, 20231)


def test_first_component_scores_by_hand():
    from analysis.measures import factor_study
    # correlation [[1, .5], [.5, 1]]: eigenvalues 1.5 (vector (1, 1)/sqrt 2) and 0.5 ((1, -1)/sqrt 2)
    corr = np.array([[1.0, 0.5], [0.5, 1.0]])
    z = pd.DataFrame({"a": [1.0, 0.0, -1.0], "b": [1.0, 2.0, -3.0]}, index=list("xyz"))
    reference = pd.Series([3.0, 2.0, 1.0], index=list("xyz"))
    score = factor_study.first_component_scores(z, corr, reference)
    np.testing.assert_allclose(score.to_numpy(), np.array([2.0, 2.0, -4.0]) / np.sqrt(2))
    assert list(score.index) == list("xyz")
    # signed to go with the reference
    np.testing.assert_allclose(factor_study.first_component_scores(z, corr, -reference).to_numpy(),
                               np.array([-2.0, -2.0, 4.0]) / np.sqrt(2))


# ---- cases the mutation run found untested (each value by hand or by a stated identity) --

def test_drop_low_msa_stops_at_two_variables_and_keeps_one_at_the_threshold():
    data = pd.DataFrame(_toy_cube(5, 20, 2).reshape(-1, 6)[:, [0, 1, 3]], columns=list("abc"))
    # a strict threshold drops while more than two remain: two variables always have MSA 0.5
    kept, dropped = factor.drop_low_msa(data, threshold=0.99)
    assert len(kept) == 2 and len(dropped) == 1
    # a variable exactly at the threshold stays
    lowest = float(factor.kmo(data)[1].min())
    assert factor.drop_low_msa(data, threshold=lowest) == (list("abc"), [])
    assert factor.drop_low_msa(data, threshold=np.nextafter(lowest, 1))[1][0][1] == lowest


def test_kaiser_count_needs_an_eigenvalue_above_one():
    assert factor.kaiser_count(np.array([2.0, 1.0, 0.5])) == 1


def test_scree_elbow_of_three_eigenvalues_and_the_error_for_fewer():
    # one second difference: 0.5 - 2 x 1 + 3 = 1.5 at the second eigenvalue, so one factor before it
    assert factor.scree_elbow([3.0, 1.0, 0.5]) == 1
    with pytest.raises(ValueError, match="^the scree needs at least three eigenvalues$"):
        factor.scree_elbow([3.0, 1.0])


def test_random_eigenvalues_are_one_row_per_draw_whatever_the_chunk():
    whole = factor._random_eigenvalues(20, 4, 450, seed=3, chunk=450)
    assert whole.shape == (450, 4)
    assert np.all(np.diff(whole, axis=1) <= 0)  # largest first
    np.testing.assert_array_equal(factor._random_eigenvalues(20, 4, 450, seed=3), whole)
    np.testing.assert_array_equal(factor._random_eigenvalues(20, 4, 450, seed=3, chunk=7), whole)


def test_parallel_analysis_table_and_defaults():
    corr = HARMAN[:4, :4]
    result = factor.parallel_analysis_from_correlation(corr, 50, n_iter=300, seed=4, quantile=0.5)
    random = factor._random_eigenvalues(50, 4, 300, seed=4)
    assert list(result.table.columns) == ["component", "observed", "random_mean", "random_quantile", "keep"]
    np.testing.assert_array_equal(result.table.component, [1, 2, 3, 4])
    np.testing.assert_allclose(result.table.observed, np.linalg.eigvalsh(corr)[::-1])
    np.testing.assert_allclose(result.table.random_mean, random.mean(axis=0))
    np.testing.assert_allclose(result.table.random_quantile, np.median(random, axis=0))
    # the defaults are 1,000 draws, seed 0 and the 95th percentile, from a table or from data
    default = factor.parallel_analysis_from_correlation(corr, 50)
    explicit = factor.parallel_analysis_from_correlation(corr, 50, n_iter=1000, seed=0, quantile=0.95)
    pd.testing.assert_frame_equal(default.table, explicit.table)
    data = pd.DataFrame(_toy_cube(1, 10, 3).reshape(-1, 6), columns=list("abcdef"))
    pd.testing.assert_frame_equal(factor.parallel_analysis(data).table,
                                  factor.parallel_analysis_from_correlation(factor.correlation(data), 30).table)
    median = factor.parallel_analysis(data, n_iter=300, seed=4, quantile=0.5).table
    np.testing.assert_allclose(median.random_quantile,
                               np.median(factor._random_eigenvalues(30, 6, 300, seed=4), axis=0))


def test_ranks_share_the_best_rank_and_are_integers():
    ranks = factor.ranks(pd.Series([2.0, 2.0, 2.0, 1.0]), pd.Series([2000] * 4))
    assert ranks.tolist() == [1, 1, 1, 4] and ranks.dtype == np.int64


def test_regression_scores_are_thomson_scores_in_the_order_and_signs_of_the_loadings():
    extraction = factor.extract(TREES, 2)
    assert list(extraction.signs) == [1, -1]  # the second factor is turned to its positive peak
    values = TREES.to_numpy(float)
    z = (values - values.mean(axis=0)) / values.std(axis=0, ddof=1)
    expected = z @ np.linalg.inv(factor.correlation(values)) @ extraction.loadings.to_numpy()  # Z R^-1 L
    scores = extraction.scores()
    np.testing.assert_allclose(scores.to_numpy(), expected, atol=1e-10)
    assert list(scores.columns) == ["F1", "F2"]


def test_extraction_variance_shares_and_oblique_communalities():
    varimax = factor.extract(TREES, 2)
    loadings = varimax.loadings.to_numpy()
    np.testing.assert_allclose(varimax.variance.share, (loadings ** 2).sum(axis=0) / 4)
    np.testing.assert_array_equal(varimax.factor_correlation, np.eye(2))
    oblique = factor.extract(TREES, 2, rotation="oblimin")
    pattern, phi = oblique.loadings.to_numpy(), oblique.factor_correlation
    # communality of an oblique solution: the diagonal of L Phi L', not the row sums of squares
    np.testing.assert_allclose(oblique.communalities, np.diag(pattern @ phi @ pattern.T), atol=1e-12)
    assert oblique.communalities.name == "communality" and list(oblique.communalities.index) == list(TREES)
    assert (oblique.method, oblique.rotation) == ("pa", "oblimin")


def test_rank_shift_summary_by_hand():
    years = pd.Series([2000] * 3 + [2001] * 3 + [2002] * 3, index=range(10, 19))
    base = pd.Series([1, 2, 3] * 3, index=years.index)
    alternative = pd.Series([3, 1, 2, 1, 2, 3, 1, 2, 3], index=years.index)
    base_scores = pd.Series([3.0, 2.0, 1.0] * 3, index=years.index)
    # Spearman by year: (1, 3, 2) against (3, 2, 1) gives 1 - 6 x 6 / 24 = -0.5, then 1, then
    # (2, 3, 1) gives 1 - 6 x 2 / 24 = 0.5: the median is 0.5 (the mean would be 1/3)
    alternative_scores = pd.Series([1.0, 3.0, 2.0, 3.0, 2.0, 1.0, 2.0, 3.0, 1.0], index=years.index)
    summary = factor.rank_shift_summary(base, alternative, base_scores, alternative_scores, years)
    # shifts 2, 1, 1 and six zeros: median 0, largest 2
    assert summary == {"median_abs_shift": 0.0, "max_abs_shift": 2.0, "spearman": pytest.approx(0.5)}


def test_composite_renormalises_over_available_cells_and_reads_weights_by_name():
    normalised = pd.DataFrame({"a": [0.0, 1.0], "b": [1.0, 0.5], "c": [0.5, 1.0], "d": [9.0, 9.0]})
    weights = pd.Series({"c": 0.2, "a": 0.5, "b": 0.3})  # d has no weight and is left out
    available = pd.DataFrame({"a": [True, True], "b": [True, True], "c": [True, False], "d": [False, False]})
    # row 0: 100 (0 x .5 + 1 x .3 + .5 x .2) = 40; row 1 without c: 100 (1 x .5 + .5 x .3) / .8 = 81.25
    np.testing.assert_allclose(factor.composite(normalised, weights, available), [40.0, 81.25])
    np.testing.assert_allclose(factor.composite(normalised, weights), [40.0, 100 * (0.5 + 0.15 + 0.2)])
    with pytest.raises(ValueError, match=r"^weights for indicators not in the data: \['e', 'f'\]$"):
        factor.composite(normalised, pd.Series({"a": 0.5, "f": 0.25, "e": 0.25}))


def test_min_max_names_a_constant_column_and_scales_without_directions():
    data = pd.DataFrame({"a": [2.0, 4.0, 3.0], "b": [1.0, 1.0, 1.0], "c": [5.0, 6.0, 7.0]})
    with pytest.raises(ValueError, match=r"^constant column\(s\): \['b'\]$"):
        factor.min_max(data)
    scaled = factor.min_max(data[["a", "c"]])
    np.testing.assert_allclose(scaled.to_numpy(), [[0.0, 0.0], [1.0, 0.5], [0.5, 1.0]])


def test_principal_axis_batch_iterates_each_matrix_as_if_alone():
    # two matrices that converge after different numbers of iterations
    corr = np.stack([factor.correlation(TREES), HARMAN[:4, :4]])
    together = factor.principal_axis_batch(corr, 2, tol=1e-12)
    for b in range(2):
        alone = factor.principal_axis_batch(corr[b:b + 1], 2, tol=1e-12)[0]
        np.testing.assert_allclose(together[b], alone, atol=1e-12)
    # a loose tolerance stops after the first step, a tight one does not
    first = factor.principal_axis_batch(corr, 2, max_iter=1)
    np.testing.assert_allclose(factor.principal_axis_batch(corr, 2, tol=10.0), first)
    assert not np.allclose(factor.principal_axis_batch(corr, 2, max_iter=2), first, atol=1e-6)
    np.testing.assert_allclose(factor.principal_axis_batch(corr, 2), factor.principal_axis_batch(corr, 2, 50, 1e-8))


def test_cluster_bootstrap_is_the_stated_composition_with_unavailable_cells():
    cube = _toy_cube(2, countries=9, years=3)
    normalised = (cube - cube.min(axis=(0, 1))) / np.ptp(cube, axis=(0, 1))
    available = np.ones(cube.shape, dtype=bool)
    available[1, :, 4] = available[5, :, 0] = False  # two country-series absent
    reference = factor.extract(pd.DataFrame(cube.reshape(-1, 6)), 2).loadings.to_numpy()
    names = (list("abcdef"), [f"C{i}" for i in range(9)], [2000, 2001, 2002])
    boot = factor.cluster_bootstrap(cube, normalised, reference, 6, 11, *names, max_iter=3, available=available)
    samples = factor.cluster_resample(cube, 6, 11)
    loadings = factor.match_factors(factor.varimax_batch(factor.principal_axis_batch(
        factor.batch_correlation(samples), 2, max_iter=3)), reference)
    np.testing.assert_allclose(boot.loadings, loadings)
    np.testing.assert_allclose(boot.weights, factor.handbook_weights_batch(loadings))
    assert (boot.variables, boot.countries, boot.years) == names
    flat = pd.DataFrame(normalised.reshape(-1, 6), columns=list("abcdef"))
    mask = pd.DataFrame(available.reshape(-1, 6), columns=list("abcdef"))
    years = pd.Series(np.tile([2000, 2001, 2002], 9))
    for b in range(6):
        scores = factor.composite(flat, pd.Series(boot.weights[b], index=list("abcdef")), mask)
        expected = factor.ranks(scores, years).to_numpy().reshape(9, 3)  # country x year
        np.testing.assert_array_equal(boot.ranks[b], expected)


def test_first_component_of_three_variables_and_the_extract_it_is_given(tmp_path, monkeypatch):
    from analysis.measures import factor_study
    # eigenvalues 0.5 ((1, -1, 0)/sqrt 2), 1 ((0, 0, 1)) and 1.5 ((1, 1, 0)/sqrt 2): c does not enter
    corr = np.array([[1.0, 0.5, 0.0], [0.5, 1.0, 0.0], [0.0, 0.0, 1.0]])
    z = pd.DataFrame({"a": [1.0, 0.0, -1.0], "b": [1.0, 2.0, -3.0], "c": [5.0, 0.0, 0.0]}, index=list("xyz"))
    score = factor_study.first_component_scores(z, corr, pd.Series([3.0, 2.0, 1.0], index=list("xyz")))
    np.testing.assert_allclose(score.to_numpy(), np.array([2.0, 2.0, -4.0]) / np.sqrt(2))
    # load_or_run computes from the extract it loads
    sentinel = object()
    monkeypatch.setenv("SILKROAD_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr("analysis.data.load.load_extract", lambda: sentinel)
    monkeypatch.setattr(factor_study, "run", lambda extract: {"same": extract is sentinel})
    assert factor_study.load_or_run() == {"same": True}


def test_partial_correlations_kmo_names_and_bartlett_on_a_singular_matrix():
    r12, r13, r23 = 0.5, 0.3, 0.2
    corr = np.array([[1.0, r12, r13], [r12, 1.0, r23], [r13, r23, 1.0]])
    partial = factor.anti_image_correlation(corr)
    # r12.3 = (r12 - r13 r23) / sqrt((1 - r13^2)(1 - r23^2)), and so on
    assert partial[0, 1] == pytest.approx((r12 - r13 * r23) / np.sqrt((1 - r13 ** 2) * (1 - r23 ** 2)))
    assert partial[1, 2] == pytest.approx((r23 - r12 * r13) / np.sqrt((1 - r12 ** 2) * (1 - r13 ** 2)))
    assert factor.kmo(SOCIOECONOMICS)[1].name == "msa"
    statistic, dof, _ = factor.bartlett_from_correlation(corr, 50)
    assert dof == 3 and isinstance(dof, int)
    with pytest.raises(ValueError, match="^the correlation matrix is not positive definite$"):
        factor.bartlett_from_correlation(np.ones((3, 3)), 50)  # singular: determinant zero
