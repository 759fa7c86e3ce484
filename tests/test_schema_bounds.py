"""The schema bounds of the extract's tables: a value outside its possible range is
rejected, and the error names the file, the CSV line and the field."""
from __future__ import annotations

import pandas as pd
import pytest
from pandera.errors import SchemaErrors

from analysis.data import schemas
from analysis.errors import DataError

VALID = {
    "trade_flows": {"reporter": ["KAZ", "KAZ"], "partner": ["CHN", "WLD"],
                    "flow": ["exports", "imports"], "year": [2019, 2020],
                    "value_usd_m": [12.5, 0.0], "estimate": [False, True]},
    "trade_estimates": {"reporter": ["KAZ"], "flow": ["exports"], "year": [2020], "cells": [10],
                        "estimated_cells": [2], "value_usd_m": [100.0],
                        "estimated_value_usd_m": [30.0]},
    "migrant_stock_bilateral": {"origin": ["KAZ", "RUS"], "destination": ["RUS", "KAZ"],
                                "year": [2019, 2019], "migrants": [2.5e6, 0.0]},
    "migrant_stock_totals": {"iso3": ["KAZ"], "year": [2019], "migrants": [3.7e6]},
    "hdi": {"iso3": ["KAZ", "UZB"], "year": [2019, 2019], "hdi": [0.8, 0.0]},
    "commodity_price_indices": {"series": ["energy"], "month": ["2020-04"], "value": [40.0]},
}


def frame(name: str, **changes) -> pd.DataFrame:
    """A valid frame of table ``name``; ``changes`` replace its last row's cells."""
    table = pd.DataFrame(VALID[name])
    for column, value in changes.items():
        table[column] = table[column].astype(object)
        table.loc[len(table) - 1, column] = value
        table[column] = table[column].astype(pd.Series(VALID[name][column]).dtype)
    return table


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_frames_pass(name):
    table = frame(name)
    pd.testing.assert_frame_equal(schemas.validate(name, table, source=f"{name}.csv"), table)


def rejected(name: str, **changes) -> DataError:
    table = frame(name, **changes)
    with pytest.raises(DataError) as error:
        schemas.validate(name, table, source=f"data/{name}.csv")
    return error.value


def test_negative_trade_value_is_rejected_naming_the_field():
    error = rejected("trade_flows", value_usd_m=-0.01)
    assert error.file == "data/trade_flows.csv"
    assert error.field == "value_usd_m"
    assert error.row == 3                         # header line 1, second data row
    assert "-0.01" in str(error)


@pytest.mark.parametrize("name, column, value", [
    ("trade_flows", "year", 2031),                # no year beyond 2030 can be reported yet
    ("trade_flows", "year", 1947),                # DOTS starts in 1948
    ("trade_flows", "flow", "re-exports"),
    ("trade_flows", "reporter", "XYZ"),
    ("trade_estimates", "cells", 0),
    ("trade_estimates", "estimated_cells", -1),
    ("trade_estimates", "value_usd_m", -1.0),
    ("trade_estimates", "estimated_value_usd_m", -1.0),
    ("migrant_stock_bilateral", "migrants", -1.0),
    ("migrant_stock_bilateral", "year", 1989),
    ("migrant_stock_totals", "migrants", -0.5),
    ("hdi", "hdi", 1.0001),
    ("hdi", "hdi", -0.1),
    ("commodity_price_indices", "value", 0.0),
    ("commodity_price_indices", "month", "2020-13"),
])
def test_values_outside_their_range_are_rejected(name, column, value):
    error = rejected(name, **{column: value})
    assert error.file == f"data/{name}.csv"
    assert error.field == column
    assert error.row == len(VALID[name][column]) + 1


@pytest.mark.parametrize("name, column, value", [
    ("trade_flows", "value_usd_m", 0.0),
    ("trade_flows", "year", 2021),                # IMTS goes on where the DOTS release stopped
    ("trade_flows", "year", 2030),
    ("trade_flows", "year", 1948),
    ("trade_estimates", "estimated_cells", 10),   # every cell an estimate
    ("hdi", "hdi", 1.0),
    ("migrant_stock_totals", "year", 2020),
])
def test_values_at_their_bounds_pass(name, column, value):
    schemas.validate(name, frame(name, **{column: value}), source=f"{name}.csv")


def test_more_estimated_than_all_is_rejected():
    with pytest.raises(DataError, match="estimated_cells <= cells"):
        schemas.validate("trade_estimates", frame("trade_estimates", estimated_cells=11),
                         source="trade_estimates.csv")
    with pytest.raises(DataError, match="estimated value <= value"):
        schemas.validate("trade_estimates", frame("trade_estimates", estimated_value_usd_m=100.1),
                         source="trade_estimates.csv")


def test_a_repeated_key_is_rejected():
    table = frame("trade_flows", partner="CHN", flow="exports", year=2019)
    with pytest.raises(DataError, match="trade_flows.csv"):
        schemas.validate("trade_flows", table, source="trade_flows.csv")


def test_an_extra_column_is_rejected():
    table = frame("hdi").assign(note="x")
    with pytest.raises(DataError, match="hdi.csv"):
        schemas.validate("hdi", table, source="hdi.csv")


def test_a_wrong_type_names_the_column():
    table = frame("trade_flows").astype({"value_usd_m": "int64"})
    with pytest.raises(DataError) as error:
        schemas.validate("trade_flows", table, source="data/trade_flows.csv")
    assert (error.value.file, error.value.field) == ("data/trade_flows.csv", "value_usd_m")
    assert "int64" in error.value.message


def test_a_missing_column_is_named():
    table = frame("trade_flows").drop(columns="estimate")
    with pytest.raises(DataError) as error:
        schemas.validate("trade_flows", table, source="data/trade_flows.csv")
    assert (error.value.file, error.value.row, error.value.field) == ("data/trade_flows.csv", None, "estimate")


def test_errors_collected_all_at_once_name_the_row_and_field_too():
    # pandera's lazy mode gathers every failure in a table of cases; the first is named
    table = frame("trade_flows", value_usd_m=-2.5)
    with pytest.raises(SchemaErrors) as collected:
        schemas.SCHEMAS["trade_flows"].validate(table, lazy=True)
    error = schemas._as_data_error(collected.value, "data/trade_flows.csv")
    assert (error.file, error.row, error.field) == ("data/trade_flows.csv", 3, "value_usd_m")
    assert "-2.5" in error.message
