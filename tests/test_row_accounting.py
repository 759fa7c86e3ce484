"""Every input record is accounted for (read = kept + dropped, by named rule), a code that
is neither a known country nor a known aggregate is an error, and each study country keeps
the coverage the manifest records."""
from __future__ import annotations

import json
import os
import shutil

import pytest
from hypothesis import given, strategies as st

from analysis.data import accounting, extract, reference
from analysis.data.load import load_extract, load_table
from analysis.data.readers import undesa, undp, worldbank
from analysis.data.readers._common import RowCount
from analysis.errors import DataError
from analysis.paths import DATA_DIR, RAW_DIR

needs_raw = pytest.mark.skipif(not RAW_DIR.is_dir(), reason=f"raw data mirror {RAW_DIR} is absent: "
                               "the rebuilt coverage and the damaged raw files were NOT checked")
AREAS = worldbank.WdiAreas.from_csv(reference.REFERENCE_DIR / "wdi_areas.csv")


@pytest.fixture(scope="module")
def committed():
    return load_extract()


# --- the counts -----------------------------------------------------------------------------------

@given(st.lists(st.tuples(st.sampled_from(["keep", "drop", "filter"]), st.integers(0, 50),
                          st.sampled_from(["an aggregate", "no value"]))))
def test_a_count_always_balances(steps):
    count = RowCount("cell")
    for action, records, rule in steps:
        if action == "keep":
            count.keep(records)
        elif action == "drop":
            count.drop(rule, records)
        else:
            count.filter_out(rule, min(records, count.kept))
    count.require_balanced("f")
    assert count.read == sum(r for a, r, _ in steps if a != "filter")


def test_an_unbalanced_count_is_an_error():
    count = RowCount("cell")
    count.keep(3)
    count.read += 1
    with pytest.raises(DataError, match="4 cells read but 3 kept and 0 dropped"):
        count.require_balanced("input.csv")


def test_every_input_of_every_table_is_accounted_for(committed):
    for name, entry in committed.manifest["tables"].items():
        counted = [item for item in entry["inputs"] if "records" in item]
        assert counted, f"{name} has no record accounting"
        for item in counted:
            records = item["records"]
            assert records["read"] == records["kept"] + sum(records["dropped"].values()), (name, item["path"])
            assert all(rule and n > 0 for rule, n in records["dropped"].items()), (name, item["path"])
        kept = sum(item["records"]["kept"] for item in counted)
        made_up = int(committed.trade_estimates.cells.sum()) if name == "trade_estimates" else entry["rows"]
        assert kept == made_up, name


def test_the_drops_are_named_by_rule(committed):
    """The rules the readers apply show in the manifest under their names."""
    rules = {rule for entry in committed.manifest["tables"].values() for item in entry["inputs"]
             for rule in item.get("records", {}).get("dropped", {})}
    assert {"not a study country", "an aggregate", "outside the years", "an identical repeat",
            "no value", "a former state", "not specified"} <= rules


def test_identical_repeats_are_counted_as_well_as_noted(committed):
    noted = len(committed.manifest["notes"])
    repeats = sum(item["records"]["dropped"].get("an identical repeat", 0)
                  for item in committed.manifest["tables"]["trade_flows"]["inputs"])
    assert noted > 0 and repeats > 0


def test_a_row_missing_from_a_table_fails_the_row_count(data_copy):
    path = data_copy / "hdi.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n")
    manifest = json.loads((data_copy / "manifest.json").read_text())
    manifest["tables"]["hdi"]["sha256"] = extract.sha256(path)
    (data_copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DataError, match=r"hdi\.csv, field 'rows': 812 rows, the manifest says 813"):
        load_table("hdi", data_copy)


def test_an_accounting_that_does_not_add_up_fails_loading(data_copy):
    manifest = json.loads((data_copy / "manifest.json").read_text())
    manifest["tables"]["hdi"]["inputs"][0]["records"]["dropped"]["no value"] -= 1
    (data_copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DataError, match=r"manifest\.json, field 'records'.*hdi.*read 6798 records"):
        load_table("hdi", data_copy)


def test_kept_records_must_make_up_the_table(data_copy):
    manifest = json.loads((data_copy / "manifest.json").read_text())
    records = manifest["tables"]["hdi"]["inputs"][0]["records"]
    records["kept"] -= 1
    records["dropped"]["no value"] += 1
    (data_copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DataError, match="hdi: the inputs kept 812 records, the table holds 813"):
        load_table("hdi", data_copy)


# --- unknown codes and contradicting names are errors -----------------------------------------------

DATAHUB = "Country Name,Country Code,Year,Value\n"


@pytest.mark.parametrize("line, field, message", [
    ("Kazakhstan,KZX,2010,16836810", "Country Code", "'KZX'.*neither a known country nor a known aggregate"),
    ("Kyrgyz Republic,KAZ,2010,16836810", "Country Name", "'Kyrgyz Republic' contradicts wdi_areas.csv"),
])
def test_wdi_unknown_code_or_wrong_name_is_an_error(tmp_path, line, field, message):
    path = tmp_path / "data.csv"
    path.write_text(DATAHUB + "World,WLD,2010,6.9e9\n" + line + "\n")
    with pytest.raises(DataError, match=rf"data\.csv, row 3, field '{field}': .*{message}"):
        worldbank.read_datahub_csv(path, "SP.POP.TOTL", {"KAZ"}, areas=AREAS)


def test_wdi_cells_are_counted_by_rule(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(DATAHUB + "World,WLD,2010,6.9e9\nFrance,FRA,2010,6.5e7\nKazakhstan,KAZ,1980,1.5e7\n"
                    "Kazakhstan,KAZ,2010,\nKazakhstan,KAZ,2011,1.7e7\n")
    count = RowCount(worldbank.CELL)
    series = worldbank.read_datahub_csv(path, "SP.POP.TOTL", {"KAZ"}, areas=AREAS, years=range(1990, 2021),
                                        count=count)
    assert series.data.year.tolist() == [2011]
    assert count.as_dict() == {"unit": worldbank.CELL, "read": 5, "kept": 1, "dropped": {
        "an aggregate": 1, "no value": 1, "not a study country": 1, "outside the years": 1}}


def test_bulk_wdi_cells_are_counted_by_rule(tmp_path):
    path = tmp_path / "API.csv"
    path.write_text('"Country Name","Country Code","Indicator Name","Indicator Code","2019","2020",\n'
                    '"Kazakhstan","KAZ","Trade","NE.TRD.GNFS.ZS","61.5","",\n'
                    '"Europe & Central Asia","ECS","Trade","NE.TRD.GNFS.ZS","70","71",\n'
                    '"Kosovo","XKX","Trade","NE.TRD.GNFS.ZS","80","81",\n')
    count = RowCount(worldbank.CELL)
    worldbank.read_bulk_csv(path, {"KAZ"}, areas=AREAS, count=count)
    assert (count.read, count.kept, dict(count.dropped)) == (
        6, 1, {"no value": 1, "an aggregate": 2, "not a study country": 2})


def test_hdi_unknown_code_is_an_error(tmp_path):
    path = tmp_path / "hdr.csv"
    path.write_text("iso3,country,hdi_2020\nKAZ,Kazakhstan,0.8\nKZX,Kazakhstan,0.8\n")
    with pytest.raises(DataError, match=r"hdr\.csv, row 3, field 'iso3'.*'KZX'"):
        undp.read_hdr(path, ["KAZ"], known=reference.known_country_codes())


def test_undesa_unknown_destination_is_an_error(tmp_path):
    path = tmp_path / "stock.csv"
    path.write_text("Year,Dest,Kazakhstan,Russian Federation\n2019,Kazakhstan,,1\n2019,Kazakstan,,2\n")
    with pytest.raises(DataError, match=r"stock\.csv, row 3, field 'Dest'.*'Kazakstan'"):
        undesa.read_bilateral_2019(path, {"Kazakhstan": "KAZ", "Russian Federation": "RUS"},
                                   known=reference.undesa_2019_names())


@needs_raw
def test_undesa_totals_name_contradicting_the_reference_is_an_error():
    """Kazakhstan's M49 code given to Kyrgyzstan's name: the join on the code is refused."""
    path = RAW_DIR / extract.MIGRATION_TOTALS
    with pytest.raises(DataError, match=r"row \d+, field 'Location code'.*'Kyrgyzstan'"):
        undesa.read_totals_2020(path, {398: "KAZ", 417: "KGZ"}, known=reference.undesa_m49_kinds(),
                                names={"KAZ": "Kazakhstan", "KGZ": "Kazakhstan"})


@pytest.fixture
def raw_links(tmp_path):
    """The raw mirror as a tree of links; a file is copied for real before it is edited."""
    target = tmp_path / "raw"
    shutil.copytree(RAW_DIR, target, copy_function=os.symlink)
    return target


@needs_raw
def test_unknown_code_in_a_raw_file_stops_the_extract(raw_links, data_copy, capsys):
    """A study country's row with a damaged code is not dropped in silence."""
    manifest = json.loads((DATA_DIR / "manifest.json").read_text())
    relative = next(c["file"] for c in manifest["wdi_choices"] if c["indicator"] == "SP.POP.TOTL")
    path = raw_links / relative
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("Kazakhstan,KAZ,2010,"))
    lines[number] = lines[number].replace(",KAZ,", ",KZX,")
    path.unlink()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in data_copy.iterdir() if p.is_file()}
    assert extract.main(["--raw", str(raw_links), "--out", str(data_copy)]) == 1
    error = capsys.readouterr().err
    assert f"{relative}, row {number + 1}, field 'Country Code'" in error and "'KZX'" in error, error
    assert {p.name: p.read_bytes() for p in data_copy.iterdir() if p.is_file()} == before


# --- coverage --------------------------------------------------------------------------------------

@given(st.dictionaries(st.tuples(st.sampled_from(["KAZ", "KGZ"]), st.sampled_from(["hdi", "wdi X"]),
                                 st.integers(1990, 2020)), st.integers(1, 30)))
def test_coverage_encoding_round_trips(counts):
    assert accounting.decode(accounting.encode(counts)) == counts


def test_coverage_encoding_is_compact():
    counts = {("KAZ", "hdi", year): 1 for year in range(1990, 2023)} | {("KAZ", "trade_flows exports", 1992): 7}
    assert accounting.encode(counts) == {"KAZ": {"hdi": {"1990-2022": 1}, "trade_flows exports": {"1992": 7}}}


def test_committed_coverage_matches_the_committed_tables(committed):
    fresh = accounting.encode(accounting.cell_counts(committed.tables, reference.study_iso3()))
    recorded = committed.manifest["coverage"]
    assert accounting.losses(recorded, fresh) == [] and fresh == recorded
    assert set(recorded) == set(reference.study_iso3())


def test_a_lost_year_is_listed_cell_by_cell(committed):
    tables = dict(committed.tables)
    wdi = tables["wdi"]
    tables["wdi"] = wdi[~((wdi.iso3 == "KAZ") & (wdi.indicator == "SP.POP.TOTL") & (wdi.year == 2003))]
    flows = tables["trade_flows"]
    tables["trade_flows"] = flows[~((flows.reporter == "KGZ") & (flows.flow == "exports") & (flows.year == 2020)
                                    & (flows.partner.isin(["CHN", "KAZ"])))]
    fresh = accounting.encode(accounting.cell_counts(tables, reference.study_iso3()))
    assert accounting.losses(committed.manifest["coverage"], fresh) == [
        "KAZ wdi SP.POP.TOTL 2003: 1 -> 0 cells", "KGZ trade_flows exports 2020: 27 -> 25 cells"]


@needs_raw
def test_a_fresh_extract_keeps_every_study_country_s_coverage(tmp_path):
    assert extract.main(["--raw", str(RAW_DIR), "--out", str(tmp_path)]) == 0
    fresh = json.loads((tmp_path / "manifest.json").read_text())["coverage"]
    committed = json.loads((DATA_DIR / "manifest.json").read_text())["coverage"]
    missing = accounting.losses(committed, fresh)
    assert not missing, "cells that went missing:\n" + "\n".join(missing)


@needs_raw
def test_a_dots_workbook_of_the_wrong_country_stops_the_extract(raw_links, data_copy, capsys):
    """Kyrgyzstan's report filed as Kazakhstan's (DOTS_103) contradicts countries.csv."""
    folder = raw_links / extract.DOTS_DIR
    (folder / "DOTS_103.xlsx").unlink()
    (folder / "DOTS_103.xlsx").symlink_to(RAW_DIR / extract.DOTS_DIR / "DOTS_109.xlsx")
    assert extract.main(["--raw", str(raw_links), "--out", str(data_copy)]) == 1
    error = capsys.readouterr().err
    assert "DOTS_103.xlsx, row 4, field 'B4': the reporter is KGZ, but countries.csv gives file 103 to KAZ" in error
