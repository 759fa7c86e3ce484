"""The chapter's uncertainty and sensitivity analysis on the real panel, cached per build.

Inputs taken from the factor study (:mod:`analysis.measures.factor_study`): the
indicators that entered the composite, its multiple imputations (each one draw of the
imputation input), each draw as imputed and after the JRC outlier treatment
(:func:`analysis.measures.treatment.treat_outliers`, applied to the draw), the cells
the composite may use, the declared directions of the indicators
(``data/reference/indicator_directions.csv``), the number of
principal-axis iterations, and the book's index (the nominal ranks in the latest
year: the mean of the imputations, treated for outliers). :func:`run` feeds them to
:func:`analysis.measures.sensitivity.run` and adds the main effects of the indicators
against their nominal weights.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from analysis.measures import cache, factor, factor_study, panel, sensitivity


@dataclass
class SensitivityStudy:
    analysis: sensitivity.Sensitivity
    nominal_outliers: int          # the outlier level the book's index uses (0 as imputed, 1 treated)
    importance: pd.DataFrame       # indicator: main_effect, importance, weight, ratio
    correlation: pd.DataFrame      # of the analysed indicators (pooled panel)
    entered_correlation: pd.DataFrame  # of the indicators as they enter (oriented) and the index ("index")
    year: int
    timings: dict = field(default_factory=dict)


def inputs(study: factor_study.FactorStudy) -> tuple[list[pd.DataFrame], list[pd.DataFrame], pd.Series, int]:
    """Imputed panels, treated panels, directions and the book's outlier level."""
    panels = [draw[study.variables] for draw in study.imputations]
    treated = [panel.treat_outliers(draw)[0][study.variables] for draw in study.imputations]
    return panels, treated, study.polarity, 1


def run(study: factor_study.FactorStudy) -> SensitivityStudy:
    started = time.perf_counter()
    panels, treated, directions, nominal_outliers = inputs(study)
    year = int(study.index.index.get_level_values("year").max())
    nominal = study.index.xs(year, level="year")["rank"]
    analysis = sensitivity.run(panels, treated, directions, nominal, year, max_iter=study.max_iter,
                               available=study.available[study.variables])
    normalised = factor.min_max(study.treated[study.variables], directions)
    effects = sensitivity.main_effects(normalised, study.index["score"].reindex(normalised.index))
    importance = sensitivity.importance_table(effects, study.weights.weight)
    entered = normalised.assign(index=study.index["score"].reindex(normalised.index)).corr()
    return SensitivityStudy(analysis=analysis, nominal_outliers=nominal_outliers, importance=importance,
                            correlation=study.correlation, entered_correlation=entered, year=year,
                            timings={**analysis.timings, "study_s": time.perf_counter() - started})


def load_or_run() -> SensitivityStudy:
    """The analysis from the build's cache, else computed once and stored."""
    return cache.load_or_compute("sensitivity", "study", cache.content_key(),
                                 lambda: run(factor_study.load_or_run()))
