"""Bibliography entries and citations in the edition's language.

Fields: an entry may carry ``note_kk``/``note_ru`` and ``author_kk``/``author_ru``/``author_en``; in
the kk and ru editions they replace ``note`` and ``author`` (before any citation is
resolved, so in-text labels and the list agree). ``author_<lang>`` gives an
institution its edition form in citations (``{МВФ}``, ``{Всемирный банк}``); the
reference list opens such a work's entry with that same form («МВФ. Direction of Trade
Statistics …»), so that the reader finds the citation's name at the head of its entry,
and gives the organisation as the document names it after the title. The English edition
uses ``note`` as it is, and ``author_en`` where an entry has one: a name the work gives
only in Cyrillic, written as the paper's own Latin transliteration writes it
(``Kanyibek``), so that English prose and its citations use one spelling; and
``title_en`` (with ``howpublished_en``, ``address_en``, ``publisher_en``) where the paper gives
an English title for a work without author, so that the English citation reads in Latin script.

Reference list: the kk and ru editions use the ГОСТ Р 7.0.100–2018 style of
``gost_style.py``, registered as ``gost_kk``/``gost_ru`` in pybtex's
``pybtex.style.formatting`` plugin registry; the English edition keeps pybtex's
"plain" entries in one alphabetical order (``plain_en``, :func:`english_style`).

In-text citations: author-year in square brackets, as ГОСТ Р 7.0.5–2008 writes them:
«[Balassa, Stoutjesdijk, 1975]», «[Vinokurov et al., 2010]», «[Рамазанов и др., 2023]»,
several works separated by «; ». A Latin-script name takes "et al.", a Cyrillic one the
edition's «және т.б.»/«и др.». Textual citations join two names with the edition's
«және»/«и» («Искаков и Кегенбеков [2023]»).

Quotes: titles and notes written with LaTeX quotes (``…'' and `…') get the
edition's quotes: «…» in kk and ru, “…” in English.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from docutils import nodes
from pybtex.database import BibliographyData, Person
from sphinx.transforms.post_transforms import SphinxPostTransform
from pybtex.plugin import register_plugin

from analysis.present.i18n import t
from gost_style import CYRILLIC, PLAIN_TEXT, document_language, edition_number, gost_style  # noqa: F401  (edition_number: re-exported)

BASE_STYLE = "plain"
QUOTES = {"kk": ("«", "»"), "ru": ("«", "»"), "en": ("\u201c", "\u201d")}
DOUBLE = re.compile(r"``(.+?)''", re.S)
SINGLE = re.compile(r"(?<![\w`])`(?!`)(.+?)'(?!\w)", re.S)
LOCALISED_FIELDS = ("note", "howpublished")
# A work the paper cites by a title only in Cyrillic can carry the paper's English title and
# imprint as ``title_en``, ``howpublished_en``, ``address_en``, ``publisher_en``: the English
# edition then cites and lists it in Latin script, and the kk and ru editions keep the original.
EDITION_FIELDS = ("title", "howpublished", "address", "publisher")


def typeset_quotes(text: str, lang: str) -> str:
    """LaTeX quotes as the language writes quotes: ``a'' and `b' → «a» and «b» (kk, ru),
    “a” and “b” (en)."""
    left, right = QUOTES[lang]
    return SINGLE.sub(rf"{left}\1{right}", DOUBLE.sub(rf"{left}\1{right}", text))


def localise_entries(bib_data: BibliographyData, lang: str) -> None:
    """Swap in the ``note_<lang>`` and ``author_<lang>`` fields of every entry, and set
    its quotes, in place: the document's own fields (title, journal ...) keep the quotes
    of the document's language (“benefit of the doubt” in an English title, also in the
    kk and ru lists), what the cataloguer writes (``note_<lang>``, ``howpublished_<lang>``)
    takes the edition's. Idempotent: the per-language fields stay, so a second call
    changes nothing."""
    for entry in bib_data.entries.values():
        own = lang if lang == "en" else document_language(entry)
        for name, value in list(entry.fields.items()):
            if "`" in value:
                cataloguer = name.rsplit("_", 1)[-1] in ("kk", "ru") or name in LOCALISED_FIELDS
                entry.fields[name] = typeset_quotes(value, lang if cataloguer else own)
        note = entry.fields.get(f"note_{lang}") if lang != "en" else None
        if note:
            entry.fields["note"] = note
        for name in EDITION_FIELDS if lang == "en" else ():  # kk, ru: gost_style reads howpublished_<lang>
            value = entry.fields.get(f"{name}_{lang}")
            if value:
                entry.fields[name] = value
        authors = entry.fields.get(f"author_{lang}")
        if authors:
            entry.persons["author"] = [Person(name.strip()) for name in authors.split(" and ")]


def localise_bibliography(app):
    localise_entries(app.env.get_domain("cite").bibdata.data, app.config.language or "en")


def localised_reference_style(lang: str):
    """sphinxcontrib-bibtex's author-year citations as ГОСТ Р 7.0.5–2008 writes them, with
    the edition's «и др.» for Cyrillic names and "et al." for Latin ones."""
    from pybtex.richtext import Text
    from sphinxcontrib.bibtex.style.referencing import BracketStyle, GroupReferenceStyle, PersonStyle
    from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
        BasicAuthorYearParentheticalReferenceStyle, BasicAuthorYearTextualReferenceStyle)
    from sphinxcontrib.bibtex.style.referencing.extra_author import ExtraAuthorReferenceStyle
    from sphinxcontrib.bibtex.style.referencing.extra_empty import ExtraEmptyReferenceStyle
    from sphinxcontrib.bibtex.style.referencing.extra_label import ExtraLabelReferenceStyle
    from sphinxcontrib.bibtex.style.referencing.extra_year import ExtraYearReferenceStyle
    from sphinxcontrib.bibtex.style.template import join, node
    from pybtex.style.template import FieldIsMissing, field as field_node, first_of, optional

    native_et_al = f" {t('narrative.et_al', lang)}"
    latin_et_al = f" {t('narrative.et_al', 'en')}"

    @node
    def script_names(children, data, role, sep, sep2, last_sep, full):
        """The names of ``role``; "et al." or «и др.» by the script of the first name."""
        assert not children
        try:
            persons = data["entry"].persons[role]
        except KeyError:
            raise FieldIsMissing(role, data["entry"])
        style = data["style"]
        formatted = [style.person.style_plugin.format(person, style.person.abbreviate) for person in persons]
        first = formatted[0].format().render(PLAIN_TEXT) if formatted else ""
        other = None if full else (native_et_al if CYRILLIC.search(first) else latin_et_al)
        return join(sep=sep, sep2=sep2, last_sep=last_sep, other=other)[formatted].format_data(data)

    @node
    def main_title(children, data):
        """A work without author is cited by its title proper, without the other title
        information: «[Инициатива «Один пояс и один путь», 2018]»."""
        title = field_node("title").format_data(data)
        text = title.render(PLAIN_TEXT)
        return Text(text.split(": ")[0]) if ": " in text else title

    @dataclass
    class ScriptPersonStyle(PersonStyle):
        def names(self, role, full):
            return script_names(role=role, sep=self.sep, sep2=self.sep2, last_sep=self.last_sep, full=full)

        def author_or_editor_or_title(self, full):
            return first_of[optional[self.names("author", full)], optional[self.names("editor", full)],
                            main_title]

    conjunction = f" {t('bib.and', lang)} "

    def listed() -> ScriptPersonStyle:       # [Balassa, Stoutjesdijk, 1975]
        return ScriptPersonStyle(sep=", ", sep2=", ", last_sep=", ")

    def in_sentence() -> ScriptPersonStyle:  # Balassa и Stoutjesdijk [1975]
        return ScriptPersonStyle(sep=", ", sep2=conjunction, last_sep=conjunction)

    def square() -> BracketStyle:
        return BracketStyle(left="[", right="]", sep="; ")

    @dataclass
    class GostAuthorYear(GroupReferenceStyle):
        person: ScriptPersonStyle = field(default_factory=listed)
        textual_person: ScriptPersonStyle = field(default_factory=in_sentence)
        bracket: BracketStyle = field(default_factory=square)

        def __post_init__(self):
            self.styles.extend([
                BasicAuthorYearParentheticalReferenceStyle(bracket=self.bracket, person=self.person),
                BasicAuthorYearTextualReferenceStyle(bracket=self.bracket, person=self.textual_person),
                ExtraAuthorReferenceStyle(bracket=self.bracket, person=self.textual_person),
                ExtraLabelReferenceStyle(bracket=self.bracket),
                ExtraYearReferenceStyle(bracket=self.bracket),
                ExtraEmptyReferenceStyle(),
            ])
            super().__post_init__()

    return GostAuthorYear


def english_style() -> type:
    """pybtex's "plain" style in one alphabetical order, as an English reference list
    (APA 7, Chicago) orders its entries: by the first element of each entry, whether a
    person's surname, an organisation's name or, for a work without author, its title;
    the Latin-script entries first, then the Cyrillic ones, each in its own alphabet
    (the kk and ru lists do the reverse). Plain's own order puts works without an author
    first and organisations after every person."""
    from pybtex.style.formatting.plain import Style as PlainStyle
    import unicodedata

    from analysis.present.i18n import collation_key
    from gost_style import heading, plain

    class EnglishStyle(PlainStyle):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.sort = lambda entries: sorted(entries, key=self.sorting_key)

        @staticmethod
        def sorting_key(entry):
            head = (heading(entry, "en") or plain(entry.fields.get("title", ""))).lstrip("«\"“")
            cyrillic = bool(CYRILLIC.match(head))
            folded = unicodedata.normalize("NFKD", head)
            folded = unicodedata.normalize("NFC", folded) if cyrillic else \
                "".join(c for c in folded if not unicodedata.combining(c))
            return (1 if cyrillic else 0, collation_key(folded, "ru" if cyrillic else "en"),
                    entry.fields.get("year", ""), plain(entry.fields.get("title", "")).casefold())

    return EnglishStyle


def use_localised_style(app, config):
    if config.language in (None, "en"):
        if config.bibtex_default_style == BASE_STYLE:
            register_plugin("pybtex.style.formatting", "plain_en", english_style(), force=True)
            config.bibtex_default_style = "plain_en"
        return
    if config.bibtex_default_style == BASE_STYLE:
        name = f"gost_{config.language}"
        register_plugin("pybtex.style.formatting", name, gost_style(config.language), force=True)
        config.bibtex_default_style = name
    if config.bibtex_reference_style == "author_year":
        name = f"author_year_{config.language}"
        from sphinxcontrib.bibtex.plugin import register_plugin as register_bibtex_plugin

        register_bibtex_plugin("sphinxcontrib.bibtex.style.referencing", name,
                               localised_reference_style(config.language), force=True)
        config.bibtex_reference_style = name


class FullUrlsInTheReferenceList(SphinxPostTransform):
    """A reference list prints every address in full. The book theme shortens a link to
    GitHub whose text is its address («open-numbers/ddf--gapminder--systema_globalis»),
    which a reader cannot copy or type; this transform, run before it (priority 400),
    sets such a link's text in an inline node, which the theme leaves alone."""

    default_priority = 390
    formats = ("html",)

    def run(self, **kwargs):
        for citation in self.document.findall(nodes.citation):
            for reference in citation.findall(nodes.reference):
                uri = reference.get("refuri")
                if uri and len(reference.children) == 1 and reference.children[0] == uri:
                    reference.children[0] = nodes.inline(uri, uri)


def setup(app):
    app.add_post_transform(FullUrlsInTheReferenceList)
    app.connect("config-inited", use_localised_style)
    # after sphinxcontrib-bibtex has parsed the bibliography (its handler has priority 500)
    app.connect("builder-inited", localise_bibliography, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
