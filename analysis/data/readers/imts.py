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

import numpy as np
import pandas as pd

from analysis.data import reference
from analysis.data.readers._common import RowCount, header_positions, parse_float, read_csv, require_file
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
    ``partners`` when given, and only ``years`` when given. The checks run column by
    column over the whole file (a whole-dataflow answer has hundreds of thousands of
    rows); each names the first line that fails it.
    """
    path = require_file(path)
    header, table = _load(path)
    if not STRUCTURE_HEADER.fullmatch(header[0]):
        raise DataError(path, "not SDMX-CSV 2.0: the first column must be STRUCTURE (or "
                        f"STRUCTURE[x]), found {header[0][:40]!r}", row=1, field=header[0][:40])
    header_positions(path, header, REQUIRED)
    status_column = next((name for name in STATUS_COLUMNS if name in header), None)
    if status_column is None:
        raise DataError(path, f"no status column ({' or '.join(STATUS_COLUMNS)}): the IMF's "
                        "estimates could not be flagged", row=1, field=STATUS_COLUMNS[0])
    value = {name: _stripped(table[column]) for name, column in
             [(name, name) for name in REQUIRED] + [("STRUCTURE", header[0]), ("status", status_column)]}
    line = table["line"]
    structure = _check_rows(path, table, value, line, status_column)
    count = RowCount(CELL)
    indicator = value["INDICATOR"]
    for code, meaning in NOT_IN_TABLE.items():
        _drop(count, f"indicator {code} ({meaning}), not in the table", int((indicator == code).sum()))
    rows = indicator.isin(list(FLOWS))
    value = {name: column[rows] for name, column in value.items()}
    line = line[rows]
    periods, distinct = pd.factorize(value["TIME_PERIOD"])
    not_a_year = np.array([not re.fullmatch(r"(19|20)\d\d", text) for text in np.asarray(distinct, dtype=object)],
                          dtype=bool)[periods]
    _first_failure(path, pd.Series(not_a_year, index=line.index), line, "TIME_PERIOD",
                   lambda bad: f"{bad!r} is not a year (annual TIME_PERIOD like 2021)", value["TIME_PERIOD"])
    year = value["TIME_PERIOD"].astype("int64")
    reporter, reporter_kind = _areas(path, value["COUNTRY"], line, "COUNTRY", areas)
    partner, partner_kind = _areas(path, value["COUNTERPART_COUNTRY"], line, "COUNTERPART_COUNTRY", areas)
    # the rules that leave a row out, in this order; a row falls under the first that applies
    rules = [(reporter == "", reporter_kind.map({kind: "reporter " + UNCODED_RULES.get(kind, f"of kind {kind}")
                                                 for kind in reporter_kind.unique()})),
             (~reporter.isin(reporters) if reporters is not None else None, "not a wanted reporter"),
             (partner == "", partner_kind.map({kind: UNCODED_RULES.get(kind, f"kind {kind}")
                                               for kind in partner_kind.unique()})),
             (~partner.isin(partners) if partners is not None else None, "not a wanted partner"),
             (~year.isin([y for y in year.unique() if int(y) in years]) if years is not None else None,
              "outside the years"),
             (value["OBS_VALUE"].isin(MISSING_VALUES), "no value")]
    left = pd.Series(False, index=line.index)
    for applies, rule in rules:
        if applies is None:
            continue
        applies = applies & ~left
        if isinstance(rule, str):
            _drop(count, rule, int(applies.sum()))
        else:
            for name, cells in rule[applies].value_counts(sort=False).items():
                _drop(count, name, int(cells))
        left |= applies
    kept = ~left
    number = pd.to_numeric(value["OBS_VALUE"][kept], errors="coerce")
    bad = ~np.isfinite(number.to_numpy(dtype=float))
    if bad.any():
        first = number.index[bad][0]
        parse_float(path, value["OBS_VALUE"][first], int(line[first]), "OBS_VALUE")  # raises
    flows = pd.DataFrame({"reporter": reporter[kept], "partner": partner[kept],
                          "flow": indicator[rows][kept].map(FLOWS), "year": year[kept],
                          "value_usd_m": number / USD_PER_MILLION,
                          "estimate": value["status"][kept].isin(ESTIMATE_STATUS),
                          "line": line[kept], "field": "OBS_VALUE"})
    _check_unique(path, flows)
    count.keep(len(flows))
    count.require_balanced(path)
    flows = flows.astype({"reporter": "str", "partner": "str", "flow": "str", "year": "int64",
                          "value_usd_m": "float64", "estimate": "bool", "line": "int64"})
    flows = flows.sort_values(COLUMNS[:4], ignore_index=True)
    return ImtsReport(flows[COLUMNS], count, flows[["line", "field"]], structure)


def _drop(count: RowCount, rule: str, rows: int) -> None:
    if rows:
        count.drop(rule, rows)


def _load(path: Path) -> tuple[list[str], pd.DataFrame]:
    """The header and the records as text, with the line each record ends on (header = 1).

    The records are read and checked as the other readers read theirs (``read_csv``:
    UTF-8, every record as wide as the header, the line of each), then checked column by
    column.
    """
    header, records = read_csv(path, ends_with_line_break=False)
    table = pd.DataFrame([fields for _, fields in records], columns=header, dtype="str")
    table["line"] = pd.Series([line for line, _ in records], dtype="int64")
    return header, table


def _first_failure(path: Path, failing: pd.Series, line: pd.Series, field: str, message, values: pd.Series) -> None:
    """Raise for the first line where ``failing`` holds; ``message`` takes the value found."""
    if failing.any():
        first = failing.idxmax()
        raise DataError(path, message(values[first]), row=int(line[first]), field=field)


def _check_rows(path: Path, table: pd.DataFrame, value: dict[str, pd.Series], line: pd.Series,
                status_column: str) -> str:
    """The checks every row must pass, whatever its indicator; returns the STRUCTURE_ID."""
    _first_failure(path, value["STRUCTURE"] != "dataflow", line, "STRUCTURE",
                   lambda bad: f"structure type {bad!r}, expected 'dataflow'", value["STRUCTURE"])
    structure_id = value["STRUCTURE_ID"]
    _first_failure(path, ~structure_id.str.startswith("IMF.STA:IMTS("), line, "STRUCTURE_ID",
                   lambda bad: f"{bad!r} is not the IMF's IMTS dataflow (IMF.STA:IMTS(...))", structure_id)
    structure = structure_id.iloc[0] if len(structure_id) else ""
    _first_failure(path, structure_id != structure, line, "STRUCTURE_ID",
                   lambda bad: f"{bad!r} differs from {structure!r} of the rows before: one file "
                               "must hold one version of the dataflow", structure_id)
    if "ACTION" in table:
        action = _stripped(table["ACTION"])
        _first_failure(path, ~action.isin(DATA_ACTIONS), line, "ACTION",
                       lambda bad: f"action {bad!r} is not data (I, A or R): a deletion message "
                                   "cannot be read as observations", action)
    _first_failure(path, value["FREQUENCY"] != "A", line, "FREQUENCY",
                   lambda bad: f"frequency {bad!r}: the file must hold annual observations (A)",
                   value["FREQUENCY"])
    status = value["status"]
    _first_failure(path, (status != "") & ~status.isin(list(OBS_STATUS)), line, status_column,
                   lambda bad: f"status {bad!r} is not an SDMX observation status ({', '.join(OBS_STATUS)})",
                   status)
    indicator = value["INDICATOR"]
    _first_failure(path, ~indicator.isin([*FLOWS, *NOT_IN_TABLE]), line, "INDICATOR",
                   lambda bad: f"indicator {bad!r} is not an IMTS trade indicator "
                               f"({', '.join([*FLOWS, *NOT_IN_TABLE])})", indicator)
    return structure


def _areas(path: Path, codes: pd.Series, line: pd.Series, field: str,
           areas: ImtsAreas) -> tuple[pd.Series, pd.Series]:
    """ISO3 codes ('' for an uncoded group) and kinds of a column of IMF codes."""
    positions, uniques = pd.factorize(codes)
    resolved = [areas.resolve(code) for code in uniques]
    unknown = np.array([found is None for found in resolved], dtype=bool)[positions]
    _first_failure(path, pd.Series(unknown, index=codes.index), line, field,
                   lambda bad: f"{bad!r} is neither an ISO3 country code nor an IMF group code (G and "
                               "three digits); add it to imf_imts_areas.csv with its kind", codes)
    iso3 = np.array([found[0] for found in resolved], dtype=object)[positions]
    kind = np.array([found[1] for found in resolved], dtype=object)[positions]
    return pd.Series(iso3, index=codes.index), pd.Series(kind, index=codes.index)


def _stripped(column: pd.Series) -> pd.Series:
    """The column's text without surrounding spaces, stripping each distinct value once."""
    positions, uniques = pd.factorize(column)
    uniques = np.asarray(uniques, dtype=object)
    return pd.Series(np.array([text.strip() for text in uniques], dtype=object)[positions],
                     index=column.index)


def _check_unique(path: Path, flows: pd.DataFrame) -> None:
    key = COLUMNS[:4]
    repeated = flows.duplicated(key)
    if repeated.any():
        second = flows[repeated].iloc[0]
        first = flows[(flows[key] == second[key]).all(axis=1)].iloc[0]
        raise DataError(path, f"a second value for {second.reporter} {second.partner} {second.flow} "
                        f"{second.year} (first in line {first.line})", row=int(second.line), field="OBS_VALUE")
