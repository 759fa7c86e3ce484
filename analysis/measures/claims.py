"""The claims ledger: every numeric or testable claim of the paper, checked against the
extract by the rule for its kind of claim (changes to the rules made after results were
visible are recorded in ``data/reference/rule_history.csv``).

The claims, their wording in three languages, their place in the paper and (for those
no data here can test) the data that would test them are in
``data/reference/claims.csv``. Each testable claim names a function of this module in
its ``test`` column and the kind of claim in its ``rule`` column. The function measures
(a :class:`Measurement`: the rule's inputs and the values the one-line reason quotes);
:func:`judge` applies the kind's rule from :mod:`analysis.measures.claim_rules`, the
same rule for every claim of that kind.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import DataError
from analysis.paths import DATA_DIR
from analysis.measures import claim_rules
from analysis.measures import routes as route_measures

CLAIMS_FILE = DATA_DIR / "reference" / "claims.csv"
VERDICTS = ("consistent", "inconsistent", "not_testable", "ambiguous")
KINDS = ("numeric", "swot", "other")
LANGS = ("kk", "en", "ru")
# Dates that anchor the claims: the initiative's announcement, the FT article the
# paper cites (its web address carries April 2016), and the paper's last access date.
BRI_LAUNCH_YEAR = 2013
SOURCE_DATE = "2016-04-28"
PAPER_DATE = "2023-04-28"
REQUIRED = ["id", "kind", "test", "rule", "paper_value"] + [f"{part}_{lang}" for part in ("source", "wording") for lang in LANGS]


@dataclass
class Finding:
    verdict: str
    values: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")


@dataclass
class Measurement:
    """What a claim's test measured: ``inputs`` for its kind's rule (keyword arguments of
    the function in :mod:`analysis.measures.claim_rules`) and the ``values`` its reason quotes."""
    inputs: dict
    values: dict = field(default_factory=dict)


def judge(measurement: Measurement, rule: str) -> Finding:
    """The verdict of ``rule`` (a kind of claim) on ``measurement``."""
    if rule not in claim_rules.FUNCTIONS:
        raise ValueError(f"unknown rule {rule!r}; the rules are {claim_rules.RULES}")
    return Finding(claim_rules.FUNCTIONS[rule](**measurement.inputs), measurement.values)


def load_claims(path: Path = CLAIMS_FILE) -> pd.DataFrame:
    """The ledger's claims, checked: unique ids, a known kind, wording and source in
    every language, and a test function or, failing that, the data that would test it."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in REQUIRED + [f"data_needed_{lang}" for lang in LANGS] if c not in table.columns]
    if missing:
        raise DataError(path, f"missing columns {missing}", field=missing[0])
    seen = set()
    for index, row in table.iterrows():
        line = index + 2
        if not row["id"] or row["id"] in seen:
            raise DataError(path, f"claim id {row['id']!r} is empty or repeated", row=line, field="id")
        seen.add(row["id"])
        if row["kind"] not in KINDS:
            raise DataError(path, f"kind {row['kind']!r} is not one of {KINDS}", row=line, field="kind")
        for column in REQUIRED[5:]:
            if not row[column].strip():
                raise DataError(path, "empty value", row=line, field=column)
        if row["test"]:
            if row["test"] not in TESTS:
                raise DataError(path, f"no test function {row['test']!r} in analysis.measures.claims",
                                row=line, field="test")
            if row["rule"] not in claim_rules.RULES:
                raise DataError(path, f"rule {row['rule']!r} is not one of {claim_rules.RULES}", row=line, field="rule")
        elif row["rule"]:
            raise DataError(path, "a claim without a test has no rule", row=line, field="rule")
        else:
            for lang in LANGS:
                if not row[f"data_needed_{lang}"].strip():
                    raise DataError(path, "a claim without a test must name the data that would test it",
                                    row=line, field=f"data_needed_{lang}")
    return table


def paper_numbers(value: str) -> list[float]:
    """The numbers the paper gives for a claim (``"21;0.29"`` -> [21.0, 0.29])."""
    return [float(part) for part in value.split(";") if part.strip()]


# ---- helpers on the extract ------------------------------------------------------------
def bri_members(bri: pd.DataFrame, on: str) -> set[str]:
    """Countries that had joined the initiative by date ``on`` and not left it."""
    joined = pd.to_datetime(bri.join_date, errors="coerce") <= pd.Timestamp(on)
    exit_ = pd.to_datetime(bri.exit_date, errors="coerce")
    still_in = exit_.isna() | (exit_ > pd.Timestamp(on))
    return set(bri.loc[joined & still_in, "iso3"])


def wdi_series(wdi: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """One WDI indicator as a year × country table."""
    rows = wdi[wdi.indicator == indicator]
    if rows.empty:
        raise DataError(DATA_DIR / "wdi.csv", f"indicator {indicator} is not in the extract", field="indicator")
    return rows.pivot_table(index="year", columns="iso3", values="value")


def latest_complete_year(table: pd.DataFrame, columns: list[str]) -> int:
    """The last year in which every one of ``columns`` has a value."""
    complete = table[columns].dropna()
    if complete.empty:
        raise ValueError(f"no year has values for all of {columns}")
    return int(complete.index.max())


# ---- the tests -----------------------------------------------------------------------
def share_lower_bound(values: pd.DataFrame, members: set[str], paper_share: float) -> Measurement:
    """Share of the world total held by the ``members`` found in the extract, in the
    latest year all of them report: a lower bound of the share of all members."""
    present = sorted(members & set(values.columns) - {"WLD"})
    year = latest_complete_year(values, present + ["WLD"])
    share = values.loc[year, present].sum() / values.loc[year, "WLD"]
    return Measurement({"bounds": [share], "figures": [paper_share]},
                       {"year": year, "share": share, "members_in_extract": len(present),
                        "members": len(members), "paper": paper_share})


def bri_gdp_share(extract, claim) -> Measurement:
    members = bri_members(extract.bri_countries, PAPER_DATE)
    gdp = wdi_series(extract.wdi, "NY.GDP.MKTP.CD")
    return share_lower_bound(gdp, members, paper_numbers(claim.paper_value)[0])


def bri_activity_and_trade(extract, claim) -> Measurement:
    """USD 21 trillion of activity and 29% of world trade: lower bounds from the study
    countries that had joined by the cited article's date, in that year."""
    activity_trn, trade_share = paper_numbers(claim.paper_value)
    members = bri_members(extract.bri_countries, SOURCE_DATE)
    year = int(SOURCE_DATE[:4])
    gdp = wdi_series(extract.wdi, "NY.GDP.MKTP.CD")
    present = sorted(members & set(gdp.columns) - {"WLD"})
    gdp_trn = gdp.loc[year, present].sum() / 1e12
    trade = wdi_series(extract.wdi, "TX.VAL.MRCH.CD.WT").add(wdi_series(extract.wdi, "TM.VAL.MRCH.CD.WT"))
    trade_bound = trade.loc[year, present].sum() / trade.loc[year, "WLD"]
    return Measurement({"bounds": [gdp_trn, trade_bound], "figures": [activity_trn, trade_share]},
                       {"year": year, "gdp_trn": gdp_trn, "trade_share": trade_bound, "members_in_extract": len(present),
                        "members": len(members), "paper_trn": activity_trn, "paper_share": trade_share})


def china_bri_trade_doubling(extract, claim) -> Measurement:
    """China's reported exports plus imports with the study countries in the initiative
    (as of the paper's date), from the launch year to the last year in the extract, as a
    ratio (the claim: 2, no change: 1). The ten years are the claim's deadline; before it,
    the values add the yearly growth the remaining years would need."""
    factor = paper_numbers(claim.paper_value)[0]
    partners = bri_members(extract.bri_countries, PAPER_DATE) - {"CHN"}
    flows = extract.trade_flows
    china = flows[(flows.reporter == "CHN") & flows.partner.isin(partners)]
    by_year = china.groupby("year").value_usd_m.sum()
    last = int(by_year.index.max())
    ratio = by_year.loc[last] / by_year.loc[BRI_LAUNCH_YEAR]
    horizon = BRI_LAUNCH_YEAR + 10
    values = {"start": BRI_LAUNCH_YEAR, "last": last, "horizon": horizon, "ratio": ratio,
              "partners": china.partner.nunique(), "observed_growth": ratio ** (1 / (last - BRI_LAUNCH_YEAR)) - 1}
    if ratio < factor and last < horizon:
        values["needed_growth"] = (factor / ratio) ** (1 / (horizon - last)) - 1
    return Measurement({"changes": [ratio], "claimed": factor, "no_change": 1.0, "deadline_passed": last >= horizon},
                       values)


def bri_country_count(extract, claim) -> Measurement:
    """Members on the list at the cited article's date and at the paper's date (the
    claim may refer to either), and when the list reached the paper's number."""
    number = paper_numbers(claim.paper_value)[0]
    bri = extract.bri_countries
    at_source = len(bri_members(bri, SOURCE_DATE))
    at_paper = len(bri_members(bri, PAPER_DATE))
    dates = pd.to_datetime(bri.join_date, errors="coerce").dropna().sort_values().reset_index(drop=True)
    reached = dates.iloc[int(number) - 1] if len(dates) >= number else None
    return Measurement({"counts": [at_source, at_paper], "figure": number},
                       {"at_source": at_source, "at_paper": at_paper, "paper": int(number),
                        "reached": reached.strftime("%Y-%m") if reached is not None else ""})


HIGHWAY = "europe_china_highway"


def highway_length(extract, claim, routes_table: pd.DataFrame | None = None) -> Measurement:
    """The great-circle length of the highway through its places, a lower bound of the
    road's length (and, for the reason, end to end)."""
    paper_km = paper_numbers(claim.paper_value)[0]
    table = route_measures.load_routes() if routes_table is None else routes_table
    lengths = route_measures.route_lengths(route_measures.legs(table)).loc[HIGHWAY]
    return Measurement({"bounds": [lengths.total_km], "figures": [paper_km]},
                       {"via_places_km": lengths.total_km, "direct_km": lengths.direct_km, "paper_km": paper_km,
                        "detour": paper_km / lengths.total_km})


def development_gap(extract, claim, far_ahead: tuple[str, ...] = ("DEU", "FRA"), close_ratio: float = 2.0) -> Measurement:
    """GDP per head at PPP, latest year all study countries report. Two conditions:
    Germany and France are the two richest; among the others, the 90th percentile is
    less than ``close_ratio`` times the 10th."""
    gdp_pc = wdi_series(extract.wdi, "NY.GDP.PCAP.PP.CD").drop(columns=["WLD"], errors="ignore")
    countries = list(gdp_pc.columns)
    year = latest_complete_year(gdp_pc, countries)
    latest = gdp_pc.loc[year].sort_values(ascending=False)
    top = list(latest.index[:len(far_ahead)])
    others = latest.drop(list(far_ahead))
    spread = others.quantile(0.9) / others.quantile(0.1)
    richer = [iso3 for iso3 in latest.index[:latest.index.get_loc(far_ahead[-1])] if iso3 not in far_ahead]
    return Measurement({"holds": [set(top) == set(far_ahead), spread < close_ratio]},
                       {"year": year, "top": top, "richer_than_named": richer, "spread": spread,
                        "close_ratio": close_ratio, "countries": len(countries)})


CORRIDORS = ("sreb_central", "sreb_southern", "traceca")


def central_corridor_customs(extract, claim, routes_table: pd.DataFrame | None = None) -> Measurement:
    """Customs borders on the central corridor, the southern corridor and TRACECA, counted
    as the routes chapter counts them (countries read off the great-circle arcs, customs
    territories from the WTO's customs unions in force). One condition per alternative:
    the central corridor crosses fewer borders than it."""
    from analysis.measures.integration_stages import BLOC_AGREEMENTS

    table = route_measures.load_routes() if routes_table is None else routes_table
    shapes = json.loads((DATA_DIR / "country_shapes.geojson").read_text(encoding="utf-8"))
    crossed = route_measures.countries_crossed(route_measures.legs(table), shapes)
    territory = route_measures.customs_territories(extract.trade_agreements_wto, BLOC_AGREEMENTS)
    borders = {route: len(route_measures.customs_borders(crossed[route], territory)) for route in CORRIDORS}
    central, *others = CORRIDORS
    return Measurement({"holds": [borders[central] < borders[other] for other in others]},
                       {"central": borders["sreb_central"], "southern": borders["sreb_southern"],
                        "traceca": borders["traceca"]})


# A SWOT verdict in the ledger's words
SWOT_VERDICTS = {"supported": "consistent", "contradicted": "inconsistent", "mixed": "ambiguous",
                 "no_data": "not_testable"}
SWOT_ITEMS_FILE = DATA_DIR / "reference" / "swot_items.yml"


def _swot_evidence(extract, code: str):
    """The SWOT table's evidence for item ``code`` (the ledger measures W1, W8 and T3 as
    the SWOT chapter does): finding, evidence, the SWOT chapter's verdict and the table's
    named country sets."""
    from analysis.measures import swot

    table = swot.load_items()
    evidence = table.items[code].evidence
    found = swot.EVIDENCE[evidence.measure](extract, None, table.scopes, evidence.params)
    return found, evidence, swot.verdict(found.values, evidence.supported_at, evidence.contradicted_at), table.scopes


def _majority_bars(evidence, code: str) -> None:
    """W1 and W8 are "most" claims: the SWOT table must judge them with the ledger's bars."""
    if (evidence.supported_at, evidence.contradicted_at) != (claim_rules.MOST, claim_rules.FEW):
        raise DataError(SWOT_ITEMS_FILE, f"item {code}: bars {evidence.supported_at}/{evidence.contradicted_at} differ "
                        f"from the ledger's majority rule ({claim_rules.MOST}/{claim_rules.FEW})", field="supported_at")


def raw_material_exports(extract, claim) -> Measurement:
    """W1 measured as the SWOT chapter measures it: the share of route economies whose
    share of fuels, ores and metals in merchandise exports (mean over the SWOT table's
    years) exceeds the world's."""
    found, evidence, _, scopes = _swot_evidence(extract, "W1")
    _majority_bars(evidence, "W1")
    by_country, world = found.series["share"], found.lines["share"]
    first, last = evidence.params["years"]
    # the scope's countries without the series in those years: the SWOT table names the
    # whole scope, the count here only those with data, and the reason says which are left out
    without = [c for c in scopes[evidence.params["scope"]] if c not in by_country.index]
    return Measurement({"shares": list(found.values.values())},
                       {"above": int((by_country > world).sum()), "countries": len(by_country),
                        "scope": len(scopes[evidence.params["scope"]]), "without": without,
                        "world": world / 100, "share": found.values["share"], "first": first, "last": last})


def bilateral_agreements(extract, claim) -> Measurement:
    """W8 measured as the SWOT chapter measures it: the share of bilateral agreements
    among those in force that bind at least two study countries, in the WTO's database
    and in DESTA (both must pass); the reason quotes the WTO's counts."""
    found, evidence, _, _ = _swot_evidence(extract, "W8")
    _majority_bars(evidence, "W8")
    wto = found.series["wto"]
    return Measurement({"shares": list(found.values.values())},
                       {"agreements": int(wto.sum()), "bilateral": int(wto["bilateral"]),
                        "share": found.values["wto"], "desta_share": found.values["desta"]})


def growth_slowdown(extract, claim) -> Measurement:
    """T3 measured as the SWOT chapter measures it: mean real GDP growth in the SWOT
    table's early window minus that in its late window, in points, for China and for the
    median Western country; the claimed slowdown and "no slowdown" are the SWOT table's
    two bars for T3."""
    found, evidence, _, scopes = _swot_evidence(extract, "T3")
    (early_from, early_to), (late_from, late_to) = evidence.params["early"], evidence.params["late"]
    return Measurement({"changes": list(found.values.values()), "claimed": evidence.supported_at,
                        "no_change": evidence.contradicted_at},
                       {**found.values, "west_members": scopes["west"], "claimed": evidence.supported_at,
                        "early_from": early_from, "early_to": early_to, "late_from": late_from, "late_to": late_to})


def _swot_table():
    from analysis.measures import swot

    return swot.load_items()


# The years after 2020: the pandemic's fall (2020) and rebound (2021) are left out of both windows
AFTER_EARLY = (2015, 2019)
AFTER_LATE_FROM = 2022
AFTER_FROM = 2021
AFTER_DEPRECIATION_ABOVE, AFTER_INFLATION_ABOVE = 20, 5  # per cent: the SWOT table's bars for T5


def growth_slowdown_after_2020(extract, claim) -> Measurement:
    """T3 on the later years: mean real GDP growth in 2015–2019 minus that in 2022 to
    the last year all of China and the Western members report, in points, for China and
    for the median Western country; judged with the same bars as T3 (a slowdown of at
    least 1 point, none at all: the SWOT table's bars for T3)."""
    from analysis.measures.swot_evidence import growth_slowdown

    table = _swot_table()
    scopes, bars = table.scopes, table.items["T3"].evidence
    members = scopes["china"] + scopes["west"]
    growth = wdi_series(extract.wdi, "NY.GDP.MKTP.KD.ZG")
    late_to = latest_complete_year(growth, members)
    found = growth_slowdown(extract, None, scopes, {"scopes": ["china", "west"], "early": list(AFTER_EARLY),
                                                    "late": [AFTER_LATE_FROM, late_to]})
    return Measurement({"changes": [found.values["china"], found.values["west"]], "claimed": bars.supported_at,
                        "no_change": bars.contradicted_at},
                       {**found.values, "west_members": scopes["west"], "early_from": AFTER_EARLY[0],
                        "early_to": AFTER_EARLY[1], "late_from": AFTER_LATE_FROM, "late_to": late_to,
                        "left_out": list(range(AFTER_EARLY[1] + 1, AFTER_LATE_FROM))})


def currency_instability_after_2020(extract, claim) -> Measurement:
    """T5 on the later years, measured as the SWOT chapter measures T5: the share of the
    major world currencies (the euro and the yuan) that lost more than 20 % against the
    dollar in some year from 2021, and the share of the years from 2021 in which world
    inflation exceeded 5 %, to the last year of world inflation in the extract."""
    from analysis.measures.swot_evidence import major_currency_instability

    scopes = _swot_table().scopes
    world = wdi_series(extract.wdi, "FP.CPI.TOTL.ZG")
    last = latest_complete_year(world, ["WLD"])
    found = major_currency_instability(extract, None, scopes, {"scope": "major_currencies", "years": [AFTER_FROM, last],
                                                               "inflation_above": AFTER_INFLATION_ABOVE,
                                                               "depreciation_above": AFTER_DEPRECIATION_ABOVE})
    depreciation, inflation = found.series["depreciation"], found.series["inflation"]
    return Measurement({"shares": [found.values["depreciation"], found.values["inflation"]]},
                       {"first": AFTER_FROM, "last": last, "largest_depreciation": float(depreciation.max()) / 100,
                        "largest_currency": str(depreciation.idxmax()), "currencies": int(depreciation.size),
                        "inflation_years": int((inflation > AFTER_INFLATION_ABOVE).sum()), "years": int(inflation.size),
                        "depreciation_above": AFTER_DEPRECIATION_ABOVE / 100, "inflation_above": AFTER_INFLATION_ABOVE / 100,
                        "peak_inflation": float(inflation.max()) / 100, "peak_year": int(inflation.idxmax())})


TESTS = {name: function for name, function in globals().items()
         if name in {"bri_gdp_share", "bri_activity_and_trade", "china_bri_trade_doubling", "bri_country_count",
                     "highway_length", "development_gap", "raw_material_exports", "bilateral_agreements",
                     "growth_slowdown", "central_corridor_customs",
                     "growth_slowdown_after_2020", "currency_instability_after_2020"}}


def load_or_build_ledger() -> pd.DataFrame:
    """:func:`ledger` on the extract in ``data/`` and the claims file, built once per
    build and read by the claims and conclusions chapters in every language."""
    from analysis.data.load import load_or_read_extract
    from analysis.measures import cache

    return cache.load_or_compute("claims", "ledger", cache.content_key(), lambda: ledger(load_or_read_extract()))


def ledger(extract, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every claim with its verdict (its kind's rule applied to what its test measured)
    and the values behind it; claims without a test are ``not_testable``."""
    claims = load_claims() if claims is None else claims
    findings = [judge(TESTS[claim.test](extract, claim), claim.rule) if claim.test else Finding("not_testable")
                for claim in claims.itertuples()]
    return claims.assign(verdict=[finding.verdict for finding in findings],
                         values=[finding.values for finding in findings])
