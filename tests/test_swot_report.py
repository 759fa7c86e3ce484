"""``make swot``: a reader's judgements checked before anything runs, every bad file one
message (file, row, field, the value found, what is allowed) in the edition's language
with a non-zero exit status and no traceback; a good file gives a standalone page with
every number, table and figure, and the terminal shows the top items and the
consistency ratios."""
from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.measures import judgement_file
from analysis.paths import DATA_DIR, REPO

BOOK = DATA_DIR / "reference" / "swot_judgements.csv"
ALTERNATIVE = DATA_DIR / "reference" / "swot_judgements_alternative.csv"


def rows() -> list[list[str]]:
    return list(csv.reader(BOOK.read_text(encoding="utf-8").splitlines()))


def write(path: Path, table: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(table)
    return path


def command(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tooling.swot_report", *args], cwd=REPO, capture_output=True,
                          text=True, env={**os.environ, "PYTHONWARNINGS": "default"}, **kwargs)


def _changed(table, row, column, value):
    table = [list(line) for line in table]
    table[row][column] = value
    return table


# Each bad kind of file: how to make it, the edition asked for, and what the one message
# must say (file name, row, field, the value found, what is allowed) in that language.
BAD = {
    "judgement of 12": (lambda: _changed(rows(), 1, 3, "12"), "en",
                        [r"file \S*bad\.csv, row 2, field \"judgement\": found \"12\"", r"Saaty’s scale",
                         r"1 to 9", r"1/2 to 1/9"]),
    "unknown item S99": (lambda: _changed(rows(), 1, 1, "S99"), "ru",
                         [r"файл \S*bad\.csv, строка 2, поле «first»: неизвестный код пункта S99",
                          r"пункты группы S: S1–S9"]),
    "missing pair": (lambda: rows()[:2] + rows()[3:], "kk",
                     [r"\S*bad\.csv файлы, «first, second» өрісі: S деңгейіндегі S2–S3 жұбы бағаланбаған",
                      r"S1, S2, S3"]),
    "duplicate pair": (lambda: rows()[:5] + [rows()[2]] + rows()[5:], "en",
                       [r"bad\.csv, row 6, field \"first\": the pair S3–S2 of level S is judged a second time "
                        r"\(first in row 3\)"]),
    "no reason at all": (lambda: _changed(_changed(_changed(rows(), 4, 4, ""), 4, 5, ""), 4, 6, ""), "ru",
                         [r"строка 5, поле «reason_kk, reason_en, reason_ru»: у оценки нет обоснования"]),
    "item of another group": (lambda: _changed(rows(), 1, 2, "W5"), "en",
                              [r"row 2, field \"second\": W5 is an item of group W, not of group S",
                               r"S1, S2, S3, S4, S5, S6, S7, S8, S9"]),
    "item the book does not rank": (lambda: _changed(rows(), 1, 2, "S5"), "en",
                                    [r"row 2, field \"second\": S5 is not among the items the book ranks in group S; "
                                     r"the file compares exactly S1, S2, S3"]),
    "unknown level": (lambda: _changed(rows(), 1, 0, "X"), "kk",
                      [r"2-жол, «level» өрісі: табылған мән\u00a0— «X»", r"S, W, O, T, groups"]),
    "inconsistent": (lambda: _changed(_changed(_changed(rows(), 1, 3, "9"), 2, 3, "1/9"), 3, 3, "9"), "en",
                     [r"row \d, field \"judgement\": the judgements of level S contradict each other: "
                      r"the consistency ratio is \d\.\d{3}, above the limit of 0\.10; revisit S\d : S\d"]),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_a_bad_file_is_one_message_naming_file_row_field_value_and_what_is_allowed(tmp_path, kind):
    make, lang, expected = BAD[kind]
    path = write(tmp_path / "bad.csv", make())
    result = command(str(path), "--edition", lang, "--output", str(tmp_path / "out"))
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr  # one line
    assert "Traceback" not in result.stderr + result.stdout and "Warning" not in result.stderr
    for pattern in expected:
        assert re.search(pattern, result.stderr), (pattern, result.stderr)
    assert not (tmp_path / "out").exists()  # nothing ran


def test_a_semicolon_separated_file_with_a_byte_order_mark_is_read_as_the_same_judgements(tmp_path):
    excel = write(tmp_path / "excel.csv", rows(), delimiter=";", encoding="utf-8-sig")
    assert excel.read_bytes().startswith(b"\xef\xbb\xbf")
    read = judgement_file.read(excel)
    assert read.equals(judgement_file.read(BOOK))
    # and with a bad value it still names the field, instead of failing on the separator
    bad = write(tmp_path / "bad.csv", _changed(rows(), 3, 3, "10"), delimiter=";", encoding="utf-8-sig")
    with pytest.raises(judgement_file.JudgementError, match=r"row 4, field 'judgement'") as error:
        judgement_file.read(bad)
    assert error.value.values == {"value": "10"}


def test_reasons_in_one_language_are_enough(tmp_path):
    english_only = [[cell for index, cell in enumerate(line) if index not in (4, 6)] for line in rows()]
    frame = judgement_file.read_checked(write(tmp_path / "mine.csv", english_only))
    assert list(frame.reason_kk.unique()) == [""] and frame.reason_en.str.len().min() > 5
    without = [line[:4] for line in rows()]
    with pytest.raises(judgement_file.JudgementError, match=r"row 1: there is no reason column"):
        judgement_file.read(write(tmp_path / "none.csv", without))


def test_a_file_that_is_not_there_or_not_utf8_and_an_unknown_edition(tmp_path):
    result = command(str(tmp_path / "nowhere.csv"), "--edition", "ru")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert re.fullmatch(r"файл \S*nowhere\.csv: такого файла или папки нет; .*\n", result.stderr)
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(BOOK.read_text(encoding="utf-8").replace("prevalence", "prévalence").encode("cp1252", errors="replace"))
    with pytest.raises(judgement_file.JudgementError, match=r"row 2: the file is not UTF-8 text"):
        judgement_file.read(latin1)
    result = command(str(BOOK), "--edition", "de")
    assert result.returncode == 2 and re.fullmatch(r'there is no edition "de"; choose one of kk, en, ru.*\n', result.stderr)
    (tmp_path / "empty").mkdir()
    result = command(str(tmp_path / "empty"), "--edition", "kk")
    assert result.returncode == 2 and "қалтада бағалар файлы (*.csv) жоқ" in result.stderr


def test_the_books_files_are_read_as_before():
    for path in (BOOK, ALTERNATIVE):
        frame = judgement_file.read_checked(path)
        assert len(frame) == 24 and list(frame.line) == list(range(2, 26))
    # the items compared are the selection rule's (a test in test_swot keeps the book's file equal to it)
    assert judgement_file.book_pairs() == {"O": ("O5", "O6", "O11", "O17"), "S": ("S1", "S2", "S3"),
                                           "T": ("T3", "T4", "T6"), "W": ("W1", "W2", "W9", "W10"),
                                           "groups": ("S", "W", "O", "T")}


def test_make_takes_the_edition_and_keeps_the_locale_safe():
    """``LANG=ru`` on make's command line is taken as the edition, and the tool runs under
    a valid locale; ``EDITION`` is the documented way."""
    keep = ["-o", ".venv/.installed", "-o", "node_modules/.package-lock.json"]  # show the recipe only
    dry = lambda *args: subprocess.run(["make", "-n", *keep, "swot", *args], cwd=REPO, capture_output=True,
                                       text=True, check=True).stdout
    assert 'env LANG=C.UTF-8 LC_ALL= .venv/bin/python -m tooling.swot_report "my.csv" --edition "ru"' in dry(
        "JUDGEMENTS=my.csv", "EDITION=ru")
    assert '--edition "kk"' in dry("JUDGEMENTS=my.csv", "LANG=kk")
    assert '--edition "en"' in dry("JUDGEMENTS=my.csv")


@pytest.mark.slow
def test_a_good_folder_of_judges_renders_a_standalone_page_and_prints_the_results(tmp_path):
    """A class of two judges, in Russian: the page holds every figure and table, no
    placeholder, no other language and no external resource; the site is untouched."""
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "anna.csv").write_bytes(BOOK.read_bytes())
    write(folder / "boris.csv", list(csv.reader(ALTERNATIVE.read_text(encoding="utf-8").splitlines())),
          delimiter=";", encoding="utf-8-sig")
    site = REPO / "_build" / "site"
    before = sorted((path, path.stat().st_mtime_ns) for path in site.rglob("*")) if site.exists() else None
    result = command(str(folder), "--edition", "ru", "--output", str(tmp_path / "out"), "--draws", "200",
                     timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr + result.stdout
    out = result.stdout
    assert "Оценки проверены: anna.csv, boris.csv" in out
    top = re.findall(r"^  (\d)\. ([SWOT]\d+) +(0,\d{3})  \S", out, re.M)
    assert [rank for rank, _, _ in top] == ["1", "2", "3", "4", "5"]
    assert top[0][1] == "O6"  # the alternative judge's O6 against the book's equal judgements
    ratios = re.search(r"Отношения согласованности \(предел\u00a0— 0,10\):\n(.*?)\nОтчёт", out, re.S)[1]
    assert len(re.findall(r"^  (S|W|O|T|groups) +(0,\d{3}) +(0,\d{3}) +(0,\d{3})$", ratios, re.M)) == 5
    page = tmp_path / "out" / "swot-ru.html"
    assert f"Отчёт (откройте в браузере): {page}" in out
    text = page.read_text(encoding="utf-8")
    assert text.count("<img") == 4 and text.count('src="data:image/png;base64,') == 4
    assert "{glue" not in text and "{cite" not in text and "papermill.record" not in text
    assert "SWOT synthesis" not in text and "SWOT синтезі" not in text and "SWOT-синтез" in text
    assert "anna.csv, boris.csv" in text and text.count('class="book-table"') >= 10
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', text), "a resource from the network"
    assert (tmp_path / "out" / "swot-ru_files" / "mathjax" / "tex-chtml.js").is_file()
    # the calculator, with its data in the block and its script in the page (tests/test_site_calculator.py)
    assert text.count('class="ahp-calculator"') == 1 and "data-calculator-payload=" in text
    assert "function mostInconsistentPair" in text
    from tooling import notebook_copy
    import nbformat

    notebook = nbformat.read(tmp_path / "out" / "swot-ru.ipynb", as_version=4)
    assert notebook_copy.leftovers(notebook, "ru") == [] and notebook_copy.images(notebook) == 4
    after = sorted((path, path.stat().st_mtime_ns) for path in site.rglob("*")) if site.exists() else None
    assert after == before


def test_the_readme_lists_the_items_the_book_ranks_and_the_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `first` |"))
    listed = set(re.findall(r"`([SWOT]\d+)`", row))
    ranked = {code for level, codes in judgement_file.book_pairs().items() if level != "groups" for code in codes}
    assert listed == ranked
    swot_section = readme.split("## The SWOT chapter with your own judgements", 1)[1].split("\n## ", 1)[0]
    assert "make swot JUDGEMENTS=" in swot_section and "papermill" not in swot_section
