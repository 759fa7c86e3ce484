"""Results that the three language runs share, computed once per build and kept on disk.

A heavy computation (the factor study, the sensitivity analysis, the gravity fits) is
stored under ``<cache dir>/<folder>/<stem>-<key>.pickle``, where the key is
:func:`content_key`: a digest of the data extract and of the ``analysis`` package's
code and tables. The language runs execute in parallel: the first takes a lock and
computes, the others wait for it and read its result. Each computation appends its
duration to ``timings.jsonl`` in the cache folder, which ``make bench`` reports.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pickle
import time
from pathlib import Path
from typing import Callable, TypeVar

from analysis.paths import DATA_DIR, REPO

T = TypeVar("T")


def cache_dir() -> Path:
    return Path(os.environ.get("SILKROAD_CACHE_DIR", REPO / "_build" / "cache"))


def content_key() -> str:
    """sha256 of the data extract and the analysis package's code and tables."""
    digest = hashlib.sha256()
    files = sorted(p for p in (REPO / "analysis").rglob("*") if p.is_file() and p.suffix in {".py", ".csv"}
                   and "notebooks" not in p.parts and "__pycache__" not in p.parts)
    files += sorted(p for p in DATA_DIR.rglob("*") if p.is_file())
    for path in files:
        digest.update(path.relative_to(REPO).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def inputs_key(*inputs) -> str:
    """:func:`content_key` joined with a digest of ``inputs`` (pickled): the key of a
    computation that also depends on a notebook's parameters (a judgements file, a
    number of draws). Equal inputs give equal keys; inputs that merely pickle
    differently only cost a second computation, never a wrong result."""
    digest = hashlib.sha256(content_key().encode())
    digest.update(pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL))
    return digest.hexdigest()[:32]


def load_or_compute(folder: str, stem: str, key: str, compute: Callable[[], T]) -> T:
    """The stored result for ``key`` if there is one, else ``compute()``, stored
    atomically (a reader without the lock never sees half a file)."""
    path = cache_dir() / folder / f"{stem}-{key}.pickle"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.is_file():
            with path.open("rb") as handle:
                return pickle.load(handle)
        started = time.perf_counter()
        result = compute()
        seconds = time.perf_counter() - started
        with (cache_dir() / "timings.jsonl").open("a") as log:
            log.write(json.dumps({"folder": folder, "stem": stem, "seconds": round(seconds, 3)}) + "\n")
        partial = path.with_suffix(f".{os.getpid()}.partial")
        with partial.open("wb") as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)
        return result
