"""The figures of the chapter on the years after 2020: remittances over GDP, and the
Central Asian currencies against the dollar and the rouble (indices, 2021 = 100)."""
from __future__ import annotations

import pandas as pd
import seaborn as sns
from matplotlib.ticker import MaxNLocator

from analysis.present.i18n import country_name, t
from analysis.present.plotting import BOOK_WIDTH, GROUPING_MARKERS, PALETTE, _book_figure, fit_title, locale_axis


def _year_axis(axis, lang: str) -> None:
    axis.set_xlabel(t("label.year", lang))
    axis.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    locale_axis(axis.xaxis, lang, "year")


def remittance_lines(shares: pd.DataFrame, countries: list[str], lang: str, marked_year: int):
    """Personal remittances received over GDP, one line per country, with the year of
    the jump marked by a vertical line."""
    figure, axis = _book_figure(BOOK_WIDTH, 4.6)
    colours = sns.color_palette(PALETTE, len(countries))
    for index, iso3 in enumerate(countries):
        values = shares[iso3].dropna()
        axis.plot(values.index, values.to_numpy(), marker=GROUPING_MARKERS[index % len(GROUPING_MARKERS)],
                  markersize=4, color=colours[index], label=country_name(iso3, lang))
    axis.axvline(marked_year, color="grey", linewidth=0.8, linestyle="--")
    _year_axis(axis, lang)
    locale_axis(axis.yaxis, lang, "percent")
    axis.set_ylabel(t("after_2020.axis.remittances_to_gdp", lang))
    figure.legend(*axis.get_legend_handles_labels(), loc="outside lower center", ncol=3, frameon=False, fontsize=9)
    return figure


def currency_indices(rates: pd.DataFrame, lang: str, base_year: int):
    """Two panels: local units per US dollar and per rouble, as indices (base year =
    100; a rise is a depreciation), one line per currency."""
    issuers = list(dict.fromkeys(rates.issuer))
    figure, axes = _book_figure(BOOK_WIDTH, 4.4, ncols=2, sharey=True)
    colours = sns.color_palette(PALETTE, len(issuers))
    for axis, against in zip(axes, ("usd", "rub")):
        for index, issuer in enumerate(issuers):
            values = rates[(rates.issuer == issuer) & (rates.against == against)].set_index("year")["index"]
            axis.plot(values.index, values.to_numpy(), marker=GROUPING_MARKERS[index % len(GROUPING_MARKERS)],
                      markersize=4, color=colours[index], label=t(f"after_2020.currency.{issuer}", lang))
        axis.axhline(100, color="black", linewidth=0.8)
        _year_axis(axis, lang)
        locale_axis(axis.yaxis, lang, "number")
    axes[0].set_ylabel(t("after_2020.axis.index", lang, year=base_year))
    figure.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=4, frameon=False, fontsize=9)
    figure.canvas.draw()
    for axis, against in zip(axes, ("usd", "rub")):
        fit_title(axis, t(f"after_2020.against.{against}", lang), fontsize=10)
    return figure
