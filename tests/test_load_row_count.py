"""Loading the extract checks each table's row count against the manifest, even when
the checksum has been made to agree (a table cut short and re-hashed)."""
from __future__ import annotations

import hashlib
import json

import pytest

from analysis.data.load import load_extract, load_table
from analysis.errors import DataError


@pytest.fixture
def copy_without_a_row(data_copy):
    """The extract with the last row of hdi.csv removed and only its checksum updated."""
    target = data_copy
    path = target / "hdi.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-1]))
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["tables"]["hdi"]
    assert entry["rows"] == len(lines) - 1          # the committed count is right
    entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return target, entry["rows"]


def test_a_missing_row_fails_naming_the_table(copy_without_a_row):
    data_dir, rows = copy_without_a_row
    with pytest.raises(DataError) as error:
        load_table("hdi", data_dir)
    assert error.value.file.endswith("hdi.csv")
    assert error.value.field == "rows"
    assert f"{rows - 1} rows" in str(error.value) and str(rows) in str(error.value)


def test_the_whole_extract_does_not_load_either(copy_without_a_row):
    data_dir, _ = copy_without_a_row
    with pytest.raises(DataError, match=r"hdi\.csv"):
        load_extract(data_dir)
