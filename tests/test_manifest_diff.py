"""The summary of a manifest's changes that the scheduled refresh writes into its pull request."""
from __future__ import annotations

import json
import subprocess
import sys

from analysis.paths import DATA_DIR, REPO
from tooling import manifest_diff

OLD = {
    "tables": {
        "trade_flows": {"rows": 100, "agency": "International Monetary Fund",
                        "dataset": "Direction of Trade Statistics (DOTS)", "vintage": "2022-02",
                        "upstream_url": "https://data.imf.org/DOT", "licence": "IMF terms",
                        "inputs": [{"path": "imf-dots/data/DOTS/DOTS_103.xlsx", "sha256": "a1"}]},
        "wdi": {"rows": 50, "agency": "World Bank", "dataset": "WDI", "vintage": "per indicator",
                "upstream_url": "https://data.worldbank.org", "licence": "CC BY 4.0",
                "inputs": [{"path": "wdi/gdp.csv", "sha256": "b1"}, {"path": "wdi/pop.csv", "sha256": "c1"}]},
        "hdi": {"rows": 7, "agency": "UNDP", "dataset": "HDR", "vintage": "2024-03",
                "upstream_url": "https://hdr.undp.org", "licence": "CC BY 3.0 IGO", "inputs": []},
    },
    "wdi_choices": [
        {"indicator": "NY.GDP.MKTP.CD", "vintage": "2026-07-01", "years": "1990-2024", "file": "wdi/gdp.csv"},
        {"indicator": "SP.POP.TOTL", "vintage": "2026-07-01", "years": "1990-2025", "file": "wdi/pop.csv"},
    ],
    "plausibility_warnings": [{"series": "x"}],
    "coverage": {
        "KAZ": {"trade_flows exports": {"2019-2020": 25}, "wdi SP.POP.TOTL": {"2000-2003": 1}},
        "KGZ": {"trade_flows exports": {"2019-2020": 20}},
    },
}

NEW = {
    "tables": {
        "trade_flows": {"rows": 130, "agency": "International Monetary Fund",
                        "dataset": "International Trade in Goods (IMTS)", "vintage": "2026-12-07",
                        "upstream_url": "https://data.imf.org/DOT", "licence": "IMF terms",
                        "inputs": [{"path": "imf-imts/data/IMTS_XG_FOB_USD_A.csv", "sha256": "d1"}]},
        "wdi": {"rows": 52, "agency": "World Bank", "dataset": "WDI", "vintage": "per indicator",
                "upstream_url": "https://data.worldbank.org", "licence": "CC BY 4.0",
                "inputs": [{"path": "wdi/gdp.csv", "sha256": "b2"}, {"path": "wdi/pop.csv", "sha256": "c1"}]},
        "hdi": {"rows": 7, "agency": "UNDP", "dataset": "HDR", "vintage": "2024-03",
                "upstream_url": "https://hdr.undp.org", "licence": "CC BY 3.0 IGO", "inputs": []},
    },
    "wdi_choices": [
        {"indicator": "NY.GDP.MKTP.CD", "vintage": "2026-12-01", "years": "1990-2025", "file": "wdi/gdp.csv"},
        {"indicator": "SP.POP.TOTL", "vintage": "2026-07-01", "years": "1990-2025", "file": "wdi/pop.csv"},
    ],
    "plausibility_warnings": [{"series": "x"}, {"series": "y"}],
    "coverage": {
        "KAZ": {"trade_flows exports": {"2019": 25, "2020": 26, "2021-2022": 24},
                "wdi SP.POP.TOTL": {"2000-2001": 1, "2003": 1}},
        "KGZ": {"trade_flows exports": {"2019-2020": 20, "2021": 18}},
    },
}


def test_each_section_by_hand():
    assert manifest_diff.source_changes(OLD, NEW) == [
        "`trade_flows` dataset: `Direction of Trade Statistics (DOTS)` → `International Trade in Goods (IMTS)`",
        "`trade_flows` vintage: `2022-02` → `2026-12-07`"]
    assert manifest_diff.vintage_changes(OLD, NEW) == [
        "`NY.GDP.MKTP.CD`: vintage `2026-07-01` → `2026-12-01`; years `1990-2024` → `1990-2025`"]
    assert manifest_diff.row_changes(OLD, NEW) == ["`trade_flows`: 100 → 130 rows (+30)", "`wdi`: 50 → 52 rows (+2)"]
    assert manifest_diff.input_changes(OLD, NEW) == [
        "`trade_flows`: raw files 1 new, 1 no longer read"
        "\n  - new: `imf-imts/data/IMTS_XG_FOB_USD_A.csv`\n  - no longer read: `imf-dots/data/DOTS/DOTS_103.xlsx`",
        "`wdi`: raw files 1 changed"]
    # KAZ exports: 2020 +1, 2021 and 2022 +24 each; KGZ exports 2021 +18
    assert manifest_diff.coverage_gains(OLD, NEW) == [
        "`trade_flows exports`: 67 more cells, years 2020–2022, 2 countries"]
    assert manifest_diff.coverage_losses(OLD, NEW) == ["KAZ wdi SP.POP.TOTL 2002: 1 -> 0 cells"]


def test_the_summary_reads_as_markdown_and_warns_of_a_loss():
    text = manifest_diff.summary(OLD, NEW)
    assert text.startswith("# Changes to the data extract\n\n**1 cell(s) of the study countries' "
                           "coverage were lost**")
    for title in ("Sources", "Vintages of the WDI indicators", "Rows", "Raw files read", "Coverage gained",
                  "Coverage lost", "Plausibility warnings"):
        assert f"\n## {title}\n\n- " in text, title
    assert "- KAZ wdi SP.POP.TOTL 2002: 1 -> 0 cells\n" in text
    assert "- 1 → 2\n" in text


def test_an_unchanged_manifest_says_so():
    committed = json.loads((DATA_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert manifest_diff.summary(committed, committed) == (
        "# Changes to the data extract\n\nThe manifest did not change.\n")
    assert manifest_diff.summary(OLD, OLD).endswith("The manifest did not change.\n")


def test_the_command_fails_on_a_lost_cell_only_when_asked(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(OLD)), new.write_text(json.dumps(NEW))
    command = [sys.executable, "-m", "tooling.manifest_diff", str(old), str(new)]
    result = subprocess.run(command + ["--output", str(tmp_path / "body.md")], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0 and (tmp_path / "body.md").read_text() == manifest_diff.summary(OLD, NEW)
    result = subprocess.run(command + ["--fail-on-loss"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == "cells that went missing:\nKAZ wdi SP.POP.TOTL 2002: 1 -> 0 cells\n"
    result = subprocess.run(command[:-2] + [str(old), str(old), "--fail-on-loss"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0 and "did not change" in result.stdout
