"""The one error type for bad input: it always names the file, the row and the field."""
from __future__ import annotations

from pathlib import Path


class DataError(ValueError):
    """Input data that cannot be trusted.

    ``row`` is the 1-based line or spreadsheet row as a person would see it in the file
    (``None`` when the problem concerns the file as a whole), ``field`` the column,
    header or cell name.
    """

    def __init__(self, file: str | Path, message: str, *, row: int | str | None = None,
                 field: str | None = None) -> None:
        self.file = str(file)
        self.row = row
        self.field = field
        self.message = message
        where = [f"file {self.file}"]
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"{', '.join(where)}: {message}")
