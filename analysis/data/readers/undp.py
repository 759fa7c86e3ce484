"""UNDP Human Development Report: the composite indices time series CSV.

The file (``HDR23-24_Composite_indices_complete_time_series.csv``) is wide: one row per
country or aggregate, one ``hdi_<year>`` column per year. The mirrored copy is UTF-8 with
a BOM and two country names were mangled by an encoding round trip (Côte d'Ivoire,
Türkiye), so countries are identified by the ``iso3`` column only and names are not read.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from analysis.errors import DataError
from analysis.data.readers._common import (RowCount, code_set, header_positions, parse_float,
                                           parse_iso3, read_csv, remember_key, tidy_frame)

HDI_COLUMN = re.compile(r"hdi_(\d{4})")
AGGREGATE_PREFIX = "ZZ"  # UNDP's regional and development-group rows, e.g. ZZK.WORLD


def read_hdr(path: str | Path, iso3: str | Iterable[str] | None = None, *,
             known: set[str] | None = None, count: RowCount | None = None) -> pd.DataFrame:
    """Human Development Index by country and year: columns iso3 (str), year (int), hdi (float).

    Aggregate rows (iso3 starting with ``ZZ``) are dropped and empty cells skipped.
    ``iso3`` restricts the result to these countries; asking for one not in the file is an error.
    A code that is not an aggregate and not in ``known`` (when given) is an error too.
    """
    count = count if count is not None else RowCount("country-year cell")
    path = Path(path)
    header, records = read_csv(path)
    iso3_at = header_positions(path, header, ["iso3"])["iso3"]
    years = [(position, int(match[1])) for position, name in enumerate(header)
             if (match := HDI_COLUMN.fullmatch(name))]
    if not years:
        raise DataError(path, "no hdi_<year> column in the header", row=1, field="hdi_<year>")
    wanted = None if iso3 is None else code_set(iso3)
    first_row_of: dict[str, int] = {}
    rows = []
    for line, fields in records:
        if fields[iso3_at].startswith(AGGREGATE_PREFIX):
            count.drop("an aggregate", len(years))
            continue
        code = parse_iso3(path, fields[iso3_at], line, "iso3")
        if known is not None and code not in known:
            raise DataError(path, f"code {code!r} is neither a known country nor a UNDP aggregate (ZZ...)",
                            row=line, field="iso3")
        remember_key(path, first_row_of, code, line, "iso3")
        if wanted is not None and code not in wanted:
            count.drop("not a study country", len(years))
            continue
        for position, year in years:
            if not fields[position].strip():
                count.drop("no value")
                continue
            count.keep()
            hdi = parse_float(path, fields[position], line, header[position])
            if not 0 <= hdi <= 1:
                raise DataError(path, f"HDI {hdi} is outside [0, 1]", row=line,
                                field=header[position])
            rows.append((code, year, hdi))
    if wanted is not None and (absent := wanted - first_row_of.keys()):
        raise DataError(path, f"countries not in the file: {sorted(absent)}", field="iso3")
    return tidy_frame(rows, {"iso3": "str", "year": "int64", "hdi": "float64"},
                      ["iso3", "year"])
