"""The integration indicators of the book, computed once from the extract.

Choices made here (and explained in the indicators chapter):

- Period: from 2000, the years the paper's argument concerns, to the last year of
  bilateral trade in the extract (:func:`analysis.measures.periods.trade_period`).
- Bilateral flows: :func:`analysis.measures.mirror.bilateral_trade`, exporter's report first,
  partner's report where the exporter's is missing or an IMF estimate.
- GDP at purchasing-power parity: GDP per person at PPP times population, both from the
  most recent WDI release in the extract, because the stand-alone GDP-at-PPP series
  comes from an older release that stops earlier for some members (Turkmenistan ends
  in 2019) and would leave groupings without a value.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import reference
from analysis.measures import indicators, mirror, periods

GDP_PPP_PER_PERSON = "NY.GDP.PCAP.PP.CD"


@dataclass(frozen=True)
class IntegrationResults:
    bilateral: pd.DataFrame   # exporter, importer, year, value_usd_m, source, estimate
    totals: pd.DataFrame      # iso3, year, exports, imports, *_estimate_share
    groupings: pd.DataFrame   # grouping, year, indicator, value, estimate_share
    pairs: pd.DataFrame       # iso3_a, iso3_b, year, indicator, value, estimate_share
    membership: pd.DataFrame  # grouping, iso3

    def grouping_series(self, indicator: str) -> pd.DataFrame:
        rows = self.groupings[self.groupings.indicator == indicator]
        series = rows.pivot(index="year", columns="grouping", values="value")
        return series[in_reference_order(series.columns)]

    def pair_matrix(self, indicator: str, year: int) -> pd.DataFrame:
        """Symmetric country x country matrix of a pair indicator in ``year``."""
        rows = self.pairs[(self.pairs.indicator == indicator) & (self.pairs.year == year)]
        both = pd.concat([rows, rows.rename(columns={"iso3_a": "iso3_b", "iso3_b": "iso3_a"})])
        return both.pivot(index="iso3_a", columns="iso3_b", values="value")

    def contributions(self, grouping: str) -> pd.DataFrame:
        members = self.membership.loc[self.membership.grouping == grouping, "iso3"]
        return indicators.member_contributions(self.bilateral, members, self.totals)


def wdi_with_derived_gdp_ppp(wdi: pd.DataFrame) -> pd.DataFrame:
    """Replace GDP at PPP by GDP per person at PPP x population (same, newer release)."""
    per_person = wdi[wdi.indicator == GDP_PPP_PER_PERSON].set_index(["iso3", "year"]).value
    population = wdi[wdi.indicator == indicators.POPULATION].set_index(["iso3", "year"]).value
    gdp_ppp = (per_person * population).dropna().rename("value").reset_index()
    gdp_ppp.insert(1, "indicator", indicators.GDP_PPP)
    rest = wdi[wdi.indicator != indicators.GDP_PPP]
    return pd.concat([rest, gdp_ppp[rest.columns]], ignore_index=True)


def compute(extract, period: range | None = None) -> IntegrationResults:
    """Every indicator over ``period`` (by default the extract's trade period)."""
    period = periods.trade_period(extract) if period is None else period
    study = reference.study_iso3()
    flows = extract.trade_flows[extract.trade_flows.year.isin(period)]
    bilateral = mirror.bilateral_trade(flows, study)
    totals = mirror.total_trade(flows, study)
    world = mirror.total_trade(flows, [reference.WORLD])
    wdi = wdi_with_derived_gdp_ppp(extract.wdi)
    membership = reference.groupings()[["grouping", "iso3"]]
    migrants = extract.migrant_stock_bilateral
    by_grouping = indicators.indicators_for_groupings(bilateral, totals, world, wdi, migrants, membership)
    by_pair = indicators.indicators_for_pairs(bilateral, totals, world, wdi, migrants, study)
    in_period = lambda frame: frame[frame.year.isin(period) | (frame.indicator == indicators.MIGRATION_SHARE)]
    return IntegrationResults(bilateral, totals, in_period(by_grouping).reset_index(drop=True),
                              in_period(by_pair).reset_index(drop=True), membership)


def in_reference_order(codes) -> list[str]:
    """Grouping codes in the order of the book's groupings table (Central Asia first, the
    whole New Silk Road last), so tables and legends list the groupings alike in every
    language; a code the table does not hold follows, in code order."""
    order = list(dict.fromkeys(reference.groupings().grouping))
    codes = list(codes)
    return [code for code in order if code in codes] + sorted(code for code in codes if code not in order)


def load_or_compute() -> IntegrationResults:
    """:func:`compute` on the extract in ``data/``, computed once per build and shared by
    the chapters and languages that show it (the indicators and SWOT chapters)."""
    from analysis.data.load import load_or_read_extract
    from analysis.measures import cache

    return cache.load_or_compute("results", "integration", cache.content_key(), lambda: compute(load_or_read_extract()))


def results_table(results: IntegrationResults, years: list[int], indicator_names: list[str]) -> pd.DataFrame:
    """grouping x (indicator, year) values; migration uses the nearest earlier stock year.

    A last block, ``("estimate_share", year)``, gives the largest share of the year's
    trade indicators that rests on IMF estimates."""
    rows = results.groupings
    migration_years = sorted(rows.loc[rows.indicator == indicators.MIGRATION_SHARE, "year"].unique())
    nearest = {year: max([y for y in migration_years if y <= year], default=None) for year in years}
    pieces = []
    for year in years:
        chosen = rows[(rows.year == year) & (rows.indicator != indicators.MIGRATION_SHARE)
                      | (rows.year == nearest[year]) & (rows.indicator == indicators.MIGRATION_SHARE)]
        pieces.append(chosen.assign(column_year=year))
    chosen = pd.concat(pieces)
    table = chosen[chosen.indicator.isin(indicator_names)].pivot_table(
        index="grouping", columns=["indicator", "column_year"], values="value", aggfunc="first", dropna=False)
    estimates = chosen.groupby(["grouping", "column_year"]).estimate_share.max().unstack("column_year")
    estimates.columns = pd.MultiIndex.from_product([["estimate_share"], estimates.columns])
    columns = pd.MultiIndex.from_product([indicator_names, years])
    table = table.reindex(columns=columns).join(estimates.reindex(columns=pd.MultiIndex.from_product(
        [["estimate_share"], years])))
    return table.loc[in_reference_order(table.index)]
