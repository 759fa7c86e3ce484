"""What readers take away from the built site: every link and download works, each
figure's and table's data is a real CSV file, each notebook chapter is an executed
notebook, the extract is one archive, every page says how to cite it, and no page is
heavy. Needs a built site (``make book``)."""
from __future__ import annotations

import csv
import html
import io
import json
import math
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import frictionless
import nbformat
import openpyxl
from nbconvert import HTMLExporter
import pytest

from analysis.paths import DATA_DIR
from analysis.present.i18n import t
from tooling import citation, pdf, release_files

LANGUAGES = ("kk", "en", "ru")
PAGE_BUDGET = 1_000_000  # bytes: a page with every image it shows


class Links(HTMLParser):
    """Every URL a page links to or loads, and every id it defines."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if attributes.get(name):
                self.ids.add(attributes[name])
        for name in ("href", "src"):
            if attributes.get(name) and tag != "base":
                self.urls.append((f"<{tag} {name}>", attributes[name]))
        if tag == "img" and attributes.get("src"):
            self.images.append(attributes["src"])


def read_links(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


@pytest.fixture(scope="module")
def pages(site_dir):
    return {path: read_links(path) for path in sorted(site_dir.rglob("*.html"))}


def broken_links(pages: dict[Path, Links], site_dir: Path) -> list[str]:
    broken = []
    for page, links in pages.items():
        for where, url in links.urls:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "mailto", "data", "javascript") or url.startswith("//"):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            label = f"{page.relative_to(site_dir)}: {where} {url}"
            if not target.is_file() or site_dir.resolve() not in target.resolve().parents:
                broken.append(f"{label} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else read_links(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{label} (no element with id {parts.fragment!r})")
    return broken


def test_every_internal_link_and_download_leads_somewhere(pages, site_dir):
    broken = broken_links(pages, site_dir)
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken[:40])


def test_the_link_check_finds_a_missing_file_and_a_missing_anchor(tmp_path):
    (tmp_path / "a.html").write_text('<a href="b.html#here">b</a> <a href="gone.csv">x</a> <a id="top"></a>'
                                     '<a href="#top">up</a> <a href="https://example.org/">out</a>')
    (tmp_path / "b.html").write_text('<p id="there">b</p>')
    pages = {path: read_links(path) for path in tmp_path.glob("*.html")}
    assert sorted(broken_links(pages, tmp_path)) == [
        "a.html: <a href> b.html#here (no element with id 'here')", "a.html: <a href> gone.csv (no such file)"]


def test_no_page_embeds_its_data(pages):
    embedded = [page.name for page, links in pages.items() if any(url.startswith("data:text/csv") for _, url in links.urls)]
    assert not embedded


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_data_download_is_a_csv_file_next_to_its_page(pages, site_dir, lang):
    found = 0
    for page, links in pages.items():
        if page.relative_to(site_dir).parts[0] != lang:
            continue
        for _, url in links.urls:
            if url.endswith(".csv"):
                target = (page.parent / url).resolve()
                home = target.parent.with_suffix(".html")
                # a figure pasted from another chapter links the file of the chapter that made it,
                # which that chapter publishes and links itself (no file is published twice)
                published = {(home.parent / linked).resolve() for source, links_of in pages.items()
                             if source.resolve() == home for _, linked in links_of.urls}
                assert home == page.resolve() or target in published, \
                    f"{page.name}: {url} is neither next to its page nor published by the chapter it comes from"
                rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
                assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows), url
                found += 1
    assert found >= 5


@pytest.mark.parametrize("lang", LANGUAGES)
def test_notebook_chapters_download_as_executed_notebooks_in_their_language(site_dir, lang):
    notebooks_found = sorted((site_dir / lang / "chapters").glob(f"*/*-{lang}.ipynb"))
    assert notebooks_found, "no executed notebook is published"
    assert not list((site_dir / lang / "_sources").rglob("*.ipynb")), "a chapter's notebook published twice"
    for path in notebooks_found:
        notebook = nbformat.read(path, as_version=4)
        assert any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), path.name
        tags = {tag for cell in notebook.cells for tag in cell.metadata.get("tags", [])}
        assert not {f"lang-{other}" for other in LANGUAGES if other != lang} & tags, path.name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_notebook_chapter_downloads_a_clean_copy_named_for_its_language(site_dir, lang):
    """``chapters/<chapter>/<chapter>-<lang>.ipynb`` next to the page, linked from its
    download menu (and nowhere else): the edition's prose only, no glue
    placeholder or record, no warning, and a PNG output for every figure of the page,
    which its standalone HTML shows as an image."""
    from tooling import notebook_copy, notebook_html

    copies = data_links = 0
    for page in sorted((site_dir / lang / "chapters").glob("*.html")):
        name = f"{page.stem}-{lang}.ipynb"
        target = page.with_suffix("") / name
        if not target.is_file():
            continue
        text = page.read_text(encoding="utf-8")
        assert f'href="{page.stem}/{name}"' in text, f"{page.name} does not link {name}"
        notebook = nbformat.read(target, as_version=4)
        nbformat.validate(notebook)
        # its data links lead to the CSV files beside it: each file published once, not again inside
        assert "data:text/csv" not in target.read_text(encoding="utf-8"), name
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                for download, href in re.findall(r'<a download="([^"]+)" href="([^"]+)"',
                                                  "".join(output.get("data", {}).get("text/html", ""))):
                    assert href == download and (target.parent / href).is_file(), (name, href)
                    data_links += 1
        assert notebook_copy.leftovers(notebook, lang) == [], name
        assert "`analysis`" in notebook.cells[0].source and "pip install" in notebook.cells[0].source
        figures = len(re.findall(r"<figure\b[^>]*>\s*<img", text))
        assert notebook_copy.images(notebook) == figures, (name, figures)
        rendered = notebook_html.render(notebook, lang)
        assert rendered.count("<img") == figures and "{glue" not in rendered and "papermill.record" not in rendered
        # the tool a reader opens it with: nbconvert shows the same images and no placeholder
        converted, _ = HTMLExporter(template_name="classic").from_notebook_node(notebook)
        assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', converted)) == figures, name
        assert "{glue" not in converted and "papermill.record" not in converted, name
        copies += 1
    assert copies >= 8
    assert data_links >= 20, data_links


def test_the_extract_is_one_archive_with_its_manifest_named_by_the_release(site_dir):
    release = citation.current_release()
    archive = site_dir / release_files.data_archive(release.version)
    assert archive.name == f"silk-road-integration-data-{release.version}.zip"
    folder = f"silk-road-integration-data-{release.version}"
    with zipfile.ZipFile(archive) as bundle:
        names = set(bundle.namelist())
        expected = {f"{folder}/{p.relative_to(DATA_DIR).as_posix()}" for p in DATA_DIR.rglob("*") if p.is_file()}
        assert names == expected | {f"{folder}/release.json"}
        assert bundle.read(f"{folder}/manifest.json") == (DATA_DIR / "manifest.json").read_bytes()
        described = json.loads(bundle.read(f"{folder}/release.json"))
        assert (described["version"], described["release"]) == (release.version, release.label)
        assert release.label in bundle.comment.decode("utf-8")
    published = json.loads((site_dir / release_files.manifest(release.version)).read_text(encoding="utf-8"))
    assert published["book"]["version"] == release.version and published["book"]["release"] == release.label
    assert published["tables"] == json.loads((DATA_DIR / "manifest.json").read_text(encoding="utf-8"))["tables"]
    assert sorted(p.name for p in (site_dir / release_files.DOWNLOADS).iterdir()) == sorted(
        [archive.name, f"silk-road-integration-manifest-{release.version}.json"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_link_the_archive_of_this_release(site_dir, lang):
    version = citation.current_release().version
    page = (site_dir / lang / "chapters" / "cite.html").read_text(encoding="utf-8")
    assert release_files.data_archive(version) in page and release_files.ARCHIVE_LINK not in page


# ---- downloads that explain themselves -----------------------------------------------

CYRILLIC = re.compile("[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
CODES = re.compile(r"[A-Z]\d{1,2}|λmax")  # factor and measure codes of the book (F1, M3), a symbol


def csv_files(site_dir: Path, lang: str) -> list[Path]:
    return sorted((site_dir / lang / "chapters").rglob("*.csv"))


def packages(site_dir: Path, lang: str) -> list[Path]:
    return sorted((site_dir / lang).rglob("datapackage.json"))


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def english_code_headers(header: list[str]) -> list[str]:
    """Headers a kk or ru reader cannot read: blank, or with a Latin word and no Cyrillic
    letter (code names such as ``iso3`` or ``NY.GDP.MKTP.CD``). The book's codes (F1,
    M3, λmax) and formula notation (``p, t(G − 1)``) are read the same in every language."""
    return [name for name in header if not name.strip() or (
        not CYRILLIC.search(name) and not CODES.fullmatch(name) and re.search("[A-Za-z]{2,}", name))]


def test_the_header_check_finds_code_names():
    assert english_code_headers(["grouping", "year", "Год", "F1", "M7", "λmax", "iso3", "CR: swot_judgements.csv",
                                 "p, t(G − 1)", "", "NY.GDP.MKTP.CD"]) == [
        "grouping", "year", "iso3", "CR: swot_judgements.csv", "", "NY.GDP.MKTP.CD"]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_kk_or_ru_csv_header_is_an_english_code_name(site_dir, lang):
    files = csv_files(site_dir, lang)
    assert len(files) >= 50
    bad = {path.name: english_code_headers(read_csv(path)[0]) for path in files}
    assert not {name: headers for name, headers in bad.items() if headers}


LOCALE_NUMBER = re.compile(r"[−-]?\d{1,3}(?:[\u00a0\u202f ]\d{3})*(?:,\d+)?(?:[\u00a0 ]?%)?")


def text_number_columns(rows: list[list[str]]) -> list[str]:
    """Columns whose every value is a number written for readers (decimal comma, spaced
    thousands, true minus or a per cent sign) instead of for programs."""
    found = []
    for index, name in enumerate(rows[0]):
        values = [row[index] for row in rows[1:] if row[index] != ""]
        if values and all(LOCALE_NUMBER.fullmatch(value) for value in values) and any(
                re.search(r"[,%−\u00a0\u202f]", value) for value in values):
            found.append(name)
    return found


def test_the_number_check_finds_numbers_written_for_readers():
    rows = [["Код", "Доля", "Значение", "Текст", "Год"], ["S1", "60\u00a0%", "0,083", "WTO: 63,5\u00a0%", "2020"],
            ["S2", "10\u00a0%", "−1", "нет данных", "2021"]]
    assert text_number_columns(rows) == ["Доля", "Значение"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_csv_numbers_are_written_for_programs(site_dir, lang):
    found = {path.name: text_number_columns(read_csv(path)) for path in csv_files(site_dir, lang)}
    assert not {name: columns for name, columns in found.items() if columns}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_csv_is_described_by_a_valid_data_package_next_to_it(site_dir, lang):
    release = citation.current_release()
    described = set()
    found = packages(site_dir, lang)
    assert len(found) >= 7
    for path in found:
        report = frictionless.validate(str(path))
        assert report.valid, (path, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:10])
        package = json.loads(path.read_text(encoding="utf-8"))
        assert package["version"] == release.version and package["silkroad:release"] == release.label
        assert package["title"] and package["description"] == t("download.package_description", lang,
                                                                workbook=f"{path.parent.name}-{lang}.xlsx")
        assert package["licenses"][0]["name"] == "CC-BY-4.0" and all(licence.get("title") for licence in package["licenses"])
        assert package["sources"] and all(source.get("title") and source.get("path") for source in package["sources"])
        for resource in package["resources"]:
            described.add(path.parent / resource["path"])
            assert resource["sources"] and resource["title"], resource["name"]
            for field in resource["schema"]["fields"]:
                if field["type"] in ("integer", "number"):
                    assert field.get("unit"), f"{resource['path']}: {field['name']} has no unit"
        if lang != "en":
            assert CYRILLIC.search(package["title"]) and CYRILLIC.search(package["description"])
    assert described == set(csv_files(site_dir, lang))


def cell_matches(text: str, value) -> bool:
    if value is None:
        return text == ""
    if isinstance(value, bool):
        return text == str(value)
    if isinstance(value, (int, float)):  # a workbook keeps about 15 significant digits, as Excel does
        return text != "" and math.isclose(float(text), value, rel_tol=1e-14, abs_tol=1e-300)
    return text == value


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_chapter_workbook_explains_itself_and_holds_its_csv_files(site_dir, lang):
    version = citation.current_release().label
    for path in packages(site_dir, lang):
        package = json.loads(path.read_text(encoding="utf-8"))
        book = openpyxl.load_workbook(path.parent / f"{path.parent.name}-{lang}.xlsx")
        assert book.sheetnames[0] == t("download.sheet_about", lang)
        assert len(book.sheetnames) == 1 + len(package["resources"])
        about = " ".join(str(cell) for row in book.worksheets[0].values for cell in row if cell is not None)
        assert package["title"] in about and version in about and t("download.workbook_format", lang) in about
        for resource in package["resources"]:
            assert resource["path"] in about
            assert all(field["unit"] in about for field in resource["schema"]["fields"] if "unit" in field)
        for sheet, resource in zip(book.worksheets[1:], package["resources"]):
            rows = list(sheet.values)
            expected = read_csv(path.parent / resource["path"])
            assert list(rows[0]) == expected[0], resource["path"]  # the headers, Cyrillic intact
            assert len(rows) == len(expected)
            mismatched = [(number, text, value) for number, (row, values) in enumerate(zip(expected[1:], rows[1:]), 2)
                          for text, value in zip(row, values) if not cell_matches(text, value)]
            assert not mismatched[:5], resource["path"]
        if lang != "en":
            assert all(CYRILLIC.search(" ".join(str(value) for value in next(sheet.values))) for sheet in book.worksheets)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_chapter_links_its_workbook_and_package_beside_its_csv_files(site_dir, lang):
    for path in packages(site_dir, lang):
        page = (path.parent.parent / f"{path.parent.name}.html").read_text(encoding="utf-8")
        csv_links = page.count('class="csv-download"')
        assert csv_links == len(json.loads(path.read_text(encoding="utf-8"))["resources"])
        assert page.count(f'href="{path.parent.name}/{path.parent.name}-{lang}.xlsx"') == csv_links
        assert page.count(f'href="{path.parent.name}/datapackage.json"') == csv_links
        assert html.escape(t("download.workbook", lang)) in page


class MenuEntry(HTMLParser):
    """The theme's ".pdf" entry of the download menu: its tag, link and text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.entry: dict | None = None
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "btn-download-pdf-button" in (attributes.get("class") or ""):
            self.entry = {"tag": tag, "href": attributes.get("href"), "onclick": attributes.get("onclick"),
                          "title": attributes.get("title"), "text": ""}
            self.depth = 1
        elif self.depth:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and self.entry is not None:
            self.entry["text"] += data


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_pdf_menu_entry_leads_to_the_edition_pdf_or_says_it_prints_the_page(site_dir, lang):
    has_pdf = (site_dir / lang / pdf.pdf_name(lang)).is_file()
    checked = 0
    for page in (site_dir / lang / "chapters").glob("*.html"):
        parser = MenuEntry()
        parser.feed(page.read_text(encoding="utf-8"))
        entry = parser.entry
        if entry is None:
            continue
        checked += 1
        if has_pdf:
            assert entry["tag"] == "a" and entry["href"] == f"../{pdf.pdf_name(lang)}", page.name
            assert entry["title"] == t("pdf.edition", lang)
        else:
            assert entry["onclick"] == "window.print()" and " ".join(entry["text"].split()) == t("download.print_page", lang)
            assert entry["title"] == t("download.print_page", lang)
    assert checked >= 10


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_says_how_to_cite_it_and_which_release_it_is(pages, site_dir, lang):
    release = citation.current_release()
    for page in (site_dir / lang).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in text or "search" == page.stem or "genindex" == page.stem:
            continue
        assert 'class="cite-this-page' in text, page
        assert f'class="book-release">' in text and release.label in text, page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_how_to_cite_gives_bibtex_ris_and_references(site_dir, lang):
    page = (site_dir / lang / "chapters" / "cite.html").read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "@misc{silkroadintegration" in text and "@online{silkroadintegration" in text and "@misc{ramazanov2023" in text
    assert text.count("TY  - ") == 2 and release_files.data_archive(citation.current_release().version) in page


def chart_files(page) -> set:
    """The specifications of a page's interactive charts and the data files they read
    (addresses relative to the page, as vega-embed loads them)."""
    files = set()
    for spec_url in re.findall(r'data-spec-url="([^"]+)"', page.read_text(encoding="utf-8")):
        spec_path = page.parent / unquote(spec_url)
        text = spec_path.read_text(encoding="utf-8")
        files |= {spec_path} | {page.parent / unquote(url) for url in re.findall(r'"url": ?"([^"]+)"', text)}
    return files


def test_no_page_is_heavier_than_a_megabyte_with_its_images_and_chart_data(pages, site_dir):
    heavy, charted = [], 0
    for page, links in pages.items():
        charts = chart_files(page)
        charted += bool(charts)
        size = page.stat().st_size + sum((page.parent / unquote(urlsplit(src).path)).stat().st_size
                                         for src in set(links.images) if not urlsplit(src).scheme)
        size += sum(path.stat().st_size for path in charts)
        if size > PAGE_BUDGET:
            heavy.append(f"{page.relative_to(site_dir)}: {size / 1e6:.2f} MB")
    assert not heavy and charted >= 9  # three pages with charts in each of three editions


def test_site_publishes_no_build_only_files(site_dir):
    leftovers = [p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*")
                 if p.suffix in {".map", ".po", ".mo"} or "locales" in p.parts]
    assert not leftovers[:10]
