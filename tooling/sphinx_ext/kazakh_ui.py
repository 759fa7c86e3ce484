"""Kazakh user-interface strings for builds with ``language = "kk"``.

Sphinx, pydata-sphinx-theme and sphinx-book-theme ship no Kazakh catalogues,
and ``app.add_message_catalog`` only looks in each package's own directory.
This extension compiles the project's ``locale/kk/LC_MESSAGES/<domain>.po``
files into the build directory and registers them for their gettext domains
("sphinx" for Sphinx and pydata-sphinx-theme, "booktheme" for
sphinx-book-theme). It does nothing for any other language.
"""

from __future__ import annotations

import json
from pathlib import Path

import sphinx_book_theme
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment
from sphinx import locale
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)

LANGUAGE = "kk"
# <repository>/tooling/sphinx_ext/kazakh_ui.py -> <repository>/locale/kk/LC_MESSAGES
PO_DIR = Path(__file__).resolve().parents[2] / "locale" / LANGUAGE / "LC_MESSAGES"
# jupyter-book's default search_bar_text (jupyter_book/config.py).
JUPYTER_BOOK_SEARCH_TEXT = "Search this book..."
# Attribute values that sphinx-book-theme templates hard-code in English
# instead of passing them to translate(); paths relative to its theme dir.
HARDCODED_LABELS = {
    "components/toggle-primary-sidebar.html": ("Toggle primary sidebar",),
    "components/toggle-secondary-sidebar.html": ("Toggle secondary sidebar",),
    "components/sbt-sidebar-nav.html": ("Main",),
    "layout.html": ("Page",),
}


def js_messages(catalog: Catalog) -> dict[str, str | list[str]]:
    """Messages looked up at run time, selected as Sphinx selects them for its
    own sphinx.js files: those used in HTML templates or JavaScript."""
    messages: dict[str, str | list[str]] = {}
    for message in catalog:
        if message.id and any(
            file.endswith((".html", ".js")) for file, _line in message.locations
        ):
            if message.pluralizable:
                messages[message.id[0]] = list(message.string)
            else:
                messages[message.id] = message.string
    return messages


def _write_translations_js(catalog: Catalog, path: Path) -> None:
    """Write the file the HTML builder copies to _static/translations.js."""
    data = {
        "locale": LANGUAGE,
        "messages": js_messages(catalog),
        "plural_expr": catalog.plural_expr,
    }
    text = json.dumps(data, indent=4, sort_keys=True)
    path.write_text(f"Documentation.addTranslations({text});", encoding="utf-8")


def install_catalogues(app: Sphinx, config: Config) -> None:
    if config.language != LANGUAGE:
        return
    # Compiled catalogues live with the doctrees, outside the source tree.
    locale_dir = Path(app.doctreedir) / "kazakh_ui_locale"
    mo_dir = locale_dir / LANGUAGE / "LC_MESSAGES"
    mo_dir.mkdir(parents=True, exist_ok=True)
    for po_path in sorted(PO_DIR.glob("*.po")):
        domain = po_path.stem
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=LANGUAGE, domain=domain)
        with (mo_dir / f"{domain}.mo").open("wb") as mo_file:
            write_mo(mo_file, catalog)
        translator, _found = locale.init([str(locale_dir)], LANGUAGE, domain)
        if domain == "sphinx":
            _write_translations_js(catalog, mo_dir / "sphinx.js")
            # Templates are translated through app.translator, which Sphinx
            # set before extensions were loaded; for kk it is an empty
            # placeholder that locale.init has just replaced.
            app.translator = translator
    # The HTML builder takes translations.js from
    # <locale_dirs entry>/kk/LC_MESSAGES/sphinx.js.
    config.locale_dirs = [*config.locale_dirs, str(locale_dir)]
    # An explicit English placeholder would stop the book theme from using
    # its translated one ("Search" + "...").
    if config.html_theme_options.get("search_bar_text") == JUPYTER_BOOK_SEARCH_TEXT:
        config.html_theme_options = {
            key: value
            for key, value in config.html_theme_options.items()
            if key != "search_bar_text"
        }


def translate_hardcoded_labels(app: Sphinx) -> None:
    """Make the book theme's templates pass HARDCODED_LABELS to translate()."""
    if app.config.language != LANGUAGE or app.builder.format != "html":
        return
    theme_dir = Path(sphinx_book_theme.get_html_theme_path())
    labels = {
        (theme_dir / name).resolve(): values
        for name, values in HARDCODED_LABELS.items()
    }
    loader = app.builder.templates
    get_source = loader.get_source

    def get_translated_source(environment: Environment, template: str):
        source, filename, uptodate = get_source(environment, template)
        for value in labels.get(Path(filename).resolve(), ()):
            quoted = f'"{value}"'
            if quoted not in source:
                logger.warning("kazakh_ui: %s no longer contains %s", filename, quoted)
            source = source.replace(quoted, f'"{{{{ translate({value!r}) }}}}"')
        return source, filename, uptodate

    # Jinja calls the loader's get_source for every template it compiles.
    loader.get_source = get_translated_source


def setup(app: Sphinx) -> dict[str, bool]:
    # config-inited comes after every extension's setup(), where the themes
    # register their catalogues, and before both the builder's template set-up
    # and Sphinx's own priority-800 handlers that translate the figure, table
    # and listing number formats.
    app.connect("config-inited", install_catalogues, priority=400)
    app.connect("builder-inited", translate_hardcoded_labels)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
