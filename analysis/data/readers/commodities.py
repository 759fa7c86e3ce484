"""World Bank commodity prices ("Pink Sheet"): the workbook CMO-Historical-Data-Monthly.xlsx.

Sheet ``Monthly Indices`` (2010 = 100, nominal US$): a title block in column A (row 4 reads
"Updated on <Month> <day>, <year>"), several rows of nested group labels, then one row of
series codes (iOVERALL, iENERGY, iNONFUEL, ...) directly above the first month row. Column A
holds months as text like ``1960M01``; blank rows may follow the last month.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from analysis.errors import DataError
from analysis.data.readers._common import RowCount, parse_float, read_sheet, remember_key, tidy_frame

INDICES_SHEET = "Monthly Indices"
REQUIRED_INDICES = ("iOVERALL", "iENERGY", "iNONFUEL", "iAGRICULTURE", "iFOOD", "iMETMIN")
MONTH_LABEL = re.compile(r"(\d{4})M(0[1-9]|1[0-2])")
INDEX_CODE = re.compile(r"i[A-Z_]+")
# Besides blank cells, the Pink Sheet marks a missing observation with '..' or an ellipsis.
MISSING_MARKS = {"..", "\u2026"}
UPDATED_ON = re.compile(r"Updated on\s+(.+)")
TITLE_ROWS = 10  # the vintage line sits in the title block at the top of the sheet


CELL = "series-month cell"


def read_pink_sheet_indices(path: str | Path, count: RowCount | None = None) -> pd.DataFrame:
    """Monthly commodity price indices: columns series (str), month (str, YYYY-MM), value (float).

    Every index code in the codes row is kept; the six headline ones must be present.
    Missing observations are skipped, and counted under 'no value' in ``count``.
    """
    path = Path(path)
    count = count if count is not None else RowCount(CELL)
    rows = read_sheet(path, INDICES_SHEET)
    first_month_row = next((number for number, row in enumerate(rows, start=1)
                            if _is_month_label(row[0])), None)
    if first_month_row is None or first_month_row == 1:
        raise DataError(path, "no month rows like 1960M01 under a row of index codes",
                        field=f"{INDICES_SHEET}!A")
    codes_row = first_month_row - 1
    series = _index_columns(path, rows[codes_row - 1], codes_row)
    months_seen: dict[str, int] = {}
    records = []
    for number, row in enumerate(rows[first_month_row - 1:], start=first_month_row):
        label, values = row[0], row[1:]
        if _is_blank(label) and all(_is_blank(value) for value in values):
            continue
        if not _is_month_label(label):
            raise DataError(path, f"{label!r} is not a month like 1960M01", row=number, field="A")
        match = MONTH_LABEL.fullmatch(label.strip())
        month = f"{match[1]}-{match[2]}"
        remember_key(path, months_seen, month, number, "A")
        for position, code in series:
            value = row[position]
            if _is_blank(value) or (isinstance(value, str) and value.strip() in MISSING_MARKS):
                count.drop("no value")
                continue
            count.keep()
            records.append((code, month, parse_float(path, value, number, code)))
    return tidy_frame(records, {"series": "str", "month": "str", "value": "float64"},
                      ["series", "month"])


def read_pink_sheet_vintage(path: str | Path) -> str:
    """The workbook's 'Updated on ...' date as YYYY-MM-DD."""
    path = Path(path)
    for number, row in enumerate(read_sheet(path, INDICES_SHEET, max_row=TITLE_ROWS), start=1):
        match = UPDATED_ON.match(row[0].strip()) if isinstance(row[0], str) else None
        if match:
            try:
                return dt.datetime.strptime(match[1].strip(), "%B %d, %Y").date().isoformat()
            except ValueError:
                raise DataError(path, f"{row[0]!r}: expected 'Updated on <Month> <day>, <year>'",
                                row=number, field="A") from None
    raise DataError(path, f"no 'Updated on ...' line in column A of the first {TITLE_ROWS} rows",
                    field="Updated on")


def _is_month_label(value: object) -> bool:
    return isinstance(value, str) and MONTH_LABEL.fullmatch(value.strip()) is not None


def _index_columns(path: Path, codes: tuple, codes_row: int) -> list[tuple[int, str]]:
    """(column position, code) of every index code in the codes row."""
    columns = [(position, str(cell).strip()) for position, cell in enumerate(codes)
               if position > 0 and not _is_blank(cell)]
    present = [code for _, code in columns]
    for code in REQUIRED_INDICES:
        if code not in present:
            raise DataError(path, "index code missing or renamed in the codes row",
                            row=codes_row, field=code)
    for position, code in columns:
        letter = get_column_letter(position + 1)
        if not INDEX_CODE.fullmatch(code):
            raise DataError(path, f"{code!r} in column {letter} is not an index code like "
                                  "iENERGY", row=codes_row, field=code)
        if present.count(code) > 1:
            raise DataError(path, "index code appears twice in the codes row", row=codes_row,
                            field=code)
    return columns


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
