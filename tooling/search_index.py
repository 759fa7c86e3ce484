"""The book's search: one Pagefind index of the three editions, written to ``<site>/pagefind``.

Pagefind keeps one index per ``<html lang>``, so each edition searches only its own pages,
while the search code (``pagefind.js``, its WebAssembly and ``pagefind-ui.js``/``.css``) is
published once for the three. The published pages are not changed: Pagefind reads an
*index copy* of each page, made here, in which

* only the page's text is indexed (``<article>``; not the navigation, sidebars, footers),
  without the "Cite this figure/page" lines, code cells and heading permalinks, which
  repeat on every page and would push the chapters' own words down;
* each heading carries the id of its section, so that a result leads to the section
  (Pagefind's sub-results are the headings with an id) and the link works on the page;
* a range's en dash is spaced (2000–2020 → 2000 – 2020, with thin spaces) so that both ends
  are words of their own;
* the glossary (``data/reference/glossary.csv``) adds, after the heading of the section where
  a term is used, the names a reader may search the term by that the page does not print:
  the term's name in this edition (when only another edition's text names it, as the English
  indicators chapter says "share of mutual trade" where the Russian one names the glossary's
  «доля взаимной торговли»), its abbreviation and the variants the glossary rejects. The more
  the page uses the term (counted in every edition), the more that text weighs.

Numbers: Pagefind drops punctuation inside a word, so "9,4", "9.4", "9.4%" and «9,4 %» are one
word (94) and find each other in every edition. The true minus (U+2212) is kept as a character
of words (``include_characters``), so that −9,4 is not found for 9,4.

Rebuilds: each page's term counts and index copy are kept by the content of its HTML
(``_build/search/``), so only changed pages are parsed again, and Pagefind (its command, one
process for the site) runs only when an index copy changed; otherwise the previous bundle is copied.
The build parses each edition (:func:`warm`) as soon as Sphinx has built it, while the next
edition's notebooks run, so that only the last edition's pages are parsed after the last Sphinx run.
"""
from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Comment, NavigableString

from analysis.present import glossary
from analysis.paths import REPO
from analysis.present.i18n import LANGUAGES
from tooling.sphinx_ext.prose_links import term_patterns

OUTPUT = "pagefind"
# Characters Pagefind keeps inside words: the true minus, so that a negative number is a
# word of its own (−9,4 is not 9,4).
INCLUDE_CHARACTERS = "\u2212"
# Pages of an edition that are not searched: the search page itself and the general index.
NOT_SEARCHED = {"search.html", "genindex.html"}
# Parts of a page's <article> left out of the index. Images too: Pagefind takes a page's first
# image as its metadata and searches it, and the figures are data: URIs (base64 text).
NOT_INDEXED_CLASSES = {"headerlink", "exhibit-cite", "cite-this-page", "cell_input", "toggle-details__summary"}
NOT_INDEXED_TAGS = {"script", "style", "img"}
NOT_INDEXED_IDS = {"searchbox"}
# The bundle files the book does not use (Pagefind's other interfaces).
UNUSED = ("pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-modular-ui.js",
          "pagefind-modular-ui.css", "pagefind-highlight.js")
HEADING = re.compile(r"^h[1-6]$")
SPACED = ["th", "td", "caption", "figcaption", "dt", "dd", "li"]
SECTION_MARK = re.compile(r"^section-\d+(?:-\d+)*$")  # sphinx-multitoc-numbering's marks, the same in every edition
RANGE_DASH = re.compile(r"(?<=\d)\s*[–—]\s*(?=[−\d])")
# Separators inside a number, as each edition prints them, and the look-alike each becomes in
# the index copy. Pagefind splits a word at "." and "," and also indexes the pieces ("3,94"
# would be found for 94), and it splits at spaces ("18 850" would be two words); the
# look-alikes are dropped from words like any other punctuation, without a split, so that a
# number is one word: 9,4, 9.4 and 9.4% are all "94", 18 850 and 18,850 "18850". The search
# page puts the printed separators back into the excerpts (NUMBER_MARKS, by search.js).
DECIMAL = re.compile(r"(?<=\d)[.,](?=\d)")
GROUPS = re.compile(r"(?<=\d)[\u202f\u00a0,](?=\d{3}(?!\d))")
NUMBER_MARKS = {",": "\u201a", ".": "\u2024", "\u202f": "\u2060", "\u00a0": "\u2063"}
THIN_SPACE = "\u2009"
TERM_LINK = re.compile(r"#term-(?P<id>[\w-]+)$")
# Where the glossary's names may go in an index copy: a comment after the text of each
# section with a section mark, and of the page's top section ("" for the top)
ADDED = "silkroad-added:"
ADDED_PLACE = re.compile(r"<!--" + ADDED + r"([\w-]*)-->")
MAX_WEIGHT = 10.0
# A page is about a term, and the term's other names are added to its index copy, when the
# page uses the term at least this often (in one of the editions).
MIN_USES = 3


class SearchIndexError(RuntimeError):
    pass


@dataclass
class TermUse:
    """How much one page uses one glossary term, and where it first does (a section mark)."""
    count: int = 0
    section: str | None = None


@dataclass
class Page:
    lang: str
    path: str            # relative to the edition, e.g. "chapters/indicators.html"
    text: str = ""
    uses: dict[str, TermUse] = field(default_factory=dict)


def article_of(soup: BeautifulSoup):
    return soup.find("article", class_="bd-article")


def not_indexed(element) -> bool:
    return (element.name in NOT_INDEXED_TAGS or element.get("id") in NOT_INDEXED_IDS
            or not NOT_INDEXED_CLASSES.isdisjoint(element.get("class") or ()))


def section_of(element) -> str | None:
    """The section mark (``section-1-2``) of the section ``element`` stands in."""
    mark = element.find_previous("span", id=SECTION_MARK)
    return mark["id"] if mark else None


def term_uses(soup: BeautifulSoup, lang: str) -> tuple[str, dict[str, TermUse]]:
    """The text of the page's <article> and, for each glossary term it uses, how often
    (its name, inflected forms or abbreviation, as the glossary links find them, or its
    name as printed) and the section of its first use (the linked one, if any)."""
    article = article_of(soup)
    if article is None:
        return "", {}
    text = article.get_text(" ")
    uses: dict[str, TermUse] = {}
    names = {entry.id: entry.names[lang].casefold() for entry in glossary.terms()}
    folded = text.casefold()
    for term_id, pattern in term_patterns(lang):
        count = max(len(pattern.findall(text)), folded.count(names[term_id]))
        if count:
            uses[term_id] = TermUse(count)
    for link in article.find_all("a", class_="glossary-term", href=True):
        match = TERM_LINK.search(link["href"])
        if match and match["id"] in uses and uses[match["id"]].section is None:
            uses[match["id"]].section = section_of(link)
    return text, uses


def search_names(term: glossary.Term, lang: str) -> list[str]:
    """The names a reader may search ``term`` by in ``lang``: its name, its abbreviation and
    the variants the glossary rejects, less a one-word variant that only begins a word of
    another name (the glossary lists «Шелков» to catch «Шелковый путь»; a reader searches
    whole words)."""
    names = [name for name in (term.names[lang], term.abbreviations[lang], *term.rejected[lang]) if name]

    def fold(text: str) -> str:
        return text.casefold().replace("ё", "е")

    words = {word for name in names for word in re.findall(r"[\w-]+", fold(name))}
    whole = [name for name in names
             if " " in name or not any(word != fold(name) and word.startswith(fold(name)) for word in words)]
    return list(dict.fromkeys(whole))


def weight(count: int) -> float:
    """Index weight of a term's names on a page that uses the term ``count`` times (at least
    MIN_USES): 1 at MIN_USES, growing with the use, at most Pagefind's 10."""
    return min(MAX_WEIGHT, 1.0 + (count - MIN_USES) / 2)


def glossary_text(page: Page, others: list[Page]) -> dict[str | None, list[tuple[str, float]]]:
    """For each section of ``page`` (a section mark, None for the page's top): the glossary
    names to add there and their weight. A term counts for the page when the page uses it
    MIN_USES times in any edition; only the names this edition's text does not print are added."""
    terms = {entry.id: entry for entry in glossary.terms()}
    used: dict[str, list[tuple[str, TermUse]]] = defaultdict(list)
    for edition_page in [page, *others]:
        for term_id, use in edition_page.uses.items():
            used[term_id].append((edition_page.lang, use))
    folded = page.text.casefold()
    added: dict[str | None, list[tuple[str, float]]] = defaultdict(list)
    for term_id, editions in used.items():
        names = [name for name in search_names(terms[term_id], page.lang) if name.casefold() not in folded]
        if not names:
            continue
        count = max(use.count for _, use in editions)
        if count < MIN_USES:
            continue
        own = dict(editions).get(page.lang)
        section = own.section if own and own.section else next((use.section for _, use in editions if use.section), None)
        added[section] += [(name, weight(count)) for name in names]
    return dict(added)


def prepared_copy(soup: BeautifulSoup) -> str | None:
    """The page in ``soup`` as Pagefind reads it (see the module's docstring), before the
    glossary's names are known: the places they may go are marked (ADDED) and filled by
    :func:`with_names`. None for a page without an <article> (a redirect). ``soup`` is changed
    in place: read the page's terms first."""
    article = article_of(soup)
    if article is None:
        return None
    for element in article.find_all(not_indexed):
        if not element.decomposed:
            element.decompose()
    article["data-pagefind-body"] = ""
    # Pagefind joins the text of elements it does not take for sentences: a table's header
    # cells and captions would run into each other ("Доля оценок20002010…")
    for cell in article.find_all(SPACED):
        cell.append(" ")
    for section in article.find_all("section", id=True):
        heading = section.find(HEADING, recursive=False)
        if heading is not None and not heading.get("id"):
            heading["id"] = section["id"]
            del section["id"]
    for string in list(article.find_all(string=True)):
        if isinstance(string, NavigableString) and string.parent.name not in ("script", "style"):
            indexed = index_text(str(string))
            if indexed != string:
                string.replace_with(indexed)
    places = [(mark["id"], mark) for mark in article.find_all("span", id=SECTION_MARK)]
    top = article.find(HEADING)
    if top is not None:
        places.append(("", top))
    for section, anchor in places:
        # at the end of the section's own text, before its subsections
        container = anchor.parent
        subsection = container.find("section", recursive=False)
        place = Comment(ADDED + section)
        if subsection is not None:
            subsection.insert_before(place)
        else:
            container.append(place)
    return str(soup)


def with_names(copy: str, added: dict[str | None, list[tuple[str, float]]]) -> str:
    """The prepared ``copy`` with the glossary's names in their sections (a section without
    a place of its own gives its names to the page's top), each a paragraph with its weight."""
    by_place: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for section, names in added.items():
        by_place[section if section and f"<!--{ADDED}{section}-->" in copy else ""] += names

    def paragraphs(match: re.Match) -> str:
        return "".join(f'<p data-pagefind-weight="{name_weight:g}">{html.escape(name + ".", quote=False)}</p>'
                       for name, name_weight in by_place.get(match[1], []))
    return ADDED_PLACE.sub(paragraphs, copy)


def index_text(text: str) -> str:
    """``text`` as the index reads it: a range's dash spaced, a number's separators replaced
    by their look-alikes (NUMBER_MARKS), so that each number is one word."""
    text = RANGE_DASH.sub(f"{THIN_SPACE}–{THIN_SPACE}", text)
    text = GROUPS.sub(lambda match: NUMBER_MARKS[match.group()], text)
    return DECIMAL.sub(lambda match: NUMBER_MARKS[match.group()], text)


def edition_pages(root: Path) -> list[Path]:
    """The searched pages of the edition in ``root`` (not its ``_`` folders, nor NOT_SEARCHED)."""
    return [path for path in sorted(root.rglob("*.html"))
            if not path.relative_to(root).as_posix().split("/")[0].startswith("_")
            and path.relative_to(root).as_posix() not in NOT_SEARCHED]


def code_key() -> str:
    """What an index copy depends on besides its page: this module, the glossary and its
    links, and Pagefind's version. A change to any of them makes every copy again."""
    from importlib.metadata import version

    digest = hashlib.sha256(version("pagefind").encode())
    for path in (Path(__file__), Path(glossary.__file__), REPO / "tooling" / "sphinx_ext" / "prose_links.py",
                 REPO / "data" / "reference" / "glossary.csv"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class CopyCache:
    """Each page's text, term counts and prepared index copy, kept by the content of the page
    (``<cache>/<code key>/``), so that a rebuild parses only the pages whose HTML changed."""

    def __init__(self, folder: Path | None):
        self.folder = folder / code_key() if folder else None
        self.parsed = 0

    def _path(self, kind: str, key: str) -> Path | None:
        return self.folder / kind / f"{key}.json" if self.folder else None

    def get(self, kind: str, key: str):
        path = self._path(kind, key)
        if path is not None and path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
        return None

    def put(self, kind: str, key: str, value) -> None:
        path = self._path(kind, key)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)

    def page(self, lang: str, relative: str, html: str) -> tuple[Page, str | None]:
        """The page with its text and term uses, and its prepared index copy (parsed only
        when not cached)."""
        key = hashlib.sha256(f"{lang}\0{relative}\0".encode() + html.encode()).hexdigest()
        cached = self.get("pages", key)
        if cached is None:
            soup = BeautifulSoup(html, "lxml")
            self.parsed += 1
            text, uses = term_uses(soup, lang)
            cached = {"text": text, "uses": {k: [u.count, u.section] for k, u in uses.items()},
                      "copy": prepared_copy(soup)}
            self.put("pages", key, cached)
        uses = {k: TermUse(count, section) for k, (count, section) in cached["uses"].items()}
        return Page(lang, relative, cached["text"], uses), cached["copy"]


def read_edition(root: Path, lang: str, store: CopyCache) -> list[tuple[Page, str | None]]:
    """The searched pages of the edition in ``root``, each with its prepared index copy."""
    return [store.page(lang, path.relative_to(root).as_posix(), path.read_text(encoding="utf-8"))
            for path in edition_pages(root)]


def warm(root: Path, lang: str, cache: Path) -> int:
    """Parse the edition in ``root`` into ``cache`` ahead of :func:`build`, as soon as the
    edition is built (while the other editions still build); the number of pages parsed."""
    store = CopyCache(cache)
    read_edition(root, lang, store)
    return store.parsed


def run_pagefind(pages: Path, output: Path) -> None:
    """Index the folder ``pages`` (``<lang>/<path>.html``, the index copies) into ``output``
    with Pagefind's command: one process for the whole site. (Its Python interface waits a
    tenth of a second for each page's reply: seconds for the book's pages.)"""
    command = [sys.executable, "-m", "pagefind", "--site", str(pages), "--output-path", str(output),
               "--include-characters", INCLUDE_CHARACTERS, "--keep-index-url", "--silent"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SearchIndexError(f"Pagefind failed on {pages}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


@dataclass
class IndexReport:
    pages: dict[str, int]
    bytes_by_edition: dict[str, int]
    shared_bytes: int
    seconds: float
    parsed: int = 0          # pages parsed again (the others' counts came from the cache)
    reused: bool = False     # the whole index was the previous build's: no page's copy changed


def build(site: Path, cache: Path | None = None, editions: dict[str, Path] | None = None) -> IndexReport:
    """Index the three editions into ``site/pagefind``: the assembled site's pages, or those in
    ``editions`` (each language's Sphinx output: the same pages before the assembly shared
    their static files, which the index does not read). With ``cache`` (a folder kept between
    builds), a page is parsed again only when its HTML changed, and Pagefind runs only when an
    index copy changed; otherwise the previous index is copied."""
    started = time.perf_counter()
    store = CopyCache(cache)
    read = {lang: read_edition((editions or {}).get(lang, site / lang), lang, store) for lang in LANGUAGES}
    by_path = defaultdict(list)
    for pages in read.values():
        for page, _ in pages:
            by_path[page.path].append(page)
    copies: list[tuple[str, str]] = []
    counts = {}
    for lang, pages in read.items():
        counts[lang] = 0
        for page, prepared in pages:
            if prepared is None:
                continue
            others = [other for other in by_path[page.path] if other.lang != lang]
            added = {} if page.path == "chapters/glossary.html" else glossary_text(page, others)
            copies.append((f"{lang}/{page.path}", with_names(prepared, added)))
            counts[lang] += 1
    if not all(counts.values()):
        raise SearchIndexError(f"an edition has no page to search: {counts}")
    output = site / OUTPUT
    reused = write_bundle(copies, output, cache)
    return IndexReport(counts, bundle_sizes(output), shared_size(output), time.perf_counter() - started,
                       store.parsed, reused)


def write_bundle(copies: list[tuple[str, str]], output: Path, cache: Path | None) -> bool:
    """Pagefind's bundle for ``copies`` in ``output``: the cached one when the copies are those
    it was made from (True), else made now by Pagefind. Only the latest bundle is kept."""
    digest = hashlib.sha256(code_key().encode())
    for url, copy in sorted(copies):
        digest.update(url.encode() + b"\0" + hashlib.sha256(copy.encode()).digest())
    key = digest.hexdigest()[:24]
    work = Path(tempfile.mkdtemp(prefix="search-")) if cache is None else cache / "work"
    bundle = work / f"bundle-{key}"
    try:
        if not bundle.is_dir():
            pages = work / "pages"
            shutil.rmtree(pages, ignore_errors=True)
            for url, copy in copies:
                (pages / url).parent.mkdir(parents=True, exist_ok=True)
                (pages / url).write_text(copy, encoding="utf-8")
            partial = work / "bundle.partial"
            shutil.rmtree(partial, ignore_errors=True)
            run_pagefind(pages, partial)
            for name in UNUSED:
                (partial / name).unlink(missing_ok=True)
            for old in work.glob("bundle-*"):
                shutil.rmtree(old)
            partial.rename(bundle)
            reused = False
        else:
            reused = True
        shutil.rmtree(output, ignore_errors=True)
        shutil.copytree(bundle, output)
    finally:
        if cache is None:
            shutil.rmtree(work, ignore_errors=True)
    return reused


def bundle_sizes(output: Path) -> dict[str, int]:
    """Bytes of each edition's own index files (its metadata, word index and page fragments)."""
    entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
    sizes = {}
    for lang, language in entry["languages"].items():
        meta = output / f"pagefind.{language['hash']}.pf_meta"
        if not meta.is_file():
            raise SearchIndexError(f"{output}: no metadata for the {lang} index")
        sizes[lang] = meta.stat().st_size + sum(p.stat().st_size for folder in ("index", "fragment")
                                                for p in (output / folder).glob(f"{lang}_*"))
    return sizes


def shared_size(output: Path) -> int:
    return sum(p.stat().st_size for p in output.iterdir() if p.is_file() and not p.name.endswith(".pf_meta"))
