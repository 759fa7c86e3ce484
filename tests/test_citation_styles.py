"""The formatted references a student pastes into a term paper: ГОСТ Р 7.0.100–2018 (in
the form ГОСТ Р 7.0.5–2008 allows in a reference list) for the Kazakh and Russian
editions, APA 7 and Chicago author-date for the English one, made by citeproc-py.

Each expected string is written by hand from the norm, not copied from the output:
ГОСТ's areas separated by ". – ", other title information after " : ", a parallel
title after " = ", the statement of responsibility after " / ", the heading with the
first author only ("Фамилия, И. О."), "URL: ... (дата обращения: ДД.ММ.ГГГГ)", the content
type «Текст : электронный»; APA's "Author. (Year). Title (Version x). URL"; Chicago's
"Author. Year. Title. Version x. URL." with the period inside the closing quote."""
from __future__ import annotations

import datetime

import pytest

from tooling import citation, citation_styles

RELEASE = citation.Release("1.2.3", "abcdef0123", datetime.date(2026, 3, 2))
SITE = citation.Site("https://example.org/silk", "https://git.example.org/silk")
LOCAL = citation.Site()


def book(lang, where=SITE, norm=None):
    return citation_styles.text(citation.book_csl(lang, RELEASE, where), norm, lang)


def paper(lang, norm):
    return citation_styles.text(citation.paper_csl(lang), norm, lang)


def test_gost_reference_to_the_russian_edition():
    assert book("ru", norm="gost") == (
        "Региональная интеграция на Новом шёлковом пути : статья и её проверка на открытых данных / Участники проекта "
        "Silk Road Integration. – Версия 1.2.3+abcdef0123. – 2026. – URL: https://example.org/silk/ru/ "
        "(дата обращения: 02.03.2026). – Текст : электронный.")


def test_gost_reference_to_the_kazakh_edition_is_in_kazakh():
    assert book("kk", norm="gost") == (
        "Жаңа Жібек жолындағы аймақтық интеграция : мақала және оны ашық деректермен тексеру / Silk Road Integration жобасының "
        "қатысушылары. – 1.2.3+abcdef0123 нұсқасы. – 2026. – URL: https://example.org/silk/kk/ "
        "(қаралған күні: 02.03.2026). – Мәтін : электрондық.")


def test_gost_reference_of_a_build_without_a_public_address_has_no_url():
    assert book("ru", LOCAL, "gost") == (
        "Региональная интеграция на Новом шёлковом пути : статья и её проверка на открытых данных / Участники проекта "
        "Silk Road Integration. – Версия 1.2.3+abcdef0123. – 2026. – Текст : электронный.")


def test_gost_references_to_the_paper():
    assert paper("ru", "gost") == (
        "Рамазанов, А. А. Жаңа Жібек жолындағы аймақтық экономикалық интеграция = Региональная экономическая "
        "интеграция на Новом Шелковом Пути / А. А. Рамазанов, И. Н. Кренгауз, М. Каримова. – 2023.")
    assert paper("kk", "gost") == (
        "Рамазанов, А. А. Жаңа Жібек жолындағы аймақтық экономикалық интеграция / А. А. Рамазанов, "
        "И. Н. Кренгауз, М. Каримова. – 2023.")


def test_apa_reference_to_the_english_edition_sets_the_title_in_italics():
    runs = citation_styles.runs(citation.book_csl("en", RELEASE, SITE), "apa", "en")
    assert "".join(text for text, _ in runs) == (
        "Silk Road Integration contributors. (2026). Regional Integration on the New Silk Road: A Measurable "
        "Edition (Version 1.2.3+abcdef0123, English edition). https://example.org/silk/en/")
    assert [text for text, italic in runs if italic] == ["Regional Integration on the New Silk Road: A Measurable Edition"]
    assert book("en", LOCAL, "apa") == (
        "Silk Road Integration contributors. (2026). Regional Integration on the New Silk Road: A Measurable "
        "Edition (Version 1.2.3+abcdef0123, English edition).")


def test_chicago_reference_to_the_english_edition():
    assert book("en", norm="chicago") == (
        "Silk Road Integration contributors. 2026. Regional Integration on the New Silk Road: A Measurable "
        "Edition. Version 1.2.3+abcdef0123. English edition. https://example.org/silk/en/.")


def test_apa_and_chicago_references_to_the_paper():
    # a work in another language: its original title, then the English one in square brackets
    assert paper("en", "apa") == (
        "Ramazanov, A. A., Krengauz, I. N., & Karimova, M. (2023). Жаңа Жібек жолындағы аймақтық экономикалық "
        "интеграция [Regional economic integration on the New Silk Road].")
    assert paper("en", "chicago") == (
        "Ramazanov, A. A., I. N. Krengauz, and M. Karimova. 2023. “Жаңа Жібек жолындағы аймақтық экономикалық "
        "интеграция” [Regional economic integration on the New Silk Road].")
    # APA sets the original title in italics and its translation in roman
    runs = citation_styles.runs(citation.paper_csl("en"), "apa", "en")
    assert [text for text, italic in runs if italic] == ["Жаңа Жібек жолындағы аймақтық экономикалық интеграция"]


def test_a_bracketed_translation_moves_out_of_italics_and_out_of_quotes():
    assert citation_styles._translation_outside([("A. (2020). ", False), ("Заглавие [Title]", True), (".", False)]) == \
        [("A. (2020). ", False), ("Заглавие", True), (" [Title].", False)]
    assert citation_styles._translation_outside([("A. 2020. “Заглавие [Title].”", False)]) == \
        [("A. 2020. “Заглавие” [Title].", False)]
    # a title that only contains brackets elsewhere is left alone
    assert citation_styles._translation_outside([("Data [1990–2020] of X", True)]) == [("Data [1990–2020] of X", True)]


def test_each_edition_gives_its_readers_norm_first():
    assert citation_styles.NORMS["kk"][0] == citation_styles.NORMS["ru"][0] == "gost"
    assert citation_styles.NORMS["en"] == ("apa", "chicago")


def test_unknown_norm_is_an_error():
    with pytest.raises(citation_styles.StyleError, match="unknown norm 'mla'"):
        citation_styles.text(citation.paper_csl("en"), "mla", "en")
