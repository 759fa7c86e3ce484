"""World Bank WDI files: the bulk CSV (with or without its 4-line preamble) and the
DataHub long CSV. Both become one tidy shape: iso3, indicator, year, value.

Given the reviewed code table (``data/reference/wdi_areas.csv``), every row's code must be
a known country or a known aggregate, spelled with a name the table lists for that code:
an unknown code or a contradicting name is an error, never a silent drop. With a
:class:`RowCount`, each country-year cell is counted as kept or dropped by a named rule.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import DataError
from analysis.data.readers._common import RowCount, require_file

COLUMNS = ["iso3", "indicator", "year", "value"]
CELL = "country-year cell"
BULK_KEYS = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
LONG_KEYS = ["Country Name", "Country Code", "Year", "Value"]


@dataclass(frozen=True)
class WdiAreas:
    """The reviewed WDI code table: each code's kind ('country' or 'aggregate') and the
    names the World Bank has used for it."""

    kind_by_code: dict[str, str]
    names_by_code: dict[str, frozenset[str]]

    @classmethod
    def from_csv(cls, path: Path) -> "WdiAreas":
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        kinds = dict(zip(table.code, table.kind))
        names = {code: frozenset(group.name) for code, group in table.groupby("code")}
        return cls(kinds, names)

    def kind(self, path: Path, code: str, name: str, line: int) -> str:
        """'country' or 'aggregate'; an unknown code or a name the table does not list for
        the code is an error naming the row."""
        if code not in self.kind_by_code:
            raise DataError(path, f"code {code!r} ({name}) is neither a known country nor a known "
                                  "aggregate in wdi_areas.csv", row=line, field="Country Code")
        if name not in self.names_by_code[code]:
            raise DataError(path, f"name {name!r} contradicts wdi_areas.csv, which lists {code} as "
                                  f"{sorted(self.names_by_code[code])}", row=line, field="Country Name")
        return self.kind_by_code[code]


@dataclass
class WdiSeries:
    data: pd.DataFrame
    vintage: str  # the agency's 'Last Updated Date' (or the mirror's) as YYYY-MM-DD, '' if unknown
    origins: pd.DataFrame | None = None  # line and field in the file of each row of data


def _row_rule(path: Path, code: str, name: str, line: int, countries: set[str] | None,
              areas: WdiAreas | None) -> str | None:
    """The rule that drops every cell of this row, or None when its cells are wanted."""
    kind = areas.kind(path, code, name, line) if areas is not None else "country"
    if countries is None or code in countries:
        return None
    return "an aggregate" if kind == "aggregate" else "not a study country"


def _cell_rule(cell: str, year: int, years: range | None) -> str | None:
    if cell == "":
        return "no value"
    if years is not None and year not in years:
        return "outside the years"
    return None


def read_bulk_csv(path: Path, countries: set[str] | None = None, *, areas: WdiAreas | None = None,
                  years: range | None = None, count: RowCount | None = None) -> WdiSeries:
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
    count = count if count is not None else RowCount(CELL)
    records = []
    for line_number, row in enumerate(reader, start=header_index + 2):
        if not row or all(not cell for cell in row):
            continue
        code = row[1]
        rule = _row_rule(path, code, row[0], line_number, countries, areas)
        if rule:
            count.drop(rule, len(year_fields))
            continue
        for index, year in year_fields:
            cell = row[index] if index < len(row) else ""
            if rule := _cell_rule(cell, int(year), years):
                count.drop(rule)
                continue
            count.keep()
            records.append((code, row[3], int(year), _number(cell, path, line_number, year), line_number, year))
    return _series(records, path, vintage)


def read_datahub_csv(path: Path, indicator: str, countries: set[str] | None = None, *,
                     areas: WdiAreas | None = None, years: range | None = None,
                     count: RowCount | None = None) -> WdiSeries:
    """Read a DataHub long CSV (Country Name, Country Code, Year, Value).

    The vintage is the ``last_updated`` of its datapackage.json, when present.
    """
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, [])
    if header[:4] != LONG_KEYS:
        missing = next(k for i, k in enumerate(LONG_KEYS) if i >= len(header) or header[i] != k)
        raise DataError(path, f"header must be {LONG_KEYS}", row=1, field=missing)
    count = count if count is not None else RowCount(CELL)
    records = []
    for line_number, row in enumerate(reader, start=2):
        if not row:
            continue
        if not re.fullmatch(r"\d{4}", row[2]):
            raise DataError(path, f"year must be four digits, found {row[2]!r}", row=line_number, field="Year")
        rule = (_row_rule(path, row[1], row[0], line_number, countries, areas)
                or _cell_rule(row[3], int(row[2]), years))
        if rule:
            count.drop(rule)
            continue
        count.keep()
        records.append((row[1], indicator, int(row[2]), _number(row[3], path, line_number, "Value"),
                        line_number, "Value"))
    # DataHub keeps datapackage.json beside data.csv or one folder up (data/data.csv)
    packages = [folder / "datapackage.json" for folder in (Path(path).parent, Path(path).parent.parent)]
    package = next((p for p in packages if p.is_file()), None)
    vintage = json.loads(package.read_text()).get("last_updated", "") if package else ""
    return _series(records, path, vintage)


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


def _series(records: list[tuple], path: Path, vintage: str) -> WdiSeries:
    """Tidy data sorted by key, with the file line and field each value came from."""
    frame = pd.DataFrame.from_records(records, columns=COLUMNS + ["line", "field"])
    frame = frame.astype({"year": "int64", "value": "float64", "line": "int64"})
    duplicated = frame.duplicated(["iso3", "indicator", "year"], keep=False)
    if duplicated.any():
        first = frame[duplicated].iloc[0]
        raise DataError(path, f"duplicate key {first.iso3} {first.indicator} {first.year}",
                        row=int(first.line), field="Country Code")
    frame = frame.sort_values(COLUMNS[:3], ignore_index=True)
    return WdiSeries(frame[COLUMNS], vintage, frame[["line", "field"]])
