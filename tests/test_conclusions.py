"""The conclusions page: statements as data, each standing under the heading of its
claim's verdict, in the code and on the built pages of every edition."""
from __future__ import annotations

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from analysis.errors import DataError
from analysis.measures import claims
from analysis.present import claims_text
from analysis.present.i18n import t

LANGS = ("kk", "en", "ru")


def hand_ledger(verdicts: dict[str, str]) -> pd.DataFrame:
    """A ledger of claims whose tests are not run: only the verdict decides the section."""
    table = claims.load_claims().set_index("id", drop=False).loc[list(verdicts)]
    return table.assign(verdict=[verdicts[i] for i in table.id], values=[{} for _ in table.id])


def test_statements_file_covers_every_claim_once():
    statements = claims_text.load_statements()
    assert sorted(statements.decided_by) == sorted(claims.load_claims().id)
    assert statements.id.is_unique


def test_a_change_of_verdict_moves_the_statement():
    statements = claims_text.load_statements()
    verdicts = dict.fromkeys(claims.load_claims().id, "not_testable")
    ledger = hand_ledger(verdicts)
    assert claims_text.sections(statements, ledger)["not_testable"] == list(statements.id)
    verdicts["T3"] = "consistent"
    verdicts["C6"] = "ambiguous"
    placed = claims_text.sections(statements, hand_ledger(verdicts))
    assert placed["consistent"] == ["slowdown"] and placed["ambiguous"] == ["development_levels"]
    assert placed["inconsistent"] == []
    assert "slowdown" not in placed["not_testable"]


def test_a_section_lists_its_statements_in_the_files_order_or_says_it_is_empty():
    statements = claims_text.load_statements()
    ledger = hand_ledger(dict.fromkeys(claims.load_claims().id, "not_testable"))
    body = claims_text.section_markdown("not_testable", statements, ledger, "en")
    leads = [f"**{lead}**" for lead in statements.lead_en]
    assert [body.index(lead) for lead in leads] == sorted(body.index(lead) for lead in leads)
    assert "The ledger finds the claim not testable with open data (C1)." in body
    assert "The extract lacks some of the values this test needs." in body
    for lang in LANGS:
        assert claims_text.section_markdown("consistent", statements, ledger, lang) == t("conclusions.empty", lang)


@pytest.mark.parametrize(("lang", "wording", "expected"), [
    ("ru", "В проекте участвуют пятьдесят восемь стран.", "«В проекте участвуют пятьдесят восемь стран»."),
    ("kk", "«Бір белдеу, бір жол» бастамасы.", "«„Бір белдеу, бір жол“ бастамасы»."),
    ("en", "Fifty-eight countries take part.", "“Fifty-eight countries take part”."),
])
def test_the_paper_s_words_are_quoted_with_the_full_stop_after_the_quotes(lang, wording, expected):
    assert claims_text.quoted_claim(wording, lang) == expected


def test_a_statement_fills_in_the_claims_wording_verdict_and_reason():
    from analysis.data.load import load_extract

    ledger = claims.ledger(load_extract()).set_index("id", drop=False)
    statement = claims_text.load_statements().set_index("decided_by").loc["C7"]
    text = claims_text.statement_markdown(statement, ledger.loc["C7"], "en")
    assert text.startswith("**The central corridor’s single customs zone.** The paper’s argument for the central "
                           "corridor: “The central corridor of the Silk Road Economic Belt")
    assert "The ledger finds the claim consistent (C7)." in text
    assert "Goods cross one customs border on the central corridor" in text
    assert "{doc}`routes`" in text and "{wording}" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_a_closing_cross_reference_stands_inside_the_last_sentence(lang):
    statements = claims_text.load_statements().set_index("decided_by")
    ledger = hand_ledger({"W5": "not_testable", "E1": "not_testable"})
    for claim in ("W5", "E1"):
        text = claims_text.statement_markdown(statements.loc[claim], ledger.loc[claim], lang)
        assert ". ({doc}" not in text, text
        if "({doc}`services_environment_security`)" in text:
            assert text.endswith(" ({doc}`services_environment_security`)."), text


@pytest.mark.parametrize(("column", "value", "message"), [
    ("decided_by", "C99", "not a claim of the ledger"),
    ("decided_by", "C1", "decides two statements"),
    ("id", "world_output", "empty or repeated"),
    ("text_ru", "{wording} {verdict} {number}", "number"),
    ("lead_kk", "", "empty text"),
])
def test_bad_statements_are_named_by_file_row_and_field(tmp_path, column, value, message):
    table = claims_text.load_statements()
    row = int(table.index[table.id == "trade_doubling"][0])
    table.loc[row, column] = value
    path = tmp_path / "conclusions.csv"
    table.to_csv(path, index=False)
    with pytest.raises(DataError, match=message) as error:
        claims_text.load_statements(path)
    assert (error.value.row, error.value.field) == (row + 2, column)


def test_a_claim_without_a_statement_is_refused(tmp_path):
    table = claims_text.load_statements()
    path = tmp_path / "conclusions.csv"
    table[table.decided_by != "H1"].to_csv(path, index=False)
    with pytest.raises(DataError, match="H1"):
        claims_text.load_statements(path)


def plain(text: str) -> str:
    """Text as typed: Sphinx turns straight apostrophes into typographic ones."""
    return text.replace("\u2019", "'")


@pytest.mark.parametrize("lang", LANGS)
def test_built_page_puts_every_statement_under_its_verdicts_heading(site_dir, lang):
    """On the built page of each edition, each statement's lead stands in the section whose
    heading names its claim's verdict, and in no other."""
    from analysis.data.load import load_extract

    page = site_dir / lang / "chapters" / "conclusions.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    ledger = claims.ledger(load_extract()).set_index("id").verdict
    statements = claims_text.load_statements()
    found = {}
    for section in claims_text.SECTIONS:
        label = soup.find(id=f"conclusions-{section.replace('_', '-')}")  # the section's label
        assert label is not None, section
        # the label is the section's id, or a marker inside the section, as Sphinx chooses
        block = label if label.name == "section" else label.find_parent("section")
        heading = block.find("h2").get_text(" ", strip=True).rstrip("#").strip()
        assert heading == t(f"conclusions.section.{section}", lang)
        leads = {plain(strong.get_text(" ", strip=True)) for strong in block.find_all("strong")}
        for statement in statements.itertuples():
            if plain(getattr(statement, f"lead_{lang}")) in leads:
                found.setdefault(statement.id, []).append(section)
    expected = {s.id: [ledger[s.decided_by]] for s in statements.itertuples()}
    assert found == expected


@pytest.mark.parametrize(("without", "said"), [
    ([], {"en": "Every country the SWOT chapter names has the data."}),
    (["TKM"], {"en": "Turkmenistan is not counted: it has no data for these years.",
               "kk": "Түрікменстан\u00a0— бұл жылдар бойынша деректері болмағандықтан саналмайды.",
               "ru": "Туркменистан\u00a0— не учитывается"}),
    (["TKM", "AFG"], {"en": "Turkmenistan and Afghanistan are not counted"}),
])
def test_the_raw_material_reason_says_which_countries_have_no_data(without, said):
    """The SWOT table names its whole scope (18 countries), the ledger counts those with
    data (17): the reason says which ones are left out, worded for none, one or several."""
    row = {"id": "W1", "verdict": "consistent",
           "values": {"above": 11, "countries": 17, "world": 0.15, "first": 2016, "last": 2020, "without": without}}
    for lang, text in said.items():
        assert text in claims_text.reason(row, lang)
