"""What changed between two versions of the extract's manifest, as a readable summary.

``python -m tooling.manifest_diff OLD NEW [--output FILE] [--fail-on-loss]`` prints (or
writes) Markdown with the changes a reviewer of a data refresh needs: the sources
(agency, dataset, vintage, address, licence of each table), the WDI indicators' vintages,
the rows of each table, the raw files read, the coverage of the study countries (cells
gained, and every cell lost, in the words of the coverage check:
``KAZ wdi SP.POP.TOTL 2003: 1 -> 0 cells``) and the plausibility warnings. With
``--fail-on-loss`` a lost cell makes the exit status 1, so a refresh that drops coverage
stops. The scheduled refresh (``.github/workflows/refresh.yml``) uses it for the body of
its pull request.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from analysis.data import accounting

SOURCE_FIELDS = ("agency", "dataset", "vintage", "upstream_url", "licence")


def source_changes(old: dict, new: dict) -> list[str]:
    lines = []
    old_tables, new_tables = old.get("tables", {}), new.get("tables", {})
    for name in sorted(set(new_tables) - set(old_tables)):
        lines.append(f"`{name}`: new table ({new_tables[name].get('dataset', '')})")
    for name in sorted(set(old_tables) - set(new_tables)):
        lines.append(f"`{name}`: table removed")
    for name in sorted(set(old_tables) & set(new_tables)):
        for field in SOURCE_FIELDS:
            before, after = old_tables[name].get(field), new_tables[name].get(field)
            if before != after:
                lines.append(f"`{name}` {field}: {_text(before)} → {_text(after)}")
    return lines


def vintage_changes(old: dict, new: dict) -> list[str]:
    before = {choice["indicator"]: choice for choice in old.get("wdi_choices", [])}
    after = {choice["indicator"]: choice for choice in new.get("wdi_choices", [])}
    lines = []
    for indicator in sorted(set(before) | set(after)):
        if indicator not in before:
            lines.append(f"`{indicator}`: new, vintage {after[indicator]['vintage']}, "
                         f"years {after[indicator]['years']}")
        elif indicator not in after:
            lines.append(f"`{indicator}`: no longer in the extract")
        else:
            changed = [f"{field} {_text(before[indicator].get(field))} → {_text(after[indicator].get(field))}"
                       for field in ("vintage", "years", "file")
                       if before[indicator].get(field) != after[indicator].get(field)]
            if changed:
                lines.append(f"`{indicator}`: " + "; ".join(changed))
    return lines


def row_changes(old: dict, new: dict) -> list[str]:
    old_tables, new_tables = old.get("tables", {}), new.get("tables", {})
    lines = []
    for name in sorted(set(old_tables) | set(new_tables)):
        before = old_tables.get(name, {}).get("rows", 0)
        after = new_tables.get(name, {}).get("rows", 0)
        if before != after:
            lines.append(f"`{name}`: {before:,} → {after:,} rows ({after - before:+,})")
    return lines


def input_changes(old: dict, new: dict) -> list[str]:
    lines = []
    for name in sorted(set(old.get("tables", {})) | set(new.get("tables", {}))):
        before = {entry["path"]: entry["sha256"] for entry in old.get("tables", {}).get(name, {}).get("inputs", [])}
        after = {entry["path"]: entry["sha256"] for entry in new.get("tables", {}).get(name, {}).get("inputs", [])}
        added, removed = sorted(set(after) - set(before)), sorted(set(before) - set(after))
        changed = sorted(path for path in set(before) & set(after) if before[path] != after[path])
        parts = [f"{len(items)} {what}" for items, what in ((changed, "changed"), (added, "new"),
                                                             (removed, "no longer read")) if items]
        if parts:
            lines.append(f"`{name}`: raw files " + ", ".join(parts)
                         + "".join(f"\n  - new: `{path}`" for path in added)
                         + "".join(f"\n  - no longer read: `{path}`" for path in removed))
    return lines


def coverage_losses(old: dict, new: dict) -> list[str]:
    """Every cell ``new`` lacks, as the coverage check words it."""
    return accounting.losses(old.get("coverage", {}), new.get("coverage", {}))


def coverage_gains(old: dict, new: dict) -> list[str]:
    """Cells gained, one line per series: how many, in which years, for how many countries."""
    before, after = accounting.decode(old.get("coverage", {})), accounting.decode(new.get("coverage", {}))
    gained: dict[str, dict] = defaultdict(lambda: {"cells": 0, "years": set(), "countries": set()})
    for (country, series, year), cells in after.items():
        more = cells - before.get((country, series, year), 0)
        if more > 0:
            gained[series]["cells"] += more
            gained[series]["years"].add(year)
            gained[series]["countries"].add(country)
    return [f"`{series}`: {g['cells']:,} more cells, {_years(g['years'])}, "
            f"{len(g['countries'])} {'country' if len(g['countries']) == 1 else 'countries'}"
            for series, g in sorted(gained.items())]


def summary(old: dict, new: dict) -> str:
    """The Markdown summary of the differences (a pull request's body)."""
    losses = coverage_losses(old, new)
    warnings = (len(old.get("plausibility_warnings", [])), len(new.get("plausibility_warnings", [])))
    sections = [
        ("Sources", source_changes(old, new)),
        ("Vintages of the WDI indicators", vintage_changes(old, new)),
        ("Rows", row_changes(old, new)),
        ("Raw files read", input_changes(old, new)),
        ("Coverage gained", coverage_gains(old, new)),
        ("Coverage lost", losses),
        ("Plausibility warnings", [f"{warnings[0]} → {warnings[1]}"] if warnings[0] != warnings[1] else []),
    ]
    lines = ["# Changes to the data extract", ""]
    if losses:
        lines += [f"**{len(losses)} cell(s) of the study countries' coverage were lost**: the "
                  "refresh must not be merged as it is.", ""]
    if not any(items for _, items in sections):
        return "\n".join(lines + ["The manifest did not change.", ""])
    for title, items in sections:
        lines += [f"## {title}", ""]
        lines += [f"- {item}" for item in items] if items else ["No change."]
        lines.append("")
    return "\n".join(lines)


def _text(value) -> str:
    return "—" if value in (None, "") else f"`{value}`" if isinstance(value, str) else str(value)


def _years(years: set[int]) -> str:
    first, last = min(years), max(years)
    if len(years) == last - first + 1:
        return f"year {first}" if first == last else f"years {first}–{last}"
    return "years " + ", ".join(map(str, sorted(years)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tooling.manifest_diff",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="the manifest before (data/manifest.json of the base)")
    parser.add_argument("new", type=Path, help="the manifest after the rebuild")
    parser.add_argument("--output", type=Path, help="write the summary here instead of printing it")
    parser.add_argument("--fail-on-loss", action="store_true",
                        help="exit with status 1 when a study country's cell was lost")
    args = parser.parse_args(argv)
    old, new = (json.loads(path.read_text(encoding="utf-8")) for path in (args.old, args.new))
    text = summary(old, new)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        print(text)
    losses = coverage_losses(old, new)
    if losses and args.fail_on_loss:
        print("cells that went missing:\n" + "\n".join(losses), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
