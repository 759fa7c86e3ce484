"""A change written with the verb its sign calls for: "rose by 5%", "fell by 8%",
never "changed by −8%". The verb agrees with a masculine singular subject in Russian
(импорт, ВВП, курс), which is what the sentences that use it have."""
from __future__ import annotations

import math

from analysis.present.i18n import t
from analysis.present.numbers import format_percent, round_half_up


def moved_by(change: float, lang: str, decimals: int = 0, verbs: str = "change.moved") -> str:
    """``change`` (a share: 0.05 is 5%) as a verb phrase: up, down, or unchanged when
    the change rounds to zero at ``decimals`` places. ``verbs`` names the catalogue's
    set of verbs: ``change.moved`` for amounts (imports "fell by"), ``change.rate`` for
    rates and indices (a rate "снизился", not "сократился")."""
    if change is None or not math.isfinite(change):
        raise ValueError(f"a change to describe must be a finite number, not {change!r}")
    if round_half_up(abs(change) * 100 * 10 ** decimals) == 0:
        return t(f"{verbs}.none", lang)
    key = f"{verbs}.up" if change > 0 else f"{verbs}.down"
    return t(key, lang, value=format_percent(abs(change), lang, decimals))
