"""Every series and every numeric column has a domain rule, and the rules are enforced:
an impossible value in a raw file stops the extract, naming the file, row, field and value,
and publishes nothing; one in the committed extract stops loading."""
from __future__ import annotations

import json
import os
import shutil

import pandas as pd
import pytest

from analysis.data import extract, reference, schemas
from analysis.data.load import DTYPES, load_extract, load_table
from analysis.errors import DataError
from analysis.paths import DATA_DIR, RAW_DIR

needs_raw = pytest.mark.skipif(not RAW_DIR.is_dir(), reason=f"raw data mirror {RAW_DIR} is absent: "
                               "the damaged-raw-file checks were NOT run")
RULES = reference.series_rules()


@pytest.fixture(scope="module")
def committed():
    return load_extract()


def test_every_wdi_indicator_has_a_rule():
    indicators = set(pd.read_csv(reference.REFERENCE_DIR / "wdi_series.csv").indicator)
    missing = sorted(indicators - set(RULES))
    assert not missing, f"WDI indicators without a rule in series_rules.csv: {missing}"


def test_every_numeric_column_has_a_rule(committed):
    missing = [f"{name}.{column}" for name, frame in committed.tables.items() for column in frame.columns
               if pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column])
               and name != "wdi" and f"{name}.{column}" not in RULES]
    missing += [] if "wdi.year" in RULES else ["wdi.year"]
    assert not missing, f"numeric columns without a rule in series_rules.csv: {missing}"


def test_no_rule_is_left_over():
    """A rule for a series or column that no longer exists is a sign of a renamed target."""
    indicators = set(pd.read_csv(reference.REFERENCE_DIR / "wdi_series.csv").indicator)
    columns = {f"{name}.{column}" for name, schema in schemas.SCHEMAS.items() for column in schema.columns}
    assert sorted(set(RULES) - indicators - columns) == []


@pytest.mark.parametrize("target, kind, lower, upper", [
    ("SP.POP.TOTL", "non-negative", 0, None),
    ("NY.GDP.MKTP.CD", "non-negative", 0, None),
    ("IS.RRS.TOTL.KM", "non-negative", 0, None),
    ("LP.LPI.OVRL.XQ", "bounded", 1, 5),
    ("TX.VAL.FUEL.ZS.UN", "bounded", 0, 100),
    ("NE.TRD.GNFS.ZS", "non-negative", 0, None),  # can exceed 100% of GDP
    ("BX.KLT.DINV.CD.WD", "signed", None, None),
    ("NY.GDP.MKTP.KD.ZG", "signed", -100, None),
    ("FP.CPI.TOTL.ZG", "signed", -100, None),
    ("trade_flows.value_usd_m", "non-negative", 0, None),
    ("migrant_stock_bilateral.migrants", "non-negative", 0, None),
    ("hdi.hdi", "bounded", 0, 1),
])
def test_the_rules_say_what_the_quantities_allow(target, kind, lower, upper):
    rule = RULES[target]
    assert (rule.kind, rule.lower, rule.upper) == (kind, lower, upper)


def test_signed_series_keep_their_negative_values(committed):
    """Net FDI inflows and growth really are negative in some years; a rule must not forbid it."""
    wdi = committed.wdi
    for indicator in ("BX.KLT.DINV.CD.WD", "NY.GDP.MKTP.KD.ZG", "SM.POP.NETM"):
        assert (wdi[wdi.indicator == indicator].value < 0).any(), indicator


def test_a_rule_file_that_contradicts_itself_is_rejected(tmp_path):
    shutil.copytree(reference.REFERENCE_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "series_rules.csv"
    lines = path.read_text().splitlines()
    line = next(i for i, text in enumerate(lines) if text.startswith("LP.LPI.OVRL.XQ,"))
    lines[line] = lines[line].replace("bounded,1,5", "bounded,1,")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match=rf"series_rules\.csv, row {line + 1}, field 'kind'.*both limits"):
        reference.series_rules.__wrapped__(tmp_path)


# --- enforced on loading -------------------------------------------------------------------------

def _replace_value(data_copy, name, row_index, column, value):
    """Set one cell of a committed table and re-seal the manifest, so that only the rule can fail."""
    path = data_copy / f"{name}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row_index, column] = value
    frame.to_csv(path, index=False, lineterminator="\n")
    manifest = json.loads((data_copy / "manifest.json").read_text())
    manifest["tables"][name]["sha256"] = extract.sha256(path)
    (data_copy / "manifest.json").write_text(json.dumps(manifest))


def _outside(rule):
    return rule.lower - 1 if rule.lower is not None else rule.upper + 1


COLUMN_RULES = sorted(t for t in RULES if t.split(".")[0] in schemas.SCHEMAS)
WDI_RULES = sorted(t for t, r in RULES.items() if t not in COLUMN_RULES and (r.lower, r.upper) != (None, None))


@pytest.mark.parametrize("target", COLUMN_RULES)
def test_a_value_outside_a_column_rule_fails_loading(data_copy, target):
    name, column = target.split(".")
    rule = RULES[target]
    value = _outside(rule)
    dtype = DTYPES[name].get(column)
    text = f"{int(value)}" if dtype in ("int64", "Int64") else f"{value!r}"
    _replace_value(data_copy, name, 3, column, text)
    with pytest.raises(DataError) as error:
        load_table(name, data_copy)
    message = str(error.value)
    assert f"{name}.csv, row 5, field '{column}'" in message and f"rule {target}" in message, message


@pytest.mark.parametrize("indicator", WDI_RULES)
def test_a_wdi_value_outside_its_series_rule_fails_loading(data_copy, committed, indicator):
    rows = committed.wdi.index[committed.wdi.indicator == indicator]
    _replace_value(data_copy, "wdi", rows[0], "value", repr(float(_outside(RULES[indicator]))))
    with pytest.raises(DataError) as error:
        load_table("wdi", data_copy)
    message = str(error.value)
    row = committed.wdi.loc[rows[0]]
    value = float(_outside(RULES[indicator]))
    assert f"wdi.csv, row {rows[0] + 2}, field 'value'" in message, message
    # the message says which value of which country and year breaks which rule
    assert (f"{indicator} value {value!r} for {row.iso3} {int(row.year)} "
            f"breaks its rule ({RULES[indicator].describe()})") in message, message


def test_negative_trade_is_rejected_on_loading(data_copy):
    _replace_value(data_copy, "trade_flows", 0, "value_usd_m", "-5.0")
    with pytest.raises(DataError, match=r"trade_flows\.csv, row 2, field 'value_usd_m'.*-5\.0"):
        load_table("trade_flows", data_copy)


def test_a_wdi_indicator_without_a_rule_fails_loading(data_copy):
    _replace_value(data_copy, "wdi", 0, "indicator", "XX.NEW.SERIES")
    with pytest.raises(DataError, match=r"wdi\.csv, row 2, field 'value'.*XX\.NEW\.SERIES value .* for \w{3} \d{4} "
                                         r"has no rule in series_rules\.csv"):
        load_table("wdi", data_copy)


# --- plausibility bands: warnings in the manifest, not errors -------------------------------------

def test_implausible_values_are_warnings_not_errors():
    frame = pd.DataFrame({"iso3": ["KAZ", "KAZ", "KAZ"], "indicator": ["FP.CPI.TOTL.ZG"] * 3,
                          "year": [1993, 1994, 1995], "value": [1662.3, 5.0, -60.0]})
    schemas.validate("wdi", frame, source="test")  # no error
    warnings = schemas.plausibility_warnings("wdi", frame)
    band = [RULES["FP.CPI.TOTL.ZG"].band_low, RULES["FP.CPI.TOTL.ZG"].band_high]
    assert warnings == [
        {"series": "FP.CPI.TOTL.ZG", "iso3": "KAZ", "year": 1993, "value": 1662.3, "band": band},
        {"series": "FP.CPI.TOTL.ZG", "iso3": "KAZ", "year": 1995, "value": -60.0, "band": band}]
    assert all(type(w["year"]) is int for w in warnings)  # plain numbers, written to the manifest as JSON


def test_implausible_column_values_are_named_by_the_table_s_key():
    frame = pd.DataFrame({"series": ["iENERGY", "iENERGY"], "month": ["2020-04", "2022-06"], "value": [0.5, 150.0]})
    # the table's own key names the value: here its price series and month
    assert schemas.plausibility_warnings("commodity_price_indices", frame) == [
        {"series": "iENERGY", "month": "2020-04", "value": 0.5, "band": [1.0, 1000.0]}]


def test_committed_manifest_records_the_implausible_values(committed):
    warnings = committed.manifest["plausibility_warnings"]
    wdi = committed.wdi
    flagged = pd.concat([rows[RULES[indicator].implausible(rows.value)]
                         for indicator, rows in wdi.groupby("indicator")])
    expected = sorted(zip(flagged.indicator, flagged.iso3, flagged.year))
    assert expected, "the hyperinflation years of the 1990s lie outside the inflation band"
    assert sorted((w["series"], w["iso3"], w["year"]) for w in warnings if w["table"] == "wdi") == expected


# --- enforced when the extract is built: a damaged raw file ---------------------------------------

@pytest.fixture
def raw_copy(tmp_path):
    """The raw mirror as a tree of links; :func:`_damage_line` turns a link into a real copy
    before editing it, so the mirror itself is never touched."""
    target = tmp_path / "raw"
    shutil.copytree(RAW_DIR, target, copy_function=os.symlink)
    return target


def _newest_file(indicator):
    manifest = json.loads((DATA_DIR / "manifest.json").read_text())
    return next(c["file"] for c in manifest["wdi_choices"] if c["indicator"] == indicator)


def _damage_line(path, code, year, edit):
    """Apply ``edit`` to the fields of the CSV line for ``code`` and ``year``; return its line number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if f",{code},{year}," in line)
    lines[number] = edit(lines[number].split(","))
    path.unlink()  # the link, not the mirror's file
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return number + 1


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@needs_raw
def test_negative_population_in_the_newest_raw_file_is_rejected_and_nothing_published(raw_copy, data_copy,
                                                                                       capsys):
    relative = _newest_file("SP.POP.TOTL")
    line = _damage_line(raw_copy / relative, "KAZ", 2010, lambda f: ",".join(f[:3] + ["-16321581"]))
    before = _snapshot(data_copy)
    assert extract.main(["--raw", str(raw_copy), "--out", str(data_copy)]) == 1
    error = capsys.readouterr().err
    assert f"file {raw_copy / relative}, row {line}, field 'Value'" in error, error
    assert "SP.POP.TOTL value -16321581.0 for KAZ 2010 breaks its rule (non-negative" in error, error
    assert "nothing was written" in error
    assert _snapshot(data_copy) == before, "a failed extract must leave data/ as it was"


def test_a_breach_at_writing_names_the_raw_file_row_and_field(committed):
    frame = committed.trade_flows.head(3).copy()
    frame.loc[1, "value_usd_m"] = -2.5
    origins = pd.DataFrame({"file": ["DOTS_103.xlsx"] * 3, "line": [8, 9, 10], "field": ["Exports, FOB!2019"] * 3})
    with pytest.raises(DataError, match=r"DOTS_103\.xlsx, row 9, field 'Exports, FOB!2019'.*value_usd_m.*-2\.5"):
        schemas.validate("trade_flows", frame, source="trade_flows", origins=origins)
