"""Figures and tables as citable units: numbered tables, and a "Cite this figure/table"
line under every figure and table.

Tables. A notebook shows a table with ``analysis.present.tables.render(..., name=…)``: the
output carries HTML (a ``<table>`` with its ``<caption>``, marked
``data-book-table="tbl-<name>"``) and LaTeX (a captioned ``longtable``). While a page
is read, each such output is wrapped in a :class:`book_table` node, which Sphinx numbers
as a table (``numfig``, with the chapter's number, as figures are) and ``{numref}``
refers to by its anchor. myst-nb reads any ``text/latex`` output as a formula; for a book
table it becomes raw LaTeX instead. When the page is written the caption gets its number
in the edition's form ("Table 3.1.", «3.1-кесте.», «Таблица 3.1.»), and in the PDF the
table's label is qualified with the page's name so that references resolve.

Cite lines. Under every numbered figure and table: its number, its address (absolute,
from ``html_baseurl``, when the build has one; otherwise the address inside the
edition, and the line says that the build has no public address), the data file the
page publishes for it and the sources of the data (``analysis/present/exhibits.yml``).

In the PDF, notebook outputs that exist only as HTML (the pages' CSV download links)
are left out: the cite line names the data file instead.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from analysis.errors import DataError
from analysis.present import exhibits
from analysis.present.i18n import t

TABLE_MARK = re.compile(r'data-book-table="(?P<anchor>tbl-[a-z0-9-]+)"')
CAPTION = re.compile(r"<caption>(?P<text>.*?)</caption>", re.DOTALL)
PRINTABLE = {"text/latex", "image/png", "image/jpeg", "application/pdf", "text/markdown"}


class book_table(nodes.General, nodes.Element):
    """A numbered table from a notebook output; ``caption`` holds its caption text."""


def table_title(node: book_table) -> str:
    return node["caption"]


def _mime_children(bundle: nodes.Element) -> dict[str, nodes.Element]:
    return {child.get("mime_type"): child for child in bundle.children if isinstance(child, nodes.Element)}


def _is_bundle(node) -> bool:
    return isinstance(node, nodes.container) and node.get("nb_element") == "mime_bundle"


class NumberTables(SphinxTransform):
    """Wrap every book table's output in a :class:`book_table` (before the domains collect
    the labels, priority 850)."""
    default_priority = 800

    def apply(self, **kwargs) -> None:
        for bundle in list(self.document.findall(_is_bundle)):
            parts = _mime_children(bundle)
            if "text/html" not in parts:
                continue
            markup = parts["text/html"].astext()
            mark = TABLE_MARK.search(markup)
            if not mark:
                continue
            caption = CAPTION.search(markup)
            if caption is None or "text/latex" not in parts:
                raise ExtensionError(f"{self.env.docname}: table {mark['anchor']} has no caption or no LaTeX form")
            latex = parts["text/latex"]
            latex.children = [nodes.raw("", latex.astext(), format="latex")]
            anchor = mark["anchor"]
            node = book_table(caption=html.unescape(re.sub(r"<[^>]+>", "", caption["text"])).strip())
            node["names"].append(anchor)
            bundle.replace_self(node)
            node += bundle
            self.document.note_explicit_target(node, node)
            if anchor not in node["ids"]:
                raise ExtensionError(f"{self.env.docname}: the anchor {anchor} is used twice on the page")


class PrintableOutputsOnly(SphinxPostTransform):
    """For the PDF, drop notebook outputs that have nothing LaTeX can show (their plain
    text would read ``<IPython.core.display.HTML object>``). Runs before myst-nb chooses
    each output's format (priority 4)."""
    default_priority = 3
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        for bundle in list(self.document.findall(_is_bundle)):
            kinds = set(_mime_children(bundle))
            if "text/html" in kinds and not kinds & PRINTABLE:
                bundle.parent.remove(bundle)


class PastedImagesInPdf(SphinxPostTransform):
    """An image glued into another page (``{glue:}`` of an output with a PNG) gets from
    myst-nb a path relative to that page, which the LaTeX builder, keeping every image in
    one folder, cannot find. The same image is a notebook output the build already
    knows: point the pasted image at it. Runs after myst-nb pastes (priority 5)."""
    default_priority = 6
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        known = {Path(path).name: path for path in self.env.images}
        for image in self.document.findall(nodes.image):
            uri = image["uri"]
            if uri.startswith("../") and uri not in self.env.images and Path(uri).name in known:
                image["uri"] = known[Path(uri).name]
                image["candidates"] = {"*": image["uri"]}


def _page_of(env, node: nodes.Element, docname: str) -> str:
    """The page a node comes from. In the PDF all pages are one tree: the page is the
    one whose source file the node (or the nearest node around it) was read from."""
    candidates = list(node.findall(nodes.Element))
    parent = node.parent
    while parent is not None:
        candidates.append(parent)
        parent = parent.parent
    for candidate in candidates:
        if isinstance(candidate, addnodes.start_of_file):
            return candidate["docname"]
        source = candidate.get("source") or getattr(candidate, "source", None)
        page = env.path2doc(source) if source else None
        if page:
            return page
    return docname


def _fill(template: str, **parts) -> list[nodes.Node]:
    """``template`` with each ``{name}`` replaced by the node (or nodes) given for it."""
    result: list[nodes.Node] = []
    for position, piece in enumerate(re.split(r"\{(\w+)\}", template)):
        if position % 2:
            value = parts[piece]
            result.extend(value if isinstance(value, list) else [value])
        elif piece:
            result.append(nodes.Text(piece))
    return result


def _link(text: str, uri: str, code: bool = True) -> nodes.reference:
    reference = nodes.reference("", "", refuri=uri, internal=False)
    reference += nodes.literal(text, text) if code else nodes.Text(text)
    return reference


def address(base_url: str, page: str, anchor: str) -> tuple[str, bool]:
    """The exhibit's address and whether it is public: absolute from the base URL when the
    build has one, else the page's path inside the edition (``chapters/factors.html#…``)."""
    path = f"{page}.html#{anchor}"
    return (_base(base_url) + path, True) if base_url else (path, False)


def _base(base_url: str) -> str:
    return base_url if base_url.endswith("/") else base_url + "/"


def cite_line(anchor: str, number: str, page: str, lang: str, base_url: str, builder: str,
              data_page: str | None = None) -> nodes.paragraph:
    """The exhibit's cite line; ``data_page`` is the page that publishes its data file when
    another page does (a figure pasted from a notebook links the notebook's file)."""
    data_page = data_page or page
    exhibit = exhibits.exhibit(anchor)
    label = t(f"exhibit.cite_label.{exhibit.kind}", lang, number=number)  # «рис. 3» after the colon
    where, public = address(base_url, page, anchor)
    if builder == "latex" and not public:
        where_node: list[nodes.Node] = [nodes.literal(where, where)]
    else:
        where_node = [_link(where, where if public or builder == "latex" else f"#{anchor}")]
    if not public:
        where_node += [nodes.Text(" "), nodes.Text(t("exhibit.no_public_address", lang))]
    data_file = exhibit.data_file(lang)
    if public:  # the page's data files are published in a folder named as the page
        data_node: nodes.Node = _link(data_file, _base(base_url) + f"{data_page}/{data_file}")
    elif builder == "latex":
        data_node = nodes.literal(data_file, data_file)
    else:
        data_node = _link(data_file, f"{data_page.rsplit('/', 1)[-1]}/{data_file}")
    agencies, files = exhibits.sources_text(anchor, lang)
    sources: list[nodes.Node] = []
    for text in agencies:
        sources += [nodes.Text("; ")] if sources else []
        sources.append(nodes.Text(text))
    for path in files:
        sources += [nodes.Text("; ")] if sources else []
        sources += _fill(t("exhibit.source_file", lang), file=nodes.literal(path, path))
    paragraph = nodes.paragraph(classes=["exhibit-cite"])
    paragraph += _fill(t(f"exhibit.cite_{exhibit.kind}", lang), label=nodes.Text(label),
                       address=where_node, data=data_node, sources=sources)
    return paragraph


def _resolved(app, doctree: nodes.document, docname: str) -> None:
    env, lang = app.env, app.config.language
    builder = app.builder.format
    base_url = app.config.html_baseurl or ""
    exhibits_found = [n for n in doctree.findall(lambda n: isinstance(n, (book_table, nodes.figure, nodes.table)))
                      if n["ids"]]
    for node in exhibits_found:
        page = _page_of(env, node, docname)
        kind = "table" if isinstance(node, (book_table, nodes.table)) else "figure"
        anchor = next((i for i in node["ids"] if i.startswith(("fig-", "tbl-"))), node["ids"][0])
        numbers = env.toc_fignumbers.get(page, {}).get(kind, {}).get(anchor)
        if numbers is None:
            if isinstance(node, book_table):
                raise ExtensionError(f"{page}: table {anchor} was given no number")
            continue  # an unnumbered figure (no caption): not a citable unit
        number = ".".join(map(str, numbers))
        try:
            line = cite_line(anchor, number, page, lang, base_url, builder, node.get("data_page"))
        except DataError as error:
            raise ExtensionError(f"{page}: {error}") from None
        if isinstance(node, book_table):
            prefix = app.config.numfig_format["table"] % number
            for raw in node.findall(nodes.raw):
                text = raw.astext()
                if "html" in raw["format"].split():
                    text = text.replace("<caption>", f'<caption><span class="caption-number">{html.escape(prefix)} </span>', 1)
                elif "latex" in raw["format"].split():
                    text = text.replace(rf"\label{{{anchor}}}", rf"\label{{\detokenize{{{page}:{anchor}}}}}", 1)
                raw.children = [nodes.Text(text)]
        if builder == "html" and isinstance(node, (book_table, nodes.figure)) and not node.get("data_page"):
            data_file = exhibits.exhibit(anchor).data_file(lang)
            if not any(f'download="{data_file}"' in raw.astext() for raw in doctree.findall(nodes.raw)):
                raise ExtensionError(f"{page}: {anchor}'s data file {data_file} (analysis/present/exhibits.yml) "
                                     "is not among the files the page publishes")
        if isinstance(node, nodes.figure):  # in the figure: a PDF figure floats, and its line with it
            legend = nodes.legend()
            legend += line
            node += legend
        else:
            node.parent.insert(node.parent.index(node) + 1, line)


class PastedFigure(SphinxDirective):
    """``{pasted-figure} <key>`` with ``:doc:`` (the notebook that glued it) and ``:name:``,
    and the caption as content: a figure glued in another page, pasted here as a numbered
    figure like the notebooks' own (``{glue:figure}`` cannot paste from another page).
    The glued output carries its alternative text (:class:`EmbeddedFigure`); the cite line
    links the data file the notebook's page publishes."""
    required_arguments = 1
    has_content = True
    option_spec = {"doc": directives.unchanged_required, "name": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        from myst_nb.ext.glue.utils import PendingGlueReferenceError, create_pending_glue_ref

        for option in ("doc", "name"):
            if option not in self.options:
                raise self.error(f"pasted-figure {self.arguments[0]}: the :{option}: option is required")
        try:
            pasted = create_pending_glue_ref(self.state.document, self.env.docname, self.lineno,
                                             self.options["doc"], self.arguments[0])
        except PendingGlueReferenceError as error:
            raise self.error(str(error)) from None
        # the data file stays with the notebook that publishes it; the cite line links it there
        figure = nodes.figure("", pasted, data_page=pasted["refdoc"])
        self.set_source_info(figure)
        self.add_name(figure)
        holder = nodes.Element()
        self.state.nested_parse(self.content, self.content_offset, holder)
        if not holder.children or not isinstance(holder[0], nodes.paragraph):
            raise self.error(f"pasted-figure {self.arguments[0]}: the caption (a paragraph) is missing")
        caption = nodes.caption(holder[0].rawsource, "", *holder[0].children)
        caption.source, caption.line = holder[0].source, holder[0].line
        figure += caption
        return [figure]


def visit_book_table_html(self, node: book_table) -> None:
    self.body.append(self.starttag(node, "div", CLASS="book-exhibit"))


def depart_book_table_html(self, node: book_table) -> None:
    self.body.append("</div>\n")


def _nothing(self, node) -> None:
    pass


def setup(app):
    app.add_enumerable_node(book_table, "table", table_title,
                            html=(visit_book_table_html, depart_book_table_html),
                            latex=(_nothing, _nothing), text=(_nothing, _nothing))
    app.add_directive("pasted-figure", PastedFigure)
    app.add_transform(NumberTables)
    app.add_post_transform(PrintableOutputsOnly)
    app.add_post_transform(PastedImagesInPdf)
    app.connect("doctree-resolved", _resolved)
    app.add_css_file("exhibits.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
