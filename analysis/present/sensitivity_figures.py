"""Figures and tables of the sections "Uncertainty and sensitivity" and "Outcomes versus
characteristics" of the chapter "What drives integration"."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import MaxNLocator

from analysis.measures import sensitivity
from analysis.present import plotting
from analysis.present.i18n import country_name, t
from analysis.present.plotting import PALETTE


def input_label(name: str, lang: str) -> str:
    return t(f"gsa.input.{name}", lang)


def rank_distribution(distribution: pd.DataFrame, lang: str):
    """Each country's median rank over all combinations (dot), its 5th-95th percentile
    interval (bar) and the book's index rank (cross); sorted by median, best on top."""
    data = distribution.iloc[::-1]
    colour = sns.color_palette(PALETTE)[0]
    figure, axes = plt.subplots(figsize=(plotting.BOOK_WIDTH, 0.3 * len(data) + 1.6))
    y = np.arange(len(data))
    axes.hlines(y, data.p05, data.p95, color=colour, alpha=0.45, linewidth=5, label=t("gsa.label.interval", lang))
    axes.plot(data["median"], y, "o", color="black", markersize=4, label=t("gsa.label.median_rank", lang))
    axes.plot(data["nominal"], y, "x", color=sns.color_palette(PALETTE)[3], markersize=6, markeredgewidth=1.5,
              label=t("gsa.label.nominal_rank", lang))
    axes.set_yticks(y, [country_name(c, lang) for c in data.index], fontsize=8)
    axes.set_xlabel(t("factor.label.rank", lang))
    axes.set_xlim(len(data) + 0.5, 0.5)  # best rank on the right
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    plotting.locale_axis(axes.xaxis, lang)
    axes.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=8)
    figure.tight_layout()
    return figure


def outcome_scatter(outcome: pd.Series, characteristics: pd.Series, lang: str, labelled: list[str]):
    """Countries in one year: the characteristics composite (x) against the
    integration-outcome composite (y); the countries in ``labelled`` are named."""
    figure, axes = plt.subplots(figsize=(plotting.BOOK_WIDTH, 5.2))
    colour = sns.color_palette(PALETTE)[0]
    axes.scatter(characteristics, outcome.reindex(characteristics.index), color=colour, s=28)
    right_edge = characteristics.min() + 0.85 * (characteristics.max() - characteristics.min())
    for iso3 in labelled:
        # names of the rightmost points go to their left, so they stay inside the axes
        left = characteristics[iso3] > right_edge
        axes.annotate(country_name(iso3, lang), (characteristics[iso3], outcome[iso3]), xytext=(-5 if left else 5, 4),
                      textcoords="offset points", fontsize=8, ha="right" if left else "left")
    axes.set_xlabel(t("outcome.label.characteristics_index", lang))
    axes.set_ylabel(t("outcome.label.outcome_index", lang))
    plotting.locale_axis(axes.xaxis, lang)
    plotting.locale_axis(axes.yaxis, lang)
    figure.tight_layout()
    return figure


def sobol_table(indices: dict[str, pd.DataFrame], lang: str) -> pd.DataFrame:
    """One row per output and input: first-order and total indices, their confidence
    half-widths and the exact values of the full factorial."""
    rows = []
    for output, table in indices.items():
        for name, row in table.iterrows():
            label = (t("gsa.output.mean_shift", lang) if output == "mean_shift" else
                     t("gsa.output.rank", lang, country=country_name(output.split("_", 1)[1], lang)))
            rows.append({t("gsa.col.output", lang): label,
                         t("gsa.col.input", lang): input_label(name, lang),
                         t("gsa.col.s1", lang): row.S1, t("gsa.col.s1_conf", lang): row.S1_conf,
                         t("gsa.col.st", lang): row.ST, t("gsa.col.st_conf", lang): row.ST_conf,
                         t("gsa.col.s1_exact", lang): row.S1_exact, t("gsa.col.st_exact", lang): row.ST_exact})
    return pd.DataFrame(rows)


def levels_table(levels: dict[str, list], lang: str) -> pd.DataFrame:
    """The inputs and their levels, in words."""
    rows = []
    for name in sensitivity.INPUTS:
        values = levels[name]
        if name == "imputation":
            text = t("gsa.level.imputation", lang, n=len(values))
        elif name == "factors":
            text = ", ".join(str(v) for v in values)
        else:
            text = "; ".join(t(f"gsa.level.{v}", lang) for v in values)
        rows.append({t("gsa.col.input", lang): input_label(name, lang), t("gsa.col.levels", lang): text})
    return pd.DataFrame(rows)
