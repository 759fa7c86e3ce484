"""The index copy Pagefind reads (tooling/search_index.py), on small hand-made pages:
numbers become one word each, headings carry their section's id, the page's chrome and
citation lines are left out, and the glossary adds the names a page does not print."""
from __future__ import annotations

import json

from bs4 import BeautifulSoup

from tooling import search_index
from tooling.search_index import Page, glossary_text, index_text, prepared_copy, term_uses, with_names

PAGE = """<!DOCTYPE html><html lang="{lang}"><head><title>t</title></head><body>
<nav>Main menu</nav>
<article class="bd-article">
<section id="integration-indicators"><span id="section-1"></span><h1>Integration indicators<a class="headerlink" href="#integration-indicators">#</a></h1>
<p>{intro}</p>
<section id="the-groupings"><span id="section-1-1"></span><h2>The groupings<a class="headerlink" href="#the-groupings">#</a></h2>
<p>{body}</p>
<p class="exhibit-cite">Cite this figure: Fig. 3</p>
<img alt="chart" src="data:image/png;base64,AAAA">
</section>
<div class="cite-this-page"><p>Cite this page</p></div>
</section>
</article>
<footer>Footer text</footer>
</body></html>"""


def page(lang: str, intro: str, body: str, path: str = "chapters/indicators.html") -> Page:
    soup = BeautifulSoup(PAGE.format(lang=lang, intro=intro, body=body), "lxml")
    result = Page(lang, path, *term_uses(soup, lang))
    result.soup = soup  # kept for index_copy below
    return result


def index_copy(page: Page, added) -> str:
    """The page's index copy as the build makes it: prepared, then given its glossary names."""
    return with_names(prepared_copy(page.soup), added)


def article(copy: str):
    return BeautifulSoup(copy, "lxml").select_one("article")


def test_numbers_are_one_word_with_look_alike_separators():
    marks = search_index.NUMBER_MARKS
    assert index_text("5,2 % в 2000 году и 9,4 %") == f"5{marks[',']}2 % в 2000 году и 9{marks[',']}4 %"
    assert index_text("5.2% and 9.4%") == f"5{marks['.']}2% and 9{marks['.']}4%"
    assert index_text("18\u202f850 наблюдений") == f"18{marks[chr(0x202f)]}850 наблюдений"
    assert index_text("18,850 observations") == f"18{marks[',']}850 observations"
    assert index_text("−9,4 %") == f"−9{marks[',']}4 %"  # the true minus stays: a word of its own
    # words and their punctuation are left alone
    assert index_text("trade, investment. Then") == "trade, investment. Then"
    # a range's dash is spaced: both years are words
    assert index_text("2000–2020") == "2000\u2009–\u20092020"


def test_look_alikes_are_not_word_characters_nor_spaces():
    """Pagefind drops non-word characters inside a word and splits only at spaces (and, for
    its pieces, at . , / :): the look-alikes must be none of these."""
    import re
    for printed, indexed in search_index.NUMBER_MARKS.items():
        assert not re.match(r"\w", indexed) and not indexed.isspace(), (printed, indexed)
        assert indexed not in ".,/:"


def test_index_copy_keeps_the_text_and_leaves_out_the_rest():
    copy = index_copy(page("en", "Intro text.", "The share was 9.4% in 2020."), {})
    body = article(copy)
    assert body.has_attr("data-pagefind-body")
    text = body.get_text(" ")
    assert "The share was" in text and "Intro text." in text
    for left_out in ("Cite this figure", "Cite this page", "#"):
        assert left_out not in text.split(), left_out
    assert body.find("img") is None
    soup = BeautifulSoup(copy, "lxml")
    assert "Main menu" not in soup.select_one("[data-pagefind-body]").get_text()


def test_headings_carry_their_section_s_id():
    body = article(index_copy(page("en", "Intro.", "Text."), {}))
    assert body.find("h1")["id"] == "integration-indicators"
    assert body.find("h2")["id"] == "the-groupings"
    ids = [element["id"] for element in body.find_all(id=True)]
    assert len(ids) == len(set(ids)), ids


def test_glossary_names_go_to_the_page_that_uses_the_term_in_another_edition():
    """The English page says "share of mutual trade"; the Russian one uses the glossary's
    term «доля взаимной торговли» three times in its second section: the English index copy
    gets "intra-regional trade share" there, the Russian one its rejected variants."""
    ru = page("ru", "Введение.", "Доля взаимной торговли росла. Доля взаимной торговли выше. "
              "<a class=\"glossary-term\" href=\"glossary.html#term-intra_regional_trade_share\">доля взаимной торговли</a>.")
    ru.uses["intra_regional_trade_share"].section = "section-1-1"
    en = page("en", "Intro.", "The share of mutual trade rose.")
    added = glossary_text(en, [ru])
    names = [name for name, _ in added["section-1-1"]]
    assert "intra-regional trade share" in names
    body = article(index_copy(en, added))
    section = body.find("section", recursive=True).find("section")
    assert "intra-regional trade share." in section.get_text(" ")
    ru_added = glossary_text(ru, [en])
    ru_names = [name for name, _ in ru_added["section-1-1"]]
    assert "доля внутрирегиональной торговли" in ru_names
    assert "доля взаимной торговли" not in ru_names  # printed already


def test_a_term_used_once_adds_nothing():
    ru = page("ru", "Введение.", "Доля взаимной торговли росла.")
    en = page("en", "Intro.", "The share of mutual trade rose.")
    assert "intra-regional trade share" not in str(glossary_text(en, [ru]))


def test_weight_grows_with_use_up_to_pagefind_s_limit():
    assert search_index.weight(search_index.MIN_USES) == 1.0
    assert search_index.weight(search_index.MIN_USES + 4) == 3.0
    assert search_index.weight(1000) == search_index.MAX_WEIGHT


def test_search_names_leave_out_a_variant_that_only_begins_a_word():
    terms = {term.id: term for term in search_index.glossary.terms()}
    names = search_index.search_names(terms["new_silk_road"], "ru")
    assert names[0] == "Новый шёлковый путь"
    assert "Шелков" not in names  # a stem the glossary uses to catch «Шелковый путь»
    ca5 = search_index.search_names(terms["ca5"], "en")
    assert ca5 == ["Central Asia 5", "Central Asia-5", "CA-5"]


def small_site(root, body: str = "The share was 9.4% in 2020."):
    for lang in ("kk", "en", "ru"):
        target = root / lang / "chapters" / "indicators.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(PAGE.format(lang=lang, intro="Intro.", body=body), encoding="utf-8")


def test_a_rebuild_parses_only_changed_pages_and_reuses_an_unchanged_index(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    small_site(site)
    first = search_index.build(site, cache)
    assert (first.parsed, first.reused) == (3, False)
    built = {p.relative_to(site): p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()}
    again = search_index.build(site, cache)
    assert (again.parsed, again.reused) == (0, True)
    assert {p.relative_to(site): p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()} == built
    page = site / "en" / "chapters" / "indicators.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Intro.", "Intro, edited."), encoding="utf-8")
    edited = search_index.build(site, cache)
    assert (edited.parsed, edited.reused) == (1, False)
    # the new words are in the English index: its files changed, and the same as a build without a cache
    fresh = tmp_path / "fresh"
    small_site(fresh)
    (fresh / "en" / "chapters" / "indicators.html").write_bytes(page.read_bytes())
    search_index.build(fresh, None)
    names = sorted(p.name for p in (site / "pagefind").rglob("*") if p.is_file())
    assert names == sorted(p.name for p in (fresh / "pagefind").rglob("*") if p.is_file())
    assert set(names) != {path.name for path in built}  # Pagefind names its files by their content


def test_editions_parsed_ahead_leave_nothing_to_parse_and_give_the_same_index(tmp_path):
    """The build parses each edition as soon as Sphinx has built it (``warm``) and indexes
    the editions' own output: the same index as from the assembled site, no page parsed twice."""
    editions, cache = tmp_path / "editions", tmp_path / "cache"
    small_site(editions)
    assert [search_index.warm(editions / lang, lang, cache) for lang in ("kk", "en", "ru")] == [1, 1, 1]
    site = tmp_path / "site"
    site.mkdir()
    report = search_index.build(site, cache, {lang: editions / lang for lang in ("kk", "en", "ru")})
    assert (report.parsed, report.pages) == (0, {"kk": 1, "en": 1, "ru": 1})
    assert not (site / "en").exists()  # the pages were read where Sphinx wrote them
    plain = tmp_path / "plain"
    small_site(plain)
    search_index.build(plain, None)
    def files(root):  # Pagefind lists the languages of its entry file in no fixed order
        return {p.relative_to(root).as_posix(): json.loads(p.read_bytes()) if p.suffix == ".json" else p.read_bytes()
                for p in (root / "pagefind").rglob("*") if p.is_file()}
    assert files(site) == files(plain)


def test_a_section_s_names_go_to_its_place_or_to_the_page_s_top():
    prepared = prepared_copy(page("en", "Intro.", "Text.").soup)
    assert prepared.count(f"<!--{search_index.ADDED}") == 3  # two section marks and the top
    copy = search_index.with_names(prepared, {"section-1-1": [("trade share", 2.0)],
                                              "section-9": [("lost <section>", 1.0)], None: [("top name", 1.5)]})
    assert search_index.ADDED not in copy
    body = article(copy)
    inner = body.find("section").find("section")
    assert [p.get_text() for p in inner.find_all("p", attrs={"data-pagefind-weight": True})] == ["trade share."]
    top = [(p.get_text(), p["data-pagefind-weight"]) for p in body.find_all("p", attrs={"data-pagefind-weight": True})
           if p not in inner.find_all("p")]
    # a section without a place of its own gives its names to the top; text stays text
    assert sorted(top) == [("lost <section>.", "1"), ("top name.", "1.5")]
    # the top's names come after its own text and before its subsection
    assert body.find("section").find("p", attrs={"data-pagefind-weight": True}).find_next("section") is inner
