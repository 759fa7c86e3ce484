"""The IMF IMTS reader (SDMX-CSV 2.0) and the extract's trade tables built from its files.

The recorded answers in ``tests/fixtures/imts/`` are written by hand from the documented
format (see their README); every expected value below is computed by hand from them:
US dollars / 10^6, whatever the SCALE attribute says.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.data import extract, imts_trade, reference
from analysis.data.readers import dots, imts
from analysis.data.refresh import imts as client
from analysis.errors import DataError
from analysis.measures import mirror
from dots_sheets import fill_dots_sheet

FIXTURES = Path(__file__).parent / "fixtures" / "imts"
EXPORTS = FIXTURES / "IMTS_XG_FOB_USD_A.csv"
IMPORTS = FIXTURES / "IMTS_MG_CIF_USD_A.csv"
AREAS = imts.ImtsAreas.from_csv(reference.REFERENCE_DIR / "imf_imts_areas.csv")
YEARS = range(2019, 2022)
COUNTRIES = ["CHN", "KAZ", "KGZ", "UZB"]


def records(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(row) for row in frame.itertuples(index=False)]


def both_files(**options) -> pd.DataFrame:
    frames = [imts.read_imts_csv(path, AREAS, **options).flows for path in (EXPORTS, IMPORTS)]
    return pd.concat(frames, ignore_index=True).sort_values(dots.COLUMNS[:4], ignore_index=True)


# --- the rows, by hand ----------------------------------------------------------------------

def test_exports_file_rows_by_hand():
    report = imts.read_imts_csv(EXPORTS, AREAS, years=YEARS)
    assert records(report.flows) == [
        ("KAZ", "CHN", "exports", 2019, 6499.12, False),
        ("KAZ", "CHN", "exports", 2020, 7470.5, False),
        ("KAZ", "CHN", "exports", 2021, 8200.0, True),       # OBS_STATUS E
        ("KAZ", "KGZ", "exports", 2019, 450.25, False),       # 2020 has no value (status O)
        ("KAZ", "KGZ", "exports", 2021, 700.0, False),
        ("KAZ", "USA", "exports", 2021, 1000.0, False),
        ("KAZ", "UZB", "exports", 2021, 1500.0, False),
        ("KAZ", "WLD", "exports", 2019, 57676.727675, False),  # G001 is the world
        ("KAZ", "WLD", "exports", 2020, 46926.834907, False),
        ("KAZ", "WLD", "exports", 2021, 60600.0, False),       # P (provisional) is no estimate
        ("KGZ", "CHN", "exports", 2021, 75.0, False),
        ("KGZ", "KAZ", "exports", 2019, 380.0, True),
        ("KGZ", "KAZ", "exports", 2021, 560.0, False),
        ("KGZ", "WLD", "exports", 2019, 1985.0, False),
        ("KGZ", "WLD", "exports", 2020, 1973.0, False),
        ("KGZ", "WLD", "exports", 2021, 2751.0, False),
        ("WLD", "KAZ", "exports", 2021, 60000.0, False),
        ("WLD", "WLD", "exports", 2019, 18_900_000.0, False),
        ("WLD", "WLD", "exports", 2020, 17_500_000.0, False),
        ("WLD", "WLD", "exports", 2021, 22_300_000.0, False),
    ]
    # every row read is kept or dropped by one named rule
    assert report.count.as_dict() == {"unit": "reporter-partner-year row", "read": 24, "kept": 20,
                                      "dropped": {"an aggregate": 1, "no value": 2,
                                                  "outside the years": 1}}
    assert report.structure_id == "IMF.STA:IMTS(1.0.0)"
    # each flow knows its line in the file (header = line 1)
    assert report.origins.iloc[7].tolist() == [2, "OBS_VALUE"]


def test_scale_is_a_display_hint_never_a_multiplier():
    flows = imts.read_imts_csv(EXPORTS, AREAS).flows.set_index(["reporter", "partner", "year"])
    # 57,676,727,675 US$ with SCALE 6 is 57,676.727675 millions, not 57,676.727675 * 10^6
    assert flows.loc[("KAZ", "WLD", 2019), "value_usd_m"] == 57676.727675
    # 18.9 trillion US$ with SCALE 9 is 18,900,000 millions
    assert flows.loc[("WLD", "WLD", 2019), "value_usd_m"] == 18_900_000.0


def test_imports_file_and_the_filters():
    report = imts.read_imts_csv(IMPORTS, AREAS, reporters={"KAZ"}, partners={"CHN", "WLD"},
                                years=range(2020, 2022))
    assert records(report.flows) == [
        ("KAZ", "CHN", "imports", 2020, 6900.0, True),
        ("KAZ", "CHN", "imports", 2021, 7000.0, True),
        ("KAZ", "WLD", "imports", 2020, 38142.88939, False),
        ("KAZ", "WLD", "imports", 2021, 41400.0, False),
    ]
    assert report.count.as_dict()["dropped"] == {"not a wanted reporter": 6,
                                                 "not a wanted partner": 2,
                                                 "outside the years": 1}


@pytest.mark.parametrize("name", ["IMTS_MG_FOB_USD_A.csv", "IMTS_TBG_USD_A.csv"])
def test_indicators_without_a_place_in_the_table_are_counted_not_read(name):
    report = imts.read_imts_csv(FIXTURES / name, AREAS)
    assert report.flows.empty and list(report.flows.columns) == dots.COLUMNS
    (rule,) = report.count.dropped
    assert report.count.read == 2 and report.count.dropped[rule] == 2 and "not in the table" in rule


def test_the_status_column_may_be_called_status_and_i_is_an_estimate(tmp_path):
    text = EXPORTS.read_text(encoding="utf-8").replace(",OBS_STATUS\n", ",STATUS\n", 1)
    text = text.replace("KAZ,XG_FOB_USD,CHN,A,2019,6499120000,6,\n",
                        "KAZ,XG_FOB_USD,CHN,A,2019,6499120000,6,I\n")
    path = tmp_path / EXPORTS.name
    path.write_text(text, encoding="utf-8")
    flows = imts.read_imts_csv(path, AREAS).flows.set_index(["reporter", "partner", "year"])
    assert flows.loc[("KAZ", "CHN", 2019), "estimate"]
    assert flows.loc[("KAZ", "CHN", 2021), "estimate"]
    assert not flows.loc[("KAZ", "CHN", 2020), "estimate"]


def test_the_header_may_name_a_sub_field_separator(tmp_path):
    path = tmp_path / EXPORTS.name
    path.write_text(EXPORTS.read_text(encoding="utf-8").replace("STRUCTURE,", "STRUCTURE[;],", 1),
                    encoding="utf-8")
    assert records(imts.read_imts_csv(path, AREAS).flows) == records(imts.read_imts_csv(EXPORTS, AREAS).flows)


def test_a_byte_order_mark_and_blank_lines_change_nothing_but_the_lines(tmp_path):
    path = tmp_path / EXPORTS.name
    text = EXPORTS.read_text(encoding="utf-8").replace("\n", "\n\n", 3)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    report, original = imts.read_imts_csv(path, AREAS), imts.read_imts_csv(EXPORTS, AREAS)
    pd.testing.assert_frame_equal(report.flows, original.flows)
    assert report.count == original.count
    # a blank line after each of the first three lines: line 2 moves by 1, 3 by 2, the rest by 3
    assert (report.origins.line - original.origins.line).tolist() == [
        min(line - 1, 3) for line in original.origins.line]


def test_a_header_without_rows_reads_as_no_flows(tmp_path):
    path = tmp_path / EXPORTS.name
    path.write_text(EXPORTS.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    report = imts.read_imts_csv(path, AREAS)
    assert report.flows.empty and list(report.flows.columns) == dots.COLUMNS
    assert report.count.as_dict() == {"unit": "reporter-partner-year row", "read": 0, "kept": 0, "dropped": {}}


# --- the same table as the DOTS reader's ----------------------------------------------------

# The fixture's values as DOTS workbooks would hold them: US$ millions, estimates as "x e";
# values for 2019-2021, and for 2018 first where a row has four.
DOTS_BOOKS = {
    103: ("Kazakhstan, Rep. of",
          [("World", 57676.727675, 46926.834907, 60600), ("China, P.R.: Mainland", 5700, 6499.12, 7470.5, "8,200.00 e"),
           ("Kyrgyz Rep.", 450.25, None, 700), ("Uzbekistan, Rep. of", None, None, 1500),
           ("United States", None, None, 1000), ("Advanced Economies", None, None, 12000)],
          [("World", 38419.023129, 38142.88939, 41400), ("China, P.R.: Mainland", None, "6900 e", "7000 e"),
           ("Kyrgyz Rep.", 390, None, None), ("Uzbekistan, Rep. of", None, None, 1200)]),
    109: ("Kyrgyz Rep.",
          [("World", 1985, 1973, 2751), ("Kazakhstan, Rep. of", "380 e", None, 560),
           ("China, P.R.: Mainland", None, None, 75), ("Uzbekistan, Rep. of", None, None, None)],
          []),
    210: ("Uzbekistan, Rep. of", [],
          [("World", None, None, "25,000 e"), ("Kazakhstan, Rep. of", None, None, 1900)]),
    40: ("China, P.R.: Mainland", [], [("Kazakhstan, Rep. of", None, 9800, None)]),
    221: ("World", [("World", 18_900_000, 17_500_000, 22_300_000), ("Kazakhstan, Rep. of", None, None, 60000)],
          [("World", 19_100_000, 17_700_000, 22_500_000)]),
}


def dots_workbooks(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, (reporter, exports, imports) in DOTS_BOOKS.items():
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, rows in (("Exports, FOB", exports), ("Imports, CIF", imports)):
            rows = [(name, *([None] * (4 - len(values))), *values) for name, *values in rows]
            fill_dots_sheet(book.create_sheet(title), reporter, "US Dollars, Millions",
                            {3: "2018", 4: "2019", 5: "2020", 6: "2021"}, rows)
        paths.append(folder / f"DOTS_{number}.xlsx")
        book.save(paths[-1])
    return paths


@pytest.fixture(scope="module")
def dots_flows(tmp_path_factory) -> pd.DataFrame:
    areas = dots.AreaCodes.from_csv(reference.REFERENCE_DIR / "imf_dots_areas.csv")
    paths = dots_workbooks(tmp_path_factory.mktemp("dots"))
    frames = [dots.read_dots_workbook(path, areas, years=YEARS).flows for path in paths]
    return pd.concat(frames, ignore_index=True).sort_values(dots.COLUMNS[:4], ignore_index=True)


def test_dots_and_imts_readers_give_the_same_schema(dots_flows):
    flows = both_files()
    assert list(flows.columns) == list(dots_flows.columns) == dots.COLUMNS
    assert flows.dtypes.to_dict() == dots_flows.dtypes.to_dict()


def test_equivalent_dots_and_imts_files_give_the_same_flows(dots_flows):
    pd.testing.assert_frame_equal(both_files(years=YEARS), dots_flows)


def test_the_mirror_rule_gives_the_same_result_by_hand(dots_flows):
    from_imts = mirror.bilateral_trade(both_files(years=YEARS), COUNTRIES)
    pd.testing.assert_frame_equal(from_imts, mirror.bilateral_trade(dots_flows, COUNTRIES))
    assert records(from_imts) == [
        ("CHN", "KAZ", 2020, 6900.0, "importer", True),   # only Kazakhstan's estimate
        ("CHN", "KAZ", 2021, 7000.0, "importer", True),
        ("KAZ", "CHN", 2019, 6499.12, "exporter", False),
        ("KAZ", "CHN", 2020, 7470.5, "exporter", False),  # China's 9,800 CIF is second choice
        ("KAZ", "CHN", 2021, 8200.0, "exporter", True),
        ("KAZ", "KGZ", 2019, 450.25, "exporter", False),
        ("KAZ", "KGZ", 2021, 700.0, "exporter", False),
        ("KAZ", "UZB", 2021, 1500.0, "exporter", False),
        ("KGZ", "CHN", 2021, 75.0, "exporter", False),
        ("KGZ", "KAZ", 2019, 390.0, "importer", False),   # the exporter's 380 is an estimate
        ("KGZ", "KAZ", 2021, 560.0, "exporter", False),
        ("UZB", "KAZ", 2021, 1200.0, "importer", False),
    ]
    totals = mirror.total_trade(both_files(years=YEARS), ["KAZ", "UZB"])
    pd.testing.assert_frame_equal(totals, mirror.total_trade(dots_flows, ["KAZ", "UZB"]))
    uzbekistan = totals.set_index(["iso3", "year"]).loc[("UZB", 2021)]
    assert uzbekistan.isna().exports and uzbekistan.imports == 25000.0
    assert uzbekistan.imports_estimate_share == 1.0


# --- the extract's tables --------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_study(tmp_path_factory) -> tuple[Path, Path]:
    """A raw folder with the DOTS workbooks and the IMTS files of the same flows, and a
    reference folder whose study is the four countries of the fixtures."""
    raw = tmp_path_factory.mktemp("raw")
    dots_workbooks(raw / extract.DOTS_DIR)
    shutil.copytree(FIXTURES, raw / client.DATA_DIR, ignore=shutil.ignore_patterns("README.md"))
    reference_dir = tmp_path_factory.mktemp("reference")
    shutil.copytree(reference.REFERENCE_DIR, reference_dir, dirs_exist_ok=True)
    countries = reference.study_countries().set_index("iso3").loc[COUNTRIES].reset_index()
    countries.to_csv(reference_dir / "countries.csv", index=False)
    return raw, reference_dir


def dots_only(raw: Path, folder: Path) -> Path:
    """A copy of the raw folder without the IMTS files: what the mirror holds today."""
    shutil.copytree(raw / extract.DOTS_DIR, folder / extract.DOTS_DIR)
    return folder


def test_the_extract_s_trade_tables_are_the_same_from_dots_and_from_imts(small_study, tmp_path):
    raw, reference_dir = small_study
    builder = extract.ExtractBuilder(dots_only(raw, tmp_path / "raw"), tmp_path, reference_dir)
    assert builder.trade_source() == "dots"
    builder.trade_flows()
    tables = imts_trade.trade_tables(raw, COUNTRIES, extract.TRADE_YEARS, reference_dir=reference_dir)
    # The DOTS side's codes are of pandas' object type here only because Uzbekistan's
    # workbook keeps nothing before 2021 and an empty frame has no string type.
    text = {"reporter": "str", "partner": "str", "flow": "str"}
    pd.testing.assert_frame_equal(tables.flows, builder.tables["trade_flows"].astype(text))
    pd.testing.assert_frame_equal(tables.estimates,
                                  builder.tables["trade_estimates"].astype({"reporter": "str", "flow": "str"}))
    assert tables.retrieved == ""  # no SOURCE.txt in this folder
    exports, imports = imts_trade.imts_paths(raw)
    assert tables.paths == [exports, imports]
    # every row of each file is kept or dropped by one rule, for each table; no year after
    # the first is cut: 2021, after the last year of the DOTS release, is kept
    assert tables.flow_counts[exports].as_dict() == {
        "unit": "reporter-partner-year row", "read": 24, "kept": 19,
        "dropped": {"an aggregate": 1, "no value": 2, "partner not a study country, World or the EU": 1,
                    "partner other than World": 1}}
    assert tables.estimate_counts[exports].as_dict()["dropped"] == {
        "an aggregate": 1, "no value": 2, "partner not a country": 6,
        "the world's report, not a study country's": 4}
    assert 2021 in set(tables.flows.year) and 2018 in set(tables.flows.year)
    assert tables.flow_counts[imports].kept == len(tables.flows) - 19


def test_the_extract_reads_imts_when_its_files_are_present(small_study, tmp_path):
    """The extract's trade step on a raw folder holding both sources takes IMTS, with the
    tables, accounting and origins of the IMTS build, and records the IMTS source."""
    raw, reference_dir = small_study
    both = extract.ExtractBuilder(raw, tmp_path / "both", reference_dir)
    (tmp_path / "both").mkdir()
    assert both.trade_source() == "imts"
    both.trade_flows()
    tables = imts_trade.trade_tables(raw, COUNTRIES, extract.TRADE_YEARS, reference_dir=reference_dir)
    pd.testing.assert_frame_equal(both.tables["trade_flows"], tables.flows)
    pd.testing.assert_frame_equal(both.tables["trade_estimates"], tables.estimates)
    entry = both.manifest["tables"]["trade_flows"]
    assert [i["path"] for i in entry["inputs"]] == [f"{client.DATA_DIR}/IMTS_XG_FOB_USD_A.csv",
                                                   f"{client.DATA_DIR}/IMTS_MG_CIF_USD_A.csv"]
    assert entry["inputs"][0]["records"] == tables.flow_counts[imts_trade.imts_paths(raw)[0]].as_dict()
    assert entry["dataset"].startswith("International Trade in Goods (IMTS)")
    assert entry["vintage"] == "not recorded"  # no SOURCE.txt in this folder
    estimates = both.manifest["tables"]["trade_estimates"]
    assert estimates["dataset"].startswith("International Trade in Goods (IMTS)")
    assert sum(i["records"]["kept"] for i in estimates["inputs"]) == int(tables.estimates.cells.sum())
    # the files written are the tables, and the extract's loader reads them back
    written = pd.read_csv(tmp_path / "both" / "trade_flows.csv", dtype={"reporter": str, "partner": str})
    assert len(written) == len(tables.flows) == entry["rows"]
    # with a SOURCE.txt, the vintage is the day of the download it records
    downloads = [client.Download(code, client.data_url(code), {"Accept": client.ACCEPT}, "text/csv",
                                 "2026-12-01T08:00:00Z", imts_trade.imts_paths(raw)[i].read_bytes(),
                                 1, "IMF.STA:IMTS(1.0.0)") for i, code in enumerate(imts_trade.TABLE_INDICATORS)]
    recorded = tmp_path / "recorded"
    shutil.copytree(raw, recorded)
    client.write_source_record(downloads, recorded / client.SOURCE_FILE)
    dated = extract.ExtractBuilder(recorded, tmp_path / "both", reference_dir)
    dated.trade_flows()
    assert dated.manifest["tables"]["trade_flows"]["vintage"] == "2026-12-01"


def test_one_imts_file_without_the_other_stops_the_extract(small_study, tmp_path):
    raw, reference_dir = small_study
    cut = tmp_path / "raw"
    dots_only(raw, cut)
    (cut / client.DATA_DIR).mkdir(parents=True)
    shutil.copy(EXPORTS, cut / client.DATA_DIR / EXPORTS.name)
    with pytest.raises(DataError) as error:
        extract.ExtractBuilder(cut, tmp_path, reference_dir).trade_flows()
    assert error.value.file == str(cut / client.DATA_DIR / IMPORTS.name)
    assert "IMTS file missing" in error.value.message


def test_the_estimate_summary_by_hand(small_study):
    raw, reference_dir = small_study
    tables = imts_trade.trade_tables(raw, COUNTRIES, range(2019, 2021), reference_dir=reference_dir)
    assert records(tables.estimates) == [
        ("CHN", "imports", 2020, 1, 0, 9800.0, 0.0),
        ("KAZ", "exports", 2019, 2, 0, 6949.37, 0.0),
        ("KAZ", "exports", 2020, 1, 0, 7470.5, 0.0),
        ("KAZ", "imports", 2019, 1, 0, 390.0, 0.0),
        ("KAZ", "imports", 2020, 1, 1, 6900.0, 6900.0),
        ("KGZ", "exports", 2019, 1, 1, 380.0, 380.0),
    ]


def test_a_value_that_breaks_a_domain_rule_is_named_in_the_raw_file(small_study, tmp_path):
    _, reference_dir = small_study
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES, raw / client.DATA_DIR, ignore=shutil.ignore_patterns("README.md"))
    path = raw / client.DATA_DIR / IMPORTS.name
    path.write_text(path.read_text().replace("KGZ,A,2019,390000000,", "KGZ,A,2019,-390000000,"))
    with pytest.raises(DataError) as error:
        imts_trade.trade_tables(raw, COUNTRIES, range(2019, 2021), reference_dir=reference_dir)
    assert (error.value.file, error.value.row, error.value.field) == (str(path), 7, "OBS_VALUE")
    assert "rule trade_flows.value_usd_m: non-negative" in error.value.message
    assert "(value -390.0) (column 'value_usd_m' of the extract)" in error.value.message


def test_a_file_changed_after_its_download_is_refused(small_study, tmp_path):
    _, reference_dir = small_study
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES, raw / client.DATA_DIR, ignore=shutil.ignore_patterns("README.md"))
    downloads = [client.Download(code, client.data_url(code), {"Accept": client.ACCEPT}, "text/csv",
                                 "2026-12-01T08:00:00Z", (raw / client.DATA_DIR / client.file_name(code)).read_bytes(),
                                 1, "IMF.STA:IMTS(1.0.0)") for code in imts_trade.TABLE_INDICATORS]
    client.write_source_record(downloads, raw / client.SOURCE_FILE)
    tables = imts_trade.trade_tables(raw, COUNTRIES, range(2019, 2021), reference_dir=reference_dir)
    assert tables.retrieved == "2026-12-01T08:00:00Z"
    path = raw / client.DATA_DIR / EXPORTS.name
    path.write_bytes(path.read_bytes().replace(b"6499120000", b"6499120001"))
    with pytest.raises(DataError, match="changed after it was downloaded") as error:
        imts_trade.trade_tables(raw, COUNTRIES, range(2019, 2021), reference_dir=reference_dir)
    assert (error.value.file, error.value.field) == (str(path), "SHA-256")


# --- bad input: one error naming file, line and column ----------------------------------------

LINE_2 = "dataflow,IMF.STA:IMTS(1.0.0),I,KAZ,XG_FOB_USD,G001,A,2019,57676727675,6,"
BAD = {
    "first column": (("STRUCTURE,", "DATAFLOW,"), 1, "DATAFLOW",
                     "not SDMX-CSV 2.0: the first column must be STRUCTURE (or STRUCTURE[x]), found 'DATAFLOW'"),
    "missing column": ((",OBS_VALUE,", ",VALUE,"), 1, "OBS_VALUE",
                       "required column 'OBS_VALUE' is missing or renamed"),
    "no status": ((",OBS_STATUS\n", ",COMMENT\n"), 1, "OBS_STATUS",
                  "no status column (OBS_STATUS or STATUS): the IMF's estimates could not be flagged"),
    "structure type": ((LINE_2, LINE_2.replace("dataflow,", "datastructure,")), 2, "STRUCTURE",
                       "structure type 'datastructure', expected 'dataflow'"),
    "another dataflow": ((LINE_2, LINE_2.replace("IMTS(1.0.0)", "DOT(1.0.0)")), 2, "STRUCTURE_ID",
                         "'IMF.STA:DOT(1.0.0)' is not the IMF's IMTS dataflow (IMF.STA:IMTS(...))"),
    "two versions": ((LINE_2, LINE_2.replace("(1.0.0)", "(1.0.1)")), 3, "STRUCTURE_ID",
                     "'IMF.STA:IMTS(1.0.0)' differs from 'IMF.STA:IMTS(1.0.1)' of the rows before: "
                     "one file must hold one version of the dataflow"),
    "deletion": ((LINE_2, LINE_2.replace(",I,", ",D,")), 2, "ACTION",
                 "action 'D' is not data (I, A or R): a deletion message cannot be read as observations"),
    "quarterly": ((LINE_2, LINE_2.replace(",A,2019", ",Q,2019")), 2, "FREQUENCY",
                  "frequency 'Q': the file must hold annual observations (A)"),
    "indicator": ((LINE_2, LINE_2.replace("XG_FOB_USD", "XG_FOB_EUR")), 2, "INDICATOR",
                  "indicator 'XG_FOB_EUR' is not an IMTS trade indicator "
                  "(XG_FOB_USD, MG_CIF_USD, MG_FOB_USD, TBG_USD)"),
    "period": ((LINE_2, LINE_2.replace(",2019,", ",2019-Q1,")), 2, "TIME_PERIOD",
               "'2019-Q1' is not a year (annual TIME_PERIOD like 2021)"),
    "reporter": ((LINE_2, LINE_2.replace(",KAZ,", ",KAZAKHSTAN,")), 2, "COUNTRY",
                 "'KAZAKHSTAN' is neither an ISO3 country code nor an IMF group code (G and three "
                 "digits); add it to imf_imts_areas.csv with its kind"),
    "partner": ((LINE_2, LINE_2.replace(",G001,", ",EU27,")), 2, "COUNTERPART_COUNTRY",
                "'EU27' is neither an ISO3 country code nor an IMF group code (G and three "
                "digits); add it to imf_imts_areas.csv with its kind"),
    "value": ((LINE_2, LINE_2.replace("57676727675", "n.a.")), 2, "OBS_VALUE", "'n.a.' is not a number"),
    "status": ((LINE_2, LINE_2 + "X"), 2, "OBS_STATUS",
               "status 'X' is not an SDMX observation status (A, B, D, E, F, G, I, K, L, M, N, O, P, S, U, V)"),
    "repeat": ((LINE_2, LINE_2.replace("57676727675", "1") + "\n" + LINE_2), 3, "OBS_VALUE",
               "a second value for KAZ WLD exports 2019 (first in line 2)"),
    "short row": ((LINE_2, "dataflow,IMF.STA:IMTS(1.0.0),I,KAZ,XG_FOB_USD,G001,A"), 2, None,
                  "7 fields where the header has 11: is the file truncated?"),
    "long row": ((LINE_2, LINE_2 + ",extra"), 2, None, "12 fields where the header has 11: is the file truncated?"),
    "not UTF-8": ((LINE_2, LINE_2.replace("KAZ", "K\udcffZ")), None, None,
                  "not valid UTF-8 (invalid start byte): is the file truncated?"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_names_file_line_and_column(tmp_path, case):
    (old, new), row, field, message = BAD[case]
    text = EXPORTS.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / EXPORTS.name
    path.write_bytes(text.replace(old, new, 1).encode("utf-8", errors="surrogateescape"))
    with pytest.raises(DataError) as error:
        imts.read_imts_csv(path, AREAS)
    assert (error.value.file, error.value.row, error.value.field, error.value.message) == (
        str(path), row, field, message)


def test_a_code_twice_in_the_area_table_is_an_error(tmp_path):
    path = tmp_path / "imf_imts_areas.csv"
    path.write_text("code,iso3,kind\nG001,WLD,aggregate\nG001,EUU,aggregate\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        imts.ImtsAreas.from_csv(path)
    assert (error.value.row, error.value.field, error.value.message) == (3, "code", "code 'G001' appears twice")


def test_group_codes_are_aggregates_unless_the_table_codes_them():
    assert AREAS.resolve("G001") == ("WLD", "aggregate")
    assert AREAS.resolve("G998") == ("", "aggregate")
    assert AREAS.resolve("KAZ") == ("KAZ", "country")
    assert AREAS.resolve("XKX") == ("XKX", "country")  # Kosovo, as the World Bank codes it
    assert AREAS.resolve("GX01") is None and AREAS.resolve("KAZ1") is None


def test_an_open_ended_year_range_drops_the_earlier_years_at_once():
    """The extract passes years with no last year (``range(first, sys.maxsize)``); a year
    before the first must be found outside at once, not by walking the range (``range``
    looks up only Python integers directly, and the years read are NumPy's). Run in a
    child process, which a walk of the range would keep busy past the time limit."""
    import subprocess
    import sys

    code = (f"import sys; from analysis.data.readers import imts; from analysis.data import reference\n"
            f"areas = imts.ImtsAreas.from_csv(reference.REFERENCE_DIR / 'imf_imts_areas.csv')\n"
            f"report = imts.read_imts_csv({str(EXPORTS)!r}, areas, years=range(2019, sys.maxsize))\n"
            f"print(sorted(set(report.flows.year)), report.count.as_dict()['dropped']['outside the years'])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("]")[0] == "[2019, 2020, 2021"
    assert int(done.stdout.split("]")[1]) > 0  # 2018 counted outside the years
