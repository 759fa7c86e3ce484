"""The refresh clients, against hand-written responses in each service's format; no network."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from analysis.errors import DataError
from analysis.paths import DATA_DIR, RAW_DIR, REPO
from analysis.data.refresh import cli, imf, transport, undesa, worldbank
from analysis.data.readers import dots as dots_reader
from analysis.data.readers import worldbank as wdi_reader
from analysis.data.refresh.transport import RefreshError
from fake_http import FakeResponse, FakeSession, no_network, sleeps  # noqa: F401 - autouse fixtures

FIXTURES = Path(__file__).parent / "fixtures" / "refresh"
MIRROR_DATAHUB = RAW_DIR / worldbank.DATAHUB_DIR / "indicators"
MIRROR_DOTS = RAW_DIR / "imf-dots" / "data" / "DOTS"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

WB_CODE = "PA.NUS.FCRF"
WB_PAGE_1 = worldbank.indicator_url(WB_CODE, page=1, per_page=5)
WB_PAGE_2 = worldbank.indicator_url(WB_CODE, page=2, per_page=5)
# The fixture pages' rows as the datahub mirror prints them (each line is in the mirror).
EXPECTED_DATAHUB_CSV = (
    b"Country Name,Country Code,Year,Value\r\n"
    b"Afghanistan,AFG,2020,76.8135364354897\r\n"
    b"Angola,AGO,1961,2.873486E-08\r\n"
    b"Euro area,EMU,2020,0.875506396987998\r\n"
    b"Kazakhstan,KAZ,2020,412.953333333333\r\n"
    b"Kazakhstan,KAZ,2021,425.9075\r\n"
    b"Kyrgyz Republic,KGZ,2023,87.8561255862776\r\n"
    b'"Korea, Rep.",KOR,2020,1180.26583333333\r\n'
    b"Zimbabwe,ZWE,1961,0.000714286000714286\r\n"
)
DOTS_KZ_URL = imf.dots_url("KZ", imf.load_areas()["code"], 2019, 2020)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def answer(name: str, content_type: str = "application/json") -> FakeResponse:
    return FakeResponse(content=fixture(name), content_type=content_type)


def wb_session(page_1: FakeResponse | list[FakeResponse] | None = None,
               page_2: FakeResponse | None = None) -> FakeSession:
    return FakeSession({WB_PAGE_1: page_1 or answer("wb_pa.nus.fcrf_page1.json"),
                        WB_PAGE_2: page_2 or answer("wb_pa.nus.fcrf_page2.json")})


def json_answer(payload) -> FakeResponse:
    return FakeResponse(content=json.dumps(payload).encode())


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "International migrant stock at mid-year"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# World Bank, JSON API -------------------------------------------------------------------

def test_fetch_indicator_follows_every_page():
    session = wb_session()
    frame = worldbank.fetch_indicator(WB_CODE, session=session, per_page=5)
    assert session.requested == [WB_PAGE_1, WB_PAGE_2]
    assert len(frame) == 9
    kazakhstan = frame[frame["country_iso3"] == "KAZ"].set_index("year")
    assert kazakhstan.loc[2021, "country_iso2"] == "KZ"
    assert kazakhstan.loc[2021, "value"] == 425.9075
    assert frame["value"].isna().sum() == 1  # Afghanistan 2021 is null


def test_write_datahub_csv_is_byte_exact(tmp_path):
    frame = worldbank.fetch_indicator(WB_CODE, session=wb_session(), per_page=5)
    out_path = worldbank.write_datahub_csv(frame, tmp_path / "data.csv")
    assert out_path.read_bytes() == EXPECTED_DATAHUB_CSV


@pytest.mark.skipif(not (MIRROR_DATAHUB / "pa.nus.fcrf" / "data.csv").exists(),
                    reason="raw mirror not available")
def test_expected_datahub_rows_are_the_mirrors_own_bytes():
    mirror_lines = set((MIRROR_DATAHUB / "pa.nus.fcrf" / "data.csv").read_bytes()
                       .splitlines(keepends=True))
    assert set(EXPECTED_DATAHUB_CSV.splitlines(keepends=True)) <= mirror_lines


def test_refresh_wdi_writes_the_datahub_layout(tmp_path):
    written = worldbank.refresh_wdi([WB_CODE], tmp_path, session=wb_session(), per_page=5)
    folder = (tmp_path / "worldbank-wdi-datahub-2026" / "datasets_world-development-indicators"
              / "indicators" / "pa.nus.fcrf")
    assert written == [folder / "data.csv", folder / "datapackage.json"]
    assert (folder / "data.csv").read_bytes() == EXPECTED_DATAHUB_CSV
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["last_updated"] == "2026-07-01" and package["name"] == "pa.nus.fcrf"
    assert package["title"] == "Official exchange rate (LCU per US$, period average)"


def test_refreshed_wdi_reads_back_with_its_vintage(tmp_path):
    worldbank.refresh_wdi([WB_CODE], tmp_path, session=wb_session(), per_page=5)
    path = tmp_path / worldbank.DATAHUB_DIR / "indicators" / "pa.nus.fcrf" / "data.csv"
    series = wdi_reader.read_datahub_csv(path, WB_CODE, {"KAZ", "KGZ"})
    assert series.vintage == "2026-07-01"
    assert series.data.values.tolist() == [["KAZ", WB_CODE, 2020, 412.953333333333],
                                           ["KAZ", WB_CODE, 2021, 425.9075],
                                           ["KGZ", WB_CODE, 2023, 87.8561255862776]]


def test_pages_of_different_vintages_are_an_error():
    payload = json.loads(fixture("wb_pa.nus.fcrf_page2.json"))
    payload[0]["lastupdated"] = "2026-07-02"
    with pytest.raises(RefreshError, match="updated while paging") as caught:
        worldbank.fetch_indicator(WB_CODE, session=wb_session(page_2=json_answer(payload)),
                                  per_page=5)
    assert caught.value.field == "lastupdated"


def test_server_error_is_retried_with_backoff(sleeps):
    session = wb_session(page_1=[FakeResponse(500, b"Internal Server Error", "text/html"),
                                 answer("wb_pa.nus.fcrf_page1.json")])
    frame = worldbank.fetch_indicator(WB_CODE, session=session, per_page=5)
    assert len(frame) == 9
    assert session.requested == [WB_PAGE_1, WB_PAGE_1, WB_PAGE_2]
    assert sleeps == [transport.BACKOFF_SECONDS]


def test_retries_are_bounded(sleeps):
    session = wb_session(page_1=FakeResponse(503, b"Service Unavailable", "text/html"))
    with pytest.raises(RefreshError) as caught:
        worldbank.fetch_indicator(WB_CODE, session=session, per_page=5)
    assert len(session.requested) == transport.RETRIES + 1
    assert len(sleeps) == transport.RETRIES
    assert caught.value.field == "HTTP status" and "HTTP 503" in str(caught.value)


def test_client_error_is_not_retried_and_names_the_url(sleeps):
    session = wb_session(page_1=FakeResponse(404, b"Not Found", "text/html"))
    with pytest.raises(RefreshError) as caught:
        worldbank.fetch_indicator(WB_CODE, session=session, per_page=5)
    assert session.requested == [WB_PAGE_1] and sleeps == []
    assert caught.value.file == WB_PAGE_1
    assert WB_PAGE_1 in str(caught.value) and "HTTP 404" in str(caught.value)
    assert isinstance(caught.value, DataError)


def test_malformed_json_names_the_url():
    session = wb_session(page_1=FakeResponse(content=b'[{"page": 1, "pages": 2,'))
    with pytest.raises(RefreshError) as caught:
        worldbank.fetch_indicator(WB_CODE, session=session, per_page=5)
    assert caught.value.file == WB_PAGE_1 and caught.value.field == "body"
    assert "malformed JSON" in str(caught.value)


def test_missing_record_field_names_row_and_field():
    payload = json.loads(fixture("wb_pa.nus.fcrf_page2.json"))
    del payload[1][2]["countryiso3code"]
    with pytest.raises(RefreshError) as caught:
        worldbank.fetch_indicator(WB_CODE, session=wb_session(page_2=json_answer(payload)),
                                  per_page=5)
    assert caught.value.file == WB_PAGE_2
    assert (caught.value.row, caught.value.field) == (3, "countryiso3code")


def test_empty_page_is_an_error():
    payload = json.loads(fixture("wb_pa.nus.fcrf_page2.json"))
    payload[1] = []
    with pytest.raises(RefreshError) as caught:
        worldbank.fetch_indicator(WB_CODE, session=wb_session(page_2=json_answer(payload)),
                                  per_page=5)
    assert caught.value.file == WB_PAGE_2 and caught.value.field == "records"


def test_indicator_without_data_is_an_error():
    session = wb_session(page_1=answer("wb_no_data.json"))
    with pytest.raises(RefreshError, match="no data") as caught:
        worldbank.fetch_indicator(WB_CODE, session=session, per_page=5)
    assert caught.value.field == "total"


def test_api_error_message_is_reported():
    session = wb_session(page_1=answer("wb_error_message.json"))
    with pytest.raises(RefreshError, match="parameter value is not valid") as caught:
        worldbank.fetch_indicator(WB_CODE, session=session, per_page=5)
    assert caught.value.field == "message"


def test_record_of_another_indicator_is_an_error():
    payload = json.loads(fixture("wb_pa.nus.fcrf_page1.json"))
    payload[1][0]["indicator"]["id"] = "PA.NUS.PPP"
    with pytest.raises(RefreshError) as caught:
        worldbank.fetch_indicator(WB_CODE, session=wb_session(page_1=json_answer(payload)),
                                  per_page=5)
    assert (caught.value.row, caught.value.field) == (1, "indicator.id")


# World Bank, bulk CSV -------------------------------------------------------------------

def test_bulk_csv_member_is_saved_unchanged(tmp_path):
    archive = fixture("wb_bulk_NY.GDP.MKTP.CD.zip")
    url = worldbank.bulk_csv_url("NY.GDP.MKTP.CD")
    session = FakeSession({url: FakeResponse(content=archive, content_type="application/zip")})
    out_path = worldbank.fetch_bulk_csv("NY.GDP.MKTP.CD", tmp_path, session=session)
    assert out_path == tmp_path / "API_NY.GDP.MKTP.CD_DS2_en_csv_v2_9865.csv"
    member = zipfile.ZipFile(io.BytesIO(archive)).read(out_path.name)
    assert out_path.read_bytes() == member
    assert wdi_reader.read_bulk_csv(out_path).vintage == "2026-07-01"
    lines = out_path.read_bytes().splitlines()
    assert lines[0].startswith(b'\xef\xbb\xbf"Data Source"')  # BOM and preamble kept
    assert lines[4].startswith(b'"Country Name"')
    assert sorted(path.name for path in tmp_path.iterdir()) == [out_path.name]


def test_bulk_csv_refuses_a_page_instead_of_a_zip(tmp_path):
    url = worldbank.bulk_csv_url("NY.GDP.MKTP.CD")
    session = FakeSession({url: answer("undesa_not_found.html", "text/html")})
    with pytest.raises(RefreshError, match="expected a zip") as caught:
        worldbank.fetch_bulk_csv("NY.GDP.MKTP.CD", tmp_path, session=session)
    assert caught.value.file == url
    assert list(tmp_path.iterdir()) == []


# IMF, Direction of Trade Statistics -----------------------------------------------------

def test_fetch_dots_reads_series_lists_and_collapsed_singletons():
    session = FakeSession({DOTS_KZ_URL: answer("imf_dots_kz.json")})
    frame = imf.fetch_dots("KZ", 2019, 2020, session=session)
    assert list(frame.columns) == imf.COLUMNS
    values = {(row.indicator, row.partner, row.year): row.value_usd_millions
              for row in frame.itertuples()}
    assert values == {
        ("TXG_FOB_USD", "W00", 2019): 57676.727675, ("TXG_FOB_USD", "W00", 2020): 46926.834907,
        ("TXG_FOB_USD", "CN", 2019): 6499.12, ("TXG_FOB_USD", "CN", 2020): 7470.5,
        ("TMG_CIF_USD", "W00", 2019): 38419.023129, ("TMG_CIF_USD", "W00", 2020): 38142.88939,
        ("TMG_CIF_USD", "RU", 2020): 13500.25,  # UNIT_MULT 3: thousands
    }
    assert set(frame["reporter"]) == {"KZ"}


def test_fetch_dots_reads_a_lone_series_object():
    url = imf.dots_url("AM", ["GE"], 2020, 2020)
    session = FakeSession({url: answer("imf_dots_am_single_series.json")})
    frame = imf.fetch_dots("AM", 2020, 2020, session=session, partners=["GE"])
    assert frame.to_dict("records") == [{"reporter": "AM", "partner": "GE",
                                         "indicator": "TXG_FOB_USD", "year": 2020,
                                         "value_usd_millions": 178.3}]


def test_fetch_dots_without_series_is_an_error():
    session = FakeSession({DOTS_KZ_URL: answer("imf_dots_no_series.json")})
    with pytest.raises(RefreshError, match="no series") as caught:
        imf.fetch_dots("KZ", 2019, 2020, session=session)
    assert caught.value.file == DOTS_KZ_URL
    assert caught.value.field == "CompactData.DataSet.Series"


def test_fetch_dots_rejects_series_of_another_reporter():
    payload = json.loads(fixture("imf_dots_kz.json"))
    payload["CompactData"]["DataSet"]["Series"][0]["@REF_AREA"] = "KG"
    with pytest.raises(RefreshError) as caught:
        imf.fetch_dots("KZ", 2019, 2020, session=FakeSession({DOTS_KZ_URL: json_answer(payload)}))
    assert caught.value.field == "@REF_AREA"


def test_fetch_dots_rejects_a_value_that_is_not_a_number():
    payload = json.loads(fixture("imf_dots_kz.json"))
    payload["CompactData"]["DataSet"]["Series"][1]["Obs"][0]["@OBS_VALUE"] = "n.a."
    with pytest.raises(RefreshError, match="n.a.") as caught:
        imf.fetch_dots("KZ", 2019, 2020, session=FakeSession({DOTS_KZ_URL: json_answer(payload)}))
    assert caught.value.field == "@OBS_VALUE" and caught.value.row == "series TXG_FOB_USD CN"


def test_fetch_dots_malformed_json_names_the_url():
    session = FakeSession({DOTS_KZ_URL: FakeResponse(content=b"<html>maintenance</html>")})
    with pytest.raises(RefreshError, match="malformed JSON") as caught:
        imf.fetch_dots("KZ", 2019, 2020, session=session)
    assert caught.value.file == DOTS_KZ_URL


def filled_rows(sheet, first_row: int) -> list[list]:
    """Cell values from ``first_row`` down, without the empty cells that end each row."""
    rows = []
    for row in sheet.iter_rows(min_row=first_row, values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        rows.append(values)
    return rows


def kazakhstan_workbook(tmp_path) -> openpyxl.Workbook:
    frame = imf.fetch_dots("KZ", 2019, 2020,
                           session=FakeSession({DOTS_KZ_URL: answer("imf_dots_kz.json")}))
    out_path = imf.write_dots_workbook(frame, "Kazakhstan, Rep. of", tmp_path / "DOTS_103.xlsx")
    return openpyxl.load_workbook(out_path)


def test_dots_workbook_has_the_mirror_layout(tmp_path):
    workbook = kazakhstan_workbook(tmp_path)
    assert workbook.sheetnames == ["Exports, FOB", "Imports, CIF"]
    exports, imports = workbook["Exports, FOB"], workbook["Imports, CIF"]
    assert exports["B2"].value == "Exports, FOB to Partner Countries"
    assert imports["B2"].value == "Imports, CIF from Partner Countries"
    for sheet in (exports, imports):
        assert sheet["B4"].value == "Kazakhstan, Rep. of"
        assert sheet["B5"].value == "US Dollars, Millions"
        assert filled_rows(sheet, 7)[0] == [None, None, "2019", "2020"]
    assert filled_rows(exports, 8) == [
        [None, "World", 57676.727675, 46926.834907],
        [None, "China, P.R.: Mainland", 6499.12, 7470.5],
    ]
    assert filled_rows(imports, 8) == [
        [None, "World", 38419.023129, 38142.88939],
        [None, "Russian Federation", None, 13500.25],
    ]
    assert exports["C8"].data_type == "n" and exports["C8"].number_format == "#,##0.00"


def test_dots_workbook_reads_back_through_the_dots_reader(tmp_path):
    kazakhstan_workbook(tmp_path)
    areas = dots_reader.AreaCodes.from_csv(DATA_DIR / "reference" / "imf_dots_areas.csv")
    report = dots_reader.read_dots_workbook(tmp_path / "DOTS_103.xlsx", areas)
    flows = report.flows.set_index(["flow", "partner", "year"])["value_usd_m"].to_dict()
    assert flows == {
        ("exports", "WLD", 2019): 57676.727675, ("exports", "WLD", 2020): 46926.834907,
        ("exports", "CHN", 2019): 6499.12, ("exports", "CHN", 2020): 7470.5,
        ("imports", "WLD", 2019): 38419.023129, ("imports", "WLD", 2020): 38142.88939,
        ("imports", "RUS", 2020): 13500.25,
    }
    assert set(report.flows["reporter"]) == {"KAZ"} and not report.flows["estimate"].any()
    assert report.dropped_duplicates == []


@pytest.mark.skipif(not (MIRROR_DOTS / "DOTS_103.xlsx").exists(), reason="raw mirror not available")
def test_dots_workbook_header_cells_match_the_mirrors(tmp_path):
    written = kazakhstan_workbook(tmp_path)
    mirror = openpyxl.load_workbook(MIRROR_DOTS / "DOTS_103.xlsx")
    assert written.sheetnames == mirror.sheetnames
    for name in mirror.sheetnames:
        for cell in ("B2", "B4", "B5"):
            assert written[name][cell].value == mirror[name][cell].value, (name, cell)
        assert mirror[name]["AD7"].value == written[name]["C7"].value == "2019"
        assert mirror[name]["B9"].value == written[name]["B8"].value == "World"
        assert written[name]["C8"].number_format == mirror[name]["C9"].number_format


def test_dots_partner_without_a_name_is_an_error(tmp_path):
    frame = imf.fetch_dots("KZ", 2019, 2020,
                           session=FakeSession({DOTS_KZ_URL: answer("imf_dots_kz.json")}))
    areas = imf.load_areas()
    with pytest.raises(DataError, match="'RU'") as caught:
        imf.write_dots_workbook(frame, "Kazakhstan, Rep. of", tmp_path / "DOTS_103.xlsx",
                                areas=areas[areas["code"] != "RU"])
    assert caught.value.field == "code"
    assert not (tmp_path / "DOTS_103.xlsx").exists()


def test_area_table_covers_the_study_countries_by_their_workbook_names():
    areas = imf.load_areas()
    assert len(areas) == 27 and areas.iloc[0].tolist() == ["W00", "World", "221"]
    reference = DATA_DIR / "reference"
    iso3_by_imf_name = {row["imf_name"]: row["iso3"] for row in
                        csv.DictReader(open(reference / "imf_dots_areas.csv", encoding="utf-8"))}
    file_by_iso3 = {row["iso3"]: row["imf_dots_file"] for row in
                    csv.DictReader(open(reference / "countries.csv", encoding="utf-8"))}
    for area in areas[areas["code"] != "W00"].itertuples():
        assert file_by_iso3[iso3_by_imf_name[area.name]] == area.dots_file, area.code


@pytest.mark.skipif(not MIRROR_DOTS.exists(), reason="raw mirror not available")
def test_area_names_are_the_reporter_names_of_the_mirror_workbooks():
    for area in imf.load_areas().itertuples():
        workbook = openpyxl.load_workbook(MIRROR_DOTS / f"DOTS_{area.dots_file}.xlsx",
                                          read_only=True)
        assert workbook["Exports, FOB"]["B4"].value == area.name, area.code


# UN DESA --------------------------------------------------------------------------------

def test_undesa_download_checks_and_saves_the_file(tmp_path):
    content = xlsx_bytes()
    session = FakeSession({undesa.DEFAULT_URL: FakeResponse(content=content,
                                                            content_type=XLSX_TYPE)})
    out_path = undesa.download(undesa.DEFAULT_URL, tmp_path / "stock.xlsx", session=session,
                               expected_sha256=hashlib.sha256(content).hexdigest().upper())
    assert out_path.read_bytes() == content
    assert [path.name for path in tmp_path.iterdir()] == ["stock.xlsx"]


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "application/octet-stream"])
def test_undesa_refuses_an_html_page(tmp_path, content_type):
    session = FakeSession({undesa.DEFAULT_URL: answer("undesa_not_found.html", content_type)})
    with pytest.raises(RefreshError) as caught:
        undesa.download(undesa.DEFAULT_URL, tmp_path / "stock.xlsx", session=session)
    assert caught.value.file == undesa.DEFAULT_URL
    assert list(tmp_path.iterdir()) == []


def test_undesa_checksum_mismatch_keeps_the_old_file(tmp_path):
    out_path = tmp_path / "stock.xlsx"
    out_path.write_bytes(b"previous download")
    session = FakeSession({undesa.DEFAULT_URL: FakeResponse(content=xlsx_bytes(),
                                                            content_type=XLSX_TYPE)})
    with pytest.raises(RefreshError, match="SHA-256") as caught:
        undesa.download(undesa.DEFAULT_URL, out_path, session=session, expected_sha256="0" * 64)
    assert caught.value.field == "sha256"
    assert out_path.read_bytes() == b"previous download"
    assert [path.name for path in tmp_path.iterdir()] == ["stock.xlsx"]


# Command line ---------------------------------------------------------------------------

def test_module_help_runs():
    result = subprocess.run([sys.executable, "-m", "analysis.data.refresh", "--help"], cwd=REPO,
                            capture_output=True, text=True, check=True)
    assert "wdi" in result.stdout and "dots" in result.stdout and "undesa" in result.stdout


def test_cli_refuses_the_shared_mirror_without_overwrite(capsys):
    session = FakeSession({})
    with pytest.raises(SystemExit) as caught:
        cli.main(["--raw-dir", str(RAW_DIR / "imf-dots"), "undesa"], session=session)
    assert caught.value.code == 2 and session.requested == []
    assert "--overwrite" in capsys.readouterr().err


def test_cli_writes_the_mirror_layout(tmp_path, capsys):
    session = FakeSession({
        undesa.DEFAULT_URL: FakeResponse(content=xlsx_bytes(), content_type=XLSX_TYPE),
        imf.dots_url("KZ", imf.load_areas()["code"], 2019, 2020): answer("imf_dots_kz.json"),
    })
    assert cli.main(["--raw-dir", str(tmp_path), "undesa"], session=session) == 0
    assert cli.main(["--raw-dir", str(tmp_path), "dots", "KZ", "--start", "2019", "--end", "2020"],
                    session=session) == 0
    expected = [tmp_path / "undesa-migrant-stock" / "data_raw"
                / "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx",
                tmp_path / "imf-dots" / "data" / "DOTS" / "DOTS_103.xlsx"]
    assert capsys.readouterr().out.split() == [str(path) for path in expected]
    assert all(path.exists() for path in expected)


def test_cli_reports_service_errors(tmp_path, capsys):
    session = FakeSession({worldbank.indicator_url(WB_CODE): FakeResponse(404, b"", "text/html")})
    assert cli.main(["--raw-dir", str(tmp_path), "wdi", WB_CODE], session=session) == 1
    assert "HTTP 404" in capsys.readouterr().err
