"""Every chapter's period follows the extract: a synthetic extract one year longer moves
each analysis's last year by one, and no final year is written in the code.

The synthetic extract is the committed one with one more year appended to every series
that the analyses end with: bilateral trade and the IMF's estimate summary (the last
year's rows again, a year later), and each WDI and HDI series (its last value again, a
year later). It is written as CSV files with a manifest whose checksums, row counts and
record accounting are updated, and read back by the extract's own loader, so that it
passes every schema and domain rule the real one does.

The hand-checked rules of :mod:`analysis.measures.periods` come first.
"""
from __future__ import annotations

import ast
import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.data import coverage
from analysis.data.load import load_extract
from analysis.measures import (after_2020, claims, factor_study, gravity_data, outcome_index, panel, periods,
                               results)
from analysis.paths import DATA_DIR, REPO

# ---- the rules, by hand -------------------------------------------------------------------


def test_five_year_blocks_join_a_short_last_block_to_the_one_before():
    assert periods.five_year_periods(range(2000, 2021)) == [(2000, 2004), (2005, 2009), (2010, 2014), (2015, 2020)]
    assert periods.five_year_periods(range(2000, 2022))[-1] == (2015, 2021)
    assert periods.five_year_periods(range(2000, 2025))[-2:] == [(2015, 2019), (2020, 2024)]
    assert periods.five_year_periods(range(2000, 2026))[-1] == (2020, 2025)
    with pytest.raises(ValueError):
        periods.five_year_periods(range(2000, 2003))


def test_the_last_trade_year_is_the_last_year_of_trade_between_study_countries():
    flows = pd.DataFrame({"reporter": ["KAZ", "KAZ", "WLD", "KAZ"], "partner": ["KGZ", "WLD", "WLD", "EUU"],
                          "flow": "exports", "year": [2019, 2021, 2022, 2023], "value_usd_m": 1.0,
                          "estimate": False})
    # the world's report and a study country's trade with the world or the EU do not count
    assert periods.last_trade_year(flows, ["KAZ", "KGZ"]) == 2019


def test_a_series_reaches_a_year_when_half_the_countries_have_a_value():
    index = pd.MultiIndex.from_tuples([("A", 2019), ("B", 2019), ("C", 2019), ("A", 2020), ("B", 2020), ("A", 2021)],
                                      names=["iso3", "year"])
    values = pd.Series(1.0, index=index)
    assert periods.series_last_year(values, ["A", "B", "C", "D"]) == 2020   # 2 of 4 in 2020, 1 in 2021
    assert periods.series_last_year(values, ["A", "B", "C"]) == 2020        # 2 of 3
    assert periods.series_last_year(values, ["C", "D"]) == 2019
    assert periods.series_last_year(values, ["D"]) is None


# ---- the synthetic extract ---------------------------------------------------------------------

def _append(frame: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([frame, rows], ignore_index=True)


def _one_more_year_of_each_series(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The last row of each series (rows sharing ``keys``), a year later."""
    years = table.year.astype(int)
    last = table[years == years.groupby([table[k] for k in keys]).transform("max")]
    return last.assign(year=(last.year.astype(int) + 1).astype(str))


def write_one_year_longer(source: Path, target: Path) -> dict[str, int]:
    """Copy the extract at ``source`` to ``target`` with one more year of trade, estimates,
    WDI and HDI; returns the records added per table."""
    shutil.copytree(source, target)
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    read = lambda name: pd.read_csv(source / f"{name}.csv", dtype=str, keep_default_na=False)
    added = {}
    flows = read("trade_flows")
    last = flows[flows.year == str(max(flows.year.astype(int)))]
    new = {"trade_flows": last.assign(year=str(int(last.year.iloc[0]) + 1))}
    estimates = read("trade_estimates")
    last = estimates[estimates.year == str(max(estimates.year.astype(int)))]
    new["trade_estimates"] = last.assign(year=str(int(last.year.iloc[0]) + 1))
    new["wdi"] = _one_more_year_of_each_series(read("wdi"), ["iso3", "indicator"])
    new["hdi"] = _one_more_year_of_each_series(read("hdi"), ["iso3"])
    for name, rows in new.items():
        table = _append(read(name), rows)
        path = target / f"{name}.csv"
        table.to_csv(path, index=False, lineterminator="\n")
        entry = manifest["tables"][name]
        entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
        entry["rows"] = len(table)
        records = int(rows.cells.astype(int).sum()) if name == "trade_estimates" else len(rows)
        folder = entry["inputs"][0]["path"].rsplit("/", 1)[0]  # beside the table's raw files
        entry["inputs"].append({"path": f"{folder}/one-more-year (synthetic)", "sha256": "",
                                "records": {"unit": "record", "read": records, "kept": records, "dropped": {}}})
        added[name] = len(rows)
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    return added


@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    target = tmp_path_factory.mktemp("longer") / "data"
    added = write_one_year_longer(DATA_DIR, target)
    assert all(added.values())
    return load_extract(DATA_DIR), load_extract(target)


def _last(years) -> int:
    return int(max(years))


def test_the_synthetic_extract_is_one_year_longer_and_passes_the_loader(extracts):
    today, longer = extracts
    assert _last(longer.trade_flows.year) == _last(today.trade_flows.year) + 1
    assert _last(longer.wdi.year) == _last(today.wdi.year) + 1
    assert coverage.trade_source(longer.manifest) == coverage.trade_source(today.manifest) == "dots"


def test_the_integration_indicators_stop_where_bilateral_trade_stops(extracts):
    today, longer = extracts
    assert periods.trade_period(today) == range(2000, 2021)  # today's extract
    assert periods.trade_period(longer) == range(2000, 2022)
    for extract in (today, longer):
        found = results.compute(extract)
        assert _last(found.groupings.year) == periods.last_trade_year(extract.trade_flows)
        assert _last(found.pairs.year[found.pairs.indicator == "trade_share"]) == periods.last_trade_year(
            extract.trade_flows)
    # the data chapter's estimate shares cover the same years
    assert coverage.trade_period(longer.trade_estimates) == range(2000, 2022)


def test_the_panel_and_its_sub_periods_run_to_the_latest_year_all_characteristics_reach(extracts):
    today, longer = extracts
    observed, ends = factor_study.observed_panel(today)
    assert _last(observed.index.get_level_values("year")) == 2020 == min(ends.values())
    assert panel.periods_of(observed)[-1] == (2015, 2020)
    observed, ends = factor_study.observed_panel(longer)
    assert _last(observed.index.get_level_values("year")) == 2021 == min(ends.values())
    assert panel.periods_of(observed)[-1] == (2015, 2021)
    # the sub-periods of the within-country analysis follow the panel
    assert panel.period_averages(observed.fillna(0.0)).index.get_level_values("period")[-1] == "2015\u20132021"


def test_the_outcome_index_and_the_gravity_panel_follow_the_trade(extracts):
    today, longer = extracts
    for extract, last in ((today, 2020), (longer, 2021)):
        outcome = outcome_index.outcome_panel(extract)
        assert _last(outcome.dropna(how="all").index.get_level_values("year")) == last
        flows = gravity_data.bilateral_flows(extract.trade_flows, ["KAZ", "KGZ", "CHN", "RUS"])
        assert _last(flows.year) == last


def test_the_after_2020_chapter_and_its_ledger_entries_run_to_the_latest_year(extracts):
    today, longer = extracts
    ledger = claims.load_claims().set_index("id", drop=False)
    growth, currency = ledger.loc["T3-2020"], ledger.loc["T5-2020"]
    before = claims.TESTS[growth.test](today, growth).values["late_to"]
    after = claims.TESTS[growth.test](longer, growth).values["late_to"]
    assert after == before + 1
    before = claims.TESTS[currency.test](today, currency).values["last"]
    assert claims.TESTS[currency.test](longer, currency).values["last"] == before + 1
    countries = sorted(set(today.wdi.iso3) - {"WLD"})
    remittances = lambda extract: after_2020.latest_year(after_2020.country_panel(extract.wdi, countries)["remittances"])
    assert remittances(longer) == remittances(today) + 1


# ---- no final year in the code -------------------------------------------------------------------

# The only year literals the analyses may hold: historical anchors, each with its reason.
ANCHORS = {
    ("analysis/measures/after_2020.py", 2019): "the last year before the pandemic",
    ("analysis/measures/after_2020.py", 2021): "the last full year before the war and the sanctions of 2022",
    ("analysis/measures/claims.py", 2019): "the early window of T3 after 2020 ends before the pandemic",
    ("analysis/measures/claims.py", 2021): "T5 after 2020 starts with the first year after the paper's data",
    ("analysis/measures/claims.py", 2022): "the late window of T3 after 2020 starts after the rebound",
}


def test_no_final_year_is_written_in_the_analysis_code():
    found = {}
    for path in sorted((REPO / "analysis").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and type(node.value) is int and 2016 <= node.value <= 2035:
                found.setdefault((path.relative_to(REPO).as_posix(), node.value), node.lineno)
    unexplained = {key: line for key, line in found.items() if key not in ANCHORS}
    assert not unexplained, f"year literals in the code (file, year): line: {unexplained}"
