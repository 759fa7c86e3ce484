"""The kk and ru editions speak their language: interface, captions, everything a reader meets.

In a real browser (Debian Chromium, as in test_site_browser), every page of the kk
and ru editions, read from the built site, gives up its text, the text of its
tooltips and accessible names (``title``, ``aria-label``, ``placeholder``, ``alt``,
Bootstrap and copy-button tooltips) and the labels the page's scripts hold for
later (the copy button's "Copied!"). Any word in Latin script fails the test unless
the reviewed allowlist (``tests/latin_allowlist.csv``, one reason per entry) names
it. Some markup is not the edition's prose and is left out by its markup, not word
by word: code (``pre``, ``code``, the notebook's code cells), keyboard keys
(``kbd``), formulas (MathJax), bibliographic data (the bibliography's entries and
the citation labels, with their tooltips), and anything marked as another language
(``lang="en"`` on the language switcher's "English").

Without a browser: the Russian gettext catalogues, Kazakh "index" terms, and the
caption numbering of each edition. Needs a built site (``make book``).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import sphinx_book_theme
from test_kazakh_ui import (
    PO_LINE,
    catalog_ids,
    msgid_text,
    package_dir,
    placeholder_problems,
    read_catalog,
    upstream_ids,
)
from browser import open_page
from test_site_browser import SEARCH_WORDS

from analysis.paths import REPO
from analysis.present.i18n import t
from tooling.build import Builder

EDITIONS = ("kk", "ru")
ALLOWLIST_FILE = Path(__file__).with_name("latin_allowlist.csv")
RU_PO_DIR = REPO / "locale" / "ru" / "LC_MESSAGES"
KK_PO_DIR = REPO / "locale" / "kk" / "LC_MESSAGES"
NOT_PAGES = ("_static", "_images", "_sources")

# Markup whose text is not the edition's prose; see the module docstring.
EXCLUDED = ", ".join([
    "script", "style", "noscript", "template",
    "pre", "code", "kbd", ".cell_input",
    "mjx-container", ".math",
    ".bibtex-citation", ".citation",
])
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-bs-title", "data-tooltip",
              "aria-description", "aria-roledescription")

COLLECT = """([excluded, attributes, extraExcluded]) => {
  const pageLang = document.documentElement.getAttribute('lang');
  const skip = excluded + (extraExcluded ? ', ' + extraExcluded : '');
  const skipped = el => {
    if (el.closest(skip)) return true;
    const marked = el.closest('[lang]');
    return marked !== null && marked.getAttribute('lang') !== pageLang;
  };
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].slice(0, 2).join('.') : '');
  const found = [['document title', document.title, 'title']];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (el && node.textContent.trim() && !skipped(el)) found.push(['text', node.textContent, describe(el)]);
  }
  for (const el of document.querySelectorAll('*')) {
    if (skipped(el)) continue;
    for (const name of attributes) {
      if (el.hasAttribute(name)) found.push([name, el.getAttribute(name), describe(el)]);
    }
  }
  // labels sphinx-copybutton and sphinx-togglebutton show later (after a click)
  if (typeof messages === 'object' && typeof locale === 'string' && messages[locale]) {
    for (const [key, value] of Object.entries(messages[locale])) found.push(['copy button', value, key]);
  }
  for (const name of ['toggleHintShow', 'toggleHintHide']) {
    if (typeof window[name] === 'string') found.push(['toggle button', window[name], name]);
  }
  return found;
}"""

LETTER = r"[^\W\d_]"
WORD = re.compile(rf"{LETTER}+(?:['’.\-]{LETTER}+)*")
LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")


@dataclass(frozen=True)
class Allowlist:
    phrases: tuple[str, ...]
    patterns: tuple[re.Pattern, ...]

    @classmethod
    def read(cls, path: Path = ALLOWLIST_FILE) -> Allowlist:
        with path.open(encoding="utf-8", newline="") as file:
            rows = list(csv.DictReader(file))
        for number, row in enumerate(rows, 2):
            if row["kind"] not in ("phrase", "pattern") or not row["entry"] or not row["reason"].strip():
                raise ValueError(f"{path}, row {number}: needs an entry, kind phrase|pattern and a reason")
        # longest first, so that a phrase is removed before any shorter one inside it
        phrases = sorted((row["entry"] for row in rows if row["kind"] == "phrase"), key=len, reverse=True)
        patterns = [re.compile(row["entry"]) for row in rows if row["kind"] == "pattern"]
        return cls(tuple(phrases), tuple(patterns))

    def __len__(self) -> int:
        return len(self.phrases) + len(self.patterns)


def latin_words(text: str, allowlist: Allowlist) -> list[str]:
    """The words of ``text`` written (partly) in Latin script that the allowlist does not name."""
    for phrase in allowlist.phrases:
        text = re.sub(rf"(?<!{LETTER}){re.escape(phrase)}(?!{LETTER})", " ", text)
    return [word for word in WORD.findall(text)
            if LATIN.search(word) and not any(pattern.fullmatch(word) for pattern in allowlist.patterns)]


def offending(found: list[list[str]], allowlist: Allowlist) -> list[str]:
    problems = []
    for kind, text, where in found:
        words = latin_words(text, allowlist)
        if words:
            snippet = " ".join(text.split())[:90]
            problems.append(f"{kind} in {where}: {sorted(set(words))} in {snippet!r}")
    return sorted(set(problems))


def edition_pages(site_dir: Path, lang: str) -> list[str]:
    root = site_dir / lang
    pages = sorted(path.relative_to(root).as_posix() for path in root.rglob("*.html")
                   if not path.relative_to(root).parts[0] in NOT_PAGES)
    assert pages, f"no pages in {root}"
    return pages


def collect(page, excluded_here: str = "") -> list[list[str]]:
    return page.evaluate(COLLECT, [EXCLUDED, list(ATTRIBUTES), excluded_here])


def wait_for_search_results(page) -> None:
    """Pagefind's interface lists the results once each result's data has loaded."""
    page.wait_for_function(
        "() => document.querySelector('.pagefind-ui__result-link') !== null"
        " && !document.querySelector('.pagefind-ui__result .pagefind-ui__loading')")


def check_edition(watched, served_site, site_dir, lang, excluded_here="", color_scheme="light") -> None:
    allowlist = Allowlist.read()
    watched.page.emulate_media(color_scheme=color_scheme)
    problems = []
    # every page, and the search page with results (its messages come from the catalogue)
    for path in [*edition_pages(site_dir, lang), f"search.html?q={SEARCH_WORDS[lang]}"]:
        open_page(watched.page, urljoin(served_site, f"{lang}/{path}"))
        if path.startswith("search.html?"):
            wait_for_search_results(watched.page)
        problems += [f"{lang}/{path}: {problem}" for problem in offending(collect(watched.page, excluded_here),
                                                                           allowlist)]
    assert not problems, f"{len(problems)} texts with Latin-script words:\n  " + "\n  ".join(problems)


# ---- the word finder ---------------------------------------------------------------

def test_allowlist_is_short_and_reasoned():
    allowlist = Allowlist.read()
    # a tripwire, not a target: 74 entries were reviewed one by one when the whole book's
    # chapters were added (names of data sets, methods and cited authors); growth past it
    # means another review
    assert 0 < len(allowlist) <= 80, f"the allowlist has {len(allowlist)} entries: review it"


@pytest.mark.parametrize(("text", "words"), [
    ("Back to top", ["Back", "to", "top"]),
    ("Жоғарыға оралу", []),
    ("Деректерді CSV түрінде жүктеу", []),
    ("CSV-файл", []),
    ("Участники проекта Silk Road Integration", []),
    ("Silk Road", ["Silk", "Road"]),  # a phrase is allowed whole, not word by word
    ("Рис. 2. Toggle", ["Toggle"]),
    ("Ссылка на Ｘ", []),  # full-width letters are not Latin script here
    ("Société", ["Société"]),
    ("Ğalym", ["Ğalym"]),
])
def test_latin_words(text, words):
    assert latin_words(text, Allowlist.read()) == words


def test_allowlist_patterns_match_whole_words():
    allowlist = Allowlist(phrases=(), patterns=(re.compile(r"[A-Z]{2}(?:\.[A-Z]{2,4}){2,4}"),))
    assert latin_words("код NY.GDP.MKTP.CD", allowlist) == []
    assert latin_words("код NY.GDP.MKTP.CD и GDP", allowlist) == ["GDP"]


# ---- in the browser ----------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", EDITIONS)
def test_interface_has_no_english(watched, served_site, site_dir, lang, color_scheme):
    """Everything around the page's own content (the article): navigation, header,
    footer, buttons, tooltips, accessible names, search."""
    check_edition(watched, served_site, site_dir, lang, excluded_here="article", color_scheme=color_scheme)


@pytest.mark.slow
@pytest.mark.parametrize("lang", EDITIONS)
def test_pages_have_no_english(watched, served_site, site_dir, lang):
    """Everything on the page, the article's prose, tables, captions and labels included."""
    check_edition(watched, served_site, site_dir, lang)


@pytest.mark.slow
def test_collector_catches_planted_english(watched, served_site):
    """English planted as text, as a tooltip and as an accessible name is found; the
    same English inside excluded markup (code, a citation, lang="en") is not."""
    page = watched.page
    open_page(page, urljoin(served_site, "ru/chapters/index.html"))
    page.evaluate("""() => {
      const article = document.querySelector('article');
      article.insertAdjacentHTML('beforeend',
        '<p>Planted sentence</p><span title="Planted tooltip">ы</span>'
        + '<button aria-label="Planted label">ы</button><input placeholder="Planted hint">'
        + '<code>planted_code</code><span class="bibtex-citation">Planted Author</span>'
        + '<span lang="en">Planted English</span>');
    }""")
    problems = offending(collect(page), Allowlist.read())
    planted = [problem for problem in problems if "Planted" in problem or "planted" in problem]
    assert len(planted) == 4, "\n".join(problems)
    assert not any("planted_code" in p or "Author" in p or "Planted English" in p for p in planted)


@pytest.mark.slow
@pytest.mark.parametrize("lang", EDITIONS)
def test_copy_button_speaks_the_edition_language(watched, served_site, site_dir, lang):
    pages = [path for path in edition_pages(site_dir, lang)
             if "highlight" in (site_dir / lang / path).read_text(encoding="utf-8")]
    assert pages, f"no page of {lang} shows code: the copy-button check has nothing to look at"
    page = watched.page
    open_page(page, urljoin(served_site, f"{lang}/{pages[0]}"))
    tooltips = page.locator("button.copybtn").evaluate_all("buttons => buttons.map(b => b.dataset.tooltip)")
    assert tooltips and set(tooltips) == {t("ui.copy", lang)}, tooltips
    messages = page.evaluate("() => messages[locale]")
    assert messages == {"copy": t("ui.copy", lang), "copy_to_clipboard": t("ui.copy_to_clipboard", lang),
                        "copy_success": t("ui.copy_success", lang), "copy_failure": t("ui.copy_failure", lang)}
    watched.assert_clean(f"{lang}/{pages[0]}")


@pytest.mark.slow
@pytest.mark.parametrize("lang", EDITIONS)
def test_toggle_buttons_speak_the_edition_language(watched, served_site, lang):
    """sphinx-togglebutton labels the buttons it adds to dropdown admonitions in
    English; no page has one yet, so one is added to a page as it is served."""
    page = watched.page
    url = urljoin(served_site, f"{lang}/chapters/index.html")
    dropdown = '<div class="admonition dropdown"><p class="admonition-title">ы</p><p>ы</p></div>'

    def with_dropdown(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace("</article>", dropdown + "</article>", 1))

    page.route(url, with_dropdown)
    open_page(page, url)
    labels = page.locator("article .admonition.dropdown button.toggle-button").evaluate_all(
        "buttons => buttons.map(b => b.getAttribute('aria-label'))")
    assert labels == [t("ui.toggle_hidden", lang)], labels


@pytest.mark.slow
def test_russian_theme_strings_are_corrected(watched, served_site):
    page = watched.page
    open_page(page, urljoin(served_site, "ru/chapters/index.html"))
    assert page.locator(".dropdown-download-buttons > button").get_attribute("aria-label") == "Скачать эту страницу"
    assert page.locator("footer p.copyright").inner_text().strip() == "© 2026"
    assert page.locator("nav.bd-docs-nav").get_attribute("aria-label") == "Основная навигация"


@pytest.mark.slow
def test_kazakh_copyright_and_index(watched, served_site):
    page = watched.page
    open_page(page, urljoin(served_site, "kk/genindex.html"))
    assert page.locator("footer p.copyright").inner_text().strip() == "© 2026"
    heading = page.locator("article h1").inner_text().strip()
    assert heading == "Алфавиттік нұсқағыш", heading


# ---- catalogues ----------------------------------------------------------------------

RU_PO_FILES = sorted(RU_PO_DIR.glob("*.po"))


def test_russian_catalogues_exist():
    assert {path.name for path in RU_PO_FILES} == {"sphinx.po", "booktheme.po"}


@pytest.mark.parametrize("po_path", RU_PO_FILES, ids=lambda path: path.name)
def test_russian_catalogue_is_complete_and_well_formed(po_path):
    lines = po_path.read_text(encoding="utf-8").splitlines()
    assert not [line for line in lines if not PO_LINE.fullmatch(line)]
    catalog = read_catalog(po_path)
    assert str(catalog.locale) == "ru" and catalog.num_plurals == 3 and not catalog.fuzzy
    problems = []
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy or not message.string:
            problems.append(f"untranslated: {message.id!r}")
        problems += [f"{message.id!r}: {p}" for p in placeholder_problems(message.id, message.string)]
    assert not problems, "\n".join(problems)


def shipped_russian(domain: str) -> dict[str, object]:
    if domain == "sphinx":
        paths = [package_dir("sphinx") / "locale/ru/LC_MESSAGES/sphinx.po",
                 package_dir("pydata_sphinx_theme") / "locale/ru/LC_MESSAGES/sphinx.po"]
    else:
        paths = list(package_dir("sphinx_book_theme").rglob(f"ru/LC_MESSAGES/{domain}.po"))
    translated = {}
    for path in paths:
        for message in read_catalog(path):
            strings = message.string if message.pluralizable else (message.string,)
            if message.id and all(strings) and not message.fuzzy:
                translated.setdefault(msgid_text(message.id), message)
    return translated


@pytest.mark.parametrize("domain", ["sphinx", sphinx_book_theme.MESSAGE_CATALOG_NAME])
def test_every_interface_message_has_russian(domain):
    """Every message that can reach a page is translated, by the project's catalogue
    or by the shipped ones."""
    project = catalog_ids(read_catalog(RU_PO_DIR / f"{domain}.po"))
    missing = upstream_ids(domain) - project - set(shipped_russian(domain))
    assert not missing, f"no Russian for: {sorted(missing)}"


@pytest.mark.parametrize(("domain", "msgid", "wrong"), [
    ("booktheme", "Download this page", "Загрузите эту страницу"),
    ("sphinx", "© Copyright %(copyright)s.", "© Копирайт %(copyright)s."),
    ("sphinx", "Dark", "темная"),
])
def test_wrong_shipped_russian_is_overridden(domain, msgid, wrong):
    assert shipped_russian(domain)[msgid].string == wrong, "upstream changed: review the override"
    assert read_catalog(RU_PO_DIR / f"{domain}.po")[msgid].string != wrong


def test_project_messages_win_over_empty_shipped_ones():
    from babel.messages.catalog import Catalog

    from tooling.sphinx_ext.interface_language import js_messages, merged_catalog

    shipped = Catalog(locale="ru")
    shipped.add("Back to top", "", locations=[("layout.html", 1)])
    shipped.add("Search", "Поиск", locations=[("search.js", 2)])
    project = Catalog(locale="ru")
    project.add("Back to top", "Наверх")
    assert js_messages(merged_catalog(project, shipped)) == {"Back to top": "Наверх", "Search": "Поиск"}


def test_kazakh_index_is_not_the_word_for_indicator():
    """«Көрсеткіш» is the book's word for "indicator"; the book's index is a «нұсқағыш»."""
    clashes = [f"{message.id!r} -> {message.string!r}"
               for po_path in KK_PO_DIR.glob("*.po") for message in read_catalog(po_path)
               if message.id and re.search(r"\bind(?:ex|ices)\b", msgid_text(message.id), re.IGNORECASE)
               and "көрсеткіш" in str(message.string).lower()]
    assert not clashes, "\n".join(clashes)


# ---- caption numbering ---------------------------------------------------------------

CAPTION_FORMS = {
    ("kk", "figure"): r"\d+-сурет\.", ("ru", "figure"): r"Рис\. \d+\.", ("en", "figure"): r"Fig\. \d+\.",
    ("kk", "table"): r"\d+-кесте\.", ("ru", "table"): r"Таблица \d+\.", ("en", "table"): r"Table \d+\.",
}
CAPTION_NUMBER = re.compile(r'<(figcaption|caption)>\s*(?:<p>)?<span class="caption-number">([^<]*)</span>')


@pytest.mark.parametrize("lang", ["kk", "en", "ru"])
def test_edition_config_numbers_captions_in_its_language(lang):
    import yaml

    numfig = yaml.safe_load(Builder().config_for(lang))["sphinx"]["config"]["numfig_format"]
    for kind in ("figure", "table"):
        assert re.fullmatch(CAPTION_FORMS[lang, kind], numfig[kind] % 2), numfig


@pytest.mark.parametrize("lang", ["kk", "en", "ru"])
def test_built_captions_are_numbered_in_the_edition_language(site_dir, lang):
    captions = []
    for path in (site_dir / lang).rglob("*.html"):
        for element, number in CAPTION_NUMBER.findall(path.read_text(encoding="utf-8")):
            captions.append((path.name, "figure" if element == "figcaption" else "table", number.strip()))
    assert any(kind == "figure" for _, kind, _ in captions), f"no numbered figure caption in {lang}"
    wrong = [caption for caption in captions if not re.fullmatch(CAPTION_FORMS[lang, caption[1]], caption[2])]
    assert not wrong, wrong
