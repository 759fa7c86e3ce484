"""Small IMF DOTS workbooks for the reader tests, laid out as the IMF's own are."""
from __future__ import annotations


def fill_dots_sheet(sheet, reporter: str, units: str, year_headers: dict[int, object], rows) -> None:
    """The reporter in B4 and the units in B5, the year headers in row 7 (1-based column ->
    header), and from row 8 one row per ``(partner, value, ...)`` with the values from
    column C on."""
    sheet["B4"] = reporter
    sheet["B5"] = units
    for column, header in year_headers.items():
        sheet.cell(row=7, column=column, value=header)
    for offset, (partner, *values) in enumerate(rows):
        sheet.cell(row=8 + offset, column=2, value=partner)
        for k, value in enumerate(values):
            sheet.cell(row=8 + offset, column=3 + k, value=value)
