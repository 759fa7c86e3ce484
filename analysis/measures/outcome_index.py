"""An integration-outcome composite per country and year, built in the manner of the ADB's
Asia-Pacific Regional Cooperation and Integration Index (ARCII; Huh and Park 2018).

The chapter's composite index aggregates development CHARACTERISTICS (income, human
development, export structure...). ARCII aggregates integration OUTCOMES: how much of a
country's economic life runs through its region. This module builds the second kind from
the book's own country-level integration measures, with the New Silk Road group
(``new_silk_road`` in ``data/reference/groupings.csv``) as the region:

Trade dimension (IMF DOTS via :mod:`analysis.measures.results`):

- ``trade_share``: T_iR / T_i, the country's trade with the other members over its
  total trade (:func:`analysis.measures.drivers.country_integration`);
- ``trade_intensity``: the symmetric intensity (I - 1) / (I + 1) of that share against
  the partners' weight in world trade (bounded in [-1, 1], so that a small country's
  very large intensity does not dominate the min-max scale);
- ``trade_gdp``: T_iR over the country's GDP in current dollars (%).

Migration dimension (UN DESA bilateral migrant stock, 2000, 2005, 2010, 2015, 2019):

- ``migrants_inward_share``: people born in another member living in the country, over
  all international migrants living in it;
- ``migrants_outward_rate``: people born in the country living in another member, over
  its population (%).

The stock years are interpolated linearly to the years between them, and the years
after the last stock year take its value (the nearest observation). Investment cannot be measured: the extract has no
bilateral direct investment, and total FDI inflows say nothing about where the
investment comes from, so they are not an integration outcome. Any cell still missing is
filled within its country (:func:`fill_gaps`: linear between the nearest observed years,
the nearest observed year outside them); a country with no value of an indicator is an
error. On the current extract no cell needs filling.

Construction (ARCII's panel approach): min-max normalisation over the pooled
country-year panel; within each dimension the weights of the indicators are the squared
elements of the unit eigenvector of the first principal component of the covariance
matrix of the normalised indicators (they sum to one); the dimension sub-index is the
weighted sum; the dimension weights come from the same step applied to the
sub-indices; the index is 100 x the weighted sum of the sub-indices. The covariance of
the already normalised values is used (not the correlation), because with two series
the correlation matrix always gives equal weights.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data import reference
from analysis.measures import drivers, factor, indicators, mirror, panel, periods, results

DIMENSIONS = {
    "trade": ["trade_share", "trade_intensity", "trade_gdp"],
    "migration": ["migrants_inward_share", "migrants_outward_rate"],
}


def pca_weights(values: pd.DataFrame) -> pd.Series:
    """Squared elements of the first principal component's unit eigenvector of the
    covariance matrix of ``values`` (columns): non-negative, summing to one."""
    covariance = np.cov(values.to_numpy(float), rowvar=False)
    vector = np.linalg.eigh(np.atleast_2d(covariance))[1][:, -1]
    return pd.Series(vector ** 2, index=values.columns, name="weight")


@dataclass
class OutcomeIndex:
    raw: pd.DataFrame            # (iso3, year) x indicator, as measured (NaN where missing)
    filled: pd.DataFrame         # after imputation
    kinds: pd.DataFrame          # how each cell was obtained
    normalised: pd.DataFrame     # min-max over the pooled panel
    indicator_weights: pd.Series  # indicator -> weight within its dimension
    dimension_weights: pd.Series  # dimension -> weight
    subindices: pd.DataFrame     # (iso3, year) x dimension
    index: pd.DataFrame          # score (0-100) and rank within the year


def two_stage(normalised: pd.DataFrame, dimensions: dict[str, list[str]] = DIMENSIONS):
    """Indicator weights, sub-indices, dimension weights and the 0-100 score."""
    weights, subindices = [], {}
    for name, columns in dimensions.items():
        w = pca_weights(normalised[columns])
        weights.append(w)
        subindices[name] = (normalised[columns] * w).sum(axis=1)
    subindices = pd.DataFrame(subindices)
    dimension_weights = pca_weights(subindices)
    score = 100 * (subindices * dimension_weights).sum(axis=1)
    return pd.concat(weights), dimension_weights, subindices, score


def fill_gaps(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each country's series filled along the years (linear inside, nearest outside);
    returns the filled panel and the kind of each cell (observed, interpolated, extended)."""
    filled, kinds = raw.copy(), pd.DataFrame("observed", index=raw.index, columns=raw.columns)
    for column in raw.columns:
        for iso3, series in raw[column].groupby(level="iso3"):
            values = series.droplevel("iso3")
            if values.isna().all():
                raise ValueError(f"outcome indicator {column!r} has no value for {iso3}")
            inside = values.interpolate(method="index", limit_area="inside")
            kind = np.where(values.notna(), "observed", np.where(inside.notna(), "interpolated", "extended"))
            filled.loc[iso3, column] = inside.ffill().bfill().to_numpy()
            kinds.loc[iso3, column] = kind
    return filled, kinds


def build(raw: pd.DataFrame, dimensions: dict[str, list[str]] = DIMENSIONS) -> OutcomeIndex:
    """The composite from a (iso3, year) panel of the outcome indicators."""
    filled, kinds = fill_gaps(raw)
    normalised = factor.min_max(filled)
    indicator_weights, dimension_weights, subindices, score = two_stage(normalised, dimensions)
    years = pd.Series(score.index.get_level_values("year"), index=score.index)
    index = pd.DataFrame({"score": score, "rank": factor.ranks(score, years)})
    return OutcomeIndex(raw, filled, kinds, normalised, indicator_weights, dimension_weights, subindices, index)


def _interpolated_years(stock: pd.Series, period: range) -> pd.Series:
    """A country's five-yearly values on every year of ``period``: linear between stock
    years, the nearest stock year outside them."""
    series = stock.reindex(sorted(set(stock.index) | set(period))).interpolate(method="index", limit_area="inside")
    return series.ffill().bfill().reindex(list(period))


def _annual(values: pd.Series, period: range) -> pd.DataFrame:
    """A (iso3, year) series of stock years as an iso3 x year table over ``period``."""
    wide = values.unstack("year")
    return wide.apply(lambda row: _interpolated_years(row.dropna(), period) if row.notna().any()
                      else pd.Series(np.nan, index=list(period)), axis=1)


def migration_indicators(bilateral: pd.DataFrame, totals: pd.DataFrame, population: pd.Series,
                         members: list[str], period: range) -> pd.DataFrame:
    """``migrants_inward_share`` and ``migrants_outward_rate`` (module notes) per member
    and year of ``period``. ``population`` is indexed by (iso3, year). The bilateral
    stocks and the total stocks come from different revisions with different last years
    (2019 and 2020), so each is made annual (:func:`_interpolated_years`) before the
    ratio is taken."""
    moves = bilateral[(bilateral.origin != bilateral.destination) & bilateral.origin.isin(members)
                      & bilateral.destination.isin(members)]
    inward = moves.groupby(["destination", "year"]).migrants.sum().rename_axis(["iso3", "year"])
    outward = moves.groupby(["origin", "year"]).migrants.sum().rename_axis(["iso3", "year"])
    stock_total = totals.set_index(["iso3", "year"]).migrants
    grid = pd.MultiIndex.from_product([members, list(period)], names=["iso3", "year"])
    annual = lambda values: _annual(values, period).stack().rename_axis(["iso3", "year"]).reindex(grid)
    inside, out, total = annual(inward), annual(outward), annual(stock_total)
    people = population.reindex(grid)
    return pd.DataFrame({"migrants_inward_share": inside / total.where(total > 0),
                         "migrants_outward_rate": 100 * out / people.where(people > 0)}, index=grid)


def outcome_panel(extract, integration: results.IntegrationResults | None = None,
                  grouping: str = drivers.WHOLE_GROUP, period: range | None = None) -> pd.DataFrame:
    """The five outcome indicators of every study country and year of ``period`` (by
    default the trade period: the index stops where bilateral trade stops), NaN where missing."""
    period = periods.trade_period(extract) if period is None else period
    integration = integration or results.compute(extract, period)
    flows = extract.trade_flows[extract.trade_flows.year.isin(period)]
    world = mirror.total_trade(flows, [reference.WORLD]).set_index("year").eval("exports + imports")
    trade = drivers.country_integration(integration, grouping, world).set_index(["iso3", "year"])
    parts = integration.contributions(grouping).set_index(["iso3", "year"])
    wdi = extract.wdi
    gdp = wdi[wdi.indicator == indicators.GDP_USD].set_index(["iso3", "year"]).value
    population = wdi[wdi.indicator == indicators.POPULATION].set_index(["iso3", "year"]).value
    members = integration.membership.loc[integration.membership.grouping == grouping, "iso3"].tolist()
    intensity = trade.intensity
    table = pd.DataFrame({
        "trade_share": trade.share,
        "trade_intensity": (intensity - 1) / (intensity + 1),
        "trade_gdp": 100 * 1e6 * parts.mutual_trade_usd_m / gdp.reindex(parts.index).where(lambda v: v > 0),
    })
    migration = migration_indicators(extract.migrant_stock_bilateral, extract.migrant_stock_totals, population,
                                     members, period)
    grid = pd.MultiIndex.from_product([reference.study_iso3(), list(period)], names=["iso3", "year"])
    return table.reindex(grid).join(migration.reindex(grid))


@dataclass
class Comparison:
    spearman_by_year: pd.Series    # year -> Spearman of the two indices' country scores
    hdi_outcome: pd.Series         # year -> Spearman of the outcome index with HDI
    hdi_characteristics: pd.Series  # year -> Spearman of the characteristics index with HDI
    pooled: dict                   # Pearson correlations over all country-years


def compare(outcome: pd.Series, characteristics: pd.Series, hdi: pd.Series) -> Comparison:
    """How the outcome index relates to the characteristics index and to HDI, year by
    year (Spearman, i.e. of the country ranks) and pooled (Pearson)."""
    from analysis.measures.sensitivity import spearman_by_year
    frame = pd.concat([outcome.rename("outcome"), characteristics.rename("characteristics"),
                       hdi.rename("hdi")], axis=1).dropna()
    pooled = frame.corr().to_dict()
    return Comparison(spearman_by_year(frame.outcome, frame.characteristics),
                      spearman_by_year(frame.outcome, frame.hdi),
                      spearman_by_year(frame.characteristics, frame.hdi),
                      {"outcome_characteristics": pooled["outcome"]["characteristics"],
                       "outcome_hdi": pooled["outcome"]["hdi"], "characteristics_hdi": pooled["characteristics"]["hdi"]})


@dataclass
class OutcomeStudy:
    outcome: OutcomeIndex
    comparison: Comparison
    characteristics: pd.Series   # the chapter's composite (score), for the scatter
    shares_above_one: int        # country-years whose trade share exceeds one (see the chapter)
    bilateral_years: list[int]   # the bilateral migrant-stock years of the extract
    total_years: list[int]       # the total migrant-stock years


def run(extract, study) -> OutcomeStudy:
    """The outcome index and its comparison with the factor study's composite."""
    outcome = build(outcome_panel(extract))
    characteristics = study.index["score"]
    hdi = study.filled["human_development"]
    return OutcomeStudy(outcome, compare(outcome.index.score, characteristics, hdi), characteristics,
                        int((outcome.raw.trade_share > 1).sum()),
                        sorted(int(y) for y in extract.migrant_stock_bilateral.year.unique()),
                        sorted(int(y) for y in extract.migrant_stock_totals.year.unique()))


def load_or_run() -> OutcomeStudy:
    """From the build's cache if present (:mod:`analysis.measures.cache`), else computed once."""
    from analysis.data.load import load_extract
    from analysis.measures import cache, factor_study
    return cache.load_or_compute("outcome_index", "study", cache.content_key(),
                                 lambda: run(load_extract(), factor_study.load_or_run()))
