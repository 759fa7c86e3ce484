"""The project's reference tables (``data/reference/``): study countries, groupings,
IMF area names, WDI source candidates and the source descriptions."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd
import pycountry

from analysis.paths import DATA_DIR

REFERENCE_DIR = DATA_DIR / "reference"
WORLD = "WLD"
EUROPEAN_UNION = "EUU"


@cache
def study_countries(reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "countries.csv", dtype={"iso3": str, "undesa_name": str})


def study_iso3(reference_dir: Path = REFERENCE_DIR) -> list[str]:
    return sorted(study_countries(reference_dir).iso3)


@cache
def groupings(reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "groupings.csv", dtype=str)


def iso_numeric(iso3: str) -> int:
    return int(pycountry.countries.get(alpha_3=iso3).numeric)


@cache
def sources(reference_dir: Path = REFERENCE_DIR) -> dict:
    return json.loads((reference_dir / "sources.json").read_text(encoding="utf-8"))


def display_order(reference_dir: Path = REFERENCE_DIR) -> list[str]:
    """Study countries in the order their groupings are listed (Central Asia first),
    then the rest alphabetically: neighbours stay next to each other in figures."""
    listed = list(dict.fromkeys(groupings(reference_dir).query("grouping != 'new_silk_road'").iso3))
    return listed + [c for c in study_iso3(reference_dir) if c not in listed]
