"""A change written with the verb its sign calls for: "rose by 5%", "fell by 8%",
never "changed by −8%". The verb agrees with a masculine singular subject in Russian
(импорт, ВВП, курс), which is what the sentences that use it have."""
from __future__ import annotations

import math

from analysis.present.i18n import t
from analysis.present.numbers import format_percent, round_half_up


def direction(change: float, decimals: int = 0) -> str:
    """"up", "down", or "none" when ``change`` (a share: 0.05 is 5%) rounds to zero as a
    percentage with ``decimals`` places."""
    if change is None or not math.isfinite(change):
        raise ValueError(f"a change to describe must be a finite number, not {change!r}")
    if round_half_up(abs(change) * 100 * 10 ** decimals) == 0:
        return "none"
    return "up" if change > 0 else "down"


def by_sign(change: float, lang: str, key: str, decimals: int = 0, **fields) -> str:
    """The catalogue's text ``<key>.up``, ``<key>.down`` or ``<key>.none`` for the
    direction of ``change`` (:func:`direction`), filled with ``fields``: a sentence whose
    verbs ("strengthened", "fared worse") must follow the sign of a number it states."""
    return t(f"{key}.{direction(change, decimals)}", lang, **fields)


def moved_by(change: float, lang: str, decimals: int = 0, verbs: str = "change.moved") -> str:
    """``change`` (a share: 0.05 is 5%) as a verb phrase: up, down, or unchanged when
    the change rounds to zero at ``decimals`` places. ``verbs`` names the catalogue's
    set of verbs: ``change.moved`` for amounts (imports "fell by"), ``change.rate`` for
    rates and indices (a rate "снизился", not "сократился")."""
    return by_sign(change, lang, verbs, decimals, value=format_percent(abs(change), lang, decimals))
