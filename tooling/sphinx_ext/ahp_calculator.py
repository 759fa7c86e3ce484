"""The SWOT chapter's calculator on the site: its data as a file next to the page, and
its script and style on that page only.

The notebook displays the calculator's block (:func:`analysis.present.ahp_calculator.html_block`)
with its data inside, as base64 JSON in ``data-calculator-payload``: the executed
notebook stays self-contained. This extension writes those data to
``<page folder>/<page name>/<file name>`` (``chapters/swot/swot-calculator-en.json``),
puts the file's address in ``data-calculator-src`` in their place, and adds
``ahp-calculator.js`` and ``ahp-calculator.css`` to the pages that hold a calculator.
"""
from __future__ import annotations

import base64
import binascii
import html
import json
import re
from pathlib import Path, PurePosixPath

from docutils import nodes
from sphinx.errors import ExtensionError

BLOCK = re.compile(r'data-calculator-name="(?P<name>[^"]+)"(?P<between>[^>]*?) '
                   r'data-calculator-payload="(?P<payload>[A-Za-z0-9+/=]*)"')
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.json$")
SCRIPT, STYLE = "ahp-calculator.js", "ahp-calculator.css"


def _publish(app, doctree: nodes.document, docname: str) -> None:
    folder = PurePosixPath(docname)
    for raw in doctree.findall(nodes.raw):
        if "html" not in raw.get("format", "").split() or "data-calculator-payload" not in raw.astext():
            continue

        def replace(match: re.Match) -> str:
            name = html.unescape(match["name"])
            if not SAFE_NAME.match(name):
                raise ExtensionError(f"{docname}: calculator data file name {name!r} is not a plain .json file name")
            try:
                content = base64.b64decode(match["payload"], validate=True)
                json.loads(content)
            except (binascii.Error, ValueError) as error:
                raise ExtensionError(f"{docname}: the calculator data {name} are not valid base64 JSON: {error}") from None
            target = Path(app.outdir, *folder.parts, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.is_file() or target.read_bytes() != content:
                target.write_bytes(content)
            href = f"{folder.name}/{name}"
            return f'data-calculator-name="{html.escape(name)}"{match["between"]} data-calculator-src="{html.escape(href)}"'

        text = BLOCK.sub(replace, raw.astext())
        if "data-calculator-payload" in text:
            raise ExtensionError(f"{docname}: a calculator block without a data file name")
        raw.children = [nodes.Text(text)]
        raw.rawsource = text


def _assets(app, pagename, templatename, context, doctree) -> None:
    if doctree is None or not any("data-calculator-src" in raw.astext() for raw in doctree.findall(nodes.raw)):
        return
    app.add_js_file(SCRIPT, loading_method="defer")
    app.add_css_file(STYLE)


def setup(app):
    app.connect("doctree-resolved", _publish)
    # before offline_site's handler, which copies the page's list of scripts
    app.connect("html-page-context", _assets, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
