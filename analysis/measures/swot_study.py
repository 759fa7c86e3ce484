"""The SWOT chapter's analysis, the same in every language, computed once per build.

:func:`run` goes from the items, the extract and the judges' files to everything the
chapter shows: the verdicts on the evidence, the ranked items, the judges' group
priorities, the second (AWOT) stage, the perturbation analysis of the judgements, the
rankings under each structural choice and the worked example of two judges.
:func:`load_or_run` keeps it on disk under a key made of the data extract, the
``analysis`` package, the judges' files and the number of draws
(:mod:`analysis.measures.cache`), so the three language runs compute it once and then
only write it out in their language.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.measures import awot, cache, results, swot, swot_group, swot_selection, swot_sensitivity
from analysis.paths import REPO

EXAMPLE_FILES = ("swot_judgements.csv", "swot_judgements_alternative.csv")


@dataclass(frozen=True)
class SwotStudy:
    table: swot.SwotTable
    tows: pd.DataFrame
    assessment: pd.DataFrame
    findings: dict
    judge_paths: list[Path]
    judge_frames: list[pd.DataFrame]
    chosen: dict
    judges: swot_group.Panel
    judgements: pd.DataFrame
    scores: pd.Series
    awot_judgements: pd.DataFrame
    second_stage: awot.Awot
    perturbed: swot_sensitivity.Sensitivity
    structures: pd.DataFrame
    example: swot_group.Panel


def in_repo(path) -> Path:
    """``path`` as given if it is absolute or exists, else relative to the repository."""
    path = Path(path)
    return path if path.is_absolute() or path.exists() else REPO / path


def judge_paths(judgements_file) -> list[Path]:
    """The judges' files: one file, a folder of files (one per judge) or a list of files."""
    spec = [in_repo(path) for path in judgements_file] if isinstance(judgements_file, list) else in_repo(judgements_file)
    return [in_repo(path) for path in swot_group.judge_files(spec)]


def run(extract, integration, paths: list[Path], draws: int) -> SwotStudy:
    table = swot.load_items()
    tows = swot.load_tows(table=table)
    assessment, findings = swot.assess(table, extract, integration)
    frames = [swot.load_judgements(path) for path in paths]
    for path, frame in zip(paths, frames):
        chosen = swot_selection.ranked_items(assessment, frame, tows, path, table=table)
    names = [path.name for path in paths]
    judges = swot_group.panel(frames, names, chosen["selected"])
    result = judges.group
    awot_judgements = awot.load()
    second_stage = awot.second_stage(awot_judgements[awot_judgements.item.isin(result.global_.index)], tows,
                                     result.global_)
    perturbed = swot_sensitivity.sensitivity(frames, chosen["selected"], tows, draws=draws,
                                             awot_local=second_stage.local)
    # the rankings under each structural choice, all with the judgements by rule
    structures = swot_selection.structural_rankings(table, assessment, findings, tows, awot_judgements)
    # the worked example of several judges: the book's file and the alternative file
    example_paths = [REPO / "data" / "reference" / name for name in EXAMPLE_FILES]
    example = swot_group.panel([swot.load_judgements(path) for path in example_paths],
                               [path.name for path in example_paths], chosen["selected"])
    return SwotStudy(table=table, tows=tows, assessment=assessment, findings=findings, judge_paths=paths,
                     judge_frames=frames, chosen=chosen, judges=judges,
                     judgements=swot_group.aggregate(frames, names), scores=swot.measure_scores(tows, result.global_),
                     awot_judgements=awot_judgements, second_stage=second_stage, perturbed=perturbed,
                     structures=structures, example=example)


def load_or_run(judgements_file, draws: int) -> SwotStudy:
    """The study from the cache if its key (the extract, the ``analysis`` package, the
    judges' files' names and contents, ``draws``) matches, else computed and stored."""
    paths = judge_paths(judgements_file)
    # a missing file is named by the judgements reader's own error, on computing
    key = cache.inputs_key([(str(path), path.read_bytes() if path.is_file() else None) for path in paths], draws)

    def compute() -> SwotStudy:
        from analysis.data.load import load_or_read_extract
        return run(load_or_read_extract(), results.load_or_compute(), paths, draws)
    return cache.load_or_compute("swot", "study", key, compute)
