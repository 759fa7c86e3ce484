"""Data treatment of the country-year panel: missing cells and outliers.

Two steps, in the order of the OECD/JRC Handbook (2008): missing cells first, then
outliers.

Missing cells (:func:`cell_kinds`, :func:`multiple_imputations`). Each cell of a
characteristic is one of :data:`KINDS`:

``observed``
    the extract's value.
``interpolated``
    linear in the year between the country's two nearest observations (a documented
    rule, needed for five-yearly series such as the migrant stock).
``imputed``
    outside the country's observed range: drawn by multiple imputation by chained
    equations with predictive mean matching; the predictors are the other
    characteristics, the year (linear and squared) and country effects.
``absent``
    the country has fewer than :data:`MIN_OBSERVED` observed years of the
    characteristic, too few to estimate its own level: its cells are drawn from the
    same chained equations WITHOUT country effects (a country effect it cannot have is
    never given), and the country-series is flagged; the composite index leaves it out
    for that country and renormalises the weights over the country's other indicators.
    A country's few observed cells stay as observed.

Outliers (:func:`treat_outliers`), the JRC rule of thumb used in its statistical
audits: a variable with absolute skewness above 2 AND kurtosis above 3.5 (the sample
skewness and excess kurtosis with the usual small-sample corrections, as pandas and
spreadsheets compute them, over all country-years) is winsorised, one point at a time
and up to :data:`MAX_WINSORISED` points, each time on the side of its current
skewness: with ``j`` points treated at the top, the ``j`` highest values are set to the
``j + 1``-th highest (likewise at the bottom). It stops as soon as the rule is no longer
met. If the rule is still met after
:data:`MAX_WINSORISED` points, the winsorisation is undone and the original values are
log-transformed instead, by the log-modulus about the median in units of the
interquartile range, ``sign(x - median) * ln(1 + |x - median| / IQR)``: it compresses
both tails, and unlike the shifted logarithm ``ln(x - min + c)`` it does not turn a low
outlier (a negative FDI inflow) into an extreme one.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import linalg

MIN_OBSERVED = 3
KINDS = ["observed", "interpolated", "imputed", "absent"]
SKEWNESS_LIMIT = 2.0
KURTOSIS_LIMIT = 3.5
MAX_WINSORISED = 5
PMM_DONORS = 5
N_CYCLES = 5  # rounds of the chained equations (the default of R's mice)


# ---- outliers ---------------------------------------------------------------------------

def skewness_kurtosis(values) -> tuple[float, float]:
    """Sample skewness and excess kurtosis with the small-sample corrections (as
    pandas' ``skew`` and ``kurt`` and spreadsheets' SKEW and KURT), missing values
    left out; NaN for a constant series."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    d = x - x.mean()
    m2 = (d ** 2).mean()
    if n < 4 or m2 <= 1e-14 * max(1.0, np.abs(x).max() ** 2):
        return float("nan"), float("nan")
    g1, g2 = (d ** 3).mean() / m2 ** 1.5, (d ** 4).mean() / m2 ** 2 - 3
    skew = g1 * np.sqrt(n * (n - 1)) / (n - 2)
    kurt = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6)
    return float(skew), float(kurt)


def flagged(values) -> bool:
    """The JRC rule: |skewness| > 2 and kurtosis (excess) > 3.5."""
    skew, kurt = skewness_kurtosis(values)
    return bool(abs(skew) > SKEWNESS_LIMIT and kurt > KURTOSIS_LIMIT)


def _winsorised(values: pd.Series) -> tuple[pd.Series, list]:
    """Winsorise one point at a time while the rule is met, each time on the side of
    the current skewness; returns the values and the labels of the treated points.
    When :data:`MAX_WINSORISED` points do not bring the variable within the rule, the
    values are returned untreated with the points that were tried."""
    present = values.dropna()
    order = np.argsort(-present.to_numpy(), kind="stable")  # highest first
    ranked = present.to_numpy()[order]
    labels = present.index[order]
    high, low, points = 0, 0, []  # points treated at the top and at the bottom
    current = ranked.copy()
    while flagged(current):
        if high + low == MAX_WINSORISED:
            return values, points
        if skewness_kurtosis(current)[0] > 0:
            points.append(labels[high])
            high += 1
        else:
            points.append(labels[len(ranked) - 1 - low])
            low += 1
        current = ranked.copy()
        current[:high] = ranked[high]
        if low:
            current[len(ranked) - low:] = ranked[len(ranked) - 1 - low]
    treated = values.copy()
    treated[labels] = current
    return treated, points


def _logged(values: pd.Series) -> pd.Series:
    """Log-modulus about the median in units of the interquartile range:
    sign(x - median) * ln(1 + |x - median| / IQR)."""
    centre = values.median()
    spread = values.quantile(0.75) - values.quantile(0.25)
    if not spread > 0:
        spread = values.std()
    return np.sign(values - centre) * np.log1p((values - centre).abs() / spread)


def _label(point) -> str:
    return " ".join(str(part) for part in point) if isinstance(point, tuple) else str(point)


def treat_outliers(panel: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the module's outlier rule to every column of ``panel``.

    Returns the treated panel and a report with one row per variable:
    ``skewness_before``, ``kurtosis_before``, ``treatment`` ("none", "winsorised" or
    "log"), ``n_winsorised``, ``points`` (the winsorised rows, "ISO3 year" joined by
    "; "), ``tried`` (for a logged variable, the points winsorisation tried before it
    gave up), ``skewness_after`` and ``kurtosis_after``."""
    treated = panel.copy()
    rows = []
    for column in panel.columns:
        values = panel[column]
        skew, kurt = skewness_kurtosis(values)
        row = {"variable": column, "skewness_before": skew, "kurtosis_before": kurt,
               "treatment": "none", "n_winsorised": 0, "points": "", "tried": ""}
        if flagged(values):
            winsorised, points = _winsorised(values)
            if flagged(winsorised):
                treated[column] = _logged(values)
                row.update(treatment="log", tried="; ".join(_label(p) for p in points))
            else:
                treated[column] = winsorised
                row.update(treatment="winsorised", n_winsorised=len(points),
                           points="; ".join(_label(p) for p in points))
        skew, kurt = skewness_kurtosis(treated[column])
        row.update(skewness_after=skew, kurtosis_after=kurt)
        rows.append(row)
    return treated, pd.DataFrame(rows).set_index("variable")


# ---- missing cells ------------------------------------------------------------------------

def _inside(observed: pd.DataFrame) -> pd.DataFrame:
    """Observed cells plus linear interpolation in the year inside each country's
    observed range (nothing before the first or after the last observation)."""
    out = observed.copy()
    for column in observed.columns:
        wide = observed[column].unstack("year")
        wide = wide.interpolate(method="index", axis=1, limit_area="inside")
        out[column] = wide.stack(future_stack=True).reindex(observed.index)
    return out


def cell_kinds(observed: pd.DataFrame, min_observed: int = MIN_OBSERVED) -> pd.DataFrame:
    """How each cell of ``observed`` (index iso3, year) is obtained: one of :data:`KINDS`."""
    kinds = pd.DataFrame("imputed", index=observed.index, columns=observed.columns, dtype=object)
    known = observed.notna()
    kinds[known] = "observed"
    kinds[~known & _inside(observed).notna()] = "interpolated"
    count = known.groupby(level="iso3").transform("sum")
    kinds[(count < min_observed) & ~known] = "absent"
    return kinds


def absent_series(kinds: pd.DataFrame) -> pd.DataFrame:
    """Country x characteristic: True where the country-series is absent (fewer than
    :data:`MIN_OBSERVED` observed years)."""
    return (kinds == "absent").groupby(level="iso3").any()


def interpolated_panel(observed: pd.DataFrame, kinds: pd.DataFrame) -> pd.DataFrame:
    """The observed cells plus the linear interpolation inside each country's observed
    range; every other cell missing (absent series keep only their observed cells)."""
    return _inside(observed).where(kinds.isin(["observed", "interpolated"]))


def _year_terms(index: pd.MultiIndex) -> np.ndarray:
    years = index.get_level_values("year").to_numpy(float)
    centred = (years - years.mean()) / max(years.std(), 1.0)
    return np.column_stack([np.ones(len(years)), centred, centred ** 2])


def _pmm_draw(x: np.ndarray, y: np.ndarray, known: np.ndarray, targets: np.ndarray,
              rng: np.random.Generator) -> np.ndarray:
    """Predictive mean matching (type 1): regression on the known rows, a posterior
    draw of the coefficients for the targets, and for each target one of the
    :data:`PMM_DONORS` known rows with the closest prediction, drawn at random.
    Columns the known rows cannot identify (a country without known rows) are left
    out of the regression."""
    identified = np.abs(x[known]).sum(axis=0) > 0
    x, x_known, y_known = x[:, identified], x[known][:, identified], y[known]
    gram = np.einsum("ni,nj->ij", x_known, x_known)  # einsum: no BLAS threads for these small products
    gram[np.diag_indices_from(gram)] += 1e-9 * np.trace(gram) / len(gram)
    lower = np.linalg.cholesky(gram)
    beta = linalg.cho_solve((lower, True), np.einsum("ni,n->i", x_known, y_known))
    donor_prediction = np.einsum("ni,i->n", x_known, beta)
    residual = y_known - donor_prediction
    dof = max(len(y_known) - len(beta), 1)
    sigma = np.sqrt(residual @ residual / rng.chisquare(dof))
    drawn = beta + sigma * linalg.solve_triangular(lower.T, rng.standard_normal(len(beta)), lower=False)
    target_prediction = np.einsum("ni,i->n", x[targets], drawn)
    distance = np.abs(target_prediction[:, None] - donor_prediction[None, :])
    nearest = np.argsort(distance, axis=1, kind="stable")[:, :PMM_DONORS]
    chosen = nearest[np.arange(len(nearest)), rng.integers(0, nearest.shape[1], size=len(nearest))]
    return y_known[chosen]


def multiple_imputations(observed: pd.DataFrame, m: int, seed: int,
                         min_observed: int = MIN_OBSERVED, cycles: int = N_CYCLES) -> list[pd.DataFrame]:
    """``m`` completed copies of ``observed`` (index iso3, year), reproducible by ``seed``.

    Observed cells are kept; cells inside a country's observed range are interpolated
    linearly; the rest are drawn by chained equations with predictive mean matching
    (:func:`_pmm_draw`), ``cycles`` rounds over the characteristics, starting from
    each country's mean (the year's median for absent series). Predictors: the other
    characteristics, the year and its square, and country effects, except for the
    cells of an absent country-series (:func:`cell_kinds`), which are drawn from the
    same equation without country effects."""
    kinds = cell_kinds(observed, min_observed)
    base = interpolated_panel(observed, kinds)
    countries = base.index.get_level_values("iso3")
    dummies = pd.get_dummies(countries).to_numpy(float)[:, 1:]
    years = _year_terms(base.index)
    known = base.notna().to_numpy()
    known_values = base.to_numpy(float)
    kind = kinds.to_numpy()
    start = base.copy()
    for column in start.columns:
        by_country = start[column].groupby(countries).transform("mean")
        by_year = start[column].groupby(level="year").transform("median")
        start[column] = start[column].fillna(by_country).fillna(by_year).fillna(start[column].median())
    start = start.to_numpy(float)
    to_impute = [j for j in range(base.shape[1]) if not known[:, j].all()]
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(m):
        current = start.copy()
        for _ in range(cycles):
            for j in to_impute:
                others = np.delete(current, j, axis=1)
                for with_country, label in [(True, "imputed"), (False, "absent")]:
                    targets = kind[:, j] == label
                    if targets.any():
                        x = np.hstack([years, others, dummies] if with_country else [years, others])
                        current[targets, j] = _pmm_draw(x, known_values[:, j], known[:, j], targets, rng)
        draws.append(pd.DataFrame(current, index=base.index, columns=base.columns))
    return draws
