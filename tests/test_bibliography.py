"""references.bib, read by a real BibTeX parser: unique keys, every cited key present,
every entry cited somewhere, the paper's 24 references all there, and the corrections
the methods notes call for."""
from __future__ import annotations

import re

import pybtex.database
import pybtex.errors
import pytest
from pybtex.database import parse_string

from analysis.paths import REPO

BIB = REPO / "references.bib"
CITE = re.compile(r"\{cite:\w+\}`([^`]+)`")
PAPER_REFERENCES = {
    "balassa1961", "balassa1975", "balassa1976", "balassa1978", "balassa1994", "bhagwati1993", "bhagwati2008",
    "farchy2016", "kazgermanuniv2018", "iskakov2023", "kanyibek2023", "lancaster1980", "lipsey2011technology",
    "lipsey2011multilateral", "meade1955", "myrzakhmetova2015", "tinbergen1965", "triffin1948", "triffin1954",
    "viner1950", "woolcock2012", "woolcock2016", "woolcock2017", "woolcock2020"}
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@pytest.fixture(scope="module")
def bibliography():
    # strict mode: a repeated key is an error, not a warning
    pybtex.errors.set_strict_mode(True)
    return parse_string(BIB.read_text(encoding="utf-8"), "bibtex")


def cited_keys(root=REPO) -> set[str]:
    sources = list((root / "chapters").rglob("*.md")) + list((root / "analysis" / "notebooks").glob("*.md"))
    return {key.strip() for path in sources for group in CITE.findall(path.read_text(encoding="utf-8"))
            for key in group.split(",")}


def test_keys_are_unique():
    import pybtex.errors

    pybtex.errors.set_strict_mode(True)
    text = BIB.read_text(encoding="utf-8")
    parse_string(text, "bibtex")
    first = re.search(r"@\w+\{(\w+),", text).group(1)
    with pytest.raises(Exception):
        parse_string(text + f"\n@misc{{{first}, title={{again}}}}\n", "bibtex")


def test_every_cited_key_is_in_the_bibliography(bibliography):
    missing = sorted(cited_keys() - set(bibliography.entries))
    assert not missing, f"cited but not in references.bib: {missing}"


def test_every_entry_is_cited_somewhere(bibliography):
    uncited = sorted(set(bibliography.entries) - cited_keys())
    assert not uncited, f"in references.bib but cited nowhere: {uncited}"


def test_all_24_references_of_the_paper_are_present(bibliography):
    assert len(PAPER_REFERENCES) == 24
    assert not PAPER_REFERENCES - set(bibliography.entries)


def test_stoutjesdijk_is_spelled_correctly(bibliography):
    authors = [str(person) for person in bibliography.entries["balassa1975"].persons["author"]]
    assert any("Stoutjesdijk" in name for name in authors)
    assert not any("Toutjesdijk" in name for name in authors)


def test_russian_and_kazakh_works_carry_cyrillic_titles_and_a_translated_title(bibliography):
    for key, entry in bibliography.entries.items():
        if entry.fields.get("language") in ("russian", "kazakh"):
            assert CYRILLIC.search(entry.fields["title"]), f"{key}: title is not in Cyrillic"
            assert "title" in entry.fields.get("note", "").lower(), f"{key}: no translated title in the note"


def test_no_doi_is_invented_for_works_the_notes_mark_unconfirmed(bibliography):
    for key, entry in bibliography.entries.items():
        note = entry.fields.get("note", "").lower()
        if "doi not confirmed" in note:
            assert "doi" not in entry.fields, key


def test_the_paper_has_no_journal_volume_or_pages(bibliography):
    paper = bibliography.entries["ramazanov2023"]
    assert not {"journal", "volume", "pages"} & set(paper.fields)


def test_every_note_reads_in_each_edition_language(bibliography):
    for key, entry in bibliography.entries.items():
        if "note" in entry.fields:
            for lang in ("kk", "ru"):
                assert CYRILLIC.search(entry.fields.get(f"note_{lang}", "")), f"{key}: no note in {lang}"


def test_localised_notes_and_authors_replace_the_english_ones():
    import sys

    sys.path.insert(0, str(REPO / "tooling" / "sphinx_ext"))
    import bibliography_language

    data = parse_string(BIB.read_text(encoding="utf-8"), "bibtex")
    bibliography_language.localise_entries(data, "kk")
    paper = data.entries["ramazanov2023"]
    assert [str(p) for p in paper.persons["author"]][0] == "Рамазанов, А. А."
    assert paper.fields["note"] == paper.fields["note_kk"]
    bibliography_language.localise_entries(data, "kk")  # idempotent
    assert len(paper.persons["author"]) == 3


def test_the_built_kazakh_references_page_shows_kazakh_notes(site_dir):
    page = (site_dir / "kk" / "chapters" / "references.html").read_text(encoding="utf-8")
    assert "Рамазанов" in page and "Негізгі мәтіні қазақ тілінде" in page
    english = (site_dir / "en" / "chapters" / "references.html").read_text(encoding="utf-8")
    assert "Kazakh body with abstracts" in english


def test_in_text_citations_use_the_edition_words(site_dir):
    kk = (site_dir / "kk" / "chapters" / "introduction.html").read_text(encoding="utf-8")
    ru = (site_dir / "ru" / "chapters" / "introduction.html").read_text(encoding="utf-8")
    assert "Рамазанов және т.б." in kk and "et al." not in kk
    assert "Рамазанов и др." in ru and "et al." not in ru


def test_localised_reference_style_uses_catalogue_words():
    import sys

    sys.path.insert(0, str(REPO / "tooling" / "sphinx_ext"))
    import bibliography_language

    style = bibliography_language.localised_reference_style("ru")()
    assert style.person.sep2 == " и " and style.person.other == " и др."


def test_kk_and_ru_builds_get_registered_localised_styles():
    import sys
    from types import SimpleNamespace

    from sphinxcontrib.bibtex.plugin import find_plugin

    sys.path.insert(0, str(REPO / "tooling" / "sphinx_ext"))
    import bibliography_language

    config = SimpleNamespace(language="kk", bibtex_default_style="plain", bibtex_reference_style="author_year")
    bibliography_language.use_localised_style(None, config)
    assert config.bibtex_reference_style == "author_year_kk"
    assert find_plugin("sphinxcontrib.bibtex.style.referencing", "author_year_kk")().person.other == " және т.б."
