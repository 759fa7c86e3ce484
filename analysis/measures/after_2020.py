"""The years after 2020 from the country-level series of the extract: trade, openness,
remittances, direct investment, growth, inflation, exchange rates, and the agreements
and Belt and Road memberships that came into force after 2020.

Bilateral trade in the extract ends years before the World Bank series (in the extract
of 2026, in 2020 against 2024–2025); every table here runs to each series' own last
year. Everything here is a country total (or a grouping's sum of country totals):
it cannot show with whom a country traded. Groupings sum levels and divide sums by
sums (a grouping's remittances over its GDP is the sum of its members' remittances over
the sum of their GDP), over the members that report both in that year; the members
left out are named.
"""
from __future__ import annotations

import pandas as pd

from analysis.errors import DataError
from analysis.paths import DATA_DIR

EXPORTS, IMPORTS = "TX.VAL.MRCH.CD.WT", "TM.VAL.MRCH.CD.WT"
REMITTANCES, FDI = "BX.TRF.PWKR.CD.DT", "BX.KLT.DINV.CD.WD"
GDP, GROWTH, INFLATION, RATE = "NY.GDP.MKTP.CD", "NY.GDP.MKTP.KD.ZG", "FP.CPI.TOTL.ZG", "PA.NUS.FCRF"
BASE_YEAR = 2019      # the last year before the pandemic
PRE_WAR_YEAR = 2021   # the last full year before the war and the sanctions of 2022
CUTOFF = "2020-12-31"  # agreements and memberships "after 2020" came into force after this day
# the Central Asian currencies and the rouble, by the country that issues them
CURRENCIES = {"KAZ": "tenge", "KGZ": "som", "TJK": "somoni", "UZB": "sum", "TKM": "manat"}
ROUBLE = "RUS"


def series(wdi: pd.DataFrame, indicator: str, countries=None) -> pd.DataFrame:
    """One WDI indicator as a year × country table (``countries`` as columns, in order;
    a country without any value is a column of missing values)."""
    rows = wdi[wdi.indicator == indicator]
    if rows.empty:
        raise DataError(DATA_DIR / "wdi.csv", f"indicator {indicator} is not in the extract", field="indicator")
    table = rows.pivot(index="year", columns="iso3", values="value").sort_index()
    return table if countries is None else table.reindex(columns=list(countries))


def latest_year(table: pd.DataFrame) -> int:
    """The last year in which any column has a value."""
    years = table.dropna(how="all").index
    if len(years) == 0:
        raise ValueError("the table has no values")
    return int(years.max())


def missing_years(table: pd.DataFrame, first: int, last: int) -> dict[str, list[int]]:
    """For each column with a gap in ``first``–``last``, the years it lacks."""
    window = table.reindex(range(first, last + 1))
    return {str(c): [int(y) for y in window.index[window[c].isna()]] for c in window.columns if window[c].isna().any()}


def ratio(numerator: pd.DataFrame, denominator: pd.DataFrame) -> pd.DataFrame:
    """Country by country, year by year: numerator over denominator (missing where either is)."""
    return numerator.div(denominator.reindex_like(numerator))


def grouping_ratio(numerator: pd.DataFrame, denominator: pd.DataFrame, members: list[str]) -> pd.DataFrame:
    """A grouping's sum of the numerator over its sum of the denominator, each year, over
    the members that report both; with the number of members counted and those left out."""
    both = numerator.reindex(columns=members).notna() & denominator.reindex(index=numerator.index, columns=members).notna()
    top = numerator.reindex(columns=members).where(both).sum(axis=1, min_count=1)
    bottom = denominator.reindex(index=numerator.index, columns=members).where(both).sum(axis=1, min_count=1)
    left_out = both.apply(lambda row: ";".join(c for c in members if not row[c]), axis=1)
    return pd.DataFrame({"value": top / bottom, "members": both.sum(axis=1).astype(int), "left_out": left_out})


def grouping_sum(levels: pd.DataFrame, members: list[str]) -> pd.DataFrame:
    """A grouping's sum of a level each year, with the members counted and those left out."""
    table = levels.reindex(columns=members)
    present = table.notna()
    return pd.DataFrame({"value": table.sum(axis=1, min_count=1), "members": present.sum(axis=1).astype(int),
                         "left_out": present.apply(lambda row: ";".join(c for c in members if not row[c]), axis=1)})


def change(table: pd.DataFrame, start: int, end: int) -> pd.Series:
    """Relative change of each column from ``start`` to ``end`` (0.4 for a rise of 40 %)."""
    return table.loc[end] / table.loc[start] - 1


def country_panel(wdi: pd.DataFrame, countries: list[str]) -> dict[str, pd.DataFrame]:
    """The later years' measures, each a year × country table: merchandise exports and
    imports (US$), openness (merchandise exports plus imports over GDP), remittances and
    FDI net inflows over GDP, real growth and inflation (per cent)."""
    exports, imports = series(wdi, EXPORTS, countries), series(wdi, IMPORTS, countries)
    gdp = series(wdi, GDP, countries)
    return {"exports": exports, "imports": imports, "gdp": gdp,
            "openness": ratio(exports.add(imports), gdp),
            "remittances": series(wdi, REMITTANCES, countries), "remittances_to_gdp": ratio(series(wdi, REMITTANCES, countries), gdp),
            "fdi": series(wdi, FDI, countries), "fdi_to_gdp": ratio(series(wdi, FDI, countries), gdp),
            "growth": series(wdi, GROWTH, countries), "inflation": series(wdi, INFLATION, countries)}


def grouping_panel(wdi: pd.DataFrame, groupings: pd.DataFrame) -> pd.DataFrame:
    """Per grouping and year: exports, imports (sums), openness, remittances over GDP and
    FDI over GDP (sums over sums); long, with the members counted and left out."""
    countries = sorted(groupings.iso3.unique())
    exports, imports = series(wdi, EXPORTS, countries), series(wdi, IMPORTS, countries)
    gdp = series(wdi, GDP, countries)
    measures = {"exports": lambda m: grouping_sum(exports, m), "imports": lambda m: grouping_sum(imports, m),
                "openness": lambda m: grouping_ratio(exports.add(imports), gdp, m),
                "remittances_to_gdp": lambda m: grouping_ratio(series(wdi, REMITTANCES, countries), gdp, m),
                "fdi_to_gdp": lambda m: grouping_ratio(series(wdi, FDI, countries), gdp, m)}
    frames = []
    for grouping, rows in groupings.groupby("grouping", sort=False):
        members = list(rows.iso3)
        for measure, compute in measures.items():
            frames.append(compute(members).rename_axis("year").reset_index().assign(grouping=grouping, measure=measure,
                                                                                  size=len(members)))
    return pd.concat(frames, ignore_index=True)[["grouping", "measure", "year", "value", "members", "size", "left_out"]]


def exchange_rates(wdi: pd.DataFrame, base_year: int = PRE_WAR_YEAR, issuers=tuple(CURRENCIES)) -> pd.DataFrame:
    """Each currency's official rate against the US dollar (local units per dollar) and
    against the rouble (local units per rouble = local units per dollar over roubles
    per dollar), as indices with ``base_year`` = 100: a rise is a depreciation. Long:
    issuer, year, against ("usd" or "rub"), rate, index. A currency without an official
    rate in the base year (the manat) has no rows."""
    rates = series(wdi, RATE, list(issuers) + [ROUBLE])
    per_rouble = rates[list(issuers)].div(rates[ROUBLE], axis=0)
    rows = []
    for against, table in (("usd", rates[list(issuers)]), ("rub", per_rouble)):
        for issuer in issuers:
            values = table[issuer].dropna()
            if base_year not in values.index:
                continue
            rows.append(pd.DataFrame({"issuer": issuer, "year": values.index.astype(int), "against": against,
                                      "rate": values.to_numpy(), "index": 100 * values.to_numpy() / values.loc[base_year]}))
    if not rows:
        return pd.DataFrame(columns=["issuer", "year", "against", "rate", "index"])
    return pd.concat(rows, ignore_index=True)


def rate_change(rates: pd.DataFrame, issuer: str, against: str, start: int, end: int) -> float:
    """Relative change of a currency's rate (local units per dollar or per rouble) from
    ``start`` to ``end``: positive when the currency lost value."""
    table = rates[(rates.issuer == issuer) & (rates.against == against)].set_index("year").rate
    return float(table.loc[end] / table.loc[start] - 1)


def official_rate_ends(wdi: pd.DataFrame, issuers=tuple(CURRENCIES)) -> dict[str, int | None]:
    """The last year with an official rate, per issuer (None when there is none)."""
    rates = series(wdi, RATE, list(issuers))
    return {issuer: (int(rates[issuer].last_valid_index()) if rates[issuer].notna().any() else None) for issuer in issuers}


def agreements_after(agreements: pd.DataFrame, countries: list[str], after: str = CUTOFF) -> pd.DataFrame:
    """Agreements of the WTO's table that came into force after ``after`` with at least
    one party among ``countries`` (a bloc that signs as one party stands for its members):
    date, name, type and the study countries among the parties."""
    from analysis.measures.integration_stages import expand_blocs

    table = expand_blocs(agreements)
    entry = pd.to_datetime(table.entry_into_force, errors="coerce")
    study = table.members.map(lambda parties: sorted(parties & set(countries)))
    found = table.assign(entry=entry, study=study)[(entry > pd.Timestamp(after)) & (study.map(len) > 0)]
    return found.sort_values(["entry", "rta_id"])[["rta_id", "name", "type", "entry_into_force", "study"]].reset_index(drop=True)


def bri_joins_after(bri: pd.DataFrame, countries: list[str], after: str = CUTOFF) -> pd.DataFrame:
    """Countries that joined the Belt and Road list after ``after``: all of them, with a
    flag for the study countries."""
    joined = pd.to_datetime(bri.join_date, errors="coerce")
    found = bri.assign(joined=joined)[joined > pd.Timestamp(after)].sort_values(["joined", "iso3"])
    return found.assign(study=found.iso3.isin(countries))[["iso3", "join_date", "study"]].reset_index(drop=True)


def largest_jumps(shares: pd.DataFrame, start: int, end: int, count: int = 5) -> pd.Series:
    """The ``count`` largest rises of a share from ``start`` to ``end`` (in shares, not
    per cent), largest first; countries without both years are left out."""
    return (shares.loc[end] - shares.loc[start]).dropna().sort_values(ascending=False).head(count)


def price_index_change(prices: pd.DataFrame, series_name: str, start: int, end: int) -> float:
    """Relative change of a monthly price index (the World Bank's commodity price data)
    between the means of two calendar years."""
    rows = prices[prices.series == series_name]
    if rows.empty:
        raise DataError(DATA_DIR / "commodity_price_indices.csv", f"no series {series_name}", field="series")
    yearly = rows.groupby(rows.month.str[:4].astype(int)).value.mean()
    return float(yearly.loc[end] / yearly.loc[start] - 1)
