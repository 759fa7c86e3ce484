"""Numbers as each edition writes them: hand-checked examples in kk, en and ru, plural
agreement, ranges, and the tick labels of figures."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, strategies as st  # noqa: E402

from analysis.present import i18n, numbers, plotting  # noqa: E402

NNBSP, NBSP, MINUS = "\u202f", "\u00a0", "\u2212"


@pytest.mark.parametrize("value, decimals, en, kk_ru", [
    (12345.67, 1, "12,345.7", f"12{NNBSP}345,7"),
    (-1234567.891, 2, f"{MINUS}1,234,567.89", f"{MINUS}1{NNBSP}234{NNBSP}567,89"),
    (999.95, 1, "1,000.0", f"1{NNBSP}000,0"),        # rounding carries into the thousands
    (0.125, 2, "0.13", "0,13"),                       # half away from zero, as readers round
    (2.5, 0, "3", "3"),
    (-2.5, 0, f"{MINUS}3", f"{MINUS}3"),
    (-0.04, 1, "0.0", "0,0"),                         # no negative zero
    (7, 0, "7", "7"),
    (1000, 0, "1,000", f"1{NNBSP}000"),
])
def test_format_number(value, decimals, en, kk_ru):
    assert i18n.format_number(value, "en", decimals) == en
    assert i18n.format_number(value, "kk", decimals) == kk_ru
    assert i18n.format_number(value, "ru", decimals) == kk_ru


def test_equal_values_print_equally_whatever_their_float_noise():
    # two AHP priorities of 1/16, one computed as 0.0625 and one carrying float noise below it;
    # rounding the binary value printed them as 0.063 and 0.062 side by side
    tied = [0.0625, 0.06249999999999999, 1 / 16, 0.25 / 4, sum([0.0125] * 5)]
    assert tied[1] != tied[0]
    for lang in i18n.LANGUAGES:
        assert {i18n.format_number(value, lang, 3) for value in tied} == {"0.063" if lang == "en" else "0,063"}
    assert numbers.decimal_value(0.06249999999999999) == numbers.decimal_value(0.0625)
    assert i18n.format_number(1.0049999999999999, "en", 2) == "1.01"   # the decimal 1.005, half up
    assert i18n.format_number(0.0624999, "en", 3) == "0.062"              # a real difference stays
    assert i18n.format_number(2.675, "en", 2) == "2.68"                   # binary 2.67499999…, read as 2.675
    assert i18n.trend_word(0.1, 0.10049999999999999, "en") == i18n.t("trend.rose", "en")


@pytest.mark.parametrize("share, decimals, en, kk_ru", [
    (0.0525, 1, "5.3%", f"5,3{NBSP}%"),
    (0.052, 0, "5%", f"5{NBSP}%"),
    (-0.0123, 2, f"{MINUS}1.23%", f"{MINUS}1,23{NBSP}%"),
    (12.5, 0, "1,250%", f"1{NNBSP}250{NBSP}%"),
])
def test_format_percent(share, decimals, en, kk_ru):
    assert i18n.format_percent(share, "en", decimals) == en
    assert i18n.format_percent(share, "kk", decimals) == kk_ru
    assert i18n.format_percent(share, "ru", decimals) == kk_ru


def test_format_range():
    assert i18n.format_range(1.5, 2.5, "ru", 1) == "1,5–2,5"
    assert i18n.format_range(1.5, 2.5, "en", 1) == "1.5–2.5"
    assert i18n.format_range(-5, -2, "kk") == f"{MINUS}5 – {MINUS}2"
    assert i18n.format_range(0.05, 0.09, "ru", percent=True) == f"5–9{NBSP}%"
    assert i18n.format_year_range(2000, 2020) == "2000–2020"


def test_a_p_value_too_small_for_its_places_is_a_bound_not_a_zero():
    assert numbers.format_p_value(0.0004, "ru") == f"<{NBSP}0,001"
    assert numbers.format_p_value(0.0, "en") == f"<{NBSP}0.001"
    assert numbers.format_p_value(0.001, "kk") == "0,001"
    assert numbers.format_p_value(0.0004, "ru", 4) == "0,0004"
    assert numbers.format_p_value(0.25, "en") == "0.250"
    import pandas as pd
    from analysis.present import factor_figures, gravity_figures
    frame = pd.DataFrame({i18n.t("gravity.col.p_value", "ru"): [0.0, 0.0123],
                          i18n.t("gravity.col.coefficient", "ru"): [-0.0001, 0.5]})
    shown = gravity_figures.localised(frame, "ru", {})
    assert list(shown.iloc[:, 0]) == [f"<{NBSP}0,001", "0,012"]
    assert shown.iloc[0, 1] == "0,000"  # not a p-value: printed as it rounds
    frame = pd.DataFrame({i18n.t("factor.col.p_holm", "kk"): [0.00001]})
    assert factor_figures.localised(frame, "kk", 3).iloc[0, 0] == f"<{NBSP}0,001"


def test_unknown_language_and_missing_value_are_errors():
    with pytest.raises(i18n.MissingTranslation, match="unknown language 'de'"):
        i18n.format_number(1.0, "de")
    with pytest.raises(ValueError, match="missing value"):
        i18n.format_number(float("nan"), "ru")


@pytest.mark.parametrize("count, ru, en", [
    (1, "1 случай", "1 case"), (2, "2 случая", "2 cases"), (5, "5 случаев", "5 cases"),
    (21, "21 случай", "21 cases"), (22, "22 случая", "22 cases"), (25, "25 случаев", "25 cases"),
    (111, "111 случаев", "111 cases"), (54, "54 случая", "54 cases"), (12, "12 случаев", "12 cases"),
    (1001, f"1{NNBSP}001 случай", "1,001 cases"),
])
def test_plural_agreement(count, ru, en):
    assert i18n.plural(count, "count.cases", "ru") == ru
    assert i18n.plural(count, "count.cases", "en") == en
    # after a numeral the Kazakh noun stays singular; CLDR still tells one from other
    assert i18n.plural(count, "count.cases", "kk") == f"{i18n.format_number(count, 'kk', 0)} жағдай"


def test_kazakh_plural_rules_come_from_cldr():
    assert [numbers.plural_category(n, "kk") for n in (1, 2, 5, 21, 111)] == ["one", "other", "other", "other", "other"]


def test_plural_entry_without_every_form_is_an_error(monkeypatch):
    entries = dict(i18n.catalogue())
    entries["count.broken"] = {"kk": "{n}", "en": {"one": "{n} x", "other": "{n} xs"}, "ru": {"one": "{n} x"}}
    monkeypatch.setattr(i18n, "catalogue", lambda: entries)
    with pytest.raises(i18n.MissingTranslation, match="lacks the plural forms"):
        i18n.plural(5, "count.broken", "ru")


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 3))
def test_kazakh_and_russian_numbers_round_trip(value, decimals):
    text = i18n.format_number(value, "ru", decimals)
    assert "." not in text and "-" not in text
    back = float(text.replace(NNBSP, "").replace(",", ".").replace(MINUS, "-"))
    assert back == pytest.approx(value, abs=0.5 * 10 ** -decimals + 1e-6 * abs(value))
    assert i18n.format_number(value, "kk", decimals) == text


def _tick_labels(lang, kind, limits, ticks):
    figure, axes = plt.subplots()
    axes.set_xlim(*limits)
    axes.set_xticks(ticks)
    plotting.locale_axis(axes.xaxis, lang, kind)
    figure.canvas.draw()
    labels = [label.get_text() for label in axes.get_xticklabels()]
    plt.close(figure)
    return labels


def test_axis_formatter_writes_numbers_the_reader_s_way():
    assert _tick_labels("ru", "number", (-0.5, 0.5), [-0.5, -0.25, 0, 0.25, 0.5]) == \
        [f"{MINUS}0,50", f"{MINUS}0,25", "0,00", "0,25", "0,50"]
    assert _tick_labels("en", "number", (-0.5, 0.5), [-0.5, 0, 0.5]) == [f"{MINUS}0.5", "0.0", "0.5"]
    assert _tick_labels("kk", "number", (0, 20000), [0, 10000, 20000]) == ["0", f"10{NNBSP}000", f"20{NNBSP}000"]
    assert _tick_labels("kk", "percent", (0, 0.4), [0, 0.2, 0.4]) == [f"0{NBSP}%", f"20{NBSP}%", f"40{NBSP}%"]
    assert _tick_labels("en", "percent", (0, 0.15), [0, 0.125]) == ["0.0%", "12.5%"]
    assert _tick_labels("ru", "points", (-0.02, 0.02), [-0.02, 0, 0.02]) == [f"{MINUS}2", "0", "+2"]
    assert _tick_labels("ru", "year", (2000, 2020), [2000, 2010, 2020]) == ["2000", "2010", "2020"]


# a decimal point between digits, or a hyphen-minus before a digit (a minus sign or a
# range written with a hyphen); neither belongs in a Kazakh or Russian number
ENGLISH_NUMBER = re.compile(r"\d\.\d|(?<![\w/.])-\d|\d-\d")
# identifiers, not quantities: licence names (CC BY 4.0) and version numbers, which are
# written with points in every language
IDENTIFIER = re.compile(r"CC BY(?:-[A-Z]+)* \d+(?:\.\d+)+|(?:версия|version) \d+(?:\.\d+)+|\d+(?:\.\d+)+ нұсқасы"
                        r"|\b[A-Z]\d+[a-z]?-\d{4}\b")  # and the codes of claims tested on later years (T3-2020)


class _NumberCells(HTMLParser):
    """Text of table cells and of glued values (``span.pasted-text``) on a built page."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._depth = 0
        self._stack: list[bool] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        collecting = tag in {"td", "th"} or "pasted-text" in classes
        self._stack.append(collecting)
        if collecting:
            self._depth += 1
            if self._depth == 1:
                self.texts.append("")

    def handle_endtag(self, tag):
        if tag in VOID or not self._stack:
            return
        if self._stack.pop():
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.texts[-1] += data


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def english_numbers(page_html: str) -> list[str]:
    parser = _NumberCells()
    parser.feed(page_html)
    return [text.strip() for text in parser.texts if ENGLISH_NUMBER.search(IDENTIFIER.sub("", text))]


def test_the_page_check_finds_english_numbers():
    page = ('<table><tr><th>Доля</th><td>0.052</td><td>−0,4</td><td>1970-2024</td><td>CC BY 4.0</td>'
            '<td>версия 2.02</td></tr></table>'
            '<p>из <span class="pasted-text">-3</span> и <span class="pasted-text">12 %</span></p>')
    assert english_numbers(page) == ["0.052", "1970-2024", "-3"]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_built_pages_write_numbers_in_the_locale(site_dir, lang):
    pages = sorted((site_dir / lang / "chapters").glob("*.html"))
    assert pages, f"no chapters in {site_dir / lang}"
    checked, problems = 0, []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        parser = _NumberCells()
        parser.feed(text)
        checked += len(parser.texts)
        problems += [f"{page.name}: {value!r}" for value in english_numbers(text)]
    assert checked > 100  # the tables and glued values were found at all
    assert problems == []


@pytest.mark.parametrize("lang, expected", [
    ("kk", "2016 жылғы 28 сәуір"), ("en", "28 April 2016"), ("ru", "28 апреля 2016 г.")])
def test_dates_in_sentences_are_written_out(lang, expected):
    assert i18n.format_date("2016-04-28", lang) == expected


def test_floating_point_noise_does_not_change_the_digits_shown():
    # a quarter of a quarter, as an eigenvector gives it, is a quarter of a quarter
    noisy = 0.25 * 0.24999999999999997
    assert noisy < 0.0625
    assert numbers.format_number(noisy, "en", 3) == numbers.format_number(0.0625, "en", 3) == "0.063"
    assert numbers.format_number(-noisy, "ru", 3) == "\u22120,063"
    assert numbers.format_number(1 / 3 - 1e-17, "kk", 3) == "0,333"
    # a real difference at the tenth place past the last shown one still counts
    assert numbers.format_number(0.0625 - 1e-10, "en", 3) == "0.062"
    assert numbers.format_number(123456789.5, "en", 0) == "123,456,790"


@pytest.mark.parametrize("rank, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"),
                                        (12, "12th"), (13, "13th"), (17, "17th"), (21, "21st"),
                                        (22, "22nd"), (23, "23rd"), (101, "101st"), (111, "111th")])
def test_rank_text_spells_english_ordinals(rank, text):
    from analysis.present.numbers import rank_text
    assert rank_text(rank, "en") == text


def test_rank_text_leaves_the_case_ending_to_kazakh_and_russian_prose():
    from analysis.present.numbers import rank_text
    assert rank_text(11, "kk") == "11" and rank_text(11, "ru") == "11"
    with pytest.raises(ValueError):
        rank_text(0, "en")
