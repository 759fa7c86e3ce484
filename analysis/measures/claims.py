"""The claims ledger: every numeric or testable claim of the paper, checked against the
extract by a rule stated before the numbers are looked at.

The claims, their wording in three languages, their place in the paper and (for those
no data here can test) the data that would test them are in
``data/reference/claims.csv``. Each testable claim names a function of this module in
its ``test`` column; the function returns a :class:`Finding` with a verdict and the
values its one-line reason quotes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import DataError
from analysis.paths import DATA_DIR
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
REQUIRED = ["id", "kind", "test", "paper_value"] + [f"{part}_{lang}" for part in ("source", "wording") for lang in LANGS]


@dataclass
class Finding:
    verdict: str
    values: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")


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
        for column in REQUIRED[4:]:
            if not row[column].strip():
                raise DataError(path, "empty value", row=line, field=column)
        if row["test"]:
            if row["test"] not in TESTS:
                raise DataError(path, f"no test function {row['test']!r} in analysis.measures.claims",
                                row=line, field="test")
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
def share_lower_bound(values: pd.DataFrame, members: set[str], paper_share: float, tolerance: float = 0.1) -> Finding:
    """Share of the world total held by the ``members`` found in the extract, in the
    latest year all of them report. It is a lower bound of the share of all members:
    above the paper's figure (beyond ``tolerance``, relative) the claim is inconsistent;
    below it the bound cannot decide."""
    present = sorted(members & set(values.columns) - {"WLD"})
    year = latest_complete_year(values, present + ["WLD"])
    share = values.loc[year, present].sum() / values.loc[year, "WLD"]
    verdict = "inconsistent" if share > paper_share * (1 + tolerance) else "ambiguous"
    return Finding(verdict, {"year": year, "share": share, "members_in_extract": len(present),
                             "members": len(members), "paper": paper_share})


def bri_gdp_share(extract, claim) -> Finding:
    members = bri_members(extract.bri_countries, PAPER_DATE)
    gdp = wdi_series(extract.wdi, "NY.GDP.MKTP.CD")
    return share_lower_bound(gdp, members, paper_numbers(claim.paper_value)[0])


def bri_activity_and_trade(extract, claim) -> Finding:
    """USD 21 trillion of activity and 29% of world trade: lower bounds from the study
    countries that had joined by the cited article's date."""
    activity_trn, trade_share = paper_numbers(claim.paper_value)
    members = bri_members(extract.bri_countries, SOURCE_DATE)
    year = int(SOURCE_DATE[:4])
    gdp = wdi_series(extract.wdi, "NY.GDP.MKTP.CD")
    present = sorted(members & set(gdp.columns) - {"WLD"})
    gdp_trn = gdp.loc[year, present].sum() / 1e12
    trade = wdi_series(extract.wdi, "TX.VAL.MRCH.CD.WT").add(wdi_series(extract.wdi, "TM.VAL.MRCH.CD.WT"))
    trade_bound = trade.loc[year, present].sum() / trade.loc[year, "WLD"]
    over = gdp_trn > activity_trn * 1.1 or trade_bound > trade_share * 1.1
    return Finding("inconsistent" if over else "ambiguous",
                   {"year": year, "gdp_trn": gdp_trn, "trade_share": trade_bound, "members_in_extract": len(present),
                    "members": len(members), "paper_trn": activity_trn, "paper_share": trade_share})


def china_bri_trade_doubling(extract, claim) -> Finding:
    """China's reported exports plus imports with the study countries in the initiative
    (as of the paper's date), from the launch year to the last year in the extract.
    Doubled by then: consistent. Not doubled and the ten years not yet over in the
    data: ambiguous, with the yearly growth the remaining years would need."""
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
    if ratio >= factor:
        return Finding("consistent", values)
    if last >= horizon:
        return Finding("inconsistent", values)
    values["needed_growth"] = (factor / ratio) ** (1 / (horizon - last)) - 1
    return Finding("ambiguous", values)


def bri_country_count(extract, claim) -> Finding:
    """Members on the list at the cited article's date and at the paper's date; the
    claim is consistent when either count is within 10% of the paper's number."""
    number = paper_numbers(claim.paper_value)[0]
    bri = extract.bri_countries
    at_source = len(bri_members(bri, SOURCE_DATE))
    at_paper = len(bri_members(bri, PAPER_DATE))
    dates = pd.to_datetime(bri.join_date, errors="coerce").dropna().sort_values().reset_index(drop=True)
    reached = dates.iloc[int(number) - 1] if len(dates) >= number else None
    close = any(abs(count - number) <= 0.1 * number for count in (at_source, at_paper))
    return Finding("consistent" if close else "inconsistent",
                   {"at_source": at_source, "at_paper": at_paper, "paper": int(number),
                    "reached": reached.strftime("%Y-%m") if reached is not None else ""})


def highway_length(extract, claim, routes_table: pd.DataFrame | None = None) -> Finding:
    """The great-circle length of the highway, along its places and end to end, is a
    lower bound of the road's length: consistent if it does not exceed the paper's
    figure, inconsistent if it does."""
    paper_km = paper_numbers(claim.paper_value)[0]
    table = route_measures.load_routes() if routes_table is None else routes_table
    lengths = route_measures.route_lengths(route_measures.legs(table)).loc["europe_china_highway"]
    values = {"via_places_km": lengths.total_km, "direct_km": lengths.direct_km, "paper_km": paper_km,
              "detour": paper_km / lengths.total_km}
    return Finding("consistent" if lengths.total_km <= paper_km else "inconsistent", values)


def development_gap(extract, claim, far_ahead: tuple[str, ...] = ("DEU", "FRA"), close_ratio: float = 2.0) -> Finding:
    """GDP per head at PPP, latest year all study countries report. The claim holds if
    Germany and France are the two richest and, among the others, the 90th percentile is
    less than ``close_ratio`` times the 10th."""
    gdp_pc = wdi_series(extract.wdi, "NY.GDP.PCAP.PP.CD").drop(columns=["WLD"], errors="ignore")
    countries = list(gdp_pc.columns)
    year = latest_complete_year(gdp_pc, countries)
    latest = gdp_pc.loc[year].sort_values(ascending=False)
    top = list(latest.index[:len(far_ahead)])
    others = latest.drop(list(far_ahead))
    spread = others.quantile(0.9) / others.quantile(0.1)
    richer = [iso3 for iso3 in latest.index[:latest.index.get_loc(far_ahead[-1])] if iso3 not in far_ahead]
    holds = set(top) == set(far_ahead) and spread < close_ratio
    return Finding("consistent" if holds else "inconsistent",
                   {"year": year, "top": top, "richer_than_named": richer, "spread": spread,
                    "close_ratio": close_ratio, "countries": len(countries)})


# A SWOT verdict in the ledger's words
SWOT_VERDICTS = {"supported": "consistent", "contradicted": "inconsistent", "mixed": "ambiguous",
                 "no_data": "not_testable"}


def _swot_evidence(extract, code: str):
    """The SWOT table's evidence for item ``code`` (the ledger checks W1, W8 and T3 as the
    SWOT chapter does, so the two chapters cannot disagree): finding, evidence, verdict and
    the table's named country sets."""
    from analysis.measures import swot

    table = swot.load_items()
    evidence = table.items[code].evidence
    found = swot.EVIDENCE[evidence.measure](extract, None, table.scopes, evidence.params)
    return found, evidence, swot.verdict(found.values, evidence.supported_at, evidence.contradicted_at), table.scopes


def raw_material_exports(extract, claim) -> Finding:
    """W1 read as the SWOT chapter reads it: the route economies whose share of fuels,
    ores and metals in merchandise exports (mean over the SWOT table's years) exceeds the
    world's, judged by the SWOT rule."""
    found, evidence, verdict, _ = _swot_evidence(extract, "W1")
    by_country, world = found.series["share"], found.lines["share"]
    first, last = evidence.params["years"]
    return Finding(SWOT_VERDICTS[verdict], {"above": int((by_country > world).sum()), "countries": len(by_country),
                                            "world": world / 100, "share": found.values["share"],
                                            "first": first, "last": last})


def bilateral_agreements(extract, claim) -> Finding:
    """W8 read as the SWOT chapter reads it: the agreements in force that bind at least
    two study countries, bilateral or not, in the WTO's database and in DESTA, judged by
    the SWOT rule; the reason quotes the WTO's counts."""
    found, _, verdict, _ = _swot_evidence(extract, "W8")
    wto = found.series["wto"]
    return Finding(SWOT_VERDICTS[verdict], {"agreements": int(wto.sum()), "bilateral": int(wto["bilateral"]),
                                            "share": found.values["wto"]})


def growth_slowdown(extract, claim) -> Finding:
    """T3 read as the SWOT chapter reads it: mean real GDP growth in the SWOT table's
    early window minus that in its late window, for China and for the median Western
    country, judged by the SWOT rule (a slowdown past the bar in both: consistent; none
    in either: inconsistent; otherwise ambiguous)."""
    found, evidence, verdict, scopes = _swot_evidence(extract, "T3")
    (early_from, early_to), (late_from, late_to) = evidence.params["early"], evidence.params["late"]
    return Finding(SWOT_VERDICTS[verdict], {**found.values, "west_members": scopes["west"],
                                            "early_from": early_from, "early_to": early_to,
                                            "late_from": late_from, "late_to": late_to})


TESTS = {name: function for name, function in globals().items()
         if name in {"bri_gdp_share", "bri_activity_and_trade", "china_bri_trade_doubling", "bri_country_count",
                     "highway_length", "development_gap", "raw_material_exports", "bilateral_agreements",
                     "growth_slowdown"}}


def ledger(extract, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every claim with its verdict and the values behind it; claims without a test are
    ``not_testable``."""
    claims = load_claims() if claims is None else claims
    findings = [TESTS[claim.test](extract, claim) if claim.test else Finding("not_testable")
                for claim in claims.itertuples()]
    return claims.assign(verdict=[finding.verdict for finding in findings],
                         values=[finding.values for finding in findings])
