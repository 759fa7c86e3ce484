"""Benchmark: clean build, no-op rebuild, rebuild after a one-line prose edit, loading
the data extract, computing every indicator, and the factor analysis (computed once per
build, then only rendered per language). Prints timings, notebook executions, the site's size
and each interactive page's first-visit transfer.
Run ``python -m tooling.bench`` (``make bench``); it builds in its own folder."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.paths import REPO
from tooling import page_transfer


def run_build(build_dir: Path) -> tuple[float, int, str]:
    started = time.perf_counter()
    # the factor study's disk cache lives in the scratch build too, so the clean build is clean
    env = {**os.environ, "SILKROAD_CACHE_DIR": str(build_dir / "cache")}
    result = subprocess.run([sys.executable, "-m", "tooling.build", "--build-dir", str(build_dir)],
                            cwd=REPO, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"bench: build failed\n{result.stdout[-3000:]}")
    executed = int(re.search(r"notebooks executed (\d+)", result.stdout).group(1))
    return elapsed, executed, result.stdout


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def heaviest_pages(site: Path, count: int = 5) -> list[tuple[str, float]]:
    """Pages by weight in MB, each with the images it shows."""
    weights = []
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        # images inlined as data: URIs are already in the page's own size
        images = {page.parent / src for src in set(re.findall(r'<img[^>]* src="([^"#?]+)"', text))
                  if not src.startswith("data:")}
        weights.append((page.relative_to(site).as_posix(),
                        (page.stat().st_size + sum(i.stat().st_size for i in images if i.is_file())) / 1e6))
    return sorted(weights, key=lambda item: -item[1])[:count]
def heavy_parts(cache: Path) -> list[tuple[str, float]]:
    """Each shared computation of the build (factor study, sensitivity analysis, gravity
    fits, ...) with the seconds it took, as the cache logged it."""
    log = cache / "timings.jsonl"
    if not log.is_file():
        return []
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    return [(f"{entry['folder']}/{entry['stem']}", float(entry["seconds"])) for entry in entries]


def chapter_executions(log: str, chapter: str) -> dict[str, float]:
    """Seconds each language's execution of ``chapter`` took, from the build's log."""
    return {lang: float(seconds) for lang, seconds in
            re.findall(rf"\[execute\] (\w+) {re.escape(chapter)}: done in ([\d.]+) s", log)}


def time_call(statement: str, repeat: int = 5) -> float:
    """Mean seconds of ``statement`` in a fresh interpreter, after one warm-up run."""
    code = ("import time\nfrom analysis.measures import results, factor_study\n"
            "from analysis.data.load import load_extract\n"
            f"extract = load_extract()\n{statement}\nt = time.perf_counter()\n"
            f"for _ in range({repeat}): {statement}\nprint((time.perf_counter() - t) / {repeat})")
    return float(subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                                check=True).stdout)


def main() -> int:
    page = REPO / "chapters" / "en" / "index.md"
    original = page.read_bytes()
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        build_dir = Path(scratch)
        seconds, executed, log = run_build(build_dir)
        rows = [("clean build", seconds, executed)]
        factor_runs = chapter_executions(log, "factors.md")
        shared = heavy_parts(build_dir / "cache")
        rows.append(("no-op rebuild", *run_build(build_dir)[:2]))
        try:
            page.write_bytes(original + b"\nOne more sentence for the benchmark.\n")
            rows.append(("rebuild after a one-line prose edit", *run_build(build_dir)[:2]))
        finally:
            page.write_bytes(original)
        run_build(build_dir)  # back to the committed text
        site = size_mb(build_dir / "site")
        heaviest = heaviest_pages(build_dir / "site")
        transfers = page_transfer.report(build_dir / "site")
    print(f"{'step':<40}{'seconds':>10}{'notebook runs':>15}")
    for name, seconds, executed in rows:
        print(f"{name:<40}{seconds:>10.1f}{executed:>15}")
    print(f"{'site size':<40}{site:>9.1f} MB")
    for name, weight in heaviest:
        print(f"  {name:<38}{weight:>9.2f} MB with its images")
    print("first-visit transfer of each page with an interactive chart (empty cache, uncompressed):")
    print("\n".join(transfers))
    print(f"{'load whole extract (verified, warm)':<40}{time_call('load_extract()'):>10.3f}")
    print(f"{'all indicators, groupings and pairs':<40}{time_call('results.compute(extract)'):>10.3f}")
    print(f"{'factor analysis, bootstrap, robustness':<40}"
          f"{time_call('factor_study.run(extract)', repeat=2):>10.3f}")
    for name, seconds in shared:
        print(f"{'computed once per build: ' + name:<40}{seconds:>10.1f}")
    for lang, seconds in factor_runs.items():
        print(f"{'factor chapter execution, ' + lang:<40}{seconds:>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
