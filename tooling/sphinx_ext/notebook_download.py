"""Each notebook chapter downloads as a notebook a reader can open: ``<chapter>-<lang>.ipynb``.

The executed notebook a chapter is built from keeps its numbers in glue records and its
prose refers to them by roles only the build resolves. For every notebook page this
extension writes the page's clean copy (:func:`tooling.notebook_copy.clean_copy`: the
edition's prose only, numbers and figures in place, figure numbers as on the page) next
to the page, as ``chapters/swot/swot-kk.ipynb`` beside ``chapters/swot.html``, points
the theme's ".ipynb" download entry at it, and leaves the raw executed notebook out of
``_sources`` (no page links it, and a second copy of the chapter would be published twice):
the chapter downloads as its clean copy only.

The copy's data download links lead to the CSV files the ``data_downloads`` extension
publishes in the same folder (``chapters/swot/<file>.csv``), not to ``data:`` URIs that
would carry every file a second time inside the notebook.
"""
from __future__ import annotations

from pathlib import Path, PurePosixPath

import nbformat
from sphinx.errors import ExtensionError

from analysis.present.i18n import t


def copy_name(docname: str, lang: str) -> str:
    return f"{PurePosixPath(docname).name}-{lang}.ipynb"


def _source(app, docname: str) -> Path | None:
    path = Path(app.srcdir, f"{docname}.ipynb")
    return path if path.is_file() else None


def link_data_files(copy) -> int:
    """Point the copy's CSV download links at the files published beside it (same name, same
    folder) instead of their embedded ``data:`` URIs. Returns how many links changed."""
    from tooling.sphinx_ext.data_downloads import CSV_LINK

    changed = 0

    def relink(match) -> str:
        nonlocal changed
        changed += 1
        return f'<a download="{match["name"]}" href="{match["name"]}"'

    for cell in copy.cells:
        for output in cell.get("outputs", []):
            for mime, value in output.get("data", {}).items():
                if isinstance(value, str) and "data:text/csv" in value:
                    output["data"][mime] = CSV_LINK.sub(relink, value)
                elif isinstance(value, list) and any("data:text/csv" in line for line in value):
                    output["data"][mime] = CSV_LINK.sub(relink, "".join(value))
        if cell.cell_type == "markdown" and "data:text/csv" in cell.source:
            cell.source = CSV_LINK.sub(relink, cell.source)
    return changed


def _clean(app, docname: str) -> bytes:
    from tooling import notebook_copy

    lang = app.config.language or "en"
    numbers = {name: ".".join(str(part) for part in number)
               for name, number in app.env.toc_fignumbers.get(docname, {}).get("figure", {}).items()}
    try:
        copy = notebook_copy.clean_copy(nbformat.read(_source(app, docname), as_version=4), lang, docname,
                                        numbers=numbers)
    except notebook_copy.CopyError as error:
        raise ExtensionError(f"{docname}: the downloadable notebook cannot be made: {error}") from None
    link_data_files(copy)
    problems = notebook_copy.leftovers(copy, lang)
    if problems:
        raise ExtensionError(f"{docname}: the downloadable notebook still holds {'; '.join(problems[:5])}")
    return nbformat.writes(copy).encode() + b"\n"


def _publish(app, pagename, templatename, context, doctree):
    if doctree is None or _source(app, pagename) is None:
        return
    lang = app.config.language or "en"
    name = copy_name(pagename, lang)
    content = _clean(app, pagename)
    target = Path(app.outdir, *PurePosixPath(pagename).parts, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.is_file() or target.read_bytes() != content:
        target.write_bytes(content)
    url = f"{PurePosixPath(pagename).name}/{name}"
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []) if group.get("label") == "download-buttons" else []:
            if button.get("label") in ("download-source-button", "download-notebook-button"):
                button.update(url=url, text=".ipynb", tooltip=t("notebook_copy.download", lang))


def _drop_sources(app, exception):
    """No ``_sources`` copy of a notebook page: its download is the clean copy beside it."""
    if exception is not None or app.builder.format != "html":
        return
    for source in Path(app.outdir, "_sources").rglob("*.ipynb"):
        source.unlink()


def setup(app):
    # after the theme has made its download buttons (priority 501)
    app.connect("html-page-context", _publish, priority=600)
    app.connect("build-finished", _drop_sources)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
