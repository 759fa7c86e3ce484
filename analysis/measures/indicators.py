"""Integration indicators for groups of countries and for pairs of countries.

Notation (as in the methods notes). For a group R and a year:

- ``F_ij``: the one-way flow from exporter i to importer j, US$ millions, from the
  bilateral matrix of :func:`analysis.measures.mirror.bilateral_trade` (one value per ordered
  pair; an absent pair counts as zero, a year with no bilateral rows at all as missing).
- ``T_RR``, mutual trade: the members' exports to and imports from the other members,
  ``T_RR = sum over i in R of sum over j in R, j != i, of (F_ij + F_ji)
  = 2 * sum over ordered pairs i != j in R of F_ij``.
  Each flow enters twice, once as a member's export and once as a member's import, just
  as it does in the members' total turnover below. (Each flow counted once is
  ``T_RR / 2``.)
- ``T_R``, total trade: ``sum over i in R of (X_i + M_i)``, each member's own exports
  (FOB) and imports (CIF) with the world (partner ``'WLD'``); missing for a year when
  any member's total is missing.
- ``T_W``, world trade: world exports + world imports (reporter ``'WLD'``).
- ``T_o = T_W - T_R`` (trade of the rest of the world), ``T_oi = T_R - T_RR`` (the
  group's trade with the rest of the world).

Two-country check: A exports 10 to B, B exports 5 to A, neither trades with anyone
else. ``T_RR = 2 * (10 + 5) = 30`` and ``T_R = (10 + 5) + (5 + 10) = 30``, so S = 1.

Indicators (``indicator`` column of the outputs):

- ``mutual_trade_usd_m`` = T_RR; ``total_trade_usd_m`` = T_R.
- ``trade_share``: S = T_RR / T_R, the share of mutual trade in the members' combined
  external trade turnover.
- ``trade_to_gdp_ppp`` / ``trade_to_gdp_usd``: T_RR * 10^6 / sum of members' GDP
  (``NY.GDP.MKTP.PP.CD``, international $, as in the paper; ``NY.GDP.MKTP.CD``, current
  US$). Trade is in US$ millions, GDP in units. Like trade-to-GDP openness ratios it
  counts exports + imports, so it is a ratio that can exceed 1, not a share.
- ``trade_intensity``: I = S / (T_R / T_W) = T_RR * T_W / T_R^2, >= 0, at most T_W / T_R.
- ``symmetric_intensity``: SI = (I - 1) / (I + 1), in [-1, 1).
- ``introversion``: RTII = (HI - HE) / (HI + HE) with HI = S / a, HE = (1 - S) / (1 - a)
  and a = T_oi / T_o; in [-1, 1], 0 when the group's share of its own trade equals its
  share of the rest of the world's trade (S = a, no regional bias). It is computed in
  the equivalent form RTII = (S - a) / (S + a - 2 S a) (multiply HI and HE by
  a (1 - a)), which is the same number whenever 0 < a < 1 and stays defined at the
  edges: +1 for a group with mutual trade and no trade with the rest of the world
  (a = 0), -1 when the rest of the world trades only with the group (a = 1, S < 1).
  It is NaN when T_o is missing or zero (the group is the whole world). Differences of
  sums (T_W - T_R, T_R - T_RR) within a billionth of the larger sum count as zero, so
  that rounding cannot turn an exact zero into a tiny denominator.
- ``migration_share``: people born in one member and living in another member, divided
  by the members' combined population (``SP.POP.TOTL``) in the migrant-stock year
  (1990, 1995, ..., 2015, 2019). Migrant stocks of all ages stand in for labour migrants.
- ``fdi_inflows_to_gdp``: the members' combined FDI net inflows from all sources
  (``BX.KLT.DINV.CD.WD``) over their combined GDP (current US$). This is NOT mutual
  investment (there is no bilateral FDI in the data); it is the closest available proxy
  of the paper's investment family and can be negative (net disinvestment).

For a pair of countries the same formulas apply to the group of those two countries,
so every pair measure is symmetric in the pair.

Missing data: every sum over members is missing when any member's value is missing
(never a partial sum), and a ratio is NaN (never 0 or inf) when its denominator is
missing or not positive. Nothing is clipped: on consistent inputs the shares lie in
[0, 1] and introversion in [-1, 1]; with real mirror data a value outside its range
would signal inconsistent reports (e.g. mirror flows larger than a member's own total)
and is left visible.

Estimate share (``estimate_share`` column): how much of the result rests on IMF
estimates. For a trade aggregate it is the share of its value taken from IMF "e"
cells (:func:`analysis.measures.mirror.estimate_share`; NaN when the aggregate is zero). For a
ratio of trade aggregates it is the largest of the estimate shares of the aggregates it
uses: T_RR and T_R for S; T_RR, T_R and T_W for I, SI and RTII; T_RR for trade to GDP.
Indicators that use no IMF data (migration, FDI) carry NaN ("not applicable").
It is NaN wherever the value is NaN.

Each indicator family is reported over the years of its own data: trade indicators
over the years in the bilateral matrix and the totals, migration over the migrant-stock
years, FDI over the years of the FDI series.

Performance: every indicator for every group (or pair) and year is computed in one
pass of merges and group-bys over a membership table; nothing loops over pairs or
years in Python. The pairs of 26 countries over 21 years take well under a second.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

GDP_PPP = "NY.GDP.MKTP.PP.CD"
GDP_USD = "NY.GDP.MKTP.CD"
POPULATION = "SP.POP.TOTL"
FDI_INFLOWS = "BX.KLT.DINV.CD.WD"
USD_PER_MILLION = 1e6
ROUNDING = 1e-9  # T_W - T_R or T_R - T_RR below this fraction of T_W or T_R counts as 0
WORLD = "WLD"

MUTUAL_TRADE = "mutual_trade_usd_m"
TOTAL_TRADE = "total_trade_usd_m"
TRADE_SHARE = "trade_share"
TRADE_TO_GDP_PPP = "trade_to_gdp_ppp"
TRADE_TO_GDP_USD = "trade_to_gdp_usd"
TRADE_INTENSITY = "trade_intensity"
SYMMETRIC_INTENSITY = "symmetric_intensity"
INTROVERSION = "introversion"
MIGRATION_SHARE = "migration_share"
FDI_INFLOWS_TO_GDP = "fdi_inflows_to_gdp"
INDICATORS = [MUTUAL_TRADE, TOTAL_TRADE, TRADE_SHARE, TRADE_TO_GDP_PPP, TRADE_TO_GDP_USD,
              TRADE_INTENSITY, SYMMETRIC_INTENSITY, INTROVERSION, MIGRATION_SHARE,
              FDI_INFLOWS_TO_GDP]
TRADE_TO_GDP = {GDP_PPP: TRADE_TO_GDP_PPP, GDP_USD: TRADE_TO_GDP_USD}

GROUP_KEYS = ["grouping"]
PAIR_KEYS = ["iso3_a", "iso3_b"]
OUTPUT_COLUMNS = ["year", "indicator", "value", "estimate_share"]
_ONE = "R"  # the grouping name used internally by the one-group functions


# ----------------------------------------------------------------------------------
# one group: public functions
# ----------------------------------------------------------------------------------

def intra_trade(bilateral: pd.DataFrame, members: Iterable[str]) -> pd.DataFrame:
    """T_RR per year: ``year, indicator='mutual_trade_usd_m', value, estimate_share``."""
    membership = _one_group(members)
    wide = _mutual(bilateral, membership, GROUP_KEYS)
    return _single(_long(wide, GROUP_KEYS, {MUTUAL_TRADE: ("T_RR", "e_RR")}))


def group_total_trade(totals: pd.DataFrame, members: Iterable[str]) -> pd.DataFrame:
    """T_R per year: ``year, indicator='total_trade_usd_m', value, estimate_share``."""
    membership = _one_group(members)
    wide = _group_totals(totals, membership, GROUP_KEYS, _years(totals.year))
    return _single(_long(wide, GROUP_KEYS, {TOTAL_TRADE: ("T_R", "e_R")}))


def trade_share(bilateral: pd.DataFrame, totals: pd.DataFrame,
                members: Iterable[str]) -> pd.DataFrame:
    """S = T_RR / T_R per year (``indicator='trade_share'``)."""
    return _trade_indicator(TRADE_SHARE, members, bilateral, totals)


def trade_to_gdp(bilateral: pd.DataFrame, wdi: pd.DataFrame, members: Iterable[str],
                 gdp_indicator: str = GDP_PPP) -> pd.DataFrame:
    """T_RR * 10^6 / sum of members' GDP per year.

    ``gdp_indicator`` is the WDI code: ``NY.GDP.MKTP.PP.CD`` (indicator
    ``trade_to_gdp_ppp``, the default) or ``NY.GDP.MKTP.CD`` (``trade_to_gdp_usd``);
    any other code gives ``trade_to_gdp[CODE]``.
    """
    membership = _one_group(members)
    name = TRADE_TO_GDP.get(gdp_indicator, f"trade_to_gdp[{gdp_indicator}]")
    wide = _mutual(bilateral, membership, GROUP_KEYS)
    gdp = _group_sum(_wdi_series(wdi, gdp_indicator), ["value"], membership, GROUP_KEYS,
                     _years(bilateral.year))
    wide = wide.merge(gdp.rename(columns={"value": "gdp"}), on=GROUP_KEYS + ["year"], how="left")
    wide["ratio"] = _ratio(wide["T_RR"] * USD_PER_MILLION, wide["gdp"])
    return _single(_long(wide, GROUP_KEYS, {name: ("ratio", "e_RR")}))


def trade_intensity(bilateral: pd.DataFrame, totals: pd.DataFrame, world: pd.DataFrame,
                    members: Iterable[str]) -> pd.DataFrame:
    """I = S / (T_R / T_W) per year (``indicator='trade_intensity'``)."""
    return _trade_indicator(TRADE_INTENSITY, members, bilateral, totals, world)


def symmetric_intensity(bilateral: pd.DataFrame, totals: pd.DataFrame, world: pd.DataFrame,
                        members: Iterable[str]) -> pd.DataFrame:
    """SI = (I - 1) / (I + 1) per year (``indicator='symmetric_intensity'``)."""
    return _trade_indicator(SYMMETRIC_INTENSITY, members, bilateral, totals, world)


def introversion(bilateral: pd.DataFrame, totals: pd.DataFrame, world: pd.DataFrame,
                 members: Iterable[str]) -> pd.DataFrame:
    """RTII = (HI - HE) / (HI + HE) per year (``indicator='introversion'``)."""
    return _trade_indicator(INTROVERSION, members, bilateral, totals, world)


def migration_share(migrants: pd.DataFrame, population: pd.DataFrame,
                    members: Iterable[str]) -> pd.DataFrame:
    """Migrants born in one member and living in another / members' population.

    ``population`` has columns ``iso3, year, value`` (persons), e.g. the
    ``SP.POP.TOTL`` rows of the WDI frame. One row per migrant-stock year.
    """
    membership = _one_group(members)
    wide = _migration(migrants, population, membership, GROUP_KEYS)
    return _single(_long(wide, GROUP_KEYS, {MIGRATION_SHARE: ("migration_share", None)}))


def investment_proxy(wdi: pd.DataFrame, members: Iterable[str]) -> pd.DataFrame:
    """``fdi_inflows_to_gdp``: combined FDI net inflows / combined GDP (current US$).

    Not mutual investment: inflows from every source country, see the module notes.
    """
    membership = _one_group(members)
    wide = _investment(wdi, membership, GROUP_KEYS)
    return _single(_long(wide, GROUP_KEYS, {FDI_INFLOWS_TO_GDP: ("fdi_to_gdp", None)}))


def member_contributions(bilateral: pd.DataFrame, members: Iterable[str],
                         totals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each member's part in the group's mutual trade.

    Columns ``iso3, year, mutual_trade_usd_m, contribution, estimate_share`` where
    ``mutual_trade_usd_m`` is T_iR = sum over other members j of (F_ij + F_ji) (member
    i's exports to and imports from the other members; the T_iR add up to T_RR) and
    ``contribution`` = T_iR / T_RR (the contributions add up to 1).

    With ``totals`` three more columns: ``total_trade_usd_m`` = T_i = X_i + M_i,
    ``own_share`` = T_iR / T_i (the member's own trade share with the group) and
    ``weight`` = T_i / T_R. Then S = sum over i of weight_i * own_share_i exactly:
    the group's trade share is the average of its members' own shares weighted by
    their total trade (whenever every T_i > 0).
    """
    membership = _one_group(members)
    intra = _intra_flows(bilateral, membership, GROUP_KEYS)
    ends = pd.concat([
        intra[GROUP_KEYS + ["year", "exporter", "value_usd_m", "estimated"]].rename(columns={"exporter": "iso3"}),
        intra[GROUP_KEYS + ["year", "importer", "value_usd_m", "estimated"]].rename(columns={"importer": "iso3"}),
    ], ignore_index=True)
    per_member = ends.groupby(GROUP_KEYS + ["iso3", "year"], as_index=False)[["value_usd_m", "estimated"]].sum()
    cells = membership.merge(pd.DataFrame({"year": _years(bilateral.year)}), how="cross")
    cells = cells.merge(per_member, on=GROUP_KEYS + ["iso3", "year"], how="left")
    cells[["value_usd_m", "estimated"]] = cells[["value_usd_m", "estimated"]].fillna(0.0)
    group = cells.groupby(GROUP_KEYS + ["year"])["value_usd_m"].transform("sum")
    result = pd.DataFrame({
        "iso3": cells["iso3"],
        "year": cells["year"].astype("int64"),
        "mutual_trade_usd_m": cells["value_usd_m"].to_numpy(float),
        "contribution": _ratio(cells["value_usd_m"], group),
        "estimate_share": _ratio(cells["estimated"], cells["value_usd_m"]),
    })
    if totals is not None:
        own = _checked_totals(totals)
        own = own.assign(total=own.exports + own.imports)[["iso3", "year", "total"]]
        result = result.merge(own, on=["iso3", "year"], how="left")
        group_total = result.groupby("year")["total"].transform("sum", skipna=False)
        result["total_trade_usd_m"] = result.pop("total")
        result["own_share"] = _ratio(result["mutual_trade_usd_m"], result["total_trade_usd_m"])
        result["weight"] = _ratio(result["total_trade_usd_m"], group_total)
    return result.sort_values(["year", "iso3"], ignore_index=True)


# ----------------------------------------------------------------------------------
# all groups, all pairs
# ----------------------------------------------------------------------------------

def indicators_for_groupings(bilateral: pd.DataFrame, totals: pd.DataFrame,
                             world: pd.DataFrame, wdi: pd.DataFrame,
                             migrants: pd.DataFrame, groupings: pd.DataFrame) -> pd.DataFrame:
    """Every indicator for every grouping and year.

    ``groupings`` has columns ``grouping, iso3``. Returns
    ``grouping, year, indicator, value, estimate_share``.
    """
    _require(groupings, ["grouping", "iso3"], "groupings")
    membership = groupings[["grouping", "iso3"]].drop_duplicates(ignore_index=True)
    _check_members(membership.iso3)
    return _all_indicators(bilateral, totals, world, wdi, migrants, membership, GROUP_KEYS)


def indicators_for_pairs(bilateral: pd.DataFrame, totals: pd.DataFrame,
                         world: pd.DataFrame, wdi: pd.DataFrame, migrants: pd.DataFrame,
                         countries: Iterable[str] | None = None) -> pd.DataFrame:
    """Every indicator for every unordered pair of ``countries`` and year.

    ``countries`` defaults to every country in ``totals`` (without ``'WLD'``). Each pair
    appears once, with ``iso3_a < iso3_b``. Returns
    ``iso3_a, iso3_b, year, indicator, value, estimate_share``.
    """
    if countries is None:
        countries = totals.loc[totals.iso3 != WORLD, "iso3"].unique()
    codes = np.array(sorted(set(countries)), dtype=object)
    _check_members(pd.Series(codes, dtype=object))
    first, second = np.triu_indices(len(codes), k=1)
    pairs = pd.DataFrame({"iso3_a": codes[first], "iso3_b": codes[second]})
    membership = pd.concat([pairs.assign(iso3=pairs.iso3_a), pairs.assign(iso3=pairs.iso3_b)],
                           ignore_index=True)
    return _all_indicators(bilateral, totals, world, wdi, migrants, membership, PAIR_KEYS)


# ----------------------------------------------------------------------------------
# the engine: membership = key columns + iso3, one row per member of each group
# ----------------------------------------------------------------------------------

def _all_indicators(bilateral, totals, world, wdi, migrants, membership, keys):
    trade = _trade_wide(membership, keys, bilateral, totals, world, wdi)
    migration = _migration(migrants, _wdi_series(wdi, POPULATION), membership, keys)
    investment = _investment(wdi, membership, keys)
    return pd.concat([
        _long(trade, keys, {
            MUTUAL_TRADE: ("T_RR", "e_RR"),
            TOTAL_TRADE: ("T_R", "e_R"),
            TRADE_SHARE: ("S", "e_S"),
            TRADE_TO_GDP_PPP: ("to_gdp_ppp", "e_RR"),
            TRADE_TO_GDP_USD: ("to_gdp_usd", "e_RR"),
            TRADE_INTENSITY: ("I", "e_I"),
            SYMMETRIC_INTENSITY: ("SI", "e_I"),
            INTROVERSION: ("RTII", "e_I"),
        }),
        _long(migration, keys, {MIGRATION_SHARE: ("migration_share", None)}),
        _long(investment, keys, {FDI_INFLOWS_TO_GDP: ("fdi_to_gdp", None)}),
    ], ignore_index=True).pipe(_sorted, keys)


def _trade_indicator(name, members, bilateral, totals, world=None):
    membership = _one_group(members)
    wide = _trade_wide(membership, GROUP_KEYS, bilateral, totals, world, None)
    column, estimate = {TRADE_SHARE: ("S", "e_S"), TRADE_INTENSITY: ("I", "e_I"),
                        SYMMETRIC_INTENSITY: ("SI", "e_I"), INTROVERSION: ("RTII", "e_I")}[name]
    return _single(_long(wide, GROUP_KEYS, {name: (column, estimate)}))


def _trade_wide(membership, keys, bilateral, totals, world, wdi):
    """One row per group and trade year with every trade aggregate and indicator."""
    years = _years(bilateral.year, totals.year)
    wide = _grid(membership, keys, years)
    wide = wide.merge(_mutual(bilateral, membership, keys), on=keys + ["year"], how="left")
    wide = wide.merge(_group_totals(totals, membership, keys, years), on=keys + ["year"], how="left")
    if world is not None:
        wide = wide.merge(_world(world), on="year", how="left")
    else:
        wide["T_W"] = np.nan
        wide["e_W"] = np.nan
    t_rr, t_r, t_w = (wide[c].to_numpy(float) for c in ("T_RR", "T_R", "T_W"))
    s = _ratio(t_rr, t_r)
    intensity = _ratio(s, _ratio(t_r, t_w))
    t_o = _rounded_to_zero(t_w - t_r, t_w)
    t_oi = _rounded_to_zero(t_r - t_rr, t_r)
    a = _ratio(t_oi, t_o)                            # the group's share of the others' trade
    wide["S"] = s
    wide["I"] = intensity
    wide["SI"] = _ratio(intensity - 1.0, intensity + 1.0)
    wide["RTII"] = _ratio(s - a, s + a - 2.0 * s * a)
    wide["e_S"] = np.fmax(wide["e_RR"].to_numpy(float), wide["e_R"].to_numpy(float))
    wide["e_I"] = np.fmax(wide["e_S"].to_numpy(float), wide["e_W"].to_numpy(float))
    if wdi is not None:
        for code, column in ((GDP_PPP, "to_gdp_ppp"), (GDP_USD, "to_gdp_usd")):
            gdp = _group_sum(_wdi_series(wdi, code), ["value"], membership, keys, years)
            gdp = wide[keys + ["year"]].merge(gdp, on=keys + ["year"], how="left")["value"]
            wide[column] = _ratio(wide["T_RR"] * USD_PER_MILLION, gdp)
    return wide


def _intra_flows(bilateral, membership, keys):
    """Bilateral flows between two distinct members of the same group, per group."""
    _require(bilateral, ["exporter", "importer", "year", "value_usd_m", "estimate"], "bilateral")
    flows = bilateral.loc[bilateral.exporter != bilateral.importer,
                          ["exporter", "importer", "year", "value_usd_m", "estimate"]]
    if flows.duplicated(["exporter", "importer", "year"]).any():
        raise ValueError("bilateral has more than one value for an ordered pair and year")
    members = membership[keys + ["iso3"]]
    flows = flows.merge(members.rename(columns={"iso3": "exporter"}), on="exporter")
    flows = flows.merge(members.rename(columns={"iso3": "importer"}), on=keys + ["importer"])
    flows["estimated"] = flows["value_usd_m"] * flows["estimate"].astype(float)
    return flows


def _mutual(bilateral, membership, keys):
    """T_RR and its estimate share per group, over the years of the bilateral matrix."""
    flows = _intra_flows(bilateral, membership, keys)
    sums = flows.groupby(keys + ["year"], as_index=False)[["value_usd_m", "estimated"]].sum()
    wide = _grid(membership, keys, _years(bilateral.year))
    wide = wide.merge(sums, on=keys + ["year"], how="left")
    one_way = wide["value_usd_m"].fillna(0.0).to_numpy(float)
    wide["T_RR"] = 2.0 * one_way
    wide["e_RR"] = _ratio(wide["estimated"].fillna(0.0), one_way)
    return wide[keys + ["year", "T_RR", "e_RR"]]


def _group_totals(totals, membership, keys, years):
    """T_R and its estimate share per group (missing if any member's total is)."""
    own = _checked_totals(totals)
    own = own.assign(estimated_x=own.exports * own.exports_estimate_share,
                     estimated_m=own.imports * own.imports_estimate_share)
    sums = _group_sum(own, ["exports", "imports", "estimated_x", "estimated_m"],
                      membership, keys, years)
    t_r = (sums["exports"] + sums["imports"]).to_numpy(float)
    sums["T_R"] = t_r
    sums["e_R"] = _ratio(sums["estimated_x"] + sums["estimated_m"], t_r)
    return sums[keys + ["year", "T_R", "e_R"]]


def _world(world):
    _require(world, ["year", "exports", "imports", "exports_estimate_share",
                     "imports_estimate_share"], "world")
    if "iso3" in world.columns:
        world = world[world.iso3 == WORLD]
    if world.year.duplicated().any():
        raise ValueError("world has more than one row for a year")
    t_w = (world.exports + world.imports).to_numpy(float)
    estimated = (world.exports * world.exports_estimate_share
                 + world.imports * world.imports_estimate_share).to_numpy(float)
    return pd.DataFrame({"year": world.year.to_numpy("int64"), "T_W": t_w,
                         "e_W": _ratio(estimated, t_w)})


def _migration(migrants, population, membership, keys):
    """Migrants among members / members' population, per migrant-stock year."""
    _require(migrants, ["origin", "destination", "year", "migrants"], "migrants")
    _require(population, ["iso3", "year", "value"], "population")
    if migrants.duplicated(["origin", "destination", "year"]).any():
        raise ValueError("migrants has more than one value for an origin, destination and year")
    members = membership[keys + ["iso3"]]
    moves = migrants.loc[migrants.origin != migrants.destination,
                         ["origin", "destination", "year", "migrants"]]
    moves = moves.merge(members.rename(columns={"iso3": "origin"}), on="origin")
    moves = moves.merge(members.rename(columns={"iso3": "destination"}), on=keys + ["destination"])
    sums = moves.groupby(keys + ["year"], as_index=False)["migrants"].sum()
    years = _years(migrants.year)
    wide = _grid(membership, keys, years).merge(sums, on=keys + ["year"], how="left")
    wide["migrants"] = wide["migrants"].fillna(0.0)
    people = _group_sum(population, ["value"], membership, keys, years)
    wide = wide.merge(people, on=keys + ["year"], how="left")
    wide["migration_share"] = _ratio(wide["migrants"], wide["value"])
    return wide


def _investment(wdi, membership, keys):
    """Members' FDI net inflows / members' GDP (current US$), per year of the FDI series."""
    fdi = _wdi_series(wdi, FDI_INFLOWS)
    years = _years(fdi.year)
    wide = _group_sum(fdi, ["value"], membership, keys, years).rename(columns={"value": "fdi"})
    gdp = _group_sum(_wdi_series(wdi, GDP_USD), ["value"], membership, keys, years)
    wide = wide.merge(gdp.rename(columns={"value": "gdp"}), on=keys + ["year"], how="left")
    wide["fdi_to_gdp"] = _ratio(wide["fdi"], wide["gdp"])
    return wide


# ----------------------------------------------------------------------------------
# small pieces
# ----------------------------------------------------------------------------------

def _ratio(numerator, denominator) -> np.ndarray:
    """numerator / denominator, NaN where either is missing or the denominator <= 0."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    numerator, denominator = np.broadcast_arrays(numerator, denominator)
    result = np.full(numerator.shape, np.nan)
    valid = np.isfinite(numerator) & np.isfinite(denominator) & (denominator > 0)
    np.divide(numerator, denominator, out=result, where=valid)
    return result


def _rounded_to_zero(difference, scale) -> np.ndarray:
    """A difference of two sums that is zero up to rounding (relative to ``scale``) is 0."""
    difference = np.asarray(difference, dtype=float)
    noise = np.abs(difference) <= ROUNDING * np.abs(np.asarray(scale, dtype=float))
    return np.where(noise, 0.0, difference)


def _group_sum(frame, columns, membership, keys, years):
    """Sum of ``columns`` over each group's members per year; missing if any member is."""
    if frame.duplicated(["iso3", "year"]).any():
        raise ValueError("more than one value for a country and year")
    cells = membership[keys + ["iso3"]].merge(pd.DataFrame({"year": years}), how="cross")
    cells = cells.merge(frame[["iso3", "year"] + columns], on=["iso3", "year"], how="left")
    return cells.groupby(keys + ["year"], as_index=False)[columns].sum(skipna=False)


def _grid(membership, keys, years):
    groups = membership[keys].drop_duplicates(ignore_index=True)
    return groups.merge(pd.DataFrame({"year": years}), how="cross")


def _years(*columns) -> np.ndarray:
    values = pd.concat([pd.Series(c, dtype="int64") for c in columns], ignore_index=True)
    return np.sort(values.unique()).astype("int64")


def _wdi_series(wdi, code):
    _require(wdi, ["iso3", "indicator", "year", "value"], "wdi")
    series = wdi.loc[wdi.indicator == code, ["iso3", "year", "value"]]
    return series.astype({"year": "int64", "value": "float64"})


def _checked_totals(totals):
    _require(totals, ["iso3", "year", "exports", "imports", "exports_estimate_share",
                      "imports_estimate_share"], "totals")
    if totals.duplicated(["iso3", "year"]).any():
        raise ValueError("totals has more than one row for a country and year")
    return totals


def _long(wide, keys, spec):
    """Wide group-year frame -> rows ``keys, year, indicator, value, estimate_share``."""
    pieces = []
    for name, (column, estimate) in spec.items():   # a handful of indicator names
        value = wide[column].to_numpy(float)
        share = (np.full(len(wide), np.nan) if estimate is None
                 else np.where(np.isnan(value), np.nan, wide[estimate].to_numpy(float)))
        piece = wide[keys].copy()
        piece["year"] = wide["year"].to_numpy("int64")
        piece["indicator"] = name
        piece["value"] = value
        piece["estimate_share"] = share
        pieces.append(piece)
    return pd.concat(pieces, ignore_index=True)


def _sorted(frame, keys):
    order = {name: rank for rank, name in enumerate(INDICATORS)}
    rank = frame["indicator"].map(order).fillna(len(order))
    frame = frame.assign(_rank=rank).sort_values(keys + ["year", "_rank"], ignore_index=True)
    return frame.drop(columns="_rank")


def _single(frame):
    return frame.drop(columns=GROUP_KEYS).pipe(_sorted, [])[OUTPUT_COLUMNS]


def _one_group(members: Iterable[str]) -> pd.DataFrame:
    if isinstance(members, str):
        raise TypeError("members must be a collection of ISO3 codes, not one string")
    codes = list(dict.fromkeys(members))
    if not codes:
        raise ValueError("a group needs at least one member")
    _check_members(pd.Series(codes, dtype=object))
    return pd.DataFrame({"grouping": _ONE, "iso3": codes})


def _check_members(codes: pd.Series) -> None:
    if (codes == WORLD).any():
        raise ValueError("'WLD' is the world total, not a member country")


def _require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks columns {missing}")
