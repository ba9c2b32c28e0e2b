"""Every page in both languages at a projector's 1280×720 and at 1920×1080, in Chromium:
no error box, no KPI value cut off, the table columns that matter first, chart text large
enough to read, the navigation in the page's language. Screenshots land in tests/artifacts/
as layout_<page>_<lang>_<width>x<height>.png for people to look at."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_browser import browser, no_errors, settle, shot, streamlit_server  # noqa: F401 (browser: a fixture)

PAGES = [
    ("portfolio", ""), ("whatif", ""), ("limits", ""), ("aging", ""), ("kpis", ""), ("provisions", ""),
    ("collections", ""), ("watchlist", ""), ("migration", ""), ("reviews", ""), ("scoring", ""),
    ("customer", "customer=C000001"), ("applications", ""), ("committee", ""), ("audit", ""), ("data", ""),
]
SIZES = [(1280, 720), (1920, 1080)]
LANGS = ["en", "zh"]

CUT_VALUES = """() => [...document.querySelectorAll('[data-testid="stMetricValue"]')].filter(el =>
  [el, ...el.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1)).map(e => e.innerText)"""
# each table's header cells in order (the grid's accessible table lists every column)
TABLE_HEADERS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')].map(d =>
  [...d.querySelectorAll('th')].map(t => t.innerText))"""
SMALL_CHART_TEXT = """() => [...document.querySelectorAll('.js-plotly-plot svg text')].filter(t =>
  t.textContent.trim() && t.getBoundingClientRect().width > 0 && parseFloat(getComputedStyle(t).fontSize) < 12
).map(t => t.textContent + ' ' + getComputedStyle(t).fontSize).slice(0, 10)"""
NAV = """() => [...document.querySelectorAll('[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]')]
  .map(a => a.innerText.trim().split('\\n').pop()).filter(t => t.trim())"""  # the icon's ligature name comes first
MATTERS = re.compile(r"\((CNY|USD|EUR)\)|days past due|逾期天数|Score|评分|Stage|阶段|Grade|等级")


@pytest.fixture(scope="module")
def layout_server(generated_warehouse):
    # administrator: sees every page (the decisions pages too)
    with streamlit_server(generated_warehouse, CREDIT_SIGN_IN_ROLE="administrator") as url:
        yield url


@pytest.fixture(scope="module", params=[(lang, size) for lang in LANGS for size in SIZES],
                ids=[f"{lang}-{w}x{h}" for lang in LANGS for w, h in SIZES])
def screen(request, browser):
    lang, (width, height) = request.param
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN" if lang == "zh" else "en-US")
    page = ctx.new_page()
    yield page, lang, width, height
    ctx.close()


@pytest.mark.parametrize(("path", "query"), PAGES, ids=[p for p, _ in PAGES])
def test_every_page_fits_the_screen(layout_server, screen, path, query):
    page, lang, width, height = screen
    page.goto(f"{layout_server}/{path}?lang={lang}" + (f"&{query}" if query else ""))
    settle(page)
    shot(page, f"layout_{path}_{lang}_{width}x{height}")
    no_errors(page)
    cut = page.evaluate(CUT_VALUES)
    assert not cut, f"{path} ({lang}, {width}×{height}): KPI values cut off: {cut}"
    for headers in page.evaluate(TABLE_HEADERS):
        first = next((i for i, h in enumerate(headers) if MATTERS.search(h)), None)
        if first is not None:  # the first column that matters sits right after the row's name and id
            assert first <= 3, f"{path} ({lang}): the first amount / score column comes {first + 1}th: {headers}"
    small = page.evaluate(SMALL_CHART_TEXT)
    assert not small, f"{path} ({lang}): chart text below 12 px: {small}"
    nav = page.evaluate(NAV)
    assert len(nav) == len(PAGES), f"the navigation lists {len(nav)} pages: {nav}"  # every page, none folded away
    assert page.get_by_text("Page not found").count() == 0  # every page has its own URL (/portfolio too)
    if lang == "zh":
        english = [t for t in nav if re.search(r"[A-Za-z]{3,}", re.sub(r"\b(KPI|CEI|DSO)\b", "", t))]
        assert not english, f"navigation not in Chinese: {english}"
