"""How many factors: between and within structures, the stated rule (parallel analysis
on country means, one factor fewer while the iterated solution is a Heywood case), the
Handbook's retention rule and congruence by period."""
import numpy as np
import pandas as pd
import pytest

from analysis.measures import factor_number


def two_factor_panel(seed: int = 0, countries: int = 40, years: int = 12) -> pd.DataFrame:
    """Six variables, two factors (three variables each) at the country level plus noise."""
    rng = np.random.default_rng(seed)
    level = np.repeat(rng.normal(size=(countries, 2)), years, axis=0)
    pattern = np.array([[0.9, 0], [0.8, 0], [0.7, 0], [0, 0.9], [0, 0.8], [0, 0.7]])
    data = level @ pattern.T + rng.normal(0, 0.5, (countries * years, 6))
    index = pd.MultiIndex.from_product([[f"C{i:02d}" for i in range(countries)], range(2000, 2000 + years)],
                                       names=["iso3", "year"])
    return pd.DataFrame(data, index=index, columns=list("abcdef"))


def test_between_and_within_by_hand():
    index = pd.MultiIndex.from_product([["A", "B"], [2000, 2001, 2002, 2003]], names=["iso3", "year"])
    panel = pd.DataFrame({"x": [1.0, 3.0, 5.0, 7.0, 2.0, 2.0, 2.0, 2.0]}, index=index)
    assert factor_number.between(panel).x.to_dict() == {"A": 4.0, "B": 2.0}
    within = factor_number.within(panel, [(2000, 2001), (2002, 2003)])
    assert within.x.tolist() == [-2.0, 2.0, 0.0, 0.0]  # period means 2 and 6 around A's mean 4


def test_rule_takes_parallel_analysis_on_country_means():
    panel = two_factor_panel()
    count = factor_number.choose_k(factor_number.between(panel), panel, 200, 1)
    assert count.start == 2 and count.k == 2
    assert not count.steps.heywood.any()


def test_rule_steps_down_while_heywood(monkeypatch):
    panel = two_factor_panel()
    monkeypatch.setattr(factor_number.factor, "parallel_analysis",
                        lambda data, n, seed: type("PA", (), {"n_factors": 4})())
    tops = {4: 1.3, 3: 1.02, 2: 0.95}
    monkeypatch.setattr(factor_number, "max_communality", lambda data, k: tops[k])
    count = factor_number.choose_k(panel, panel, 10, 0)
    assert count.start == 4 and count.k == 2
    assert count.steps.k.tolist() == [4, 3, 2] and count.steps.heywood.tolist() == [True, True, False]


def test_heywood_is_found_by_iterating_not_hidden():
    # three variables, one of which is nearly a copy of another: with two factors the
    # iterated communality of the pair reaches one
    rng = np.random.default_rng(2)
    x = rng.normal(size=500)
    data = pd.DataFrame({"a": x, "b": x + rng.normal(0, 0.05, 500), "c": rng.normal(size=500) + 0.3 * x,
                         "d": rng.normal(size=500)})
    table = factor_number.heywood_table(data, [2])
    assert table.at[2, "max_communality"] >= 0.99


def test_handbook_retention_rule_by_hand():
    variance = pd.DataFrame({"share": [0.35, 0.15, 0.12]}, index=["F1", "F2", "F3"])
    result = factor_number.handbook_retention(variance)
    assert result["each"] and result["total_met"] and result["met"] and result["total"] == pytest.approx(0.62)
    variance = pd.DataFrame({"share": [0.281, 0.146]}, index=["F1", "F2"])
    result = factor_number.handbook_retention(variance)
    assert result["each"] and not result["total_met"] and not result["met"]
    variance = pd.DataFrame({"share": [0.55, 0.097]}, index=["F1", "F2"])
    result = factor_number.handbook_retention(variance)
    assert not result["each"] and result["total_met"] and result["smallest_factor"] == "F2"


def test_period_congruence_high_for_a_stable_structure():
    panel = two_factor_panel(countries=60)
    reference = factor_number.side_by_side(panel, [2])[2]["loadings"]
    table = factor_number.period_congruence(panel, reference, [(2000, 2005), (2006, 2011)])
    assert table.shape == (2, 2)
    assert (table.to_numpy() > factor_number.CONGRUENCE_EQUAL).all()
