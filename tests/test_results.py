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


def test_groupings_come_in_the_order_of_the_reference_table_not_of_their_codes():
    codes = ["traceca", "ca5", "new_silk_road", "eaeu", "g"]
    groupings = pd.DataFrame({
        "grouping": codes, "year": [2020] * 5, "indicator": [indicators.TRADE_SHARE] * 5,
        "value": [0.1, 0.2, 0.3, 0.4, 0.5], "estimate_share": [0.0] * 5})
    integration = results.IntegrationResults(None, None, groupings, None, None)
    expected = ["ca5", "eaeu", "traceca", "new_silk_road", "g"]   # a code outside the table comes last
    assert list(integration.grouping_series(indicators.TRADE_SHARE).columns) == expected
    table = results.results_table(integration, [2020], [indicators.TRADE_SHARE])
    assert list(table.index) == expected
    assert table.loc["eaeu", (indicators.TRADE_SHARE, 2020)] == 0.4


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
    years = [2010, 2015, 2017, 2019, 2020]
    table = results.results_table(integration, years, [indicators.TRADE_SHARE, indicators.MIGRATION_SHARE])
    assert table.loc["g", (indicators.TRADE_SHARE, 2020)] == 0.3
    migration = table.loc["g", indicators.MIGRATION_SHARE]
    assert np.isnan(migration[2010])        # no stock year <= 2010 here
    assert migration[2015] == 0.01          # a stock year uses its own stock, not the one before
    assert migration[2017] == 0.01          # between stock years: the earlier one
    assert migration[2019] == 0.02
    assert migration[2020] == 0.02          # after the last stock year: the last one
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


def test_member_contributions_match_the_bilateral_matrix(integration):
    # T_iR counted row by row from the pipeline's bilateral matrix, against T_RR from
    # the groupings table (a separate computation): EAEU, 2020
    members = ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    flows = integration.bilateral[(integration.bilateral.year == 2020)
                                  & integration.bilateral.exporter.isin(members)
                                  & integration.bilateral.importer.isin(members)]
    by_member = {code: sum(row.value_usd_m for row in flows.itertuples()
                           if code in (row.exporter, row.importer)) for code in members}
    rows = integration.groupings
    t_rr = rows[(rows.grouping == "eaeu") & (rows.indicator == indicators.MUTUAL_TRADE)
                & (rows.year == 2020)].value.iloc[0]
    parts = integration.contributions("eaeu")
    parts = parts[parts.year == 2020].set_index("iso3")
    assert parts.index.tolist() == members
    assert parts.mutual_trade_usd_m.to_dict() == pytest.approx(by_member, rel=1e-12)
    assert parts.contribution.to_dict() == pytest.approx(
        {code: by_member[code] / t_rr for code in members}, rel=1e-12)
    # each member's own share: its mutual trade over its own total trade
    totals = integration.totals[integration.totals.year == 2020].set_index("iso3")
    own = {code: by_member[code] / (totals.exports[code] + totals.imports[code]) for code in members}
    assert parts.own_share.to_dict() == pytest.approx(own, rel=1e-12)


def test_the_pipeline_takes_the_exporter_s_national_report_first(integration):
    # The book's rule, as compute() applies it: a national export report (FOB) is used
    # wherever there is one; the importer's report (CIF) only fills the gaps.
    flows = load_extract().trade_flows
    study = integration.membership.iso3.unique()
    inside = (flows.reporter.isin(study) & flows.partner.isin(study)
              & (flows.reporter != flows.partner) & flows.year.between(2000, 2020))
    exports = flows[inside & (flows.flow == "exports") & ~flows.estimate]
    exports = exports.rename(columns={"reporter": "exporter", "partner": "importer"})
    used = exports.merge(integration.bilateral, on=["exporter", "importer", "year"],
                         suffixes=("_reported", ""))
    assert len(used) == len(exports) > 10_000
    assert (used.source == "exporter").all()
    assert (used.value_usd_m == used.value_usd_m_reported).all()
    # the rest come from the importer's national report of the same flow
    imports = flows[inside & (flows.flow == "imports") & ~flows.estimate]
    imports = imports.rename(columns={"reporter": "importer", "partner": "exporter"})
    national = integration.bilateral[(integration.bilateral.source == "importer")
                                     & ~integration.bilateral.estimate]
    filled = national.merge(imports, on=["exporter", "importer", "year"], suffixes=("", "_reported"))
    assert len(filled) == len(national) > 0
    assert (filled.value_usd_m == filled.value_usd_m_reported).all()


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
