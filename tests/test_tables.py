"""Tables for the page: every cell in the reader's locale, every column shown, nothing cut,
valid HTML, and a frame that scrolls with the first column kept in view."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from analysis.present import tables
from analysis.present.i18n import MissingTranslation, catalogue
from tooling.build import REPO

NNBSP, NBSP, MINUS = "\u202f", "\u00a0", "\u2212"


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.cells, self._text, self._open = [], [], None, []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)
        if tag in {"td", "th"}:
            self._text = ""

    def handle_endtag(self, tag):
        assert self._open and self._open[-1] == tag, f"</{tag}> closes <{self._open[-1] if self._open else None}>"
        self._open.pop()
        if tag in {"td", "th"}:
            self.cells.append(self._text)
            self._text = None

    def handle_data(self, data):
        if self._text is not None:
            self._text += data


def _parse(text: str) -> _Cells:
    parser = _Cells()
    parser.feed(text)
    assert parser._open == [], "unclosed tags"
    return parser


@pytest.fixture
def wide():
    columns = {f"Column {i}": [1234.5 * i, -0.25 * i, None] for i in range(1, 22)}
    return pd.DataFrame({"Row": ["a", "b", "c"], **columns})


def test_every_column_and_row_is_shown_without_truncation(wide):
    html = tables.render_html(wide, "ru")
    parsed = _parse(html)
    assert len(parsed.cells) == 4 * 22
    assert "…" not in html and "..." not in html
    assert "rows ×" not in html and "columns" not in html.replace("Column", "")
    assert f"{MINUS}5,25" in parsed.cells  # -0.25 * 21
    assert f"25{NNBSP}924,50" in parsed.cells  # 1234.5 * 21
    assert "—" in parsed.cells  # a missing value


def test_html_is_valid_and_styled_from_the_stylesheet(wide):
    html = tables.render_html(wide, "kk")
    tags = _parse(html).tags
    assert "<style" not in html and "border=" not in html
    assert tags[0] == ("div", {"class": "book-table", "role": "region", "tabindex": "0", "aria-label": "Row"})
    assert [tag for tag, _ in tags].count("table") == 1
    css = (REPO / "tooling" / "static" / "tables.css").read_text(encoding="utf-8")
    assert "overflow-x: auto" in css and "position: sticky" in css


def test_numbers_follow_the_locale_and_are_right_aligned():
    frame = pd.DataFrame({"Group": ["x"], "Share": [0.0525], "Index": [-0.5], "Count": [37902]})
    formats = {"Share": tables.percent(1), "Index": tables.number(2)}
    for lang, share, index, count in [("en", "5.3%", f"{MINUS}0.50", "37,902"),
                                      ("ru", f"5,3{NBSP}%", f"{MINUS}0,50", f"37{NNBSP}902")]:
        html = tables.render_html(frame, lang, formats)
        assert _parse(html).cells[-3:] == [share, index, count]
        assert f'<td class="num">{share}</td>' in html


def test_two_level_headers_are_grouped():
    columns = pd.MultiIndex.from_tuples([("Group", ""), ("Share", "2000"), ("Share", "2020"), ("Index", "2020")])
    frame = pd.DataFrame([["x", 0.1, 0.2, 1.5]], columns=columns)
    html = tables.render_html(frame, "en", {("Share", "2000"): tables.percent(0), ("Share", "2020"): tables.percent(0)})
    assert '<th rowspan="2" scope="col">Group</th>' in html
    assert '<th colspan="2" scope="colgroup">Share</th>' in html
    assert _parse(html).cells[-3:] == ["10%", "20%", "1.50"]


def test_a_two_level_header_labels_the_table_in_words_not_as_a_python_tuple():
    columns = pd.MultiIndex.from_tuples([("Группа", ""), ("Доля", "2000")])
    frame = pd.DataFrame([["x", 0.1]], columns=columns)
    assert _parse(tables.render_html(frame, "ru")).tags[0][1]["aria-label"] == "Группа"
    columns = pd.MultiIndex.from_tuples([("Страна", "код"), ("Доля", "2000")])
    frame = pd.DataFrame([["x", 0.1]], columns=columns)
    assert _parse(tables.render_html(frame, "ru")).tags[0][1]["aria-label"] == "Страна — код"
    assert _parse(tables.render_html(frame, "ru", caption="Таблица")).tags[0][1]["aria-label"] == "Таблица"


def test_phrases_come_from_the_catalogue_by_their_english_text():
    assert tables.phrase_key("unit", "% of GDP") == "unit.percent_of_gdp"
    assert tables.phrase("% of GDP", "unit", "ru") == "% ВВП"
    assert tables.phrase("current US$", "unit", "kk") == "ағымдағы АҚШ доллары"
    with pytest.raises(MissingTranslation, match="no catalogue entry 'unit.furlongs'.*furlongs"):
        tables.phrase("furlongs", "unit", "ru")


@pytest.mark.parametrize("text, lang, expected", [
    # the same style as dates in running text (i18n.format_date), never «2024 ж. наурыз»
    ("2026-07-01", "ru", "1 июля 2026 г."),
    ("2026-07-01", "kk", "2026 жылғы 1 шілде"),
    ("2026-07-01", "en", "1 July 2026"),
    ("2022-02 (last full year 2020)", "ru", "февраль 2022 г. (последний полный год\u00a0— 2020)"),
    ("2024-03", "kk", "2024 жылғы наурыз"),
    ("2024-03", "en", "March 2024"),
    ("2.02", "ru", "версия 2.02"),
    ("2019", "kk", "2019"),
])
def test_vintages_are_dates_in_the_reader_s_language(text, lang, expected):
    assert tables.format_vintage(text, lang) == expected


def test_year_spans_use_an_en_dash():
    assert tables.year_span("1970-2024") == "1970–2024"


def test_every_unit_licence_and_dataset_in_the_manifest_is_translated():
    import json

    manifest = json.loads((REPO / "data" / "manifest.json").read_text(encoding="utf-8"))
    for lang in ("kk", "ru"):
        for entry in manifest["tables"].values():
            tables.phrase(entry["licence"], "licence", lang)
            tables.phrase(entry["dataset"], "dataset", lang)
            tables.phrase(entry["attribution"], "attribution", lang)
            tables.format_vintage(entry["vintage"], lang)
        for choice in manifest["wdi_choices"]:
            tables.phrase(choice["unit"], "unit", lang)
            tables.phrase(choice["indicator"], "wdi", lang)
    assert all(key in catalogue() for key in (f"table.{name}" for name in manifest["tables"]))


class _PageCells(HTMLParser):
    """Text of every table cell of a whole page (lenient: void elements, nested tags)."""

    def __init__(self):
        super().__init__()
        self.cells, self._depth = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in {"td", "th"}:
            self._depth += 1
            self.cells.append("")

    def handle_endtag(self, tag):
        if tag in {"td", "th"} and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.cells[-1] += data


def truncation_marks(page_html: str) -> list[str]:
    """Cells cut short by pandas' notebook display ("…" or "..." at the end) and its
    "N rows × M columns" footer."""
    parser = _PageCells()
    parser.feed(page_html)
    cut = [cell.strip() for cell in parser.cells if cell.strip().endswith(("...", "…"))]
    return cut + [f"footer {m}" for m in re.findall(r"\d+ rows × \d+ columns", page_html)]


def test_the_page_check_finds_truncated_cells_and_the_pandas_footer():
    page = ('<table><tr><th>Route</th><td>Kazakhstan, Russia, Bel...</td><td>Ақтау…</td><td>1 ...2</td></tr>'
            '</table><br><p>3 rows × 5 columns</p>')
    assert truncation_marks(page) == ["Kazakhstan, Russia, Bel...", "Ақтау…", "footer 3 rows × 5 columns"]
    assert truncation_marks(tables.render_html(pd.DataFrame({"a": ["x" * 80], "b": ["y" * 120]}), "kk")) == []


@pytest.mark.parametrize("lang", ["kk", "en", "ru"])
def test_no_built_page_cuts_a_table_cell(site_dir, lang):
    pages = sorted((site_dir / lang).rglob("*.html"))
    assert pages, f"no pages in {site_dir / lang}"
    problems = [f"{page.relative_to(site_dir)}: {mark!r}" for page in pages
                for mark in truncation_marks(page.read_text(encoding="utf-8"))]
    assert problems == []
