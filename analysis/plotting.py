"""One figure style for the whole book, and CSV downloads for every figure and table."""
from __future__ import annotations

import base64
import html

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.display import HTML

from analysis.i18n import t

# Deterministic files: no timestamps or software versions inside images.
matplotlib.use("agg")
PNG_METADATA = {"Software": None}
PALETTE = "colorblind"


def use_book_style() -> None:
    """Seaborn's whitegrid on a transparent-free white canvas so that figures stay
    readable on paper and in the site's dark mode (they keep their own background)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font="DejaVu Sans")
    plt.rcParams.update({
        "figure.dpi": 110, "savefig.dpi": 110, "figure.facecolor": "white", "savefig.facecolor": "white",
        "axes.titleweight": "bold", "svg.hashsalt": "silk-road", "figure.autolayout": False,
    })


def csv_download(frame: pd.DataFrame, filename: str, lang: str) -> HTML:
    """A link that downloads ``frame`` as ``filename``; the data travels inside the page
    (a data: URI), so the offline site needs no separate file and no server."""
    payload = base64.b64encode(frame.to_csv(index=False, lineterminator="\n").encode("utf-8")).decode("ascii")
    label = html.escape(t("download.csv", lang))
    return HTML(f'<p class="csv-download"><a download="{html.escape(filename)}" '
                f'href="data:text/csv;charset=utf-8;base64,{payload}">⬇ {label}: {html.escape(filename)}</a></p>')


def estimate_heatmap(shares: pd.DataFrame, lang: str):
    """Heatmap of the share of IMF estimates by reporter (rows) and year (columns)."""
    from analysis.i18n import country_name

    table = shares.pivot(index="reporter", columns="year", values="estimate_share")
    table.index = [country_name(code, lang) for code in table.index]
    table = table.sort_index()
    figure, axes = plt.subplots(figsize=(9, 7.5))
    sns.heatmap(table, ax=axes, cmap="rocket_r", vmin=0, vmax=1, linewidths=0.3, linecolor="white",
                cbar_kws={"label": t("label.estimate_share", lang)})
    axes.set_xlabel(t("label.year", lang))
    axes.set_ylabel("")
    figure.tight_layout()
    return figure
