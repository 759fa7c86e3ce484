"""Citing the book: CITATION.cff and .zenodo.json, the release taken from git (never the
clock), and the references, BibTeX and RIS records in the three languages."""
from __future__ import annotations

import datetime
import json
import shutil
import subprocess
import tomllib

import pytest
from pybtex.database import parse_string

from analysis.paths import REPO
from analysis.present.i18n import t
from tooling import citation

TOOLS = REPO / ".venv-tools" / "bin"
LANGUAGES = ("kk", "en", "ru")
RELEASE = citation.Release("1.2.3", "abcdef0123", datetime.date(2026, 3, 2))


def test_citation_file_is_valid_for_cffconvert():
    cffconvert = TOOLS / "cffconvert"
    if not cffconvert.is_file():
        pytest.fail(f"{cffconvert} is missing: run `make test` (it installs requirements-tools.lock)", pytrace=False)
    result = subprocess.run([str(cffconvert), "--validate", "-i", str(REPO / "CITATION.cff")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_citation_metadata_agree_with_the_project_and_zenodo():
    cff = citation.metadata()
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    zenodo = json.loads((REPO / ".zenodo.json").read_text(encoding="utf-8"))
    assert cff["version"] == project["version"] == zenodo["version"]
    assert cff["title"] == zenodo["title"] == t("book.title", "en")
    assert [a["name"] for a in cff["authors"]] == [c["name"] for c in zenodo["creators"]] == [t("book.author", "en")]
    assert cff["license"] == project["license"] == "MIT"


def test_the_paper_is_the_same_work_in_citation_file_and_bibliography():
    cff_paper = citation.metadata()["references"][0]
    bib = parse_string((REPO / "references.bib").read_text(encoding="utf-8"), "bibtex").entries["ramazanov2023"]
    assert [a["family-names"] for a in cff_paper["authors"]] == [p.last_names[0] for p in bib.persons["author"]]
    assert str(cff_paper["year"]) == bib.fields["year"]


def test_release_comes_from_the_commit_not_the_clock():
    release = citation.current_release()
    head = subprocess.run(["git", "log", "-1", "--format=%H %cs"], cwd=REPO, capture_output=True, text=True,
                          check=True).stdout.split()
    assert head[0].startswith(release.commit) and len(release.commit) == 10
    assert release.date.isoformat() == head[1]
    assert release.label == f"{citation.metadata()['version']}+{release.commit}"


def test_release_of_an_old_commit_carries_that_commit_s_date(tmp_path):
    shutil.copy(REPO / "CITATION.cff", tmp_path / "CITATION.cff")
    env = {"GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@example.org", "GIT_COMMITTER_NAME": "a",
           "GIT_COMMITTER_EMAIL": "a@example.org", "GIT_AUTHOR_DATE": "2001-02-03T04:05:06Z",
           "GIT_COMMITTER_DATE": "2001-02-03T04:05:06Z", "PATH": "/usr/bin:/bin"}
    for command in (["init", "-q"], ["add", "CITATION.cff"], ["commit", "-q", "-m", "old"]):
        subprocess.run(["git", *command], cwd=tmp_path, env=env, check=True)
    assert citation.current_release(tmp_path).date == datetime.date(2001, 2, 3)


def test_outside_a_checkout_the_date_comes_from_source_date_epoch(tmp_path, monkeypatch):
    shutil.copy(REPO / "CITATION.cff", tmp_path / "CITATION.cff")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with pytest.raises(citation.CitationError, match="SOURCE_DATE_EPOCH"):
        citation.current_release(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    monkeypatch.setenv("SOURCE_COMMIT", "0123456789")
    assert citation.current_release(tmp_path).date == datetime.date(2026, 1, 1)


@pytest.mark.parametrize("lang, expected", [
    ("kk", "2026 жылғы 2 наурыз"), ("en", "2 March 2026"), ("ru", "2 марта 2026 г.")])
def test_dates_read_as_each_language_writes_them(lang, expected):
    assert citation.long_date(RELEASE.date, lang) == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_references_name_title_edition_version_and_date(lang):
    text = citation.book_reference(lang, RELEASE)
    for part in (t("book.author", lang), "(2026)", t("book.title", lang), t("cite.edition", lang),
                 "1.2.3+abcdef0123", citation.long_date(RELEASE.date, lang)):
        assert part in text
    assert not text.endswith("..")
    page = citation.page_reference(lang, RELEASE, "Деректер")
    assert "Деректер" in page and t("book.title", lang) in page


def test_paper_reference_uses_each_language_s_title_and_script():
    assert citation.paper_reference("ru").startswith("Рамазанов А., ")  # as the Russian abstract prints it
    assert "Regional economic integration on the New Silk Road" in citation.paper_reference("en")
    assert "Жаңа Жібек жолындағы" in citation.paper_reference("kk")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_bibtex_records_parse(lang):
    book = parse_string(citation.book_bibtex(lang, RELEASE), "bibtex").entries
    (key, entry), = book.items()
    assert key == f"silkroadintegration2026{lang}" and entry.type == "book"
    assert entry.fields["title"] == t("book.title", lang) and entry.fields["year"] == "2026"
    paper = parse_string(citation.paper_bibtex(), "bibtex").entries["ramazanov2023"]
    assert [p.last_names[0] for p in paper.persons["author"]] == ["Рамазанов", "Кренгауз", "Каримова"]


def test_ris_records_are_well_formed():
    for record in (citation.book_ris("ru", RELEASE), citation.paper_ris()):
        lines = record.splitlines()
        assert lines[0].startswith("TY  - ") and lines[-1] == "ER  - "
        assert all(len(line) >= 6 and line[2:6] == "  - " for line in lines)
    assert "PY  - 2026" in citation.book_ris("ru", RELEASE)
