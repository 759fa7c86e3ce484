"""World Bank Indicators API v2: fetch WDI series and write them as the raw mirror has them.

Two routes, both served by api.worldbank.org:

* the JSON API, ``/v2/country/{codes}/indicator/{code}?format=json``: a 2-element list
  ``[paging metadata, records]``, followed page by page; each record carries
  ``country.id`` (ISO2, or a World Bank code such as ``1W`` for aggregates),
  ``countryiso3code``, ``date``, ``value`` and ``indicator.id``. It is written in the
  long format of ``worldbank-wdi-datahub-2026`` (``indicators/<code>/data.csv``), with
  a ``datapackage.json`` whose ``last_updated`` (the API's ``lastupdated``) is the
  vintage the WDI reader reports;
* the bulk download, ``/v2/en/indicator/{code}?downloadformat=csv``: a zip whose
  ``API_<CODE>_DS2_...csv`` member (wide years, 4-line preamble) is saved unchanged,
  as in ``worldbank-wdi-api-csv``.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pandas as pd

from analysis.errors import DataError
from analysis.data.refresh.files import atomic_output
from analysis.data.refresh.transport import RefreshError, get, get_json, new_session

API_URL = "https://api.worldbank.org/v2"
PER_PAGE = 20000  # a whole indicator for all economies fits in one or two pages
DATAHUB_DIR = Path("worldbank-wdi-datahub-2026") / "datasets_world-development-indicators"
DATAHUB_HEADER = ("Country Name", "Country Code", "Year", "Value")
COLUMNS = ["indicator", "country_iso2", "country_iso3", "country_name", "year", "value"]
LICENCE = "CC-BY-4.0"
ZIP_MAGIC = b"PK\x03\x04"


def indicator_url(code: str, *, countries: str | Iterable[str] = "all", page: int = 1,
                  per_page: int = PER_PAGE, date: str | None = None) -> str:
    """The JSON API address of one page; ``date`` is a year or a range like ``1990:2025``."""
    codes = countries if isinstance(countries, str) else ";".join(countries)
    query = {"format": "json", "per_page": per_page, "page": page}
    if date is not None:
        query["date"] = date
    return f"{API_URL}/country/{codes}/indicator/{code}?{urlencode(query)}"


def fetch_indicator(code: str, *, session: Any = None, countries: str | Iterable[str] = "all",
                    date: str | None = None, per_page: int = PER_PAGE) -> pd.DataFrame:
    """All observations of one indicator, one row per economy and year (nulls kept).

    Columns: indicator, country_iso2, country_iso3, country_name, year, value;
    ``frame.attrs`` holds ``last_updated`` (YYYY-MM-DD) and ``indicator_name``.
    """
    session = session or new_session()
    parsed: list[tuple[dict[str, Any], str]] = []
    page, pages, vintages = 1, 1, set()
    while page <= pages:
        url = indicator_url(code, countries=countries, page=page, per_page=per_page, date=date)
        meta, records = _read_page(url, session)
        pages, total = meta["pages"], meta["total"]
        vintages.add(meta["lastupdated"])
        parsed.extend(_parse_record(url, number, record, code)
                    for number, record in enumerate(records, start=1))
        page += 1
    if len(vintages) > 1:
        raise RefreshError(url, f"the indicator was updated while paging ({sorted(vintages)}): "
                           "fetch it again", field="lastupdated")
    if len(parsed) != total:
        raise RefreshError(url, f"{len(parsed)} records over {pages} pages, metadata says {total}",
                           field="total")
    frame = pd.DataFrame([row for row, _ in parsed], columns=COLUMNS)
    frame.attrs = {"last_updated": vintages.pop(), "indicator_name": parsed[0][1]}
    return frame


def write_datahub_csv(frame: pd.DataFrame, out_path: str | Path) -> Path:
    """Write ``frame`` byte for byte as the datahub mirror's ``data.csv`` files are.

    That is: header ``Country Name,Country Code,Year,Value``, no null values, rows
    sorted by Country Code then Year (the mirror's order; by name it is not sorted),
    CRLF line ends, quotes only where needed, values with 15 significant digits and
    an upper-case exponent (``2.873486E-08``) as the World Bank's bulk files print them.
    """
    present = frame.dropna(subset=["value"]).sort_values(["country_iso3", "year"], kind="stable")
    _check_one_value_per_year(present, out_path)
    with atomic_output(out_path) as temporary:
        with open(temporary, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(DATAHUB_HEADER)
            for row in present.itertuples(index=False):
                writer.writerow((row.country_name, row.country_iso3, row.year,
                                 format_value(row.value)))
    return Path(out_path)


def format_value(value: float) -> str:
    return format(float(value), ".15G")


def write_datapackage(frame: pd.DataFrame, code: str, out_path: str | Path) -> Path:
    """Describe ``data.csv`` as the datahub mirror does, plus the vintage as ``last_updated``."""
    package = {
        "title": frame.attrs["indicator_name"],
        "name": code.lower(),
        "worldbank": {"indicator": code.lower()},
        "last_updated": frame.attrs["last_updated"],
        "licenses": [{"name": LICENCE}],
        "resources": [{"name": "data", "path": "data.csv", "format": "csv",
                       "mediatype": "text/csv", "encoding": "utf-8"}],
    }
    with atomic_output(out_path) as temporary:
        temporary.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return Path(out_path)


def refresh_wdi(codes: Iterable[str], raw_dir: str | Path, *, session: Any = None,
                per_page: int = PER_PAGE) -> list[Path]:
    """Fetch each indicator into ``<raw_dir>/<DATAHUB_DIR>/indicators/<code>/``.

    Writes ``data.csv`` and ``datapackage.json`` there; returns the paths written.
    """
    session = session or new_session()
    written = []
    for code in codes:
        frame = fetch_indicator(code, session=session, per_page=per_page)
        folder = Path(raw_dir) / DATAHUB_DIR / "indicators" / code.lower()
        written += [write_datahub_csv(frame, folder / "data.csv"),
                    write_datapackage(frame, code, folder / "datapackage.json")]
    return written


def bulk_csv_url(code: str) -> str:
    return f"{API_URL}/en/indicator/{code}?downloadformat=csv"


def fetch_bulk_csv(code: str, out_dir: str | Path, *, session: Any = None) -> Path:
    """Save the ``API_<CODE>_DS2_...csv`` member of the bulk zip unchanged into ``out_dir``."""
    url = bulk_csv_url(code)
    response = get(url, session or new_session())
    try:
        archive = _open_zip(url, response.content)
    finally:
        response.close()
    member = _data_member(url, archive, code)
    out_path = Path(out_dir) / Path(member).name
    with atomic_output(out_path) as temporary:
        temporary.write_bytes(archive.read(member))
    return out_path


def _read_page(url: str, session: Any) -> tuple[dict[str, Any], list[Any]]:
    payload = get_json(url, session)
    if _is_error_message(payload):
        raise RefreshError(url, f"the API refused the request: {payload[0]['message']}",
                           field="message")
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], dict)):
        raise RefreshError(url, "expected a 2-element list [paging metadata, records]",
                           field="body")
    meta: dict[str, Any] = {key: _count(url, payload[0], key) for key in ("page", "pages", "total")}
    if meta["total"] == 0:
        raise RefreshError(url, "no data for this indicator and these economies", field="total")
    meta["lastupdated"] = _date(url, payload[0].get("lastupdated"))
    records = payload[1]
    if not isinstance(records, list) or not records:
        raise RefreshError(url, f"page {meta['page']} of {meta['pages']} has no records",
                           field="records")
    return meta, records


def _is_error_message(payload: Any) -> bool:
    return (isinstance(payload, list) and len(payload) == 1
            and isinstance(payload[0], dict) and "message" in payload[0])


def _count(url: str, meta: dict[str, Any], key: str) -> int:
    # The API has sent these both as numbers and as numeric strings.
    try:
        return int(meta[key])
    except (KeyError, TypeError, ValueError):
        raise RefreshError(url, f"paging metadata lacks a whole number: {meta.get(key)!r}",
                           field=key) from None


def _date(url: str, value: Any) -> str:
    if not (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        raise RefreshError(url, f"expected a date like '2026-07-01', got {value!r}",
                           field="lastupdated")
    return value


def _parse_record(url: str, number: int, record: Any,
                  code: str) -> tuple[dict[str, Any], str]:
    """The record as a frame row, and the indicator's name."""
    def field(path: str) -> Any:
        value: Any = record
        for key in path.split("."):
            if not isinstance(value, dict) or key not in value:
                raise RefreshError(url, "missing in record", row=number, field=path)
            value = value[key]
        return value

    indicator = field("indicator.id")
    if not isinstance(indicator, str) or indicator.upper() != code.upper():
        raise RefreshError(url, f"record is for {indicator!r}, not {code}", row=number,
                           field="indicator.id")
    row = {
        "indicator": indicator,
        "country_iso2": _text(url, number, "country.id", field("country.id")),
        "country_iso3": _text(url, number, "countryiso3code", field("countryiso3code")),
        "country_name": _text(url, number, "country.value", field("country.value")),
        "year": _year(url, number, field("date")),
        "value": _number(url, number, field("value")),
    }
    return row, _text(url, number, "indicator.value", field("indicator.value"))


def _text(url: str, number: int, path: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RefreshError(url, f"expected a non-empty text, got {value!r}", row=number, field=path)
    return value


def _year(url: str, number: int, value: Any) -> int:
    if not (isinstance(value, str) and re.fullmatch(r"\d{4}", value)):
        raise RefreshError(url, f"expected an annual date like '2020', got {value!r}",
                           row=number, field="date")
    return int(value)


def _number(url: str, number: int, value: Any) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RefreshError(url, f"expected a number or null, got {value!r}", row=number,
                           field="value")
    return float(value)


def _check_one_value_per_year(frame: pd.DataFrame, out_path: str | Path) -> None:
    # Pages can shift if the data are updated between two requests.
    duplicated = frame[frame.duplicated(["country_iso3", "year"], keep=False)]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        raise DataError(out_path, f"{len(duplicated)} rows repeat an economy and year, first "
                        f"{first.country_iso3} {first.year}", field="Country Code")


def _open_zip(url: str, content: bytes) -> zipfile.ZipFile:
    if not content.startswith(ZIP_MAGIC):
        raise RefreshError(url, f"expected a zip archive, got bytes {content[:20]!r}",
                           field="body")
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise RefreshError(url, f"unreadable zip archive: {exc}", field="body") from exc


def _data_member(url: str, archive: zipfile.ZipFile, code: str) -> str:
    prefix = f"API_{code.upper()}_DS2_"
    members = [name for name in archive.namelist()
               if Path(name).name.upper().startswith(prefix) and name.lower().endswith(".csv")]
    if len(members) != 1:
        raise RefreshError(url, f"expected one {prefix}*.csv member, found {archive.namelist()}",
                           field="zip members")
    return members[0]
