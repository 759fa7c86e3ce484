"""Checks for the Kazakh user-interface catalogues in locale/kk/LC_MESSAGES.

The upstream message ids are read from the packages installed in the build
environment (their catalogues and the strings their code, templates and
JavaScript pass to gettext), so an upgrade that adds a string makes these
tests fail until it is translated.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from sphinx.util.i18n import date_format_mappings

REPO = Path(__file__).resolve().parents[1]
PO_DIR = REPO / "locale" / "kk" / "LC_MESSAGES"
EXTENSION = REPO / "tooling" / "sphinx_ext" / "interface_language.py"

JINJA = "jinja2.ext:babel_extract"
# silent=false: a template Jinja cannot parse must fail, not be skipped.
JINJA_OPTIONS = {
    "**.html": {
        "extensions": "jinja2.ext.do,jinja2.ext.loopcontrols",
        "silent": "false",
    }
}
GETTEXT_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}


def package_dir(name: str) -> Path:
    return Path(importlib.util.find_spec(name).origin).parent


def load_extension():
    spec = importlib.util.spec_from_file_location("interface_language", EXTENSION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file, abort_invalid=True)


def msgid_text(msgid: str | tuple[str, ...]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def catalog_ids(catalog: Catalog) -> set[str]:
    return {msgid_text(message.id) for message in catalog if message.id}


def extracted_ids(package: str, method_map, keywords) -> set[str]:
    return {
        msgid_text(msgid)
        for _file, _line, msgid, _comments, _context in extract_from_dir(
            package_dir(package),
            method_map=method_map,
            options_map=JINJA_OPTIONS,
            keywords=keywords,
        )
    }


@cache
def sphinx_output_ids() -> frozenset[str]:
    """Sphinx messages that can reach a built page.

    Sphinx's catalogue also holds console messages (marked with ``__``); they
    follow the OS locale, never the book's language, so they are not required.
    """
    return frozenset(
        extracted_ids(
            "sphinx",
            [
                ("**.py", "python"),
                ("themes/**.html", JINJA),
                ("themes/**.js", "javascript"),
            ],
            GETTEXT_KEYWORDS,
        )
    )


@cache
def pydata_ids() -> frozenset[str]:
    root = package_dir("pydata_sphinx_theme")
    return frozenset(
        catalog_ids(read_catalog(root / "locale" / "sphinx.pot"))
        | extracted_ids(
            "pydata_sphinx_theme",
            [("**.py", "python"), ("theme/**.html", JINJA)],
            GETTEXT_KEYWORDS,
        )
    )


@cache
def booktheme_ids() -> frozenset[str]:
    """The theme ships no .pot: take every language's catalogue, the strings
    its code and templates translate, and the labels the extension routes
    through its catalogue."""
    import sphinx_book_theme

    domain = sphinx_book_theme.MESSAGE_CATALOG_NAME
    shipped = set()
    for po_path in package_dir("sphinx_book_theme").rglob(f"LC_MESSAGES/{domain}.po"):
        shipped |= catalog_ids(read_catalog(po_path))
    used = extracted_ids(
        "sphinx_book_theme",
        [("**.py", "python"), ("theme/**.html", JINJA)],
        {"translation": None, "translate": None},
    )
    hardcoded = {
        label
        for labels in load_extension().HARDCODED_LABELS.values()
        for label in labels
    }
    return frozenset(shipped | used | hardcoded)


def upstream_ids(domain: str) -> set[str]:
    import sphinx_book_theme

    sources = {
        # Sphinx and pydata-sphinx-theme share the "sphinx" domain.
        "sphinx": lambda: sphinx_output_ids() | pydata_ids(),
        sphinx_book_theme.MESSAGE_CATALOG_NAME: booktheme_ids,
    }
    return set(sources[domain]())


def registered_domains() -> set[str]:
    """Domains the themes pass to app.add_message_catalog, plus Sphinx's."""
    import pydata_sphinx_theme
    import sphinx_book_theme

    domains = {"sphinx"}
    pattern = re.compile(r"add_message_catalog\(\s*(?:[\"']([^\"']+)[\"']|(\w+))")
    for module in (pydata_sphinx_theme, sphinx_book_theme):
        source = Path(module.__file__).read_text(encoding="utf-8")
        for literal, name in pattern.findall(source):
            domains.add(literal or getattr(module, name))
    return domains


PO_FILES = sorted(PO_DIR.glob("*.po"))


def test_one_catalogue_per_registered_domain():
    assert {path.stem for path in PO_FILES} == registered_domains()


# read_po tolerates unquoted or unterminated strings (it silently mangles
# them), so check the line syntax as well.
QUOTED = r'"(?:[^"\\]|\\.)*"'
PO_LINE = re.compile(
    rf"(?:#.*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) {QUOTED}|{QUOTED})?"
)


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda path: path.name)
def test_po_syntax(po_path):
    lines = po_path.read_text(encoding="utf-8").splitlines()
    bad = [
        f"{number}: {line}"
        for number, line in enumerate(lines, 1)
        if not PO_LINE.fullmatch(line)
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda path: path.name)
def test_header(po_path):
    catalog = read_catalog(po_path)
    assert str(catalog.locale) == "kk"
    assert catalog.num_plurals == 2
    assert catalog.plural_expr == "(n != 1)"
    assert not catalog.fuzzy


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda path: path.name)
def test_every_message_translated(po_path):
    catalog = read_catalog(po_path)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if message.pluralizable else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(strings):
            problems.append(f"empty: {message.id!r}")
    assert not catalog.obsolete, f"obsolete entries: {list(catalog.obsolete)}"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda path: path.name)
def test_covers_upstream(po_path):
    missing = upstream_ids(po_path.stem) - catalog_ids(read_catalog(po_path))
    assert not missing, f"untranslated upstream messages: {sorted(missing)}"


# printf conversions Python's % operator accepts.
PRINTF = re.compile(
    r"%(?:\([^)]*\))?[#0 +-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]"
)
# Any %-directive, including strftime ones such as %b, %Y or %-d.
DIRECTIVE = re.compile(r"%-?[A-Za-z%]")
# {name}, ${name} (JavaScript), HTML tags (not Sphinx's <<...>> marks) and
# character references.
MARKUP = re.compile(r"\$?\{[^{}]*\}|(?<!<)</?[A-Za-z][^<>]*>(?!>)|&#?\w+;")
DATE_FIELDS = {
    "b": "month",
    "B": "month",
    "m": "month",
    "d": "day",
    "Y": "year",
    "y": "year",
}


def is_date_pattern(text: str) -> bool:
    """strftime patterns (Sphinx formats them with format_date) use
    directives Python's % operator does not know."""
    return any(
        not PRINTF.fullmatch(directive) for directive in DIRECTIVE.findall(text)
    )


def date_fields(text: str) -> set[str]:
    return {DATE_FIELDS.get(d[-1], d) for d in DIRECTIVE.findall(text)}


def placeholder_problems(msgid: str, msgstr: str) -> list[str]:
    if is_date_pattern(msgid):
        unknown = set(DIRECTIVE.findall(msgstr)) - set(date_format_mappings)
        if unknown:
            return [f"unsupported date directives {sorted(unknown)}"]
        if date_fields(msgid) != date_fields(msgstr):
            return ["date pattern fields differ"]
        return []
    problems = []
    source = [p for p in PRINTF.findall(msgid) if p != "%%"]
    target = [p for p in PRINTF.findall(msgstr) if p != "%%"]
    positional = [p for p in source if "(" not in p]
    if positional != [p for p in target if "(" not in p]:
        problems.append(f"positional placeholders {positional} changed")
    if Counter(p for p in source if "(" in p) != Counter(p for p in target if "(" in p):
        problems.append("named placeholders changed")
    if Counter(MARKUP.findall(msgid)) != Counter(MARKUP.findall(msgstr)):
        problems.append("braces, HTML tags or entities changed")
    return problems


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda path: path.name)
def test_placeholders_kept(po_path):
    problems = []
    for message in read_catalog(po_path):
        if not message.id:
            continue
        if message.pluralizable:
            # nplurals=2: form 0 renders the singular, form 1 the plural.
            pairs = list(zip(message.id, message.string))
        else:
            pairs = [(message.id, message.string)]
        for msgid, msgstr in pairs:
            problems += [f"{msgid!r}: {p}" for p in placeholder_problems(msgid, msgstr)]
    assert not problems, "\n".join(problems)


def test_placeholder_check_catches_changes():
    assert not placeholder_problems("Figure %s", "%s-сурет")
    assert placeholder_problems("%s (%s)", "(%s)")
    assert placeholder_problems("Edit on %(provider)s", "Өңдеу")
    assert placeholder_problems("found ${resultCount} page(s)", "{resultCount} бет")
    assert placeholder_problems('<a href="x">Sphinx</a>', "Sphinx")
    assert not placeholder_problems("<<original entry>>", "<<бастапқы жазба>>")
    assert not placeholder_problems("%b %d, %Y", "%Y ж. %-d %B")
    assert placeholder_problems("%b %d, %Y", "%Y ж. %B")


def test_javascript_messages():
    """Every string Sphinx's JavaScript translates goes into translations.js."""
    js_ids = extracted_ids(
        "sphinx", [("themes/**.js", "javascript")], GETTEXT_KEYWORDS
    )
    messages = load_extension().js_messages(read_catalog(PO_DIR / "sphinx.po"))
    missing = js_ids - set(messages)
    assert not missing, f"missing from translations.js: {sorted(missing)}"
    unchanged = sorted(msgid for msgid in js_ids if messages[msgid] == msgid)
    assert not unchanged, f"left in English: {unchanged}"
