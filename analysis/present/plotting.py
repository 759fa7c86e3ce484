"""One figure style for the whole book, and CSV downloads for every figure and table."""
from __future__ import annotations

import base64
import html

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator
import numpy as np
import pandas as pd
import seaborn as sns
from IPython.display import HTML

from analysis.present.i18n import country_name, t

PALETTE = "colorblind"


def use_book_style() -> None:
    """Seaborn's whitegrid on a transparent-free white canvas so that figures stay
    readable on paper and in the site's dark mode (they keep their own background)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font="DejaVu Sans")
    plt.rcParams.update({
        "figure.dpi": 110, "savefig.dpi": 110, "figure.facecolor": "white", "savefig.facecolor": "white",
        "axes.titleweight": "bold", "svg.hashsalt": "silk-road", "figure.autolayout": False,
    })


def glue_figure(key: str, figure) -> None:
    """Store ``figure`` for pasting into the page (``{glue:figure}``), then close it so
    that it is not shown a second time where it was made."""
    from myst_nb import glue

    glue(key, figure, display=False)
    plt.close(figure)


def csv_download(frame: pd.DataFrame, filename: str, lang: str) -> HTML:
    """A link that downloads ``frame`` as ``filename``; the data travels inside the page
    (a data: URI), so the offline site needs no separate file and no server."""
    payload = base64.b64encode(frame.to_csv(index=False, lineterminator="\n").encode("utf-8")).decode("ascii")
    label = html.escape(t("download.csv", lang))
    return HTML(f'<p class="csv-download"><a download="{html.escape(filename)}" '
                f'href="data:text/csv;charset=utf-8;base64,{payload}">⬇ {label}: {html.escape(filename)}</a></p>')


def estimate_heatmap(shares: pd.DataFrame, lang: str):
    """Heatmap of the share of partner cells that are IMF estimates, by reporter (rows)
    and year (columns); ``shares`` comes from :func:`analysis.data.coverage.estimate_shares`."""
    table = shares.pivot(index="reporter", columns="year", values="cell_share")
    table.index = [country_name(code, lang) for code in table.index]
    table = table.sort_index()
    figure, axes = plt.subplots(figsize=(9, 7.5))
    sns.heatmap(table, ax=axes, cmap="rocket_r", vmin=0, vmax=1, linewidths=0.3, linecolor="white",
                cbar_kws={"label": t("label.estimate_share", lang)})
    axes.set_xlabel(t("label.year", lang))
    axes.set_ylabel("")
    figure.tight_layout()
    return figure


GROUPING_MARKERS = ["o", "s", "D", "^", "v", "P", "X", "*", "h"]


def grouping_lines(series: dict[str, pd.DataFrame], lang: str):
    """One panel per indicator; one line per grouping over the years.

    ``series`` maps an indicator name to a year x grouping frame. Markers as well as
    colours tell the groupings apart, so the figure survives grey-scale printing.
    """
    names = list(series)
    columns = 2
    rows = -(-len(names) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(11, 4.2 * rows), squeeze=False)
    groupings = list(next(iter(series.values())).columns)
    colours = sns.color_palette(PALETTE, len(groupings))
    for axis, name in zip(axes.flat, names):
        table = series[name]
        for index, grouping in enumerate(groupings):
            values = table[grouping].dropna()
            axis.plot(values.index, values.to_numpy(), marker=GROUPING_MARKERS[index % len(GROUPING_MARKERS)],
                      markersize=4, color=colours[index], label=t(f"grouping.{grouping}", lang))
        axis.set_title(t(f"indicator.{name}", lang), fontsize=11)
        axis.set_xlabel(t("label.year", lang))
        axis.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    for axis in list(axes.flat)[len(names):]:
        axis.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=3, frameon=False, bbox_to_anchor=(0.5, -0.02))
    figure.tight_layout(rect=(0, 0.07, 1, 1))
    return figure


def pair_heatmap(matrix: pd.DataFrame, order: list[str], lang: str, label: str, *, diverging: bool = False):
    """Country x country heatmap of a pair measure (symmetric; the diagonal is empty)."""
    table = matrix.reindex(index=order, columns=order)
    names = [country_name(code, lang) for code in order]
    table.index, table.columns = names, names
    figure, axes = plt.subplots(figsize=(10.5, 9))
    limit = float(np.nanmax(np.abs(table.to_numpy()))) if diverging else None
    sns.heatmap(table, ax=axes, cmap="vlag" if diverging else "mako_r", center=0 if diverging else None,
                vmin=-limit if diverging else 0, vmax=limit, square=True, linewidths=0.2, linecolor="white",
                cbar_kws={"label": label, "shrink": 0.7})
    axes.set_xlabel("")
    axes.set_ylabel("")
    figure.tight_layout()
    return figure


def contribution_bars(contributions: pd.DataFrame, years: list[int], lang: str):
    """Each member's part in its group's mutual trade, side by side for ``years``."""
    data = contributions[contributions.year.isin(years)].assign(
        member=lambda f: [country_name(code, lang) for code in f.iso3], year=lambda f: f.year.astype(str))
    figure, axes = plt.subplots(figsize=(8, 0.55 * data.member.nunique() + 1.5))
    sns.barplot(data=data, y="member", x="contribution", hue="year", ax=axes, palette=PALETTE)
    axes.set_xlabel(t("label.contribution", lang))
    axes.set_ylabel("")
    axes.legend(title=t("label.year", lang), frameon=False)
    figure.tight_layout()
    return figure


def grouping_comparison(latest: pd.DataFrame, indicator_names: list[str], lang: str):
    """Horizontal bars: one panel per indicator, one bar per grouping, for one year."""
    figure, axes = plt.subplots(1, len(indicator_names), figsize=(4.2 * len(indicator_names), 4.8), sharey=True)
    labels = [t(f"grouping.{g}", lang) for g in latest.index]
    for axis, name in zip(np.atleast_1d(axes), indicator_names):
        axis.barh(labels, latest[name].to_numpy(), color=sns.color_palette(PALETTE)[0])
        axis.axvline(0, color="black", linewidth=0.8)
        axis.set_title(t(f"indicator.{name}", lang), fontsize=10, wrap=True)
    figure.tight_layout()
    return figure
