"""A notebook as one standalone HTML page, styled as the site, readable offline.

The page carries everything it shows: figures as ``data:`` images, the site's table
style (``tooling/static/tables.css``) and type (the theme's system font stack) inlined.
When the prose holds mathematics, MathJax is copied next to the page (from the same
``node_modules/mathjax`` the site uses), so nothing is fetched from the network. Code
sits folded under each cell (the page's "Show code"), cells the book removes
(``remove-cell``, ``remove-input``) are left out as on the site.
"""
from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from analysis.paths import REPO
from analysis.present.i18n import t

STATIC = REPO / "tooling" / "static"
MATHJAX = REPO / "node_modules" / "mathjax" / "es5"

PAGE_CSS = """
:root { --pst-color-border: #d1d5da; --pst-color-surface: #f5f5f5; --pst-color-background: #fff; --pst-color-primary: #0a7d6b; }
body { font-family: system-ui, sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Segoe UI Symbol", "Noto Color Emoji";
       color: #222832; background: #fff; line-height: 1.6; margin: 0; }
main { max-width: 54rem; margin: 2rem auto 4rem; padding: 0 1.25rem; }
h1, h2, h3 { line-height: 1.25; margin-top: 2rem; }
code, pre { font-family: SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .875em; }
pre { background: #f5f5f5; padding: .75rem; overflow-x: auto; border-radius: .25rem; }
img { max-width: 100%; height: auto; }
details.cell-code { margin: .5rem 0; }
details.cell-code summary { cursor: pointer; color: #0a7d6b; font-size: .9rem; }
.cell-output { margin: .75rem 0; }
a { color: #0a7d6b; }
"""


def _math(content: str, options: dict) -> str:
    escaped = html.escape(content)
    return f'<div class="math">\\[{escaped}\\]</div>' if options.get("display_mode") else f"\\({escaped}\\)"


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable("table").use(
        dollarmath_plugin, renderer=_math, allow_space=True, double_inline=True)


def _output(output, render) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return "" if output.get("name") == "stderr" else f'<pre class="cell-output">{html.escape(output.text)}</pre>'
    data = output.get("data", {})
    if "text/html" in data:
        return f'<div class="cell-output">{data["text/html"]}</div>'
    if "image/png" in data:
        alt = html.escape(data.get("text/plain", ""), quote=True)
        return f'<div class="cell-output"><img src="data:image/png;base64,{data["image/png"].strip()}" alt="{alt}"></div>'
    if "text/markdown" in data:
        return f'<div class="cell-output">{render(data["text/markdown"])}</div>'
    if "text/plain" in data:
        return f'<pre class="cell-output">{html.escape(data["text/plain"])}</pre>'
    return ""


def render(notebook, lang: str, title: str | None = None) -> str:
    """The notebook as one HTML page in ``lang``."""
    md = _markdown()
    body = []
    for cell in notebook.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell.cell_type == "markdown":
            body.append(md.render(cell.source))
        elif cell.cell_type == "code" and "remove-cell" not in tags:
            if not tags & {"remove-input", "figure", "parameters", "injected-parameters"}:
                body.append(f'<details class="cell-code"><summary>{html.escape(t("notebook.show_code", lang))}'
                            f'</summary><pre><code>{html.escape(cell.source)}</code></pre></details>')
            if "remove-output" not in tags:
                body.extend(_output(output, md.render) for output in cell.get("outputs", []))
    content = "\n".join(part for part in body if part)
    title = title or next((m[1] for cell in notebook.cells if cell.cell_type == "markdown"
                           for m in [re.search(r"^#\s+(.+?)\s*$", cell.source, re.M)] if m), "")
    css = PAGE_CSS + (STATIC / "tables.css").read_text(encoding="utf-8")
    scripts = ""
    if 'class="ahp-calculator"' in content:  # the SWOT chapter's calculator reads its data from the block itself
        css += (STATIC / "ahp-calculator.css").read_text(encoding="utf-8")
        scripts = f'<script>{(STATIC / "ahp-calculator.js").read_text(encoding="utf-8")}</script>\n'
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{css}</style>
{{mathjax}}</head>
<body>
<main>
{content}
</main>
{scripts}</body>
</html>
"""


def has_math(page: str) -> bool:
    return "\\(" in page or "\\[" in page


def write(notebook, target: Path, lang: str, title: str | None = None) -> Path:
    """Write the page to ``target``; with mathematics, MathJax goes to ``<stem>_files/``."""
    page = render(notebook, lang, title)
    script = ""
    if has_math(page):
        folder = target.parent / f"{target.stem}_files" / "mathjax"
        if not (MATHJAX / "tex-chtml.js").is_file():
            raise FileNotFoundError(f"MathJax not found at {MATHJAX}: run `npm ci` (the Makefile does)")
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MATHJAX / "tex-chtml.js", folder / "tex-chtml.js")
        fonts = MATHJAX / "output" / "chtml" / "fonts" / "woff-v2"
        shutil.copytree(fonts, folder / "output" / "chtml" / "fonts" / "woff-v2", dirs_exist_ok=True)
        script = f'<script defer src="{target.stem}_files/mathjax/tex-chtml.js"></script>\n'
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page.replace("{mathjax}", script, 1), encoding="utf-8")
    return target
