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
def test_page_references_name_the_page_title_edition_version_and_date(lang):
    page = citation.page_reference(lang, RELEASE, "Деректер")
    for part in ("Деректер", t("book.author", lang), "2026", t("book.title", lang), t("cite.edition", lang),
                 "1.2.3+abcdef0123", citation.long_date(RELEASE.date, lang)):
        assert part in page


@pytest.mark.parametrize("lang, expected", [
    # ГОСТ Р 7.0.100–2018 for a part of an electronic resource: the part // the whole / its authors
    ("ru", "Деректер // {title} / {authors}. – Русское издание. – Версия 1.2.3+abcdef0123 (2 марта 2026 г.). – 2026."),
    ("kk", "Деректер // {title} / {authors}. – Қазақ тіліндегі басылым. – 1.2.3+abcdef0123 нұсқасы "
           "(2026 жылғы 2 наурыз). – 2026."),
    ("en", "{authors} (2026). “Деректер”. In {title}. English edition. Version 1.2.3+abcdef0123, 2 March 2026."),
])
def test_page_references_follow_the_edition_s_norm(lang, expected):
    assert citation.page_reference(lang, RELEASE, "Деректер") == expected.format(
        title=t("book.title", lang), authors=t("book.author", lang))


# ---- where the book is published -------------------------------------------------------
def write_config(tmp_path, block: str):
    path = tmp_path / "_config.yml"
    path.write_text(f"title: x\n{block}", encoding="utf-8")
    return path


def test_the_project_s_configuration_has_no_public_address_until_it_is_deployed():
    """The committed configuration names no address (the workflow passes them), so a local
    build is a build without a public address."""
    assert citation.site(environ={}) == citation.Site("", "", "")


def test_addresses_come_from_the_configuration_and_the_environment_overrides_them(tmp_path):
    config = write_config(tmp_path, "silkroad:\n  base_url: https://example.org/silk/\n"
                                    "  repository: https://git.example.org/silk\n  doi: ''\n")
    assert citation.site(config, environ={}) == citation.Site("https://example.org/silk", "https://git.example.org/silk")
    deployed = citation.site(config, environ={"SILKROAD_BASE_URL": "https://pages.example.org/book",
                                              "SILKROAD_DOI": "10.5281/zenodo.1234567", "SILKROAD_REPOSITORY": ""})
    assert deployed == citation.Site("https://pages.example.org/book", "https://git.example.org/silk",
                                     "10.5281/zenodo.1234567")
    assert deployed.edition_url("kk") == "https://pages.example.org/book/kk/"
    assert deployed.page_url("ru", "chapters/data.html") == "https://pages.example.org/book/ru/chapters/data.html"
    assert deployed.doi_url == "https://doi.org/10.5281/zenodo.1234567"
    assert citation.Site().edition_url("en") == citation.Site().page_url("en", "chapters/cite.html") == ""


@pytest.mark.parametrize("block, message", [
    ("silkroad:\n  base_url: chapters/cite.html\n", r"silkroad\.base_url: 'chapters/cite\.html' is not an http\(s\) address"),
    ("silkroad:\n  doi: doi.org/10.1/x\n", r"silkroad\.doi: 'doi\.org/10\.1/x' is not a DOI"),
    ("silkroad:\n  baseurl: https://example.org\n", r"unknown settings \['baseurl'\]"),
])
def test_a_malformed_address_is_an_error_naming_file_and_field(tmp_path, block, message):
    with pytest.raises(citation.CitationError, match=message) as error:
        citation.site(write_config(tmp_path, block), environ={})
    assert str(tmp_path / "_config.yml") in str(error.value)


def test_a_malformed_address_in_the_environment_names_the_variable(tmp_path):
    with pytest.raises(citation.CitationError, match="environment variable SILKROAD_BASE_URL"):
        citation.site(write_config(tmp_path, ""), environ={"SILKROAD_BASE_URL": "example.org/silk?x=1"})


# ---- records ---------------------------------------------------------------------------
SITE = citation.Site("https://example.org/silk", "https://git.example.org/silk")
LOCAL = citation.Site()


def plain_style(source: str) -> list[str]:
    """``source`` (BibTeX) formatted by pybtex's ``plain`` style, as text."""
    from pybtex.plugin import find_plugin
    style = find_plugin("pybtex.style.formatting", "plain")()
    entries = parse_string(source, "bibtex").entries
    return [entry.text.render_as("text") for entry in style.format_entries(entries.values())]


# Written from BibTeX's plain style for @misc: "Author. Title. Howpublished, Year. Note." and
# pybtex's web references ("URL: ...", "doi:..."); the titles keep their case (braced).
@pytest.mark.parametrize("lang, where, expected", [
    ("ru", SITE, "Участники проекта Silk Road Integration. Региональная интеграция на Новом шёлковом пути: "
                 "статья и её проверка на открытых данных. Русское издание, 2026. Версия 1.2.3+abcdef0123 от 2 марта 2026 г. "
                 "URL: https://example.org/silk/ru/."),
    ("en", citation.Site("https://example.org/silk", "", "10.5281/zenodo.1234567"),
     "Silk Road Integration contributors. Regional Integration on the New Silk Road: A Measurable Edition. "
     "English edition, 2026. Version 1.2.3+abcdef0123, 2 March 2026. URL: https://example.org/silk/en/, "
     "doi:10.5281/zenodo.1234567."),
    ("kk", LOCAL, "Silk Road Integration жобасының қатысушылары. Жаңа Жібек жолындағы аймақтық интеграция: "
                  "мақала және оны ашық деректермен тексеру. Қазақ тіліндегі басылым, 2026. 1.2.3+abcdef0123 нұсқасы (2026 жылғы 2 наурыз)."),
])
def test_bibtex_entry_formats_in_the_plain_style(lang, where, expected):
    record = citation.book_bibtex(lang, RELEASE, where)
    assert record.startswith(f"@misc{{silkroadintegration2026{lang},")
    assert plain_style(record) == [expected]


def test_the_paper_s_bibtex_entry_formats_in_the_plain_style():
    assert plain_style(citation.paper_bibtex()) == [
        "А. А. Рамазанов, И. Н. Кренгауз, and М. Каримова. Жаңа Жібек жолындағы аймақтық экономикалық "
        "интеграция. 2023. Regional economic integration on the New Silk Road; Региональная экономическая "
        "интеграция на Новом Шелковом Пути."]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_biblatex_entry_has_version_date_url_and_access_date(lang):
    (key, entry), = parse_string(citation.book_biblatex(lang, RELEASE, SITE), "bibtex").entries.items()
    assert key == f"silkroadintegration2026{lang}" and entry.type == "online"
    assert entry.fields["version"] == "1.2.3+abcdef0123" and entry.fields["date"] == "2026-03-02"
    assert entry.fields["url"] == f"https://example.org/silk/{lang}/" and entry.fields["urldate"] == "2026-03-02"
    assert entry.fields["title"] == "{" + t("book.title", lang) + "}"
    assert entry.fields["langid"] == {"kk": "kazakh", "en": "english", "ru": "russian"}[lang]
    local = parse_string(citation.book_biblatex(lang, RELEASE, LOCAL), "bibtex").entries[key]
    assert "url" not in local.fields and "urldate" not in local.fields and local.fields["version"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_record_carries_the_edition_s_address_and_a_local_build_none(lang):
    records = [citation.book_bibtex, citation.book_biblatex, citation.book_ris, citation.book_csl_json]
    for record in records:
        assert f"https://example.org/silk/{lang}/" in record(lang, RELEASE, SITE), record.__name__
        local = record(lang, RELEASE, LOCAL)
        assert "http" not in local and "cite.html" not in local, record.__name__
    (item,) = json.loads(citation.book_csl_json(lang, RELEASE, citation.Site("https://e.org", "", "10.1/x")))
    assert item["URL"] == f"https://e.org/{lang}/" and item["DOI"] == "10.1/x" and item["version"] == RELEASE.label
    assert "DO  - 10.1/x" in citation.book_ris(lang, RELEASE, citation.Site("https://e.org", "", "10.1/x"))


def test_bibtex_records_of_the_paper_parse():
    paper = parse_string(citation.paper_bibtex(), "bibtex").entries["ramazanov2023"]
    assert [p.last_names[0] for p in paper.persons["author"]] == ["Рамазанов", "Кренгауз", "Каримова"]


def test_paper_authors_are_those_each_edition_prints():
    assert [a["given"] for a in citation.paper_authors("kk")] == ["А. А.", "И. Н.", "М."]
    assert [a["given"] for a in citation.paper_authors("ru")] == ["А. А.", "И. Н.", "М."]
    assert [a["family"] for a in citation.paper_authors("en")] == ["Ramazanov", "Krengauz", "Karimova"]


def test_ris_records_are_well_formed():
    for record in (citation.book_ris("ru", RELEASE, SITE), citation.paper_ris()):
        lines = record.splitlines()
        assert lines[0].startswith("TY  - ") and lines[-1] == "ER  - "
        assert all(len(line) >= 6 and line[2:6] == "  - " for line in lines)
    assert "PY  - 2026" in citation.book_ris("ru", RELEASE, SITE)
    assert "Y2  - 2026/03/02" in citation.book_ris("ru", RELEASE, SITE)


# ---- the footer every page carries -------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_footer_links_the_repository_or_says_the_build_has_none(lang):
    from tooling.sphinx_ext.cite_page import footer_html
    published = footer_html(lang, RELEASE, SITE)
    assert ('<a class="book-repository-link" href="https://git.example.org/silk">'
            '<code>https://git.example.org/silk</code></a>') in published
    assert "<code>1.2.3+abcdef0123</code>" in published
    local = footer_html(lang, RELEASE, LOCAL)
    assert "href" not in local and t("repository.none", lang) in local


def test_each_edition_s_html_baseurl_is_its_public_address_and_empty_for_a_local_build(monkeypatch):
    """Sphinx's html_baseurl is the contract other extensions read (the figures' and tables'
    citation lines): the edition's address, ending in /, or empty."""
    import yaml
    from tooling.build import Builder
    for name in citation.ENVIRONMENT.values():
        monkeypatch.delenv(name, raising=False)
    local = yaml.safe_load(Builder().config_for("kk"))
    assert local["sphinx"]["config"]["html_baseurl"] == "" and "silkroad" not in local
    monkeypatch.setenv("SILKROAD_BASE_URL", "https://example.org/silk/")
    monkeypatch.setenv("SILKROAD_REPOSITORY", "https://git.example.org/silk")
    published = yaml.safe_load(Builder().config_for("ru"))["sphinx"]["config"]
    assert published["html_baseurl"] == "https://example.org/silk/ru/"
    assert published["book_site"] == {"base_url": "https://example.org/silk", "repository": "https://git.example.org/silk",
                                      "doi": ""}
