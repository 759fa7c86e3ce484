"""Citing and re-running the book, as the built site shows them (read without a browser).

Each edition's "How to cite" page gives its readers' norm first (ГОСТ in kk and ru, APA
then Chicago in en), BibTeX, biblatex, RIS and CSL-JSON records that parse, and says what
is known of the paper. Every page carries the source repository (or says the build has
none) and an address to cite: the edition's public address when the build has one (then
also Sphinx's canonical link), otherwise a plain statement that it has none, never a path
such as ``chapters/cite.html``. Every section has an id from its position, the same in
each edition, for the language switcher. Needs a built site (``make book``)."""
from __future__ import annotations

import json
import re

import lxml.html
import pytest
from pybtex.database import parse_string

from analysis.present.i18n import t
from tooling import citation

LANGUAGES = ("kk", "en", "ru")
NORMS = {"kk": ["gost"], "ru": ["gost"], "en": ["apa", "chicago"]}
ACCESS = {"kk": "қаралған күні", "ru": "дата обращения"}


def read(path):
    return lxml.html.fromstring(path.read_bytes())


def text_of(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def content_pages(site_dir, lang):
    for path in sorted((site_dir / lang).rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in source or path.stem in ("search", "genindex"):
            continue
        yield path


def edition_address(site_dir, lang) -> str:
    """The edition's public address, as its landing page's canonical link gives it ("" when none)."""
    page = read(site_dir / lang / "chapters" / "index.html")
    canonical = page.xpath("//link[@rel='canonical']/@href")
    return canonical[0].removesuffix("chapters/index.html") if canonical else ""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_gives_an_address_to_cite_or_says_it_has_none(site_dir, lang):
    base = edition_address(site_dir, lang)
    for path in content_pages(site_dir, lang):
        page = read(path)
        block = page.xpath("//div[contains(@class, 'cite-this-page')]")
        assert len(block) == 1, path
        shown = text_of(block[0])
        target = base + path.relative_to(site_dir / lang).as_posix() if base else ""
        assert "chapters/" not in shown.replace(target, ""), f"{path}: a local path is printed as the address: {shown}"
        if base:
            assert page.xpath("//link[@rel='canonical']/@href") == [target], path
            assert block[0].xpath(".//a[contains(@class, 'cite-url')]/@href") == [target], path
        else:
            assert t("cite.no_address", lang) in shown, path
            assert not page.xpath("//link[@rel='canonical']"), path


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_names_the_source_repository_or_says_the_build_has_none(site_dir, lang):
    for path in content_pages(site_dir, lang):
        footer = read(path).xpath("//footer//p[contains(@class, 'book-repository')]")
        assert len(footer) == 1, path
        link = footer[0].xpath(".//a/@href")
        if link:
            assert citation.ADDRESS.fullmatch(link[0]) and text_of(footer[0]).endswith(link[0]), path
        else:
            assert text_of(footer[0]) == t("repository.none", lang), path


@pytest.mark.parametrize("lang", LANGUAGES)
def test_how_to_cite_gives_the_edition_s_norm_first(site_dir, lang):
    page = read(site_dir / lang / "chapters" / "cite.html")
    references = page.xpath("//p[contains(@class, 'formatted-reference') and contains(@class, 'citation')]")
    norms = [next(c.removeprefix("norm-") for c in r.get("class").split() if c.startswith("norm-")) for r in references]
    # the book's references, then the paper's
    assert norms == NORMS[lang] * 2
    book, paper = text_of(references[0]), text_of(references[len(NORMS[lang])])
    base = edition_address(site_dir, lang)
    assert t("book.title", lang).replace(": ", " : " if lang != "en" else ": ") in book
    assert "Рамазанов" in paper or "Ramazanov" in paper
    if lang != "en":
        assert book.endswith({"kk": "Мәтін : электрондық.", "ru": "Текст : электронный."}[lang])
        assert (f"URL: {base} ({ACCESS[lang]}: " in book) == bool(base) and (ACCESS[lang] in book) == bool(base)
    if base:
        assert base in book
    else:
        assert t("cite.no_address", lang) in text_of(page)
        assert "http" not in book


@pytest.mark.parametrize("lang", LANGUAGES)
def test_how_to_cite_gives_records_that_parse(site_dir, lang):
    page = read(site_dir / lang / "chapters" / "cite.html")
    records = [pre.text_content() for pre in page.xpath("//div[contains(@class, 'citation-record')]//pre")]
    kinds = [r.lstrip()[:8] for r in records]
    bibtex = [r for r in records if r.lstrip().startswith("@")]
    entries = {e.type: e for r in bibtex for e in parse_string(r, "bibtex").entries.values()}
    assert set(entries) == {"misc", "online"}, kinds
    assert entries["online"].fields["version"] == citation.current_release().label  # not an earlier build's
    (item,) = json.loads(next(r for r in records if r.lstrip().startswith("[")))
    assert item["title"] == t("book.title", lang) and item["version"] == entries["online"].fields["version"]
    base = edition_address(site_dir, lang)
    assert item.get("URL", "") == base and entries["online"].fields.get("url", "") == base
    assert sum(r.lstrip().startswith("TY  - ") for r in records) == 2  # the book's and the paper's


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_cite_page_says_what_is_known_of_the_paper(site_dir, lang):
    shown = text_of(read(site_dir / lang / "chapters" / "cite.html"))
    for known in {"kk": ("2023 жылғы 28 сәуір", "«Тұран» университеті", "DOI"),
                  "en": ("28 April 2023", "Turan University", "DOI"),
                  "ru": ("28 апреля 2023 года", "университет «Туран»", "DOI")}[lang]:
        assert known in shown, known


@pytest.mark.parametrize("lang", LANGUAGES)
def test_reproduce_page_gives_the_readme_s_commands(site_dir, lang):
    page = read(site_dir / lang / "chapters" / "reproduce.html")
    code = "\n".join(pre.text_content() for pre in page.xpath("//pre"))
    for command in ("make book", "make test", "make extract", ".venv/bin/python -m analysis.data.refresh --help",
                    f"| .venv/bin/papermill - data.ipynb -p lang {lang}"):
        assert command in code, command
    readme = (citation.REPO / "README.md").read_text(encoding="utf-8")
    for line in (line.split("#")[0].strip() for line in code.splitlines()):
        if line.startswith(("make ", ".venv/bin/python")):
            assert line in readme, line
        elif line.startswith(".venv/bin/jupytext"):
            # the README's command for one chapter, here with another chapter's file
            before, _, after = line.partition("analysis/notebooks/")
            assert before + "analysis/notebooks/" in readme and "| .venv/bin/papermill - " in after, line
    assert page.xpath("//p[contains(@class, 'book-repository')]")
    toc = read(site_dir / lang / "chapters" / "introduction.html").xpath("//nav[contains(@class, 'bd-docs-nav')]//a/@href")
    assert "reproduce.html" in toc and toc.index("reproduce.html") == toc.index("cite.html") + 1


def section_positions(path) -> list[str]:
    return read(path).xpath("//section/span[starts-with(@id, 'section-')]/@id")


def test_every_section_has_the_same_position_id_in_each_edition(site_dir):
    for path in content_pages(site_dir, "en"):
        page = path.relative_to(site_dir / "en")
        sections = read(path).xpath("//article//section")
        positions = {lang: section_positions(site_dir / lang / page) for lang in LANGUAGES}
        assert len(positions["en"]) == len(sections), page
        assert positions["kk"] == positions["en"] == positions["ru"], page
