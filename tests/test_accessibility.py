"""axe (axe-core, bundled by axe-playwright-python) on every page of the built site, in
a real browser (Debian Chromium, as in test_site_browser), in light and dark mode.

Fails on any serious or critical violation, and on the moderate ``region`` rule
(content outside landmarks). No rule is switched off. Pages are read from the built
site, so new chapters are checked as they come. Needs ``make book``.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import open_page

pytestmark = pytest.mark.slow

LANGUAGES = ("kk", "en", "ru")
NOT_PAGES = ("_static", "_images", "_sources")
FAILING_IMPACTS = {"serious", "critical"}
FAILING_RULES = {"region"}
CALCULATOR_PAGE = "chapters/swot.html"


def site_pages(site_dir: Path, lang: str) -> list[str]:
    root = site_dir / lang
    pages = sorted(f"{lang}/{path.relative_to(root).as_posix()}" for path in root.rglob("*.html")
                   if path.relative_to(root).parts[0] not in NOT_PAGES)
    assert pages, f"no pages in {root}"
    return pages


def failing(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in FAILING_IMPACTS or v["id"] in FAILING_RULES]


def describe(page: str, violation: dict) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
    return f"{page}: {violation['id']} ({violation['impact']}, {len(violation['nodes'])} nodes) {targets}"


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_no_serious_violation(watched, served_site, site_dir, lang, color_scheme):
    axe = Axe()
    watched.page.emulate_media(color_scheme=color_scheme)
    pages = site_pages(site_dir, lang) + (["index.html"] if lang == "kk" else [])
    assert f"{lang}/{CALCULATOR_PAGE}" in pages, "the SWOT page, with its calculator, is not checked"
    problems = []
    for page in pages:
        open_page(watched.page, urljoin(served_site, page))
        if page.endswith(CALCULATOR_PAGE):  # checked as the reader meets it: built by its script
            watched.page.wait_for_selector(".ahp-calculator[data-ready='true']")
        violations = axe.run(watched.page).response["violations"]
        problems += [describe(page, violation) for violation in failing(violations)]
    assert not problems, "\n".join(problems)


def test_axe_reports_planted_violations(watched, served_site):
    """The check sees what it should: a list without list items, an image without
    alternative text and content outside landmarks."""
    page = watched.page
    open_page(page, urljoin(served_site, "en/chapters/index.html"))
    page.evaluate("""() => {
      document.querySelector('article').insertAdjacentHTML('beforeend',
        '<div role="list"><a href="#">not a list item</a></div><img src="data:,">');
      document.body.insertAdjacentHTML('afterbegin', '<p>outside every landmark</p>');
    }""")
    found = {violation["id"] for violation in failing(Axe().run(page).response["violations"])}
    assert {"aria-required-children", "image-alt", "region"} <= found, found
