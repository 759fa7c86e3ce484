"""IMF Direction of Trade Statistics country-report workbooks.

One workbook per reporting economy, two sheets ("Exports, FOB" and "Imports, CIF"),
partner names in column B from row 8, years as text in row 7, US$ millions. A cell
written like ``"12.34 e"`` is an IMF estimate: the value is kept and flagged.

Each partner-year cell is counted as kept or dropped by a named rule (an identical repeat,
a partner without a code by its declared kind, outside the years, no value).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.errors import DataError
from analysis.data.readers._common import RowCount, read_sheet, require_file

SHEETS = {"Exports, FOB": "exports", "Imports, CIF": "imports"}
YEAR_ROW = 7
FIRST_DATA_ROW = 8
PARTNER_COLUMN = 2
UNITS_ROW = 5
REPORTER_ROW = 4
EXPECTED_UNITS = "US Dollars, Millions"
# the IMF writes estimates as text, sometimes with thousands separators: "1,035.65 e"
ESTIMATE = re.compile(r"^\s*(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?)\s+e\s*$")
COLUMNS = ["reporter", "partner", "flow", "year", "value_usd_m", "estimate"]
CELL = "partner-year cell"
# why a partner row without an ISO3 code is left out, by its kind in imf_dots_areas.csv
UNCODED_RULES = {"aggregate": "an aggregate", "former": "a former state", "unspecified": "not specified",
                 "heading": "a heading"}


@dataclass(frozen=True)
class AreaCodes:
    """The explicit IMF area name -> ISO3 table (``data/reference/imf_dots_areas.csv``)."""

    iso3_by_name: dict[str, str]
    kind_by_name: dict[str, str]

    @classmethod
    def from_csv(cls, path: Path) -> "AreaCodes":
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        return cls(dict(zip(table.imf_name, table.iso3)), dict(zip(table.imf_name, table.kind)))


@dataclass
class DotsReport:
    """What a workbook held: tidy flows, the identical duplicate rows dropped, the count of
    cells kept and dropped, and the row and field each flow came from."""

    flows: pd.DataFrame
    dropped_duplicates: list[str] = field(default_factory=list)
    count: RowCount = field(default_factory=lambda: RowCount(CELL))
    origins: pd.DataFrame | None = None
    reporter: str = ""


def parse_cell(value, *, file: Path, row: int, year: str) -> tuple[float | None, bool]:
    """Return (value, is_estimate) for one cell; blank cells are missing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value), False
    if isinstance(value, str):
        estimate = ESTIMATE.match(value)
        if estimate:
            return float(estimate.group(1).replace(",", "")), True
        try:
            return float(value), False
        except ValueError:
            pass
    raise DataError(file, f"not a number or an IMF estimate ('12.3 e'): {value!r}", row=row, field=year)


def read_dots_workbook(path: Path, areas: AreaCodes, partners: set[str] | None = None,
                       years: range | None = None) -> DotsReport:
    """Read one reporter's workbook into tidy flows.

    Only partners with an ISO3 code (countries, World, European Union) are kept, and of
    those only ``partners`` when given. Aggregates without a code, former states and
    'not specified' rows are skipped by their declared kind, never by guessing.
    """
    path = require_file(path)
    records: list[tuple] = []
    dropped: list[str] = []
    count = RowCount(CELL)
    reporter = None
    for sheet_name, flow in SHEETS.items():
        rows = read_sheet(path, sheet_name)
        sheet_reporter = _reporter(path, rows, sheet_name, areas)
        if reporter not in (None, sheet_reporter):
            raise DataError(path, "the two sheets name different reporters", row=REPORTER_ROW,
                            field=f"{sheet_name}!B{REPORTER_ROW}")
        reporter = sheet_reporter
        records += _sheet_records(path, rows, sheet_name, flow, reporter, areas, partners, years, dropped,
                                  count)
    flows = pd.DataFrame.from_records(records, columns=COLUMNS + ["row", "field"])
    flows = flows.astype({"year": "int64", "value_usd_m": "float64", "estimate": "bool", "row": "int64"})
    flows = flows.sort_values(COLUMNS[:4], ignore_index=True)
    return DotsReport(flows[COLUMNS], dropped, count, flows[["row", "field"]].rename(columns={"row": "line"}),
                      reporter)


def _cell(rows: list[tuple], row: int, column: int):
    """Value at spreadsheet row ``row`` and 1-based ``column`` (None beyond the data)."""
    return rows[row - 1][column - 1] if row <= len(rows) else None


def _reporter(path: Path, rows: list[tuple], sheet_name: str, areas: AreaCodes) -> str:
    units = _cell(rows, UNITS_ROW, PARTNER_COLUMN)
    if units != EXPECTED_UNITS:
        raise DataError(path, f"units must be {EXPECTED_UNITS!r}, found {units!r}",
                        row=UNITS_ROW, field=f"{sheet_name}!B{UNITS_ROW}")
    name = _cell(rows, REPORTER_ROW, PARTNER_COLUMN)
    code = areas.iso3_by_name.get(name, "")
    if not code:
        raise DataError(path, f"reporter {name!r} has no ISO3 code in imf_dots_areas.csv",
                        row=REPORTER_ROW, field=f"{sheet_name}!B{REPORTER_ROW}")
    return code


def _sheet_records(path, rows, sheet_name, flow, reporter, areas, partners, years, dropped, count):
    if len(rows) < YEAR_ROW:
        raise DataError(path, "sheet ends before the year row", row=YEAR_ROW, field=sheet_name)
    year_columns = _year_columns(path, sheet_name, rows[YEAR_ROW - 1])
    seen: dict[str, tuple[int, tuple]] = {}
    records = []
    for row_number, row in enumerate(rows[FIRST_DATA_ROW - 1:], start=FIRST_DATA_ROW):
        name = row[PARTNER_COLUMN - 1]
        if name is None:
            continue
        if name not in areas.kind_by_name:
            raise DataError(path, f"partner {name!r} is not in imf_dots_areas.csv",
                            row=row_number, field=f"{sheet_name}!B")
        if name in seen:
            first_row, first_values = seen[name]
            if first_values != row:
                raise DataError(path, f"partner {name!r} appears twice with different values "
                                f"(rows {first_row} and {row_number})", row=row_number, field=f"{sheet_name}!B")
            dropped.append(f"{path.name} {sheet_name!r} row {row_number}: identical repeat of row {first_row} ({name})")
            count.drop("an identical repeat", len(year_columns))
            continue
        seen[name] = (row_number, row)
        partner = areas.iso3_by_name[name]
        if not partner:
            count.drop(UNCODED_RULES.get(areas.kind_by_name[name], f"kind {areas.kind_by_name[name]}"),
                       len(year_columns))
            continue
        if partners is not None and partner not in partners:
            count.drop("not a wanted partner", len(year_columns))
            continue
        for column, year in year_columns:
            if years is not None and year not in years:
                count.drop("outside the years")
                continue
            field = f"{sheet_name}!{year}"
            value, estimate = parse_cell(row[column], file=path, row=row_number, year=field)
            if value is None:
                count.drop("no value")
                continue
            count.keep()
            records.append((reporter, partner, flow, year, value, estimate, row_number, field))
    return records


def _year_columns(path, sheet_name, header) -> list[tuple[int, int]]:
    columns = []
    for index, cell in enumerate(header[PARTNER_COLUMN:], start=PARTNER_COLUMN):
        if cell is None:
            continue
        text = str(cell).strip()
        if not re.fullmatch(r"(19|20)\d\d", text):
            raise DataError(path, f"year header expected, found {cell!r}", row=YEAR_ROW, field=f"{sheet_name}!col{index + 1}")
        columns.append((index, int(text)))
    if not columns:
        raise DataError(path, "no year columns", row=YEAR_ROW, field=sheet_name)
    return columns
