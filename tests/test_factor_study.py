"""The factor chapter's whole study (``factor_study.run``) on a small hand-made extract.

Twelve countries, eight years (two in each of the chapter's four periods), WDI and HDI series built from three latent
factors whose structure is known: income and human development (with the logistics
index) differ between countries, trade openness and the rail network (with the
manufactures share) too, and remittances, ores and metals and direct investment move
together from year to year, the same in every country. One series is too short to
enter (high-technology exports, 5 of 8 years), one country has only two years of the
logistics index (an absent series), two countries have gaps inside their investment
series (interpolated), and growth is noise. The panel's period, the number of
imputations and the regressions' draws are replaced by small ones; every table of the
study is then checked against the step the module states, recomputed from the study's
own inputs, or by hand. The real extract's study is pinned by ``tests/test_golden.py``.
"""
from __future__ import annotations

import types
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from analysis.data import reference
from analysis.measures import cache, directions, drivers, factor, factor_number, factor_study, mirror, panel, periods, results
from analysis.measures.results import IntegrationResults

COUNTRIES = ["AFG", "ARM", "AZE", "BLR", "CHN", "GEO", "IND", "IRN", "KAZ", "KGZ", "MNG", "PAK"]
YEARS = [2000, 2003, 2005, 2008, 2010, 2013, 2015, 2019]  # two in each of the four periods
PERIODS = [(2000, 2004), (2005, 2009), (2010, 2014), (2015, 2019)]  # five-year blocks from 2000
N_IMPUTATIONS = 4
N_BOOT, N_PARALLEL, SEED = 40, 40, 7
ENTERING = ["merchandise_openness", "ores_metals_exports", "manufactures_exports", "gdp_per_head_ppp", "growth",
            "fdi_inflows", "remittances", "logistics_performance", "rail_per_person", "human_development"]
VARIABLES = [v for v in ENTERING if v != "growth"]  # growth, noise, fails the MSA rule
ABSENT_LOGISTICS = "PAK"  # the logistics index in two years only


def hand_observed_panel(extract):
    """The study's observed panel on the hand-made grid (its twelve countries and eight
    years), every characteristic ending in the last of them."""
    return (panel.observed_panel(extract.wdi, extract.hdi, YEARS, COUNTRIES),
            {spec.name: YEARS[-1] for spec in panel.CHARACTERISTICS})


def hand_extract(seed: int = 2) -> types.SimpleNamespace:
    rng = np.random.default_rng(seed)
    shape = (len(COUNTRIES), len(YEARS))
    noise = lambda: rng.standard_normal(shape)  # noqa: E731
    income = rng.standard_normal((shape[0], 1)) + 0.3 * noise()     # between countries
    openness = rng.standard_normal((shape[0], 1)) + 0.3 * noise()   # between countries
    common = np.broadcast_to(rng.standard_normal((1, shape[1])), shape)  # the same in every country
    gdp_usd = 1e10 * np.exp(0.5 * noise())
    values = {
        "NY.GDP.PCAP.PP.CD": np.exp(9 + 0.8 * income + 0.2 * noise()),
        "LP.LPI.OVRL.XQ": 3 + 0.4 * (0.6 * income + 0.6 * noise()),
        "NY.GDP.MKTP.CD": gdp_usd,
        "TX.VAL.MRCH.CD.WT": (60 + 15 * (0.9 * openness + 0.5 * noise())) / 200 * gdp_usd,
        "TM.VAL.MRCH.CD.WT": (60 + 15 * (0.9 * openness + 0.5 * noise())) / 200 * gdp_usd,
        "SP.POP.TOTL": np.full(shape, 1e7),
        "IS.RRS.TOTL.KM": np.exp(6 + 0.5 * (0.85 * openness + 0.4 * noise())) * 10,
        "TX.VAL.MANF.ZS.UN": 30 + 8 * (0.6 * openness + 0.6 * noise()),
        "BX.KLT.DINV.WD.GD.ZS": 4 + 2 * (0.6 * common + 0.6 * noise()),
        "BX.TRF.PWKR.CD.DT": (5 + 2 * (0.85 * common + 0.4 * noise())) / 100 * gdp_usd,
        "TX.VAL.MMTL.ZS.UN": 10 + 3 * (0.8 * common + 0.45 * noise()),
        "TX.VAL.TECH.MF.ZS": 20 + 5 * noise(),
        "NY.GDP.MKTP.KD.ZG": 4 + 2 * noise(),
    }
    hdi = 0.7 + 0.08 * (0.9 * income + 0.3 * noise())
    rows = []
    for code, cube in values.items():
        for c, iso3 in enumerate(COUNTRIES):
            for t, year in enumerate(YEARS):
                if code == "TX.VAL.TECH.MF.ZS" and year > 2010:
                    continue
                if code == "LP.LPI.OVRL.XQ" and iso3 == ABSENT_LOGISTICS and year not in (2003, 2010):
                    continue
                if code == "BX.KLT.DINV.WD.GD.ZS" and iso3 in ("AZE", "GEO") and year in (2005, 2008):
                    continue
                rows.append((iso3, code, year, float(cube[c, t])))
    wdi = pd.DataFrame(rows, columns=["iso3", "indicator", "year", "value"])
    hdi = pd.DataFrame([(iso3, year, float(hdi[c, t])) for c, iso3 in enumerate(COUNTRIES)
                        for t, year in enumerate(YEARS)], columns=["iso3", "year", "hdi"])
    # the world's own totals, also outside the period (which the study leaves out)
    flows = pd.DataFrame([("WLD", "WLD", flow, year, 1e6 + 1e4 * (year - 2000) + 10 * (flow == "imports"), False)
                          for year in range(1998, 2023) for flow in ("exports", "imports")]
                         # one bilateral report between study countries: the trade period ends in 2020
                         + [("KAZ", "KGZ", "exports", 2020, 5.0, False)],
                         columns=mirror.FLOW_COLUMNS)
    return types.SimpleNamespace(wdi=wdi, hdi=hdi, trade_flows=flows)


def hand_integration(seed: int = 2) -> IntegrationResults:
    rng = np.random.default_rng(seed)
    bilateral = pd.DataFrame([(a, b, year, float(rng.uniform(1, 20)), "exporter", False) for year in YEARS
                              for a in COUNTRIES for b in COUNTRIES if a != b], columns=mirror.BILATERAL_COLUMNS)
    totals = pd.DataFrame([(iso3, year, float(rng.uniform(400, 900)), float(rng.uniform(400, 900)), 0.0, 0.0)
                           for iso3 in COUNTRIES for year in YEARS],
                          columns=["iso3", "year", "exports", "imports", "exports_estimate_share",
                                   "imports_estimate_share"])
    membership = pd.DataFrame({"grouping": ["new_silk_road"] * 12 + ["r1"] * 5 + ["r2"] * 4,
                               "iso3": COUNTRIES + COUNTRIES[:5] + COUNTRIES[5:9]})
    return IntegrationResults(bilateral, totals, pd.DataFrame(), pd.DataFrame(), membership)


class ComputeCalled(Exception):
    pass


@pytest.fixture(scope="module")
def small():
    """The study of the hand-made extract, with the calls it made to ``drivers.analyse``."""
    extract, integration = hand_extract(), hand_integration()
    analysed = []
    real_analyse = drivers.analyse

    def analyse(*args, **kwargs):
        study = real_analyse(*args, n_wild=99, n_pipeline=10, **kwargs)
        analysed.append((args, kwargs, study))
        return study

    def compute(given):
        raise ComputeCalled(given)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(factor_study, "observed_panel", hand_observed_panel)
        patch.setattr(factor_study, "N_IMPUTATIONS", N_IMPUTATIONS)
        patch.setattr(drivers, "analyse", analyse)
        patch.setattr(results, "compute", compute)
        study = factor_study.run(extract, integration, n_boot=N_BOOT, n_parallel=N_PARALLEL, seed=SEED)
    z = panel.standardise(study.treated)[study.variables]
    return types.SimpleNamespace(study=study, extract=extract, integration=integration, analysed=analysed, z=z)


# ---- panel, coverage, imputation, treatment ----------------------------------------------

def test_study_panel_is_the_hand_made_panel_and_the_coverage_rule_picks_its_variables(small):
    study, extract = small.study, small.extract
    expected = panel.observed_panel(extract.wdi, extract.hdi, YEARS, COUNTRIES)
    pd.testing.assert_frame_equal(study.observed, expected)
    assert len(study.observed) == 12 * 8 and list(study.observed.columns) == [c.name for c in panel.CHARACTERISTICS]
    pd.testing.assert_frame_equal(study.kinds, panel.cell_kinds(study.observed))
    pd.testing.assert_frame_equal(study.coverage, panel.coverage_table(study.kinds))
    # high-technology exports: 5 of 8 years observed, below two thirds; the series not in the
    # extract at all have no cell; the others enter, in the panel's column order
    assert study.coverage.at["high_tech_exports", "observed"] == pytest.approx(5 / 8)
    assert study.candidates == ENTERING
    assert study.coverage.enters.sum() == len(ENTERING)
    # two countries' investment gaps inside their range: 4 of 96 cells interpolated
    assert study.coverage.at["fdi_inflows", "interpolated"] == pytest.approx(4 / 96)
    assert (study.kinds.loc[ABSENT_LOGISTICS, "logistics_performance"] == "absent").sum() == 6


def test_imputations_are_averaged_then_treated(small):
    study = small.study
    assert len(study.imputations) == N_IMPUTATIONS  # the module's count, replaced here by 4
    again = panel.multiple_imputations(study.observed[ENTERING], N_IMPUTATIONS, SEED)
    for mine, theirs in zip(study.imputations, again):
        pd.testing.assert_frame_equal(mine, theirs)
    pd.testing.assert_frame_equal(study.filled, panel.average(again))
    treated, outliers = panel.treat_outliers(study.filled)
    pd.testing.assert_frame_equal(study.treated, treated)
    pd.testing.assert_frame_equal(study.outliers, outliers)
    assert list(study.treated.columns) == ENTERING and study.treated.notna().all().all()


def test_an_absent_series_is_unavailable_in_every_year_of_its_country(small):
    available = small.study.available
    assert list(available.columns) == ENTERING and available.index.equals(small.study.observed.index)
    # observed in 2003 and 2010, yet absent for the whole country
    assert not available.loc[ABSENT_LOGISTICS, "logistics_performance"].any()
    assert available.drop(index=ABSENT_LOGISTICS, level="iso3").all().all()
    assert available.drop(columns="logistics_performance").all().all()


# ---- suitability and the number of factors ------------------------------------------------

def test_suitability_is_measured_before_and_after_the_msa_rule(small):
    study, z = small.study, small.z
    z_all = panel.standardise(study.treated)
    kmo_all, msa_all = factor.kmo(z_all)
    assert study.kmo_all == pytest.approx(kmo_all) and study.msa_all.equals(msa_all)
    variables, dropped = factor.drop_low_msa(z_all)
    assert (study.variables, study.dropped_msa) == (variables, dropped)
    assert study.variables == VARIABLES and [name for name, _ in study.dropped_msa] == ["growth"]
    assert study.dropped_msa[0][1] == pytest.approx(msa_all["growth"])
    assert msa_all["growth"] < factor.MSA_THRESHOLD
    assert (study.msa >= factor.MSA_THRESHOLD).all()
    np.testing.assert_allclose(study.correlation.to_numpy(), factor.correlation(z))
    assert list(study.correlation.index) == list(study.correlation.columns) == VARIABLES
    kmo_value, msa = factor.kmo(z)
    assert study.kmo == pytest.approx(kmo_value) and study.msa.equals(msa)
    assert study.bartlett == pytest.approx(factor.bartlett_sphericity(z))
    np.testing.assert_allclose(study.eigenvalues, factor.eigenvalues(factor.correlation(z)))
    assert study.kaiser == factor.kaiser_count(study.eigenvalues) == 3  # three latent factors
    assert study.scree == factor.scree_elbow(study.eigenvalues)


def test_parallel_analyses_use_the_given_draws_and_seed(small):
    study, z = small.study, small.z
    pairs = [(study.parallel, factor.parallel_analysis(z, N_PARALLEL, SEED)),
             (study.parallel_between, factor.parallel_analysis(factor_number.between(z), N_PARALLEL, SEED)),
             (study.parallel_within, factor_number.parallel_within(factor_number.within(z, PERIODS),
                                                                   N_PARALLEL, SEED))]
    for mine, theirs in pairs:
        assert mine.n_factors == theirs.n_factors
        pd.testing.assert_frame_equal(mine.table, theirs.table)
    # between countries: income and openness (the common yearly movement averages out)
    assert study.parallel_between.n_factors == 2
    other = factor.parallel_analysis(z, N_PARALLEL, SEED + 1)
    assert not np.allclose(other.table.random_quantile, study.parallel.table.random_quantile)


def test_k_follows_the_stated_rule(small):
    study, z = small.study, small.z
    count = factor_number.choose_k(factor_number.between(z), z, N_PARALLEL, SEED)
    assert study.factor_count.k == count.k == study.n_factors == 2
    assert study.factor_count.start == 2
    pd.testing.assert_frame_equal(study.factor_count.steps, count.steps)
    assert study.max_iter == factor_number.MAX_ITER
    pd.testing.assert_frame_equal(study.heywood, factor_number.heywood_table(z, [1, 2, 3, 4]))
    assert sorted(study.alternatives) == [2, 3]
    three = factor_number.side_by_side(z, [3])[3]
    pd.testing.assert_frame_equal(study.alternatives[3]["loadings"], three["loadings"])
    assert sorted(study.alternatives[3]["names"].en) == [
        "Income and human development", "Remittances and exports of ores and metals",
        "Trade openness and the rail network"]
    pd.testing.assert_frame_equal(study.alternatives[2]["names"], study.names)
    assert study.retention == factor_number.handbook_retention(study.variance)


# ---- the solution, its names and weights ------------------------------------------------

def test_solution_is_iterated_principal_axis_with_varimax_and_handbook_weights(small):
    study, z = small.study, small.z
    main = factor.extract(z, 2, max_iter=factor_number.MAX_ITER)
    pd.testing.assert_frame_equal(study.loadings, main.loadings)
    pd.testing.assert_series_equal(study.communalities, main.communalities)
    pd.testing.assert_frame_equal(study.variance, main.variance)
    assert study.iterated_max_communality == pytest.approx(float(main.communalities.max()))
    assert study.iterated_max_communality < factor_number.HEYWOOD
    pd.testing.assert_frame_equal(study.scores, main.scores().set_axis(z.index))
    assert study.scores.index.equals(study.observed.index)
    # the Handbook's weights by hand: each variable goes with the factor of its largest squared
    # loading scaled by the factor's sum of squares; weight = that scaled loading times the
    # factor's share of the explained variance, then normalised to sum to one
    squared = study.loadings ** 2
    scaled = squared / squared.sum()
    assigned = scaled.idxmax(axis=1)
    share = squared.sum() / squared.sum().sum()
    raw = pd.Series({v: scaled.at[v, f] * share[f] for v, f in assigned.items()})
    np.testing.assert_allclose(study.weights.weight, raw / raw.sum())
    assert list(study.weights.factor) == list(assigned)
    assert study.weights.weight.sum() == pytest.approx(1.0)


def test_factors_are_named_after_their_two_highest_loadings(small):
    names = small.study.names
    assert list(names.index) == ["F1", "F2"]
    # the two factors that differ between countries
    assert list(names.en) == ["Income and human development", "Trade openness and the rail network"]
    assert names.at["F1", "ru"] == "Доход и человеческое развитие"
    assert set(names.at["F2", "defining_indicators"]) == {"merchandise_openness", "rail_per_person"}


def test_composite_index_uses_the_declared_directions_and_ranks_within_each_year(small):
    study = small.study
    direction = directions.for_variables(VARIABLES)
    pd.testing.assert_series_equal(study.polarity, direction)
    normalised = factor.min_max(study.treated[VARIABLES], direction)
    expected = factor.composite(normalised, study.weights.weight, study.available)
    np.testing.assert_allclose(study.index.score, expected)
    assert list(study.index.columns) == ["score", "rank"]
    # the country with the absent series: its score leaves the logistics index out
    pakistan = study.index.score.loc[ABSENT_LOGISTICS]
    kept = study.weights.weight.drop("logistics_performance")
    by_hand = 100 * (normalised.loc[ABSENT_LOGISTICS, kept.index] * kept).sum(axis=1) / kept.sum()
    np.testing.assert_allclose(pakistan, by_hand)
    # ranks 1..12 in every year, 1 for the highest score of the year
    for year, rows in study.index.groupby(level="year"):
        assert sorted(rows["rank"]) == list(range(1, 13))
        assert rows["rank"].idxmin() == rows.score.idxmax()
        order = rows.score.sort_values(ascending=False).index
        assert list(rows["rank"].reindex(order)) == list(range(1, 13))


def test_ranked_is_the_rank_within_the_group():
    scores = pd.Series([1.0, 3.0, 2.0, 5.0, 5.0, 0.0])
    years = pd.Series([2000, 2000, 2000, 2001, 2001, 2001])
    assert list(factor_study._ranked(scores, years)) == [3, 1, 2, 1, 1, 3]


def test_matched_keeps_the_variables_and_takes_the_reference_factors():
    reference_loadings = pd.DataFrame({"F1": [0.9, 0.8, 0.0], "F2": [0.0, 0.1, 0.9]}, index=list("abc"))
    swapped = pd.DataFrame({"G1": [0.0, -0.1, -0.8], "G2": [0.7, 0.9, 0.1]}, index=list("abc"))
    matched = factor_study._matched(swapped, reference_loadings)
    assert list(matched.index) == list("abc") and list(matched.columns) == ["F1", "F2"]
    np.testing.assert_allclose(matched.to_numpy(), [[0.7, 0.0], [0.9, 0.1], [0.1, 0.8]])


def test_solution_is_the_extraction_and_its_handbook_weights():
    rng = np.random.default_rng(3)
    latent = rng.standard_normal((60, 2))
    data = pd.DataFrame(latent @ np.array([[0.9, 0.8, 0.7, 0, 0, 0.1], [0, 0.1, 0, 0.9, 0.8, 0.7]])
                        + 0.5 * rng.standard_normal((60, 6)), columns=list("abcdef"))
    extraction, weights = factor_study._solution(data, 2, 7)
    reference_solution = factor.extract(data, 2, max_iter=7)
    pd.testing.assert_frame_equal(extraction.loadings, reference_solution.loadings)
    pd.testing.assert_frame_equal(weights, factor.handbook_weights(reference_solution.loadings))
    assert not extraction.loadings.equals(factor.extract(data, 2, max_iter=1000).loadings)


# ---- checks of the solution -------------------------------------------------------------

def test_structure_period_and_imputation_congruence(small):
    study, z = small.study, small.z
    between, within = factor_number.between(z), factor_number.within(z, PERIODS)
    np.testing.assert_allclose(study.structure_congruence["between"],
                               factor_number.congruence_with(between, study.loadings))
    np.testing.assert_allclose(study.structure_congruence["within"],
                               factor_number.congruence_with(within, study.loadings))
    pd.testing.assert_frame_equal(study.period_congruence,
                                  factor_number.period_congruence(z, study.loadings, PERIODS))
    assert list(study.period_congruence.index) == ["2000\u20132004", "2005\u20132009", "2010\u20132014", "2015\u20132019"]  # blocks of the panel's own years
    assert study.imputation_congruence.shape == (N_IMPUTATIONS, 2)
    for draw, row in zip(study.imputations, study.imputation_congruence):
        analysed = panel.standardise(panel.treat_outliers(draw)[0])[VARIABLES]
        np.testing.assert_allclose(row, factor_number.congruence_with(analysed, study.loadings))


def test_ml_oblimin_and_period_checks_are_matched_to_the_main_solution(small):
    study, z = small.study, small.z
    ml = factor.extract(z, 2, method="ml", seed=SEED)
    oblique = factor.extract(z, 2, rotation="oblimin", max_iter=factor_number.MAX_ITER)
    periods = panel.standardise(panel.period_averages(study.treated[VARIABLES]))
    by_period = factor.extract(periods, 2, max_iter=factor_number.MAX_ITER)
    assert list(study.checks) == ["ml", "oblimin", "periods"]
    for label, other in [("ml", ml), ("oblimin", oblique), ("periods", by_period)]:
        matched = factor_study._matched(other.loadings, study.loadings)
        pd.testing.assert_frame_equal(study.checks[label]["loadings"], matched)
        np.testing.assert_allclose(study.checks[label]["congruence"], factor.congruence(matched, study.loadings))
        np.testing.assert_allclose(study.checks[label]["factor_correlation"], other.factor_correlation)
    assert study.checks["oblimin"]["factor_correlation"][0, 1] != 0  # oblique: factors may correlate
    assert study.checks["ml"]["max_communality"] == pytest.approx(float(ml.communalities.max()))
    assert study.checks["ml"]["converged"] is True
    # four periods of twelve countries
    assert study.checks["periods"]["n_obs"] == 48 == len(periods)
    assert study.checks["periods"]["kmo"] == pytest.approx(factor.kmo(periods)[0])
    assert study.checks["periods"]["bartlett"] == pytest.approx(factor.bartlett_sphericity(periods))
    assert study.checks["periods"]["n_factors"] == factor.parallel_analysis(periods, N_PARALLEL, SEED).n_factors


# ---- bootstrap and robustness ------------------------------------------------------------

def _bootstrap(study, z):
    direction = directions.for_variables(VARIABLES)
    normalised = factor.min_max(study.treated[VARIABLES], direction)
    cube, countries, years = panel.cube(z)
    return factor.cluster_bootstrap(cube, panel.cube(normalised)[0], study.loadings.to_numpy(), N_BOOT, SEED,
                                    VARIABLES, countries, years, factor_number.MAX_ITER,
                                    panel.cube(study.available[VARIABLES].astype(float))[0]), countries, years


def test_bootstrap_has_the_given_draws_and_ninety_percent_intervals(small):
    study = small.study
    boot, countries, years = _bootstrap(study, small.z)
    assert countries == COUNTRIES and years == YEARS
    result = study.bootstrap
    assert (result["n_boot"], result["seed"]) == (N_BOOT, SEED)
    quantile = lambda values, q: np.quantile(values, q, axis=0, method="inverted_cdf")  # noqa: E731
    # 40 draws: the 5th and 95th percentiles (inverted CDF) are the 2nd and 38th values
    np.testing.assert_allclose(result["weights_low"], quantile(boot.weights, 0.05))
    np.testing.assert_allclose(result["weights_high"], quantile(boot.weights, 0.95))
    np.testing.assert_allclose(result["weights_low"], np.sort(boot.weights, axis=0)[1])
    np.testing.assert_allclose(result["weights_high"], np.sort(boot.weights, axis=0)[37])
    np.testing.assert_allclose(result["weights_median"], np.median(boot.weights, axis=0))
    for name in ["weights_low", "weights_high", "weights_median"]:
        assert list(result[name].index) == VARIABLES, name
    for bound, q in [("loadings_low", 0.05), ("loadings_high", 0.95)]:
        np.testing.assert_allclose(result[bound], quantile(boot.loadings, q))
        assert list(result[bound].index) == VARIABLES and list(result[bound].columns) == ["F1", "F2"]
    np.testing.assert_allclose(result["weights_point_percentile"],
                               (boot.weights < study.weights.weight.to_numpy()).mean(axis=0))
    assert list(result["weights_point_percentile"].index) == VARIABLES
    ranks = result["ranks"]
    assert list(ranks.columns) == ["low", "median", "high"] and ranks.index.names == ["iso3", "year"]
    assert ranks.index.equals(study.observed.index)
    np.testing.assert_allclose(ranks["low"], quantile(boot.ranks, 0.05).reshape(-1))
    np.testing.assert_allclose(ranks["high"], quantile(boot.ranks, 0.95).reshape(-1))
    np.testing.assert_allclose(ranks["median"], np.median(boot.ranks, axis=0).reshape(-1))
    # outside: the country-years whose rank lies outside their interval, strictly
    joined = study.index.join(ranks)
    outside = joined[(joined["rank"] < joined.low) | (joined["rank"] > joined.high)]
    pd.testing.assert_frame_equal(result["outside"], outside)


def test_robustness_scenarios_are_the_stated_alternatives(small):
    study, z = small.study, small.z
    labels = ["bootstrap_median", "equal_weights", "first_component"] + [f"without:{v}" for v in VARIABLES]
    assert list(study.robustness.scenario) == labels
    assert list(study.scenario_ranks.columns) == labels + ["base"]
    base = study.index["rank"]
    pd.testing.assert_series_equal(study.scenario_ranks["base"], base, check_names=False)
    years = pd.Series(z.index.get_level_values("year"), index=z.index)
    normalised = factor.min_max(study.treated[VARIABLES], directions.for_variables(VARIABLES))
    equal = factor.composite(normalised, pd.Series(1 / 9, index=VARIABLES), study.available)
    first = factor_study.first_component_scores(z, study.correlation.to_numpy(), study.index.score)
    _, without_first = factor_study._solution(z[VARIABLES[1:]], 2, factor_number.MAX_ITER)
    _, without_last = factor_study._solution(z[VARIABLES[:-1]], 2, factor_number.MAX_ITER)
    alternatives = {"equal_weights": equal, "first_component": first,
                    f"without:{VARIABLES[0]}": factor.composite(normalised[VARIABLES[1:]], without_first.weight,
                                                               study.available),
                    f"without:{VARIABLES[-1]}": factor.composite(normalised[VARIABLES[:-1]], without_last.weight,
                                                                study.available)}
    table = study.robustness.set_index("scenario")
    for label, scores in alternatives.items():
        ranks = factor.ranks(scores, years)
        pd.testing.assert_series_equal(study.scenario_ranks[label], ranks, check_names=False)
        shift = (ranks - base).abs()
        assert table.at[label, "median_abs_shift"] == pytest.approx(float(shift.median()))
        assert table.at[label, "max_abs_shift"] == pytest.approx(float(shift.max()))
        rho = [stats.spearmanr(study.index.score[years == y], scores[years == y]).statistic for y in YEARS]
        assert table.at[label, "spearman"] == pytest.approx(float(np.median(rho)))
    # the bootstrap median: its ranks as given, Spearman of the ranks (negated, as scores)
    median = study.bootstrap["ranks"]["median"]
    np.testing.assert_allclose(study.scenario_ranks["bootstrap_median"], median)
    shift = (median - base).abs()
    assert table.at["bootstrap_median", "median_abs_shift"] == pytest.approx(float(shift.median()))
    assert table.at["bootstrap_median", "max_abs_shift"] == pytest.approx(float(shift.max()))
    rho = [stats.spearmanr(-base[years == y], -median[years == y]).statistic for y in YEARS]
    assert table.at["bootstrap_median", "spearman"] == pytest.approx(float(np.median(rho)))
    assert table.loc[labels, "spearman"].between(-1, 1).all()


def test_first_component_scenario_is_the_largest_eigenvalue_not_the_smallest(small):
    study, z = small.study, small.z
    values, vectors = np.linalg.eigh(study.correlation.to_numpy())
    first = z.to_numpy() @ vectors[:, -1]
    if np.corrcoef(first, study.index.score)[0, 1] < 0:
        first = -first
    years = pd.Series(z.index.get_level_values("year"), index=z.index)
    expected = factor.ranks(pd.Series(first, index=z.index), years)
    pd.testing.assert_series_equal(study.scenario_ranks["first_component"], expected, check_names=False)
    smallest = factor.ranks(pd.Series(z.to_numpy() @ vectors[:, 0], index=z.index), years)
    assert not study.scenario_ranks["first_component"].equals(smallest)


# ---- the associations with integration ------------------------------------------------------

def test_associations_are_drivers_analyse_of_the_outcomes_and_scores(small):
    study = small.study
    assert len(small.analysed) == 1
    args, kwargs, associations = small.analysed[0]
    assert kwargs == {}
    outcome_table, scores, characteristics, loadings, max_iter, seed = args
    # world totals of the period only (the flows run from 1998 to 2022)
    world = pd.Series({year: 2 * (1e6 + 1e4 * (year - 2000)) + 10 for year in periods.trade_period(small.extract)})
    expected = drivers.outcomes(small.integration, world)
    pd.testing.assert_frame_equal(outcome_table, expected)
    pd.testing.assert_frame_equal(study.outcomes, expected)
    pd.testing.assert_frame_equal(scores, study.scores)
    pd.testing.assert_frame_equal(characteristics, study.treated[VARIABLES])
    pd.testing.assert_frame_equal(loadings, study.loadings)
    assert (max_iter, seed) == (factor_number.MAX_ITER, SEED)
    assert study.associations is associations
    assert study.regressions is associations.within and study.strongest is associations.strongest
    # each outcome of the four, for the two factors
    assert len(study.regressions) == 4 * 2


def test_associations_world_total_reads_the_world_row_of_the_flows(small):
    # the intensity of the whole group uses T_W: scaling the world's totals changes it
    table = small.study.outcomes
    world = pd.Series({year: 2 * (1e6 + 1e4 * (year - 2000)) + 10 for year in periods.trade_period(small.extract)})
    doubled = drivers.outcomes(small.integration, 2 * world)
    assert not np.allclose(doubled.nsr_intensity, table.nsr_intensity)
    np.testing.assert_allclose(doubled.nsr_share, table.nsr_share)


def test_settings_are_the_ones_given_and_declared(small):
    assert small.study.settings == {
        "seed": SEED, "n_boot": N_BOOT, "n_parallel": N_PARALLEL, "msa_threshold": 0.5, "min_coverage": 2 / 3,
        "n_imputations": N_IMPUTATIONS, "min_observed": 3, "quantile": 0.95}


def test_integration_results_are_computed_from_the_extract_when_not_given(monkeypatch):
    extract = hand_extract()

    def compute(given):
        raise ComputeCalled(given)

    monkeypatch.setattr(results, "compute", compute)
    with pytest.raises(ComputeCalled) as caught:
        factor_study.run(extract)
    assert caught.value.args[0] is extract


def test_load_or_run_keeps_the_study_under_the_content_key(monkeypatch):
    calls, sentinel = [], object()
    monkeypatch.setattr(cache, "content_key", lambda: "the-key")
    monkeypatch.setattr(factor_study, "content_key", lambda: "the-key")

    def load_or_compute(folder, stem, key, compute):
        calls.append((folder, stem, key))
        return compute()

    monkeypatch.setattr(cache, "load_or_compute", load_or_compute)
    monkeypatch.setattr("analysis.data.load.load_extract", lambda: sentinel)
    monkeypatch.setattr(factor_study, "run", lambda extract: ("ran on", extract))
    assert factor_study.load_or_run() == ("ran on", sentinel)
    assert calls == [("factor", "study", "the-key")]


class Stop(Exception):
    pass


def test_solutions_side_by_side_are_two_three_and_the_chosen_k(monkeypatch):
    # with four factors chosen the chapter still shows the two- and three-factor solutions
    seen = []

    def side_by_side(data, ks):
        seen.append(ks)
        raise Stop

    monkeypatch.setattr(factor_study, "observed_panel", hand_observed_panel)
    monkeypatch.setattr(factor_study, "N_IMPUTATIONS", 2)
    monkeypatch.setattr(factor_number, "choose_k",
                        lambda *args: factor_number.FactorCount(4, 4, pd.DataFrame({"k": [4]})))
    monkeypatch.setattr(factor_number, "side_by_side", side_by_side)
    with pytest.raises(Stop):
        factor_study.run(hand_extract(), hand_integration(), n_boot=2, n_parallel=2, seed=SEED)
    assert seen == [[2, 3, 4]]


def test_ml_check_is_not_converged_when_the_fit_warns_so(monkeypatch):
    # a convergence warning of the maximum-likelihood fit, among other warnings, is reported
    real_extract = factor.extract

    def extract(data, n_factors, method="pa", **options):
        if method == "ml":
            warnings.warn("an unrelated warning", UserWarning)
            warnings.warn("the fit did not converge", ConvergenceWarning)
        return real_extract(data, n_factors, method=method, **options)

    monkeypatch.setattr(factor_study, "observed_panel", hand_observed_panel)
    monkeypatch.setattr(factor_study, "N_IMPUTATIONS", 2)
    monkeypatch.setattr(factor, "extract", extract)
    monkeypatch.setattr(drivers, "analyse", lambda *args: types.SimpleNamespace(within=None, strongest=None))
    study = factor_study.run(hand_extract(), hand_integration(), n_boot=5, n_parallel=5, seed=SEED)
    assert study.checks["ml"]["converged"] is False
    assert study.checks["oblimin"]["congruence"] == pytest.approx([1, 1], abs=0.1)
