"""IMF Direction of Trade Statistics country-report workbooks.

One workbook per reporting economy, two sheets ("Exports, FOB" and "Imports, CIF"),
partner names in column B from row 8, years as text in row 7, US$ millions. A cell
written like ``"12.34 e"`` is an IMF estimate: the value is kept and flagged.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd

from analysis.errors import DataError

SHEETS = {"Exports, FOB": "exports", "Imports, CIF": "imports"}
YEAR_ROW = 7
FIRST_DATA_ROW = 8
PARTNER_COLUMN = 2
UNITS_CELL = "B5"
REPORTER_CELL = "B4"
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
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise DataError(path, f"not a readable xlsx workbook ({exc})") from exc
    records: list[tuple] = []
    dropped: list[str] = []
    reporter = None
    try:
        for sheet_name, flow in SHEETS.items():
            if sheet_name not in workbook.sheetnames:
                raise DataError(path, f"sheet missing (has {workbook.sheetnames})", field=sheet_name)
            sheet = workbook[sheet_name]
            sheet_reporter = _reporter(path, sheet, areas)
            if reporter not in (None, sheet_reporter):
                raise DataError(path, "the two sheets name different reporters", field=REPORTER_CELL)
            reporter = sheet_reporter
            records += _sheet_records(path, sheet, sheet_name, flow, reporter, areas, partners, years, dropped)
    finally:
        workbook.close()
    flows = pd.DataFrame.from_records(records, columns=COLUMNS)
    flows = flows.astype({"year": "int64", "value_usd_m": "float64", "estimate": "bool"})
    return DotsReport(flows.sort_values(COLUMNS[:4], ignore_index=True), dropped)


def _reporter(path: Path, sheet, areas: AreaCodes) -> str:
    units = sheet[UNITS_CELL].value
    if units != EXPECTED_UNITS:
        raise DataError(path, f"units must be {EXPECTED_UNITS!r}, found {units!r}",
                        row=5, field=f"{sheet.title}!{UNITS_CELL}")
    name = sheet[REPORTER_CELL].value
    code = areas.iso3_by_name.get(name, "")
    if not code:
        raise DataError(path, f"reporter {name!r} has no ISO3 code in imf_dots_areas.csv",
                        row=4, field=f"{sheet.title}!{REPORTER_CELL}")
    return code


def _sheet_records(path, sheet, sheet_name, flow, reporter, areas, partners, years, dropped):
    rows = sheet.iter_rows(min_row=YEAR_ROW, values_only=True)
    header = next(rows, None)
    if header is None:
        raise DataError(path, "sheet ends before the year row", row=YEAR_ROW, field=sheet_name)
    year_columns = _year_columns(path, sheet_name, header)
    seen: dict[str, tuple[int, tuple]] = {}
    records = []
    for row_number, row in enumerate(rows, start=FIRST_DATA_ROW):
        name = row[PARTNER_COLUMN - 1] if len(row) >= PARTNER_COLUMN else None
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
            raw = row[column] if column < len(row) else None
            value, estimate = parse_cell(raw, file=path, row=row_number, year=f"{sheet_name}!{year}")
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
