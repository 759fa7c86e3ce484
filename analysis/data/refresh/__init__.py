"""Refresh the raw mirror from the agencies' own services.

The extract builder reads raw official files from ``../shared/data/raw/``. This package
downloads fresh copies from the World Bank Indicators API, the IMF's SDMX 3.0 data API
for International Trade in Goods (IMTS, :mod:`.imts`; the successor of the Direction of
Trade Statistics, whose retired service :mod:`.imf` targets) and the UN DESA file server, and writes
them under the same relative paths and in the same formats as the mirror, so that the
builder reads them unchanged. The builder needs every raw file, so a refresh goes::

    cp -r ../shared/data/raw ../shared/data/raw-refresh
    python -m analysis.data.refresh --raw-dir ../shared/data/raw-refresh wdi NY.GDP.MKTP.CD
    python -m analysis.data.extract --raw ../shared/data/raw-refresh

The shared mirror itself is written to only with ``--overwrite``.

Every failure of a service (HTTP error, malformed or unexpected response) raises
:class:`analysis.data.refresh.transport.RefreshError`, a ``DataError`` whose file is the URL.
"""
