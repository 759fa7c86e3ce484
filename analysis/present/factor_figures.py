"""Figures and localised tables of the chapter "What drives integration", in the book's
style (:mod:`analysis.present.plotting`)."""
from __future__ import annotations

import json
import textwrap
from functools import cache

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.collections import PatchCollection
from matplotlib.colors import ListedColormap, Normalize
from matplotlib.patches import Patch, Polygon
from matplotlib.ticker import MaxNLocator

from analysis.measures import panel
from analysis.paths import DATA_DIR
from analysis.present.i18n import count_words, country_name, format_number, plural, sorted_countries, t
from analysis.present.numbers import format_p_value
from analysis.present.plotting import PALETTE

SHAPES = DATA_DIR / "country_shapes.geojson"
KIND_COLOURS = ["#2b6a99", "#8fbcd9", "#f0b45a", "#c4463a"]  # observed, interpolated, imputed, absent


def intervals_excluding_zero(n_intervals: int, by_t: int, by_pipeline: int, lang: str) -> str:
    """The sentence that counts the within-country intervals that exclude zero, written
    around its numbers (small counts in words): "All eight intervals contain zero, …" when
    none does; otherwise how many do by each method."""
    if by_t == by_pipeline == 0:
        text = t("factor.text.intervals_none", lang,
                 n=plural(n_intervals, "count.intervals", lang, words=True))
    else:
        text = t("factor.text.intervals_some", lang,
                 n=plural(n_intervals, "count.intervals_of", lang, words=True, case="genitive"),
                 t=count_words(by_t, lang), pipeline=count_words(by_pipeline, lang))
    return text[:1].upper() + text[1:]


def wrapped(text: str, width: int) -> str:
    return textwrap.fill(text, width, break_long_words=False)


def variable_label(name: str, lang: str) -> str:
    return t(f"factor.var.{name}", lang)


def factor_label(factor: str, names: pd.DataFrame, lang: str) -> str:
    return f"{factor}: {names.at[factor, lang]}"


P_VALUE_COLUMNS = ("p_t", "p_wild", "p_romano_wolf", "p_holm")


def localised(frame: pd.DataFrame, lang: str, decimals: int | dict = 2) -> pd.DataFrame:
    """Numbers as text in the language's format (decimal comma, true minus in kk and ru);
    a p-value column writes a value below its last place as a bound («< 0,001»)."""
    result = frame.copy()
    p_columns = {t(f"factor.col.{name}", lang) for name in P_VALUE_COLUMNS}
    for column in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column]):
            places = decimals.get(column, 2) if isinstance(decimals, dict) else decimals
            write = (lambda value: format_p_value(value, lang, places)) if column in p_columns \
                else (lambda value: signed(value, lang, places))
            result[column] = [write(value) if pd.notna(value) else "" for value in frame[column]]
    return result


def signed(value: float, lang: str, decimals: int = 2) -> str:
    """:func:`format_number` with a true minus sign."""
    text = format_number(value, lang, decimals)
    return text.replace("-", "\u2212")


def localise_colorbar(axes, lang: str, decimals: int = 2) -> None:
    """Tick labels of a seaborn heatmap's colour bar in the language's number format."""
    axes.collections[0].colorbar.ax.yaxis.set_major_formatter(
        plt.FuncFormatter(lambda value, _: signed(value, lang, decimals)))


def coverage_map(kinds: pd.DataFrame, lang: str):
    """One small panel per characteristic: countries (rows) by years (columns), each
    cell coloured by how it was obtained (observed, interpolated, imputed, absent)."""
    codes = kinds.replace({kind: i for i, kind in enumerate(panel.KINDS)}).astype(int)
    countries = sorted_countries(codes.index.get_level_values("iso3").unique(), lang)
    years = sorted(codes.index.get_level_values("year").unique())
    columns = 4
    rows = -(-len(codes.columns) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(12, 3.9 * rows), sharey=True)
    cmap = ListedColormap(KIND_COLOURS)
    for axis, name in zip(axes.flat, codes.columns):
        table = codes[name].unstack("year").reindex(index=countries, columns=years)
        axis.imshow(table.to_numpy(), cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto", interpolation="nearest")
        axis.set_title(wrapped(variable_label(name, lang), 30), fontsize=9)
        axis.set_xticks([0, len(years) - 1], [years[0], years[-1]], fontsize=8)
        axis.set_yticks(range(len(countries)), [country_name(c, lang) for c in countries], fontsize=6.5)
        axis.grid(False)
    for axis in list(axes.flat)[len(codes.columns):]:
        axis.set_visible(False)
    handles = [Patch(color=colour, label=t(f"factor.kind.{kind}", lang)) for colour, kind in zip(KIND_COLOURS, panel.KINDS)]
    figure.legend(handles=handles, loc="lower center", ncol=4, frameon=False)
    figure.tight_layout(rect=(0, 0.03, 1, 1))
    return figure


def correlation_heatmap(corr: pd.DataFrame, lang: str):
    labels = [variable_label(v, lang) for v in corr.index]
    annotations = np.vectorize(lambda value: signed(value, lang, 2))(corr.to_numpy())
    figure, axes = plt.subplots(figsize=(10, 8.5))
    sns.heatmap(corr.to_numpy(), ax=axes, cmap="vlag", vmin=-1, vmax=1, center=0, annot=annotations, fmt="",
                annot_kws={"fontsize": 7.5}, square=True, linewidths=0.3, linecolor="white",
                xticklabels=labels, yticklabels=labels, cbar_kws={"shrink": 0.7, "label": t("factor.label.correlation", lang)})
    localise_colorbar(axes, lang, 2)
    axes.tick_params(axis="x", labelrotation=60, labelsize=8)
    axes.tick_params(axis="y", labelsize=8)
    plt.setp(axes.get_xticklabels(), ha="right", rotation_mode="anchor")
    figure.tight_layout()
    return figure


def scree_plot(table: pd.DataFrame, lang: str):
    """Observed eigenvalues, the random-data 95th percentile and the line at one."""
    colours = sns.color_palette(PALETTE, 3)
    figure, axes = plt.subplots(figsize=(8, 4.5))
    axes.plot(table.component, table.observed, marker="o", color=colours[0], label=t("factor.label.observed_eigen", lang))
    axes.plot(table.component, table.random_quantile, marker="s", linestyle="--", color=colours[1],
              label=t("factor.label.random_eigen", lang))
    axes.axhline(1, color=colours[2], linestyle=":", label=t("factor.label.kaiser_line", lang))
    axes.set_xlabel(t("factor.label.component", lang))
    axes.set_ylabel(t("factor.label.eigenvalue", lang))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(plt.FuncFormatter(lambda value, _: signed(value, lang, 1)))
    axes.legend(frameon=False)
    figure.tight_layout()
    return figure


def loadings_heatmap(loadings: pd.DataFrame, communalities: pd.Series, names: pd.DataFrame, lang: str):
    """Rotated loadings (variables x factors) with the communality as a last column."""
    table = loadings.copy()
    table[t("factor.col.communality", lang)] = communalities
    annotations = np.vectorize(lambda value: signed(value, lang, 2))(table.to_numpy())
    columns = [wrapped(factor_label(f, names, lang), 16) for f in loadings.columns] + [table.columns[-1]]
    figure, axes = plt.subplots(figsize=(10.5, 0.45 * len(table) + 2.8))
    sns.heatmap(table.to_numpy(), ax=axes, cmap="vlag", vmin=-1, vmax=1, center=0, annot=annotations, fmt="",
                linewidths=0.5, linecolor="white", xticklabels=columns,
                yticklabels=[variable_label(v, lang) for v in table.index],
                cbar_kws={"label": t("factor.label.loading", lang)})
    localise_colorbar(axes, lang, 2)
    axes.tick_params(axis="x", labelsize=8, labelrotation=0)
    axes.axvline(len(loadings.columns), color="black", linewidth=1.5)
    figure.tight_layout()
    return figure


@cache
def _shapes() -> dict:
    return json.loads(SHAPES.read_text(encoding="utf-8"))


def _polygons(geometry: dict) -> list[np.ndarray]:
    rings = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    outlines = []
    for polygon in rings:
        outline = np.asarray(polygon[0], dtype=float)
        if outline[:, 0].max() < -100:  # the far east of Russia, across the 180th meridian
            outline = outline + [360, 0]
        outlines.append(outline)
    return outlines


def score_map(scores: pd.Series, lang: str, label: str):
    """Choropleth of ``scores`` (iso3 -> value) on the study countries' outlines."""
    figure, axes = plt.subplots(figsize=(11, 5.8))
    norm = Normalize(scores.min(), scores.max())
    cmap = plt.get_cmap("viridis")
    patches, colours = [], []
    for feature in _shapes()["features"]:
        iso3 = feature["properties"]["iso3"]
        for outline in _polygons(feature["geometry"]):
            patches.append(Polygon(outline, closed=True))
            colours.append(cmap(norm(scores[iso3])) if iso3 in scores.index else "#dddddd")
    axes.add_collection(PatchCollection(patches, facecolor=colours, edgecolor="white", linewidth=0.4))
    axes.set_xlim(-6, 150)
    axes.set_ylim(22, 78)
    axes.set_aspect(1 / np.cos(np.radians(48)))
    axes.set_axis_off()
    bar = figure.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=axes, shrink=0.7, pad=0.01)
    bar.set_label(label)
    bar.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda value, _: signed(value, lang, 0)))
    figure.tight_layout()
    return figure


def rank_intervals(ranks: pd.DataFrame, lang: str):
    """Rank in one year (dots) with the bootstrap interval (bars), best rank on top."""
    data = ranks.sort_values("rank", ascending=False)
    labels = [country_name(c, lang) for c in data.index]
    colour = sns.color_palette(PALETTE)[0]
    figure, axes = plt.subplots(figsize=(8, 0.3 * len(data) + 1.5))
    y = np.arange(len(data))
    axes.hlines(y, data.low, data.high, color=colour, alpha=0.45, linewidth=5, label=t("factor.label.rank_interval", lang))
    axes.plot(data["rank"], y, "o", color="black", markersize=4, label=t("factor.label.rank", lang))
    axes.set_yticks(y, labels, fontsize=8)
    axes.set_xlabel(t("factor.label.rank", lang))
    axes.set_xlim(len(data) + 0.5, 0.5)  # best rank on the right
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(frameon=False, loc="lower right", fontsize=8)
    figure.tight_layout()
    return figure


def rank_heatmap(index: pd.DataFrame, lang: str):
    """Ranks of every country (rows, best last year on top) in every year (columns)."""
    table = index["rank"].unstack("year")
    table = table.loc[table.iloc[:, -1].sort_values().index]
    figure, axes = plt.subplots(figsize=(11, 8))
    sns.heatmap(table, ax=axes, cmap="viridis_r", annot=True, fmt="d", annot_kws={"fontsize": 6.5},
                linewidths=0.2, linecolor="white", cbar_kws={"label": t("factor.label.rank", lang)},
                yticklabels=[country_name(c, lang) for c in table.index])
    axes.set_xlabel(t("label.year", lang))
    axes.set_ylabel("")
    axes.tick_params(axis="y", labelsize=8)
    figure.tight_layout()
    return figure
