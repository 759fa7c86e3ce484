"""The shared on-disk cache: computed once, read afterwards, each computation timed."""
import json

from analysis.measures import cache


def test_a_result_is_computed_once_and_its_time_logged(tmp_path, monkeypatch):
    monkeypatch.setenv("SILKROAD_CACHE_DIR", str(tmp_path))
    calls = []
    compute = lambda: calls.append(1) or {"value": len(calls)}  # noqa: E731
    assert cache.load_or_compute("part", "result", "k1", compute) == {"value": 1}
    assert cache.load_or_compute("part", "result", "k1", compute) == {"value": 1}
    assert cache.load_or_compute("part", "result", "k2", compute) == {"value": 2}
    logged = [json.loads(line) for line in (tmp_path / "timings.jsonl").read_text().splitlines()]
    assert [(e["folder"], e["stem"]) for e in logged] == [("part", "result")] * 2
    assert all(e["seconds"] >= 0 for e in logged)
    assert sorted(p.name for p in (tmp_path / "part").glob("*.pickle")) == ["result-k1.pickle", "result-k2.pickle"]


def test_the_content_key_changes_with_the_package_code(tmp_path, monkeypatch):
    before = cache.content_key()
    monkeypatch.setattr(cache, "REPO", tmp_path)
    (tmp_path / "analysis").mkdir()
    (tmp_path / "analysis" / "x.py").write_text("a = 1\n")
    monkeypatch.setattr(cache, "DATA_DIR", tmp_path / "data")
    first = cache.content_key()
    (tmp_path / "analysis" / "x.py").write_text("a = 2\n")
    assert cache.content_key() != first != before
