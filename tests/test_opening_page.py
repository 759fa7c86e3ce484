"""The opening page lists exactly the chapters of the table of contents, in each edition.

The page's contents come from `_toc.yml` (a ``{tableofcontents}`` directive), so it never
names a chapter that does not exist and never misses one that does. Needs a built site
(``make book``).
"""
from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from analysis.paths import REPO

LANGUAGES = ("kk", "en", "ru")


def toc_chapters() -> tuple[str, list[str]]:
    """The root document and its chapters (with those of any parts), in `_toc.yml` order."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    entries = list(toc.get("chapters", [])) + [entry for part in toc.get("parts", [])
                                               for entry in part.get("chapters", [])]
    return toc["root"], [entry["file"] for entry in entries]


class ContentsList(HTMLParser):
    """Top-level links of the contents lists inside the page's article (not the sidebar)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_article = 0
        self.wrapper_depth: int | None = None  # div depth of the open contents list
        self.div_depth = 0
        self.in_top_item = False
        self.link: list[str] | None = None
        self.links: list[tuple[str, str]] = []
        self.href = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "article":
            self.in_article += 1
        if tag == "div":
            self.div_depth += 1
            if self.in_article and "toctree-wrapper" in classes and self.wrapper_depth is None:
                self.wrapper_depth = self.div_depth
        if self.wrapper_depth is None:
            return
        if tag == "li":
            self.in_top_item = "toctree-l1" in classes
        elif tag == "a" and self.in_top_item:
            self.href = attributes.get("href", "")
            self.link = []

    def handle_data(self, data):
        if self.link is not None:
            self.link.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self.link is not None:
            self.links.append((self.href, " ".join("".join(self.link).split())))
            self.link = None
            self.in_top_item = False
        elif tag == "div":
            if self.wrapper_depth == self.div_depth:
                self.wrapper_depth = None
            self.div_depth -= 1
        elif tag == "article":
            self.in_article -= 1


class FirstHeading(HTMLParser):
    """The text of a page's first <h1>, without the theme's '#' permalink."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.in_permalink = False
        self.parts: list[str] = []
        self.done = False

    def handle_starttag(self, tag, attrs):
        if tag == "h1" and not self.done:
            self.depth = 1
        elif self.depth and tag == "a" and "headerlink" in (dict(attrs).get("class") or ""):
            self.in_permalink = True

    def handle_data(self, data):
        if self.depth and not self.in_permalink:
            self.parts.append(data)

    def handle_endtag(self, tag):
        if tag == "a":
            self.in_permalink = False
        elif tag == "h1" and self.depth:
            self.depth = 0
            self.done = True

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())


def parsed(parser: HTMLParser, path: Path) -> HTMLParser:
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("lang", LANGUAGES)
def test_opening_page_lists_exactly_the_chapters_of_the_toc(site_dir, lang):
    root, chapters = toc_chapters()
    edition = site_dir / lang
    opening = edition / f"{root}.html"
    links = parsed(ContentsList(), opening).links
    expected = [posixpath.relpath(f"{chapter}.html", posixpath.dirname(root)) for chapter in chapters]
    assert [href.split("#")[0] for href, _ in links] == expected, f"{lang}: the opening page's contents"
    for (href, title), chapter in zip(links, chapters):
        target = edition / f"{chapter}.html"
        assert target.is_file(), f"{lang}: {href} is listed but not built"
        assert title == parsed(FirstHeading(), target).text, f"{lang}: {href} is listed under another title"
