"""Load the committed extract: checksums, row counts and the accounting of every input's
records against the manifest, then schema checks (including the series rules)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.data import schemas
from analysis.errors import DataError
from analysis.paths import DATA_DIR

DTYPES = {
    "trade_flows": {"reporter": str, "partner": str, "flow": str, "year": "int64", "value_usd_m": "float64",
                    "estimate": "bool"},
    "trade_estimates": {"reporter": str, "flow": str, "year": "int64", "cells": "int64", "estimated_cells": "int64",
                        "value_usd_m": "float64", "estimated_value_usd_m": "float64"},
    "wdi": {"iso3": str, "indicator": str, "year": "int64", "value": "float64"},
    "migrant_stock_bilateral": {"origin": str, "destination": str, "year": "int64", "migrants": "float64"},
    "migrant_stock_totals": {"iso3": str, "year": "int64", "migrants": "float64"},
    "hdi": {"iso3": str, "year": "int64", "hdi": "float64"},
    "commodity_price_indices": {"series": str, "month": str, "value": "float64"},
    "trade_agreements_wto": {"rta_id": "int64"},
    "trade_agreements_desta": {"base_treaty": "int64", "year": "int64", "entry_into_force_year": "Int64",
                               "typememb": "int64"},
    "bri_countries": {},
}
# tables whose rows are not one kept input record each: what the kept records make up
KEPT_RECORDS = {"trade_estimates": lambda frame: int(frame["cells"].sum())}


@dataclass(frozen=True)
class Extract:
    manifest: dict
    tables: dict[str, pd.DataFrame]

    def __getattr__(self, name: str) -> pd.DataFrame:
        # through __dict__: while unpickling, ``tables`` is not set yet
        try:
            return self.__dict__["tables"][name]
        except KeyError:
            raise AttributeError(name) from None


def read_manifest(data_dir: Path = DATA_DIR) -> dict:
    path = Path(data_dir) / "manifest.json"
    if not path.is_file():
        raise DataError(path, "manifest not found: build the extract with `python -m analysis.data.extract`")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(path, f"not valid JSON ({exc.msg})", row=exc.lineno) from exc


def load_table(name: str, data_dir: Path = DATA_DIR, manifest: dict | None = None) -> pd.DataFrame:
    manifest = manifest or read_manifest(data_dir)
    entry = manifest["tables"].get(name)
    if entry is None:
        raise DataError(Path(data_dir) / "manifest.json", f"no table {name!r} in the manifest", field="tables")
    path = Path(data_dir) / entry["file"]
    if not path.is_file():
        raise DataError(path, "file listed in the manifest is missing")
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    if digest != entry["sha256"]:
        raise DataError(path, f"sha256 {digest} does not match the manifest ({entry['sha256']})", field="sha256")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataError(path, f"not a readable CSV table ({exc})") from exc
    frame = _typed(frame, DTYPES.get(name) or {}, path)
    if len(frame) != entry["rows"]:
        raise DataError(path, f"{len(frame)} rows, the manifest says {entry['rows']}", field="rows")
    frame = schemas.validate(name, frame, source=str(path))
    _check_accounting(entry, KEPT_RECORDS.get(name, len)(frame), Path(data_dir) / "manifest.json", name)
    return frame


def _check_accounting(entry: dict, records: int, manifest_path: Path, name: str) -> None:
    """Each input's records are read = kept + dropped, and the kept ones make up the table."""
    counted = [i for i in entry["inputs"] if "records" in i]
    if not counted:
        raise DataError(manifest_path, f"table {name!r} has no record accounting", field="records")
    for item in counted:
        records_of = item["records"]
        dropped = sum(records_of["dropped"].values())
        if records_of["read"] != records_of["kept"] + dropped:
            raise DataError(manifest_path, f"{name}: {item['path']} read {records_of['read']} records but kept "
                                           f"{records_of['kept']} and dropped {dropped}", field="records")
    kept = sum(i["records"]["kept"] for i in counted)
    if kept != records:
        raise DataError(manifest_path, f"{name}: the inputs kept {kept} records, the table holds {records}",
                        field="records")


def _typed(frame: pd.DataFrame, dtypes: dict, path: Path) -> pd.DataFrame:
    """Convert declared columns, naming the first cell that does not convert."""
    for column, dtype in dtypes.items():
        if column not in frame:
            raise DataError(path, "column missing", row=1, field=column)
        if dtype is str:
            continue
        if dtype == "bool":
            mapped = frame[column].map({"True": True, "False": False})
        else:
            mapped = pd.to_numeric(frame[column], errors="coerce")
        blank_allowed = dtype in ("float64", "Int64")  # a blank cell is a missing value there
        bad = mapped.isna() & (frame[column] != "") if blank_allowed else mapped.isna()
        if bad.any():
            line = int(bad.to_numpy().nonzero()[0][0]) + 2
            raise DataError(path, f"not a valid {dtype} value: {frame[column].iloc[line - 2]!r}", row=line, field=column)
        frame[column] = mapped.astype(dtype)
    return frame


def load_or_read_extract() -> Extract:
    """:func:`load_extract` of ``data/``, verified once per build: the chapters' language
    runs read the verified tables back from the shared cache, whose key is a digest of
    these very files (:mod:`analysis.measures.cache`), so any change verifies again."""
    from analysis.measures import cache

    return cache.load_or_compute("extract", "tables", cache.content_key(), load_extract)


def load_extract(data_dir: Path = DATA_DIR) -> Extract:
    """Every CSV table of the extract, verified. Raises DataError on any mismatch."""
    manifest = read_manifest(data_dir)
    names = [n for n, entry in manifest["tables"].items() if entry["file"].endswith(".csv")]
    return Extract(manifest, {name: load_table(name, data_dir, manifest) for name in names})
