"""The groupings every indicator is computed for, pinned member by member.

A grouping's membership is a choice (see ``data/reference/README.md``); changing it
changes every indicator of that grouping. The members are therefore written out here a
second time, and each one has its reason in ``data/reference/groupings_reasons.csv``:
an edit to ``groupings.csv`` that is not made in all three places fails.
"""
from __future__ import annotations

import pandas as pd

from analysis.data import reference

PINNED = {
    "ca5": "KAZ KGZ TJK TKM UZB",
    "eaeu": "ARM BLR KAZ KGZ RUS",
    "china_ca5": "CHN KAZ KGZ TJK TKM UZB",
    "sreb_central": "BLR CHN KAZ POL RUS",
    "sreb_southern": "CHN IRN KAZ KGZ TKM TUR UZB",
    "traceca": "ARM AZE BGR CHN GEO IRN KAZ KGZ MDA MNG ROU TJK TKM TUR UKR UZB",
    "europe_china_highway": "CHN KAZ RUS",
    "north_south": "AZE IRN KAZ RUS TKM",
    "new_silk_road": ("AFG ARM AZE BGR BLR CHN DEU FRA GEO GRC IRN ITA KAZ KGZ MDA MNG NLD "
                      "PAK POL ROU RUS TJK TKM TUR UKR UZB"),
}


def members(frame: pd.DataFrame) -> dict[str, list[str]]:
    return {name: sorted(group.iso3) for name, group in frame.groupby("grouping", sort=False)}


def test_groupings_have_exactly_the_pinned_members():
    listed = reference.groupings(reference.REFERENCE_DIR)
    assert not listed.duplicated().any(), "a member is listed twice"
    assert members(listed) == {name: codes.split() for name, codes in PINNED.items()}


def test_groupings_keep_their_order():
    # Figures and tables list the groupings, and the countries, in this order.
    assert list(dict.fromkeys(reference.groupings(reference.REFERENCE_DIR).grouping)) == list(PINNED)


def test_every_member_has_a_reason_and_a_source():
    reasons = pd.read_csv(reference.REFERENCE_DIR / "groupings_reasons.csv", dtype=str,
                          keep_default_na=False)
    assert list(reasons.columns) == ["grouping", "iso3", "reason", "source"]
    assert not reasons.duplicated(["grouping", "iso3"]).any()
    assert members(reasons) == members(reference.groupings(reference.REFERENCE_DIR))
    blank = reasons[(reasons.reason.str.strip() == "") | (reasons.source.str.strip() == "")]
    assert blank.empty, blank[["grouping", "iso3"]].to_dict("records")


def test_the_wider_set_is_the_study_countries():
    assert PINNED["new_silk_road"].split() == reference.study_iso3()

