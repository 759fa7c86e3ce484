"""The built site's files, read without a browser.

Every page declares its edition's language, loads nothing from outside the site
(links to other sites are fine), the theme's internal files are not published, and
the three editions have the same pages. Needs a built site (``make book``).
"""
from __future__ import annotations

import hashlib
import html
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from analysis.present.i18n import t
from tooling import notebooks
from tooling.build import NOTEBOOK_DIR

LANGUAGES = ("kk", "en", "ru")
CHOOSER_LANG = "kk"
UNPUBLISHED = ("_static/webpack-macros.html", "_static/sbt-webpack-macros.html")

# <link rel> values that only name a related document; any other <link> (stylesheet,
# icon, preload, modulepreload, prefetch, preconnect, manifest, ...) makes the
# browser fetch its href.
NAVIGATIONAL_RELS = {"alternate", "canonical", "author", "license", "help", "search", "index", "next",
                     "prev", "previous", "first", "last", "up", "bookmark", "external", "me", "privacy-policy",
                     "terms-of-service", "nofollow", "noopener", "noreferrer"}
# Element attributes whose URL the browser loads by itself.
LOADING_ATTRIBUTES = {
    "script": ("src",), "img": ("src", "srcset"), "iframe": ("src",), "frame": ("src",), "embed": ("src",),
    "object": ("data",), "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",),
    "track": ("src",), "input": ("src",), "image": ("href", "xlink:href"), "use": ("href", "xlink:href"),
}
# url(...) with a double-quoted, single-quoted or bare URL, and @import "..." / '...'.
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^'")\s]*))\s*\)"""
                     r"""|@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def is_external(url: str) -> bool:
    """True for a URL that leaves the site: http(s) or protocol-relative."""
    url = url.strip()
    return url.startswith("//") or urlsplit(url).scheme in ("http", "https")


def srcset_urls(value: str) -> list[str]:
    return [candidate.split()[0] for candidate in value.split(",") if candidate.split()]


def css_urls(css: str) -> list[str]:
    return [next((group for group in match.groups() if group is not None), "") for match in CSS_URL.finditer(css)]


class Page(HTMLParser):
    """What the site tests need from one HTML file."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.html_lang: str | None = None
        self.has_html_tag = False
        self.loaded: list[str] = []          # "<tag attr>: url" for every URL fetched from outside
        self.local: list[str] = []           # every URL of the site the browser fetches by itself
        self.anchors: list[dict[str, str | None]] = []
        self._style: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html" and not self.has_html_tag:
            self.has_html_tag = True
            self.html_lang = attributes.get("lang")
        if tag == "a":
            self.anchors.append(attributes)
        for name in LOADING_ATTRIBUTES.get(tag, ()):
            value = attributes.get(name) or ""
            for url in srcset_urls(value) if name == "srcset" else [value]:
                if is_external(url):
                    self.loaded.append(f"<{tag} {name}>: {url}")
                elif url and not url.startswith(("data:", "#")):
                    self.local.append(url)
        if tag == "link":
            rels = set((attributes.get("rel") or "").lower().split())
            href = attributes.get("href") or ""
            if is_external(href) and not (rels and rels <= NAVIGATIONAL_RELS):
                self.loaded.append(f"<link rel={' '.join(sorted(rels))!r}>: {href}")
            elif href and not (rels and rels <= NAVIGATIONAL_RELS) and not href.startswith("data:"):
                self.local.append(href)
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            target = (attributes.get("content") or "").partition("url=")[2]
            if is_external(target):
                self.loaded.append(f"<meta http-equiv=refresh>: {target}")
        for url in css_urls(attributes.get("style") or ""):
            if is_external(url):
                self.loaded.append(f"<{tag} style>: {url}")
        if tag == "style":
            self._style = []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "style":
            self._style = None

    def handle_data(self, data):
        if self._style is not None:
            self._style.append(data)

    def handle_endtag(self, tag):
        if tag == "style" and self._style is not None:
            self.loaded += [f"<style>: {url}" for url in css_urls("".join(self._style)) if is_external(url)]
            self._style = None


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def html_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def test_site_has_the_three_editions(site_dir):
    for lang in LANGUAGES:
        assert (site_dir / lang / "chapters" / "index.html").is_file(), f"{lang}: no chapters/index.html"
        assert (site_dir / lang / "search.html").is_file(), f"{lang}: no search.html"
    stray = [relative(path, site_dir) for path in html_files(site_dir)
             if path.parent != site_dir and path.relative_to(site_dir).parts[0] not in LANGUAGES]
    assert not stray, f"pages outside the editions: {stray}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_declares_its_edition_language(site_dir, lang):
    wrong = []
    for path in html_files(site_dir / lang):
        page = parse(path)
        if page.html_lang != lang:
            found = repr(page.html_lang) if page.has_html_tag else "no <html> element"
            wrong.append(f"{relative(path, site_dir)}: {found}")
    assert not wrong, f"pages of the {lang} edition without <html lang={lang!r}>:\n  " + "\n  ".join(wrong)


def test_root_chooser_declares_languages_and_links_to_each_edition(site_dir):
    page = parse(site_dir / "index.html")
    assert page.html_lang == CHOOSER_LANG, f"root index.html: <html lang> is {page.html_lang!r}"
    for lang in LANGUAGES:
        links = [a for a in page.anchors if a.get("hreflang") == lang]
        assert len(links) == 1, f"root index.html: expected one link with hreflang={lang!r}, found {len(links)}"
        link = links[0]
        assert link.get("lang") == lang, f"root index.html: the link to {lang} has lang={link.get('lang')!r}"
        href = link.get("href") or ""
        assert href.rstrip("/").split("/")[0] == lang, f"root index.html: the {lang} link points to {href!r}"
        target = site_dir / urlsplit(href).path
        assert (target / "index.html" if href.endswith("/") else target).is_file(), \
            f"root index.html: the {lang} link {href!r} points to no file"


def test_no_page_loads_anything_from_outside_the_site(site_dir):
    external = []
    for path in html_files(site_dir):
        external += [f"{relative(path, site_dir)}: {item}" for item in parse(path).loaded]
    assert not external, "resources loaded from outside the site:\n  " + "\n  ".join(external)


def test_no_stylesheet_loads_anything_from_outside_the_site(site_dir):
    stylesheets = sorted(site_dir.rglob("*.css"))
    assert stylesheets, "no .css file in the site"
    external = []
    for path in stylesheets:
        css = path.read_text(encoding="utf-8", errors="replace")
        external += [f"{relative(path, site_dir)}: {url}" for url in css_urls(css) if is_external(url)]
    assert not external, "stylesheets loading from outside the site:\n  " + "\n  ".join(external)


def published(page: Path, url: str) -> bool:
    """True when the site file ``url`` (relative to ``page``'s folder) exists."""
    path = unquote(urlsplit(url).path)
    return bool(path) and (page.parent / path).resolve().is_file()


def test_every_file_a_page_or_stylesheet_loads_is_published(site_dir):
    """Pages and stylesheets load only files the site publishes: nothing left pointing at an
    edition's ``_static`` copy once the shared files moved to ``_assets/static``, and no font
    face naming a font that was dropped."""
    missing = []
    for path in html_files(site_dir):
        missing += [f"{relative(path, site_dir)}: {url}" for url in parse(path).local if not published(path, url)]
    for css in sorted(site_dir.rglob("*.css")):
        urls = [url for url in css_urls(css.read_text(encoding="utf-8", errors="replace"))
                if url and not is_external(url) and not url.startswith(("data:", "#"))]
        missing += [f"{relative(css, site_dir)}: {url}" for url in urls if not published(css, url)]
    assert not missing, "\n".join(missing[:20])


def test_no_file_is_published_twice(site_dir):
    """The three editions share one copy of what they have in common (the theme, MathJax,
    the charts' scripts, Pagefind's code); a chapter's notebook downloads from one place."""
    by_content: dict[str, list[str]] = {}
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file() and p.stat().st_size):
        by_content.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), []).append(relative(path, site_dir))
    twice = [names for names in by_content.values() if len(names) > 1]
    assert not twice, f"{len(twice)} files published more than once, e.g. {twice[:5]}"


def test_no_page_loads_the_icon_script_or_an_unused_icon_font(site_dir):
    """The pages draw Font Awesome's solid icons from the theme's stylesheet: the script that
    redraws every icon set as SVG and the brands and regular fonts are not published."""
    names = {path.name for path in site_dir.rglob("*") if path.is_file()}
    assert not {"fontawesome.js", "fa-brands-400.woff2", "fa-regular-400.woff2", "fa-solid-900.ttf"} & names
    assert "fa-solid-900.woff2" in names
    used = set()
    for path in html_files(site_dir):
        for classes in re.findall(r'class="([^"]*)"', path.read_text(encoding="utf-8")):
            used |= {name for name in classes.split() if name in {"fa-regular", "fa-brands", "far", "fab"}}
    assert not used, f"a page uses an icon set that is not published: {used}"


def test_theme_internal_files_are_not_published(site_dir):
    published = [relative(path, site_dir) for name in UNPUBLISHED
                 for path in site_dir.rglob(Path(name).name) if relative(path, site_dir).endswith(name)]
    assert not published, f"theme-internal files published: {published}"


def test_editions_have_the_same_pages(site_dir):
    pages = {lang: {relative(path, site_dir / lang) for path in html_files(site_dir / lang)} for lang in LANGUAGES}
    every = set().union(*pages.values())
    missing = [f"{lang}/{page}" for lang in LANGUAGES for page in sorted(every - pages[lang])]
    assert not missing, "pages missing from an edition (present in another):\n  " + "\n  ".join(missing)


@pytest.mark.parametrize("css, urls", [
    ('a{background:url("https://cdn.example/x.png")}', ["https://cdn.example/x.png"]),
    ("@import url(//fonts.example/css);", ["//fonts.example/css"]),
    ('@import "https://fonts.example/css";', ["https://fonts.example/css"]),
    ("b{src:url(../fonts/a.woff2)}", ["../fonts/a.woff2"]),
    ("""i{background:url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E")}""",
     ["data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"]),
])
def test_css_url_extraction(css, urls):
    assert css_urls(css) == urls


def test_parser_flags_loads_but_not_links():
    page = Page()
    page.feed('<html lang="en"><head><link rel="stylesheet" href="https://cdn.example/a.css">'
              '<link rel="alternate" hreflang="ru" href="https://example.org/ru/">'
              '<script src="//cdn.example/a.js"></script><style>b{background:url(http://x.example/b.png)}</style>'
              '</head><body><img srcset="a.png 1x, https://x.example/b.png 2x">'
              '<a href="https://doi.org/10.1/x">paper</a><iframe src="local.html"></iframe></body></html>')
    page.close()
    assert page.html_lang == "en"
    assert page.loaded == ["<link rel='stylesheet'>: https://cdn.example/a.css",
                           "<script src>: //cdn.example/a.js",
                           "<style>: http://x.example/b.png",
                           "<img srcset>: https://x.example/b.png"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_glued_figure_is_an_image_with_its_alt_text(site_dir, lang):
    """Each ``{glue:figure}`` of a notebook chapter is rendered as a picture (not as the
    text of a figure object) and carries the alt text written for its language."""
    for source in sorted(NOTEBOOK_DIR.glob("*.md")):
        cells = notebooks.cells_for(notebooks.read_source(source), lang).cells
        prose = "\n".join(c.source for c in cells if c.cell_type == "markdown")
        alts = re.findall(r"```\{glue:figure\}[^\n]*\n:alt: ([^\n]+)", prose)
        page = (site_dir / lang / "chapters" / f"{source.stem}.html").read_text(encoding="utf-8")
        assert "&lt;Figure size" not in page, f"{lang}/{source.stem}: a figure was pasted as text"
        images = re.findall(r'<img[^>]*alt="([^"]*)"[^>]*src="[^"]*\.png"|<img[^>]*src="[^"]*\.png"[^>]*alt="([^"]*)"',
                            page)
        rendered = {a or b for a, b in images}
        for alt in alts:
            assert html.unescape(alt) in {html.unescape(r) for r in rendered}, f"{lang}/{source.stem}: {alt[:60]}"


def test_no_page_carries_live_kernel_configuration(site_dir):
    """The offline book has no kernel: no Thebe or Binder configuration in any page."""
    carrying = [relative(path, site_dir) for path in html_files(site_dir)
                if re.search(r"x-thebe-config|THEBE_JS_URL|binderOptions", path.read_text(encoding="utf-8"))]
    assert not carrying, carrying


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_footer_names_the_authors_once(site_dir, lang):
    """The footer gives the book's author as the catalogue names it, with no word before it
    (the theme's "By" reads «Автор: Авторы проекта …» in Russian)."""
    expected = f'<p class="component-author">{html.escape(t("book.author", lang))}</p>'
    wrong = [relative(path, site_dir) for path in html_files(site_dir / lang)
             if "bd-footer-content" in (text := path.read_text(encoding="utf-8")) and expected not in text]
    assert not wrong, f"{lang}: footers that do not read {expected}: {wrong[:5]}"
