"""Silk Road Integration: data, indicators and figures for the book."""
