"""Downloads that explain themselves: what each CSV file holds, and the chapter's data
package (``datapackage.json``, Frictionless Data) and workbook (``.xlsx``) built from it.

A notebook publishes a table with :func:`analysis.present.plotting.csv_download`, which
calls :func:`describe` here: every column gets its type (read from the frame's dtype, so
the type matches the data written) and every numeric column a unit (a key of the
``unit.*`` entries of the catalogue; a column without one is an error). The sources are
the extract's tables the data came from (keys of ``data/manifest.json``, or
``reference`` for the book's own reference tables); agency, dataset, address and
licence are read from the manifest, never typed per file. The description travels with
the CSV inside the executed notebook, and ``tooling/sphinx_ext/data_downloads.py``
turns each page's descriptions into the package and the workbook next to its files.
"""
from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from analysis.paths import DATA_DIR
from analysis.present.i18n import catalogue, t
from analysis.present.tables import format_vintage, phrase

REFERENCE = "reference"  # the book's own reference tables (data/reference), under the book's licence
UNIT_COLUMN = "column:"  # a unit given row by row in another column: f"{UNIT_COLUMN}{name}"
YEAR_UNIT = "year"
CONTENT_LICENCE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}
LICENCE_ADDRESSES = {  # the licences the manifest names by their code
    "CC BY 4.0": ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC BY 3.0 IGO": ("CC-BY-3.0-IGO", "https://creativecommons.org/licenses/by/3.0/igo/"),
    "IMF terms of use (free reuse with attribution; not a Creative Commons licence)":
        (None, "https://www.imf.org/external/terms.htm"),
}  # any other licence: the address of the agency's page that states it (the manifest's upstream_url)
# The unit of each integration indicator (analysis.measures.indicators): shares are
# fractions of one, the intensity indices ratios, the symmetric indices lie in [-1, 1].
INDICATOR_UNITS = {
    "trade_share": "share", "trade_to_gdp_ppp": "share", "trade_to_gdp_usd": "share",
    "migration_share": "share", "fdi_inflows_to_gdp": "share", "estimate_share": "share",
    "trade_intensity": "ratio", "symmetric_intensity": "symmetric_index", "introversion": "symmetric_index",
    "mutual_trade_usd_m": "usd_m", "total_trade_usd_m": "usd_m",
}


class DownloadError(ValueError):
    """A table that cannot be published as described."""


def unit_keys() -> list[str]:
    return sorted(key.removeprefix("unit.") for key in catalogue() if key.startswith("unit."))


def field_type(series: pd.Series) -> str:
    """The Table Schema type of a column, as pandas writes it to CSV."""
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "number"
    values = series.dropna()
    if len(values) and all(isinstance(value, bool) for value in values):
        return "boolean"
    return "string"


def describe(frame: pd.DataFrame, filename: str, lang: str, *, sources: Sequence[str],
             units: str | Mapping[str, str] | None = None,
             descriptions: Mapping[str, str] | None = None) -> dict:
    """What ``frame`` published as ``filename`` holds: its fields (name, type, unit,
    description) and the sources it came from.

    ``units`` is one unit for every numeric column, or a mapping from column to unit
    whose ``"*"`` entry covers the columns not named; a column headed with the edition's
    word for "year" has the unit "year" unless told otherwise. Raises
    :class:`DownloadError` naming the file and column for a numeric column without a
    unit, an unknown unit or source, or a blank or repeated header."""
    known_units = set(unit_keys())
    mapping = {"*": units} if isinstance(units, str) else dict(units or {})
    descriptions = dict(descriptions or {})
    columns = [str(column) for column in frame.columns]
    for problem, names in (("blank", [c for c in columns if not c.strip()]),
                           ("repeated", sorted({c for c in columns if columns.count(c) > 1}))):
        if names:
            raise DownloadError(f"{filename}: {problem} column header {names}")
    for name in set(mapping) - {"*"} | set(descriptions):
        if name not in columns:
            raise DownloadError(f"{filename}: a unit or description is given for {name!r}, which is not a column "
                                f"(columns: {columns})")
    source_list = list(sources)
    unknown = sorted(set(source_list) - set(source_keys()))
    if not source_list or unknown:
        raise DownloadError(f"{filename}: sources must name tables of data/manifest.json or {REFERENCE!r}; "
                            f"got {source_list}")
    fields = []
    for column, name in zip(frame.columns, columns):
        kind = field_type(frame[column])
        unit = mapping.get(name)
        if unit is None and kind in ("integer", "number"):
            unit = YEAR_UNIT if name == t("label.year", lang) else mapping.get("*")
            if unit is None:
                raise DownloadError(f"{filename}: numeric column {name!r} has no unit")
        field = {"name": name, "type": kind}
        if unit is not None:
            if unit.startswith(UNIT_COLUMN):
                if unit.removeprefix(UNIT_COLUMN) not in columns:
                    raise DownloadError(f"{filename}: column {name!r} takes its unit from a column that is missing: {unit}")
            elif unit not in known_units:
                raise DownloadError(f"{filename}: column {name!r} has the unknown unit {unit!r} (known: {sorted(known_units)})")
            field["unit"] = unit
        if name in descriptions:
            field["description"] = descriptions[name]
        fields.append(field)
    return {"fields": fields, "sources": source_list}


def unit_text(unit: str, lang: str) -> str:
    if unit.startswith(UNIT_COLUMN):
        return t("download.unit_in_column", lang, column=unit.removeprefix(UNIT_COLUMN))
    return t(f"unit.{unit}", lang)


# ---- sources and licences, from the manifest -----------------------------------------

@cache
def manifest_tables(data_dir: Path = DATA_DIR) -> dict[str, dict]:
    return json.loads((data_dir / "manifest.json").read_text(encoding="utf-8"))["tables"]


def source_keys() -> list[str]:
    return [*manifest_tables(), REFERENCE]


def _licence_entry(licence: str, upstream: str, lang: str) -> dict:
    title = phrase(licence, "licence", lang)
    name, address = LICENCE_ADDRESSES.get(licence, (None, upstream))
    return {key: value for key, value in (("name", name), ("path", address), ("title", title)) if value}


def content_licence(lang: str) -> dict:
    return {**CONTENT_LICENCE, "title": t("download.content_licence", lang)}


def source_entries(keys: Sequence[str], lang: str) -> list[dict]:
    """Data Package ``sources`` for the extract tables ``keys``: agency and dataset in
    the edition's language, the agency's address, the licence and the vintage."""
    entries = []
    for key in keys:
        if key == REFERENCE:
            entries.append({"title": t("download.reference_source", lang), "path": "data/reference"})
            continue
        table = manifest_tables()[key]
        entry = {"title": f"{t('agency.' + table['agency_key'], lang)}: {phrase(table['dataset'], 'dataset', lang)}",
                 "path": table["upstream_url"],
                 "version": (t("download.vintage_per_indicator", lang) if table["vintage"].startswith("per indicator")
                             else format_vintage(table["vintage"], lang)),
                 "licence": phrase(table["licence"], "licence", lang)}
        if entry not in entries:
            entries.append(entry)
    return entries


def read_by(*modules, also: Sequence[str] = ()) -> list[str]:
    """The extract's tables that the code of ``modules`` reads (every ``extract.<table>``
    in their source), with ``also``: the sources of what those modules compute, taken
    from the code itself rather than typed per file."""
    import inspect
    import re
    found = {name for module in modules
             for name in re.findall(r"\bextract\.([a-z_0-9]+)", inspect.getsource(module))}
    tables = [key for key in source_keys() if key in found or key in also]
    unknown = sorted(set(also) - set(source_keys()))
    if unknown or not tables:
        raise DownloadError(f"no known sources: read {sorted(found)}, also {list(also)}")
    return tables


def licences(keys: Sequence[str], lang: str) -> list[dict]:
    """The book's content licence, then each source's own licence, once, naming the
    agencies whose data it covers."""
    by_licence: dict[str, list[str]] = {}
    upstream: dict[str, str] = {}
    for key in keys:
        if key != REFERENCE:
            table = manifest_tables()[key]
            agencies = by_licence.setdefault(table["licence"], [])
            agency = t(f"agency.{table['agency_key']}", lang)
            if agency not in agencies:
                agencies.append(agency)
            upstream.setdefault(table["licence"], table["upstream_url"])
    found = [content_licence(lang)]
    for licence, agencies in by_licence.items():
        entry = _licence_entry(licence, upstream[licence], lang)
        found.append(entry | {"title": f"{entry['title']}: {'; '.join(agencies)}"})
    return found


# ---- the chapter's package -----------------------------------------------------------

@dataclass(frozen=True)
class Resource:
    """One published CSV file: its name, its section's title, its text, its description."""
    filename: str
    title: str
    text: str
    meta: dict

    @property
    def name(self) -> str:
        return self.filename.removesuffix(".csv").lower()


@dataclass(frozen=True)
class Chapter:
    """What the package and the workbook say about the chapter as a whole."""
    lang: str
    title: str           # the chapter's title in its edition
    slug: str            # the page's name, e.g. "indicators"
    version: str         # the book's version (CITATION.cff)
    release: str         # version and commit
    date: datetime.date  # the commit's date
    address: str         # the page's public address, or where it lies inside the site

    @property
    def workbook_name(self) -> str:
        return f"{self.slug}-{self.lang}.xlsx"


def _field(field: dict, lang: str) -> dict:
    result = {"name": field["name"], "type": field["type"]}
    parts = [field["description"]] if field.get("description") else []
    if "unit" in field:
        result["unit"] = unit_text(field["unit"], lang)
        parts.append(t("download.unit_sentence", lang, unit=result["unit"]))
    if parts:
        result["description"] = " ".join(parts)
    return result


def data_package(chapter: Chapter, resources: Sequence[Resource]) -> dict:
    """The Frictionless Data Package describing the chapter's CSV files."""
    lang = chapter.lang
    keys = list(dict.fromkeys(key for resource in resources for key in resource.meta["sources"]))
    return {
        "name": f"silk-road-integration-{chapter.slug}-{lang}".lower(),
        "title": t("download.package_title", lang, book=t("book.title", lang), chapter=chapter.title),
        "description": t("download.package_description", lang, workbook=chapter.workbook_name),
        "version": chapter.version,
        "created": f"{chapter.date.isoformat()}T00:00:00Z",
        "keywords": [t("download.keyword", lang)],
        "licenses": licences(keys, lang),
        "sources": source_entries(keys, lang),
        "resources": [{
            "name": resource.name,
            "path": resource.filename,
            "title": resource.title,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "header": True},
            "sources": source_entries(resource.meta["sources"], lang),
            "schema": {"fields": [_field(field, lang) for field in resource.meta["fields"]],
                       "missingValues": [""]},
        } for resource in resources],
        "silkroad:release": chapter.release,
    } | ({"homepage": chapter.address} if chapter.address.startswith(("http://", "https://")) else {})


# ---- the chapter's workbook ----------------------------------------------------------

def typed_rows(resource: Resource) -> list[list]:
    """The CSV's rows with numbers as numbers and truth values as such, for the workbook."""
    rows = list(csv.reader(io.StringIO(resource.text)))
    kinds = [field["type"] for field in resource.meta["fields"]]
    convert = {"integer": int, "number": float, "boolean": lambda text: text == "True", "string": str}

    def cell(text: str, kind: str):
        return None if text == "" and kind != "string" else convert[kind](text)
    return [rows[0]] + [[cell(text, kind) for text, kind in zip(row, kinds)] for row in rows[1:]]


def sheet_names(resources: Sequence[Resource], lang: str) -> list[str]:
    """One short, unique sheet name per file (Excel allows 31 characters)."""
    names: list[str] = []
    for resource in resources:
        base = resource.name.removesuffix(f"-{lang}")[:28]
        name, number = base, 2
        while name in names:
            name, number = f"{base[:26]}-{number}", number + 1
        names.append(name)
    return names


def workbook(chapter: Chapter, resources: Sequence[Resource]) -> bytes:
    """The chapter's tables in one ``.xlsx``: a first sheet that explains the workbook,
    then one sheet per CSV file with the same headers and values. (Written with XlsxWriter,
    which writes the book's 120,000 cells per edition in about half of openpyxl's time, and
    dates the file's parts, so the same chapter gives the same bytes.)"""
    import xlsxwriter

    lang = chapter.lang
    package = data_package(chapter, resources)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False, "nan_inf_to_errors": True})
    stamp = datetime.datetime.combine(chapter.date, datetime.time())
    book.set_properties({"title": package["title"], "author": t("book.title", lang), "created": stamp})
    bold = book.add_format({"bold": True})
    wrapped = book.add_format({"text_wrap": True, "valign": "top"})
    wrapped_bold = book.add_format({"text_wrap": True, "valign": "top", "bold": True})
    about = book.add_worksheet(t("download.sheet_about", lang))
    rows: list[tuple] = [
        (package["title"],),
        (),
        (t("download.about_version", lang), chapter.release),
        (t("download.about_address", lang), chapter.address),
        (t("download.about_licence", lang), "; ".join(entry["title"] for entry in package["licenses"])),
        (t("download.about_format", lang), t("download.workbook_format", lang)),
        (),
        (t("download.about_sources", lang),),
        *[(source["title"], source.get("path", ""), source.get("licence", "")) for source in package["sources"]],
        (),
        (t("download.about_sheet", lang), t("download.about_file", lang), t("download.about_column", lang),
         t("download.about_unit", lang), t("download.about_title", lang)),
    ]
    names = sheet_names(resources, lang)
    for name, resource, described in zip(names, resources, package["resources"]):
        for index, field in enumerate(described["schema"]["fields"]):
            rows.append((name if index == 0 else "", resource.filename if index == 0 else "", field["name"],
                         field.get("unit", ""), resource.title if index == 0 else ""))
    headings = (t("download.about_sources", lang), t("download.about_sheet", lang))
    about.write_string(0, 0, rows[0][0], book.add_format({"bold": True, "font_size": 14}))
    for number, row in enumerate(rows[1:], start=1):
        style = (wrapped_bold if row and row[0] in headings else wrapped) if number >= 2 else None
        for column, value in enumerate(row):
            if value == "":
                about.write_blank(number, column, None, style)
            else:
                about.write_string(number, column, value, style)
    for column, width in enumerate((34, 40, 48, 40, 48)):
        about.set_column(column, column, width)
    for name, resource in zip(names, resources):
        sheet = book.add_worksheet(name)
        header, *body = typed_rows(resource)
        sheet.write_row(0, 0, header, bold)
        for number, row in enumerate(body, start=1):
            for column, value in enumerate(row):
                if value is not None:
                    sheet.write(number, column, value)
        sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()
