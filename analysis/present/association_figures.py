"""The figure of the factor chapter's section on the associations with integration."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from analysis.present.factor_figures import factor_label, signed, wrapped
from analysis.present.i18n import t
from analysis.present.plotting import PALETTE


def association_intervals(within: pd.DataFrame, between: pd.DataFrame, names: pd.DataFrame, lang: str):
    """One panel per outcome: for each factor the two-way fixed-effects slope (dot) with
    its t(G - 1) interval (thick) and its whole-pipeline bootstrap interval (thin), and
    the between-country slope (open diamond, just below)."""
    outcomes = list(dict.fromkeys(within.outcome))
    columns = 2
    rows = -(-len(outcomes) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(10, 3.2 * rows + 1.1), sharey=True, sharex=True,
                                squeeze=False)
    colour = sns.color_palette(PALETTE, 1)[0]
    factors = list(names.index)
    y = np.arange(len(factors))[::-1].astype(float)
    for axis, outcome in zip(axes.flat, outcomes):
        inside = within[within.outcome == outcome].set_index("factor").reindex(factors)
        across = between[between.outcome == outcome].set_index("factor").reindex(factors)
        axis.hlines(y + 0.12, inside.ci_low, inside.ci_high, color=colour, linewidth=5, alpha=0.6)
        axis.hlines(y + 0.12, inside.boot_low, inside.boot_high, color="#333333", linewidth=1, zorder=2.5)
        for end in (inside.boot_low, inside.boot_high):
            axis.vlines(end, y + 0.02, y + 0.22, color="#333333", linewidth=1, zorder=2.5)
        axis.scatter(inside.coefficient, y + 0.12, color="black", zorder=3, s=18)
        axis.scatter(across.coefficient, y - 0.18, facecolor="white", edgecolor="black", marker="D", zorder=3, s=22)
        axis.axvline(0, color="grey", linewidth=0.8)
        axis.set_title(wrapped(t(f"factor.outcome.{outcome}", lang), 45), fontsize=10)
        axis.set_yticks(y, [wrapped(factor_label(f, names, lang), 28) for f in factors], fontsize=8)
        axis.set_ylim(-0.6, len(factors) - 0.4)
        axis.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
        axis.xaxis.set_major_formatter(plt.FuncFormatter(lambda value, _: signed(value, lang, 1)))
    for axis in list(axes.flat)[len(outcomes):]:
        axis.set_visible(False)
    handles = [Line2D([], [], color=colour, linewidth=5, alpha=0.6, marker="o", markerfacecolor="black",
                      markeredgecolor="black", markersize=4),
               Line2D([], [], color="#333333", linewidth=1, marker="|", markersize=8),
               Line2D([], [], color="none", marker="D", markerfacecolor="white", markeredgecolor="black",
                      markersize=5)]
    labels = [wrapped(t(key, lang).replace(" %", "\u00a0%"), 40) for key in ("factor.label.within_interval", "factor.label.pipeline_interval",
                                                     "factor.label.between_slope")]
    figure.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, frameon=False)
    figure.supxlabel(t("factor.label.std_slope", lang), fontsize=9, y=0.09)
    figure.tight_layout(rect=(0, 0.1, 1, 1))
    return figure
