"""What each study country's data covers, cell by cell, so that a loss shows.

The coverage of a country is, for each series, the number of cells per year: one per
year for a WDI indicator, the HDI and the migrant totals; the number of partners for a
trade flow; the number of origin countries for bilateral migrant stocks. The manifest
stores it compactly, runs of consecutive years with the same count written as
``{"1992-1995": 20, "1996": 25}``.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

# series name -> (table, country column, series column or None); every table has a year
SERIES = {
    "wdi": ("wdi", "iso3", "indicator"),
    "trade_flows": ("trade_flows", "reporter", "flow"),
    "migrant_stock_bilateral": ("migrant_stock_bilateral", "destination", None),
    "migrant_stock_totals": ("migrant_stock_totals", "iso3", None),
    "hdi": ("hdi", "iso3", None),
}


def cell_counts(tables: Mapping[str, pd.DataFrame], countries: list[str]) -> dict[tuple[str, str, int], int]:
    """(country, series, year) -> number of cells, for the study countries."""
    counts: dict[tuple[str, str, int], int] = {}
    for prefix, (table, country, series) in SERIES.items():
        frame = tables[table]
        frame = frame[frame[country].isin(countries)]
        keys = [country, series, "year"] if series else [country, "year"]
        for key, cells in frame.groupby(keys, sort=True).size().items():
            name = f"{prefix} {key[1]}" if series else prefix
            counts[key[0], name, int(key[-1])] = int(cells)
    return counts


def encode(counts: Mapping[tuple[str, str, int], int]) -> dict:
    """{country: {series: {"first-last": cells}}}, runs of equal counts in consecutive years."""
    nested: dict[str, dict[str, dict[int, int]]] = {}
    for (country, series, year), cells in counts.items():
        nested.setdefault(country, {}).setdefault(series, {})[year] = cells
    encoded = {}
    for country in sorted(nested):
        encoded[country] = {}
        for series in sorted(nested[country]):
            runs: list[list[int]] = []  # [first, last, cells]
            for year, cells in sorted(nested[country][series].items()):
                if runs and runs[-1][1] == year - 1 and runs[-1][2] == cells:
                    runs[-1][1] = year
                else:
                    runs.append([year, year, cells])
            encoded[country][series] = {(f"{a}" if a == b else f"{a}-{b}"): cells for a, b, cells in runs}
    return encoded


def decode(encoded: Mapping) -> dict[tuple[str, str, int], int]:
    """The inverse of :func:`encode`."""
    counts = {}
    for country, series_runs in encoded.items():
        for series, runs in series_runs.items():
            for span, cells in runs.items():
                first, _, last = span.partition("-")
                for year in range(int(first), int(last or first) + 1):
                    counts[country, series, year] = cells
    return counts


def losses(before: Mapping, after: Mapping) -> list[str]:
    """Cells that ``after`` lacks compared with ``before`` (both encoded), one line each:
    'KAZ wdi SP.POP.TOTL 2003: 1 -> 0 cells'."""
    old, new = decode(before), decode(after)
    return [f"{country} {series} {year}: {cells} -> {new.get((country, series, year), 0)} cells"
            for (country, series, year), cells in sorted(old.items())
            if new.get((country, series, year), 0) < cells]
