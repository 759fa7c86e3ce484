"""Figures and tables as citable units.

Without a build: every table a notebook shows is named, captioned in the three languages
and registered with its data file and sources (``analysis/present/exhibits.yml``), as is
every figure; the registry rejects bad entries with the file, row and field; a table's
LaTeX form escapes LaTeX's special characters, keeps numbers whole and typesets (XeLaTeX,
Cyrillic, across pages with its header repeated).

With a built site (``make book``): every table of every edition is numbered and captioned
in the edition's form inside a real ``<caption>``, has its ``tbl-`` anchor, and every
figure and table is followed by its "Cite this ..." line, whose data file exists.
"""
from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.paths import REPO
from analysis.present import exhibits, table_latex, tables
from analysis.present.i18n import LANGUAGES, catalogue, t

NOTEBOOKS = REPO / "analysis" / "notebooks"
PASTED_FIGURE = re.compile(r"^```\{pasted-figure\} \S+\n:doc: (\w+)\.ipynb\n:name: (fig-[a-z0-9-]+)$", re.MULTILINE)
RENDER_NAME = re.compile(r'tables\.render\((?:[^()]|\([^()]*(?:\([^()]*\)[^()]*)*\))*?name="([a-z0-9-]+)"\)', re.DOTALL)


def notebook_exhibits() -> dict[str, str]:
    """Every figure and table anchor of the notebook chapters, with its notebook's name."""
    found = {}
    for notebook in sorted(NOTEBOOKS.glob("*.md")):
        text = notebook.read_text(encoding="utf-8")
        assert text.count("tables.render(") == len(RENDER_NAME.findall(text)), \
            f"{notebook.name}: a tables.render call without name=\"...\""
        for name in RENDER_NAME.findall(text):
            assert f"tbl-{name}" not in found, f"table name {name} used twice"
            found[f"tbl-{name}"] = notebook.name
        for anchor in re.findall(r"^:name: (fig-[a-z0-9-]+)$", text, re.MULTILINE):
            found[anchor] = notebook.name
    # a prose page's figure pasted from a notebook: the notebook publishes its data
    for page in sorted((REPO / "chapters").glob("*/*.md")):
        for notebook, anchor in PASTED_FIGURE.findall(page.read_text(encoding="utf-8")):
            found[anchor] = f"{notebook}.md"
    return found


def test_a_pasted_figure_has_a_name_and_a_caption_in_each_language():
    pasted = {}
    for page in sorted((REPO / "chapters").glob("*/*.md")):
        text = page.read_text(encoding="utf-8")
        for block in re.findall(r"^```\{pasted-figure\}.*?^```$", text, re.MULTILINE | re.DOTALL):
            _, anchor = PASTED_FIGURE.search(block).groups()
            caption = block.split("\n\n", 1)[1].removesuffix("```").strip()
            assert caption, f"{page}: {anchor} has no caption"
            pasted.setdefault(anchor, set()).add(page.parent.name)
    assert pasted == {"fig-balassa-theory": set(LANGUAGES)}


def test_every_table_and_figure_is_registered_with_a_data_file_the_notebook_publishes():
    found = notebook_exhibits()
    registry = exhibits.registry()
    assert sum(a.startswith("tbl-") for a in found) == 47 and sum(a.startswith("fig-") for a in found) == 27
    assert set(found) == set(registry), (f"not registered: {sorted(set(found) - set(registry))}; "
                                         f"registered but not in a notebook: {sorted(set(registry) - set(found))}")
    for anchor, notebook in found.items():
        text = (NOTEBOOKS / notebook).read_text(encoding="utf-8")
        assert f'f"{registry[anchor].data}-{{lang}}.csv"' in text, \
            f"{anchor}: {notebook} publishes no {registry[anchor].data}-<lang>.csv"


def test_every_table_has_a_caption_in_each_language():
    entries = catalogue()
    names = [a.removeprefix("tbl-") for a in exhibits.registry() if a.startswith("tbl-")]
    captions = {key for key in entries if key.startswith("table_caption.")}
    assert captions == {tables.caption_key(name) for name in names}
    for name in names:
        texts = [t(tables.caption_key(name), lang) for lang in LANGUAGES]
        assert len(set(texts)) == 3, f"{name}: a caption is not translated"
        assert all(text.endswith(".") for text in texts)
        assert re.search("[а-яәғқңөұүі]", texts[0]) and re.search("[а-я]", texts[2])


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "exhibits.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, row, field", [
    ("Table-1: {data: x, sources: [wdi]}\n", "Table-1", None),
    ("tbl-a: {data: X.csv, sources: [wdi]}\n", "tbl-a", "data"),
    ("tbl-a: {data: x, sources: []}\n", "tbl-a", "sources"),
    ("tbl-a: {data: x, sources: [wdi, data/reference/nowhere.csv]}\n", "tbl-a", "sources"),
])
def test_the_registry_rejects_bad_entries_naming_file_row_and_field(tmp_path, text, row, field):
    path = _write(tmp_path, text)
    with pytest.raises(DataError) as error:
        exhibits.registry(path)
    assert error.value.file == str(path) and error.value.row == row and error.value.field == field


def test_sources_are_the_agencies_datasets_from_the_manifest_and_the_repository_files():
    agencies, files = exhibits.sources_text("tbl-balassa-stages", "ru")
    assert agencies == ["Всемирная торговая организация: Информационная система региональных торговых соглашений "
                        "(RTA-IS), все соглашения"]
    assert files == ["data/reference/groupings.csv"]
    assert exhibits.sources_text("fig-pairs-latest", "en")[0][0].startswith("International Monetary Fund: Direction")


def test_latex_escapes_its_special_characters_and_keeps_numbers_whole():
    assert table_latex.escape("50% & $x_1 #{a} ~^ \\") == \
        r"50\% \& \$x\_1 \#\{a\} \textasciitilde{}\textasciicircum{} \textbackslash{}"
    assert table_latex.escape("12\u00a0%") == "12~\\%"  # no-break space: a tie
    assert table_latex.escape("37\u202f902") == r"37\,902"  # narrow no-break space: a thin space


@pytest.fixture
def register_caption():
    entries = catalogue()
    entries["table_caption.test_table"] = {"kk": "Сынақ кестесі: 50 % & бөлігі", "en": "A test table",
                                           "ru": "Проверочная таблица"}
    yield
    del entries["table_caption.test_table"]


def test_a_book_table_carries_its_caption_anchor_and_latex_form(register_caption):
    frame = pd.DataFrame({"Ел": ["Қазақстан", "Ресей"], "Үлес": [0.125, 0.5], "Сан": [37902, 12]})
    table = tables.render(frame, "kk", {"Үлес": tables.percent(1)}, name="test-table")
    assert 'data-book-table="tbl-test-table"' in table._repr_html_()
    assert "<caption>Сынақ кестесі: 50 % &amp; бөлігі</caption><thead>" in table._repr_html_()
    latex = table._repr_latex_()
    assert r"\begin{longtable}" in latex and r"\caption{Сынақ кестесі: 50 \% \& бөлігі}\label{tbl-test-table}" in latex
    assert r"\textbf{Ел} & \textbf{Үлес} & \textbf{Сан} \\" in latex
    assert r"Қазақстан & 12,5~\% & 37\,902 \\" in latex  # as on the page: decimal comma, unbroken groups and %
    assert latex.count(r"\endhead") == 1  # the header repeats on every page
    assert repr(table) == "tbl-test-table: Сынақ кестесі: 50 % & бөлігі"
    with pytest.raises(ValueError, match="lower-case words"):
        tables.render(frame, "kk", name="Test table")


def test_two_level_headers_become_a_spanning_latex_header(register_caption):
    columns = pd.MultiIndex.from_tuples([("Group", ""), ("Share", "2000"), ("Share", "2020")])
    latex = tables.render(pd.DataFrame([["x", 0.1, 0.2]], columns=columns), "en", name="test-table").latex
    assert re.search(r"\\multicolumn\{2\}\{>\{\\centering\\arraybackslash\}p\{[^{}]*\}\}\{\\textbf\{Share\}\}", latex)
    assert r"\cmidrule(lr){2-3}" in latex and "\n" + r" & \textbf{2000} & \textbf{2020} \\" in latex


def test_a_table_too_wide_for_the_page_is_set_in_parts_with_the_row_labels(register_caption):
    columns = [("Group", "")] + [(f"Indicator number {g} with a long name", str(y)) for g in range(7)
                                 for y in (2000, 2010, 2020)]
    frame = pd.DataFrame([["EAEU"] + [0.1 * i for i in range(21)]], columns=pd.MultiIndex.from_tuples(columns))
    latex = tables.render(frame, "ru", name="test-table").latex
    parts = latex.split(r"\end{longtable}")[:-1]
    assert len(parts) > 1
    assert parts[0].count(r"\caption{") == 1 and r"\label{tbl-test-table}" in parts[0]
    assert all(r"\caption*{Проверочная таблица (продолжение)}" in part for part in parts[1:])
    # longtable numbers every longtable: each continuation gives its number back
    assert latex.count(r"\addtocounter{table}{-1}") == len(parts) - 1
    assert all("EAEU" in part for part in parts)  # the row labels in every part
    shown = [g for g in range(7) for part in parts if f"Indicator number {g} with" in part]
    assert shown == list(range(7))  # every column group once, none split between parts


def test_a_long_cyrillic_table_typesets_across_pages_with_its_header_repeated(tmp_path, register_caption):
    if shutil.which("xelatex") is None:
        pytest.fail("xelatex is missing: `make tex-deps` installs it", pytrace=False)
    frame = pd.DataFrame({"Ел": [f"Қазақстан {i}" for i in range(120)], "Үлес": [i / 7 for i in range(120)],
                          "Ескерту": ["ұзын мәтін " * 8] * 120})
    latex = tables.render(frame, "kk", {"Үлес": tables.percent(2)}, name="test-table").latex
    (tmp_path / "t.tex").write_text("\n".join([
        r"\documentclass{report}\usepackage[a4paper,hmargin=1in]{geometry}",
        r"\usepackage{fontspec}\setmainfont{FreeSerif}",
        r"\usepackage{longtable,booktabs,array}\usepackage[labelsep=space]{caption}",
        r"\makeatletter\def\fnum@table{\thetable{}-кесте.}\makeatother",
        r"\begin{document}", latex, r"\end{document}"]), encoding="utf-8")
    run = subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    assert "Missing character" not in (tmp_path / "t.log").read_text(encoding="utf-8", errors="replace")
    text = subprocess.run(["pdftotext", str(tmp_path / "t.pdf"), "-"], capture_output=True, text=True).stdout
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) >= 3
    assert all("Ескерту" in page for page in pages if page.strip())  # the header on every page
    assert "1-кесте. Сынақ кестесі: 50 % & бөлігі" in text.replace("\n", " ")
    assert "Қазақстан 119" in text and "1 700,00 %" in text.replace("\u00a0", " ")


# ---- the built site -------------------------------------------------------------------

def _pages(site_dir: Path, lang: str) -> list[Path]:
    return sorted(p for p in (site_dir / lang / "chapters").glob("*.html"))


def caption_label_pattern(kind: str, lang: str) -> str:
    """The site's caption label as a pattern: "Table 3.1." / «3.1-кесте.» / «Таблица 3.1.»."""
    return re.escape(t(f"caption.{kind}", lang, number="@")).replace("@", r"(\d+(?:\.\d+)*)")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_table_on_the_site_is_numbered_and_captioned_with_its_anchor(site_dir, lang):
    label = re.compile(caption_label_pattern("table", lang))
    seen, numbers = set(), []
    for page in _pages(site_dir, lang):
        text = page.read_text(encoding="utf-8")
        tables_on_page = re.findall(r"<table\b.*?</table>", text, re.DOTALL)
        for table in tables_on_page:
            caption = re.match(r'<table[^>]*>\s*<caption><span class="caption-number">(.*?) </span>(.*?)</caption>',
                               table, re.DOTALL)
            assert caption, f"{page.name}: a table without a numbered caption: {table[:200]}"
            match = label.fullmatch(html.unescape(caption[1]))
            assert match, f"{page.name}: caption label {caption[1]!r} is not in the edition's form"
            numbers.append(match[1])
        for anchor in re.findall(r'<div class="book-exhibit" id="(tbl-[a-z0-9-]+)"', text):
            seen.add(anchor)
    assert len(numbers) == 47 and len(set(numbers)) == 47
    assert seen == {a for a in exhibits.registry() if a.startswith("tbl-")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_figure_and_table_has_a_cite_line_with_number_address_data_and_sources(site_dir, lang):
    lines = 0
    for page in _pages(site_dir, lang):
        text = page.read_text(encoding="utf-8")
        for anchor in re.findall(r'<(?:div class="book-exhibit"|figure[^>]*) id="((?:fig|tbl)-[a-z0-9-]+)"', text):
            exhibit = exhibits.exhibit(anchor)
            start = text.index(f'id="{anchor}"')
            cite = re.search(r'<p class="exhibit-cite">(.*?)</p>', text[start:], re.DOTALL)
            assert cite, f"{page.name}: {anchor} has no cite line"
            line = cite[1]
            plain = html.unescape(re.sub(r"<[^>]+>", "", line))
            assert plain.startswith(t(f"exhibit.cite_{exhibit.kind}", lang).split("{")[0])
            cited = re.escape(t(f"exhibit.cite_label.{exhibit.kind}", lang, number="@")).replace("@", r"(\d+(?:\.\d+)*)")
            assert re.search(rf"{cited}, ", plain)  # «…на рисунок: рис. 3, …», lower case after the colon
            assert f"{page.stem}.html#{anchor}" in plain  # the address names the page and the anchor
            data = re.search(r'href="([^"#]+\.csv)"', line)
            assert data and (page.parent / data[1]).is_file(), f"{page.name}: {anchor}'s data file is missing"
            assert data[1].endswith(exhibit.data_file(lang))
            agencies, files = exhibits.sources_text(anchor, lang)
            assert all(source in plain for source in agencies + files)
            lines += 1
    assert lines == 47 + 27  # 26 figures of the notebooks and one pasted on the theory page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_numref_refers_to_a_table_by_its_anchor_and_number(site_dir, lang):
    text = (site_dir / lang / "chapters" / "data.html").read_text(encoding="utf-8")
    start = text.index('id="tbl-coverage"')
    number = re.search(caption_label_pattern("table", lang),
                       html.unescape(re.search(r'<span class="caption-number">(.*?) </span>', text[start:])[1]))[1]
    reference = re.search(r'<a class="reference internal" href="#tbl-coverage">(.*?)</a>', text, re.DOTALL)
    assert reference, "data.html: no {numref} link to tbl-coverage"
    assert re.search(rf"(?<![\d.]){re.escape(number)}(?![\d.])", re.sub(r"<[^>]+>", "", reference[1]))
