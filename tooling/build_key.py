"""Whether anything the build reads changed since its last success, decided in a fraction
of a second: before the build imports its libraries, stages a page or starts Sphinx.

The key is a content hash of everything a build reads:

* every file of the repository that git tracks or would track (``git ls-files --cached
  --others --exclude-standard``): the prose, the notebooks, the ``analysis`` package, the data
  extract, the tooling and its templates, the catalogues, the configuration;
* the front-end packages as installed (``node_modules/.package-lock.json``) and the Python
  that runs the build (its path and version; the packages are pinned in the tracked lock file);
* the commit and its date (the book's release, printed on every page), and the environment
  variables the build reads (``SILKROAD_*``, ``SOURCE_DATE_EPOCH``, ``SOURCE_COMMIT``);
* the build's options (its folder, with or without the PDFs).

The build records the key it started from in ``<build dir>/inputs.key`` once it succeeded;
a build whose inputs have that key and whose site is there has nothing to do. Outside a git
checkout there is no key, and the build always runs.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KEY_FILE = "inputs.key"
ENVIRONMENT_PREFIXES = ("SILKROAD_", "SOURCE_DATE_EPOCH", "SOURCE_COMMIT")
INSTALLED = [REPO / "node_modules" / ".package-lock.json"]


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Build the three language editions into _build/site.")
    parser.add_argument("--build-dir", type=Path, default=REPO / "_build")
    parser.add_argument("--jobs", type=int, default=2, help="editions built at once")
    parser.add_argument("--pdf", action="store_true", help="also typeset each edition as a PDF (needs XeLaTeX)")
    return parser


def _git(*args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, check=True).stdout


def inputs_key(build_dir: Path, with_pdf: bool, environ: dict[str, str] | None = None) -> str | None:
    """The key of the build's inputs (see the module's docstring); None outside a git checkout."""
    environ = os.environ if environ is None else environ
    try:
        files = sorted(set(_git("ls-files", "-z", "--cached", "--others", "--exclude-standard").split(b"\0")) - {b""})
        release = _git("log", "-1", "--format=%H %cs")
    except (OSError, subprocess.CalledProcessError):
        return None
    digest = hashlib.sha256()
    digest.update(release)
    digest.update(repr((str(build_dir.resolve()), bool(with_pdf), sys.executable, sys.version)).encode())
    for name in sorted(environ):
        if name.startswith(ENVIRONMENT_PREFIXES):
            digest.update(f"{name}={environ[name]}\0".encode())
    for relative in files:
        path = REPO / os.fsdecode(relative)
        digest.update(relative + b"\0")
        # a tracked file deleted from the worktree counts as missing, not as empty
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"missing")
    for path in INSTALLED:
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"missing")
    return digest.hexdigest()


def recorded(build_dir: Path) -> str | None:
    path = build_dir / KEY_FILE
    return path.read_text().strip() if path.is_file() else None


def record(build_dir: Path, key: str | None) -> None:
    path = build_dir / KEY_FILE
    if key is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(key + "\n")


def unchanged(build_dir: Path, with_pdf: bool) -> bool:
    """True when the last successful build had these inputs and its site is still there."""
    key = inputs_key(build_dir, with_pdf)
    return key is not None and key == recorded(build_dir) and (build_dir / "site").is_dir()
