"""Global uncertainty and sensitivity analysis of the composite index.

After Saisana, Saltelli and Tarantola (2005) and the JRC's statistical audits: every
choice made in building the index is an uncertain input, the choices are sampled
jointly, and the spread of each country's rank is apportioned to the choices by
variance-based (Sobol) indices.

Inputs and their levels (:data:`INPUTS`), each equally likely:

- ``imputation``: which of the ``m`` imputed panels is used;
- ``outliers``: the panel as imputed, or after outlier treatment;
- ``normalisation``: ``min_max`` (0-1 over the pooled panel), ``z_score`` (pooled
  panel) or ``rank`` (percentile rank in the pooled panel); every indicator enters in
  its declared direction (``directions``: +1 or -1);
- ``weighting``: ``factor`` (the Handbook weights from a principal-axis extraction
  with ``k`` factors, varimax, as in :mod:`analysis.measures.factor`), ``equal``,
  ``first_component`` (squared elements of the unit eigenvector of the first principal
  component of the correlation matrix, which sum to one) or ``benefit_of_doubt`` (each
  country's own most favourable weights, :func:`bod_weights`);
- ``aggregation``: ``linear`` or ``geometric``. A geometric mean needs positive values:
  each normalised indicator is first mapped linearly onto [:data:`GEOMETRIC_FLOOR`, 1]
  over the pooled panel (its panel minimum to the floor, its maximum to one). Under
  this mapping min-max and z-score normalisation give the same geometric index (both
  are linear in the raw value);
- ``factors``: ``k`` in {2, 3}; it acts only through the factor weights.

A Sobol input u in [0, 1) is mapped to the level ``floor(u * L)`` of its ``L`` levels
(:func:`level_index`; u = 1 goes to the last level).

Output: each country's rank in one year (the latest year of the panel), and the
average absolute shift of the ranks from the book's main index,
R_S = mean over countries of |rank - nominal rank| (Saisana et al. 2005).

Because the inputs are discrete, :func:`factorial` computes the ranks of every
combination once (the factor extractions depend only on imputation, outliers and k, and
are computed once per triple). A Sobol sample (SALib's Saltelli-type scheme,
:func:`sobol_design`) then only looks up rows of that table, and SALib's estimators give
first-order and total indices with bootstrap confidence intervals. The exact indices of
the uniform discrete design, computed from the full table by analysis of variance
(:func:`exact_indices`), check the estimates.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample
from scipy import stats

from analysis.measures import factor

NORMALISATIONS = ["min_max", "z_score", "rank"]
WEIGHTINGS = ["factor", "equal", "first_component", "benefit_of_doubt"]
AGGREGATIONS = ["linear", "geometric"]
FACTOR_COUNTS = [2, 3]
OUTLIERS = ["as_imputed", "treated"]
INPUTS = ["imputation", "outliers", "normalisation", "weighting", "aggregation", "factors"]
BOD_BOUNDS = (0.5, 2.0)   # each benefit-of-the-doubt weight within [0.5, 2] x the equal weight 1/p
GEOMETRIC_FLOOR = 0.1     # panel minimum of each indicator before a geometric mean
N_BASE = 4096             # Sobol base sample (N * (D + 2) model runs)
N_RESAMPLES = 200         # SALib bootstrap resamples for the confidence intervals
CONF_LEVEL = 0.95
SEED = 20231
PERCENTILES = (0.05, 0.95)  # the rank interval reported for each country


def level_index(u: np.ndarray, n_levels: int) -> np.ndarray:
    """Level of a discrete input from a uniform draw: floor(u * L), with u = 1 sent to L - 1."""
    u = np.asarray(u, dtype=float)
    if np.any((u < 0) | (u > 1)):
        raise ValueError("Sobol inputs must lie in [0, 1]")
    return np.minimum(np.floor(u * n_levels).astype(int), n_levels - 1)


# ---- the pieces of one index ---------------------------------------------------------

def normalise_array(oriented: np.ndarray, method: str) -> np.ndarray:
    """Columns of a pooled panel (already oriented) normalised by ``method``."""
    if method == "min_max":
        low, high = oriented.min(axis=0), oriented.max(axis=0)
        if np.any(high - low <= 0):
            raise ValueError("a constant indicator cannot be normalised")
        return (oriented - low) / (high - low)
    if method == "z_score":
        return (oriented - oriented.mean(axis=0)) / oriented.std(axis=0, ddof=1)
    if method == "rank":
        return stats.rankdata(oriented, method="average", axis=0) / len(oriented)
    raise ValueError(f"unknown normalisation {method!r}")


def normalise(panel: pd.DataFrame, method: str, directions: pd.Series) -> pd.DataFrame:
    """The pooled panel normalised by ``method``; indicators with direction -1 reversed."""
    sign = directions.reindex(panel.columns)
    if sign.isna().any():
        raise ValueError(f"no declared direction for {list(sign.index[sign.isna()])}")
    values = normalise_array(panel.to_numpy(float) * sign.to_numpy(float), method)
    return pd.DataFrame(values, index=panel.index, columns=panel.columns)


def positive_scale(normalised: np.ndarray, floor: float = GEOMETRIC_FLOOR) -> np.ndarray:
    """Columns of a pooled panel mapped linearly onto [floor, 1] (minimum to floor)."""
    low, high = normalised.min(axis=0), normalised.max(axis=0)
    return floor + (1 - floor) * (normalised - low) / (high - low)


def bod_weights(values: np.ndarray, bounds: tuple[float, float] = BOD_BOUNDS,
                available: np.ndarray | None = None) -> np.ndarray:
    """Benefit of the doubt: for each row (country) of ``values`` (country x indicator)
    the weights that maximise its own weighted sum, subject to weights summing to one
    and each lying in [bounds[0] / p, bounds[1] / p], where p is the number of the
    country's available indicators (``available``, booleans; the others get weight
    zero). The optimum is the greedy solution of this linear programme: every weight at
    its lower bound, then the remaining mass given to the country's best indicators in
    turn, each up to its upper bound."""
    values = np.atleast_2d(np.asarray(values, dtype=float))
    mask = np.ones(values.shape, dtype=bool) if available is None else np.atleast_2d(np.asarray(available, bool))
    p = mask.sum(axis=1, keepdims=True).astype(float)
    low, high = bounds[0] / p, bounds[1] / p
    if np.any(bounds[0] > 1 + 1e-12) or np.any(bounds[1] < 1 - 1e-12) or np.any(p == 0):
        raise ValueError(f"bounds {bounds} admit no weights that sum to one")
    spare = 1 - low * p
    order = np.argsort(np.where(mask, -values, np.inf), axis=1, kind="stable")
    position = np.arange(values.shape[1])[None, :]
    extra_sorted = np.clip(spare - position * (high - low), 0, high - low)
    weights = np.zeros(values.shape)
    np.put_along_axis(weights, order, low + extra_sorted, axis=1)
    return np.where(mask, weights, 0.0)


def renormalised(weights: np.ndarray, available: np.ndarray) -> np.ndarray:
    """Country x indicator weights: ``weights`` (one row for all) with the unavailable
    indicators of each country dropped and the rest rescaled to sum to one."""
    kept = np.where(available, np.broadcast_to(weights, available.shape), 0.0)
    return kept / kept.sum(axis=1, keepdims=True)


def scores(values: np.ndarray, weights: np.ndarray, aggregation: str) -> np.ndarray:
    """Linear (weighted sum) or geometric (weighted geometric mean; values must be
    positive) aggregation of country x indicator ``values``; ``weights`` one row for all
    or one row per country."""
    if aggregation == "linear":
        return (values * weights).sum(axis=1)
    if aggregation == "geometric":
        if np.any(values <= 0):
            raise ValueError("geometric aggregation needs positive values")
        return np.exp((np.log(values) * weights).sum(axis=1))  # weights sum to one per row
    raise ValueError(f"unknown aggregation {aggregation!r}")


def rank_scores(values: np.ndarray) -> np.ndarray:
    """Ranks, 1 = highest; equal scores (to 12 significant digits, so that rounding in a
    different order of summation does not split them) share the best rank."""
    rounded = np.asarray([float(f"{v:.12g}") for v in values])
    return stats.rankdata(-rounded, method="min").astype(int)


# ---- every combination ---------------------------------------------------------------

@dataclass
class Factorial:
    ranks: np.ndarray          # imputation x outliers x normalisation x weighting x aggregation x factors x country
    levels: dict[str, list]
    countries: list[str]
    year: int

    def flat(self) -> np.ndarray:
        """Ranks as (combination x country), combinations in C order of :attr:`levels`."""
        return self.ranks.reshape(-1, len(self.countries))


def factorial(panels: list[pd.DataFrame], treated: list[pd.DataFrame], directions: pd.Series, year: int,
              max_iter: int = 50, factor_counts: list[int] = FACTOR_COUNTS,
              available: pd.DataFrame | None = None) -> Factorial:
    """Ranks (1 = highest score) of every country in ``year`` under every combination of
    the inputs. ``panels[i]`` is the i-th imputed panel (country-year rows, indicator
    columns) and ``treated[i]`` the same after outlier treatment. ``available``
    (booleans, the panels' layout) marks the cells a country's index may use: an
    unavailable indicator is left out of that country's index and its weights are
    renormalised over the others (benefit of the doubt bounds count only the available
    ones). The extractions and normalisations use every cell."""
    if len(panels) != len(treated) or not panels:
        raise ValueError("one treated panel per imputed panel is needed")
    columns = list(panels[0].columns)
    countries = list(panels[0].index.get_level_values("iso3").unique())
    in_year = panels[0].index.get_level_values("year") == year
    if not in_year.any():
        raise ValueError(f"no rows for year {year}")
    shape = (len(panels), 2, len(NORMALISATIONS), len(WEIGHTINGS), len(AGGREGATIONS), len(factor_counts),
             len(countries))
    ranks = np.zeros(shape, dtype=int)
    p = len(columns)
    mask = (np.ones((len(countries), p), dtype=bool) if available is None
            else available[columns].to_numpy(bool)[in_year])
    for data in [*panels, *treated]:
        if list(data.index.get_level_values("iso3")[in_year]) != countries or len(data) != len(panels[0]):
            raise ValueError("every panel must list the same countries and years in the same order")
    # every (imputation, outliers) panel at once: m x 2 x rows x p
    stack = np.stack([[data[columns].to_numpy(float) for data in pair] for pair in zip(panels, treated)])
    flat = stack.reshape(-1, *stack.shape[2:])
    z = (flat - flat.mean(axis=1, keepdims=True)) / flat.std(axis=1, ddof=1, keepdims=True)
    corr = factor.batch_correlation(z)
    # the extractions depend only on (imputation, outliers, k): one vectorised pass per k
    by_k = [factor.handbook_weights_batch(factor.varimax_batch(factor.principal_axis_batch(corr, k, max_iter)))
            for k in factor_counts]
    first = np.linalg.eigh(corr)[1][:, :, -1] ** 2
    sign = directions.reindex(columns)
    if sign.isna().any():
        raise ValueError(f"no declared direction for {list(sign.index[sign.isna()])}")
    sign = sign.to_numpy(float)
    for i in range(len(panels)):
        for o in range(2):
            b = i * 2 + o
            fixed = {"equal": renormalised(np.full(p, 1 / p), mask),
                     "first_component": renormalised(first[b], mask)}
            for n, method in enumerate(NORMALISATIONS):
                pooled = normalise_array(stack[i, o] * sign, method)
                for a, aggregation in enumerate(AGGREGATIONS):
                    values = pooled if aggregation == "linear" else positive_scale(pooled)
                    values = values[in_year]
                    bod = bod_weights(values if aggregation == "linear" else np.log(values), available=mask)
                    for w, weighting in enumerate(WEIGHTINGS):
                        for kk in range(len(factor_counts)):
                            if weighting == "factor":
                                weights = renormalised(by_k[kk][b], mask)
                            elif weighting == "benefit_of_doubt":
                                weights = bod
                            else:
                                weights = fixed[weighting]
                            ranks[i, o, n, w, a, kk] = rank_scores(scores(values, weights, aggregation))
    levels = {"imputation": list(range(1, len(panels) + 1)), "outliers": OUTLIERS,
              "normalisation": NORMALISATIONS, "weighting": WEIGHTINGS, "aggregation": AGGREGATIONS,
              "factors": list(factor_counts)}
    return Factorial(ranks, levels, countries, year)


def mean_shift(ranks: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """R_S: the mean over countries (last axis) of |rank - nominal rank|."""
    return np.abs(ranks - nominal).mean(axis=-1)


# ---- Sobol indices -------------------------------------------------------------------

def sobol_design(names: list[str], n_base: int, seed: int) -> np.ndarray:
    """SALib's Sobol sample (scrambled Sobol sequence, Saltelli's scheme, first-order
    and total indices only) of ``len(names)`` inputs on [0, 1]: n_base * (D + 2) rows."""
    problem = {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}
    return sobol_sample.sample(problem, n_base, calc_second_order=False, seed=seed)


def sobol_indices(names: list[str], outputs: np.ndarray, seed: int, n_resamples: int = N_RESAMPLES,
                  conf_level: float = CONF_LEVEL) -> pd.DataFrame:
    """First-order (S1) and total (ST) indices with half-widths of their bootstrap
    confidence intervals, from model outputs on a :func:`sobol_design` sample."""
    problem = {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}
    result = sobol_analyze.analyze(problem, np.asarray(outputs, dtype=float), calc_second_order=False,
                                   num_resamples=n_resamples, conf_level=conf_level, seed=seed)
    return pd.DataFrame({"S1": result["S1"], "S1_conf": result["S1_conf"], "ST": result["ST"],
                         "ST_conf": result["ST_conf"]}, index=pd.Index(names, name="input"))


def exact_indices(values: np.ndarray, names: list[str]) -> pd.DataFrame:
    """First-order and total indices of an output tabulated on a full factorial of
    equally likely levels (one axis per input): S1_i = Var(E[y | x_i]) / Var(y),
    ST_i = E[Var(y | x_~i)] / Var(y)."""
    values = np.asarray(values, dtype=float)
    total = values.var()
    rows = {}
    for axis, name in enumerate(names):
        others = tuple(a for a in range(values.ndim) if a != axis)
        first = values.mean(axis=others).var() / total if total > 0 else 0.0
        whole = values.var(axis=axis).mean() / total if total > 0 else 0.0
        rows[name] = {"S1_exact": first, "ST_exact": whole}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("input")


# ---- main effects against nominal weights --------------------------------------------

LOWESS_FRAC = 1 / 3  # share of the observations in each local-linear fit


def main_effects(normalised: pd.DataFrame, index: pd.Series, frac: float = LOWESS_FRAC) -> pd.Series:
    """Paruolo, Saisana and Saltelli (2013): S_i = Var(E[y | x_i]) / Var(y) for the index
    y and each indicator x_i, E[y | x_i] estimated by local-linear LOWESS (statsmodels,
    ``frac`` of the points per fit, no robustness iterations, so that the fit estimates a
    conditional mean)."""
    from statsmodels.nonparametric.smoothers_lowess import lowess
    y = np.asarray(index, dtype=float)
    total = y.var()
    effects = {}
    for column in normalised.columns:
        x = normalised[column].to_numpy(float)
        fitted = lowess(y, x, frac=frac, it=0, return_sorted=False)
        effects[column] = fitted.var() / total
    return pd.Series(effects, name="main_effect")


def importance_table(effects: pd.Series, weights: pd.Series) -> pd.DataFrame:
    """Main effects and nominal weights side by side, each normalised to sum to one, and
    their ratio (importance per unit of weight)."""
    share = effects / effects.sum()
    nominal = weights.reindex(effects.index) / weights.sum()
    return pd.DataFrame({"main_effect": effects, "importance": share, "weight": nominal,
                         "ratio": share / nominal})


# ---- the whole analysis ---------------------------------------------------------------

@dataclass
class Sensitivity:
    factorial: Factorial
    nominal: pd.Series              # iso3 -> nominal rank in the year
    design: np.ndarray              # Sobol sample on [0, 1]
    levels: np.ndarray              # the sample mapped to level indices
    shift: np.ndarray               # R_S of each Sobol run
    sobol: dict[str, pd.DataFrame]  # output name -> indices (with the exact ones)
    distribution: pd.DataFrame      # per country: nominal, median, p05, p95 over the factorial
    shift_summary: dict
    settings: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)


def rank_distribution(fact: Factorial, nominal: pd.Series) -> pd.DataFrame:
    """Each country's rank over all equally likely combinations: median and the
    :data:`PERCENTILES` (5th and 95th; values some combination took)."""
    flat = fact.flat()
    table = pd.DataFrame({
        "nominal": nominal.reindex(fact.countries).to_numpy(),
        "median": np.quantile(flat, 0.5, axis=0, method="inverted_cdf"),
        "p05": np.quantile(flat, PERCENTILES[0], axis=0, method="inverted_cdf"),
        "p95": np.quantile(flat, PERCENTILES[1], axis=0, method="inverted_cdf"),
    }, index=pd.Index(fact.countries, name="iso3"))
    return table.sort_values(["median", "nominal"])


def run(panels: list[pd.DataFrame], treated: list[pd.DataFrame], directions: pd.Series, nominal: pd.Series,
        year: int, max_iter: int = 50, n_base: int = N_BASE, seed: int = SEED,
        countries_of_interest: tuple[str, ...] = ("KAZ",), available: pd.DataFrame | None = None) -> Sensitivity:
    """The uncertainty and sensitivity analysis (see the module notes). ``nominal`` is
    the main index's rank of each country in ``year``."""
    started = time.perf_counter()
    fact = factorial(panels, treated, directions, year, max_iter, available=available)
    built = time.perf_counter()
    nominal_ranks = nominal.reindex(fact.countries).to_numpy()
    if np.isnan(nominal_ranks.astype(float)).any():
        raise ValueError("the nominal ranks do not cover every country")
    n_levels = [len(fact.levels[name]) for name in INPUTS]
    design = sobol_design(INPUTS, n_base, seed)
    levels = np.column_stack([level_index(design[:, j], n) for j, n in enumerate(n_levels)])
    runs = fact.ranks[tuple(levels.T)]  # run x country
    shift = mean_shift(runs, nominal_ranks)
    outputs = {"mean_shift": shift}
    for iso3 in countries_of_interest:
        outputs[f"rank_{iso3}"] = runs[:, fact.countries.index(iso3)].astype(float)
    full_shift = mean_shift(fact.ranks, nominal_ranks)
    exact = {"mean_shift": full_shift}
    for iso3 in countries_of_interest:
        exact[f"rank_{iso3}"] = fact.ranks[..., fact.countries.index(iso3)].astype(float)
    sobol = {name: sobol_indices(INPUTS, values, seed).join(exact_indices(exact[name], INPUTS))
             for name, values in outputs.items()}
    finished = time.perf_counter()
    return Sensitivity(
        factorial=fact, nominal=nominal.reindex(fact.countries), design=design, levels=levels, shift=shift,
        sobol=sobol, distribution=rank_distribution(fact, nominal),
        shift_summary={"mean": float(full_shift.mean()), "median": float(np.median(full_shift)),
                       "p05": float(np.quantile(full_shift, PERCENTILES[0])),
                       "p95": float(np.quantile(full_shift, PERCENTILES[1])),
                       "sample_mean": float(shift.mean())},
        settings={"n_base": n_base, "n_runs": len(design), "seed": seed, "year": year, "max_iter": max_iter,
                  "n_imputations": len(panels), "n_combinations": int(np.prod(n_levels)),
                  "bod_bounds": BOD_BOUNDS, "geometric_floor": GEOMETRIC_FLOOR, "conf_level": CONF_LEVEL,
                  "n_resamples": N_RESAMPLES},
        timings={"factorial_s": built - started, "sobol_s": finished - built, "total_s": finished - started})


def spearman_by_year(a: pd.Series, b: pd.Series) -> pd.Series:
    """Spearman correlation of two country-year series, year by year (common rows)."""
    both = pd.concat([a.rename("a"), b.rename("b")], axis=1).dropna()
    return both.groupby(level="year").apply(lambda g: stats.spearmanr(g.a, g.b).statistic).rename("spearman")
