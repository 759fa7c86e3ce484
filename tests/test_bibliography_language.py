"""Bibliography entries use the edition's words, and leave titles and names alone."""
from __future__ import annotations

import sys

import pybtex.database
import pytest
from pybtex.plugin import find_plugin
from pybtex.style import template

from analysis.paths import REPO

sys.path.insert(0, str(REPO / "tooling" / "sphinx_ext"))
import bibliography_language  # noqa: E402  (a Sphinx extension, loaded by path like Sphinx does)

ENTRY = """@incollection{chapter,
  author = {Alpha, Ann and Beta, Ben},
  editor = {Gamma, Gil},
  title = {Trade and integration},
  booktitle = {Handbook of Trade and Growth},
  pages = {1--9},
  publisher = {Press},
  year = {2011}
}"""


def render(style) -> str:
    data = pybtex.database.parse_string(ENTRY, "bibtex")
    return next(iter(style.format_entries(data.entries.values()))).text.render_as("text")


def test_kazakh_words_and_untouched_fields():
    text = render(bibliography_language.localised_style("kk")())
    assert "Ann Alpha және Ben Beta" in text
    assert "Жинақта: Gil Gamma, ред., Handbook of Trade and Growth, б. 1–9" in text
    assert "Trade and integration" in text        # the title keeps its own "and"
    assert "In " not in text and "pages" not in text


def test_russian_words():
    text = render(bibliography_language.localised_style("ru")())
    assert "Ann Alpha и Ben Beta" in text and "В кн.: Gil Gamma, ред." in text and "с. 1–9" in text


def test_english_style_is_unchanged_and_the_swap_is_undone():
    original = template._format_data
    render(bibliography_language.localised_style("kk")())
    assert template._format_data is original
    text = render(find_plugin("pybtex.style.formatting", "plain")())
    assert "Ann Alpha and Ben Beta" in text and "In Gil Gamma, editor" in text and "pages 1–9" in text


WEB_AND_BOOK = """@misc{page,
  author = {Alpha, Ann},
  title = {Trade statistics},
  year = {2023},
  url = {https://example.org/trade},
  urldate = {2023-02-23}
}
@book{book,
  author = {Beta, Ben},
  title = {Shaping the world economy},
  publisher = {Press},
  edition = {Second},
  year = {1965}
}"""


def render_all(style) -> list[str]:
    data = pybtex.database.parse_string(WEB_AND_BOOK, "bibtex")
    return [entry.text.render_as("text") for entry in style.format_entries(data.entries.values())]


def test_access_date_and_edition_in_kazakh_and_russian():
    page, book = render_all(bibliography_language.localised_style("kk")())
    assert "(қаралған күні: 2023 жылғы 23 ақпан)" in page and "visited" not in page
    assert "2-басылым" in book and "second" not in book.lower()
    page, book = render_all(bibliography_language.localised_style("ru")())
    assert "(дата обращения: 23 февраля 2023 г.)" in page and "visited" not in page
    assert "2-е изд." in book and "second" not in book.lower()
    page, book = render_all(find_plugin("pybtex.style.formatting", "plain")())
    assert "(visited on 2023-02-23)" in page and "second edition" in book


def test_edition_numbers():
    assert [bibliography_language.edition_number(e) for e in ["Second", "2nd", "3", " tenth "]] == [2, 2, 3, 10]
    with pytest.raises(ValueError, match="Revised"):
        bibliography_language.edition_number("Revised")


def test_in_text_citations_keep_their_person_style():
    from sphinxcontrib.bibtex.style.referencing import PersonStyle
    person = bibliography_language.localised_reference_style("ru")().person
    assert isinstance(person, PersonStyle) and person.sep2 == " и "


def test_every_note_has_its_kazakh_and_russian_form():
    data = pybtex.database.parse_file(str(REPO / "references.bib"))
    missing = [key for key, entry in data.entries.items()
               if "note" in entry.fields and not all(f"note_{lang}" in entry.fields for lang in ("kk", "ru"))]
    assert missing == []
