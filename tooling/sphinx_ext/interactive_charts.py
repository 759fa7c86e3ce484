"""Publish each interactive chart's Vega-Lite specification next to its page, and load
the chart scripts on the pages that have a chart, and only there.

A notebook displays a chart as a block whose specification travels inside it (a
``data:`` URI, made by :func:`analysis.present.interactive.embed`), like the CSV links
that ``data_downloads`` turns into files. This extension writes the specification to
``<page folder>/<page name>/<chart>.vl.json``, points the specification's data at the
CSV file the same page publishes (a chart whose file the page does not publish stops the
build), and adds the scripts at the end of the page.

The scripts (vega, vega-lite, vega-embed from ``node_modules`` and ``charts.js``) are
published once for the whole site, in ``_assets/charts/`` beside the three editions
(``tooling/build.py``), so a reader's browser fetches and caches them once for all
editions.
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

CHART = re.compile(r'<div class="vega-chart" id="chart-(?P<name>[a-z0-9-]+)"[^>]*?'
                   r'data-spec="data:application/json;base64,(?P<payload>[A-Za-z0-9+/=]*)"')
SPEC_ATTRIBUTE = re.compile(r'data-spec="data:application/json;base64,[A-Za-z0-9+/=]*"')
DATA_LINK = re.compile(r'(<a class="vega-chart-data" href=")([^"]+)(")')
PUBLISHED_CSV = re.compile(r'<a download="([^"]+\.csv)" href="')
SCRIPTS = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "charts.js")
ASSETS = "_assets/charts"


def spec_name(chart: str) -> str:
    return f"{chart}.vl.json"


def _point_data(spec, published: set[str], folder: str, where: str):
    """Every ``{"data": {"url": ...}}`` of the specification, pointed at the page's file."""
    if isinstance(spec, dict):
        out = {}
        for key, value in spec.items():
            if key == "data" and isinstance(value, dict) and "url" in value:
                if value["url"] not in published:
                    raise ExtensionError(f"{where} reads {value['url']!r}, which the page does not publish "
                                         f"(it publishes {sorted(published)})")
                value = {**value, "url": f"{folder}/{value['url']}"}
            out[key] = _point_data(value, published, folder, where)
        return out
    if isinstance(spec, list):
        return [_point_data(item, published, folder, where) for item in spec]
    return spec


def rewrite(text: str, published: set[str], folder: str, where: str) -> tuple[str, dict[str, bytes]]:
    """``text`` with each chart's specification replaced by the address of its file,
    and those files (name -> bytes). ``folder`` is the page's data folder relative to
    the page (``indicators`` for ``chapters/indicators.html``)."""
    files: dict[str, bytes] = {}

    def replace(match: re.Match) -> str:
        name = match["name"]
        try:
            spec = json.loads(base64.b64decode(match["payload"], validate=True))
        except (binascii.Error, ValueError) as error:
            raise ExtensionError(f"{where}: the specification of chart {name!r} is not valid base64 JSON: {error}") from None
        spec = _point_data(spec, published, folder, f"{where}: chart {name!r}")
        content = (json.dumps(spec, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")
        if files.setdefault(spec_name(name), content) != content:
            raise ExtensionError(f"{where}: two different charts are both named {name!r}")
        url = html.escape(f"{folder}/{spec_name(name)}")
        return SPEC_ATTRIBUTE.sub(f'data-spec-url="{url}"', match[0])

    text = CHART.sub(replace, text)
    if files:
        def link(match: re.Match) -> str:
            target = html.unescape(match[2])
            if target not in published:
                raise ExtensionError(f"{where}: a chart links to {target!r}, which the page does not publish")
            return match[1] + html.escape(f"{folder}/{target}") + match[3]
        text = DATA_LINK.sub(link, text)
    return text, files


def _publish(app, doctree: nodes.document, docname: str) -> None:
    from tooling.sphinx_ext.data_downloads import csv_folder
    if app.builder.format != "html":
        return  # the PDF keeps the static figures
    raws = [raw for raw in doctree.findall(nodes.raw) if "html" in raw.get("format", "").split()]
    charts = [raw for raw in raws if 'class="vega-chart"' in raw.astext()]
    if not charts:
        return
    published = {html.unescape(name) for raw in raws for name in PUBLISHED_CSV.findall(raw.astext())}
    folder = csv_folder(docname)
    for raw in charts:
        text, files = rewrite(raw.astext(), published, folder.name, docname)
        for name, content in files.items():
            target = Path(app.outdir, *folder.parts, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.is_file() or target.read_bytes() != content:
                target.write_bytes(content)
        raw.children = [nodes.Text(text)]
        raw.rawsource = text


def script_tags(pagename: str) -> str:
    """The chart scripts for a page at ``pagename``: the site's one copy, above the edition."""
    root = "../" * (pagename.count("/") + 1)
    return "".join(f'<script src="{root}{ASSETS}/{name}"></script>' for name in SCRIPTS)


def _add_scripts(app, pagename, templatename, context, doctree):
    body = context.get("body") or ""
    if "data-spec-url=" in body:
        context["body"] = body + script_tags(pagename)


def setup(app):
    # after data_downloads (priority 500) has turned the page's CSV links into files
    app.connect("doctree-resolved", _publish, priority=600)
    app.connect("html-page-context", _add_scripts)
    app.add_css_file("charts.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
