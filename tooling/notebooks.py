"""Notebook chapters: one trilingual MyST source, executed once per language.

Markdown cells tagged ``lang-kk``, ``lang-en`` or ``lang-ru`` belong to one language;
untagged cells belong to all. Outputs are cached under a key made of the code cells,
the parameters, the data extract and the analysis package, so editing prose never
re-executes a notebook.
"""
from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import jupytext
import nbformat

from analysis.present.i18n import LANGUAGES
from analysis.paths import DATA_DIR, REPO

LANG_TAG = "lang-"
VOLATILE_METADATA = ("papermill", "execution", "widgets")


def cells_for(notebook: nbformat.NotebookNode, lang: str) -> nbformat.NotebookNode:
    """A copy of ``notebook`` holding only the cells meant for ``lang``."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    result = copy.deepcopy(notebook)
    result.cells = [c for c in notebook.cells if _cell_lang(c) in (None, lang)]
    result.metadata.pop("jupytext", None)
    return result


def _cell_lang(cell) -> str | None:
    langs = [tag[len(LANG_TAG):] for tag in cell.get("metadata", {}).get("tags", []) if tag.startswith(LANG_TAG)]
    return langs[0] if langs else None


def read_source(path: Path, cache: Path | None = None) -> nbformat.NotebookNode:
    """The chapter's notebook, parsed from its MyST text. With ``cache`` (a folder kept
    between builds) the parse is kept by the text's content and Jupytext's version, so a
    rebuild reads it back as JSON instead of parsing Markdown again (half a second for
    the ten chapters)."""
    if cache is None:
        return jupytext.read(path)
    text = path.read_bytes()
    key = hashlib.sha256(jupytext.__version__.encode() + b"\0" + text).hexdigest()[:32]
    parsed = cache / f"{path.stem}-{key}.json"
    if parsed.is_file():
        return nbformat.from_dict(json.loads(parsed.read_text(encoding="utf-8")))
    notebook = jupytext.reads(text.decode("utf-8"), fmt=path.suffix.lstrip("."))
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob(f"{path.stem}-*.json"):
        old.unlink()
    partial = parsed.with_suffix(".partial")
    partial.write_text(json.dumps(notebook), encoding="utf-8")
    partial.replace(parsed)
    return notebook


def missing_translations(notebook: nbformat.NotebookNode) -> list[str]:
    """Describe each run of language-tagged cells that lacks one of the languages."""
    problems, run = [], []
    for index, cell in enumerate(notebook.cells + [nbformat.v4.new_code_cell("")]):
        lang = _cell_lang(cell)
        if lang is not None:
            run.append((index, lang))
            continue
        if run:
            langs = {l for _, l in run}
            if langs != set(LANGUAGES):
                problems.append(f"cells {run[0][0] + 1}-{run[-1][0] + 1}: languages {sorted(langs)}, "
                                f"missing {sorted(set(LANGUAGES) - langs)}")
            run = []
    return problems


def code_fingerprint(notebook: nbformat.NotebookNode) -> str:
    code = [c.source for c in notebook.cells if c.cell_type == "code"]
    return hashlib.sha256(json.dumps(code).encode()).hexdigest()


def content_fingerprint(notebook: nbformat.NotebookNode) -> str:
    """The notebook's metadata and cells, less the cell ids Jupytext draws anew at each
    parse (the staged copy drops them too: ``strip_volatile``)."""
    cells = [{key: value for key, value in cell.items() if key != "id"} for cell in notebook.cells]
    return hashlib.sha256(json.dumps([notebook.metadata, cells], sort_keys=True).encode()).hexdigest()


def inputs_fingerprint() -> str:
    """The data extract and the analysis package: what every notebook reads."""
    digest = hashlib.sha256()
    files = sorted(p for p in (REPO / "analysis").rglob("*") if p.is_file() and p.suffix in {".py", ".yml", ".csv"}
                   and "notebooks" not in p.parts and "__pycache__" not in p.parts)
    files += sorted(p for p in DATA_DIR.rglob("*") if p.is_file())
    for path in files:
        digest.update(path.relative_to(REPO).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def cache_key(notebook: nbformat.NotebookNode, parameters: dict, inputs: str) -> str:
    text = json.dumps([code_fingerprint(notebook), parameters, inputs], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def graft_outputs(target: nbformat.NotebookNode, executed: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Give ``target`` the outputs of ``executed`` (same code cells, possibly other prose)."""
    executed_code = [c for c in executed.cells
                     if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])]
    result = copy.deepcopy(target)
    code_cells = [c for c in result.cells if c.cell_type == "code"]
    if len(code_cells) != len(executed_code):
        raise ValueError("cached notebook has different code cells")
    for cell, done in zip(code_cells, executed_code):
        cell.outputs = done.outputs
        cell.execution_count = done.execution_count
        cell.metadata = done.metadata
    # papermill inserts a cell with the injected parameters: keep it in the file, hidden on the page
    injected = [i for i, c in enumerate(executed.cells) if "injected-parameters" in c.metadata.get("tags", [])]
    if injected:
        executed.cells[injected[0]].metadata.setdefault("tags", []).append("remove-cell")
        parameters_index = next(i for i, c in enumerate(result.cells) if "parameters" in c.metadata.get("tags", []))
        result.cells.insert(parameters_index + 1, executed.cells[injected[0]])
    return result


def strip_volatile(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove run-specific metadata so that two runs give identical files."""
    for key in VOLATILE_METADATA:
        notebook.metadata.pop(key, None)
    for cell in notebook.cells:
        for key in VOLATILE_METADATA:
            cell.metadata.pop(key, None)
        cell.pop("id", None)
    notebook.nbformat_minor = 4
    return notebook
