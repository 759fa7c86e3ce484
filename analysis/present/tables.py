"""Tables for the page: every cell written in the reader's language and locale, every
column shown, nothing cut.

pandas' own HTML is meant for a notebook: it truncates long frames and hides middle
columns, adds a "9 rows × 21 columns" footer, writes the obsolete ``border`` attribute
and puts a ``<style>`` element inside a ``<div>``. :func:`render` writes the table
itself instead; its look lives in ``tooling/static/tables.css`` (a wide table scrolls
sideways inside its frame while the first column stays in view).
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from functools import partial

import pandas as pd
from analysis.present import numbers, table_latex
from analysis.present.i18n import MissingTranslation, catalogue, format_date, format_month, format_number, format_percent, t

Formatter = Callable[[object, str], str]  # (value, lang) -> text


def phrase_key(namespace: str, english: str) -> str:
    """The catalogue key of an English phrase from a data file: ``unit.percent_of_gdp`` for
    "% of GDP". Phrases from the agencies' metadata are looked up by their English text, so
    a new phrase fails loudly instead of reaching the kk or ru page in English."""
    words = english.replace("%", " percent ").replace("$", " dollar ").lower()
    return f"{namespace}." + "_".join(re.findall(r"[^\W_]+", words))


def phrase(english: str, namespace: str, lang: str) -> str:
    """``english`` (a unit, licence, dataset name, ...) in ``lang``, from the catalogue."""
    key = phrase_key(namespace, english)
    if key not in catalogue():
        raise MissingTranslation(f"no catalogue entry {key!r} for the {namespace} {english!r}: add it to "
                                 "analysis/present/catalogue.yml in kk, en and ru")
    return t(key, lang)


def format_vintage(text: str, lang: str) -> str:
    """A release date or version as ``lang`` writes it in running text (:func:`format_date`,
    :func:`format_month`): ``2026-07-01`` as «1 июля 2026 г.», ``2022-02`` as «2022 жылғы
    ақпан», ``2022-02 (last full year 2020)`` as «февраль 2022 г. (последний полный год – 2020)»;
    a bare version number (``2.02``) is labelled as a version so it never reads as a decimal."""
    text = str(text).strip()
    if match := re.fullmatch(r"(\d{4}-\d{2}(?:-\d{2})?) \(last full year (\d{4})\)", text):
        return t("vintage.last_full_year", lang, date=format_vintage(match[1], lang), year=match[2])
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return format_date(text, lang)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return format_month(text + "-01", lang)
    if re.fullmatch(r"\d{4}", text):
        return text
    if re.fullmatch(r"\d+(\.\d+)+", text):
        return t("vintage.version", lang, version=text)
    return phrase(text, "vintage", lang)


def year_span(text: str) -> str:
    """"1970-2024" (as the manifest writes spans) with the en dash every language uses."""
    first, last = re.fullmatch(r"(\d{4})\s*[-–]\s*(\d{4})", str(text)).groups()
    return numbers.format_year_range(int(first), int(last))


def number(decimals: int) -> Formatter:
    return lambda value, lang: format_number(value, lang, decimals)


def percent(decimals: int) -> Formatter:
    return lambda value, lang: format_percent(value, lang, decimals)


def translated(namespace: str) -> Formatter:
    return lambda value, lang: phrase(str(value), namespace, lang)


def vintage() -> Formatter:
    return format_vintage


def years() -> Formatter:
    return lambda value, lang: year_span(value)


def _default_formatter(series: pd.Series) -> Formatter:
    if pd.api.types.is_bool_dtype(series):
        return lambda value, lang: str(value)
    if pd.api.types.is_integer_dtype(series):
        return number(0)
    if pd.api.types.is_float_dtype(series):
        whole = series.dropna().map(float.is_integer).all()
        return number(0 if whole else 2)
    return lambda value, lang: str(value)


def _is_missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def format_frame(frame: pd.DataFrame, lang: str, formats: Mapping[object, Formatter] | None = None) -> pd.DataFrame:
    """Every cell of ``frame`` as text for ``lang``: ``formats`` maps a column to a
    formatter (:func:`number`, :func:`percent`, :func:`translated`, ...); other numeric
    columns get the locale's number format. Missing values become a dash."""
    formats = dict(formats or {})
    unknown = set(formats) - set(frame.columns)
    if unknown:
        raise KeyError(f"formats name columns the table does not have: {sorted(map(str, unknown))}")
    missing = t("table.missing", lang)
    out = {}
    for column in frame.columns:
        formatter = formats.get(column) or _default_formatter(frame[column])
        out[column] = [missing if _is_missing(v) else formatter(v, lang) for v in frame[column]]
    return pd.DataFrame(out, index=frame.index, columns=frame.columns)


def _is_numeric_text(text: str) -> bool:
    return bool(re.fullmatch(r"[−+]?[\d\u202f,.]+(\u00a0?%)?", text))


def _header_text(column: object) -> str:
    """A column's name as a reader sees it: the levels of a two-level header joined, empty
    levels left out (not the Python tuple, which a screen reader would read out)."""
    if isinstance(column, tuple):
        return " — ".join(str(level) for level in column if str(level).strip())
    return str(column)


def render_html(frame: pd.DataFrame, lang: str, formats: Mapping[object, Formatter] | None = None, *,
                caption: str | None = None) -> str:
    """The table as HTML: a scrolling frame (``div.book-table``) around a plain ``<table>``.

    The first column is the row label (``<th scope="row">``, kept in view when the table
    scrolls). Two-level columns become a grouped header (``colspan``). Numbers are right
    aligned (``td.num``)."""
    text = format_frame(frame, lang, formats)
    columns = list(frame.columns)
    grouped = isinstance(frame.columns, pd.MultiIndex)
    if grouped and frame.columns.nlevels != 2:
        raise ValueError("render_html draws one or two header rows, not more")
    esc = partial(html.escape, quote=True)
    head = []
    if grouped:
        cells = [f'<th rowspan="2" scope="col">{esc(str(columns[0][0]))}</th>']
        position = 1
        while position < len(columns):
            top = columns[position][0]
            span = 1
            while position + span < len(columns) and columns[position + span][0] == top:
                span += 1
            cells.append(f'<th colspan="{span}" scope="colgroup">{esc(str(top))}</th>')
            position += span
        head.append("<tr>" + "".join(cells) + "</tr>")
        head.append("<tr>" + "".join(f'<th scope="col">{esc(str(c[1]))}</th>' for c in columns[1:]) + "</tr>")
    else:
        head.append("<tr>" + "".join(f'<th scope="col">{esc(str(c))}</th>' for c in columns) + "</tr>")
    body = []
    for row in text.itertuples(index=False):
        first, *rest = row
        cells = [f'<th scope="row">{esc(first)}</th>']
        cells += [f'<td class="num">{esc(v)}</td>' if _is_numeric_text(v) else f"<td>{esc(v)}</td>" for v in rest]
        body.append("<tr>" + "".join(cells) + "</tr>")
    caption_html = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (f'<div class="book-table" role="region" tabindex="0" aria-label="{esc(caption or _header_text(columns[0]))}">'
            # a line break between rows: text taken from the page (the search's excerpts) keeps
            # the last cell of a row and the first of the next as separate words
            f'<table>{caption_html}<thead>{"".join(head)}</thead><tbody>{chr(10).join(body)}</tbody></table></div>')


def caption_key(name: str) -> str:
    """The catalogue key of table ``name``'s caption: ``table_caption.factor_coverage``."""
    return "table_caption." + name.replace("-", "_")


class BookTable:
    """A numbered table of the book. In the page it is the HTML of :func:`render_html`
    with its caption and a ``data-book-table`` mark that the ``exhibits`` extension
    numbers (anchor ``tbl-<name>``, which ``{numref}`` refers to); in the PDF it is a
    captioned ``longtable`` (:mod:`analysis.present.table_latex`) with the same cells."""

    def __init__(self, frame: pd.DataFrame, lang: str, formats: Mapping[object, Formatter] | None, name: str):
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name):
            raise ValueError(f"table name {name!r}: lower-case words joined by hyphens")
        self.name, self.anchor = name, f"tbl-{name}"
        self.caption = t(caption_key(name), lang)
        text = format_frame(frame, lang, formats)
        self.html = render_html(frame, lang, formats, caption=self.caption).replace(
            '<div class="book-table"', f'<div class="book-table" data-book-table="{self.anchor}"', 1)
        missing = t("table.missing", lang)
        numeric = [position > 0 and len(text) > 0 and all(_is_numeric_text(v) or v == missing for v in text[column])
                   for position, column in enumerate(text.columns)]
        self.latex = table_latex.render_latex(text, numeric, self.caption, self.anchor, t("table.continued", lang))

    def _repr_html_(self) -> str:
        return self.html

    def _repr_latex_(self) -> str:
        return self.latex

    def __repr__(self) -> str:  # the notebook's text/plain: stable, and says what the table is
        return f"{self.anchor}: {self.caption}"


def render(frame: pd.DataFrame, lang: str, formats: Mapping[object, Formatter] | None = None, *,
           name: str) -> BookTable:
    """The table for display in a notebook cell, numbered and captioned in the book: its
    caption is the catalogue entry ``table_caption.<name>`` (:func:`caption_key`). Pass the
    row labels as the first column (``frame.reset_index()``)."""
    return BookTable(frame, lang, formats, name)
