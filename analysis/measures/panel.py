"""The country-year panel of characteristics that may drive integration.

Unit of analysis: one study country in one year, from 2000 to the latest year that all
the characteristics reach (:func:`analysis.measures.periods.panel_period`; 2000-2020,
26 x 21 = 546 rows, in the extract of 2026).
Each characteristic comes from the extract (WDI, UNDP's HDI), is transformed as
:data:`CHARACTERISTICS` says (logarithms for the income and network size, which spread
over orders of magnitude; ``log(1 + inflation)`` to tame the hyperinflation years), and
is standardised (z-scores over the pooled panel) for the factor analysis.

The country's own integration (its trade share with the New Silk Road group) is NOT in
the panel: it is what the drivers regression explains, and putting it on both sides
would make the association circular.

Missing cells and outliers are treated in :mod:`analysis.measures.treatment` (its
functions are imported here): each cell is observed, interpolated inside the
country's observed range, imputed by multiple imputation with country effects, or
part of an absent country-series (:func:`cell_kinds`, :func:`multiple_imputations`);
outliers follow the JRC rule of thumb (:func:`treat_outliers`).

A characteristic enters only if at least :data:`MIN_COVERAGE` of its cells are
observed or interpolated (:func:`coverage_table`); the others are listed as excluded.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data import reference
from analysis.measures.treatment import (KINDS, MIN_OBSERVED, absent_series, cell_kinds,  # noqa: F401
                                         multiple_imputations, treat_outliers)

MIN_COVERAGE = 2 / 3

GDP_USD = "NY.GDP.MKTP.CD"
POPULATION = "SP.POP.TOTL"


@dataclass(frozen=True)
class Characteristic:
    name: str
    numerator: str            # WDI code, or "hdi"
    denominator: str | None   # WDI code dividing the numerator (times ``scale``)
    scale: float
    transform: str            # "none", "log", "log1p_percent"


CHARACTERISTICS = [
    Characteristic("merchandise_openness", "TX.VAL.MRCH.CD.WT+TM.VAL.MRCH.CD.WT", GDP_USD, 100, "none"),
    Characteristic("fuel_exports", "TX.VAL.FUEL.ZS.UN", None, 1, "none"),
    Characteristic("ores_metals_exports", "TX.VAL.MMTL.ZS.UN", None, 1, "none"),
    Characteristic("manufactures_exports", "TX.VAL.MANF.ZS.UN", None, 1, "none"),
    Characteristic("high_tech_exports", "TX.VAL.TECH.MF.ZS", None, 1, "none"),
    Characteristic("gdp_per_head_ppp", "NY.GDP.PCAP.PP.CD", None, 1, "log"),
    Characteristic("growth", "NY.GDP.MKTP.KD.ZG", None, 1, "none"),
    Characteristic("inflation", "FP.CPI.TOTL.ZG", None, 1, "log1p_percent"),
    Characteristic("fdi_inflows", "BX.KLT.DINV.WD.GD.ZS", None, 1, "none"),
    Characteristic("remittances", "BX.TRF.PWKR.CD.DT", GDP_USD, 100, "none"),
    Characteristic("logistics_performance", "LP.LPI.OVRL.XQ", None, 1, "none"),
    Characteristic("rail_per_person", "IS.RRS.TOTL.KM", POPULATION, 1e6, "log"),
    Characteristic("human_development", "hdi", None, 1, "none"),
    Characteristic("migrant_stock", "SM.POP.TOTL", POPULATION, 100, "none"),
]


def _wdi(wdi: pd.DataFrame, code: str) -> pd.Series:
    parts = [wdi[wdi.indicator == part].set_index(["iso3", "year"]).value for part in code.split("+")]
    total = parts[0]
    for part in parts[1:]:
        total = total.add(part)  # missing when any part is missing
    return total


def raw_characteristic(spec: Characteristic, wdi: pd.DataFrame, hdi: pd.DataFrame) -> pd.Series:
    """The characteristic as a Series indexed by (iso3, year), transformed, observed cells only."""
    if spec.numerator == "hdi":
        values = hdi.set_index(["iso3", "year"]).hdi.astype(float)
    else:
        values = _wdi(wdi, spec.numerator)
    if spec.denominator:
        denominator = _wdi(wdi, spec.denominator)
        values = spec.scale * values / denominator.where(denominator > 0)
    if spec.transform == "log":
        values = np.log(values.where(values > 0))
    elif spec.transform == "log1p_percent":
        values = np.log1p(values.where(values > -100) / 100)
    return values.dropna().rename(spec.name)


def observed_panel(wdi: pd.DataFrame, hdi: pd.DataFrame, period: range,
                   countries: list[str] | None = None) -> pd.DataFrame:
    """Country x year grid (MultiIndex iso3, year) of every characteristic over
    ``period``, NaN where the extract has no value."""
    countries = countries or reference.study_iso3()
    grid = pd.MultiIndex.from_product([countries, list(period)], names=["iso3", "year"])
    columns = {spec.name: raw_characteristic(spec, wdi, hdi).reindex(grid) for spec in CHARACTERISTICS}
    return pd.DataFrame(columns, index=grid)


def average(imputations: list[pd.DataFrame]) -> pd.DataFrame:
    """The cell-by-cell mean of completed panels (the main analysis uses the mean of
    the multiple imputations; observed cells are the same in every draw)."""
    return sum(imputations[1:], imputations[0].copy()) / len(imputations)


def coverage_table(kinds: pd.DataFrame, min_coverage: float = MIN_COVERAGE) -> pd.DataFrame:
    """Per characteristic: the share of cells of each kind and whether it enters
    (observed + interpolated >= ``min_coverage``)."""
    table = pd.DataFrame({kind: (kinds == kind).mean() for kind in KINDS})
    table["enters"] = table.observed + table.interpolated >= min_coverage
    return table


def imputed_cells(kinds: pd.DataFrame) -> pd.DataFrame:
    """Every cell not observed: ``iso3, year, characteristic, kind``."""
    long = kinds.stack().rename("kind").reset_index().rename(columns={"level_2": "characteristic"})
    return long[long.kind != "observed"].reset_index(drop=True)


def standardise(panel: pd.DataFrame) -> pd.DataFrame:
    """z-scores over the pooled panel (mean 0, standard deviation 1 with ddof=1)."""
    return (panel - panel.mean()) / panel.std(ddof=1)


def periods_of(panel: pd.DataFrame) -> list[tuple[int, int]]:
    """The five-year sub-periods of the panel's years
    (:func:`analysis.measures.periods.five_year_periods`)."""
    from analysis.measures.periods import five_year_periods

    years = sorted(set(panel.index.get_level_values("year")))
    return five_year_periods(range(years[0], years[-1] + 1))


def period_averages(panel: pd.DataFrame, periods: list[tuple[int, int]] | None = None) -> pd.DataFrame:
    """Mean of each country's values over each period; index (iso3, period 'YYYY-YYYY')."""
    periods = periods_of(panel) if periods is None else periods
    years = panel.index.get_level_values("year")
    label = pd.Series(pd.NA, index=panel.index, dtype=object)
    for first, last in periods:
        label[(years >= first) & (years <= last)] = f"{first}\u2013{last}"
    inside = label.notna().to_numpy()
    return panel[inside].groupby([panel.index.get_level_values("iso3")[inside], label[inside].to_numpy()]).mean() \
        .rename_axis(["iso3", "period"])


def cube(panel: pd.DataFrame) -> tuple[np.ndarray, list[str], list[int]]:
    """The panel as a country x year x variable array (a complete grid is required)."""
    countries = list(panel.index.get_level_values("iso3").unique())
    years = list(panel.index.get_level_values("year").unique())
    full = panel.reindex(pd.MultiIndex.from_product([countries, years], names=["iso3", "year"]))
    if full.isna().any().any():
        raise ValueError("the panel is not a complete country x year grid")
    return full.to_numpy(float).reshape(len(countries), len(years), panel.shape[1]), countries, years
