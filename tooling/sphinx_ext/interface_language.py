"""The user interface in the edition's language.

Sphinx, pydata-sphinx-theme and sphinx-book-theme ship no Kazakh catalogues, and
their Russian ones leave strings empty or get them wrong ("Download this page" as
"upload"). The project keeps its own gettext catalogues in
``<locale dir>/<language>/LC_MESSAGES`` (the locale dir listed in ``locale_dirs``):

* ``sphinx.po`` (domain "sphinx", shared by Sphinx and pydata-sphinx-theme) is
  loaded by Sphinx itself at start-up, ahead of Sphinx's and the theme's own
  catalogues. It has to be: Sphinx translates many labels when its modules are
  imported, before any extension runs. For Kazakh it is complete; for Russian it
  holds only what the shipped catalogues lack or get wrong. This extension derives
  the search page's JavaScript messages (``_static/translations.js``) from it,
  merged over Sphinx's own catalogue for the language, if any.
* ``booktheme.po`` (domain "booktheme") is compiled here into the doctree
  directory and put in front of the theme's own catalogue (which the theme's
  ``app.add_message_catalog`` registered), so that its strings win.

Some labels are not translatable upstream at all. The extension routes the ones
the book theme's templates hard-code through its catalogue, translates the
"Toggle hidden content" label myst-nb writes into pages, and gives
sphinx-copybutton and sphinx-togglebutton their labels in the edition's language
from the book's catalogue (``analysis/present/catalogue.yml``), in a small inline
script (nothing is loaded from outside the site).
"""

from __future__ import annotations

import gettext
import json
from collections.abc import Callable
from pathlib import Path

import sphinx_book_theme
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment
from sphinx import locale, package_dir
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinx.util.i18n import CatalogRepository

from analysis.present.i18n import LANGUAGES, t

logger = logging.getLogger(__name__)

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
# The label myst-nb's HTML translator writes on the <summary> of hidden cells.
MYST_NB_HIDDEN_CELL_LABEL = 'aria-label="Toggle hidden content"'
# sphinx-copybutton's message keys and the book's catalogue entries for them.
COPYBUTTON_MESSAGES = {
    "copy": "ui.copy",
    "copy_to_clipboard": "ui.copy_to_clipboard",
    "copy_success": "ui.copy_success",
    "copy_failure": "ui.copy_failure",
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


def read_catalog(po_path: Path, language: str, domain: str) -> Catalog:
    with po_path.open("rb") as po_file:
        return read_po(po_file, locale=language, domain=domain)


def merged_catalog(project: Catalog, shipped: Catalog | None) -> Catalog:
    """The shipped catalogue with the project's messages put over it."""
    if shipped is None:
        return project
    for message in project:
        if message.id:
            replaced = shipped.get(message.id)
            # keep the shipped source locations: js_messages selects by them
            locations = [*message.locations, *(replaced.locations if replaced else [])]
            if replaced is not None:
                del shipped[message.id]  # adding over an entry would keep its (empty) string
            shipped.add(message.id, message.string, locations=locations, flags=message.flags)
    return shipped


def shipped_sphinx_catalog(language: str) -> Catalog | None:
    po_path = Path(package_dir) / "locale" / language / "LC_MESSAGES" / f"{SPHINX_DOMAIN}.po"
    return read_catalog(po_path, language, SPHINX_DOMAIN) if po_path.is_file() else None


def translations_js(catalog: Catalog, language: str) -> str:
    """The file the HTML builder copies to _static/translations.js."""
    data = {
        "locale": language,
        "messages": js_messages(catalog),
        "plural_expr": catalog.plural_expr,
    }
    text = json.dumps(data, indent=4, sort_keys=True)
    return f"Documentation.addTranslations({text});"


def put_first(domain: str, mo_path: Path) -> None:
    """Make the catalogue at mo_path answer first for domain, the one registered
    before it (a theme's own) answering what it lacks."""
    with mo_path.open("rb") as mo_file:
        translator = gettext.GNUTranslations(mo_file)
    registered = locale.translators.get(("general", domain))
    if registered is not None and registered.__class__ is not gettext.NullTranslations:
        translator.add_fallback(registered)
    locale.translators["general", domain] = translator


def install_catalogues(app: Sphinx, config: Config) -> None:
    language = config.language
    po_paths: dict[str, Path] = {}
    repository = CatalogRepository(app.srcdir, config.locale_dirs, language, config.source_encoding)
    for catalog in repository.catalogs:
        # Like Sphinx, let the first locale dir win.
        po_paths.setdefault(catalog.domain, Path(catalog.po_path))
    if not po_paths:
        return  # an edition the upstream catalogues serve as they are (English)
    missing = [f"{domain}.po" for domain in (SPHINX_DOMAIN, BOOKTHEME_DOMAIN) if domain not in po_paths]
    if missing:
        logger.warning(
            "%s not found in any locale_dirs entry's %s/LC_MESSAGES; those interface strings stay as shipped",
            ", ".join(missing), language, type="interface_language",
        )
    # Compiled files live with the doctrees, outside the source tree.
    locale_dir = Path(app.doctreedir) / "interface_language_locale"
    out_dir = locale_dir / language / "LC_MESSAGES"
    out_dir.mkdir(parents=True, exist_ok=True)
    if SPHINX_DOMAIN in po_paths:
        project = read_catalog(po_paths[SPHINX_DOMAIN], language, SPHINX_DOMAIN)
        catalog = merged_catalog(project, shipped_sphinx_catalog(language))
        (out_dir / "sphinx.js").write_text(translations_js(catalog, language), encoding="utf-8")
        # The HTML builder takes translations.js from the first
        # <locale_dirs entry>/<language>/LC_MESSAGES/sphinx.js it finds.
        config.locale_dirs = [*config.locale_dirs, str(locale_dir)]
    if BOOKTHEME_DOMAIN in po_paths:
        catalog = read_catalog(po_paths[BOOKTHEME_DOMAIN], language, BOOKTHEME_DOMAIN)
        mo_path = out_dir / f"{BOOKTHEME_DOMAIN}.mo"
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        put_first(BOOKTHEME_DOMAIN, mo_path)


def translate_hardcoded_labels(app: Sphinx) -> None:
    """Make the book theme's templates pass HARDCODED_LABELS to translate()."""
    if app.builder.format != "html":
        return
    theme_dir = Path(sphinx_book_theme.get_html_theme_path())
    labels = {(theme_dir / name).resolve(): values for name, values in HARDCODED_LABELS.items()}
    loader = app.builder.templates
    get_source = loader.get_source

    def get_translated_source(environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = get_source(environment, template)
        for value in labels.get(Path(filename).resolve(), ()):
            quoted = f'"{value}"'
            if quoted not in source:
                logger.warning("%s no longer contains %s", filename, quoted, type="interface_language")
            source = source.replace(quoted, f'"{{{{ translate({value!r}) }}}}"')
        return source, filename, uptodate

    # Jinja calls the loader's get_source for every template it compiles.
    loader.get_source = get_translated_source


def button_labels_script(language: str) -> str:
    """sphinx-copybutton keeps its messages in a global ``messages`` table (with no
    Kazakh) and picks ``locale`` when it loads; sphinx-togglebutton writes an English
    aria-label on the buttons it adds when the page has loaded. This script runs
    after both: it supplies the edition's messages and relabels the buttons."""
    copy = {key: t(entry, language) for key, entry in COPYBUTTON_MESSAGES.items()}
    toggle = t("ui.toggle_hidden", language)
    return (
        "if (typeof messages === 'object' && typeof locale === 'string') {\n"
        "  const loaded = messages[locale];\n"
        f"  messages[{json.dumps(language)}] = {json.dumps(copy, ensure_ascii=False)};\n"
        f"  locale = {json.dumps(language)};\n"
        # the icons' <title>s were written when copybutton.js loaded, in its language then
        "  for (const key of ['copy_to_clipboard', 'copy_success']) {\n"
        "    if (typeof iconCopy === 'string') iconCopy = iconCopy.split(loaded[key]).join(messages[locale][key]);\n"
        "    if (typeof iconCheck === 'string') iconCheck = iconCheck.split(loaded[key]).join(messages[locale][key]);\n"
        "  }\n"
        "}\n"
        "document.addEventListener('DOMContentLoaded', () => {\n"
        "  for (const button of document.querySelectorAll('button.toggle-button')) {\n"
        f"    button.setAttribute('aria-label', {json.dumps(toggle, ensure_ascii=False)});\n"
        "  }\n"
        "});"
    )


def add_button_labels(app: Sphinx, config: Config) -> None:
    if config.language not in LANGUAGES:
        return
    # After copybutton.js and togglebutton.js (default priority 500). Registered
    # before the builder exists, which then adds it once (HTML builders only).
    app.add_js_file(None, body=button_labels_script(config.language), priority=900)


def translate_hidden_cell_label(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.config.language not in LANGUAGES or "body" not in context:
        return
    label = t("ui.toggle_hidden", app.config.language).replace('"', "&quot;")
    context["body"] = context["body"].replace(MYST_NB_HIDDEN_CELL_LABEL, f'aria-label="{label}"')


def setup(app: Sphinx) -> dict[str, bool]:
    # config-inited comes after every extension's setup(), where the book
    # theme registers its catalogue, and before the builder reads the theme
    # options and looks for translations.js.
    app.connect("config-inited", install_catalogues)
    app.connect("builder-inited", translate_hardcoded_labels)
    app.connect("config-inited", add_button_labels)
    app.connect("html-page-context", translate_hidden_cell_label)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
