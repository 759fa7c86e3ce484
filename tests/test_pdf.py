"""The PDF editions: typeset with no missing glyphs, headings in the edition's language,
no empty page, the book's text, glued numbers and bibliography included. Needs a site
built with its PDF editions (``make pdf``; ``make test`` does it)."""
from __future__ import annotations

import html
import re
import shutil
import subprocess

import pytest
from PIL import Image

from analysis.paths import REPO
from analysis.present.i18n import t
from tooling import pdf

LANGUAGES = ("kk", "en", "ru")
KAZAKH_LETTERS = set("әғқңөұүі")  # all that the text uses (it has no һ)


def pdf_of(site_dir, lang):
    path = site_dir / lang / pdf.pdf_name(lang)
    if not path.is_file():
        pytest.fail(f"{path} is missing: build the site with `make pdf`", pytrace=False)
    return path


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("lang", LANGUAGES)
def test_typesetting_left_no_character_without_a_glyph(lang):
    log = REPO / "_build" / "pdf" / lang / "_build" / "latex" / f"{pdf.TARGET}.log"
    assert log.is_file(), f"no LaTeX log at {log}: build with `make pdf`"
    assert not pdf.missing_glyphs(log)


def test_missing_glyph_check_reads_xelatex_s_message(tmp_path):
    log = tmp_path / "book.log"
    log.write_text("Missing character: There is no ә (U+04D9) in font cmr10!\nMissing character: There is no ә "
                   "(U+04D9) in font cmr10!\n", encoding="utf-8")
    assert pdf.missing_glyphs(log) == {("ә (U+04D9)", "cmr10")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pdf_headings_are_in_the_edition_s_language(site_dir, lang):
    text = pdf_text(pdf_of(site_dir, lang))
    assert t("pdf.contents", lang).lower() in text.lower()
    assert t("book.title", lang).split(":")[0] in text.replace("\n", " ")
    if lang != "en":
        assert "Contents" not in text and "Bibliography" not in text and "Chapter" not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pdf_holds_glued_numbers_figures_and_the_bibliography(site_dir, lang):
    path = pdf_of(site_dir, lang)
    text = pdf_text(path)
    decimal = r"\d,\d" if lang != "en" else r"\d\.\d"
    assert re.search(rf"{decimal}\s?%", text), "no glued percentage in the edition's format"
    assert "Balassa" in text and "Viner" in text  # bibliography entries
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(images.splitlines()) - 2 >= 5, "figures are missing"
    if lang == "kk":
        assert KAZAKH_LETTERS <= set(text.lower())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_is_empty(site_dir, lang, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm (poppler-utils) is missing: `make tex-deps` installs it", pytrace=False)
    subprocess.run(["pdftoppm", "-r", "20", "-gray", "-png", str(pdf_of(site_dir, lang)), str(tmp_path / "page")],
                   check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 10
    empty = []
    for page in pages:
        image = Image.open(page).convert("L")
        dark = sum(image.histogram()[:200])
        if dark < 0.002 * image.width * image.height:
            empty.append(page.name)
    assert not empty, f"pages with nothing on them: {empty}"


def _squeezed(text: str) -> str:
    """Text to compare across HTML and PDF: no white space or hyphens (lines wrap and
    words hyphenate differently), typographic apostrophes as plain ones."""
    return re.sub(r"[\s\-\u00ad\u2010]", "", text.replace("\u2019", "'"))


def site_captions(site_dir, lang) -> list[tuple[str, str]]:
    """(label, caption text) of every table and figure caption of the edition's pages."""
    found = []
    for page in sorted((site_dir / lang / "chapters").glob("*.html")):
        text = re.sub(r'<a class="headerlink".*?</a>', "", page.read_text(encoding="utf-8"))
        for label, caption in re.findall(r'<span class="caption-number">(.*?) </span>(.*?)</(?:caption|p)>',
                                         text, re.DOTALL):
            found.append((html.unescape(label), html.unescape(re.sub(r"<[^>]+>", "", caption)).strip()))
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pdf_has_no_placeholder_of_an_html_output(site_dir, lang):
    text = pdf_text(pdf_of(site_dir, lang))
    assert "IPython.core.display" not in text and "papermill.record" not in text
    assert "<analysis." not in text  # no object's repr either


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_table_and_figure_of_the_site_is_in_the_pdf_with_the_site_s_label(site_dir, lang):
    """Each caption of the site, with its label ("Table 12.", «12-кесте.», «Таблица 12.»),
    stands in the PDF: the tables are typeset, numbered as on the site, and no caption
    reads «Сурет7.1-сурет.:»."""
    captions = site_captions(site_dir, lang)
    table_label = re.escape(t("caption.table", lang, number="@")).replace("@", r"\d+")
    assert len([label for label, _ in captions if re.fullmatch(table_label, label)]) == 47
    text = pdf_text(pdf_of(site_dir, lang))
    squeezed = _squeezed(text)
    missing = [f"{label} {caption}" for label, caption in captions if _squeezed(f"{label} {caption}") not in squeezed]
    assert missing == []
    assert not re.search(r"\d\.:", text)  # LaTeX's colon after the label
    doubled = [label for label, _ in captions for kind in ("figure", "table")
               if _squeezed(t(f"pdf.{kind}", lang) + label) in squeezed]
    assert doubled == []  # «Сурет7.1-сурет.»: the heading's name before the site's label


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_table_s_header_is_in_the_pdf(site_dir, lang):
    # in reading order, not laid out: a header cell wrapped in its column stays together
    raw = subprocess.run(["pdftotext", str(pdf_of(site_dir, lang)), "-"], capture_output=True, text=True, check=True)
    text = _squeezed(raw.stdout)
    headers = []
    for page in sorted((site_dir / lang / "chapters").glob("*.html")):
        for table in re.findall(r"<table>.*?</thead>", page.read_text(encoding="utf-8"), re.DOTALL):
            headers += [html.unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]
    assert len(headers) > 200
    assert [h for h in headers if _squeezed(h) not in text] == []


NUMREF = re.compile(r"\{numref\}`([^`<]*?)\s*<[^`>]+>`")


def latex_number_reference(text: str) -> str:
    """What Sphinx's LaTeX writer does with a numref's own text (``visit_number_reference``):
    escape it for xelatex, restore the {name} and {number} fields, and format them."""
    from sphinx.util import texescape
    texescape.init()
    title = texescape.escape(text, pdf.book_config("kk")["latex_engine"])
    title = title.replace(r"\{name\}", "{name}").replace(r"\{number\}", "{number}")
    return title.format(name=r"\nameref{x}", number=r"\ref{x}")


def test_every_numref_text_survives_the_pdf_writer():
    """A numref's text goes through ``str.format`` after LaTeX escaping: an ASCII hyphen
    becomes ``\\sphinxhyphen{}``, whose braces stop the PDF build of the whole edition."""
    sources = sorted((REPO / "analysis" / "notebooks").glob("*.md")) + sorted((REPO / "chapters").glob("*/*.md"))
    texts = [(path.name, text) for path in sources for text in NUMREF.findall(path.read_text(encoding="utf-8"))
             if "{number}" in text or "{name}" in text]
    assert len(texts) >= 3
    for name, text in texts:
        try:
            latex_number_reference(text)
        except (IndexError, KeyError) as error:
            pytest.fail(f"{name}: the numref text {text!r} breaks the PDF writer ({error!r}); "
                        "write a non-breaking hyphen (U+2011) instead of '-'")


def test_the_numref_check_catches_an_ascii_hyphen():
    with pytest.raises(IndexError):
        latex_number_reference("{number}-кестеде")
    assert latex_number_reference("{number}\u2011кестеде") == "\\ref{x}\u2011кестеде"
