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


def _near_copy_data() -> pd.DataFrame:
    rng = np.random.default_rng(2)
    x = rng.normal(size=500)
    return pd.DataFrame({"a": x, "b": x + rng.normal(0, 0.05, 500), "c": rng.normal(size=500) + 0.3 * x,
                         "d": rng.normal(size=500)})


def test_max_communality_is_iterated_to_convergence_for_one_and_two_factors():
    # 50 iterations (the extraction's default) stop short here: 1.0092 against 1.0170 with two factors
    data = _near_copy_data()
    for k in (1, 2):
        converged = factor_number.factor.extract(data, k, rotation="none", max_iter=factor_number.MAX_ITER)
        assert factor_number.max_communality(data, k) == pytest.approx(converged.communalities.max(), abs=1e-9)
    assert factor_number.max_communality(data, 2) > 1.015


def test_rule_passes_its_draws_and_seed_and_starts_from_at_least_one_factor(monkeypatch):
    panel = two_factor_panel(countries=10, years=3)
    calls = []

    def parallel(data, n, seed):
        calls.append((n, seed))
        return type("PA", (), {"n_factors": 0})()
    monkeypatch.setattr(factor_number.factor, "parallel_analysis", parallel)
    monkeypatch.setattr(factor_number, "max_communality", lambda data, k: 0.5)
    count = factor_number.choose_k(panel, panel, 123, 7)
    assert calls == [(123, 7)]
    assert count.start == 0 and count.k == 1
    assert count.steps.to_dict("list") == {"k": [1], "max_communality": [0.5], "heywood": [False]}


def test_rule_counts_a_communality_of_exactly_one_as_heywood_and_stops_at_one_factor(monkeypatch):
    panel = two_factor_panel(countries=10, years=3)
    monkeypatch.setattr(factor_number.factor, "parallel_analysis",
                        lambda data, n, seed: type("PA", (), {"n_factors": 3})())
    tops = {3: 1.0, 2: 0.99}
    monkeypatch.setattr(factor_number, "max_communality", lambda data, k: tops[k])
    count = factor_number.choose_k(panel, panel, 10, 0)
    assert count.k == 2 and count.steps.heywood.tolist() == [True, False]
    # a Heywood case at every k: the rule stops at one factor
    tops = {3: 1.2, 2: 1.1, 1: 1.05}
    count = factor_number.choose_k(panel, panel, 10, 0)
    assert count.k == 1 and count.steps.k.tolist() == [3, 2, 1]


def test_heywood_table_columns_and_the_boundary(monkeypatch):
    communalities = {1: pd.Series({"a": 0.4, "b": 0.7}), 2: pd.Series({"a": 1.0, "b": 0.7})}
    monkeypatch.setattr(factor_number, "_extract",
                        lambda data, k: type("E", (), {"communalities": communalities[k]})())
    table = factor_number.heywood_table(pd.DataFrame(), [1, 2])
    assert table.index.name == "k" and list(table.columns) == ["max_communality", "variable", "heywood"]
    assert table.variable.tolist() == ["b", "a"] and table.heywood.tolist() == [False, True]
    assert table.max_communality.tolist() == [0.7, 1.0]


def test_handbook_retention_at_its_boundaries():
    # a share of exactly 10% is not above 10%; 45% + 15% = 60% is not above 60%
    result = factor_number.handbook_retention(pd.DataFrame({"share": [0.6, 0.1]}, index=["F1", "F2"]))
    assert not result["each"] and result["total_met"] and not result["met"]
    result = factor_number.handbook_retention(pd.DataFrame({"share": [0.45, 0.15]}, index=["F1", "F2"]))
    assert result["each"] and not result["total_met"] and not result["met"]
    assert result["smallest"] == 0.15 and result["smallest_factor"] == "F2"


def test_period_congruence_uses_the_years_of_each_period_iterated(monkeypatch):
    panel = two_factor_panel(countries=60)
    reference = factor_number.side_by_side(panel, [2])[2]["loadings"]
    real, seen = factor_number.factor.extract, []

    def spy(data, k, **options):
        seen.append((sorted(set(data.index.get_level_values("year"))), options.get("max_iter")))
        return real(data, k, **options)
    monkeypatch.setattr(factor_number.factor, "extract", spy)
    table = factor_number.period_congruence(panel, reference, [(2000, 2005), (2006, 2011)])
    assert seen == [(list(range(2000, 2006)), 1000), (list(range(2006, 2012)), 1000)]
    assert table.index.name == "period" and table.index.tolist() == ["2000\u20132005", "2006\u20132011"]
    assert table.columns.tolist() == reference.columns.tolist()


def test_side_by_side_and_congruence_with_use_the_converged_solution(monkeypatch):
    panel = two_factor_panel()
    real, seen = factor_number.factor.extract, []

    def spy(data, k, **options):
        seen.append((k, options.get("max_iter")))
        return real(data, k, **options)
    monkeypatch.setattr(factor_number.factor, "extract", spy)
    solutions = factor_number.side_by_side(panel, [2, 3])
    assert seen == [(2, 1000), (3, 1000)]
    assert set(solutions[2]) == {"loadings", "communalities", "variance", "weights"}
    assert solutions[3]["loadings"].shape == (6, 3) and solutions[2]["weights"].weight.sum() == pytest.approx(1)
    reference = solutions[2]["loadings"]
    # the same data against its own solution, factors swapped and one re-signed: congruence one
    swapped = reference[["F2", "F1"]].assign(F2=-reference.F2)
    seen.clear()
    assert factor_number.congruence_with(panel, swapped) == pytest.approx([1, 1], abs=1e-9)
    assert seen == [(2, 1000)]
    # against an unrelated pattern the congruence is lower
    other = pd.DataFrame(np.array([[0.7, 0.0], [0.0, 0.7]] * 3), index=reference.index, columns=["F1", "F2"])
    assert (factor_number.congruence_with(panel, other) < 0.9).all()


def test_within_parallel_analysis_uses_the_degrees_of_freedom_of_the_deviations():
    from analysis.measures import factor
    rng = np.random.default_rng(4)
    index = pd.MultiIndex.from_product([[f"C{g}" for g in range(6)], range(4)], names=["iso3", "period"])
    raw = pd.DataFrame(rng.standard_normal((24, 4)), index=index, columns=list("abcd"))
    deviations = raw - raw.groupby(level="iso3").transform("mean")
    # 24 rows of 6 countries whose deviations each sum to zero: 18 free values
    assert factor_number.effective_rows(deviations) == 18
    result = factor_number.parallel_within(deviations, 200, 3)
    expected = factor.parallel_analysis_from_correlation(factor.correlation(deviations.to_numpy()), 18, 200, 3)
    pd.testing.assert_frame_equal(result.table, expected.table)
    # fewer rows, a higher bar than random data with all 24 rows
    naive = factor.parallel_analysis(deviations, 200, 3)
    assert (result.table.random_quantile.iloc[0] > naive.table.random_quantile.iloc[0])
