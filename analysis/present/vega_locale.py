"""Number formats for the interactive charts, as each edition writes numbers.

vega-embed hands Vega a d3-format locale (its ``formatLocale`` option): decimal sign,
thousands separator, digit grouping, minus sign and percent sign. The objects here are
built from Babel's CLDR data, then given the book's typography exactly as
:mod:`analysis.present.numbers` gives it to the printed numbers: a true minus (U+2212),
a narrow no-break space (U+202F) between thousands where CLDR has a no-break space, and
a no-break space before % in Kazakh and Russian ("9,4 %"). A chart's tooltip then reads
like the sentence next to it.
"""
from __future__ import annotations

import json

from analysis.present import numbers


def _symbols(lang: str):
    symbols = numbers.locale(lang).number_symbols
    return symbols["latn"] if "latn" in symbols else symbols


def _grouping(lang: str) -> list[int]:
    primary, secondary = numbers.locale(lang).decimal_formats[None].grouping
    # d3 repeats the last size: [3] groups by threes, [3, 2] as in Indian digits
    return [primary] if primary == secondary else [primary, secondary]


def format_locale(lang: str) -> dict:
    """The d3-format locale of ``lang``'s edition, for vega-embed's ``formatLocale``."""
    symbols = _symbols(lang)
    typography = numbers._TYPOGRAPHY[lang]
    return {
        "decimal": symbols["decimal"],
        "thousands": symbols["group"].translate(typography),
        "grouping": _grouping(lang),
        "currency": ["", ""],  # the charts show no money amounts with a symbol
        "minus": symbols["minusSign"].translate(typography),
        "percent": numbers._PERCENT_SIGN[lang],
        "nan": "",
    }


def format_locale_json(lang: str) -> str:
    """The same, as compact JSON for a page's ``data-`` attribute."""
    return json.dumps(format_locale(lang), ensure_ascii=False, separators=(",", ":"))
