"""Run mutmut's mutants of one module without mutmut's forking runner.

mutmut 3 runs each mutant in a process forked from one that has already imported the
code under test. A module that uses pyfixest (``analysis/measures/gravity.py``) hangs
there: the forked child waits forever on a lock of a thread pool it copied from its
parent. This script runs the mutants in fresh interpreters instead (pytest inside
``mutants/`` with ``MUTANT_UNDER_TEST`` set to the mutant's name), so nothing is
forked after pyfixest is loaded.

Usage, after ``mutmut run`` has made ``mutants/`` (its stats say which tests reach
which function)::

    nice -n 10 .venv/bin/python -m tooling.mutants_without_fork analysis/measures/gravity.py
    nice -n 10 .venv/bin/python -m tooling.mutants_without_fork analysis/measures/gravity.py \\
        --only survived --timeout 300
    nice -n 19 .venv/bin/python -m tooling.mutants_without_fork analysis/measures/swot.py \\
        --names 'analysis.measures.swot.x_load_items__mutmut_*'
    nice -n 19 .venv/bin/python -m tooling.mutants_without_fork analysis/measures/factor_study.py \\
        --only all --names '*.x_run__mutmut_*' '*.x__solution__mutmut_*' --shuffle 1 --tests tests/test_factor_study.py
    nice -n 19 .venv/bin/python -m tooling.mutants_without_fork analysis/measures/claims.py --shuffle 2 --at-most 60

Each mutant runs the tests that mutmut's stats map to its function (``-x``, the
``pytest_add_cli_args`` of ``[tool.mutmut]``), or the files given with ``--tests``; a
mutant whose function no test reaches is recorded as "no tests" without running. By
default one fresh worker interpreter runs the mutants one after another, a pytest
session each (mutmut's trampolines read ``MUTANT_UNDER_TEST`` at every call, so
pyfixest is imported once, not once per mutant); a mutant that exceeds ``--timeout``
seconds is a timeout and a new worker takes the rest. ``--one-interpreter-each``
starts an interpreter per mutant instead (slower by the import of pyfixest, about
ten seconds a mutant; both modes gave the same verdicts on the mutants compared).
The verdicts are written into the module's ``.meta`` file with mutmut's exit codes, so
``mutmut results`` and ``mutmut show`` read them: 1 killed, 0 survived, 36 timeout,
33 no tests.
"""
from __future__ import annotations

import argparse
import fnmatch
import itertools
import json
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MUTANTS = REPO / "mutants"
KILLED, SURVIVED, NO_TESTS, TIMEOUT = 1, 0, 33, 36
TESTS_VARIABLE = "MUTANTS_WITHOUT_FORK_TESTS"
ALL_TESTS_VARIABLE = "MUTANTS_WITHOUT_FORK_ALL_TESTS"  # set: leave out pytest_add_cli_args' -k filter
VERDICT = {KILLED: "killed", SURVIVED: "survived", NO_TESTS: "no tests", TIMEOUT: "timeout"}


def function_of(mutant: str) -> str:
    """``pkg.mod.x_name__mutmut_3`` -> ``pkg.mod.x_name`` (the key of mutmut's stats)."""
    return mutant.rsplit("__mutmut_", 1)[0]


def pytest_args() -> list[str]:
    """``pytest_add_cli_args`` of ``[tool.mutmut]``; without its ``-k`` filter (which leaves
    out the golden tests on the real extract) when :data:`ALL_TESTS_VARIABLE` is set."""
    settings = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["mutmut"]
    args = list(settings.get("pytest_add_cli_args", []))
    if os.environ.get(ALL_TESTS_VARIABLE) and "-k" in args:
        at = args.index("-k")
        del args[at:at + 2]
    return args


def verdict(returncode: int) -> int:
    return KILLED if returncode == 1 else SURVIVED if returncode == 0 else returncode


def run_mutant(name: str, tests: list[str], timeout: float) -> int:
    """One mutant in a fresh interpreter."""
    if not tests:
        return NO_TESTS
    env = dict(os.environ, MUTANT_UNDER_TEST=name)
    command = [sys.executable, "-m", "pytest", "-x", *pytest_args(), *sorted(tests)]
    try:
        done = subprocess.run(command, cwd=MUTANTS, env=env, timeout=timeout,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return TIMEOUT
    return verdict(done.returncode)


def worker(names: list[str]) -> int:
    """``--worker``: run the given mutants one after another in this interpreter (started
    fresh by :func:`run_in_workers`, never forked), one pytest session each; the
    trampolines read ``MUTANT_UNDER_TEST`` at every call, so pyfixest is imported once.
    Prints one line per mutant: its name and pytest's exit code."""
    import contextlib
    import io

    import pytest

    os.chdir(MUTANTS)
    sys.path.insert(0, str(MUTANTS))
    stats = json.loads(Path("mutmut-stats.json").read_text())["tests_by_mangled_function_name"]
    chosen = os.environ.get(TESTS_VARIABLE, "").split()
    for name in names:
        os.environ["MUTANT_UNDER_TEST"] = name
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = int(pytest.main(["-x", *pytest_args(), *(chosen or sorted(stats[function_of(name)]))]))
        print(name, code, flush=True)
    return 0


def run_in_workers(names: list[str], timeout: float, tests: list[str] | None = None):
    """Yield ``(name, exit code)`` for mutants that have tests, run by fresh worker
    interpreters; a mutant that takes longer than ``timeout`` is a timeout, its worker is
    stopped and a new one takes the rest."""
    import selectors

    pending = list(names)
    while pending:
        process = subprocess.Popen([sys.executable, "-m", "tooling.mutants_without_fork", "--worker", *pending],
                                   cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                   env=dict(os.environ, **{TESTS_VARIABLE: " ".join(tests or [])}))
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        while pending:
            if not selector.select(timeout):
                process.kill()
                yield pending.pop(0), TIMEOUT
                break
            line = process.stdout.readline()
            if not line:  # the worker died on this mutant
                process.wait()
                yield pending.pop(0), process.returncode or TIMEOUT
                break
            name, code = line.split()
            assert name == pending[0], (name, pending[0])
            yield pending.pop(0), verdict(int(code))
        process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", help="source path as in only_mutate, e.g. analysis/measures/gravity.py")
    parser.add_argument("--only", choices=["all", "unchecked", "survived"], default="unchecked",
                        help="which mutants to run: all, those without a verdict (default), or the survivors")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per mutant")
    parser.add_argument("--tests", nargs="+", metavar="TEST",
                        help="run these tests (paths under mutants/) for every mutant instead of the ones "
                             "mutmut's stats map to it, e.g. to rerun survivors against tests written since")
    parser.add_argument("--names", nargs="+", metavar="PATTERN",
                        help="run only the mutants whose names match one of these patterns (fnmatch), "
                             "e.g. 'analysis.measures.swot.x_load_items__mutmut_*'")
    parser.add_argument("--with-golden", action="store_true",
                        help="drop the -k filter of pytest_add_cli_args, so the golden tests on the real "
                             "extract run too (with --tests: the tests that read the real extract)")
    parser.add_argument("--shuffle", type=int, metavar="SEED",
                        help="run the mutants in an order shuffled with this seed, so that a run stopped early "
                             "has run a uniform random sample of them")
    parser.add_argument("--at-most", type=int, metavar="N",
                        help="run at most N of the chosen mutants (after --shuffle: a uniform random sample of N)")
    parser.add_argument("--one-interpreter-each", action="store_true",
                        help="a fresh interpreter per mutant (slower: pyfixest is imported each time)")
    if argv is None and sys.argv[1:2] == ["--worker"]:
        return worker(sys.argv[2:])
    options = parser.parse_args(argv)
    if options.with_golden:
        os.environ[ALL_TESTS_VARIABLE] = "1"  # inherited by the workers

    meta_path = MUTANTS / (options.module + ".meta")
    stats = json.loads((MUTANTS / "mutmut-stats.json").read_text())["tests_by_mangled_function_name"]
    codes = json.loads(meta_path.read_text())["exit_code_by_key"]
    wanted = {"all": lambda code: True, "unchecked": lambda code: code is None,
              "survived": lambda code: code == SURVIVED}[options.only]
    names = [name for name, code in codes.items() if wanted(code)
             and (not options.names or any(fnmatch.fnmatch(name, pattern) for pattern in options.names))]
    if options.shuffle is not None:
        import random
        random.Random(options.shuffle).shuffle(names)
    if options.at_most is not None:
        names = names[:options.at_most]
    tested = [name for name in names if options.tests or stats.get(function_of(name))]
    if options.one_interpreter_each:
        results = ((name, run_mutant(name, options.tests or stats[function_of(name)], options.timeout))
                   for name in tested)
    else:
        results = run_in_workers(tested, options.timeout, options.tests)
    untested = [(name, NO_TESTS) for name in names if name not in set(tested)]
    started = tick = time.monotonic()
    for number, (name, code) in enumerate(itertools.chain(untested, results), 1):
        meta = json.loads(meta_path.read_text())  # reread: keep whatever else was saved meanwhile
        meta["exit_code_by_key"][name] = code
        meta_path.write_text(json.dumps(meta, indent=4))
        print(f"{number}/{len(names)} {VERDICT.get(code, code)} {name} ({time.monotonic() - tick:.0f} s)",
              flush=True)
        tick = time.monotonic()
    counts: dict[str, int] = {}
    final = json.loads(meta_path.read_text())["exit_code_by_key"]
    for code in final.values():
        label = "not checked" if code is None else VERDICT.get(code, f"exit {code}")
        counts[label] = counts.get(label, 0) + 1
    print(f"{len(names)} run in {time.monotonic() - started:.0f} s; the module now: "
          + ", ".join(f"{label} {count}" for label, count in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
