"""The downloadable copy of an executed chapter: the edition's prose only, every glue
reference replaced by the value the page shows, figures as ordinary PNG outputs where
the page shows them, citations as on the page, no glue record and no warning; and its
standalone HTML page has an image for every figure and no placeholder."""
from __future__ import annotations

import base64
import re

import nbformat
import pytest

from tooling import notebook_copy, notebook_html

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16).decode()


def glue_output(name: str, data: dict) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={f"{notebook_copy.GLUE_PREFIX}{k}": v for k, v in data.items()},
                                  metadata={"scrapbook": {"name": name, "mime_prefix": notebook_copy.GLUE_PREFIX}})


def executed() -> nbformat.NotebookNode:
    """A chapter as papermill leaves it: prose of three languages, glue records, a warning."""
    code = nbformat.v4.new_code_cell("glue(...)", metadata={"tags": ["remove-cell"]})
    code.outputs = [glue_output("n_countries", {"text/plain": "'26'"}),
                    glue_output("share", {"text/plain": "0.4567"}),
                    glue_output("fig_demo", {"image/png": PNG, "text/plain": "<IPython.core.display.Image object>"}),
                    nbformat.v4.new_output("stream", name="stderr", text="UserWarning: the file is not specified\n")]
    table = nbformat.v4.new_code_cell("display(table)", metadata={"tags": ["hide-input"]})
    table.outputs = [nbformat.v4.new_output("display_data", data={"text/html": '<div class="book-table"><table></table></div>'})]
    prose = {
        "kk": "# Тарау\n\nЕлдер саны: {glue:text}`n_countries` {cite:p}`ramazanov2023`.",
        "en": "# Chapter\n\n(demo-target)=\n## Counts\n\nThere are {glue:text}`n_countries` countries, a share of "
              "{glue:text}`share:.1%` {cite:p}`ramazanov2023`; see {ref}`demo-target`.\n\n"
              "```{glue:figure} fig_demo\n:alt: Bars of the demo\n:name: fig-demo\n\nThe demo's *bars*.\n```\n\n"
              "After the figure.",
        "ru": "# Глава\n\nЧисло стран: {glue:text}`n_countries` {cite:p}`ramazanov2023`.",
    }
    cells = [nbformat.v4.new_markdown_cell(text, metadata={"tags": [f"lang-{lang}"]})
             for lang, text in prose.items()] + [code, table]
    return nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                          "language": "python"}})


def test_the_copy_has_the_values_the_figure_and_one_language():
    copy = notebook_copy.clean_copy(executed(), "en", "chapters/demo", numbers={"fig-demo": "7"})
    assert notebook_copy.leftovers(copy, "en") == []
    markdown = "\n".join(cell.source for cell in copy.cells if cell.cell_type == "markdown")
    assert "There are 26 countries, a share of 45.7% \\[Ramazanov et al., 2023\\]; see Counts." in markdown
    assert "Тарау" not in markdown and "Глава" not in markdown and "(demo-target)=" not in markdown
    kinds = [(cell.cell_type, cell.source[:20]) for cell in copy.cells]
    figure = next(index for index, cell in enumerate(copy.cells) if "figure" in cell.metadata.get("tags", []))
    # the figure stands where the page shows it: after the text before it, with its caption below
    assert copy.cells[figure - 1].source.endswith("see Counts."), kinds
    assert copy.cells[figure].outputs[0].data == {"image/png": PNG, "text/plain": "Bars of the demo"}
    assert copy.cells[figure].source.endswith('glued_figure("fig_demo")')
    assert copy.cells[figure + 1].source == "**Fig. 7.** The demo's *bars*."
    assert copy.cells[figure + 2].source == "After the figure."
    # the glue records and the warning are gone, the table stays
    outputs = [output for cell in copy.cells if cell.cell_type == "code" for output in cell.outputs]
    assert [list(output.get("data", {})) for output in outputs] == [["image/png", "text/plain"], ["text/html"]]
    # the first cell gives the title and says how to install the package and run it again
    about = copy.cells[0].source
    assert about.startswith("# Chapter\n\n## About this notebook\n\n") and copy.cells[1].source.startswith("## Counts")
    assert "## About this notebook" in about and "`analysis` package" in about and "pip install" in about
    assert "demo-en.ipynb" in about
    nbformat.validate(copy)


@pytest.mark.parametrize(("lang", "expected"), [("kk", "Елдер саны: 26 \\[Рамазанов және т.б., 2023\\]."),
                                                 ("ru", "Число стран: 26 \\[Рамазанов и др., 2023\\].")])
def test_the_copy_of_each_edition_writes_its_own_citations(lang, expected):
    copy = notebook_copy.clean_copy(executed(), lang, "chapters/demo", numbers={})
    assert expected in copy.cells[1].source
    assert notebook_copy.leftovers(copy, lang) == []
    assert {"Бұл блокнот туралы", "Об этом блокноте"} & set(re.findall(r"^## (.+)$", copy.cells[0].source, re.M))


def test_a_reference_to_nothing_glued_is_an_error_not_a_placeholder():
    notebook = executed()
    notebook.cells[1].source += " {glue:text}`missing`"
    with pytest.raises(notebook_copy.CopyError, match="nothing is glued as 'missing'"):
        notebook_copy.clean_copy(notebook, "en", "chapters/demo", numbers={})


def test_the_leftovers_check_finds_what_a_clean_copy_must_not_hold():
    assert notebook_copy.leftovers(executed(), "en") == [
        "cell 0: prose of kk", "cell 0: {glue:text}`", "cell 1: {glue:text}`", "cell 2: prose of ru",
        "cell 2: {glue:text}`", "cell 3: a glue record", "cell 3: a glue record", "cell 3: a glue record",
        "cell 3: a warning"]


def test_the_page_of_a_copy_shows_every_figure_and_no_placeholder(tmp_path):
    copy = notebook_copy.clean_copy(executed(), "en", "chapters/demo", numbers={"fig-demo": "7"})
    page = notebook_html.write(copy, tmp_path / "demo-en.html", "en").read_text(encoding="utf-8")
    assert page.count("<img") == notebook_copy.images(copy) == 1
    assert 'alt="Bars of the demo"' in page and "<strong>Fig. 7.</strong> The demo’s" not in page
    assert "<strong>Fig. 7.</strong> The demo's <em>bars</em>." in page
    assert "{glue" not in page and "book-table" in page and '<html lang="en">' in page
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', page)


def test_the_figures_of_the_swot_chapter_are_numbered_as_the_book_numbers_them():
    numbers = notebook_copy.figure_numbers("chapters/swot", "en")
    assert list(numbers) == ["fig-swot-evidence", "fig-swot-board", "fig-swot-item-stability",
                             "fig-swot-measure-stability"]
    first = int(numbers["fig-swot-evidence"])
    assert [int(value) for value in numbers.values()] == list(range(first, first + 4))
    earlier = notebook_copy.figure_numbers("chapters/after_2020", "en")  # the chapter before the SWOT synthesis
    assert max(int(value) for value in earlier.values()) == first - 1


def test_a_copy_links_its_data_files_instead_of_carrying_them():
    from tooling.sphinx_ext.notebook_download import link_data_files

    payload = base64.b64encode(b"a,b\n1,2\n").decode()
    link = (f'<p class="csv-download"><a download="x-en.csv" href="data:text/csv;charset=utf-8;base64,{payload}" '
            f'data-describe="e30=">CSV</a></p>')
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "x", outputs=[nbformat.v4.new_output("display_data", data={"text/html": link, "text/plain": "<HTML>"})])])
    assert link_data_files(notebook) == 1
    html = notebook.cells[0].outputs[0]["data"]["text/html"]
    assert html == '<p class="csv-download"><a download="x-en.csv" href="x-en.csv">CSV</a></p>'
    assert link_data_files(notebook) == 0
