"""The SWOT-AHP calculator on the SWOT page of each edition, in a real browser (Debian
Chromium, as in test_site_browser; one browser for the module), served from 127.0.0.1.

The browser sets several judgement sets through the page's controls: the book's own,
a changed set within the consistency limit (the worked example
``swot_judgements_alternative.csv``) and an inconsistent one. For each, the
priorities, lambda_max and consistency ratio the page computed (its data attributes,
full precision) must equal :func:`analysis.measures.ahp.ahp` on the same matrices to
1e-6; the global priorities, the A’WOT and link-sum scores must equal the chapter's
functions; the inconsistent levels must name the pair
:func:`analysis.measures.ahp.most_inconsistent_pair` names; the numbers shown must be
written as the edition writes them; and the downloaded file must be read by the
chapter (:func:`analysis.measures.judgement_file.read_checked`), or, for the
inconsistent set, refused for the same level. Needs a built site (``make book``).
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

import numpy as np
import pandas as pd
import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import new_context, open_page

from analysis.measures import ahp, awot, judgement_file, swot
from analysis.paths import DATA_DIR
from analysis.present.i18n import t
from analysis.present.numbers import format_number

pytestmark = pytest.mark.slow

LANGUAGES = ("kk", "en", "ru")
PAGE = "chapters/swot.html"
TOLERANCE = 1e-6
ALTERNATIVE = DATA_DIR / "reference" / "swot_judgements_alternative.csv"
# Contradictory judgements: a 3-item cycle in S (every pair departs alike, so the rule
# names the first pair in row order) and a 4-item level W whose judgements 9, 9 and 1/9
# go round in a circle, and groups preferred in a circle as well.
INCONSISTENT = {("S", "S3", "S1"): "9", ("S", "S1", "S2"): "3", ("S", "S3", "S2"): "1/5",
                ("W", "W1", "W2"): "9", ("W", "W2", "W9"): "9", ("W", "W1", "W9"): "1/9",
                ("groups", "S", "W"): "1/7", ("groups", "S", "O"): "5", ("groups", "W", "O"): "2",
                ("groups", "W", "T"): "3", ("groups", "O", "T"): "1/3"}

READ_LEVELS = """root => [...root.querySelectorAll('fieldset[data-level]')].map(level => ({
  level: level.dataset.level, priorities: JSON.parse(level.dataset.priorities),
  lambda_max: Number(level.dataset.lambdaMax), consistency_ratio: Number(level.dataset.consistencyRatio),
  revisit: level.dataset.revisit || null,
  judgements: [...level.querySelectorAll('select')].map(s => [s.dataset.first, s.dataset.second, s.value]),
  shown: [...level.querySelectorAll('.ahp-local td.ahp-number')].map(td => td.textContent),
  consistency: level.querySelector('.ahp-consistency').textContent}))"""
READ_TOTALS = """root => ({global: JSON.parse(root.dataset.global), groups: JSON.parse(root.dataset.groups),
  awot: JSON.parse(root.dataset.awot), link_sum: JSON.parse(root.dataset.linkSum),
  tables: [...root.querySelectorAll('.ahp-results table')].map(table =>
    [...table.querySelectorAll('tbody tr')].map(row => [...row.cells].map(cell => cell.textContent)))})"""


@pytest.fixture(scope="module")
def chapter():
    """What the chapter reads besides the judgements: the items, TOWS links and A’WOT file."""
    table = swot.load_items()
    return {"table": table, "tows": swot.load_tows(table=table), "awot": awot.load()}


def calculator_file(site_dir: Path, lang: str) -> dict:
    path = site_dir / lang / "chapters" / "swot" / f"swot-calculator-{lang}.json"
    assert path.is_file(), f"{path} is missing: the calculator's data are not published next to the page"
    return json.loads(path.read_text(encoding="utf-8"))


def open_calculator(watched, served_site, lang):
    page = watched.page
    open_page(page, urljoin(served_site, f"{lang}/{PAGE}"))
    page.wait_for_selector(".ahp-calculator[data-ready='true']")
    return page, page.locator(".ahp-calculator")


def set_judgements(page, judgements: dict) -> None:
    for (level, first, second), value in judgements.items():
        select = page.locator(f"fieldset[data-level='{level}'] select[data-first='{first}'][data-second='{second}']")
        assert select.count() == 1, f"no control for {level} {first} : {second}"
        select.select_option(value)


def file_judgements(path: Path) -> dict:
    """A judgements file as the controls hold it: (level, first, second) -> judgement,
    turned to the book file's orientation where the file writes a pair the other way."""
    frame = judgement_file.read(path)
    return {(row.level, row.first, row.second): row.judgement for row in frame.itertuples()}


def oriented(judgements: dict, controls: set) -> dict:
    result = {}
    for (level, first, second), value in judgements.items():
        if (level, first, second) in controls:
            result[level, first, second] = value
        else:
            assert (level, second, first) in controls, (level, first, second)
            number = ahp.parse_judgement(value)
            result[level, second, first] = str(1 / number)
    return result


def frame_of(levels) -> pd.DataFrame:
    rows = [{"level": level["level"], "first": first, "second": second, "judgement": value,
             "value": float(ahp.parse_judgement(value))}
            for level in levels for first, second, value in level["judgements"]]
    return pd.DataFrame(rows)


def level_priorities(levels, name: str) -> dict:
    return next(level["priorities"] for level in levels if level["level"] == name)


def check_against_python(levels, totals, data, chapter, lang) -> list[str]:
    """Every number the page computed against Python on the matrices its controls hold;
    returns the levels above the consistency limit."""
    members = {level["level"]: [member["code"] for member in level["members"]] for level in data["levels"]}
    over = []
    for level in levels:
        codes = members[level["level"]]
        matrix = ahp.judgement_matrix(codes, {(a, b): float(ahp.parse_judgement(v)) for a, b, v in level["judgements"]})
        expected = ahp.ahp(matrix)
        found = np.array([level["priorities"][code] for code in codes])
        where = f"{lang} {level['level']} {level['judgements']}"
        assert np.abs(found - expected.priorities).max() <= TOLERANCE, f"{where}: priorities {found} != {expected.priorities}"
        assert abs(level["lambda_max"] - expected.lambda_max) <= TOLERANCE, where
        assert abs(level["consistency_ratio"] - expected.consistency_ratio) <= TOLERANCE, where
        shown = [format_number(level["priorities"][code], lang, 3) for code in codes]
        assert level["shown"] == shown, f"{where}: shown {level['shown']}, the book writes {shown}"
        limit = format_number(ahp.CONSISTENCY_LIMIT, lang, 2)
        assert format_number(level["consistency_ratio"], lang, 3) in level["consistency"]
        if expected.consistency_ratio > ahp.CONSISTENCY_LIMIT:
            over.append(level["level"])
            first, second, _ = ahp.most_inconsistent_pair(matrix, expected.priorities)
            assert level["revisit"] is not None, f"{where}: CR {expected.consistency_ratio:.3f} but no pair named"
            assert set(level["revisit"].split()) == {codes[first], codes[second]}, (
                f"{where}: the page names {level['revisit']}, Python {codes[first]} : {codes[second]}")
            assert f"{level['revisit'].replace(' ', ' : ')}" in level["consistency"]
            assert limit in level["consistency"]
        else:
            assert level["revisit"] is None, f"{where}: a pair named below the limit"
            assert level["consistency"].endswith(t("calc.consistent", lang).format(limit=limit))
    # the chapter's own functions on the same judgements
    selected = {name: codes for name, codes in members.items() if name != swot.GROUP_LEVEL}
    result = swot.priorities(frame_of(levels), selected, enforce=False)
    for code, value in result.global_.items():
        assert abs(totals["global"][code] - value) <= TOLERANCE, f"{lang}: global priority of {code}"
    for code, value in result.groups.items():
        assert abs(totals["groups"][code] - value) <= TOLERANCE, f"{lang}: group priority of {code}"
    for code, value in swot.measure_scores(chapter["tows"], result.global_).items():
        assert abs(totals["link_sum"][code] - value) <= TOLERANCE, f"{lang}: link-sum of {code}"
    judged = chapter["awot"]
    second = awot.second_stage(judged[judged.item.isin(result.global_.index)], chapter["tows"], result.global_,
                               enforce=False)
    for code, value in second.global_.items():
        assert abs(totals["awot"][code] - value) <= TOLERANCE, f"{lang}: A’WOT priority of {code}"
    # shown as the edition writes numbers (analysis.present.numbers, three places) and
    # ranked from the highest, ties sharing a rank
    ranking, measures = totals["tables"]
    for rank, code, _, local, group, global_ in ranking:
        assert [local, group, global_] == [format_number(value, lang, 3) for value in (
            level_priorities(levels, code[0])[code], totals["groups"][code[0]], totals["global"][code])], code
        assert int(rank) == 1 + sum(value - totals["global"][code] > 1e-12 for value in totals["global"].values())
    in_order = [totals["global"][row[1]] for row in ranking]
    assert all(earlier >= later - 1e-12 for earlier, later in zip(in_order, in_order[1:])), in_order
    assert sorted(row[1] for row in ranking) == sorted(result.global_.index)
    for rank, code, _, awot_text, link_text in measures:
        assert [awot_text, link_text] == [format_number(totals["awot"][code], lang, 3),
                                          format_number(totals["link_sum"][code], lang, 3)], code
        assert int(rank) == 1 + sum(value - totals["awot"][code] > 1e-12 for value in totals["awot"].values())
    in_order = [totals["awot"][row[1]] for row in measures]
    assert all(earlier >= later - 1e-12 for earlier, later in zip(in_order, in_order[1:])), in_order
    assert sorted(row[1] for row in measures) == list(awot.MEASURES)
    decimal, other = (",", ".") if lang in ("kk", "ru") else (".", ",")
    written = [cell for row in ranking + measures for cell in row[3:]] + [text for lv in levels for text in lv["shown"]]
    assert all(decimal in text and other not in text for text in written), written
    return over


def download(page, tmp_path: Path, name: str) -> Path:
    with page.expect_download() as info:
        page.locator(".ahp-calculator button.ahp-download").click()
    target = tmp_path / name
    info.value.save_as(target)
    return target


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_calculator_equals_python_on_three_judgement_sets(watched, served_site, site_dir, chapter, tmp_path, lang):
    data = calculator_file(site_dir, lang)
    page, root = open_calculator(watched, served_site, lang)
    controls = {(level["level"], p["first"], p["second"]) for level in data["levels"] for p in level["pairs"]}
    assert root.locator("select").count() == len(controls) == 24

    # 1. the book's judgements, as the page starts
    book = file_judgements(judgement_file.BOOK_FILE)
    levels = root.evaluate(READ_LEVELS)
    assert {(level["level"], a, b): v for level in levels for a, b, v in level["judgements"]} == book
    assert check_against_python(levels, root.evaluate(READ_TOTALS), data, chapter, lang) == []
    saved = download(page, tmp_path, "book.csv")
    frame = judgement_file.read_checked(saved)
    assert list(frame.judgement) == list(judgement_file.read(judgement_file.BOOK_FILE).judgement)
    assert list(frame.reason_en) == list(judgement_file.read(judgement_file.BOOK_FILE).reason_en)

    # 2. a changed set within the limit: the worked example of another reader
    changed = oriented(file_judgements(ALTERNATIVE), controls)
    set_judgements(page, changed)
    levels = root.evaluate(READ_LEVELS)
    assert {(level["level"], a, b): v for level in levels for a, b, v in level["judgements"]} == changed
    assert any(level["consistency_ratio"] > 0.001 for level in levels)  # not a trivially consistent set
    assert check_against_python(levels, root.evaluate(READ_TOTALS), data, chapter, lang) == []
    saved = download(page, tmp_path, "changed.csv")
    frame = judgement_file.read_checked(saved)
    assert {(row.level, row.first, row.second): row.judgement for row in frame.itertuples()} == changed
    moved = frame[[changed[key] != book[key] for key in zip(frame.level, frame["first"], frame["second"])]]
    assert len(moved) > 0
    for row in moved.itertuples():
        reasons = {name: getattr(row, name) for name in judgement_file.REASONS}
        assert reasons.pop(f"reason_{lang}") == t("calc.changed_reason", lang).format(
            book=book[row.level, row.first, row.second])
        assert set(reasons.values()) == {""}  # the book's reasons are not kept for a judgement they no longer explain
    assert page.locator(".ahp-refused").inner_text() == ""

    # 3. an inconsistent set: the levels above the limit name the pair Python names
    set_judgements(page, INCONSISTENT)
    levels = root.evaluate(READ_LEVELS)
    over = check_against_python(levels, root.evaluate(READ_TOTALS), data, chapter, lang)
    assert over == ["S", "W", "groups"], over
    strengths = [member["code"] for member in data["levels"][0]["members"]]
    named = next(level["revisit"] for level in levels if level["level"] == "S")
    assert set(named.split()) == set(strengths[:2])  # three equal departures: the matrix's first pair
    status = page.locator(".ahp-status")
    assert status.get_attribute("role") == "status"
    assert t("calc.status", lang).format(ok=2, total=5) in status.inner_text()
    limit = format_number(ahp.CONSISTENCY_LIMIT, lang, 2)
    assert page.locator(".ahp-refused").inner_text() == t("calc.download_refused", lang).format(limit=limit)
    saved = download(page, tmp_path, "inconsistent.csv")
    judgement_file.read(saved)  # a well-formed file ...
    with pytest.raises(judgement_file.JudgementError) as refused:  # ... that the chapter refuses for its first level
        judgement_file.read_checked(saved)
    assert refused.value.key == "inconsistent" and refused.value.values["level"] == "S"

    # 4. back to the book's judgements
    page.locator(".ahp-calculator button.ahp-reset").click()
    levels = root.evaluate(READ_LEVELS)
    assert {(level["level"], a, b): v for level in levels for a, b, v in level["judgements"]} == book
    assert all(level["revisit"] is None for level in levels)
    watched.assert_clean(f"{lang}/{PAGE}")


def test_keyboard_changes_a_judgement_and_axe_finds_nothing_serious_in_either_mode(watched, served_site):
    page, root = open_calculator(watched, served_site, "kk")
    first = root.locator("select").first
    label = root.locator(f"label[for='{first.get_attribute('id')}']")
    assert label.count() == 1 and label.inner_text().strip()
    first.focus()
    page.keyboard.press("End")  # the last step of the scale: 9
    assert first.evaluate("s => s.value") == "9"
    level = first.evaluate("s => s.closest('fieldset').dataset.level")
    priorities = json.loads(root.locator(f"fieldset[data-level='{level}']").get_attribute("data-priorities"))
    assert max(priorities.values()) > 0.5
    set_judgements(page, INCONSISTENT)  # the warnings shown too
    watched.assert_clean("kk calculator, keyboard")  # before axe, whose stylesheet checks request files
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        violations = Axe().run(page).response["violations"]
        serious = [f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes'][:3]]}"
                   for v in violations if v["impact"] in {"serious", "critical"}]
        assert not serious, f"{scheme}: {serious}"


def test_without_scripts_the_page_says_what_the_calculator_needs(browser, served_site):
    context = new_context(browser, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(urljoin(served_site, f"ru/{PAGE}"))
        assert page.locator(".ahp-calculator select").count() == 0
        assert t("calc.noscript", "ru") in page.locator(".ahp-calculator").inner_text()
    finally:
        context.close()
