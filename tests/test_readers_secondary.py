"""Readers for HDR, Pink Sheet, WTO/DESTA agreements, BRI list, Natural Earth and DDF files.

Each reader gets a small hand-made file in the source's own layout, a set of broken inputs
that must raise DataError naming the file (and row and field where the problem is local),
and a check against the real raw file when the mirror is present.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pycountry
import pytest
from openpyxl import Workbook

from analysis.errors import DataError
from analysis.paths import RAW_DIR
from analysis.data.readers.agreements import (read_desta_dyads, read_desta_treaties,
                                         read_wto_member_names, read_wto_rtas)
from analysis.data.readers.bri import read_bri_countries
from analysis.data.readers._common import RowCount
from analysis.data.readers.commodities import CELL, read_pink_sheet_indices, read_pink_sheet_vintage
from analysis.data.readers.ddf import read_ddf_datapoints
from analysis.data.readers.geo import read_natural_earth
from analysis.data.readers.undp import read_hdr

STUDY_COUNTRIES = ("AFG ARM AZE BLR BGR CHN FRA GEO DEU GRC IRN ITA KAZ KGZ MDA MNG NLD PAK POL "
                   "ROU RUS TJK TUR TKM UKR UZB").split()
needs_raw = pytest.mark.skipif(not RAW_DIR.exists(),
                               reason="raw data mirror ../shared/data/raw is absent")


# --- helpers ---------------------------------------------------------------------------------

def raises_data_error(read, path: Path, *args, row: int | None = None,
                      field: str | None = None) -> DataError:
    """Call the reader, expect a DataError naming the file, row and field; return it."""
    with pytest.raises(DataError) as caught:
        read(path, *args)
    message = str(caught.value)
    assert path.name in message
    if row is not None:
        assert caught.value.row == row and f"row {row}" in message
    if field is not None:
        assert caught.value.field == field and field in message
    return caught.value


def write_csv(path: Path, lines: list[str], bom: bool = False,
              final_line_break: bool = True) -> Path:
    text = ("\ufeff" if bom else "") + "\n".join(lines) + ("\n" if final_line_break else "")
    path.write_text(text, encoding="utf-8")
    return path


def truncated(path: Path) -> Path:
    """A copy holding the first half of the file's bytes, as a cut-short download would."""
    data = path.read_bytes()
    cut = path.parent / "cut" / path.name  # same name: some readers check it
    cut.parent.mkdir(exist_ok=True)
    cut.write_bytes(data[: len(data) // 2])
    return cut


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def records(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(row) for row in frame.itertuples(index=False)]


def test_missing_file_is_a_data_error_for_every_reader(tmp_path):
    readers = [read_hdr, read_pink_sheet_indices, read_pink_sheet_vintage, read_wto_rtas,
               read_desta_dyads, read_desta_treaties, read_bri_countries, read_ddf_datapoints]
    for read in readers:
        raises_data_error(read, tmp_path / "absent.csv")
    raises_data_error(read_natural_earth, tmp_path / "absent.json", ["KAZ"])


# --- UNDP HDR --------------------------------------------------------------------------------

HDR_HEADER = "iso3,country,hdicode,region,hdi_rank_2022,hdi_1990,hdi_1991,hdi_2022,le_1990"


def hdr_file(tmp_path: Path, rows: list[str] | None = None, header: str = HDR_HEADER) -> Path:
    rows = rows if rows is not None else [
        "KAZ,Kazakhstan,Very High,ECA,67,0.672,0.666,0.802,67.0",
        "TUR,T\u9eb5kiye,Very High,ECA,45,0.598,,0.855,64.3",  # name garbled as in the mirror
        "TKM,Turkmenistan,High,ECA,94,,,0.744,62.9",
        "ZZK.WORLD,World,,,,0.601,0.602,0.739,65.1",
    ]
    return write_csv(tmp_path / "HDR23-24_Composite_indices_complete_time_series.csv",
                     [header, *rows], bom=True)


def test_hdr_reads_wide_file_into_country_years(tmp_path):
    frame = read_hdr(hdr_file(tmp_path))
    assert list(frame.columns) == ["iso3", "year", "hdi"]
    assert frame.dtypes.astype(str).tolist() == ["str", "int64", "float64"]
    assert records(frame) == [("KAZ", 1990, 0.672), ("KAZ", 1991, 0.666), ("KAZ", 2022, 0.802),
                              ("TKM", 2022, 0.744), ("TUR", 1990, 0.598), ("TUR", 2022, 0.855)]


def test_hdr_filters_countries(tmp_path):
    path = hdr_file(tmp_path)
    assert records(read_hdr(path, ["TUR"])) == [("TUR", 1990, 0.598), ("TUR", 2022, 0.855)]
    assert read_hdr(path, "TKM")["iso3"].tolist() == ["TKM"]
    assert "FRA" in str(raises_data_error(read_hdr, path, ["KAZ", "FRA"], field="iso3"))


def test_hdr_bad_inputs(tmp_path):
    good = hdr_file(tmp_path)
    raises_data_error(read_hdr, truncated(good))
    raises_data_error(read_hdr, hdr_file(tmp_path, header=HDR_HEADER.replace("iso3", "ISO3")),
                      row=1, field="iso3")
    raises_data_error(read_hdr, hdr_file(tmp_path, ["KAZ,Kazakhstan,,,,0.672,n/a,0.802,67"]),
                      row=2, field="hdi_1991")
    raises_data_error(read_hdr, hdr_file(tmp_path, ["KAZ,Kazakhstan,,,,0.672,6.66,0.802,67"]),
                      row=2, field="hdi_1991")
    raises_data_error(read_hdr, hdr_file(tmp_path, ["KAZ,Kazakhstan,,,,0.672,,,67",
                                                    "TKM,Turkmenistan,,,,,,0.744,62",
                                                    "KAZ,Kazakhstan,,,,0.672,,,67"]),
                      row=4, field="iso3")
    raises_data_error(read_hdr, hdr_file(tmp_path, ["KZ,Kazakhstan,,,,0.672,,,67"]),
                      row=2, field="iso3")


@needs_raw
def test_hdr_real_file():
    frame = read_hdr(RAW_DIR / "undp-hdr/ethanchu-bot_week4/"
                     "HDR23-24_Composite_indices_complete_time_series.csv")
    assert not frame["iso3"].str.startswith("ZZ").any()
    assert frame.groupby("iso3")["year"].max()[STUDY_COUNTRIES].eq(2022).all()
    assert frame.query("iso3 == 'TKM'")["year"].min() > 2000
    assert frame.query("iso3 == 'TUR' and year == 2022")["hdi"].item() == 0.855
    assert frame.query("iso3 == 'KAZ' and year == 1990")["hdi"].item() == 0.672


# --- World Bank Pink Sheet -------------------------------------------------------------------

PINK_CODES = ["iOVERALL", "iENERGY", "iNONFUEL", "iAGRICULTURE", "iFOOD", "iMETMIN",
              "iPRECIOUSMET"]


def pink_sheet_file(tmp_path: Path, codes: list[str] = PINK_CODES,
                    data: list[list] | None = None, updated: str = "Updated on December 03, 2024",
                    sheet: str = "Monthly Indices") -> Path:
    """The real layout: title block in A1:A4, group labels in rows 6-9, codes in row 10."""
    data = data if data is not None else [
        ["1960M01", 7.64, 2.13, 18.8, 22.0, 21.2, 12.9, 3.27],
        ["1960M02", 7.6, "..", 18.7, 21.8, 20.9, 12.9, None],
        ["1960M03", 8, 2.2, 18.7, 21.9, 21.1, 12.7, 3.3],
        [None] * 8,
        [None] * 8,
    ]
    rows = [["World Bank Commodity Price Data (The Pink Sheet)"],
            ["monthly indices based on nominal US dollars, 2010=100, 1960 to present"],
            ["(monthly series are available only in nominal US dollar terms)"],
            [updated],
            [],
            [None, "Total Index", "Energy", "Non-energy **", None, None, None, "Precious Metals"],
            [None, None, None, None, "Agriculture **", None, "Metals  & Minerals"],
            [None, None, None, None, None, "Food **"],
            [None, None, None, " ", " ", " "],
            [None, *codes],
            *data]
    return write_workbook(tmp_path / "CMO-Historical-Data-Monthly.xlsx",
                          {"AFOSHEET": [["cover"]], "Monthly Prices": [["prices"]], sheet: rows})


def test_pink_sheet_indices_and_vintage(tmp_path):
    path = pink_sheet_file(tmp_path)
    frame = read_pink_sheet_indices(path)
    assert list(frame.columns) == ["series", "month", "value"]
    assert frame.dtypes.astype(str).tolist() == ["str", "str", "float64"]
    assert len(frame) == 7 * 3 - 2  # '..' and a blank cell are skipped
    assert records(frame[frame["series"] == "iENERGY"]) == [("iENERGY", "1960-01", 2.13),
                                                            ("iENERGY", "1960-03", 2.2)]
    assert records(frame[frame["series"] == "iOVERALL"])[-1] == ("iOVERALL", "1960-03", 8.0)
    assert frame["series"].unique().tolist() == sorted(PINK_CODES)
    assert read_pink_sheet_vintage(path) == "2024-12-03"


def test_pink_sheet_cells_are_counted(tmp_path):
    count = RowCount(CELL)
    frame = read_pink_sheet_indices(pink_sheet_file(tmp_path), count)
    assert (count.read, count.kept, dict(count.dropped)) == (21, 19, {"no value": 2}) and len(frame) == 19


def test_hdr_cells_are_counted_by_rule(tmp_path):
    count = RowCount("country-year cell")
    frame = read_hdr(hdr_file(tmp_path), ["KAZ", "TUR"], known={"KAZ", "TUR", "TKM"}, count=count)
    # 4 rows x 3 years: KAZ 3 kept, TUR 2 kept and 1 empty, TKM not wanted, ZZK.WORLD an aggregate
    assert (count.read, count.kept, dict(count.dropped)) == (
        12, 5, {"no value": 1, "not a study country": 3, "an aggregate": 3}) and len(frame) == 5


def test_pink_sheet_bad_inputs(tmp_path):
    good = pink_sheet_file(tmp_path)
    raises_data_error(read_pink_sheet_indices, truncated(good))
    raises_data_error(read_pink_sheet_vintage, truncated(good))
    renamed = [code.replace("iENERGY", "ENERGY") for code in PINK_CODES]
    raises_data_error(read_pink_sheet_indices, pink_sheet_file(tmp_path, codes=renamed),
                      row=10, field="iENERGY")
    raises_data_error(read_pink_sheet_indices, pink_sheet_file(tmp_path, sheet="Indices"),
                      field="Monthly Indices")
    text = [["1960M01", 7.64, "abc", 18.8, 22.0, 21.2, 12.9, 3.27]]
    raises_data_error(read_pink_sheet_indices, pink_sheet_file(tmp_path, data=text),
                      row=11, field="iENERGY")
    twice = [["1960M01", 1, 1, 1, 1, 1, 1, 1], ["1960M01", 2, 2, 2, 2, 2, 2, 2]]
    raises_data_error(read_pink_sheet_indices, pink_sheet_file(tmp_path, data=twice),
                      row=12, field="A")
    bad_month = [["1960M01", 1, 1, 1, 1, 1, 1, 1], ["1960M13", 2, 2, 2, 2, 2, 2, 2]]
    raises_data_error(read_pink_sheet_indices, pink_sheet_file(tmp_path, data=bad_month),
                      row=12, field="A")
    raises_data_error(read_pink_sheet_vintage,
                      pink_sheet_file(tmp_path, updated="Updated on 3 Dec 2024"), row=4, field="A")
    raises_data_error(read_pink_sheet_vintage, pink_sheet_file(tmp_path, updated="Prices"),
                      field="Updated on")


@needs_raw
def test_pink_sheet_real_file():
    path = (RAW_DIR / "commodity-prices/natatsypora_commodity_price_index"
            / "CMO-Historical-Data-Monthly.xlsx")
    assert read_pink_sheet_vintage(path) == "2024-12-03"
    frame = read_pink_sheet_indices(path)
    assert set(PINK_CODES) <= set(frame["series"])
    assert frame["series"].nunique() == 16
    assert (frame["month"].min(), frame["month"].max()) == ("1960-01", "2024-11")
    # 2010 = 100: the yearly mean of every index is 100 in the base year.
    base_year = frame[frame["month"].str.startswith("2010")].groupby("series")["value"].mean()
    assert base_year.round(6).eq(100).all()


# --- WTO RTAs --------------------------------------------------------------------------------

WTO_HEADER = ["RTA ID", "RTA Name", "Coverage", "Type", "Notification", "Status",
              "Date of Signature (G)", "Date of Signature (S)", "Date of Notification (G)",
              "Date of Notification (S)", "Date of Entry into Force (G)",
              "Date of Entry into Force (S)", "Inactive Date", "Accession?", "RTA Composition",
              "Region", "Cross-regional", "All Parties WTO members?", "Current signatories",
              "Original signatories", "Specific Entry/Exit dates",
              "WTO Consideration Process (G)", "Consideration Date (G)",
              "WTO Consideration Process (S)", "Consideration Date (S)",
              "End of implementation period (G)", "End of implementation period (S)", "Remarks"]


def wto_row(rta_id, name, status, *, coverage=None, eif_g=None, eif_s=None, inactive=None,
            composition="Bilateral", current=None, original=None) -> list:
    values = dict.fromkeys(WTO_HEADER)
    values.update({"RTA ID": rta_id, "RTA Name": name, "Status": status, "Coverage": coverage,
                   "Type": "FTA" if coverage else None, "Date of Entry into Force (G)": eif_g,
                   "Date of Entry into Force (S)": eif_s, "Inactive Date": inactive,
                   "RTA Composition": composition, "Current signatories": current,
                   "Original signatories": original, "Accession?": "No"})
    return list(values.values())


WTO_ROWS = [
    wto_row(155, "Australia - Gulf Cooperation Council (GCC)",
            "Early announcement-Under negotiation", composition="Plurilateral"),
    wto_row(1, "Japan - Thailand", "In Force", coverage="Goods & Services",
            eif_g=dt.datetime(2007, 11, 1), eif_s=dt.datetime(2007, 11, 1),
            current="Japan; Thailand", original="Japan; Thailand"),
    wto_row(169, "ASEAN - Korea, Republic of", "In Force", coverage="Goods & Services",
            eif_g=dt.datetime(2010, 1, 1), eif_s=dt.datetime(2009, 5, 1),
            composition="Bilateral; One Party is an RTA",
            current="ASEAN Free Trade Area (AFTA); Korea, Republic of",
            original="ASEAN Free Trade Area (AFTA); Korea, Republic of"),
    wto_row(306, "Finland - Czechoslovakia Agreement", "Inactive", coverage="Goods",
            eif_g=dt.datetime(1975, 1, 1), inactive=dt.datetime(1992, 7, 1), original="Finland"),
    wto_row(99, "Commonwealth of Independent States (CIS)", "In Force", coverage="Goods",
            eif_g=dt.datetime(1994, 12, 30), composition="Plurilateral",
            current="Azerbaijan; Georgia; Turkmenistan; Uzbekistan",
            original="Azerbaijan; Armenia; Belarus; Georgia; Kazakhstan; Uzbekistan"),
    wto_row(1200, "Viet Nam - Eurasian Economic Union (EAEU) ", "Early announcement-Signed ",
            composition="Bilateral; One Party is an RTA",
            current="Viet Nam; Eurasian Economic Union (EAEU) ",
            original="Viet Nam; Eurasian Economic Union (EAEU) "),
]


def wto_file(tmp_path: Path, rows: list[list] = WTO_ROWS, header: list[str] = WTO_HEADER) -> Path:
    return write_workbook(tmp_path / "AllRTAs.xlsx",
                          {"AllRTAs": [header, *rows], "RTA Changes": [["RTA ID", "RTA Name"]]})


def test_wto_rtas_fixture(tmp_path):
    frame = read_wto_rtas(wto_file(tmp_path))
    assert list(frame.columns) == ["rta_id", "name", "coverage", "type", "status", "composition",
                                   "entry_into_force", "inactive_date", "signatories"]
    assert frame.dtypes.astype(str).tolist() == ["int64"] + ["str"] * 8
    assert records(frame) == [
        (1, "Japan - Thailand", "Goods & Services", "FTA", "In Force", "Bilateral",
         "2007-11-01", "", "JPN;THA"),
        (99, "Commonwealth of Independent States (CIS)", "Goods", "FTA", "In Force",
         "Plurilateral", "1994-12-30", "", "AZE;GEO;TKM;UZB"),  # current list, not original
        (155, "Australia - Gulf Cooperation Council (GCC)", "", "",
         "Early announcement-Under negotiation", "Plurilateral", "", "", ""),
        (169, "ASEAN - Korea, Republic of", "Goods & Services", "FTA", "In Force",
         "Bilateral; One Party is an RTA", "2009-05-01", "", "AFT;KOR"),  # earlier of G and S
        (306, "Finland - Czechoslovakia Agreement", "Goods", "FTA", "Inactive", "Bilateral",
         "1975-01-01", "1992-07-01", "FIN"),  # inactive: original list
        (1200, "Viet Nam - Eurasian Economic Union (EAEU)", "", "", "Early announcement-Signed",
         "Bilateral; One Party is an RTA", "", "", "EEU;VNM"),
    ]


def test_wto_bad_inputs(tmp_path):
    good = wto_file(tmp_path)
    raises_data_error(read_wto_rtas, truncated(good))
    renamed = [name.replace("RTA ID", "RTA Id") for name in WTO_HEADER]
    raises_data_error(read_wto_rtas, wto_file(tmp_path, header=renamed), row=1, field="RTA ID")
    raises_data_error(read_wto_rtas, wto_file(tmp_path, [WTO_ROWS[0], wto_row("x12", "A", "B")]),
                      row=3, field="RTA ID")
    raises_data_error(read_wto_rtas, wto_file(tmp_path, [WTO_ROWS[1], WTO_ROWS[2], WTO_ROWS[1]]),
                      row=4, field="RTA ID")
    atlantis = wto_row(7, "Atlantis - Japan", "In Force", current="Japan; Atlantis")
    error = raises_data_error(read_wto_rtas, wto_file(tmp_path, [WTO_ROWS[1], atlantis]),
                              row=3, field="Current signatories")
    assert "Atlantis" in str(error)
    someday = wto_row(8, "Japan - Thailand", "In Force", eif_g="soon", current="Japan; Thailand")
    raises_data_error(read_wto_rtas, wto_file(tmp_path, [someday]), row=2,
                      field="Date of Entry into Force (G)")


def test_wto_names_table_is_complete_and_well_formed(tmp_path):
    names = read_wto_member_names()
    assert set(names["kind"]) == {"country", "bloc"}
    iso_codes = {country.alpha_3 for country in pycountry.countries}
    former_codes = {country.alpha_3 for country in pycountry.historic_countries}
    blocs = names[names["kind"] == "bloc"]
    assert dict(zip(blocs["wto_name"], blocs["iso3"]))["European Union"] == "EUU"
    assert not set(blocs["iso3"]) & (iso_codes | former_codes)
    assert set(names.loc[names["kind"] == "country", "iso3"]) <= iso_codes | former_codes | {"XKX"}
    assert names.set_index("wto_name").loc[["Türkiye", "Kyrgyz Republic", "Chinese Taipei"],
                                           "iso3"].tolist() == ["TUR", "KGZ", "TWN"]
    bad = write_csv(tmp_path / "names.csv", ["wto_name,iso3,kind", "Japan,JPN,state"])
    with pytest.raises(DataError) as caught:
        read_wto_rtas(wto_file(tmp_path), bad)
    assert "names.csv" in str(caught.value) and caught.value.row == 2
    assert caught.value.field == "kind"


@needs_raw
def test_wto_real_file():
    frame = read_wto_rtas(RAW_DIR / "trade-agreements/mindstxrm_Geopolitiko/AllRTAs.xlsx")
    assert len(frame) == 655 and frame["rta_id"].is_unique
    assert frame["status"].value_counts().to_dict() == {
        "In Force": 401, "Inactive": 213, "Early announcement-Under negotiation": 29,
        "Early announcement-Signed": 7, "In force for at least one Party": 5}
    # SOURCE.txt dates the export by its goods dates (latest 2025-10-01); a services-only
    # agreement notified in January 2026 is later.
    assert frame["entry_into_force"].max() == "2026-01-01"
    assert frame.loc[frame["rta_id"] == 1345, "name"].item() == "China - Belarus"
    by_id = frame.set_index("rta_id")
    assert by_id.loc[306, "signatories"] == "FIN"  # Czechoslovakia is not listed
    study = [set(codes.split(";")) & set(STUDY_COUNTRIES) for codes in frame["signatories"]]
    assert sum("UZB" in codes for codes in study) == 6
    assert sum("TKM" in codes for codes in study) == 5
    assert any(codes.split(";") == ["EEU", "VNM"] for codes in frame["signatories"])


# --- DESTA ------------------------------------------------------------------------------------

DYAD_HEADER = ("country1,country2,iso1,iso2,number,base_treaty,name,entry_type,consolidated,"
               "year,entryforceyear,language,typememb,regioncon,wto_listed,wto_name")
DYAD_ROWS = [
    "Afghanistan,India,4,356,1,1,Afghanistan India,base_treaty,0,2003,2003,English,1,Asia,1,"
    "India Afghanistan",
    "Switzerland,China,756,156,1051,1051,China Switzerland,base_treaty,0,2013,2014,English,1,"
    "Asia Europe,1,China Switzerland",
    "Bolivia,Venezuela,68,862,26+1,26,Andean Group Cartagena Agreement Venezuela accession,"
    "accession,0,1973,,English,5,Americas,0,",
    "Albania,Kosovo,8,900,400,400,CEFTA 2006,base_treaty,0,2006,2007,English,2,Europe,1,CEFTA",
]


def dyads_file(tmp_path: Path, rows: list[str] = DYAD_ROWS, header: str = DYAD_HEADER) -> Path:
    # Like the DESTA files: BOM, and no line break after the last record.
    return write_csv(tmp_path / "desta_list_of_treaties_02_02_dyads.csv", [header, *rows],
                     bom=True, final_line_break=False)


def test_desta_dyads_fixture(tmp_path):
    frame = read_desta_dyads(dyads_file(tmp_path))
    assert list(frame.columns) == ["base_treaty", "name", "iso3_a", "iso3_b", "year",
                                   "entry_into_force_year", "typememb"]
    assert frame.dtypes.astype(str).tolist() == ["int64", "str", "str", "str", "int64", "Int64",
                                                 "int64"]
    assert records(frame.astype({"entry_into_force_year": object})) == [
        (1, "Afghanistan India", "AFG", "IND", 2003, 2003, 1),
        (26, "Andean Group Cartagena Agreement Venezuela accession", "BOL", "VEN", 1973, pd.NA, 5),
        (400, "CEFTA 2006", "ALB", "XKX", 2006, 2007, 2),  # Kosovo's 900 via the override table
        (1051, "China Switzerland", "CHE", "CHN", 2013, 2014, 1),  # pair in canonical order
    ]


def test_desta_dyads_bad_inputs(tmp_path):
    good = dyads_file(tmp_path)
    raises_data_error(read_desta_dyads, truncated(good))
    raises_data_error(read_desta_dyads, dyads_file(tmp_path, header=DYAD_HEADER.replace(
        ",iso1,", ",iso_1,")), row=1, field="iso1")
    unknown = DYAD_ROWS[0].replace(",356,", ",999,")
    assert "999" in str(raises_data_error(read_desta_dyads, dyads_file(tmp_path, [unknown]),
                                          row=2, field="iso2"))
    bad_year = DYAD_ROWS[1].replace(",2013,", ",c.2013,")
    raises_data_error(read_desta_dyads, dyads_file(tmp_path, [DYAD_ROWS[0], bad_year]),
                      row=3, field="year")
    reversed_pair = DYAD_ROWS[1].replace("Switzerland,China,756,156", "China,Switzerland,156,756")
    error = raises_data_error(read_desta_dyads,
                              dyads_file(tmp_path, [DYAD_ROWS[1], DYAD_ROWS[0], reversed_pair]),
                              row=4)
    assert "already in row 2" in str(error) and "iso1" in error.field
    bad_overrides = write_csv(tmp_path / "overrides.csv", ["numeric,iso3,reason", "900,XKX,"])
    with pytest.raises(DataError) as caught:
        read_desta_dyads(good, bad_overrides)
    assert "overrides.csv" in str(caught.value) and caught.value.field == "reason"


TREATY_HEADER = ("number,base_treaty,name,entry_type,consolidated,year,entryforceyear,language,"
                 "typememb,regioncon,wto_listed,wto_name,c1,c2,c3,c4,mc1,mc2,mc3,mc4")
TREATY_ROWS = [
    "1,1,Afghanistan India,base_treaty,0,2003,2003,English,1,Asia,1,India Afghanistan,"
    "4,356,,,0,0,,",
    "26+1,26,Andean Group Cartagena Agreement Venezuela accession,accession,0,1973,,English,5,"
    "Americas,0,,68,862,170,862,0,0,0,0",  # Venezuela listed twice, as in two DESTA entries
    "856,856,CARICOM SICA,negotiation,0,,,English,4,Americas,0,,84,900,,,0,0,,",
]


def treaties_file(tmp_path: Path, rows: list[str] = TREATY_ROWS,
                  header: str = TREATY_HEADER) -> Path:
    return write_csv(tmp_path / "desta_list_of_treaties_02_02.csv", [header, *rows], bom=True,
                     final_line_break=False)


def test_desta_treaties_fixture(tmp_path):
    frame = read_desta_treaties(treaties_file(tmp_path))
    assert list(frame.columns) == ["number", "base_treaty", "name", "entry_type", "year",
                                   "entry_into_force_year", "typememb", "members"]
    assert frame.dtypes.astype(str).tolist() == ["str", "int64", "str", "str", "Int64", "Int64",
                                                 "Int64", "str"]
    assert records(frame.astype({"year": object, "entry_into_force_year": object})) == [
        ("1", 1, "Afghanistan India", "base_treaty", 2003, 2003, 1, "AFG;IND"),
        ("26+1", 26, "Andean Group Cartagena Agreement Venezuela accession", "accession", 1973,
         pd.NA, 5, "BOL;COL;VEN"),
        ("856", 856, "CARICOM SICA", "negotiation", pd.NA, pd.NA, 4, "BLZ;XKX"),
    ]


def test_desta_treaties_bad_inputs(tmp_path):
    raises_data_error(read_desta_treaties, truncated(treaties_file(tmp_path)))
    raises_data_error(read_desta_treaties, treaties_file(tmp_path, header=TREATY_HEADER.replace(
        "number,", "No,", 1)), row=1, field="number")
    raises_data_error(read_desta_treaties,
                      treaties_file(tmp_path, [TREATY_ROWS[0].replace("1,1,", "1,one,", 1)]),
                      row=2, field="base_treaty")
    raises_data_error(read_desta_treaties, treaties_file(tmp_path, [TREATY_ROWS[0]] * 2),
                      row=3, field="number")
    raises_data_error(read_desta_treaties,
                      treaties_file(tmp_path, [TREATY_ROWS[0].replace(",4,356,", ",4,1356,")]),
                      row=2, field="c2")


@needs_raw
def test_desta_real_files():
    folder = RAW_DIR / "trade-agreements/elpepebenitez_trade-dissertation/data/raw_data/pta"
    dyads = read_desta_dyads(folder / "desta_list_of_treaties_02_02_dyads.csv")
    assert len(dyads) == 20_320
    entries = {code: len(dyads[(dyads["iso3_a"] == code) | (dyads["iso3_b"] == code)]
                         .drop_duplicates(["base_treaty", "name", "year"]))
               for code in ("KAZ", "CHN", "UZB", "TKM")}
    assert entries == {"KAZ": 33, "CHN": 30, "UZB": 16, "TKM": 9}
    assert (dyads["iso3_a"] < dyads["iso3_b"]).all()
    assert "XKX" in set(dyads["iso3_b"])
    treaties = read_desta_treaties(folder / "desta_list_of_treaties_02_02.csv")
    assert len(treaties) == 1365
    assert treaties["entry_type"].value_counts().to_dict() == {
        "base_treaty": 877, "accession": 207, "withdrawal": 72, "negotiation": 72,
        "protocol or amendment": 71, "consolidated": 66}
    assert treaties["year"].isna().sum() == 72  # negotiations carry no year


# --- BRI countries ----------------------------------------------------------------------------

BRI_HEADER = ["Country", "Country Code", "Region", "IncomeGroup", "Likely date of joining",
              "Likely date of exit"]
BRI_ROWS = [
    ["Afghanistan", "AFG", "South Asia", "Low income", dt.datetime(2023, 5, 1), None],
    ["China, P.R. ", "CHN", "East Asia & Pacific", "Upper middle income",
     dt.datetime(2013, 12, 1), None],
    ["Italy", "ITA", "Europe & Central Asia", "High income", dt.datetime(2019, 3, 1),
     dt.datetime(2023, 6, 12)],
    ["Kazakhstan", "KAZ", "Europe & Central Asia", "Upper middle income", "2015-08", None],
    ["Greece", "GRC", "Europe & Central Asia", "High income", "2018-08-31", None],
    ["Russian Federation", "RUS", "Europe & Central Asia", "Upper middle income", None, None],
]


def bri_file(tmp_path: Path, rows: list[list] = BRI_ROWS, header: list[str] = BRI_HEADER) -> Path:
    return write_workbook(tmp_path / "23_12_BRI-countries-public.xlsx",
                          {"copyright": [["Please cite as "]], "BRI countries": [header, *rows]})


def test_bri_fixture(tmp_path):
    frame = read_bri_countries(bri_file(tmp_path))
    assert list(frame.columns) == ["iso3", "name", "region", "join_date", "exit_date"]
    assert frame.dtypes.astype(str).tolist() == ["str"] * 5
    assert records(frame) == [
        ("AFG", "Afghanistan", "South Asia", "2023-05-01", ""),
        ("CHN", "China, P.R.", "East Asia & Pacific", "2013-12-01", ""),
        ("GRC", "Greece", "Europe & Central Asia", "2018-08-31", ""),
        ("ITA", "Italy", "Europe & Central Asia", "2019-03-01", "2023-06-12"),
        ("KAZ", "Kazakhstan", "Europe & Central Asia", "2015-08-01", ""),
        ("RUS", "Russian Federation", "Europe & Central Asia", "", ""),
    ]


def test_bri_bad_inputs(tmp_path):
    raises_data_error(read_bri_countries, truncated(bri_file(tmp_path)))
    renamed = [name.replace("Country Code", "ISO3") for name in BRI_HEADER]
    raises_data_error(read_bri_countries, bri_file(tmp_path, header=renamed), row=1,
                      field="Country Code")
    vague = [["Kazakhstan", "KAZ", "Europe & Central Asia", "UMC", "mid-2015", None]]
    raises_data_error(read_bri_countries, bri_file(tmp_path, vague), row=2,
                      field="Likely date of joining")
    raises_data_error(read_bri_countries, bri_file(tmp_path, [*BRI_ROWS, BRI_ROWS[3]]), row=8,
                      field="Country Code")
    wrong_code = [["Kazakhstan", "KZ", "Europe & Central Asia", "UMC", None, None]]
    raises_data_error(read_bri_countries, bri_file(tmp_path, wrong_code), row=2,
                      field="Country Code")


@needs_raw
def test_bri_real_file():
    frame = read_bri_countries(RAW_DIR / "bri-countries/esc1734_BRI-data/"
                               "23_12_BRI-countries-public.xlsx")
    assert len(frame) == 151 and (frame["join_date"] != "").sum() == 147
    by_code = frame.set_index("iso3")
    assert by_code.loc["KAZ", "join_date"].startswith("2015-08")
    assert by_code.loc["ITA", "exit_date"] == "2023-06-12"
    assert by_code.loc["RUS", "join_date"] == ""
    assert not {"FRA", "DEU", "NLD"} & set(frame["iso3"])
    joined = by_code["join_date"].str[:7]
    assert joined[["AFG", "ARM", "BLR", "TKM", "UZB"]].tolist() == [
        "2023-05", "2015-12", "2013-12", "2017-06", "2015-06"]
    yearly = frame.loc[frame["join_date"] != "", "join_date"].str[:4].value_counts().sort_index()
    assert yearly.cumsum()[["2013", "2017", "2023"]].tolist() == [8, 56, 147]


# --- Natural Earth ----------------------------------------------------------------------------

def ne_feature(adm0: str, iso: str, geometry: dict) -> dict:
    return {"type": "Feature", "properties": {"ADM0_A3": adm0, "ISO_A3": iso, "NAME": adm0},
            "geometry": geometry}


NE_FEATURES = [
    ne_feature("KAZ", "KAZ", {"type": "Polygon", "coordinates": [[
        [70.96231489449914, 42.266154283205495], [70.38896, 42.08131],
        [69.070027296, 41.38424428971237], [70.96231489449914, 42.266154283205495]]]}),
    ne_feature("FRA", "-99", {"type": "MultiPolygon", "coordinates": [
        [[[-51.65779741067889, 4.156232408053029], [-52.249337531, 3.241094468596245],
          [-51.65779741067889, 4.156232408053029]]],
        [[[6.186320428094177, 49.463802802114515], [2.5135730322461427, 51.14850617126183],
          [6.186320428094177, 49.463802802114515]]]]}),
    ne_feature("NOR", "-99", {"type": "Polygon", "coordinates": [[[15.14, 79.67], [15.52, 80.01],
                                                                  [15.14, 79.67]]]}),
]


def ne_file(tmp_path: Path, features: list[dict] = NE_FEATURES) -> Path:
    path = tmp_path / "ne_110m_admin_0_countries.json"
    # One feature per line, as in the mirrored file, so a JSON error has a telling line number.
    lines = ",\n".join(json.dumps(feature) for feature in features)
    path.write_text('{\n"type": "FeatureCollection",\n"features": [\n' + lines + "\n]\n}\n",
                    encoding="utf-8")
    return path


def test_natural_earth_fixture(tmp_path):
    collection = read_natural_earth(ne_file(tmp_path), ["KAZ", "FRA"])
    assert collection == {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"iso3": "FRA"}, "geometry": {
            "type": "MultiPolygon", "coordinates": [
                [[[-51.658, 4.156], [-52.249, 3.241], [-51.658, 4.156]]],
                [[[6.186, 49.464], [2.514, 51.149], [6.186, 49.464]]]]}},
        {"type": "Feature", "properties": {"iso3": "KAZ"}, "geometry": {
            "type": "Polygon", "coordinates": [[[70.962, 42.266], [70.389, 42.081],
                                                [69.07, 41.384], [70.962, 42.266]]]}}]}
    assert [f["properties"] for f in read_natural_earth(ne_file(tmp_path), "NOR")["features"]] \
        == [{"iso3": "NOR"}]


def test_natural_earth_bad_inputs(tmp_path):
    good = ne_file(tmp_path)
    raises_data_error(read_natural_earth, truncated(good), ["KAZ"])
    assert "XXX" in str(raises_data_error(read_natural_earth, good, ["KAZ", "XXX"],
                                          field="ADM0_A3"))
    renamed = json.loads(json.dumps(NE_FEATURES))
    renamed[1]["properties"]["ADM0_A3X"] = renamed[1]["properties"].pop("ADM0_A3")
    raises_data_error(read_natural_earth, ne_file(tmp_path, renamed), ["KAZ"], row=2,
                      field="ADM0_A3")
    text = json.loads(json.dumps(NE_FEATURES))
    text[0]["geometry"]["coordinates"][0][1][0] = "70.38896"
    raises_data_error(read_natural_earth, ne_file(tmp_path, text), ["KAZ"], row=1,
                      field="coordinates")
    raises_data_error(read_natural_earth, ne_file(tmp_path, [*NE_FEATURES, NE_FEATURES[0]]),
                      ["KAZ"], row=4, field="ADM0_A3")


@needs_raw
def test_natural_earth_real_file():
    path = RAW_DIR / "natural-earth-110m/martynafford_natural-earth-geojson/110m/cultural/" \
                     "ne_110m_admin_0_countries.json"
    collection = read_natural_earth(path, STUDY_COUNTRIES)
    codes = [feature["properties"]["iso3"] for feature in collection["features"]]
    assert codes == sorted(STUDY_COUNTRIES) and "FRA" in codes
    assert {feature["geometry"]["type"] for feature in collection["features"]} <= {
        "Polygon", "MultiPolygon"}


# --- DDF datapoints ---------------------------------------------------------------------------

DDF_NAME = "ddf--datapoints--lp_lpi_ovrl_xq--by--geo--time.csv"


def ddf_file(tmp_path: Path, rows: list[str] | None = None, header: str = "geo,time,lp_lpi_ovrl_xq",
             name: str = DDF_NAME) -> Path:
    rows = rows if rows is not None else ["kaz,2007,2.12", "afg,2007,1.21", "ussr,1990,2.5",
                                          "kaz,2010,2.83"]
    return write_csv(tmp_path / name, [header, *rows])


def test_ddf_fixture(tmp_path):
    frame = read_ddf_datapoints(ddf_file(tmp_path))
    assert list(frame.columns) == ["iso3", "year", "value"]
    assert frame.dtypes.astype(str).tolist() == ["str", "int64", "float64"]
    assert records(frame) == [("AFG", 2007, 1.21), ("KAZ", 2007, 2.12), ("KAZ", 2010, 2.83)]


def test_ddf_bad_inputs(tmp_path):
    raises_data_error(read_ddf_datapoints, truncated(ddf_file(tmp_path)))
    raises_data_error(read_ddf_datapoints, ddf_file(tmp_path, header="geo,time,lpi"), row=1,
                      field="lp_lpi_ovrl_xq")
    raises_data_error(read_ddf_datapoints, ddf_file(tmp_path, name="lpi.csv"))
    raises_data_error(read_ddf_datapoints, ddf_file(tmp_path, ["kaz,2007,2.12", "afg,2007,n/a"]),
                      row=3, field="lp_lpi_ovrl_xq")
    raises_data_error(read_ddf_datapoints, ddf_file(tmp_path, ["kaz,y2007,2.12"]), row=2,
                      field="time")
    raises_data_error(read_ddf_datapoints, ddf_file(tmp_path, ["kaz,2007,2.1", "KAZ,2007,2.2"]),
                      row=3, field="geo, time")


@needs_raw
def test_ddf_real_files():
    lpi = read_ddf_datapoints(RAW_DIR / "open-numbers-wdi-ddf/datapoints" / DDF_NAME)
    assert set(lpi["year"]) == {2007, 2010, 2012, 2014, 2016, 2018, 2022}
    last_year = lpi.groupby("iso3")["year"].max()
    assert last_year[["AZE", "PAK", "TKM", "KAZ"]].tolist() == [2014, 2018, 2018, 2022]
    assert set(STUDY_COUNTRIES) <= set(lpi["iso3"])
    exports = read_ddf_datapoints(RAW_DIR / "gapminder-systema-globalis/countries-etc-datapoints/"
                                  "ddf--datapoints--exports_percent_of_gdp--by--geo--time.csv")
    assert set(STUDY_COUNTRIES) <= set(exports["iso3"])
    assert exports.groupby("iso3")["year"].max()[STUDY_COUNTRIES].ge(2023).all()
