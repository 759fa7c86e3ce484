"""Links in running text as each edition writes them.

* **Titles in quotes.** A `{doc}` or `{ref}` link whose text is the target's own title
  (a chapter or a section named inside a sentence) is set in «…» in the Kazakh and
  Russian editions, as those languages quote titles: «в главе «Реестр утверждений»»,
  «„Тұжырымдар тізілімі“ тарауында». The English edition keeps the bare title. A link
  with its own text (``{doc}`text <target>```) is left alone.
* **Glossary terms.** Each entry of the glossary page gets an anchor ``term-<id>``
  (the term's id in ``data/reference/glossary.csv``), and on every other page the first
  use of a glossary term (its name, a Kazakh or Russian form of it, or its abbreviation)
  links to that entry. Headings, captions, code, links and citations are not touched.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from analysis.present import glossary
from analysis.present.i18n import LANGUAGES

GLOSSARY_DOC = "chapters/glossary"
NO_LINK_PAGES = {GLOSSARY_DOC, "chapters/references"}
QUOTED_LANGUAGES = {"kk", "ru"}
OPEN_QUOTE, CLOSE_QUOTE = "«", "»"
# No link is made inside these: the reader does not expect one there, or it would nest links.
SKIPPED = (nodes.title, nodes.subtitle, nodes.rubric, nodes.caption, nodes.reference, nodes.literal,
           nodes.literal_block, nodes.raw, nodes.math, nodes.math_block, nodes.citation,
           nodes.citation_reference, nodes.footnote, nodes.footnote_reference, nodes.comment,
           nodes.target, nodes.image, addnodes.pending_xref, addnodes.toctree, addnodes.desc_name)
# nor in a reference written out for copying (a formatted citation, a cite line): its words are a title
REFERENCE_CLASSES = {"formatted-reference", "exhibit-cite", "cite-this-page"}
WORD = r"[\w\u00ad-]"


def quote_titles(document: nodes.Node, lang: str) -> int:
    """Put «» around every `{doc}`/`{ref}` link in ``document`` whose text is the target's
    title (not explicit), for a language that quotes titles; returns how many."""
    if lang not in QUOTED_LANGUAGES:
        return 0
    count = 0
    for xref in list(document.findall(addnodes.pending_xref)):
        if xref.get("refdomain") != "std" or xref.get("reftype") not in ("doc", "ref") or xref.get("refexplicit"):
            continue
        parent = xref.parent
        if parent is None or _inside(xref, (nodes.title, addnodes.toctree)):
            continue
        position = parent.index(xref)
        before = parent[position - 1] if position > 0 else None
        if isinstance(before, nodes.Text) and before.astext().endswith(OPEN_QUOTE):
            continue  # quoted by hand
        parent.insert(position + 1, nodes.Text(CLOSE_QUOTE))
        parent.insert(position, nodes.Text(OPEN_QUOTE))
        count += 1
    return count


def _inside(node: nodes.Node, kinds: tuple[type, ...]) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parent
    return False


def _stem(word: str, lang: str) -> str:
    """A pattern for ``word`` and its inflected forms: Kazakh adds suffixes, Russian
    changes the last letters; English adds a plural ending."""
    escaped = re.escape(word)
    if lang == "en":
        return escaped + r"(?:s|es)?"
    if len(word) > 5 and word.isalpha() and lang == "ru":
        return re.escape(word[:-2]) + WORD + "{0,4}"
    return escaped + WORD + "*" if word[-1:].isalpha() else escaped


def term_patterns(lang: str) -> list[tuple[str, re.Pattern[str]]]:
    """(term id, pattern) for each glossary term in ``lang``: its name with inflected word
    endings, or its abbreviation as a whole word (case kept)."""
    patterns = []
    for entry in glossary.terms():
        words = re.sub(r"[«»()]", " ", entry.names[lang]).split()
        name = r"[«»„“\"]?\s+[«»„“\"]?".join(_stem(word, lang) for word in words)
        if entry.names[lang].startswith("«"):
            name = "«" + name  # a quoted name links with its quotes
        if entry.names[lang].endswith("»"):
            name += "»"
        alternatives = [rf"(?i:(?<![\w«]){name}(?!\w))"]
        abbreviation = entry.abbreviations[lang]
        if abbreviation and abbreviation != entry.names[lang]:
            alternatives.append(rf"(?<!\w){re.escape(abbreviation)}(?!\w)")
        # docutils' smart quotes turn a typed apostrophe into ’ (not in kk): either one matches
        pattern = re.sub("['’]", "['’]", "|".join(alternatives))
        patterns.append((entry.id, re.compile(pattern)))
    return patterns


def _inside_raw_link(text: nodes.Text) -> bool:
    """Whether ``text`` stands between a raw-HTML ``<a …>`` and its ``</a>`` (MyST writes inline
    HTML as raw nodes around ordinary text): a link there would nest links."""
    node: nodes.Node = text
    while node.parent is not None:
        open_link = False
        for sibling in node.parent.children:
            if sibling is node:
                if open_link:
                    return True
                break
            if isinstance(sibling, nodes.raw):
                for tag in re.findall(r"<(/?)a\b", sibling.astext()):
                    open_link = not tag
        node = node.parent
    return False


def _inside_reference(text: nodes.Text) -> bool:
    parent = text.parent
    while parent is not None:
        if isinstance(parent, nodes.Element) and REFERENCE_CLASSES & set(parent.get("classes", [])):
            return True
        parent = parent.parent
    return False


def _text_nodes(document: nodes.Node) -> Iterator[nodes.Text]:
    for text in list(document.findall(nodes.Text)):
        if (not _inside(text, SKIPPED) and isinstance(text.parent, (nodes.paragraph, nodes.inline, nodes.emphasis,
                                                                    nodes.strong, nodes.term, nodes.line))
                and not _inside_raw_link(text) and not _inside_reference(text)):
            yield text


def link_first_uses(document: nodes.Node, lang: str, uri: Callable[[str], str]) -> list[str]:
    """Link the first use of each glossary term in ``document`` to ``uri(term id)``; returns
    the ids linked, in the order of the page."""
    pending = dict(term_patterns(lang))
    linked = []
    for text in _text_nodes(document):
        remainder = str(text)
        pieces: list[nodes.Node] = []
        while pending:
            found = [(match.start(), -len(match.group()), term_id, match)
                     for term_id, pattern in pending.items() if (match := pattern.search(remainder))]
            if not found:
                break
            _, _, term_id, match = min(found, key=lambda f: f[:2])
            if match.start():
                pieces.append(nodes.Text(remainder[:match.start()]))
            pieces.append(nodes.reference(match.group(), match.group(), internal=True, refuri=uri(term_id),
                                          classes=["glossary-term"]))
            remainder = remainder[match.end():]
            del pending[term_id]
            linked.append(term_id)
        if pieces:
            if remainder:
                pieces.append(nodes.Text(remainder))
            text.parent.replace(text, pieces)
    return linked


def anchor_entries(document: nodes.Node, lang: str) -> list[str]:
    """Give each definition-list term of the glossary page the id ``term-<id>``."""
    by_name = {}
    for entry in glossary.terms():
        name = entry.names[lang][:1].upper() + entry.names[lang][1:]
        abbreviation = entry.abbreviations[lang]
        if abbreviation and abbreviation != name:
            name = f"{name} ({abbreviation})"
        by_name[name.replace("’", "'")] = entry.id
    anchored = []
    for term in document.findall(nodes.term):
        term_id = by_name.get(term.astext().strip().replace("’", "'"))
        if term_id:
            term["ids"].append(f"term-{term_id}")
            anchored.append(term_id)
    return anchored


class QuoteTitles(SphinxPostTransform):
    default_priority = 5  # before the references are resolved (10): the link text is still the title's

    def run(self, **kwargs) -> None:
        quote_titles(self.document, self.config.language)


def link_terms(app, doctree, docname) -> None:
    lang = app.config.language
    if lang not in LANGUAGES or app.builder.format != "html":
        return
    if docname == GLOSSARY_DOC:
        missing = {t.id for t in glossary.terms()} - set(anchor_entries(doctree, lang))
        if missing:
            raise ValueError(f"glossary page ({lang}): no entry found for the terms {sorted(missing)}")
        return
    if docname in NO_LINK_PAGES or GLOSSARY_DOC not in app.env.all_docs:
        return
    page = app.builder.get_relative_uri(docname, GLOSSARY_DOC)
    link_first_uses(doctree, lang, lambda term_id: f"{page}#term-{term_id}")


def setup(app):
    app.add_post_transform(QuoteTitles)
    app.connect("doctree-resolved", link_terms)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
