"""Publish each figure's and table's data as a real CSV file next to its page.

The notebook chapters carry their data inside the executed notebook, as a download link
whose address is a ``data:text/csv`` URI: the notebook stays self-contained. On the
site that would make pages heavy and the data impossible to link to or cite by URL.
This extension writes every such payload to ``<page folder>/<page name>/<file name>``
and points the link at that file, so ``chapters/indicators.html`` offers
``chapters/indicators/integration-results-en.csv``.
"""
from __future__ import annotations

import base64
import binascii
import html
import re
from pathlib import Path, PurePosixPath

from docutils import nodes
from sphinx.errors import ExtensionError

CSV_LINK = re.compile(r'<a download="(?P<name>[^"]+)" href="data:text/csv;charset=utf-8;base64,(?P<payload>[A-Za-z0-9+/=]*)"')
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.csv$")


def csv_folder(docname: str) -> PurePosixPath:
    """Where a page's data files go, relative to the edition's root."""
    return PurePosixPath(docname)


def _publish(app, doctree: nodes.document, docname: str) -> None:
    folder = csv_folder(docname)
    written: dict[str, bytes] = {}

    def replace(match: re.Match) -> str:
        name = html.unescape(match["name"])
        if not SAFE_NAME.match(name):
            raise ExtensionError(f"{docname}: data file name {name!r} is not a plain .csv file name")
        try:
            content = base64.b64decode(match["payload"], validate=True)
        except binascii.Error as error:
            raise ExtensionError(f"{docname}: the data of {name} is not valid base64: {error}") from None
        if written.setdefault(name, content) != content:
            raise ExtensionError(f"{docname}: two different tables are both published as {name}")
        target = Path(app.outdir, *folder.parts, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_bytes() != content:
            target.write_bytes(content)
        href = f"{folder.name}/{name}"
        return f'<a download="{html.escape(name)}" href="{html.escape(href)}" type="text/csv"'

    for raw in doctree.findall(nodes.raw):
        if "html" not in raw.get("format", "").split() or "data:text/csv" not in raw.astext():
            continue
        text = CSV_LINK.sub(replace, raw.astext())
        raw.children = [nodes.Text(text)]
        raw.rawsource = text


def setup(app):
    app.connect("doctree-resolved", _publish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
