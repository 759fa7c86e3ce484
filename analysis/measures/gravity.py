"""A structural gravity model of what integration agreements did to trade among the
study countries (Yotov, Piermartini, Monteiro and Larch 2016).

The model: exports from i to j in year t,

    X_ijt = exp(pi_it + chi_jt + mu_ij + sum_k beta_k D_k,ijt) * e_ijt,

estimated by Poisson pseudo-maximum likelihood (PPML, Santos Silva and Tenreyro 2006),
which keeps the zero flows and is consistent under heteroskedasticity that makes a
log-linear regression biased. The exporter-year effects ``pi_it`` and importer-year
effects ``chi_jt`` absorb each country's output, expenditure and multilateral
resistance (its trade costs with every partner) in each year; the pair effects
``mu_ij`` absorb every time-invariant pair cost (distance, border, language, history).
An agreement's coefficient ``beta`` is then identified only from pairs whose status
changes within the period, and ``100 * (exp(beta) - 1)`` is the percentage change in
the pair's trade associated with the agreement. Standard errors are clustered by pair.

Specifications (:data:`SPECIFICATIONS`):

- ``annual``: every year the bilateral data cover;
- ``intervals``: every fourth year counted back from the last, because trade adjusts
  to a policy with a lag and annual data add serial correlation rather than
  information (Yotov et al. 2016, ch. 1);
- ``leads``: annual, with each treatment also measured four years ahead; if the
  agreements followed trade rather than caused its change, the leads would pick up an
  effect before entry into force (their coefficients should be near zero);
- ``ols``: ordinary least squares of the log of positive flows on the same fixed
  effects: zeros dropped, for contrast with PPML.

:func:`load_or_fit` keeps the fits on disk (one computation per build).
"""
from __future__ import annotations

import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyfixest as pf

from analysis.measures import cache, gravity_data

SPECIFICATIONS = ("annual", "intervals", "leads", "ols")
INTERVAL = 4
LEAD = 4
FIXED_EFFECTS = "exporter_year + importer_year + pair"
CLUSTER = "pair"
IWLS_TOL = 1e-10
IWLS_MAXITER = 100
FIXEF_TOL = 1e-12
RESULT_COLUMNS = ["specification", "term", "treatment", "coefficient", "std_error", "ci_low", "ci_high",
                  "p_value", "percent", "percent_low", "percent_high", "n_obs", "n_dropped"]


@dataclass
class GravityFits:
    results: pd.DataFrame        # RESULT_COLUMNS, one row per specification and term
    panel: pd.DataFrame          # the estimation panel (annual)
    years: list[int]             # years of the annual panel
    interval_years: list[int]    # years of the interval panel
    switching: pd.DataFrame      # treatment, pairs ever treated, pairs whose status changes
    adding_up: float             # largest relative gap between fitted and observed exporter-year totals
    seconds: float               # time the four fits took
    settings: dict = field(default_factory=dict)


def percent_change(beta) -> np.ndarray:
    """The percentage change in trade that a dummy's coefficient implies: 100 (e^b − 1)."""
    return 100.0 * np.expm1(np.asarray(beta, dtype=float))


@contextmanager
def _quiet():
    """pyfixest's notices (dropped singletons) and its pandas deprecation warnings are
    not the reader's concern; what was dropped is reported in ``n_dropped``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        yield


def formula(outcome: str, terms: list[str]) -> str:
    return f"{outcome} ~ {' + '.join(terms)} | {FIXED_EFFECTS}"


def fit_ppml(data: pd.DataFrame, terms: list[str], outcome: str = "value_usd_m"):
    """PPML with exporter-year, importer-year and pair effects, errors clustered by pair.
    pyfixest drops the observations of any fixed-effect group whose flows are all
    zero (they carry no information about the coefficients)."""
    with _quiet():
        return pf.fepois(formula(outcome, terms), data=data, vcov={"CRV1": CLUSTER},
                         iwls_tol=IWLS_TOL, iwls_maxiter=IWLS_MAXITER, fixef_tol=FIXEF_TOL)


def fit_ols(data: pd.DataFrame, terms: list[str], outcome: str = "value_usd_m"):
    """OLS of log flows on the same effects; zero flows cannot be logged and are dropped."""
    positive = data[data[outcome] > 0].assign(log_value=lambda frame: np.log(frame[outcome]))
    with _quiet():
        return pf.feols(formula("log_value", terms), data=positive, vcov={"CRV1": CLUSTER})


def tidy(fit, specification: str, n_input: int) -> pd.DataFrame:
    """Coefficient, clustered standard error, 95% interval, p-value and implied
    percentage change (with the interval mapped through the same transformation)."""
    table = fit.tidy()
    terms = [str(name) for name in table.index]
    beta = table["Estimate"].to_numpy(dtype=float)
    low = table["2.5%"].to_numpy(dtype=float)
    high = table["97.5%"].to_numpy(dtype=float)
    return pd.DataFrame({
        "specification": specification,
        "term": terms,
        "treatment": [term.removeprefix("lead_") for term in terms],
        "coefficient": beta,
        "std_error": table["Std. Error"].to_numpy(dtype=float),
        "ci_low": low, "ci_high": high,
        "p_value": table["Pr(>|t|)"].to_numpy(dtype=float),
        "percent": percent_change(beta), "percent_low": percent_change(low), "percent_high": percent_change(high),
        "n_obs": int(fit._N), "n_dropped": int(n_input - fit._N),
    })[RESULT_COLUMNS]


def interval_years(years, step: int = INTERVAL) -> list[int]:
    """Every ``step``-th year counted back from the last one."""
    years = sorted(int(year) for year in years)
    return [year for year in years if (years[-1] - year) % step == 0]


def switching_pairs(panel: pd.DataFrame, treatments=gravity_data.TREATMENTS) -> pd.DataFrame:
    """For each treatment, the ordered pairs ever treated and those whose status
    changes within the period (only these identify the coefficient with pair effects)."""
    rows = []
    for name in treatments:
        by_pair = panel.groupby("pair")[name].agg(["min", "max"])
        rows.append({"treatment": name, "pairs_treated": int((by_pair["max"] == 1).sum()),
                     "pairs_changing": int((by_pair["min"] != by_pair["max"]).sum())})
    return pd.DataFrame(rows)


def adding_up_gap(fit, data: pd.DataFrame, by: str = "exporter_year") -> float:
    """Largest relative gap between fitted and observed totals by ``by`` (zero up to
    the solver's tolerance for PPML with those fixed effects; Fally 2015)."""
    kept = data.drop(index=data.index[fit._na_index]) if len(fit._na_index) else data
    if len(kept) != fit._N:
        # PPML also drops the flows of a fixed-effect group whose flows are all zero
        zero_group = np.zeros(len(kept), dtype=bool)
        for name in FIXED_EFFECTS.split(" + "):
            zero_group |= (kept.groupby(name).value_usd_m.transform("sum") == 0).to_numpy()
        kept = kept[~zero_group]
    if len(kept) != fit._N:
        raise ValueError(f"{len(kept)} rows left for {fit._N} estimation observations")
    fitted = pd.Series(np.asarray(fit.predict(type="response")), index=kept.index)
    totals = pd.DataFrame({"observed": kept.value_usd_m, "fitted": fitted, by: kept[by]}).groupby(by).sum()
    totals = totals[totals.observed > 0]
    return float(((totals.fitted - totals.observed).abs() / totals.observed).max())


def fit_all(panel: pd.DataFrame) -> GravityFits:
    started = time.perf_counter()
    terms = list(gravity_data.TREATMENTS)
    years = sorted(int(year) for year in panel.year.unique())
    chosen_years = interval_years(years)
    intervals = panel[panel.year.isin(chosen_years)]
    annual = fit_ppml(panel, terms)
    pieces = [
        tidy(annual, "annual", len(panel)),
        tidy(fit_ppml(intervals, terms), "intervals", len(intervals)),
        tidy(fit_ppml(panel, terms + [f"lead_{name}" for name in terms]), "leads", len(panel)),
        tidy(fit_ols(panel, terms), "ols", len(panel)),
    ]
    seconds = time.perf_counter() - started
    return GravityFits(
        results=pd.concat(pieces, ignore_index=True), panel=panel, years=years, interval_years=chosen_years,
        switching=switching_pairs(panel), adding_up=adding_up_gap(annual, panel), seconds=seconds,
        settings={"interval": INTERVAL, "lead": LEAD, "reference_day": gravity_data.REFERENCE_DAY,
                  "n_positive": int((panel.value_usd_m > 0).sum()), "n_zero": int((panel.value_usd_m == 0).sum()),
                  "n_countries": int(panel.exporter.nunique()), "n_pairs": int(panel.pair.nunique())})


def load_or_fit() -> GravityFits:
    """The fits from the cache if the extract and the package are unchanged, else
    computed and stored, so the three language runs estimate once per build."""
    def compute() -> GravityFits:
        from analysis.data.load import load_extract
        return fit_all(gravity_data.panel(load_extract(), lead=LEAD))
    return cache.load_or_compute("gravity", "fits", cache.content_key(), compute)
