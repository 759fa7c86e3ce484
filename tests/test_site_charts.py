"""The interactive charts in a real browser (headless Debian Chromium), served from 127.0.0.1.

For each edition and each chart: the chart is drawn (an SVG in its container, in the
place of the static picture, which is hidden); hovering a mark shows a tooltip whose
number is written in the edition's locale (a decimal comma and a true minus in Kazakh
and Russian); operating a control from the keyboard changes what is drawn; nothing is
requested from outside the machine and nothing is logged as an error. The controls
carry a label in the edition's language.

Needs a built site (``make book``) and ``/usr/bin/chromium``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from browser import Watched
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from analysis.present.i18n import t

pytestmark = pytest.mark.slow

LANGUAGES = ("kk", "en", "ru")
MINUS = "\u2212"


@dataclass(frozen=True)
class ChartCase:
    page: str
    replaces: str  # the static figure the chart takes the place of


CHARTS = {
    "indicators-over-time": ChartCase("chapters/indicators.html", "fig-groupings"),
    "pair-trade-shares": ChartCase("chapters/indicators.html", "fig-pairs-latest"),
    "index-ranks": ChartCase("chapters/factors.html", "fig-factor-rank-intervals"),
    "swot-evidence": ChartCase("chapters/swot.html", "fig-swot-evidence"),
}

# Every mark the chart draws with its data and where it is on the screen, from the
# view's scene graph (``vegaView``, which charts.js exposes on the container).
MARKS_JS = """(box) => {
  const view = box.vegaView, svg = box.querySelector('.vega-chart-view svg');
  svg.scrollIntoView({block: 'center'});
  const frame = svg.getBoundingClientRect(), [ox, oy] = view.origin(), pad = view.padding(), found = [];
  function walk(mark, x, y) {
    for (const item of mark.items || []) {
      if (mark.marktype === 'group') {
        for (const child of item.items || []) walk(child, x + (item.x || 0), y + (item.y || 0));
      } else if ((mark.marktype === 'symbol' || mark.marktype === 'rect') && item.datum && mark.role === 'mark') {
        found.push({x: frame.left + x + item.x + (item.width || 0) / 2, y: frame.top + y + item.y + (item.height || 0) / 2,
                    datum: Object.fromEntries(Object.entries(item.datum).filter(([k]) => typeof k === 'string'))});
      }
    }
  }
  walk(view.scenegraph().root, ox + (pad.left || 0), oy + (pad.top || 0));
  return found;
}"""


def open_chart(watched: Watched, base: str, lang: str, name: str):
    """Open the chart's page and wait until the chart is drawn; returns its container."""
    case = CHARTS[name]
    response = watched.page.goto(f"{base}{lang}/{case.page}", wait_until="load")
    assert response is not None and response.ok
    box = watched.page.locator(f"#chart-{name}")
    box.wait_for(state="attached")
    # charts are drawn when they come near the screen
    watched.page.locator(f"#{case.replaces}").scroll_into_view_if_needed()
    watched.page.wait_for_function("(id) => { const b = document.getElementById(id);"
                                   " return b.classList.contains('vega-chart-ready') || b.classList.contains('vega-chart-failed'); }",
                                   arg=f"chart-{name}")
    assert "vega-chart-ready" in (box.get_attribute("class") or ""), f"{lang}/{name}: the chart was not drawn"
    return box


def marks(box) -> list[dict]:
    return box.evaluate(MARKS_JS)


def isolated(candidates: list[dict], among: list[dict]) -> dict:
    """The candidate mark farthest from any other drawn mark, so that hovering it hits only it."""
    def room(mark):
        return min(((mark["x"] - o["x"]) ** 2 + (mark["y"] - o["y"]) ** 2 for o in among if o is not mark), default=1e9)
    return max(candidates, key=room)


def hover_tooltip(page: Page, mark: dict, shows: str) -> str:
    """Hover ``mark``, wait for the tooltip that names ``shows``, return its text and move
    away (a tooltip whose mark is redrawn under the pointer would otherwise stay up)."""
    page.mouse.move(1, 1)
    page.mouse.move(mark["x"], mark["y"], steps=3)
    try:
        page.wait_for_function("(shows) => { const tip = document.querySelector('#vg-tooltip-element.visible');"
                               " return tip && tip.innerText.includes(shows); }", arg=shows, timeout=5_000)
    except PlaywrightTimeout:
        under = page.evaluate("([x, y]) => (document.elementFromPoint(x, y) || {}).outerHTML", [mark["x"], mark["y"]])
        tip = page.evaluate("() => (document.querySelector('#vg-tooltip-element') || {}).innerText")
        pytest.fail(f"no tooltip naming {shows!r} over {mark}; under the pointer: {str(under)[:200]}; tooltip: {tip!r}")
    text = page.locator("#vg-tooltip-element").inner_text()
    page.mouse.move(1, 1)  # away, while the mark is still drawn: its tooltip goes
    page.locator("#vg-tooltip-element.visible").wait_for(state="detached")
    return text


def assert_locale_number(text: str, lang: str, *, negative: bool = False) -> None:
    if lang == "en":
        assert re.search(r"\d\.\d", text) and not re.search(r"\d,\d(?!\d\d)", text), f"en: {text!r}"
    else:
        assert re.search(r"\d,\d", text), f"{lang}: no decimal comma in {text!r}"
        assert not re.search(r"\d\.\d", text), f"{lang}: a decimal point in {text!r}"
    if negative:
        assert MINUS in text and "-" not in text, f"{lang}: no true minus in {text!r}"


def test_a_chart_far_below_is_not_fetched_until_the_reader_comes_near(watched, served_site):
    """The pair heat map, far down the indicators page: neither its specification nor its
    data file is requested on arrival; scrolling to its figure draws it."""
    page, lang = watched.page, "en"
    page.goto(f"{served_site}{lang}/chapters/indicators.html", wait_until="load")
    page.wait_for_load_state("networkidle")
    assert not [url for url in watched.requests if "pair-trade-shares" in url]
    page.locator("#fig-pairs-latest").scroll_into_view_if_needed()
    page.wait_for_function("() => document.getElementById('chart-pair-trade-shares').classList.contains('vega-chart-ready')")
    assert [url for url in watched.requests if url.endswith("pair-trade-shares-by-year-en.csv")]
    watched.assert_clean("en/indicators, scrolled to the pairs")


@pytest.mark.parametrize("name", CHARTS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_chart_is_drawn_in_the_place_of_its_figure(watched, served_site, lang, name):
    box = open_chart(watched, served_site, lang, name)
    assert box.locator(".vega-chart-view svg").count() == 1
    assert len(marks(box)) > 0, f"{lang}/{name}: no marks drawn"
    figure = watched.page.locator(f"#{CHARTS[name].replaces}")
    assert figure.locator(f"#chart-{name}").count() == 1, f"{lang}/{name}: the chart is not inside its figure"
    assert not figure.locator("img").first.is_visible(), f"{lang}/{name}: the static picture is still shown"
    # the text description and the link to the data stay with the chart
    assert box.locator(".vega-chart-description").inner_text().strip()
    href = box.locator("a.vega-chart-data").get_attribute("href")
    data = watched.page.request.get(f"{served_site}{lang}/chapters/{href}")
    assert data.ok and data.headers["content-type"].startswith("text/csv")
    # every control is labelled in the edition's language
    labels = box.locator(".vega-bind .vega-bind-name").all_inner_texts()
    assert labels and all(label.strip() for label in labels)
    watched.assert_clean(f"{lang}/{name}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_indicators_tooltip_and_choices(watched, served_site, lang):
    page = watched.page
    box = open_chart(watched, served_site, lang, "indicators-over-time")
    value, grouping = t("col.value", lang), t("label.grouping", lang)
    drawn = marks(box)
    assert {m["datum"][t("col.indicator", lang)] for m in drawn} == {t("indicator.trade_share", lang)}
    share = isolated([m for m in drawn if m["datum"][value] > 0.01], drawn)
    text = hover_tooltip(page, share, share["datum"][grouping])
    assert str(share["datum"][t("label.year", lang)]) in text
    assert_locale_number(text, lang)
    assert "%" in text and (lang == "en") == ("\u00a0%" not in text)
    # the introversion index is negative for some groupings: chosen from the keyboard
    indicator = box.locator("select").first
    indicator.focus()
    wanted = t("indicator.introversion", lang)
    for _ in range(12):
        if indicator.input_value() == wanted:
            break
        page.keyboard.press("ArrowDown")
    assert indicator.input_value() == wanted
    page.wait_for_function("([id, wanted]) => document.getElementById(id).vegaView.signal('indicator') === wanted",
                           arg=["chart-indicators-over-time", wanted])
    drawn = marks(box)
    assert {m["datum"][t("col.indicator", lang)] for m in drawn} == {wanted}
    negative = isolated([m for m in drawn if m["datum"][value] < -0.005], drawn)
    text = hover_tooltip(page, negative, negative["datum"][grouping])
    assert_locale_number(text, lang, negative=True)
    # one grouping instead of all of them: fewer points
    groupings = {m["datum"][grouping] for m in drawn}
    chosen = sorted(groupings)[0]
    box.locator("select").nth(1).select_option(label=chosen)
    only = marks(box)
    assert 0 < len(only) < len(drawn) and {m["datum"][grouping] for m in only} == {chosen}
    watched.assert_clean(f"{lang}/indicators-over-time")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pairs_tooltip_and_year(watched, served_site, lang):
    page = watched.page
    box = open_chart(watched, served_site, lang, "pair-trade-shares")
    year, share = t("label.year", lang), t("indicator.trade_share", lang)
    first, second = t("download.col.country_a", lang), t("download.col.country_b", lang)
    drawn = marks(box)
    years = {m["datum"][year] for m in drawn}
    assert len(years) == 1
    cell = max(drawn, key=lambda m: m["datum"][share])
    text = hover_tooltip(page, cell, cell["datum"][first])
    assert cell["datum"][second] in text
    assert_locale_number(text, lang)
    # the slider, from the keyboard: one year back
    slider = box.locator("input[type=range]")
    slider.focus()
    page.keyboard.press("ArrowLeft")
    (before,) = years
    page.wait_for_function("([id, y]) => document.getElementById(id).vegaView.signal('year') === y",
                           arg=["chart-pair-trade-shares", before - 1])
    after = marks(box)
    assert {m["datum"][year] for m in after} == {before - 1}
    assert [m["datum"][share] for m in after] != [m["datum"][share] for m in drawn]
    watched.assert_clean(f"{lang}/pair-trade-shares")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_index_places_and_the_linked_profile(watched, served_site, lang):
    page = watched.page
    box = open_chart(watched, served_site, lang, "index-ranks")
    country, iso, year = t("col.country", lang), t("download.col.iso3", lang), t("label.year", lang)
    score, rank = t("factor.col.score", lang), t("factor.col.rank", lang)
    drawn = marks(box)
    ranked = [m for m in drawn if score in m["datum"] and m["y"] < min(o["y"] for o in drawn if "F1" in o["datum"])]
    assert len(ranked) == 26 and len({m["datum"][year] for m in ranked}) == 1
    # the profile below shows one country, Kazakhstan first: its factor scores over the years
    profile = {m["datum"][iso] for m in drawn if "F1" in m["datum"]}
    assert profile == {"KAZ"}
    top = min(ranked, key=lambda m: m["datum"][rank])
    text = hover_tooltip(page, top, top["datum"][country])
    assert_locale_number(text, lang)  # the index, one decimal
    # a click on another country's dot: the profile follows
    listed_first = box.locator("select option").first.get_attribute("value")
    other = next(m for m in ranked if m["datum"][iso] not in ("KAZ", listed_first))
    page.mouse.click(other["x"], other["y"])
    page.wait_for_function("([id, code]) => { const s = document.getElementById(id).vegaView.signal('country');"
                           " return s && JSON.stringify(s).includes(code); }", arg=["chart-index-ranks", other["datum"][iso]])
    assert {m["datum"][iso] for m in marks(box) if "F1" in m["datum"]} == {other["datum"][iso]}
    # the same from the keyboard, in the list of countries
    chooser = box.locator("select")
    chooser.focus()
    page.keyboard.press("Home")
    first = chooser.input_value()
    assert first == listed_first
    page.wait_for_function("([id, code]) => JSON.stringify(document.getElementById(id).vegaView.signal('country')).includes(code)",
                           arg=["chart-index-ranks", first])
    after = marks(box)
    assert {m["datum"][iso] for m in after if "F1" in m["datum"]} == {first}
    # a factor score, negative for some years of some countries, in the edition's locale
    scores = [m for m in after if "F1" in m["datum"] and m["datum"].get("score") is not None]
    negative = [m for m in scores if m["datum"]["score"] < -0.005]
    if negative:
        text = hover_tooltip(page, isolated(negative, after), first)
        assert_locale_number(text, lang, negative=True)
    watched.assert_clean(f"{lang}/index-ranks")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_swot_evidence_against_thresholds(watched, served_site, lang):
    page = watched.page
    box = open_chart(watched, served_site, lang, "swot-evidence")
    code, group, unit = t("swot.col.code", lang), t("chart.swot.group", lang), t("col.unit", lang)
    drawn = marks(box)
    codes = {m["datum"][code] for m in drawn}
    assert {c[0] for c in codes} == set("SWOT") and len(drawn) > len(codes) - 1
    shares = [m for m in drawn if m["datum"][unit] == t("chart.swot.unit.share", lang)]
    text = hover_tooltip(page, isolated(shares, drawn), isolated(shares, drawn)["datum"][code])
    assert "%" in text
    assert_locale_number(text, lang)
    negative = [m for m in drawn if m["datum"][t("chart.swot.statistic", lang)] < 0]
    chosen = isolated(negative, drawn)
    text = hover_tooltip(page, chosen, chosen["datum"][code])
    assert MINUS in text and not re.search(r"-\d", text), f"{lang}: {text!r}"
    # one group of the SWOT, chosen from the keyboard: only its items are drawn
    chooser = box.locator("select")
    chooser.focus()
    page.keyboard.press("ArrowDown")
    chosen_group = t("swot.group.S", lang)
    page.wait_for_function("([id, g]) => document.getElementById(id).vegaView.signal('group') === g",
                           arg=["chart-swot-evidence", chosen_group])
    only = marks(box)
    assert 0 < len(only) < len(drawn) and {m["datum"][group] for m in only} == {chosen_group}
    watched.assert_clean(f"{lang}/swot-evidence")
