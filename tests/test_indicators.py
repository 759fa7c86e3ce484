"""Integration indicators: hand-computed worlds and properties.

Performance is not asserted here. For scale: every indicator for all 325 pairs of 26
countries over 21 years, or for 9 groupings, is one pass of merges and group-bys and
runs in well under a second on a laptop-class machine.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analysis.measures import indicators as ind
from analysis.measures.mirror import FLOW_COLUMNS, bilateral_trade, total_trade

# ---------------------------------------------------------------------------------
# A hand-computed world
# ---------------------------------------------------------------------------------
# One-way flows F (exporter -> importer), US$ millions, the same in 2000 and 2001:
#          to A   to B   to C   to D   to E  | X (exports)
#   A        -     10      5     30      -   |  45
#   B       20      -     15*     5      -   |  40
#   C        -     10      -     25      -   |  35
#   D       20     10     15      -     40   |  85
#   E        -      -      -     60      -   |  60
#   M       40     30     35    120     40   | 265 = world exports = world imports
# (* = IMF estimate). Totals T_i = X_i + M_i: A 85, B 70, C 70, D 205, E 100;
# T_W = 265 + 265 = 530 = 85 + 70 + 70 + 205 + 100.
# C's own export total (35) is an IMF estimate; world exports (265) are an estimate.
# In 2001 C reported no totals at all.
#
# Group R = {A, B, C}, 2000:
#   one-way flows among members: 10 + 5 + 20 + 15 + 10 = 60, so T_RR = 2 * 60 = 120
#   T_R = 85 + 70 + 70 = 225;  S = 120 / 225 = 8/15
#   I = S / (T_R / T_W) = (120 / 225) / (225 / 530) = 63600 / 50625
#   SI = (I - 1) / (I + 1) = (63600 - 50625) / (63600 + 50625) = 12975 / 114225
#   T_o = 530 - 225 = 305, T_oi = 225 - 120 = 105, T_oi / T_o = 21/61
#   HI = (8/15) / (21/61) = 488/315,  HE = (7/15) / (40/61) = 427/600
#   RTII = (HI - HE) / (HI + HE) = 173/467 (= (S - a) / (S + a - 2 S a) with a = 21/61)
#   estimate shares: T_RR 15/60 = 0.25; T_R 35/225; T_W 265/530 = 0.5
#     S -> max(0.25, 35/225) = 0.25;  I, SI, RTII -> max(0.25, 35/225, 0.5) = 0.5
#   GDP (US$): A 400e6, B 300e6, C 300e6 -> 1e9; trade to GDP = 120e6 / 1e9 = 0.12
#   GDP PPP:   A 800e6, B 600e6, C 600e6 -> 2e9; trade to GDP PPP = 0.06
#   FDI inflows: A 10e6, B -5e6, C 15e6 -> 20e6 / 1e9 = 0.02
# Migrant stock 2015 (born in -> living in): A->B 4, B->A 2, C->A 3, A->D 50, D->B 8.
#   Population 2015: A 100, B 50, C 50 (2000: 1000 each, must not be used)
#   migration share R = (4 + 2 + 3) / 200 = 0.045; pair (A, B) = 6 / 150 = 0.04
# Pair (A, B), 2000: T_RR = 2 * (10 + 20) = 60, T_R = 85 + 70 = 155, S = 12/31.

FLOWS = {("A", "B"): 10, ("A", "C"): 5, ("A", "D"): 30, ("B", "A"): 20, ("B", "C"): 15,
         ("B", "D"): 5, ("C", "B"): 10, ("C", "D"): 25, ("D", "A"): 20, ("D", "B"): 10,
         ("D", "C"): 15, ("D", "E"): 40, ("E", "D"): 60}
ESTIMATED = {("B", "C")}
COUNTRIES = ["A", "B", "C", "D", "E"]
R = ["A", "B", "C"]


def hand_bilateral():
    rows = [(e, i, y, float(v), "exporter", (e, i) in ESTIMATED)
            for (e, i), v in FLOWS.items() for y in (2000, 2001)]
    return pd.DataFrame(rows, columns=["exporter", "importer", "year", "value_usd_m",
                                       "source", "estimate"])


def totals_from(bilateral, countries, estimated_exports=()):
    x = bilateral.groupby(["exporter", "year"]).value_usd_m.sum()
    m = bilateral.groupby(["importer", "year"]).value_usd_m.sum()
    grid = pd.MultiIndex.from_product([countries, sorted(bilateral.year.unique())],
                                      names=["iso3", "year"])
    frame = pd.DataFrame(index=grid)
    frame["exports"] = x.rename_axis(["iso3", "year"]).reindex(grid).fillna(0.0)
    frame["imports"] = m.rename_axis(["iso3", "year"]).reindex(grid).fillna(0.0)
    frame["exports_estimate_share"] = [1.0 if c in estimated_exports else 0.0
                                       for c in grid.get_level_values("iso3")]
    frame["imports_estimate_share"] = 0.0
    return frame.reset_index()


def world_from(totals, exports_estimated=False):
    sums = totals.groupby("year")[["exports", "imports"]].sum().reset_index()
    sums["exports_estimate_share"] = 1.0 if exports_estimated else 0.0
    sums["imports_estimate_share"] = 0.0
    return sums.assign(iso3="WLD")


def hand_world():
    bilateral = hand_bilateral()
    totals = totals_from(bilateral, COUNTRIES, estimated_exports={"C"})
    world = world_from(totals, exports_estimated=True)
    missing = (totals.iso3 == "C") & (totals.year == 2001)
    totals.loc[missing, ["exports", "imports", "exports_estimate_share",
                         "imports_estimate_share"]] = np.nan
    wdi = pd.DataFrame(
        [(c, ind.GDP_USD, y, g) for c, g in zip(R, [400e6, 300e6, 300e6]) for y in (2000, 2001)]
        + [(c, ind.GDP_PPP, y, g) for c, g in zip(R, [800e6, 600e6, 600e6]) for y in (2000, 2001)]
        + [(c, ind.FDI_INFLOWS, 2000, f) for c, f in zip(R, [10e6, -5e6, 15e6])]
        + [(c, ind.POPULATION, 2015, p) for c, p in zip(R, [100.0, 50.0, 50.0])]
        + [(c, ind.POPULATION, 2000, 1000.0) for c in R],
        columns=["iso3", "indicator", "year", "value"])
    migrants = pd.DataFrame([("A", "B", 2015, 4.0), ("B", "A", 2015, 2.0), ("C", "A", 2015, 3.0),
                             ("A", "D", 2015, 50.0), ("D", "B", 2015, 8.0), ("A", "A", 2015, 7.0)],
                            columns=["origin", "destination", "year", "migrants"])
    return bilateral, totals, world, wdi, migrants


def value(frame, indicator, year, **keys):
    mask = (frame.indicator == indicator) & (frame.year == year)
    for column, code in keys.items():
        mask &= frame[column] == code
    rows = frame[mask]
    assert len(rows) == 1, (indicator, year, keys)
    return rows.iloc[0].value, rows.iloc[0].estimate_share


def test_hand_world_one_group_functions():
    bilateral, totals, world, wdi, migrants = hand_world()
    t_rr = ind.intra_trade(bilateral, R)
    assert list(t_rr.columns) == ind.OUTPUT_COLUMNS
    assert value(t_rr, "mutual_trade_usd_m", 2000) == (120.0, 0.25)
    t_r = ind.group_total_trade(totals, R)
    v, e = value(t_r, "total_trade_usd_m", 2000)
    assert v == 225.0 and e == pytest.approx(35 / 225)
    assert math.isnan(value(t_r, "total_trade_usd_m", 2001)[0])   # C's total missing

    v, e = value(ind.trade_share(bilateral, totals, R), "trade_share", 2000)
    assert v == pytest.approx(8 / 15) and e == 0.25
    v, e = value(ind.trade_intensity(bilateral, totals, world, R), "trade_intensity", 2000)
    assert v == pytest.approx(63600 / 50625) and e == 0.5
    v, e = value(ind.symmetric_intensity(bilateral, totals, world, R), "symmetric_intensity", 2000)
    assert v == pytest.approx(12975 / 114225) and e == 0.5
    v, e = value(ind.introversion(bilateral, totals, world, R), "introversion", 2000)
    hi, he = 488 / 315, 427 / 600
    assert v == pytest.approx((hi - he) / (hi + he)) and v == pytest.approx(173 / 467)
    assert e == 0.5

    v, e = value(ind.trade_to_gdp(bilateral, wdi, R), "trade_to_gdp_ppp", 2000)
    assert v == pytest.approx(0.06) and e == 0.25
    v, _ = value(ind.trade_to_gdp(bilateral, wdi, R, ind.GDP_USD), "trade_to_gdp_usd", 2000)
    assert v == pytest.approx(0.12)
    population = wdi[wdi.indicator == ind.POPULATION]
    v, e = value(ind.migration_share(migrants, population, R), "migration_share", 2015)
    assert v == pytest.approx(0.045) and math.isnan(e)
    v, e = value(ind.investment_proxy(wdi, R), "fdi_inflows_to_gdp", 2000)
    assert v == pytest.approx(0.02) and math.isnan(e)


def test_hand_world_missing_total_gives_nan_not_zero():
    bilateral, totals, world, wdi, _ = hand_world()
    for function, name in ((ind.trade_intensity, "trade_intensity"),
                           (ind.symmetric_intensity, "symmetric_intensity"),
                           (ind.introversion, "introversion")):
        v, e = value(function(bilateral, totals, world, R), name, 2001)
        assert math.isnan(v) and math.isnan(e)
    v, e = value(ind.trade_share(bilateral, totals, R), "trade_share", 2001)
    assert math.isnan(v) and math.isnan(e)
    # T_RR itself does not need the totals
    assert value(ind.intra_trade(bilateral, R), "mutual_trade_usd_m", 2001)[0] == 120.0
    # a member without GDP makes the ratio missing; zero GDP too
    no_gdp = wdi[~((wdi.iso3 == "B") & (wdi.indicator == ind.GDP_PPP))]
    assert math.isnan(value(ind.trade_to_gdp(bilateral, no_gdp, R), "trade_to_gdp_ppp", 2000)[0])
    zero = wdi.copy()
    zero.loc[zero.indicator == ind.GDP_PPP, "value"] = 0.0
    assert math.isnan(value(ind.trade_to_gdp(bilateral, zero, R), "trade_to_gdp_ppp", 2000)[0])


def test_hand_world_member_contributions():
    # T_AR = A->B 10 + A->C 5 + B->A 20 + C->A 0 = 35
    # T_BR = B->A 20 + B->C 15* + A->B 10 + C->B 10 = 55 (estimate share 15/55)
    # T_CR = C->B 10 + A->C 5 + B->C 15* = 30 (estimate share 15/30)
    # contributions 35/120, 55/120, 30/120; own shares 35/85, 55/70, 30/70;
    # weights 85/225, 70/225, 70/225; sum of weight * own share = 120/225 = S.
    bilateral, totals, *_ = hand_world()
    parts = ind.member_contributions(bilateral, R, totals)
    parts = parts[parts.year == 2000].set_index("iso3")
    assert parts.mutual_trade_usd_m.tolist() == [35.0, 55.0, 30.0]
    assert parts.contribution.tolist() == pytest.approx([35 / 120, 55 / 120, 30 / 120])
    assert parts.estimate_share.tolist() == pytest.approx([0.0, 15 / 55, 0.5])
    assert parts.own_share.tolist() == pytest.approx([35 / 85, 55 / 70, 30 / 70])
    assert parts.weight.tolist() == pytest.approx([85 / 225, 70 / 225, 70 / 225])
    assert (parts.weight * parts.own_share).sum() == pytest.approx(8 / 15)
    # 2001: C's total is missing, so every weight is missing
    later = ind.member_contributions(bilateral, R, totals)
    assert later[later.year == 2001].weight.isna().all()


def test_two_country_world_where_all_trade_is_mutual_has_share_one():
    # A exports 10 to B, B exports 5 to A, nothing else: T_RR = 30 = T_R.
    bilateral = pd.DataFrame({"exporter": ["A", "B"], "importer": ["B", "A"], "year": [2000, 2000],
                              "value_usd_m": [10.0, 5.0], "source": "exporter",
                              "estimate": [False, False]})
    totals = totals_from(bilateral, ["A", "B"])
    world = world_from(totals)
    assert value(ind.trade_share(bilateral, totals, ["A", "B"]), "trade_share", 2000)[0] == 1.0
    # the group is the whole world: I = 1 and T_o = 0, so introversion is undefined
    assert value(ind.trade_intensity(bilateral, totals, world, ["A", "B"]), "trade_intensity", 2000)[0] == 1.0
    assert math.isnan(value(ind.introversion(bilateral, totals, world, ["A", "B"]), "introversion", 2000)[0])


def test_groupings_and_pairs_agree_with_the_one_group_functions():
    bilateral, totals, world, wdi, migrants = hand_world()
    groupings = pd.DataFrame({"grouping": ["r"] * 3 + ["ab"] * 2, "iso3": R + ["A", "B"]})
    table = ind.indicators_for_groupings(bilateral, totals, world, wdi, migrants, groupings)
    assert list(table.columns) == ["grouping"] + ind.OUTPUT_COLUMNS
    assert set(table.indicator) == set(ind.INDICATORS)
    assert value(table, "trade_share", 2000, grouping="r")[0] == pytest.approx(8 / 15)
    assert value(table, "introversion", 2000, grouping="r")[0] == pytest.approx(173 / 467)
    assert value(table, "trade_to_gdp_usd", 2000, grouping="r")[0] == pytest.approx(0.12)
    assert value(table, "fdi_inflows_to_gdp", 2000, grouping="r")[0] == pytest.approx(0.02)
    assert value(table, "migration_share", 2015, grouping="r")[0] == pytest.approx(0.045)
    assert not ((table.indicator == "migration_share") & (table.year == 2000)).any()

    pairs = ind.indicators_for_pairs(bilateral, totals, world, wdi, migrants, countries=COUNTRIES)
    assert list(pairs.columns) == ["iso3_a", "iso3_b"] + ind.OUTPUT_COLUMNS
    assert (pairs.iso3_a < pairs.iso3_b).all()
    assert len(pairs[["iso3_a", "iso3_b"]].drop_duplicates()) == 10       # 5 choose 2
    assert value(pairs, "trade_share", 2000, iso3_a="A", iso3_b="B")[0] == pytest.approx(12 / 31)
    assert value(pairs, "migration_share", 2015, iso3_a="A", iso3_b="B")[0] == pytest.approx(0.04)
    # the pair (A, B) as a grouping gives the same rows as the pairs table
    ab = table[table.grouping == "ab"].drop(columns="grouping").reset_index(drop=True)
    ab_pairs = (pairs[(pairs.iso3_a == "A") & (pairs.iso3_b == "B")]
                .drop(columns=["iso3_a", "iso3_b"]).reset_index(drop=True))
    pd.testing.assert_frame_equal(ab, ab_pairs)
    # a pair with D has no GDP data here: missing, not zero
    assert math.isnan(value(pairs, "trade_to_gdp_ppp", 2000, iso3_a="A", iso3_b="D")[0])


def test_from_raw_reports_end_to_end():
    # A reports exports to B of 10; B reports imports from A of 11 and exports to A of
    # 4 (estimate); A reports imports from B of 5. Bilateral: A->B 10 (exporter),
    # B->A 5 (importer, national). Totals: A 100 + 50, B 60 + 90; world 1000 + 1000.
    # T_RR = 2 * 15 = 30, T_R = 300, S = 0.1, I = 0.1 / 0.15 = 2/3.
    rows = [("A", "B", "exports", 2000, 10.0, False), ("B", "A", "imports", 2000, 11.0, False),
            ("B", "A", "exports", 2000, 4.0, True), ("A", "B", "imports", 2000, 5.0, False),
            ("A", "WLD", "exports", 2000, 100.0, False), ("A", "WLD", "imports", 2000, 50.0, False),
            ("B", "WLD", "exports", 2000, 60.0, False), ("B", "WLD", "imports", 2000, 90.0, False),
            ("WLD", "WLD", "exports", 2000, 1000.0, False),
            ("WLD", "WLD", "imports", 2000, 1000.0, False)]
    flows = pd.DataFrame(rows, columns=FLOW_COLUMNS)
    bilateral = bilateral_trade(flows, ["A", "B"])
    totals = total_trade(flows, ["A", "B"])
    world = total_trade(flows, ["WLD"])
    v, e = value(ind.trade_share(bilateral, totals, ["A", "B"]), "trade_share", 2000)
    assert v == pytest.approx(0.1) and e == 0.0
    v, _ = value(ind.trade_intensity(bilateral, totals, world, ["A", "B"]), "trade_intensity", 2000)
    assert v == pytest.approx(2 / 3)


def test_bad_members_are_rejected():
    bilateral, totals, *_ = hand_world()
    with pytest.raises(ValueError, match="WLD"):
        ind.trade_share(bilateral, totals, ["A", "WLD"])
    with pytest.raises(TypeError):
        ind.trade_share(bilateral, totals, "AB")
    with pytest.raises(ValueError, match="at least one"):
        ind.trade_share(bilateral, totals, [])
    with pytest.raises(ValueError, match="more than one row"):
        ind.trade_share(bilateral, pd.concat([totals, totals.iloc[:1]]), R)


@pytest.mark.parametrize("function", [
    lambda b, t, w, m: ind.intra_trade(b, m),
    lambda b, t, w, m: ind.trade_share(b, t, m),
    lambda b, t, w, m: ind.introversion(b, t, w, m),
    lambda b, t, w, m: ind.member_contributions(b, m, t),
    lambda b, t, w, m: ind.indicators_for_groupings(b, t, w, pd.DataFrame(columns=["iso3", "indicator", "year", "value"]),
                                                    pd.DataFrame(columns=["origin", "destination", "year", "migrants"]),
                                                    pd.DataFrame({"grouping": "r", "iso3": m})),
], ids=["intra_trade", "trade_share", "introversion", "member_contributions", "groupings"])
def test_a_flow_given_twice_is_rejected_not_summed(function):
    # A second value for the ordered pair A->B in 2000 (a mirror matrix built wrongly)
    # would silently double-count the flow: 2 * (60 + 10) = 140 instead of T_RR = 120.
    bilateral, totals, world, *_ = hand_world()
    repeated = pd.concat([bilateral, bilateral.iloc[[0]].assign(source="importer")], ignore_index=True)
    with pytest.raises(ValueError, match="more than one value for an ordered pair and year"):
        function(repeated, totals, world, R)
    # a pair and its reverse, or the same pair in another year, are not repeats
    assert value(ind.intra_trade(bilateral, R), "mutual_trade_usd_m", 2001)[0] == 120.0


# ---------------------------------------------------------------------------------
# Random consistent worlds
# ---------------------------------------------------------------------------------
# Every country's totals are the row and column sums of the full bilateral matrix and
# world trade is the sum over all countries, so the data agree with each other.

@st.composite
def worlds(draw, min_countries=3, max_countries=6):
    n = draw(st.integers(min_countries, max_countries))
    years = [2000 + k for k in range(draw(st.integers(1, 2)))]
    codes = [f"C{k}" for k in range(n)]
    size = len(years) * n * n
    values = draw(st.lists(st.integers(0, 1000), min_size=size, max_size=size))
    flags = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    cube = np.array(values, dtype=float).reshape(len(years), n, n)
    t, e, i = np.nonzero(cube >= 0)
    keep = e != i
    bilateral = pd.DataFrame({
        "exporter": np.array(codes)[e[keep]], "importer": np.array(codes)[i[keep]],
        "year": np.array(years)[t[keep]], "value_usd_m": cube[t, e, i][keep],
        "source": "exporter", "estimate": np.array(flags).reshape(cube.shape)[t, e, i][keep]})
    bilateral = bilateral[bilateral.value_usd_m > 0].reset_index(drop=True)
    totals = totals_from(bilateral, codes)
    totals["exports_estimate_share"] = draw(st.lists(st.sampled_from([0.0, 1.0]),
                                                     min_size=len(totals), max_size=len(totals)))
    world = world_from(totals)
    gdp = draw(st.lists(st.integers(1, 10**6), min_size=2 * n, max_size=2 * n))
    fdi = draw(st.lists(st.integers(-1000, 1000), min_size=n, max_size=n))
    wdi = pd.DataFrame(
        [(c, ind.GDP_USD, y, 1e6 * gdp[k]) for k, c in enumerate(codes) for y in years]
        + [(c, ind.GDP_PPP, y, 1e6 * gdp[n + k]) for k, c in enumerate(codes) for y in years]
        + [(c, ind.FDI_INFLOWS, y, 1e6 * fdi[k]) for k, c in enumerate(codes) for y in years],
        columns=["iso3", "indicator", "year", "value"])
    stock = np.array(draw(st.lists(st.integers(0, 500), min_size=n * n, max_size=n * n)),
                     dtype=float).reshape(n, n)
    np.fill_diagonal(stock, 0.0)
    natives = np.array(draw(st.lists(st.integers(0, 10**4), min_size=n, max_size=n)), dtype=float)
    o, d = np.nonzero(stock > 0)
    migrants = pd.DataFrame({"origin": np.array(codes)[o], "destination": np.array(codes)[d],
                             "year": 2015, "migrants": stock[o, d]})
    population = stock.sum(axis=0) + natives + 1.0       # at least everyone born abroad
    wdi = pd.concat([wdi, pd.DataFrame({"iso3": codes, "indicator": ind.POPULATION,
                                        "year": 2015, "value": population})], ignore_index=True)
    members = draw(st.lists(st.sampled_from(codes), min_size=1, max_size=n, unique=True))
    return bilateral, totals, world, wdi, migrants, codes, members


def all_for(world, members):
    bilateral, totals, world_totals, wdi, migrants, _, _ = world
    groupings = pd.DataFrame({"grouping": "g", "iso3": members})
    return ind.indicators_for_groupings(bilateral, totals, world_totals, wdi, migrants, groupings)


@settings(max_examples=60, deadline=None)
@given(worlds())
def test_shares_and_indices_stay_in_range(world):
    table = all_for(world, world[-1])
    rows = {name: table[table.indicator == name] for name in ind.INDICATORS}
    for name in ("trade_share", "migration_share"):
        v = rows[name].value.dropna()
        assert ((v >= 0) & (v <= 1)).all(), name
    for name in ("introversion", "symmetric_intensity"):
        v = rows[name].value.dropna()
        assert ((v >= -1 - 1e-12) & (v <= 1 + 1e-12)).all(), name
    e = table.estimate_share.dropna()
    assert ((e >= 0) & (e <= 1)).all()
    # intensity is bounded by T_W / T_R
    merged = rows["trade_intensity"].merge(rows["total_trade_usd_m"], on="year")
    bound = merged.year.map(world[2].set_index("year").eval("exports + imports")) / merged.value_y
    assert (merged.value_x.dropna() <= bound[merged.value_x.notna()] * (1 + 1e-12)).all()
    # NaN and never inf
    assert not np.isinf(table.value).any()


@settings(max_examples=60, deadline=None)
@given(worlds(), st.sampled_from([1e-3, 0.37, 1000.0, 7.5e6]))
def test_currency_unit_does_not_matter(world, k):
    bilateral, totals, world_totals, wdi, migrants, codes, members = world
    scaled = (
        bilateral.assign(value_usd_m=bilateral.value_usd_m * k),
        totals.assign(exports=totals.exports * k, imports=totals.imports * k),
        world_totals.assign(exports=world_totals.exports * k, imports=world_totals.imports * k),
        wdi.assign(value=np.where(wdi.indicator == ind.POPULATION, wdi.value, wdi.value * k)),
        migrants, codes, members)
    before, after = all_for(world, members), all_for(scaled, members)
    levels = before.indicator.isin([ind.MUTUAL_TRADE, ind.TOTAL_TRADE])
    np.testing.assert_allclose(after.value[~levels], before.value[~levels], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(after.value[levels], before.value[levels] * k, rtol=1e-9)
    np.testing.assert_allclose(after.estimate_share, before.estimate_share, rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(worlds())
def test_group_share_is_the_trade_weighted_mean_of_member_shares(world):
    # S_R = sum_i (T_i / T_R) * (T_iR / T_i): the weights are the members' total trade
    # T_i = X_i + M_i, the member shares T_iR / T_i count member i's exports to and
    # imports from the other members. An identity whenever every T_i > 0.
    bilateral, totals, _, _, _, _, members = world
    parts = ind.member_contributions(bilateral, members, totals)
    assume((parts.total_trade_usd_m > 0).all())
    combined = (parts.weight * parts.own_share).groupby(parts.year).sum()
    share = ind.trade_share(bilateral, totals, members).set_index("year").value
    np.testing.assert_allclose(combined.sort_index(), share.sort_index(), rtol=1e-12, atol=1e-15)


@settings(max_examples=60, deadline=None)
@given(worlds())
def test_member_contributions_match_a_flow_by_flow_count(world):
    # T_iR counted flow by flow in plain Python; the contribution is T_iR over T_RR as
    # intra_trade computes it (twice the one-way flows among members).
    bilateral, _, _, _, _, _, members = world
    parts = ind.member_contributions(bilateral, members).set_index(["year", "iso3"])
    mutual = ind.intra_trade(bilateral, members).set_index("year").value
    for year in sorted(bilateral.year.unique()):
        for code in members:
            t_ir = sum(row.value_usd_m for row in bilateral[bilateral.year == year].itertuples()
                       if row.exporter in members and row.importer in members
                       and code in (row.exporter, row.importer))
            estimated = sum(row.value_usd_m for row in bilateral[bilateral.year == year].itertuples()
                            if row.estimate and row.exporter in members and row.importer in members
                            and code in (row.exporter, row.importer))
            got = parts.loc[(year, code)]
            assert got.mutual_trade_usd_m == pytest.approx(t_ir)
            if mutual[year] > 0:
                assert got.contribution == pytest.approx(t_ir / mutual[year])
            else:
                assert math.isnan(got.contribution)
            if t_ir > 0:
                assert got.estimate_share == pytest.approx(estimated / t_ir)
            else:
                assert math.isnan(got.estimate_share)


@settings(max_examples=40, deadline=None)
@given(worlds(min_countries=2, max_countries=5), st.data())
def test_pair_measures_are_symmetric(world, data):
    bilateral, totals, world_totals, wdi, migrants, codes, _ = world
    a, b = data.draw(st.lists(st.sampled_from(codes), min_size=2, max_size=2, unique=True))
    # 1. member order does not matter
    for function in (ind.trade_intensity, ind.introversion):
        pd.testing.assert_frame_equal(function(bilateral, totals, world_totals, [a, b]),
                                      function(bilateral, totals, world_totals, [b, a]))
    # 2. swapping the two countries' names everywhere leaves the pair's row unchanged
    swap = {a: b, b: a}
    renamed = (
        bilateral.assign(exporter=bilateral.exporter.replace(swap),
                         importer=bilateral.importer.replace(swap)),
        totals.assign(iso3=totals.iso3.replace(swap)), world_totals,
        wdi.assign(iso3=wdi.iso3.replace(swap)),
        migrants.assign(origin=migrants.origin.replace(swap),
                        destination=migrants.destination.replace(swap)))
    first, second = sorted([a, b])
    original = ind.indicators_for_pairs(bilateral, totals, world_totals, wdi, migrants)
    swapped = ind.indicators_for_pairs(*renamed)

    def rows(table):
        keep = (table.iso3_a == first) & (table.iso3_b == second)
        return table[keep].reset_index(drop=True)
    pd.testing.assert_frame_equal(rows(original), rows(swapped))
    # 3. reversing every flow's direction (exports <-> imports) changes no pair measure
    reversed_ = (bilateral.rename(columns={"exporter": "importer", "importer": "exporter"}),
                 totals.rename(columns={"exports": "imports", "imports": "exports",
                                        "exports_estimate_share": "imports_estimate_share",
                                        "imports_estimate_share": "exports_estimate_share"}),
                 world_totals.rename(columns={"exports": "imports", "imports": "exports"}),
                 wdi, migrants)
    turned = ind.indicators_for_pairs(*reversed_)
    pd.testing.assert_frame_equal(turned[turned.indicator != ind.MIGRATION_SHARE]
                                  .reset_index(drop=True),
                                  original[original.indicator != ind.MIGRATION_SHARE]
                                  .reset_index(drop=True),
                                  check_exact=False, rtol=1e-12)


@st.composite
def neutral_worlds(draw):
    # A region R of k members and an outside O of m countries. One-way flow totals:
    # r inside R, c across (both directions together), o inside O. Then
    #   T_RR = 2r, T_R = 2r + c, T_oi = c, T_W = 2(r + c + o), T_o = c + 2o,
    #   S = 2r / (2r + c) and T_oi / T_o = c / (c + 2o); they are equal iff 4 r o = c^2.
    # Scaling the flows inside O to o = c^2 / (4r) makes the region's trade as
    # regionally unbiased as the world's, so HI = HE and RTII = 0.
    k = draw(st.integers(2, 4))
    m = draw(st.integers(2, 4))
    n = k + m
    values = draw(st.lists(st.integers(1, 1000), min_size=n * n, max_size=n * n))
    matrix = np.array(values, dtype=float).reshape(n, n)
    np.fill_diagonal(matrix, 0.0)
    inside, outside = slice(0, k), slice(k, n)
    r = matrix[inside, inside].sum()
    c = matrix[inside, outside].sum() + matrix[outside, inside].sum()
    matrix[outside, outside] *= c * c / (4 * r * matrix[outside, outside].sum())
    codes = [f"C{j}" for j in range(n)]
    e, i = np.nonzero(~np.eye(n, dtype=bool))
    bilateral = pd.DataFrame({"exporter": np.array(codes)[e], "importer": np.array(codes)[i],
                              "year": 2000, "value_usd_m": matrix[e, i], "source": "exporter",
                              "estimate": False})
    totals = totals_from(bilateral, codes)
    return bilateral, totals, world_from(totals), codes[:k]


@settings(max_examples=100, deadline=None)
@given(neutral_worlds())
def test_introversion_is_zero_without_regional_bias(world):
    bilateral, totals, world_totals, members = world
    rtii = ind.introversion(bilateral, totals, world_totals, members).value.iloc[0]
    assert abs(rtii) < 1e-9


@pytest.mark.parametrize("k", [1.0, 1e-3, 0.37])
def test_introversion_at_the_edges(k):
    # 2001: C2 exports 966 to C1, C3 exports 357 to C0, nothing else.
    #   T_C0 = 357, T_C1 = 966, T_C2 = 966, T_C3 = 357, T_W = 2 * (966 + 357) = 2646.
    # Group {C0, C1, C2}: T_RR = 1932, T_R = 2289, T_o = 357 = T_oi, so a = 1: the rest
    #   of the world (C3) trades only with the group; HE is 0/0 but RTII -> -1.
    # Group {C1, C2}: T_RR = T_R = 1932, T_oi = 0, so a = 0 and S = 1: RTII = +1.
    # Group {C0, C1, C2, C3} is the whole world: T_o = 0, RTII is NaN.
    # Scaling all flows by k must not let rounding move these values.
    bilateral = pd.DataFrame({"exporter": ["C2", "C3"], "importer": ["C1", "C0"],
                              "year": [2001, 2001], "value_usd_m": [966.0 * k, 357.0 * k],
                              "source": "exporter", "estimate": False})
    totals = totals_from(bilateral, ["C0", "C1", "C2", "C3"])
    world = world_from(totals)
    rtii = {name: ind.introversion(bilateral, totals, world, members).value.iloc[0]
            for name, members in (("a=1", ["C0", "C1", "C2"]), ("a=0", ["C1", "C2"]),
                                  ("world", ["C0", "C1", "C2", "C3"]))}
    assert rtii["a=1"] == pytest.approx(-1.0, abs=1e-12)
    assert rtii["a=0"] == pytest.approx(1.0, abs=1e-12)
    assert math.isnan(rtii["world"])


def reported_world(totals):
    """World totals as an agency reports them: the same sums, added up in another order
    (so they may differ from the members' sums in the last binary digit)."""
    world = world_from(totals)
    for flow in ("exports", "imports"):
        world[flow] = [sum(reversed(totals.loc[totals.year == year, flow].tolist()))
                       for year in world.year]
    return world


# Decimal flows among three countries; with the world's own report and the members
# listed out of order, T_W - T_R is 7.1e-15 and T_R - T_RR is -7.1e-15 instead of 0.
# Read as data, a = T_oi / T_o = -1 and introversion would come out as
# 0.9999999999999996. (Listed in sorted order the sums happen to agree exactly.)
WHOLE_WORLD = {("C0", "C1"): 2.8, ("C0", "C2"): 7.2, ("C1", "C0"): 1.6, ("C1", "C2"): 9.7,
               ("C2", "C0"): 4.2, ("C2", "C1"): 5.2}


def decimal_world(flows, codes):
    bilateral = pd.DataFrame([(e, i, 2000, v, "exporter", False) for (e, i), v in flows.items()],
                             columns=["exporter", "importer", "year", "value_usd_m", "source", "estimate"])
    totals = totals_from(bilateral, codes)
    return bilateral, totals, reported_world(totals)


@pytest.mark.parametrize("members", [["C2", "C0", "C1"], ["C1", "C2", "C0"]])
def test_whole_world_introversion_is_undefined_with_decimal_flows(members):
    bilateral, totals, world = decimal_world(WHOLE_WORLD, ["C0", "C1", "C2"])
    t_w = (world.exports + world.imports).iloc[0]
    t_r = value(ind.group_total_trade(totals, members), "total_trade_usd_m", 2000)[0]
    assert 0 < abs(t_w - t_r) < 1e-12                 # the case this test is about
    assert math.isnan(value(ind.introversion(bilateral, totals, world, members), "introversion", 2000)[0])
    table = ind.indicators_for_groupings(
        bilateral, totals, world, pd.DataFrame(columns=["iso3", "indicator", "year", "value"]),
        pd.DataFrame(columns=["origin", "destination", "year", "migrants"]),
        pd.DataFrame({"grouping": "world", "iso3": members}))
    assert math.isnan(value(table, "introversion", 2000, grouping="world")[0])
    assert value(table, "trade_share", 2000, grouping="world")[0] == pytest.approx(1.0)


def test_a_group_with_no_outside_trade_has_introversion_exactly_one_with_decimal_flows():
    # C0, C1, C2 trade only among themselves (T_R - T_RR = -7.1e-15, rounding), C3 and
    # C4 with each other: a = 0 and RTII = +1, not 1 plus or minus rounding.
    flows = {("C0", "C1"): 8.3, ("C0", "C2"): 2.6, ("C1", "C0"): 1.1, ("C1", "C2"): 3.0,
             ("C2", "C0"): 4.1, ("C2", "C1"): 8.1, ("C3", "C4"): 5.0}
    bilateral, totals, world = decimal_world(flows, ["C0", "C1", "C2", "C3", "C4"])
    members = ["C2", "C0", "C1"]
    assert value(ind.introversion(bilateral, totals, world, members), "introversion", 2000)[0] == 1.0


decimals = st.integers(1, 10**7).map(lambda cents: cents / 100) | st.sampled_from([0.1, 0.2, 0.3, 0.7, 1.1])


@settings(max_examples=50, deadline=None)
@given(st.integers(2, 6), st.data())
def test_whole_world_introversion_is_undefined_whatever_the_order(n, data):
    # Any world of decimal flows and its reported world total; the group of every
    # country, in any order, has no "rest of the world": introversion is NaN.
    codes = [f"C{k}" for k in range(n)]
    cells = data.draw(st.lists(st.none() | decimals, min_size=n * n, max_size=n * n))
    flows = {(e, i): cells[a * n + b] for a, e in enumerate(codes) for b, i in enumerate(codes)
             if a != b and cells[a * n + b] is not None}
    assume(flows)
    bilateral, totals, world = decimal_world(flows, codes)
    members = data.draw(st.permutations(codes))
    assert math.isnan(value(ind.introversion(bilateral, totals, world, members), "introversion", 2000)[0])


def test_introversion_is_minus_one_without_mutual_trade():
    # The hand world above has S = 8/15 > T_oi/T_o = 21/61: a positive bias (173/467).
    # Without the flows inside R, S = 0, HI = 0 < HE, so RTII = (0 - HE) / (0 + HE) = -1.
    bilateral, totals, world, *_ = hand_world()
    inside = bilateral.exporter.isin(R) & bilateral.importer.isin(R)
    without = bilateral[~inside].reset_index(drop=True)
    totals2 = totals_from(without, COUNTRIES)
    rtii = ind.introversion(without, totals2, world_from(totals2), R)
    assert value(rtii, "introversion", 2000)[0] == -1.0


def test_inputs_without_their_columns_are_named():
    bilateral, totals, world, wdi, migrants = hand_world()
    population = wdi[wdi.indicator == ind.POPULATION]
    with pytest.raises(ValueError, match=r"^groupings lacks columns \['iso3'\]$"):
        ind.indicators_for_groupings(bilateral, totals, world, wdi, migrants,
                                     pd.DataFrame({"grouping": ["r"]}))
    with pytest.raises(ValueError, match=r"^migrants lacks columns \['migrants'\]$"):
        ind.migration_share(migrants.drop(columns="migrants"), population, R)
    with pytest.raises(ValueError, match=r"^population lacks columns \['value'\]$"):
        ind.migration_share(migrants, population.drop(columns="value"), R)
    with pytest.raises(ValueError, match=r"^bilateral lacks columns \['estimate'\]$"):
        ind.intra_trade(bilateral.drop(columns="estimate"), R)
    with pytest.raises(ValueError, match=r"^totals lacks columns \['imports'\]$"):
        ind.trade_share(bilateral, totals.drop(columns="imports"), R)
    with pytest.raises(ValueError, match=r"^world lacks columns \['exports'\]$"):
        ind.introversion(bilateral, totals, world.drop(columns="exports"), R)
    with pytest.raises(ValueError, match=r"^wdi lacks columns \['indicator'\]$"):
        ind.investment_proxy(wdi.drop(columns="indicator"), R)


def test_a_migrant_stock_given_twice_is_rejected():
    _, _, _, wdi, migrants = hand_world()
    twice = pd.concat([migrants, migrants.iloc[[0]].assign(migrants=5.0)], ignore_index=True)
    with pytest.raises(ValueError, match="^migrants has more than one value for an origin, "
                                         "destination and year$"):
        ind.migration_share(twice, wdi[wdi.indicator == ind.POPULATION], R)


def test_a_group_without_migrants_among_its_members_has_share_zero():
    # B and C send migrants only to A: none live in the other member, 0 / (50 + 50) = 0
    _, _, _, wdi, migrants = hand_world()
    share = ind.migration_share(migrants, wdi[wdi.indicator == ind.POPULATION], ["B", "C"])
    assert share[["year", "value"]].values.tolist() == [[2015, 0.0]]


def test_trade_to_gdp_names_another_gdp_series_by_its_code():
    bilateral, _, _, wdi, _ = hand_world()
    other = wdi[wdi.indicator == ind.GDP_USD].assign(indicator="NY.GDP.OTHER")
    ratio = ind.trade_to_gdp(bilateral, other, R, "NY.GDP.OTHER")
    assert set(ratio.indicator) == {"trade_to_gdp[NY.GDP.OTHER]"}
    assert value(ratio, "trade_to_gdp[NY.GDP.OTHER]", 2000)[0] == pytest.approx(0.12)


def test_pairs_default_to_every_country_in_the_totals_and_refuse_the_world():
    bilateral, totals, world, wdi, migrants = hand_world()
    with_world = pd.concat([totals, world[totals.columns]], ignore_index=True)
    pairs = ind.indicators_for_pairs(bilateral, with_world, world, wdi, migrants)
    assert sorted(set(zip(pairs.iso3_a, pairs.iso3_b))) == [
        (a, b) for a in COUNTRIES for b in COUNTRIES if a < b]
    with pytest.raises(ValueError, match="WLD"):
        ind.indicators_for_pairs(bilateral, totals, world, wdi, migrants, countries=["A", "WLD"])


def test_trade_years_are_those_of_the_matrix_or_the_totals():
    # 2002 has totals but no bilateral rows (T_RR missing); 2003 bilateral rows but no
    # totals (T_R missing); the world total is missing in 2001: every year has its row.
    bilateral, totals, world, *_ = hand_world()
    later = bilateral[bilateral.year == 2001].assign(year=2003)
    bilateral = pd.concat([bilateral, later], ignore_index=True)
    totals = pd.concat([totals, totals[totals.year == 2000].assign(year=2002)], ignore_index=True)
    world = world[world.year == 2000]
    rtii = ind.introversion(bilateral, totals, world, R)
    assert rtii.year.tolist() == [2000, 2001, 2002, 2003]
    assert value(rtii, "introversion", 2000)[0] == pytest.approx(173 / 467)
    assert rtii.value.iloc[1:].isna().all()
    share = ind.trade_share(bilateral, totals, R).set_index("year").value
    assert share[2000] == pytest.approx(8 / 15) and share.loc[[2001, 2002, 2003]].isna().all()


def test_estimated_imports_count_in_the_estimate_shares():
    # Every member's imports and the world's imports are IMF estimates, exports are not:
    # e_R = (M_A + M_B + M_C) / T_R = (40 + 30 + 35) / 225; e_W = 265 / 530.
    bilateral, totals, world, *_ = hand_world()
    totals = totals.assign(exports_estimate_share=0.0, imports_estimate_share=1.0)
    world = world.assign(exports_estimate_share=0.0, imports_estimate_share=1.0)
    assert value(ind.group_total_trade(totals, R), "total_trade_usd_m", 2000)[1] == pytest.approx(105 / 225)
    assert value(ind.introversion(bilateral, totals, world, R), "introversion", 2000)[1] == pytest.approx(0.5)


def test_world_rows_are_picked_by_code_and_not_repeated():
    bilateral, totals, world, *_ = hand_world()
    mixed = pd.concat([totals, world[totals.columns]], ignore_index=True)   # countries + WLD
    expected = ind.trade_intensity(bilateral, totals, world, R)
    pd.testing.assert_frame_equal(ind.trade_intensity(bilateral, totals, mixed, R), expected)
    with pytest.raises(ValueError, match="^world has more than one row for a year$"):
        ind.trade_intensity(bilateral, totals, pd.concat([world, world.iloc[[0]]]), R)


def test_two_different_values_for_one_country_and_year_are_rejected():
    bilateral, totals, _, wdi, _ = hand_world()
    gdp = wdi[wdi.indicator == ind.GDP_USD]
    twice = pd.concat([wdi, gdp.iloc[[0]].assign(value=1.0)], ignore_index=True)
    with pytest.raises(ValueError, match="^more than one value for a country and year$"):
        ind.trade_to_gdp(bilateral, twice, R, ind.GDP_USD)
    other = pd.concat([totals, totals.iloc[[0]].assign(exports=1.0)], ignore_index=True)
    with pytest.raises(ValueError, match="^totals has more than one row for a country and year$"):
        ind.trade_share(bilateral, other, R)


def test_outputs_are_in_the_documented_order_with_a_plain_index():
    bilateral, totals, world, wdi, migrants = hand_world()
    groupings = pd.DataFrame({"grouping": ["r"] * 3 + ["ab"] * 2, "iso3": R + ["A", "B"]})
    table = ind.indicators_for_groupings(bilateral, totals, world, wdi, migrants, groupings)
    assert table.index.tolist() == list(range(len(table)))
    first = table[(table.grouping == "ab") & (table.year == 2000)]
    assert first.indicator.tolist() == [name for name in ind.INDICATORS if name != ind.MIGRATION_SHARE]
    assert table.grouping.iloc[0] == "ab" and table.year.iloc[0] == 2000
    share = ind.trade_share(bilateral, totals, R)
    assert share.index.tolist() == [0, 1]
    parts = ind.member_contributions(bilateral, R, totals)
    assert parts.index.tolist() == list(range(6))
    assert parts[["year", "iso3"]].values.tolist() == [[y, c] for y in (2000, 2001) for c in R]


def test_a_member_without_totals_keeps_its_contribution():
    bilateral, totals, *_ = hand_world()
    parts = ind.member_contributions(bilateral, R, totals[totals.iso3 != "C"])
    row = parts[(parts.year == 2000) & (parts.iso3 == "C")].iloc[0]
    assert row.mutual_trade_usd_m == 30.0 and row.contribution == pytest.approx(30 / 120)
    assert math.isnan(row.total_trade_usd_m) and math.isnan(row.own_share)


def test_bad_member_lists_are_named():
    bilateral, totals, *_ = hand_world()
    with pytest.raises(TypeError, match="^members must be a collection of ISO3 codes, not one string$"):
        ind.trade_share(bilateral, totals, "ABC")
    with pytest.raises(ValueError, match="^a group needs at least one member$"):
        ind.trade_share(bilateral, totals, [])
    with pytest.raises(ValueError, match="^'WLD' is the world total, not a member country$"):
        ind.trade_share(bilateral, totals, ["A", "WLD"])
