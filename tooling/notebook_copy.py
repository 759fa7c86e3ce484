"""A chapter's executed notebook as a reader can open it: one language, numbers and figures in place.

The executed notebook the site is built from keeps the chapter's values in glue
outputs (``application/papermill.record/...``) and its prose refers to them by MyST roles
(``{glue:text}`key```) that only the book's build resolves: opened in Jupyter or
converted by nbconvert it shows placeholders and no figure. :func:`clean_copy` writes a
standalone copy in which

- only the edition's prose cells remain (cells tagged ``lang-<other>`` are dropped);
- every glue reference is replaced by its value, formatted as the page shows it;
- each ``{glue:figure}`` becomes an ordinary ``image/png`` output at the place the page
  shows it (in a code cell that shows the figure again when the notebook is re-run),
  followed by its numbered caption;
- citations read as on the page (``[Author et al., 2023]``), cross-references as the
  titles they point to, and MyST targets are dropped;
- glue records and warnings (``stderr``) are removed from the outputs;
- a first cell says, in the edition's language, how to install the ``analysis``
  package from the repository and run the notebook again.

The build publishes it next to each notebook chapter as ``<chapter>-<lang>.ipynb``
(``tooling/sphinx_ext/notebook_download.py``); ``make swot`` renders it as a page.
"""
from __future__ import annotations

import copy
import re
from ast import literal_eval
from functools import cache
from pathlib import Path

import nbformat
import yaml

from analysis.paths import REPO
from analysis.present.i18n import LANGUAGES, t

GLUE_PREFIX = "application/papermill.record/"
LANG_TAG = "lang-"
NOTEBOOK_DIR = REPO / "analysis" / "notebooks"
PROSE_DIR = REPO / "chapters"
BIBLIOGRAPHY = REPO / "references.bib"

# {glue:text}`key` and {glue:text}`key:.2f`, {glue}`key`, {glue:}`key`, {glue:any}`key`, {glue:md}`key`
GLUE_ROLE = re.compile(r"\{glue(?::(?P<kind>text|any|md|))?\}`(?P<body>[^`]+)`")
# ```{glue:figure} key / ```{glue} key / ```{glue:} key / ```{glue:md} key, with options and content
GLUE_DIRECTIVE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{glue(?::(?P<kind>figure|any|md|))?\}[ \t]*(?P<key>\S+)[ \t]*\n"
                            r"(?P<body>.*?)^(?P=fence)[ \t]*$\n?", re.M | re.S)
CITE_ROLE = re.compile(r"\{cite(?::(?P<kind>p|t|ps|ts|author|year))?\}`(?P<keys>[^`]+)`")
REF_ROLE = re.compile(r"\{(?P<role>ref|numref|doc)\}`(?P<body>[^`]+)`")
ANY_ROLE = re.compile(r"\{(?P<role>[a-z][a-z0-9:_-]*)\}`(?P<body>[^`]+)`")
TARGET = re.compile(r"^\((?P<label>[A-Za-z0-9_.:-]+)\)=[ \t]*\n", re.M)
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|$])")


class CopyError(ValueError):
    pass


def cell_lang(cell) -> str | None:
    langs = [tag[len(LANG_TAG):] for tag in cell.get("metadata", {}).get("tags", []) if tag.startswith(LANG_TAG)]
    return langs[0] if langs else None


def glued(notebook) -> dict[str, dict]:
    """Every glued value of the notebook: key -> its outputs' data without the glue prefix."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is not None:
                values[name] = {mime[len(GLUE_PREFIX):]: data for mime, data in output.get("data", {}).items()
                                if mime.startswith(GLUE_PREFIX)}
    return values


def plain_text(data: dict, fmt: str = "") -> str:
    """A glued value as ``{glue:text}`` shows it: the text/plain repr unquoted, then formatted."""
    if "text/plain" not in data:
        raise CopyError("no text/plain in a value pasted as text")
    text = data["text/plain"]
    try:
        value = literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if not fmt:
        return str(value)
    kind = fmt[-1]
    if kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    else:
        value = str(value)
    return format(value, fmt)


def escape(text: str) -> str:
    """Plain text that Markdown shows as it is."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


# ----------------------------------------------------------------------------- citations

@cache
def _bibliography():
    from pybtex.database import parse_file

    return parse_file(str(BIBLIOGRAPHY), bib_format="bibtex")


def _surnames(key: str, lang: str) -> tuple[list[str], str]:
    try:
        entry = _bibliography().entries[key]
    except KeyError:
        raise CopyError(f"citation {key!r} is not in {BIBLIOGRAPHY.name}") from None
    from pybtex.database import Person

    localised = entry.fields.get(f"author_{lang}") if lang != "en" else None
    people = ([Person(name.strip()) for name in localised.split(" and ")] if localised
              else entry.persons.get("author") or entry.persons.get("editor") or [])
    names = [" ".join(person.last_names or person.first_names).replace("{", "").replace("}", "") for person in people]
    return names or [entry.fields.get("title", key).replace("{", "").replace("}", "")], entry.fields.get("year", "")


def author_label(key: str, lang: str) -> tuple[str, str]:
    """The author part and the year of a citation, as the edition writes them in the text."""
    names, year = _surnames(key, lang)
    if len(names) == 1:
        authors = names[0]
    elif len(names) == 2:
        authors = f"{names[0]} {t('bib.and', lang)} {names[1]}"
    else:
        authors = f"{names[0]} {t('narrative.et_al', lang)}"
    return authors, year


def citation(kind: str | None, keys: str, lang: str) -> str:
    labels = [author_label(key.strip(), lang) for key in keys.split(",") if key.strip()]
    if kind in ("t", "ts"):
        return "; ".join(f"{authors} [{year}]" for authors, year in labels)
    if kind == "author":
        return "; ".join(authors for authors, _ in labels)
    if kind == "year":
        return "; ".join(year for _, year in labels)
    return "[" + "; ".join(f"{authors}, {year}" for authors, year in labels) + "]"


# ----------------------------------------------------------------------------- titles and numbers

def toc_docnames() -> list[str]:
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    names, pending = [toc["root"]], list(toc.get("chapters", []))
    while pending:
        entry = pending.pop(0)
        names.append(entry["file"])
        pending[:0] = entry.get("sections", [])
    return names


@cache
def _source_cells(name: str, lang: str) -> tuple[str, ...]:
    """The markdown of a page in ``lang``: a notebook chapter's cells, or a prose page."""
    notebook = NOTEBOOK_DIR / f"{name}.md"
    if notebook.is_file():
        import jupytext

        cells = jupytext.read(notebook).cells
        return tuple(cell.source for cell in cells if cell.cell_type == "markdown" and cell_lang(cell) in (None, lang))
    prose = PROSE_DIR / lang / f"{name}.md"
    return (prose.read_text(encoding="utf-8"),) if prose.is_file() else ()


def page_title(docname: str, lang: str) -> str:
    """A page's first heading in ``lang`` (what a ``{doc}`` reference shows)."""
    for text in _source_cells(Path(docname).name, lang):
        if match := re.search(r"^#\s+(.+?)\s*$", text, re.M):
            return match[1]
    return Path(docname).name


def figure_numbers(docname: str, lang: str) -> dict[str, str]:
    """The book's number of each figure of ``docname`` (by its ``:name:``), counting
    figures through the table of contents as the build numbers them."""
    numbers, count = {}, 0
    for name in toc_docnames():
        for text in _source_cells(Path(name).name, lang):
            for match in GLUE_DIRECTIVE.finditer(text):
                if match["kind"] != "figure":
                    continue
                count += 1
                label = re.search(r"^:name:\s*(\S+)", match["body"], re.M)
                if Path(name).name == Path(docname).name:
                    numbers[label[1] if label else match["key"]] = str(count)
            count += len(re.findall(r"^(?:`{3,}|:{3,})\{figure\}", text, re.M))
        if Path(name).name == Path(docname).name:
            return numbers
    return numbers


# ----------------------------------------------------------------------------- the copy

def _figure_cell(key: str, data: dict, alt: str) -> nbformat.NotebookNode:
    if "image/png" not in data:
        raise CopyError(f"figure {key!r} has no PNG image")
    cell = nbformat.v4.new_code_cell(
        f'from analysis.present.plotting import glued_figure\nglued_figure("{key}")',
        metadata={"tags": ["figure"]})
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": data["image/png"],
                                                                  "text/plain": alt or key})]
    return cell


def _output_cell(key: str, data: dict) -> nbformat.NotebookNode:
    shown = {mime: value for mime, value in data.items() if mime in ("text/html", "image/png", "text/markdown", "text/plain")}
    cell = nbformat.v4.new_code_cell(f"# {key}", metadata={"tags": ["remove-input"]})
    cell.outputs = [nbformat.v4.new_output("display_data", data=shown)]
    return cell


def _options(body: str) -> tuple[dict[str, str], str]:
    options, lines = {}, body.split("\n")
    while lines and (match := re.match(r"^:(\w+):\s*(.*)$", lines[0])):
        options[match[1]] = match[2].strip()
        lines.pop(0)
    return options, "\n".join(lines).strip()


class _Copier:
    def __init__(self, notebook, lang: str, docname: str, numbers: dict[str, str] | None):
        self.lang = lang
        self.docname = docname
        self.values = glued(notebook)
        self.numbers = numbers if numbers is not None else figure_numbers(docname, lang)
        self.targets = {}
        for cell in notebook.cells:
            if cell.cell_type == "markdown" and cell_lang(cell) in (None, lang):
                for match in re.finditer(r"^\(([A-Za-z0-9_.:-]+)\)=[ \t]*\n+#+\s+(.+?)\s*$", cell.source, re.M):
                    self.targets[match[1]] = match[2]

    def value(self, key: str) -> dict:
        try:
            return self.values[key]
        except KeyError:
            raise CopyError(f"{self.docname}: nothing is glued as {key!r}") from None

    def inline(self, text: str) -> str:
        """Roles replaced by what the page shows."""
        def glue(match):
            kind, body = match["kind"], match["body"]
            if kind == "text":
                key, _, fmt = body.partition(":")
                return escape(plain_text(self.value(key), fmt))
            data = self.value(body)
            if kind == "md" or "text/markdown" in data:
                return data.get("text/markdown") or escape(plain_text(data))
            return escape(plain_text(data))

        def ref(match):
            role, body = match["role"], match["body"]
            if explicit := re.fullmatch(r"(.*?)\s*<([^>]+)>", body, re.S):
                return explicit[1]
            if role == "doc":
                return f"«{page_title(body, self.lang)}»" if self.lang != "en" else f"“{page_title(body, self.lang)}”"
            return self.targets.get(body, body)

        def other(match):
            role, body = match["role"], match["body"]
            if role == "math":
                return f"${body}$"
            if explicit := re.fullmatch(r"(.*?)\s*<([^>]+)>", body, re.S):
                return explicit[1]
            return body

        text = GLUE_ROLE.sub(glue, text)
        text = CITE_ROLE.sub(lambda match: escape(citation(match["kind"], match["keys"], self.lang)), text)
        text = REF_ROLE.sub(ref, text)
        text = ANY_ROLE.sub(other, text)
        return TARGET.sub("", text)

    def markdown(self, source: str) -> list:
        """A markdown cell as cells: its text, with each pasted figure or output between."""
        cells, position = [], 0
        for match in GLUE_DIRECTIVE.finditer(source):
            before = source[position:match.start()].strip()
            if before:
                cells.append(nbformat.v4.new_markdown_cell(self.inline(before)))
            options, caption = _options(match["body"])
            key, data = match["key"], self.value(match["key"])
            if match["kind"] == "figure":
                cells.append(_figure_cell(key, data, options.get("alt", "")))
                number = self.numbers.get(options.get("name", key))
                label = t("caption.figure", self.lang, number=number) if number else ""
                if caption or label:
                    cells.append(nbformat.v4.new_markdown_cell(f"**{label}** {self.inline(caption)}".strip()))
            elif match["kind"] == "md":
                cells.append(nbformat.v4.new_markdown_cell(data.get("text/markdown", "")))
            else:
                cells.append(_output_cell(key, data) if set(data) & {"text/html", "image/png"}
                             else nbformat.v4.new_markdown_cell(escape(plain_text(data))))
            position = match.end()
        rest = source[position:].strip()
        if rest:
            cells.append(nbformat.v4.new_markdown_cell(self.inline(rest)))
        return cells


def repository_address() -> str | None:
    """The repository's public address, when the configuration gives one."""
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8")) or {}
    address = (config.get("silkroad") or {}).get("repository")
    if not address:
        citation_file = REPO / "CITATION.cff"
        address = (yaml.safe_load(citation_file.read_text(encoding="utf-8")) or {}).get("repository-code")
    return address or None


def first_cell(title: str, lang: str, file_name: str, about: str | None = None) -> nbformat.NotebookNode:
    address = repository_address()
    commands = "\n".join([
        f"git clone {address or '<repository>'} silk-road-integration",
        "cd silk-road-integration",
        "python3.11 -m venv .venv",
        ".venv/bin/pip install -r requirements.lock",
        ".venv/bin/pip install --no-deps -e .",
        ".venv/bin/python -m ipykernel install --sys-prefix --name python3",
        ".venv/bin/pip install jupyterlab",
        f".venv/bin/jupyter lab {file_name}",
    ])
    text = "\n\n".join([
        f"## {t('notebook_copy.heading', lang)}",
        about or t("notebook_copy.about", lang, title=title, book=t("book.title", lang)),
        t("notebook_copy.rerun", lang, repository=address or t("notebook_copy.repository_unknown", lang)),
        f"```sh\n{commands}\n```",
        t("notebook_copy.note", lang),
    ])
    return nbformat.v4.new_markdown_cell(text, metadata={"tags": ["notebook-copy-note"]})


def clean_copy(notebook, lang: str, docname: str, *, numbers: dict[str, str] | None = None,
               file_name: str | None = None, about: str | None = None) -> nbformat.NotebookNode:
    """The standalone copy of an executed chapter notebook in ``lang`` (see the module);
    ``about`` replaces the first cell's sentence on where the notebook's results come from."""
    if lang not in LANGUAGES:
        raise CopyError(f"unknown language {lang!r}")
    copier = _Copier(notebook, lang, docname, numbers)
    result = copy.deepcopy(notebook)
    cells = []
    for cell in notebook.cells:
        if cell_lang(cell) not in (None, lang):
            continue
        if cell.cell_type == "markdown":
            cells.extend(copier.markdown(cell.source))
            continue
        cell = copy.deepcopy(cell)
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.outputs
                            if not any(mime.startswith(GLUE_PREFIX) for mime in output.get("data", {}))
                            and not (output.output_type == "stream" and output.get("name") == "stderr")]
        cells.append(cell)
    title = next((match[1] for cell in cells if cell.cell_type == "markdown"
                  for match in [re.search(r"^#\s+(.+?)\s*$", cell.source, re.M)] if match), Path(docname).name)
    name = file_name or f"{Path(docname).name}-{lang}.ipynb"
    result.cells = cells
    # the first cell: the chapter's title, then how the notebook was made and how to run it again
    about = first_cell(title, lang, name, about)
    opening = next((cell for cell in cells if cell.cell_type == "markdown"), None)
    if opening is not None and (match := re.match(r"^#\s+.+?\n", opening.source + "\n")):
        about.source = f"{match[0]}\n{about.source}"
        opening.source = opening.source[match.end():].strip()
        if not opening.source:
            cells.remove(opening)
    result.cells.insert(0, about)
    result.metadata.pop("jupytext", None)
    result.metadata["language_info"] = result.metadata.get("language_info", {"name": "python"})
    for cell in result.cells:
        cell.pop("id", None)
        for key in ("papermill", "execution", "scrapbook"):
            cell.metadata.pop(key, None)
    result.nbformat, result.nbformat_minor = 4, 5
    for index, cell in enumerate(result.cells):
        cell["id"] = f"cell-{index}"
    nbformat.validate(result)
    return result


def leftovers(notebook, lang: str) -> list[str]:
    """What a clean copy must not hold: glue placeholders and records, other languages'
    cells, MyST roles, warnings. Empty for a good copy."""
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell_lang(cell) not in (None, lang):
            problems.append(f"cell {index}: prose of {cell_lang(cell)}")
        if cell.cell_type == "markdown" and (found := re.search(r"\{(glue|cite|doc|ref)[:a-z]*\}`", cell.source)):
            problems.append(f"cell {index}: {found[0]}")
        for output in cell.get("outputs", []):
            if any(mime.startswith(GLUE_PREFIX) for mime in output.get("data", {})):
                problems.append(f"cell {index}: a glue record")
            if output.output_type == "stream" and output.get("name") == "stderr":
                problems.append(f"cell {index}: a warning")
    return problems


def images(notebook) -> int:
    """How many PNG figures the notebook shows."""
    return sum("image/png" in output.get("data", {}) for cell in notebook.cells for output in cell.get("outputs", []))
