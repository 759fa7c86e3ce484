"""The gravity chapter's coefficient plot and localised coefficient table, in the book's
style (:mod:`analysis.present.plotting`)."""
from __future__ import annotations

import re
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import MaxNLocator

from analysis.measures import gravity, gravity_data
from analysis.present.i18n import format_number, plural, t
from analysis.present.numbers import format_p_value
from analysis.present.plotting import BOOK_WIDTH, PALETTE

# what the plot shows, top to bottom within each treatment: the three PPML estimates,
# the lead from the anticipation test, and the OLS contrast
SERIES = (("annual", False), ("intervals", False), ("leads", False), ("leads", True), ("ols", False))


def signed(value: float, lang: str, decimals: int = 2) -> str:
    return format_number(value, lang, decimals).replace("-", "\u2212")


SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def power_of_ten(value: float, lang: str) -> str:
    """A small positive number as mantissa · 10 to a power (2,5 · 10⁻⁷ in kk and ru)."""
    if value <= 0:
        return format_number(0, lang, 0)
    exponent = int(np.floor(np.log10(value)))
    mantissa = value / 10 ** exponent
    return f"{format_number(mantissa, lang, 1)}\u00a0·\u00a010{str(exponent).translate(SUPERSCRIPT)}"


COMMON_NOUNS = ("fta",)  # labels that are not proper names


def treatment_label(treatment: str, lang: str, *, in_sentence: bool = False) -> str:
    """The treatment's label; inside a sentence a common noun ("free trade area")
    loses the capital it has at the head of a table row."""
    label = t(f"gravity.treatment.{treatment}", lang)
    if in_sentence and treatment in COMMON_NOUNS:
        return label[0].lower() + label[1:]
    return label


def _lead_span(lang: str) -> str:
    """The lead as a count of years, the noun agreeing with the number: «4 года», «5 лет»."""
    return plural(gravity.LEAD, "count.years", lang)


def _wrapped(text: str, width: int) -> str:
    """``text`` on lines of at most ``width`` characters, never breaking a number from the
    word after it («2010 года», «4 года»): a line that starts with «года» reads badly."""
    return textwrap.fill(re.sub(r"(\d) ", "\\1\u00a0", text), width)


def term_label(term: str, lang: str) -> str:
    """A treatment's name, or for a lead ``lead_<treatment>`` the name with the lead."""
    if term.startswith("lead_"):
        return t("gravity.lead_term", lang, name=treatment_label(term.removeprefix("lead_"), lang),
                 years=gravity.LEAD, span=_lead_span(lang))
    return treatment_label(term, lang)


def series_label(specification: str, lead: bool, lang: str) -> str:
    if lead:
        return t("gravity.series.lead", lang, years=gravity.LEAD, span=_lead_span(lang))
    return t(f"gravity.spec.{specification}", lang)


def coefficient_plot(results: pd.DataFrame, lang: str):
    """One row per treatment; in it, a dot and its 95% interval for each series of
    :data:`SERIES`; a vertical line at zero (no change in trade)."""
    treatments = list(gravity_data.TREATMENTS)
    colours = sns.color_palette(PALETTE, len(SERIES))
    figure, axis = plt.subplots(figsize=(BOOK_WIDTH, 6.2))
    offsets = np.linspace(0.3, -0.3, len(SERIES))
    base = np.arange(len(treatments))[::-1].astype(float)
    for (specification, lead), offset, colour in zip(SERIES, offsets, colours):
        rows = results[(results.specification == specification) & (results.term.str.startswith("lead_") == lead)]
        rows = rows.set_index("treatment").reindex(treatments)
        y = base + offset
        axis.hlines(y, rows.ci_low, rows.ci_high, color=colour, linewidth=2.4)
        axis.scatter(rows.coefficient, y, color=colour, edgecolor="black", linewidth=0.5, zorder=3, s=26,
                     label=_wrapped(series_label(specification, lead, lang), 28))
    axis.axvline(0, color="grey", linewidth=0.8)
    axis.set_yticks(base, [_wrapped(treatment_label(name, lang), 22) for name in treatments], fontsize=9)
    axis.set_ylim(-0.6, len(treatments) - 0.4)
    axis.xaxis.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 2.5, 5, 10]))
    axis.xaxis.set_major_formatter(plt.FuncFormatter(lambda value, _: signed(value, lang, 1)))
    axis.set_xlabel(t("gravity.label.coefficient", lang), fontsize=9)
    axis.grid(axis="y", visible=False)
    axis.legend(loc="upper center", bbox_to_anchor=(0.45, -0.12), ncol=3, fontsize=8, frameon=False)
    figure.tight_layout()
    return figure


def coefficient_table(results: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every estimate with translated headers, in the order specification, term."""
    col = lambda name: t(f"gravity.col.{name}", lang)
    return pd.DataFrame({
        col("specification"): [t(f"gravity.spec.{name}", lang) for name in results.specification],
        col("term"): [term_label(term, lang) for term in results.term],
        col("coefficient"): results.coefficient.to_numpy(),
        col("std_error"): results.std_error.to_numpy(),
        col("ci_low"): results.ci_low.to_numpy(),
        col("ci_high"): results.ci_high.to_numpy(),
        col("p_value"): results.p_value.to_numpy(),
        col("percent"): results.percent.to_numpy(),
        col("percent_low"): results.percent_low.to_numpy(),
        col("percent_high"): results.percent_high.to_numpy(),
        col("n_obs"): results.n_obs.to_numpy(),
    })


def localised(frame: pd.DataFrame, lang: str, decimals: dict[str, int], default: int = 3) -> pd.DataFrame:
    """Numbers as text in the language's format (decimal comma, true minus in kk and ru);
    the p-value column writes a value below its last place as a bound («< 0,001»)."""
    result = frame.copy()
    p_column = t("gravity.col.p_value", lang)
    for column in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column]):
            places = decimals.get(column, default)
            write = (lambda value: format_p_value(value, lang, places)) if column == p_column \
                else (lambda value: signed(value, lang, places))
            result[column] = [write(value) if pd.notna(value) else "" for value in frame[column]]
    return result
