"""The PDF edition of each language, typeset with XeLaTeX from the same staged sources
(executed notebooks included) as the web edition.

Kazakh and Russian are set in GNU FreeFont (every Kazakh letter has a glyph) with
polyglossia; LaTeX's own headings ("Contents", "Chapter", "Bibliography", ...) come
from the catalogue, since polyglossia does not name them all in Kazakh.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from analysis.present.i18n import t

LATEX_DIR = Path(__file__).with_name("latex")
TARGET = "book"
# LaTeX's heading macros and the catalogue entries that name them.
HEADINGS = {"contentsname": "pdf.contents", "chaptername": "pdf.chapter", "bibname": "pdf.bibliography",
            "indexname": "pdf.index"}
# Caption labels are written as on the site, from the catalogue's ``caption.figure`` and
# ``caption.table`` ("Fig. 7.1.", «7.1-сурет.», «Таблица 3.2.»): Sphinx sets \fnum@figure to
# \figurename, the number and what follows the number in ``numfig_format``; the name is what
# precedes it (nothing in Kazakh, where the word follows the number). The label and the
# caption text are separated by a space, not LaTeX's colon.
CAPTION_NAMES = {"figurename": "figure", "tablename": "table"}
CAPTION_STYLE = r"\usepackage{array}\usepackage[labelsep=space,font=small]{caption}"
MISSING_GLYPH = re.compile(r"Missing character: There is no (.+?) in font (.+?)!")


class PdfError(RuntimeError):
    pass


def pdf_name(lang: str) -> str:
    return f"silk-road-integration-{lang}.pdf"


def caption_name(kind: str, lang: str) -> str:
    """The LaTeX text before a caption's number: "Fig.\\space" in English, nothing in Kazakh."""
    before = t(f"caption.{kind}", lang, number="\0").split("\0")[0]
    return before.rstrip() + (r"\space" if before.endswith(" ") else "")


def headings(lang: str) -> str:
    renames = "".join(rf"\renewcommand{{\{macro}}}{{{t(key, lang)}}}" for macro, key in HEADINGS.items())
    renames += "".join(rf"\renewcommand{{\{macro}}}{{{caption_name(kind, lang)}}}" for macro, kind in CAPTION_NAMES.items())
    # at the very end of \begin{document}: after polyglossia has set the language's captions
    return rf"\AddToHook{{begindocument/end}}{{{renames}}}"


def book_config(lang: str) -> dict:
    """Jupyter Book's own ``latex`` settings for the edition."""
    return {"latex_engine": "xelatex", "latex_documents": {"targetname": f"{TARGET}.tex"}}


def sphinx_config(lang: str) -> dict:
    """Settings for the LaTeX builder, merged into the edition's Sphinx configuration."""
    return {
        "latex_additional_files": ["_latex/bbm.sty"],
        "latex_show_urls": "no",
        # figures and tables numbered through the book, as on the site ("Table 43."), not per chapter
        "numfig_secnum_depth": 0,
        "latex_elements": {"preamble": CAPTION_STYLE + "\n" + headings(lang), "printindex": "", "papersize": "a4paper",
                           # no deliberately blank pages: every page of the PDF has content
                           "extraclassoptions": "openany,oneside"},
    }


def staged_files() -> dict[str, bytes]:
    return {f"_latex/{path.name}": path.read_bytes() for path in sorted(LATEX_DIR.glob("*.sty"))}


def build(stage: Path, out: Path, lang: str, env: dict[str, str]) -> Path:
    """Typeset ``stage`` into ``out``; returns the PDF. Fails on a LaTeX error or on any
    character the fonts cannot show."""
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(stage), "--builder", "pdflatex",
               "--path-output", str(out), "--warningiserror", "--nitpick", "--keep-going", "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=stage, env=env)
    latex = out / "_build" / "latex"
    pdf = latex / f"{TARGET}.pdf"
    if result.returncode != 0 or not pdf.is_file():
        raise PdfError(f"PDF edition {lang} failed:\n{result.stdout[-5000:]}\n{result.stderr[-5000:]}")
    missing = missing_glyphs(latex / f"{TARGET}.log")
    if missing:
        raise PdfError(f"PDF edition {lang}: characters without a glyph: {sorted(missing)[:20]}")
    return pdf


def missing_glyphs(log: Path) -> set[tuple[str, str]]:
    return set(MISSING_GLYPH.findall(log.read_text(encoding="utf-8", errors="replace")))
