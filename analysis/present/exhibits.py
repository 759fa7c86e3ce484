"""The book's numbered figures and tables as citable units: for each anchor
(``fig-…``, ``tbl-…``) the data file its page publishes and the sources of its data, from
``exhibits.yml``. Sources are named once, where the data say them: an extract table's
agency and dataset come from ``data/manifest.json`` (translated through the catalogue),
a repository file is named by its path. The ``exhibits`` Sphinx extension writes the
"Cite this figure/table" line from :func:`cite_parts`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from analysis.errors import DataError
from analysis.paths import DATA_DIR, REPO
from analysis.present.i18n import t

REGISTRY = Path(__file__).with_name("exhibits.yml")
ANCHOR = re.compile(r"(fig|tbl)-[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Exhibit:
    anchor: str
    data: str  # the data file's stem: the page publishes <data>-<lang>.csv
    sources: tuple[str, ...]

    @property
    def kind(self) -> str:
        return "figure" if self.anchor.startswith("fig-") else "table"

    def data_file(self, lang: str) -> str:
        return f"{self.data}-{lang}.csv"


@cache
def _manifest_tables() -> dict:
    return json.loads((DATA_DIR / "manifest.json").read_text(encoding="utf-8"))["tables"]


@cache
def registry(path: Path = REGISTRY) -> dict[str, Exhibit]:
    """Every exhibit of ``exhibits.yml``, checked: a well-formed anchor, a data file stem,
    and sources that exist (an extract table of the manifest or a file of the repository)."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found = {}
    for anchor, entry in entries.items():
        if not ANCHOR.fullmatch(str(anchor)):
            raise DataError(path, f"{anchor!r} is not fig-… or tbl-… in lower-case words joined by hyphens",
                            row=anchor)
        if not isinstance(entry, dict) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(entry.get("data", ""))):
            raise DataError(path, f"found {entry!r}; expected the stem of the page's CSV file", row=anchor,
                            field="data")
        sources = entry.get("sources") or []
        if not sources:
            raise DataError(path, "empty; name the extract tables or repository files", row=anchor, field="sources")
        for source in sources:
            if source not in _manifest_tables() and not (REPO / source).is_file():
                raise DataError(path, f"{source!r} is neither a table of data/manifest.json nor a file of "
                                "the repository", row=anchor, field="sources")
        found[anchor] = Exhibit(anchor, entry["data"], tuple(sources))
    return found


def exhibit(anchor: str) -> Exhibit:
    try:
        return registry()[anchor]
    except KeyError:
        raise DataError(REGISTRY, "no entry; add its data file and sources", row=anchor) from None


def source_text(source: str, lang: str) -> str:
    """One source as the reader sees it: "World Bank: World Development Indicators (WDI)"
    for an extract table, the path for a file of the repository."""
    from analysis.present.tables import phrase

    if source in _manifest_tables():
        entry = _manifest_tables()[source]
        return f"{t('agency.' + entry['agency_key'], lang)}: {phrase(entry['dataset'], 'dataset', lang)}"
    return source


def sources_text(anchor: str, lang: str) -> tuple[list[str], list[str]]:
    """The exhibit's sources: the agencies' datasets (each once, in the registry's order)
    and the repository files."""
    agencies, files = [], []
    for source in exhibit(anchor).sources:
        target = agencies if source in _manifest_tables() else files
        text = source_text(source, lang)
        if text not in target:
            target.append(text)
    return agencies, files
