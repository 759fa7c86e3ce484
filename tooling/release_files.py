"""The names of the files a release publishes for download besides its pages: the data
extract as one archive and its manifest, both named with the book's version
(CITATION.cff) so that a downloaded copy says which release it belongs to.

Pages link the archive by its plain name (``downloads/silk-road-integration-data.zip``);
``tooling/sphinx_ext/data_downloads.py`` points such links at this release's file.
"""
from __future__ import annotations

DOWNLOADS = "downloads"
ARCHIVE_LINK = f"{DOWNLOADS}/silk-road-integration-data.zip"  # the plain name pages use


def data_archive(version: str) -> str:
    """The archive's path inside the site, e.g. ``downloads/silk-road-integration-data-0.1.0.zip``."""
    return f"{DOWNLOADS}/silk-road-integration-data-{version}.zip"


def archive_folder(version: str) -> str:
    """The one folder the archive unpacks to."""
    return f"silk-road-integration-data-{version}"


def manifest(version: str) -> str:
    """The manifest published beside the archive, with the release added."""
    return f"{DOWNLOADS}/silk-road-integration-manifest-{version}.json"
