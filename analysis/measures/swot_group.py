"""SWOT-AHP with several judges: one judgements file per judge, aggregated.

Each judge fills a file with the columns of ``data/reference/swot_judgements.csv``.
Every file must compare the same pairs (the item selection rule fixes the items;
a judge may write a pair either way round) and pass the consistency limit on its own.
The judges' judgements are aggregated pair by pair by their geometric mean, the
aggregation of individual judgements (AIJ; Aczel and Saaty 1983; Forman and Peniwati
1998), and the group's priorities come from the aggregated matrices. Agreement is
measured by Goepel's consensus indicator (:func:`analysis.measures.ahp.consensus`) at
each level and over the hierarchy.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import DataError
from analysis.measures import ahp as ahp_method
from analysis.measures import swot, swot_sensitivity


def judge_files(spec) -> list[Path]:
    """The judges' files: a file, a folder (every ``*.csv`` in it, sorted by name, one
    per judge), or a list of files."""
    if isinstance(spec, (list, tuple)):
        return [Path(item) for item in spec]
    path = Path(spec)
    if path.is_dir():
        files = sorted(path.glob("*.csv"))
        if not files:
            raise DataError(path, "the folder holds no judgements file (*.csv)")
        return files
    return [path]


def _pair_key(frame: pd.DataFrame) -> list[tuple[str, frozenset]]:
    return [(level, frozenset((a, b))) for level, a, b in zip(frame.level, frame["first"], frame["second"])]


def aligned_values(judges: list[pd.DataFrame], names: list[str] | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """The first judge's pairs (level, first, second, line) and every judge's values
    turned to that orientation (judge x pair). A judge whose pairs differ from the
    first judge's is an error naming the judge and the pairs."""
    names = names or [f"judge {number}" for number in range(1, len(judges) + 1)]
    base = judges[0].reset_index(drop=True)
    keys = _pair_key(base)
    values = np.empty((len(judges), len(base)))
    for index, (judge, name) in enumerate(zip(judges, names)):
        position = {key: row for row, key in enumerate(_pair_key(judge))}
        missing = [f"{level} {'-'.join(sorted(pair))}" for level, pair in keys if (level, pair) not in position]
        extra = sorted(set(position) - set(keys))
        if missing or extra:
            raise DataError(name, f"compares other pairs than {names[0]}: missing {missing}, "
                            f"extra {[f'{level} ' + '-'.join(sorted(pair)) for level, pair in extra]}", field="first")
        order = [position[key] for key in keys]
        value = judge.value.to_numpy(dtype=float)[order]
        same = judge["first"].to_numpy()[order] == base["first"].to_numpy()
        values[index] = np.where(same, value, 1.0 / value)
    return base, values


def aligned_positions(judge: pd.DataFrame, base: pd.DataFrame) -> np.ndarray:
    """A judge's rungs on Saaty's ladder in the orientation of ``base``."""
    positions = dict(zip(_pair_key(judge), zip(swot_sensitivity.scale_positions(judge), judge["first"])))
    top = len(ahp_method.SCALE) - 1
    return np.array([position if first == base_first else top - position
                     for (position, first), base_first in
                     ((positions[key], base_first) for key, base_first in zip(_pair_key(base), base["first"]))])


def aggregate(judges: list[pd.DataFrame], names: list[str] | None = None) -> pd.DataFrame:
    """One frame of judgements whose values are the judges' geometric means (AIJ)."""
    base, values = aligned_values(judges, names)
    if len(judges) == 1:
        return judges[0]
    group = np.exp(np.log(values).mean(axis=0))
    return base.assign(value=group, judgement=[ahp_method.judgement_text(value) for value in group]).drop(
        columns=["line"], errors="ignore")


@dataclass(frozen=True)
class Panel:
    names: list[str]
    judges: list[swot.Priorities]     # each judge's own priorities and consistency
    group: swot.Priorities            # from the aggregated judgements
    consistency: pd.DataFrame         # level x judge (and "group"): consistency ratio
    consensus: pd.Series              # level -> Goepel's S*, and "hierarchy"


def panel(judges: list[pd.DataFrame], names: list[str], selected: dict[str, list[str]]) -> Panel:
    """Each judge's priorities (each must pass the consistency limit), the group's from
    AIJ, and the consensus at each level; over the hierarchy the levels' consensus is
    averaged with weights 1 for the group level and the group's priority of S, W, O
    and T for theirs, as AHP-OS weighs a node by its global priority."""
    aggregated = aggregate(judges, names)  # first: a judge comparing other pairs is named here
    own = [swot.priorities(judge, selected, name=name) for judge, name in zip(judges, names)]
    group = swot.priorities(aggregated, selected, name=" + ".join(names))
    consistency = pd.DataFrame({name: result.consistency.set_index("level").consistency_ratio
                                for name, result in zip(names, own)})
    consistency["group"] = group.consistency.set_index("level").consistency_ratio
    levels = {}
    if len(judges) > 1:
        for level in list(swot.GROUPS) + [swot.GROUP_LEVEL]:
            members = list(swot.GROUPS) if level == swot.GROUP_LEVEL else selected[level]
            source = (lambda result: result.groups[members]) if level == swot.GROUP_LEVEL else (
                lambda result: result.local[members])
            levels[level] = ahp_method.consensus(np.array([source(result).to_numpy() for result in own]))
        weights = {swot.GROUP_LEVEL: 1.0, **{g: float(group.groups[g]) for g in swot.GROUPS}}
        levels["hierarchy"] = sum(weights[level] * levels[level] for level in weights) / sum(weights.values())
    return Panel(names, own, group, consistency, pd.Series(levels, dtype=float))
