"""Tables for the PDF: the same cells as the page (already written in the reader's
locale by :func:`analysis.present.tables.format_frame`) as a LaTeX ``longtable``, which
breaks across pages and repeats its header on each.

Every cell is escaped for LaTeX; the no-break space of kk and ru thousands and
percentages becomes a tie (``~``) and the narrow no-break space a thin space (``\\,``),
so that a number is never split over two lines. Columns are paragraph columns whose
widths share the text width by the length of their text: a wide table wraps its cells
instead of running off the page.
"""
from __future__ import annotations

import re

import pandas as pd

SPECIALS = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "\u00a0": "~", "\u202f": r"\,", "\u2009": r"\,",
}
_SPECIAL = re.compile("|".join(re.escape(c) for c in SPECIALS))


def escape(text: str) -> str:
    """``text`` safe in LaTeX: the ten special characters written as commands, no-break
    spaces as unbreakable LaTeX spaces, line breaks as spaces."""
    return _SPECIAL.sub(lambda m: SPECIALS[m.group(0)], str(text)).replace("\n", " ")


# characters of running text a line holds at each table font size (A4, the book's margins),
# on the safe side: the widths below are estimated from counts of characters
LINE_CHARS = {r"\small": 90, r"\footnotesize": 100, r"\scriptsize": 118}
FONTS = list(LINE_CHARS)


def _needs(header: list[str], rows: list[list[str]]) -> tuple[list[float], list[float]]:
    """Per column, in characters: the room it needs (its longest unbreakable piece: a
    number with its no-break spaces, a long word; header words are bold, so wider) and
    the room it wants (its typical cell, or half its header, on one line), both with
    the column's padding."""
    need, want = [], []
    for position, title in enumerate(header):
        cells = [row[position] for row in rows] or [""]
        longest = max([len(piece) for text in cells for piece in text.split(" ")]
                      + [1.1 * len(word) for word in title.split(" ")] + [4])
        need.append(1.15 * longest + 3)
        typical = sorted(len(text) for text in cells)[len(cells) * 3 // 4]
        want.append(max(need[-1], 1.1 * min(max(typical, len(title) / 2), 60) + 3))
    return need, want


def _layout(header: list[str], rows: list[list[str]]) -> tuple[str, list[float]]:
    """The table's font and each column's share of the text width. The font is the
    largest that its number of columns allows and in which every column gets the room it
    needs; the room left is shared by how much more each column wants. A table that
    wants less than a line is narrower than the page."""
    need, want = _needs(header, rows)
    default = 0 if len(header) <= 4 else 1 if len(header) <= 7 else 2
    font = next((f for f in FONTS[default:] if sum(need) <= LINE_CHARS[f]), FONTS[-1])
    line = LINE_CHARS[font]
    if sum(want) <= line:
        return font, [w / line for w in want]
    if sum(need) >= line:
        return font, [n / sum(need) for n in need]
    extra, wanted = line - sum(need), sum(w - n for w, n in zip(want, need))
    return font, [(n + extra * (w - n) / wanted) / line for w, n in zip(want, need)]


def _blocks(columns: list) -> list[list[int]]:
    """The positions of the columns after the first, in blocks that stay together: the
    columns under one grouped header, or each column alone."""
    blocks: list[list[int]] = []
    for position in range(1, len(columns)):
        grouped = isinstance(columns[position], tuple)
        if blocks and grouped and columns[blocks[-1][-1]][0] == columns[position][0]:
            blocks[-1].append(position)
        else:
            blocks.append([position])
    return blocks


def _parts(columns: list, header: list[str], rows: list[list[str]]) -> list[list[int]]:
    """The columns of each part of a table too wide for one page width: every part
    repeats the first column (the row labels) and takes whole blocks (:func:`_blocks`)
    while they fit a line at the smallest table font."""
    need, _ = _needs(header, rows)
    limit = LINE_CHARS[FONTS[-1]]
    parts, current = [], [0]
    for block in _blocks(columns):
        width = sum(need[i] for i in current + block)
        if len(current) > 1 and width > limit:
            parts.append(current)
            current = [0]
        current = current + block
    return parts + [current]


def _longtable(text: pd.DataFrame, numeric: list[bool], caption_line: str) -> str:
    grouped = isinstance(text.columns, pd.MultiIndex)
    columns = list(text.columns)
    bottom = [str(c[1]) if grouped else str(c) for c in columns]
    rows = [[str(v) for v in row] for row in text.itertuples(index=False)]
    font, shares = _layout(bottom if not grouped else [f"{c[0]} {c[1]}" for c in columns], rows)
    spec = "".join(
        ">{" + (r"\raggedleft" if right else r"\raggedright") + r"\arraybackslash}"
        + rf"p{{\dimexpr {share:.4f}\linewidth-2\tabcolsep\relax}}"
        for share, right in zip(shares, numeric))
    head = []
    if grouped:
        cells, rules = [escape(columns[0][0])], []
        for block in _blocks(columns):
            width = sum(shares[i] for i in block)
            cells.append(rf"\multicolumn{{{len(block)}}}{{>{{\centering\arraybackslash}}"
                         rf"p{{\dimexpr {width:.4f}\linewidth-2\tabcolsep\relax}}}}"
                         rf"{{\textbf{{{escape(columns[block[0]][0])}}}}}")
            rules.append(rf"\cmidrule(lr){{{block[0] + 1}-{block[-1] + 1}}}")
        head.append(" & ".join(cells) + r" \\" + "".join(rules))
        bottom[0] = ""
    head.append(" & ".join(rf"\textbf{{{escape(c)}}}" if c else "" for c in bottom) + r" \\")
    header = "\n".join(head)
    body = "\n".join(" & ".join(escape(cell) for cell in row) + r" \\" for row in rows)
    return "\n".join([
        r"\begingroup" + font,
        rf"\begin{{longtable}}{{{spec}}}",
        caption_line,
        r"\toprule", header, r"\midrule", r"\endfirsthead",
        r"\toprule", header, r"\midrule", r"\endhead",
        r"\bottomrule", r"\endlastfoot",
        body,
        r"\end{longtable}",
        r"\endgroup",
    ])


def render_latex(text: pd.DataFrame, numeric: list[bool], caption: str, label: str, continued: str = "") -> str:
    """The table ``text`` (every cell a string) as a captioned ``longtable``; ``numeric``
    tells which columns are right aligned; ``label`` is the LaTeX label the caption
    carries (the Sphinx extension qualifies it with the page's name). A table too wide
    for the page is set in parts, one under the other, each with the row labels; the
    parts after the first are captioned, unnumbered, with ``continued`` ("(continued)")."""
    columns = list(text.columns)
    header = [" ".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in columns]
    rows = [[str(v) for v in row] for row in text.itertuples(index=False)]
    parts = _parts(columns, header, rows)
    typeset = []
    for number, part in enumerate(parts):
        caption_line = (rf"\caption{{{escape(caption)}}}\label{{{label}}}\\" if number == 0 else
                        rf"\caption*{{{escape(caption)} {escape(continued)}}}\\")
        # longtable steps the table counter for every longtable: a continuation takes no number
        typeset.append(("" if number == 0 else "\\addtocounter{table}{-1}\n")
                       + _longtable(text.iloc[:, part], [numeric[i] for i in part], caption_line))
    return "\n".join(typeset)
