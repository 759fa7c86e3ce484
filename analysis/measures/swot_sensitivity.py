"""How stable the SWOT-AHP ranking is when the judgements move: a Monte Carlo over
perturbed judgements (every judgement one step along Saaty's scale, only consistent
sets kept), with the item ranks, the link-sum measure ranks and the A’WOT measure ranks
of each kept draw, and the rank ranges drawn from them.

This measures noise in the judgements only; the structural choices (which items are
ranked, whether evidence shared by two items counts once) are compared in
:func:`analysis.measures.swot_selection.structural_rankings`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.measures import ahp as ahp_method
from analysis.measures.swot import GROUP_LEVEL, GROUPS

@dataclass(frozen=True)
class Sensitivity:
    item_ranks: pd.DataFrame      # accepted draw x item: rank of the item's global priority (1 = top)
    measure_ranks: pd.DataFrame   # accepted draw x measure: rank of the measure's link-sum score
    awot_ranks: pd.DataFrame | None  # accepted draw x measure: rank of the A’WOT priority (if given)
    values: pd.DataFrame          # accepted draw x judgement: the (aggregated) values used
    attempts: int                 # perturbed sets drawn
    accepted: int                 # perturbed sets whose every matrix passes the consistency limit

    @property
    def acceptance_rate(self) -> float:
        return self.accepted / self.attempts


SCALE_VALUES = np.array([float(value) for value in ahp_method.SCALE])


def scale_positions(judgements: pd.DataFrame) -> np.ndarray:
    """Each judgement's rung on Saaty's ladder (0 = 1/9, 8 = 1, 16 = 9)."""
    return np.array([ahp_method.SCALE.index(ahp_method.parse_judgement(text)) for text in judgements.judgement])


def perturbed_values(judgements: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """Every judgement moved one step up or down Saaty's scale (at random, 50:50),
    stopping at 1/9 and 9."""
    positions = scale_positions(judgements)
    moved = np.clip(positions + rng.choice([-1, 1], size=len(positions)), 0, len(SCALE_VALUES) - 1)
    return pd.Series(SCALE_VALUES[moved], index=judgements.index)


def _min_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks of each row's values, 1 = largest, ties sharing the best rank."""
    return (values[:, None, :] > values[:, :, None] + 1e-12).sum(axis=2) + 1


def batch_ahp(matrices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`analysis.measures.ahp.ahp` on a stack of matrices (draw x n x n):
    priorities (draw x n) and consistency ratios (draw)."""
    n = matrices.shape[-1]
    eigenvalues, eigenvectors = np.linalg.eig(matrices)
    principal = np.argmax(eigenvalues.real, axis=1)
    take = np.arange(len(matrices))
    vectors = np.abs(eigenvectors[take, :, principal].real)
    lambda_max = eigenvalues[take, principal].real
    if n <= 2:
        return vectors / vectors.sum(axis=1, keepdims=True), np.zeros(len(matrices))
    ratio = np.maximum(lambda_max - n, 0.0) / (n - 1) / ahp_method.RANDOM_INDEX[n - 1]
    return vectors / vectors.sum(axis=1, keepdims=True), ratio


def sensitivity(judgements, selected: dict[str, list[str]], tows: pd.DataFrame, draws: int = 1000,
                seed: int = 20230428, awot_local: pd.DataFrame | None = None, batch: int = 2000,
                max_attempts: int | None = None) -> Sensitivity:
    """Monte Carlo over perturbed judgements, keeping only the sets the book would accept.

    Each attempt moves every judgement of every judge one step up or down Saaty's
    scale (50:50, stopping at 1/9 and 9); with several judges (``judgements`` a list
    of their files' frames) the moved judgements are aggregated by their geometric
    mean (AIJ), as in the baseline. An attempt is kept only when every matrix it
    produces passes the consistency limit, as a reader's file must; attempts go on
    until ``draws`` are kept (or ``max_attempts``, default 200 x ``draws``, are made).
    Each kept draw gives item ranks, link-sum measure ranks and, when ``awot_local``
    (item x measure local priorities of the A’WOT second stage, held fixed) is
    given, A’WOT measure ranks. The acceptance rate is kept / attempted."""
    from analysis.measures import swot_group

    judges = judgements if isinstance(judgements, list) else [judgements]
    frame, _ = swot_group.aligned_values(judges)
    positions = np.stack([swot_group.aligned_positions(judge, frame) for judge in judges])   # judge x judgement
    rng = np.random.default_rng(seed)
    items = [code for group in GROUPS for code in selected[group]]
    levels = {level: list(GROUPS) if level == GROUP_LEVEL else selected[level] for level in list(GROUPS) + [GROUP_LEVEL]}
    cells = {}
    for level, members in levels.items():
        rows = (frame.level == level).to_numpy()
        position = {code: index for index, code in enumerate(members)}
        cells[level] = (np.flatnonzero(rows), [position[c] for c in frame.first[rows]],
                        [position[c] for c in frame.second[rows]])
    measures = sorted(tows.measure.unique())
    addresses = np.zeros((len(measures), len(items)))
    for row in tows.itertuples():
        for code in row.items.split(";"):
            if code in items:
                addresses[measures.index(row.measure), items.index(code)] = 1.0
    max_attempts = max_attempts or 200 * draws
    log_scale = np.log(SCALE_VALUES)
    kept_global, kept_values, attempts, accepted = [], [], 0, 0
    while accepted < draws and attempts < max_attempts:
        size = min(batch, max_attempts - attempts)
        steps = rng.choice([-1, 1], size=(size,) + positions.shape)
        moved = np.clip(positions[None] + steps, 0, len(SCALE_VALUES) - 1)
        values = np.exp(log_scale[moved].mean(axis=1))                      # attempt x judgement
        ok = np.ones(size, dtype=bool)
        weights = {}
        for level, members in levels.items():
            matrix = np.ones((size, len(members), len(members)))
            where, first, second = cells[level]
            matrix[:, first, second] = values[:, where]
            matrix[:, second, first] = 1.0 / values[:, where]
            priorities_, ratio = batch_ahp(matrix)
            ok &= ratio <= ahp_method.CONSISTENCY_LIMIT
            weights[level] = dict(zip(members, priorities_.T))
        group = weights[GROUP_LEVEL]
        global_ = np.column_stack([weights[code[0]][code] * group[code[0]] for code in items])
        kept_global.append(global_[ok])
        kept_values.append(values[ok])
        attempts += size
        accepted += int(ok.sum())
    if accepted == 0:
        raise ValueError(f"none of {attempts} perturbed judgement sets passes the consistency limit")
    global_draws = np.concatenate(kept_global)[:draws]
    value_draws = np.concatenate(kept_values)[:draws]
    awot_ranks = None
    if awot_local is not None:
        local = awot_local.reindex(index=items, columns=measures).to_numpy()
        awot_ranks = pd.DataFrame(_min_ranks(global_draws @ local), columns=measures)
    return Sensitivity(pd.DataFrame(_min_ranks(global_draws), columns=items),
                       pd.DataFrame(_min_ranks(global_draws @ addresses.T), columns=measures), awot_ranks,
                       pd.DataFrame(value_draws, columns=frame.index), attempts, accepted)


def rank_stability(ranks: pd.DataFrame, baseline: pd.Series) -> pd.DataFrame:
    """Per column: the baseline rank, the share of draws that keep it, and the 5th-95th
    percentile range of the rank."""
    # ranked as the draws are, so that priorities equal but for rounding share a rank
    base = pd.Series(_min_ranks(baseline.to_numpy(dtype=float)[None, :])[0], index=baseline.index)
    return pd.DataFrame({
        "rank": base,
        "kept": [(ranks[column] == base[column]).mean() for column in base.index],
        "low": [int(np.percentile(ranks[column], 5)) for column in base.index],
        "high": [int(np.percentile(ranks[column], 95)) for column in base.index],
    }, index=base.index).sort_values("rank", kind="stable")
