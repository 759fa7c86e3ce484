"""What the extract covers: sources, vintages, years by country and series, and how
much of the trade data rests on IMF estimates. Tables come back with headers in the
reader's language."""
from __future__ import annotations

import pandas as pd

from analysis.errors import DataError
from analysis.measures.periods import FIRST_YEAR
from analysis.present.i18n import country_name, sorted_countries, t


def trade_source(manifest: dict) -> str:
    """Which IMF source the extract's bilateral trade was built from, "dots" or "imts",
    read from the raw files the manifest lists for ``trade_flows``."""
    from analysis.data.extract import TRADE_SOURCES

    paths = [item["path"] for item in manifest["tables"]["trade_flows"]["inputs"]]
    for source, folder in TRADE_SOURCES.items():
        if paths and all(path.startswith(folder) for path in paths):
            return source
    raise DataError("manifest.json", f"trade_flows is built from {paths[:2]}, not from one IMF source",
                    field="inputs")


def sources_table(manifest: dict, lang: str) -> pd.DataFrame:
    rows = [{t("col.table", lang): name, t("col.agency", lang): t(f"agency.{entry['agency_key']}", lang),
             t("col.dataset", lang): entry["dataset"], t("col.vintage", lang): entry.get("vintage", ""),
             t("col.licence", lang): entry["licence"], t("col.rows", lang): entry["rows"]}
            for name, entry in manifest["tables"].items()]
    return pd.DataFrame(rows)


def wdi_vintages_table(manifest: dict, lang: str) -> pd.DataFrame:
    rows = [{t("col.indicator", lang): c["indicator"], t("col.unit", lang): c["unit"],
             t("col.vintage", lang): c["vintage"], t("col.years", lang): c["years"],
             t("col.alternatives", lang): len(c["not_used"])} for c in manifest["wdi_choices"]]
    return pd.DataFrame(rows)


def year_span(years: pd.Series) -> str:
    return f"{years.min()}–{years.max()}" if len(years) else "—"


def country_coverage(extract, indicators: list[str], lang: str) -> pd.DataFrame:
    """First and last year with data, for each study country and each chosen series;
    countries in the dictionary order of their names in ``lang``."""
    wdi = extract.wdi[extract.wdi.indicator.isin(indicators) & (extract.wdi.iso3 != "WLD")]
    spans = wdi.groupby(["iso3", "indicator"]).year.agg(year_span).unstack("indicator").reindex(columns=indicators)
    trade = extract.trade_flows[(extract.trade_flows.partner == "WLD") & (extract.trade_flows.reporter != "WLD")]
    spans.insert(0, t("col.imf_trade", lang), trade.groupby("reporter").year.agg(year_span))
    migration = extract.migrant_stock_bilateral
    spans.insert(1, t("col.migration", lang), migration.groupby("destination").year.agg(year_span))
    spans = spans.fillna("—").loc[sorted_countries(spans.index, lang)]
    spans.index = [country_name(code, lang) for code in spans.index]
    spans.index.name = t("col.country", lang)
    return spans.reset_index()


def trade_period(estimates: pd.DataFrame) -> range:
    """The book's trade years: from :data:`FIRST_YEAR` to the last year of the estimates table."""
    return range(FIRST_YEAR, int(estimates.year.max()) + 1)


def estimate_shares(estimates: pd.DataFrame, by: list[str], years: range | None = None) -> pd.DataFrame:
    """Share of partner cells and of trade value that the IMF marks as estimates, over all
    partner countries of each reporter, summed over ``years`` (by default the book's
    trade years, :func:`trade_period`) within each ``by`` group."""
    years = trade_period(estimates) if years is None else years
    rows = estimates[estimates.year.isin(years)]
    totals = rows.groupby(by)[["cells", "estimated_cells", "value_usd_m", "estimated_value_usd_m"]].sum()
    return pd.DataFrame({
        "cell_share": totals.estimated_cells / totals.cells,
        "value_share": totals.estimated_value_usd_m / totals.value_usd_m,
    }).reset_index()


def estimate_table(estimates: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per reporter: estimated shares of its exports and imports, by cells and by value.
    Rows run from the largest estimated share of export cells down; countries with equal
    shares (most have none) follow the alphabet of the reader's language."""
    shares = estimate_shares(estimates, ["reporter", "flow"]).pivot(index="reporter", columns="flow")
    shares = shares.loc[sorted_countries(shares.index, lang)]
    shares = shares.sort_values(("cell_share", "exports"), ascending=False, kind="stable")
    return pd.DataFrame({
        t("col.country", lang): [country_name(code, lang) for code in shares.index],
        t("col.exports_cells_estimated", lang): shares["cell_share", "exports"].round(3).to_numpy(),
        t("col.exports_value_estimated", lang): shares["value_share", "exports"].round(3).to_numpy(),
        t("col.imports_cells_estimated", lang): shares["cell_share", "imports"].round(3).to_numpy(),
        t("col.imports_value_estimated", lang): shares["value_share", "imports"].round(3).to_numpy(),
    })


def distinct_vintages(manifest: dict) -> int:
    return len({choice["vintage"] for choice in manifest["wdi_choices"]})


def attributions(manifest: dict) -> list[str]:
    return sorted({entry["attribution"] for entry in manifest["tables"].values()})
