"""Trade agreements: the WTO Regional Trade Agreements export and the DESTA treaty lists.

WTO (``AllRTAs.xlsx``, sheet ``AllRTAs``, header in row 1, one row per agreement):

- Signatory names become codes only through the reviewed table
  ``data/reference/wto_member_names.csv`` (wto_name, iso3, kind); a name missing from it is
  an error. Blocs that sign as one party (European Union, EFTA, EAEU, ...) keep a bloc code
  such as ``EUU``; they are not expanded into members, whose lists change over time.
- ``signatories`` is the "Current signatories" list, or "Original signatories" where the
  current list is blank, as it is for every inactive agreement. Early announcements have
  neither and get ``''``. Three inactive bilateral agreements with a state that no longer
  exists (Czechoslovakia, Serbia and Montenegro) list only the surviving party. A current
  list can be much shorter than the original: the 1994 CIS agreement (RTA 99) now names
  only AZE, GEO, TKM and UZB, most parties having moved to the 2011 CIS treaty (RTA 762).
- ``entry_into_force`` is the earlier of the goods and services entry-into-force dates;
  the two differ for a few agreements whose services chapter came later (or earlier).

DESTA v2.02 (``desta_list_of_treaties_02_02.csv`` and its ``_dyads`` file):

- Countries are ISO 3166 numeric codes, turned into ISO3 with pycountry. The one code
  pycountry does not know, 900 (Kosovo), is mapped to XKX by the reviewed override table
  ``data/reference/desta_numeric_overrides.csv`` (numeric, iso3, reason); nothing is
  dropped, and any other unknown code is an error.
- A DESTA entry (base treaty, accession, consolidated version, ...) is identified by
  (base_treaty, name, year), which matches the file's ``number`` one to one.
- Dyads are put in canonical order, ``iso3_a < iso3_b``.
- Two treaty entries (810+1, 856) list a member twice; members are a set, so it counts once.
- The DESTA files end without a final line break, so a cut inside the last field of the last
  line cannot be seen; a cut anywhere else leaves a short record and is an error.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pycountry

from analysis.errors import DataError
from analysis.paths import DATA_DIR
from analysis.data.readers._common import (header_positions, parse_int, parse_iso3, parse_iso_date,
                                      parse_optional_int, read_csv, read_sheet, remember_key,
                                      tidy_frame, unique_text_key)

WTO_NAMES_PATH = DATA_DIR / "reference" / "wto_member_names.csv"
DESTA_OVERRIDES_PATH = DATA_DIR / "reference" / "desta_numeric_overrides.csv"

WTO_SHEET = "AllRTAs"
WTO_TEXT_COLUMNS = {"name": "RTA Name", "coverage": "Coverage", "type": "Type",
                    "status": "Status", "composition": "RTA Composition"}
WTO_ENTRY_INTO_FORCE = ("Date of Entry into Force (G)", "Date of Entry into Force (S)")
WTO_INACTIVE = "Inactive Date"
WTO_CURRENT, WTO_ORIGINAL = "Current signatories", "Original signatories"
MEMBER_KINDS = {"country", "bloc"}
DESTA_MEMBER_COLUMN = re.compile(r"c(\d+)")


def read_wto_member_names(path: str | Path = WTO_NAMES_PATH) -> pd.DataFrame:
    """The reviewed WTO-name table: columns wto_name, iso3, kind ('country' or 'bloc')."""
    path = Path(path)
    header, records = read_csv(path)
    at = header_positions(path, header, ["wto_name", "iso3", "kind"])
    seen: dict[str, int] = {}
    rows = []
    for line, fields in records:
        name = unique_text_key(path, fields[at["wto_name"]], seen, line, "wto_name")
        kind = fields[at["kind"]].strip()
        if kind not in MEMBER_KINDS:
            raise DataError(path, f"kind {kind!r} is not one of {sorted(MEMBER_KINDS)}",
                            row=line, field="kind")
        rows.append((name, parse_iso3(path, fields[at["iso3"]], line, "iso3"), kind))
    return tidy_frame(rows, {"wto_name": "str", "iso3": "str", "kind": "str"}, ["wto_name"])


def read_wto_rtas(path: str | Path, names_path: str | Path = WTO_NAMES_PATH) -> pd.DataFrame:
    """One row per WTO regional trade agreement.

    Columns: rta_id (int), name, coverage, type, status, composition, entry_into_force
    (YYYY-MM-DD or ''), inactive_date (YYYY-MM-DD or ''), signatories (sorted ISO3 and bloc
    codes joined by ';', '' when none are listed); all but rta_id are str.
    """
    path = Path(path)
    names = read_wto_member_names(names_path)
    code_of = dict(zip(names["wto_name"], names["iso3"]))
    rows = read_sheet(path, WTO_SHEET)
    if not rows:
        raise DataError(path, "the sheet is empty", field=WTO_SHEET)
    at = header_positions(path, rows[0], ["RTA ID", *WTO_TEXT_COLUMNS.values(),
                                          *WTO_ENTRY_INTO_FORCE, WTO_INACTIVE, WTO_CURRENT,
                                          WTO_ORIGINAL])
    seen: dict[int, int] = {}
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if all(value is None for value in row):
            continue
        rta_id = parse_int(path, row[at["RTA ID"]], number, "RTA ID")
        remember_key(path, seen, rta_id, number, "RTA ID")
        text = {key: _cell_text(row[at[column]]) for key, column in WTO_TEXT_COLUMNS.items()}
        for key in ("name", "status"):
            if not text[key]:
                raise DataError(path, "empty cell", row=number, field=WTO_TEXT_COLUMNS[key])
        entry_dates = [parse_iso_date(path, row[at[column]], number, column)
                       for column in WTO_ENTRY_INTO_FORCE]
        inactive = parse_iso_date(path, row[at[WTO_INACTIVE]], number, WTO_INACTIVE)
        column = WTO_CURRENT if _cell_text(row[at[WTO_CURRENT]]) else WTO_ORIGINAL
        signatories = _signatory_codes(path, _cell_text(row[at[column]]), code_of, names_path,
                                       number, column)
        records.append((rta_id, *text.values(), min(filter(None, entry_dates), default=""),
                        inactive, ";".join(signatories)))
    dtypes = {"rta_id": "int64", **dict.fromkeys(WTO_TEXT_COLUMNS, "str"),
              "entry_into_force": "str", "inactive_date": "str", "signatories": "str"}
    return tidy_frame(records, dtypes, ["rta_id"])


def read_desta_dyads(path: str | Path,
                     overrides_path: str | Path = DESTA_OVERRIDES_PATH) -> pd.DataFrame:
    """DESTA country pairs per treaty entry.

    Columns: base_treaty (int), name (str), iso3_a (str), iso3_b (str), year (int, signature),
    entry_into_force_year (Int64, <NA> if not in force), typememb (int, DESTA membership type).
    """
    path = Path(path)
    iso3_of = _numeric_to_iso3(overrides_path)
    header, records = read_csv(path, ends_with_line_break=False)
    at = header_positions(path, header, ["iso1", "iso2", "base_treaty", "name", "year",
                                         "entryforceyear", "typememb"])
    seen: dict[tuple, int] = {}
    rows = []
    for line, fields in records:
        first, second = (_iso3(path, iso3_of, fields[at[field]], line, field, overrides_path)
                         for field in ("iso1", "iso2"))
        if first == second:
            raise DataError(path, f"{first} is paired with itself", row=line, field="iso2")
        iso3_a, iso3_b = sorted((first, second))
        base_treaty = parse_int(path, fields[at["base_treaty"]], line, "base_treaty")
        name = fields[at["name"]].strip()
        year = parse_int(path, fields[at["year"]], line, "year")
        remember_key(path, seen, (base_treaty, name, year, iso3_a, iso3_b), line,
                     "base_treaty, name, year, iso1, iso2")
        rows.append((base_treaty, name, iso3_a, iso3_b, year,
                     parse_optional_int(path, fields[at["entryforceyear"]], line, "entryforceyear"),
                     parse_int(path, fields[at["typememb"]], line, "typememb")))
    dtypes = {"base_treaty": "int64", "name": "str", "iso3_a": "str", "iso3_b": "str",
              "year": "int64", "entry_into_force_year": "Int64", "typememb": "int64"}
    return tidy_frame(rows, dtypes, ["base_treaty", "year", "name", "iso3_a", "iso3_b"])


def read_desta_treaties(path: str | Path,
                        overrides_path: str | Path = DESTA_OVERRIDES_PATH) -> pd.DataFrame:
    """DESTA treaty entries (base treaties, accessions, withdrawals, negotiations, ...).

    Columns: number (str, e.g. '26' or '26+1'), base_treaty (int), name (str), entry_type
    (str), year (Int64; negotiations have none), entry_into_force_year (Int64), typememb
    (Int64), members (sorted ISO3 codes joined by ';').
    """
    path = Path(path)
    iso3_of = _numeric_to_iso3(overrides_path)
    header, records = read_csv(path, ends_with_line_break=False)
    at = header_positions(path, header, ["number", "base_treaty", "name", "entry_type", "year",
                                         "entryforceyear", "typememb", "c1"])
    member_columns = [(position, name) for position, name in enumerate(header)
                      if DESTA_MEMBER_COLUMN.fullmatch(name)]
    seen: dict[str, int] = {}
    rows = []
    for line, fields in records:
        number = unique_text_key(path, fields[at["number"]], seen, line, "number")
        members = {_iso3(path, iso3_of, fields[position], line, name, overrides_path)
                   for position, name in member_columns if fields[position].strip()}
        if not members:
            raise DataError(path, "no member in any c<n> column", row=line, field="c1")
        rows.append((number, parse_int(path, fields[at["base_treaty"]], line, "base_treaty"),
                     fields[at["name"]].strip(), fields[at["entry_type"]].strip(),
                     parse_optional_int(path, fields[at["year"]], line, "year"),
                     parse_optional_int(path, fields[at["entryforceyear"]], line, "entryforceyear"),
                     parse_optional_int(path, fields[at["typememb"]], line, "typememb"),
                     ";".join(sorted(members))))
    dtypes = {"number": "str", "base_treaty": "int64", "name": "str", "entry_type": "str",
              "year": "Int64", "entry_into_force_year": "Int64", "typememb": "Int64",
              "members": "str"}
    return tidy_frame(rows, dtypes, ["base_treaty", "number"])


def _cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _signatory_codes(path: Path, cell: str, code_of: dict[str, str], names_path: str | Path,
                     row: int, field: str) -> list[str]:
    """Sorted distinct codes of a ';'-separated list of WTO signatory names."""
    codes = set()
    for name in filter(None, (part.strip() for part in cell.split(";"))):
        if name not in code_of:
            raise DataError(path, f"signatory {name!r} is not in {Path(names_path).name}; "
                                  "add it there once checked", row=row, field=field)
        codes.add(code_of[name])
    return sorted(codes)


def _numeric_to_iso3(overrides_path: str | Path) -> dict[str, str]:
    """Three-digit ISO numeric code -> ISO3, from pycountry plus the reviewed overrides."""
    iso3_of = {country.numeric: country.alpha_3 for country in pycountry.countries}
    path = Path(overrides_path)
    header, records = read_csv(path)
    at = header_positions(path, header, ["numeric", "iso3", "reason"])
    seen: dict[int, int] = {}
    for line, fields in records:
        numeric = parse_int(path, fields[at["numeric"]], line, "numeric")
        remember_key(path, seen, numeric, line, "numeric")
        if not fields[at["reason"]].strip():
            raise DataError(path, "an override needs a reason", row=line, field="reason")
        iso3_of[f"{numeric:03d}"] = parse_iso3(path, fields[at["iso3"]], line, "iso3")
    return iso3_of


def _iso3(path: Path, iso3_of: dict[str, str], text: str, row: int, field: str,
          overrides_path: str | Path) -> str:
    numeric = parse_int(path, text, row, field)
    try:
        return iso3_of[f"{numeric:03d}"]
    except KeyError:
        raise DataError(path, f"ISO numeric code {numeric} is unknown to pycountry and not in "
                              f"{Path(overrides_path).name}", row=row, field=field) from None
