"""The book's computed results and their figures, on small hand-made inputs and on the extract."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis.measures import indicators, results
from analysis.present import plotting
from analysis.data.load import load_extract
from analysis.present.i18n import t, trend_word


def test_gdp_ppp_is_derived_from_the_newer_per_person_series():
    wdi = pd.DataFrame({
        "iso3": ["KAZ", "KAZ", "KAZ", "KAZ"],
        "indicator": [indicators.GDP_PPP, results.GDP_PPP_PER_PERSON, indicators.POPULATION, indicators.GDP_USD],
        "year": [2020, 2020, 2020, 2020],
        "value": [1.0, 25_000.0, 19_000_000.0, 170e9],
    })
    derived = results.wdi_with_derived_gdp_ppp(wdi).set_index("indicator").value
    assert derived[indicators.GDP_PPP] == pytest.approx(25_000 * 19_000_000)  # 4.75e11, not the old 1.0
    assert derived[indicators.GDP_USD] == 170e9
    assert (results.wdi_with_derived_gdp_ppp(wdi).indicator == indicators.GDP_PPP).sum() == 1


def test_results_table_takes_the_nearest_earlier_migration_year():
    groupings = pd.DataFrame({
        "grouping": ["g"] * 4,
        "year": [2015, 2019, 2020, 2010],
        "indicator": [indicators.MIGRATION_SHARE, indicators.MIGRATION_SHARE, indicators.TRADE_SHARE,
                      indicators.TRADE_SHARE],
        "value": [0.01, 0.02, 0.3, 0.2],
        "estimate_share": [np.nan, np.nan, 0.0, 0.0],
    })
    integration = results.IntegrationResults(None, None, groupings, None, None)
    table = results.results_table(integration, [2010, 2020], [indicators.TRADE_SHARE, indicators.MIGRATION_SHARE])
    assert table.loc["g", (indicators.TRADE_SHARE, 2020)] == 0.3
    assert table.loc["g", (indicators.MIGRATION_SHARE, 2020)] == 0.02   # 2019 stock
    assert np.isnan(table.loc["g", (indicators.MIGRATION_SHARE, 2010)])  # no stock year <= 2010 here
    assert table.loc["g", ("estimate_share", 2020)] == 0.0   # migration's NaN does not count


@pytest.fixture(scope="module")
def integration():
    return results.compute(load_extract())


def test_results_on_the_extract_cover_every_grouping_and_pair(integration):
    assert set(integration.groupings.grouping) == set(integration.membership.grouping)
    assert integration.groupings[integration.groupings.indicator != indicators.MIGRATION_SHARE].year.between(
        2000, 2020).all()
    shares = integration.groupings[integration.groupings.indicator == indicators.TRADE_SHARE].value.dropna()
    assert len(shares) and shares.between(0, 1).all()
    matrix = integration.pair_matrix(indicators.TRADE_SHARE, 2020)
    assert matrix.shape == (26, 26)
    assert np.allclose(matrix.to_numpy(), matrix.to_numpy().T, equal_nan=True)
    # every grouping has a GDP-at-PPP ratio in the last year (the derived series covers all members)
    ppp = integration.grouping_series(indicators.TRADE_TO_GDP_PPP).loc[2020]
    assert ppp.notna().all()


def test_member_contributions_add_up_to_one(integration):
    contributions = integration.contributions("eaeu")
    sums = contributions.groupby("year").contribution.sum()
    assert np.allclose(sums, 1.0)


@pytest.mark.parametrize("before, after, key", [(0.05, 0.09, "trend.rose"), (0.16, 0.15, "trend.fell"),
                                                (0.1001, 0.1004, "trend.unchanged")])
def test_trend_word(before, after, key):
    for lang in ("kk", "en", "ru"):
        assert trend_word(before, after, lang) == t(key, lang)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_figure_labels_are_in_the_reader_s_language(integration, lang):
    series = {name: integration.grouping_series(name) for name in [indicators.TRADE_SHARE, indicators.INTROVERSION]}
    figure = plotting.grouping_lines(series, lang)
    titles = [axis.get_title().replace("\n", " ") for axis in figure.axes if axis.get_visible()]
    legend = [text.get_text() for text in figure.legends[0].get_texts()]
    plt.close(figure)
    assert titles == [t("indicator.trade_share", lang), t("indicator.introversion", lang)]
    assert t("grouping.ca5", lang) in legend and t("grouping.ca5", "en") not in legend
