"""Every chapter exists in kk, en and ru with the same structure: headings (by level),
labels, figures, glued values, citations and cross-references. Generic: it reads the
table of contents, so chapters added later are covered too."""
from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from analysis.paths import REPO
from analysis.present.i18n import LANGUAGES
from tooling import notebooks

PROSE = REPO / "chapters"
NOTEBOOKS = REPO / "analysis" / "notebooks"
PATTERNS = {
    "heading levels": re.compile(r"^(#{1,6}) ", re.M),
    "labels": re.compile(r"^\(([\w-]+)\)=\s*$", re.M),
    "figures": re.compile(r"^```\{glue:(?:figure|any)?\}\s*(\S+)", re.M),
    "figure names": re.compile(r"^:name:\s*(\S+)", re.M),
    "glued values": re.compile(r"\{glue:\w+\}`([^`]+)`"),
    "citations": re.compile(r"\{cite:\w+\}`([^`]+)`"),
    # the target only: a reference's own text ("{number}-кестеде <tbl-x>") is the language's
    "cross-references": re.compile(r"\{(?:doc|ref|numref)\}`(?:[^`<]*<)?([^`<>]+)>?`"),
}


def structure(text: str) -> dict[str, Counter]:
    """What a page's structure is made of, as multisets (order-free, so that a sentence
    may be built differently in each language)."""
    found = {}
    for name, pattern in PATTERNS.items():
        items = pattern.findall(text)
        if name == "heading levels":
            items = [len(level) for level in items]
        if name == "citations":
            items = [key.strip() for group in items for key in group.split(",")]
        found[name] = Counter(items)
    return found


def differences(texts: dict[str, str]) -> list[str]:
    """Human-readable list of how each language's structure differs from English."""
    shapes = {lang: structure(text) for lang, text in texts.items()}
    problems = []
    for lang in LANGUAGES:
        if lang == "en":
            continue
        for name in PATTERNS:
            missing = shapes["en"][name] - shapes[lang][name]
            extra = shapes[lang][name] - shapes["en"][name]
            if missing:
                problems.append(f"{lang}: {name} missing {sorted(missing.elements(), key=str)}")
            if extra:
                problems.append(f"{lang}: {name} not in en {sorted(extra.elements(), key=str)}")
    return problems


def toc_names() -> list[str]:
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    entries = [toc["root"]] + [entry["file"] for entry in toc.get("chapters", [])]
    return [entry.rsplit("/", 1)[-1] for entry in entries]


def chapter_texts(name: str) -> dict[str, str] | list[str]:
    notebook = NOTEBOOKS / f"{name}.md"
    if notebook.is_file():
        source = notebooks.read_source(notebook)
        return {lang: "\n\n".join(cell.source for cell in notebooks.cells_for(source, lang).cells
                                  if cell.cell_type == "markdown") for lang in LANGUAGES}
    missing = [lang for lang in LANGUAGES if not (PROSE / lang / f"{name}.md").is_file()]
    if missing:
        return [f"{name}: no page in {', '.join(missing)}"]
    return {lang: (PROSE / lang / f"{name}.md").read_text(encoding="utf-8") for lang in LANGUAGES}


@pytest.mark.parametrize("name", toc_names())
def test_chapter_has_the_same_structure_in_every_language(name):
    texts = chapter_texts(name)
    problems = texts if isinstance(texts, list) else differences(texts)
    assert not problems, f"chapter {name!r} differs between editions:\n" + "\n".join(problems)


def test_every_prose_page_is_in_the_table_of_contents_in_every_language():
    names = set(toc_names())
    for lang in LANGUAGES:
        stray = sorted(p.stem for p in (PROSE / lang).glob("*.md") if p.stem not in names)
        assert not stray, f"{lang}: pages not in _toc.yml: {stray}"


def test_a_missing_citation_or_heading_is_reported():
    en = "# Title\n\n## Part\n\nText {cite:p}`a,b` and {doc}`claims` {glue:text}`x`.\n"
    ru = "# Заголовок\n\nТекст {cite:p}`a` и {doc}`claims` {glue:text}`x`.\n"
    problems = differences({"en": en, "kk": en, "ru": ru})
    assert "ru: heading levels missing [2]" in problems
    assert "ru: citations missing ['b']" in problems
    assert not [p for p in problems if p.startswith("kk")]


MARKUP = [re.compile(r"```.*?```", re.S), re.compile(r"\{[\w:-]+\}`[^`]*`"), re.compile(r"^:\w+:.*$", re.M),
          re.compile(r"^\(.*\)=$", re.M)]


def narrative_words(text: str) -> int:
    """Words a reader reads: code, directives, roles and labels removed; numbers and
    symbols are not words."""
    for pattern in MARKUP:
        text = pattern.sub(" ", text)
    return len(re.findall(r"[^\W\d_]+", text))


def edition_words(lang: str, exclude=("index", "references")) -> int:
    total = 0
    for name in toc_names():
        if name in exclude:
            continue
        texts = chapter_texts(name)
        if isinstance(texts, dict):
            total += narrative_words(texts[lang])
    return total


def test_word_count_ignores_markup_and_numbers():
    assert narrative_words("Trade grew {glue:text}`x` by 2,5 % ({doc}`claims`).\n```{code-cell}\nx = 1\n```") == 3


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_edition_has_at_least_6000_words_of_narrative(lang):
    words = edition_words(lang)
    assert words >= 6000, f"{lang}: {words} words of narrative"


if __name__ == "__main__":  # python -m tests.test_parity: the counts per edition
    for lang in LANGUAGES:
        print(f"{lang}: {edition_words(lang)} words in all chapters, "
              f"{edition_words(lang, exclude=('index', 'references', 'data', 'indicators'))} in the narrative chapters")
