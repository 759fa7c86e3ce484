"""Two-way fixed-effects regressions on a country x year panel, with inference for few clusters.

Everything works on "cubes": an outcome ``y`` shaped (..., country, year), regressors
``x`` shaped (..., country, year, k) and a boolean ``mask`` of the cells that enter
(leading axes are a batch, e.g. bootstrap replicates). Unbalanced panels are handled
exactly.

- :func:`within`: the residual of each column after projecting on country and year
  dummies (Frisch-Waugh-Lovell). Country means are removed first; the year effects are
  then solved from their normal equations, (sum_g m_gt) delta_ts - sum_g m_gt m_gs / n_g,
  which the country-demeaned year dummies give in closed form. In a balanced panel this
  is x - country mean - year mean + grand mean. ``country=False`` removes year effects
  only (pooled regression with year effects).
- :func:`fit`: OLS on the within-transformed data with CR1 standard errors clustered by
  country, c = G/(G - 1) (N - 1)/(N - K), K counting every estimated parameter
  (the k slopes, G - 1 country and T - 1 year effects and the constant), and p-values
  from the normal and from Student's t with G - 1 degrees of freedom.
- :func:`wild_cluster_bootstrap`: the restricted wild cluster bootstrap (WCR; Cameron,
  Gelbach and Miller 2008; MacKinnon, Nielsen and Webb 2023) of the t-statistic of each
  slope, H0: slope = 0 imposed, one weight per country and replicate. Because the
  weights are constant within a country, each bootstrap statistic is a linear function
  of the weight vector, so all replicates cost a few G x G products.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

WEBB_THRESHOLD = 12  # fewer clusters than this: Webb's six-point weights instead of Rademacher


def within(values: np.ndarray, mask: np.ndarray, country: bool = True) -> np.ndarray:
    """Residuals of ``values`` (..., G, T, m) on country and year dummies over the cells
    where ``mask`` (..., G, T) is true; zero elsewhere."""
    m = mask.astype(float)
    x = values * m[..., None]
    if country:
        n_g = m.sum(axis=-1)  # (..., G)
        share = np.divide(1.0, n_g, out=np.zeros_like(n_g), where=n_g > 0)
        x = (x - x.sum(axis=-2, keepdims=True) * share[..., None, None]) * m[..., None]
        weighted = m * share[..., None]  # (..., G, T)
        normal = m.sum(axis=-2)[..., None] * np.eye(m.shape[-1]) - np.swapaxes(weighted, -1, -2) @ m
        effects = np.linalg.pinv(normal, hermitian=True) @ x.sum(axis=-3)  # (..., T, m)
        own_mean = weighted @ effects  # (..., G, m): each country's average of its year effects
        fitted = (effects[..., None, :, :] - own_mean[..., :, None, :]) * m[..., None]
    else:
        n_t = m.sum(axis=-2)  # (..., T)
        share = np.divide(1.0, n_t, out=np.zeros_like(n_t), where=n_t > 0)
        fitted = (x.sum(axis=-3, keepdims=True) * share[..., None, :, None]) * m[..., None]
    return x - fitted


def standardise(y: np.ndarray, x: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``y`` and each column of ``x`` as z-scores over the masked cells (ddof = 1)."""
    m = mask.astype(float)
    n = m.sum(axis=(-2, -1))[..., None, None]

    def z(values: np.ndarray) -> np.ndarray:
        values = np.where(mask, values, 0.0)
        mean = values.sum(axis=(-2, -1), keepdims=True) / n
        spread = np.sqrt((((values - mean) * m) ** 2).sum(axis=(-2, -1), keepdims=True) / (n - 1))
        return (values - mean) / spread * m

    return z(y), np.moveaxis(z(np.moveaxis(x, -1, 0)), 0, -1)


def slopes(y: np.ndarray, x: np.ndarray, mask: np.ndarray, country: bool = True) -> np.ndarray:
    """Two-way fixed-effects slopes, batched: (..., k)."""
    both = within(np.concatenate([x, y[..., None]], axis=-1), mask, country)
    design, response = both[..., :-1], both[..., -1]
    gram = np.einsum("...gtk,...gtl->...kl", design, design)
    return np.linalg.solve(gram, np.einsum("...gtk,...gt->...k", design, response)[..., None])[..., 0]


@dataclass(frozen=True)
class Fit:
    coefficient: np.ndarray  # k
    se: np.ndarray           # CR1, clustered by country
    t: np.ndarray
    p_normal: np.ndarray
    p_t: np.ndarray          # Student's t with G - 1 degrees of freedom
    ci_low: np.ndarray       # t(G - 1) interval
    ci_high: np.ndarray
    n_obs: int
    n_clusters: int
    n_params: int            # K in the CR1 factor
    design: np.ndarray       # within-transformed x (G, T, k)
    response: np.ndarray     # within-transformed y (G, T)
    residual: np.ndarray     # (G, T)
    inverse_gram: np.ndarray  # (k, k)
    scale: float             # the CR1 factor c


def fit(y: np.ndarray, x: np.ndarray, mask: np.ndarray, level: float = 0.95, country: bool = True) -> Fit:
    """OLS of ``y`` (G, T) on ``x`` (G, T, k) with country (if ``country``) and year
    effects over the ``mask``ed cells; errors clustered by country."""
    clusters = mask.any(axis=1)
    y, x, mask = y[clusters], x[clusters], mask[clusters]
    design = within(x, mask, country)
    response = within(y[..., None], mask, country)[..., 0]
    inverse = np.linalg.inv(np.einsum("gtk,gtl->kl", design, design))
    coefficient = inverse @ np.einsum("gtk,gt->k", design, response)
    residual = (response - design @ coefficient) * mask
    n_obs, n_clusters, k = int(mask.sum()), int(len(y)), x.shape[-1]
    n_years = int(mask.any(axis=0).sum())
    n_params = k + (n_clusters - 1 if country else 0) + (n_years - 1) + 1
    scale = n_clusters / (n_clusters - 1) * (n_obs - 1) / (n_obs - n_params)
    scores = np.einsum("gtk,gt->gk", design, residual)
    covariance = scale * inverse @ (scores.T @ scores) @ inverse
    se = np.sqrt(np.diag(covariance))
    t = coefficient / se
    critical = stats.t.ppf(0.5 + level / 2, n_clusters - 1)
    return Fit(coefficient, se, t, 2 * stats.norm.sf(np.abs(t)), 2 * stats.t.sf(np.abs(t), n_clusters - 1),
               coefficient - critical * se, coefficient + critical * se, n_obs, n_clusters, n_params, design,
               response, residual, inverse, scale)


def bootstrap_weights(n_clusters: int, n_boot: int, seed: int, kind: str | None = None) -> np.ndarray:
    """``n_boot`` x ``n_clusters`` wild bootstrap weights: Rademacher (+1 or -1, each with
    probability 1/2) or Webb's six-point distribution (+-sqrt(1/2), +-1, +-sqrt(3/2), each
    1/6). ``kind=None`` picks Webb below :data:`WEBB_THRESHOLD` clusters."""
    kind = kind or ("webb" if n_clusters < WEBB_THRESHOLD else "rademacher")
    rng = np.random.default_rng(seed)
    if kind == "rademacher":
        return rng.choice([-1.0, 1.0], size=(n_boot, n_clusters))
    if kind == "webb":
        points = np.sqrt(np.array([0.5, 1.0, 1.5]))
        return rng.choice(np.concatenate([-points, points]), size=(n_boot, n_clusters))
    raise ValueError(f"unknown wild bootstrap weights {kind!r}: rademacher or webb")


def wild_cluster_bootstrap(result: Fit, mask: np.ndarray, weights: np.ndarray, country: bool = True) -> np.ndarray:
    """Bootstrap t-statistics (replicate x slope) of the restricted wild cluster
    bootstrap: for slope j, y* = restricted fit + w_g x restricted residual, with the
    same weights ``weights`` (replicate x cluster, clusters in the order of the rows of
    ``mask`` that hold any cell) for every slope, and the same CR1 statistic as
    :func:`fit`. The p-value is the share of |t*| at least |t|
    (:func:`bootstrap_p_value`)."""
    mask = mask[mask.any(axis=1)]
    design, response, inverse = result.design, result.response, result.inverse_gram
    n_clusters, k = design.shape[0], design.shape[-1]
    one_hot = np.eye(n_clusters)[:, None, :] * mask[..., None]  # (G, T, G): cell belongs to cluster h
    statistics = np.empty((len(weights), k))
    for j in range(k):
        others = np.delete(design, j, axis=-1)
        if others.shape[-1]:
            gram = np.einsum("gtk,gtl->kl", others, others)
            restricted = np.linalg.solve(gram, np.einsum("gtk,gt->k", others, response))
            residual = (response - others @ restricted) * mask
        else:
            residual = response * mask
        spread = within(residual[..., None] * one_hot, mask, country)  # M_D (u_r o 1_h), (G, T, G)
        projection = np.einsum("kl,gtl,gth->kh", inverse, design, spread)  # (X'X)^-1 X' V
        remainder = spread - np.einsum("gtk,kh->gth", design, projection)  # M_X V
        leverage = design @ inverse[j]  # z = X a_j, (G, T)
        cluster_terms = np.einsum("gt,gth->gh", leverage * mask, remainder)  # (G, G)
        numerator = weights @ projection[j]
        denominator = np.sqrt(result.scale * ((weights @ cluster_terms.T) ** 2).sum(axis=1))
        statistics[:, j] = numerator / denominator
    return statistics


def bootstrap_p_value(t: np.ndarray, boot: np.ndarray) -> np.ndarray:
    """Two-sided bootstrap p-value (1 + #{|t*| >= |t|}) / (B + 1) per column."""
    exceed = (np.abs(boot) >= np.abs(t) * (1 - 1e-12)).sum(axis=0)
    return (1 + exceed) / (len(boot) + 1)
