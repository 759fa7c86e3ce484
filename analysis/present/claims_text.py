"""The claims ledger as the reader sees it: each verdict's one-line reason in the
edition's language, and the conclusions page's statements, sorted into sections by
their verdicts.

The reasons quote the values :mod:`analysis.measures.claims` returns; the statements'
texts are data (``data/reference/conclusions.csv``), each decided by the verdict of one
claim of the ledger.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from babel.lists import format_list

from analysis.errors import DataError
from analysis.measures import claims
from analysis.paths import DATA_DIR
from analysis.present.i18n import (countries_clause, country_name, country_name_in_text, format_date, format_number,
                                   format_percent, format_quantity, plural, t)
from analysis.present.swot_figures import value_text

CONCLUSIONS_FILE = DATA_DIR / "reference" / "conclusions.csv"
LANGS = ("kk", "en", "ru")
TEXTS = [f"{part}_{lang}" for part in ("lead", "text") for lang in LANGS]
# The conclusions page's sections, in the page's order, one per verdict
SECTIONS = ("consistent", "inconsistent", "ambiguous", "not_testable")
# What a statement's text may name: the claim's wording, the verdict and its reason
# (``{doc}`x``` and other MyST roles are followed by a backtick and left alone).
FIELDS = ("wording", "verdict", "reason")
PLACEHOLDER = re.compile(r"\{(\w+)\}(?!`)")


def _countries(codes, lang: str) -> str:
    return format_list([country_name_in_text(code, lang) for code in codes], locale=lang)


def reason(row, lang: str) -> str:
    """The one-line reason for a ledger row's verdict, with the values its test measured."""
    v = row["values"]
    pct = lambda value, decimals=1: format_percent(value, lang, decimals)  # noqa: E731
    num = lambda value, decimals=1: format_number(value, lang, decimals)  # noqa: E731
    if row["verdict"] == "not_testable":
        data = row[f"data_needed_{lang}"]
        if not data:  # a testable claim whose values are missing from the extract
            return t("claims.reason.missing_values", lang)
        return t("claims.reason.no_data", lang, data=data[0].lower() + data[1:])
    key = f"claims.reason.{row['id']}"
    if row["id"] == "C1":
        return t(key, lang, members_in_extract=v["members_in_extract"], members=v["members"],
                 share=pct(v["share"]), year=v["year"])
    if row["id"] == "C2":
        return t(key, lang, partners=v["partners"], ratio=num(v["ratio"], 2), start=v["start"],
                 last=v["last"], horizon=v["horizon"], needed=pct(v["needed_growth"]))
    if row["id"] == "C4a":
        return t(key, lang, at_source=v["at_source"], at_paper=v["at_paper"],
                 source_date=format_date(claims.SOURCE_DATE, lang, "locative"),
                 paper_date=format_date(claims.PAPER_DATE, lang, "locative"),
                 reached=pd.Timestamp(v["reached"]).year)
    if row["id"] == "C4b":
        return t(key, lang, year=v["year"], members_in_extract=v["members_in_extract"],
                 gdp=num(v["gdp_trn"]), trade=pct(v["trade_share"]))
    if row["id"] == "C5":
        km = lambda value: format_quantity(value, "km", lang)  # noqa: E731
        return t(key, lang, via=km(v["via_places_km"]), direct=km(v["direct_km"]), paper=km(v["paper_km"]))
    if row["id"] == "C6":
        return t(key, lang, year=v["year"], top=_countries(v["top"], lang), spread=num(v["spread"]))
    if row["id"] == "C7":
        borders = lambda n: plural(int(n), "count.customs_borders_crossed", lang, words=True,  # noqa: E731
                                   gender="f", case="accusative")
        return t(key, lang, central=borders(v["central"]), southern=borders(v["southern"]), caspian=borders(v["traceca"]))
    if row["id"] == "W1":
        return t(key, lang, above=v["above"], countries=v["countries"], world=pct(v["world"]),
                 years=f"{v['first']}–{v['last']}",
                 without=countries_clause("claims.reason.W1_without", v["without"], lang))
    if row["id"] == "W8":
        return t(key, lang, agreements=plural(int(v["agreements"]), "count.agreements_in_force_of", lang),
                 bilateral=v["bilateral"], share=pct(v["share"], 0))
    if row["id"] == "T3":
        return t(key, lang, china=value_text(v["china"], "points", lang), west=value_text(v["west"], "points", lang),
                 west_members=_countries(v["west_members"], lang),
                 early_span=f"{v['early_from']}–{v['early_to']}", late_span=f"{v['late_from']}–{v['late_to']}")
    if row["id"] == "T3-2020":
        fall_year, rebound_year = v["left_out"]
        return t(key, lang, china=value_text(v["china"], "points", lang), west=value_text(v["west"], "points", lang),
                 west_members=_countries(v["west_members"], lang), fall_year=fall_year, rebound_year=rebound_year,
                 early_span=f"{v['early_from']}–{v['early_to']}", late_span=f"{v['late_from']}–{v['late_to']}")
    if row["id"] == "T5-2020":
        return t(key, lang, span=f"{v['first']}–{v['last']}", depreciation=pct(v["largest_depreciation"]),
                 currency=t(f"after_2020.major_currency.{v['largest_currency']}", lang),
                 inflation_years=v["inflation_years"], years=v["years"], peak=pct(v["peak_inflation"]),
                 depreciation_bar=pct(v["depreciation_above"], 0), inflation_bar=pct(v["inflation_above"], 0),
                 peak_year=v["peak_year"])
    raise KeyError(f"no reason template for claim {row['id']}")


def load_statements(path: Path = CONCLUSIONS_FILE, claim_ids: set[str] | None = None) -> pd.DataFrame:
    """The conclusions page's statements, checked: unique ids, each decided by one claim
    of the ledger, every claim of the ledger stated once, a lead and a text in every
    language, and texts that name only the fields the page fills in."""
    claim_ids = set(claims.load_claims().id) if claim_ids is None else claim_ids
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ["id", "decided_by"] + TEXTS if c not in table.columns]
    if missing:
        raise DataError(path, f"missing columns {missing}", field=missing[0])
    seen, decided = set(), set()
    for index, row in table.iterrows():
        line = index + 2
        if not row["id"] or row["id"] in seen:
            raise DataError(path, f"statement id {row['id']!r} is empty or repeated", row=line, field="id")
        seen.add(row["id"])
        if row["decided_by"] not in claim_ids:
            raise DataError(path, f"{row['decided_by']!r} is not a claim of the ledger", row=line, field="decided_by")
        if row["decided_by"] in decided:
            raise DataError(path, f"claim {row['decided_by']} decides two statements", row=line, field="decided_by")
        decided.add(row["decided_by"])
        for column in TEXTS:
            if not row[column].strip():
                raise DataError(path, "empty text", row=line, field=column)
        for lang in LANGS:
            unknown = sorted(set(PLACEHOLDER.findall(row[f"text_{lang}"])) - set(FIELDS))
            if unknown:
                raise DataError(path, f"the text names fields the page does not fill: {unknown}",
                                row=line, field=f"text_{lang}")
    unstated = sorted(claim_ids - decided)
    if unstated:
        raise DataError(path, f"claims {unstated} of the ledger have no statement", field="decided_by")
    return table


def quoted_claim(wording: str, lang: str) -> str:
    """The paper's words as a quotation after a colon: «Жобаға … қатысады». in kk and ru (quotes
    inside become „…“), “…”. in English; the sentence's full stop goes after the quotes."""
    text = wording.strip().removesuffix(".")
    if lang == "en":
        return f"“{text}”."
    return "«" + text.replace("«", "„").replace("»", "“") + "»."


CLOSING_REFERENCE = re.compile(r"\.\s+(\(\{doc\}`[^`]+`\))\s*$")


def statement_markdown(statement, ledger_row, lang: str) -> str:
    """One statement as a paragraph: its lead in bold, then its text with the claim's
    wording, the ledger's verdict and the verdict's reason filled in."""
    verdict = t(f"conclusions.verdict_sentence.{ledger_row['verdict']}", lang, claim=ledger_row["id"],
                verdict=t(f"claims.verdict.{ledger_row['verdict']}", lang))
    fill = {"wording": quoted_claim(ledger_row[f"wording_{lang}"], lang), "verdict": verdict,
            "reason": reason(ledger_row, lang)}
    text = PLACEHOLDER.sub(lambda match: fill[match.group(1)], statement[f"text_{lang}"])
    # a closing cross-reference in brackets belongs to the sentence before it: «... деректері
    # («Қызметтер ...»).», not «... деректері). («Қызметтер ...»)»
    text = CLOSING_REFERENCE.sub(r" \1.", text)
    return f"**{statement[f'lead_{lang}']}** {text}"


def section_markdown(section: str, statements: pd.DataFrame, ledger: pd.DataFrame, lang: str) -> str:
    """The statements whose deciding claim has verdict ``section``, in the file's order,
    one paragraph each; a sentence saying so when there are none."""
    by_id = ledger.set_index("id", drop=False)
    paragraphs = [statement_markdown(s, by_id.loc[s["decided_by"]], lang)
                  for _, s in statements.iterrows() if by_id.loc[s["decided_by"], "verdict"] == section]
    return "\n\n".join(paragraphs) if paragraphs else t("conclusions.empty", lang)


def sections(statements: pd.DataFrame, ledger: pd.DataFrame) -> dict[str, list[str]]:
    """Which statements stand in which section: verdict -> statement ids, in order."""
    verdicts = ledger.set_index("id").verdict
    return {section: [s for s, c in zip(statements.id, statements.decided_by) if verdicts[c] == section]
            for section in SECTIONS}
