"""Keep the published pages free of live-kernel machinery and of console errors.

The book is read offline: there is no kernel to connect to, yet Jupyter Book always
loads sphinx-thebe, whose inline configuration points at a CDN and is included twice
(a console error on every page), and which puts a Binder configuration naming an
unrelated repository into every page body. Drop those scripts, styles and blocks.

pydata-sphinx-theme starts every page in the colour mode named by the ``default_mode``
template variable; left unset, a first visit logs "Got invalid theme mode" as a
console error. Give it the theme's own default, "auto" (follow the reader's system).

An edition's ``index.html`` redirects to the root page. sphinx-external-toc writes it
as a bare ``<meta>`` tag with no ``<html lang>``; write a complete page instead.
"""
from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes

DEFAULT_MODE = "auto"
REDIRECT = """<!DOCTYPE html>
<html lang="{lang}">
<head>
  <meta charset="utf-8">
  <meta http-equiv="refresh" content="0; url={url}">
  <link rel="canonical" href="{url}">
  <title>{title}</title>
</head>
<body>
  <p><a href="{url}">{title}</a></p>
</body>
</html>
"""


def _is_thebe(asset) -> bool:
    name = str(getattr(asset, "filename", asset) or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in name or "THEBE_JS_URL" in body


def drop_thebe(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def drop_thebe_block(app, doctree, docname):
    for node in list(doctree.findall(nodes.raw)):
        if "text/x-thebe-config" in node.astext():
            node.parent.remove(node)


def set_default_mode(app, pagename, templatename, context, doctree):
    if not context.get("default_mode"):
        context["default_mode"] = DEFAULT_MODE


def write_index_redirect(app, exception):
    if exception is not None or app.builder.name != "html" or app.config.root_doc == "index":
        return
    url = html.escape(f"{app.config.root_doc}{app.builder.out_suffix}")
    title = html.escape(str(app.config.html_title or app.config.project))
    page = REDIRECT.format(lang=html.escape(app.config.language or "en"), url=url, title=title)
    (Path(app.outdir) / "index.html").write_text(page, encoding="utf-8")


def setup(app):
    app.connect("html-page-context", drop_thebe, priority=900)
    app.connect("doctree-resolved", drop_thebe_block, priority=900)  # after sphinx-thebe adds it
    app.connect("html-page-context", set_default_mode)
    # before sphinx-external-toc's own redirect (priority 500), which then keeps this one
    app.connect("build-finished", write_index_redirect, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
