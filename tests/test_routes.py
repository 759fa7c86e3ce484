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
