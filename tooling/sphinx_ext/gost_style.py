"""Reference lists of the kk and ru editions after ГОСТ Р 7.0.100–2018 (with the
short forms ГОСТ Р 7.0.5–2008 allows in lists of references).

The shape of a description, area by area, each area opened by « – »:

    Balassa B., Stoutjesdijk A. J. Economic integration among developing countries
      // Journal of Common Market Studies. – 1975. – Vol. 14, No. 1. – P. 37–55.
      – DOI 10.1111/j.1468-5965.1975.tb00736.x. – <note>.

- Heading: up to three persons as «Surname I. I.», initials from the first and middle
  names (the bibliography mixes «Bela» and «A. J.»; the list does not); with four or
  more, the first three and «[et al.]». A work of an organisation opens with the
  organisation's name as the in-text citation gives it in the edition (``author_kk``,
  ``author_ru``: «МВФ», «Всемирный банк», «ОЭСР, JRC»), followed by a full stop, so that
  a reader finds «[МВФ, 2022]» at the head of its entry; the organisation's full name
  follows the title after « / » (the statement of responsibility) where it differs.
- The bibliographic data (title, « // » host, place : publisher, year, «Vol.», «No.»,
  «P.», «ed. by», «[S. l.]») are given in the language of the document, as the standard
  prescribes: an English article reads «Vol. 14, No. 1. – P. 37–55», a Russian one
  «Т. 14, № 1. – С. 37–55». The words come from the catalogue (``bib.gost.*``), looked
  up in the document's language (the entry's ``language`` field; English by default).
- What the cataloguer supplies is in the edition's language: «[база данных]»,
  «Версия 4.0.0», «(дата обращения: 23.02.2023)», the notes (``note_<lang>``) and the
  description of a data source (``howpublished_<lang>``).
- Order: Cyrillic headings first, then Latin, each in its alphabet's order (the
  edition's alphabet for Cyrillic: Kazakh letters in their place in the kk edition).
"""
from __future__ import annotations

import functools
import re
import unicodedata

from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.richtext import HRef, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle

from analysis.present.i18n import collation_key, t

NBSP = "\u00a0"
PLAIN_TEXT = PlainTextBackend()
AREA = f"{NBSP}– "          # the area separator « – », never at the start of a line
PART_OF = f"{NBSP}// "      # « // » before the host of a part (journal, collection)
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
DOCUMENT_LANGUAGES = {"russian": "ru", "kazakh": "kk", "english": "en"}
MEDIA = {"database": "bib.gost.medium.database", "dataset": "bib.gost.medium.dataset"}


def document_language(entry) -> str:
    language = entry.fields.get("language", "english").lower()
    if language not in DOCUMENT_LANGUAGES:
        raise ValueError(f"references.bib: {entry.key}: language {language!r} is not one of "
                         f"{sorted(DOCUMENT_LANGUAGES)}")
    return DOCUMENT_LANGUAGES[language]


def latex(value: str) -> Text:
    return Text.from_latex(value)


def thousands(value: str) -> str:
    """The edition's thousands separator, a narrow no-break space, in what the cataloguer
    writes in kk and ru (``15~000`` or ``15 000`` → «15 000» with U+202F); the bib parser
    folds any space it reads to a plain one, so the separator is set here."""
    return re.sub(r"(?<=\d)(?:~|\s)(?=\d{3}(?!\d))", "\u202f", value)


@functools.lru_cache(maxsize=None)
def plain(value: str) -> str:
    # render() with a backend object: render_as("text") looks the backend up among the
    # installed entry points on every call, which is most of the time a list takes
    return latex(value).render(PLAIN_TEXT)


def title_text(value: str) -> Text:
    """A title with the standard's « : » before the other title information."""
    return latex(re.sub(r"(?<=\S):\s+", " : ", value, count=1))


def is_organisation(person) -> bool:
    """``{IMF}``: one braced last name, no first names."""
    return (not person.first_names and not person.middle_names and len(person.last_names) == 1
            and person.last_names[0].startswith("{"))


def initials(person) -> str:
    """«A. J.», «J.-A.», «H.-S.» from the first and middle names (already initials or not)."""
    parts = []
    for name in person.first_names + person.middle_names:
        text = plain(name)
        pieces = [piece for piece in text.split("-") if piece]
        parts.append("-".join(piece[0].upper() + "." for piece in pieces))
    return NBSP.join(parts)


def heading_name(person) -> str:
    surname = " ".join(plain(name) for name in person.prelast_names + person.last_names)
    given = initials(person)
    return f"{surname}{NBSP}{given}" if given else surname


def personal_authors(entry) -> list:
    persons = entry.persons.get("author", [])
    return [] if not persons or any(is_organisation(p) for p in persons) else persons


def organisations(entry) -> list[str]:
    """The names of an organisation author (``{МВФ}``, ``{ОЭСР} and {JRC}``), as in-text
    citations print them; empty for a work of persons or without author."""
    persons = entry.persons.get("author", [])
    if not persons or not all(is_organisation(p) for p in persons):
        return []
    return [plain(" ".join(p.last_names)) for p in persons]


def heading(entry, doc_lang: str) -> str:
    if names := organisations(entry):
        return ", ".join(names)
    persons = personal_authors(entry)
    names = ", ".join(heading_name(p) for p in persons[:3])
    if len(persons) > 3:
        names += " " + t("bib.gost.et_al", doc_lang)
    return names


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


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def join_areas(areas) -> Text:
    """Areas joined by « – », a period closing each one (unless it ends in . ? !)."""
    result = Text()
    for area in areas:
        if not area:
            continue
        result = Text(result.add_period(), AREA, area) if result else Text(area)
    return result.add_period()


def gost_style(lang: str) -> type[BaseStyle]:
    """The pybtex formatting style of the ``lang`` edition (``kk`` or ``ru``)."""

    class GostStyle(BaseStyle):
        default_label_style = "number"
        edition_language = lang

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.sort = self.gost_sort      # BaseStyle sets ``sort`` from its sorting plugin

        # -- order -----------------------------------------------------------------
        def gost_sort(self, entries):
            return sorted(entries, key=self.sorting_key)

        def sorting_key(self, entry):
            doc_lang = document_language(entry)
            head = heading(entry, doc_lang) or plain(entry.fields.get("title", ""))
            cyrillic = bool(CYRILLIC.match(head.lstrip("«\"")))
            folded = unicodedata.normalize("NFKD", head)
            if not cyrillic:
                folded = "".join(c for c in folded if not unicodedata.combining(c))
            else:
                folded = unicodedata.normalize("NFC", folded)
            alphabet = lang if cyrillic else "en"
            return (0 if cyrillic else 1, collation_key(folded, alphabet), entry.fields.get("year", ""),
                    plain(entry.fields.get("title", "")).casefold())

        # -- pieces ----------------------------------------------------------------
        def words(self, key, doc_lang, **values):
            return t(f"bib.gost.{key}", doc_lang, **values)

        def field(self, entry, name) -> Text | None:
            value = entry.fields.get(name)
            return latex(value) if value else None

        def responsibility(self, entry, doc_lang) -> Text:
            """« / ed. by F. Machlup » or « / International Monetary Fund »."""
            parts = []
            organisation = entry.fields.get("organization")
            persons = entry.persons.get("author", [])
            if organisation:
                parts.append(latex(organisation))
            elif persons and not personal_authors(entry) and not organisations(entry):
                parts.append(Text(", ".join(plain(" ".join(p.last_names)) for p in persons)))
            return Text(" / ", Text("; ").join(parts)) if parts else Text()

        def editors(self, entry, doc_lang, key="editor") -> Text:
            editors = entry.persons.get(key, [])
            if not editors:
                return Text()
            names = ", ".join(f"{initials(p)}{NBSP}{' '.join(plain(n) for n in p.prelast_names + p.last_names)}"
                              for p in editors)
            return Text(" / ", self.words("edited_by", doc_lang), " ", names)

        def title_block(self, entry, doc_lang, with_authors_responsibility=True) -> Text:
            title = title_text(entry.fields["title"])
            medium = entry.fields.get("medium")
            if medium:
                if medium not in MEDIA:
                    raise ValueError(f"references.bib: {entry.key}: medium {medium!r} is not one of {sorted(MEDIA)}")
                title = Text(title, " : [", t(MEDIA[medium], lang), "]")
            return Text(title, self.responsibility(entry, doc_lang))

        def head_and_title(self, entry, doc_lang, extra=Text()) -> Text:
            head = heading(entry, doc_lang)
            block = Text(self.title_block(entry, doc_lang), extra)
            if head and organisations(entry):   # «МВФ. Direction of Trade Statistics …»
                return Text(Text(head).add_period(), " ", block)
            return Text(head, " ", block) if head else block

        def publication(self, entry, doc_lang, publisher_field="publisher") -> Text | None:
            """« London : Palgrave Macmillan, 1976 », « Washington, DC, 2022 », « 2012 »."""
            place = self.field(entry, "address")
            publisher = self.field(entry, publisher_field)
            year = entry.fields.get("year")
            if publisher and not place:
                place = Text(self.words("no_place", doc_lang))
            imprint = Text(place, " : ", publisher) if publisher else place
            if imprint and year:
                return Text(imprint, ", ", year)
            return imprint or (Text(year) if year else None)

        def edition(self, entry, doc_lang) -> Text | None:
            edition = entry.fields.get("edition")
            if not edition:
                return None
            number = edition_number(edition)
            return Text(self.words("edition", doc_lang, number=number, ordinal=ordinal(number)))

        def version(self, entry) -> Text | None:
            version = entry.fields.get("version")
            return Text(t("bib.gost.version", lang, version=version)) if version else None

        def series(self, entry, doc_lang) -> Text | None:
            series = entry.fields.get("series") or entry.fields.get("type")
            number = entry.fields.get("number") if entry.type in ("techreport", "misc") else None
            if not series and not number:
                return None
            inner = latex(series) if series else Text()
            if number:
                number_text = Text(self.words("number", doc_lang), NBSP, number) if series else Text(number)
                inner = Text(inner, " ; ", number_text) if series else number_text
            return Text("(", inner, ")")

        def issue(self, entry, doc_lang) -> Text | None:
            """« Vol. 14, No. 1 » / « Т. 14, № 1 »."""
            parts = []
            if entry.fields.get("volume"):
                parts.append(Text(self.words("volume", doc_lang), NBSP, entry.fields["volume"]))
            if entry.fields.get("number"):
                parts.append(Text(self.words("number", doc_lang), NBSP, entry.fields["number"]))
            return Text(", ").join(parts) if parts else None

        def pages(self, entry, doc_lang) -> Text | None:
            pages = entry.fields.get("pages")
            if not pages:
                return None
            return Text(self.words("pages", doc_lang), NBSP, pages.replace("--", "–"))

        def electronic(self, entry) -> list:
            areas = []
            if entry.fields.get("isbn"):
                areas.append(Text("ISBN", NBSP, entry.fields["isbn"]))
            if entry.fields.get("doi"):
                doi = entry.fields["doi"]
                areas.append(Text("DOI", NBSP, HRef(f"https://doi.org/{doi}", doi)))
            if entry.fields.get("url"):
                url = entry.fields["url"]
                address = Text("URL: ", HRef(url, url))
                if entry.fields.get("urldate"):
                    address = Text(address, " (", t("bib.visited", lang, date=access_date(entry.fields["urldate"])),
                                   ")")
                areas.append(address)
            return areas

        def notes(self, entry) -> list:
            areas = []
            if entry.fields.get("updated"):
                areas.append(Text(t("bib.gost.updated", lang, date=access_date(entry.fields["updated"]))))
            for name in (f"howpublished_{lang}", f"note_{lang}"):
                if entry.fields.get(name):
                    areas.append(latex(thousands(entry.fields[name])))
            if not entry.fields.get(f"note_{lang}") and entry.fields.get("note"):
                areas.append(latex(entry.fields["note"]))
            return areas

        # -- entries ---------------------------------------------------------------
        def format_entry(self, label, entry, bib_data=None):
            doc_lang = document_language(entry)
            kind = entry.type
            if kind == "article":
                first = Text(self.head_and_title(entry, doc_lang), PART_OF, latex(entry.fields["journal"]))
                areas = [first, Text(entry.fields["year"]), self.issue(entry, doc_lang), self.pages(entry, doc_lang)]
            elif kind in ("incollection", "inproceedings"):
                host = Text(title_text(entry.fields["booktitle"]), self.editors(entry, doc_lang))
                first = Text(self.head_and_title(entry, doc_lang), PART_OF, host)
                areas = [first, self.edition(entry, doc_lang), self.publication(entry, doc_lang),
                         self.series(entry, doc_lang), self.pages(entry, doc_lang)]
            elif kind in ("book", "techreport"):
                first = Text(self.head_and_title(entry, doc_lang), self.editors(entry, doc_lang))
                publisher = "institution" if kind == "techreport" else "publisher"
                areas = [first, self.edition(entry, doc_lang), self.publication(entry, doc_lang, publisher),
                         self.series(entry, doc_lang)]
            elif kind == "misc":
                if entry.fields.get("journal"):
                    first = Text(self.head_and_title(entry, doc_lang), PART_OF, latex(entry.fields["journal"]))
                else:
                    first = self.head_and_title(entry, doc_lang)
                areas = [first, self.version(entry), self.publication(entry, doc_lang),
                         self.series(entry, doc_lang)]
            else:
                raise ValueError(f"references.bib: {entry.key}: no ГОСТ description for entry type {kind!r}")
            text = join_areas(areas + self.electronic(entry) + self.notes(entry))
            return FormattedEntry(entry.key, text, label)

    GostStyle.__name__ = GostStyle.__qualname__ = f"GostStyle_{lang}"
    return GostStyle


def access_date(day: str) -> str:
    """«23.02.2023»: the standard writes the access date in digits."""
    year, month, date = day.split("-")
    return f"{date}.{month}.{year}"
