"""Link every page to the same page in the other language editions.

The editions share one table of contents, so a page has the same path in each:
``/<lang>/<pagename>.html``. Adds the links to the template context (rendered by
``language-switcher.html`` in the sidebar) and ``<link rel="alternate" hreflang>``.
"""
from __future__ import annotations

import posixpath

from analysis.present.i18n import LANGUAGES, t


def add_links(app, pagename, templatename, context, doctree):
    current = app.config.language
    to_root = posixpath.relpath("/", posixpath.dirname(f"/{current}/{pagename}"))
    links = [{"lang": lang, "label": t("language.name", lang), "current": lang == current,
              "url": posixpath.join(to_root, lang, f"{pagename}.html")} for lang in LANGUAGES]
    context["language_links"] = links
    context["language_switcher_label"] = t("language.switcher", current)
    alternates = "".join(f'<link rel="alternate" hreflang="{link["lang"]}" href="{link["url"]}" />\n'
                         for link in links if not link["current"])
    context["metatags"] = context.get("metatags", "") + alternates


def setup(app):
    app.connect("html-page-context", add_links)
    app.add_css_file("language-switcher.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
