"""Links in running text: chapter and section titles quoted as kk and ru quote them, and
the first use of a glossary term on a page linked to its entry."""
from __future__ import annotations

import re

import pytest
from docutils import nodes
from sphinx import addnodes

from analysis.present import glossary
from tooling.sphinx_ext import prose_links


def _paragraph_with_link(explicit: bool = False) -> nodes.paragraph:
    xref = addnodes.pending_xref("", nodes.inline("", "claims"), refdomain="std", reftype="doc",
                                 reftarget="claims", refexplicit=explicit)
    return nodes.paragraph("", "", nodes.Text("Кітап "), xref, nodes.Text(" тарауында санайды."))


@pytest.mark.parametrize(("lang", "quoted"), [("kk", True), ("ru", True), ("en", False)])
def test_a_title_link_is_quoted_in_kk_and_ru_only(lang, quoted):
    paragraph = _paragraph_with_link()
    prose_links.quote_titles(paragraph, lang)
    assert paragraph.astext() == ("Кітап «claims» тарауында санайды." if quoted else "Кітап claims тарауында санайды.")


def test_a_link_with_its_own_text_or_in_a_heading_is_not_quoted():
    paragraph = _paragraph_with_link(explicit=True)
    assert prose_links.quote_titles(paragraph, "ru") == 0
    title = nodes.title("", "", addnodes.pending_xref("", nodes.inline("", "x"), refdomain="std", reftype="ref",
                                                      refexplicit=False))
    section = nodes.section("", title)
    assert prose_links.quote_titles(section, "kk") == 0 and section.astext() == "x"


def test_a_title_quoted_by_hand_is_not_quoted_twice():
    xref = addnodes.pending_xref("", nodes.inline("", "x"), refdomain="std", reftype="doc", refexplicit=False)
    paragraph = nodes.paragraph("", "", nodes.Text("главе «"), xref, nodes.Text("»"))
    prose_links.quote_titles(paragraph, "ru")
    assert paragraph.astext() == "главе «x»"


def _uri(term_id: str) -> str:
    return f"glossary.html#term-{term_id}"


def _links(document: nodes.Node) -> list[tuple[str, str]]:
    return [(ref.astext(), ref["refuri"]) for ref in document.findall(nodes.reference)]


def test_only_the_first_use_of_a_term_links_in_any_case_ending():
    section = nodes.section(
        "", nodes.title("", "Зеркальная статистика"),
        nodes.paragraph("", "Расчёт по данным зеркальной статистики; зеркальная статистика снова."),
        nodes.paragraph("", "Прямые иностранные инвестиции (ПИИ) и ещё раз ПИИ."))
    linked = prose_links.link_first_uses(section, "ru", _uri)
    assert linked == ["mirror_statistics", "fdi"]
    assert _links(section) == [("зеркальной статистики", _uri("mirror_statistics")),
                               ("Прямые иностранные инвестиции", _uri("fdi"))]
    # the heading and the text around the links are unchanged
    assert section.astext().startswith("Зеркальная статистика\n\nРасчёт по данным зеркальной статистики; ")


def test_kazakh_suffixes_and_abbreviations_link_and_code_does_not():
    paragraph = nodes.paragraph("", "", nodes.literal("", "айналы статистика"),
                                nodes.Text(" Айналы статистиканың деректері; ТШИ ағыны."))
    prose_links.link_first_uses(paragraph, "kk", _uri)
    assert _links(paragraph) == [("Айналы статистиканың", _uri("mirror_statistics")), ("ТШИ", _uri("fdi"))]


def test_a_quoted_name_links_with_its_quotes():
    paragraph = nodes.paragraph("", "Қытайдың «Бір белдеу, бір жол» бастамасын ұсынды.")
    prose_links.link_first_uses(paragraph, "kk", _uri)
    assert _links(paragraph) == [("«Бір белдеу, бір жол» бастамасын", _uri("bri"))]
    paragraph = nodes.paragraph("", "Китай выдвинул инициативу «Пояс и путь» в 2013 году.")
    prose_links.link_first_uses(paragraph, "ru", _uri)
    assert _links(paragraph) == [("инициативу «Пояс и путь»", _uri("bri"))]


def test_an_apostrophe_may_be_typographic():
    paragraph = nodes.paragraph("", "By Saaty’s scale and A’WOT.")
    prose_links.link_first_uses(paragraph, "en", _uri)
    assert _links(paragraph) == [("Saaty’s scale", _uri("saaty_scale")), ("A’WOT", _uri("awot"))]


def test_no_link_inside_a_raw_html_link():
    paragraph = nodes.paragraph("", "", nodes.raw("", '<a href="x.zip" download>', format="html"),
                                nodes.Text("The data extract"), nodes.raw("", "</a>", format="html"),
                                nodes.Text(" and its vintage."))
    prose_links.link_first_uses(paragraph, "en", _uri)
    assert _links(paragraph) == [("vintage", _uri("vintage"))]


def test_no_link_inside_a_formatted_reference():
    # the paper's translated title in its APA reference is a title, not a use of the term
    reference = nodes.paragraph("", "Ramazanov (2023). Title [Regional economic integration on the New Silk Road].",
                                classes=["formatted-reference"])
    prose = nodes.paragraph("", "Regional economic integration deepens.")
    section = nodes.section("", reference, prose)
    prose_links.link_first_uses(section, "en", _uri)
    assert _links(reference) == []
    assert _links(prose) == [("Regional economic integration", _uri("regional_integration"))]


def test_an_english_term_links_its_plural_but_not_a_longer_word():
    paragraph = nodes.paragraph("", "Mirror statisticsx are not; the indicators are.")
    prose_links.link_first_uses(paragraph, "en", _uri)
    assert _links(paragraph) == [("indicators", _uri("indicator"))]


@pytest.mark.parametrize("lang", ["kk", "en", "ru"])
def test_every_glossary_entry_gets_its_anchor(lang):
    body = nodes.definition_list()
    for entry in glossary.terms():
        name = entry.names[lang][:1].upper() + entry.names[lang][1:]
        if entry.abbreviations[lang] and entry.abbreviations[lang] != name:
            name += f" ({entry.abbreviations[lang]})"
        name = name.replace("'", "’")  # as docutils' smart quotes print it
        body += nodes.definition_list_item("", nodes.term("", "", nodes.strong("", name)), nodes.definition())
    assert prose_links.anchor_entries(body, lang) == [t.id for t in glossary.terms()]


LINK = re.compile(r'<a class="[^"]*glossary-term[^"]*" href="([^"#]*)#term-([a-z0-9_]+)"')


@pytest.mark.parametrize("lang", ["kk", "en", "ru"])
def test_the_built_pages_link_terms_and_quote_titles(site_dir, lang):
    glossary_page = (site_dir / lang / "chapters" / "glossary.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'id="term-([a-z0-9_]+)"', glossary_page))
    assert anchors == {t.id for t in glossary.terms()}
    method = (site_dir / lang / "chapters" / "method.html").read_text(encoding="utf-8")
    targets = [term_id for _, term_id in LINK.findall(method)]
    assert targets and len(targets) == len(set(targets)) and set(targets) <= anchors
    introduction = (site_dir / lang / "chapters" / "introduction.html").read_text(encoding="utf-8")
    title_link = re.search(r'(.)<a class="reference internal" href="theory.html"><span class="doc[^"]*">'
                           r"([^<]+)</span></a>(.)", introduction)
    assert title_link
    if lang == "en":
        assert title_link.group(1) != "«" and title_link.group(3) != "»"
    else:
        assert (title_link.group(1), title_link.group(3)) == ("«", "»")
