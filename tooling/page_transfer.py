"""What a reader's browser downloads on a first visit to each page with an interactive
chart: the page, its images, its charts' specifications and data files, and the shared
scripts and styles, measured in headless Chromium with an empty cache on a local server
(no compression, as the worst case), twice: on arrival (a chart is fetched only when it
comes near the screen) and after scrolling to every chart. ``make bench`` prints both.

Shared: anything under ``_assets/`` (the chart scripts, one copy for the site), an
edition's ``_static/`` (the theme) and its search index, which the browser caches across
pages. Own: everything else the page loads.
"""
from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
MEGABYTE = 1_000_000
SHARED_PREFIXES = ("_assets/",)
SHARED_FOLDERS = ("_static",)


@dataclass(frozen=True)
class Transfer:
    page: str
    own: int       # bytes: the page, its images, its specifications and data files
    shared: int    # bytes: scripts, styles and fonts shared with other pages
    requests: int
    charts: int    # charts drawn

    @property
    def total(self) -> int:
        return self.own + self.shared


def chart_pages(site: Path) -> list[str]:
    """The site's pages with an interactive chart, relative to the site."""
    return sorted(page.relative_to(site).as_posix() for page in site.rglob("*.html")
                  if "data-spec-url=" in page.read_text(encoding="utf-8"))


def is_shared(path: str) -> bool:
    path = path.lstrip("/")
    parts = path.split("/")
    return (path.startswith(SHARED_PREFIXES) or (len(parts) > 1 and parts[1] in SHARED_FOLDERS)
            or parts[-1] == "searchindex.js")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


def first_visits(site: Path, pages: list[str], browser=None, base: str | None = None, *,
                 scroll: bool = False) -> list[Transfer]:
    """Each page opened in a fresh browser context (an empty cache) and left to settle;
    with ``scroll``, every chart's figure is then scrolled to and drawn. Serves ``site``
    itself unless ``base`` (its address) is given, and starts its own Chromium unless
    ``browser`` (a Playwright browser) is given."""
    server = None
    if base is None:
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        if browser is not None:
            return [_visit(browser, base, page, scroll) for page in pages]
        from playwright.sync_api import sync_playwright
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            try:
                return [_visit(chromium, base, page, scroll) for page in pages]
            finally:
                chromium.close()
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()


def _visit(browser, base: str, page: str, scroll: bool) -> Transfer:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        tab = context.new_page()
        responses = []
        tab.on("requestfinished", lambda request: responses.append(request))
        tab.goto(base + page, wait_until="load")
        tab.wait_for_load_state("networkidle")
        if scroll:
            for figure in tab.locator(".vega-chart").evaluate_all("boxes => boxes.map(b => b.dataset.replaces || b.id)"):
                tab.locator(f"#{figure}").scroll_into_view_if_needed()
            tab.wait_for_function("() => [...document.querySelectorAll('.vega-chart')].every(box =>"
                                  " box.classList.contains('vega-chart-ready') || box.classList.contains('vega-chart-failed'))",
                                  timeout=60_000)
            tab.wait_for_load_state("networkidle")
        drawn = tab.locator(".vega-chart.vega-chart-ready").count()
        own = shared = 0
        for request in responses:
            sizes = request.sizes()
            size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
            if is_shared(urlsplit(request.url).path):
                shared += size
            else:
                own += size
        return Transfer(page, own, shared, len(responses), drawn)
    finally:
        context.close()


def report(site: Path) -> list[str]:
    """Two lines per page with a chart, on arrival and with every chart drawn: its own
    bytes, the shared bytes and the total."""
    pages = chart_pages(site)
    lines = []
    for when, visits in (("on arrival", first_visits(site, pages)), ("all charts drawn", first_visits(site, pages, scroll=True))):
        for transfer in visits:
            lines.append(f"  {transfer.page:<30}{when:<18}{transfer.own / MEGABYTE:>6.2f} MB own + "
                         f"{transfer.shared / MEGABYTE:.2f} MB shared = {transfer.total / MEGABYTE:.2f} MB "
                         f"({transfer.requests} requests, {transfer.charts} charts drawn)")
    return lines
