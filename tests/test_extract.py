"""The extract: rebuilt byte-identically from the raw mirror, and loaded only if intact."""
from __future__ import annotations

import json
import shutil

import pytest

from analysis.data import extract
from analysis.data.load import load_extract, load_table
from analysis.errors import DataError
from analysis.paths import DATA_DIR, RAW_DIR

needs_raw = pytest.mark.skipif(not RAW_DIR.is_dir(), reason=f"raw data mirror {RAW_DIR} is absent: "
                               "the byte-identical rebuild was NOT checked")


@needs_raw
def test_rebuild_from_raw_is_byte_identical(tmp_path):
    assert extract.main(["--raw", str(RAW_DIR), "--out", str(tmp_path)]) == 0
    committed = sorted(p.name for p in DATA_DIR.iterdir() if p.is_file())
    rebuilt = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    assert rebuilt == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), name


def test_manifest_describes_every_table():
    manifest = json.loads((DATA_DIR / "manifest.json").read_text())
    for name, entry in manifest["tables"].items():
        for field in ("sha256", "rows", "agency", "dataset", "vintage", "upstream_url", "licence", "attribution"):
            assert entry[field] not in ("", None), f"{name}: {field}"
        assert entry["inputs"], name
    chosen = {c["indicator"]: c for c in manifest["wdi_choices"]}
    # where several vintages exist the newest is used
    for choice in chosen.values():
        assert all(choice["vintage"] >= other["vintage"] for other in choice["not_used"]), choice["indicator"]


def test_committed_extract_loads_and_validates():
    tables = load_extract().tables
    assert set(tables) >= {"trade_flows", "wdi", "migrant_stock_bilateral", "hdi"}
    flows = tables["trade_flows"]
    assert flows.year.max() == 2020 and (flows.value_usd_m >= 0).all()


def test_checksum_mismatch_names_the_file(data_copy):
    path = data_copy / "hdi.csv"
    path.write_text(path.read_text().replace("0.", "0.9", 1))
    with pytest.raises(DataError, match=r"hdi\.csv.*field 'sha256'"):
        load_table("hdi", data_copy)


def test_missing_file_is_named(data_copy):
    (data_copy / "wdi.csv").unlink()
    with pytest.raises(DataError, match=r"wdi\.csv.*missing"):
        load_table("wdi", data_copy)


def _rewrite(data_copy, name, edit):
    """Edit a table and update the manifest's checksum and rows, so the schema is what fails."""
    path = data_copy / f"{name}.csv"
    lines = path.read_text().splitlines()
    lines = edit(lines)
    path.write_text("\n".join(lines) + "\n")
    manifest = json.loads((data_copy / "manifest.json").read_text())
    manifest["tables"][name]["sha256"] = extract.sha256(path)
    manifest["tables"][name]["rows"] = len(lines) - 1
    (data_copy / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize("name, edit, row, field", [
    ("hdi", lambda ls: [ls[0], ls[1].replace(ls[1].split(",")[0], "XYZ", 1)] + ls[2:], 2, "iso3"),
    ("hdi", lambda ls: ls + [ls[1]], None, None),
    ("migrant_stock_totals", lambda ls: [ls[0], ls[1].rsplit(",", 1)[0] + ",-5"] + ls[2:], 2, "migrants"),
    ("migrant_stock_totals", lambda ls: [ls[0], ls[1].rsplit(",", 1)[0] + ",many"] + ls[2:], 2, "migrants"),
    ("trade_flows", lambda ls: [ls[0].replace("value_usd_m", "value")] + ls[1:], 1, "value_usd_m"),
    ("trade_flows", lambda ls: [ls[0], ",".join(f if i != 2 else "shipped" for i, f in enumerate(ls[1].split(",")))]
     + ls[2:], 2, "flow"),
])
def test_bad_rows_are_named(data_copy, name, edit, row, field):
    _rewrite(data_copy, name, edit)
    with pytest.raises(DataError) as error:
        load_table(name, data_copy)
    message = str(error.value)
    assert f"{name}.csv" in message
    if row is not None:
        assert f"row {row}" in message
    if field is not None:
        assert f"field '{field}'" in message


@needs_raw
def test_failed_extract_writes_nothing(tmp_path):
    broken = tmp_path / "raw"
    shutil.copytree(RAW_DIR, broken, ignore=shutil.ignore_patterns("DOTS_9.xlsx"))
    out = tmp_path / "out"
    assert extract.main(["--raw", str(broken), "--out", str(out)]) == 1
    assert not any(p for p in out.iterdir() if not p.name.startswith(".")), "a failed extract must publish nothing"


def test_agency_names_shown_to_readers_match_the_record():
    """The catalogue's English agency name is the one the manifest records (no drift)."""
    from analysis.present.i18n import t
    from analysis.data.reference import sources

    for name, entry in sources().items():
        assert t(f"agency.{entry['agency_key']}", "en") == entry["agency"], name
