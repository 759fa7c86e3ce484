"""Bibliography entries in the edition's language.

Fields: an entry may carry ``note_kk``/``note_ru`` and ``author_kk``/``author_ru``; in
the kk and ru editions they replace ``note`` and ``author`` (before any citation is
resolved, so in-text labels and the list agree). The English edition uses ``note`` and
``author`` as they are.

pybtex's "plain" style writes its connecting words in English ("and", "In", "editor",
"pages", ...). For the kk and ru editions this extension registers a variant of that
style whose words come from the book's catalogue (``bib.*`` entries). Field values
(titles, names, notes) are left exactly as the bibliography gives them. Two phrases
carry a value and are built whole: the access date («қаралған күні: 2023 жылғы
23 ақпан», «дата обращения: 23 февраля 2023 г.», dated as in running text) and the
edition («2-басылым», «2-е изд.»), whose ``edition`` field may be an English ordinal.

pybtex templates hold those words as plain strings, while field values reach the
template as rich text, so swapping the plain strings while an entry is formatted
changes only the style's own words.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from pybtex.database import BibliographyData, Person
from pybtex.plugin import register_plugin
from pybtex.style import template
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import names, optional, sentence

from analysis.present.i18n import format_date, t

BASE_STYLE = "plain"
# The English words of pybtex's plain/unsrt templates, and their catalogue keys.
STYLE_WORDS = {
    "In": "bib.in_collection", "editor": "bib.editor", "editors": "bib.editors", "pages": "bib.pages",
    "edition": "bib.edition", "volume": "bib.volume", "of": "bib.of_series", "number": "bib.number",
    "in": "bib.in_series", "Master's thesis": "bib.masters_thesis", "PhD thesis": "bib.phd_thesis",
    "Technical Report": "bib.technical_report",
}


ORDINALS = {word: n for n, word in enumerate(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"], start=1)}


def edition_number(edition: str) -> int:
    """The number of an ``edition`` field: "Second", "2nd" and "2" all give 2."""
    text = edition.strip().lower()
    if text in ORDINALS:
        return ORDINALS[text]
    if match := re.fullmatch(r"(\d+)(st|nd|rd|th)?", text):
        return int(match[1])
    raise ValueError(f"references.bib: edition {edition!r} is neither a number nor an English ordinal "
                     "(first to tenth); write it as a number")


@contextmanager
def words_in(translations: dict[str, str]):
    original = template._format_data

    def localised(node, data):
        if isinstance(node, str):
            return translations.get(node, node)
        return original(node, data)

    template._format_data = localised
    try:
        yield
    finally:
        template._format_data = original


def localised_style(lang: str) -> type[PlainStyle]:
    translations = {english: t(key, lang) for english, key in STYLE_WORDS.items()}
    conjunction = f" {t('bib.and', lang)} "

    class LocalisedStyle(PlainStyle):
        def format_names(self, role, as_sentence=True):
            # no serial comma before the conjunction in Kazakh or Russian
            formatted = names(role, sep=", ", sep2=conjunction, last_sep=conjunction)
            return sentence[formatted] if as_sentence else formatted

        def format_edition(self, e):
            return optional[template.field("edition", apply_func=lambda text: t(
                "bib.numbered_edition", lang, number=edition_number(str(text))))]

        def format_web_refs(self, e):
            visited = template.field("urldate", apply_func=lambda day: t(
                "bib.visited", lang, date=format_date(str(day), lang)))
            return sentence[
                optional[self.format_url(e), optional[" (", visited, ")"]],
                optional[self.format_eprint(e)],
                optional[self.format_pubmed(e)],
                optional[self.format_doi(e)],
            ]

        def format_entry(self, label, entry, bib_data=None):
            with words_in(translations):
                return super().format_entry(label, entry, bib_data=bib_data)

    return LocalisedStyle


def localise_entries(bib_data: BibliographyData, lang: str) -> None:
    """Swap in the ``note_<lang>`` and ``author_<lang>`` fields of every entry, in place.
    Idempotent: the per-language fields stay, so a second call changes nothing."""
    for entry in bib_data.entries.values():
        note = entry.fields.get(f"note_{lang}")
        if note:
            entry.fields["note"] = note
        authors = entry.fields.get(f"author_{lang}")
        if authors:
            entry.persons["author"] = [Person(name.strip()) for name in authors.split(" and ")]


def localise_bibliography(app):
    lang = app.config.language
    if lang in (None, "en"):
        return
    localise_entries(app.env.get_domain("cite").bibdata.data, lang)


def localised_reference_style(lang: str):
    """sphinxcontrib-bibtex's author-year citations with the edition's "and" and "et al."
    (in-text citations such as "Iskakov and Kegenbekov, 2023")."""
    from sphinxcontrib.bibtex.style.referencing import PersonStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

    conjunction = f" {t('bib.and', lang)} "

    def localised_person() -> PersonStyle:
        return PersonStyle(sep2=conjunction, last_sep=conjunction, other=f" {t('narrative.et_al', lang)}")

    @dataclass
    class LocalisedAuthorYear(AuthorYearReferenceStyle):
        person: PersonStyle = field(default_factory=localised_person)

    return LocalisedAuthorYear


def use_localised_style(app, config):
    if config.language in (None, "en"):
        return
    if config.bibtex_default_style == BASE_STYLE:
        name = f"{BASE_STYLE}_{config.language}"
        register_plugin("pybtex.style.formatting", name, localised_style(config.language), force=True)
        config.bibtex_default_style = name
    if config.bibtex_reference_style == "author_year":
        name = f"author_year_{config.language}"
        from sphinxcontrib.bibtex.plugin import register_plugin as register_bibtex_plugin

        register_bibtex_plugin("sphinxcontrib.bibtex.style.referencing", name,
                               localised_reference_style(config.language), force=True)
        config.bibtex_reference_style = name


def setup(app):
    app.connect("config-inited", use_localised_style)
    # after sphinxcontrib-bibtex has parsed the bibliography (its handler has priority 500)
    app.connect("builder-inited", localise_bibliography, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
