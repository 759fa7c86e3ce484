"""How to cite the book, a page of it, and the paper it edits, in each language.

The book's metadata come from ``CITATION.cff`` (title, authors, version, licence); the
edition's title and the paper's title and authors as each language writes them come
from the catalogue. The date and commit come from the git commit being built, never
from the clock, so that rebuilding the same commit gives the same bytes.
"""
from __future__ import annotations

import datetime
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.paths import REPO
from analysis.present.i18n import format_date, t

CITATION_FILE = REPO / "CITATION.cff"


class CitationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Release:
    """What is being built: the version, and the commit with its date."""
    version: str
    commit: str
    date: datetime.date

    @property
    def label(self) -> str:
        return f"{self.version}+{self.commit}"


def metadata(path: Path = CITATION_FILE) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CitationError(f"{path}: cannot read the citation metadata: {error}") from None


def current_release(repo: Path = REPO) -> Release:
    """The version from CITATION.cff; commit and date from git, or from
    ``SOURCE_DATE_EPOCH`` (and ``SOURCE_COMMIT``) when building outside a checkout."""
    version = str(metadata(repo / "CITATION.cff")["version"])

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()

    try:
        commit = git("rev-parse", "--short=10", "HEAD")
        date = datetime.date.fromisoformat(git("log", "-1", "--format=%cs"))
        return Release(version, commit, date)
    except (OSError, subprocess.CalledProcessError):
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if not epoch:
            raise CitationError(f"{repo} is not a git checkout and SOURCE_DATE_EPOCH is not set: "
                                "cannot date the build without the clock") from None
        date = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
        return Release(version, os.environ.get("SOURCE_COMMIT", "unknown"), date)


def long_date(date: datetime.date, lang: str) -> str:
    return format_date(date, lang)


def version_line(lang: str, release: Release) -> str:
    return t("cite.version_line", lang, version=release.label, date=long_date(release.date, lang))


def book_reference(lang: str, release: Release) -> str:
    """A formatted reference to the book's edition in ``lang`` (plain text)."""
    return t("cite.book_reference", lang, authors=t("book.author", lang), year=release.date.year,
             title=t("book.title", lang), edition=t("cite.edition", lang), version_line=version_line(lang, release))


def page_reference(lang: str, release: Release, page_title: str) -> str:
    return t("cite.page_reference", lang, authors=t("book.author", lang), year=release.date.year,
             page=page_title, title=t("book.title", lang), edition=t("cite.edition", lang),
             version_line=version_line(lang, release))


def paper_reference(lang: str) -> str:
    return t("cite.paper_reference", lang, authors=t("paper.authors", lang), title=t("paper.title", lang))


def _bibtex(kind: str, key: str, fields: dict[str, str]) -> str:
    body = ",\n".join(f"  {name:<9} = {{{value}}}" for name, value in fields.items())
    return f"@{kind}{{{key},\n{body}\n}}"


def book_bibtex(lang: str, release: Release) -> str:
    meta = metadata()
    return _bibtex("book", f"silkroadintegration{release.date.year}{lang}", {
        "author": "{" + t("book.author", lang) + "}",
        "title": t("book.title", lang),
        "edition": t("cite.edition", lang),
        "version": release.label,
        "year": str(release.date.year),
        "date": release.date.isoformat(),
        "language": t("cite.language_name", lang),
        "note": t("cite.licence_note", lang, licence=meta["license"]),
    })


def paper_bibtex() -> str:
    return _bibtex("misc", "ramazanov2023", {
        "author": "Рамазанов, А. А. and Кренгауз, И. Н. and Каримова, М.",
        "title": t("paper.title", "kk"),
        "year": "2023",
        "language": "kazakh",
        "note": f"{t('paper.title', 'en')}; {t('paper.title', 'ru')}",
    })


def _ris(fields: list[tuple[str, str]]) -> str:
    return "\n".join(f"{tag}  - {value}" for tag, value in fields + [("ER", "")])


def book_ris(lang: str, release: Release) -> str:
    return _ris([("TY", "BOOK"), ("AU", t("book.author", lang)), ("TI", t("book.title", lang)),
                 ("ET", t("cite.edition", lang)), ("PY", str(release.date.year)),
                 ("DA", release.date.strftime("%Y/%m/%d")), ("LA", lang), ("N1", f"{release.label}")])


def paper_ris() -> str:
    return _ris([("TY", "GEN"), ("AU", "Рамазанов, А. А."), ("AU", "Кренгауз, И. Н."), ("AU", "Каримова, М."),
                 ("TI", t("paper.title", "kk")), ("TT", t("paper.title", "en")), ("PY", "2023"), ("LA", "kk")])
