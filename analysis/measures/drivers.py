"""How each country's measured integration goes with its factor scores.

Outcomes, per country and year, from :mod:`analysis.measures.results`:

- ``nsr_share``: the country's trade with the other New Silk Road countries over its
  total trade, T_iR / T_i (``own_share`` of the group's member contributions);
- ``nsr_intensity``: that share over the partners' weight in world trade,
  (T_iR / T_i) / ((T_R - T_i) / (T_W - T_i)), where T_R is the group's total trade:
  1 means the country trades with its partners just as much as their size predicts;
- ``region_share`` and ``region_intensity``: the same with the country's own region,
  the smallest grouping of ``data/reference/groupings.csv`` other than the whole New
  Silk Road set that holds it (ties: the grouping listed first). Countries that belong
  to no smaller grouping have no own region and no value.

:func:`panel_ols` regresses each outcome (standardised) on the standardised factor
scores with year effects, by OLS with standard errors clustered by country. The
coefficients describe association within the sample; they are not causal effects.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from analysis.measures.results import IntegrationResults

WHOLE_GROUP = "new_silk_road"
OUTCOMES = ["nsr_share", "nsr_intensity", "region_share", "region_intensity"]


def own_regions(membership: pd.DataFrame, whole: str = WHOLE_GROUP) -> pd.Series:
    """iso3 -> the smallest grouping (other than ``whole``) that holds the country."""
    groups = membership[membership.grouping != whole]
    size = groups.groupby("grouping").iso3.size()
    listed = {name: i for i, name in enumerate(dict.fromkeys(groups.grouping))}
    ranked = groups.assign(size=groups.grouping.map(size), listed=groups.grouping.map(listed))
    chosen = ranked.sort_values(["iso3", "size", "listed"]).drop_duplicates("iso3")
    return chosen.set_index("iso3").grouping.rename("region")


def country_integration(integration: IntegrationResults, grouping: str, world_total: pd.Series) -> pd.DataFrame:
    """Per member and year: ``share`` = T_iR / T_i and ``intensity`` as in the module
    notes. ``world_total`` is T_W by year (world exports + imports)."""
    parts = integration.contributions(grouping)
    group_total = parts.groupby("year").total_trade_usd_m.transform("sum", skipna=False)
    partners = group_total - parts.total_trade_usd_m
    rest_of_world = parts.year.map(world_total) - parts.total_trade_usd_m
    intensity = parts.own_share / (partners / rest_of_world)
    return pd.DataFrame({"iso3": parts.iso3, "year": parts.year, "share": parts.own_share, "intensity": intensity})


def outcomes(integration: IntegrationResults, world_total: pd.Series) -> pd.DataFrame:
    """The four outcomes, indexed by (iso3, year)."""
    whole = country_integration(integration, WHOLE_GROUP, world_total).set_index(["iso3", "year"])
    result = whole.rename(columns={"share": "nsr_share", "intensity": "nsr_intensity"})
    regions = own_regions(integration.membership)
    pieces = []
    for grouping, members in regions.groupby(regions):
        values = country_integration(integration, grouping, world_total)
        pieces.append(values[values.iso3.isin(members.index)])
    own = pd.concat(pieces).set_index(["iso3", "year"]).rename(
        columns={"share": "region_share", "intensity": "region_intensity"})
    return result.join(own, how="left")


def panel_ols(data: pd.DataFrame, outcome: str, factors: list[str], level: float = 0.95) -> pd.DataFrame:
    """OLS of the standardised ``outcome`` on the standardised ``factors`` with year
    effects, errors clustered by country (``data`` has columns iso3, year, the outcome
    and the factors). One row per factor: coefficient, ci_low, ci_high, p_value, plus
    the number of observations and of countries."""
    frame = data[["iso3", "year", outcome, *factors]].dropna()
    columns = [outcome, *factors]
    frame[columns] = (frame[columns] - frame[columns].mean()) / frame[columns].std(ddof=1)
    formula = f"{outcome} ~ {' + '.join(factors)} + C(year)"
    groups = pd.factorize(frame.iso3)[0]
    fit = smf.ols(formula, data=frame).fit(cov_type="cluster", cov_kwds={"groups": groups})
    interval = fit.conf_int(alpha=1 - level)
    return pd.DataFrame({
        "outcome": outcome, "factor": factors, "coefficient": fit.params[factors].to_numpy(),
        "ci_low": interval.loc[factors, 0].to_numpy(), "ci_high": interval.loc[factors, 1].to_numpy(),
        "p_value": fit.pvalues[factors].to_numpy(), "n_obs": int(fit.nobs), "n_countries": int(np.unique(groups).size),
        "r2_within_years": float(fit.rsquared)})


def all_regressions(data: pd.DataFrame, factors: list[str], outcome_names: list[str] = OUTCOMES) -> pd.DataFrame:
    return pd.concat([panel_ols(data, name, factors) for name in outcome_names], ignore_index=True)


def strongest(table: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """The ``n`` associations with the largest absolute coefficient among those whose
    interval excludes zero (all rows if fewer)."""
    clear = table[(table.ci_low > 0) | (table.ci_high < 0)]
    pool = clear if len(clear) >= n else table
    return pool.reindex(pool.coefficient.abs().sort_values(ascending=False).index).head(n)
