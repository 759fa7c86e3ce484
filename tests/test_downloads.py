"""What a downloaded table says about itself (analysis.present.downloads): each column's
type matches what pandas writes, every numeric column has a unit, sources come from the
manifest, and a chapter's data package validates with frictionless and its workbook
holds the same data, Cyrillic intact. No built site needed."""
from __future__ import annotations

import base64
import datetime
import json
import re

import frictionless
import openpyxl
import pandas as pd
import pytest

from analysis.measures import gravity_data, results
from analysis.present import downloads, plotting
from analysis.present.i18n import LANGUAGES, catalogue, t


def frame(lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col.country", lang): ["Қазақстан", "Россия"], t("label.year", lang): [2000, 2020],
                         t("indicator.trade_share", lang): [0.0944, None], t("indicator.trade_intensity", lang): [23.97, 1.5],
                         t("download.col.keep", lang): [True, False]})


def units(lang: str) -> dict:
    return {t("indicator.trade_share", lang): "share", t("indicator.trade_intensity", lang): "ratio"}


def chapter(lang: str) -> downloads.Chapter:
    return downloads.Chapter(lang=lang, title="Интеграция көрсеткіштері", slug="indicators", version="0.1.0",
                             release="0.1.0+abc1234", date=datetime.date(2026, 12, 1), address="kk/chapters/indicators.html")


def resource(lang: str, table: pd.DataFrame | None = None, name: str = "pairs-kk.csv", **options) -> downloads.Resource:
    table = frame(lang) if table is None else table
    meta = downloads.describe(table, name, lang, sources=options.pop("sources", ["trade_flows", "wdi", "reference"]),
                              units=options.pop("units", units(lang)), **options)
    return downloads.Resource(name, "Жұптар", table.to_csv(index=False, lineterminator="\n"), meta)


def test_types_and_units_follow_the_frame():
    meta = downloads.describe(frame("ru"), "x-ru.csv", "ru", sources=["trade_flows"], units=units("ru"))
    assert [(f["name"], f["type"], f.get("unit")) for f in meta["fields"]] == [
        ("Страна", "string", None), ("Год", "integer", "year"), ("Доля взаимной торговли в товарообороте", "number", "share"),
        ("Индекс интенсивности торговли", "number", "ratio"), ("Сохраняется", "boolean", None)]
    assert meta["sources"] == ["trade_flows"]


@pytest.mark.parametrize("change, message", [
    (dict(units={"Доля взаимной торговли в товарообороте": "share"}), "numeric column 'Индекс интенсивности торговли' has no unit"),
    (dict(units={"*": "furlongs"}), "unknown unit 'furlongs'"),
    (dict(units={"Нет такого": "share", "*": "share"}), "'Нет такого', which is not a column"),
    (dict(sources=["imf_weo"]), "sources must name tables of data/manifest.json"),
    (dict(sources=[]), "sources must name tables"),
    (dict(units={"*": downloads.UNIT_COLUMN + "Единица"}), "takes its unit from a column that is missing"),
])
def test_a_table_that_cannot_be_described_is_an_error_naming_file_and_column(change, message):
    options = dict(sources=["trade_flows"], units=units("ru")) | change
    with pytest.raises(downloads.DownloadError, match=re.escape(message)) as error:
        downloads.describe(frame("ru"), "x-ru.csv", "ru", **options)
    assert "x-ru.csv" in str(error.value)


@pytest.mark.parametrize("header, problem", [("", "blank"), ("Год", "repeated")])
def test_blank_or_repeated_headers_are_refused(header, problem):
    table = pd.DataFrame([[1, 2]], columns=["Год", header])
    with pytest.raises(downloads.DownloadError, match=problem):
        downloads.describe(table, "x-ru.csv", "ru", sources=["wdi"], units="count")


def test_the_download_link_carries_its_description():
    link = plotting.csv_download(frame("kk"), "x-kk.csv", "kk", sources=["wdi"], units=units("kk")).data
    described = re.search(r'data-describe="([A-Za-z0-9+/=]+)"', link)[1]
    assert json.loads(base64.b64decode(described))["fields"][2]["unit"] == "share"


def test_sources_are_read_from_the_code_that_computes_the_data():
    assert downloads.read_by(results) == ["trade_flows", "wdi", "migrant_stock_bilateral"]
    assert downloads.read_by(gravity_data, also=["reference"]) == [
        "trade_flows", "trade_agreements_wto", "bri_countries", "reference"]
    with pytest.raises(downloads.DownloadError):
        downloads.read_by(downloads)  # reads no table of the extract


def test_every_unit_and_indicator_unit_is_in_the_catalogue_in_each_language():
    keys = downloads.unit_keys()
    assert {"share", "ratio", "year", "usd_m"} <= set(keys)
    assert set(downloads.INDICATOR_UNITS.values()) <= set(keys)
    for key in keys:
        assert all(catalogue()[f"unit.{key}"][lang].strip() for lang in LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_chapter_package_validates_with_frictionless(tmp_path, lang):
    resources = [resource(lang), resource(lang, pd.DataFrame({t("label.year", lang): [2000], t("col.value", lang): [1e-05]}),
                                          "other-kk.csv", sources=["hdi"], units="share")]
    package = downloads.data_package(chapter(lang), resources)
    for item in resources:
        (tmp_path / item.filename).write_text(item.text, encoding="utf-8")
    (tmp_path / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert package["version"] == "0.1.0" and package["licenses"][0]["name"] == "CC-BY-4.0"
    titles = [licence["title"] for licence in package["licenses"]]
    assert titles[1:] == [  # each source's own licence, naming whose data it covers
        f"{t('licence.imf_terms_of_use_free_reuse_with_attribution_not_a_creative_commons_licence', lang)}: {t('agency.imf', lang)}",
        f"{t('licence.cc_by_4_0', lang)}: {t('agency.world_bank', lang)}",
        f"{t('licence.cc_by_3_0_igo', lang)}: {t('agency.undp', lang)}"]
    assert package["sources"][1]["version"] == t("download.vintage_per_indicator", lang)
    assert [source["path"] for source in package["sources"]] == [
        "https://data.imf.org/DOT", "https://data.worldbank.org/indicator", "data/reference",
        "https://hdr.undp.org/data-center/documentation-and-downloads"]
    fields = package["resources"][0]["schema"]["fields"]
    assert fields[2]["unit"] == t("unit.share", lang) and t("unit.share", lang) in fields[2]["description"]


def test_validation_fails_when_a_type_does_not_match_the_data(tmp_path):
    """The planted bug: a column declared integer that holds decimals."""
    item = resource("ru")
    package = downloads.data_package(chapter("ru"), [item])
    package["resources"][0]["schema"]["fields"][1]["type"] = "integer"
    (tmp_path / item.filename).write_text(item.text.replace(",2000,", ",2000.5,"), encoding="utf-8")
    (tmp_path / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid and report.flatten(["type"]) == [["type-error"]]


def test_the_workbook_explains_itself_and_holds_the_same_data(tmp_path):
    lang = "kk"
    items = [resource(lang), resource(lang, name="pairs-2-kk.csv")]
    path = tmp_path / "book.xlsx"
    path.write_bytes(downloads.workbook(chapter(lang), items))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [t("download.sheet_about", lang), "pairs", "pairs-2"]
    about = [[cell for cell in row if cell is not None] for row in book.worksheets[0].values]
    flat = [str(cell) for row in about for cell in row]
    assert about[0] == [t("download.package_title", lang, book=t("book.title", lang), chapter="Интеграция көрсеткіштері")]
    assert "0.1.0+abc1234" in flat and "kk/chapters/indicators.html" in flat and "pairs-kk.csv" in flat
    assert t("unit.share", lang) in flat and t("download.content_licence", lang) in " ".join(flat)
    rows = list(book["pairs"].values)
    assert rows[0] == tuple(frame(lang).columns)
    assert rows[1] == ("Қазақстан", 2000, 0.0944, 23.97, True) and rows[2] == ("Россия", 2020, None, 1.5, False)


def test_sheet_names_are_short_and_unique():
    long = [downloads.Resource(f"factor-parallel-between-within-structure-{i}-kk.csv", "", "", {}) for i in range(3)]
    names = downloads.sheet_names(long + long[:1], "kk")
    assert len(set(names)) == 4 and max(map(len, names)) <= 31


def menu(pdf_edition: str, lang: str = "kk") -> dict:
    from types import SimpleNamespace

    from tooling.sphinx_ext.data_downloads import _pdf_menu_entry
    button = {"type": "javascript", "javascript": "window.print()", "text": ".pdf", "tooltip": "Print to PDF",
              "label": "download-pdf-button"}
    context = {"header_buttons": [{"type": "group", "buttons": [button]}],
               "pathto": lambda name, resource=0: f"../{name}" if resource else name}
    app = SimpleNamespace(config=SimpleNamespace(language=lang, pdf_edition=pdf_edition))
    _pdf_menu_entry(app, "chapters/data", "page.html", context, None)
    return button


def test_the_pdf_menu_entry_leads_to_the_edition_pdf_when_there_is_one():
    button = menu("silk-road-integration-kk.pdf")
    assert (button["type"], button["url"], button["tooltip"]) == ("link", "../silk-road-integration-kk.pdf", t("pdf.edition", "kk"))
    assert "javascript" not in button


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_a_pdf_the_menu_entry_says_it_prints_the_page(lang):
    button = menu("", lang)
    assert button["type"] == "javascript" and button["text"] == button["tooltip"] == t("download.print_page", lang)


@pytest.mark.parametrize("lang", ["kk", "en", "ru"])
def test_the_cite_page_offers_the_pdf_only_when_there_is_one(lang):
    """With a PDF the paragraph offers it and links it; without one it says how to make it
    and does not first claim that a PDF exists."""
    from types import SimpleNamespace

    from tooling.sphinx_ext.cite_page import PdfEdition

    def paragraph(name):
        directive = PdfEdition.__new__(PdfEdition)
        directive.state = SimpleNamespace(document=SimpleNamespace(settings=SimpleNamespace(
            env=SimpleNamespace(config=SimpleNamespace(language=lang, pdf_edition=name),
                                note_reread=lambda: None, docname="chapters/cite"))))
        (node,) = directive.run()
        return node.astext()

    offered = paragraph(f"silk-road-integration-{lang}.pdf")
    assert offered == t("pdf.available", lang) + " " + t("pdf.edition", lang)
    missing = paragraph("")
    assert t("pdf.available", lang) not in missing
    assert missing == t("pdf.not_built", lang).replace("{command}", "make pdf")


def test_the_workbook_is_the_same_bytes_for_the_same_chapter_dated_by_its_release(tmp_path):
    lang = "ru"
    items = [resource(lang, name="pairs-ru.csv")]
    first = downloads.workbook(chapter(lang), items)
    assert downloads.workbook(chapter(lang), items) == first
    path = tmp_path / "book.xlsx"
    path.write_bytes(first)
    book = openpyxl.load_workbook(path)
    assert book.properties.created.date() == chapter(lang).date and book.properties.creator == t("book.title", lang)
    sheet = book["pairs"]
    assert sheet.freeze_panes == "A2" and all(cell.font.bold for cell in sheet[1]) and not sheet["A2"].font.bold
    about = book.worksheets[0]
    assert about["A1"].font.bold and about["A1"].font.size == 14
    assert about.column_dimensions["C"].width > 40 and about["B3"].alignment.wrap_text
