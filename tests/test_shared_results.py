"""The computations that the three language runs of a chapter share are made once per
build: the first run computes and stores, the others read the same result back."""
import json
import shutil

import pandas as pd
import pytest

from analysis.data.load import load_extract, load_or_read_extract
from analysis.measures import cache, claims, results, routes, swot_study
from analysis.paths import DATA_DIR


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SILKROAD_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def computed(cache_dir) -> list[tuple[str, str]]:
    log = cache_dir / "timings.jsonl"
    return [(e["folder"], e["stem"]) for e in map(json.loads, log.read_text().splitlines())] if log.is_file() else []


def test_the_inputs_key_follows_the_inputs_and_the_content():
    frame = pd.DataFrame({"judgement": [3, 5]})
    assert cache.inputs_key(frame, 1000) == cache.inputs_key(frame.copy(), 1000)
    assert cache.inputs_key(frame, 1000) != cache.inputs_key(frame, 200)
    assert cache.inputs_key(frame, 1000) != cache.inputs_key(frame.assign(judgement=[3, 7]), 1000)
    assert cache.inputs_key(frame, 1000) != cache.content_key()


def test_the_extract_is_verified_once_and_read_back_equal(cache_dir):
    first = load_or_read_extract()
    second = load_or_read_extract()
    assert computed(cache_dir) == [("extract", "tables")]
    direct = load_extract()
    assert first.manifest == second.manifest == direct.manifest
    for name, table in direct.tables.items():
        pd.testing.assert_frame_equal(second.tables[name], table)
    assert second.trade_flows is second.tables["trade_flows"]


def test_the_integration_results_are_computed_once_and_read_back_equal(cache_dir):
    first = results.load_or_compute()
    second = results.load_or_compute()
    assert computed(cache_dir) == [("extract", "tables"), ("results", "integration")]
    direct = results.compute(load_extract())
    for got in (first, second):
        pd.testing.assert_frame_equal(got.groupings, direct.groupings)
        pd.testing.assert_frame_equal(got.pairs, direct.pairs)
        pd.testing.assert_frame_equal(got.bilateral, direct.bilateral)


def test_the_ledger_is_built_once_and_each_run_gets_its_own_copy(cache_dir):
    ledger = claims.load_or_build_ledger()
    ledger["reason"] = "changed by one language's run"
    again = claims.load_or_build_ledger()
    assert computed(cache_dir) == [("extract", "tables"), ("claims", "ledger")]
    assert "reason" not in again.columns
    pd.testing.assert_frame_equal(again, claims.ledger(load_extract()))


def test_the_routes_are_traced_once(cache_dir):
    traced = routes.load_or_trace()
    routes.load_or_trace()
    assert computed(cache_dir) == [("routes", "traced")]
    table = routes.load_routes()
    assert traced.crossed == routes.countries_crossed(routes.legs(table), traced.shapes)
    pd.testing.assert_frame_equal(traced.lengths, routes.route_lengths(routes.legs(table)))


def test_the_swot_study_is_shared_only_by_runs_with_the_same_judgements_and_draws(cache_dir, tmp_path):
    book = DATA_DIR / "reference" / "swot_judgements.csv"
    first = swot_study.load_or_run(str(book), 200)
    swot_study.load_or_run(str(book), 200)
    assert computed(cache_dir).count(("swot", "study")) == 1
    swot_study.load_or_run(str(book), 100)  # other draws: computed again
    assert computed(cache_dir).count(("swot", "study")) == 2
    # the same file, edited between two runs, is another study, not the stored one
    copy = tmp_path / "judges" / "swot_judgements.csv"
    copy.parent.mkdir()
    shutil.copy(book, copy)
    swot_study.load_or_run(str(copy), 200)
    assert computed(cache_dir).count(("swot", "study")) == 3
    shutil.copy(DATA_DIR / "reference" / "swot_judgements_alternative.csv", copy)
    other = swot_study.load_or_run(str(copy), 200)
    assert computed(cache_dir).count(("swot", "study")) == 4
    assert not other.judges.group.global_.equals(first.judges.group.global_)
    # what is stored is what the chapter would compute on the spot
    direct = swot_study.run(load_extract(), results.compute(load_extract()), [book], 200)
    pd.testing.assert_series_equal(first.judges.group.global_, direct.judges.group.global_)
    pd.testing.assert_frame_equal(first.perturbed.item_ranks, direct.perturbed.item_ranks)
    pd.testing.assert_frame_equal(first.assessment, direct.assessment)
