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


# Departures closer than this to the largest are equal: rounding must not choose the pair.
DEPARTURE_TIE = 1e-9


def most_inconsistent_pair(matrix, priorities) -> tuple[int, int, float]:
    """The judgement to revisit first: the pair ``(i, j)``, ``i < j``, whose ratio
    ``a_ij`` departs most from the priorities' ratio ``w_i / w_j``, measured as
    ``|ln a_ij - ln(w_i / w_j)|`` (the log error of the judgement against the
    priorities it produced), and that departure.

    Departures within :data:`DEPARTURE_TIE` of the largest count as equal, and of those
    the first pair in row order (``(0, 1), (0, 2), ..., (1, 2), ...``) is named: in a
    matrix of three items every pair departs by the same amount (the eigenvector is
    then the rows' geometric mean), and floating-point rounding would otherwise pick one."""
    values = np.log(np.asarray(matrix, dtype=float))
    weights = np.log(np.asarray(priorities, dtype=float))
    departure = np.abs(values - (weights[:, None] - weights[None, :]))
    departure[np.tril_indices(len(weights))] = -1.0
    first, second = np.unravel_index(int(np.argmax(departure >= departure.max() - DEPARTURE_TIE)), departure.shape)
    return int(first), int(second), float(departure[first, second])


def judgement_text(value: float) -> str:
    """A ratio as Saaty writes it: ``3``, ``1/3``, or two decimals off the scale."""
    fraction = Fraction(float(value)).limit_denominator(9)
    if abs(float(fraction) - value) < 1e-9 and fraction in SCALE:
        return str(fraction)
    return f"{value:.2f}"


def require_consistent(result: AhpResult, name: str, limit: float = CONSISTENCY_LIMIT, *,
                       matrix=None, labels=None, rows=None) -> AhpResult:
    """``result`` unchanged, or :class:`InconsistentJudgements` naming the matrix and,
    when ``matrix`` and ``labels`` are given, the judgement to revisit
    (:func:`most_inconsistent_pair`) with its row in the file (``rows`` maps a pair
    of labels, in either order, to a row number)."""
    if result.consistency_ratio <= limit:
        return result
    message = f"judgements {name!r}: consistency ratio {result.consistency_ratio:.3f} exceeds {limit:.2f}"
    if matrix is None or labels is None:
        raise InconsistentJudgements(message + "; revise the comparisons that contradict the others")
    first, second, _ = most_inconsistent_pair(matrix, result.priorities)
    a, b = labels[first], labels[second]
    row = (rows or {}).get(frozenset((a, b)))
    where = f" (row {row} of the file)" if row is not None else ""
    ratio = result.priorities[first] / result.priorities[second]
    raise InconsistentJudgements(
        f"{message}; revisit {a} : {b}{where}: the judgement {judgement_text(np.asarray(matrix)[first, second])} "
        f"departs most from the ratio of the priorities, {ratio:.2f}")


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


# --------------------------------------------------------------------------- several judges

def aggregate_judgements(matrices) -> np.ndarray:
    """Aggregation of individual judgements (AIJ): the element-wise geometric mean of
    the judges' matrices (Aczel and Saaty 1983; Forman and Peniwati 1998). The result
    is reciprocal again, which an arithmetic mean would not be."""
    stack = np.asarray(matrices, dtype=float)
    if stack.ndim != 3 or stack.shape[0] == 0 or stack.shape[1] != stack.shape[2]:
        raise ValueError(f"expected one square matrix per judge, got shape {stack.shape}")
    if np.any(stack <= 0) or not np.all(np.isfinite(stack)):
        raise ValueError("judgement matrices must hold positive finite numbers")
    return np.exp(np.log(stack).mean(axis=0))


def _entropy(priorities: np.ndarray) -> np.ndarray:
    return -(priorities * np.log(priorities)).sum(axis=-1)


def consensus(priorities, scale_max: float = 9.0) -> float:
    """Goepel's AHP consensus indicator S* of several judges' priority vectors (rows),
    from 0 (no consensus) to 1 (identical priorities).

    Goepel (2013), Proc. ISAHP 2013, Kuala Lumpur, as implemented in his AHP-OS
    (Goepel 2018, IJAHP 10(3); ``AhpGroup::getConsensus`` and ``ahpShannonCor``):
    Shannon alpha entropy ``H_a`` = the mean of the judges' entropies, gamma entropy
    ``H_g`` = the entropy of the judges' mean priorities, beta entropy
    ``H_b = H_g - H_a``. With ``D = exp(H)``, ``D_a,min = exp(H_a,min)`` the alpha
    diversity of a judge who rates one of ``n`` items ``M`` times (``M`` the scale's
    top, 9) above all others (priorities ``M/(n+M-1)`` and ``1/(n+M-1)``), and
    ``D_g,max = n``:

        S* = (1/D_b - D_a,min/D_g,max) / (1 - D_a,min/D_g,max).
    """
    values = np.asarray(priorities, dtype=float)
    if values.ndim != 2 or values.shape[0] < 2 or values.shape[1] < 2:
        raise ValueError(f"consensus needs two or more judges over two or more items, got shape {values.shape}")
    n = values.shape[1]
    alpha = _entropy(values).mean()
    gamma = _entropy(values.mean(axis=0))
    beta = gamma - alpha
    top, rest = scale_max / (n + scale_max - 1), 1.0 / (n + scale_max - 1)
    alpha_min = -top * np.log(top) - (n - 1) * rest * np.log(rest)
    floor = np.exp(alpha_min) / n          # D_a,min / D_g,max
    return float((np.exp(-beta) - floor) / (1.0 - floor))
