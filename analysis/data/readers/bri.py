"""Belt and Road Initiative membership: the Green Finance & Development Center list.

Workbook ``23_12_BRI-countries-public.xlsx`` (Nedopil 2023), sheet ``BRI countries``, header in
row 1: Country, Country Code, Region, IncomeGroup, Likely date of joining, Likely date of exit.
Dates are Excel date cells in this vintage; text dates (YYYY-MM-DD, or YYYY-MM read as the
first of the month) are accepted too. Names are kept as written, minus stray spaces
("China, P.R.").
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.errors import DataError
from analysis.data.readers._common import (header_positions, parse_iso3, parse_iso_date, read_sheet,
                                      remember_key, tidy_frame)

SHEET = "BRI countries"
NAME, CODE, REGION = "Country", "Country Code", "Region"
JOINED, EXITED = "Likely date of joining", "Likely date of exit"


def read_bri_countries(path: str | Path) -> pd.DataFrame:
    """BRI countries: columns iso3, name, region, join_date, exit_date (all str).

    Dates are YYYY-MM-DD, or '' when the list gives none (e.g. RUS has no join date here).
    """
    path = Path(path)
    rows = read_sheet(path, SHEET)
    if not rows:
        raise DataError(path, "the sheet is empty", field=SHEET)
    at = header_positions(path, rows[0], [NAME, CODE, REGION, JOINED, EXITED])
    seen: dict[str, int] = {}
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if all(value is None for value in row):
            continue
        iso3 = parse_iso3(path, row[at[CODE]], number, CODE)
        remember_key(path, seen, iso3, number, CODE)
        name = "" if row[at[NAME]] is None else str(row[at[NAME]]).strip()
        if not name:
            raise DataError(path, "empty country name", row=number, field=NAME)
        region = "" if row[at[REGION]] is None else str(row[at[REGION]]).strip()
        records.append((iso3, name, region,
                        parse_iso_date(path, row[at[JOINED]], number, JOINED),
                        parse_iso_date(path, row[at[EXITED]], number, EXITED)))
    return tidy_frame(records, dict.fromkeys(["iso3", "name", "region", "join_date", "exit_date"],
                                             "str"), ["iso3"])
