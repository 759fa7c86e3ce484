"""Publish each figure's and table's data as a real CSV file next to its page, and
describe each page's files as a whole: a Frictionless Data Package and a workbook.

The notebook chapters carry their data inside the executed notebook, as a download link
whose address is a ``data:text/csv`` URI: the notebook stays self-contained. On the
site that would make pages heavy and the data impossible to link to or cite by URL.
This extension writes every such payload to ``<page folder>/<page name>/<file name>``
and points the link at that file, so ``chapters/indicators.html`` offers
``chapters/indicators/integration-results-en.csv``.

Each link also carries the description of its file (``data-describe``: fields, types,
units, sources; see :mod:`analysis.present.downloads`). From the page's descriptions
the extension writes ``datapackage.json`` and ``<page>-<lang>.xlsx`` into the same
folder, and links both beside every CSV link of the page. A file's title is the title
of the section it is published in.
"""
from __future__ import annotations

import base64
import binascii
import datetime
import html
import json
import re
from pathlib import Path, PurePosixPath

import yaml
from docutils import nodes
from sphinx.errors import ExtensionError

CSV_LINK = re.compile(r'<a download="(?P<name>[^"]+)" href="data:text/csv;charset=utf-8;base64,(?P<payload>[A-Za-z0-9+/=]*)"'
                      r'(?: data-describe="(?P<describe>[A-Za-z0-9+/=]*)")?')
CSV_PARAGRAPH_END = re.compile(r'(<p class="csv-download"><a [^>]*>[^<]*</a>)(</p>)')
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.csv$")
PACKAGE = "datapackage.json"


def csv_folder(docname: str) -> PurePosixPath:
    """Where a page's data files go, relative to the edition's root."""
    return PurePosixPath(docname)


def _section_title(node: nodes.Node) -> str:
    while node is not None and not isinstance(node, nodes.section):
        node = node.parent
    if node is None or not node.children or not isinstance(node[0], nodes.title):
        return ""
    return node[0].astext()


def book_address(lang: str, docname: str) -> str:
    """The page's public address from ``silkroad.base_url`` in ``_config.yml``, or where
    the page lies inside the site when the book has no public address yet."""
    from analysis.paths import REPO
    from analysis.present.i18n import t
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8")) or {}
    base = str((config.get("silkroad") or {}).get("base_url") or "").strip()
    path = f"{lang}/{docname}.html"
    return f"{base.rstrip('/')}/{path}" if base else t("download.local_address", lang, path=path)


def _chapter(app, doctree: nodes.document, docname: str):
    from analysis.present.downloads import Chapter
    release = app.config.book_release or {}
    version, commit = release.get("version", "unknown"), release.get("commit", "unknown")
    date = datetime.date.fromisoformat(release["date"]) if release.get("date") else datetime.date(1970, 1, 1)
    lang = app.config.language
    return Chapter(lang=lang, title=_section_title(next(iter(doctree.findall(nodes.title)), None)) or docname,
                   slug=PurePosixPath(docname).name, version=version, release=f"{version}+{commit}", date=date,
                   address=book_address(lang, docname))


def _write(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.is_file() or target.read_bytes() != content:
        target.write_bytes(content)


def _publish(app, doctree: nodes.document, docname: str) -> None:
    from analysis.present import downloads
    from analysis.present.i18n import t
    folder = csv_folder(docname)
    written: dict[str, bytes] = {}
    resources: list[downloads.Resource] = []
    raws = [raw for raw in doctree.findall(nodes.raw)
            if "html" in raw.get("format", "").split() and "data:text/csv" in raw.astext()]
    if not raws:
        return
    chapter = _chapter(app, doctree, docname)

    def replace(match: re.Match, title: str) -> str:
        name = html.unescape(match["name"])
        if not SAFE_NAME.match(name):
            raise ExtensionError(f"{docname}: data file name {name!r} is not a plain .csv file name")
        if match["describe"] is None:
            raise ExtensionError(f"{docname}: {name} carries no description (plotting.csv_download describes it)")
        try:
            content = base64.b64decode(match["payload"], validate=True)
            meta = json.loads(base64.b64decode(match["describe"], validate=True))
        except (binascii.Error, ValueError) as error:
            raise ExtensionError(f"{docname}: the data of {name} is not valid base64 or JSON: {error}") from None
        if written.setdefault(name, content) != content:
            raise ExtensionError(f"{docname}: two different tables are both published as {name}")
        _write(Path(app.outdir, *folder.parts, name), content)
        resources.append(downloads.Resource(name, title or chapter.title, content.decode("utf-8"), meta))
        href = f"{folder.name}/{name}"
        return f'<a download="{html.escape(name)}" href="{html.escape(href)}" type="text/csv"'

    workbook_href = f"{folder.name}/{chapter.workbook_name}"
    package_href = f"{folder.name}/{PACKAGE}"
    beside = (f' <span class="chapter-downloads">· {html.escape(t("download.workbook", chapter.lang))}: '
              f'<a download="{chapter.workbook_name}" href="{workbook_href}"><code>{chapter.workbook_name}</code></a>'
              f' · {html.escape(t("download.package", chapter.lang))}: '
              f'<a href="{package_href}" type="application/json"><code>{PACKAGE}</code></a></span>')
    for raw in raws:
        title = _section_title(raw)
        text = CSV_LINK.sub(lambda match: replace(match, title), raw.astext())
        text = CSV_PARAGRAPH_END.sub(lambda match: match[1] + beside + match[2], text)
        raw.children = [nodes.Text(text)]
        raw.rawsource = text
    package = downloads.data_package(chapter, resources)
    _write(Path(app.outdir, *folder.parts, PACKAGE),
           (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    _write(Path(app.outdir, *folder.parts, chapter.workbook_name), downloads.workbook(chapter, resources))


def _archive_links(app, doctree: nodes.document, docname: str) -> None:
    """Links to the data archive by its plain name lead to this release's file."""
    from tooling import release_files
    version = (app.config.book_release or {}).get("version")
    if not version:
        return
    for raw in doctree.findall(nodes.raw):
        text = raw.astext()
        if release_files.ARCHIVE_LINK in text:
            text = text.replace(release_files.ARCHIVE_LINK, release_files.data_archive(version))
            raw.children = [nodes.Text(text)]
            raw.rawsource = text
    for reference in doctree.findall(nodes.reference):
        if reference.get("refuri", "").endswith(release_files.ARCHIVE_LINK):
            reference["refuri"] = reference["refuri"].replace(release_files.ARCHIVE_LINK, release_files.data_archive(version))


def _pdf_menu_entry(app, pagename, templatename, context, doctree) -> None:
    """The theme's ".pdf" download entry opens the browser's print dialog. Lead it to
    the edition's PDF when the build typeset one; otherwise say, in the edition's
    language, that it prints the page."""
    from analysis.present.i18n import t
    lang = app.config.language
    pdf = getattr(app.config, "pdf_edition", "")
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []) if group.get("type") == "group" else []:
            if button.get("label") != "download-pdf-button":
                continue
            if pdf:
                button.update(type="link", url=context["pathto"](pdf, 1), text=".pdf", tooltip=t("pdf.edition", lang))
                button.pop("javascript", None)
            else:
                button.update(text=t("download.print_page", lang), tooltip=t("download.print_page", lang))


def setup(app):
    app.connect("doctree-resolved", _publish)
    app.connect("doctree-resolved", _archive_links)
    # after the theme has listed its buttons (priority 501)
    app.connect("html-page-context", _pdf_menu_entry, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
