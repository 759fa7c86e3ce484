"""Where each grouping stands on Balassa's ladder of integration, from the WTO table of
regional trade agreements.

Balassa's five stages are a free-trade area, a customs union, a common market, an
economic union and complete integration. The WTO table records whether an agreement
frees goods trade (FTA), adds a common external tariff (CU), covers services (EIA) or
only lowers some tariffs (PSA, partial scope). It can therefore place a pair of
countries at stage 1 or 2, or below stage 1; it cannot tell the higher stages apart,
which depend on the free movement of labour and capital and on common policies.
"""
from __future__ import annotations

from itertools import combinations

import pandas as pd

# Stage reached by an agreement type, on Balassa's numbering (0.5: partial scope only).
STAGE_OF_TYPE = {"PSA": 0.5, "FTA": 1.0, "CU": 2.0}
# Blocs that sign as one party, and the WTO agreement whose signatories are their members.
BLOC_AGREEMENTS = {"EUU": 869, "EEU": 922}


def agreement_stage(agreement_type: str) -> float:
    """Deepest Balassa stage an agreement type implies (``"CU & EIA"`` -> 2); a missing
    type implies none."""
    if not isinstance(agreement_type, str):
        return 0.0
    parts = [part.strip() for part in agreement_type.split("&")]
    return max((STAGE_OF_TYPE.get(part, 0.0) for part in parts), default=0.0)


def expand_blocs(agreements: pd.DataFrame, bloc_agreements: dict[str, int] = BLOC_AGREEMENTS) -> pd.DataFrame:
    """The agreements with each bloc party replaced by the bloc's members, as a set."""
    blocs = {code: set(agreements.loc[agreements.rta_id == rta_id, "signatories"].iloc[0].split(";"))
             for code, rta_id in bloc_agreements.items()}

    def members(signatories: str) -> frozenset:
        parties: set[str] = set()
        for party in signatories.split(";"):
            parties |= blocs.get(party, {party})
        return frozenset(parties)

    return agreements.assign(members=agreements.signatories.map(members))


def pair_stages(agreements: pd.DataFrame, countries: list[str], on: str) -> pd.DataFrame:
    """For every pair of ``countries``, the deepest stage of any agreement in force on
    date ``on`` (ISO date) that both have signed, with that agreement's name."""
    expanded = expand_blocs(agreements)
    date = pd.Timestamp(on)
    entry = pd.to_datetime(expanded.entry_into_force, errors="coerce")
    exit_ = pd.to_datetime(expanded.inactive_date, errors="coerce")
    active = expanded[(entry <= date) & (exit_.isna() | (exit_ > date))]
    active = active.assign(stage=active.type.map(agreement_stage))
    rows = []
    for a, b in combinations(sorted(countries), 2):
        both = active[active.members.map(lambda m: a in m and b in m)]
        if both.empty:
            rows.append({"a": a, "b": b, "stage": 0.0, "agreement": ""})
        else:
            deepest = both.sort_values(["stage", "entry_into_force"], ascending=[False, True]).iloc[0]
            rows.append({"a": a, "b": b, "stage": deepest.stage, "agreement": deepest["name"]})
    return pd.DataFrame(rows)


def grouping_stages(agreements: pd.DataFrame, groupings: pd.DataFrame, on: str) -> pd.DataFrame:
    """Per grouping: the stage all its pairs have reached (the minimum over pairs), the
    deepest stage any pair has reached, and the shares of pairs with at least a
    free-trade area and with a customs union."""
    rows = []
    for name, members in groupings.groupby("grouping", sort=False):
        pairs = pair_stages(agreements, list(members.iso3), on)
        rows.append({"grouping": name, "pairs": len(pairs), "common_stage": pairs.stage.min(),
                     "deepest_stage": pairs.stage.max(), "share_fta_or_deeper": (pairs.stage >= 1).mean(),
                     "share_customs_union": (pairs.stage >= 2).mean()})
    return pd.DataFrame(rows)
