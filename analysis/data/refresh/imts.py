"""IMF International Trade in Goods (IMTS) through the SDMX 3.0 data API, saved as SDMX-CSV.

IMTS continues the Direction of Trade Statistics (DOTS), whose SDMX-JSON service
:mod:`analysis.data.refresh.imf` targets and which the IMF retired in 2025. One request per
indicator::

    {BASE_URL}/data/dataflow/IMF.STA/IMTS/+/{COUNTRY}.{INDICATOR}.*.A
    Accept: application/vnd.sdmx.data+csv;version=2.0.0

The key's dimensions are COUNTRY (the reporter: ISO3, or an IMF group code such as
``G001`` for the world), INDICATOR, COUNTERPART_COUNTRY (the partner, coded alike) and
FREQUENCY (``A``: annual); ``*`` is every code of a dimension, ``KAZ+RUS`` two codes, and
the version ``+`` the latest stable version of the dataflow. By default COUNTRY is
restricted to the book's 26 countries and the world, as the DOTS client asks only for
them, to keep the answers small; ``countries="*"`` asks for every reporter.

The answer is SDMX-CSV 2.0: a header row, then one row per observation with the columns
STRUCTURE (``dataflow``), STRUCTURE_ID (``IMF.STA:IMTS(<version>)``), ACTION, the four
dimensions, TIME_PERIOD, OBS_VALUE (US dollars, not millions) and attributes, among them
SCALE (a display hint only: the value is never multiplied by it) and a status attribute
that flags estimates. :mod:`analysis.data.readers.imts` reads it. Each answer is saved
unchanged, as ``imf-imts/data/IMTS_<INDICATOR>_A.csv`` under the raw folder, and
``imf-imts/SOURCE.txt`` records for each file the address, the request headers, the time of
retrieval, the response's content type, its size and its SHA-256.

CAUTION: the address, the key syntax, the header, the columns and the codes above were
written from the IMF's and SDMX's documented formats; there was no network where this was
written, so no live answer was seen. Check them against the IMF's current API
documentation (https://data.imf.org, "IMF API") before relying on a refresh. The client
refuses an answer that is not SDMX-CSV with these columns, so a changed format stops the
refresh with a message instead of writing a file the reader would misread.
"""
from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from analysis.data import reference
from analysis.errors import DataError
from analysis.data.refresh.files import atomic_output
from analysis.data.refresh.transport import RefreshError, get, new_session

BASE_URL = "https://api.imf.org/external/sdmx/3.0"
DATAFLOW = "IMF.STA/IMTS"
VERSION = "+"  # SDMX REST: the latest stable version of the dataflow
ACCEPT = "application/vnd.sdmx.data+csv;version=2.0.0"
INDICATORS = {  # code -> what it measures (IMF names)
    "XG_FOB_USD": "Exports of goods, free on board (FOB), US dollars",
    "MG_CIF_USD": "Imports of goods, cost, insurance and freight (CIF), US dollars",
    "MG_FOB_USD": "Imports of goods, free on board (FOB), US dollars",
    "TBG_USD": "Trade balance in goods, US dollars",
}
WORLD_CODE = "G001"
ALL = "*"
FREQUENCY = "A"
# Whole-dataflow answers take minutes to start streaming at the IMF's end.
TIMEOUT_SECONDS = (10, 1800)
FOLDER = Path("imf-imts")
DATA_DIR = FOLDER / "data"
SOURCE_FILE = FOLDER / "SOURCE.txt"
REQUIRED_COLUMNS = ("STRUCTURE_ID", "COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY", "FREQUENCY",
                    "TIME_PERIOD", "OBS_VALUE")
STRUCTURE_HEADER = re.compile(r"STRUCTURE(\[.\])?")
CODE = re.compile(r"[A-Z0-9_]+")
SOURCE_TITLE = ("SOURCE: IMF International Trade in Goods (IMTS) by partner country, annual, "
                "from the SDMX 3.0 data API")
SOURCE_CAUTION = ("the request and the format were written from the IMF's documented format, "
                  "without a live answer; check them against the IMF's current API documentation")
LICENCE = ("IMF terms of use (free reuse with attribution \"International Monetary Fund, "
           "International Trade in Goods (IMTS)\"); not a Creative Commons licence")


@dataclass(frozen=True)
class Download:
    """One answer as received: where it came from, when, and its bytes' checksum."""

    indicator: str
    url: str
    request_headers: dict[str, str]
    content_type: str
    retrieved: str  # UTC, ISO 8601 to the second
    content: bytes
    observations: int
    structure_id: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def file_name(self) -> str:
        return file_name(self.indicator)


def file_name(indicator: str) -> str:
    return f"IMTS_{indicator}_{FREQUENCY}.csv"


def book_countries() -> list[str]:
    """The reporters asked for by default: the study countries and the world (G001)."""
    return reference.study_iso3() + [WORLD_CODE]


def data_url(indicator: str, countries: str | Iterable[str] = ALL, *, base_url: str = BASE_URL,
             since: int | None = None) -> str:
    """The address of one indicator's annual observations for ``countries`` (``*``: all).

    ``since`` adds the SDMX 3.0 filter ``c[TIME_PERIOD]=ge:<year>`` (first year kept).
    """
    if indicator not in INDICATORS:
        raise ValueError(f"unknown IMTS indicator {indicator!r}; known: {sorted(INDICATORS)}")
    codes = countries if isinstance(countries, str) else "+".join(countries)
    if codes != ALL and not all(CODE.fullmatch(code) for code in codes.split("+")):
        raise ValueError(f"country codes must be upper-case codes joined by '+', not {codes!r}")
    url = f"{base_url}/data/dataflow/{DATAFLOW}/{VERSION}/{codes}.{indicator}.*.{FREQUENCY}"
    if since is not None:
        url += f"?{quote('c[TIME_PERIOD]')}=ge:{int(since)}"
    return url


def fetch_indicator(indicator: str, *, session: Any = None, countries: str | Iterable[str] = ALL,
                    since: int | None = None, base_url: str = BASE_URL,
                    now: datetime.datetime | None = None) -> Download:
    """Request one indicator and check that the answer is SDMX-CSV of that indicator."""
    url = data_url(indicator, countries, base_url=base_url, since=since)
    headers = {"Accept": ACCEPT}
    response = get(url, session or new_session(), headers=headers, timeout=TIMEOUT_SECONDS)
    try:
        content = response.content
        content_type = response.headers.get("Content-Type", "")
    finally:
        response.close()
    if "html" in content_type.lower() or "json" in content_type.lower() or "xml" in content_type.lower():
        raise RefreshError(url, f"expected SDMX-CSV ({ACCEPT}), got {content_type}",
                           field="Content-Type")
    observations, structure_id = check_sdmx_csv(url, content, indicator)
    retrieved = (now or datetime.datetime.now(datetime.timezone.utc)).astimezone(
        datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Download(indicator, url, headers, content_type, retrieved, content, observations,
                    structure_id)


def check_sdmx_csv(url: str, content: bytes, indicator: str) -> tuple[int, str]:
    """The number of observation rows and the STRUCTURE_ID of an SDMX-CSV 2.0 answer.

    Refuses text that is not UTF-8, a header without the first column STRUCTURE (or
    ``STRUCTURE[x]``) or without the columns the reader needs, an answer without rows, and
    rows of another indicator, another frequency or another structure.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RefreshError(url, f"not UTF-8 text ({exc.reason})", field="body") from None
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, [])
    if not header or not STRUCTURE_HEADER.fullmatch(header[0].strip()):
        raise RefreshError(url, "not SDMX-CSV 2.0: the first column must be STRUCTURE, found "
                           f"{(header or [''])[0][:60]!r}", row=1, field="STRUCTURE")
    names = [name.strip() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise RefreshError(url, f"columns {missing} are missing from the header", row=1,
                           field=missing[0])
    position = {name: names.index(name) for name in ("STRUCTURE_ID", "INDICATOR", "FREQUENCY")}
    count, structures = 0, set()
    for line, fields in enumerate(rows, start=2):
        if not any(fields):
            continue
        if len(fields) != len(names):
            raise RefreshError(url, f"{len(fields)} fields where the header has {len(names)}",
                               row=line)
        for name, expected in (("INDICATOR", indicator), ("FREQUENCY", FREQUENCY)):
            if fields[position[name]] != expected:
                raise RefreshError(url, f"expected {expected}, found {fields[position[name]]!r}",
                                   row=line, field=name)
        structures.add(fields[position["STRUCTURE_ID"]])
        count += 1
    if count == 0:
        raise RefreshError(url, "the answer has a header but no observations", row=2,
                           field="OBS_VALUE")
    if len(structures) != 1 or not next(iter(structures)).startswith("IMF.STA:IMTS("):
        raise RefreshError(url, f"expected rows of one IMF.STA:IMTS structure, found "
                           f"{sorted(structures)}", field="STRUCTURE_ID")
    return count, structures.pop()


def refresh_imts(indicators: Sequence[str], raw_dir: str | Path, *, session: Any = None,
                 countries: str | Iterable[str] | None = None, since: int | None = None,
                 base_url: str = BASE_URL) -> list[Path]:
    """Fetch each indicator into ``<raw_dir>/imf-imts/data/`` and record it in SOURCE.txt.

    ``countries`` defaults to :func:`book_countries`. Every answer is fetched and checked
    before anything is written, so a failure leaves the folder as it was. Returns the
    paths written, SOURCE.txt last.
    """
    session = session or new_session()
    countries = book_countries() if countries is None else countries
    downloads = [fetch_indicator(indicator, session=session, countries=countries, since=since,
                                 base_url=base_url)
                 for indicator in dict.fromkeys(indicators)]
    raw_dir = Path(raw_dir)
    written = []
    for download in downloads:
        out_path = raw_dir / DATA_DIR / download.file_name
        with atomic_output(out_path) as temporary:
            temporary.write_bytes(download.content)
        written.append(out_path)
    written.append(write_source_record(downloads, raw_dir / SOURCE_FILE))
    return written


# SOURCE.txt -------------------------------------------------------------------------------

RECORD_FIELDS = ("File", "Indicator", "URL", "Request", "Retrieved", "Content-Type", "Structure",
                 "Observations", "Bytes", "SHA-256")


def write_source_record(downloads: Sequence[Download], path: str | Path) -> Path:
    """Write (or update) SOURCE.txt: a preamble, then one block per file.

    Blocks of files not refreshed this time are kept as they were.
    """
    path = Path(path)
    blocks = {block["File"]: block for block in read_source_record(path)} if path.exists() else {}
    for download in downloads:
        blocks[f"data/{download.file_name}"] = {
            "File": f"data/{download.file_name}",
            "Indicator": f"{download.indicator} ({INDICATORS[download.indicator]})",
            "URL": download.url,
            "Request": "; ".join(f"{key}: {value}" for key, value in download.request_headers.items()),
            "Retrieved": download.retrieved,
            "Content-Type": download.content_type,
            "Structure": download.structure_id,
            "Observations": str(download.observations),
            "Bytes": str(len(download.content)),
            "SHA-256": download.sha256,
        }
    lines = [SOURCE_TITLE,
             "Agency:      International Monetary Fund, Statistics Department (dataflow IMF.STA:IMTS)",
             "Continues:   Direction of Trade Statistics (DOTS), retired in 2025 (see imf-dots/SOURCE.txt)",
             "Written by:  python -m analysis.data.refresh imts",
             f"Caution:     {SOURCE_CAUTION}",
             "Units:       OBS_VALUE in US dollars; SCALE is a display hint, not a multiplier",
             f"License:     {LICENCE}",
             ""]
    for name in sorted(blocks):
        block = blocks[name]
        lines += [f"{key + ':':<14}{block[key]}" for key in RECORD_FIELDS] + [""]
    with atomic_output(path) as temporary:
        temporary.write_text("\n".join(lines), encoding="utf-8")
    return path


def read_source_record(path: str | Path) -> list[dict[str, str]]:
    """The file blocks of a SOURCE.txt written by :func:`write_source_record`."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    blocks, block, start = [], {}, 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines() + [""], start=1):
        key, _, value = line.partition(":")
        if key == "File" and not block:
            start = number
        if key in RECORD_FIELDS and (block or key == "File"):
            block[key] = value.strip()
        elif not line.strip() and block:
            missing = [name for name in RECORD_FIELDS if name not in block]
            if missing:
                raise DataError(path, f"the block of {block['File']} lacks {missing}", row=start,
                                field=missing[0])
            blocks.append(block)
            block = {}
    return blocks


def verify_checksums(raw_dir: str | Path) -> list[Path]:
    """Check every file SOURCE.txt lists against its recorded SHA-256; return their paths."""
    folder = Path(raw_dir) / FOLDER
    checked = []
    for block in read_source_record(folder / "SOURCE.txt"):
        path = folder / block["File"]
        if not path.is_file():
            raise DataError(folder / "SOURCE.txt", f"{block['File']} is listed but missing",
                            field="File")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != block["SHA-256"]:
            raise DataError(path, f"SHA-256 is {digest}, SOURCE.txt records {block['SHA-256']}: "
                            "the file changed after it was downloaded", field="SHA-256")
        checked.append(path)
    return checked
