"""The book's terms as data (``data/reference/glossary.csv``): the glossary page of each
edition is rendered from it, and :func:`rejected_uses` finds the variants it rules out."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from analysis.errors import DataError
from analysis.paths import DATA_DIR
from analysis.present.i18n import LANGUAGES, collation_key, t

GLOSSARY = DATA_DIR / "reference" / "glossary.csv"
# Wording that is not a glossary term but that the editions avoid: calques, non-words,
# a second spelling (lang, variant, what to write, why).
WORDING = DATA_DIR / "reference" / "rejected_wording.csv"
WORDING_COLUMNS = ["lang", "variant", "write", "reason"]
COLUMNS = ["term", *LANGUAGES, *(f"abbr_{lang}" for lang in LANGUAGES),
           *(f"definition_{lang}" for lang in LANGUAGES), "source", *(f"rejected_{lang}" for lang in LANGUAGES)]
REQUIRED = ["term", *LANGUAGES, *(f"definition_{lang}" for lang in LANGUAGES)]

@dataclass(frozen=True)
class Term:
    id: str
    names: dict[str, str]
    abbreviations: dict[str, str]
    definitions: dict[str, str]
    source: str
    rejected: dict[str, tuple[str, ...]]


@cache
def terms(path: Path = GLOSSARY) -> tuple[Term, ...]:
    """Every term, checked: all columns present, a name and a definition in each language,
    unique ids, and no rejected variant that is also an accepted term of the same language."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != COLUMNS:
            raise DataError(path, f"columns must be {COLUMNS}, found {reader.fieldnames}", row=1)
        rows = list(reader)
    seen: set[str] = set()
    result = []
    for line, row in enumerate(rows, start=2):
        for field in REQUIRED:
            if not row[field].strip():
                raise DataError(path, "empty; every term needs its name and definition in kk, en and ru",
                                row=line, field=field)
        if row["term"] in seen:
            raise DataError(path, f"term id {row['term']!r} appears twice", row=line, field="term")
        seen.add(row["term"])
        rejected = {lang: tuple(v.strip() for v in row[f"rejected_{lang}"].split("|") if v.strip())
                    for lang in LANGUAGES}
        for lang, variants in rejected.items():
            for variant in variants:
                if variant.casefold() in row[lang].casefold():
                    raise DataError(path, f"rejected variant {variant!r} is part of the accepted term {row[lang]!r}",
                                    row=line, field=f"rejected_{lang}")
        result.append(Term(row["term"], {lang: row[lang].strip() for lang in LANGUAGES},
                           {lang: row[f"abbr_{lang}"].strip() for lang in LANGUAGES},
                           {lang: row[f"definition_{lang}"].strip() for lang in LANGUAGES},
                           row["source"].strip(), rejected))
    return tuple(result)


def term(term_id: str, lang: str) -> str:
    """The accepted name of ``term_id`` in ``lang``."""
    for entry in terms():
        if entry.id == term_id:
            return entry.names[lang]
    raise KeyError(f"{GLOSSARY}: no term {term_id!r}")


@dataclass(frozen=True)
class Wording:
    lang: str
    variant: str
    write: str
    reason: str


@cache
def rejected_wording(path: Path = WORDING) -> tuple[Wording, ...]:
    """The wording the editions avoid, checked: the columns, a known language, every field filled."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != WORDING_COLUMNS:
            raise DataError(path, f"columns must be {WORDING_COLUMNS}, found {reader.fieldnames}", row=1)
        rows = list(reader)
    result = []
    for line, row in enumerate(rows, start=2):
        for field in WORDING_COLUMNS:
            if not (row[field] or "").strip():
                raise DataError(path, "empty; every rejected wording needs its language, variant, "
                                "replacement and reason", row=line, field=field)
        if row["lang"] not in LANGUAGES:
            raise DataError(path, f"unknown language {row['lang']!r}", row=line, field="lang")
        result.append(Wording(*(row[field].strip() for field in WORDING_COLUMNS)))
    return tuple(result)


@dataclass(frozen=True)
class RejectedUse:
    line: int
    variant: str
    term: str
    accepted: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.variant!r} (glossary term {self.term!r}: write {self.accepted!r})"


def rejected_uses(text: str, lang: str, first_line: int = 1) -> list[RejectedUse]:
    """Every place in ``text`` (written in ``lang``) where a variant the glossary rejects
    for ``lang`` appears. Variants are matched ignoring case, anywhere in a word, so a
    Kazakh or Russian stem catches all its case endings. The wording of
    ``rejected_wording.csv`` is checked the same way (its "term" is ``wording``)."""
    rules = [(variant, entry.id, entry.names[lang]) for entry in terms() for variant in entry.rejected[lang]]
    rules += [(w.variant, "wording", w.write) for w in rejected_wording() if w.lang == lang]
    found = []
    for variant, term_id, accepted in rules:
        pattern = re.compile(re.escape(variant), re.IGNORECASE)
        for match in pattern.finditer(text):
            line = first_line + text.count("\n", 0, match.start())
            found.append(RejectedUse(line, match.group(), term_id, accepted))
    return sorted(found, key=lambda use: use.line)


def glossary_markdown(lang: str) -> str:
    """The glossary page's body in ``lang``: a MyST definition list in dictionary order,
    each term with its abbreviation, its definition and, where the term is standard, the
    work that defines it (a citation the bibliography resolves)."""
    blocks = []
    for entry in sorted(terms(), key=lambda e: collation_key(e.names[lang], lang)):
        name = entry.names[lang][:1].upper() + entry.names[lang][1:]
        abbreviation = entry.abbreviations[lang]
        if abbreviation and abbreviation != name:
            name = f"{name} ({abbreviation})"
        definition = entry.definitions[lang]
        if entry.source:
            definition += f" {t('glossary.source', lang)}: {{cite:t}}`{entry.source}`."
        blocks.append(f"**{name}**\n: {definition}\n")
    return "\n".join(blocks)
