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


CITATION = re.compile(r'<span class="bibtex-citation"[^>]*>(.*?)</span>', re.S)
TAG = re.compile(r"<[^>]+>")


def citations(page) -> list[str]:
    import html

    return [html.unescape(TAG.sub("", group)) for group in CITATION.findall(page.read_text(encoding="utf-8"))]


def test_in_text_citations_use_the_edition_words(site_dir):
    kk = citations(site_dir / "kk" / "chapters" / "introduction.html")
    ru = citations(site_dir / "ru" / "chapters" / "introduction.html")
    assert "[Рамазанов және т.б., 2023]" in kk and "[Рамазанов и др., 2023]" in ru


def test_latin_names_take_et_al_and_several_works_a_semicolon(site_dir):
    """ГОСТ Р 7.0.5–2008: «[Vinokurov et al., 2010]», not «Vinokurov и др.»; «; » between works."""
    for lang, native in (("kk", "және т.б."), ("ru", "и др.")):
        found = [c for page in (site_dir / lang).rglob("*.html") for c in citations(page)]
        assert "[Vinokurov et al., 2010]" in found
        assert "[Balassa, Stoutjesdijk, 1975]" in found
        assert f"[{'Кануібек' if lang == 'kk' else 'Каныбек'}, 2023; Рамазанов {native}, 2023]" in found
        assert not [c for c in found if re.search(r"[A-Za-z]\.? (и др|және т\.б)\.", c)]


def test_institutions_are_cited_in_the_edition_form_and_link_to_their_entry(site_dir):
    for lang, forms in (("kk", {"imf_dots": "ХВҚ, 2022", "wb_wdi": "Дүниежүзілік банк, 2026",
                                "wto_rta": "ДСҰ, 2025", "undp_hdr2024": "БҰҰДБ, 2024"}),
                        ("ru", {"imf_dots": "МВФ, 2022", "wb_wdi": "Всемирный банк, 2026",
                                "wto_rta": "ВТО, 2025", "undp_hdr2024": "ПРООН, 2024"})):
        references = (site_dir / lang / "chapters" / "references.html").read_text(encoding="utf-8")
        pages = [page.read_text(encoding="utf-8") for page in (site_dir / lang).rglob("*.html")]
        titles = {"imf_dots": "Direction of Trade Statistics", "wb_wdi": "World Development Indicators",
                  "wto_rta": "Regional Trade Agreements Database", "undp_hdr2024": "Human Development Report"}
        for key, form in forms.items():
            link = re.compile(r'<a class="reference internal" href="(?:\.\./)*(?:chapters/)?references\.html#(id\d+)"'
                              r'[^>]*>' + re.escape(form) + "</a>")
            anchors = {m for page in pages for m in link.findall(page)}
            assert anchors, f"{lang}: no citation reads {form!r}"
            for anchor in anchors:
                entry = re.search(rf'<div class="citation" id="{anchor}"[^>]*>(.*?)</div>', references, re.S)
                assert entry and titles[key] in entry.group(1), f"{lang}: {form!r} links to the wrong entry"
        assert "IMF, 2022" not in "".join(c for page in (site_dir / lang).rglob("*.html") for c in citations(page))


def test_built_reference_lists_have_no_latex_quotes_and_put_cyrillic_first(site_dir):
    import html

    for lang in ("kk", "en", "ru"):
        page = (site_dir / lang / "chapters" / "references.html").read_text(encoding="utf-8")
        entries = [html.unescape(TAG.sub("", e)).strip()
                   for e in re.findall(r'<div class="citation"[^>]*>(.*?)</div>', page, re.S)]
        assert len(entries) == 91
        assert not [e for e in entries if "`" in e or "''" in e], lang
        if lang != "en":
            bodies = [re.sub(r"^\[\d+\]\s*", "", e) for e in entries]
            scripts = [0 if CYRILLIC.match(b) else 1 for b in bodies]
            assert scripts == sorted(scripts) and scripts.count(0) == 14, lang  # 5 works in Cyrillic, 9 of organisations
            assert any(b.startswith("Balassa\u00a0B., Stoutjesdijk\u00a0A.\u00a0J. Economic integration") for b in bodies)


def test_localised_reference_style_puts_citations_in_square_brackets():
    import sys

    sys.path.insert(0, str(REPO / "tooling" / "sphinx_ext"))
    import bibliography_language

    style = bibliography_language.localised_reference_style("ru")()
    assert (style.bracket.left, style.bracket.right, style.bracket.sep) == ("[", "]", "; ")
    assert style.person.sep2 == ", " and style.textual_person.sep2 == " и "


def test_kk_and_ru_builds_get_registered_localised_styles():
    import sys
    from types import SimpleNamespace

    from pybtex.plugin import find_plugin as find_pybtex_plugin
    from sphinxcontrib.bibtex.plugin import find_plugin

    sys.path.insert(0, str(REPO / "tooling" / "sphinx_ext"))
    import bibliography_language

    config = SimpleNamespace(language="kk", bibtex_default_style="plain", bibtex_reference_style="author_year")
    bibliography_language.use_localised_style(None, config)
    assert config.bibtex_reference_style == "author_year_kk" and config.bibtex_default_style == "gost_kk"
    assert find_plugin("sphinxcontrib.bibtex.style.referencing", "author_year_kk")().textual_person.sep2 == " және "
    assert find_pybtex_plugin("pybtex.style.formatting", "gost_kk")().edition_language == "kk"
    english = SimpleNamespace(language="en", bibtex_default_style="plain", bibtex_reference_style="author_year")
    bibliography_language.use_localised_style(None, english)
    # the English edition keeps plain entries and author-year citations, in its own alphabetical order
    assert (english.bibtex_default_style, english.bibtex_reference_style) == ("plain_en", "author_year")
    assert find_pybtex_plugin("pybtex.style.formatting", "plain_en")().sort is not None


@pytest.mark.parametrize("lang,expected", [
    ("ru", {"kazgermanuniv2018": "Инициатива «Один пояс и один путь»", "imf_dots": "МВФ",
            "wb_wdi": "Всемирный банк", "oecd2008handbook": "ОЭСР, JRC", "vinokurov2010siei": "Vinokurov et al.",
            "ramazanov2023": "Рамазанов и др.", "balassa1975": "Balassa, Stoutjesdijk",
            "iskakov2023": "Искаков, Кегенбеков"}),
    ("kk", {"imf_dots": "ХВҚ", "undesa_ims2020": "БҰҰ", "wto_rta": "ДСҰ", "saltelli2008primer": "Saltelli et al.",
            "ramazanov2023": "Рамазанов және т.б."}),
])
def test_parenthetical_citation_names(lang, expected):
    """What goes before the year in «[…, 2010]»: a Latin name takes "et al.", a Cyrillic one the
    edition's words; an institution its edition form; a work without author its title proper."""
    import sys

    sys.path.insert(0, str(REPO / "tooling" / "sphinx_ext"))
    import bibliography_language
    from gost_style import PLAIN_TEXT

    data = parse_string(BIB.read_text(encoding="utf-8"), "bibtex")
    bibliography_language.localise_entries(data, lang)
    style = bibliography_language.localised_reference_style(lang)()
    node = style.person.author_or_editor_or_title(full=False)
    found = {key: node.format_data({"entry": data.entries[key], "style": style}).render(PLAIN_TEXT)
             for key in expected}
    assert found == expected


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_in_text_name_heads_its_entry_in_the_reference_list(lang):
    """The name before the year in «[МВФ, 2022]», «[Balassa, Stoutjesdijk, 1975]» or
    «[Инициатива «Один пояс и один путь», 2018]» is the first words of the entry it links to,
    as the edition prints the list: an organisation's work opens with the organisation's
    name, not with its title."""
    import sys

    sys.path.insert(0, str(REPO / "tooling" / "sphinx_ext"))
    import bibliography_language
    from gost_style import PLAIN_TEXT, gost_style

    data = parse_string(BIB.read_text(encoding="utf-8"), "bibtex")
    bibliography_language.localise_entries(data, lang)
    reference = bibliography_language.localised_reference_style(lang)()
    listing = gost_style(lang)()
    node = reference.person.author_or_editor_or_title(full=False)
    wrong = []
    for key, entry in data.entries.items():
        label = node.format_data({"entry": entry, "style": reference}).render(PLAIN_TEXT)
        first = re.split(r",| et al\.| и др\.| және т\.б\.", label)[0].strip()
        text = listing.format_entry(key, entry).text.render(PLAIN_TEXT)
        if not text.replace("\u00a0", " ").startswith(first.replace("\u00a0", " ")):
            wrong.append(f"{key}: [{label}, …] but the entry reads {text[:60]!r}")
    assert wrong == []
    imf = listing.format_entry("imf_dots", data.entries["imf_dots"]).text.render(PLAIN_TEXT)
    assert imf.startswith({"kk": "ХВҚ. Direction of Trade Statistics", "ru": "МВФ. Direction of Trade Statistics"}[lang])


LINK_TO_ENTRY = re.compile(r'<a class="reference internal" href="(?:\.\./)*(?:chapters/)?references\.html#(id\d+)"'
                           r'[^>]*>(.*?)</a>', re.S)


@pytest.mark.parametrize("lang", ["kk", "en", "ru"])
def test_built_citations_are_found_at_the_head_of_their_entry(site_dir, lang):
    """On the built site: every in-text citation's name, as printed, opens the entry on the
    references page it links to (for the English list, whose persons read «Béla Balassa»,
    within the entry's first words)."""
    import html

    references = (site_dir / lang / "chapters" / "references.html").read_text(encoding="utf-8")
    entries = {anchor: re.sub(r"^\s*\[\d+\]\s*", "", html.unescape(TAG.sub("", body))).strip()
               for anchor, body in re.findall(r'<div class="citation" id="(id\d+)"[^>]*>(.*?)</div>', references, re.S)}
    checked, wrong = 0, []
    for page in (site_dir / lang).rglob("*.html"):
        for anchor, inner in LINK_TO_ENTRY.findall(page.read_text(encoding="utf-8")):
            label = html.unescape(TAG.sub("", inner)).strip()
            name = re.sub(r",?\s*\d{4}[a-z]?$", "", label).strip()
            if not name or anchor not in entries:
                continue
            first = re.split(r",| et al\.| and | и др\.| және т\.б\.", name)[0].strip().replace("\u00a0", " ")
            entry = entries[anchor].replace("\u00a0", " ")
            checked += 1
            found = entry.startswith(first) if lang != "en" else first in entry[:len(first) + 30]
            if not found:
                wrong.append(f"{page.name}: [{label}] → {entry[:70]!r}")
    assert checked > 50
    assert sorted(set(wrong)) == []


@pytest.mark.parametrize("lang", ["kk", "en", "ru"])
def test_built_reference_lists_print_every_address_in_full(site_dir, lang):
    """No link in the list is shortened («open-numbers/ddf--…» for a GitHub address)."""
    import html

    references = (site_dir / lang / "chapters" / "references.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="([^"]*)" href="(https?://[^"]+)"[^>]*>(.*?)</a>',
                       "".join(re.findall(r'<div class="citation"[^>]*>.*?</div>', references, re.S)), re.S)
    assert len(links) > 40
    shown = [(html.unescape(href), html.unescape(TAG.sub("", text)).strip()) for _, href, text in links]
    # a DOI is printed as the DOI itself («DOI 10.1111/…»), its link resolving it
    short = [(href, text) for href, text in shown
             if text != href and href != f"https://doi.org/{text.removeprefix('doi:')}"]
    assert short == []
    assert "https://github.com/open-numbers/ddf--gapminder--systema_globalis/tree/" \
           "c63631abeb62af6db3910f68be7c2b443beca50b" in references
