"""The extract's two trade tables (``trade_flows``, ``trade_estimates``) from IMTS files.

The same tables, by the same rules, as :meth:`analysis.data.extract.ExtractBuilder.trade_flows`
builds from the DOTS workbooks:

* the reporters are the study countries and the world (``WLD``, the IMF's ``G001``);
* a study country's flows are kept with the study countries, the world and the European
  Union as partners; the world's only with the world ("partner other than World");
* the estimate summary counts, per study reporter, flow and year, every partner that is
  a country, and how many of them and how much value the IMF estimated;
* every row of every file is counted as kept or dropped under one named rule, and the
  kept rows make up the tables; both tables pass the schemas' domain rules, and a row
  that breaks one is named by its raw file, line and column.

The files are the refresh client's (``imf-imts/data/IMTS_<INDICATOR>_A.csv``); when the
folder has the client's ``SOURCE.txt``, each file must still have the SHA-256 recorded there.
:func:`trade_tables` returns what ``ExtractBuilder.write`` takes, so that the extract can
read IMTS instead of (or after) DOTS by calling it from its ``trade_flows`` step.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.data import reference, schemas
from analysis.data.readers import imts
from analysis.data.readers._common import RowCount
from analysis.data.refresh import imts as client
from analysis.errors import DataError

AREAS_CSV = "imf_imts_areas.csv"
TABLE_INDICATORS = tuple(imts.FLOWS)  # the files the tables need: exports FOB, imports CIF


@dataclass
class TradeTables:
    flows: pd.DataFrame
    origins: pd.DataFrame
    estimates: pd.DataFrame
    paths: list[Path]
    flow_counts: dict[Path, RowCount] = field(default_factory=dict)
    estimate_counts: dict[Path, RowCount] = field(default_factory=dict)
    retrieved: str = ""  # the latest download time SOURCE.txt records ('' without it)


def imts_paths(raw_dir: Path) -> list[Path]:
    """The exports and imports files of the raw folder, in that order."""
    return [Path(raw_dir) / client.DATA_DIR / client.file_name(code) for code in TABLE_INDICATORS]


def trade_tables(raw_dir: Path, study: list[str], years: range, *,
                 reference_dir: Path = reference.REFERENCE_DIR) -> TradeTables:
    """Read the IMTS exports and imports files under ``raw_dir`` into the two trade tables."""
    # imported here, not at the top, so that the extract can import this module
    from analysis.data.extract import estimate_summary

    raw_dir = Path(raw_dir)
    retrieved = _checked_download_time(raw_dir)
    areas = imts.ImtsAreas.from_csv(reference_dir / AREAS_CSV)
    countries = set(areas.countries)
    partners = set(study) | {reference.WORLD, reference.EUROPEAN_UNION}
    frames, origins, summaries, paths = [], [], [], imts_paths(raw_dir)
    flow_counts, estimate_counts = {}, {}
    for path in paths:
        report = imts.read_imts_csv(path, areas, reporters=set(study) | {reference.WORLD},
                                    years=years)
        flows = report.flows
        world = flows.reporter == reference.WORLD
        wanted = (world & (flows.partner == reference.WORLD)) | (~world & flows.partner.isin(partners))
        frames.append(flows[wanted])
        origins.append(report.origins[wanted].assign(file=str(path)))
        flow_counts[path] = report.count.copy()
        flow_counts[path].filter_out("partner other than World", int((world & ~wanted).sum()))
        flow_counts[path].filter_out("partner not a study country, World or the EU",
                                     int((~world & ~wanted).sum()))
        of_countries = ~world & flows.partner.isin(countries)
        summaries.append(estimate_summary(flows[of_countries]))
        estimate_counts[path] = report.count.copy()
        estimate_counts[path].filter_out("the world's report, not a study country's", int(world.sum()))
        estimate_counts[path].filter_out("partner not a country", int((~world & ~of_countries).sum()))
    flows = pd.concat(frames, ignore_index=True)
    origins = pd.concat(origins, ignore_index=True)
    order = flows.sort_values(imts.COLUMNS[:4]).index
    flows = flows.loc[order].reset_index(drop=True)
    origins = origins.loc[order].reset_index(drop=True)
    source = f"trade_flows (built from {len(paths)} raw file(s))"
    schemas.validate("trade_flows", flows, source=source, origins=origins)
    estimates = (pd.concat(summaries, ignore_index=True)
                 .sort_values(["reporter", "flow", "year"], ignore_index=True))
    schemas.validate("trade_estimates", estimates,
                     source=f"trade_estimates (built from {len(paths)} raw file(s))")
    for counts in (flow_counts, estimate_counts):
        for path, count in counts.items():
            count.require_balanced(path)
    return TradeTables(flows, origins, estimates, paths, flow_counts, estimate_counts, retrieved)


def _checked_download_time(raw_dir: Path) -> str:
    record = raw_dir / client.SOURCE_FILE
    if not record.is_file():
        return ""
    client.verify_checksums(raw_dir)
    blocks = client.read_source_record(record)
    listed = {block["File"] for block in blocks}
    for code in TABLE_INDICATORS:
        if f"data/{client.file_name(code)}" not in listed:
            raise DataError(record, f"data/{client.file_name(code)} is not listed", field="File")
    return max(block["Retrieved"] for block in blocks)
