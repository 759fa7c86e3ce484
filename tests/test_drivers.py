"""Drivers: each country's own region, and the clustered panel regression."""
import numpy as np
import pandas as pd
import pytest

from analysis.measures import drivers


def test_own_region_is_the_smallest_grouping_first_listed_on_ties():
    membership = pd.DataFrame({
        "grouping": ["ca5"] * 3 + ["eaeu"] * 3 + ["big"] * 4 + ["new_silk_road"] * 5,
        "iso3": ["KAZ", "KGZ", "UZB", "KAZ", "RUS", "BLR", "KAZ", "RUS", "CHN", "UZB",
                 "KAZ", "KGZ", "UZB", "RUS", "DEU"]})
    regions = drivers.own_regions(membership)
    assert regions["KAZ"] == "ca5"  # tie of three members: listed first
    assert regions["RUS"] == "eaeu"
    assert regions["CHN"] == "big"
    assert "DEU" not in regions.index  # only in the whole group: no own region


def test_panel_ols_recovers_a_known_association_with_clustered_errors():
    rng = np.random.default_rng(11)
    countries, years = 30, 10
    iso3 = np.repeat([f"C{i:02d}" for i in range(countries)], years)
    year = np.tile(np.arange(2000, 2000 + years), countries)
    f1 = rng.standard_normal(len(iso3))
    f2 = np.repeat(rng.standard_normal(countries), years) + 0.1 * rng.standard_normal(len(iso3))  # by country
    country_effect = np.repeat(rng.standard_normal(countries), years)
    y = 2.0 * f1 + 0.0 * f2 + 0.3 * (year - 2000) + country_effect + 0.5 * rng.standard_normal(len(iso3))
    data = pd.DataFrame({"iso3": iso3, "year": year, "y": y, "F1": f1, "F2": f2})
    table = drivers.panel_ols(data, "y", ["F1", "F2"])
    standardised = 2.0 * f1.std(ddof=1) / y.std(ddof=1)
    first = table.set_index("factor").loc["F1"]
    assert first.ci_low < standardised < first.ci_high
    second = table.set_index("factor").loc["F2"]
    assert second.ci_low < 0 < second.ci_high
    assert first.n_obs == countries * years and first.n_countries == countries
    # F2 and the errors both vary by country: clustering widens F2's interval compared
    # with treating country-years as independent
    import statsmodels.formula.api as smf
    z = data.assign(**{c: (data[c] - data[c].mean()) / data[c].std(ddof=1) for c in ["y", "F1", "F2"]})
    naive = smf.ols("y ~ F1 + F2 + C(year)", data=z).fit().conf_int().loc["F2"]
    assert (second.ci_high - second.ci_low) > (naive[1] - naive[0])


def test_strongest_prefers_clear_intervals():
    table = pd.DataFrame({"outcome": ["a", "a", "b", "b"], "factor": ["F1", "F2", "F1", "F2"],
                          "coefficient": [0.9, 0.5, -0.6, 0.1], "ci_low": [-0.1, 0.2, -0.9, 0.05],
                          "ci_high": [1.9, 0.8, -0.3, 0.15]})
    top = drivers.strongest(table, 3)
    assert list(top.coefficient) == [-0.6, 0.5, 0.1]


def test_country_share_and_intensity_by_hand():
    from analysis.measures.results import IntegrationResults

    bilateral = pd.DataFrame({"exporter": ["A", "B", "A", "C"], "importer": ["B", "A", "C", "A"], "year": 2000,
                              "value_usd_m": [10.0, 5.0, 2.0, 3.0], "source": "exporter", "estimate": False})
    totals = pd.DataFrame({"iso3": ["A", "B", "C"], "year": 2000, "exports": [40.0, 20.0, 10.0],
                           "imports": [30.0, 20.0, 10.0], "exports_estimate_share": 0.0,
                           "imports_estimate_share": 0.0})
    membership = pd.DataFrame({"grouping": "g", "iso3": ["A", "B", "C"]})
    integration = IntegrationResults(bilateral, totals, pd.DataFrame(), pd.DataFrame(), membership)
    values = drivers.country_integration(integration, "g", pd.Series({2000: 1000.0})).set_index("iso3")
    # A trades 10 + 5 with B and 2 + 3 with C out of 70; its partners trade 40 + 20 = 60 of
    # the 1000 - 70 = 930 that the rest of the world trades
    assert values.at["A", "share"] == pytest.approx(20 / 70)
    assert values.at["A", "intensity"] == pytest.approx((20 / 70) / (60 / 930))
    assert values.at["B", "share"] == pytest.approx(15 / 40)
    assert values.at["C", "intensity"] == pytest.approx((5 / 20) / (110 / 980))
