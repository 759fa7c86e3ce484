"""Shared fixtures: the built site (``make book``) and a local web server for it.

The site tests never build the book themselves. They read ``_build/site`` or the
folder named by the ``SILKROAD_SITE`` environment variable.
"""
from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from analysis.paths import DATA_DIR, REPO



@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A copy of the committed extract (``data/``) that a test may damage."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """The built site: ``$SILKROAD_SITE`` or ``<repository>/_build/site``."""
    site = Path(os.environ.get("SILKROAD_SITE", REPO / "_build" / "site"))
    if not (site / "index.html").is_file():
        pytest.fail(f"no built site at {site}: run `make book` first "
                    "(or point SILKROAD_SITE at a built site folder)", pytrace=False)
    return site


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@pytest.fixture(scope="session")
def served_site(site_dir: Path) -> str:
    """Serve the built site on 127.0.0.1 (a free port); returns the base URL, ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test of the session (each test gets its
    own context, so nothing is cached between tests)."""
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make system-deps`)", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                                              timeout=TIMEOUT_MS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def watched(browser):
    """A page in a fresh context, watched for errors and requests (:class:`browser.Watched`)."""
    from browser import new_context, watch

    context = new_context(browser)
    try:
        yield watch(context.new_page())
    finally:
        context.close()
