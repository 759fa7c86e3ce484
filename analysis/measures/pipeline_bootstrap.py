"""A bootstrap of the whole pipeline, for regressions on estimated factor scores.

The factor scores are generated regressors (Pagan 1984): they come from loadings
estimated on the same countries, so a standard error that treats them as data is too
small. :func:`pipeline_bootstrap` repeats every estimated step on each replicate:

1. draw whole countries with replacement (each keeps all its years; a country drawn
   twice enters as two countries);
2. standardise the characteristics over the replicate's pooled panel;
3. extract the same number of factors by principal axis (same iterations as the main
   solution), rotate by varimax and match the factors to the main solution's order and
   signs (:func:`analysis.measures.factor.match_factors`);
4. score every country-year by the regression (Thomson) method, F = Z R^-1 L, as the
   main solution does;
5. standardise each outcome and the scores over the cells where the outcome exists and
   estimate the two-way fixed-effects slopes (:func:`analysis.measures.fixed_effects.slopes`)
   and the between-country slopes (country means, with a constant).

Vectorised over replicates (in chunks to bound memory).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.measures import factor, fixed_effects


@dataclass(frozen=True)
class PipelineBootstrap:
    within: np.ndarray   # replicate x outcome x factor
    between: np.ndarray  # replicate x outcome x factor
    n_boot: int
    seed: int

    def interval(self, array: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Equal-tailed percentile interval over the replicates."""
        tail = (1 - level) / 2
        return np.quantile(array, tail, axis=0), np.quantile(array, 1 - tail, axis=0)


def scores_batch(samples: np.ndarray, reference: np.ndarray, max_iter: int) -> np.ndarray:
    """Regression factor scores (batch x observations x k) of a stack of samples
    (batch x observations x variables), each standardised over its own rows, with
    factors extracted as the main solution was and matched to ``reference``."""
    mean = samples.mean(axis=1, keepdims=True)
    z = (samples - mean) / samples.std(axis=1, ddof=1, keepdims=True)
    corr = factor.batch_correlation(z)
    k = reference.shape[1]
    loadings = factor.match_factors(factor.varimax_batch(factor.principal_axis_batch(corr, k, max_iter)), reference)
    return z @ np.linalg.solve(corr, loadings)


def between_slopes(y: np.ndarray, x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """OLS slopes of country means of ``y`` on country means of ``x`` with a constant,
    over the countries with any masked cell (batched: y (..., G, T), x (..., G, T, k))."""
    m = mask.astype(float)
    n = m.sum(axis=-1)
    present = n > 0
    safe = np.where(present, n, 1.0)
    y_bar = (y * m).sum(axis=-1) / safe
    x_bar = (x * m[..., None]).sum(axis=-2) / safe[..., None]
    weight = present.astype(float)
    count = weight.sum(axis=-1, keepdims=True)
    y_c = (y_bar - (y_bar * weight).sum(axis=-1, keepdims=True) / count) * weight
    x_c = (x_bar - (x_bar * weight[..., None]).sum(axis=-2, keepdims=True) / count[..., None]) * weight[..., None]
    gram = np.einsum("...gk,...gl->...kl", x_c, x_c)
    return np.linalg.solve(gram, np.einsum("...gk,...g->...k", x_c, y_c)[..., None])[..., 0]


def replicate_coefficients(characteristics: np.ndarray, outcomes: np.ndarray, drawn: np.ndarray,
                           reference: np.ndarray, max_iter: int) -> tuple[np.ndarray, np.ndarray]:
    """Within and between slopes (replicate x outcome x factor) for the country draws
    ``drawn`` (replicate x countries). ``characteristics`` is country x year x variable,
    ``outcomes`` country x year x outcome (NaN where missing)."""
    n_boot, n_countries = drawn.shape
    n_years = characteristics.shape[1]
    samples = characteristics[drawn].reshape(n_boot, n_countries * n_years, -1)
    scores = scores_batch(samples, reference, max_iter).reshape(n_boot, n_countries, n_years, -1)
    within, between = [], []
    for o in range(outcomes.shape[-1]):
        y = outcomes[drawn, :, o]
        mask = np.isfinite(y)
        y_z, x_z = fixed_effects.standardise(y, scores, mask)
        within.append(fixed_effects.slopes(y_z, x_z, mask))
        between.append(between_slopes(y_z, x_z, mask))
    return np.stack(within, axis=1), np.stack(between, axis=1)


def pipeline_bootstrap(characteristics: np.ndarray, outcomes: np.ndarray, reference: np.ndarray, max_iter: int,
                       n_boot: int, seed: int, chunk: int = 250) -> PipelineBootstrap:
    """The whole-pipeline country bootstrap of the module notes, seeded."""
    drawn = np.random.default_rng(seed).integers(0, characteristics.shape[0], size=(n_boot, characteristics.shape[0]))
    parts = [replicate_coefficients(characteristics, outcomes, drawn[start:start + chunk], reference, max_iter)
             for start in range(0, n_boot, chunk)]
    return PipelineBootstrap(np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
                             n_boot, seed)
