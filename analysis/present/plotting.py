"""One figure style for the whole book, and CSV downloads for every figure and table.

Every number on a figure is written the reader's way: :func:`locale_axis` puts a
:class:`LocaleFormatter` (Babel, through :mod:`analysis.present.numbers`) on each numeric
axis and colour bar, so Kazakh and Russian ticks read 0,5 and −0,2 and 12 %, not 0.5,
-0.2 and 0.12. Figures are drawn at the book's text width with constrained layout, and
long titles are wrapped to their panel; :func:`text_overlaps` finds any two labels that
still collide (the tests run it on every figure in every language).
"""
from __future__ import annotations

import base64
import html
import itertools
import json
import textwrap

import matplotlib.pyplot as plt
from matplotlib.text import Text
from matplotlib.ticker import Formatter, MaxNLocator
import numpy as np
import pandas as pd
import seaborn as sns
from IPython.display import HTML

from analysis.present import numbers
from analysis.present.i18n import country_name, sorted_countries, t

PALETTE = "colorblind"
BOOK_WIDTH = 8.0  # inches: the page's text column (about 880 px at the figures' 110 dpi)

# indicators that are shares or ratios of two money amounts: shown as percentages
PERCENT_INDICATORS = {"trade_share", "trade_to_gdp_ppp", "trade_to_gdp_usd", "migration_share",
                      "fdi_inflows_to_gdp", "contribution", "estimate_share"}


def use_book_style() -> None:
    """Seaborn's whitegrid on a transparent-free white canvas so that figures stay
    readable on paper and in the site's dark mode (they keep their own background)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font="DejaVu Sans")
    plt.rcParams.update({
        "figure.dpi": 110, "savefig.dpi": 110, "figure.facecolor": "white", "savefig.facecolor": "white",
        "axes.titleweight": "bold", "svg.hashsalt": "silk-road", "figure.autolayout": False,
        "axes.unicode_minus": True,
    })


class LocaleFormatter(Formatter):
    """Tick labels in ``lang``'s number format. ``kind`` is "number", "percent" (values
    are shares: 0.05 is 5 %), "points" (changes of a share, in percentage points, signed)
    or "year" (never grouped: 2020, not 2 020). Decimals follow the tick spacing, so the
    labels of one axis all have the same number of decimals and no two are equal."""

    def __init__(self, lang: str, kind: str = "number"):
        if kind not in {"number", "percent", "points", "year"}:
            raise ValueError(f"unknown axis kind {kind!r}")
        numbers.locale(lang)  # fails early on an unknown language
        self.lang, self.kind = lang, kind
        self.decimals = 0

    def _scale(self) -> float:
        return 100.0 if self.kind in {"percent", "points"} else 1.0

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        values = np.asarray(locs, dtype=float) * self._scale()
        self.decimals = 0
        # the fewest decimals that write every tick exactly (0.25 needs two, 0.2 one)
        while self.kind != "year" and self.decimals < 6 and not np.allclose(
                values * 10 ** self.decimals, np.round(values * 10 ** self.decimals), rtol=0, atol=1e-6):
            self.decimals += 1

    def __call__(self, value, pos=None) -> str:
        if self.kind == "year":
            return str(int(round(value)))
        if self.kind == "percent":
            return numbers.format_percent(value, self.lang, self.decimals)
        if self.kind == "points":
            return numbers.format_points(value, self.lang, self.decimals)
        return numbers.format_number(value, self.lang, self.decimals)


def locale_axis(axis, lang: str, kind: str = "number") -> None:
    """Put a :class:`LocaleFormatter` on ``axis`` (an ``Axes.xaxis``/``yaxis`` or a colour
    bar's axis)."""
    axis.set_major_formatter(LocaleFormatter(lang, kind))


def indicator_kind(name: str) -> str:
    return "percent" if name in PERCENT_INDICATORS else "number"


def fit_title(axes, text: str, **kwargs) -> None:
    """Set ``text`` as the panel title, wrapped onto as many lines as it needs to stay
    within the panel's width (Kazakh and Russian titles run longer than English)."""
    figure = axes.figure
    title = axes.set_title(text, **kwargs)
    renderer = figure.canvas.get_renderer()
    width = axes.get_window_extent(renderer).width
    chars = len(text)
    while title.get_window_extent(renderer).width > width and chars > 10:
        chars = int(chars * 0.85)
        title.set_text(textwrap.fill(text, chars, break_long_words=False, break_on_hyphens=False))


def _book_figure(width: float, height: float, **kwargs):
    return plt.subplots(figsize=(min(width, BOOK_WIDTH), height), layout="constrained", **kwargs)


def drawn_texts(figure) -> list[Text]:
    """The texts a draw of ``figure`` actually paints (matplotlib also keeps labels of
    ticks outside the axis range and of hidden panels, and never draws them)."""
    drawn: list[Text] = []
    draw = Text.draw

    def record(text, renderer):
        if text.get_visible() and text.get_text().strip() and (text.axes is None or text.axes.get_visible()):
            drawn.append(text)
        return draw(text, renderer)

    Text.draw = record
    try:
        figure.canvas.draw()
    finally:
        Text.draw = draw
    return drawn


def text_overlaps(figure, tolerance: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of drawn texts on ``figure`` whose boxes overlap by more than ``tolerance``
    pixels each way, and texts that stick out of the figure (paired with "figure edge")."""
    texts = drawn_texts(figure)
    renderer = figure.canvas.get_renderer()
    boxes = [(text.get_text(), text.get_window_extent(renderer)) for text in texts]
    problems = []
    frame = figure.bbox
    for label, box in boxes:
        if box.x0 < frame.x0 - tolerance or box.x1 > frame.x1 + tolerance or \
                box.y0 < frame.y0 - tolerance or box.y1 > frame.y1 + tolerance:
            problems.append((label, "figure edge"))
    for (label_a, a), (label_b, b) in itertools.combinations(boxes, 2):
        width = min(a.x1, b.x1) - max(a.x0, b.x0)
        height = min(a.y1, b.y1) - max(a.y0, b.y0)
        if width > tolerance and height > tolerance:
            problems.append((label_a, label_b))
    return problems


def png_bytes(figure) -> bytes:
    """``figure`` as a compact PNG, and closed: cropped to its drawing with Matplotlib's
    margin (``savefig.pad_inches``), opaque, reduced to an adaptive palette of 256 colours
    (a third of the bytes of a full-colour PNG, which keeps every page with its figures
    under a megabyte), with no metadata that varies.

    The figure is laid out and drawn once, and the drawing is placed on a canvas of the
    cropped size: ``savefig(bbox_inches="tight")`` would lay it out twice and draw it
    again, which took about a quarter more of the figures' time for the same picture."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_rgb
    from PIL import Image

    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    canvas.draw()
    dpi = figure.dpi
    drawn = figure.get_tightbbox(canvas.get_renderer())  # inches
    if _sticks_out(drawn, figure, tolerance=1 / dpi):
        # something is drawn beyond the figure's edge, which only a new drawing can include
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
        plt.close(figure)
        image = Image.open(buffer).convert("RGB")
    else:
        box = drawn.padded(plt.rcParams["savefig.pad_inches"])
        drawing = Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3])
        background = tuple(round(channel * 255) for channel in to_rgb(figure.get_facecolor()))
        plt.close(figure)
        image = Image.new("RGB", (int(box.width * dpi), int(box.height * dpi)), background)
        # where the drawing's top left corner falls, in pixels from the crop's top left corner
        image.paste(drawing, (round(-box.x0 * dpi), round((box.y1 - figure.get_figheight()) * dpi)))
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    compact = io.BytesIO()
    image.save(compact, format="PNG", optimize=True)
    return compact.getvalue()


def _sticks_out(box, figure, tolerance: float) -> bool:
    """Whether ``box`` (inches) reaches beyond ``figure``'s edges by more than ``tolerance``."""
    width, height = figure.get_size_inches()
    return box.x0 < -tolerance or box.y0 < -tolerance or box.x1 > width + tolerance or box.y1 > height + tolerance


def glue_figure(key: str, figure) -> None:
    """Store ``figure`` for pasting into the page (``{glue:figure}``) as a compact PNG,
    and close it so that it is not shown a second time where it was made."""
    from IPython.display import Image
    from myst_nb import glue

    png = png_bytes(figure)
    _GLUED[key] = png
    glue(key, Image(data=png, format="png"), display=False)


_GLUED: dict[str, bytes] = {}  # this session's glued figures, for notebooks opened outside the book


def glued_figure(key: str):
    """The figure glued as ``key`` in this session, to show in a notebook outside the book
    (the downloadable copy shows each figure where the page does, by this call)."""
    from IPython.display import Image

    if key not in _GLUED:
        raise KeyError(f"no figure glued as {key!r} yet: run the cells above first")
    return Image(data=_GLUED[key], format="png")


def csv_download(frame: pd.DataFrame, filename: str, lang: str, *, sources, units=None,
                 descriptions=None) -> HTML:
    """A link that downloads ``frame`` as ``filename``; the data travels inside the page
    (a data: URI), so the offline site needs no separate file and no server.

    ``sources`` (the extract's tables the data came from), ``units`` (of the numeric
    columns) and ``descriptions`` (of columns that need more than their header) are
    checked and travel with the data (:func:`analysis.present.downloads.describe`), for
    the chapter's data package and workbook."""
    from analysis.present import downloads

    meta = downloads.describe(frame, filename, lang, sources=sources, units=units, descriptions=descriptions)
    payload = base64.b64encode(frame.to_csv(index=False, lineterminator="\n").encode("utf-8")).decode("ascii")
    described = base64.b64encode(json.dumps(meta, ensure_ascii=False).encode("utf-8")).decode("ascii")
    label = html.escape(t("download.csv", lang))
    return HTML(f'<p class="csv-download"><a download="{html.escape(filename)}" '
                f'href="data:text/csv;charset=utf-8;base64,{payload}" data-describe="{described}">'
                f'⬇ {label}: {html.escape(filename)}</a></p>')


def _colorbar_axis(axes):
    return axes.collections[0].colorbar.ax.yaxis


def _heatmap_axes(axes) -> None:
    """No grid lines across a heatmap: they show through its empty cells as crosses."""
    axes.grid(False)


def estimate_heatmap(shares: pd.DataFrame, lang: str):
    """Heatmap of the share of partner cells that are IMF estimates, by reporter (rows)
    and year (columns); ``shares`` comes from :func:`analysis.data.coverage.estimate_shares`."""
    table = shares.pivot(index="reporter", columns="year", values="cell_share")
    table = table.loc[sorted_countries(table.index, lang)]
    table.index = [country_name(code, lang) for code in table.index]
    figure, axes = _book_figure(BOOK_WIDTH, 7.5)
    sns.heatmap(table, ax=axes, cmap="rocket_r", vmin=0, vmax=1, linewidths=0.3, linecolor="white",
                cbar_kws={"label": t("label.estimate_share", lang)})
    _heatmap_axes(axes)
    locale_axis(_colorbar_axis(axes), lang, "percent")
    axes.set_xlabel(t("label.year", lang))
    axes.set_ylabel("")
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
    figure, axes = _book_figure(BOOK_WIDTH, 3.3 * rows + 1.4, nrows=rows, ncols=columns, squeeze=False)
    groupings = list(next(iter(series.values())).columns)
    colours = sns.color_palette(PALETTE, len(groupings))
    for axis, name in zip(axes.flat, names):
        table = series[name]
        for index, grouping in enumerate(groupings):
            values = table[grouping].dropna()
            axis.plot(values.index, values.to_numpy(), marker=GROUPING_MARKERS[index % len(GROUPING_MARKERS)],
                      markersize=4, color=colours[index], label=t(f"grouping.{grouping}", lang))
        axis.set_xlabel(t("label.year", lang))
        axis.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        locale_axis(axis.xaxis, lang, "year")
        locale_axis(axis.yaxis, lang, indicator_kind(name))
    for axis in list(axes.flat)[len(names):]:
        axis.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncol=2, frameon=False, fontsize=9)
    figure.canvas.draw()  # panel widths are known only after a first layout
    for axis, name in zip(axes.flat, names):
        fit_title(axis, t(f"indicator.{name}", lang), fontsize=10)
    return figure


def pair_heatmap(matrix: pd.DataFrame, order: list[str], lang: str, label: str, *, diverging: bool = False):
    """Country x country heatmap of a pair measure (symmetric; the diagonal is empty).
    Values are shares (or, with ``diverging``, changes of shares in percentage points)."""
    table = matrix.reindex(index=order, columns=order)
    names = [country_name(code, lang) for code in order]
    table.index, table.columns = names, names
    figure, axes = _book_figure(BOOK_WIDTH, 7.6)
    limit = float(np.nanmax(np.abs(table.to_numpy()))) if diverging else None
    sns.heatmap(table, ax=axes, cmap="vlag" if diverging else "mako_r", center=0 if diverging else None,
                vmin=-limit if diverging else 0, vmax=limit, square=True, linewidths=0.2, linecolor="white",
                cbar_kws={"label": label, "shrink": 0.7})
    _heatmap_axes(axes)
    locale_axis(_colorbar_axis(axes), lang, "points" if diverging else "percent")
    axes.tick_params(labelsize=8)
    axes.set_xlabel("")
    axes.set_ylabel("")
    return figure


def contribution_bars(contributions: pd.DataFrame, years: list[int], lang: str):
    """Each member's part in its group's mutual trade, side by side for ``years``."""
    data = contributions[contributions.year.isin(years)].assign(
        member=lambda f: [country_name(code, lang) for code in f.iso3], year=lambda f: f.year.astype(str))
    figure, axes = _book_figure(7, 0.55 * data.member.nunique() + 1.5)
    sns.barplot(data=data, y="member", x="contribution", hue="year", ax=axes, palette=PALETTE)
    locale_axis(axes.xaxis, lang, "percent")
    axes.set_xlabel(t("label.contribution", lang))
    axes.set_ylabel("")
    axes.legend(title=t("label.year", lang), frameon=False)
    return figure


def grouping_comparison(latest: pd.DataFrame, indicator_names: list[str], lang: str):
    """Horizontal bars: one panel per indicator, one bar per grouping, for one year."""
    figure, axes = _book_figure(BOOK_WIDTH, 4.8, ncols=len(indicator_names), sharey=True)
    figure.get_layout_engine().set(wspace=0.06)  # room between one panel's last tick and the next one's first
    labels = [t(f"grouping.{g}", lang) for g in latest.index]
    for axis, name in zip(np.atleast_1d(axes), indicator_names):
        axis.barh(labels, latest[name].to_numpy(), color=sns.color_palette(PALETTE)[0])
        axis.axvline(0, color="black", linewidth=0.8)
        axis.xaxis.set_major_locator(MaxNLocator(nbins=3))
        locale_axis(axis.xaxis, lang, indicator_kind(name))
        axis.tick_params(axis="x", labelsize=9)
    figure.canvas.draw()
    for axis, name in zip(np.atleast_1d(axes), indicator_names):
        fit_title(axis, t(f"indicator.{name}", lang), fontsize=10)
    return figure
