"""Measures computed from the extract: mirror statistics, integration indicators, their results."""
