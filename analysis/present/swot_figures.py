"""How the SWOT synthesis reaches the reader: its numbers in each language, the evidence
small multiples, the SWOT board, and the rank-stability chart."""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D

from analysis.measures import swot
from analysis.present.i18n import catalogue, country_name, format_number, format_percent, plural, t
from analysis.present import numbers
from analysis.present.plotting import PALETTE, locale_axis

VERDICT_COLOURS = dict(zip(["supported", "mixed", "contradicted", "no_data"],
                           [sns.color_palette(PALETTE)[i] for i in (2, 1, 4, 7)]))


TICK_CHARACTERS = 24  # characters of a 7-point tick label that fit under one small panel

SYMBOLS = {"supported": "✓", "mixed": "±", "contradicted": "✗", "no_data": "·"}


def value_text(value: float, unit: str, lang: str) -> str:
    """One evidence value as the reader sees it."""
    if unit == "share":
        return format_percent(value, lang)
    if unit == "count":
        return format_number(value, lang, 0)
    if unit == "points":
        return t("swot.unit.points", lang, value=format_number(value, lang, 1))
    return format_number(value, lang, 2)


AMOUNT_DECIMALS = {"percentage_points": 1, "index_points": 2, "ratio": 2}


def margin_amount_text(unit: str, amount: float, lang: str) -> str:
    """A verdict's margin with its unit named (:func:`analysis.measures.swot_rules.margin_unit`):
    "1 country", "3 years", "4.8 percentage points", "0.07 index points"."""
    if unit in AMOUNT_DECIMALS:
        return t(f"swot.margin_unit.{unit}", lang, value=format_number(amount, lang, AMOUNT_DECIMALS[unit]))
    return plural(numbers.round_half_up(amount), f"count.{unit}", lang)


SIGNED = {"change", "gap"}  # differences: a plus sign says which way they go


def finding_text(finding: swot.Finding, unit: str, lang: str) -> str:
    """All values of a finding: "63.5%", "+11.6%" or "WTO: 63.5%; DESTA: 61.9%"."""
    def shown(key, value):
        text = value_text(value, unit, lang)
        return "+" + text if key in SIGNED and value > 0 else text
    if len(finding.values) == 1:
        return shown(*next(iter(finding.values.items())))
    return "; ".join(f"{t(f'swot.value.{key}', lang)}: {shown(key, value)}" for key, value in finding.values.items())


def threshold_text(evidence: swot.Evidence, lang: str) -> str:
    """The rule's two thresholds, e.g. "≥ 60.0% supports; ≤ 40.0% contradicts"."""
    up = evidence.supported_at > evidence.contradicted_at
    return t("swot.rule", lang, supported=("≥ " if up else "≤ ") + value_text(evidence.supported_at, evidence.unit, lang),
             contradicted=("≤ " if up else "≥ ") + value_text(evidence.contradicted_at, evidence.unit, lang))


def group_summary(assessment: pd.DataFrame, group: str, lang: str) -> str:
    rows = assessment[assessment.group == group]
    measured = int((rows.verdict != "no_data").sum())
    return t("swot.group_summary", lang, measured=format_number(measured, lang, 0),
             supported=format_number(int((rows.verdict == "supported").sum()), lang, 0))


CURRENCY_SERIES = {"depreciation"}  # series whose points are currencies, held by their issuer's code


def _label(index_value, lang: str, series: str = "") -> str:
    """A point of an evidence series in the reader's language: a currency (a point of a
    depreciation series, stored under its issuer's code: DEU for the euro), a country, a
    grouping, a category of the catalogue, or a year or month as it is."""
    text = str(index_value)
    if series in CURRENCY_SERIES:
        key = f"after_2020.major_currency.{text}"
        if key not in catalogue():
            raise KeyError(f"catalogue.yml: no currency name {key} for the {series} series' point {text}")
        return t(key, lang)
    if len(text) == 3 and text.isupper():
        return country_name(text, lang)
    for key in (f"grouping.{text}", f"swot.value.{text}"):
        if key in catalogue():
            return t(key, lang)
    return text


def evidence_series(findings: dict[str, swot.Finding], lang: str) -> pd.DataFrame:
    """The series of the evidence panels in long form, for download: item, series,
    point (year, month, country, currency or category) and value, with the comparison line."""
    rows = []
    for code, finding in findings.items():
        for key, series in finding.series.items():
            for point, value in series.dropna().items():
                name = t(f"swot.value.{key}", lang) if len(finding.series) > 1 else ""
                rows.append({"swot.col.code": code, "swot.col.series": name,
                             "swot.col.point": _label(point, lang, key), "swot.col.value": float(value),
                             "swot.col.comparison_line": finding.lines.get(key, np.nan)})
    return pd.DataFrame(rows).rename(columns=lambda key: t(key, lang))


def evidence_multiples(table: swot.SwotTable, findings: dict[str, swot.Finding], lang: str):
    """One small panel per series behind a verdict: a line over time, or sorted bars for
    a cross-section of countries or groupings, with the comparison line where there is one."""
    panels = [(code, key) for code, finding in findings.items() for key in finding.series]
    columns = 4
    rows = -(-len(panels) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(10, 2.3 * rows), squeeze=False)
    colour = sns.color_palette(PALETTE)[0]
    for axis, (code, key) in zip(axes.flat, panels):
        finding = findings[code]
        series = finding.series[key].dropna()
        over_time = all(isinstance(i, (int, np.integer)) for i in series.index) or \
            all(isinstance(i, str) and len(i) == 7 and i[4] == "-" for i in series.index)
        if over_time:
            x = [int(i[:4]) + (int(i[5:]) - 1) / 12 if isinstance(i, str) else int(i) for i in series.index]
            axis.plot(x, series.to_numpy(), color=colour, linewidth=1.4)
            axis.set_xticks([int(min(x)), int(max(x))], [str(int(min(x))), str(int(max(x)))])
        else:
            axis.bar(range(len(series)), series.to_numpy(), color=colour)
            if len(series) <= 3:
                # each label wrapped to the width of its bar's slot, so neighbours never meet
                width = TICK_CHARACTERS // len(series)
                axis.set_xticks(range(len(series)), [textwrap.fill(_label(i, lang, key), width, break_long_words=False)
                                                     for i in series.index], fontsize=7)
            else:
                axis.set_xticks([])
        if key in finding.lines and not np.isnan(finding.lines[key]):
            axis.axhline(finding.lines[key], color="black", linestyle="--", linewidth=0.9)
        name = t(f"swot.value.{key}", lang) if len(finding.series) > 1 else ""
        verdict = t(f"swot.verdict.{swot.verdict(finding.values, table.items[code].evidence.supported_at, table.items[code].evidence.contradicted_at)}", lang)
        axis.set_title(f"{code}{' · ' + name if name else ''}\n{verdict}", fontsize=8.5)
        axis.tick_params(labelsize=7)
        locale_axis(axis.yaxis, lang)
    for axis in list(axes.flat)[len(panels):]:
        axis.set_visible(False)
    figure.tight_layout()
    return figure


def swot_board(table: swot.SwotTable, assessment: pd.DataFrame, global_priorities: pd.Series, lang: str):
    """The 2x2 board: each quadrant one group, one row per item with a square in its
    verdict's colour and symbol, and a bar for its global priority when it is ranked."""
    figure = plt.figure(figsize=(9, 11.5))
    grid = figure.add_gridspec(2, 2, height_ratios=[11, 20], hspace=0.2, wspace=0.3)
    verdict_of = dict(zip(assessment.code, assessment.verdict))
    limit = float(global_priorities.max()) * 1.35
    for position, group in zip([(0, 0), (0, 1), (1, 0), (1, 1)], swot.GROUPS):
        axis = figure.add_subplot(grid[position])
        codes = [code for code in table.items if code.startswith(group)][::-1]
        values = [global_priorities.get(code, 0.0) for code in codes]
        # bars as thick on the page in every quadrant, whatever the number of items
        tallest = max(swot.GROUP_SIZES[other] for other in (("S", "W") if group in "SW" else ("O", "T")))
        axis.barh(range(len(codes)), values, height=0.7 * len(codes) / tallest, color=[VERDICT_COLOURS[verdict_of[c]] for c in codes],
                  edgecolor="black", linewidth=0.4)
        axis.scatter([-limit * 0.03] * len(codes), range(len(codes)), marker="s", s=60, clip_on=False, zorder=3,
                     color=[VERDICT_COLOURS[verdict_of[c]] for c in codes], edgecolor="black", linewidth=0.4)
        for row, (code, value) in enumerate(zip(codes, values)):
            text = format_number(value, lang, 3) if code in global_priorities.index else t("swot.not_ranked_short", lang)
            axis.text(value + limit * 0.01, row, text, va="center", fontsize=8)
        axis.set_yticks(range(len(codes)), [f"{c} {SYMBOLS[verdict_of[c]]}" for c in codes], fontsize=9)
        axis.tick_params(axis="y", pad=14)
        axis.set_ylim(-0.6, len(codes) - 0.4)
        axis.set_xlim(0, limit)
        axis.set_title(t(f"swot.group.{group}", lang), fontsize=11)
        axis.set_xlabel(t("swot.label.global_priority", lang), fontsize=8.5)
        axis.tick_params(axis="x", labelsize=7.5)
        locale_axis(axis.xaxis, lang)
    handles = [Line2D([], [], linestyle="", marker="s", markersize=9, markerfacecolor=colour, markeredgecolor="black",
                      label=f"{SYMBOLS[name]} {t(f'swot.verdict.{name}', lang)}")
               for name, colour in VERDICT_COLOURS.items()]
    figure.legend(handles=handles, loc="lower center", ncol=4, frameon=False, bbox_to_anchor=(0.5, 0.0))
    figure.subplots_adjust(left=0.1, right=0.97, top=0.96, bottom=0.08)
    return figure


def rank_intervals(stability: pd.DataFrame, labels: dict[str, str], lang: str, axis_label: str):
    """Each element's baseline rank (dot) and the 5th-95th percentile range of its rank
    under perturbed judgements (line), with the share of draws that keep the rank."""
    figure, axis = plt.subplots(figsize=(9, 0.42 * len(stability) + 1.3))
    rows = range(len(stability))[::-1]
    colour = sns.color_palette(PALETTE)[0]
    for row, (code, entry) in zip(rows, stability.iterrows()):
        axis.plot([entry.low, entry.high], [row, row], color=colour, linewidth=3, alpha=0.5, solid_capstyle="round")
        axis.plot(entry["rank"], row, "o", color="black", markersize=5)
        axis.text(len(stability) + 0.8, row, format_percent(entry.kept, lang, 0), va="center", fontsize=8)
    axis.set_yticks(list(rows), ["\n".join(textwrap.wrap(labels[c], 60)) for c in stability.index], fontsize=8)
    axis.set_xlim(0.5, len(stability) + 2.2)
    axis.set_xticks(range(1, len(stability) + 1), [str(rank) for rank in range(1, len(stability) + 1)])
    axis.set_xlabel(axis_label)
    axis.set_title(t("swot.label.kept", lang), loc="right", fontsize=8.5)
    figure.tight_layout()
    return figure


def margin_text(row, lang: str) -> str:
    """What flips an item's verdict (a row of the assessment): the amount in its named
    unit, the verdict it flips to, and the fragile mark; "—" without data."""
    if row.verdict == "no_data":
        return "—"
    text = f"{margin_amount_text(row.margin_unit, row.margin_in_unit, lang)} → {t(f'swot.verdict.{row.flips_to}', lang)}"
    return text + (f" ({t('swot.fragile', lang)})" if row.fragile else "")


def evidence_thresholds(assessment: pd.DataFrame, findings: dict, table: swot.SwotTable, lang: str) -> pd.DataFrame:
    """One row per value a verdict reads: the item, the value (its name when the item has
    several), the two thresholds of the rule, the threshold that decides the verdict (the
    one the margin is measured to), the unit, the verdict and the margin; for download
    and for the interactive chart of the evidence. Items without data are left out."""
    rows = []
    for row in assessment.itertuples():
        if row.verdict == "no_data":
            continue
        evidence = table.items[row.code].evidence
        deciding = row.verdict if row.verdict != "mixed" else row.flips_to
        threshold = evidence.supported_at if deciding == "supported" else evidence.contradicted_at
        values = findings[row.code].values
        for key, value in values.items():
            rows.append({
                "swot.col.code": row.code, "chart.swot.group": t(f"swot.group.{row.group}", lang),
                "swot.col.item": table.items[row.code].label[lang],
                "chart.swot.value_name": t(f"swot.value.{key}", lang) if len(values) > 1 else "",
                "chart.swot.statistic": float(value), "chart.swot.supported_at": float(evidence.supported_at),
                "chart.swot.contradicted_at": float(evidence.contradicted_at), "chart.swot.deciding": float(threshold),
                "col.unit": t(f"chart.swot.unit.{evidence.unit}", lang),
                "swot.col.verdict": t(f"swot.verdict.{row.verdict}", lang), "swot.col.margin": margin_text(row, lang)})
    return pd.DataFrame(rows).rename(columns=lambda key: t(key, lang))
