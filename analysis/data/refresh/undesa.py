"""UN DESA International Migrant Stock: download the agency's xlsx files as published.

The Population Division serves each edition's tables as xlsx files at fixed addresses
(``DEFAULT_URL`` is the 2020 stock by sex and destination, the file in the mirror's
``undesa-migrant-stock/data_raw``). A wrong or moved address tends to answer 200 with an
HTML page, so a download is kept only if it is an xlsx (a zip, magic bytes ``PK``).
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from analysis.data.refresh.files import atomic_output
from analysis.data.refresh.transport import RefreshError, get, new_session

DEFAULT_URL = ("https://www.un.org/development/desa/pd/sites/www.un.org.development.desa.pd/"
               "files/undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx")
XLSX_MAGIC = b"PK\x03\x04"
CHUNK_BYTES = 1 << 16


def download(url: str, out_path: str | Path, *, session: Any = None,
             expected_sha256: str | None = None) -> Path:
    """Stream ``url`` to ``out_path``; the file appears only once it is complete and checked.

    Refuses an HTML answer (by content type or content) and, if ``expected_sha256`` is
    given, a file with another SHA-256. An existing ``out_path`` is replaced atomically
    on success and left untouched on failure.
    """
    response = get(url, session or new_session(), stream=True)
    try:
        content_type = response.headers.get("Content-Type", "")
        if "html" in content_type.lower():
            raise RefreshError(url, f"expected an xlsx file, got {content_type}",
                               field="Content-Type")
        with atomic_output(out_path) as temporary:
            digest = _save(response, temporary)
            _check_xlsx(url, temporary)
            if expected_sha256 is not None and digest != expected_sha256.lower():
                raise RefreshError(url, f"SHA-256 is {digest}, expected {expected_sha256}",
                                   field="sha256")
    finally:
        response.close()
    return Path(out_path)


def _save(response: Any, path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "wb") as handle:
        for chunk in response.iter_content(chunk_size=CHUNK_BYTES):
            digest.update(chunk)
            handle.write(chunk)
    return digest.hexdigest()


def _check_xlsx(url: str, path: Path) -> None:
    with open(path, "rb") as handle:
        head = handle.read(len(XLSX_MAGIC))
    if head != XLSX_MAGIC:
        raise RefreshError(url, f"expected an xlsx (zip) file, it starts with {head!r}",
                           field="body")
