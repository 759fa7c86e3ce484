"""Every figure of the book, drawn in kk, en and ru at the book's width: no two labels
overlap, nothing sticks out of the figure, and every numeric axis is written in the
edition's locale."""
from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.ticker import EngFormatter, LogFormatter, PercentFormatter, ScalarFormatter  # noqa: E402

from analysis.data import coverage, reference  # noqa: E402
from analysis.data.load import load_extract  # noqa: E402
from analysis.measures import results  # noqa: E402
from analysis.present import plotting  # noqa: E402
from analysis.present.i18n import LANGUAGES, t  # noqa: E402

FIGURES = ["estimates", "groupings", "groupings_more", "pairs_latest", "pairs_change", "contributions", "comparison"]


@pytest.fixture(scope="module")
def data():
    extract = load_extract()
    return extract, results.compute(extract)


def make_figure(name: str, lang: str, data):
    """The figure ``name`` as the notebooks make it."""
    extract, integration = data
    share = integration.grouping_series("trade_share")
    first, last = share.index.min(), share.index.max()
    if name == "estimates":
        estimates = extract.trade_estimates
        years = range(int(estimates.year.min()), int(estimates.year.max()) + 1)
        return plotting.estimate_heatmap(coverage.estimate_shares(estimates, ["reporter", "year"], years), lang)
    if name in {"groupings", "groupings_more"}:
        names = (["trade_share", "introversion", "trade_to_gdp_ppp", "migration_share"] if name == "groupings" else
                 ["trade_intensity", "symmetric_intensity", "trade_to_gdp_usd", "fdi_inflows_to_gdp"])
        return plotting.grouping_lines({n: integration.grouping_series(n) for n in names}, lang)
    if name.startswith("pairs"):
        latest = integration.pair_matrix("trade_share", last)
        if name == "pairs_latest":
            return plotting.pair_heatmap(latest, reference.display_order(), lang, t("indicator.trade_share", lang))
        change = latest - integration.pair_matrix("trade_share", first)
        label = t("label.trade_share_change", lang, years=f"{first}–{last}")
        return plotting.pair_heatmap(change, reference.display_order(), lang, label, diverging=True)
    if name == "contributions":
        return plotting.contribution_bars(integration.contributions("eaeu"), [first, last], lang)
    compared = ["trade_share", "symmetric_intensity", "introversion"]
    latest = integration.groupings[integration.groupings.year == last].pivot(
        index="grouping", columns="indicator", values="value")[compared].sort_values("trade_share")
    return plotting.grouping_comparison(latest, compared, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", FIGURES)
def test_no_labels_overlap_at_the_book_s_width(name, lang, data):
    plotting.use_book_style()
    figure = make_figure(name, lang, data)
    try:
        assert figure.get_size_inches()[0] <= plotting.BOOK_WIDTH
        assert plotting.text_overlaps(figure) == []
    finally:
        plt.close(figure)


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("name", FIGURES)
def test_every_number_on_a_figure_is_in_the_locale(name, lang, data):
    plotting.use_book_style()
    figure = make_figure(name, lang, data)
    try:
        for axes in figure.axes:
            if not axes.get_visible():
                continue
            for axis in (axes.xaxis, axes.yaxis):
                formatter = axis.get_major_formatter()
                # matplotlib's own number formatters write 0.5 and -1 whatever the language;
                # a numeric axis must use the locale formatter (named labels may use any)
                if axis.get_ticklabels():
                    assert not isinstance(formatter, (ScalarFormatter, LogFormatter, PercentFormatter, EngFormatter)), \
                        (name, axes.get_title(), axis.axis_name, formatter)
        numeric = [text.get_text() for text in plotting.drawn_texts(figure)
                   if re.fullmatch(r"[−+\-]?[\d\s\u202f.,]+(\s?%)?", text.get_text())]
        assert numeric, "a figure with no numbers at all"
        bad = [label for label in numeric if "-" in label or re.search(r"\d\.\d", label)]
        assert bad == []
    finally:
        plt.close(figure)


def test_the_overlap_check_sees_an_overlap():
    figure, axes = plt.subplots(figsize=(4, 3))
    axes.text(0.5, 0.5, "Бірінші жазу")
    axes.text(0.52, 0.5, "Второй текст")
    axes.text(0.98, 0.1, "runs past the edge of the figure")
    problems = plotting.text_overlaps(figure)
    plt.close(figure)
    assert ("Бірінші жазу", "Второй текст") in problems
    assert ("runs past the edge of the figure", "figure edge") in problems


def test_long_titles_wrap_within_their_panel():
    figure, axes = plt.subplots(1, 3, figsize=(8, 3), layout="constrained")
    figure.canvas.draw()
    long = "Жители, родившиеся в другой стране-участнице / население"
    plotting.fit_title(axes[1], long)
    assert "\n" in axes[1].get_title() and axes[1].get_title().replace("\n", " ") == long
    assert plotting.text_overlaps(figure) == []
    plt.close(figure)


def test_factor_coverage_rows_follow_the_kazakh_alphabet():
    import pandas as pd

    from analysis.present import factor_figures
    from analysis.present.i18n import catalogue

    variable = next(key for key in catalogue() if key.startswith("factor.var.")).removeprefix("factor.var.")
    codes = ["KAZ", "BGR", "CHN", "AFG", "UZB", "AZE", "KGZ"]
    index = pd.MultiIndex.from_product([codes, [2000, 2001]], names=["iso3", "year"])
    figure = factor_figures.coverage_map(pd.DataFrame({variable: "observed"}, index=index), "kk")
    rows = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    plt.close(figure)
    assert rows == ["Ауғанстан", "Әзірбайжан", "Болгария", "Қазақстан", "Қырғызстан", "Қытай", "Өзбекстан"]
