"""Translations: the one catalogue of labels (``analysis/present/catalogue.yml``) and country
names from pycountry's locales (with the overrides in ``data/reference``)."""
from __future__ import annotations

import gettext
import re
from functools import cache
from pathlib import Path

import pycountry
import yaml

from analysis.errors import DataError
from analysis.paths import DATA_DIR
from analysis.present import numbers

LANGUAGES = ("kk", "en", "ru")
CATALOGUE = Path(__file__).with_name("catalogue.yml")
OVERRIDES = DATA_DIR / "reference" / "country_name_overrides.csv"
ARTICLES = DATA_DIR / "reference" / "country_name_articles.csv"
CASES = DATA_DIR / "reference" / "country_name_cases.csv"


class MissingTranslation(KeyError):
    def __str__(self) -> str:
        return self.args[0]


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML keeps the last of two equal keys without a word; a catalogue entry written twice
    would silently replace the first text wherever it is used. (LibYAML's parser where
    PyYAML has it: the catalogue is read by every kernel and every Sphinx run, and the
    pure-Python parser takes about a second for it.)"""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"entry {key!r} is written twice (first on line {seen[key] + 1})", key_node.start_mark)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


@cache
def catalogue(path: Path = CATALOGUE) -> dict[str, dict[str, str]]:
    entries = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    for key, texts in entries.items():
        missing = [lang for lang in LANGUAGES if not str(texts.get(lang, "")).strip()]
        if missing:
            raise MissingTranslation(f"{path}: entry {key!r} has no text for {', '.join(missing)}")
    return entries


def _entry(key: str, lang: str):
    """The catalogue's text (or plural forms) for ``key`` in ``lang``."""
    _check(lang)
    try:
        return catalogue()[key][lang]
    except KeyError:
        raise MissingTranslation(f"{CATALOGUE}: no entry {key!r}") from None


def t(key: str, lang: str, **values) -> str:
    """The catalogue text for ``key`` in ``lang``, formatted with ``values``."""
    text = _entry(key, lang)
    if isinstance(text, dict):
        raise MissingTranslation(f"{CATALOGUE}: entry {key!r} has plural forms; use plural()")
    return text.format(**values) if values else text


# pandas is imported where it is used, not at the top: every Sphinx process imports this
# module, and most of them never read a table
def _table(path: Path, keep_default_na: bool = False):
    import pandas as pd
    return pd.read_csv(path, dtype=str, keep_default_na=keep_default_na)


def _day(day):
    """``day`` (a date, or an ISO string such as ``2022-02``) as a date."""
    import pandas as pd
    return pd.Timestamp(day).date()


@cache
def _overrides() -> dict[tuple[str, str], str]:
    table = _table(OVERRIDES, keep_default_na=True)
    return {(row.iso3, row.lang): row.name for row in table.itertuples()}


@cache
def _locale(lang: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=lang == "en")


def country_name(iso3: str, lang: str) -> str:
    """Short country name in ``lang``: an override if the project made one, else pycountry."""
    if (iso3, lang) in _overrides():
        return _overrides()[iso3, lang]
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        raise MissingTranslation(f"unknown ISO3 code {iso3!r}")
    english = getattr(country, "common_name", country.name)
    if lang == "en":
        return english
    translated = _locale(lang).gettext(english)
    if translated == english and lang != "en":
        translated = _locale(lang).gettext(country.name)
    return translated


@cache
def _articles(path: Path = ARTICLES) -> dict[str, str]:
    """ISO3 -> the article its English name takes in running text, checked: a known
    country and the one article English names take."""
    table = _table(path)
    for index, row in table.iterrows():
        if pycountry.countries.get(alpha_3=row["iso3"]) is None:
            raise DataError(path, f"{row['iso3']!r} is not an ISO3 country code", row=index + 2, field="iso3")
        if row["article"] != "the":
            raise DataError(path, f"article {row['article']!r}: English country names take 'the' or nothing",
                            row=index + 2, field="article")
    return dict(zip(table.iso3, table.article))


def country_name_in_text(iso3: str, lang: str) -> str:
    """The country's name as running text writes it: in English with the article some
    names take (the Netherlands); tables and chart labels use ``country_name``."""
    name = country_name(iso3, lang)
    if lang == "en" and iso3 in _articles():
        return f"{_articles()[iso3]} {name}"
    return name


@cache
def _cases() -> dict[tuple[str, str, str], str]:
    table = _table(CASES)
    return {(row.iso3, row.lang, row.case): row.name for row in table.itertuples()}


def country_name_in_case(iso3: str, lang: str, case: str = "nominative") -> str:
    """The name as running text writes it in a grammatical case: Russian «по Туркменистану»
    needs the dative, which ``country_name_cases.csv`` gives for the study countries.
    Languages with no forms in that table (English; Kazakh clauses are written so that the
    name stays in the nominative) use the running-text name whatever the case."""
    cases = _cases()
    if case == "nominative" or lang not in {form_lang for _, form_lang, _ in cases}:
        return country_name_in_text(iso3, lang)
    if (iso3, lang, case) not in cases:
        raise DataError(CASES, f"no {case} form of {iso3} in {lang}", field="name")
    return cases[iso3, lang, case]


# Each language's alphabet in dictionary order (Kazakh letters in their place, ё after е).
# Sorting by code point would put Ә, Қ, Ө, Ұ, Ү, І after Я and ё after я.
ALPHABETS = {
    "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "en": "abcdefghijklmnopqrstuvwxyz",
}


def countries_clause(key: str, codes, lang: str, notes=None, case: str = "nominative") -> str:
    """The catalogue clause about a list of countries, worded for how many there are:
    ``<key>.none`` for no country, ``<key>.one`` for one and ``<key>.many`` for several,
    with ``{countries}`` the names joined as ``lang`` joins a list («Туркменистан и
    Таджикистан»), each followed by its note in brackets if ``notes`` (code -> text) has
    one. A sentence written for one country breaks when a second one appears; a plural
    category would not do either (Russian «21» takes the singular). ``case`` declines the
    names where the clause puts them after a preposition (Russian «по Туркменистану»)."""
    from babel.lists import format_list
    codes = list(codes)
    notes = notes or {}
    form = "none" if not codes else "one" if len(codes) == 1 else "many"
    shown = [country_name_in_case(code, lang, case) + (f" ({notes[code]})" if code in notes else "") for code in codes]
    names = format_list(shown, locale=lang) if codes else ""
    return t(f"{key}.{form}", lang, countries=names)


def collation_key(text: str, lang: str) -> tuple:
    """Sort key for dictionary order in ``lang`` (ignoring case, spaces, punctuation):
    ``sorted(names, key=lambda n: collation_key(n, "kk"))`` puts Әзірбайжан after Ауғанстан
    and before Болгария. Characters outside the alphabet sort after it, by code point."""
    _check(lang)
    alphabet = ALPHABETS[lang]
    letters = [c for c in text.casefold() if c.isalnum()]
    return tuple(alphabet.index(c) if c in alphabet else len(alphabet) + ord(c) for c in letters)


def sorted_countries(codes, lang: str) -> list[str]:
    """ISO3 ``codes`` in the dictionary order of their names in ``lang``."""
    return sorted(codes, key=lambda code: collation_key(country_name(code, lang), lang))


def format_number(value: float, lang: str, decimals: int = 1) -> str:
    """A number as the language writes it: −1,234.5 in English, −1 234,5 in Kazakh and
    Russian (narrow no-break space between thousands, decimal comma, true minus)."""
    _check(lang)
    return numbers.format_number(value, lang, decimals)


def format_percent(share: float, lang: str, decimals: int = 1) -> str:
    """A share (0.094) as a percentage: 9.4% (en), 9,4 % (kk, ru)."""
    _check(lang)
    return numbers.format_percent(share, lang, decimals)


def format_quantity(value: float, unit: str, lang: str, decimals: int = 0) -> str:
    """``value`` and the unit ``unit.<unit>`` of the catalogue, joined by a no-break space:
    ``format_quantity(8445, "km", "kk")`` is «8 445 км»."""
    _check(lang)
    return numbers.format_quantity(value, t(f"unit.{unit}", lang), lang, decimals)


def format_range(start: float, end: float, lang: str, decimals: int = 0, *, percent: bool = False) -> str:
    """Two numbers joined by an en dash (see :func:`analysis.present.numbers.format_range`)."""
    _check(lang)
    return numbers.format_range(start, end, lang, decimals, percent=percent)


def format_year_range(first: int, last: int) -> str:
    """A span of years, the same in every language: 2000–2020 (en dash, no grouping)."""
    return numbers.format_year_range(first, last)


# A day in running text: Kazakh "2026 жылғы 1 желтоқсан", Russian "1 декабря 2026 г.";
# never the all-digit form, whose points read as decimals in kk and ru.
DATE_PATTERNS = {"kk": "y 'жылғы' d MMMM", "en": "d MMMM y", "ru": "d MMMM y 'г.'"}


def format_date(day, lang: str, case: str = "nominative") -> str:
    """``day`` (a date, or an ISO string) as the language writes it in a sentence.

    ``case`` puts the Kazakh case ending on the month (:func:`kazakh_case`), so that a
    template says «2023 жылғы 2 желтоқсандағы жағдай бойынша», not «... 2 желтоқсан күнгі»:
    "locative" (when: «28 сәуірде»), "locative_attributive" (as of: «2 желтоқсандағы»),
    "dative", "ablative". English and Russian put a preposition before the date, which
    their template holds, so their form does not depend on ``case``."""
    _check(lang)
    from babel.dates import format_date as babel_date
    text = babel_date(_day(day), DATE_PATTERNS[lang], locale=lang)
    if case not in KAZAKH_CASES:
        raise ValueError(f"case must be one of {KAZAKH_CASES}, not {case!r}")
    return kazakh_case(text, case) if lang == "kk" else text


KAZAKH_CASES = ("nominative", "locative", "locative_attributive", "dative", "ablative")
_BACK_VOWELS, _FRONT_VOWELS = set("аоұы"), set("әеөүі")
_VOICELESS = set("кқпстфхцчшщ")
_NASALS = set("мнң")


def kazakh_case(word: str, case: str) -> str:
    """``word`` (a Kazakh noun, or a phrase ending in one, such as a date whose last
    word is the month) with the ending of ``case``, chosen by vowel harmony (the last
    back or front vowel: а о ұ ы take back endings, ә е ө ү і front ones; у and и are
    neutral and skipped) and by the last sound: after a voiceless consonant the ending
    starts with т/қ/к, after м н ң the ablative with н, else with д/ғ/г.
    ``kazakh_case("сәуір", "locative")`` is «сәуірде», ``kazakh_case("қыркүйек",
    "locative")`` «қыркүйекте», ``kazakh_case("ақпан", "ablative")`` «ақпаннан»."""
    if case not in KAZAKH_CASES:
        raise ValueError(f"case must be one of {KAZAKH_CASES}, not {case!r}")
    if case == "nominative":
        return word
    vowels = [c for c in word.casefold() if c in _BACK_VOWELS | _FRONT_VOWELS]
    if not vowels:
        raise ValueError(f"no Kazakh vowel to harmonise with in {word!r}")
    back = vowels[-1] in _BACK_VOWELS
    last = word[-1].casefold()
    a, e = ("а", "ғ") if back else ("е", "г")
    if case in ("locative", "locative_attributive"):
        ending = ("т" if last in _VOICELESS else "д") + a
        if case == "locative_attributive":
            ending += "ғы" if back else "гі"
    elif case == "dative":
        ending = (("қ" if back else "к") if last in _VOICELESS else e) + a
    else:  # ablative
        ending = ("т" if last in _VOICELESS else "н" if last in _NASALS else "д") + a + "н"
    return word + ending


# A month of a year in the same style: «2022 жылғы ақпан», «февраль 2022 г.», "February 2022"
# (the month in the nominative; Kazakh CLDR capitalises its standalone form, so kk takes MMMM).
MONTH_PATTERNS = {"kk": "y 'жылғы' MMMM", "en": "LLLL y", "ru": "LLLL y 'г.'"}


def format_month(day, lang: str) -> str:
    """The month of ``day`` (a date, or an ISO string such as ``2022-02``) with its year."""
    _check(lang)
    from babel.dates import format_date as babel_date
    return babel_date(_day(day), MONTH_PATTERNS[lang], locale=lang)


# Counts up to ten are spelled out in running text where a template asks for it
# (``plural(..., words=True)``): «одну таможенную границу», «үш кеден шекарасы», "two factors".
SPELLED_OUT = range(0, 11)
_NUM2WORDS_LANG = {"kk": "kz", "en": "en", "ru": "ru"}


def count_words(count: int, lang: str, *, gender: str = "m", case: str = "nominative") -> str:
    """``count`` in words if it is a whole number from 0 to 10, else in digits as the locale
    writes them. Russian numerals agree with their noun: ``gender`` ("m", "f", "n") and
    ``case`` ("nominative", "genitive", "accusative", ...), as num2words names them:
    ``count_words(1, "ru", gender="f", case="accusative")`` is «одну»."""
    _check(lang)
    if int(count) != count or int(count) not in SPELLED_OUT:
        return format_number(count, lang, 0)
    from num2words import num2words
    if lang == "ru":
        if case == "accusative" and int(count) != 1:
            case = "nominative"  # the book's nouns are inanimate: «две границы», not «двух»
        return num2words(int(count), lang="ru", gender=gender, case=case)
    return num2words(int(count), lang=_NUM2WORDS_LANG[lang])


def plural(count: int, key: str, lang: str, *, words: bool = False, gender: str = "m",
           case: str = "nominative", **values) -> str:
    """The catalogue phrase ``key`` for ``count`` things, in the form that ``lang``'s plural
    rules (CLDR, via Babel) ask for: «1 случай», «54 случая», «111 случаев».

    An entry's text is either one template (Kazakh nouns do not change after a numeral) or
    a mapping from plural category to template; ``{n}`` is the count in the locale's
    format, or with ``words`` a count up to ten in words (:func:`count_words`, with the
    Russian ``gender`` and ``case`` the noun of the template takes)."""
    forms = _entry(key, lang)
    if isinstance(forms, dict):
        needed = set(numbers.locale(lang).plural_form.tags) | {"other"}
        if needed - set(forms):
            raise MissingTranslation(f"{CATALOGUE}: entry {key!r} in {lang} lacks the plural forms "
                                     f"{sorted(needed - set(forms))}")
        forms = forms[numbers.plural_category(count, lang)]
    n = count_words(count, lang, gender=gender, case=case) if words else format_number(count, lang, 0)
    return forms.format(n=n, **values)


_KK_SOFT_END = set("аәеёиоөуұүыіэюя") | set("лрймнң")


def kk_conjunction_and(word: str) -> str:
    """The Kazakh «and» between two nouns, «мен», «бен» or «пен», chosen by the last sound
    of the word before it: after a vowel or л, р, й, у, м, н, ң «мен» (Германия мен
    Нидерланды), after ж, з «бен», after the other consonants «пен» (Беларусь пен ...).
    A final soft or hard sign is not a sound and is passed over."""
    letters = [ch for ch in word.strip().lower() if ch.isalpha() and ch not in "ьъ"]
    if not letters or not re.fullmatch(r"[а-яёәғқңөұүһі]", letters[-1]):
        raise ValueError(f"not a Cyrillic word to join with «мен/бен/пен»: {word!r}")
    last = letters[-1]
    if last in _KK_SOFT_END:
        return "мен"
    return "бен" if last in "жз" else "пен"


def _check(lang: str) -> None:
    if lang not in LANGUAGES:
        raise MissingTranslation(f"unknown language {lang!r} (expected one of {LANGUAGES})")


def trend_word(before: float, after: float, lang: str) -> str:
    """'rose', 'fell' or 'did not change' (to the shown precision of 0.1 point) in ``lang``."""
    shown = [numbers.decimal_value(100 * value).quantize(numbers.decimal.Decimal("0.1"), rounding=numbers.decimal.ROUND_HALF_UP)
             for value in (before, after)]  # the rule format_number rounds by, so the word fits the numbers shown
    change = shown[1] - shown[0]
    return t("trend.rose" if change > 0 else "trend.fell" if change < 0 else "trend.unchanged", lang)
