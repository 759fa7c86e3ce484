"""World Bank WDI files: the bulk CSV (with or without its 4-line preamble) and the
DataHub long CSV. Both become one tidy shape: iso3, indicator, year, value."""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import DataError
from analysis.data.readers._common import require_file

COLUMNS = ["iso3", "indicator", "year", "value"]
BULK_KEYS = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
LONG_KEYS = ["Country Name", "Country Code", "Year", "Value"]


@dataclass
class WdiSeries:
    data: pd.DataFrame
    vintage: str  # the agency's 'Last Updated Date' (or the mirror's) as YYYY-MM-DD, '' if unknown


def read_bulk_csv(path: Path, countries: set[str] | None = None) -> WdiSeries:
    """Read an ``API_<code>_DS2_en_csv_v2_*.csv`` file.

    The agency's file starts with a preamble ("Data Source", "Last Updated Date"); some
    copies have it stripped. Either is accepted; the vintage is '' without it.
    """
    lines = _read_text(path).splitlines(keepends=True)
    vintage, header_index = "", 0
    if lines and lines[0].lstrip("\ufeff").startswith('"Data Source"'):
        for index, line in enumerate(lines[:6]):
            if line.startswith('"Last Updated Date"'):
                vintage = next(csv.reader([line]))[1]
            if line.startswith('"Country Name"'):
                header_index = index
                break
        else:
            raise DataError(path, "preamble found but no header row within the first 6 lines", row=5, field="Country Name")
    reader = csv.reader(io.StringIO("".join(lines[header_index:]).lstrip("\ufeff")))
    header = next(reader, [])
    for position, key in enumerate(BULK_KEYS):
        if position >= len(header) or header[position] != key:
            raise DataError(path, f"header column {position + 1} must be {key!r}", row=header_index + 1, field=key)
    year_fields = [(i, h) for i, h in enumerate(header) if re.fullmatch(r"\d{4}", h)]
    records = []
    for line_number, row in enumerate(reader, start=header_index + 2):
        if not row or all(not cell for cell in row):
            continue
        code = row[1]
        if countries is not None and code not in countries:
            continue
        for index, year in year_fields:
            cell = row[index] if index < len(row) else ""
            if cell == "":
                continue
            records.append((code, row[3], int(year), _number(cell, path, line_number, year)))
    return WdiSeries(_tidy(records, path, header_index + 2), vintage)


def read_datahub_csv(path: Path, indicator: str, countries: set[str] | None = None) -> WdiSeries:
    """Read a DataHub long CSV (Country Name, Country Code, Year, Value).

    The vintage is the ``last_updated`` of its datapackage.json, when present.
    """
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, [])
    if header[:4] != LONG_KEYS:
        missing = next(k for i, k in enumerate(LONG_KEYS) if i >= len(header) or header[i] != k)
        raise DataError(path, f"header must be {LONG_KEYS}", row=1, field=missing)
    records = []
    for line_number, row in enumerate(reader, start=2):
        if not row:
            continue
        if countries is not None and row[1] not in countries:
            continue
        if row[3] == "":
            continue
        if not re.fullmatch(r"\d{4}", row[2]):
            raise DataError(path, f"year must be four digits, found {row[2]!r}", row=line_number, field="Year")
        records.append((row[1], indicator, int(row[2]), _number(row[3], path, line_number, "Value")))
    # DataHub keeps datapackage.json beside data.csv or one folder up (data/data.csv)
    packages = [folder / "datapackage.json" for folder in (Path(path).parent, Path(path).parent.parent)]
    package = next((p for p in packages if p.is_file()), None)
    vintage = json.loads(package.read_text()).get("last_updated", "") if package else ""
    return WdiSeries(_tidy(records, path, 2), vintage)


def _read_text(path: Path) -> str:
    path = require_file(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(path, f"not UTF-8 text ({exc})") from exc


def _number(cell: str, path: Path, line: int, field: str) -> float:
    try:
        return float(cell)
    except ValueError:
        raise DataError(path, f"not a number: {cell!r}", row=line, field=field) from None


def _tidy(records: list[tuple], path: Path, first_line: int) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=COLUMNS).astype({"year": "int64", "value": "float64"})
    duplicated = frame.duplicated(["iso3", "indicator", "year"], keep=False)
    if duplicated.any():
        first = frame[duplicated].iloc[0]
        raise DataError(path, f"duplicate key {first.iso3} {first.indicator} {first.year}",
                        field="Country Code")
    return frame.sort_values(COLUMNS[:3], ignore_index=True)
