"""The number locales handed to vega-embed (``analysis.present.vega_locale``): built from
CLDR, they must write a number in a chart exactly as the book writes it in its text
(``analysis.present.numbers``). Checked by formatting with d3-format itself, the library
Vega formats with, from the project's ``node_modules``."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from analysis.paths import REPO
from analysis.present import numbers, vega_locale

D3_FORMAT = REPO / "node_modules" / "d3-format" / "dist" / "d3-format.mjs"
VALUES = [0.0, 9.4, -9.4, 1234.5, -1234567.25, 0.05]
SHARES = [0.094, -0.012, 0.5, 0.0005]


def test_kazakh_and_russian_write_a_decimal_comma_a_narrow_no_break_space_and_a_true_minus():
    for lang in ("kk", "ru"):
        locale = vega_locale.format_locale(lang)
        assert locale["decimal"] == ","
        assert locale["thousands"] == "\u202f"
        assert locale["minus"] == "\u2212"
        assert locale["percent"] == "\u00a0%"
        assert locale["grouping"] == [3]


def test_english_writes_a_decimal_point_a_comma_and_a_true_minus():
    assert vega_locale.format_locale("en") == {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""],
                                               "minus": "\u2212", "percent": "%", "nan": ""}


def test_an_unknown_language_is_refused():
    with pytest.raises(numbers.UnknownLanguage):
        vega_locale.format_locale("de")


def test_json_keeps_the_characters_themselves():
    text = vega_locale.format_locale_json("ru")
    assert "\u202f" in text and "\u2212" in text and json.loads(text) == vega_locale.format_locale("ru")


def _d3(lang: str, specifier: str, values: list[float]) -> list[str]:
    node = shutil.which("node")
    assert node, "Node.js is needed (the Makefile installs the JavaScript with npm)"
    script = (f"import {{formatLocale}} from {json.dumps(D3_FORMAT.as_uri())};"
              f"const f = formatLocale({vega_locale.format_locale_json(lang)}).format({json.dumps(specifier)});"
              f"console.log(JSON.stringify({json.dumps(values)}.map(f)));")
    result = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True, check=True, timeout=60)
    return json.loads(result.stdout)


@pytest.mark.parametrize("lang", numbers.LANGUAGES)
def test_d3_writes_numbers_as_the_book_does(lang):
    assert _d3(lang, ",.1f", VALUES) == [numbers.format_number(v, lang, 1) for v in VALUES]
    assert _d3(lang, ",.2f", VALUES) == [numbers.format_number(v, lang, 2) for v in VALUES]


@pytest.mark.parametrize("lang", numbers.LANGUAGES)
def test_d3_writes_percentages_as_the_book_does(lang):
    assert _d3(lang, ".1%", SHARES) == [numbers.format_percent(v, lang, 1) for v in SHARES]


def test_a_russian_percentage_by_hand():
    assert _d3("ru", ".1%", [0.094, -0.012]) == ["9,4\u00a0%", "\u22121,2\u00a0%"]
