"""Kazakh and Russian typography of the book's text, as rules that find and fix.

* A dash between words is an em dash with a no-break space before it («Астана\u00a0— столица»),
  so that a line never starts with a dash; a spaced en dash (« – ») is not a dash of
  either language (an unspaced en dash stays in ranges: 2000–2020), except as the area
  separator of a ГОСТ Р 7.0.100–2018 reference, which follows a full stop («2026. – URL»).
* A number and «%» are joined by a no-break space (29\u00a0%).
* Names of a pair or of a route are joined the same way: «Фингера\u00a0— Крейнина»,
  «Батыс Еуропа\u00a0— Батыс Қытай».
* A number and its unit are joined by a no-break space, in a glued value as in typed
  text: «8 445 км», «890 млрд», «4,3 п. п.» (and inside «п. п.»), so that a
  line never starts with the unit. In a source, a glued value (``{glue:text}`…```) counts
  as a number.
* Quotes inside «…» are „…“.
* No TeX quotes (``…'') reach the reader.

``problems(text)`` lists what breaks a rule; ``fix(text)`` repairs the dash, percent, unit and
pair rules (quotes need a reader's eye). The checks run on the prose pages, the catalogue
and the reference tables (``tests/test_typography.py``).
"""
from __future__ import annotations

import re

NBSP = "\u00a0"
UPPER = "А-ЯЁӘҒҚҢӨҰҮҺІ"
LOWER = "а-яёәғқңөұүһі"

SPACE_BEFORE_DASH = re.compile(r"(?<=\S)[ \t]+—")
DASH_AFTER_LINE_BREAK = re.compile(r"(?<=\S)\n([ \t]*)—(?=[ \t])")
SPACED_EN_DASH = re.compile(r"(?<=[^\s.])[ \t\u00a0]+–[ \t]+")
SPACE_BEFORE_PERCENT = re.compile(r"(?<=\d)[ \t]+%")
PAIR_WITH_EN_DASH = re.compile(rf"(?<=[{UPPER}][{LOWER}])([{LOWER}]*)–(?=[{UPPER}])")
# units and scale words written after a number in kk and ru; a unit ends where a letter does not follow
UNITS = r"(?:км|кг|млн|млрд|трлн|тыс\.|долл\.|п\.[ \t\u00a0]?[пт]\.)(?![а-яёәғқңөұүһіa-z])"
SPACE_BEFORE_UNIT = re.compile(rf"(?<=[\d}}`])[ \t]*\n?[ \t]*(?<=[ \t\n])(?={UNITS})")
SPACE_IN_POINTS = re.compile(r"(?<=п\.)[ \t\n]+(?=[пт]\.)")
NESTED_QUOTES = re.compile(r"«[^»]*«")
TEX_QUOTES = re.compile(r"``|''")

RULES = {
    "an ordinary space before an em dash (write a no-break space)": SPACE_BEFORE_DASH,
    "a line break before an em dash (the dash would start a line)": DASH_AFTER_LINE_BREAK,
    "a spaced en dash between words (write «\u00a0— »)": SPACED_EN_DASH,
    "an ordinary space between a number and % (write a no-break space)": SPACE_BEFORE_PERCENT,
    "a pair of names joined by an en dash (write «\u00a0— »)": PAIR_WITH_EN_DASH,
    "an ordinary space or a line break between a number and its unit (write a no-break space)": SPACE_BEFORE_UNIT,
    "an ordinary space inside «п. п.» (write a no-break space)": SPACE_IN_POINTS,
    "«…» inside «…» (write „…“ inside)": NESTED_QUOTES,
    "TeX quotes": TEX_QUOTES,
}


def problems(text: str) -> list[tuple[int, str, str]]:
    """(line, rule, excerpt) for every place in ``text`` that breaks a rule."""
    found = []
    for rule, pattern in RULES.items():
        for match in pattern.finditer(text):
            line = 1 + text.count("\n", 0, match.start())
            found.append((line, rule, text[max(0, match.start() - 20):match.end() + 20].replace("\n", "⏎")))
    return sorted(found)


def fix(text: str) -> str:
    """``text`` with the dash, percent, unit and pair rules applied."""
    text = re.sub(r"(?<=\S)\n([ \t]*)—[ \t]+", lambda m: f"{NBSP}—\n{m.group(1)}", text)
    text = SPACE_BEFORE_DASH.sub(f"{NBSP}—", text)
    text = SPACED_EN_DASH.sub(f"{NBSP}— ", text)
    text = SPACE_BEFORE_PERCENT.sub(f"{NBSP}%", text)
    text = SPACE_IN_POINTS.sub(NBSP, text)
    text = SPACE_BEFORE_UNIT.sub(NBSP, text)
    return PAIR_WITH_EN_DASH.sub(lambda m: f"{m.group(1)}{NBSP}— ", text)
