"""Readers: one module per source family, each turning a raw file into a tidy DataFrame."""
