"""The SWOT chapter's calculator: what the page's script needs, from the chapter's own data.

The SWOT page carries a calculator (``tooling/static/ahp-calculator.js``) in which a
reader changes the chapter's pairwise judgements and sees the priorities, lambda_max and
the consistency ratio recomputed as :func:`analysis.measures.ahp.ahp` computes them, the
items ranked by global priority and the measures M1-M7 scored by A’WOT and by the
link-sum variant (:func:`analysis.measures.swot.measure_scores`). The script computes
nothing the chapter does not define: everything it reads comes from here, built from the
objects the chapter itself uses (the items the selection rule ranks, the judgements
file, the TOWS links, the A’WOT local priorities, Saaty's random index), with the
interface in the edition's language from the catalogue and the edition's number
symbols from :mod:`analysis.present.numbers`.

:func:`html_block` is the block the notebook displays: the data travel inside it as
base64 JSON (``data-calculator-payload``), so the executed notebook stays
self-contained; the site's ``ahp_calculator`` extension writes them to a JSON file next
to the page (``chapters/swot/<name>``) and leaves only the file's address.
"""
from __future__ import annotations

import base64
import html
import json

import pandas as pd
from IPython.display import HTML

from analysis.measures import ahp as ahp_method
from analysis.measures import awot, judgement_file, swot
from analysis.present import numbers
from analysis.present.i18n import t

CLASS = "ahp-calculator"
FORMAT_VERSION = 1
SCALE = ("1/9", "1/8", "1/7", "1/6", "1/5", "1/4", "1/3", "1/2", "1", "2", "3", "4", "5", "6", "7", "8", "9")
# catalogue keys the script shows, under the name it looks them up by
STRINGS = {
    "items_compared": "calc.items_compared",
    "groups_compared": "calc.groups_compared",
    "judgements": "calc.judgements",
    "option_equal": "calc.option.equal",
    "option_more": "calc.option.more",
    **{f"degree_{value}": f"calc.degree.{value}" for value in range(2, 10)},
    "lambda_max": "swot.col.lambda_max",
    "cr": "swot.col.cr",
    "consistent": "calc.consistent",
    "inconsistent": "calc.inconsistent",
    "ranking": "calc.ranking",
    "measures": "calc.measures",
    "rank": "swot.col.rank",
    "code": "swot.col.code",
    "item": "swot.col.item",
    "measure": "swot.col.measure",
    "local": "swot.col.local",
    "group_priority": "swot.col.group_priority",
    "global": "swot.col.global",
    "awot_priority": "swot.col.awot_priority",
    "link_score": "swot.col.link_score",
    "download": "calc.download",
    "reset": "calc.reset",
    "download_refused": "calc.download_refused",
    "changed_reason": "calc.changed_reason",
    "status": "calc.status",
    "prefilled": "calc.prefilled",
    "level_groups": "swot.level.groups",
}


def number_symbols(lang: str) -> dict[str, str]:
    """The decimal sign, the thousands separator and the minus sign as the book writes
    them in ``lang`` (read off :func:`analysis.present.numbers.format_number`, so the
    script writes numbers exactly as the chapter's text and tables do), and how many
    significant digits of a float are kept before rounding (the rest is noise)."""
    text = numbers.format_number(-1234.5, lang, 1)   # e.g. "−1 234,5"
    symbols = {"minus": text[0], "group": text[2], "decimal": text[-2]}
    if text != f"{symbols['minus']}1{symbols['group']}234{symbols['decimal']}5":
        raise ValueError(f"unexpected number format in {lang!r}: {text!r}")
    return {**symbols, "significant_digits": numbers.SIGNIFICANT_DIGITS}


def calculator_data(lang: str, table: swot.SwotTable, judgements: pd.DataFrame, selected: dict[str, list[str]],
                    tows: pd.DataFrame, awot_local: pd.DataFrame, source: str) -> dict:
    """Everything the calculator shows and computes, for the edition ``lang``.

    ``judgements`` is a judgements file as :func:`analysis.measures.judgement_file.read`
    returns it (its rows, their order and orientation, judgements and reasons become the
    pre-filled controls and the rows of the downloaded file); ``selected`` the items each
    group ranks; ``tows`` the TOWS links; ``awot_local`` the A’WOT local priorities of
    the measures under each ranked item (:func:`analysis.measures.awot.second_stage`);
    ``source`` the name of the judgements file, shown to the reader."""
    levels = []
    for level in list(swot.GROUPS) + [swot.GROUP_LEVEL]:
        codes = list(swot.GROUPS) if level == swot.GROUP_LEVEL else list(selected[level])
        rows = judgements[judgements.level == level]
        pairs = [{"first": row.first, "second": row.second, "judgement": row.judgement,
                  "reasons": {name: getattr(row, name) for name in judgement_file.REASONS}}
                 for row in rows.itertuples()]
        # the same checks the chapter makes: every pair of the ranked items judged once
        ahp_method.judgement_matrix(codes, {(pair["first"], pair["second"]): float(ahp_method.parse_judgement(
            pair["judgement"])) for pair in pairs})
        members = [{"code": code, "label": t(f"swot.group.{code}", lang) if level == swot.GROUP_LEVEL
                    else table.items[code].label[lang]} for code in codes]
        levels.append({"level": level, "label": t("swot.level.groups", lang) if level == swot.GROUP_LEVEL
                       else t(f"swot.group.{level}", lang), "members": members, "pairs": pairs})
    ranked = [code for group in swot.GROUPS for code in selected[group]]
    if sorted(awot_local.index) != sorted(ranked) or list(awot_local.columns) != list(awot.MEASURES):
        raise ValueError("the A’WOT local priorities must cover exactly the ranked items and the measures M1-M7")
    measures = []
    for measure in awot.MEASURES:
        rows = tows[tows.measure == measure]
        items = sorted({code for text in rows["items"] for code in text.split(";")})
        measures.append({"code": measure, "label": table.measures[measure][lang], "items": items,
                         "awot_local": {code: float(awot_local.loc[code, measure]) for code in ranked}})
    return {
        "format": FORMAT_VERSION,
        "lang": lang,
        "source": source,
        "number": number_symbols(lang),
        "random_index": list(ahp_method.RANDOM_INDEX),
        "consistency_limit": ahp_method.CONSISTENCY_LIMIT,
        "departure_tie": ahp_method.DEPARTURE_TIE,
        "scale": list(SCALE),
        "columns": list(judgement_file.COLUMNS),
        "file_name": f"swot-judgements-{lang}.csv",
        "levels": levels,
        "measures": measures,
        "text": {name: t(key, lang) for name, key in STRINGS.items()},
    }


def data_file_name(lang: str) -> str:
    """The name of the calculator's data file next to the page."""
    return f"swot-calculator-{lang}.json"


def payload(data: dict) -> str:
    """The data as the JSON text of the file next to the page."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def html_block(data: dict) -> HTML:
    """The calculator's block: an empty container the script fills, the data inside it
    (base64 JSON, moved to a file by the site's extension), and a note for readers
    without JavaScript."""
    encoded = base64.b64encode(payload(data).encode("utf-8")).decode("ascii")
    note = html.escape(t("calc.noscript", data["lang"]))
    error = html.escape(t("calc.load_error", data["lang"]), quote=True)
    return HTML(f'<div class="{CLASS}" data-calculator-name="{data_file_name(data["lang"])}" '
                f'data-load-error="{error}" data-calculator-payload="{encoded}">'
                f'<noscript><p>{note}</p></noscript></div>')
