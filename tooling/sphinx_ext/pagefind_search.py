"""One search for each edition: Pagefind's, on the edition's ``search.html``.

The index is written after the three editions are built (``tooling/search_index.py``, run
by ``tooling/build.py``) into the site's ``pagefind/`` folder, beside the editions. Here:

* Sphinx's own search is switched off: no ``searchindex.js``, no stemmers, and the theme's
  layout (``_templates/layout.html``) no longer loads Sphinx's search scripts on every page.
* ``search.html`` is still written, from ``_templates/pagefind-search.html``: the theme's
  search button and its Ctrl+K field send their query there (``?q=``), so the one search
  box of every page leads to Pagefind.
* The page gets its words in the edition's language from the book's catalogue
  (``analysis/present/catalogue.yml``; Pagefind has no Kazakh), and the look-alike
  characters the index puts in numbers, for ``_static/search.js``.
"""
from __future__ import annotations

import html
import json

from analysis.present.i18n import LANGUAGES, t
from tooling.search_index import NUMBER_MARKS, OUTPUT

SEARCH_PAGE = "search"
TEMPLATE = "pagefind-search.html"
# Pagefind UI's messages and the catalogue's keys for them.
UI_MESSAGES = ("placeholder", "clear_search", "load_more", "search_label", "filters_label", "zero_results",
               "many_results", "one_result", "searching")
# Files of Sphinx's search that the theme copies into _static all the same.
SPHINX_SEARCH_FILES = ("searchtools.js", "language_data.js")


def translations(lang: str) -> dict[str, str]:
    return {message: t(f"search.ui.{message}", lang) for message in UI_MESSAGES}


def settings_json(lang: str) -> str:
    settings = {"translations": translations(lang), "numberMarks": NUMBER_MARKS}
    # inside <script>: "</" would end it
    return json.dumps(settings, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")


def switch_off_sphinx_search(app) -> None:
    if app.builder.format != "html" or not hasattr(app.builder, "search"):
        return
    app.builder.search = False
    app.config.html_additional_pages = {**app.config.html_additional_pages, SEARCH_PAGE: TEMPLATE}


def search_page_context(app, pagename, templatename, context, doctree) -> None:
    if pagename != SEARCH_PAGE or app.config.language not in LANGUAGES:
        return
    lang = app.config.language
    context["search_page"] = {
        "title": t("search.title", lang),
        "noscript": t("search.noscript", lang),
        "settings": settings_json(lang),
        "bundle": f"../{OUTPUT}/",  # the site's one copy, beside the editions
    }
    context["title"] = html.escape(t("search.title", lang))


def drop_sphinx_search_files(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    static = app.builder.outdir / "_static"
    for name in SPHINX_SEARCH_FILES:
        (static / name).unlink(missing_ok=True)
    for stemmer in static.glob("*-stemmer.js"):
        stemmer.unlink()


def setup(app):
    app.connect("builder-inited", switch_off_sphinx_search)
    app.connect("html-page-context", search_page_context)
    app.connect("build-finished", drop_sphinx_search_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
