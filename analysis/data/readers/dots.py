"""IMF Direction of Trade Statistics country-report workbooks.

One workbook per reporting economy, two sheets ("Exports, FOB" and "Imports, CIF"),
partner names in column B from row 8, years as text in row 7, US$ millions. A cell
written like ``"12.34 e"`` is an IMF estimate: the value is kept and flagged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.errors import DataError
from analysis.data.readers._common import read_sheet, require_file

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
    """What a workbook held: tidy flows, plus the identical duplicate rows dropped."""

    flows: pd.DataFrame
    dropped_duplicates: list[str] = field(default_factory=list)


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
    reporter = None
    for sheet_name, flow in SHEETS.items():
        rows = read_sheet(path, sheet_name)
        sheet_reporter = _reporter(path, rows, sheet_name, areas)
        if reporter not in (None, sheet_reporter):
            raise DataError(path, "the two sheets name different reporters", row=REPORTER_ROW,
                            field=f"{sheet_name}!B{REPORTER_ROW}")
        reporter = sheet_reporter
        records += _sheet_records(path, rows, sheet_name, flow, reporter, areas, partners, years, dropped)
    flows = pd.DataFrame.from_records(records, columns=COLUMNS)
    flows = flows.astype({"year": "int64", "value_usd_m": "float64", "estimate": "bool"})
    return DotsReport(flows.sort_values(COLUMNS[:4], ignore_index=True), dropped)


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


def _sheet_records(path, rows, sheet_name, flow, reporter, areas, partners, years, dropped):
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
            continue
        seen[name] = (row_number, row)
        partner = areas.iso3_by_name[name]
        if not partner or (partners is not None and partner not in partners):
            continue
        for column, year in year_columns:
            if years is not None and year not in years:
                continue
            value, estimate = parse_cell(row[column], file=path, row=row_number, year=f"{sheet_name}!{year}")
            if value is not None:
                records.append((reporter, partner, flow, year, value, estimate))
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
