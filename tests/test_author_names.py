"""Authors named in kk and ru sentences: in the edition's script, with the initials of the
names table (``data/reference/author_names.csv``) and the citation in brackets —
«Дж. Вайнер [Viner, 1950]», «Р. Липси мен К. Ланкастер [Lipsey, Lancaster, 1956]» — never
a Latin surname left undeclined as the subject ({cite:t} prints "Viner [1950]")."""
from __future__ import annotations

import csv
import re

import pytest

from analysis.present.i18n import LANGUAGES
from tooling import notebooks
from tooling.build import NOTEBOOK_DIR, PROSE_DIR, REPO

import edition_texts

NAMES = REPO / "data" / "reference" / "author_names.csv"
COLUMNS = ["surname", "kk", "ru", "initials", "bib_keys", "rejected_kk", "rejected_ru"]
ROLE = re.compile(r"\{([a-z:-]+)\}`([^`]*)`")
CODE = re.compile(r"`[^`]*`")
INITIALS = r"(?:[А-ЯЁӘҒҚҢӨҰҮҺІA-Z][а-яёәғқңөұүһіa-z]?\.\s?)+"


def _table() -> list[dict[str, str]]:
    with NAMES.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def _cyrillic_author_keys(lang: str) -> set[str]:
    """Keys of entries that give their authors in ``lang`` (``author_kk``, ``author_ru``):
    {cite:t} prints those names in the edition's script already."""
    bib = (REPO / "references.bib").read_text(encoding="utf-8")
    return {key for key, body in re.findall(r"^@\w+\{([^,]+),(.*?)^\}", bib, flags=re.M | re.S)
            if re.search(rf"^\s*author_{lang}\s*=", body, flags=re.M)}


def name_problems(text: str, lang: str, table: list[dict[str, str]] | None = None) -> list[str]:
    """What in ``text`` (MyST source in kk or ru) breaks the names rule."""
    table = _table() if table is None else table
    problems = []
    keys = {key: row for row in table for key in row["bib_keys"].split(";")}
    in_script = _cyrillic_author_keys(lang)
    for role, target in ROLE.findall(text):
        if role == "cite:t":
            for key in target.split(","):
                if key.strip() in keys and key.strip() not in in_script:
                    problems.append(f"{{cite:t}}`{key.strip()}` prints the Latin name undeclined: write "
                                    f"«{keys[key.strip()]['initials']} {keys[key.strip()][lang]} {{cite:p}}`{key.strip()}`»")
    prose = CODE.sub(" ", ROLE.sub(" ", text))
    for row in table:
        if re.search(rf"(?<![\w.]){re.escape(row['surname'])}(?!\w)", prose):
            problems.append(f"Latin surname {row['surname']!r} in the sentence: write «{row['initials']} {row[lang]}»")
        for variant in filter(None, row[f"rejected_{lang}"].split("|")):
            if re.search(rf"(?<!\w){re.escape(variant)}", prose):
                problems.append(f"{variant!r}: write {row[lang]!r}")
        for match in re.finditer(rf"({INITIALS})\s*{re.escape(row[lang])}(?![а-яёәғқңөұүһі]{{0,1}}\w*\.)", prose):
            written = re.sub(r"\s+", " ", match.group(1)).strip()
            if written != row["initials"]:
                problems.append(f"{written} {row[lang]}: the initials are {row['initials']!r}")
    return problems


def test_the_names_table_matches_the_bibliography():
    bib = (REPO / "references.bib").read_text(encoding="utf-8")
    entries = dict(re.findall(r"^@\w+\{([^,]+),(.*?)^\}", bib, flags=re.M | re.S))
    for row in _table():
        assert all(row[column].strip() for column in ("surname", "kk", "ru", "initials", "bib_keys")), row
        for key in row["bib_keys"].split(";"):
            assert key in entries, f"{row['surname']}: no entry {key!r} in references.bib"
            author = " ".join(re.findall(r"^\s*author(?:_kk|_ru)?\s*=\s*\{(.*)\},?\s*$", entries[key], flags=re.M))
            assert row["surname"] in author or row["ru"] in author, \
                f"{key}: {row['surname']!r} is not among its authors ({author})"


def test_the_rule_finds_what_it_should():
    assert name_problems("Дж. Вайнер {cite:p}`viner1950` показал", "ru") == []
    assert name_problems("Р. Липси мен К. Ланкастер {cite:p}`lipsey1956` тұжырымдады", "kk") == []
    assert len(name_problems("{cite:t}`meade1955` уточнил", "ru")) == 1
    assert len(name_problems("со ссылкой на Kanyibek", "ru")) == 1
    assert len(name_problems("Винер показал", "ru")) == 1
    assert name_problems("Д. Вайнер показал", "ru") == ["Д. Вайнер: the initials are 'Дж.'"]
    # a file name or a citation key is not a name in a sentence
    assert name_problems("`viner1950.pdf` и {cite:p}`viner1950`", "ru") == []


def _prose(lang):
    for page in sorted((PROSE_DIR / lang).glob("*.md")):
        yield str(page.relative_to(REPO)), page.read_text(encoding="utf-8")
    for source in sorted(NOTEBOOK_DIR.glob("*.md")):
        cells = notebooks.cells_for(notebooks.read_source(source), lang).cells
        text = "\n".join(cell.source for cell in cells if cell.cell_type == "markdown")
        yield str(source.relative_to(REPO)), text
    yield from edition_texts.reference_texts(lang, skip=(NAMES.name,), yaml_files=False)


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_kk_and_ru_prose_write_names_as_the_table_does(lang):
    found = [f"{where}: {problem}" for where, text in _prose(lang) for problem in name_problems(text, lang)]
    assert found == []


PAPER_AUTHORS = {"kk": "Рамазанов, А. А. and Кренгауз, И. Н. and Каримова, М.",
                 "ru": "Рамазанов, А. А. and Кренгауз, И. Н. and Каримова, М.",
                 "en": "Ramazanov, A. A. and Krengauz, I. N. and Karimova, M."}


def test_the_paper_s_authors_have_one_form_in_every_edition():
    """The initials the byline of the Kazakh body prints (А. А. Рамазанов), in every
    edition: the bibliography, the catalogue's citation line and the prose."""
    bib = (REPO / "references.bib").read_text(encoding="utf-8")
    entry = re.search(r"^@misc\{ramazanov2023,(.*?)^\}", bib, flags=re.M | re.S).group(1)
    for lang, authors in PAPER_AUTHORS.items():
        field = "author" if lang == "en" else f"author_{lang}"
        assert re.search(rf"^\s*{field}\s*=\s*\{{{re.escape(authors)}\}}", entry, flags=re.M), lang
    from analysis.present.i18n import t
    assert t("paper.authors", "en").startswith("Ramazanov, A. A.,")
    assert t("paper.authors", "kk").startswith("Рамазанов А. А.,") and t("paper.authors", "ru").startswith("Рамазанов А. А.,")
    english = "\n".join(text for _, text in _english_prose())
    assert re.findall(r"(?<!A\. )(?<!A\.)\bA\. Ramazanov|Ramazanov, A\.(?! A\.)", english) == []


def _english_prose():
    for page in sorted((PROSE_DIR / "en").glob("*.md")):
        yield str(page.relative_to(REPO)), page.read_text(encoding="utf-8")
    for source in sorted(NOTEBOOK_DIR.glob("*.md")):
        cells = notebooks.cells_for(notebooks.read_source(source), "en").cells
        yield str(source.relative_to(REPO)), "\n".join(c.source for c in cells if c.cell_type == "markdown")
