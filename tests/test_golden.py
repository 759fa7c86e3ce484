"""Golden values: a handful of results of the real pipeline on the committed extract.

They were computed once with ``analysis.measures.results.compute(load_extract())`` (and
``analysis.measures.factor_study.run`` for the factor chapter) and
are pinned to four decimals, so that a change anywhere between the raw files and the
indicators (a reader, the extract, the mirror rule, a grouping, the period, a formula)
shows here. If a deliberate change moves one, check the new value by hand before
updating it, and say why in the commit.
"""
from __future__ import annotations

import pytest

from analysis.data.load import load_extract
from analysis.measures import indicators, results


@pytest.fixture(scope="module")
def integration():
    return results.compute(load_extract())


def grouping_value(integration, grouping, indicator, year):
    rows = integration.groupings
    row = rows[(rows.grouping == grouping) & (rows.indicator == indicator) & (rows.year == year)]
    assert len(row) == 1, (grouping, indicator, year)
    return float(row.value.iloc[0])


@pytest.mark.parametrize("grouping, indicator, year, pinned", [
    # Central Asia's mutual trade as a share of its members' total trade, first and last year
    ("ca5", indicators.TRADE_SHARE, 2000, 0.0517),
    ("ca5", indicators.TRADE_SHARE, 2020, 0.0944),
    # the same for the Eurasian Economic Union
    ("eaeu", indicators.TRADE_SHARE, 2000, 0.1605),
    ("eaeu", indicators.TRADE_SHARE, 2020, 0.1478),
    # Central Asia's regional trade introversion index in 2020
    ("ca5", indicators.INTROVERSION, 2020, 0.9333),
    # Central Asia's trade intensity in 2020 (S over the members' share of world trade)
    ("ca5", indicators.TRADE_INTENSITY, 2020, 23.9662),
    # Central Asia's mutual trade T_RR in 2020, US$ millions
    ("ca5", indicators.MUTUAL_TRADE, 2020, 12978.5957),
    # EAEU migrants born in one member and living in another / members' population, 2019
    ("eaeu", indicators.MIGRATION_SHARE, 2019, 0.0430),
    # EAEU mutual trade over GDP at PPP (derived from GDP per person x population), 2020
    ("eaeu", indicators.TRADE_TO_GDP_PPP, 2020, 0.0198),
    # EAEU FDI net inflows over GDP, 2020
    ("eaeu", indicators.FDI_INFLOWS_TO_GDP, 2020, 0.0102),
])
def test_grouping_values(integration, grouping, indicator, year, pinned):
    assert round(grouping_value(integration, grouping, indicator, year), 4) == pinned


def test_pair_value(integration):
    # Kazakhstan-Uzbekistan mutual trade as a share of the two countries' total trade, 2020
    rows = integration.pairs
    row = rows[(rows.iso3_a == "KAZ") & (rows.iso3_b == "UZB")
               & (rows.indicator == indicators.TRADE_SHARE) & (rows.year == 2020)]
    assert round(float(row.value.iloc[0]), 4) == 0.0490


def test_bilateral_values_by_source(integration):
    bilateral = integration.bilateral
    # one value per ordered pair of study countries and year, 2000-2020
    assert len(bilateral) == 13293
    # taken from the exporter's report / from the importer's report (the exporter's was
    # missing or an IMF estimate) / IMF estimates on both sides
    assert bilateral.source.value_counts().to_dict() == {"exporter": 12397, "importer": 896}
    assert int(bilateral.estimate.sum()) == 0


def test_central_asia_member_contributions(integration):
    # each member's exports to and imports from the other four, share of T_RR, 2020
    parts = integration.contributions("ca5").set_index("year").loc[2020].set_index("iso3")
    assert parts.contribution.round(4).to_dict() == {
        "KAZ": 0.3637, "KGZ": 0.1385, "TJK": 0.0972, "TKM": 0.0455, "UZB": 0.3550}


def test_study_period_runs_from_2000_to_2020(integration):
    trade = integration.groupings[integration.groupings.indicator != indicators.MIGRATION_SHARE]
    assert sorted(trade.year.unique()) == list(range(2000, 2021))
    assert sorted(integration.bilateral.year.unique()) == list(range(2000, 2021))
    assert sorted(integration.totals.year.unique()) == list(range(2000, 2021))
    # every grouping has a trade share in the first and the last year
    shares = integration.grouping_series(indicators.TRADE_SHARE)
    assert shares.loc[[2000, 2020]].notna().all().all()
    # migration keeps its own stock years, including those before the period
    migration = integration.groupings[integration.groupings.indicator == indicators.MIGRATION_SHARE]
    assert sorted(migration.year.unique()) == [1990, 1995, 2000, 2005, 2010, 2015, 2019]


# ---- the factor chapter's study (analysis.measures.factor_study.run on the extract) ----------

@pytest.fixture(scope="module")
def study():
    from analysis.measures import factor_study
    return factor_study.run(load_extract())


def test_factor_study_panel_and_treatment(study):
    # 26 countries x 21 years; fuel exports leave at the MSA step (MSA 0.35 < 0.5)
    assert len(study.treated) == 546
    assert study.variables == ["merchandise_openness", "ores_metals_exports", "manufactures_exports",
                               "gdp_per_head_ppp", "growth", "inflation", "fdi_inflows", "remittances",
                               "rail_per_person", "human_development", "migrant_stock"]
    assert [name for name, _ in study.dropped_msa] == ["fuel_exports"]
    # the JRC rule: four variables beyond |skewness| 2 and kurtosis 3.5, none brought back by five points
    assert study.outliers.index[study.outliers.treatment == "log"].tolist() == [
        "ores_metals_exports", "inflation", "fdi_inflows", "remittances"]
    assert study.outliers.at["fdi_inflows", "tried"].startswith("NLD 2007")
    # absent country-series: Turkmenistan's export structure (one observation), its inflation and
    # remittances, Afghanistan's railways (none)
    absent = (study.kinds[study.candidates] == "absent").groupby(level="iso3").any()
    assert sorted(absent.stack()[lambda s: s].index.tolist()) == [
        ("AFG", "rail_per_person"), ("TKM", "fuel_exports"), ("TKM", "inflation"),
        ("TKM", "manufactures_exports"), ("TKM", "ores_metals_exports"), ("TKM", "remittances")]
    assert len(study.imputations) == 20


def test_factor_study_factors_weights_and_ranks(study):
    assert round(study.kmo, 4) == 0.6642
    assert study.n_factors == 2 and study.factor_count.start == 2
    assert round(study.loadings.at["human_development", "F1"], 4) == 0.9724
    assert round(study.loadings.at["ores_metals_exports", "F2"], 4) == 0.5815
    assert round(study.weights.at["human_development", "weight"], 4) == 0.2454
    assert round(study.weights.at["gdp_per_head_ppp", "weight"], 4) == 0.2386
    assert not study.retention["met"] and round(study.retention["total"], 4) == 0.4261
    kaz = study.bootstrap["ranks"].loc[("KAZ", 2020)]
    assert int(study.index.at[("KAZ", 2020), "rank"]) == 11
    assert (kaz["low"], kaz["median"], kaz["high"]) == (9, 12, 16)


def test_factor_study_uses_the_settings_the_chapter_prints(study):
    # the chapter prints these; fewer draws or another level would change its numbers silently
    from analysis.measures import drivers, factor, factor_study, panel
    assert (factor_study.N_BOOT, factor_study.N_PARALLEL, factor_study.N_IMPUTATIONS) == (1000, 1000, 20)
    assert (drivers.N_WILD, drivers.N_PIPELINE, drivers.LEVEL, drivers.ALPHA) == (9999, 1000, 0.95, 0.05)
    assert study.settings == {"seed": 20231, "n_boot": 1000, "n_parallel": 1000, "msa_threshold": 0.5,
                              "min_coverage": 2 / 3, "n_imputations": 20, "min_observed": 3, "quantile": 0.95}
    assert study.bootstrap["n_boot"] == 1000
    assert factor.PARALLEL_QUANTILE == 0.95
    # today's extract: the panel runs 2000-2020 (high-technology exports end there), in four sub-periods
    assert sorted(set(study.treated.index.get_level_values("year"))) == list(range(2000, 2021))
    assert panel.periods_of(study.treated) == [(2000, 2004), (2005, 2009), (2010, 2014), (2015, 2020)]
    # the drawn arrays have as many replicates as stated
    assert study.associations.pipeline.within.shape == (1000, 4, 2)
    assert study.associations.settings["level"] == 0.95 and study.associations.settings["n_wild"] == 9999


def test_factor_study_first_component_scenario_by_hand(study):
    # the robustness scenario "first principal component": the eigenvector of the largest
    # eigenvalue of the correlation matrix, here taken as the first right singular vector of z
    import numpy as np
    import pandas as pd
    from analysis.measures import factor, panel
    z = panel.standardise(study.treated)[study.variables]
    vector = np.linalg.svd(z.to_numpy(), full_matrices=False)[2][0]
    score = pd.Series(z.to_numpy() @ vector, index=z.index)
    if np.corrcoef(score, study.index.score)[0, 1] < 0:
        score = -score
    years = pd.Series(z.index.get_level_values("year"), index=z.index)
    assert (study.scenario_ranks["first_component"] == factor.ranks(score, years)).all()
    robustness = study.robustness.set_index("scenario")
    assert round(robustness.at["first_component", "spearman"], 4) == 0.9446
    assert round(robustness.at["equal_weights", "spearman"], 4) == 0.8988
    assert robustness.at["first_component", "max_abs_shift"] == 11
