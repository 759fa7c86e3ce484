"""Terms are data: the glossary file, its page, and no page using a variant it rejects."""
from __future__ import annotations

import csv
import re

import pytest
import yaml

from analysis.errors import DataError
from analysis.present import glossary, i18n
from analysis.present.i18n import collation_key
from tooling import notebooks
from tooling.build import NOTEBOOK_DIR, PROSE_DIR, REPO

import edition_texts


def test_the_decided_terms():
    term = glossary.term
    assert term("migrant_stock", "kk") == "халықаралық мигранттар саны"
    assert term("proxy", "kk") == "жанама көрсеткіш"
    assert term("sreb", "ru") == "Экономический пояс Шёлкового пути"
    assert term("new_silk_road", "ru") == "Новый шёлковый путь"
    assert term("traceca", "kk") == term("traceca", "ru") == "ТРАСЕКА"
    assert term("ca5", "kk") == "Орталық Азия (5 ел)"
    assert term("ca5", "ru") == "Центральная Азия (5 стран)"
    assert term("mirror_statistics", "ru") == "зеркальная статистика"
    assert term("intra_regional_trade_share", "ru") == "доля взаимной торговли"
    assert (term("indicator", "kk"), term("index", "kk")) == ("көрсеткіш", "индекс")
    abbreviations = {t.id: t.abbreviations for t in glossary.terms()}
    assert abbreviations["sreb"] == {"kk": "ЖЖЭБ", "en": "SREB", "ru": "ЭПШП"}
    assert abbreviations["eaeu"]["kk"] == "ЕАЭО" and abbreviations["eaeu"]["ru"] == "ЕАЭС"
    assert abbreviations["fdi"]["kk"] == "ТШИ" and abbreviations["fdi"]["ru"] == "ПИИ"
    assert abbreviations["ppp"]["kk"] == "СҚП" and abbreviations["ppp"]["ru"] == "ППС"


def test_every_source_is_in_the_bibliography():
    keys = set(re.findall(r"^@\w+\{([^,]+),", (REPO / "references.bib").read_text(encoding="utf-8"), flags=re.M))
    sources = {t.source for t in glossary.terms() if t.source}
    assert sources <= keys, sources - keys


def test_the_catalogue_uses_the_glossary_s_terms():
    for lang in i18n.LANGUAGES:
        assert i18n.t("grouping.ca5", lang) == glossary.term("ca5", lang)
        assert i18n.t("indicator.trade_intensity", lang).casefold() == glossary.term("trade_intensity", lang).casefold()
        assert i18n.t("indicator.introversion", lang).casefold() == glossary.term("introversion_index", lang).casefold()
        assert i18n.t("grouping.traceca", lang).startswith(glossary.term("traceca", lang))
        assert i18n.t("grouping.new_silk_road", lang).startswith(glossary.term("new_silk_road", lang))


def test_kazakh_country_names_follow_the_paper():
    assert i18n.country_name("MNG", "kk") == "Моңғолия"


def test_rejected_variants_are_found_in_any_case_ending():
    uses = glossary.rejected_uses("Бірінші жол.\nБҰҰ көші-қон қорының деректері және инвестицияның орынбасары.", "kk")
    assert [(u.line, u.term) for u in uses] == [(2, "migrant_stock"), (2, "proxy")]
    assert [u.variant for u in glossary.rejected_uses("на Новом Шелковом пути", "ru")] == ["Шелков"]
    assert glossary.rejected_uses("на Новом шёлковом пути", "ru") == []
    assert glossary.rejected_uses("TRACECA + China", "en") == []


def _catalogue_texts(lang):
    entries = yaml.safe_load(i18n.CATALOGUE.read_text(encoding="utf-8"))
    for key, texts in entries.items():
        if key == "paper.title":
            continue  # the paper's title is quoted as the paper prints it («на Новом Шелковом Пути»)
        text = texts[lang]
        yield key, " ".join(text.values()) if isinstance(text, dict) else str(text)


# A MyST role's target (a glue key, a citation key, a label) is a name, not text the reader sees.
ROLE_TARGET = re.compile(r"(\{[a-z:-]+\})`[^`]*`")


def _page_sources(lang):
    for page in sorted((PROSE_DIR / lang).glob("*.md")):
        yield str(page.relative_to(REPO)), ROLE_TARGET.sub(r"\1", page.read_text(encoding="utf-8"))
    for source in sorted(NOTEBOOK_DIR.glob("*.md")):
        cells = notebooks.cells_for(notebooks.read_source(source), lang).cells
        for number, cell in enumerate(cells, start=1):
            if cell.cell_type == "markdown":
                yield f"{source.relative_to(REPO)} ({lang} prose cell {number})", ROLE_TARGET.sub(r"\1", cell.source)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_page_label_or_reference_text_uses_a_rejected_variant(lang):
    uses = [(where, use) for where, text in _page_sources(lang) for use in glossary.rejected_uses(text, lang)]
    uses += [(f"catalogue {key}", use) for key, text in _catalogue_texts(lang)
             for use in glossary.rejected_uses(text, lang)]
    reference = edition_texts.reference_texts(lang, skip=("glossary.csv", "rejected_wording.csv", "author_names.csv"))
    uses += [(where, use) for where, text in reference for use in glossary.rejected_uses(text, lang)]
    assert [f"{where}: {use}" for where, use in uses] == []


def test_the_issue_s_rejected_variants_are_in_the_glossary_or_the_wording_list():
    kk = [u.variant for u in glossary.rejected_uses(
        "қауіп-қатерлер, қауіптер, күшті тұстар, әлсіз тұстар, екінші реттік, Винер, сфералық критерий, бір мәнді, "
        "«Қызғылт парақ», Адам даму индексі, Белдеу мен жол, Белдеу және жол, кәсіптің ауқымы, өлшенген орташа, "
        "жеке меншік әріптестік, қызмет етеді, тұжырымды шешу, сілкініс, сауданы босату, тұйық етер еді, "
        "теңгенің екінші жағы, адам басына шаққанда, үзінді, жиынтық индекс", "kk")]
    assert len(kk) == 24, kk
    ru = [u.variant for u in glossary.rejected_uses(
        "выгрузка, свидетельства, не решить открытыми данными, межгосударственно-частного, Авторы пишут из Алматы, "
        "торговлю нельзя освободить, европейского конца, готовых изделий, композитный, Винер, "
        "к готовым изделиям, готовыми изделиями", "ru")]
    assert {v.casefold() for v in ru} >= {"выгрузк", "свидетельства", "не решить открытыми данными",
                                         "межгосударственно-частн", "пишут из", "торговлю нельзя освободить",
                                         "европейского конца", "готовых издели", "композитн", "винер",
                                         "готовым издели", "готовыми издели"}
    # the accepted forms pass
    assert glossary.rejected_uses("қатерлер, күшті жақтар, қайталама санкциялар, сфералылық критерийі, бірмәнді, "
                                  "салмақталған орташа, жан басына шаққандағы, деректер жиынтығы, құрама индекс", "kk") == []
    assert glossary.rejected_uses("набор данных книги, эмпирические данные, свидетельствует о том, "
                                  "промышленные товары, сводный индекс, Вайнер", "ru") == []


def test_the_glossary_is_a_page_before_the_references():
    toc = (REPO / "_toc.yml").read_text(encoding="utf-8")
    assert toc.index("chapters/glossary") < toc.index("chapters/references")
    for lang in i18n.LANGUAGES:
        body = glossary.glossary_markdown(lang)
        assert body.count("\n: ") == len(glossary.terms())
        for entry in glossary.terms():
            assert entry.names[lang][1:] in body and entry.definitions[lang] in body


def test_the_glossary_page_is_in_dictionary_order():
    body = glossary.glossary_markdown("kk")
    names = re.findall(r"^\*\*(.+?)\*\*$", body, flags=re.M)
    # Kazakh letters sort in their place in the alphabet, not after я
    assert collation_key("қор", "kk") < collation_key("лак", "kk")
    assert collation_key("ёж", "ru") < collation_key("жук", "ru")
    assert names == sorted(names, key=lambda n: collation_key(n, "kk"))


def test_a_broken_glossary_names_the_row_and_field(tmp_path):
    with glossary.GLOSSARY.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[2]["definition_ru"] = ""
    broken = tmp_path / "glossary.csv"
    with broken.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=glossary.COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(DataError, match=r"row 4, field 'definition_ru'"):
        glossary.terms.__wrapped__(broken)
    broken.write_text(",".join(glossary.COLUMNS) + "\nx,a,b,c,,,,d,e,f,,,,c\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"row 2, field 'rejected_ru'.*part of the accepted term"):
        glossary.terms.__wrapped__(broken)


def test_the_second_reading_s_competing_kazakh_terms_are_settled():
    """One Kazakh term per concept (issue 19, second pass): the glossary names it and the
    competing forms are rejected variants, found in any case ending."""
    term = glossary.term
    assert term("msa", "kk") == "іріктеменің жарамдылық өлшемі"
    assert term("multiple_imputation", "kk") == "көптік толықтыру"
    assert term("integration_process", "kk") == "интеграциялық үдеріс"
    assert (term("route", "kk"), term("customs_border", "kk")) == ("бағыт (көлік бағыты)", "кеден шекарасы")
    assert (term("notebook", "kk"), term("table_row", "kk"), term("opportunities", "kk")) == \
        ("блокнот", "кесте жолы", "мүмкіндіктер")
    # robustness and stability are two things, and the glossary says how they differ
    assert (term("robustness", "kk"), term("stability", "kk")) == ("орнықтылық", "тұрақтылық")
    definitions = {t.id: t.definitions for t in glossary.terms()}
    assert "тұрақтылық" in definitions["robustness"]["kk"].casefold() and "орнықтылық" in definitions["stability"]["kk"].casefold()
    assert "stability" in definitions["robustness"]["en"] and "robustness" in definitions["stability"]["en"]
    rejected = "Іріктеме жарамдылығының жеке өлшемі, іріктеме жеткіліктілігінің өлшемі, көп реттік толықтырумен, " \
               "интеграциялық процестер, процесс ретінде, процеске, маршруттың, кедендік шекарадан, рангтердің, " \
               "Jupyter дәптері, мүмкіншіліктер, Афины"
    found = [u.variant for u in glossary.rejected_uses(rejected, "kk")]
    assert len(found) == 13, found   # «интеграциялық процестер» breaks two rules
    # «процессор» (of CSL) is another word, and the accepted forms pass
    assert glossary.rejected_uses("`CSL` процессоры, интеграциялық үдеріс, бес бағыт, бір кеден шекарасынан, "
                                  "саралаудағы орын, рангтік корреляция, процентильдік ранг, блокнот, кесте жолы", "kk") == []
    assert [u.variant for u in glossary.rejected_uses("множественной импутацией", "ru")] == ["импутац"]
