"""The ledger's verdict rules on hand-made values: each side of every threshold and the
tolerance boundary itself."""
from __future__ import annotations

import math

import pytest

from analysis.measures import claim_rules as rules


def test_the_rules_and_their_constants():
    assert rules.RULES == ("lower_bound", "count", "majority", "trend", "condition")
    assert set(rules.FUNCTIONS) == set(rules.RULES)
    assert (rules.TOLERANCE, rules.MOST, rules.FEW) == (0.10, 0.6, 0.4)


@pytest.mark.parametrize(("bound", "verdict"), [
    (0.0, "ambiguous"),
    (10.0, "ambiguous"),      # a bound far below the figure cannot confirm it
    (100.0, "ambiguous"),     # equal to the figure
    (110.0, "ambiguous"),     # at the tolerance boundary: not yet above it
    (110.01, "inconsistent"),
    (150.0, "inconsistent"),
])
def test_lower_bound_rule(bound, verdict):
    assert rules.lower_bound([bound], [100.0]) == verdict


def test_lower_bound_rule_with_two_figures_and_a_tolerance():
    # one of the two bounds too high is enough
    assert rules.lower_bound([50.0, 0.33], [100.0, 0.29]) == "inconsistent"
    assert rules.lower_bound([50.0, 0.30], [100.0, 0.29]) == "ambiguous"
    assert rules.lower_bound([104.0], [100.0], tolerance=0.05) == "ambiguous"
    assert rules.lower_bound([106.0], [100.0], tolerance=0.05) == "inconsistent"
    assert rules.lower_bound([math.nan], [100.0]) == "not_testable"
    with pytest.raises(ValueError):
        rules.lower_bound([1.0, 2.0], [3.0])


@pytest.mark.parametrize(("counts", "verdict"), [
    ([58], "consistent"),
    ([50], "inconsistent"),          # 8 away, more than 5.8
    ([52.2], "consistent"),          # exactly 10% below
    ([63.8], "consistent"),          # exactly 10% above
    ([52.1], "inconsistent"),
    ([63.9], "inconsistent"),
    ([28, 144], "inconsistent"),     # neither date
    ([28, 60], "consistent"),        # one of the dates is enough
    ([], "not_testable"),
])
def test_count_rule(counts, verdict):
    assert rules.count(counts, 58) == verdict


@pytest.mark.parametrize(("shares", "verdict"), [
    ([0.6], "consistent"),
    ([0.59], "ambiguous"),
    ([0.41], "ambiguous"),
    ([0.4], "inconsistent"),
    ([0.1], "inconsistent"),
    ([0.9, 0.6], "consistent"),
    ([0.9, 0.5], "ambiguous"),       # every source must pass
    ([0.9, 0.3], "ambiguous"),
    ([0.3, 0.2], "inconsistent"),
    ([0.7, math.nan], "not_testable"),
])
def test_majority_rule(shares, verdict):
    assert rules.majority(shares) == verdict


@pytest.mark.parametrize(("changes", "deadline_passed", "verdict"), [
    ([2.0], False, "consistent"),     # doubled exactly
    ([1.99], False, "ambiguous"),     # short, but the deadline is ahead
    ([1.99], True, "inconsistent"),   # short, and the deadline has passed
    ([2.5], True, "consistent"),
    ([1.0], False, "inconsistent"),   # no change at all
    ([0.8], False, "inconsistent"),   # the opposite change
    ([1.01], False, "ambiguous"),
])
def test_trend_rule_for_a_growth_factor(changes, deadline_passed, verdict):
    assert rules.trend(changes, claimed=2.0, no_change=1.0, deadline_passed=deadline_passed) == verdict


@pytest.mark.parametrize(("changes", "verdict"), [
    ([1.0, 1.0], "consistent"),       # a slowdown of one point in both parts
    ([4.3, -0.4], "ambiguous"),       # one part only
    ([0.99, 3.0], "ambiguous"),
    ([0.0, 0.0], "inconsistent"),     # no slowdown in either
    ([-1.0, 0.0], "inconsistent"),
    ([0.01, -2.0], "ambiguous"),
    ([math.nan, 2.0], "not_testable"),
])
def test_trend_rule_for_a_slowdown_in_two_parts(changes, verdict):
    assert rules.trend(changes, claimed=1.0, no_change=0.0) == verdict


def test_trend_rule_in_the_falling_direction():
    # a claimed fall: smaller values support the claim
    assert rules.trend([-0.5], claimed=-0.5, no_change=0.0) == "consistent"
    assert rules.trend([-0.49], claimed=-0.5, no_change=0.0) == "ambiguous"
    assert rules.trend([0.0], claimed=-0.5, no_change=0.0) == "inconsistent"
    assert rules.trend([0.1], claimed=-0.5, no_change=0.0, deadline_passed=True) == "inconsistent"


def test_condition_rule():
    assert rules.condition([True, True]) == "consistent"
    assert rules.condition([True, False]) == "inconsistent"
    assert rules.condition([False, True]) == "inconsistent"
    assert rules.condition([]) == "not_testable"


def test_the_two_bars_agree_with_the_swot_rule():
    """The majority and trend rules read W1, W8 and T3 as the SWOT chapter does."""
    from analysis.measures import claims, swot

    cases = [([0.6], 0.6, 0.4), ([0.5, 0.7], 0.6, 0.4), ([0.4], 0.6, 0.4), ([0.41], 0.6, 0.4),
             ([1.0, 0.0], 1.0, 0.0), ([0.0, -1.0], 1.0, 0.0), ([-0.05], -0.05, 0.05), ([math.nan], 0.6, 0.4)]
    for values, supported, contradicted in cases:
        expected = claims.SWOT_VERDICTS[swot.verdict(dict(enumerate(values)), supported, contradicted)]
        assert rules.two_bars(values, supported, contradicted) == expected


def test_tolerance_boundaries_exactly_representable():
    """At the boundary itself (exact in binary floating point) the bound is not above it
    and the count is within it."""
    assert rules.lower_bound([1.5], [1.0], tolerance=0.5) == "ambiguous"
    assert rules.lower_bound([1.5000001], [1.0], tolerance=0.5) == "inconsistent"
    assert rules.count([55], 50, tolerance=0.1) == "consistent"
    assert rules.count([45], 50, tolerance=0.1) == "consistent"
    assert rules.count([55.0001], 50, tolerance=0.1) == "inconsistent"


def test_equal_bars_read_smaller_values_as_support_as_the_swot_rule_does():
    # only supporting > against means larger values support; equal bars read as a fall
    assert rules.two_bars([0.9], 1.0, 1.0) == "consistent"
    assert rules.two_bars([1.0], 1.0, 1.0) == "consistent"
    assert rules.two_bars([1.1], 1.0, 1.0) == "inconsistent"
    from analysis.measures import swot
    assert swot.verdict({"a": 0.9}, 1.0, 1.0) == "supported" and swot.verdict({"a": 1.1}, 1.0, 1.0) == "contradicted"
