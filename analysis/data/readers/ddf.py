"""DDF datapoint CSVs (Gapminder / open-numbers): ``ddf--datapoints--<concept>--by--geo--time.csv``.

Columns ``geo`` (lower-case ISO3), ``time`` (year) and one value column named after the
concept in the file name. Gapminder also keys historical or split entities with longer codes
(``ussr``, ``deu_west``, ``nld_curacao``, ...); they are not countries with an ISO3 code and
are left out. A few three-letter Gapminder codes are not ISO3 either and pass through
upper-cased: KOS (Kosovo, XKX elsewhere), HOS (Holy See, VAT), GBG (Guernsey, GGY), GBM
(Isle of Man, IMN), and the former ANT, SCG, YUG.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.errors import DataError
from analysis.data.readers._common import (parse_float, parse_int, read_csv, remember_key,
                                      require_file, tidy_frame)

FILE_NAME = re.compile(r"ddf--datapoints--(?P<concept>[a-z0-9_]+)--by--geo--time\.csv")
THREE_LETTERS = re.compile(r"[A-Za-z]{3}")


def read_ddf_datapoints(path: str | Path) -> pd.DataFrame:
    """Country-year datapoints: columns iso3 (str, upper-case), year (int), value (float)."""
    path = require_file(path)
    match = FILE_NAME.fullmatch(path.name)
    if match is None:
        raise DataError(path, "file name does not follow ddf--datapoints--<concept>--by--geo--"
                              "time.csv")
    concept = match["concept"]
    header, records = read_csv(path)
    for position, expected in enumerate(["geo", "time", concept]):
        if position >= len(header) or header[position] != expected:
            raise DataError(path, f"header must be geo,time,{concept} (the concept in the file "
                                  f"name); got {','.join(header)}", row=1, field=expected)
    if len(header) > 3:
        raise DataError(path, "unexpected column after the concept", row=1, field=header[3])
    seen: dict[tuple[str, int], int] = {}
    rows = []
    for line, (geo, time, value) in records:
        if not THREE_LETTERS.fullmatch(geo.strip()):
            continue
        iso3 = geo.strip().upper()
        year = parse_int(path, time, line, "time")
        remember_key(path, seen, (iso3, year), line, "geo, time")
        rows.append((iso3, year, parse_float(path, value, line, concept)))
    return tidy_frame(rows, {"iso3": "str", "year": "int64", "value": "float64"},
                      ["iso3", "year"])
