"""Readers for IMF DOTS workbooks, World Bank CSVs and UN DESA migrant stock, on small
hand-made files laid out like the agencies' own."""
from __future__ import annotations

import openpyxl
import pytest

from analysis.errors import DataError
from analysis.data.readers import dots, undesa, worldbank
from dots_sheets import fill_dots_sheet

AREAS = dots.AreaCodes(
    {"Kazakhstan, Rep. of": "KAZ", "China, P.R.: Mainland": "CHN", "World": "WLD", "Australia": "AUS",
     "Advanced Economies": "", "Memorandum Items": ""},
    {"Kazakhstan, Rep. of": "country", "China, P.R.: Mainland": "country", "World": "aggregate",
     "Australia": "country", "Advanced Economies": "aggregate", "Memorandum Items": "heading"})


def write_dots(path, rows, *, years=("2019", "2020"), units="US Dollars, Millions", sheets=dots.SHEETS):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title in sheets:
        sheet = workbook.create_sheet(title)
        sheet["B2"] = f"{title} to Partner Countries"
        fill_dots_sheet(sheet, "Kazakhstan, Rep. of", units, {3 + k: year for k, year in enumerate(years)}, rows)
    workbook.save(path)
    return path


GOOD_ROWS = [("Australia", 1.5, None), ("World", 100.0, 120.0), ("Advanced Economies", 60.0, 70.0),
             ("China, P.R.: Mainland", "12.34 e", 20.0), ("Australia", 1.5, None), ("Memorandum Items", None, None)]


def test_dots_workbook_is_read_with_estimates_and_identical_repeats_dropped(tmp_path):
    report = dots.read_dots_workbook(write_dots(tmp_path / "DOTS_103.xlsx", GOOD_ROWS), AREAS)
    flows = report.flows
    # 2 sheets x (AUS 1 value + WLD 2 + CHN 2); the aggregate without a code is skipped
    assert len(flows) == 10
    china = flows[(flows.partner == "CHN") & (flows.flow == "exports")].set_index("year")
    assert china.loc[2019, "value_usd_m"] == pytest.approx(12.34) and bool(china.loc[2019, "estimate"])
    assert not bool(china.loc[2020, "estimate"])
    assert set(flows.reporter) == {"KAZ"}
    assert len(report.dropped_duplicates) == 2 and "row 12" in report.dropped_duplicates[0]


def test_dots_cells_are_counted_by_rule(tmp_path):
    rows = GOOD_ROWS + [("Kazakhstan, Rep. of", None, 3.0)]
    report = dots.read_dots_workbook(write_dots(tmp_path / "DOTS_103.xlsx", rows), AREAS, {"CHN", "WLD"},
                                     range(2020, 2021))
    # per sheet: 7 partner rows x 2 years = 14 cells
    counted = report.count
    assert (counted.read, counted.kept) == (28, 4)
    assert dict(counted.dropped) == {"an aggregate": 4, "a heading": 4, "an identical repeat": 4,
                                     "not a wanted partner": 8, "outside the years": 4}
    assert len(report.flows) == counted.kept
    assert report.reporter == "KAZ"
    # CHN (row 11) and WLD (row 9), exports then imports, in the order of the sorted flows
    assert report.origins.line.tolist() == [11, 11, 9, 9]
    assert report.origins.field.tolist() == ["Exports, FOB!2020", "Imports, CIF!2020"] * 2


def test_estimate_with_thousands_separator():
    assert dots.parse_cell("1,035.65 e", file="f", row=1, year="2000") == (1035.65, True)


@pytest.mark.parametrize("rows, kwargs, row, field", [
    ([("World", "12,3x", 1.0)], {}, 8, "2019"),
    ([("Atlantis", 1.0, 2.0)], {}, 8, "!B"),
    ([("World", 1.0, 2.0), ("World", 1.0, 3.0)], {}, 9, "!B"),
    ([("World", 1.0, 2.0)], {"years": ("2019", "Total")}, 7, "col4"),
    ([("World", 1.0, 2.0)], {"units": "US Dollars, Billions"}, 5, "B5"),
    ([("World", 1.0, 2.0)], {"sheets": {"Exports, FOB": "exports"}}, None, "Imports, CIF"),
])
def test_dots_bad_input_names_file_row_field(tmp_path, rows, kwargs, row, field):
    path = write_dots(tmp_path / "DOTS_7.xlsx", rows, **kwargs)
    with pytest.raises(DataError) as error:
        dots.read_dots_workbook(path, AREAS)
    message = str(error.value)
    assert "DOTS_7.xlsx" in message and field in message
    if row is not None:
        assert f"row {row}," in message


def test_dots_missing_and_truncated_files(tmp_path):
    with pytest.raises(DataError, match="not found"):
        dots.read_dots_workbook(tmp_path / "absent.xlsx", AREAS)
    good = write_dots(tmp_path / "good.xlsx", GOOD_ROWS).read_bytes()
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good[: len(good) // 2])
    with pytest.raises(DataError, match="truncated.xlsx.*cannot be read as an xlsx workbook"):
        dots.read_dots_workbook(truncated, AREAS)


PREAMBLE = '"Data Source","World Development Indicators",\n\n"Last Updated Date","2026-04-08",\n\n'
BULK = ('"Country Name","Country Code","Indicator Name","Indicator Code","2019","2020",\n'
        '"Kazakhstan","KAZ","Trade (% of GDP)","NE.TRD.GNFS.ZS","61.5","",\n'
        '"China","CHN","Trade (% of GDP)","NE.TRD.GNFS.ZS","35.9","34.5",\n')


@pytest.mark.parametrize("preamble, vintage", [(PREAMBLE, "2026-04-08"), ("", "")])
def test_bulk_csv_with_and_without_preamble(tmp_path, preamble, vintage):
    path = tmp_path / "API_NE.TRD.GNFS.ZS.csv"
    path.write_text("\ufeff" + preamble + BULK, encoding="utf-8")
    series = worldbank.read_bulk_csv(path, {"KAZ", "CHN"})
    assert series.vintage == vintage
    assert series.data.to_dict("records") == [
        {"iso3": "CHN", "indicator": "NE.TRD.GNFS.ZS", "year": 2019, "value": 35.9},
        {"iso3": "CHN", "indicator": "NE.TRD.GNFS.ZS", "year": 2020, "value": 34.5},
        {"iso3": "KAZ", "indicator": "NE.TRD.GNFS.ZS", "year": 2019, "value": 61.5}]


@pytest.mark.parametrize("text, row, field", [
    (BULK.replace('"Country Code"', '"Code"'), 5, "Country Code"),
    (BULK.replace('"61.5"', '"n/a"'), 6, "2019"),
    (BULK + '"Kazakhstan","KAZ","Trade (% of GDP)","NE.TRD.GNFS.ZS","1","",\n', None, "Country Code"),
])
def test_bulk_csv_bad_input(tmp_path, text, row, field):
    path = tmp_path / "API_X.csv"
    path.write_text(PREAMBLE + text, encoding="utf-8")
    with pytest.raises(DataError) as error:
        worldbank.read_bulk_csv(path)
    message = str(error.value)
    assert "API_X.csv" in message and f"field '{field}'" in message
    if row is not None:
        assert f"row {row}," in message


def test_datahub_csv_and_its_errors(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("Country Name,Country Code,Year,Value\nKazakhstan,KAZ,2020,1.5\nKazakhstan,KAZ,2021,\n")
    (tmp_path / "datapackage.json").write_text('{"last_updated": "2026-02-24"}')
    series = worldbank.read_datahub_csv(path, "SP.POP.TOTL")
    assert series.vintage == "2026-02-24" and series.data.value.tolist() == [1.5]
    path.write_text("Country Name,Country Code,Year,Value\nKazakhstan,KAZ,20x0,1.5\n")
    with pytest.raises(DataError, match=r"data\.csv, row 2, field 'Year'"):
        worldbank.read_datahub_csv(path, "SP.POP.TOTL")


UN_NAMES = {"Kazakhstan": "KAZ", "Russian Federation": "RUS"}


def test_bilateral_migration_matrix(tmp_path):
    path = tmp_path / "stock.csv"
    path.write_text("Year,Dest,Kazakhstan,Russian Federation,Other\n"
                    "2019,Kazakhstan,,2500000,10\n2019,Russian Federation,2559711,,5\n2019,Other,1,2,\n")
    frame = undesa.read_bilateral_2019(path, UN_NAMES)
    assert frame.to_dict("records") == [
        {"origin": "KAZ", "destination": "RUS", "year": 2019, "migrants": 2559711.0},
        {"origin": "RUS", "destination": "KAZ", "year": 2019, "migrants": 2500000.0}]


@pytest.mark.parametrize("text, row, field", [
    ("Year,Dest,Kazakhstan\n2019,Kazakhstan,\n", 1, "Russian Federation"),
    ("Year,Dest,Kazakhstan,Russian Federation\n2019,Kazakhstan,,x\n", 2, "Russian Federation"),
    ("Year,Dest,Kazakhstan,Russian Federation\n2019,Kazakhstan,,1\n2019,Kazakhstan,,2\n", 3, "Dest"),
    ("Year,Dest,Kazakhstan,Russian Federation\nlast,Kazakhstan,,1\n", 2, "Year"),
])
def test_bilateral_migration_bad_input(tmp_path, text, row, field):
    path = tmp_path / "stock.csv"
    path.write_text(text)
    with pytest.raises(DataError) as error:
        undesa.read_bilateral_2019(path, UN_NAMES)
    assert f"row {row}, field '{field}'" in str(error.value) and "stock.csv" in str(error.value)
