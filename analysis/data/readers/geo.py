"""Country outlines from Natural Earth admin-0 GeoJSON (1:110m, v4.0.0).

Features are matched on the ``ADM0_A3`` property, not ``ISO_A3``: Natural Earth gives France
and Norway ISO_A3 "-99". ADM0_A3 is the ISO3 code for the study countries, but not for every
country (Kosovo is KOS, South Sudan SDS, Palestine PSX, Western Sahara SAH).
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from analysis.errors import DataError
from analysis.data.readers._common import code_set, remember_key, require_file

JOIN_PROPERTY = "ADM0_A3"
DECIMALS = 3  # about 100 m, well below what a 1:110m outline resolves


def read_natural_earth(path: str | Path, iso3: str | Iterable[str]) -> dict:
    """A GeoJSON FeatureCollection of the requested countries, sorted by iso3.

    Each feature keeps only the property ``iso3`` and its geometry, with coordinates rounded
    to 3 decimals. A requested code with no feature is an error.
    """
    path = require_file(path)
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise DataError(path, f"not valid UTF-8 ({error.reason}): is the file truncated?"
                        ) from error
    except json.JSONDecodeError as error:
        raise DataError(path, f"not valid JSON ({error.msg}, column {error.colno}): is the file "
                              "truncated?", row=error.lineno) from error
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise DataError(path, "not a GeoJSON FeatureCollection", field="type")
    wanted = code_set(iso3)
    seen: dict[str, int] = {}
    features = []
    for number, feature in enumerate(collection.get("features") or [], start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = properties.get(JOIN_PROPERTY) if isinstance(properties, dict) else None
        if not isinstance(code, str) or not code.strip():
            raise DataError(path, f"feature {number} has no {JOIN_PROPERTY} property",
                            row=number, field=JOIN_PROPERTY)
        code = code.strip()
        remember_key(path, seen, code, number, JOIN_PROPERTY)
        if code in wanted:
            features.append({"type": "Feature", "properties": {"iso3": code},
                             "geometry": _rounded_geometry(path, feature.get("geometry"), number)})
    if absent := wanted - seen.keys():
        raise DataError(path, f"no feature for {sorted(absent)}", field=JOIN_PROPERTY)
    features.sort(key=lambda feature: feature["properties"]["iso3"])
    return {"type": "FeatureCollection", "features": features}


def _rounded_geometry(path: Path, geometry: object, number: int) -> dict:
    if not isinstance(geometry, dict) or "coordinates" not in geometry:
        raise DataError(path, f"feature {number} has no geometry coordinates", row=number,
                        field="coordinates")
    return {"type": geometry.get("type"),
            "coordinates": _rounded(path, geometry["coordinates"], number)}


def _rounded(path: Path, coordinates: object, number: int) -> object:
    """Nested coordinate lists with every number rounded; anything else is an error."""
    if isinstance(coordinates, list):
        return [_rounded(path, item, number) for item in coordinates]
    if isinstance(coordinates, (int, float)) and not isinstance(coordinates, bool):
        return round(coordinates, DECIMALS)
    raise DataError(path, f"feature {number}: coordinate {coordinates!r} is not a number",
                    row=number, field="coordinates")
