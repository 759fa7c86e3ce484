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
