"""Citing the book: a "Cite this page" block on every page, the version and date in the
footer, and the ``book-citation`` directive for the "How to cite" page.

The release (version, commit, commit date) reaches Sphinx as the ``book_release``
setting, written by ``tooling/build.py``; the texts come from ``tooling.citation``.
The page's address is filled in by a small script from the address the reader has
open, so the pages stay the same wherever the site is published; without scripts the
block shows the page's path inside the site.
"""
from __future__ import annotations

import datetime

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from tooling import citation

FORMATS = ("reference", "bibtex", "ris")


def _release(config) -> citation.Release:
    release = config.book_release
    return citation.Release(release["version"], release["commit"], datetime.date.fromisoformat(release["date"]))


def _code(text: str, language: str) -> nodes.literal_block:
    block = nodes.literal_block(text, text, language=language, classes=["citation-record"])
    return block


class BookCitation(SphinxDirective):
    """``{book-citation} book|paper``: a formatted reference, BibTeX and RIS."""
    required_arguments = 1
    option_spec = {"formats": directives.unchanged}

    def run(self):
        what = self.arguments[0]
        lang = self.config.language
        if what not in ("book", "paper"):
            raise self.error(f"book-citation: expected 'book' or 'paper', not {what!r}")
        formats = self.options.get("formats", " ".join(FORMATS)).split()
        unknown = set(formats) - set(FORMATS)
        if unknown:
            raise self.error(f"book-citation: unknown formats {sorted(unknown)}")
        release = _release(self.config)
        texts = {
            "book": {"reference": lambda: citation.book_reference(lang, release),
                     "bibtex": lambda: citation.book_bibtex(lang, release),
                     "ris": lambda: citation.book_ris(lang, release)},
            "paper": {"reference": lambda: citation.paper_reference(lang),
                      "bibtex": citation.paper_bibtex, "ris": citation.paper_ris},
        }[what]
        result = []
        for kind in formats:
            text = texts[kind]()
            if kind == "reference":
                result.append(_with_release_as_code(text, release, ["formatted-reference"]))
            else:
                result.append(_code(text, "bibtex" if kind == "bibtex" else "text"))
        return result


class PdfEdition(SphinxDirective):
    """``{pdf-edition}``: a link to this edition's PDF when the build typeset one
    (``make pdf``), else a sentence saying how to make it."""

    def run(self):
        from analysis.present.i18n import t
        lang = self.config.language
        name = self.config.pdf_edition
        paragraph = nodes.paragraph()
        if name:
            label = t("pdf.edition", lang)
            target = "../" * self.env.docname.count("/") + name
            paragraph += nodes.reference(label, label, refuri=target, classes=["pdf-edition"])
        else:
            before, _, after = t("pdf.not_built", lang).partition("{command}")
            paragraph += [nodes.Text(before), nodes.literal("make pdf", "make pdf"), nodes.Text(after)]
        return [paragraph]


def _with_release_as_code(text: str, release: citation.Release, classes: list[str]) -> nodes.paragraph:
    """A paragraph of ``text`` with the release label (version and commit id) set as code."""
    before, _, after = text.partition(release.label)
    paragraph = nodes.paragraph(text, "", classes=classes)
    paragraph += nodes.Text(before)
    if _:
        paragraph += nodes.literal(release.label, release.label)
        paragraph += nodes.Text(after)
    return paragraph


def _page_title(doctree: nodes.document) -> str:
    section = next(doctree.findall(nodes.section), None)
    return section[0].astext() if section is not None and isinstance(section[0], nodes.title) else ""


def _append_cite_block(app, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        return
    lang = app.config.language
    release = _release(app.config)
    title = _page_title(doctree)
    if not title:
        return
    from analysis.present.i18n import t
    block = nodes.container(classes=["cite-this-page"])
    heading = t("cite.this_page", lang)
    block += nodes.rubric(heading, heading)
    block += _with_release_as_code(citation.page_reference(lang, release, title), release, ["formatted-reference"])
    path = app.builder.get_target_uri(docname)
    # the address is code, like the commit id: the same characters in every language
    address = (f'<p class="cite-address">{t("cite.address", lang)} '
               f'<code class="cite-url" data-path="{path}">{path}</code></p>')
    block += nodes.raw("", address, format="html")
    sections = list(doctree.findall(nodes.section))
    (sections[0] if sections else doctree).append(block)


def _footer(app, config) -> None:
    from analysis.present.i18n import t
    release = _release(config)
    line = t("cite.footer", config.language, version=f"<code>{release.label}</code>",
             date=citation.long_date(release.date, config.language))
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = f'<p class="book-release">{line}</p>'
    config.html_theme_options = options


def setup(app):
    app.add_config_value("book_release", None, "html", types=[dict])
    app.add_config_value("pdf_edition", "", "html", types=[str])
    app.add_directive("pdf-edition", PdfEdition)
    app.add_directive("book-citation", BookCitation)
    app.connect("config-inited", _footer)
    app.connect("doctree-resolved", _append_cite_block)
    app.add_js_file("cite-page.js", loading_method="defer")
    app.add_css_file("cite-page.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
