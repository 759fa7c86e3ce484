"""What readers take away from the built site: every link and download works, each
figure's and table's data is a real CSV file, each notebook chapter is an executed
notebook, the extract is one archive, every page says how to cite it, and no page is
heavy. Needs a built site (``make book``)."""
from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
from nbconvert import HTMLExporter
import pytest

from analysis.paths import DATA_DIR
from tooling import citation
from tooling.build import DATA_ARCHIVE

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
                target = page.parent / url
                assert target.parent == page.with_suffix(""), f"{page.name}: {url} is not next to its page"
                rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
                assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows), url
                found += 1
    assert found >= 5


@pytest.mark.parametrize("lang", LANGUAGES)
def test_notebook_chapters_download_as_executed_notebooks_in_their_language(site_dir, lang):
    notebooks_found = sorted((site_dir / lang / "_sources").rglob("*.ipynb"))
    assert notebooks_found, "no executed notebook is published"
    for path in notebooks_found:
        notebook = nbformat.read(path, as_version=4)
        assert any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), path.name
        tags = {tag for cell in notebook.cells for tag in cell.metadata.get("tags", [])}
        assert not {f"lang-{other}" for other in LANGUAGES if other != lang} & tags, path.name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_notebook_chapter_downloads_a_clean_copy_named_for_its_language(site_dir, lang):
    """``chapters/<chapter>/<chapter>-<lang>.ipynb`` next to the page, linked from its
    download menu and also served from ``_sources``: the edition's prose only, no glue
    placeholder or record, no warning, and a PNG output for every figure of the page,
    which its standalone HTML shows as an image."""
    from tooling import notebook_copy, notebook_html

    copies = 0
    for page in sorted((site_dir / lang / "chapters").glob("*.html")):
        source = site_dir / lang / "_sources" / "chapters" / f"{page.stem}.ipynb"
        if not source.is_file():
            continue
        name = f"{page.stem}-{lang}.ipynb"
        target = page.with_suffix("") / name
        text = page.read_text(encoding="utf-8")
        assert f'href="{page.stem}/{name}"' in text, f"{page.name} does not link {name}"
        assert target.read_bytes() == source.read_bytes(), f"{source} is not the clean copy"
        notebook = nbformat.read(target, as_version=4)
        nbformat.validate(notebook)
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


def test_the_extract_is_one_archive_with_its_manifest(site_dir):
    archive = site_dir / DATA_ARCHIVE
    with zipfile.ZipFile(archive) as bundle:
        names = set(bundle.namelist())
        expected = {f"silk-road-integration-data/{p.relative_to(DATA_DIR).as_posix()}"
                    for p in DATA_DIR.rglob("*") if p.is_file()}
        assert names == expected
        assert bundle.read("silk-road-integration-data/manifest.json") == (DATA_DIR / "manifest.json").read_bytes()


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
    assert text.count("TY  - ") == 2 and "downloads/silk-road-integration-data.zip" in page


def test_no_page_is_heavier_than_a_megabyte_with_its_images(pages, site_dir):
    heavy = []
    for page, links in pages.items():
        size = page.stat().st_size + sum((page.parent / unquote(urlsplit(src).path)).stat().st_size
                                         for src in set(links.images) if not urlsplit(src).scheme)
        if size > PAGE_BUDGET:
            heavy.append(f"{page.relative_to(site_dir)}: {size / 1e6:.2f} MB")
    assert not heavy


def test_site_publishes_no_build_only_files(site_dir):
    leftovers = [p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*")
                 if p.suffix in {".map", ".po", ".mo"} or "locales" in p.parts]
    assert not leftovers[:10]
