"""The W4 panel's second bar is labelled by the catalogue key ``swot.value.across``: it
must name what the item is compared with. The comparison moved from the European end
points of the routes to the world's export composition; a label still saying "with
Europe" would misread the figure in every edition."""
from __future__ import annotations

import pytest
import yaml

from analysis.measures.swot import ITEMS_FILE
from analysis.present.i18n import t

# What a label for each comparison must contain, and what it must not, per language
NAMES = {"world": {"kk": "әлем", "en": "world", "ru": "миров"}}
OTHER_NAMES = {"europe": {"kk": "Еуроп", "en": "Europe", "ru": "Европ"}}


def _similarity_items():
    items = yaml.safe_load(ITEMS_FILE.read_text(encoding="utf-8"))
    items = items.get("items", items)
    return {code: item["evidence"]["params"]["reference_scope"] for code, item in items.items()
            if isinstance(item, dict) and (item.get("evidence") or {}).get("measure") == "similarity_gap"}


def test_there_is_an_export_similarity_item():
    assert _similarity_items(), "no item is tested with similarity_gap"


@pytest.mark.parametrize("lang", ["kk", "en", "ru"])
def test_across_bar_names_the_comparison_the_item_makes(lang):
    label = t("swot.value.across", lang)
    for code, scope in _similarity_items().items():
        assert scope in NAMES, f"{code}: no expected label wording for comparison {scope!r}"
        assert NAMES[scope][lang].lower() in label.lower(), (code, lang, label)
        for other, words in OTHER_NAMES.items():
            if other != scope:
                assert words[lang].lower() not in label.lower(), (code, lang, label)
