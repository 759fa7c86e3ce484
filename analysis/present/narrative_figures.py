"""Figures of the narrative chapters: the map of the routes and Balassa's ladder."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import patheffects
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon

from analysis.measures.routes import arc_points
from analysis.present.i18n import t
from analysis.present.plotting import PALETTE

MODE_STYLES = {"rail": "-", "road": "--", "sea": ":"}
STAGES = [0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0]
# where a place's name is written (``label_side`` of routes.csv): offset from the point in
# points and the text's alignment; the "_far" sides, for crowded stretches, draw a leader
LABEL_OFFSETS = {"above": ((3, 3), "left"), "below": ((3, -10), "left"), "left": ((-4, 3), "right"),
                 "below_left": ((-3, -10), "right"), "above_far": ((0, 14), "center"),
                 "below_far": ((4, -22), "left")}


def route_map(routes: pd.DataFrame, leg_table: pd.DataFrame, shapes: dict, lang: str):
    """The routes over the country outlines: one colour per route, one line style per
    mode, every place marked once and labelled in ``lang``."""
    figure, axes = plt.subplots(figsize=(11, 7))
    for feature in shapes["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            axes.add_patch(Polygon(np.asarray(polygon[0]), closed=True, facecolor="#f1efe9", edgecolor="#9a9a9a",
                                   linewidth=0.5))
    names = list(dict.fromkeys(leg_table.route))
    colours = dict(zip(names, sns.color_palette(PALETTE, len(names))))
    offsets = dict(zip(names, np.linspace(-0.25, 0.25, len(names))))
    for leg in leg_table.itertuples():
        points = arc_points(leg.from_lat, leg.from_lon, leg.to_lat, leg.to_lon, step_km=25.0)
        # shared stretches are drawn side by side, a quarter degree apart, so that every route stays visible
        axes.plot(points[:, 1], points[:, 0] + offsets[leg.route], color=colours[leg.route],
                  linestyle=MODE_STYLES[leg.mode], linewidth=2.0)
    places = routes.drop_duplicates("geonameid")
    axes.scatter(places.lon, places.lat, s=14, color="black", zorder=3)
    for place in places.itertuples():
        offset, align = LABEL_OFFSETS[place.label_side]
        # a name set further off (in a crowded stretch) is tied to its point by a thin line
        leader = dict(arrowprops=dict(arrowstyle="-", color="#555555", linewidth=0.6, shrinkA=0, shrinkB=2.5)) \
            if place.label_side.endswith("_far") else {}
        # a white halo keeps a name legible where a route passes under it
        axes.annotate(getattr(place, f"place_{lang}"), (place.lon, place.lat), xytext=offset, ha=align,
                      textcoords="offset points", fontsize=7.5, zorder=4,
                      path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")], **leader)
    axes.set_xlim(places.lon.min() - 4, places.lon.max() + 4)
    axes.set_ylim(places.lat.min() - 3, places.lat.max() + 3)
    axes.set_aspect(1 / np.cos(np.radians(places.lat.mean())))
    axes.set_xticks([])
    axes.set_yticks([])
    axes.grid(False)
    route_handles = [Line2D([], [], color=colours[name], linewidth=2.5, label=t(f"grouping.{name}", lang)) for name in names]
    mode_handles = [Line2D([], [], color="black", linestyle=style, label=t(f"routes.mode.{mode}", lang))
                    for mode, style in MODE_STYLES.items()]
    axes.legend(handles=route_handles + mode_handles, loc="lower left", fontsize=8, frameon=True, framealpha=0.9)
    axes.text(0.995, 0.005, t("routes.map_attribution", lang), transform=axes.transAxes, ha="right", va="bottom",
              fontsize=7, color="#555555")
    figure.tight_layout()
    return figure


def balassa_ladder(stages: pd.DataFrame, lang: str):
    """Balassa's stages as rungs; for each grouping a dot at the stage every pair of
    members has reached and a bar up to the deepest stage any pair has reached. The
    rungs above the customs union are shaded: the agreement tables cannot place a
    grouping there."""
    figure, axes = plt.subplots(figsize=(10, 5.5))
    labels = [t(f"grouping.{g}", lang) for g in stages.grouping]
    x = np.arange(len(stages))
    ranks = {stage: rank for rank, stage in enumerate(STAGES)}
    common = stages.common_stage.map(ranks).to_numpy()
    deepest = stages.deepest_stage.map(ranks).to_numpy()
    axes.axhspan(ranks[3.0] - 0.5, ranks[5.0] + 0.5, color="#eeeeee", zorder=0)
    axes.text((len(stages) - 1) / 2, ranks[4.0], t("narrative.stage.unmeasured", lang), ha="center", va="center",
              fontsize=9, color="#555555")
    colour = sns.color_palette(PALETTE)[0]
    axes.vlines(x, common, deepest, color=colour, linewidth=6, alpha=0.35, label=t("narrative.stage.deepest", lang))
    axes.scatter(x, common, s=60, color=colour, zorder=3, label=t("narrative.stage.common", lang))
    axes.set_yticks(range(len(STAGES)))
    axes.set_yticklabels([t(f"narrative.stage.{stage:g}", lang) for stage in STAGES])
    axes.set_ylim(-0.5, len(STAGES) - 0.5)
    axes.set_xticks(x)
    axes.set_xticklabels(labels, rotation=30, ha="right", fontsize=9)
    axes.legend(loc="upper left", frameon=True, fontsize=9)
    figure.tight_layout()
    return figure


class EmbeddedFigure:
    """A figure for pasting into another page: in the page an HTML image with its
    alternative text, the PNG inside the page (a data: URI), where a glued figure would
    lose its alt text; in the PDF the PNG itself."""

    def __init__(self, png: bytes, alt: str):
        self.png, self.alt = png, alt

    def _repr_html_(self) -> str:
        import base64
        import html

        payload = base64.b64encode(self.png).decode("ascii")
        return (f'<img class="embedded-figure" style="max-width:100%" alt="{html.escape(self.alt)}" '
                f'src="data:image/png;base64,{payload}"/>')

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return self.alt


def embedded_figure(figure, alt: str) -> EmbeddedFigure:
    """``figure`` (a Matplotlib figure, or the PNG bytes of one already drawn, such as a
    figure glued on the same page) as an :class:`EmbeddedFigure` with its alternative text."""
    from analysis.present.plotting import png_bytes

    return EmbeddedFigure(figure if isinstance(figure, bytes) else png_bytes(figure), alt)
