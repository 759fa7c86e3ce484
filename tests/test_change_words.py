"""Changes are written with the verb their sign calls for, in each language."""
from __future__ import annotations

import pytest

from analysis.present.change_words import moved_by


@pytest.mark.parametrize("lang, rise, fall", [
    ("en", "rose by 5%", "fell by 8%"),
    ("ru", "вырос на 5\u00a0%", "сократился на 8\u00a0%"),
    ("kk", "5\u00a0%-ға өсті", "8\u00a0%-ға төмендеді"),
])
def test_the_verb_follows_the_sign_and_the_value_loses_it(lang, rise, fall):
    assert moved_by(0.05, lang) == rise
    assert moved_by(-0.08, lang) == fall


def test_a_change_that_rounds_to_zero_is_no_change():
    assert moved_by(0.004, "en") == "did not change"
    assert moved_by(-0.004, "ru") == "не изменился"
    assert moved_by(0.004, "en", decimals=1) == "rose by 0.4%"


def test_a_missing_change_is_an_error_not_a_sentence():
    with pytest.raises(ValueError):
        moved_by(float("nan"), "en")


def test_rates_take_their_own_verbs():
    # a rate or an index rises and falls («снизился»), an amount shrinks («сократился»)
    assert moved_by(-0.203, "ru", 1, verbs="change.rate") == "снизился на 20,3\u00a0%"
    assert moved_by(0.223, "ru", 1, verbs="change.rate") == "повысился на 22,3\u00a0%"
    assert moved_by(-0.203, "kk", 1, verbs="change.rate") == "20,3\u00a0%-ға төмендеді"


def test_direction_rounds_like_the_number_it_goes_with():
    from analysis.present.change_words import direction
    assert direction(0.0004, 1) == "none" and direction(-0.0004, 1) == "none"
    assert direction(0.0005, 1) == "up" and direction(-0.0005, 1) == "down"
    assert direction(0.004) == "none" and direction(0.006) == "up"
    with pytest.raises(ValueError):
        direction(float("inf"))


WORDS = {"en": ("strengthen", "weaken", "fared worse", "fared better"),
         "ru": ("укрепи", "ослаб", "подешевели сильнее", "подешевели меньше"),
         "kk": ("нығай", "әлсіре", "көбірек әлсіреді", "азырақ әлсіреді")}  # stems, then the comparisons


@pytest.mark.parametrize("lang", ["kk", "en", "ru"])
def test_the_rouble_sentences_follow_the_sign_of_its_change(lang):
    from analysis.present.change_words import by_sign
    stronger_word, weaker_word, worse, better = WORDS[lang]
    fields = dict(start="73,7", end="68,5", last="92,6", last_year=2024)
    # roubles per dollar fell: a stronger rouble, and the other currencies fared worse against it
    stronger = by_sign(-0.070, lang, "after_2020.rouble_2022", 1, **fields)
    assert stronger_word in stronger and weaker_word not in stronger
    assert worse in by_sign(-0.070, lang, "after_2020.against_rouble_2022", 1)
    # roubles per dollar rose: a weaker rouble, and the other currencies fared better against it
    weaker = by_sign(0.070, lang, "after_2020.rouble_2022", 1, **fields)
    assert weaker_word in weaker and stronger_word not in weaker
    assert better in by_sign(0.070, lang, "after_2020.against_rouble_2022", 1)
    flat = by_sign(0.0004, lang, "after_2020.rouble_2022", 1, **fields)
    assert stronger_word not in flat and weaker_word not in flat
    assert all(value in text for text in (stronger, weaker, flat) for value in ("73,7", "68,5", "92,6", "2024"))
    assert weaker_word in by_sign(0.24, lang, "after_2020.rouble_2023", 1)
    assert weaker_word not in by_sign(-0.05, lang, "after_2020.rouble_2023", 1)
