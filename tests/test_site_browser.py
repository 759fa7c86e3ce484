"""The built site in a real browser (headless Debian Chromium), served from 127.0.0.1.

For each edition: the landing page and the executed-notebook page load without a
console error and without a request leaving the machine, carry the edition's
``<html lang>``, switch to the same page in the other editions, and the edition's
search finds a word of its own language. Also: the root chooser links to the
three editions.

Needs a built site (``make book``) and ``/usr/bin/chromium``.
"""
from __future__ import annotations

import datetime
import re
from urllib.parse import quote, urljoin, urlsplit

import pytest
from browser import TIMEOUT_MS, html_lang, new_context, open_page, settle, site_path
from playwright.sync_api import Page

pytestmark = pytest.mark.slow

LANGUAGES = ("kk", "en", "ru")

LANDING = "chapters/index.html"
NOTEBOOK = "chapters/data.html"
MATH_PAGE = "chapters/indicators.html"  # a notebook chapter with formulas (MathJax served locally)
PAGES = (LANDING, NOTEBOOK, MATH_PAGE)
# One distinctive word of each edition's language, taken from the body text of its
# landing page (kk: "corridors" with Kazakh-only letters; ru: "interstate").
SEARCH_WORDS = {"kk": "дәліздеріне", "en": "corridors", "ru": "межгосударственную"}


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_page_loads_cleanly_offline(watched, served_site, lang, path):
    url = urljoin(served_site, f"{lang}/{path}")
    open_page(watched.page, url)
    watched.assert_clean(f"{lang}/{path}")
    assert watched.requests, "no request was recorded: the request listener is not working"
    assert html_lang(watched.page) == lang, f"{lang}/{path}: <html lang> is {html_lang(watched.page)!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_formulas_are_typeset_from_the_site_s_own_mathjax(watched, served_site, lang):
    open_page(watched.page, urljoin(served_site, f"{lang}/{MATH_PAGE}"))
    watched.page.wait_for_selector("mjx-container", timeout=TIMEOUT_MS)
    watched.assert_clean(f"{lang}/{MATH_PAGE}")
    assert any(site_path(url).endswith("/_assets/static/mathjax/tex-chtml.js") for url in watched.requests)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_language_switcher_opens_same_page(watched, served_site, lang, path):
    page = watched.page
    for other in LANGUAGES:
        if other == lang:
            continue
        open_page(page, urljoin(served_site, f"{lang}/{path}"))
        switcher = page.locator("nav.language-switcher")
        assert switcher.count() == 1, f"{lang}/{path}: expected one nav.language-switcher, found {switcher.count()}"
        link = switcher.locator(f'a[hreflang="{other}"]')
        assert link.count() == 1, f"{lang}/{path}: no switcher link to {other}"
        link.click()
        page.wait_for_url(urljoin(served_site, f"{other}/{path}"))
        settle(page)
        assert site_path(page.url) == f"/{other}/{path}"
        assert html_lang(page) == other, f"{other}/{path} (from {lang}): <html lang> is {html_lang(page)!r}"
        current = page.locator("nav.language-switcher [aria-current='page']")
        assert current.get_attribute("lang") == other, f"{other}/{path}: switcher marks the wrong current language"
    watched.assert_clean(f"switching languages from {lang}/{path}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_finds_a_word_of_the_edition(watched, served_site, site_dir, lang):
    word = SEARCH_WORDS[lang]
    landing = (site_dir / lang / LANDING).read_text(encoding="utf-8")
    assert re.search(rf"\b{re.escape(word)}\b", landing), (
        f"{word!r} no longer appears in {lang}/{LANDING}: pick another word of its body text for SEARCH_WORDS")
    page = watched.page
    open_page(page, urljoin(served_site, f"{lang}/search.html?q={quote(word)}"))
    # Pagefind's interface (tooling/sphinx_ext/pagefind_search.py) lists the results once
    # each result's data has loaded.
    page.wait_for_function("() => document.querySelector('.pagefind-ui__result-link') !== null"
                           " && !document.querySelector('.pagefind-ui__result .pagefind-ui__loading')")
    more = page.locator("button.pagefind-ui__button")  # it shows a few results, and a button for more
    while more.count() and more.first.is_visible():
        more.first.click()
        page.wait_for_function("() => !document.querySelector('.pagefind-ui__result .pagefind-ui__loading')")
    summary = page.locator(".pagefind-ui__message").inner_text().strip()
    links = page.locator(".pagefind-ui__result").evaluate_all(
        "results => results.map(result => result.querySelector('.pagefind-ui__result-link').href)")
    assert links, f"{lang}: searching {word!r} found nothing ({summary!r})"
    paths = [site_path(link) for link in links]
    assert all(path.startswith(f"/{lang}/") for path in paths), f"{lang}: a result outside the edition: {paths}"
    assert f"/{lang}/{LANDING}" in paths, f"{lang}: searching {word!r} did not find {lang}/{LANDING}: {paths}"
    assert summary, f"{lang}: the search status line is empty"
    watched.assert_clean(f"{lang}/search.html?q={word}")


def test_root_chooser_links_to_the_editions(watched, served_site):
    page = watched.page
    open_page(page, served_site)
    assert html_lang(page) == "kk"
    for lang in LANGUAGES:
        link = page.locator(f'a[hreflang="{lang}"]')
        assert link.count() == 1, f"root chooser: expected one link to {lang}, found {link.count()}"
        assert link.get_attribute("lang") == lang
        assert site_path(link.evaluate("a => a.href")) in (f"/{lang}/", f"/{lang}/index.html")
    for lang in LANGUAGES:
        open_page(page, served_site)
        page.locator(f'a[hreflang="{lang}"]').click()
        # <lang>/index.html redirects to the edition's landing page
        page.wait_for_url(urljoin(served_site, f"{lang}/{LANDING}"))
        settle(page)
        assert html_lang(page) == lang
    watched.assert_clean("root chooser and the editions it links to")


# ---- switching language keeps the reader's place ----------------------------------------
FIGURE_PAGE, FIGURE = "chapters/factors.html", "fig-factor-scree"


def in_view(page: Page, element_id: str) -> bool:
    return page.evaluate("""id => { const r = document.getElementById(id).getBoundingClientRect();
                                    return r.bottom > 0 && r.top < window.innerHeight; }""", element_id)


def switch_to(page: Page, other: str) -> None:
    page.locator(f'nav.language-switcher a[hreflang="{other}"]').click()
    page.wait_for_function("other => document.documentElement.lang === other", arg=other)
    settle(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_switching_language_keeps_the_figure_in_view(watched, served_site, lang):
    page = watched.page
    other = LANGUAGES[(LANGUAGES.index(lang) + 1) % len(LANGUAGES)]
    open_page(page, urljoin(served_site, f"{lang}/{FIGURE_PAGE}#{FIGURE}"))
    switch_to(page, other)
    assert site_path(page.url) == f"/{other}/{FIGURE_PAGE}"
    assert urlsplit(page.url).fragment == FIGURE, page.url
    assert in_view(page, FIGURE), f"{other}/{FIGURE_PAGE}: #{FIGURE} is not in the window"
    watched.assert_clean(f"{lang} -> {other} at #{FIGURE}")


def test_switching_language_keeps_the_section_whose_id_differs_between_editions(watched, served_site):
    """#coverage (English, from its title) is #id… in Kazakh: the section is found by position."""
    page = watched.page
    open_page(page, urljoin(served_site, f"en/{NOTEBOOK}#coverage"))
    position = page.evaluate("() => document.getElementById('coverage').querySelector(':scope > span').id")
    assert re.fullmatch(r"section-\d+(-\d+)*", position), position
    switch_to(page, "kk")
    assert urlsplit(page.url).fragment == position, page.url
    assert page.evaluate("id => document.getElementById(id).parentElement.id", position) != "coverage"
    assert in_view(page, position)
    heading = page.evaluate("id => document.getElementById(id).parentElement.querySelector('h2, h3').textContent",
                            position)
    assert not re.search(r"[A-Za-z]{4,}", heading), f"the Kazakh section heading is {heading!r}"
    watched.assert_clean("en -> kk at #coverage")


def test_switching_language_keeps_the_section_scrolled_to(watched, served_site):
    """Without an anchor in the address, the section at the top of the window is kept."""
    page = watched.page
    open_page(page, urljoin(served_site, f"ru/{FIGURE_PAGE}"))
    position = page.evaluate("""() => { const marks = [...document.querySelectorAll('article section > span[id^="section-"]')];
                                        const mark = marks[Math.floor(marks.length / 2)];
                                        mark.parentElement.scrollIntoView(); return mark.id; }""")
    page.wait_for_timeout(300)
    switch_to(page, "en")
    assert urlsplit(page.url).fragment == position, page.url
    assert in_view(page, position)
    watched.assert_clean("ru -> en after scrolling")


def test_without_scripts_the_switcher_opens_the_other_edition_s_page(browser, served_site):
    context = new_context(browser, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(urljoin(served_site, f"kk/{FIGURE_PAGE}#{FIGURE}"), wait_until="load")
        page.locator('nav.language-switcher a[hreflang="ru"]').click()
        page.wait_for_url(urljoin(served_site, f"ru/{FIGURE_PAGE}"))
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_on_a_narrow_screen_the_switcher_is_in_view_without_the_menu(browser, served_site, lang):
    context = new_context(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        other = "en" if lang != "en" else "kk"
        open_page(page, urljoin(served_site, f"{lang}/{NOTEBOOK}"))
        assert not page.locator(".bd-sidebar-primary nav.bd-docs-nav").is_visible(), "the menu is open"
        link = page.locator(f'nav.language-switcher a[hreflang="{other}"]')
        assert link.is_visible(), f"{lang}: the link to {other} is hidden on a narrow screen"
        box = link.bounding_box()
        assert box and 0 <= box["x"] and box["x"] + box["width"] <= 390 and 0 <= box["y"] <= 844 - box["height"], box
        # the link is what a tap there reaches (nothing covers it)
        assert page.evaluate("""([x, y, other]) => { const hit = document.elementFromPoint(x, y);
                                   return !!hit && !!hit.closest(`a[hreflang="${other}"]`); }""",
                             [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, other])
        link.tap()
        page.wait_for_url(urljoin(served_site, f"{other}/{NOTEBOOK}"))
    finally:
        context.close()


def test_the_access_date_becomes_the_reader_s_day(browser, served_site, site_dir):
    """«дата обращения» is printed as the version's date; the page's script sets the day
    the reader has the page open (ГОСТ's ДД.ММ.ГГГГ)."""
    context = new_context(browser)
    try:
        page = context.new_page()
        open_page(page, urljoin(served_site, "ru/chapters/cite.html"))
        script = (site_dir / "_assets" / "static" / "cite-page.js").read_text(encoding="utf-8")
        page.set_content('<p class="formatted-reference">URL: x (дата обращения: '
                         '<span class="access-date">02.03.2026</span>).</p>')
        page.add_script_tag(content=script)
        page.evaluate("() => document.dispatchEvent(new Event('DOMContentLoaded'))")
        today = datetime.date.today().strftime("%d.%m.%Y")  # the browser runs on this machine, in its time zone
        assert page.locator(".access-date").inner_text() == today != "02.03.2026"
    finally:
        context.close()
