"""Which characteristics go with integration: each country's integration and its factor scores.

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

:func:`analyse` describes how each outcome goes with the factor scores; every outcome
and score is standardised over the cells where the outcome exists, so a slope is in
standard deviations of the pooled panel:

- within: two-way fixed effects (country and year effects), so a slope says how a
  country's outcome moves when its own scores move, relative to its average and to the
  year's common movement (:mod:`analysis.measures.fixed_effects`). Inference: CR1
  errors clustered by country with t(G - 1) critical values, the restricted wild
  cluster bootstrap (:data:`N_WILD` draws, Rademacher weights, Webb's below 12
  clusters, seeded, the same draw of country weights for every test), Romano-Wolf
  adjusted p-values over all the tests (:mod:`analysis.measures.multiple_testing`), and
  a percentile interval from a bootstrap of the whole pipeline
  (:mod:`analysis.measures.pipeline_bootstrap`) for the estimated scores;
- between: country means of the outcome on country means of the scores (OLS with a
  constant, HC1 errors, t(G - k - 1)); Holm-adjusted p-values over its tests;
- pooled: year effects only, the specification of the book's first edition, for
  comparison.

:func:`variance_shares` gives the share of each variable's variance that lies within
countries. None of these slopes is a causal effect.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

from analysis.measures import fixed_effects, multiple_testing, pipeline_bootstrap
from analysis.measures.results import IntegrationResults

WHOLE_GROUP = "new_silk_road"
OUTCOMES = ["nsr_share", "nsr_intensity", "region_share", "region_intensity"]
N_WILD = 9999
N_PIPELINE = 1000
LEVEL = 0.95
ALPHA = 0.05  # an association is listed when its Romano-Wolf adjusted p-value is below this


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


def to_cubes(data: pd.DataFrame, outcome_names: list[str], factors: list[str]
             ) -> tuple[np.ndarray, np.ndarray, list[str], list[int]]:
    """``data`` indexed by (iso3, year) as country x year cubes: outcomes (C, T, n) and
    scores (C, T, k), NaN where a cell is missing."""
    countries = list(dict.fromkeys(data.index.get_level_values("iso3")))
    years = sorted(set(data.index.get_level_values("year")))
    grid = pd.MultiIndex.from_product([countries, years], names=["iso3", "year"])
    full = data.reindex(grid)
    shape = (len(countries), len(years))
    y = full[outcome_names].to_numpy(float).reshape(*shape, len(outcome_names))
    x = full[factors].to_numpy(float).reshape(*shape, len(factors))
    return y, x, countries, years


def variance_shares(data: pd.DataFrame) -> pd.Series:
    """Per column: the share of its variance (over the available cells) that lies within
    countries, sum (x - country mean)^2 / sum (x - overall mean)^2."""
    country = data.index.get_level_values("iso3")
    inside = ((data - data.groupby(country).transform("mean")) ** 2).sum()
    return (inside / ((data - data.mean()) ** 2).sum()).rename("within_share")


def between_ols(y: np.ndarray, x: np.ndarray, mask: np.ndarray, level: float = LEVEL) -> dict[str, np.ndarray]:
    """Country means of ``y`` on country means of ``x`` with a constant: slopes, HC1
    intervals with t(G - k - 1) and p-values."""
    present = mask.any(axis=1)
    y, x, mask = y[present], x[present], mask[present]
    counts = mask.sum(axis=1)
    y_bar = np.where(mask, y, 0).sum(axis=1) / counts
    x_bar = np.where(mask[..., None], x, 0).sum(axis=1) / counts[:, None]
    result = sm.OLS(y_bar, sm.add_constant(x_bar)).fit(cov_type="HC1", use_t=True)
    interval = result.conf_int(alpha=1 - level)[1:]
    return {"coefficient": result.params[1:], "ci_low": interval[:, 0], "ci_high": interval[:, 1],
            "p_value": result.pvalues[1:], "n_countries": int(len(y_bar))}


@dataclass
class DriversStudy:
    within: pd.DataFrame    # outcome x factor: two-way fixed effects with every kind of inference
    between: pd.DataFrame   # outcome x factor: country means
    pooled: pd.DataFrame    # outcome x factor: year effects only
    variance_shares: pd.Series
    strongest: pd.DataFrame  # rows of ``within`` with Romano-Wolf p below ALPHA, strongest first
    pipeline: pipeline_bootstrap.PipelineBootstrap
    settings: dict = field(default_factory=dict)


def analyse(outcome_table: pd.DataFrame, scores: pd.DataFrame, characteristics: pd.DataFrame,
            loadings: pd.DataFrame, max_iter: int, seed: int, n_wild: int = N_WILD, n_pipeline: int = N_PIPELINE,
            outcome_names: list[str] = OUTCOMES) -> DriversStudy:
    """Every regression of the module notes. ``scores`` and ``characteristics`` (the
    analysed variables before standardisation) are indexed by (iso3, year) on the full
    grid; ``loadings`` and ``max_iter`` are the main factor solution's."""
    factors = list(loadings.columns)
    data = outcome_table[outcome_names].join(scores[factors], how="right")
    y_cube, x_cube, countries, years = to_cubes(data, outcome_names, factors)
    n_clusters = [int(np.isfinite(y_cube[..., o]).any(axis=1).sum()) for o in range(len(outcome_names))]
    weight_kind = "webb" if min(n_clusters) < fixed_effects.WEBB_THRESHOLD else "rademacher"
    weights = fixed_effects.bootstrap_weights(len(countries), n_wild, seed, weight_kind)

    within_rows, between_rows, pooled_rows, t_all, boot_all = [], [], [], [], []
    for o, outcome in enumerate(outcome_names):
        mask = np.isfinite(y_cube[..., o]) & np.isfinite(x_cube).all(axis=-1)
        y, x = fixed_effects.standardise(y_cube[..., o], x_cube, mask)
        result = fixed_effects.fit(y, x, mask, LEVEL)
        boot = fixed_effects.wild_cluster_bootstrap(result, mask, weights[:, mask.any(axis=1)])
        t_all.append(result.t)
        boot_all.append(boot)
        within_rows.append(pd.DataFrame({
            "outcome": outcome, "factor": factors, "coefficient": result.coefficient, "se": result.se,
            "ci_low": result.ci_low, "ci_high": result.ci_high, "t": result.t, "p_normal": result.p_normal,
            "p_t": result.p_t, "p_wild": fixed_effects.bootstrap_p_value(result.t, boot),
            "n_obs": result.n_obs, "n_countries": result.n_clusters, "n_years": int(mask.any(axis=0).sum())}))
        between = between_ols(y, x, mask)
        between_rows.append(pd.DataFrame({"outcome": outcome, "factor": factors, **between}))
        pooled = fixed_effects.fit(y, x, mask, LEVEL, country=False)
        pooled_rows.append(pd.DataFrame({"outcome": outcome, "factor": factors, "coefficient": pooled.coefficient,
                                         "ci_low": pooled.ci_low, "ci_high": pooled.ci_high, "p_t": pooled.p_t}))
    within = pd.concat(within_rows, ignore_index=True)
    within["p_romano_wolf"] = multiple_testing.romano_wolf(np.concatenate(t_all), np.concatenate(boot_all, axis=1))
    between = pd.concat(between_rows, ignore_index=True)
    between["p_holm"] = multiple_testing.holm(between.p_value.to_numpy())

    characteristic_cube = characteristics.reindex(
        pd.MultiIndex.from_product([countries, years], names=["iso3", "year"])).to_numpy(float)
    characteristic_cube = characteristic_cube.reshape(len(countries), len(years), -1)
    pipeline = pipeline_bootstrap.pipeline_bootstrap(characteristic_cube, y_cube, loadings.to_numpy(), max_iter,
                                                     n_pipeline, seed)
    low, high = pipeline.interval(pipeline.within, LEVEL)
    within["boot_low"], within["boot_high"] = low.reshape(-1), high.reshape(-1)
    within["boot_sd"] = pipeline.within.std(axis=0, ddof=1).reshape(-1)
    within["width_ratio"] = (within.boot_high - within.boot_low) / (within.ci_high - within.ci_low)
    b_low, b_high = pipeline.interval(pipeline.between, LEVEL)
    between["boot_low"], between["boot_high"] = b_low.reshape(-1), b_high.reshape(-1)

    shares = variance_shares(data[factors + outcome_names])
    settings = {"seed": seed, "n_wild": n_wild, "n_pipeline": n_pipeline, "weights": weight_kind, "level": LEVEL,
                "alpha": ALPHA, "n_tests": len(within), "t_dof": sorted(set(int(g) - 1 for g in n_clusters))}
    return DriversStudy(within, between, pd.concat(pooled_rows, ignore_index=True), shares,
                        strongest(within), pipeline, settings)


def strongest(table: pd.DataFrame, alpha: float = ALPHA) -> pd.DataFrame:
    """The associations whose Romano-Wolf adjusted p-value is below ``alpha``, smallest
    adjusted p-value first (then the larger absolute slope); empty if none is."""
    clear = table[table.p_romano_wolf < alpha]
    order = np.lexsort((-clear.coefficient.abs().to_numpy(), clear.p_romano_wolf.to_numpy()))
    return clear.iloc[order]
