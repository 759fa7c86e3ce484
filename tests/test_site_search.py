"""The book's search (Pagefind) in a real browser, on the built site served from 127.0.0.1.

For each edition, queries with the page and the section that must come first: numbers as
the edition prints them and as a reader may type them, glossary terms and their variants,
words with Kazakh letters. The first result must link to that page's section (a heading
anchor) with an excerpt of the page's text (not blank, no look-alike characters of the
index). The search page loads nothing from outside the site and logs no console error, its
interface speaks the edition's language, and it works from the keyboard. Also: no page
loads Sphinx's old search. Needs a built site (``make book``) and ``/usr/bin/chromium``.
"""
from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import open_page

from analysis.present.i18n import t
from tooling.search_index import NUMBER_MARKS, OUTPUT

pytestmark = pytest.mark.slow

RESULT = ".pagefind-ui__result"
# (edition, query, page that must come first, the heading of the section it must lead to)
QUERIES = [
    ("ru", "9,4 %", "chapters/indicators.html", "Динамика по группам"),
    ("ru", "9,4", "chapters/indicators.html", "Динамика по группам"),
    ("ru", "9.4", "chapters/indicators.html", "Динамика по группам"),
    ("ru", "сводный индекс", "chapters/factors.html", None),
    ("ru", "доля внутрирегиональной торговли", "chapters/indicators.html", None),
    ("ru", "−9,4 %", "chapters/gravity.html", None),
    ("ru", "18 850", "chapters/gravity.html", None),
    ("ru", "-9.4 %", "chapters/gravity.html", None),  # typed with a hyphen and a point
    ("en", "18 850", "chapters/gravity.html", None),  # typed as the Russian edition prints it
    ("en", "9.4%", "chapters/indicators.html", "The groupings over time"),
    ("en", "9,4", "chapters/indicators.html", "The groupings over time"),
    ("en", "intra-regional trade share", "chapters/indicators.html", None),
    ("en", "composite index", "chapters/factors.html", None),
    ("kk", "9,4 %", "chapters/indicators.html", "Топтар бойынша динамика"),
    ("kk", "өзара сауда үлесі", "chapters/indicators.html", None),
    ("kk", "құрама индекс", "chapters/factors.html", None),
    ("kk", "дәліздеріне", "chapters/index.html", None),
]


def search(watched, served_site: str, lang: str, query: str) -> list[dict]:
    """The results the search page shows for ``query`` (opened as the theme's search box
    sends it, ``search.html?q=``): each result's link, its sub-results' links and excerpts."""
    page = watched.page
    open_page(page, urljoin(served_site, f"{lang}/search.html?q={quote(query)}"))
    nothing = t("search.ui.zero_results", lang).replace("[SEARCH_TERM]", query)
    page.wait_for_function("""(nothing) => {
        const message = document.querySelector('.pagefind-ui__message');
        if (message && message.textContent.trim() === nothing) return true;
        return document.querySelector('.pagefind-ui__result-link') !== null
            && !document.querySelector('.pagefind-ui__result .pagefind-ui__loading'); }""", arg=nothing)
    return page.evaluate("""() => [...document.querySelectorAll('.pagefind-ui__result')].map(result => ({
        link: result.querySelector('.pagefind-ui__result-link').href,
        title: result.querySelector('.pagefind-ui__result-link').textContent.trim(),
        excerpt: (result.querySelector('.pagefind-ui__result-excerpt') || {textContent: ''}).textContent.trim(),
        subs: [...result.querySelectorAll('.pagefind-ui__result-nested')].map(sub => ({
            link: sub.querySelector('a').href,
            title: sub.querySelector('a').textContent.trim(),
            excerpt: (sub.querySelector('.pagefind-ui__result-excerpt') || {textContent: ''}).textContent.trim()})),
    }))""")


@pytest.mark.parametrize("lang, query, expected_page, expected_section", QUERIES)
def test_query_finds_its_page_first(watched, served_site, lang, query, expected_page, expected_section):
    results = search(watched, served_site, lang, query)
    assert results, f"{lang}: {query!r} found nothing"
    first = results[0]
    path = urlsplit(first["link"]).path
    assert path == f"/{lang}/{expected_page}", (
        f"{lang}: {query!r} put {path} first, not {expected_page}: {[urlsplit(r['link']).path for r in results[:5]]}")
    links = [first["link"]] + [sub["link"] for sub in first["subs"]]
    anchors = [urlsplit(link).fragment for link in links if urlsplit(link).fragment]
    assert anchors, f"{lang}: {query!r}: the first result leads to no section: {links}"
    if expected_section:
        headings = [sub["title"] for sub in first["subs"]]
        assert headings and headings[0] == expected_section, (
            f"{lang}: {query!r}: the first section is not {expected_section!r}: {headings}")
    excerpts = [first["excerpt"]] + [sub["excerpt"] for sub in first["subs"]]
    assert all(excerpt.strip() for excerpt in excerpts), f"{lang}: {query!r}: a blank excerpt: {excerpts}"
    for excerpt in excerpts:
        assert not set(NUMBER_MARKS.values()) & set(excerpt), f"{lang}: {query!r}: index characters shown: {excerpt!r}"
    watched.assert_clean(f"{lang}/search.html?q={query}")


# (edition, query, page that must be among the first three): a grouping's name and number
NEAR_TOP = [
    ("en", "Central Asia 5", "chapters/indicators.html"),
    ("ru", "Центральная Азия 5", "chapters/indicators.html"),
    ("kk", "Орталық Азия 5", "chapters/indicators.html"),
]


@pytest.mark.parametrize("lang, query, expected_page", NEAR_TOP)
def test_query_finds_its_page_among_the_first_three(watched, served_site, lang, query, expected_page):
    paths = [urlsplit(result["link"]).path for result in search(watched, served_site, lang, query)]
    assert f"/{lang}/{expected_page}" in paths[:3], f"{lang}: {query!r}: {paths[:5]}"
    watched.assert_clean(f"{lang}/search.html?q={query}")


@pytest.mark.parametrize("lang", ["kk", "en", "ru"])
def test_search_page_speaks_the_edition_s_language_and_works_from_the_keyboard(watched, served_site, lang):
    page = watched.page
    open_page(page, urljoin(served_site, f"{lang}/search.html"))
    field = page.locator(".pagefind-ui__search-input")
    field.wait_for()
    assert field.get_attribute("placeholder") == t("search.ui.placeholder", lang)
    assert page.locator("h1").first.inner_text().strip() == t("search.title", lang)
    assert page.evaluate("() => document.activeElement && document.activeElement.classList.contains('pagefind-ui__search-input')"), \
        f"{lang}: the search field does not have the focus"
    page.keyboard.type("9,4")
    page.wait_for_selector(RESULT)
    for _ in range(40):  # Tab to the first result's link and open it with Enter
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('pagefind-ui__result-link')"):
            break
    else:
        pytest.fail(f"{lang}: no result link reached with Tab")
    target = page.evaluate("() => document.activeElement.href")
    page.keyboard.press("Enter")
    page.wait_for_url(target)
    watched.assert_clean(f"{lang}: searching from the keyboard")


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", ["kk", "en", "ru"])
def test_search_results_have_no_serious_accessibility_violation(watched, served_site, lang, color_scheme):
    watched.page.emulate_media(color_scheme=color_scheme)
    search(watched, served_site, lang, "9,4")
    violations = Axe().run(watched.page).response["violations"]
    serious = [f"{v['id']} ({v['impact']})" for v in violations if v["impact"] in ("serious", "critical") or v["id"] == "region"]
    assert not serious, serious


def test_one_copy_of_pagefind_and_no_sphinx_search(site_dir):
    assert (site_dir / OUTPUT / "pagefind-ui.js").is_file() and (site_dir / OUTPUT / "pagefind.js").is_file()
    for lang in ("kk", "en", "ru"):
        assert not (site_dir / lang / "searchindex.js").exists(), f"{lang}: Sphinx's search index is still published"
        assert not list((site_dir / lang).rglob("pagefind-ui.js")), f"{lang}: a second copy of Pagefind"
        for page in (site_dir / lang).rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            assert "searchindex.js" not in text and "searchtools.js" not in text, f"{page}: loads Sphinx's search"
