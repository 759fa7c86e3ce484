"""The years each analysis covers, read from the extract rather than fixed in the code.

The book's period starts in :data:`FIRST_YEAR` (a choice: the paper's argument
concerns the years since 2000). Where it ends follows from the data:

- the integration indicators, the gravity panel and the outcome index stop where
  bilateral trade stops: :func:`last_trade_year`, the last year in which a study country
  reports trade with another study country;
- the panel of characteristics and its composite index run to the latest year that all
  their series reach: :func:`last_panel_year`, the earliest of the characteristics' last
  years, a characteristic's last year being the latest year with a value for at least
  half of the study countries (:data:`PANEL_QUORUM`), so that a year with one or two
  early releases does not open a column the imputation would have to fill almost alone;
- the sub-periods of the panel (:func:`five_year_periods`) are five-year blocks counted
  from :data:`FIRST_YEAR`, a last block of fewer than five years joining the one before.

A refresh of the extract that adds a year moves each of these ends by itself.
"""
from __future__ import annotations

import pandas as pd

from analysis.data import reference
from analysis.errors import DataError

FIRST_YEAR = 2000
PERIOD_LENGTH = 5
PANEL_QUORUM = 0.5  # a characteristic "reaches" a year when half the study countries have a value


def last_trade_year(trade_flows: pd.DataFrame, countries: list[str] | None = None) -> int:
    """The last year in which a study country reports a flow with another study country."""
    countries = countries or reference.study_iso3()
    bilateral = trade_flows[trade_flows.reporter.isin(countries) & trade_flows.partner.isin(countries)
                            & (trade_flows.reporter != trade_flows.partner)]
    if bilateral.empty:
        raise DataError("trade_flows", "no bilateral trade between study countries", field="year")
    return int(bilateral.year.max())


def trade_period(extract) -> range:
    """:data:`FIRST_YEAR` to the last year of bilateral trade."""
    return range(FIRST_YEAR, last_trade_year(extract.trade_flows) + 1)


def series_last_year(values: pd.Series, countries: list[str], quorum: float = PANEL_QUORUM) -> int | None:
    """The latest year in which ``values`` (indexed by iso3, year; observed cells only)
    has a value for at least ``quorum`` of ``countries``; None if no year has."""
    present = values.dropna()
    present = present[present.index.get_level_values("iso3").isin(countries)]
    counts = present.groupby(level="year").size()
    reached = counts[counts >= quorum * len(countries)]
    return int(reached.index.max()) if len(reached) else None


def characteristic_ends(extract, countries: list[str] | None = None) -> dict[str, int]:
    """Each characteristic of the panel -> the latest year it reaches (see the module notes)."""
    from analysis.measures import panel

    countries = countries or reference.study_iso3()
    ends = {spec.name: series_last_year(panel.raw_characteristic(spec, extract.wdi, extract.hdi), countries)
            for spec in panel.CHARACTERISTICS}
    missing = [name for name, end in ends.items() if end is None]
    if missing:
        raise DataError("wdi", f"no year in which half the study countries have {', '.join(missing)}",
                        field="year")
    return ends


def last_panel_year(extract, countries: list[str] | None = None) -> int:
    """The latest year that every characteristic of the panel reaches."""
    return min(characteristic_ends(extract, countries).values())


def panel_period(extract) -> range:
    """:data:`FIRST_YEAR` to the latest year all the panel's characteristics reach."""
    return range(FIRST_YEAR, last_panel_year(extract) + 1)


def five_year_periods(period: range, length: int = PERIOD_LENGTH) -> list[tuple[int, int]]:
    """Blocks of ``length`` years from the period's first year; a last block shorter than
    ``length`` joins the block before it (2000–2020 gives 2000–2004, ..., 2015–2020)."""
    years = list(period)
    if len(years) < length:
        raise ValueError(f"a period of {len(years)} years has no {length}-year block")
    starts = years[::length]
    if years[-1] - starts[-1] + 1 < length:
        starts = starts[:-1]
    ends = [start - 1 for start in starts[1:]] + [years[-1]]
    return list(zip(starts, ends))
