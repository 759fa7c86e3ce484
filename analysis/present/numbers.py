"""Numbers as each edition writes them, from Babel's CLDR data: digits, grouping,
decimal sign, percent pattern and plural categories.

Babel gives the locale's conventions; on top of them the book applies the typography its
style guide asks for (``docs/STYLE.md``, ``docs/EDITING.md``): a true minus sign (U+2212)
instead of the hyphen-minus that CLDR lists for every locale, a narrow no-break space
(U+202F) between thousands where CLDR has a no-break space, an en dash in ranges, and a
no-break space before % in Kazakh and Russian (CLDR's kk pattern has none, its ru
pattern has one).
"""
from __future__ import annotations

import decimal
import math
from functools import cache

from babel import Locale
from babel.numbers import format_decimal

LANGUAGES = ("kk", "en", "ru")
MINUS = "\u2212"
NARROW_NO_BREAK_SPACE = "\u202f"
NO_BREAK_SPACE = "\u00a0"
EN_DASH = "\u2013"

# CLDR symbol -> the book's typographic symbol, per language
_TYPOGRAPHY = {
    "en": str.maketrans({"-": MINUS}),
    "kk": str.maketrans({"-": MINUS, NO_BREAK_SPACE: NARROW_NO_BREAK_SPACE}),
    "ru": str.maketrans({"-": MINUS, NO_BREAK_SPACE: NARROW_NO_BREAK_SPACE}),
}
_PERCENT_SIGN = {"en": "%", "kk": NO_BREAK_SPACE + "%", "ru": NO_BREAK_SPACE + "%"}
class UnknownLanguage(ValueError):
    pass


@cache
def locale(lang: str) -> Locale:
    if lang not in LANGUAGES:
        raise UnknownLanguage(f"unknown language {lang!r} (expected one of {LANGUAGES})")
    return Locale.parse(lang)


def _pattern(decimals: int, grouping: bool) -> str:
    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, not {decimals}")
    whole = "#,##0" if grouping else "0"
    return whole + ("." + "0" * decimals if decimals else "")


# Significant digits a float keeps before it is rounded for display. Arithmetic leaves
# noise in the last bits (a priority of 1/16 comes out as 0.0625 from one computation and
# 0.06249999999999999 from another); rounding the binary value would print two equal
# priorities as 0.063 and 0.062. Twelve digits are far beyond any shown precision and
# far above the noise of a few units in the 16th.
SIGNIFICANT_DIGITS = 12


def decimal_value(value) -> decimal.Decimal:
    """``value`` as the decimal a reader would write: a float is read from its shortest
    decimal string cut to :data:`SIGNIFICANT_DIGITS`, so values equal but for float noise
    give the same decimal (0.06249999999999999 and 0.0625 both give 0.0625)."""
    if isinstance(value, decimal.Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return decimal.Decimal(value)
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"cannot format {number!r}; show the table's placeholder instead")
    return decimal.Decimal(format(number, f".{SIGNIFICANT_DIGITS}g"))


def round_half_up(value) -> int:
    """``value`` rounded to a whole number by the rule :func:`format_number` uses (2.5 → 3)."""
    return int(decimal_value(value).to_integral_value(rounding=decimal.ROUND_HALF_UP))


def format_number(value: float, lang: str, decimals: int = 1, *, grouping: bool = True) -> str:
    """``value`` rounded half away from zero (``decimal.ROUND_HALF_UP`` on its decimal
    string, see :func:`decimal_value`) to ``decimals`` places, as ``lang`` writes it:
    −1,234.5 (en), −1 234,5 (kk, ru; narrow no-break space, decimal comma, true minus).
    Equal values print equally, whatever float noise they carry. A value that rounds to
    zero is written without a sign. NaN is an error, not "NaN"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError("cannot format a missing value; show the table's placeholder instead")
    if decimals < 0:
        raise ValueError(f"decimals must be 0 or more, not {decimals}")
    rounded = decimal_value(value).quantize(decimal.Decimal(1).scaleb(-decimals), rounding=decimal.ROUND_HALF_UP)
    with decimal.localcontext(rounding=decimal.ROUND_HALF_UP):  # Babel rounds in the current context
        text = format_decimal(rounded, format=_pattern(decimals, grouping), locale=locale(lang),
                              decimal_quantization=True, group_separator=grouping)
    if text.startswith("-") and not any(c in "123456789" for c in text):
        text = text[1:]  # −0.0 reads as a negative zero; the reader expects 0.0
    return text.translate(_TYPOGRAPHY[lang])


def format_quantity(value: float, unit: str, lang: str, decimals: int = 0) -> str:
    """A number and its unit as one unbreakable group: 8 445 km (en), 8 445 км (kk, ru),
    with a no-break space between them and inside the unit («п. п.»), so that no line
    starts with the unit. ``unit`` is the unit as the edition writes it."""
    return format_number(value, lang, decimals) + NO_BREAK_SPACE + unit.strip().replace(" ", NO_BREAK_SPACE)


def format_percent(share: float, lang: str, decimals: int = 1) -> str:
    """A share (0.052 for 5.2 %) as a percentage: 5.2% (en), 5,2 % (kk, ru; no-break space)."""
    return format_number(100 * share, lang, decimals) + _PERCENT_SIGN[lang]


def format_p_value(p: float, lang: str, decimals: int = 3) -> str:
    """A p-value with ``decimals`` places; one too small to show at that precision is
    written as a bound, «< 0,001» (kk, ru) or "< 0.001" (en), never as a zero."""
    floor = 10.0 ** -decimals
    if p < floor:
        return "<" + NO_BREAK_SPACE + format_number(floor, lang, decimals)
    return format_number(p, lang, decimals)


def format_points(change: float, lang: str, decimals: int = 1) -> str:
    """A change in a share (0.012 for 1.2 points), in percentage points, with its sign:
    +1.2 (en), +1,2 (kk, ru); the unit goes in the label."""
    text = format_number(100 * change, lang, decimals)
    return text if text.startswith(MINUS) or set(text) <= set("0,.") else "+" + text


def format_range(start: float, end: float, lang: str, decimals: int = 0, *, percent: bool = False) -> str:
    """Two numbers joined by an en dash: 2000–2020, 1,5–2,5 (kk, ru). With a negative end
    the dash gets spaces so that it does not read as a minus: −5 – −2. With ``percent``
    the values are shares and the sign follows the second only (5–9 %, 5–9%)."""
    if percent:
        left, right = format_number(100 * start, lang, decimals), format_number(100 * end, lang, decimals)
    else:
        left, right = format_number(start, lang, decimals), format_number(end, lang, decimals)
    dash = f" {EN_DASH} " if (left + right).count(MINUS) else EN_DASH
    return left + dash + right + (_PERCENT_SIGN[lang] if percent else "")


def format_year_range(first: int, last: int) -> str:
    """Years are never grouped in thousands, in any language: 2000–2020."""
    return f"{int(first)}{EN_DASH}{int(last)}"


def plural_category(count: float, lang: str) -> str:
    """The CLDR plural category of ``count`` in ``lang``: "one", "few", "many" or "other"."""
    return locale(lang).plural_form(count)


def rank_text(rank: int, lang: str) -> str:
    """A place in a ranking as running text writes it: English spells the ordinal
    ("1st", "2nd", "11th", "23rd"); Kazakh and Russian write the bare number and the
    sentence adds the case ending ("11-орында", "на 11-м месте")."""
    rank = int(rank)
    if rank < 1:
        raise ValueError(f"a rank starts at 1, not {rank}")
    if lang != "en":
        locale(lang)
        return str(rank)
    suffix = "th" if rank % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"
