"""Kazakh user-interface strings for builds with ``language = "kk"``.

Sphinx, pydata-sphinx-theme and sphinx-book-theme ship no Kazakh catalogues.
The project keeps its own in ``<locale dir>/kk/LC_MESSAGES``, and that locale
dir must be listed in ``locale_dirs``:

* ``sphinx.po`` (domain "sphinx", shared by Sphinx and pydata-sphinx-theme) is
  loaded by Sphinx itself at start-up. It has to be: Sphinx translates many
  labels ("Parameters", "Added in version %s", ...) when its modules are
  imported, before any extension runs. This extension only derives the
  search page's JavaScript messages (``_static/translations.js``) from it.
* ``booktheme.po`` (domain "booktheme") is compiled here into the doctree
  directory and registered, because the theme's ``app.add_message_catalog``
  only looks in the theme's own directory.

It also routes a few labels the book theme's templates hard-code in English
through its catalogue. The
extension does nothing for any other language.
"""

from __future__ import annotations

import json
from collections.abc import Callable
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
from sphinx.util.i18n import CatalogRepository

logger = logging.getLogger(__name__)

LANGUAGE = "kk"
SPHINX_DOMAIN = "sphinx"
BOOKTHEME_DOMAIN = sphinx_book_theme.MESSAGE_CATALOG_NAME
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
    own sphinx.js files (those used in HTML templates or JavaScript), minus
    empty and fuzzy ones, which the JavaScript would show as they are."""
    messages: dict[str, str | list[str]] = {}
    for message in catalog:
        strings = list(message.string) if message.pluralizable else [message.string]
        if (
            message.id
            and all(strings)
            and not message.fuzzy
            and any(file.endswith((".html", ".js")) for file, _ in message.locations)
        ):
            if message.pluralizable:
                messages[message.id[0]] = strings
            else:
                messages[message.id] = message.string
    return messages


def _read_catalog(po_path: Path, domain: str) -> Catalog:
    with po_path.open("rb") as po_file:
        return read_po(po_file, locale=LANGUAGE, domain=domain)


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
    po_paths: dict[str, Path] = {}
    repository = CatalogRepository(
        app.srcdir, config.locale_dirs, LANGUAGE, config.source_encoding
    )
    for catalog in repository.catalogs:
        # Like Sphinx, let the first locale dir win.
        po_paths.setdefault(catalog.domain, Path(catalog.po_path))
    missing = [
        f"{domain}.po"
        for domain in (SPHINX_DOMAIN, BOOKTHEME_DOMAIN)
        if domain not in po_paths
    ]
    if missing:
        logger.warning(
            "%s not found in any locale_dirs entry's kk/LC_MESSAGES; "
            "those interface strings stay English",
            ", ".join(missing),
            type="kazakh_ui",
        )
    # Compiled files live with the doctrees, outside the source tree.
    locale_dir = Path(app.doctreedir) / "kazakh_ui_locale"
    out_dir = locale_dir / LANGUAGE / "LC_MESSAGES"
    out_dir.mkdir(parents=True, exist_ok=True)
    if SPHINX_DOMAIN in po_paths:
        catalog = _read_catalog(po_paths[SPHINX_DOMAIN], SPHINX_DOMAIN)
        _write_translations_js(catalog, out_dir / "sphinx.js")
        # The HTML builder takes translations.js from
        # <locale_dirs entry>/kk/LC_MESSAGES/sphinx.js.
        config.locale_dirs = [*config.locale_dirs, str(locale_dir)]
    if BOOKTHEME_DOMAIN in po_paths:
        catalog = _read_catalog(po_paths[BOOKTHEME_DOMAIN], BOOKTHEME_DOMAIN)
        with (out_dir / f"{BOOKTHEME_DOMAIN}.mo").open("wb") as mo_file:
            write_mo(mo_file, catalog)
        locale.init([str(locale_dir)], LANGUAGE, BOOKTHEME_DOMAIN)


def on_config_inited(app: Sphinx, config: Config) -> None:
    if config.language == LANGUAGE:
        install_catalogues(app, config)


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

    def get_translated_source(
        environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = get_source(environment, template)
        for value in labels.get(Path(filename).resolve(), ()):
            quoted = f'"{value}"'
            if quoted not in source:
                logger.warning(
                    "%s no longer contains %s", filename, quoted, type="kazakh_ui"
                )
            source = source.replace(quoted, f'"{{{{ translate({value!r}) }}}}"')
        return source, filename, uptodate

    # Jinja calls the loader's get_source for every template it compiles.
    loader.get_source = get_translated_source


def setup(app: Sphinx) -> dict[str, bool]:
    # config-inited comes after every extension's setup(), where the book
    # theme registers its catalogue, and before the builder reads the theme
    # options and looks for translations.js.
    app.connect("config-inited", on_config_inited)
    app.connect("builder-inited", translate_hardcoded_labels)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
