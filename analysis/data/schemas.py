"""Schemas of the extract's tables, checked whenever a table is written or loaded.

A failure becomes a :class:`DataError` naming the file, the CSV line (header = line 1)
and the column.
"""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from analysis.data import reference
from analysis.errors import DataError

STUDY = reference.study_iso3()
CODES = STUDY + [reference.WORLD, reference.EUROPEAN_UNION]
ISO3 = pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$"))


def _year(low: int, high: int) -> pa.Column:
    return pa.Column("int64", pa.Check.in_range(low, high))


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "trade_flows": pa.DataFrameSchema({
        "reporter": pa.Column(str, pa.Check.isin(CODES)),
        "partner": pa.Column(str, pa.Check.isin(CODES)),
        "flow": pa.Column(str, pa.Check.isin(["exports", "imports"])),
        "year": _year(1948, 2020),
        "value_usd_m": pa.Column(float, pa.Check.ge(0)),
        "estimate": pa.Column(bool),
    }, unique=["reporter", "partner", "flow", "year"], strict=True, coerce=False),
    "trade_estimates": pa.DataFrameSchema({
        "reporter": pa.Column(str, pa.Check.isin(STUDY)),
        "flow": pa.Column(str, pa.Check.isin(["exports", "imports"])),
        "year": _year(1948, 2020),
        "cells": pa.Column("int64", pa.Check.gt(0)),
        "estimated_cells": pa.Column("int64", pa.Check.ge(0)),
        "value_usd_m": pa.Column(float, pa.Check.ge(0)),
        "estimated_value_usd_m": pa.Column(float, pa.Check.ge(0)),
    }, unique=["reporter", "flow", "year"], strict=True,
        checks=[pa.Check(lambda f: f.estimated_cells <= f.cells, name="estimated_cells <= cells"),
                pa.Check(lambda f: f.estimated_value_usd_m <= f.value_usd_m * (1 + 1e-12),
                         name="estimated value <= value")]),
    "wdi": pa.DataFrameSchema({
        "iso3": pa.Column(str, pa.Check.isin(STUDY + [reference.WORLD])),
        "indicator": pa.Column(str, pa.Check.str_matches(r"^[A-Z0-9]+(\.[A-Z0-9]+)+$")),
        "year": _year(1960, 2030),
        "value": pa.Column(float),
    }, unique=["iso3", "indicator", "year"], strict=True),
    "migrant_stock_bilateral": pa.DataFrameSchema({
        "origin": pa.Column(str, pa.Check.isin(STUDY)),
        "destination": pa.Column(str, pa.Check.isin(STUDY)),
        "year": _year(1990, 2020),
        "migrants": pa.Column(float, pa.Check.ge(0)),
    }, unique=["origin", "destination", "year"], strict=True),
    "migrant_stock_totals": pa.DataFrameSchema({
        "iso3": pa.Column(str, pa.Check.isin(STUDY)),
        "year": _year(1990, 2020),
        "migrants": pa.Column(float, pa.Check.ge(0)),
    }, unique=["iso3", "year"], strict=True),
    "hdi": pa.DataFrameSchema({
        "iso3": pa.Column(str, pa.Check.isin(STUDY)),
        "year": _year(1990, 2030),
        "hdi": pa.Column(float, pa.Check.in_range(0, 1)),
    }, unique=["iso3", "year"], strict=True),
    "commodity_price_indices": pa.DataFrameSchema({
        "series": pa.Column(str),
        "month": pa.Column(str, pa.Check.str_matches(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")),
        "value": pa.Column(float, pa.Check.gt(0)),
    }, unique=["series", "month"], strict=True),
    "trade_agreements_wto": pa.DataFrameSchema({
        "rta_id": pa.Column("int64"),
        "signatories": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}(;[A-Z]{3})*$")),
    }, unique=["rta_id"]),
    "trade_agreements_desta": pa.DataFrameSchema({
        "iso3_a": pa.Column(str, pa.Check.isin(STUDY)),
        "iso3_b": pa.Column(str, pa.Check.isin(STUDY)),
        "year": _year(1945, 2030),
    }),
    "bri_countries": pa.DataFrameSchema({
        "iso3": ISO3,
        "join_date": pa.Column(str, pa.Check.str_matches(r"^(\d{4}-\d\d-\d\d)?$")),
        "exit_date": pa.Column(str, pa.Check.str_matches(r"^(\d{4}-\d\d-\d\d)?$")),
    }, unique=["iso3"]),
}


def validate(name: str, frame: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """Validate ``frame`` against the schema of table ``name``; ``source`` names the file."""
    try:
        return SCHEMAS[name].validate(frame, lazy=False)
    except (SchemaError, SchemaErrors) as error:
        raise _as_data_error(error, source) from error


def _as_data_error(error: SchemaError | SchemaErrors, source: str) -> DataError:
    cases = getattr(error, "failure_cases", None)
    field, row, value = None, None, None
    column = getattr(getattr(error, "schema", None), "name", None)
    if isinstance(cases, pd.DataFrame) and len(cases):
        first = cases.iloc[0]
        field = first.get("column") if "column" in cases else None
        index = first.get("index")
        row = int(index) + 2 if index is not None and not pd.isna(index) else None
        value = first.get("failure_case")
    elif isinstance(column, str):
        field = column
    elif cases is not None and not isinstance(cases, pd.DataFrame):
        field = str(cases)  # e.g. the name of a missing column
    if field is None:
        schema_name = getattr(getattr(error, "schema", None), "name", None)
        field = schema_name if isinstance(schema_name, str) else None
    check = getattr(error, "check", None)
    reason = getattr(check, "name", None) or str(error).splitlines()[0]
    if field is None and "unique" in str(error):
        field = "key columns"
    return DataError(source, f"fails check {reason}" + (f" (value {value!r})" if value is not None else ""), row=row, field=field)
