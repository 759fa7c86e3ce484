"""Link every page to the same page in the other language editions.

The editions share one table of contents, so a page has the same path in each:
``/<lang>/<pagename>.html``. Adds the links to the template context (rendered by
``language-switcher.html`` in the sidebar) and ``<link rel="alternate" hreflang>``.

Switching keeps the reader's place. Figures' and tables' anchors (``#fig-…``) are the
same in every edition, but a section's id comes from its title (``#coverage`` in English,
``#id3`` in Kazakh), so every section also gets an id from its position, the same in
each edition (``#section-2-1``: the first subsection of the second section; the
editions' sections run parallel). ``language-switcher.js`` adds, when the reader clicks a
language, the anchor of what they are reading; without scripts the link opens the page.
On narrow screens, where the sidebar is a menu, the stylesheet keeps the switcher in view.
"""
from __future__ import annotations

import posixpath

from docutils import nodes

from analysis.present.i18n import LANGUAGES, t

SECTION_ID = "section-{}"


def number_sections(app, doctree, docname) -> None:
    """Give every section an id from its position (``section-1``, ``section-1-2``, ...)."""
    if app.builder.format != "html":
        return

    def walk(parent, prefix: tuple[int, ...]) -> None:
        for number, section in enumerate((c for c in parent.children if isinstance(c, nodes.section)), start=1):
            position = prefix + (number,)
            anchor = SECTION_ID.format("-".join(map(str, position)))
            if anchor not in section["ids"]:
                section["ids"].append(anchor)
            walk(section, position)

    walk(doctree, ())


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
    app.connect("doctree-resolved", number_sections)
    app.add_css_file("language-switcher.css")
    app.add_js_file("language-switcher.js", loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
