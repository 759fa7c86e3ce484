"""Interactive versions of the book's main figures: Vega-Lite specifications built with
Altair, drawn in the reader's browser by vega-embed.

A chart holds no data. Its specification names the CSV file the page already publishes
(:func:`analysis.present.plotting.csv_download`, headers in the edition's language) and
is built from the same table, so every field it uses is checked to be a column of that
file. :func:`embed` returns the block a notebook displays: a container, the chart's text
description, a link to its data and, in a ``data-`` attribute, the specification and the
edition's number locale. On the site the ``interactive_charts`` extension writes the
specification as a JSON file next to the page and adds the scripts; the script swaps
the chart in for the static figure it names, which stays for print, the PDF and readers
without JavaScript.
"""
from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import dataclass

import altair as alt
import pandas as pd

from analysis.present import numbers, vega_locale
from analysis.present.i18n import kk_conjunction_and, t

SPEC_PREFIX = "data:application/json;base64,"
SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
HEIGHT = 360
PERCENT = ".1%"
# legends under the plot: a chart as wide as the page's column keeps its legend in view
BELOW = alt.Legend(orient="bottom", direction="horizontal", columns=3, labelLimit=260)
NUMBER = ",.2f"


class ChartError(ValueError):
    pass


@dataclass(frozen=True)
class Chart:
    """A chart ready to embed: its name (the JSON file's stem), its Vega-Lite
    specification, the CSV file it reads and what it shows, in words."""
    name: str
    spec: dict
    csv: str
    description: str


def field(name: str) -> str:
    """A column name as a Vega-Lite field: dots and brackets would otherwise read as
    nested access."""
    return re.sub(r"([.\[\]\\])", r"\\\1", name)


def datum(name: str) -> str:
    """A column of the current row in a Vega expression."""
    return f"datum[{json.dumps(name, ensure_ascii=False)}]"


def _require(frame: pd.DataFrame, csv: str, *columns: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ChartError(f"{csv}: the chart reads column(s) {missing} that the file does not have "
                         f"(it has {list(frame.columns)})")


def _data(csv: str, numeric: list[str]) -> alt.UrlData:
    return alt.UrlData(url=csv, format=alt.CsvDataFormat(type="csv", parse={field(c): "number" for c in numeric}))


def _spec(chart, description: str) -> dict:
    spec = chart.properties(description=description).to_dict()
    spec.pop("$schema", None)  # vega-embed needs no schema address; the page never fetches it
    return spec


def _format_expr(value: str, percent: str) -> str:
    """A Vega expression writing ``value`` as a percentage when ``percent`` holds, else as
    a number, in the page's locale."""
    return f"({percent}) ? format({value}, '{PERCENT}') : format({value}, '{NUMBER}')"


def indicators_over_time(frame: pd.DataFrame, csv: str, lang: str) -> Chart:
    """Lines of the groupings over the years for one indicator at a time (the file of
    the indicators chapter's groupings: grouping, year, indicator, value). The reader
    chooses the indicator and one grouping or all of them (two drop-down lists), and
    hovers a point for its grouping, year and value. The share of mutual trade is shown
    first."""
    from analysis.present import downloads

    grouping, year, indicator, value = (t("label.grouping", lang), t("label.year", lang), t("col.indicator", lang),
                                        t("col.value", lang))
    _require(frame, csv, grouping, year, indicator, value)
    indicators = list(dict.fromkeys(frame[indicator]))
    groupings = list(dict.fromkeys(frame[grouping]))
    first_indicator = t("indicator.trade_share", lang)
    if first_indicator not in indicators:
        raise ChartError(f"{csv}: no indicator {first_indicator!r} in column {indicator!r}")
    percent = {t(f"indicator.{name}", lang) for name in downloads.INDICATOR_UNITS
               if downloads.INDICATOR_UNITS[name] == "share" and name != "estimate_share"}
    shares = frame[(frame[indicator] == first_indicator) & frame[value].notna()]
    first, last = int(shares[year].min()), int(shares[year].max())
    latest = shares[shares[year] == last].sort_values(value)
    description = t("chart.indicators.description", lang, first=first, last=last,
                    top=latest[grouping].iloc[-1], top_value=numbers.format_percent(latest[value].iloc[-1], lang),
                    bottom=latest[grouping].iloc[0], bottom_value=numbers.format_percent(latest[value].iloc[0], lang))
    chosen = alt.param(name="indicator", value=first_indicator,
                       bind=alt.binding_select(options=indicators, name=t("chart.choose_indicator", lang) + " "))
    only = alt.param(name="grouping", value="",
                     bind=alt.binding_select(options=[""] + groupings, labels=[t("chart.all_groupings", lang)] + groupings,
                                             name=t("chart.choose_grouping", lang) + " "))
    is_percent = f"indexof({json.dumps(sorted(percent & set(indicators)), ensure_ascii=False)}, indicator) >= 0"
    base = (alt.Chart(_data(csv, [year, value]))
            .transform_filter(f"{datum(indicator)} == indicator && isValid({datum(value)}) "
                              f"&& (grouping == '' || {datum(grouping)} == grouping)")
            .transform_calculate(shown=_format_expr(datum(value), is_percent)))
    x = alt.X(field=field(year), type="quantitative", title=year, axis=alt.Axis(format="d", tickMinStep=1), scale=alt.Scale(zero=False))
    y = alt.Y(field=field(value), type="quantitative", title=t("col.value", lang),
              axis=alt.Axis(labelExpr=f"({is_percent}) ? format(datum.value, '.1~%') : format(datum.value, ',.2~f')"))
    colour = alt.Color(field=field(grouping), type="nominal", title=grouping, sort=groupings,
                       scale=alt.Scale(domain=groupings, scheme="tableau10"), legend=BELOW)
    lines = base.mark_line().encode(x=x, y=y, color=colour)
    points = base.mark_point(filled=True, size=45).encode(
        x=x, y=y, color=colour, shape=alt.Shape(field=field(grouping), type="nominal", sort=groupings, legend=None),
        tooltip=[alt.Tooltip(field=field(grouping), type="nominal", title=grouping),
                 alt.Tooltip(field=field(year), type="quantitative", title=year, format="d"),
                 alt.Tooltip(field="shown", type="nominal", title=value)])
    chart = (alt.layer(lines, points).add_params(chosen, only)
             .properties(width="container", height=HEIGHT, title=alt.TitleParams(text=alt.ExprRef("indicator"))))
    return Chart("indicators-over-time", _spec(chart, description), csv, description)


def one_column_per_year(frame: pd.DataFrame, keys: list[str], year: str, value: str) -> pd.DataFrame:
    """``frame``'s ``value`` with one row per ``keys`` and one column per year (named by
    the year): the pair chart's file. Names repeat once per pair instead of once per
    pair and year, which keeps the file a fraction of the long one."""
    wide = frame.pivot(index=keys, columns=year, values=value)
    wide.columns = [str(int(y)) for y in wide.columns]
    return wide.reset_index()


def pair_heatmap(frame: pd.DataFrame, csv: str, lang: str, *, order: list[str]) -> Chart:
    """The share of mutual trade of every pair of countries in one year, chosen with a
    slider (the latest year first); each pair is drawn on both sides of the diagonal.
    ``frame`` has a row per pair and a column per year (:func:`one_column_per_year`); the
    browser folds the years back into a year and a share. ``order`` lists the countries'
    names (as in the file) in the book's display order."""
    first, second, year_column, share = (t("download.col.country_a", lang), t("download.col.country_b", lang),
                                         t("label.year", lang), t("indicator.trade_share", lang))
    _require(frame, csv, first, second)
    year_columns = [c for c in frame.columns if re.fullmatch(r"\d{4}", str(c))]
    years = sorted(int(c) for c in year_columns if frame[c].notna().any())
    if not years:
        raise ChartError(f"{csv}: no column of values named by a year (it has {list(frame.columns)})")
    year = years[-1]
    latest = frame[[first, second, str(year)]].dropna().sort_values(str(year))
    top = latest.iloc[-1]
    description = t("chart.pairs.description", lang, first=years[0], last=year, year=year,
                    pair=t("label.country_pair", lang, a=top[first], b=top[second],
                           and_=kk_conjunction_and(top[first]) if lang == "kk" else ""), value=numbers.format_percent(top[str(year)], lang))
    missing = sorted((set(frame[first]) | set(frame[second])) - set(order))
    if missing:
        raise ChartError(f"{csv}: countries {missing} are not in the display order")
    chosen = alt.param(name="year", value=year,
                       bind=alt.binding_range(min=years[0], max=years[-1], step=1, name=t("chart.choose_year", lang) + " "))
    base = (alt.Chart(_data(csv, year_columns))
            .transform_fold([field(c) for c in year_columns], as_=["column", share])
            .transform_calculate(as_=year_column, calculate="toNumber(datum.column)")
            .transform_filter(f"{datum(year_column)} == year && isValid({datum(share)})"))
    colour = alt.Color(field=field(share), type="quantitative", title=t("chart.share_legend", lang),
                       scale=alt.Scale(scheme="blues", zero=True),
                       legend=alt.Legend(format=".0%", orient="bottom", direction="horizontal", gradientLength=300))
    tooltip = [alt.Tooltip(field=field(first), type="nominal", title=first), alt.Tooltip(field=field(second), type="nominal", title=second),
               alt.Tooltip(field=field(year_column), type="quantitative", title=year_column, format="d"),
               alt.Tooltip(field=field(share), type="quantitative", title=share, format=PERCENT)]
    axis = alt.Axis(labelLimit=140, labelFontSize=10)
    layers = []
    for across, down in ((first, second), (second, first)):  # both halves of the symmetric matrix
        layers.append(base.mark_rect().encode(
            x=alt.X(field=field(across), type="nominal", sort=order, scale=alt.Scale(domain=order), title=None, axis=axis),
            y=alt.Y(field=field(down), type="nominal", sort=order, scale=alt.Scale(domain=order), title=None, axis=axis),
            color=colour, tooltip=tooltip))
    chart = (alt.layer(*layers).add_params(chosen)
             .properties(width="container", height=560,
                         title=alt.TitleParams(text=alt.ExprRef(f"{json.dumps(share, ensure_ascii=False)} + ', ' + year"))))
    return Chart("pair-trade-shares", _spec(chart, description), csv, description)


def embed(chart: Chart, lang: str, *, replaces: str = ""):
    """The block a notebook displays for ``chart``: the text description, the link to
    the data file and an empty container the page's script draws into, with the
    specification and the edition's number locale in ``data-`` attributes. ``replaces``
    names the static figure (its ``:name:``) the drawn chart takes the place of."""
    from IPython.display import HTML

    if not SAFE_NAME.match(chart.name):
        raise ChartError(f"chart name {chart.name!r}: lower-case letters, digits and hyphens only")
    payload = base64.b64encode(json.dumps(chart.spec, ensure_ascii=False, sort_keys=True).encode("utf-8")).decode("ascii")
    attributes = {
        "class": "vega-chart", "id": f"chart-{chart.name}", "data-chart": chart.name,
        "data-spec": SPEC_PREFIX + payload, "data-csv": chart.csv, "data-replaces": replaces,
        "data-locale": vega_locale.format_locale_json(lang), "role": "group",
        "aria-label": t("chart.label", lang),
    }
    opening = " ".join(f'{name}="{html.escape(value)}"' for name, value in attributes.items())
    link = (f'<a class="vega-chart-data" href="{html.escape(chart.csv)}" type="text/csv">'
            f'{html.escape(t("chart.data_link", lang))}: <code>{html.escape(chart.csv)}</code></a>')
    return HTML(f'<div {opening}><div class="vega-chart-view"></div>'
                f'<p class="vega-chart-description" id="chart-{chart.name}-description">{html.escape(chart.description)} {link}</p></div>')


def index_ranks(index: pd.DataFrame, index_csv: str, scores: pd.DataFrame, scores_csv: str, lang: str) -> Chart:
    """The composite index: each country's place in a year (chosen with a slider) with
    the 5th-95th percentile range of its bootstrap places, and below it a linked
    profile of one country (chosen in a list or by clicking its row): its factor scores
    and its place over the years. ``index`` is the factor chapter's file of the index
    (country, ISO code, year, index, place and its range); ``scores`` its file of the
    factor scores by country and year (ISO code, year, F1, F2, ...)."""
    country, iso, year = t("col.country", lang), t("download.col.iso3", lang), t("label.year", lang)
    score, rank, low, high = (t("factor.col.score", lang), t("factor.col.rank", lang), t("factor.col.rank_low", lang),
                              t("factor.col.rank_high", lang))
    _require(index, index_csv, country, iso, year, score, rank, low, high)
    factors = [c for c in scores.columns if re.fullmatch(r"F\d+", str(c))]
    if not factors:
        raise ChartError(f"{scores_csv}: no factor score columns (F1, F2, ...) in {list(scores.columns)}")
    _require(scores, scores_csv, iso, year, *factors)
    years = sorted(int(y) for y in index[year].unique())
    last = years[-1]
    latest = index[index[year] == last].sort_values(rank)
    names = dict(zip(latest[iso], latest[country]))
    home = "KAZ" if "KAZ" in names else latest[iso].iloc[0]
    description = t("chart.index.description", lang, year=last, first=years[0], last=last,
                    top=latest[country].iloc[0], top_value=numbers.format_number(latest[score].iloc[0], lang, 1),
                    bottom=latest[country].iloc[-1], bottom_value=numbers.format_number(latest[score].iloc[-1], lang, 1),
                    n=len(latest), rank=numbers.rank_text(len(latest), lang), country=names[home])
    chosen_year = alt.param(name="year", value=last,
                            bind=alt.binding_range(min=years[0], max=years[-1], step=1, name=t("chart.choose_year", lang) + " "))
    ordered = sorted(names, key=lambda code: names[code])
    picked = alt.selection_point(name="country", fields=[field(iso)], value=[{field(iso): home}], toggle=False, on="click",
                                 bind=alt.binding_select(options=ordered, labels=[names[c] for c in ordered],
                                                         name=t("chart.choose_country", lang) + " "))
    index_data = _data(index_csv, [year, score, rank, low, high])
    places = alt.Scale(domain=[1, len(names)], nice=False)
    tooltip = [alt.Tooltip(field=field(country), type="nominal", title=country), alt.Tooltip(field=field(year), type="quantitative", title=year, format="d"),
               alt.Tooltip(field=field(score), type="quantitative", title=score, format=",.1f"),
               alt.Tooltip(field=field(rank), type="quantitative", title=rank, format="d"),
               alt.Tooltip(field=field(low), type="quantitative", title=low, format="d"), alt.Tooltip(field=field(high), type="quantitative", title=high, format="d")]
    by_rank = alt.Chart(index_data).transform_filter(f"{datum(year)} == year")
    y = alt.Y(field=field(country), type="nominal", sort=alt.EncodingSortField(field=field(rank), order="ascending"), title=None)
    highlight = alt.condition(picked, alt.value("#c0392b"), alt.value("#4c78a8"))
    ranges = by_rank.mark_rule(strokeWidth=2).encode(
        y=y, x=alt.X(field=field(low), type="quantitative", scale=places, title=t("chart.place", lang), axis=alt.Axis(format="d", tickMinStep=1)),
        x2=alt.X2(field=field(high)), color=highlight, tooltip=tooltip)
    dots = (by_rank.mark_point(filled=True, size=90).add_params(picked)
            .encode(y=y, x=alt.X(field=field(rank), type="quantitative", scale=places), color=highlight, tooltip=tooltip))
    ranking = (alt.layer(ranges, dots).add_params(chosen_year)
               .properties(width=560, height=alt.Step(16),
                           title=alt.TitleParams(text=alt.ExprRef(f"{json.dumps(t('chart.index.title', lang), ensure_ascii=False)} + ', ' + year"))))
    factor_name = t("chart.factor", lang)
    profile_scores = (alt.Chart(_data(scores_csv, [year, *factors])).transform_filter(picked)
                      .transform_fold([field(f) for f in factors], as_=[factor_name, "score"])
                      .transform_calculate(shown=f"format(datum.score, '{NUMBER}')")
                      .mark_line(point=True)
                      .encode(x=alt.X(field=field(year), type="quantitative", title=year, axis=alt.Axis(format="d", tickMinStep=1),
                                      scale=alt.Scale(zero=False)),
                              y=alt.Y(field="score", type="quantitative", title=t("chart.factor_score", lang)),
                              color=alt.Color(field=field(factor_name), type="nominal", title=factor_name,
                                              scale=alt.Scale(scheme="dark2"), legend=BELOW),
                              tooltip=[alt.Tooltip(field=field(iso), type="nominal", title=iso),
                                       alt.Tooltip(field=field(year), type="quantitative", title=year, format="d"),
                                       alt.Tooltip(field=field(factor_name), type="nominal", title=factor_name),
                                       alt.Tooltip(field="shown", type="nominal", title=t("chart.factor_score", lang))])
                      .properties(width=250, height=200, title=t("chart.profile_scores", lang)))
    over_time = alt.Chart(index_data).transform_filter(picked)
    time_x = alt.X(field=field(year), type="quantitative", title=year, axis=alt.Axis(format="d", tickMinStep=1), scale=alt.Scale(zero=False))
    places_down = alt.Scale(domain=[len(names), 1], nice=False)
    profile_ranks = (alt.layer(
        over_time.mark_area(opacity=0.25, color="#4c78a8").encode(
            x=time_x, y=alt.Y(field=field(low), type="quantitative", scale=places_down, title=t("chart.place", lang), axis=alt.Axis(format="d")),
            y2=alt.Y2(field=field(high))),
        over_time.mark_line(point=True, color="#c0392b").encode(x=time_x, y=alt.Y(field=field(rank), type="quantitative", scale=places_down),
                                                                tooltip=tooltip))
        .properties(width=250, height=200, title=t("chart.profile_ranks", lang)))
    chart = alt.vconcat(ranking, alt.hconcat(profile_scores, profile_ranks)).resolve_scale(color="independent")
    return Chart("index-ranks", _spec(chart, description), index_csv, description)


def swot_evidence(frame: pd.DataFrame, csv: str, lang: str) -> Chart:
    """Each SWOT item's statistic against the two thresholds of its rule, on one scale
    for all items: 0 is the threshold at which the item is contradicted, 1 the one at
    which it is supported (a value beyond the scale is drawn at its edge as a triangle).
    A line joins the statistic to the threshold that decides its verdict: the margin.
    The reader chooses a group of the SWOT (a drop-down list) and hovers an item for its
    values in their own unit. ``frame`` is the SWOT chapter's file of the thresholds
    (:func:`analysis.present.swot_figures.evidence_thresholds`)."""
    code, group, item, name, statistic, supported, contradicted, deciding, unit, verdict, margin = (
        t(key, lang) for key in ("swot.col.code", "chart.swot.group", "swot.col.item", "chart.swot.value_name",
                                 "chart.swot.statistic", "chart.swot.supported_at", "chart.swot.contradicted_at",
                                 "chart.swot.deciding", "col.unit", "swot.col.verdict", "swot.col.margin"))
    _require(frame, csv, code, group, item, name, statistic, supported, contradicted, deciding, unit, verdict, margin)
    groups = [t(f"swot.group.{g}", lang) for g in "SWOT"]
    verdicts = [t(f"swot.verdict.{v}", lang) for v in ("supported", "mixed", "contradicted")]
    low, high = -1.0, 2.0
    share = t("chart.swot.unit.share", lang)

    def position(column: str) -> str:
        return f"({datum(column)} - {datum(contradicted)}) / ({datum(supported)} - {datum(contradicted)})"

    def written(column: str) -> str:
        return f"{datum(unit)} == {json.dumps(share, ensure_ascii=False)} ? format({datum(column)}, '{PERCENT}') " \
               f": format({datum(column)}, ',.2~f')"

    only = alt.param(name="group", value="",
                     bind=alt.binding_select(options=[""] + groups, labels=[t("chart.swot.all_groups", lang)] + groups,
                                             name=t("chart.swot.choose_group", lang) + " "))
    base = (alt.Chart(_data(csv, [statistic, supported, contradicted, deciding]))
            .transform_filter(f"group == '' || {datum(group)} == group")
            .transform_calculate(row=f"{datum(code)} + ({datum(name)} ? ' · ' + {datum(name)} : '')",
                                 place=position(statistic), decides=position(deciding),
                                 shown_statistic=written(statistic), shown_supported=written(supported),
                                 shown_contradicted=written(contradicted))
            .transform_calculate(drawn=f"clamp(datum.place, {low}, {high})",
                                 beyond=f"datum.place < {low} || datum.place > {high}"))
    rows = alt.Y(field="row", type="nominal", title=None, sort=None, axis=alt.Axis(labelLimit=220))
    scale = alt.Scale(domain=[low, high], nice=False)
    colour = alt.Color(field=field(verdict), type="nominal", title=verdict, legend=BELOW,
                       scale=alt.Scale(domain=verdicts, range=["#2e7d32", "#b8860b", "#c62828"]))
    tooltip = [alt.Tooltip(field=field(code), type="nominal", title=code), alt.Tooltip(field=field(item), type="nominal", title=item),
               alt.Tooltip(field=field(name), type="nominal", title=name), alt.Tooltip(field="shown_statistic", type="nominal", title=statistic),
               alt.Tooltip(field="shown_supported", type="nominal", title=supported), alt.Tooltip(field="shown_contradicted", type="nominal", title=contradicted),
               alt.Tooltip(field=field(verdict), type="nominal", title=verdict), alt.Tooltip(field=field(margin), type="nominal", title=margin)]
    axis = alt.Axis(values=[0, 1], grid=False,
                    labelExpr=f"datum.value == 0 ? {json.dumps(t('chart.swot.refuted_at', lang), ensure_ascii=False)} "
                              f": {json.dumps(t('chart.swot.supported_at_short', lang), ensure_ascii=False)}")
    # the two thresholds: a rule at 0 and at 1 (drawn from the file's rows, which all share them; the
    # axis names them, so screen readers skip the rules)
    thresholds = [base.mark_rule(strokeDash=[4, 3], color="#555", aria=False).encode(x=alt.datum(at, scale=scale)) for at in (0, 1)]
    margins = base.mark_rule(strokeWidth=3, opacity=0.6).encode(
        y=rows, x=alt.X(field="drawn", type="quantitative", scale=scale, title=t("chart.swot.position", lang), axis=axis),
        x2=alt.X2(field="decides"), color=colour, tooltip=tooltip)
    points = base.mark_point(filled=True, size=110, opacity=1).encode(
        y=rows, x=alt.X(field="drawn", type="quantitative", scale=scale), color=colour,
        shape=alt.Shape(field="beyond", type="nominal", legend=None, scale=alt.Scale(domain=[False, True], range=["circle", "triangle-right"])),
        tooltip=tooltip)
    chart = (alt.layer(*thresholds, margins, points)
             .add_params(only)
             .properties(width="container", height=alt.Step(22), title=t("chart.swot.title", lang)))
    description = t("chart.swot.description", lang, n=frame[code].nunique(), rows=len(frame),
                    supported=int(frame.drop_duplicates(code)[verdict].eq(verdicts[0]).sum()),
                    ambiguous=int(frame.drop_duplicates(code)[verdict].eq(verdicts[1]).sum()),
                    contradicted=int(frame.drop_duplicates(code)[verdict].eq(verdicts[2]).sum()))
    return Chart("swot-evidence", _spec(chart, description), csv, description)
