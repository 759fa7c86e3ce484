"""The SWOT calculator's data (analysis/present/ahp_calculator.py), the extension that
publishes them next to the page, and the standalone page's copy of the script.

What the page's script computes is checked in a browser against ``ahp()`` in
tests/test_site_calculator.py; here: the data come from the chapter's own sources and
nothing is lost or invented on the way.
"""
from __future__ import annotations

import base64
import json
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest
from docutils import nodes

from analysis.measures import ahp, awot, judgement_file, swot
from analysis.present import ahp_calculator
from analysis.present.i18n import t
from analysis.present.numbers import format_number
from tooling import notebook_html
from tooling.sphinx_ext import ahp_calculator as extension

from test_ahp import WEALTH

STATIC = Path(notebook_html.STATIC)


@pytest.fixture(scope="module")
def book():
    table = swot.load_items()
    tows = swot.load_tows(table=table)
    frame = swot.load_judgements()
    selected = {level: list(codes) for level, codes in judgement_file.book_pairs().items() if level != swot.GROUP_LEVEL}
    result = swot.priorities(frame, selected)
    judged = awot.load()
    local = awot.second_stage(judged[judged.item.isin(result.global_.index)], tows, result.global_).local
    return SimpleNamespace(table=table, tows=tows, frame=frame, selected=selected, local=local)


def data_for(book, lang="kk", frame=None):
    return ahp_calculator.calculator_data(lang, book.table, book.frame if frame is None else frame, book.selected,
                                          book.tows, book.local, "swot_judgements.csv")


def test_levels_hold_the_ranked_items_and_the_file_s_rows(book):
    data = data_for(book)
    assert [level["level"] for level in data["levels"]] == ["S", "W", "O", "T", "groups"]
    for level in data["levels"]:
        codes = list(swot.GROUPS) if level["level"] == "groups" else book.selected[level["level"]]
        assert [member["code"] for member in level["members"]] == codes
        rows = book.frame[book.frame.level == level["level"]]
        assert [(p["first"], p["second"], p["judgement"]) for p in level["pairs"]] == list(
            zip(rows["first"], rows["second"], rows["judgement"]))
        assert [p["reasons"]["reason_ru"] for p in level["pairs"]] == list(rows["reason_ru"])
        # one pair per unordered pair of members
        assert len(level["pairs"]) == len(codes) * (len(codes) - 1) // 2
    strengths = data["levels"][0]["members"][0]
    assert strengths["label"] == book.table.items[strengths["code"]].label["kk"]
    assert data["levels"][-1]["members"][0]["label"] == t("swot.group.S", "kk")


def test_method_constants_are_the_python_ones(book):
    data = data_for(book, "en")
    assert data["random_index"] == list(ahp.RANDOM_INDEX)
    assert data["random_index"][2:4] == [0.58, 0.90]  # Saaty's table, n = 3 and 4
    assert data["consistency_limit"] == ahp.CONSISTENCY_LIMIT == 0.10
    assert data["departure_tie"] == ahp.DEPARTURE_TIE
    assert data["scale"] == sorted(data["scale"], key=lambda text: float(ahp.parse_judgement(text)))
    assert {ahp.parse_judgement(text) for text in data["scale"]} == set(ahp.SCALE)
    assert data["columns"] == list(judgement_file.COLUMNS)


def test_measures_carry_the_tows_links_and_the_awot_local_priorities(book):
    data = data_for(book, "ru")
    assert [measure["code"] for measure in data["measures"]] == list(awot.MEASURES)
    m6 = next(measure for measure in data["measures"] if measure["code"] == "M6")
    # tows.csv: M6 SO S4;S5;S6;S8;O6;O7;O10 and WT W9;T6;T7, each item once
    assert m6["items"] == sorted(["S4", "S5", "S6", "S8", "O6", "O7", "O10", "W9", "T6", "T7"])
    assert m6["label"] == book.table.measures["M6"]["ru"]
    for measure in data["measures"]:
        assert measure["awot_local"] == {code: pytest.approx(book.local.loc[code, measure["code"]], abs=0)
                                         for code in book.local.index}
    # the link-sum and A’WOT the chapter computes, recomputed from the data alone
    result = swot.priorities(book.frame, book.selected)
    link_sum = {m["code"]: sum(result.global_.get(code, 0.0) for code in m["items"]) for m in data["measures"]}
    assert pd.Series(link_sum)[swot.measure_scores(book.tows, result.global_).index].to_numpy() == pytest.approx(
        swot.measure_scores(book.tows, result.global_).to_numpy(), abs=1e-15)
    awot_scores = {m["code"]: sum(result.global_[code] * share for code, share in m["awot_local"].items())
                   for m in data["measures"]}
    judged = awot.load()
    chapter = awot.second_stage(judged[judged.item.isin(result.global_.index)], book.tows, result.global_).global_
    assert pd.Series(awot_scores)[chapter.index].to_numpy() == pytest.approx(chapter.to_numpy(), abs=1e-15)


@pytest.mark.parametrize("lang", ["kk", "en", "ru"])
def test_interface_and_number_symbols_are_the_edition_s(book, lang):
    data = data_for(book, lang)
    assert data["text"]["judgements"] == t("calc.judgements", lang)
    assert data["text"]["cr"] == t("swot.col.cr", lang)
    assert "{pair}" in data["text"]["inconsistent"] and "{implied}" in data["text"]["inconsistent"]
    symbols = data["number"]
    assert format_number(-12345.678, lang, 2) == f"{symbols['minus']}12{symbols['group']}345{symbols['decimal']}68"
    assert symbols["minus"] == "\u2212"
    assert symbols["decimal"] == ("." if lang == "en" else ",")


def test_a_file_that_misses_a_pair_or_measures_for_other_items_is_refused(book):
    with pytest.raises(ValueError, match="pairs not judged: S1-S2"):
        data_for(book, frame=book.frame[~((book.frame.level == "S") & (book.frame["first"] == "S1")
                                          & (book.frame["second"] == "S2"))])
    with pytest.raises(ValueError, match="A’WOT local priorities"):
        ahp_calculator.calculator_data("en", book.table, book.frame, book.selected, book.tows,
                                       book.local.drop(index=book.local.index[0]), "x.csv")


def test_the_block_carries_the_data_and_a_note_without_scripts(book):
    data = data_for(book, "ru")
    block = ahp_calculator.html_block(data).data
    payload = re.search(r'data-calculator-payload="([^"]+)"', block)[1]
    assert json.loads(base64.b64decode(payload)) == data
    assert 'data-calculator-name="swot-calculator-ru.json"' in block
    assert f"<noscript><p>{t('calc.noscript', 'ru')}</p></noscript>" in block


def test_the_extension_writes_the_data_next_to_the_page(book, tmp_path):
    data = data_for(book, "en")
    raw = nodes.raw("", ahp_calculator.html_block(data).data, format="html")
    document = nodes.document(None, None)
    document += raw
    extension._publish(SimpleNamespace(outdir=str(tmp_path)), document, "chapters/swot")
    written = tmp_path / "chapters" / "swot" / "swot-calculator-en.json"
    assert json.loads(written.read_text(encoding="utf-8")) == data
    text = raw.astext()
    assert 'data-calculator-src="swot/swot-calculator-en.json"' in text
    assert "data-calculator-payload" not in text
    assert 'data-calculator-name="swot-calculator-en.json"' in text


def test_the_extension_refuses_a_bad_payload(tmp_path):
    from sphinx.errors import ExtensionError
    document = nodes.document(None, None)
    document += nodes.raw("", '<div class="ahp-calculator" data-calculator-name="x.json" data-load-error="e" '
                          'data-calculator-payload="bm90IGpzb24="></div>', format="html")  # "not json"
    with pytest.raises(ExtensionError, match="x.json are not valid base64 JSON"):
        extension._publish(SimpleNamespace(outdir=str(tmp_path)), document, "chapters/swot")


def test_the_standalone_page_carries_the_script_only_with_a_calculator(book):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Title")]
    assert "ahp-calculator" not in notebook_html.render(notebook, "en")
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": ahp_calculator.html_block(
        data_for(book, "en")).data})]
    notebook.cells.append(cell)
    page = notebook_html.render(notebook, "en")
    assert (STATIC / "ahp-calculator.js").read_text(encoding="utf-8") in page
    assert ".ahp-calculator" in page  # its style


def test_the_script_s_methods_equal_python_s_on_hand_checkable_matrices():
    """The script read by node (no browser): Saaty's brightness example, a consistent
    matrix and a 3-item cycle, and numbers as the book writes them."""
    matrices = [
        [[1, 5, 6, 7], [1 / 5, 1, 4, 6], [1 / 6, 1 / 4, 1, 4], [1 / 7, 1 / 6, 1 / 4, 1]],  # Saaty (1977)
        [[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]],
        [[1, 1 / 9, 1 / 9], [9, 1, 1 / 9], [9, 9, 1]],
        [[1, 3], [1 / 3, 1]],
        WEALTH,                                                                             # Saaty (1977), n = 7
    ]
    script = f"""
      const m = require({json.dumps(str(STATIC / 'ahp-calculator.js'))});
      const ri = {json.dumps(list(ahp.RANDOM_INDEX))};
      const out = {json.dumps(matrices)}.map(a => {{
        const r = m.ahp(a, ri); const p = m.mostInconsistentPair(a, r.priorities, {ahp.DEPARTURE_TIE});
        return [r.priorities, r.lambdaMax, r.consistencyRatio, [p.first, p.second]]; }});
      const kk = {json.dumps(ahp_calculator.number_symbols("kk"))};
      out.push([m.formatNumber(0.1235, 3, kk), m.formatNumber(-1234.5, 1, kk), m.formatNumber(-0.0004, 3, kk),
                m.formatNumber(0.9995, 3, kk), m.formatNumber(2.5e-7, 3, kk),
                m.formatNumber(0.25 * 0.24999999999999997, 3, kk)]);
      process.stdout.write(JSON.stringify(out));
    """
    found = json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout)
    for matrix, (priorities, lambda_max, ratio, pair) in zip(matrices, found):
        expected = ahp.ahp(matrix)
        assert priorities == pytest.approx(expected.priorities, abs=1e-12)
        assert lambda_max == pytest.approx(expected.lambda_max, abs=1e-12)
        assert ratio == pytest.approx(expected.consistency_ratio, abs=1e-12)
        assert tuple(pair) == ahp.most_inconsistent_pair(matrix, expected.priorities)[:2]
    assert found[0][2] == pytest.approx(0.14, abs=0.01)      # Saaty's C.R. 0.14 for the brightness example
    assert found[1][2] == pytest.approx(0.0, abs=1e-12) and found[1][0] == pytest.approx([4 / 7, 2 / 7, 1 / 7])
    assert found[2][3] == [0, 1]                             # three equal departures: the first pair
    assert found[3][1:3] == [2, 0]                           # n = 2: lambda_max = n, CR = 0
    assert found[4][1:3] == pytest.approx([7.61, 0.08], abs=5e-3)  # Saaty's published lambda_max and C.R.
    assert found[5] == [format_number(0.1235, "kk", 3), format_number(-1234.5, "kk", 1), "0,000",
                        format_number(0.9995, "kk", 3), "0,000", "0,063"]
    assert found[5][:2] == ["0,124", "\u22121\u202f234,5"]
