"""Building blocks shared by the readers: opening files and turning cells into checked values.

Every failure is a :class:`~analysis.errors.DataError` naming the file, and the row and field
when the problem has a place in the file.
"""
from __future__ import annotations

import csv
import datetime as dt
import math
import os
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field as dataclass_field
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from analysis.errors import DataError

ISO3_PATTERN = re.compile(r"[A-Z]{3}")
_TEXT_DATE_PATTERN = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?(?: 00:00:00)?")

# What openpyxl and zipfile raise on a file that is not a complete xlsx: a cut-short zip,
# a missing part, or damaged XML (ElementTree's ParseError is a SyntaxError).
_BROKEN_WORKBOOK = (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, EOFError,
                    zlib.error, SyntaxError, TypeError, ValueError)


def require_file(path: str | Path) -> Path:
    """The path as a Path, or a DataError if there is no such file."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    return path


def read_csv(path: Path, *, ends_with_line_break: bool = True
             ) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and ``(line number, fields)`` of each record of a UTF-8 CSV (BOM optional).

    Blank lines are skipped. A file cut short shows itself by a record with fewer fields
    than the header or, for sources whose files end with a line break, by a last line
    without one (the only sign when the cut falls inside the last field).
    """
    require_file(path)
    records: list[tuple[int, list[str]]] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            header = [name.strip() for name in next(reader, [])]
            if not header:
                raise DataError(path, "the file is empty")
            for fields in reader:
                if not any(fields):
                    continue
                if len(fields) != len(header):
                    raise DataError(path, f"{len(fields)} fields where the header has "
                                          f"{len(header)}: is the file truncated?",
                                    row=reader.line_num)
                records.append((reader.line_num, fields))
    except UnicodeDecodeError as error:
        raise DataError(path, f"not valid UTF-8 ({error.reason}): is the file truncated?"
                        ) from error
    except csv.Error as error:
        raise DataError(path, f"malformed CSV: {error}", row=reader.line_num) from error
    if ends_with_line_break and not _ends_with_line_break(path):
        raise DataError(path, "the last line has no line break: is the file truncated?",
                        row=reader.line_num)
    _require_distinct_names(path, header, row=1)
    return header, records


def _ends_with_line_break(path: Path) -> bool:
    with path.open("rb") as raw:
        raw.seek(-1, os.SEEK_END)
        return raw.read(1) == b"\n"


def read_sheet(path: Path, sheet: str, max_row: int | None = None) -> list[tuple]:
    """Cell values of one worksheet; item ``i`` of the list is spreadsheet row ``i + 1``.

    Rows are padded with None to a common width of at least one column.
    """
    require_file(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except _BROKEN_WORKBOOK as error:
        raise DataError(path, f"cannot be read as an xlsx workbook ({type(error).__name__}: "
                              f"{error}): is the file truncated?") from error
    try:
        if sheet not in workbook.sheetnames:
            raise DataError(path, f"sheet {sheet!r} is missing; the workbook has "
                                  f"{workbook.sheetnames}", field=sheet)
        worksheet = workbook[sheet]
        # The stored dimension can be wrong and would silently cut rows or columns.
        worksheet.reset_dimensions()
        try:
            rows = list(worksheet.iter_rows(max_row=max_row, values_only=True))
        except _BROKEN_WORKBOOK as error:
            raise DataError(path, f"sheet {sheet!r} cannot be read ({type(error).__name__}: "
                                  f"{error})", field=sheet) from error
    finally:
        workbook.close()
    width = max([1, *(len(row) for row in rows)])
    return [tuple(row) + (None,) * (width - len(row)) for row in rows]


def header_positions(path: Path, header: Iterable[object], required: Iterable[str],
                     row: int = 1) -> dict[str, int]:
    """Position of each required column, by exact (whitespace-trimmed) header name."""
    names = ["" if name is None else str(name).strip() for name in header]
    _require_distinct_names(path, names, row)
    positions = {}
    for name in required:
        if name not in names:
            raise DataError(path, f"required column {name!r} is missing or renamed",
                            row=row, field=name)
        positions[name] = names.index(name)
    return positions


def _require_distinct_names(path: Path, names: list[str], row: int) -> None:
    seen = set()
    for name in names:
        if name and name in seen:
            raise DataError(path, f"column {name!r} appears twice in the header", row=row,
                            field=name)
        seen.add(name)


def parse_float(path: Path, value: object, row: int, field: str) -> float:
    """A finite number from a CSV field or a spreadsheet cell."""
    if isinstance(value, bool):
        raise DataError(path, f"{value!r} is not a number", row=row, field=field)
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = "" if value is None else str(value).strip()
        if not text:
            raise DataError(path, "empty where a number is required", row=row, field=field)
        try:
            number = float(text)
        except ValueError:
            raise DataError(path, f"{text!r} is not a number", row=row, field=field) from None
    if not math.isfinite(number):
        raise DataError(path, f"{value!r} is not a finite number", row=row, field=field)
    return number


def parse_int(path: Path, value: object, row: int, field: str) -> int:
    """A whole number from a CSV field or a spreadsheet cell (2003 and 2003.0, not 2003.5)."""
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    number = parse_float(path, value, row, field)
    if not number.is_integer():
        raise DataError(path, f"{value!r} is not a whole number", row=row, field=field)
    return int(number)


def parse_optional_int(path: Path, value: object, row: int, field: str) -> int | None:
    """Like parse_int, but an empty field or cell is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_int(path, value, row, field)


def parse_iso_date(path: Path, value: object, row: int, field: str) -> str:
    """``YYYY-MM-DD`` from a date cell or date text, ``''`` from an empty cell.

    Text may be ``YYYY-MM-DD`` (a ``00:00:00`` time is tolerated) or ``YYYY-MM``, read as the
    first day of the month, the way the sources store month-precision dates. Anything else,
    including a bare number, is an error: without a date format it could be a year or a count.
    """
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return ""
        match = _TEXT_DATE_PATTERN.fullmatch(text)
        if match:
            year, month, day = match.groups()
            try:
                return dt.date(int(year), int(month), int(day or 1)).isoformat()
            except ValueError:
                pass
    raise DataError(path, f"{value!r} is not a date (expected a date cell, YYYY-MM-DD or "
                          "YYYY-MM)", row=row, field=field)


def parse_iso3(path: Path, value: object, row: int, field: str) -> str:
    """A three-letter upper-case code, surrounding spaces removed."""
    text = "" if value is None else str(value).strip()
    if not ISO3_PATTERN.fullmatch(text):
        raise DataError(path, f"{value!r} is not a three-letter upper-case code", row=row,
                        field=field)
    return text


def remember_key(path: Path, seen: dict, key: object, row: int, fields: str) -> None:
    """Record where a key was seen; a key seen before is an error naming both rows."""
    if key in seen:
        raise DataError(path, f"duplicate key {key!r}: already in row {seen[key]}", row=row,
                        field=fields)
    seen[key] = row


def unique_text_key(path: Path, value: str, seen: dict, row: int, field: str) -> str:
    """A non-empty text key (trimmed) that no earlier row used."""
    key = value.strip()
    if not key:
        raise DataError(path, "empty key", row=row, field=field)
    remember_key(path, seen, key, row, field)
    return key


def code_set(codes: str | Iterable[str]) -> set[str]:
    """A set of codes from one code or any iterable of codes."""
    return {codes} if isinstance(codes, str) else set(codes)


def tidy_frame(records: list[tuple], dtypes: dict[str, str], sort_by: list[str]) -> pd.DataFrame:
    """A DataFrame with exactly these columns and dtypes, sorted, with a fresh index."""
    frame = pd.DataFrame.from_records(records, columns=list(dtypes)).astype(dtypes)
    return frame.sort_values(sort_by, kind="stable").reset_index(drop=True)


@dataclass
class RowCount:
    """How many records of one input a reader read, kept and dropped, by named rule.

    ``unit`` says what one record is (a CSV row, or a country-year cell of a wide table).
    Every record read is either kept or dropped under exactly one rule, so
    ``read == kept + sum(dropped.values())``; :meth:`require_balanced` checks it.
    """

    unit: str
    read: int = 0
    kept: int = 0
    dropped: Counter = dataclass_field(default_factory=Counter)

    def keep(self, records: int = 1) -> None:
        self.read += records
        self.kept += records

    def drop(self, rule: str, records: int = 1) -> None:
        self.read += records
        self.dropped[rule] += records

    def filter_out(self, rule: str, records: int) -> None:
        """Move ``records`` kept records to ``rule``: a later step left them out."""
        if not 0 <= records <= self.kept:
            raise ValueError(f"cannot drop {records} of {self.kept} kept records")
        self.kept -= records
        self.dropped[rule] += records

    def require_balanced(self, path: str | Path) -> None:
        if self.read != self.kept + sum(self.dropped.values()):
            raise DataError(path, f"{self.read} {self.unit}s read but {self.kept} kept and "
                                  f"{sum(self.dropped.values())} dropped", field="rows")

    def as_dict(self) -> dict:
        return {"unit": self.unit, "read": self.read, "kept": self.kept,
                "dropped": {rule: self.dropped[rule] for rule in sorted(self.dropped) if self.dropped[rule]}}

    def copy(self) -> "RowCount":
        return RowCount(self.unit, self.read, self.kept, Counter(self.dropped))
