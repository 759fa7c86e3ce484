"""How to cite the book, a page of it, and the paper it edits, in each language.

The book's metadata come from ``CITATION.cff`` (title, authors, version, licence); the
edition's title and the paper's title and authors as each language writes them come
from the catalogue. The date and commit come from the git commit being built, never
from the clock, so that rebuilding the same commit gives the same bytes.

Where the book lives comes from configuration (:func:`site`): the ``silkroad`` block of
``_config.yml`` (``base_url``, ``repository``, ``doi``), each overridden by an
environment variable (``SILKROAD_BASE_URL``, ``SILKROAD_REPOSITORY``, ``SILKROAD_DOI``),
which is how the Pages workflow passes the deployment's address. A local build has no
public address: every record then leaves the URL out and the pages say so.

Records: a classic BibTeX ``@misc`` (formats in BibTeX's standard styles, the version in
``note``), a biblatex ``@online`` (``version``, ``date``, ``url``, ``urldate``), RIS and
CSL-JSON; the formatted references (ГОСТ, APA, Chicago) are made from the CSL-JSON
items by ``tooling.citation_styles``.
"""
from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.paths import REPO
from analysis.present.i18n import format_date, t

CITATION_FILE = REPO / "CITATION.cff"
CONFIG_FILE = REPO / "_config.yml"
BIBLIOGRAPHY_FILE = REPO / "references.bib"
# each setting of the ``silkroad`` block of _config.yml, and the variable that overrides it
ENVIRONMENT = {"base_url": "SILKROAD_BASE_URL", "repository": "SILKROAD_REPOSITORY", "doi": "SILKROAD_DOI"}
ADDRESS = re.compile(r"https?://[^\s?#<>\"']+")
DOI = re.compile(r"10\.\d{4,9}/\S+")


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


@dataclass(frozen=True)
class Site:
    """Where the book is published: the site's base URL (the editions are ``<base>/<lang>/``),
    the source repository's address and the DOI of the archived release; each may be
    empty, meaning this build does not have it."""
    base_url: str = ""
    repository: str = ""
    doi: str = ""

    def edition_url(self, lang: str) -> str:
        """The edition's address, ``<base>/<lang>/``; empty for a build without a public address."""
        return f"{self.base_url}/{lang}/" if self.base_url else ""

    def page_url(self, lang: str, path: str) -> str:
        """The address of ``path`` (e.g. ``chapters/data.html``) in the edition, or empty."""
        return self.edition_url(lang) + path if self.base_url else ""

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""


def site(config_file: Path = CONFIG_FILE, environ: dict | None = None) -> Site:
    """The ``silkroad`` settings of ``config_file``, each overridden by its environment
    variable when that is set and not empty."""
    environ = os.environ if environ is None else environ
    try:
        config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise CitationError(f"{config_file}: cannot read the configuration: {error}") from None
    block = config.get("silkroad") or {}
    if not isinstance(block, dict):
        raise CitationError(f"{config_file}: silkroad: expected a mapping of {sorted(ENVIRONMENT)}, found {block!r}")
    unknown = sorted(set(block) - set(ENVIRONMENT))
    if unknown:
        raise CitationError(f"{config_file}: silkroad: unknown settings {unknown}; allowed: {sorted(ENVIRONMENT)}")
    values = {}
    for name, variable in ENVIRONMENT.items():
        from_environment = (environ.get(variable) or "").strip()
        value = from_environment or str(block.get(name) or "").strip()
        where = f"environment variable {variable}" if from_environment else f"{config_file}: silkroad.{name}"
        pattern = DOI if name == "doi" else ADDRESS
        if value and not pattern.fullmatch(value):
            allowed = "a DOI such as 10.5281/zenodo.1234567" if name == "doi" else "an http(s) address without ? or #"
            raise CitationError(f"{where}: {value!r} is not {allowed}")
        values[name] = value.rstrip("/") if name != "doi" else value
    return Site(**values)


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


def page_reference(lang: str, release: Release, page_title: str) -> str:
    return t("cite.page_reference", lang, authors=t("book.author", lang), year=release.date.year,
             page=page_title, title=t("book.title", lang), edition=t("cite.edition", lang),
             version_line=version_line(lang, release), version=release.label, date=long_date(release.date, lang))


# ---- the paper -------------------------------------------------------------------------
PAPER_KEY = "ramazanov2023"
# the field of references.bib holding the authors as each edition prints them
PAPER_AUTHOR_FIELDS = {"kk": "author_kk", "en": "author", "ru": "author_ru"}


def paper_authors(lang: str, path: Path = BIBLIOGRAPHY_FILE) -> list[dict[str, str]]:
    """The paper's authors as ``lang``'s edition prints them (``references.bib``), as CSL names."""
    from pybtex.database import Person, parse_string
    entry = parse_string(path.read_text(encoding="utf-8"), "bibtex").entries[PAPER_KEY]
    field = PAPER_AUTHOR_FIELDS[lang]
    people = entry.persons["author"] if field == "author" else [Person(n) for n in entry.fields[field].split(" and ")]
    return [{"family": " ".join(p.last_names), "given": " ".join(p.first_names + p.middle_names)} for p in people]


def paper_title(lang: str) -> str:
    """The paper's title: the Kazakh original; in the Russian edition with the Russian title
    the paper prints as a parallel title (ГОСТ's ``=``); in the English edition followed by
    the English title the paper prints in its abstract, in square brackets, as APA 7 and
    Chicago give a work in another language ("Original title [English title]")."""
    if lang == "ru":
        return f"{t('paper.title', 'kk')} = {t('paper.title', 'ru')}"
    if lang == "en":
        return f"{t('paper.title', 'kk')} [{t('paper.title', 'en')}]"
    return t("paper.title", lang)


def paper_csl(lang: str) -> dict:
    """The paper as a CSL-JSON item. Where it appeared (journal, volume, pages, DOI) is not
    known, so the record says only what the paper itself prints."""
    # a Kazakh work in every edition: English styles leave its title's case as it is
    # (the bracketed English title is in sentence case, as APA and Chicago write a translation)
    return {"id": PAPER_KEY, "type": "document", "title": paper_title(lang), "author": paper_authors(lang),
            "issued": {"date-parts": [[2023]]}, "language": "kk"}


def _bibtex(kind: str, key: str, fields: dict[str, str]) -> str:
    fields = {name: value for name, value in fields.items() if value}
    width = max(map(len, fields))
    body = ",\n".join(f"  {name:<{width}} = {{{value}}}" for name, value in fields.items())
    return f"@{kind}{{{key},\n{body}\n}}"


def paper_bibtex() -> str:
    return _bibtex("misc", PAPER_KEY, {
        "author": "Рамазанов, А. А. and Кренгауз, И. Н. and Каримова, М.",
        "title": "{" + t("paper.title", "kk") + "}",
        "year": "2023",
        "language": "kazakh",
        "note": f"{t('paper.title', 'en')}; {t('paper.title', 'ru')}",
    })


def _ris(fields: list[tuple[str, str]]) -> str:
    return "\n".join(f"{tag}  - {value}" for tag, value in [f for f in fields if f[1]] + [("ER", "")])


def paper_ris() -> str:
    return _ris([("TY", "GEN"), ("AU", "Рамазанов, А. А."), ("AU", "Кренгауз, И. Н."), ("AU", "Каримова, М."),
                 ("TI", t("paper.title", "kk")), ("TT", t("paper.title", "en")), ("PY", "2023"), ("LA", "kk")])


# ---- the book --------------------------------------------------------------------------
def book_key(lang: str, release: Release) -> str:
    return f"silkroadintegration{release.date.year}{lang}"


def book_csl(lang: str, release: Release, where: Site) -> dict:
    """The edition as a CSL-JSON item: a book published online, with its version; the
    access date is the date of the version (readers put the day they read it)."""
    item = {"id": book_key(lang, release), "type": "book", "title": t("book.title", lang),
            "author": [{"literal": t("book.author", lang)}], "version": release.label,
            "edition": t("cite.edition", lang), "issued": {"date-parts": [[release.date.year, release.date.month,
                                                                            release.date.day]]},
            "language": lang}
    if where.base_url:
        item["URL"] = where.edition_url(lang)
        item["accessed"] = {"date-parts": [[release.date.year, release.date.month, release.date.day]]}
    if where.doi:
        item["DOI"] = where.doi
    return item


def book_csl_json(lang: str, release: Release, where: Site) -> str:
    return json.dumps([book_csl(lang, release, where)], ensure_ascii=False, indent=2)


def book_bibtex(lang: str, release: Release, where: Site) -> str:
    """Classic BibTeX: ``@misc``, which BibTeX's standard styles format without a
    publisher; the version and its date go in ``note``, which every style prints."""
    return _bibtex("misc", book_key(lang, release), {
        "author": "{" + t("book.author", lang) + "}",
        "title": "{" + t("book.title", lang) + "}",
        "howpublished": t("cite.edition", lang),
        "year": str(release.date.year),
        "note": version_line(lang, release),
        "url": where.edition_url(lang),
        "doi": where.doi,
        "language": t("cite.language_name", lang),
    })


def book_biblatex(lang: str, release: Release, where: Site) -> str:
    """biblatex: ``@online`` with ``version``, ``date``, ``url`` and ``urldate``."""
    meta = metadata()
    return _bibtex("online", book_key(lang, release), {
        "author": "{" + t("book.author", lang) + "}",
        "title": "{" + t("book.title", lang) + "}",
        "version": release.label,
        "date": release.date.isoformat(),
        "url": where.edition_url(lang),
        "urldate": release.date.isoformat() if where.base_url else "",
        "doi": where.doi,
        "langid": t("cite.language_name", lang),
        "note": f"{t('cite.edition', lang)}. {t('cite.licence_note', lang, licence=meta['license'])}",
    })


def book_ris(lang: str, release: Release, where: Site) -> str:
    return _ris([("TY", "EBOOK"), ("AU", t("book.author", lang)), ("TI", t("book.title", lang)),
                 ("ET", t("cite.edition", lang)), ("PY", str(release.date.year)),
                 ("DA", release.date.strftime("%Y/%m/%d")), ("LA", lang), ("N1", version_line(lang, release)),
                 ("UR", where.edition_url(lang)), ("Y2", release.date.strftime("%Y/%m/%d") if where.base_url else ""),
                 ("DO", where.doi)])
