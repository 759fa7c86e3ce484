"""The paper's SWOT table tested against the evidence, ranked by SWOT-AHP, scored as TOWS.

Three steps, each driven by a data file in ``data/reference``:

1. ``swot_items.yml`` states the 49 items and the measures M1-M7. For every item the
   data can speak to it names an evidence measure (a function in :data:`EVIDENCE`), the
   comparison, and the thresholds of the verdict rule :func:`verdict`.
2. A judgements file (``swot_judgements.csv`` is the book's own) holds Saaty-scale
   pairwise comparisons within each group and between the four groups. The items
   compared are chosen by :func:`ranked_items`; :func:`priorities` turns the
   comparisons into local, group and global priorities (Kurttila et al. 2000).
3. ``tows.csv`` links M1-M7 to the SO, ST, WO and WT pairs they address. The A'WOT
   second stage (Pesonen et al. 2001), measures compared under each ranked item, is
   :mod:`analysis.measures.awot`; :func:`measure_scores` is only the simple link-sum
   variant shown beside it. :func:`sensitivity` repeats steps 2-3 with every
   judgement moved one step along Saaty's scale, keeping only consistent draws.
   Several judges' files are aggregated in :mod:`analysis.measures.swot_group`.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import yaml

from analysis.data import reference
from analysis.data.schemas import _as_data_error
from analysis.errors import DataError
from analysis.measures import ahp as ahp_method
from analysis.paths import DATA_DIR

ITEMS_FILE = DATA_DIR / "reference" / "swot_items.yml"
JUDGEMENTS_FILE = DATA_DIR / "reference" / "swot_judgements.csv"
TOWS_FILE = DATA_DIR / "reference" / "tows.csv"

GROUPS = ("S", "W", "O", "T")
GROUP_SIZES = {"S": 9, "W": 11, "O": 20, "T": 9}
LANGUAGES = ("kk", "en", "ru")
VERDICTS = ("supported", "mixed", "contradicted", "no_data")
STRATEGY_TYPES = ("SO", "ST", "WO", "WT")
GROUP_LEVEL = "groups"
MIN_RANKED, MAX_RANKED = 3, 4


# --------------------------------------------------------------------------- items

@dataclass(frozen=True)
class Evidence:
    measure: str                  # a key of EVIDENCE
    params: dict
    supported_at: float
    contradicted_at: float
    unit: str                     # how the values are shown: share, number, points, count
    text: dict                    # per language: describe, compare, extension (optional)


@dataclass(frozen=True)
class Item:
    code: str
    group: str
    label: dict                   # language -> text
    evidence: Evidence | None
    no_data: dict | None          # language -> why the data cannot speak to the item


@dataclass(frozen=True)
class SwotTable:
    items: dict[str, Item]
    measures: dict[str, dict]     # M1..M7 -> language -> text
    scopes: dict[str, list[str]]  # named country sets used by the evidence


def _texts(source: Path, where: str, value, field_name: str) -> dict:
    if not isinstance(value, dict) or any(not str(value.get(lang, "")).strip() for lang in LANGUAGES):
        raise DataError(source, f"needs a text in each of {', '.join(LANGUAGES)}", row=where, field=field_name)
    return {lang: str(value[lang]).strip() for lang in LANGUAGES}


EVIDENCE_FIELDS = {"measure", "params", "supported_at", "contradicted_at", "unit", "describe", "compare", "extension"}
UNITS = {"share", "number", "points", "count"}


def _evidence(source: Path, code: str, raw: dict) -> Evidence:
    unknown = set(raw) - EVIDENCE_FIELDS
    if unknown:
        raise DataError(source, f"unknown fields {sorted(unknown)}", row=code, field="evidence")
    if raw.get("measure") not in EVIDENCE:
        raise DataError(source, f"unknown measure {raw.get('measure')!r} (known: {sorted(EVIDENCE)})",
                        row=code, field="evidence.measure")
    if raw.get("unit") not in UNITS:
        raise DataError(source, f"unit must be one of {sorted(UNITS)}", row=code, field="evidence.unit")
    try:
        supported_at, contradicted_at = float(raw["supported_at"]), float(raw["contradicted_at"])
    except (KeyError, TypeError, ValueError):
        raise DataError(source, "needs numeric thresholds", row=code, field="evidence.supported_at") from None
    if supported_at == contradicted_at:
        raise DataError(source, "the two thresholds must differ", row=code, field="evidence.contradicted_at")
    text = {name: _texts(source, code, raw.get(name), f"evidence.{name}") for name in ("describe", "compare")}
    if "extension" in raw:
        text["extension"] = _texts(source, code, raw["extension"], "evidence.extension")
    return Evidence(raw["measure"], dict(raw.get("params") or {}), supported_at, contradicted_at, raw["unit"], text)


def load_items(path: Path = ITEMS_FILE) -> SwotTable:
    """The SWOT table, checked: all 49 items in their groups, three languages everywhere,
    and for each item either evidence with a verdict rule or the reason there is none."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not {"items", "measures", "scopes"} <= set(raw):
        raise DataError(path, "needs the sections items, measures and scopes")
    items = {}
    for code, entry in raw["items"].items():
        group = str(code)[:1]
        if group not in GROUPS or not str(code)[1:].isdigit():
            raise DataError(path, "item codes are S, W, O or T followed by a number", row=code, field="code")
        has_evidence, has_reason = "evidence" in entry, "no_data" in entry
        if has_evidence == has_reason:
            raise DataError(path, "needs either evidence or a no_data reason, not both", row=code, field="evidence")
        items[code] = Item(code, group, _texts(path, code, entry.get("label"), "label"),
                           _evidence(path, code, entry["evidence"]) if has_evidence else None,
                           _texts(path, code, entry["no_data"], "no_data") if has_reason else None)
    for group, size in GROUP_SIZES.items():
        expected = {f"{group}{number}" for number in range(1, size + 1)}
        present = {code for code in items if code.startswith(group)}
        if present != expected:
            raise DataError(path, f"group {group} must hold {group}1-{group}{size}; "
                            f"missing {sorted(expected - present)}, extra {sorted(present - expected)}",
                            field="items")
    measures = {code: _texts(path, code, text, "label") for code, text in raw["measures"].items()}
    if sorted(measures) != [f"M{number}" for number in range(1, 8)]:
        raise DataError(path, "measures must be M1-M7", field="measures")
    study = set(reference.study_iso3())
    for name, countries in raw["scopes"].items():
        if not countries or set(countries) - study:
            raise DataError(path, f"scope lists codes outside the study: {sorted(set(countries) - study)}",
                            row=name, field="scopes")
    return SwotTable(items, measures, {name: list(codes) for name, codes in raw["scopes"].items()})


# --------------------------------------------------------------------------- verdict rule

def verdict(values: dict[str, float], supported_at: float, contradicted_at: float) -> str:
    """Supported when every value reaches ``supported_at``, contradicted when every
    value reaches ``contradicted_at``, mixed otherwise; no data when a value is missing.

    The thresholds give the direction: ``supported_at > contradicted_at`` means larger
    values support the item, ``supported_at < contradicted_at`` that smaller ones do.
    Several values (two sources, two countries) must agree for a clear verdict.
    """
    numbers = np.array(list(values.values()), dtype=float)
    if numbers.size == 0 or np.isnan(numbers).any():
        return "no_data"
    sign = 1.0 if supported_at > contradicted_at else -1.0
    if np.all(sign * numbers >= sign * supported_at):
        return "supported"
    if np.all(sign * numbers <= sign * contradicted_at):
        return "contradicted"
    return "mixed"


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
                   {"share": float(means.get(reference.WORLD, np.nan))})


def countries_beyond_scope_median(extract, integration, scopes, params) -> Finding:
    """Share of the scope's countries whose latest value lies below (or above) the median
    of a comparison scope's latest values."""
    table = _wdi(extract, params["series"])
    members, others = scopes[params["scope"]], scopes[params["reference_scope"]]
    latest = _latest(table, members + others, params["since"])
    bar = float(latest.reindex(others).median())
    share = share_beyond(latest.reindex(members), bar, params["direction"])
    return Finding({"share": share}, {"share": latest.reindex(members).dropna().sort_values()}, {"share": bar})


def cheap_skilled_labour(extract, integration, scopes, params) -> Finding:
    """Share of the scope's countries whose latest Human Development Index reaches a bar
    (skilled) while their GDP per person at PPP lies below a comparison scope's median
    (cheap)."""
    members, others = scopes[params["scope"]], scopes[params["reference_scope"]]
    hdi = extract.hdi[extract.hdi.year >= params["since"]].sort_values("year").groupby("iso3").hdi.last()
    income = _window_mean(_wdi(extract, "NY.GDP.PCAP.PP.CD"), _years(params))
    bar = float(income.reindex(others).median())
    both = pd.DataFrame({"hdi": hdi.reindex(members), "income": income.reindex(members)}).dropna()
    if both.empty:
        return Finding({"share": float("nan")})
    qualifies = (both.hdi >= params["hdi_at_least"]) & (both.income < bar)
    return Finding({"share": float(qualifies.mean())}, {"share": both.hdi.sort_values()},
                   {"share": float(params["hdi_at_least"])})


def dispersion(extract, integration, scopes, params) -> Finding:
    """Coefficient of variation across the scope's countries of a WDI series' mean."""
    means = _window_mean(_wdi(extract, params["series"]), _years(params)).reindex(scopes[params["scope"]])
    return Finding({"cv": coefficient_of_variation(means)}, {"cv": means.dropna().sort_values()})


def grouping_indicator_positive(extract, integration, scopes, params) -> Finding:
    """Share of the groupings whose indicator is positive in the last year."""
    table = integration.grouping_series(params["indicator"])
    last = table.iloc[-1]
    return Finding({"share": share_beyond(last, 0.0, "above")}, {"share": last.sort_values()}, {"share": 0.0})


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
                    for source, flags in found.items()})


def agreements_bilateral_count(extract, integration, scopes, params) -> Finding:
    """Number of in-force bilateral agreements among the scope's countries."""
    found = agreements_among(extract, scopes[params["scope"]])
    return Finding({source: float(flags.sum()) for source, flags in found.items()},
                   {source: pd.Series({"bilateral": flags.sum(), "other": (~flags).sum()})
                    for source, flags in found.items()})


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


def macro_instability(extract, integration, scopes, params) -> Finding:
    """Share of the scope's countries with mean inflation above a bar, and share with at
    least one year of depreciation against the dollar above a bar, over the years. Both
    are in per cent, as the WDI gives inflation, so that the two panels read alike."""
    years, members = _years(params), scopes[params["scope"]]
    inflation = _window_mean(_wdi(extract, "FP.CPI.TOTL.ZG"), years).reindex(members)
    rate = _wdi(extract, "PA.NUS.FCRF")[members]
    depreciation = 100 * (rate / rate.shift(1) - 1).loc[rate.index.isin(list(years))].max()
    return Finding({"inflation": share_beyond(inflation, params["inflation_above"], "above"),
                    "depreciation": share_beyond(depreciation, params["depreciation_above"], "above")},
                   {"inflation": inflation.dropna().sort_values(), "depreciation": depreciation.dropna().sort_values()},
                   {"inflation": float(params["inflation_above"]), "depreciation": float(params["depreciation_above"])})


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
    between them and the comparison scope."""
    years = _years(params)
    members, others = scopes[params["scope"]], scopes[params["reference_scope"]]
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
    "grouping_trend": grouping_trend,
    "agreements_bilateral_share": agreements_bilateral_share,
    "agreements_bilateral_count": agreements_bilateral_count,
    "growth_slowdown": growth_slowdown,
    "commodity_volatility": commodity_volatility,
    "macro_instability": macro_instability,
    "similarity_gap": similarity_gap,
    "partner_share_trend": partner_share_trend,
    "world_share_trend": world_share_trend,
    "scope_median_trend": scope_median_trend,
}


def assess(table: SwotTable, extract, integration) -> tuple[pd.DataFrame, dict[str, Finding]]:
    """One row per item: code, group, verdict; and the findings behind each verdict."""
    rows, findings = [], {}
    for code, item in table.items.items():
        if item.evidence is None:
            rows.append({"code": code, "group": item.group, "verdict": "no_data"})
            continue
        evidence = item.evidence
        finding = EVIDENCE[evidence.measure](extract, integration, table.scopes, evidence.params)
        findings[code] = finding
        rows.append({"code": code, "group": item.group,
                     "verdict": verdict(finding.values, evidence.supported_at, evidence.contradicted_at)})
    return pd.DataFrame(rows), findings


# --------------------------------------------------------------------------- judgements and priorities

JUDGEMENT_SCHEMA = pa.DataFrameSchema({
    "level": pa.Column(str, pa.Check.isin(list(GROUPS) + [GROUP_LEVEL])),
    "first": pa.Column(str, pa.Check.str_matches(r"^([SWOT]\d{1,2}|[SWOT])$")),
    "second": pa.Column(str, pa.Check.str_matches(r"^([SWOT]\d{1,2}|[SWOT])$")),
    "judgement": pa.Column(str, pa.Check.str_matches(r"^(1/[2-9]|[1-9])$")),
    **{f"reason_{lang}": pa.Column(str, pa.Check.str_length(min_value=5)) for lang in LANGUAGES},
}, strict=True, unique=["level", "first", "second"])


def load_judgements(path: Path = JUDGEMENTS_FILE) -> pd.DataFrame:
    """The pairwise judgements of a file: level (a group or ``groups``), first, second,
    judgement (how much more ``first`` matters, on Saaty's scale) and a reason in each
    language."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    try:
        frame = JUDGEMENT_SCHEMA.validate(frame)
    except (pa.errors.SchemaError, pa.errors.SchemaErrors) as error:
        raise _as_data_error(error, str(path)) from error
    for line, row in zip(itertools.count(2), frame.itertuples()):
        level_of = lambda code: GROUP_LEVEL if len(code) == 1 else code[0]
        if level_of(row.first) != row.level or level_of(row.second) != row.level:
            raise DataError(path, f"{row.first} and {row.second} do not both belong to level {row.level}",
                            row=line, field="level")
    return frame.assign(value=[float(ahp_method.parse_judgement(text)) for text in frame.judgement],
                        line=range(2, len(frame) + 2))


def measures_per_item(tows: pd.DataFrame) -> pd.Series:
    """How many of the measures M1-M7 address each item (through any strategy)."""
    links = {(row.measure, code) for row in tows.itertuples() for code in row.items.split(";")}
    return pd.Series([code for _, code in links]).value_counts()


def ranked_items(assessment: pd.DataFrame, judgements: pd.DataFrame, tows: pd.DataFrame,
                 path: Path | str = "judgements") -> dict:
    """The items each group ranks, by the book's rule, and why each other item is not.

    Rule: in each group, the items the evidence supports, then those it finds mixed;
    among equals, first the items more of the measures M1-M7 address, then the table's
    order; at most four. A group with fewer than three such items is completed from
    the items the judgements file compares although the data cannot speak to them
    (their reasons say why they matter). Contradicted items are never ranked. The
    judgements file must compare exactly the items the rule selects.
    """
    links = measures_per_item(tows)
    order = {"supported": 0, "mixed": 1}
    selected, not_ranked = {}, {}
    for group in GROUPS:
        rows = assessment[assessment.group == group].reset_index(drop=True)
        verdict_of = dict(zip(rows.code, rows.verdict))
        backed = sorted((code for code in rows.code if verdict_of[code] in order),
                        key=lambda code: (order[verdict_of[code]], -links.get(code, 0), list(rows.code).index(code)))
        chosen = backed[:MAX_RANKED]
        judged = set(judgements.loc[judgements.level == group, ["first", "second"]].to_numpy().ravel())
        added = [code for code in rows.code if code in judged and code not in chosen]
        if any(verdict_of[code] != "no_data" for code in added) or (added and len(chosen) >= MIN_RANKED):
            raise DataError(path, f"group {group}: the file compares {sorted(judged)}, but the rule ranks "
                            f"{chosen} and adds no-data items only to reach three", field="first")
        chosen += added
        if not MIN_RANKED <= len(chosen) <= MAX_RANKED or set(chosen) != judged:
            raise DataError(path, f"group {group}: the rule ranks {chosen} (3-4 items, no-data items added to "
                            f"reach three), but the file compares {sorted(judged)}", field="first")
        selected[group] = chosen
        for code in rows.code:
            if code not in chosen:
                not_ranked[code] = ("contradicted" if verdict_of[code] == "contradicted"
                                    else "beyond_limit" if verdict_of[code] in order else "no_data")
    return {"selected": selected, "not_ranked": not_ranked}


@dataclass(frozen=True)
class Priorities:
    local: pd.Series              # item -> priority within its group
    groups: pd.Series             # S/W/O/T -> group priority
    global_: pd.Series            # item -> local x group priority
    consistency: pd.DataFrame     # level, n, lambda_max, consistency_ratio


def priorities(judgements: pd.DataFrame, selected: dict[str, list[str]], *, enforce: bool = True,
               values: pd.Series | None = None, name: str = "judgements") -> Priorities:
    """Local, group and global priorities (global = local x group) from the judgements.

    ``values`` replaces the judgement values. With ``enforce`` a matrix above the
    consistency limit raises :class:`~analysis.measures.ahp.InconsistentJudgements`
    naming the level and the judgement to revisit, with its row in the file.
    """
    values = judgements.value if values is None else values
    local, groups, consistency = {}, None, []
    for level in list(GROUPS) + [GROUP_LEVEL]:
        rows = judgements.level == level
        members = list(GROUPS) if level == GROUP_LEVEL else selected[level]
        pairs = {(a, b): v for a, b, v in zip(judgements.first[rows], judgements.second[rows], values[rows])}
        matrix = ahp_method.judgement_matrix(members, pairs)
        result = ahp_method.ahp(matrix)
        if enforce:
            lines = judgements.line[rows] if "line" in judgements else [None] * int(rows.sum())
            where = {frozenset((a, b)): line for a, b, line in zip(judgements.first[rows], judgements.second[rows], lines)
                     if line is not None}
            ahp_method.require_consistent(result, f"{name}: {level}", matrix=matrix, labels=members, rows=where)
        consistency.append({"level": level, "n": len(members), "lambda_max": result.lambda_max,
                            "consistency_ratio": result.consistency_ratio})
        weights = pd.Series(result.priorities, index=members)
        if level == GROUP_LEVEL:
            groups = weights
        else:
            local.update(weights.to_dict())
    local = pd.Series(local)
    global_ = pd.Series({code: weight * groups[code[0]] for code, weight in local.items()})
    return Priorities(local, groups, global_, pd.DataFrame(consistency))


# --------------------------------------------------------------------------- TOWS scoring

TOWS_SCHEMA = pa.DataFrameSchema({
    "measure": pa.Column(str, pa.Check.str_matches(r"^M[1-7]$")),
    "strategy": pa.Column(str, pa.Check.isin(list(STRATEGY_TYPES))),
    "items": pa.Column(str, pa.Check.str_matches(r"^[SWOT]\d{1,2}(;[SWOT]\d{1,2})*$")),
}, strict=True, unique=["measure", "strategy"])


def load_tows(path: Path = TOWS_FILE, table: SwotTable | None = None) -> pd.DataFrame:
    """The TOWS links: each row a measure, a strategy type and the items it addresses;
    every item must belong to the two groups the strategy type pairs."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    try:
        frame = TOWS_SCHEMA.validate(frame)
    except (pa.errors.SchemaError, pa.errors.SchemaErrors) as error:
        raise _as_data_error(error, str(path)) from error
    known = set(table.items) if table else None
    for line, row in zip(itertools.count(2), frame.itertuples()):
        codes = row.items.split(";")
        if {code[0] for code in codes} != set(row.strategy):
            raise DataError(path, f"a {row.strategy} strategy must address items of both groups "
                            f"{row.strategy[0]} and {row.strategy[1]}", row=line, field="items")
        if known is not None and set(codes) - known:
            raise DataError(path, f"unknown items {sorted(set(codes) - known)}", row=line, field="items")
    if sorted(frame.measure.unique()) != [f"M{number}" for number in range(1, 8)]:
        raise DataError(path, "every measure M1-M7 needs at least one strategy", field="measure")
    return frame


def measure_scores(tows: pd.DataFrame, global_priorities: pd.Series) -> pd.Series:
    """Link-sum score of each measure, a simple variant and not A'WOT (for A'WOT see
    :func:`analysis.measures.awot.second_stage`): the sum of the global priorities of
    the distinct items it addresses (an item counts once even if two of its strategies
    name it; items not ranked add nothing). Sorted from the highest score."""
    scores = {}
    for measure, rows in tows.groupby("measure"):
        codes = set(itertools.chain.from_iterable(text.split(";") for text in rows["items"]))
        scores[measure] = float(global_priorities.reindex(sorted(codes)).fillna(0).sum())
    return pd.Series(scores).sort_values(ascending=False, kind="stable")


# --------------------------------------------------------------------------- sensitivity

@dataclass(frozen=True)
class Sensitivity:
    item_ranks: pd.DataFrame      # accepted draw x item: rank of the item's global priority (1 = top)
    measure_ranks: pd.DataFrame   # accepted draw x measure: rank of the measure's link-sum score
    awot_ranks: pd.DataFrame | None  # accepted draw x measure: rank of the A'WOT priority (if given)
    values: pd.DataFrame          # accepted draw x judgement: the (aggregated) values used
    attempts: int                 # perturbed sets drawn
    accepted: int                 # perturbed sets whose every matrix passes the consistency limit

    @property
    def acceptance_rate(self) -> float:
        return self.accepted / self.attempts


SCALE_VALUES = np.array([float(value) for value in ahp_method.SCALE])


def scale_positions(judgements: pd.DataFrame) -> np.ndarray:
    """Each judgement's rung on Saaty's ladder (0 = 1/9, 8 = 1, 16 = 9)."""
    return np.array([ahp_method.SCALE.index(ahp_method.parse_judgement(text)) for text in judgements.judgement])


def perturbed_values(judgements: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """Every judgement moved one step up or down Saaty's scale (at random, 50:50),
    stopping at 1/9 and 9."""
    positions = scale_positions(judgements)
    moved = np.clip(positions + rng.choice([-1, 1], size=len(positions)), 0, len(SCALE_VALUES) - 1)
    return pd.Series(SCALE_VALUES[moved], index=judgements.index)


def _min_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks of each row's values, 1 = largest, ties sharing the best rank."""
    return (values[:, None, :] > values[:, :, None] + 1e-12).sum(axis=2) + 1


def batch_ahp(matrices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`analysis.measures.ahp.ahp` on a stack of matrices (draw x n x n):
    priorities (draw x n) and consistency ratios (draw)."""
    n = matrices.shape[-1]
    eigenvalues, eigenvectors = np.linalg.eig(matrices)
    principal = np.argmax(eigenvalues.real, axis=1)
    take = np.arange(len(matrices))
    vectors = np.abs(eigenvectors[take, :, principal].real)
    lambda_max = eigenvalues[take, principal].real
    if n <= 2:
        return vectors / vectors.sum(axis=1, keepdims=True), np.zeros(len(matrices))
    ratio = np.maximum(lambda_max - n, 0.0) / (n - 1) / ahp_method.RANDOM_INDEX[n - 1]
    return vectors / vectors.sum(axis=1, keepdims=True), ratio


def sensitivity(judgements, selected: dict[str, list[str]], tows: pd.DataFrame, draws: int = 1000,
                seed: int = 20230428, awot_local: pd.DataFrame | None = None, batch: int = 2000,
                max_attempts: int | None = None) -> Sensitivity:
    """Monte Carlo over perturbed judgements, keeping only the sets the book would accept.

    Each attempt moves every judgement of every judge one step up or down Saaty's
    scale (50:50, stopping at 1/9 and 9); with several judges (``judgements`` a list
    of their files' frames) the moved judgements are aggregated by their geometric
    mean (AIJ), as in the baseline. An attempt is kept only when every matrix it
    produces passes the consistency limit, as a reader's file must; attempts go on
    until ``draws`` are kept (or ``max_attempts``, default 200 x ``draws``, are made).
    Each kept draw gives item ranks, link-sum measure ranks and, when ``awot_local``
    (item x measure local priorities of the A'WOT second stage, held fixed) is
    given, A'WOT measure ranks. The acceptance rate is kept / attempted."""
    from analysis.measures import swot_group

    judges = judgements if isinstance(judgements, list) else [judgements]
    frame, _ = swot_group.aligned_values(judges)
    positions = np.stack([swot_group.aligned_positions(judge, frame) for judge in judges])   # judge x judgement
    rng = np.random.default_rng(seed)
    items = [code for group in GROUPS for code in selected[group]]
    levels = {level: list(GROUPS) if level == GROUP_LEVEL else selected[level] for level in list(GROUPS) + [GROUP_LEVEL]}
    cells = {}
    for level, members in levels.items():
        rows = (frame.level == level).to_numpy()
        position = {code: index for index, code in enumerate(members)}
        cells[level] = (np.flatnonzero(rows), [position[c] for c in frame.first[rows]],
                        [position[c] for c in frame.second[rows]])
    measures = sorted(tows.measure.unique())
    addresses = np.zeros((len(measures), len(items)))
    for row in tows.itertuples():
        for code in row.items.split(";"):
            if code in items:
                addresses[measures.index(row.measure), items.index(code)] = 1.0
    max_attempts = max_attempts or 200 * draws
    log_scale = np.log(SCALE_VALUES)
    kept_global, kept_values, attempts, accepted = [], [], 0, 0
    while accepted < draws and attempts < max_attempts:
        size = min(batch, max_attempts - attempts)
        steps = rng.choice([-1, 1], size=(size,) + positions.shape)
        moved = np.clip(positions[None] + steps, 0, len(SCALE_VALUES) - 1)
        values = np.exp(log_scale[moved].mean(axis=1))                      # attempt x judgement
        ok = np.ones(size, dtype=bool)
        weights = {}
        for level, members in levels.items():
            matrix = np.ones((size, len(members), len(members)))
            where, first, second = cells[level]
            matrix[:, first, second] = values[:, where]
            matrix[:, second, first] = 1.0 / values[:, where]
            priorities_, ratio = batch_ahp(matrix)
            ok &= ratio <= ahp_method.CONSISTENCY_LIMIT
            weights[level] = dict(zip(members, priorities_.T))
        group = weights[GROUP_LEVEL]
        global_ = np.column_stack([weights[code[0]][code] * group[code[0]] for code in items])
        kept_global.append(global_[ok])
        kept_values.append(values[ok])
        attempts += size
        accepted += int(ok.sum())
    if accepted == 0:
        raise ValueError(f"none of {attempts} perturbed judgement sets passes the consistency limit")
    global_draws = np.concatenate(kept_global)[:draws]
    value_draws = np.concatenate(kept_values)[:draws]
    awot_ranks = None
    if awot_local is not None:
        local = awot_local.reindex(index=items, columns=measures).to_numpy()
        awot_ranks = pd.DataFrame(_min_ranks(global_draws @ local), columns=measures)
    return Sensitivity(pd.DataFrame(_min_ranks(global_draws), columns=items),
                       pd.DataFrame(_min_ranks(global_draws @ addresses.T), columns=measures), awot_ranks,
                       pd.DataFrame(value_draws, columns=frame.index), attempts, accepted)


def rank_stability(ranks: pd.DataFrame, baseline: pd.Series) -> pd.DataFrame:
    """Per column: the baseline rank, the share of draws that keep it, and the 5th-95th
    percentile range of the rank."""
    # ranked as the draws are, so that priorities equal but for rounding share a rank
    base = pd.Series(_min_ranks(baseline.to_numpy(dtype=float)[None, :])[0], index=baseline.index)
    return pd.DataFrame({
        "rank": base,
        "kept": [(ranks[column] == base[column]).mean() for column in base.index],
        "low": [int(np.percentile(ranks[column], 5)) for column in base.index],
        "high": [int(np.percentile(ranks[column], 95)) for column in base.index],
    }, index=base.index).sort_values("rank", kind="stable")
