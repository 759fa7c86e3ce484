"""How many factors, decided where observations are independent.

The years of one country are not independent draws, so the pooled country-year panel
overstates the information behind the number of factors. The panel is split in two
structures (Muthén 1994): between countries (each country's mean over the years,
one observation per country) and within countries (each country's period averages
minus its own mean, one observation per country and period; the years inside a period
are averaged so that adjacent, strongly dependent years count once).

The rule (:func:`choose_k`), stated before any result is seen:

1. start from Horn's parallel analysis on the between-country correlation matrix
   (country means);
2. extract that many factors from the analysed panel by principal axis factoring,
   iterated to convergence (never stopped early), and while the solution has a
   Heywood case (a communality of one or more), take one factor fewer.

The OECD/JRC Handbook's own retention rule (each factor explains more than 10% of
the variance, all together more than 60%) is reported, not used to choose
(:func:`handbook_retention`). Loading invariance across periods is measured by
Tucker's congruence of each period's loadings with the pooled solution
(:func:`period_congruence`; 0.85 or more fair similarity, 0.95 or more equal,
Lorenzo-Seva & ten Berge 2006).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.measures import factor

MAX_ITER = 1000  # principal axis iterations: enough to converge (tolerance 1e-10)
HEYWOOD = 1.0    # a communality at or above one
RETENTION_EACH = 0.10
RETENTION_TOTAL = 0.60
CONGRUENCE_FAIR = 0.85
CONGRUENCE_EQUAL = 0.95


def between(panel: pd.DataFrame) -> pd.DataFrame:
    """Each country's mean over all its rows (index iso3)."""
    return panel.groupby(level="iso3").mean()


def within(panel: pd.DataFrame, periods: list[tuple[int, int]]) -> pd.DataFrame:
    """Each country's period averages minus the country's mean (index iso3, period)."""
    from analysis.measures.panel import period_averages
    averages = period_averages(panel, periods)
    return averages - averages.groupby(level="iso3").transform("mean")


def effective_rows(within_data: pd.DataFrame) -> int:
    """The degrees of freedom of within-country deviations: each country's deviations
    sum to zero, so ``n`` rows of ``G`` countries carry ``n - G`` free values."""
    return len(within_data) - within_data.index.get_level_values("iso3").nunique()


def parallel_within(within_data: pd.DataFrame, n_iter: int, seed: int) -> factor.ParallelAnalysis:
    """Horn's parallel analysis of within-country deviations (:func:`within`) against
    random data with as many rows as the deviations have degrees of freedom
    (:func:`effective_rows`); random data with every row would set too low a bar."""
    return factor.parallel_analysis_from_correlation(factor.correlation(within_data.to_numpy(float)),
                                                     effective_rows(within_data), n_iter, seed)


def _extract(data: pd.DataFrame, k: int) -> factor.Extraction:
    """Iterated principal axis, varimax (no rotation for a single factor)."""
    return factor.extract(data, k, rotation="varimax" if k > 1 else "none", max_iter=MAX_ITER)


def max_communality(data: pd.DataFrame, k: int) -> float:
    """The largest communality of the principal axis solution with ``k`` factors,
    iterated to convergence."""
    return float(_extract(data, k).communalities.max())


@dataclass(frozen=True)
class FactorCount:
    k: int
    start: int              # parallel analysis on the country means
    steps: pd.DataFrame     # k tried, max communality, heywood


def choose_k(between_data: pd.DataFrame, data: pd.DataFrame, n_iter: int, seed: int) -> FactorCount:
    """The module's rule: parallel analysis on ``between_data`` (country means), then one
    factor fewer while the iterated solution on ``data`` has a Heywood case."""
    start = factor.parallel_analysis(between_data, n_iter, seed).n_factors
    k, rows = max(start, 1), []
    while True:
        top = max_communality(data, k)
        rows.append({"k": k, "max_communality": top, "heywood": top >= HEYWOOD})
        if top < HEYWOOD or k == 1:
            break
        k -= 1
    return FactorCount(k, start, pd.DataFrame(rows))


def heywood_table(data: pd.DataFrame, ks: list[int]) -> pd.DataFrame:
    """For each k: the largest iterated communality, the variable that has it, and
    whether it is a Heywood case."""
    rows = []
    for k in ks:
        communalities = _extract(data, k).communalities
        rows.append({"k": k, "max_communality": float(communalities.max()), "variable": communalities.idxmax(),
                     "heywood": bool(communalities.max() >= HEYWOOD)})
    return pd.DataFrame(rows).set_index("k")


def handbook_retention(variance: pd.DataFrame) -> dict:
    """The Handbook's rule on the retained factors' shares of the total variance: each
    above 10% and together above 60%."""
    shares = variance["share"]
    each = bool((shares > RETENTION_EACH).all())
    total = float(shares.sum())
    return {"each": each, "total": total, "total_met": total > RETENTION_TOTAL, "met": each and total > RETENTION_TOTAL,
            "smallest": float(shares.min()), "smallest_factor": shares.idxmin()}


def period_congruence(panel: pd.DataFrame, reference: pd.DataFrame, periods: list[tuple[int, int]]) -> pd.DataFrame:
    """Tucker's congruence of each period's loadings (principal axis, varimax, the
    country-years of the period) with ``reference``, factor by factor after matching."""
    years = panel.index.get_level_values("year")
    rows = {}
    for first, last in periods:
        part = panel[(years >= first) & (years <= last)]
        loadings = factor.extract(part, reference.shape[1], max_iter=MAX_ITER).loadings
        matched = factor.match_factors(loadings.to_numpy()[None], reference.to_numpy())[0]
        rows[f"{first}\u2013{last}"] = factor.congruence(matched, reference.to_numpy())
    return pd.DataFrame(rows, index=reference.columns).T.rename_axis("period")


def congruence_with(data: pd.DataFrame, reference: pd.DataFrame) -> np.ndarray:
    """Congruence of the solution on ``data`` (same k as ``reference``) with ``reference``."""
    loadings = factor.extract(data, reference.shape[1], max_iter=MAX_ITER).loadings
    matched = factor.match_factors(loadings.to_numpy()[None], reference.to_numpy())[0]
    return factor.congruence(matched, reference.to_numpy())


def side_by_side(data: pd.DataFrame, ks: list[int]) -> dict[int, dict]:
    """For each k: loadings, communalities, variance and Handbook weights of the
    iterated principal axis solution (varimax)."""
    out = {}
    for k in ks:
        extraction = factor.extract(data, k, max_iter=MAX_ITER)
        out[k] = {"loadings": extraction.loadings, "communalities": extraction.communalities,
                  "variance": extraction.variance, "weights": factor.handbook_weights(extraction.loadings)}
    return out
