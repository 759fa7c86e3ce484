"""What every browser test shares: headless Debian Chromium, a page watched for console
errors, uncaught errors and requests, and the rule that nothing leaves 127.0.0.1.

The fixtures (``browser``, one for the whole test session, and ``watched``, a fresh
context per test) are in ``conftest.py``; the helpers are here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
TIMEOUT_MS = 30_000
LOCAL_HOST = "127.0.0.1"
VIEWPORT = {"width": 1280, "height": 900}


@dataclass
class Watched:
    """A browser page and what it did: console errors, uncaught errors, requests."""
    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def external_requests(self) -> list[str]:
        return [url for url in self.requests if not is_local(url)]

    def assert_clean(self, what: str) -> None:
        problems = [f"console error: {message}" for message in self.console_errors]
        problems += [f"uncaught error: {message}" for message in self.page_errors]
        problems += [f"request leaving {LOCAL_HOST}: {url}" for url in self.external_requests()]
        assert not problems, f"{what}:\n  " + "\n  ".join(problems)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob") or parts.hostname == LOCAL_HOST


def new_context(browser, **options):
    """A fresh browser context (an empty cache) that refuses every request leaving the
    machine, so such a request fails fast (and is still recorded by ``watch``)."""
    context = browser.new_context(**{"service_workers": "block", "viewport": VIEWPORT, **options})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.route(lambda url: not is_local(url), lambda route: route.abort())
    return context


def watch(page: Page) -> Watched:
    """Record the page's console errors (with where they came from), uncaught errors and
    requests."""
    result = Watched(page)

    def on_console(message):
        if message.type == "error":
            location = message.location or {}
            result.console_errors.append(f"{message.text} [{location.get('url', '?')}:{location.get('lineNumber', '?')}]")

    page.on("console", on_console)
    page.on("pageerror", lambda error: result.page_errors.append(str(error)))
    page.on("request", lambda request: result.requests.append(request.url))
    return result


def open_page(page: Page, url: str) -> None:
    """Go to url and let it settle: loaded, network quiet, MathJax (if any) done."""
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response.status if response else 'no response'}"
    settle(page)


def settle(page: Page) -> None:
    page.wait_for_load_state("load")
    try:
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    except PlaywrightTimeout:
        pass  # a page that keeps polling still gets its errors and requests checked
    page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise"
                  " ? MathJax.startup.promise.then(() => true) : true")


def html_lang(page: Page) -> str:
    return page.evaluate("() => document.documentElement.getAttribute('lang')")


def site_path(url: str) -> str:
    return urlsplit(url).path
