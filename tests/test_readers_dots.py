"""The IMF DOTS reader, cell by cell: what is kept, what is skipped and what is an error."""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from analysis.data.readers import dots
from analysis.errors import DataError
from dots_sheets import fill_dots_sheet

AREAS = dots.AreaCodes(
    {"Kazakhstan, Rep. of": "KAZ", "China, P.R.: Mainland": "CHN", "World": "WLD",
     "Uzbekistan, Rep. of": "UZB", "Advanced Economies": "", "Memorandum Items": ""},
    {"Kazakhstan, Rep. of": "country", "China, P.R.: Mainland": "country", "World": "aggregate",
     "Uzbekistan, Rep. of": "country", "Advanced Economies": "aggregate",
     "Memorandum Items": "heading"})


def workbook(path, exports, imports=None, *, reporters=("Kazakhstan, Rep. of",) * 2,
             years=("2019", "2020"), year_columns=None):
    """A DOTS workbook: ``exports``/``imports`` are rows ``(partner, value, ...)``
    written from row 8; ``year_columns`` maps a 1-based column to its header."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for (title, rows), reporter in zip({"Exports, FOB": exports,
                                        "Imports, CIF": imports if imports is not None else exports}.items(),
                                       reporters):
        if year_columns is None:
            year_columns = {3 + k: year for k, year in enumerate(years)}
        fill_dots_sheet(book.create_sheet(title), reporter, "US Dollars, Millions", year_columns, rows)
    book.save(path)
    return path


def records(report):
    return [tuple(row) for row in report.flows.itertuples(index=False)]


def test_every_kept_cell_becomes_one_sorted_record(tmp_path):
    path = workbook(tmp_path / "DOTS_103.xlsx",
                    [("World", 100.0, "1,200.5 e"), ("China, P.R.: Mainland", 7, None)],
                    [("Uzbekistan, Rep. of", "3.25", 0.0), ("World", 90.0, 95.5)])
    report = dots.read_dots_workbook(path, AREAS)
    assert records(report) == [
        ("KAZ", "CHN", "exports", 2019, 7.0, False),
        ("KAZ", "UZB", "imports", 2019, 3.25, False),
        ("KAZ", "UZB", "imports", 2020, 0.0, False),      # a reported zero is kept
        ("KAZ", "WLD", "exports", 2019, 100.0, False),
        ("KAZ", "WLD", "exports", 2020, 1200.5, True),
        ("KAZ", "WLD", "imports", 2019, 90.0, False),
        ("KAZ", "WLD", "imports", 2020, 95.5, False),
    ]
    assert list(report.flows.columns) == dots.COLUMNS
    assert report.flows.index.tolist() == list(range(7))
    assert report.flows.dtypes.astype(str).tolist()[3:] == ["int64", "float64", "bool"]
    assert report.dropped_duplicates == []


def test_partners_and_years_can_be_restricted(tmp_path):
    path = workbook(tmp_path / "DOTS_103.xlsx",
                    [("World", 1.0, 2.0), ("China, P.R.: Mainland", 3.0, 4.0)])
    report = dots.read_dots_workbook(path, AREAS, partners={"CHN"}, years=range(2020, 2021))
    assert records(report) == [("KAZ", "CHN", "exports", 2020, 4.0, False),
                               ("KAZ", "CHN", "imports", 2020, 4.0, False)]
    # an empty partner set keeps nothing; no restriction keeps everything
    assert dots.read_dots_workbook(path, AREAS, partners=set()).flows.empty
    assert len(dots.read_dots_workbook(path, AREAS).flows) == 8


def test_rows_without_a_code_or_a_name_are_skipped_and_blank_year_columns_ignored(tmp_path):
    path = workbook(tmp_path / "DOTS_103.xlsx",
                    [("Advanced Economies", 5.0, 6.0), (None, 9.0, 9.0),
                     ("Memorandum Items", None, None), ("World", 1.0, None, 7.0)],
                    year_columns={3: "2019", 5: 2020})
    report = dots.read_dots_workbook(path, AREAS)
    # column D has no year header, so the 2020 value is read from column E
    assert records(report)[:2] == [("KAZ", "WLD", "exports", 2019, 1.0, False),
                                   ("KAZ", "WLD", "exports", 2020, 7.0, False)]
    assert len(report.flows) == 4


def test_an_identical_repeat_is_dropped_and_recorded(tmp_path):
    rows = [("World", 1.0, 2.0), ("China, P.R.: Mainland", 3.0, 4.0), ("World", 1.0, 2.0),
            ("Uzbekistan, Rep. of", 5.0, 6.0)]
    report = dots.read_dots_workbook(workbook(tmp_path / "DOTS_103.xlsx", rows), AREAS)
    assert len(report.flows) == 12                  # the rows after the repeat are read too
    assert set(report.flows.partner) == {"WLD", "CHN", "UZB"}
    assert report.dropped_duplicates == [
        "DOTS_103.xlsx 'Exports, FOB' row 10: identical repeat of row 8 (World)",
        "DOTS_103.xlsx 'Imports, CIF' row 10: identical repeat of row 8 (World)"]


@pytest.mark.parametrize("cell, expected", [
    (None, (None, False)), ("", (None, False)), ("   ", (None, False)),
    (12, (12.0, False)), (0, (0.0, False)), (1.5, (1.5, False)), ("7.25", (7.25, False)),
    ("12.34 e", (12.34, True)), ("12 e", (12.0, True)), ("1,035.65 e", (1035.65, True)),
    ("1,234,567 e", (1234567.0, True)), ("-3.5 e", (-3.5, True)), ("1.5E3 e", (1500.0, True)),
    ("  4.5   e  ", (4.5, True)),
])
def test_cells(cell, expected):
    assert dots.parse_cell(cell, file="f.xlsx", row=9, year="2019") == expected


@pytest.mark.parametrize("cell", [True, "12.3x", "12.3 E", "1,23 e", "12,345", "e", "12.3e"])
def test_bad_cells_name_the_file_row_and_year(cell):
    with pytest.raises(DataError) as error:
        dots.parse_cell(cell, file="f.xlsx", row=9, year="Exports, FOB!2019")
    assert (error.value.file, error.value.row, error.value.field) == ("f.xlsx", 9, "Exports, FOB!2019")
    assert repr(cell) in str(error.value)


def test_the_two_sheets_must_name_the_same_reporter(tmp_path):
    path = workbook(tmp_path / "DOTS_103.xlsx", [("World", 1.0, 2.0)],
                    reporters=("Kazakhstan, Rep. of", "Uzbekistan, Rep. of"))
    with pytest.raises(DataError) as error:
        dots.read_dots_workbook(path, AREAS)
    assert (error.value.file, error.value.row, error.value.field) == (str(path), 4, "Imports, CIF!B4")
    assert error.value.message == "the two sheets name different reporters"


@pytest.mark.parametrize("reporter", ["Atlantis", "Advanced Economies"])
def test_a_reporter_without_a_code_is_an_error(tmp_path, reporter):
    path = workbook(tmp_path / "DOTS_103.xlsx", [("World", 1.0, 2.0)], reporters=(reporter, reporter))
    with pytest.raises(DataError) as error:
        dots.read_dots_workbook(path, AREAS)
    assert (error.value.file, error.value.row, error.value.field) == (str(path), 4, "Exports, FOB!B4")
    assert error.value.message == f"reporter {reporter!r} has no ISO3 code in imf_dots_areas.csv"


def test_a_partner_repeated_with_other_values_names_both_rows(tmp_path):
    path = workbook(tmp_path / "DOTS_103.xlsx", [("World", 1.0, 2.0), ("Advanced Economies", 0, 0),
                                                  ("World", 1.0, 2.5)])
    with pytest.raises(DataError) as error:
        dots.read_dots_workbook(path, AREAS)
    assert (error.value.file, error.value.row, error.value.field) == (str(path), 10, "Exports, FOB!B")
    assert error.value.message == "partner 'World' appears twice with different values (rows 8 and 10)"


def test_an_unknown_partner_is_an_error_not_a_drop(tmp_path):
    path = workbook(tmp_path / "DOTS_103.xlsx", [("World", 1.0, 2.0), ("Atlantis", 1.0, 2.0)])
    with pytest.raises(DataError) as error:
        dots.read_dots_workbook(path, AREAS)
    assert (error.value.file, error.value.row, error.value.field) == (str(path), 9, "Exports, FOB!B")
    assert error.value.message == "partner 'Atlantis' is not in imf_dots_areas.csv"


def test_a_bad_cell_names_sheet_and_year(tmp_path):
    path = workbook(tmp_path / "DOTS_103.xlsx", [("World", 1.0, 2.0)], [("World", 1.0, "n/a")])
    with pytest.raises(DataError) as error:
        dots.read_dots_workbook(path, AREAS)
    assert (error.value.file, error.value.row, error.value.field) == (str(path), 8, "Imports, CIF!2020")
    assert error.value.message == "not a number or an IMF estimate ('12.3 e'): 'n/a'"


@pytest.mark.parametrize("year_columns, column", [({3: "2019", 4: "Total"}, "col4"),
                                                   ({3: "1899"}, "col3"), ({3: "20190"}, "col3")])
def test_a_bad_year_header_is_named(tmp_path, year_columns, column):
    path = workbook(tmp_path / "DOTS_103.xlsx", [("World", 1.0, 2.0)], year_columns=year_columns)
    with pytest.raises(DataError) as error:
        dots.read_dots_workbook(path, AREAS)
    assert (error.value.file, error.value.row, error.value.field) == (str(path), 7, f"Exports, FOB!{column}")
    bad = [header for header in year_columns.values() if header != "2019"][0]
    assert error.value.message == f"year header expected, found {bad!r}"


def test_year_headers_may_be_numbers_or_padded_text(tmp_path):
    path = workbook(tmp_path / "DOTS_103.xlsx", [("World", 1.0, 2.0)], year_columns={3: 2019, 4: " 2020 "})
    assert sorted(dots.read_dots_workbook(path, AREAS).flows.year.unique()) == [2019, 2020]


def test_a_sheet_without_years_or_cut_before_them_is_an_error(tmp_path):
    path = workbook(tmp_path / "DOTS_103.xlsx", [("World", 1.0, 2.0)], year_columns={})
    with pytest.raises(DataError) as error:
        dots.read_dots_workbook(path, AREAS)
    assert (error.value.file, error.value.row, error.value.field) == (str(path), 7, "Exports, FOB")
    assert error.value.message == "no year columns"
    short = openpyxl.Workbook()
    short.remove(short.active)
    for title in dots.SHEETS:
        sheet = short.create_sheet(title)
        sheet["B4"] = "Kazakhstan, Rep. of"
        sheet["B5"] = "US Dollars, Millions"
    short.save(tmp_path / "short.xlsx")
    with pytest.raises(DataError) as error:
        dots.read_dots_workbook(tmp_path / "short.xlsx", AREAS)
    assert (error.value.file, error.value.row, error.value.field) == (str(tmp_path / "short.xlsx"), 7,
                                                                      "Exports, FOB")
    assert error.value.message == "sheet ends before the year row"


def test_a_sheet_ending_at_the_year_row_has_no_flows(tmp_path):
    path = workbook(tmp_path / "DOTS_103.xlsx", [])
    report = dots.read_dots_workbook(path, AREAS)
    assert report.flows.empty and list(report.flows.columns) == dots.COLUMNS


@pytest.mark.parametrize("cells, message", [
    ({"B1": "Exports"}, "units must be 'US Dollars, Millions', found None"),
    ({"B4": "Kazakhstan, Rep. of", "B5": "US Dollars, Billions"},
     "units must be 'US Dollars, Millions', found 'US Dollars, Billions'"),
])
def test_units_are_checked_even_on_a_sheet_cut_short(tmp_path, cells, message):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title in dots.SHEETS:
        sheet = book.create_sheet(title)
        for address, text in cells.items():
            sheet[address] = text
    book.save(tmp_path / "cut.xlsx")
    with pytest.raises(DataError) as error:
        dots.read_dots_workbook(tmp_path / "cut.xlsx", AREAS)
    assert (error.value.file, error.value.row, error.value.field) == (str(tmp_path / "cut.xlsx"), 5,
                                                                      "Exports, FOB!B5")
    assert error.value.message == message


def test_area_codes_are_read_as_text(tmp_path):
    # "NA" (Namibia's ISO2) and a blank code must stay text, not become missing values
    path = tmp_path / "areas.csv"
    path.write_text("imf_name,iso3,kind\nNamibia,NAM,country\nNA,,unspecified\n"
                    "Advanced Economies,,aggregate\n", encoding="utf-8")
    areas = dots.AreaCodes.from_csv(path)
    assert areas.iso3_by_name == {"Namibia": "NAM", "NA": "", "Advanced Economies": ""}
    assert areas.kind_by_name == {"Namibia": "country", "NA": "unspecified",
                                  "Advanced Economies": "aggregate"}
