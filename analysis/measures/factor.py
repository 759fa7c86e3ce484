"""Factor analysis and a composite index built as the OECD/JRC Handbook (2008) builds one.

The steps, each a small function that works on a table of observations (rows) by
variables (columns):

1. Suitability: :func:`kmo` (Kaiser-Meyer-Olkin measure, overall and per variable),
   :func:`drop_low_msa` (drop the variable with the lowest MSA while it is below the
   threshold, one at a time) and :func:`bartlett_sphericity`.
2. How many factors: :func:`kaiser_count` (eigenvalues of the correlation matrix above
   one), :func:`scree_elbow` (the acceleration factor of the scree) and
   :func:`parallel_analysis` (Horn: observed eigenvalues against the 95th percentile of
   eigenvalues of random normal data of the same shape, seeded).
3. Extraction: :func:`extract` with ``statsmodels.multivariate.factor.Factor``:
   principal axis factoring from squared multiple correlations (or maximum likelihood
   as a check), rotated by varimax WITHOUT Kaiser normalisation (statsmodels'
   ``rotate_factors``; R ``GPArotation::Varimax`` makes the same choice) or by oblimin
   (quartimin) as an oblique check. Factors are put in order of the variance they
   explain and each is signed so that its largest absolute loading is positive.
4. Weights: :func:`handbook_weights`: square the rotated loadings, scale them to a unit
   sum within each factor, assign each indicator to the factor where its scaled square
   is largest, and weight it by that scaled square times the factor's share of the
   variance the retained factors explain; the weights are then scaled to sum to one.
5. Composite: :func:`min_max` normalisation over the pooled panel, each indicator in
   its declared direction (:mod:`analysis.measures.directions`), then :func:`composite` (a
   weighted sum, 0-100, with weights renormalised where a cell is unavailable) and
   :func:`ranks` within each year.
6. Uncertainty: :func:`cluster_bootstrap` resamples whole countries (all their years
   together), re-extracts with the same number of factors in one vectorised pass
   (:func:`principal_axis_batch`, :func:`varimax_batch`, :func:`match_factors`) and
   gives the distribution of loadings, weights and ranks.

Everything here uses numpy, scipy and statsmodels only.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.multivariate.factor import Factor

MSA_THRESHOLD = 0.5  # Kaiser (1974): below 0.5 "unacceptable"
PARALLEL_QUANTILE = 0.95


# ---- suitability -------------------------------------------------------------------

def correlation(data) -> np.ndarray:
    """Pearson correlation matrix of the columns of ``data``."""
    return np.corrcoef(np.asarray(data, dtype=float), rowvar=False)


def anti_image_correlation(corr: np.ndarray) -> np.ndarray:
    """Partial correlations of each pair given all other variables (off the diagonal)."""
    inverse = np.linalg.inv(corr)
    scale = np.sqrt(np.diag(inverse))
    return -inverse / np.outer(scale, scale)


def kmo_from_correlation(corr: np.ndarray) -> tuple[float, np.ndarray]:
    """KMO = sum r_ij^2 / (sum r_ij^2 + sum a_ij^2) over i != j, a the partial
    correlations; per variable (MSA) the same sums over j only."""
    corr = np.asarray(corr, dtype=float)
    off = ~np.eye(len(corr), dtype=bool)
    r2 = np.where(off, corr ** 2, 0.0)
    a2 = np.where(off, anti_image_correlation(corr) ** 2, 0.0)
    overall = r2.sum() / (r2.sum() + a2.sum())
    per_variable = r2.sum(axis=0) / (r2.sum(axis=0) + a2.sum(axis=0))
    return float(overall), per_variable


def kmo(data) -> tuple[float, pd.Series | np.ndarray]:
    """Kaiser-Meyer-Olkin measure of sampling adequacy of ``data`` (observations x
    variables): ``(overall, per_variable)``; per variable a Series when ``data`` is a
    DataFrame."""
    overall, per_variable = kmo_from_correlation(correlation(data))
    if isinstance(data, pd.DataFrame):
        per_variable = pd.Series(per_variable, index=data.columns, name="msa")
    return overall, per_variable


def bartlett_from_correlation(corr: np.ndarray, n_obs: int) -> tuple[float, int, float]:
    """Bartlett (1950): chi2 = -(n - 1 - (2p + 5)/6) ln|R|, p(p - 1)/2 degrees of freedom."""
    p = len(corr)
    sign, log_det = np.linalg.slogdet(np.asarray(corr, dtype=float))
    if sign <= 0:
        raise ValueError("the correlation matrix is not positive definite")
    statistic = -(n_obs - 1 - (2 * p + 5) / 6) * log_det
    dof = p * (p - 1) // 2
    return float(statistic), dof, float(stats.chi2.sf(statistic, dof))


def bartlett_sphericity(data) -> tuple[float, int, float]:
    """Bartlett's test that the correlation matrix of ``data`` is the identity:
    ``(statistic, dof, p_value)``."""
    values = np.asarray(data, dtype=float)
    return bartlett_from_correlation(correlation(values), len(values))


def drop_low_msa(data: pd.DataFrame, threshold: float = MSA_THRESHOLD) -> tuple[list[str], list[tuple[str, float]]]:
    """Drop, one at a time, the variable with the lowest MSA while it is below
    ``threshold`` (each drop changes the others' MSA). Returns the kept columns and
    the dropped ``(column, msa at the time)`` in the order they were dropped."""
    kept, dropped = list(data.columns), []
    while len(kept) > 2:
        _, msa = kmo(data[kept])
        lowest = msa.idxmin()
        if msa[lowest] >= threshold:
            break
        dropped.append((lowest, float(msa[lowest])))
        kept.remove(lowest)
    return kept, dropped


# ---- number of factors -------------------------------------------------------------

def eigenvalues(corr: np.ndarray) -> np.ndarray:
    """Eigenvalues of a correlation matrix, largest first."""
    return np.linalg.eigvalsh(corr)[::-1]


def kaiser_count(values: np.ndarray) -> int:
    """Kaiser's rule: the number of eigenvalues of the correlation matrix above one."""
    return int((np.asarray(values) > 1).sum())


def scree_elbow(values: np.ndarray) -> int:
    """The number of factors before the scree's elbow, where the elbow is the
    eigenvalue with the largest acceleration (second difference)
    lambda_(i+1) - 2 lambda_i + lambda_(i-1) (Raiche et al. 2013)."""
    values = np.asarray(values, dtype=float)
    if len(values) < 3:
        raise ValueError("the scree needs at least three eigenvalues")
    acceleration = values[2:] - 2 * values[1:-1] + values[:-2]  # at positions 2 .. p-1 (1-based)
    elbow = int(np.argmax(acceleration)) + 2
    return elbow - 1


@dataclass(frozen=True)
class ParallelAnalysis:
    n_factors: int
    table: pd.DataFrame  # component, observed, random_mean, random_quantile, keep


def _random_eigenvalues(n_obs: int, n_vars: int, n_iter: int, seed: int, chunk: int = 200) -> np.ndarray:
    """Eigenvalues of correlation matrices of ``n_iter`` standard normal samples of
    shape n_obs x n_vars, in batches (no loop over single samples)."""
    rng = np.random.default_rng(seed)
    out = []
    for start in range(0, n_iter, chunk):
        size = min(chunk, n_iter - start)
        sample = rng.standard_normal((size, n_obs, n_vars))
        out.append(np.linalg.eigvalsh(batch_correlation(sample))[:, ::-1])
    return np.concatenate(out)


def leading_count(beats: np.ndarray) -> int:
    """How many leading entries are true (a later true after a false does not count)."""
    beats = np.asarray(beats, dtype=bool)
    return int(np.argmin(beats)) if not beats.all() else len(beats)


def parallel_analysis_from_correlation(corr: np.ndarray, n_obs: int, n_iter: int = 1000, seed: int = 0,
                                       quantile: float = PARALLEL_QUANTILE) -> ParallelAnalysis:
    """Horn's (1965) parallel analysis of an observed correlation matrix from ``n_obs``
    observations: keep the leading factors whose eigenvalue exceeds the ``quantile``
    of the same-rank eigenvalue of random data; stop at the first that does not."""
    observed = eigenvalues(corr)
    random = _random_eigenvalues(n_obs, len(observed), n_iter, seed)
    threshold = np.quantile(random, quantile, axis=0)
    beats = observed > threshold
    n_factors = leading_count(beats)
    table = pd.DataFrame({"component": np.arange(1, len(observed) + 1), "observed": observed,
                          "random_mean": random.mean(axis=0), "random_quantile": threshold,
                          "keep": np.arange(len(observed)) < n_factors})
    return ParallelAnalysis(n_factors, table)


def parallel_analysis(data, n_iter: int = 1000, seed: int = 0,
                      quantile: float = PARALLEL_QUANTILE) -> ParallelAnalysis:
    """Horn's parallel analysis of ``data`` (observations x variables), seeded:
    ``.n_factors`` to keep and ``.table`` of observed and random eigenvalues."""
    values = np.asarray(data, dtype=float)
    return parallel_analysis_from_correlation(correlation(values), len(values), n_iter, seed, quantile)


# ---- extraction --------------------------------------------------------------------

@dataclass(frozen=True)
class Extraction:
    loadings: pd.DataFrame       # variable x factor (rotated)
    communalities: pd.Series     # variable
    variance: pd.DataFrame       # factor: ss_loadings, share (of all variables' variance)
    method: str
    rotation: str
    factor_correlation: np.ndarray  # identity for an orthogonal rotation
    result: object               # the statsmodels FactorResults, for scoring
    order: np.ndarray            # statsmodels' factor index of each column of loadings
    signs: np.ndarray            # and the sign applied to it

    def scores(self) -> pd.DataFrame:
        """Regression (Thomson) factor scores of the fitted observations, in the
        order and signs of :attr:`loadings`."""
        raw = self.result.factor_scoring(method="regression")
        return pd.DataFrame(raw[:, self.order] * self.signs, columns=self.loadings.columns)


def factor_labels(n: int) -> list[str]:
    return [f"F{j + 1}" for j in range(n)]


def arrange(loadings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order of factors by sum of squared loadings (largest first) and the sign that
    makes each factor's largest absolute loading positive."""
    order = np.argsort(-(loadings ** 2).sum(axis=0), kind="stable")
    arranged = loadings[:, order]
    peaks = arranged[np.argmax(np.abs(arranged), axis=0), np.arange(arranged.shape[1])]
    return order, np.where(peaks < 0, -1.0, 1.0)


def extract(data: pd.DataFrame, n_factors: int, method: str = "pa", rotation: str = "varimax",
            max_iter: int = 50, seed: int = 0) -> Extraction:
    """Factor extraction with statsmodels: ``method`` "pa" (principal axis, communalities
    starting from squared multiple correlations and iterated at most ``max_iter`` times;
    ``max_iter=1`` keeps the SMC communalities) or "ml"; ``rotation`` "varimax" (no
    Kaiser normalisation), "oblimin" (quartimin, oblique), "promax" or "none". ``seed``
    fixes the random start of the maximum-likelihood fit."""
    model = Factor(np.asarray(data, dtype=float), n_factors, method=method, smc=True)
    result = model.fit(**({"tol": 1e-10, "maxiter": max_iter} if method == "pa" else {"rng": seed}))
    if rotation != "none":
        result.rotate(rotation)
    loadings = np.asarray(result.loadings)
    order, signs = arrange(loadings)
    loadings = loadings[:, order] * signs
    names = factor_labels(n_factors)
    if rotation in ("oblimin", "promax"):
        phi = np.asarray(result._corr_factors())[np.ix_(order, order)] * np.outer(signs, signs)
    else:
        phi = np.eye(n_factors)
    frame = pd.DataFrame(loadings, index=data.columns, columns=names)
    ss = (loadings ** 2).sum(axis=0)
    variance = pd.DataFrame({"ss_loadings": ss, "share": ss / len(data.columns)}, index=names)
    communalities = pd.Series((loadings @ phi * loadings).sum(axis=1), index=data.columns, name="communality")
    return Extraction(frame, communalities, variance, method, rotation, phi, result, order, signs)


def congruence(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Tucker's congruence coefficient between matching columns of two loading matrices."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return (a * b).sum(axis=0) / np.sqrt((a ** 2).sum(axis=0) * (b ** 2).sum(axis=0))


# ---- vectorised extraction for the bootstrap ---------------------------------------

def batch_correlation(samples: np.ndarray) -> np.ndarray:
    """Correlation matrices of a stack of samples (batch x observations x variables)."""
    centred = samples - samples.mean(axis=1, keepdims=True)
    scaled = centred / np.sqrt((centred ** 2).sum(axis=1, keepdims=True))
    return np.einsum("bnp,bnq->bpq", scaled, scaled)


def principal_axis_batch(corr: np.ndarray, n_factors: int, max_iter: int = 50, tol: float = 1e-8) -> np.ndarray:
    """Iterated principal axis loadings for a stack of correlation matrices, starting
    from squared multiple correlations; the same iteration as statsmodels' ``pa``
    (stop when the change of communalities has norm below ``tol``)."""
    corr = np.asarray(corr, dtype=float)
    batch, p, _ = corr.shape
    communality = 1 - 1 / np.diagonal(np.linalg.inv(corr), axis1=1, axis2=2)
    active = np.ones(batch, dtype=bool)
    loadings = np.zeros((batch, p, n_factors))
    diagonal = np.arange(p)
    for _ in range(max_iter):
        rows = np.flatnonzero(active)  # only the replicates still iterating
        reduced = corr[rows].copy()
        reduced[:, diagonal, diagonal] = communality[rows]
        values, vectors = np.linalg.eigh(reduced)
        values, vectors = values[:, ::-1][:, :n_factors], vectors[:, :, ::-1][:, :, :n_factors]
        new = vectors * np.sqrt(np.clip(values, 0, None))[:, None, :]
        new_communality = (new ** 2).sum(axis=2)
        loadings[rows] = new
        change = np.linalg.norm(new_communality - communality[rows], axis=1)
        communality[rows] = new_communality
        active[rows] = change >= tol
        if not active.any():
            break
    return loadings


def varimax_batch(loadings: np.ndarray, max_iter: int = 500, tol: float = 1e-10) -> np.ndarray:
    """Varimax (gamma = 1, no Kaiser normalisation) of a stack of loading matrices by
    Kaiser's SVD iteration."""
    batch, p, k = loadings.shape
    rotation = np.broadcast_to(np.eye(k), (batch, k, k)).copy()
    criterion = np.zeros(batch)
    for _ in range(max_iter):
        rotated = loadings @ rotation
        target = rotated ** 3 - rotated * (rotated ** 2).sum(axis=1, keepdims=True) / p
        u, s, vt = np.linalg.svd(np.swapaxes(loadings, 1, 2) @ target)
        rotation = u @ vt
        previous, criterion = criterion, s.sum(axis=1)
        if np.all(criterion <= previous * (1 + tol)):
            break
    return loadings @ rotation


def match_factors(loadings: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Reorder and re-sign the factors of each matrix in a stack so that they best match
    the columns of ``reference`` (largest total absolute congruence over all orders)."""
    batch, p, k = loadings.shape
    norms = np.sqrt((loadings ** 2).sum(axis=1))[:, :, None] * np.sqrt((reference ** 2).sum(axis=0))[None, None, :]
    phi = np.einsum("bpi,pj->bij", loadings, reference) / norms  # congruence of factor i with reference j
    permutations = np.array(list(itertools.permutations(range(k))))
    totals = np.abs(phi[:, permutations, np.arange(k)]).sum(axis=2)  # batch x permutations
    best = permutations[np.argmax(totals, axis=1)]  # batch x k: source factor for each reference column
    matched = np.take_along_axis(loadings, best[:, None, :], axis=2)
    signs = np.sign(phi[np.arange(batch)[:, None], best, np.arange(k)[None, :]])
    return matched * np.where(signs == 0, 1.0, signs)[:, None, :]


# ---- weights and composite ---------------------------------------------------------

def handbook_weights_batch(loadings: np.ndarray) -> np.ndarray:
    """:func:`handbook_weights` for a stack of loading matrices (batch x p x k)."""
    squared = np.asarray(loadings, dtype=float) ** 2
    explained = squared.sum(axis=1)  # batch x k
    scaled = squared / explained[:, None, :]
    assigned = np.argmax(scaled, axis=2)  # batch x p
    own = np.take_along_axis(scaled, assigned[:, :, None], axis=2)[:, :, 0]
    share = explained / explained.sum(axis=1, keepdims=True)
    raw = own * np.take_along_axis(share, assigned, axis=1)
    return raw / raw.sum(axis=1, keepdims=True)


def handbook_weights(loadings: pd.DataFrame) -> pd.DataFrame:
    """OECD/JRC Handbook weights from rotated loadings (variable x factor).

    Columns: ``factor`` (where the indicator's scaled squared loading is largest),
    ``scaled_loading`` (L_ij^2 / sum_k L_kj^2), ``factor_share`` (V_j / sum V) and
    ``weight`` (their product, scaled so that all weights sum to one)."""
    squared = loadings.to_numpy(float) ** 2
    explained = squared.sum(axis=0)
    scaled = squared / explained
    assigned = np.argmax(scaled, axis=1)
    rows = np.arange(len(loadings))
    weight = handbook_weights_batch(loadings.to_numpy(float)[None])[0]
    return pd.DataFrame({"factor": loadings.columns[assigned], "scaled_loading": scaled[rows, assigned],
                         "factor_share": (explained / explained.sum())[assigned], "weight": weight},
                        index=loadings.index)


def min_max(data: pd.DataFrame, direction: pd.Series | None = None) -> pd.DataFrame:
    """Each column rescaled to [0, 1] over all rows; a column with direction -1 is
    reversed (1 - x), so that higher always means more of what its factor measures."""
    low, high = data.min(), data.max()
    if ((high - low) <= 0).any():
        raise ValueError(f"constant column(s): {list(data.columns[(high - low) <= 0])}")
    scaled = (data - low) / (high - low)
    if direction is not None:
        reverse = direction.reindex(data.columns) < 0
        scaled.loc[:, reverse] = 1 - scaled.loc[:, reverse]
    return scaled


def composite(normalised: pd.DataFrame, weights: pd.Series, available: pd.DataFrame | None = None) -> pd.Series:
    """Linear aggregation: 100 x sum of weight x normalised indicator. Where
    ``available`` (same shape, booleans) marks a cell as unavailable, that indicator is
    left out of the row and the row's weights are renormalised over the others."""
    missing = set(weights.index) - set(normalised.columns)
    if missing:
        raise ValueError(f"weights for indicators not in the data: {sorted(missing)}")
    if available is None:
        return 100 * (normalised[weights.index] * weights).sum(axis=1)
    mask = available[weights.index].astype(float)
    return 100 * (normalised[weights.index] * weights * mask).sum(axis=1) / (mask * weights).sum(axis=1)


def ranks(scores: pd.Series, groups: pd.Series) -> pd.Series:
    """Rank 1 = highest score within each group (year); ties share the best rank."""
    return scores.groupby(groups.to_numpy()).rank(ascending=False, method="min").astype(int)


def ranks_batch(scores: np.ndarray) -> np.ndarray:
    """Ranks (1 = highest) along the last axis of an array of scores (no ties expected)."""
    order = np.argsort(-scores, axis=-1, kind="stable")
    result = np.empty_like(order)
    np.put_along_axis(result, order, np.arange(1, scores.shape[-1] + 1), axis=-1)
    return result


# ---- uncertainty -------------------------------------------------------------------

@dataclass(frozen=True)
class Bootstrap:
    loadings: np.ndarray  # replicate x variable x factor (matched to the reference)
    weights: np.ndarray   # replicate x variable
    ranks: np.ndarray     # replicate x country x year
    variables: list[str]
    countries: list[str]
    years: list[int]

    def interval(self, array: np.ndarray, level: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
        """Equal-tailed percentile interval; the bounds are values some replicate took."""
        tail = (1 - level) / 2
        return (np.quantile(array, tail, axis=0, method="inverted_cdf"),
                np.quantile(array, 1 - tail, axis=0, method="inverted_cdf"))


def cluster_resample(cube: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """``n_boot`` samples of whole countries drawn with replacement from ``cube``
    (country x year x variable); each sample is (countries * years) x variables."""
    n_countries, n_years, n_vars = cube.shape
    drawn = np.random.default_rng(seed).integers(0, n_countries, size=(n_boot, n_countries))
    return cube[drawn].reshape(n_boot, n_countries * n_years, n_vars)


def cluster_bootstrap(cube: np.ndarray, normalised: np.ndarray, reference: np.ndarray, n_boot: int, seed: int,
                      variables: list[str], countries: list[str], years: list[int], max_iter: int = 50,
                      available: np.ndarray | None = None) -> Bootstrap:
    """Resample countries with replacement (each keeps all its years), re-extract by
    principal axis (``max_iter`` as in :func:`extract`) with the reference's number
    of factors, rotate by varimax, match
    factors to ``reference`` and recompute the Handbook weights; the ranks apply each
    replicate's weights to the (fixed) normalised panel of the original countries.

    ``cube`` is country x year x variable (the analysed values), ``normalised`` the
    oriented min-max panel in the same layout, ``available`` (same layout, booleans)
    the cells the composite may use (:func:`composite`). Vectorised over replicates."""
    samples = cluster_resample(cube, n_boot, seed)
    k = reference.shape[1]
    loadings = match_factors(varimax_batch(principal_axis_batch(batch_correlation(samples), k, max_iter)), reference)
    weights = handbook_weights_batch(loadings)
    mask = np.ones(normalised.shape) if available is None else np.asarray(available, dtype=float)
    scores = np.einsum("cyv,bv->byc", normalised * mask, weights) / np.einsum("cyv,bv->byc", mask, weights)
    ranked = np.swapaxes(ranks_batch(scores), 1, 2)  # replicate x country x year
    return Bootstrap(loadings, weights, ranked, variables, countries, years)


def rank_shift_summary(base: pd.Series, alternative: pd.Series, base_scores: pd.Series,
                       alternative_scores: pd.Series, years: pd.Series) -> dict[str, float]:
    """Median absolute rank shift over all country-years, and the median over years of
    the Spearman correlation between the two sets of scores."""
    shift = (alternative - base).abs()
    rho = [stats.spearmanr(base_scores[years == y], alternative_scores[years == y]).statistic
           for y in sorted(years.unique())]
    return {"median_abs_shift": float(shift.median()), "max_abs_shift": float(shift.max()),
            "spearman": float(np.median(rho))}
