"""Presenting results to readers: translations, number formats, figures and tables."""
