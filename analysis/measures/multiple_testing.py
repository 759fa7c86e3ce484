"""Adjusting p-values for testing many hypotheses at once.

:func:`romano_wolf`: the stepdown procedure of Romano and Wolf (2005), with adjusted
p-values computed as in Romano and Wolf (2016) and Clarke, Romano and Wolf (2020).
Given the observed t-statistics of S hypotheses and B bootstrap draws of them under the
null (the same draws for all hypotheses, so that their dependence is kept):

1. order the hypotheses by |t|, largest first;
2. the s-th hypothesis gets p_s = (1 + #{b : max over the hypotheses from s onwards of
   |t*_b| >= |t_s|}) / (B + 1);
3. the adjusted p-values are the running maximum of p_s in that order (monotone).

The procedure controls the familywise error rate and, unlike Bonferroni or Holm, uses
the dependence between the tests. :func:`holm` is Holm's (1979) step-down Bonferroni.
"""
from __future__ import annotations

import numpy as np


def romano_wolf(t: np.ndarray, boot: np.ndarray) -> np.ndarray:
    """Romano-Wolf adjusted p-values of the S hypotheses with observed statistics ``t``
    (S,) and bootstrap statistics under the null ``boot`` (B x S); two-sided (|t|)."""
    t, boot = np.abs(np.asarray(t, dtype=float)), np.abs(np.asarray(boot, dtype=float))
    if boot.ndim != 2 or boot.shape[1] != t.shape[0]:
        raise ValueError(f"boot must be B x {t.shape[0]}, got {boot.shape}")
    order = np.argsort(-t, kind="stable")
    # the maximum over the hypotheses from position s onwards, for every s at once
    tail_max = np.maximum.accumulate(boot[:, order][:, ::-1], axis=1)[:, ::-1]
    raw = (1 + (tail_max >= t[order] * (1 - 1e-12)).sum(axis=0)) / (len(boot) + 1)
    adjusted = np.minimum(np.maximum.accumulate(raw), 1.0)
    result = np.empty_like(adjusted)
    result[order] = adjusted
    return result


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values: the running maximum of (S - s + 1) p_(s)."""
    p = np.asarray(p, dtype=float)
    order = np.argsort(p, kind="stable")
    steps = (len(p) - np.arange(len(p))) * p[order]
    adjusted = np.minimum(np.maximum.accumulate(steps), 1.0)
    result = np.empty_like(adjusted)
    result[order] = adjusted
    return result
