"""One copy of the theme's and the book's static files for the three editions.

Each edition's Sphinx build writes its own ``_static`` (the theme's styles and scripts,
MathJax, the book's own CSS and JavaScript); most of it is the same bytes in the three. Once
the editions are assembled into the site:

* the icon sets no page uses are dropped: the pages use Font Awesome's solid icons only, drawn
  by the theme's stylesheet from the solid web font (WOFF2, which every browser the theme
  supports reads), so the script that redraws them as SVG (``fontawesome.js``, 1 MB), the
  brands and regular fonts and the TrueType copies go, and the stylesheet's ``@font-face``
  rules name only the font that is published;
* every ``_static`` file the three editions hold byte for byte goes once to
  ``_assets/static/`` (same relative path, so the files' own relative links, such as a
  stylesheet's fonts or MathJax's, still hold), and the pages' links point there;
* a file stays in its edition when it differs between editions (``documentation_options.js``
  names the language), and so does a stylesheet that links such a file.
"""
from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path

SHARED = "_assets/static"
# Theme files no page needs (see the module's docstring); relative to an edition's _static.
DROPPED = ("scripts/fontawesome.js", "scripts/fontawesome.js.LICENSE.txt",
           "vendor/fontawesome/webfonts/fa-brands-400.woff2", "vendor/fontawesome/webfonts/fa-brands-400.ttf",
           "vendor/fontawesome/webfonts/fa-regular-400.woff2", "vendor/fontawesome/webfonts/fa-regular-400.ttf",
           "vendor/fontawesome/webfonts/fa-solid-900.ttf")
THEME_CSS = "styles/pydata-sphinx-theme.css"
DROPPED_FONT_FACES = re.compile(r"@font-face\{[^}]*fa-(?:brands|regular)-400[^}]*\}")
TRUETYPE_SOURCE = re.compile(r',url\([^)]*fa-solid-900\.ttf\) format\("truetype"\)')
FONT_AWESOME_SCRIPT = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
STATIC_LINK = re.compile(r'(?P<attr>(?:src|href)=")(?P<up>(?:\.\./)*)_static/(?P<path>[^"?#]+)')
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""")


class AssetError(RuntimeError):
    pass


def drop_unused(edition: Path) -> None:
    """Leave out the icon sets and the script no page uses (DROPPED), and their font faces."""
    static = edition / "_static"
    for relative in DROPPED:
        (static / relative).unlink(missing_ok=True)
    css = static / THEME_CSS
    if css.is_file():
        text = css.read_text(encoding="utf-8")
        trimmed = TRUETYPE_SOURCE.sub("", DROPPED_FONT_FACES.sub("", text))
        if "fa-brands-400" in trimmed or "fa-regular-400" in trimmed or ".ttf" in trimmed:
            raise AssetError(f"{css}: the theme's font faces changed; update tooling/shared_assets.py")
        css.write_text(trimmed, encoding="utf-8")


def css_links(text: str) -> list[str]:
    """The local files a stylesheet links (relative url()s)."""
    urls = [next(filter(None, match.groups()), "") for match in CSS_URL.finditer(text)]
    return [url.split("?")[0].split("#")[0] for url in urls
            if url and not url.startswith(("data:", "http:", "https:", "//", "#", "/"))]


def shared_files(editions: list[Path]) -> set[str]:
    """The ``_static`` files (relative paths) the editions hold byte for byte, less the
    stylesheets that link a file that is not shared."""
    digests = []
    for edition in editions:
        static = edition / "_static"
        digests.append({path.relative_to(static).as_posix(): hashlib.sha256(path.read_bytes()).digest()
                        for path in static.rglob("*") if path.is_file()})
    shared = {name for name, digest in digests[0].items() if all(other.get(name) == digest for other in digests[1:])}
    changed = True
    while changed:
        changed = False
        for name in sorted(n for n in shared if n.endswith(".css")):
            text = (editions[0] / "_static" / name).read_text(encoding="utf-8", errors="replace")
            targets = {posixpath.normpath(posixpath.join(posixpath.dirname(name), url)) for url in css_links(text)}
            if not targets <= shared:
                shared.discard(name)
                changed = True
    return shared


def point_to_shared(page: Path, shared: set[str]) -> None:
    """The page's links to shared ``_static`` files lead to the site's one copy; no page loads
    the dropped icon script."""
    text = page.read_text(encoding="utf-8")

    def link(match: re.Match) -> str:
        if match["path"] not in shared:
            return match.group()
        return f"{match['attr']}{match['up']}../{SHARED}/{match['path']}"

    new = STATIC_LINK.sub(link, FONT_AWESOME_SCRIPT.sub("", text))
    if new != text:
        page.write_text(new, encoding="utf-8")


def share(site: Path, langs: list[str]) -> dict[str, int]:
    """Drop the unused files, move the shared ones to ``site/_assets/static`` and point the
    pages there. Returns the bytes moved and the bytes that stay in the editions."""
    editions = [site / lang for lang in langs]
    for edition in editions:
        drop_unused(edition)
    shared = shared_files(editions)
    target = site / SHARED
    moved = 0
    for name in sorted(shared):
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        (editions[0] / "_static" / name).replace(destination)
        moved += destination.stat().st_size
        for edition in editions[1:]:
            (edition / "_static" / name).unlink()
    for edition in editions:
        for folder in sorted((p for p in (edition / "_static").rglob("*") if p.is_dir()), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
        for page in edition.rglob("*.html"):
            point_to_shared(page, shared)
    kept = sum(p.stat().st_size for edition in editions for p in (edition / "_static").rglob("*") if p.is_file())
    return {"shared": moved, "per_edition": kept}
