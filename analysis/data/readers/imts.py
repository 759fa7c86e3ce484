"""IMF International Trade in Goods (IMTS) files: SDMX-CSV 2.0, one file per indicator.

The files are the answers of the IMF's SDMX 3.0 data API as saved by
:mod:`analysis.data.refresh.imts`. One row per observation; the columns used are

* ``STRUCTURE`` (``dataflow``; the header may read ``STRUCTURE[;]``, naming a sub-field
  separator), ``STRUCTURE_ID`` (``IMF.STA:IMTS(<version>)``) and, when present, ``ACTION``
  (``I``, ``A`` or ``R``; a deletion, ``D``, cannot be read as data and is an error);
* ``COUNTRY`` (the reporter) and ``COUNTERPART_COUNTRY`` (the partner): ISO3 codes, or
  IMF group codes such as ``G001`` for the world (``data/reference/imf_imts_areas.csv``);
* ``INDICATOR``: ``XG_FOB_USD`` becomes ``flow='exports'`` and ``MG_CIF_USD``
  ``flow='imports'``, the two DOTS sheets; ``MG_FOB_USD`` (imports valued FOB) and
  ``TBG_USD`` (the balance) have no place in the bilateral table and are counted as dropped;
* ``FREQUENCY`` (``A``), ``TIME_PERIOD`` (a year), ``OBS_VALUE`` in US dollars, divided by
  10^6 for the table's US$ millions. ``SCALE`` is only a display hint and is never applied;
* the observation status, ``OBS_STATUS`` (or ``STATUS``): the SDMX codes ``E`` (estimated)
  and ``I`` (imputed by the receiving agency, such as the IMF's estimates from partner
  data) set ``estimate=True``, as the DOTS ``"12.34 e"`` cells do.

The output has the DOTS reader's columns, types and order, so that the mirror rule,
the domain rules, the row accounting and the estimate summaries apply unchanged.

CAUTION: the columns and codes were written from the documented SDMX-CSV 2.0 format and
the IMF's description of IMTS, without a live file (no network where this was written).
Anything else in a file stops the reader with a :class:`DataError` naming the file, the
line (header = line 1) and the column, rather than being guessed at.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.data import reference
from analysis.data.readers._common import RowCount, header_positions, parse_float, read_csv
from analysis.data.readers.dots import COLUMNS
from analysis.errors import DataError

FLOWS = {"XG_FOB_USD": "exports", "MG_CIF_USD": "imports"}
NOT_IN_TABLE = {"MG_FOB_USD": "imports valued FOB", "TBG_USD": "the trade balance"}
REQUIRED = ("STRUCTURE_ID", "COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY", "FREQUENCY",
            "TIME_PERIOD", "OBS_VALUE")
STRUCTURE_HEADER = re.compile(r"STRUCTURE(\[.\])?")
STATUS_COLUMNS = ("OBS_STATUS", "STATUS")
# SDMX cross-domain code list CL_OBS_STATUS; E and I are values the agency estimated.
OBS_STATUS = {"A": "normal", "B": "break", "D": "definition differs", "E": "estimated",
              "F": "forecast", "G": "experimental", "I": "imputed by the receiving agency",
              "K": "included in another category", "L": "missing, exists but not collected",
              "M": "missing, not applicable", "N": "not significant", "O": "missing",
              "P": "provisional", "S": "strike", "U": "low reliability", "V": "unvalidated"}
ESTIMATE_STATUS = frozenset({"E", "I"})
DATA_ACTIONS = frozenset({"", "I", "A", "R"})
GROUP_CODE = re.compile(r"G\d{3}")
MISSING_VALUES = frozenset({"", "NaN", "NA", "N/A"})
USD_PER_MILLION = 1_000_000
CELL = "reporter-partner-year row"
UNCODED_RULES = {"aggregate": "an aggregate", "former": "a former state",
                 "unspecified": "not specified"}


@dataclass(frozen=True)
class ImtsAreas:
    """IMF codes -> (ISO3 or '', kind): the table, then ISO3 country codes, then group codes."""

    iso3_by_code: dict[str, str]
    kind_by_code: dict[str, str]
    countries: frozenset[str]

    @classmethod
    def from_csv(cls, path: Path, countries: frozenset[str] | None = None) -> "ImtsAreas":
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        repeated = table[table.code.duplicated()]
        if not repeated.empty:
            raise DataError(path, f"code {repeated.iloc[0].code!r} appears twice",
                            row=int(repeated.index[0]) + 2, field="code")
        known = reference.known_country_codes() if countries is None else countries
        return cls(dict(zip(table.code, table.iso3)), dict(zip(table.code, table.kind)),
                   frozenset(known))

    def resolve(self, code: str) -> tuple[str, str] | None:
        """(ISO3 or '', kind) of an IMF code, or None for a code of no known kind."""
        if code in self.kind_by_code:
            return self.iso3_by_code[code], self.kind_by_code[code]
        if code in self.countries:
            return code, "country"
        if GROUP_CODE.fullmatch(code):
            return "", "aggregate"
        return None


@dataclass
class ImtsReport:
    """What one file held: tidy flows (the DOTS reader's columns), the count of its rows
    kept and dropped by rule, the line each flow came from, and the structure read."""

    flows: pd.DataFrame
    count: RowCount = field(default_factory=lambda: RowCount(CELL))
    origins: pd.DataFrame | None = None
    structure_id: str = ""


def read_imts_csv(path: str | Path, areas: ImtsAreas, *, reporters: set[str] | None = None,
                  partners: set[str] | None = None, years: range | None = None) -> ImtsReport:
    """Read one IMTS SDMX-CSV file into tidy flows in US$ millions.

    Reporters and partners are kept when they have an ISO3 code (countries, and the
    groups the area table codes: the world); of those only ``reporters`` and
    ``partners`` when given, and only ``years`` when given.
    """
    header, records = read_csv(Path(path), ends_with_line_break=False)
    path = Path(path)
    if not STRUCTURE_HEADER.fullmatch(header[0]):
        raise DataError(path, "not SDMX-CSV 2.0: the first column must be STRUCTURE (or "
                        f"STRUCTURE[x]), found {header[0][:40]!r}", row=1, field=header[0][:40])
    where = header_positions(path, header, REQUIRED)
    where["STRUCTURE"] = 0
    status_column = next((name for name in STATUS_COLUMNS if name in header), None)
    if status_column is None:
        raise DataError(path, f"no status column ({' or '.join(STATUS_COLUMNS)}): the IMF's "
                        "estimates could not be flagged", row=1, field=STATUS_COLUMNS[0])
    where["status"] = header.index(status_column)
    action = header.index("ACTION") if "ACTION" in header else None
    count = RowCount(CELL)
    rows: list[tuple] = []
    seen: dict[tuple, int] = {}
    structure = ""
    for line, fields in records:
        value = {name: fields[position].strip() for name, position in where.items()}
        structure = _check_structure(path, line, value, structure)
        if action is not None and fields[action].strip() not in DATA_ACTIONS:
            raise DataError(path, f"action {fields[action]!r} is not data (I, A or R): a deletion "
                            "message cannot be read as observations", row=line, field="ACTION")
        if value["FREQUENCY"] != "A":
            raise DataError(path, f"frequency {value['FREQUENCY']!r}: the file must hold annual "
                            "observations (A)", row=line, field="FREQUENCY")
        status = value["status"]
        if status and status not in OBS_STATUS:
            raise DataError(path, f"status {status!r} is not an SDMX observation status "
                            f"({', '.join(OBS_STATUS)})", row=line, field=status_column)
        indicator = value["INDICATOR"]
        if indicator not in FLOWS:
            if indicator not in NOT_IN_TABLE:
                raise DataError(path, f"indicator {indicator!r} is not an IMTS trade indicator "
                                f"({', '.join([*FLOWS, *NOT_IN_TABLE])})", row=line, field="INDICATOR")
            count.drop(f"indicator {indicator} ({NOT_IN_TABLE[indicator]}), not in the table")
            continue
        year = _year(path, line, value["TIME_PERIOD"])
        reporter = _area(path, line, "COUNTRY", value["COUNTRY"], areas)
        partner = _area(path, line, "COUNTERPART_COUNTRY", value["COUNTERPART_COUNTRY"], areas)
        rule = _drop_rule(reporter, partner, year, reporters, partners, years)
        if rule is None and value["OBS_VALUE"] in MISSING_VALUES:
            rule = "no value"
        if rule is not None:
            count.drop(rule)
            continue
        number = parse_float(path, value["OBS_VALUE"], line, "OBS_VALUE")
        key = (reporter[0], partner[0], FLOWS[indicator], year)
        if key in seen:
            raise DataError(path, f"a second value for {' '.join(map(str, key))} (first in line "
                            f"{seen[key]})", row=line, field="OBS_VALUE")
        seen[key] = line
        count.keep()
        rows.append((*key, number / USD_PER_MILLION, status in ESTIMATE_STATUS, line, "OBS_VALUE"))
    count.require_balanced(path)
    flows = pd.DataFrame.from_records(rows, columns=COLUMNS + ["line", "field"])
    flows = flows.astype({"reporter": "str", "partner": "str", "flow": "str", "year": "int64",
                          "value_usd_m": "float64", "estimate": "bool", "line": "int64"})
    flows = flows.sort_values(COLUMNS[:4], ignore_index=True)
    return ImtsReport(flows[COLUMNS], count, flows[["line", "field"]], structure)


def _check_structure(path: Path, line: int, value: dict[str, str], structure: str) -> str:
    if value["STRUCTURE"] != "dataflow":
        raise DataError(path, f"structure type {value['STRUCTURE']!r}, expected 'dataflow'",
                        row=line, field="STRUCTURE")
    found = value["STRUCTURE_ID"]
    if not found.startswith("IMF.STA:IMTS("):
        raise DataError(path, f"{found!r} is not the IMF's IMTS dataflow (IMF.STA:IMTS(...))",
                        row=line, field="STRUCTURE_ID")
    if structure and found != structure:
        raise DataError(path, f"{found!r} differs from {structure!r} of the rows before: one file "
                        "must hold one version of the dataflow", row=line, field="STRUCTURE_ID")
    return found


def _year(path: Path, line: int, text: str) -> int:
    if not re.fullmatch(r"(19|20)\d\d", text):
        raise DataError(path, f"{text!r} is not a year (annual TIME_PERIOD like 2021)", row=line,
                        field="TIME_PERIOD")
    return int(text)


def _area(path: Path, line: int, column: str, code: str, areas: ImtsAreas) -> tuple[str, str]:
    resolved = areas.resolve(code)
    if resolved is None:
        raise DataError(path, f"{code!r} is neither an ISO3 country code nor an IMF group code "
                        "(G and three digits); add it to imf_imts_areas.csv with its kind",
                        row=line, field=column)
    return resolved


def _drop_rule(reporter: tuple[str, str], partner: tuple[str, str], year: int,
               reporters: set[str] | None, partners: set[str] | None,
               years: range | None) -> str | None:
    """The rule that leaves a row out, or None to keep it (checked in this order)."""
    if not reporter[0]:
        return "reporter " + UNCODED_RULES.get(reporter[1], f"of kind {reporter[1]}")
    if reporters is not None and reporter[0] not in reporters:
        return "not a wanted reporter"
    if not partner[0]:
        return UNCODED_RULES.get(partner[1], f"kind {partner[1]}")
    if partners is not None and partner[0] not in partners:
        return "not a wanted partner"
    if years is not None and year not in years:
        return "outside the years"
    return None
