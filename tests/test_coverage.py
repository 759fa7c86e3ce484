"""Coverage and estimate summaries of the data chapter, on hand-checkable inputs."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.data import coverage
from analysis.data.extract import estimate_summary


def test_estimate_summary_counts_cells_and_value():
    flows = pd.DataFrame({
        "reporter": ["TKM"] * 3, "partner": ["AFG", "ARM", "CHN"], "flow": ["exports"] * 3, "year": [2010] * 3,
        "value_usd_m": [1.0, 3.0, 96.0], "estimate": [True, True, False]})
    row = estimate_summary(flows).iloc[0]
    # two of three cells, but only 4 of 100 million dollars, are estimates
    assert (row.cells, row.estimated_cells) == (3, 2)
    assert row.value_usd_m == 100.0 and row.estimated_value_usd_m == 4.0


def test_estimate_shares_sum_over_years_before_dividing():
    estimates = pd.DataFrame({
        "reporter": ["IRN", "IRN", "IRN"], "flow": ["exports"] * 3, "year": [1999, 2000, 2001],
        "cells": [10, 10, 30], "estimated_cells": [0, 10, 0],
        "value_usd_m": [50.0, 100.0, 300.0], "estimated_value_usd_m": [0.0, 100.0, 0.0]})
    shares = coverage.estimate_shares(estimates, ["reporter"], range(2000, 2002)).iloc[0]
    assert shares.cell_share == pytest.approx(10 / 40)      # 1999 is outside the period
    assert shares.value_share == pytest.approx(100 / 400)


def test_year_span():
    assert coverage.year_span(pd.Series([2003, 1995, 2020])) == "1995–2020"
    assert coverage.year_span(pd.Series([], dtype="int64")) == "—"


def test_estimate_table_headers_follow_the_language():
    estimates = pd.DataFrame({
        "reporter": ["KAZ", "KAZ"], "flow": ["exports", "imports"], "year": [2010, 2010], "cells": [4, 4],
        "estimated_cells": [1, 0], "value_usd_m": [10.0, 10.0], "estimated_value_usd_m": [5.0, 0.0]})
    table = coverage.estimate_table(estimates, "kk")
    assert table.iloc[0, 0] == "Қазақстан"
    assert list(table.iloc[0, 1:]) == [0.25, 0.5, 0.0, 0.0]
    assert "Экспорт" in table.columns[1]


def test_estimate_table_puts_equal_shares_in_the_alphabet_of_the_language():
    codes = ["TJK", "KAZ", "AZE", "IRN", "CHN", "AFG", "UZB", "BGR"]
    estimated = {"IRN": 4, "TJK": 1}
    estimates = pd.DataFrame({
        "reporter": codes * 2, "flow": ["exports"] * 8 + ["imports"] * 8, "year": 2010, "cells": 4,
        "estimated_cells": [estimated.get(c, 0) for c in codes] + [0] * 8, "value_usd_m": 10.0,
        "estimated_value_usd_m": 0.0})
    ru = coverage.estimate_table(estimates, "ru").iloc[:, 0].tolist()
    assert ru == ["Иран", "Таджикистан", "Азербайджан", "Афганистан", "Болгария", "Казахстан", "Китай", "Узбекистан"]
    kk = coverage.estimate_table(estimates, "kk").iloc[:, 0].tolist()
    assert kk[2:] == ["Ауғанстан", "Әзірбайжан", "Болгария", "Қазақстан", "Қытай", "Өзбекстан"]


def test_country_coverage_lists_countries_in_the_alphabet_of_the_language():
    from types import SimpleNamespace
    codes = ["BGR", "AFG", "KAZ", "AZE", "UZB", "CHN", "KGZ"]
    n = len(codes)
    extract = SimpleNamespace(
        wdi=pd.DataFrame({"iso3": codes, "indicator": ["SP.POP.TOTL"] * n, "year": [2000] * n, "value": [1.0] * n}),
        trade_flows=pd.DataFrame({"reporter": codes, "partner": ["WLD"] * n, "year": [2001] * n}),
        migrant_stock_bilateral=pd.DataFrame({"destination": codes, "year": [2005] * n}))
    kk = coverage.country_coverage(extract, ["SP.POP.TOTL"], "kk").iloc[:, 0].tolist()
    assert kk == ["Ауғанстан", "Әзірбайжан", "Болгария", "Қазақстан", "Қырғызстан", "Қытай", "Өзбекстан"]
    ru = coverage.country_coverage(extract, ["SP.POP.TOTL"], "ru").iloc[:, 0].tolist()
    assert ru == ["Азербайджан", "Афганистан", "Болгария", "Казахстан", "Китай", "Кыргызстан", "Узбекистан"]
