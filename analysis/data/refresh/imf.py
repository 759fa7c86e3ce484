"""IMF Direction of Trade Statistics through the SDMX-JSON data service, written as DOTS workbooks.

Request (``CompactData`` method of the SDMX-JSON REST service)::

    {BASE_URL}/CompactData/DOT/{freq}.{reporters}.{indicators}.{partners}
        ?startPeriod={first year}&endPeriod={last year}

Dimensions are separated by ``.``, several codes in one dimension by ``+``. Area codes
are the IMF's ISO2-based ones (``KZ``, ``CN``; ``W00`` = World). The answer is
``CompactData.DataSet.Series``: one object per reporter, indicator and partner, with
``@REF_AREA``, ``@COUNTERPART_AREA``, ``@INDICATOR``, ``@UNIT_MULT`` (a power of ten)
and ``Obs`` (``@TIME_PERIOD``, ``@OBS_VALUE``). The service collapses singletons: a lone
series, or a lone observation, comes as an object instead of a list of one.

The response carries no estimate flag, so refreshed workbooks have no ``"12.34 e"``
cells: every value is a plain number, whether the IMF reported or estimated it.

This service was reported retired in 2025, when DOTS moved to the IMF's SDMX 3.0 API
(dataflow ``IMF.STA/IMTS``, ISO3 codes, another response format); ``base_url`` lets a
caller point at a host that still answers in this format.
"""
from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, Font

from analysis.errors import DataError
from analysis.data.refresh.files import atomic_output
from analysis.data.refresh.transport import RefreshError, get_json, new_session

BASE_URL = "http://dataservices.imf.org/REST/SDMX_JSON.svc"
AREAS_CSV = Path(__file__).with_name("imf_areas.csv")
EXPORTS, IMPORTS = "TXG_FOB_USD", "TMG_CIF_USD"
SHEETS = {  # indicator -> (sheet name, table title in B2), as in the IMF country reports
    EXPORTS: ("Exports, FOB", "Exports, FOB to Partner Countries"),
    IMPORTS: ("Imports, CIF", "Imports, CIF from Partner Countries"),
}
UNIT_TITLE = "US Dollars, Millions"
MILLIONS_EXPONENT = 6
COLUMNS = ["reporter", "partner", "indicator", "year", "value_usd_millions"]

# Layout of the mirror's workbooks (DOTS_<n>.xlsx).
YEAR_ROW, FIRST_PARTNER_ROW, PARTNER_COLUMN, FIRST_YEAR_COLUMN = 7, 8, 2, 3
VALUE_FORMAT = "#,##0.00"
COLUMN_WIDTHS = {"A": 3.574219, "B": 63.003906}
YEAR_COLUMN_WIDTH = 9.710938


def load_areas(path: str | Path = AREAS_CSV) -> pd.DataFrame:
    """The area table: IMF ``code``, ``name`` as in the DOTS workbooks, ``dots_file`` number."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    areas = pd.DataFrame(rows, columns=["code", "name", "dots_file"])
    for column in ("code", "name"):
        repeated = areas[areas.duplicated(column)]
        if not repeated.empty:
            raise DataError(path, f"{repeated.iloc[0][column]!r} appears twice",
                            row=int(repeated.index[0]) + 2, field=column)
    return areas


def dots_url(reporter: str, partners: Iterable[str], start: int, end: int, *,
             base_url: str = BASE_URL) -> str:
    key = ".".join(["A", reporter, f"{EXPORTS}+{IMPORTS}", "+".join(partners)])
    return f"{base_url}/CompactData/DOT/{key}?{urlencode({'startPeriod': start, 'endPeriod': end})}"


def fetch_dots(reporter_iso2: str, start: int, end: int, *, session: Any = None,
               partners: Iterable[str] | None = None, base_url: str = BASE_URL) -> pd.DataFrame:
    """Annual exports (FOB) and imports (CIF) of one reporter by partner, US$ millions.

    ``partners`` defaults to every code of the area table, so that each partner can be
    named in the workbook. Columns: reporter, partner, indicator, year, value_usd_millions.
    """
    if partners is None:
        partners = load_areas()["code"]
    url = dots_url(reporter_iso2, list(partners), start, end, base_url=base_url)
    rows = [row for series in _series(url, get_json(url, session or new_session()))
            for row in _series_rows(url, series, reporter_iso2)]
    if not rows:
        raise RefreshError(url, "no observations in any series", field="Obs")
    return pd.DataFrame(rows, columns=COLUMNS)


def write_dots_workbook(frame: pd.DataFrame, reporter_name: str, out_path: str | Path, *,
                        areas: pd.DataFrame | None = None) -> Path:
    """Write ``frame`` (as from :func:`fetch_dots`) in the layout of the mirror's DOTS workbooks.

    Sheets 'Exports, FOB' and 'Imports, CIF'; B2 table title, B4 reporter name, B5 unit,
    row 7 years as text from column C, column B partner names from row 8, values as
    numbers. Partners with no value in a sheet are left out, as the IMF reports do; the
    rest follow the order of the area table (World first). Unlike the IMF's files there
    is no duplicate first row and no grouping of partners into regions.
    """
    areas = load_areas() if areas is None else areas
    if frame.empty:
        raise DataError(out_path, "no trade values to write")
    _check_one_value_per_cell(frame, out_path)
    names = _partner_names(frame, areas)
    years = list(range(int(frame["year"].min()), int(frame["year"].max()) + 1))
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for indicator, (sheet_name, title) in SHEETS.items():
        sheet = workbook.create_sheet(sheet_name)
        _write_header(sheet, title, reporter_name, years)
        _write_partner_rows(sheet, frame[frame["indicator"] == indicator], names, years)
    with atomic_output(out_path) as temporary:
        workbook.save(temporary)
    return Path(out_path)


def _series(url: str, payload: Any) -> list[Any]:
    node, path = payload, []
    for key in ("CompactData", "DataSet", "Series"):
        path.append(key)
        if not isinstance(node, dict) or key not in node:
            # An empty DataSet is how the service says that nothing matched the key.
            reason = "no series match this query" if key == "Series" else "unexpected response"
            raise RefreshError(url, f"{reason}: {key!r} is missing", field=".".join(path))
        node = node[key]
    return _as_list(node)


def _as_list(node: Any) -> list[Any]:
    return node if isinstance(node, list) else [node]


def _series_rows(url: str, series: Any, reporter: str) -> list[dict[str, Any]]:
    if not isinstance(series, dict):
        raise RefreshError(url, f"expected a series object, got {series!r}", field="Series")
    attributes = {key: _attribute(url, series, key)
                  for key in ("@REF_AREA", "@COUNTERPART_AREA", "@INDICATOR", "@UNIT_MULT")}
    where = f"series {attributes['@INDICATOR']} {attributes['@COUNTERPART_AREA']}"
    if attributes["@REF_AREA"] != reporter:
        raise RefreshError(url, f"{where} is reported by {attributes['@REF_AREA']}, "
                           f"not {reporter}", row=where, field="@REF_AREA")
    if attributes["@INDICATOR"] not in SHEETS:
        raise RefreshError(url, f"unexpected indicator in {where}", row=where, field="@INDICATOR")
    shift = _whole_number(url, where, "@UNIT_MULT", attributes["@UNIT_MULT"]) - MILLIONS_EXPONENT
    # A series with no observation in the period comes without "Obs".
    return [{"reporter": reporter,
             "partner": attributes["@COUNTERPART_AREA"],
             "indicator": attributes["@INDICATOR"],
             **_observation(url, where, observation, shift)}
            for observation in _as_list(series.get("Obs", []))]


def _attribute(url: str, node: dict[str, Any], key: str) -> str:
    value = node.get(key)
    if not isinstance(value, str) or not value:
        raise RefreshError(url, f"expected a code, got {value!r}", field=key)
    return value


def _whole_number(url: str, where: str, key: str, text: str) -> int:
    if not re.fullmatch(r"-?\d+", text):
        raise RefreshError(url, f"expected a whole number, got {text!r}", row=where, field=key)
    return int(text)


def _observation(url: str, where: str, observation: Any, shift: int) -> dict[str, Any]:
    if not isinstance(observation, dict):
        raise RefreshError(url, f"expected an observation object, got {observation!r}",
                           row=where, field="Obs")
    period = observation.get("@TIME_PERIOD")
    if not (isinstance(period, str) and re.fullmatch(r"\d{4}", period)):
        raise RefreshError(url, f"expected an annual period like '2020', got {period!r}",
                           row=where, field="@TIME_PERIOD")
    try:
        value = float(observation["@OBS_VALUE"])
    except (KeyError, TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        raise RefreshError(url, f"expected a number in {period}, got "
                           f"{observation.get('@OBS_VALUE')!r}", row=where, field="@OBS_VALUE")
    return {"year": int(period), "value_usd_millions": _shift_decimal(value, shift)}


def _shift_decimal(value: float, shift: int) -> float:
    # Dividing by an exact power of ten keeps 13500250 thousand at exactly 13500.25 million.
    return value * 10.0 ** shift if shift >= 0 else value / 10.0 ** -shift


def _check_one_value_per_cell(frame: pd.DataFrame, out_path: str | Path) -> None:
    repeated = frame[frame.duplicated(["indicator", "partner", "year"], keep=False)]
    if not repeated.empty:
        first = repeated.iloc[0]
        raise DataError(out_path, f"two values for {first.indicator} {first.partner} "
                        f"{first.year}", field="partner")


def _partner_names(frame: pd.DataFrame, areas: pd.DataFrame) -> dict[str, str]:
    """Partner code -> workbook name, in the order of the area table."""
    known = dict(zip(areas["code"], areas["name"]))
    unknown = sorted(set(frame["partner"]) - set(known))
    if unknown:
        raise DataError(AREAS_CSV, f"no name for IMF area codes {unknown}: add them to the "
                        "area table, spelled as in the DOTS workbooks", field="code")
    present = set(frame["partner"])
    return {code: name for code, name in known.items() if code in present}


def _write_header(sheet: Any, title: str, reporter_name: str, years: list[int]) -> None:
    sheet["B2"] = title
    sheet["B2"].font = Font(bold=True)
    sheet.merge_cells("B2:G3")
    sheet["B4"] = reporter_name
    sheet["B4"].alignment = Alignment(horizontal="left")
    sheet.merge_cells("B4:G4")
    sheet["B5"] = UNIT_TITLE
    for width_column, width in COLUMN_WIDTHS.items():
        sheet.column_dimensions[width_column].width = width
    for offset, year in enumerate(years):
        cell = sheet.cell(YEAR_ROW, FIRST_YEAR_COLUMN + offset, str(year))  # text, as the IMF's
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[cell.column_letter].width = YEAR_COLUMN_WIDTH


def _write_partner_rows(sheet: Any, flows: pd.DataFrame, names: dict[str, str],
                        years: list[int]) -> None:
    values = {(row.partner, row.year): row.value_usd_millions
              for row in flows.itertuples(index=False)}
    partners = [code for code in names if code in set(flows["partner"])]
    for row_number, partner in enumerate(partners, start=FIRST_PARTNER_ROW):
        sheet.cell(row_number, PARTNER_COLUMN, names[partner]).alignment = Alignment(
            horizontal="left")
        for offset, year in enumerate(years):
            if (partner, year) in values:
                cell = sheet.cell(row_number, FIRST_YEAR_COLUMN + offset, values[partner, year])
                cell.number_format = VALUE_FORMAT
                cell.alignment = Alignment(horizontal="right")
