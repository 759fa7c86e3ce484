"""Benchmark: clean build, no-op rebuild, rebuild after a one-line prose edit, loading
the data extract, computing every indicator, and the factor analysis (computed once per
build, then only rendered per language). Prints timings (wall clock and the processor time
of the build and everything it started), notebook executions, each chapter's execution time
per language, each edition's Sphinx time, the site's size against its budget (by kind), and
the first-visit transfer of the heaviest pages and of each interactive page.

So that figures from different machines compare, it first measures the floor: a minimal
one-page Jupyter Book's cold build and the import time of the stack the chapters use, and
prints each build's ratio to the one-page book. The load average is printed at the start
and the end: on a busy machine, compare processor times and ratios rather than seconds.
Run ``python -m tooling.bench`` (``make bench``); it builds in its own folder."""
from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from analysis.paths import REPO
from tooling import page_transfer


SITE_BUDGET_MB = 20.0   # the site without its PDF editions
STACK = "import pandas, matplotlib, matplotlib.pyplot, seaborn, statsmodels.api, scipy.stats"
ONE_PAGE_CONFIG = "title: Floor\nauthor: Bench\nexecute:\n  execute_notebooks: 'off'\nonly_build_toc_files: true\n"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def timed(command: list[str], **kwargs) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds, processor seconds (the command and its children) and the result."""
    cpu, started = children_cpu(), time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - started, children_cpu() - cpu, result


def run_build(build_dir: Path) -> tuple[float, int, str, float]:
    # the factor study's disk cache lives in the scratch build too, so the clean build is clean
    env = {**os.environ, "SILKROAD_CACHE_DIR": str(build_dir / "cache")}
    elapsed, cpu, result = timed([sys.executable, "-m", "tooling.build", "--build-dir", str(build_dir)],
                                 cwd=REPO, env=env)
    if result.returncode != 0:
        sys.exit(f"bench: build failed\n{result.stdout[-3000:]}")
    executed = int(re.search(r"notebooks executed (\d+)", result.stdout).group(1))
    return elapsed, executed, result.stdout, cpu


def floor_book(scratch: Path) -> tuple[float, float]:
    """A minimal one-page Jupyter Book built cold (wall and processor seconds)."""
    book = scratch / "floor-book"
    book.mkdir()
    (book / "_config.yml").write_text(ONE_PAGE_CONFIG)
    (book / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    (book / "index.md").write_text("# One page\n\nThe floor: a book of one page.\n")
    elapsed, cpu, result = timed([str(Path(sys.executable).with_name("jupyter-book")), "build", str(book),
                                  "--path-output", str(scratch / "floor-out"), "--quiet"])
    if result.returncode != 0:
        sys.exit(f"bench: the one-page book failed to build\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return elapsed, cpu


def stack_import() -> tuple[float, float]:
    """The chapters' libraries imported in a fresh interpreter (wall and processor seconds)."""
    elapsed, cpu, result = timed([sys.executable, "-c", STACK])
    if result.returncode != 0:
        sys.exit(f"bench: importing the stack failed\n{result.stderr[-2000:]}")
    return elapsed, cpu


def executions(log: str) -> dict[str, dict[str, float]]:
    """Seconds of each chapter's execution, by language, from a build's log."""
    table: dict[str, dict[str, float]] = defaultdict(dict)
    for lang, chapter, seconds in re.findall(r"\[execute\] (\w+) ([\w.-]+)\.md: done in ([\d.]+) s", log):
        table[chapter][lang] = float(seconds)
    return dict(table)


def sphinx_times(log: str) -> dict[str, float]:
    return {lang: float(seconds) for lang, seconds in re.findall(r"\[   book\] (\w+): built in ([\d.]+) s", log)}


def weight_by_kind(site: Path) -> list[tuple[str, float]]:
    """MB by kind: shared assets, search, downloads, and each edition's pages, notebooks,
    data files, images and PDFs."""
    kinds: Counter = Counter()
    for path in (p for p in site.rglob("*") if p.is_file()):
        parts = path.relative_to(site).parts
        if parts[0] in ("kk", "en", "ru"):
            kind = {".html": "pages (HTML)", ".ipynb": "notebooks (.ipynb)", ".csv": "data (CSV)",
                    ".xlsx": "data (workbooks)", ".json": "data packages and chart specifications",
                    ".png": "images", ".pdf": "PDF editions"}.get(path.suffix, f"other ({path.suffix or path.name})")
            kind = f"editions: {kind}"
        else:
            kind = {"_assets": "shared assets (theme, MathJax, charts)", "pagefind": "search index and code",
                    "downloads": "data archive and manifest"}.get(parts[0], "other")
        kinds[kind] += path.stat().st_size
    return [(kind, size / 1e6) for kind, size in kinds.most_common()]


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
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        build_dir = Path(scratch) / "build"
        floor = floor_book(Path(scratch))
        imports = stack_import()
        seconds, executed, log, cpu = run_build(build_dir)
        rows = [("clean build", seconds, cpu, executed)]
        chapters = executions(log)
        sphinx = {"clean build": sphinx_times(log)}
        shared = heavy_parts(build_dir / "cache")
        seconds, executed, log, cpu = run_build(build_dir)
        rows.append(("no-op rebuild", seconds, cpu, executed))
        sphinx["no-op rebuild"] = sphinx_times(log)
        try:
            page.write_bytes(original + b"\nOne more sentence for the benchmark.\n")
            seconds, executed, log, cpu = run_build(build_dir)
            rows.append(("rebuild after a one-line prose edit", seconds, cpu, executed))
            sphinx["prose edit"] = sphinx_times(log)
        finally:
            page.write_bytes(original)
        run_build(build_dir)  # back to the committed text
        site_dir = build_dir / "site"
        site = size_mb(site_dir)
        pdfs = sum(p.stat().st_size for p in site_dir.rglob("*.pdf")) / 1e6
        kinds = weight_by_kind(site_dir)
        heaviest = heaviest_pages(site_dir)
        text_page = "en/chapters/theory.html"
        visited = [name for name, _ in heaviest] + ([text_page] if (site_dir / text_page).is_file() else [])
        first_visits = page_transfer.first_visits(site_dir, visited)
        transfers = page_transfer.report(site_dir)
    print(f"load average at the start {load_before}, at the end {load_average()} (on {os.cpu_count()} processors)")
    print("the floor, on this machine:")
    print(f"  {'one-page Jupyter Book, cold build':<38}{floor[0]:>10.1f} s wall{floor[1]:>8.1f} s processor")
    print(f"  {'import of the stack':<38}{imports[0]:>10.1f} s wall{imports[1]:>8.1f} s processor")
    print(f"{'step':<40}{'seconds':>10}{'processor':>11}{'× floor':>9}{'notebook runs':>15}")
    for name, seconds, cpu, executed in rows:
        print(f"{name:<40}{seconds:>10.1f}{cpu:>11.1f}{seconds / floor[0]:>9.2f}{executed:>15}")
    print("Sphinx, seconds per edition:")
    for step, times in sphinx.items():
        print(f"  {step:<38}" + ("  ".join(f"{lang} {t:.1f}" for lang, t in times.items()) or "not run"))
    if chapters:
        langs = sorted({lang for times in chapters.values() for lang in times})
        print("chapter executions in the clean build, seconds:")
        print(f"  {'chapter':<20}" + "".join(f"{lang:>8}" for lang in langs))
        for chapter, times in sorted(chapters.items(), key=lambda item: -sum(item[1].values())):
            print(f"  {chapter:<20}" + "".join(f"{times.get(lang, float('nan')):>8.1f}" for lang in langs))
    print(f"{'site size':<40}{site:>9.1f} MB; without the PDFs {site - pdfs:.1f} MB "
          f"(budget {SITE_BUDGET_MB:.0f} MB: {'within' if site - pdfs <= SITE_BUDGET_MB else 'OVER'})")
    for kind, weight in kinds:
        print(f"  {kind:<52}{weight:>7.2f} MB")
    for name, weight in heaviest:
        print(f"  {name:<38}{weight:>9.2f} MB with its images")
    print("first-visit transfer of the heaviest pages and of a text page (empty cache, uncompressed):")
    for visit in first_visits:
        print(f"  {visit.page:<38}{visit.own / 1e6:>6.2f} MB own + {visit.shared / 1e6:.2f} MB shared = "
              f"{visit.total / 1e6:.2f} MB ({visit.requests} requests)")
    print("first-visit transfer of each page with an interactive chart (empty cache, uncompressed):")
    print("\n".join(transfers))
    print(f"{'load whole extract (verified, warm)':<40}{time_call('load_extract()'):>10.3f}")
    print(f"{'all indicators, groupings and pairs':<40}{time_call('results.compute(extract)'):>10.3f}")
    print(f"{'factor analysis, bootstrap, robustness':<40}"
          f"{time_call('factor_study.run(extract)', repeat=2):>10.3f}")
    for name, seconds in shared:
        print(f"{'computed once per build: ' + name:<40}{seconds:>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
