"""The claims ledger's verdict rules: one rule per kind of claim, applied to every claim
of that kind.

``data/reference/claims.csv`` declares each testable claim's kind in its ``rule``
column; :mod:`analysis.measures.claims` measures the statistic and this module turns it
into a verdict. The rules and their tolerances are stated on the ledger page before the
table (the catalogue's ``claims.rule.*`` entries say the same in three languages).

- ``lower_bound``: the data give a lower bound of the paper's figure (members missing
  from the extract, a great circle shorter than any road). A bound above the figure by
  more than :data:`TOLERANCE` (relative) makes the claim inconsistent; any bound at or
  below that cannot confirm the figure, and the verdict is ambiguous.
- ``count``: a number of units (countries). Consistent when the count at one of the dates
  the claim may refer to lies within :data:`TOLERANCE` (relative) of the paper's number,
  inconsistent otherwise.
- ``majority``: "most" units (countries, agreements) share a trait. Consistent when every
  source's share reaches :data:`MOST`, inconsistent when every share is at or below
  :data:`FEW`, ambiguous in between.
- ``trend``: a change the paper claims (a doubling, a slowdown). Consistent when every
  part of the claim (every country group) reaches the claimed change; inconsistent when
  every part shows no change or the opposite one, or when the claim's deadline has passed
  in the data and a part falls short; ambiguous otherwise.
- ``condition``: a description made of conditions (who leads, how close the others are).
  Consistent when every condition holds, inconsistent when any fails.
"""
from __future__ import annotations

import math
from collections.abc import Iterable

TOLERANCE = 0.10  # relative tolerance of the lower-bound and count rules
MOST, FEW = 0.6, 0.4  # the majority rule's two bars (the SWOT table uses the same)
RULES = ("lower_bound", "count", "majority", "trend", "condition")


def lower_bound(bounds: Iterable[float], figures: Iterable[float], tolerance: float = TOLERANCE) -> str:
    """``bounds[i]`` is a lower bound of the quantity the paper puts at ``figures[i]``."""
    pairs = list(zip(bounds, figures, strict=True))
    if not pairs or any(math.isnan(b) for b, _ in pairs):
        return "not_testable"
    if any(bound > figure * (1 + tolerance) for bound, figure in pairs):
        return "inconsistent"
    return "ambiguous"


def count(counts: Iterable[float], figure: float, tolerance: float = TOLERANCE) -> str:
    """``counts`` are the counts at each date the claim may refer to."""
    counts = list(counts)
    if not counts:
        return "not_testable"
    return "consistent" if any(abs(c - figure) <= tolerance * figure for c in counts) else "inconsistent"


def majority(shares: Iterable[float], most: float = MOST, few: float = FEW) -> str:
    """``shares`` are the shares of units with the trait, one per source."""
    return two_bars(shares, most, few)


def trend(changes: Iterable[float], claimed: float, no_change: float, deadline_passed: bool = False) -> str:
    """``changes`` are the measured changes, one per part of the claim, on a scale where
    ``claimed`` is the change the paper states and ``no_change`` none at all (their order
    gives the direction). ``deadline_passed``: the claim names a date the data reach."""
    changes = list(changes)
    verdict = two_bars(changes, claimed, no_change)
    if verdict == "ambiguous" and deadline_passed:
        return "inconsistent"
    return verdict


def condition(holds: Iterable[bool]) -> str:
    holds = list(holds)
    if not holds:
        return "not_testable"
    return "consistent" if all(holds) else "inconsistent"


def two_bars(values: Iterable[float], supporting: float, against: float) -> str:
    """Every value at or beyond ``supporting``: consistent; every value at or beyond
    ``against`` on the other side: inconsistent; otherwise ambiguous; a missing value:
    not testable. ``supporting > against`` means larger values support the claim."""
    values = [float(v) for v in values]
    if not values or any(math.isnan(v) for v in values):
        return "not_testable"
    sign = 1.0 if supporting > against else -1.0
    if all(sign * v >= sign * supporting for v in values):
        return "consistent"
    if all(sign * v <= sign * against for v in values):
        return "inconsistent"
    return "ambiguous"


FUNCTIONS = {"lower_bound": lower_bound, "count": count, "majority": majority, "trend": trend,
             "condition": condition}
