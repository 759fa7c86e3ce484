"""Schemas of the extract's tables, checked whenever a table is written or loaded.

Every numeric column, and the value of every WDI indicator, obeys its domain rule from
``data/reference/series_rules.csv`` (non-negative, bounded or signed, with limits). A
failure becomes a :class:`DataError` naming the file, the CSV line (header = line 1), the
column and the value; when the extract passes the raw origin of each row, the raw file,
its line and its field are named instead.
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
RULES = reference.series_rules()
WDI_RULE_CHECK = "every WDI value within its series rule"


def _ruled(table: str, column: str, dtype, *extra: pa.Check, nullable: bool = False) -> pa.Column:
    """A numeric column checked against its rule; a column without a rule cannot be declared."""
    rule = RULES[f"{table}.{column}"]
    check = pa.Check(lambda values: ~rule.breaks(values), name=f"rule {rule.target}: {rule.describe()}")
    return pa.Column(dtype, [check, *extra], nullable=nullable)


def wdi_rule_breaks(frame: pd.DataFrame) -> pd.Series:
    """True for each WDI row whose value breaks its indicator's rule, or that has no rule."""
    breaks = pd.Series(True, index=frame.index)
    for indicator, rows in frame.groupby("indicator", sort=False):
        rule = RULES.get(indicator)
        if rule is not None:
            breaks[rows.index] = rule.breaks(rows["value"])
    return breaks


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "trade_flows": pa.DataFrameSchema({
        "reporter": pa.Column(str, pa.Check.isin(CODES)),
        "partner": pa.Column(str, pa.Check.isin(CODES)),
        "flow": pa.Column(str, pa.Check.isin(["exports", "imports"])),
        "year": _ruled("trade_flows", "year", "int64"),
        "value_usd_m": _ruled("trade_flows", "value_usd_m", float),
        "estimate": pa.Column(bool),
    }, unique=["reporter", "partner", "flow", "year"], strict=True, coerce=False),
    "trade_estimates": pa.DataFrameSchema({
        "reporter": pa.Column(str, pa.Check.isin(STUDY)),
        "flow": pa.Column(str, pa.Check.isin(["exports", "imports"])),
        "year": _ruled("trade_estimates", "year", "int64"),
        "cells": _ruled("trade_estimates", "cells", "int64"),
        "estimated_cells": _ruled("trade_estimates", "estimated_cells", "int64"),
        "value_usd_m": _ruled("trade_estimates", "value_usd_m", float),
        "estimated_value_usd_m": _ruled("trade_estimates", "estimated_value_usd_m", float),
    }, unique=["reporter", "flow", "year"], strict=True,
        checks=[pa.Check(lambda f: f.estimated_cells <= f.cells, name="estimated_cells <= cells"),
                pa.Check(lambda f: f.estimated_value_usd_m <= f.value_usd_m * (1 + 1e-12),
                         name="estimated value <= value")]),
    "wdi": pa.DataFrameSchema({
        "iso3": pa.Column(str, pa.Check.isin(STUDY + [reference.WORLD])),
        "indicator": pa.Column(str, pa.Check.str_matches(r"^[A-Z0-9]+(\.[A-Z0-9]+)+$")),
        "year": _ruled("wdi", "year", "int64"),
        "value": pa.Column(float),
    }, unique=["iso3", "indicator", "year"], strict=True,
        checks=[pa.Check(lambda f: ~wdi_rule_breaks(f), name=WDI_RULE_CHECK)]),
    "migrant_stock_bilateral": pa.DataFrameSchema({
        "origin": pa.Column(str, pa.Check.isin(STUDY)),
        "destination": pa.Column(str, pa.Check.isin(STUDY)),
        "year": _ruled("migrant_stock_bilateral", "year", "int64"),
        "migrants": _ruled("migrant_stock_bilateral", "migrants", float),
    }, unique=["origin", "destination", "year"], strict=True),
    "migrant_stock_totals": pa.DataFrameSchema({
        "iso3": pa.Column(str, pa.Check.isin(STUDY)),
        "year": _ruled("migrant_stock_totals", "year", "int64"),
        "migrants": _ruled("migrant_stock_totals", "migrants", float),
    }, unique=["iso3", "year"], strict=True),
    "hdi": pa.DataFrameSchema({
        "iso3": pa.Column(str, pa.Check.isin(STUDY)),
        "year": _ruled("hdi", "year", "int64"),
        "hdi": _ruled("hdi", "hdi", float),
    }, unique=["iso3", "year"], strict=True),
    "commodity_price_indices": pa.DataFrameSchema({
        "series": pa.Column(str),
        "month": pa.Column(str, pa.Check.str_matches(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")),
        "value": _ruled("commodity_price_indices", "value", float, pa.Check.gt(0)),
    }, unique=["series", "month"], strict=True),
    "trade_agreements_wto": pa.DataFrameSchema({
        "rta_id": _ruled("trade_agreements_wto", "rta_id", "int64"),
        "signatories": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}(;[A-Z]{3})*$")),
    }, unique=["rta_id"]),
    "trade_agreements_desta": pa.DataFrameSchema({
        "iso3_a": pa.Column(str, pa.Check.isin(STUDY)),
        "iso3_b": pa.Column(str, pa.Check.isin(STUDY)),
        "base_treaty": _ruled("trade_agreements_desta", "base_treaty", "int64"),
        "year": _ruled("trade_agreements_desta", "year", "int64"),
        "entry_into_force_year": _ruled("trade_agreements_desta", "entry_into_force_year", "Int64",
                                        nullable=True),
        "typememb": _ruled("trade_agreements_desta", "typememb", "int64"),
    }),
    "bri_countries": pa.DataFrameSchema({
        "iso3": ISO3,
        "join_date": pa.Column(str, pa.Check.str_matches(r"^(\d{4}-\d\d-\d\d)?$")),
        "exit_date": pa.Column(str, pa.Check.str_matches(r"^(\d{4}-\d\d-\d\d)?$")),
    }, unique=["iso3"]),
}


def validate(name: str, frame: pd.DataFrame, *, source: str, origins: pd.DataFrame | None = None
             ) -> pd.DataFrame:
    """Validate ``frame`` against the schema of table ``name``; ``source`` names the file.

    ``origins`` (columns file, line, field; same index as ``frame``) tells where each row
    came from in a raw file, so that a failure names that file, line and field.
    """
    try:
        return SCHEMAS[name].validate(frame, lazy=False)
    except (SchemaError, SchemaErrors) as error:
        raise _as_data_error(error, source, frame, origins) from error


def plausibility_warnings(name: str, frame: pd.DataFrame) -> list[dict]:
    """Values within their rule's limits but outside its plausibility band, one per value."""
    found = []
    if name == "wdi":
        for indicator, rows in frame.groupby("indicator", sort=True):
            rule = RULES.get(indicator)
            if rule is not None:
                found += _warnings(rule, rows, "value", ["iso3", "year"])
        return found
    keys = list(SCHEMAS[name].unique or [])
    for column in frame.columns:
        rule = RULES.get(f"{name}.{column}")
        if rule is not None:
            found += _warnings(rule, frame, column, [k for k in keys if k != column])
    return found


def _warnings(rule, rows: pd.DataFrame, column: str, keys: list[str]) -> list[dict]:
    """One warning per implausible value, naming it by the table's key columns."""
    flagged = rows[rule.implausible(rows[column])]
    return [{"series": rule.target, **{k: _plain(row[k]) for k in keys}, "value": float(row[column]),
             "band": [rule.band_low, rule.band_high]} for _, row in flagged.iterrows()]


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def _as_data_error(error: SchemaError | SchemaErrors, source: str, frame: pd.DataFrame | None = None,
                   origins: pd.DataFrame | None = None) -> DataError:
    cases = getattr(error, "failure_cases", None)
    check = getattr(error, "check", None)
    check_name = getattr(check, "name", None)
    if check_name == WDI_RULE_CHECK and frame is not None:
        index = frame.index[wdi_rule_breaks(frame).to_numpy()][0]
        row = frame.loc[index]
        rule = RULES.get(row["indicator"])
        why = (f"breaks its rule ({rule.describe()})" if rule else "has no rule in series_rules.csv")
        message = f"{row['indicator']} value {_plain(row['value'])!r} for {row['iso3']} {_plain(row['year'])} {why}"
        return _located(source, index, "value", message, origins)
    field, index, value = None, None, None
    column = getattr(getattr(error, "schema", None), "name", None)
    if isinstance(cases, pd.DataFrame) and len(cases):
        first = cases.iloc[0]
        field = first.get("column") if "column" in cases else None
        index = first.get("index")
        value = first.get("failure_case")
        if field is None and isinstance(column, str):
            field = column
    elif isinstance(column, str):
        field = column
    elif cases is not None and not isinstance(cases, pd.DataFrame):
        field = str(cases)  # e.g. the name of a missing column
    if field is None:
        schema_name = getattr(getattr(error, "schema", None), "name", None)
        field = schema_name if isinstance(schema_name, str) else None
    reason = check_name or str(error).splitlines()[0]
    if field is None and "unique" in str(error):
        field = "key columns"
    message = f"fails check {reason}" + (f" (value {_plain(value)!r})" if value is not None else "")
    if index is None or pd.isna(index):
        return DataError(source, message, field=field)
    return _located(source, index, field, message, origins)


def _located(source: str, index, field: str | None, message: str, origins: pd.DataFrame | None) -> DataError:
    """The error at the table row ``index``: in the raw file it came from when known, else
    at its line in the table's CSV file (header = line 1)."""
    if origins is not None and index in origins.index:
        origin = origins.loc[index]
        return DataError(origin["file"], f"{message} (column {field!r} of the extract)", row=int(origin["line"]),
                         field=origin["field"])
    return DataError(source, message, row=int(index) + 2, field=field)
