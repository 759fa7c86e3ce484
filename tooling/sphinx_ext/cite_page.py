"""Citing the book: a "Cite this page" block on every page, the version, the date and the
source repository in the footer, and the ``book-citation`` directive for the "How to cite" page.

The release (version, commit, commit date) reaches Sphinx as the ``book_release``
setting and the public addresses (``tooling.citation.Site``) as ``book_site``, both
written by ``tooling/build.py``, which also sets Sphinx's ``html_baseurl`` to the
edition's address (empty for a build without one). The texts come from
``tooling.citation`` and ``tooling.citation_styles``. A build without a public address
says so wherever an address would stand, rather than print a path of the local copy.
"""
from __future__ import annotations

import datetime
import html

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from tooling import citation, citation_styles

FORMATS = ("references", "bibtex", "biblatex", "ris", "csl-json")


def _release(config) -> citation.Release:
    release = config.book_release
    return citation.Release(release["version"], release["commit"], datetime.date.fromisoformat(release["date"]))


def _site(config) -> citation.Site:
    return citation.Site(**(config.book_site or {}))


def _code(text: str, language: str) -> nodes.literal_block:
    block = nodes.literal_block(text, text, language=language, classes=["citation-record"])
    return block


def _marked(text: str, marks: dict[str, callable]) -> list[nodes.Node]:
    """``text`` as nodes, each occurrence of a key of ``marks`` made by its function."""
    result: list[nodes.Node] = []
    while text:
        found = [(text.find(key), key) for key in marks if key and key in text]
        if not found:
            result.append(nodes.Text(text))
            break
        position, key = min(found)
        if position:
            result.append(nodes.Text(text[:position]))
        result.append(marks[key](key))
        text = text[position + len(key):]
    return result


def reference_paragraph(runs: list[tuple[str, bool]], release: citation.Release, where: citation.Site,
                        lang: str, classes: list[str]) -> nodes.paragraph:
    """A formatted reference: titles in italics, the release label as code, the address as
    a link (set as code, like the release: the same characters in every language), and the
    access date marked (``access-date``) for the page's script to set to the reader's day.
    The paragraph is a ``citation``: a bibliographic reference, whose titles and prescribed
    words (ГОСТ's "URL") are not the edition's prose."""
    marks = {release.label: lambda s: nodes.literal(s, s),
             release.date.strftime("%d.%m.%Y"): lambda s: nodes.inline(s, s, classes=["access-date"])}
    for address in (where.edition_url(lang), where.doi_url):
        if address:
            marks[address] = lambda s: nodes.reference(s, "", nodes.literal(s, s), refuri=s)
    paragraph = nodes.paragraph("", "", classes=classes)
    for text, italic in runs:
        parts = _marked(text, marks)
        if italic:
            emphasis = nodes.emphasis()
            emphasis += parts
            paragraph += emphasis
        else:
            paragraph += parts
    return paragraph


def no_address(lang: str) -> nodes.paragraph:
    from analysis.present.i18n import t
    text = t("cite.no_address", lang)
    return nodes.paragraph(text, text, classes=["no-public-address"])


class BookCitation(SphinxDirective):
    """``{book-citation} book|paper``: formatted references by the edition's norms
    (ГОСТ for kk and ru, APA and Chicago for en), BibTeX, biblatex, RIS and CSL-JSON."""
    required_arguments = 1
    option_spec = {"formats": directives.unchanged}

    def run(self):
        what = self.arguments[0]
        lang = self.config.language
        if what not in ("book", "paper"):
            raise self.error(f"book-citation: expected 'book' or 'paper', not {what!r}")
        default = FORMATS if what == "book" else ("references", "bibtex", "ris")
        formats = self.options.get("formats", " ".join(default)).split()
        unknown = set(formats) - set(FORMATS)
        if unknown:
            raise self.error(f"book-citation: unknown formats {sorted(unknown)}")
        release, where = _release(self.config), _site(self.config)
        # the text depends on the release and the addresses, which change without the page
        # changing: read the page again on every build
        self.env.note_reread()
        item = citation.book_csl(lang, release, where) if what == "book" else citation.paper_csl(lang)
        records = {
            "book": {"bibtex": lambda: citation.book_bibtex(lang, release, where),
                     "biblatex": lambda: citation.book_biblatex(lang, release, where),
                     "ris": lambda: citation.book_ris(lang, release, where),
                     "csl-json": lambda: citation.book_csl_json(lang, release, where)},
            "paper": {"bibtex": citation.paper_bibtex, "ris": citation.paper_ris},
        }[what]
        result = []
        for kind in formats:
            if kind == "references":
                if what == "book" and not where.base_url:
                    result.append(no_address(lang))
                for norm in citation_styles.NORMS[lang]:
                    name = citation_styles.NORM_NAMES[norm]
                    result.append(nodes.rubric(name, name, classes=["reference-norm"]))
                    result.append(reference_paragraph(citation_styles.runs(item, norm, lang), release, where, lang,
                                                      ["formatted-reference", "citation", f"norm-{norm}"]))
            elif kind not in records:
                raise self.error(f"book-citation: no {kind} record for the {what}")
            else:
                language = {"bibtex": "bibtex", "biblatex": "bibtex", "csl-json": "json"}.get(kind, "text")
                result.append(_code(records[kind](), language))
        return result


class BookRepository(SphinxDirective):
    """``{book-repository}``: the source repository's address as a link, or a sentence
    saying that this build names none."""

    def run(self):
        from analysis.present.i18n import t
        lang, where = self.config.language, _site(self.config)
        self.env.note_reread()  # the address is configuration, not the page's text
        paragraph = nodes.paragraph(classes=["book-repository"])
        if where.repository:
            before, _, after = t("repository.footer", lang).partition("{link}")
            address = nodes.literal(where.repository, where.repository)
            paragraph += [nodes.Text(before), nodes.reference(where.repository, "", address, refuri=where.repository),
                          nodes.Text(after)]
        else:
            paragraph += nodes.Text(t("repository.none", lang))
        return [paragraph]


class PdfEdition(SphinxDirective):
    """``{pdf-edition}``: a link to this edition's PDF when the build typeset one
    (``make pdf``), else a sentence saying how to make it."""

    def run(self):
        from analysis.present.i18n import t
        lang = self.config.language
        name = self.config.pdf_edition
        self.env.note_reread()  # whether the build typesets a PDF is configuration, not the page's text
        paragraph = nodes.paragraph()
        if name:
            label = t("pdf.edition", lang)
            target = "../" * self.env.docname.count("/") + name
            # the sentence that offers the PDF stands only where there is one to offer
            paragraph += nodes.Text(t("pdf.available", lang) + " ")
            paragraph += nodes.reference(label, label, refuri=target, classes=["pdf-edition"])
        else:
            before, _, after = t("pdf.not_built", lang).partition("{command}")
            paragraph += [nodes.Text(before), nodes.literal("make pdf", "make pdf"), nodes.Text(after)]
        return [paragraph]


def _with_release_as_code(text: str, release: citation.Release, classes: list[str]) -> nodes.paragraph:
    """A paragraph of ``text`` with the release label (version and commit id) set as code."""
    paragraph = nodes.paragraph(text, "", classes=classes)
    paragraph += _marked(text, {release.label: lambda s: nodes.literal(s, s)})
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
    address = _site(app.config).page_url(lang, app.builder.get_target_uri(docname))
    if address:
        # the address is code, like the commit id: the same characters in every language
        paragraph = nodes.paragraph("", "", classes=["cite-address"])
        label = t("cite.address", lang)
        paragraph += [nodes.Text(f"{label} "), nodes.reference(address, "", nodes.literal(address, address),
                                                               refuri=address, classes=["cite-url"])]
        block += paragraph
    else:
        block += no_address(lang)
    sections = list(doctree.findall(nodes.section))
    (sections[0] if sections else doctree).append(block)


def footer_html(lang: str, release: citation.Release, where: citation.Site) -> str:
    """The footer: the release, and the source repository (or that this build names none)."""
    from analysis.present.i18n import t
    line = t("cite.footer", lang, version=f"<code>{release.label}</code>", date=citation.long_date(release.date, lang))
    if where.repository:
        address = html.escape(where.repository, quote=True)
        source = t("repository.footer", lang, link=f'<a class="book-repository-link" href="{address}"><code>{address}</code></a>')
    else:
        source = html.escape(t("repository.none", lang))
    return f'<p class="book-release">{line}</p>\n<p class="book-repository">{source}</p>'


def _footer(app, config) -> None:
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = footer_html(config.language, _release(config), _site(config))
    config.html_theme_options = options


def setup(app):
    app.add_config_value("book_release", None, "html", types=[dict])
    app.add_config_value("book_site", {}, "html", types=[dict])
    app.add_config_value("pdf_edition", "", "html", types=[str])
    app.add_directive("pdf-edition", PdfEdition)
    app.add_directive("book-citation", BookCitation)
    app.add_directive("book-repository", BookRepository)
    app.connect("config-inited", _footer)
    app.connect("doctree-resolved", _append_cite_block)
    app.add_js_file("cite-page.js", loading_method="defer")
    app.add_css_file("cite-page.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
