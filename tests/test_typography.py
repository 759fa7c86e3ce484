"""Kazakh and Russian typography (``tooling/typography.py``): a no-break space before an
em dash and before %, one dash in pairs of names, „…“ inside «…», no TeX quotes. The
prose pages, the catalogue and the reference tables follow it; the notebook chapters are
held to their present count until they are edited (the count may only go down)."""
from __future__ import annotations

import html
import re
from collections import Counter

import pytest
import yaml

from analysis.present import i18n
from tooling import notebooks, typography
from tooling.build import NOTEBOOK_DIR, PROSE_DIR, REPO

import edition_texts

CYRILLIC = ("kk", "ru")
ROLE_TARGET = re.compile(r"(\{[a-z:-]+\})`[^`]*`")
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def _visible(text: str) -> str:
    return CODE.sub("`code`", ROLE_TARGET.sub(r"\1", text))


def test_the_rules_find_and_fix():
    text = "Астана — столица, 29 % и индекс Фингера–Крейнина; «Батыс Еуропа – Батыс Қытай»\n— дальше"
    rules = [rule for _, rule, _ in typography.problems(text)]
    assert len(rules) == 5
    fixed = typography.fix(text)
    assert typography.problems(fixed) == []
    assert "Астана\u00a0— столица" in fixed and "29\u00a0%" in fixed and "Фингера\u00a0— Крейнина" in fixed
    # ranges keep their unspaced en dash, compounds their hyphen
    assert typography.problems("в 2000–2020 годах, Азия-Тынық мұхиты") == []
    # the area separator of a ГОСТ reference follows a full stop and stays as the norm writes it
    assert typography.problems("Введение // Книга / Авторы. – Русское издание. – 2026.") == []
    assert typography.fix("Книга. – 2026.") == "Книга. – 2026."
    assert [rule for _, rule, _ in typography.problems("«в «кавычках»» и ``TeX''")] == \
        ["TeX quotes", "TeX quotes", "«…» inside «…» (write „…“ inside)"]


def test_a_number_and_its_unit_stay_together():
    text = "шек 8 445 км-ден, {glue:text}\nкм, 890 млрд доллар, 4,3 п. п.; {via} км"
    found = [rule for _, rule, _ in typography.problems(text)]
    assert found.count("an ordinary space or a line break between a number and its unit (write a no-break space)") == 5
    fixed = typography.fix(text)
    assert typography.problems(fixed) == []
    assert "8 445\u00a0км-ден" in fixed and "{glue:text}\u00a0км" in fixed and "4,3\u00a0п.\u00a0п." in fixed
    # a word that merely starts like a unit, and a year, are left alone
    assert typography.problems("в 5 километрах, 2020 жылы, 12 мың") == []
    # the formatter joins a glued value and its unit itself
    assert i18n.format_quantity(8445, "km", "kk") == "8\u202f445\u00a0км"
    assert i18n.format_quantity(8445, "km", "en") == "8,445\u00a0km"


# a number (or a glued value) and a unit separated by ordinary white space on a built page
BUILT_SPLIT_UNIT = re.compile(rf"\d[ \t\n]+{typography.UNITS}")


@pytest.mark.parametrize("lang", CYRILLIC)
def test_built_pages_keep_numbers_and_units_together(site_dir, lang):
    pages = sorted((site_dir / lang / "chapters").glob("*.html"))
    assert pages
    found = []
    for page in pages:
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", page.read_text(encoding="utf-8"), flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
        found += [f"{page.name}: {text[max(0, m.start() - 30):m.end() + 10]!r}" for m in BUILT_SPLIT_UNIT.finditer(text)]
    assert found == []


def _catalogue(lang):
    for key, texts in yaml.safe_load(i18n.CATALOGUE.read_text(encoding="utf-8")).items():
        text = texts[lang]
        yield f"catalogue {key}", " ".join(text.values()) if isinstance(text, dict) else str(text)


def _problems(sources):
    return [f"{where} line {line}: {rule}: {excerpt!r}" for where, text in sources
            for line, rule, excerpt in typography.problems(_visible(text))]


@pytest.mark.parametrize("lang", CYRILLIC)
def test_prose_pages_catalogue_and_reference_tables(lang):
    pages = [(str(p.relative_to(REPO)), p.read_text(encoding="utf-8"))
             for p in sorted((PROSE_DIR / lang).glob("*.md"))]
    assert _problems(pages) == []
    assert _problems(_catalogue(lang)) == []
    assert _problems(edition_texts.reference_texts(lang)) == []


def test_no_tex_quotes_in_english():
    sources = [(str(p), p.read_text(encoding="utf-8")) for p in sorted((PROSE_DIR / "en").glob("*.md"))]
    sources += list(_catalogue("en")) + list(edition_texts.reference_texts("en"))
    assert [p for p in _problems(sources) if "TeX" in p] == []


def _notebook_counts():
    counts = Counter()
    for lang in CYRILLIC:
        for source in sorted(NOTEBOOK_DIR.glob("*.md")):
            cells = notebooks.cells_for(notebooks.read_source(source), lang).cells
            for cell in cells:
                if cell.cell_type == "markdown":
                    counts[f"{source.name} {lang}"] += len(typography.problems(_visible(cell.source)))
    return {key: value for key, value in counts.items() if value}


def test_the_notebook_chapters_follow_the_rules_too():
    assert _notebook_counts() == {}, "(notebook, language): problems found"
