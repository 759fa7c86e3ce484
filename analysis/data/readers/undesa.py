"""UN DESA International Migrant Stock: the 2019 origin x destination matrix (a wide
CSV reshaped from the agency's file) and the 2020 totals by destination (agency xlsx).

Given the reviewed location tables (``data/reference/undesa_2019_names.csv``,
``undesa_m49_areas.csv``), a location that is neither a known country nor a known
aggregate is an error, and so is a study country's code under another name. With a
:class:`RowCount`, each location-year (or destination-origin-year) cell is counted as kept
or dropped by a named rule."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from analysis.errors import DataError
from analysis.data.readers._common import RowCount, read_sheet, require_file

TABLE_SHEET = "Table 1"
TABLE_HEADER_ROW = 11
LOCATION_CODE = "Location code"


def _location_rule(kind: str | None) -> str:
    return "an aggregate" if kind == "aggregate" else "not a study country"


def read_bilateral_2019(path: Path, names_to_iso3: dict[str, str], *, known: dict[str, str] | None = None,
                        count: RowCount | None = None) -> pd.DataFrame:
    """Stocks of people born in ``origin`` living in ``destination`` (both among the
    countries named in ``names_to_iso3``, keyed by the UN's own English names).

    Returns iso3 origin, destination, year, migrants (persons). Empty cells are zero in
    the UN's table (no migrants recorded) and are kept as such. ``known`` maps every
    location name to its kind ('country' or 'aggregate'); a name outside it is an error.
    """
    path = require_file(path)
    count = count if count is not None else RowCount("destination-origin cell")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        if header[:2] != ["Year", "Dest"]:
            raise DataError(path, "first columns must be 'Year', 'Dest'", row=1, field="Year" if header[:1] != ["Year"] else "Dest")
        missing = sorted(set(names_to_iso3) - set(header[2:]))
        if missing:
            raise DataError(path, f"origin columns missing: {missing}", row=1, field=missing[0])
        if known is not None and (unknown := [n for n in header[2:] if n not in known]):
            raise DataError(path, f"origin {unknown[0]!r} is neither a known country nor a known aggregate "
                                  "in undesa_2019_names.csv", row=1, field=unknown[0])
        origin_columns = [(i, names_to_iso3[name]) for i, name in enumerate(header) if i >= 2 and name in names_to_iso3]
        other_origins = len(header) - 2 - len(origin_columns)
        records, seen = [], {}
        for line, row in enumerate(reader, start=2):
            if not row:
                continue
            if known is not None and row[1] not in known:
                raise DataError(path, f"destination {row[1]!r} is neither a known country nor a known "
                                      "aggregate in undesa_2019_names.csv", row=line, field="Dest")
            if row[1] not in names_to_iso3:
                count.drop(_location_rule(known and known[row[1]]), len(header) - 2)
                continue
            count.drop("origin not a study country", other_origins)
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
                    count.drop("origin is the destination")
                    continue
                count.keep()
                cell = row[index].strip() if index < len(row) else ""
                records.append((origin, destination, year, _persons(cell, path, line, header[index])))
    frame = pd.DataFrame.from_records(records, columns=["origin", "destination", "year", "migrants"])
    return frame.sort_values(["origin", "destination", "year"], ignore_index=True)


def read_totals_2020(path: Path, location_codes: dict[int, str], *, known: dict[int, str] | None = None,
                     names: dict[str, str] | None = None, count: RowCount | None = None) -> pd.DataFrame:
    """Total international migrant stock by destination (Table 1, both sexes), joined on
    the UN M49 location code, which equals the ISO 3166 numeric code for countries.

    ``known`` maps every location code to its kind; ``names`` gives the UN name each
    study country must carry (footnote stars aside)."""
    count = count if count is not None else RowCount("location-year cell")
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
    name_index = 1
    records = []
    for line, row in enumerate(rows[TABLE_HEADER_ROW:], start=TABLE_HEADER_ROW + 1):
        if all(cell in (None, "") for cell in row):
            continue
        code = row[code_index]
        if known is not None and code not in known:
            raise DataError(path, f"location code {code!r} ({row[name_index]}) is neither a known country nor "
                                  "a known aggregate", row=line, field=LOCATION_CODE)
        if code not in location_codes:
            count.drop(_location_rule(known and known[code]), len(years))
            continue
        name = str(row[name_index] or "").strip().rstrip("*").strip()
        if names is not None and name != names[location_codes[code]]:
            raise DataError(path, f"location code {code} is {location_codes[code]} "
                                  f"({names[location_codes[code]]!r}) in countries.csv, but the file names it {name!r}",
                            row=line, field=LOCATION_CODE)
        count.keep(len(years))
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
