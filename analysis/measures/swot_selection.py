"""Which SWOT items are ranked, the judgements the evidence supports, and the rankings
under each structural choice.

:func:`select_items` is the one selection rule of the chapter, a function of the data
files applied alike in every group; :func:`rule_judgements` writes the judgements
between the selected items by a rule stated before any result (the book's
``swot_judgements.csv`` is its output); :func:`structural_rankings` repeats the item
and measure rankings under each structural choice, so that what the selection and the
counting of shared evidence decide can be seen apart from noise in the judgements.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import DataError
from analysis.measures import ahp as ahp_method
from analysis.measures.swot import (GROUP_LEVEL, GROUPS, LANGUAGES, MAX_RANKED, MIN_RANKED, Finding, SwotTable,
                                    load_items, measure_scores, measures_per_item, priorities)

FILLS = ("rule", "none", "earlier_edition")
EARLIER_ADDITIONS = {"S": ["S5", "S8"]}   # the first edition's additions by hand, kept only to show their effect
VERDICT_ORDER = {"supported": 0, "mixed": 1, "no_data": 2}


def select_items(table: SwotTable, assessment: pd.DataFrame, tows: pd.DataFrame, *, dedup: bool = True,
                 fill: str = "rule") -> dict:
    """The items each group ranks, and why each other item is not: one rule of the
    data files, the same in every group.

    Candidates are the group's items that are not contradicted and, with ``dedup``,
    do not reuse another item's evidence (``shares_evidence_with``: the evidence counts
    once, for the item it belongs to). They are ordered by verdict (supported, mixed,
    no data), then by how many of the measures M1-M7 address them (more first), then
    by the table's order. The first four items with evidence are ranked; a group with
    fewer than three is completed to three by the next candidates in the same order,
    which are items without data (``fill`` "rule"). Two variants exist only to show
    what the rule decides: ``fill`` "none" completes nothing, "earlier_edition" completes
    with the items the first edition added by hand (S5 and S8)."""
    if fill not in FILLS:
        raise ValueError(f"fill must be one of {FILLS}")
    links = measures_per_item(tows)
    verdict_of = assessment.set_index("code").verdict
    selected, not_ranked = {}, {}
    for group in GROUPS:
        codes = [code for code in table.items if table.items[code].group == group]
        reused = {code for code in codes if dedup and table.items[code].shares_evidence_with}
        candidates = sorted((code for code in codes if verdict_of[code] != "contradicted" and code not in reused),
                            key=lambda code: (VERDICT_ORDER[verdict_of[code]], -links.get(code, 0), codes.index(code)))
        chosen = [code for code in candidates if verdict_of[code] != "no_data"][:MAX_RANKED]
        if len(chosen) < MIN_RANKED and fill != "none":
            extra = (EARLIER_ADDITIONS.get(group) if fill == "earlier_edition" else None) or [
                code for code in candidates if verdict_of[code] == "no_data"]
            chosen += [code for code in extra if code not in chosen][:MIN_RANKED - len(chosen)]
        selected[group] = chosen
        for code in codes:
            if code not in chosen:
                not_ranked[code] = ("contradicted" if verdict_of[code] == "contradicted"
                                    else "shares_evidence" if code in reused
                                    else "beyond_limit" if verdict_of[code] != "no_data" else "no_data")
    return {"selected": selected, "not_ranked": not_ranked}


def ranked_items(assessment: pd.DataFrame, judgements: pd.DataFrame, tows: pd.DataFrame,
                 path: Path | str = "judgements", table: SwotTable | None = None) -> dict:
    """The items :func:`select_items` ranks, with the check that the judgements file
    compares exactly those items in each group."""
    chosen = select_items(table or load_items(), assessment, tows)
    for group, codes in chosen["selected"].items():
        judged = set(judgements.loc[judgements.level == group, ["first", "second"]].to_numpy().ravel())
        if judged != set(codes):
            raise DataError(path, f"group {group}: the selection rule ranks {codes}, but the file compares "
                            f"{sorted(judged)}", field="first")
    return chosen


# --------------------------------------------------------------------------- judgements by rule

def nearest_step(ratio: float) -> float:
    """The step of Saaty's scale (1-9 or a reciprocal) nearest to a ratio: 1.45 -> 1,
    1.5 -> 2, 1/1.6 -> 1/2."""
    up = ratio >= 1
    step = min(9, max(1, int(np.floor((ratio if up else 1 / ratio) + 0.5))))
    return float(step) if up else 1.0 / step


def prevalence(table: SwotTable, findings: dict[str, Finding], code: str) -> float | None:
    """The share of countries for which the item holds, when its statistic is one
    share of counted units (the share family); otherwise none."""
    item = table.items[code]
    if item.evidence is None or item.evidence.rule.family != "share" or code not in findings:
        return None
    values = findings[code].values
    return float(next(iter(values.values()))) if len(values) == 1 else None


RULE_REASONS = {   # short: the chapter states the whole rule once, above the table
    "prevalence": {
        "kk": "Таралуы: {{{first}}} және {{{second}}}; қатынасы Саати шкаласының ең жақын сатысына дейін дөңгелектенді",
        "en": "Prevalence {{{first}}} against {{{second}}}; the ratio rounded to the nearest step of Saaty's scale",
        "ru": "Распространённость {{{first}}} против {{{second}}}; отношение округлено до ближайшей ступени шкалы Саати"},
    "equal": {
        "kk": "Ортақ таралу өлшемі жоқ: тең",
        "en": "No common measure of prevalence: equal",
        "ru": "Нет общей меры распространённости: равнозначны"},
    "groups": {
        "kk": "Тармақтар саны маңыздылықты емес, деректердің қамтуын көрсетеді: тең",
        "en": "Item counts show what the data cover, not what matters: equal",
        "ru": "Число пунктов показывает охват данных, а не важность: равнозначны"},
}


def rule_judgements(table: SwotTable, findings: dict[str, Finding], selected: dict[str, list[str]]) -> pd.DataFrame:
    """The judgements the evidence supports, by one rule written down before any result.

    Within a group, two items that both have a prevalence (:func:`prevalence`) are
    judged by the ratio of their prevalences, rounded to the nearest step of Saaty's
    scale; every other pair is judged equal, so that neither having data nor the kind
    of statistic raises an item's importance. The four groups are judged equal: how
    many items the data support reflects what the data cover. Same columns as a
    judgements file."""
    rows = []
    for group in GROUPS:
        for first, second in itertools.combinations(selected[group], 2):
            a, b = prevalence(table, findings, first), prevalence(table, findings, second)
            kind = "prevalence" if a and b else "equal"
            value = nearest_step(a / b) if kind == "prevalence" else 1.0
            rows.append({"level": group, "first": first, "second": second, "judgement": ahp_method.judgement_text(value),
                         **{f"reason_{lang}": RULE_REASONS[kind][lang].format(first=first, second=second)
                            for lang in LANGUAGES}})
    for first, second in itertools.combinations(GROUPS, 2):
        rows.append({"level": GROUP_LEVEL, "first": first, "second": second, "judgement": "1",
                     **{f"reason_{lang}": RULE_REASONS["groups"][lang] for lang in LANGUAGES}})
    frame = pd.DataFrame(rows)
    return frame.assign(value=[float(ahp_method.parse_judgement(text)) for text in frame.judgement],
                        line=range(2, len(frame) + 2))


# --------------------------------------------------------------------------- structural choices

STRUCTURES = [(fill, dedup) for fill in FILLS for dedup in (True, False)]


def structural_rankings(table: SwotTable, assessment: pd.DataFrame, findings: dict[str, Finding],
                        tows: pd.DataFrame, awot_judgements: pd.DataFrame) -> pd.DataFrame:
    """The item and measure rankings under each structural choice: how the groups
    are completed (:data:`FILLS`) and whether evidence shared by two items counts once.
    Every variant uses the judgements of :func:`rule_judgements`, so that only the
    structure differs; the A’WOT judgements file is read for the items each variant
    ranks. One row per variant: the selection, the item priorities, the link-sum and
    A’WOT measure scores (each a Series)."""
    from analysis.measures import awot

    rows = []
    for fill, dedup in STRUCTURES:
        chosen = select_items(table, assessment, tows, dedup=dedup, fill=fill)
        result = priorities(rule_judgements(table, findings, chosen["selected"]), chosen["selected"])
        ranked = list(result.global_.index)
        second = awot.second_stage(awot_judgements[awot_judgements.item.isin(ranked)], tows, result.global_)
        rows.append({"fill": fill, "dedup": dedup, "selected": chosen["selected"],
                     "items": result.global_.sort_values(ascending=False, kind="stable"),
                     "link_sum": measure_scores(tows, result.global_), "awot": second.global_})
    return pd.DataFrame(rows)
