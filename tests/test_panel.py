"""The country-year panel: transformations, how each cell is obtained, coverage,
period averages."""
import numpy as np
import pandas as pd
import pytest

from analysis.measures import panel


def grid(values: dict[str, list[float]], years=range(2000, 2005)) -> pd.DataFrame:
    index = pd.MultiIndex.from_product([list(values), list(years)], names=["iso3", "year"])
    return pd.DataFrame({"x": np.concatenate([values[c] for c in values])}, index=index)


def test_cell_kinds_cell_by_cell():
    observed = grid({"AAA": [np.nan, 1.0, np.nan, 3.0, np.nan],
                     "BBB": [np.nan] * 5,
                     "CCC": [10.0, 10.0, 10.0, 10.0, 10.0],
                     "DDD": [np.nan, 4.0, np.nan, 5.0, 6.0]})
    kinds = panel.cell_kinds(observed, min_observed=2)
    assert list(kinds.loc["AAA", "x"]) == ["imputed", "observed", "interpolated", "observed", "imputed"]
    assert list(kinds.loc["BBB", "x"]) == ["absent"] * 5
    assert list(kinds.loc["CCC", "x"]) == ["observed"] * 5
    # with the book's threshold (three observed years) AAA's two observations are too few
    strict = panel.cell_kinds(observed)
    assert list(strict.loc["AAA", "x"]) == ["absent", "observed", "absent", "observed", "absent"]
    assert list(strict.loc["DDD", "x"]) == ["imputed", "observed", "interpolated", "observed", "observed"]
    imputed = panel.imputed_cells(kinds)
    assert len(imputed) == 3 + 5 + 2
    assert set(imputed.columns) == {"iso3", "year", "characteristic", "kind"}


def test_interpolation_follows_the_year_gap():
    observed = grid({"AAA": [0.0, np.nan, np.nan, np.nan, 8.0], "BBB": [1.0, 2.0, 3.0, 4.0, 5.0]})
    filled = panel.multiple_imputations(observed, m=2, seed=0, min_observed=2)
    for draw in filled:
        np.testing.assert_allclose(draw.loc["AAA", "x"], [0, 2, 4, 6, 8])
    np.testing.assert_allclose(panel.average(filled).loc["AAA", "x"], [0, 2, 4, 6, 8])


def test_coverage_decides_entry():
    kinds = pd.DataFrame({"a": ["observed"] * 6 + ["imputed"] * 3, "b": ["observed"] * 5 + ["absent"] * 4,
                          "c": ["observed"] * 3 + ["interpolated"] * 3 + ["imputed"] * 3,
                          "d": ["observed"] * 5 + ["imputed"] * 4})
    table = panel.coverage_table(kinds)
    assert list(table.enters) == [True, False, True, False]  # imputed values do not count
    assert table.loc["b", "absent"] == pytest.approx(4 / 9)
    np.testing.assert_allclose(table[panel.KINDS].sum(axis=1), 1)


def test_transformations():
    wdi = pd.DataFrame({"iso3": ["AAA"] * 4, "indicator": ["BX.TRF.PWKR.CD.DT", "NY.GDP.MKTP.CD",
                                                           "FP.CPI.TOTL.ZG", "NY.GDP.PCAP.PP.CD"],
                        "year": [2000] * 4, "value": [5.0, 200.0, 100.0, np.e ** 3]})
    hdi = pd.DataFrame({"iso3": ["AAA"], "year": [2000], "hdi": [0.7]})
    by_name = {spec.name: spec for spec in panel.CHARACTERISTICS}
    assert panel.raw_characteristic(by_name["remittances"], wdi, hdi).iloc[0] == pytest.approx(2.5)
    assert panel.raw_characteristic(by_name["inflation"], wdi, hdi).iloc[0] == pytest.approx(np.log(2))
    assert panel.raw_characteristic(by_name["gdp_per_head_ppp"], wdi, hdi).iloc[0] == pytest.approx(3)
    assert panel.raw_characteristic(by_name["human_development"], wdi, hdi).iloc[0] == pytest.approx(0.7)
    # a sum of series is missing when a part is missing
    assert panel.raw_characteristic(by_name["merchandise_openness"], wdi, hdi).empty


def test_standardise_period_averages_and_cube():
    data = grid({"AAA": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "BBB": [2.0] * 6}, years=range(2003, 2009))
    z = panel.standardise(data)
    assert z.x.mean() == pytest.approx(0) and z.x.std() == pytest.approx(1)
    averages = panel.period_averages(data, [(2003, 2004), (2005, 2008)])
    assert averages.loc[("AAA", "2003\u20132004"), "x"] == pytest.approx(1.5)
    assert averages.loc[("AAA", "2005\u20132008"), "x"] == pytest.approx(4.5)
    cube, countries, years = panel.cube(data)
    assert cube.shape == (2, 6, 1) and countries == ["AAA", "BBB"] and years[0] == 2003
    with pytest.raises(ValueError, match="complete"):
        panel.cube(data.iloc[1:])


def test_observed_panel_covers_its_period_for_every_study_country():
    from analysis.data import reference
    countries = reference.study_iso3()
    years = list(range(1998, 2023))
    wdi = pd.DataFrame({"iso3": countries[0], "indicator": "FP.CPI.TOTL.ZG", "year": years,
                        "value": [10.0] * len(years)})
    hdi = pd.DataFrame({"iso3": [countries[0]] * 2, "year": [2000, 2020], "hdi": [0.5, 0.7]})
    observed = panel.observed_panel(wdi, hdi, range(2000, 2021))
    # 26 countries x 21 years, 2000-2020 inclusive; years outside the period are left out
    assert len(countries) == 26 and len(observed) == 546
    assert sorted(observed.index.get_level_values("year").unique()) == list(range(2000, 2021))
    assert observed.inflation.notna().sum() == 21
    assert observed.loc[(countries[0], 2020), "human_development"] == pytest.approx(0.7)
    assert list(observed.columns) == [spec.name for spec in panel.CHARACTERISTICS]
    # the four sub-periods tile the period without gaps
    assert panel.periods_of(observed) == [(2000, 2004), (2005, 2009), (2010, 2014), (2015, 2020)]
    one_more = panel.observed_panel(wdi, hdi, range(2000, 2022))
    assert panel.periods_of(one_more)[-1] == (2015, 2021)


def test_average_of_imputations_cell_by_cell_and_cube_in_floats():
    a = grid({"AAA": [1.0, 2.0], "BBB": [3.0, 4.0]}, years=[2000, 2001])
    b, c = a * 2, a * 6
    assert panel.average([a, b, c]).x.tolist() == [3.0, 6.0, 9.0, 12.0]
    assert a.x.tolist() == [1.0, 2.0, 3.0, 4.0]  # the inputs are left as they were
    integers = grid({"AAA": [1, 2], "BBB": [3, 4]}, years=[2000, 2001])
    cube, _, _ = panel.cube(integers)
    assert cube.dtype == np.float64 and cube[1, 0, 0] == 3.0
    with pytest.raises(ValueError, match=r"^the panel is not a complete country x year grid$"):
        panel.cube(integers.iloc[:3])


def test_imputed_cells_lists_only_cells_not_observed_and_periods_are_labelled():
    kinds = grid({"AAA": [0, 0], "BBB": [0, 0]}, years=[2000, 2001]).astype(object)
    kinds["x"] = ["observed", "interpolated", "observed", "absent"]
    cells = panel.imputed_cells(kinds)
    assert cells.to_dict("list") == {"iso3": ["AAA", "BBB"], "year": [2001, 2001],
                                     "characteristic": ["x", "x"], "kind": ["interpolated", "absent"]}
    data = grid({"AAA": [1.0, 2.0, 3.0, 4.0]}, years=range(1999, 2003))
    averages = panel.period_averages(data, [(2000, 2001)])  # 1999 and 2002 belong to no period
    assert averages.index.names == ["iso3", "period"] and averages.x.tolist() == [2.5]


def test_transformations_leave_out_impossible_values_at_their_boundaries():
    by_name = {spec.name: spec for spec in panel.CHARACTERISTICS}
    index = ["AAA", "BBB", "CCC"]
    wdi = pd.DataFrame({"iso3": index * 4, "year": 2000,
                        "indicator": ["BX.TRF.PWKR.CD.DT"] * 3 + ["NY.GDP.MKTP.CD"] * 3
                        + ["NY.GDP.PCAP.PP.CD"] * 3 + ["FP.CPI.TOTL.ZG"] * 3,
                        "value": [1.0, 1.0, 1.0, 0.0, 0.5, 2.0, 0.0, 0.5, 2.0, -100.0, -50.0, 0.0]})
    hdi = pd.DataFrame({"iso3": ["AAA"], "year": [2000], "hdi": [1]})
    # a share of GDP needs GDP above zero (0.5 is fine)
    remittances = panel.raw_characteristic(by_name["remittances"], wdi, hdi)
    assert remittances.name == "remittances"
    assert remittances.to_dict() == {("BBB", 2000): 200.0, ("CCC", 2000): 50.0}
    # a log needs a value above zero
    assert panel.raw_characteristic(by_name["gdp_per_head_ppp"], wdi, hdi).to_dict() == pytest.approx(
        {("BBB", 2000): np.log(0.5), ("CCC", 2000): np.log(2.0)})
    # log(1 + inflation / 100) needs inflation above -100%
    assert panel.raw_characteristic(by_name["inflation"], wdi, hdi).to_dict() == pytest.approx(
        {("BBB", 2000): np.log(0.5), ("CCC", 2000): 0.0})
    human = panel.raw_characteristic(by_name["human_development"], wdi, hdi)
    assert human.dtype == np.float64 and human.name == "human_development"


def test_openness_adds_exports_and_imports():
    by_name = {spec.name: spec for spec in panel.CHARACTERISTICS}
    wdi = pd.DataFrame({"iso3": "AAA", "year": 2000, "indicator": ["TX.VAL.MRCH.CD.WT", "TM.VAL.MRCH.CD.WT",
                                                                   "NY.GDP.MKTP.CD"], "value": [30.0, 20.0, 200.0]})
    hdi = pd.DataFrame({"iso3": [], "year": [], "hdi": []})
    openness = panel.raw_characteristic(by_name["merchandise_openness"], wdi, hdi)
    assert openness.tolist() == [25.0]  # 100 x (30 + 20) / 200
    observed = panel.observed_panel(wdi, hdi, countries=["AAA"], period=range(2000, 2002))
    assert observed.index.names == ["iso3", "year"] and observed.merchandise_openness.tolist()[0] == 25.0
