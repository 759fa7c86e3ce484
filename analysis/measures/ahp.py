"""The analytic hierarchy process (Saaty 1977, 1980) as SWOT-AHP uses it.

A judgement matrix ``A`` holds pairwise comparisons on Saaty's 1-9 scale, with
``A[j, i] = 1 / A[i, j]``. The priorities are the principal right eigenvector of ``A``
scaled to sum to one; the consistency index is ``(lambda_max - n) / (n - 1)`` and the
consistency ratio divides it by the mean index of random matrices of the same size
(Saaty's table, n = 1..15). A ratio above 0.10 means the judgements contradict each
other too much to be used.
"""
from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

import numpy as np

# Saaty (1980): mean consistency index of random reciprocal matrices, n = 1..15.
RANDOM_INDEX = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59)
CONSISTENCY_LIMIT = 0.10
# Saaty's scale as an ordered ladder: one step moves to the neighbouring rung.
SCALE = tuple([Fraction(1, k) for k in range(9, 1, -1)] + [Fraction(k) for k in range(1, 10)])


class AhpResult(NamedTuple):
    priorities: np.ndarray
    lambda_max: float
    consistency_ratio: float


class InconsistentJudgements(ValueError):
    """A judgement matrix whose consistency ratio exceeds the limit."""


def ahp(matrix) -> AhpResult:
    """Eigenvector priorities, the principal eigenvalue and Saaty's consistency ratio.

    ``matrix`` is a square, positive, reciprocal matrix of at most 15 rows (the size
    Saaty's random index is tabulated for). For n <= 2 every reciprocal matrix is
    consistent and the ratio is 0.
    """
    values = np.asarray(matrix, dtype=float)
    n = values.shape[0] if values.ndim == 2 else 0
    if values.ndim != 2 or values.shape != (n, n) or n == 0:
        raise ValueError(f"a judgement matrix must be square, got shape {values.shape}")
    if n > len(RANDOM_INDEX):
        raise ValueError(f"Saaty's random index is tabulated up to {len(RANDOM_INDEX)} items, got {n}")
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError("a judgement matrix must hold positive finite numbers")
    if not np.allclose(values * values.T, 1.0, rtol=1e-9):
        raise ValueError("a judgement matrix must be reciprocal: a[j, i] = 1 / a[i, j]")
    eigenvalues, eigenvectors = np.linalg.eig(values)
    principal = int(np.argmax(eigenvalues.real))
    vector = np.abs(eigenvectors[:, principal].real)  # Perron vector: one sign throughout
    lambda_max = float(eigenvalues[principal].real)
    priorities = vector / vector.sum()
    if n <= 2:
        return AhpResult(priorities, float(n), 0.0)
    consistency_index = max(lambda_max - n, 0.0) / (n - 1)  # rounding can give -1e-15
    return AhpResult(priorities, lambda_max, consistency_index / RANDOM_INDEX[n - 1])


def require_consistent(result: AhpResult, name: str, limit: float = CONSISTENCY_LIMIT) -> AhpResult:
    """``result`` unchanged, or :class:`InconsistentJudgements` naming the matrix."""
    if result.consistency_ratio > limit:
        raise InconsistentJudgements(
            f"judgements {name!r}: consistency ratio {result.consistency_ratio:.3f} exceeds {limit:.2f}; "
            "revise the comparisons that contradict the others")
    return result


def parse_judgement(text: str) -> Fraction:
    """A Saaty-scale value written as an integer 1-9 or a reciprocal ``1/k``."""
    value = Fraction(str(text).strip())
    if value not in SCALE:
        raise ValueError(f"{text!r} is not on Saaty's scale (1..9 or 1/2..1/9)")
    return value


def judgement_matrix(items: list[str], judgements: dict[tuple[str, str], float]) -> np.ndarray:
    """The reciprocal matrix over ``items`` from one judgement per unordered pair.

    ``judgements[(a, b)] = v`` says how much more ``a`` matters than ``b``. Every pair
    must be judged exactly once.
    """
    position = {item: index for index, item in enumerate(items)}
    matrix = np.ones((len(items), len(items)))
    seen = set()
    for (first, second), value in judgements.items():
        pair = frozenset((first, second))
        if first not in position or second not in position or first == second:
            raise ValueError(f"judgement {first}-{second} does not compare two of {items}")
        if pair in seen:
            raise ValueError(f"pair {first}-{second} is judged twice")
        seen.add(pair)
        matrix[position[first], position[second]] = float(value)
        matrix[position[second], position[first]] = 1.0 / float(value)
    missing = [f"{a}-{b}" for i, a in enumerate(items) for b in items[i + 1:] if frozenset((a, b)) not in seen]
    if missing:
        raise ValueError(f"pairs not judged: {', '.join(missing)}")
    return matrix
