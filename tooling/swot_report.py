"""The SWOT chapter with a reader's own judgements, as one standalone page: ``make swot``.

    python -m tooling.swot_report my.csv --edition ru [--output folder]

``my.csv`` is a judgements file, or a folder whose ``*.csv`` files are one judge each
(README, "The SWOT chapter with your own judgements"). Every file is checked first
(:mod:`analysis.measures.judgement_file`): a bad file stops the command with one
message in the edition's language naming the file, the row, the field, the value found
and what is allowed, and exit status 2, before anything runs. Then the chapter runs
with the judgements in that language, its clean copy (:mod:`tooling.notebook_copy`)
is written as ``swot-<lang>.ipynb`` and rendered as ``swot-<lang>.html``
(:mod:`tooling.notebook_html`) in the output folder (by default
``_build/swot/<name>-<lang>/``; never the site), and the terminal shows the items with
the highest global priority and every consistency ratio.
"""
from __future__ import annotations

import argparse
import logging
import sys
import warnings
from pathlib import Path

from analysis.errors import DataError
from analysis.measures import judgement_file
from analysis.paths import REPO
from analysis.present.i18n import LANGUAGES, format_number, t

OUTPUT = REPO / "_build" / "swot"
NOTEBOOK = REPO / "analysis" / "notebooks" / "swot.md"
TOP = 5


class Stop(Exception):
    """A message for the reader and the exit status; no traceback."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


def judge_files(spec: Path) -> list[Path]:
    """The judges' files: the file itself, or every ``*.csv`` of a folder, by name."""
    if spec.is_dir():
        files = sorted(path for path in spec.glob("*.csv") if path.is_file())
        if not files:
            raise judgement_file.JudgementError(spec, "empty_folder")
        return files
    return [spec]


def check(spec: Path) -> tuple[list[Path], list]:
    """Every judge's file read and checked (nothing runs before all pass)."""
    paths = judge_files(spec)
    return paths, [judgement_file.read_checked(path) for path in paths]


def summary(paths: list[Path], frames: list, lang: str) -> str:
    """The items with the highest global priority and every consistency ratio, as text."""
    from analysis.measures import swot, swot_group
    from analysis.measures.ahp import CONSISTENCY_LIMIT

    selected = {group: list(codes) for group, codes in judgement_file.book_pairs().items() if group in swot.GROUPS}
    names = [path.name for path in paths]
    panel = swot_group.panel(frames, names, selected)
    table = swot.load_items()
    num = lambda value, decimals=3: format_number(value, lang, decimals)
    top = panel.group.global_.sort_values(ascending=False).head(TOP)
    lines = [t("swot_cli.top_items", lang)]
    for rank, (code, value) in enumerate(top.items(), start=1):
        lines.append(f"  {rank}. {code:<4} {num(value):>6}  {table.items[code].label[lang]}")
    lines.append(t("swot_cli.consistency", lang, limit=num(CONSISTENCY_LIMIT, 2)))
    levels = list(swot.GROUPS) + [swot.GROUP_LEVEL]
    columns = names + (["group"] if len(names) > 1 else [])
    width = max(len(t("swot_cli.level", lang)), *(len(level) for level in levels))
    label = lambda column: t("swot_cli.aggregated", lang) if column == "group" else column
    lines.append("  " + t("swot_cli.level", lang).ljust(width) + "".join(f"  {label(c)}" for c in columns))
    for level in levels:
        cells = "".join(f"  {num(panel.consistency.loc[level, c]).rjust(len(label(c)))}" for c in columns)
        lines.append(f"  {level.ljust(width)}{cells}")
    return "\n".join(lines)


def run_chapter(paths: list[Path], lang: str, target: Path, draws: int):
    """The chapter executed with these judgements in ``lang``; the executed notebook."""
    import jupytext
    import nbformat
    import papermill

    from tooling import kernels, notebooks

    logging.getLogger("papermill").setLevel(logging.ERROR)
    notebook = notebooks.cells_for(jupytext.read(NOTEBOOK), lang)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    unexecuted = target.with_suffix(".in.ipynb")
    nbformat.write(notebook, unexecuted)
    spec = [str(path.resolve()) for path in paths]
    kernel = kernels.WarmKernel("python3", REPO, quiet=True)
    try:
        executed = papermill.execute_notebook(
            str(unexecuted), None, parameters={"lang": lang, "judgements_file": spec if len(spec) > 1 else spec[0],
                                               "draws": draws},
            cwd=str(REPO), kernel_name="python3", km=kernel.manager, progress_bar=False, log_output=False)
    except papermill.PapermillExecutionError as error:
        raise Stop(t("swot_cli.failed", lang, cell=error.exec_count, error=f"{error.ename}: {error.evalue}"), 1) from None
    finally:
        kernel.shutdown()
        unexecuted.unlink(missing_ok=True)
    return executed


def report(spec: Path, lang: str, output: Path | None, draws: int) -> str:
    import nbformat

    from tooling import notebook_copy, notebook_html

    paths, frames = check(spec)
    names = ", ".join(path.name for path in paths)
    print(t("swot_cli.checked", lang, files=names), flush=True)
    folder = (output or OUTPUT / f"{spec.resolve().stem or 'judgements'}-{lang}").resolve()
    site = (REPO / "_build" / "site").resolve()
    if folder == site or site in folder.parents:
        raise Stop(f"{folder}: the site (_build/site) is the build's; choose another folder")
    folder.mkdir(parents=True, exist_ok=True)
    print(t("swot_cli.running", lang), flush=True)
    executed = run_chapter(paths, lang, folder / f"swot-{lang}.ipynb", draws)
    title = notebook_copy.page_title("chapters/swot", lang)
    about = t("notebook_copy.about_judgements", lang, title=title, book=t("book.title", lang), files=names)
    copy = notebook_copy.clean_copy(executed, lang, "chapters/swot", file_name=f"swot-{lang}.ipynb", about=about)
    nbformat.write(copy, folder / f"swot-{lang}.ipynb")
    page = notebook_html.write(copy, folder / f"swot-{lang}.html", lang)
    return "\n".join([summary(paths, frames, lang), t("swot_cli.report", lang, path=page),
                      t("swot_cli.notebook", lang, path=folder / f"swot-{lang}.ipynb")])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make swot", description=__doc__.splitlines()[0])
    parser.add_argument("judgements", type=Path, help="a judgements file (.csv) or a folder of them, one per judge")
    parser.add_argument("--edition", default="en", help="kk, en or ru (default en)")
    parser.add_argument("--output", type=Path, default=None, help="folder for the page and the notebook")
    parser.add_argument("--draws", type=int, default=1000, help="Monte Carlo draws of the sensitivity analysis")
    args = parser.parse_args(argv)
    lang = args.edition.strip().lower()
    if lang not in LANGUAGES:
        sys.stderr.write(t("swot_cli.unknown_edition", "en", value=args.edition, allowed=", ".join(LANGUAGES)) + "\n")
        return 2
    warnings.simplefilter("ignore")  # a reader's run reports results and errors, not library notices
    try:
        print(report(args.judgements, lang, args.output, args.draws))
    except judgement_file.JudgementError as error:
        sys.stderr.write(error.text(lang) + "\n")
        return 2
    except DataError as error:
        sys.stderr.write(f"{error}\n")
        return 2
    except Stop as stop:
        sys.stderr.write(f"{stop}\n")
        return stop.status
    return 0


if __name__ == "__main__":
    sys.exit(main())
