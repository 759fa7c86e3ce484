"""The text each edition shows from the book's data files, for the tests that read every
word of an edition (glossary terms, author names, typography)."""
from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import yaml

from tooling.build import REPO

REFERENCE = REPO / "data" / "reference"


def _yaml_texts(node, lang: str, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == lang and isinstance(value, str):
                yield where, value
            else:
                yield from _yaml_texts(value, lang, f"{where}/{key}")
    elif isinstance(node, list):
        for number, value in enumerate(node):
            yield from _yaml_texts(value, lang, f"{where}[{number}]")


def reference_texts(lang: str, skip: tuple[str, ...] = (), yaml_files: bool = True) -> Iterator[tuple[str, str]]:
    """(where, text) of ``lang`` in the reference tables: CSV columns named ``<lang>`` or
    ``..._<lang>``, and YAML values under a ``<lang>`` key; files named in ``skip`` left out."""
    for path in sorted(REFERENCE.glob("*.csv")):
        if path.name in skip:
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                for column, value in row.items():
                    if column and value and (column == lang or column.endswith(f"_{lang}")):
                        yield f"{_name(path)} row {line} {column}", value
    if yaml_files:
        for path in sorted(REFERENCE.glob("*.yml")):
            yield from _yaml_texts(yaml.safe_load(path.read_text(encoding="utf-8")), lang, _name(path))


def _name(path: Path) -> str:
    return str(path.relative_to(REPO))
