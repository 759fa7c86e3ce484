"""The whole analysis of the chapter "Country characteristics and integration", computed once per build.

:func:`run` goes from the extract to every table the chapter shows: panel and
treatment (:mod:`analysis.measures.treatment`: multiple imputation, outliers),
suitability, number of factors (:mod:`analysis.measures.factor_number`), extraction
and its checks, factor names, composite index in the declared directions
(:mod:`analysis.measures.directions`), bootstrap, robustness and the associations with integration. The analysis
uses the cell-by-cell mean of the imputations, treated for outliers; the draws and the
outlier report are kept for the sensitivity analysis. :func:`load_or_run` keeps the
result on disk under a key made of the data extract and the ``analysis`` package, so
the three language editions compute it once and then only render it.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from analysis.data import reference
from analysis.errors import DataError
from analysis.measures import cache, directions, drivers, factor, factor_number, mirror, panel, periods, results
from analysis.paths import DATA_DIR

SEED = 20231
N_IMPUTATIONS = 20
N_BOOT = 1000
N_PARALLEL = 1000
FACTOR_NAMES = DATA_DIR / "reference" / "factor_names.csv"
NAMING_LOADINGS = 2  # a factor is named after its two highest absolute loadings


@dataclass
class FactorStudy:
    observed: pd.DataFrame
    filled: pd.DataFrame        # mean of the imputations (candidates), before outlier treatment
    kinds: pd.DataFrame
    coverage: pd.DataFrame
    imputations: list[pd.DataFrame]  # the multiple imputations of the candidates, untreated
    outliers: pd.DataFrame      # the outlier report (treatment.treat_outliers)
    treated: pd.DataFrame       # ``filled`` after the outlier treatment: what the analysis uses
    available: pd.DataFrame     # False where a country-series is absent (left out of the composite)
    candidates: list[str]
    dropped_msa: list[tuple[str, float]]
    variables: list[str]
    correlation: pd.DataFrame
    kmo_all: float
    msa_all: pd.Series
    kmo: float
    msa: pd.Series
    bartlett: tuple[float, int, float]
    eigenvalues: np.ndarray
    kaiser: int
    scree: int
    parallel: factor.ParallelAnalysis
    parallel_between: factor.ParallelAnalysis   # country means
    parallel_within: factor.ParallelAnalysis    # period averages minus country means (n - G degrees of freedom)
    factor_count: factor_number.FactorCount     # the rule's steps
    heywood: pd.DataFrame                       # k -> largest iterated communality
    alternatives: dict                          # k -> loadings, communalities, variance, weights (k = 2, 3)
    retention: dict                             # the Handbook's 10% / 60% rule for the chosen k
    structure_congruence: dict                  # between / within solutions against the pooled one
    imputation_congruence: np.ndarray           # draw x factor: each imputation's solution against the main one
    period_congruence: pd.DataFrame             # period x factor
    n_factors: int
    iterated_max_communality: float
    max_iter: int
    loadings: pd.DataFrame
    communalities: pd.Series
    variance: pd.DataFrame
    scores: pd.DataFrame
    checks: dict
    names: pd.DataFrame
    weights: pd.DataFrame
    polarity: pd.Series
    index: pd.DataFrame
    bootstrap: dict
    robustness: pd.DataFrame
    scenario_ranks: pd.DataFrame
    outcomes: pd.DataFrame
    regressions: pd.DataFrame
    strongest: pd.DataFrame
    associations: drivers.DriversStudy
    settings: dict = field(default_factory=dict)
    characteristic_ends: dict = field(default_factory=dict)  # characteristic -> the latest year it reaches


def factor_names(loadings: pd.DataFrame, table_path: Path = FACTOR_NAMES) -> pd.DataFrame:
    """Each factor's name in kk, en and ru: the row of ``factor_names.csv`` whose
    ``defining_indicators`` are the factor's :data:`NAMING_LOADINGS` indicators with
    the highest absolute loadings (in any order)."""
    table = pd.read_csv(table_path, dtype=str, keep_default_na=False)
    keys = {frozenset(row.defining_indicators.split(";")): row for row in table.itertuples()}
    rows = []
    for name in loadings.columns:
        top = loadings[name].abs().sort_values(ascending=False).index[:NAMING_LOADINGS].tolist()
        row = keys.get(frozenset(top))
        if row is None:
            raise DataError(table_path, f"no name for factor {name} defined by {';'.join(top)}: add a row",
                            field="defining_indicators")
        rows.append({"factor": name, "defining_indicators": top, "kk": row.kk, "en": row.en, "ru": row.ru})
    return pd.DataFrame(rows).set_index("factor")


def _solution(z: pd.DataFrame, n_factors: int, max_iter: int) -> tuple[factor.Extraction, pd.DataFrame]:
    extraction = factor.extract(z, n_factors, max_iter=max_iter)
    return extraction, factor.handbook_weights(extraction.loadings)


def _matched(loadings: pd.DataFrame, reference_loadings: pd.DataFrame) -> pd.DataFrame:
    values = factor.match_factors(loadings.to_numpy()[None], reference_loadings.to_numpy())[0]
    return pd.DataFrame(values, index=loadings.index, columns=reference_loadings.columns)


def _ranked(scores: pd.Series, years: pd.Series) -> pd.Series:
    return factor.ranks(scores, years)


def first_component_scores(z: pd.DataFrame, corr: np.ndarray, reference: pd.Series) -> pd.Series:
    """The rows of ``z`` scored on the first principal component (the unit eigenvector
    of the largest eigenvalue of ``corr``), signed to go with ``reference``."""
    vector = np.linalg.eigh(corr)[1][:, -1]
    score = pd.Series(z.to_numpy() @ vector, index=z.index)
    return -score if np.corrcoef(score, reference)[0, 1] < 0 else score


def observed_panel(extract) -> tuple[pd.DataFrame, dict[str, int]]:
    """The chapter's observed panel, from :data:`periods.FIRST_YEAR` to the latest year
    that every characteristic reaches, and each characteristic's last year."""
    ends = periods.characteristic_ends(extract)
    return panel.observed_panel(extract.wdi, extract.hdi, range(periods.FIRST_YEAR, min(ends.values()) + 1)), ends


def run(extract, integration: results.IntegrationResults | None = None, n_boot: int = N_BOOT,
        n_parallel: int = N_PARALLEL, seed: int = SEED) -> FactorStudy:
    integration = integration or results.compute(extract)
    observed, ends = observed_panel(extract)
    sub_periods = panel.periods_of(observed)
    kinds = panel.cell_kinds(observed)
    coverage = panel.coverage_table(kinds)
    candidates = coverage.index[coverage.enters].tolist()
    imputations = panel.multiple_imputations(observed[candidates], N_IMPUTATIONS, seed)
    filled = panel.average(imputations)
    treated, outliers = panel.treat_outliers(filled)
    available = kinds[candidates] != "absent"
    available = available.groupby(level="iso3").transform("all")
    z_all = panel.standardise(treated)
    kmo_all, msa_all = factor.kmo(z_all)
    variables, dropped = factor.drop_low_msa(z_all)
    z = z_all[variables]
    corr = pd.DataFrame(factor.correlation(z), index=variables, columns=variables)
    kmo_value, msa = factor.kmo(z)
    values = factor.eigenvalues(corr.to_numpy())
    parallel = factor.parallel_analysis(z, n_parallel, seed)
    between, within = factor_number.between(z), factor_number.within(z, sub_periods)
    parallel_between = factor.parallel_analysis(between, n_parallel, seed)
    parallel_within = factor_number.parallel_within(within, n_parallel, seed)
    count = factor_number.choose_k(between, z, n_parallel, seed)
    k = count.k
    max_iter = factor_number.MAX_ITER  # always iterated to convergence

    main, weights = _solution(z, k, max_iter)
    iterated_max = float(main.communalities.max())
    loadings = main.loadings
    scores = main.scores().set_axis(z.index)
    heywood = factor_number.heywood_table(z, [1, 2, 3, 4])
    alternatives = factor_number.side_by_side(z, sorted({2, 3, k}))
    for solution in alternatives.values():
        solution["names"] = factor_names(solution["loadings"])
    structure = {"between": factor_number.congruence_with(between, loadings),
                 "within": factor_number.congruence_with(within, loadings)}
    by_period = factor_number.period_congruence(z, loadings, sub_periods)
    # each imputation draw analysed on its own (treated, standardised) against the main solution
    draw_congruence = np.array([factor_number.congruence_with(
        panel.standardise(panel.treat_outliers(draw)[0])[variables], loadings) for draw in imputations])

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        ml = factor.extract(z, k, method="ml", seed=seed)
    ml_converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    oblique = factor.extract(z, k, rotation="oblimin", max_iter=max_iter)
    period_means = panel.standardise(panel.period_averages(treated[variables], sub_periods))
    period_parallel = factor.parallel_analysis(period_means, n_parallel, seed)
    period_solution = factor.extract(period_means, k, max_iter=max_iter)
    checks = {}
    for label, other in [("ml", ml), ("oblimin", oblique), ("periods", period_solution)]:
        matched = _matched(other.loadings, loadings)
        checks[label] = {"loadings": matched, "congruence": factor.congruence(matched, loadings),
                         "factor_correlation": other.factor_correlation}
    checks["ml"].update(converged=ml_converged, max_communality=float(ml.communalities.max()))
    checks["periods"].update(kmo=factor.kmo(period_means)[0], bartlett=factor.bartlett_sphericity(period_means),
                             n_factors=period_parallel.n_factors, n_obs=len(period_means))

    names = factor_names(loadings)
    direction = directions.for_variables(variables)  # declared once, never read off a loading
    normalised = factor.min_max(treated[variables], direction)
    years = pd.Series(filled.index.get_level_values("year"), index=filled.index)
    score = factor.composite(normalised, weights.weight, available)
    index = pd.DataFrame({"score": score, "rank": _ranked(score, years)})

    cube, countries, year_list = panel.cube(z)
    normalised_cube, _, _ = panel.cube(normalised)
    available_cube, _, _ = panel.cube(available[variables].astype(float))
    boot = factor.cluster_bootstrap(cube, normalised_cube, loadings.to_numpy(), n_boot, seed, variables, countries,
                                    year_list, max_iter, available_cube)
    low_l, high_l = boot.interval(boot.loadings)
    low_w, high_w = boot.interval(boot.weights)
    low_r, high_r = boot.interval(boot.ranks)
    grid = pd.MultiIndex.from_product([countries, year_list], names=["iso3", "year"])
    rank_interval = pd.DataFrame({"low": low_r.reshape(-1), "median": np.median(boot.ranks, axis=0).reshape(-1),
                                  "high": high_r.reshape(-1)}, index=grid)
    bootstrap = {
        "n_boot": n_boot, "seed": seed,
        "loadings_low": pd.DataFrame(low_l, index=variables, columns=loadings.columns),
        "loadings_high": pd.DataFrame(high_l, index=variables, columns=loadings.columns),
        "weights_low": pd.Series(low_w, index=variables), "weights_high": pd.Series(high_w, index=variables),
        "weights_median": pd.Series(np.median(boot.weights, axis=0), index=variables),
        # share of replicates whose weight is below the full-sample weight
        "weights_point_percentile": pd.Series((boot.weights < weights.weight.to_numpy()).mean(axis=0), index=variables),
        "ranks": rank_interval,
        "outside": index.join(rank_interval).query("`rank` < low or `rank` > high"),
    }

    scenarios = {"bootstrap_median": (rank_interval["median"].reindex(index.index), None)}
    equal = pd.Series(1 / len(variables), index=variables)
    scenarios["equal_weights"] = (None, factor.composite(normalised, equal, available))
    scenarios["first_component"] = (None, first_component_scores(z, corr.to_numpy(), score))
    for left_out in variables:
        kept = [v for v in variables if v != left_out]
        _, alt_weights = _solution(z[kept], k, max_iter)
        scenarios[f"without:{left_out}"] = (None, factor.composite(normalised[kept], alt_weights.weight, available))
    summary_rows, rank_columns = [], {}
    for label, (given_ranks, alt_scores) in scenarios.items():
        alt_ranks = given_ranks if given_ranks is not None else _ranked(alt_scores, years)
        rank_columns[label] = alt_ranks
        shift = (alt_ranks - index["rank"]).abs()
        summary = {"scenario": label, "median_abs_shift": float(shift.median()), "max_abs_shift": float(shift.max())}
        if alt_scores is not None:
            summary["spearman"] = factor.rank_shift_summary(index["rank"], alt_ranks, score, alt_scores,
                                                            years)["spearman"]
        else:
            summary["spearman"] = factor.rank_shift_summary(index["rank"], alt_ranks, -index["rank"].astype(float),
                                                            -alt_ranks.astype(float), years)["spearman"]
        summary_rows.append(summary)
    robustness = pd.DataFrame(summary_rows)
    scenario_ranks = pd.DataFrame(rank_columns).assign(base=index["rank"])

    flows = extract.trade_flows[extract.trade_flows.year.isin(periods.trade_period(extract))]
    world = mirror.total_trade(flows, [reference.WORLD])
    world_total = world.set_index("year").eval("exports + imports")
    outcome_table = drivers.outcomes(integration, world_total)
    associations = drivers.analyse(outcome_table, scores, treated[variables], loadings, max_iter, seed)
    regressions = associations.within
    return FactorStudy(
        observed=observed, filled=filled, kinds=kinds, coverage=coverage, imputations=imputations, outliers=outliers,
        treated=treated, available=available, candidates=candidates,
        dropped_msa=dropped, variables=variables, correlation=corr, kmo_all=kmo_all, msa_all=msa_all,
        kmo=kmo_value, msa=msa, bartlett=factor.bartlett_sphericity(z), eigenvalues=values,
        kaiser=factor.kaiser_count(values), scree=factor.scree_elbow(values), parallel=parallel,
        parallel_between=parallel_between, parallel_within=parallel_within, factor_count=count, heywood=heywood,
        alternatives=alternatives, retention=factor_number.handbook_retention(main.variance),
        structure_congruence=structure, period_congruence=by_period, imputation_congruence=draw_congruence,
        n_factors=k,
        iterated_max_communality=iterated_max, max_iter=max_iter, loadings=loadings,
        communalities=main.communalities, variance=main.variance, scores=scores, checks=checks, names=names,
        weights=weights, polarity=direction, index=index, bootstrap=bootstrap, robustness=robustness,
        scenario_ranks=scenario_ranks, outcomes=outcome_table, regressions=regressions,
        strongest=associations.strongest, associations=associations, characteristic_ends=ends,
        settings={"seed": seed, "n_boot": n_boot, "n_parallel": n_parallel, "msa_threshold": factor.MSA_THRESHOLD,
                  "min_coverage": panel.MIN_COVERAGE,
                  "n_imputations": N_IMPUTATIONS, "min_observed": panel.MIN_OBSERVED, "quantile": factor.PARALLEL_QUANTILE})


# ---- the on-disk cache ----------------------------------------------------------------

content_key = cache.content_key


def load_or_run() -> FactorStudy:
    """The study from the cache if its key matches, else computed and stored, so the
    three language runs compute it once per build (:mod:`analysis.measures.cache`)."""
    def compute() -> FactorStudy:
        from analysis.data.load import load_extract
        return run(load_extract())
    return cache.load_or_compute("factor", "study", content_key(), compute)
