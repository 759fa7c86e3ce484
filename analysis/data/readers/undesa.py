"""UN DESA International Migrant Stock: the 2019 origin x destination matrix (a wide
CSV reshaped from the agency's file) and the 2020 totals by destination (agency xlsx)."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from analysis.errors import DataError
from analysis.data.readers._common import read_sheet, require_file

TABLE_SHEET = "Table 1"
TABLE_HEADER_ROW = 11
LOCATION_CODE = "Location code"


def read_bilateral_2019(path: Path, names_to_iso3: dict[str, str]) -> pd.DataFrame:
    """Stocks of people born in ``origin`` living in ``destination`` (both among the
    countries named in ``names_to_iso3``, keyed by the UN's own English names).

    Returns iso3 origin, destination, year, migrants (persons). Empty cells are zero in
    the UN's table (no migrants recorded) and are kept as such.
    """
    path = require_file(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        if header[:2] != ["Year", "Dest"]:
            raise DataError(path, "first columns must be 'Year', 'Dest'", row=1, field="Year" if header[:1] != ["Year"] else "Dest")
        missing = sorted(set(names_to_iso3) - set(header[2:]))
        if missing:
            raise DataError(path, f"origin columns missing: {missing}", row=1, field=missing[0])
        origin_columns = [(i, names_to_iso3[name]) for i, name in enumerate(header) if i >= 2 and name in names_to_iso3]
        records, seen = [], {}
        for line, row in enumerate(reader, start=2):
            if not row or row[1] not in names_to_iso3:
                continue
            destination = names_to_iso3[row[1]]
            try:
                year = int(row[0])
            except ValueError:
                raise DataError(path, f"year is not a whole number: {row[0]!r}", row=line, field="Year") from None
            if (destination, year) in seen:
                raise DataError(path, f"destination {row[1]!r} year {year} repeats line {seen[destination, year]}",
                                row=line, field="Dest")
            seen[destination, year] = line
            for index, origin in origin_columns:
                if origin == destination:
                    continue
                cell = row[index].strip() if index < len(row) else ""
                records.append((origin, destination, year, _persons(cell, path, line, header[index])))
    frame = pd.DataFrame.from_records(records, columns=["origin", "destination", "year", "migrants"])
    return frame.sort_values(["origin", "destination", "year"], ignore_index=True)


def read_totals_2020(path: Path, location_codes: dict[int, str]) -> pd.DataFrame:
    """Total international migrant stock by destination (Table 1, both sexes), joined on
    the UN M49 location code, which equals the ISO 3166 numeric code for countries."""
    rows = read_sheet(path, TABLE_SHEET)
    header = list(rows[TABLE_HEADER_ROW - 1]) if len(rows) >= TABLE_HEADER_ROW else []
    if LOCATION_CODE not in header:
        raise DataError(path, "header not found", row=TABLE_HEADER_ROW, field=LOCATION_CODE)
    code_index = header.index(LOCATION_CODE)
    years = []
    for index, cell in enumerate(header):
        if isinstance(cell, int) and 1950 < cell < 2100:
            if any(cell == year for _, year in years):
                break  # the years repeat for males, then females: keep both sexes combined
            years.append((index, cell))
    if not years:
        raise DataError(path, "no year columns", row=TABLE_HEADER_ROW, field="1990")
    records = []
    for line, row in enumerate(rows[TABLE_HEADER_ROW:], start=TABLE_HEADER_ROW + 1):
        if row[code_index] not in location_codes:
            continue
        for index, year in years:
            records.append((location_codes[row[code_index]], year, _persons(row[index], path, line, str(year))))
    frame = pd.DataFrame.from_records(records, columns=["iso3", "year", "migrants"])
    return frame.sort_values(["iso3", "year"], ignore_index=True)


def _persons(cell, path: Path, line: int, field: str) -> float:
    if cell in ("", None):
        return 0.0
    try:
        value = float(str(cell).replace(" ", ""))
    except ValueError:
        raise DataError(path, f"not a number of persons: {cell!r}", row=line, field=field) from None
    if value < 0:
        raise DataError(path, f"negative number of persons: {cell!r}", row=line, field=field)
    return value
