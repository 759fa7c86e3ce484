"""The interactive charts' specifications (``analysis.present.interactive``) and how the
site publishes them (``tooling/sphinx_ext/interactive_charts.py``): built on the real
extract's CSV files as the indicators chapter publishes them, every field a chart reads
is a column of its file, the data is read from that file and never inlined, the titles,
controls and descriptions are in the edition's language, and numbers in the description
follow the edition's locale."""
from __future__ import annotations

import base64
import json
import re

import pandas as pd
import pytest
from sphinx.errors import ExtensionError

from analysis.data import reference
from analysis.data.load import load_extract
from analysis.measures import results
from analysis.present import downloads, interactive
from analysis.present.i18n import LANGUAGES, country_name, t
from tooling.sphinx_ext import interactive_charts


@pytest.fixture(scope="module")
def integration():
    return results.compute(load_extract())


def grouping_file(integration, lang: str) -> pd.DataFrame:
    """The indicators chapter's file of the groupings (indicators-by-grouping-<lang>.csv)."""
    long = integration.groupings
    return pd.DataFrame({t("label.grouping", lang): [t(f"grouping.{g}", lang) for g in long.grouping],
                         t("label.year", lang): long.year,
                         t("col.indicator", lang): [t(f"indicator.{i}", lang) for i in long.indicator],
                         t("col.value", lang): long.value})


def pair_file(integration, lang: str) -> pd.DataFrame:
    pairs = integration.pairs[integration.pairs.indicator == "trade_share"]
    return pd.DataFrame({t("download.col.country_a", lang): [country_name(c, lang) for c in pairs.iso3_a],
                         t("download.col.country_b", lang): [country_name(c, lang) for c in pairs.iso3_b],
                         t("download.col.iso3_a", lang): pairs.iso3_a, t("download.col.iso3_b", lang): pairs.iso3_b,
                         t("label.year", lang): pairs.year, t("indicator.trade_share", lang): pairs.value})


def pair_file_by_year(integration, lang: str) -> pd.DataFrame:
    """The pair chart's file (pair-trade-shares-by-year-<lang>.csv): a column per year."""
    long = pair_file(integration, lang)
    return interactive.one_column_per_year(long, list(long.columns[:4]), t("label.year", lang),
                                           t("indicator.trade_share", lang))


def fields(spec) -> set[str]:
    """Every field an encoding reads, unescaped."""
    found = set()
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "field" and isinstance(value, str):
                found.add(re.sub(r"\\(.)", r"\1", value))
            else:
                found |= fields(value)
    elif isinstance(spec, list):
        for item in spec:
            found |= fields(item)
    return found


def urls(spec) -> list[str]:
    if isinstance(spec, dict):
        own = [spec["data"]["url"]] if isinstance(spec.get("data"), dict) and "url" in spec["data"] else []
        return own + [u for v in spec.values() for u in urls(v)]
    if isinstance(spec, list):
        return [u for v in spec for u in urls(v)]
    return []


def has_values(spec) -> bool:
    """Data written into the specification: inline ``data.values`` or named ``datasets``."""
    if isinstance(spec, dict):
        inline = isinstance(spec.get("data"), dict) and ("values" in spec["data"] or "name" in spec["data"])
        return inline or "datasets" in spec or any(has_values(v) for v in spec.values())
    return isinstance(spec, list) and any(has_values(v) for v in spec)


def charts(integration, lang):
    order = [country_name(code, lang) for code in reference.display_order()]
    yield grouping_file(integration, lang), interactive.indicators_over_time(
        grouping_file(integration, lang), f"indicators-by-grouping-{lang}.csv", lang)
    yield pair_file_by_year(integration, lang), interactive.pair_heatmap(
        pair_file_by_year(integration, lang), f"pair-trade-shares-by-year-{lang}.csv", lang, order=order)


def computed(spec) -> tuple[set[str], set[str]]:
    """The fields a chart's transforms make (fold's and calculate's ``as``) and the
    columns its folds read."""
    made, folded = set(), set()
    if isinstance(spec, dict):
        if "fold" in spec:
            folded |= {re.sub(r"\\(.)", r"\1", f) for f in spec["fold"]}
            made |= set(spec.get("as", []))
        if "calculate" in spec:
            made.add(spec["as"])
        for value in spec.values():
            more_made, more_folded = computed(value)
            made, folded = made | more_made, folded | more_folded
    elif isinstance(spec, list):
        for item in spec:
            more_made, more_folded = computed(item)
            made, folded = made | more_made, folded | more_folded
    return made, folded


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_field_is_a_column_of_the_file_and_the_data_is_not_inlined(integration, lang):
    for frame, chart in charts(integration, lang):
        made, folded = computed(chart.spec)
        assert folded <= set(frame.columns), f"{chart.name} folds {folded - set(frame.columns)}"
        used = fields(chart.spec) - made
        assert used and used <= set(frame.columns), f"{chart.name}: {used - set(frame.columns)}"
        assert set(urls(chart.spec)) == {chart.csv}
        assert not has_values(chart.spec), f"{chart.name}: data inlined in the specification"
        assert len(json.dumps(chart.spec)) < 20_000


@pytest.mark.parametrize("lang", LANGUAGES)
def test_titles_and_controls_are_in_the_edition_s_language(integration, lang):
    for _, chart in charts(integration, lang):
        text = json.dumps(chart.spec, ensure_ascii=False)
        bindings = re.findall(r'"name": "([^"]+)"', json.dumps([p.get("bind", {}) for p in chart.spec["params"]],
                                                                ensure_ascii=False))
        assert bindings and all(name.strip().endswith(":") for name in bindings)
        assert t("label.year", lang) in text
        assert chart.spec["description"] == chart.description
    indicators = next(charts(integration, lang))[1].spec
    assert t("label.grouping", lang) in json.dumps(indicators, ensure_ascii=False)
    assert t("chart.all_groupings", lang) in json.dumps(indicators, ensure_ascii=False)
    if lang != "en":
        assert "Grouping" not in json.dumps(indicators) and "Year" not in json.dumps(indicators)


def test_descriptions_carry_numbers_in_the_edition_s_locale(integration):
    ru = next(charts(integration, "ru"))[1].description
    en = next(charts(integration, "en"))[1].description
    assert re.search(r"\d,\d\u00a0%", ru) and not re.search(r"\d\.\d", ru)
    assert re.search(r"\d\.\d%", en)
    assert "2000–2020" in ru and "2000–2020" in en


@pytest.mark.parametrize("lang, pair", [("ru", "Германия\u00a0— Нидерланды"), ("kk", "Германия мен Нидерланды жұбы"),
                                        ("en", "Germany–Netherlands")])
def test_the_pair_with_the_highest_share_is_named_as_the_edition_writes_a_pair(integration, lang, pair):
    # golden: the pair leading in 2020 on the real extract, its names joined as the routes' borders are
    description = list(charts(integration, lang))[1][1].description
    assert pair in description and " – " not in description


def test_a_missing_column_names_the_file_and_the_column(integration):
    frame = grouping_file(integration, "en").drop(columns=["Value"])
    with pytest.raises(interactive.ChartError, match=r"indicators-by-grouping-en\.csv.*'Value'"):
        interactive.indicators_over_time(frame, "indicators-by-grouping-en.csv", "en")


def test_the_pair_chart_file_holds_the_long_file_s_shares_in_half_its_size(integration):
    long, wide = pair_file(integration, "kk"), pair_file_by_year(integration, "kk")
    keys, year, share = list(long.columns[:4]), t("label.year", "kk"), t("indicator.trade_share", "kk")
    assert len(wide) == len(long.drop_duplicates(keys)) == 325
    folded = wide.melt(id_vars=keys, var_name=year, value_name=share).dropna(subset=[share])
    folded[year] = folded[year].astype(int)
    merged = long.dropna(subset=[share]).merge(folded, on=keys + [year], suffixes=("", "_wide"))
    assert len(merged) == long[share].notna().sum() and (merged[share] == merged[share + "_wide"]).all()
    size = lambda frame: len(frame.to_csv(index=False).encode("utf-8"))  # noqa: E731
    assert size(wide) < size(long) / 2


def test_a_country_outside_the_display_order_is_refused(integration):
    frame = pair_file_by_year(integration, "en")
    with pytest.raises(interactive.ChartError, match="Kazakhstan"):
        interactive.pair_heatmap(frame, "pair-trade-shares-en.csv", "en",
                                 order=[c for c in (country_name(i, "en") for i in reference.display_order())
                                        if c != "Kazakhstan"])


def test_dots_and_brackets_in_a_column_name_are_escaped():
    assert interactive.field("GDP (U.S. $) [x]") == r"GDP (U\.S\. $) \[x\]"
    assert interactive.datum('say "a"') == 'datum["say \\"a\\""]'


def _block(spec: dict, csv: str = "x-en.csv") -> str:
    chart = interactive.Chart("x-chart", spec, csv, "A description.")
    return interactive.embed(chart, "en", replaces="fig-x").data


def test_the_block_carries_the_specification_locale_description_and_data_link():
    block = _block({"data": {"url": "x-en.csv"}, "mark": "point"})
    assert 'id="chart-x-chart"' in block and 'data-replaces="fig-x"' in block
    assert "A description." in block and 'href="x-en.csv"' in block
    payload = re.search(r'data-spec="data:application/json;base64,([^"]+)"', block)[1]
    assert json.loads(base64.b64decode(payload)) == {"data": {"url": "x-en.csv"}, "mark": "point"}
    assert "&quot;decimal&quot;:&quot;.&quot;" in block


def test_the_site_writes_the_specification_next_to_the_page_and_points_it_at_the_page_s_file():
    block = _block({"layer": [{"data": {"url": "x-en.csv"}}], "mark": "point"})
    text, files = interactive_charts.rewrite(block, {"x-en.csv"}, "page", "chapters/page")
    assert 'data-spec-url="page/x-chart.vl.json"' in text and "base64" not in text
    assert 'href="page/x-en.csv"' in text
    assert json.loads(files["x-chart.vl.json"]) == {"layer": [{"data": {"url": "page/x-en.csv"}}], "mark": "point"}


def test_a_chart_reading_a_file_the_page_does_not_publish_stops_the_build():
    with pytest.raises(ExtensionError, match="chapters/page: chart 'x-chart' reads 'x-en.csv'"):
        interactive_charts.rewrite(_block({"data": {"url": "x-en.csv"}}), {"other.csv"}, "page", "chapters/page")


def test_scripts_are_loaded_from_the_site_s_one_copy():
    tags = interactive_charts.script_tags("chapters/indicators")
    assert tags.count("<script") == 4 and 'src="../../_assets/charts/vega.min.js"' in tags
    assert tags.index("vega.min.js") < tags.index("vega-lite.min.js") < tags.index("vega-embed.min.js") < tags.index("charts.js")


@pytest.fixture(scope="module")
def thresholds_en():
    from analysis.measures import swot
    from analysis.present import swot_figures
    extract = load_extract()
    table = swot.load_items()
    assessment, findings = swot.assess(table, extract, results.compute(extract))
    return {lang: swot_figures.evidence_thresholds(assessment, findings, table, lang) for lang in LANGUAGES}, assessment


def test_the_thresholds_file_holds_each_value_and_the_threshold_that_decides(thresholds_en):
    tables, assessment = thresholds_en
    frame = tables["en"].set_index(["Code", "Value"])
    measured = set(assessment.code[assessment.verdict != "no_data"])
    assert set(frame.index.get_level_values(0)) == measured
    # S1 is ambiguous and nearer to being inconsistent (-0.1); S3 is consistent from 10 agreements
    assert frame.loc[("S1", ""), ["Consistent at", "Inconsistent at", "Deciding threshold"]].tolist() == [0.1, -0.1, -0.1]
    assert frame.loc[("S3", "WTO"), "Deciding threshold"] == 10.0
    assert frame.loc[("S3", "WTO"), "Statistic"] == 39.0 and frame.loc[("S3", "DESTA"), "Statistic"] == 60.0
    assert frame.loc[("S1", ""), "Verdict"] == "ambiguous" and "→ inconsistent" in frame.loc[("S1", ""), "Margin: what flips the verdict"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_swot_chart_reads_its_file_in_the_edition_s_language(thresholds_en, lang):
    frame = thresholds_en[0][lang]
    chart = interactive.swot_evidence(frame, f"swot-thresholds-{lang}.csv", lang)
    computed = {"row", "drawn", "decides", "beyond", "shown_statistic", "shown_supported", "shown_contradicted"}
    assert fields(chart.spec) - computed <= set(frame.columns)
    assert set(urls(chart.spec)) == {chart.csv} and not has_values(chart.spec)
    text = json.dumps(chart.spec, ensure_ascii=False)
    assert t("chart.swot.title", lang) in text and t("swot.group.T", lang) in text
    assert t("chart.swot.choose_group", lang) in text
    n = frame[t("swot.col.code", lang)].nunique()
    assert re.search(rf"(?<![\d,]){n}(?!\d|,\d)", chart.description)


def index_files(lang: str):
    """A hand-made index file and factor-score file: three countries, two years."""
    country, iso, year = t("col.country", lang), t("download.col.iso3", lang), t("label.year", lang)
    index = pd.DataFrame({country: ["A", "B", "C"] * 2, iso: ["KAZ", "CHN", "RUS"] * 2, year: [2019] * 3 + [2020] * 3,
                          t("factor.col.score", lang): [60.0, 50.0, 40.0, 61.25, 39.5, 52.0],
                          t("factor.col.rank", lang): [1, 2, 3, 1, 3, 2], t("factor.col.median_rank", lang): [1, 2, 3, 1, 3, 2],
                          t("factor.col.rank_low", lang): [1, 1, 2, 1, 2, 1], t("factor.col.rank_high", lang): [2, 3, 3, 2, 3, 3]})
    scores = pd.DataFrame({iso: ["KAZ", "CHN", "RUS"] * 2, year: [2019] * 3 + [2020] * 3,
                           "F1": [0.1, -0.2, 0.3, 0.2, -0.1, 0.4], "F2": [1.0, 0.5, -0.5, 0.9, 0.4, -0.6]})
    return index, scores


@pytest.mark.parametrize("lang", LANGUAGES)
def test_index_chart_links_the_places_to_a_profile(lang):
    index, scores = index_files(lang)
    chart = interactive.index_ranks(index, f"factor-index-{lang}.csv", scores, f"factor-association-data-{lang}.csv", lang)
    used = fields(chart.spec) - {"score", "shown", t("chart.factor", lang)}
    assert used <= set(index.columns) | set(scores.columns)
    assert set(urls(chart.spec)) == {f"factor-index-{lang}.csv", f"factor-association-data-{lang}.csv"}
    assert not has_values(chart.spec)
    country = next(p for p in chart.spec["params"] if p["name"] == "country")
    assert country["value"] == [{t("download.col.iso3", lang): "KAZ"}]
    assert country["bind"]["options"] == ["KAZ", "CHN", "RUS"] and country["bind"]["labels"] == ["A", "B", "C"]
    # the place of 2020 comes first; the description writes the index in the edition's locale
    assert ("61,3" if lang != "en" else "61.3") in chart.description  # rounded half away from zero, as the book does
    assert ("(39,5)" if lang != "en" else "(39.5)") in chart.description


def test_index_chart_needs_factor_scores():
    index, scores = index_files("en")
    with pytest.raises(interactive.ChartError, match="no factor score columns"):
        interactive.index_ranks(index, "factor-index-en.csv", scores.drop(columns=["F1", "F2"]), "x.csv", "en")
