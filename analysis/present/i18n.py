"""Translations: the one catalogue of labels (``analysis/present/catalogue.yml``) and country
names from pycountry's locales (with the overrides in ``data/reference``)."""
from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

import pandas as pd
import pycountry
import yaml

from analysis.paths import DATA_DIR

LANGUAGES = ("kk", "en", "ru")
CATALOGUE = Path(__file__).with_name("catalogue.yml")
OVERRIDES = DATA_DIR / "reference" / "country_name_overrides.csv"


class MissingTranslation(KeyError):
    def __str__(self) -> str:
        return self.args[0]


@cache
def catalogue(path: Path = CATALOGUE) -> dict[str, dict[str, str]]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, texts in entries.items():
        missing = [lang for lang in LANGUAGES if not str(texts.get(lang, "")).strip()]
        if missing:
            raise MissingTranslation(f"{path}: entry {key!r} has no text for {', '.join(missing)}")
    return entries


def t(key: str, lang: str, **values) -> str:
    """The catalogue text for ``key`` in ``lang``, formatted with ``values``."""
    if lang not in LANGUAGES:
        raise MissingTranslation(f"unknown language {lang!r} (expected one of {LANGUAGES})")
    try:
        text = catalogue()[key][lang]
    except KeyError:
        raise MissingTranslation(f"{CATALOGUE}: no entry {key!r}") from None
    return text.format(**values) if values else text


@cache
def _overrides() -> dict[tuple[str, str], str]:
    table = pd.read_csv(OVERRIDES, dtype=str)
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


def format_number(value: float, lang: str, decimals: int = 1) -> str:
    """A number as the language writes it: 1,234.5 in English, 1 234,5 in Kazakh and
    Russian (narrow no-break space between thousands, comma before decimals)."""
    if lang not in LANGUAGES:
        raise MissingTranslation(f"unknown language {lang!r} (expected one of {LANGUAGES})")
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\u202f").replace(".", ",")


def format_percent(share: float, lang: str, decimals: int = 1) -> str:
    """A share in [0, 1] as a percentage: 9.4% (en), 9,4 % (kk, ru)."""
    number = format_number(100 * share, lang, decimals)
    return f"{number}%" if lang == "en" else f"{number}\u00a0%"


def trend_word(before: float, after: float, lang: str) -> str:
    """'rose', 'fell' or 'did not change' (to the shown precision of 0.1 point) in ``lang``."""
    change = round(100 * after, 1) - round(100 * before, 1)
    return t("trend.rose" if change > 0 else "trend.fell" if change < 0 else "trend.unchanged", lang)
