"""One bilateral trade matrix from the two-sided IMF DOTS reports.

Every merchandise flow from country i to country j can be reported twice: by the
exporter i (``flow='exports'``, valued FOB) and by the importer j (``flow='imports'``,
valued CIF, so it includes freight and insurance). Either report can be missing, and
either can be an IMF estimate (an ``"e"`` cell) rather than a national figure.

The rule used here, for each ordered pair (exporter, importer) and year:

1. the exporter's reported exports (FOB), when present and not an estimate;
2. otherwise the importer's reported imports (CIF), when present and not an estimate;
3. otherwise whichever report is present, the exporter's first; the value is then an
   IMF estimate and flagged ``estimate=True``;
4. with neither report present there is no row: the flow counts as zero downstream.

``source`` names the side used (``'exporter'`` or ``'importer'``). No CIF/FOB
conversion is made: an importer-side value keeps its CIF valuation, so it is slightly
larger than the FOB value of the same shipment would be. ``prefer='importer'`` swaps
the order of the two sides in steps 1 to 3 (a sensitivity check).

Country totals (:func:`total_trade`) come from each country's own report against the
partner ``'WLD'``. Mirror data cannot stand in for a missing total (partners' reports
cover only the partners that report), so a missing total stays missing (NaN).

:func:`estimate_share` gives, for any aggregate, the share of its value that rests on
IMF estimates.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

WORLD = "WLD"
FLOW_COLUMNS = ["reporter", "partner", "flow", "year", "value_usd_m", "estimate"]
FLOW_KEY = ["reporter", "partner", "flow", "year"]
BILATERAL_COLUMNS = ["exporter", "importer", "year", "value_usd_m", "source", "estimate"]
TOTAL_COLUMNS = ["iso3", "year", "exports", "imports",
                 "exports_estimate_share", "imports_estimate_share"]


def bilateral_trade(flows: pd.DataFrame, countries: Iterable[str], *,
                    prefer: Literal["exporter", "importer"] = "exporter") -> pd.DataFrame:
    """One value per ordered pair of distinct ``countries`` and year (see the module rule).

    Returns columns ``exporter, importer, year, value_usd_m, source, estimate``, sorted
    by exporter, importer and year. Flows with a partner outside ``countries`` (and the
    ``'WLD'`` totals) are left out.
    """
    if prefer not in ("exporter", "importer"):
        raise ValueError(f"prefer must be 'exporter' or 'importer', not {prefer!r}")
    countries = _countries(countries)
    flows = _checked_flows(flows)
    inside = (flows.reporter.isin(countries) & flows.partner.isin(countries)
              & (flows.reporter != flows.partner) & flows.value_usd_m.notna())
    flows = flows[inside]

    exports = flows[flows.flow == "exports"].rename(columns={
        "reporter": "exporter", "partner": "importer",
        "value_usd_m": "value_exporter", "estimate": "estimate_exporter"})
    imports = flows[flows.flow == "imports"].rename(columns={
        "reporter": "importer", "partner": "exporter",
        "value_usd_m": "value_importer", "estimate": "estimate_importer"})
    key = ["exporter", "importer", "year"]
    both = pd.merge(exports[key + ["value_exporter", "estimate_exporter"]],
                    imports[key + ["value_importer", "estimate_importer"]],
                    on=key, how="outer")

    first, second = ("exporter", "importer") if prefer == "exporter" else ("importer", "exporter")
    has_first = both[f"value_{first}"].notna().to_numpy()
    has_second = both[f"value_{second}"].notna().to_numpy()
    est_first = both[f"estimate_{first}"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    est_second = both[f"estimate_{second}"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    national_first = has_first & ~est_first
    national_second = has_second & ~est_second
    use_first = national_first | (~national_second & has_first)

    result = pd.DataFrame({
        "exporter": both.exporter.to_numpy(),
        "importer": both.importer.to_numpy(),
        "year": both.year.to_numpy(dtype="int64"),
        "value_usd_m": np.where(use_first, both[f"value_{first}"], both[f"value_{second}"]).astype(float),
        "source": np.where(use_first, first, second),
        "estimate": np.where(use_first, est_first, est_second),
    })
    result["source"] = result["source"].astype(str)
    return result.sort_values(key, ignore_index=True)[BILATERAL_COLUMNS]


def total_trade(flows: pd.DataFrame, countries: Iterable[str]) -> pd.DataFrame:
    """Each country's own exports and imports with the world (partner ``'WLD'``).

    Returns columns ``iso3, year, exports, imports, exports_estimate_share,
    imports_estimate_share`` with one row for every country in ``countries`` and every
    year that occurs anywhere in ``flows``; a total the country did not report is NaN,
    and so is its estimate share. For one country-year the estimate share is 1.0 when
    the IMF cell is an estimate and 0.0 otherwise; aggregate it with
    :func:`estimate_share` (weights = the values). ``countries`` may include ``'WLD'``
    itself: ``total_trade(flows, ['WLD'])`` gives world exports and imports.
    """
    countries = list(_countries(countries, allow_world=True))
    flows = _checked_flows(flows)
    own = flows[(flows.partner == WORLD) & flows.reporter.isin(countries) & flows.value_usd_m.notna()]
    result = pd.MultiIndex.from_product(
        [countries, np.sort(flows.year.unique()).astype("int64")], names=["iso3", "year"]
    ).to_frame(index=False)
    for flow in ("exports", "imports"):
        reported = own.loc[own.flow == flow, ["reporter", "year", "value_usd_m", "estimate"]]
        reported = reported.rename(columns={"reporter": "iso3", "value_usd_m": flow,
                                            "estimate": f"{flow}_estimate_share"})
        result = result.merge(reported, on=["iso3", "year"], how="left")
        result[flow] = result[flow].astype(float)
        result[f"{flow}_estimate_share"] = np.where(
            result[flow].notna(),
            result[f"{flow}_estimate_share"].astype("boolean").fillna(False).astype(float),
            np.nan)
    return result[TOTAL_COLUMNS]


def estimate_share(frame: pd.DataFrame, by: str | Sequence[str] | None = None, *,
                   value: str = "value_usd_m", estimate: str = "estimate") -> pd.Series | float:
    """Share, by value, of an aggregate that rests on IMF estimates.

    ``estimate_share = sum(value * estimate) / sum(value)`` over the rows (per group of
    ``by`` when given). ``estimate`` may be a flag (bool) or itself a share in [0, 1]
    (an already aggregated input, weighted by its value). Rows with a missing value are
    ignored. The result is NaN where the summed value is zero or nothing is left.
    Returns a float without ``by``, otherwise a Series indexed by ``by``.
    """
    values = frame[value].astype(float)
    flags = frame[estimate].astype(float)
    weighted = values * flags
    keep = values.notna() & flags.notna()
    parts = pd.DataFrame({"value": values.where(keep), "estimated": weighted.where(keep)})
    if by is None:
        total = parts["value"].sum()
        return float(parts["estimated"].sum() / total) if total > 0 else float("nan")
    by = [by] if isinstance(by, str) else list(by)
    sums = parts.groupby([frame[column] for column in by]).sum()
    share = sums["estimated"] / sums["value"].where(sums["value"] > 0)
    return share.rename("estimate_share")


def _countries(countries: Iterable[str], *, allow_world: bool = False) -> list[str]:
    if isinstance(countries, str):
        raise TypeError("countries must be a collection of ISO3 codes, not one string")
    countries = list(dict.fromkeys(countries))
    if not allow_world and WORLD in countries:
        raise ValueError("'WLD' is the world total, not a partner country")
    return countries


def _checked_flows(flows: pd.DataFrame) -> pd.DataFrame:
    missing = [column for column in FLOW_COLUMNS if column not in flows.columns]
    if missing:
        raise ValueError(f"flows lacks columns {missing}")
    unknown = set(flows.flow.unique()) - {"exports", "imports"}
    if unknown:
        raise ValueError(f"flows has unknown flow kinds {sorted(unknown)}")
    if (flows.value_usd_m < 0).any():
        raise ValueError("flows has negative values")
    duplicated = flows.duplicated(FLOW_KEY, keep=False)
    if duplicated.any():
        first = list(next(flows.loc[duplicated, FLOW_KEY].itertuples(index=False, name=None)))
        raise ValueError(f"flows has more than one row for key {first}")
    return flows[FLOW_COLUMNS]
