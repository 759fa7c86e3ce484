"""The evidence behind the SWOT verdicts: the statistics and one function per kind of test.

Each function of :data:`EVIDENCE` reads the extract (and the integration indicators)
and returns a :class:`Finding`: the values the verdict rule of
:mod:`analysis.measures.swot_rules` reads, the series behind them for the small
multiples, and for shares of countries the number of countries counted and what they
are (countries, currencies, years, agreements, groupings), so that a verdict's margin
can be stated in them. Which function tests which item, and
against which reference, is data: ``swot_items.yml`` (parameters) and
``swot_rules.csv`` (benchmark family, thresholds and reasons).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.data import reference

# --------------------------------------------------------------------------- measures

def share_beyond(values: pd.Series, reference_value: float, direction: str) -> float:
    """Share of the (non-missing) ``values`` above or below ``reference_value``."""
    values = values.dropna()
    if values.empty or np.isnan(reference_value):
        return float("nan")
    beyond = values > reference_value if direction == "above" else values < reference_value
    return float(beyond.mean())


def coefficient_of_variation(values: pd.Series) -> float:
    """Standard deviation over mean (population form) of the non-missing values."""
    values = values.dropna()
    if len(values) < 2 or values.mean() == 0:
        return float("nan")
    return float(values.std(ddof=0) / abs(values.mean()))


def relative_change(series: pd.Series, window: int = 3) -> float:
    """Mean of the last ``window`` values over the mean of the first ``window``, minus one."""
    series = series.dropna().sort_index()
    if len(series) < 2 * window:
        return float("nan")
    return float(series.iloc[-window:].mean() / series.iloc[:window].mean() - 1)


def annualised_volatility(monthly: pd.Series) -> float:
    """Standard deviation of monthly log changes, times the square root of 12."""
    changes = np.log(monthly.dropna().sort_index()).diff().dropna()
    return float(changes.std(ddof=1) * np.sqrt(12)) if len(changes) > 1 else float("nan")


def export_similarity(first: pd.Series, second: pd.Series) -> float:
    """Finger-Kreinin similarity of two export compositions (shares summing to one):
    the sum over categories of the smaller share; 1 = identical, 0 = nothing in common."""
    return float(np.minimum(first, second).sum())


def bilateral_share(composition: pd.Series) -> float:
    """Share of agreements whose composition is bilateral (``True``) among all of them."""
    return float(composition.mean()) if len(composition) else float("nan")


# --------------------------------------------------------------------------- evidence from the extract

@dataclass
class Finding:
    """The numbers behind one verdict: the values the rule reads, and a series per value
    for the small multiples (indexed by year, or by country for cross-sections)."""
    values: dict[str, float]
    series: dict[str, pd.Series] = field(default_factory=dict)
    lines: dict[str, float] = field(default_factory=dict)   # a comparison line per series
    counts: dict[str, int] = field(default_factory=dict)    # units behind each share (countries, years)
    counted: dict[str, str] = field(default_factory=dict)   # what those units (or a count's) are: "countries", ...


def _wdi(extract, code: str) -> pd.DataFrame:
    rows = extract.wdi[extract.wdi.indicator == code]
    return rows.pivot(index="year", columns="iso3", values="value")


def _window_mean(table: pd.DataFrame, years) -> pd.Series:
    return table.loc[table.index.isin(list(years))].mean()


def _latest(table: pd.DataFrame, countries: list[str], since: int) -> pd.Series:
    """Each country's latest value from ``since`` on (the series have different ends)."""
    recent = table.loc[table.index >= since, [c for c in countries if c in table.columns]]
    return recent.ffill().iloc[-1] if len(recent) else pd.Series(dtype=float)


def _years(params) -> range:
    return range(int(params["years"][0]), int(params["years"][1]) + 1)


def countries_beyond_world(extract, integration, scopes, params) -> Finding:
    """Share of the scope's countries whose mean of the summed WDI series over the
    years lies above (or below) the world's."""
    table = sum(_wdi(extract, code) for code in params["series"])
    means = _window_mean(table, _years(params))
    members = scopes[params["scope"]]
    share = share_beyond(means.reindex(members), means.get(reference.WORLD, np.nan), params["direction"])
    by_country = means.reindex(members).dropna()
    return Finding({"share": share}, {"share": by_country.sort_values()},
                   {"share": float(means.get(reference.WORLD, np.nan))}, {"share": len(by_country)},
                   {"share": "countries"})


def _reference_bar(values: pd.Series, scopes, name: str) -> float:
    """The comparison value: the world's (``name`` "world") or the median of a scope's
    countries."""
    if name == "world":
        return float(values.get(reference.WORLD, np.nan))
    return float(values.reindex(scopes[name]).median())


def countries_beyond_scope_median(extract, integration, scopes, params) -> Finding:
    """Share of the scope's countries whose latest value lies below (or above) the
    comparison value: the world's latest value, or the median of a comparison scope's
    latest values."""
    table = _wdi(extract, params["series"])
    members = scopes[params["scope"]]
    others = [reference.WORLD] if params["reference_scope"] == "world" else scopes[params["reference_scope"]]
    latest = _latest(table, members + others, params["since"])
    bar = _reference_bar(latest, scopes, params["reference_scope"])
    share = share_beyond(latest.reindex(members), bar, params["direction"])
    shown = latest.reindex(members).dropna()
    return Finding({"share": share}, {"share": shown.sort_values()}, {"share": bar}, {"share": len(shown)},
                   {"share": "countries"})


def cheap_skilled_labour(extract, integration, scopes, params) -> Finding:
    """Share of the scope's countries whose latest Human Development Index reaches a bar
    (skilled) while their GDP per person at PPP lies below a comparison scope's median
    (cheap)."""
    members = scopes[params["scope"]]
    hdi = extract.hdi[extract.hdi.year >= params["since"]].sort_values("year").groupby("iso3").hdi.last()
    income = _window_mean(_wdi(extract, "NY.GDP.PCAP.PP.CD"), _years(params))
    bar = _reference_bar(income, scopes, params["reference_scope"])
    both = pd.DataFrame({"hdi": hdi.reindex(members), "income": income.reindex(members)}).dropna()
    if both.empty:
        return Finding({"share": float("nan")})
    qualifies = (both.hdi >= params["hdi_at_least"]) & (both.income < bar)
    return Finding({"share": float(qualifies.mean())}, {"share": both.hdi.sort_values()},
                   {"share": float(params["hdi_at_least"])}, {"share": len(both)}, {"share": "countries"})


def dispersion(extract, integration, scopes, params) -> Finding:
    """Coefficient of variation across the scope's countries of a WDI series' mean."""
    means = _window_mean(_wdi(extract, params["series"]), _years(params)).reindex(scopes[params["scope"]])
    return Finding({"cv": coefficient_of_variation(means)}, {"cv": means.dropna().sort_values()})


def grouping_indicator_positive(extract, integration, scopes, params) -> Finding:
    """Share of the groupings whose indicator is positive in the last year."""
    table = integration.grouping_series(params["indicator"])
    last = table.iloc[-1]
    return Finding({"share": share_beyond(last, 0.0, "above")}, {"share": last.sort_values()}, {"share": 0.0},
                   {"share": int(last.notna().sum())}, {"share": "groupings"})


def grouping_level(extract, integration, scopes, params) -> Finding:
    """A grouping's indicator in the last year, against zero."""
    series = integration.grouping_series(params["indicator"])[params["grouping"]].dropna()
    return Finding({"index": float(series.iloc[-1]) if len(series) else float("nan")}, {"index": series},
                   {"index": 0.0})


def grouping_trend(extract, integration, scopes, params) -> Finding:
    """Relative change of a grouping's indicator, first three years to last three."""
    series = integration.grouping_series(params["indicator"])[params["grouping"]]
    return Finding({"change": relative_change(series)}, {"change": series.dropna()})


def agreements_among(extract, scope: list[str]) -> dict[str, pd.Series]:
    """In-force agreements with at least two parties in ``scope``, flagged bilateral or
    not, from the WTO's database and from DESTA. In the WTO's table a bloc that signs as
    one party (the EU, the EAEU) stands for its members, and "Bilateral; One Party is an
    RTA" (EU - Türkiye) is bilateral. The claims ledger counts W8 with this function too."""
    from analysis.measures.integration_stages import expand_blocs

    members = set(scope)
    wto = expand_blocs(extract.trade_agreements_wto)
    wto = wto[(wto.status == "In Force") & wto.members.map(lambda parties: len(parties & members) >= 2)]
    desta = extract.trade_agreements_desta
    desta = desta[desta.entry_into_force_year.notna() & desta.iso3_a.isin(members) & desta.iso3_b.isin(members)]
    desta = desta.drop_duplicates("base_treaty")
    return {"wto": wto.composition.str.startswith("Bilateral").rename("bilateral"),
            "desta": (desta.typememb == 1).rename("bilateral")}


def agreements_bilateral_share(extract, integration, scopes, params) -> Finding:
    """Share of in-force agreements among the scope's countries that are bilateral."""
    found = agreements_among(extract, scopes[params["scope"]])
    return Finding({source: bilateral_share(flags) for source, flags in found.items()},
                   {source: pd.Series({"bilateral": flags.sum(), "other": (~flags).sum()})
                    for source, flags in found.items()}, counts={source: len(flags) for source, flags in found.items()},
                   counted={source: "agreements" for source in found})


def agreements_bilateral_count(extract, integration, scopes, params) -> Finding:
    """Number of in-force bilateral agreements among the scope's countries."""
    found = agreements_among(extract, scopes[params["scope"]])
    return Finding({source: float(flags.sum()) for source, flags in found.items()},
                   {source: pd.Series({"bilateral": flags.sum(), "other": (~flags).sum()})
                    for source, flags in found.items()}, counted={source: "agreements" for source in found})


def growth_slowdown(extract, integration, scopes, params) -> Finding:
    """Mean GDP growth (per cent) over the early years minus over the late years, for
    each named country set (the median country when a set has several)."""
    growth = _wdi(extract, "NY.GDP.MKTP.KD.ZG")
    early, late = range(params["early"][0], params["early"][1] + 1), range(params["late"][0], params["late"][1] + 1)
    values, series = {}, {}
    for name in params["scopes"]:
        members = scopes[name]
        slowdown = _window_mean(growth, early).reindex(members) - _window_mean(growth, late).reindex(members)
        values[name] = float(slowdown.median())
        series[name] = growth[members].median(axis=1).loc[early.start:late.stop - 1]
    return Finding(values, series)


def commodity_volatility(extract, integration, scopes, params) -> Finding:
    """Annualised volatility of Pink Sheet price indices over the months given."""
    prices = extract.commodity_price_indices.pivot(index="month", columns="series", values="value")
    prices = prices.loc[params["months"][0]:params["months"][1]]
    return Finding({name: annualised_volatility(prices[name]) for name in params["series"]},
                   {name: prices[name] for name in params["series"]})


def major_currency_instability(extract, integration, scopes, params) -> Finding:
    """The world's major currencies and inflation: the share of the scope's currencies
    (one country standing for each: Germany for the euro, China for the yuan) with at
    least one year of depreciation against the dollar above a bar, and the share of
    the years in which world inflation exceeded a bar. Both in per cent."""
    years, members = _years(params), scopes[params["scope"]]
    rate = _wdi(extract, "PA.NUS.FCRF")[members]
    depreciation = 100 * (rate / rate.shift(1) - 1).loc[rate.index.isin(list(years))].max()
    world = _wdi(extract, "FP.CPI.TOTL.ZG")[reference.WORLD]
    inflation = world.loc[world.index.isin(list(years))].dropna()
    return Finding({"depreciation": share_beyond(depreciation, params["depreciation_above"], "above"),
                    "inflation": share_beyond(inflation, params["inflation_above"], "above")},
                   {"depreciation": depreciation.dropna().sort_values(), "inflation": inflation},
                   {"depreciation": float(params["depreciation_above"]), "inflation": float(params["inflation_above"])},
                   {"depreciation": int(depreciation.notna().sum()), "inflation": len(inflation)},
                   {"depreciation": "currencies", "inflation": "years"})


EXPORT_CATEGORIES = {"fuel": "TX.VAL.FUEL.ZS.UN", "ores_metals": "TX.VAL.MMTL.ZS.UN",
                     "manufactures": "TX.VAL.MANF.ZS.UN"}


def export_compositions(extract, years, countries) -> pd.DataFrame:
    """Country x category shares of merchandise exports (fuel, ores and metals,
    manufactures, the rest), means over ``years``, summing to one."""
    shares = pd.DataFrame({name: _window_mean(_wdi(extract, code), years)
                           for name, code in EXPORT_CATEGORIES.items()}).reindex(countries).dropna() / 100
    shares["other"] = (1 - shares.sum(axis=1)).clip(lower=0)
    return shares.div(shares.sum(axis=1), axis=0)


def similarity_gap(extract, integration, scopes, params) -> Finding:
    """Mean export similarity among the scope's countries minus the mean similarity
    between them and the comparison: the world's export composition
    (``reference_scope`` "world") or each country of a comparison scope."""
    years = _years(params)
    members = scopes[params["scope"]]
    others = [reference.WORLD] if params["reference_scope"] == "world" else scopes[params["reference_scope"]]
    shares = export_compositions(extract, years, members + others)
    inside = [export_similarity(shares.loc[a], shares.loc[b])
              for a, b in itertools.combinations([c for c in members if c in shares.index], 2)]
    across = [export_similarity(shares.loc[a], shares.loc[b])
              for a in members if a in shares.index for b in others if b in shares.index]
    if not inside or not across:
        return Finding({"gap": float("nan")})
    return Finding({"gap": float(np.mean(inside) - np.mean(across))},
                   {"gap": pd.Series({"inside": float(np.mean(inside)), "across": float(np.mean(across))})})


def partner_share_trend(extract, integration, scopes, params) -> Finding:
    """Relative change of the scope's trade with the named partners as a share of its
    trade with the world (the scope's own reports, exports plus imports)."""
    flows = extract.trade_flows
    flows = flows[flows.reporter.isin(scopes[params["scope"]]) & flows.year.isin(list(_years(params)))]
    by_partner = flows.groupby(["year", "partner"]).value_usd_m.sum().unstack()
    share = by_partner[params["partners"]].sum(axis=1) / by_partner[reference.WORLD]
    return Finding({"change": relative_change(share)}, {"change": share})


def world_share_trend(extract, integration, scopes, params) -> Finding:
    """Relative change of the scope's share of world GDP at PPP (GDP per person at PPP
    times population, as in the indicators)."""
    per_person, population = _wdi(extract, "NY.GDP.PCAP.PP.CD"), _wdi(extract, "SP.POP.TOTL")
    gdp = (per_person * population).loc[list(_years(params))]
    members = scopes[params["scope"]]
    complete = gdp[members].notna().all(axis=1) & gdp[reference.WORLD].notna()
    share = (gdp.loc[complete, members].sum(axis=1) / gdp.loc[complete, reference.WORLD])
    return Finding({"change": relative_change(share)}, {"change": share})


def scope_median_trend(extract, integration, scopes, params) -> Finding:
    """Relative change of the scope's median value of a WDI series over its editions."""
    table = _wdi(extract, params["series"])[scopes[params["scope"]]]
    median = table.dropna(how="all").median(axis=1)
    return Finding({"change": relative_change(median, window=1)}, {"change": median})


EVIDENCE = {
    "countries_beyond_world": countries_beyond_world,
    "countries_beyond_scope_median": countries_beyond_scope_median,
    "dispersion": dispersion,
    "cheap_skilled_labour": cheap_skilled_labour,
    "grouping_indicator_positive": grouping_indicator_positive,
    "grouping_level": grouping_level,
    "major_currency_instability": major_currency_instability,
    "grouping_trend": grouping_trend,
    "agreements_bilateral_share": agreements_bilateral_share,
    "agreements_bilateral_count": agreements_bilateral_count,
    "growth_slowdown": growth_slowdown,
    "commodity_volatility": commodity_volatility,
    "similarity_gap": similarity_gap,
    "partner_share_trend": partner_share_trend,
    "world_share_trend": world_share_trend,
    "scope_median_trend": scope_median_trend,
}

