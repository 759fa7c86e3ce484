"""The IMTS refresh client (IMF SDMX 3.0), against hand-written answers; no network.

The answers are ``tests/fixtures/imts/`` (written from the documented SDMX-CSV 2.0 format,
see their README). The session is replaced by one that answers from them and records
every request with its headers and timeout, as ``tests/test_refresh.py`` does for the other
clients.
"""
from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import pytest

from analysis.data import imts_trade, reference
from analysis.data.refresh import cli, imts, transport
from analysis.data.refresh.transport import RefreshError
from analysis.errors import DataError
from fake_http import FakeResponse, FakeSession, no_network, sleeps  # noqa: F401 - autouse fixtures

FIXTURES = Path(__file__).parent / "fixtures" / "imts"
CSV_TYPE = "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8"
BOOK = "+".join(reference.study_iso3() + ["G001"])


def csv_response(**given) -> FakeResponse:
    """An answer in the SDMX-CSV type unless the test says otherwise."""
    return FakeResponse(**{"content_type": CSV_TYPE, **given})


NOW = datetime.datetime(2026, 12, 7, 9, 30, 5, tzinfo=datetime.timezone.utc)


def fixture(indicator: str) -> bytes:
    return (FIXTURES / imts.file_name(indicator)).read_bytes()


def book_session(**replaced: FakeResponse) -> FakeSession:
    """Every indicator's answer for the book's countries; ``replaced`` by indicator code."""
    return FakeSession({imts.data_url(code, BOOK): replaced.get(code) or csv_response(content=fixture(code))
                        for code in imts.INDICATORS})


# --- the request ----------------------------------------------------------------------------

def test_the_documented_request_for_every_reporter():
    assert imts.data_url("XG_FOB_USD") == (
        "https://api.imf.org/external/sdmx/3.0/data/dataflow/IMF.STA/IMTS/+/*.XG_FOB_USD.*.A")
    assert imts.ACCEPT == "application/vnd.sdmx.data+csv;version=2.0.0"
    assert list(imts.INDICATORS) == ["XG_FOB_USD", "MG_CIF_USD", "MG_FOB_USD", "TBG_USD"]


def test_the_book_s_countries_and_a_first_year_narrow_the_request():
    assert imts.book_countries()[-1] == "G001" and len(imts.book_countries()) == 27
    assert imts.data_url("MG_CIF_USD", ["KAZ", "RUS", "G001"], since=2019) == (
        "https://api.imf.org/external/sdmx/3.0/data/dataflow/IMF.STA/IMTS/+/KAZ+RUS+G001.MG_CIF_USD.*.A"
        "?c%5BTIME_PERIOD%5D=ge:2019")


@pytest.mark.parametrize("indicator, countries", [("XG_CIF_USD", "*"), ("XG_FOB_USD", ["KAZ", "kgz"]),
                                                  ("XG_FOB_USD", "KAZ.RUS")])
def test_a_request_that_cannot_be_right_is_refused_before_it_is_sent(indicator, countries):
    with pytest.raises(ValueError):
        imts.data_url(indicator, countries)


def test_each_request_sends_the_accept_header_and_the_long_timeout():
    session = book_session()
    download = imts.fetch_indicator("XG_FOB_USD", session=session, countries=BOOK, now=NOW)
    assert session.requests == [(imts.data_url("XG_FOB_USD", BOOK),
                                 {"Accept": "application/vnd.sdmx.data+csv;version=2.0.0"},
                                 imts.TIMEOUT_SECONDS)]
    assert download.content == fixture("XG_FOB_USD")  # saved unchanged
    assert (download.observations, download.structure_id) == (24, "IMF.STA:IMTS(1.0.0)")
    assert download.retrieved == "2026-12-07T09:30:05Z"
    assert download.sha256 == hashlib.sha256(fixture("XG_FOB_USD")).hexdigest()


# --- the files written ----------------------------------------------------------------------

def test_refresh_writes_the_answers_and_their_provenance(tmp_path):
    session = book_session()
    written = imts.refresh_imts(list(imts.INDICATORS), tmp_path, session=session)
    folder = tmp_path / "imf-imts"
    assert written == [folder / "data" / imts.file_name(code) for code in imts.INDICATORS] + [folder / "SOURCE.txt"]
    for code in imts.INDICATORS:
        assert (folder / "data" / imts.file_name(code)).read_bytes() == fixture(code)
    source = (folder / "SOURCE.txt").read_text(encoding="utf-8")
    assert source.startswith("SOURCE: IMF International Trade in Goods (IMTS)")
    assert "Caution:" in source and "IMF's current API documentation" in source
    blocks = {block["File"]: block for block in imts.read_source_record(folder / "SOURCE.txt")}
    assert sorted(blocks) == sorted(f"data/{imts.file_name(code)}" for code in imts.INDICATORS)
    exports = blocks["data/IMTS_XG_FOB_USD_A.csv"]
    assert exports["URL"] == imts.data_url("XG_FOB_USD", BOOK)
    assert exports["Request"] == "Accept: application/vnd.sdmx.data+csv;version=2.0.0"
    assert exports["Content-Type"] == CSV_TYPE
    assert exports["Structure"] == "IMF.STA:IMTS(1.0.0)"
    assert (exports["Observations"], exports["Bytes"]) == ("24", str(len(fixture("XG_FOB_USD"))))
    assert exports["SHA-256"] == hashlib.sha256(fixture("XG_FOB_USD")).hexdigest()
    assert datetime.datetime.strptime(exports["Retrieved"], "%Y-%m-%dT%H:%M:%SZ")
    assert imts.verify_checksums(tmp_path) == [folder / "data" / imts.file_name(code)
                                               for code in sorted(imts.INDICATORS, key=imts.file_name)]


def test_a_refreshed_folder_reads_back_into_the_trade_tables(tmp_path):
    imts.refresh_imts(["XG_FOB_USD", "MG_CIF_USD"], tmp_path, session=book_session())
    tables = imts_trade.trade_tables(tmp_path, reference.study_iso3(), range(2019, 2021))
    assert len(tables.flows) == 17 and tables.flows.estimate.sum() == 2
    assert tables.retrieved.startswith(str(datetime.date.today().year))


def test_refreshing_one_indicator_keeps_the_others_records(tmp_path):
    imts.refresh_imts(list(imts.INDICATORS), tmp_path, session=book_session())
    before = {block["File"]: block for block in imts.read_source_record(tmp_path / imts.SOURCE_FILE)}
    changed = fixture("TBG_USD").replace(b"21300000000", b"21400000000")
    imts.refresh_imts(["TBG_USD"], tmp_path, session=book_session(TBG_USD=csv_response(content=changed)))
    after = {block["File"]: block for block in imts.read_source_record(tmp_path / imts.SOURCE_FILE)}
    assert sorted(after) == sorted(before)
    for name in after:
        if name == "data/IMTS_TBG_USD_A.csv":
            assert after[name]["SHA-256"] == hashlib.sha256(changed).hexdigest() != before[name]["SHA-256"]
        else:
            assert after[name] == before[name]
    imts.verify_checksums(tmp_path)


def test_a_file_edited_after_download_fails_the_checksum(tmp_path):
    imts.refresh_imts(["XG_FOB_USD"], tmp_path, session=book_session())
    path = tmp_path / imts.DATA_DIR / "IMTS_XG_FOB_USD_A.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    with pytest.raises(DataError, match="changed after it was downloaded") as caught:
        imts.verify_checksums(tmp_path)
    assert (caught.value.file, caught.value.field) == (str(path), "SHA-256")


# --- answers the client refuses -------------------------------------------------------------

BAD_ANSWERS = {
    "an HTML page": (csv_response(content=b"<html>maintenance</html>", content_type="text/html"),
                     None, "Content-Type", "expected SDMX-CSV (application/vnd.sdmx.data+csv;version=2.0.0), got text/html"),
    "SDMX-JSON": (csv_response(content=b'{"data": {}}', content_type="application/vnd.sdmx.data+json"),
                  None, "Content-Type", "expected SDMX-CSV (application/vnd.sdmx.data+csv;version=2.0.0), "
                                        "got application/vnd.sdmx.data+json"),
    "SDMX-CSV 1.0": (csv_response(content=b"DATAFLOW,COUNTRY\nIMF.STA:IMTS(1.0.0),KAZ\n"),
                     1, "STRUCTURE", "not SDMX-CSV 2.0: the first column must be STRUCTURE, found 'DATAFLOW'"),
    "a missing column": (csv_response(content=fixture("XG_FOB_USD").replace(b",TIME_PERIOD,", b",PERIOD,")),
                         1, "TIME_PERIOD", "columns ['TIME_PERIOD'] are missing from the header"),
    "no observations": (csv_response(content=fixture("XG_FOB_USD").split(b"\n")[0] + b"\n"),
                        2, "OBS_VALUE", "the answer has a header but no observations"),
    "another indicator": (csv_response(content=fixture("XG_FOB_USD").replace(
        b"KAZ,XG_FOB_USD,KGZ,A,2019", b"KAZ,MG_CIF_USD,KGZ,A,2019")),
        9, "INDICATOR", "expected XG_FOB_USD, found 'MG_CIF_USD'"),
    "monthly rows": (csv_response(content=fixture("XG_FOB_USD").replace(b"G001,A,2020", b"G001,M,2020")),
                     3, "FREQUENCY", "expected A, found 'M'"),
    "a cut row": (csv_response(content=fixture("XG_FOB_USD") + b"dataflow,IMF.STA:IMTS(1.0.0),I,KAZ"),
                  26, None, "4 fields where the header has 11"),
    "another dataflow": (csv_response(content=fixture("XG_FOB_USD").replace(b"IMF.STA:IMTS(1.0.0)",
                                                                            b"IMF.STA:DOT(1.0.0)")),
                         None, "STRUCTURE_ID", "expected rows of one IMF.STA:IMTS structure, found "
                                               "['IMF.STA:DOT(1.0.0)']"),
    "not UTF-8": (csv_response(content=b"STRUCTURE,\xff\xfe"), None, "body",
                  "not UTF-8 text (invalid start byte)"),
}


@pytest.mark.parametrize("case", sorted(BAD_ANSWERS))
def test_an_answer_that_is_not_the_documented_format_is_refused_and_nothing_written(tmp_path, case):
    response, row, field, message = BAD_ANSWERS[case]
    session = book_session(XG_FOB_USD=response)
    with pytest.raises(RefreshError) as caught:
        imts.refresh_imts(["MG_CIF_USD", "XG_FOB_USD"], tmp_path, session=session)
    url = imts.data_url("XG_FOB_USD", BOOK)
    assert (caught.value.file, caught.value.row, caught.value.field, caught.value.message) == (
        url, row, field, message)
    assert list(tmp_path.iterdir()) == []  # the good MG_CIF_USD answer was not written either


def test_server_errors_are_retried_client_errors_are_not(tmp_path, sleeps):
    url = imts.data_url("XG_FOB_USD", BOOK)
    session = book_session(XG_FOB_USD=[FakeResponse(503, b"busy", "text/html"),
                                       csv_response(content=fixture("XG_FOB_USD"))])
    imts.refresh_imts(["XG_FOB_USD"], tmp_path, session=session)
    assert [request[0] for request in session.requests] == [url, url]
    assert sleeps == [transport.BACKOFF_SECONDS]
    session = book_session(XG_FOB_USD=FakeResponse(404, b"NoResultsFound", "text/plain"))
    with pytest.raises(RefreshError, match="HTTP 404") as caught:
        imts.fetch_indicator("XG_FOB_USD", session=session, countries=BOOK)
    assert len(session.requests) == 1 and caught.value.field == "HTTP status"


# --- the command line -----------------------------------------------------------------------

def test_cli_refreshes_every_indicator_into_the_mirror_layout(tmp_path, capsys):
    assert cli.main(["--raw-dir", str(tmp_path), "imts"], session=book_session()) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(tmp_path / "imf-imts" / "data" / imts.file_name(code)) for code in imts.INDICATORS] + [
        str(tmp_path / "imf-imts" / "SOURCE.txt")]


def test_cli_asks_for_every_reporter_and_a_first_year_when_told(tmp_path):
    url = imts.data_url("MG_CIF_USD", "*", since=2015)
    session = FakeSession({url: csv_response(content=fixture("MG_CIF_USD"))})
    assert cli.main(["--raw-dir", str(tmp_path), "imts", "MG_CIF_USD", "--all-countries", "--since", "2015"],
                    session=session) == 0
    assert [request[0] for request in session.requests] == [url]
    assert url.endswith("/IMTS/+/*.MG_CIF_USD.*.A?c%5BTIME_PERIOD%5D=ge:2015")


def test_cli_refuses_an_unknown_indicator(tmp_path, capsys):
    session = FakeSession({})
    with pytest.raises(SystemExit) as caught:
        cli.main(["--raw-dir", str(tmp_path), "imts", "TXG_FOB_USD"], session=session)
    assert caught.value.code == 2 and session.requests == []
    assert "invalid choice: 'TXG_FOB_USD'" in capsys.readouterr().err


def test_cli_reports_a_refused_answer(tmp_path, capsys):
    session = book_session(XG_FOB_USD=csv_response(content=b"<html/>", content_type="text/html"))
    assert cli.main(["--raw-dir", str(tmp_path), "imts", "XG_FOB_USD"], session=session) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"error: file {imts.data_url('XG_FOB_USD', BOOK)}, field 'Content-Type'")
