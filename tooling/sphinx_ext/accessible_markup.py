"""Markup that assistive technology reads correctly (axe finds no serious or critical
violation on any page).

* docutils writes the bibliography as ``<div role="list">`` whose entries carry
  ``role="doc-biblioentry"``, a role deprecated in DPUB-ARIA 1.1 and not allowed on a
  ``div``; a list with no list items fails ``aria-required-children``. The entries
  become list items, as DPUB-ARIA now recommends.
* The sidebar's book title sat outside every landmark (axe's ``region`` rule):
  ``book-title.html`` puts it in a region labelled from the catalogue.
* myst-nb puts the "show code" / "hide code" labels of hidden cells in ``<p>``
  inside ``<summary>``, which allows only phrasing content (invalid HTML): they
  become ``<span>``, styled as the ``<p>`` were (``accessibility.css``).
* In dark mode the theme shows notebook HTML outputs on a light background, where
  the theme's link colour is too faint (axe's ``color-contrast``): ``accessibility.css``.
"""
from __future__ import annotations

import re

from analysis.present.i18n import LANGUAGES, t

BIBLIOGRAPHY_ENTRY = re.compile(r'(<div class="citation" id="[^"]*") role="doc-biblioentry"')
HIDDEN_CELL_LABEL = re.compile(r'<p class="((?:collapsed|expanded) admonition-title)">(.*?)</p>', re.DOTALL)


def fix_page(app, pagename, templatename, context, doctree):
    if app.config.language in LANGUAGES:
        context["book_title_label"] = t("ui.book_title_region", app.config.language)
    if "body" in context:
        body = BIBLIOGRAPHY_ENTRY.sub(r'\1 role="listitem"', context["body"])
        context["body"] = HIDDEN_CELL_LABEL.sub(r'<span class="\1">\2</span>', body)


def setup(app):
    app.connect("html-page-context", fix_page)
    app.add_css_file("accessibility.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
