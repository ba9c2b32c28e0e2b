"""The real thing: `streamlit run app.py` driven by Debian's Chromium through Playwright.

Screenshots land in tests/artifacts/ for people to look at.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(warehouse: Path, **extra_env: str) -> Iterator[str]:
    """`streamlit run app.py` on a free port, serving `warehouse`, until the block ends; its
    own decisions store and accounts file, without sign-in unless extra_env says otherwise."""
    port = free_port()
    own = Path(tempfile.mkdtemp(prefix=f"server-{port}-"))  # never beside a warehouse in the work tree
    env = {**os.environ, "CREDIT_WAREHOUSE": str(warehouse),
           "CREDIT_SCENARIOS": str(own / "scenarios.json"),
           "CREDIT_STORE_URL": f"sqlite:///{own / 'decisions.sqlite'}",
           "CREDIT_ACCOUNTS_FILE": str(own / "accounts.yaml"),
           "CREDIT_SIGN_IN": "none", "CREDIT_SIGN_IN_ROLE": "credit_analyst", **extra_env}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / f"streamlit-{port}.log"  # a file, not a pipe: a full pipe would stall the server
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        log.close()
        raise RuntimeError("streamlit did not start: " + log_path.read_text(errors="replace")[-3000:])
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def server(generated_warehouse: Path) -> Iterator[str]:
    with streamlit_server(generated_warehouse) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (tests/run_all.sh does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROME_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1500, "height": 1000})
    pg = ctx.new_page()
    yield pg
    ctx.close()


def settle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the app is connected, no script is running and the page has stopped growing."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_function(
        """() => document.querySelectorAll('[data-testid="stMetric"], [data-testid="stHeading"]').length > 0""",
        timeout=timeout_ms,
    )
    deadline = time.time() + timeout_ms / 1000
    last, stable = -1, 0
    while time.time() < deadline and stable < 3:
        page.wait_for_timeout(500)
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        count = page.locator('[data-testid="stElementContainer"]').count()
        stable = stable + 1 if count == last and not running else 0
        last = count


def no_errors(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]').first.inner_text()
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    assert "has encountered an error" not in page.inner_text("body")  # the redacted exception box


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def metric_value(page, label: str) -> str:
    tile = page.locator('[data-testid="stMetric"]', has_text=label).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text()


def test_portfolio_page_and_sidebar_filter(server, page):
    page.goto(server)
    settle(page)
    no_errors(page)
    assert page.get_by_role("heading", name="Portfolio exposure").count() >= 1
    page.locator('[data-testid="stPlotlyChart"]').nth(2).wait_for(timeout=30_000)  # at least 3 charts drawn
    shot(page, "portfolio")
    before = metric_value(page, "Gross exposure")

    page.get_by_text("Filters", exact=True).click()
    page.locator('[data-testid="stMultiSelect"]').first.click()
    page.get_by_role("option", name="core").click()
    page.keyboard.press("Escape")
    page.wait_for_function(
        """(before) => {
            const tile = [...document.querySelectorAll('[data-testid="stMetric"]')]
                .find(t => t.innerText.includes('Gross exposure'));
            return tile && !tile.innerText.includes(before) && !document.querySelector('[data-testid="stStatusWidget"]');
        }""",
        arg=before, timeout=60_000,
    )
    settle(page)
    no_errors(page)
    assert metric_value(page, "Gross exposure") != before
    page.wait_for_url("**segment=core**", timeout=10_000)
    shot(page, "portfolio_filtered")


def test_link_reproduces_the_view(server, page):
    page.goto(f"{server}/?segment=core")
    settle(page)
    filtered = metric_value(page, "Gross exposure")
    page.goto(f"{server}/")
    settle(page)
    assert metric_value(page, "Gross exposure") != filtered


def test_customer_credit_file(server, page):
    page.goto(f"{server}/customer?customer=C000001")
    settle(page)
    no_errors(page)
    assert page.get_by_role("heading", name="Customer credit file").count() == 1
    assert page.get_by_text("Exposure against limit over time").count() == 1
    shot(page, "customer")


def test_data_page(server, page):
    page.goto(f"{server}/data")
    settle(page)
    no_errors(page)
    assert page.get_by_text("Credit policy in force").count() == 1
    shot(page, "data")


def test_nonsense_url_gets_a_message_not_a_traceback(server, page):
    page.goto(f"{server}/portfolio?as_of=not-a-date&segment=platinum")
    settle(page)
    no_errors(page)
    body = page.inner_text("body")
    assert "is not a date" in body and "'platinum' ignored" in body
    assert "Traceback" not in body


def test_deep_link_on_a_fresh_server_opens_the_page_asked_for(generated_warehouse, page):
    """The first request a new server gets is a shared link to a page, not the start page."""
    with streamlit_server(generated_warehouse) as url:
        page.goto(f"{url}/customer?customer=C000002&as_of=2025-06-30")
        settle(page)
        no_errors(page)
        assert page.get_by_role("heading", name="Customer credit file").count() == 1
        assert "C000002 · as of Jun 30, 2025" in page.inner_text("body")  # dates in the locale's form
        page.wait_for_url("**/customer?**customer=C000002**", timeout=10_000)


@pytest.mark.parametrize(("path", "heading"), [
    ("aging", "Receivables aging"),
    ("kpis", "Payment KPIs"),
    ("provisions", "Roll rates and provisions"),
    ("collections", "Collections worklist"),
    ("watchlist", "Watchlist"),
    ("migration", "Rating migration"),
    ("reviews", "Review schedule"),
    ("scoring", "Credit scoring"),
    ("limits", "Limit recommendations"),
])
def test_analysis_pages(server, page, path, heading):
    page.goto(f"{server}/{path}")
    settle(page)
    no_errors(page)
    assert page.get_by_role("heading", name=heading).count() == 1
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=30_000)
    shot(page, path)


def test_worklist_row_opens_the_credit_file(server, page):
    page.goto(f"{server}/collections")
    settle(page)
    grid = page.locator('[data-testid="stDataFrame"]').nth(1)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 52)  # the selection checkbox of the first data row
    page.wait_for_url("**/customer?**", timeout=30_000)
    settle(page)
    no_errors(page)
    assert page.get_by_role("heading", name="Customer credit file").count() == 1


def test_watchlist_toggle_reruns_the_board(server, page):
    page.goto(f"{server}/watchlist")
    settle(page)
    before = metric_value(page, "On the watchlist")
    page.get_by_text("Try a tighter or looser policy").click()
    page.get_by_text("Days past due (oldest open item)").first.click()  # switch the rule off
    page.wait_for_function(
        """(before) => { const t = [...document.querySelectorAll('[data-testid="stMetric"]')]
             .find(m => m.innerText.includes('On the watchlist'));
             return t && !t.innerText.includes(before); }""", arg=before, timeout=30_000)
    settle(page)
    no_errors(page)
    assert int(metric_value(page, "On the watchlist").replace(",", "")) < int(before.replace(",", ""))
    assert page.get_by_text("Trying thresholds other than the policy").count() == 1
    shot(page, "watchlist_tried")


def test_migration_exposure_weighting(server, page):
    page.goto(f"{server}/migration")
    settle(page)
    page.get_by_role("radio", name="exposure (CNY)").click()
    settle(page)
    no_errors(page)
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 5
    shot(page, "migration_exposure")


def test_whatif_lever_reruns_the_panel_and_the_link_reproduces_it(server, page):
    page.goto(f"{server}/whatif")
    settle(page)
    page.get_by_text("Loss quantiles: Monte Carlo").wait_for(timeout=60_000)
    no_errors(page)
    assert page.get_by_role("heading", name="What-if: limits and stress").count() == 1
    before = metric_value(page, "Expected loss")
    page.get_by_role("tab", name="Stress").click()
    handle = page.locator('[data-testid="stSlider"]', has_text="PD multiplier").get_by_role("slider")
    handle.focus()
    for _ in range(10):  # 1.0 -> 2.0 in steps of 0.1
        handle.press("ArrowRight")
    page.wait_for_function(
        """(before) => { const t = [...document.querySelectorAll('[data-testid="stMetric"]')]
             .find(m => m.innerText.includes('Expected loss'));
             return t && !t.innerText.includes(before); }""", arg=before, timeout=30_000)
    page.get_by_text("Loss quantiles: Monte Carlo").wait_for(timeout=60_000)
    settle(page)
    no_errors(page)
    after = metric_value(page, "Expected loss")
    assert "scenario=" in page.url
    assert page.get_by_text("Changed from today: PD multiplier.").count() == 1
    shot(page, "whatif")
    page.goto(page.url)  # the shared link opens the same scenario
    settle(page)
    page.get_by_text("Loss quantiles: Monte Carlo").wait_for(timeout=60_000)
    no_errors(page)
    assert metric_value(page, "Expected loss") == after


@pytest.fixture(scope="module")
def scored_server(scored_warehouse: Path) -> Iterator[str]:
    """The app on the three-year portfolio whose statistical model and challenger are trained."""
    with streamlit_server(scored_warehouse) as url:
        yield url


@pytest.mark.parametrize("size", ["1920x1080", "1280x720"])
def test_a_scorecard_weight_regrades_the_portfolio(scored_server, browser, size):
    width, height = (int(v) for v in size.split("x"))
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    try:
        page.goto(f"{scored_server}/scoring")
        settle(page)
        no_errors(page)
        page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=30_000)
        assert metric_value(page, "Grades moved") == "0"
        shot(page, f"scoring_{size}")
        handle = page.locator('[data-testid="stSlider"]', has_text="Payment history").get_by_role("slider")
        handle.focus()
        handle.press("Home")  # 45 % -> 0 %: the other dimensions alone
        page.wait_for_function(
            """() => { const t = [...document.querySelectorAll('[data-testid="stMetric"]')]
                 .find(m => m.innerText.includes('Grades moved'));
                 return t && !t.innerText.includes('Grades moved\\n0'); }""", timeout=30_000)
        settle(page)
        no_errors(page)
        assert int(metric_value(page, "Grades moved").replace(",", "")) > 0
        # the reasons read as the field reads them, not as column names
        assert "late_settled_12m_pct" not in page.inner_text("body")
        shot(page, f"scoring_weights_{size}")
    finally:
        ctx.close()


@pytest.mark.parametrize("size", ["1920x1080", "1280x720"])
def test_the_statistical_model_shows_its_validation(scored_server, browser, size):
    ctx = browser.new_context(viewport=SIZES[size])
    page = ctx.new_page()
    try:
        page.goto(f"{scored_server}/scoring")
        settle(page)
        page.locator('[data-testid="stButtonGroup"] button', has_text="Statistical model (WoE logistic)").click()
        page.wait_for_url("**model=statistical**", timeout=30_000)
        settle(page)
        no_errors(page)
        auroc = float(metric_value(page, "OOT AUROC"))
        assert 0.5 < auroc < 1.0
        body = page.inner_text("body")
        for heading in ("ROC curve", "Cumulative accuracy profile (CAP)", "Calibration by grade",
                        "Population stability"):
            assert heading in body, heading
        # the grade chart, ROC, CAP, calibration and stability: every chart drawn, none empty
        charts = page.locator('[data-testid="stPlotlyChart"]')
        assert charts.count() >= 5
        for i in range(charts.count()):
            charts.nth(i).scroll_into_view_if_needed()
            assert charts.nth(i).locator("g.trace, g.barlayer .point, path.js-line").count() > 0, i
        shot(page, f"scoring_statistical_{size}")
        page.get_by_role("tab", name="Characteristics").click()
        page.get_by_text("The scorecard: bins, weight of evidence and points").wait_for(timeout=20_000)
        no_errors(page)
        shot(page, f"scoring_statistical_bins_{size}")
    finally:
        ctx.close()


def test_the_credit_file_shows_the_scores_and_their_reasons(scored_server, scored_warehouse, page):
    import duckdb

    from analytics.data.warehouse import current_path
    from analytics.risk.scorecard import CHARACTERISTICS

    con = duckdb.connect(str(current_path(scored_warehouse)), read_only=True)
    try:  # a customer the statistical model gives a reason at the latest month-end
        customer, reason = con.sql(
            "select customer_id, reason_1 from model_scores where model = 'statistical' and reason_1 is not null "
            "order by snapshot_date desc, score limit 1").fetchall()[0]
    finally:
        con.close()
    page.goto(f"{scored_server}/customer?customer={customer}")
    settle(page)
    no_errors(page)
    page.get_by_role("heading", name="Credit scoring").wait_for(timeout=30_000)
    body = page.inner_text("body")
    assert "Statistical model (WoE logistic)" in body and CHARACTERISTICS[reason] in body
    assert "Limit recommendation" in body
    shot(page, "customer_scoring")


# ----------------------------------------------------------------------------- the ledger in the browser

CASES = ROOT / "tests" / "fixtures" / "cases" / "receivables"
SIZES = {"1920x1080": {"width": 1920, "height": 1080}, "1280x720": {"width": 1280, "height": 720}}


@pytest.fixture(scope="module")
def case_server(warehouse_of):
    """One server over the group-limit case and one over the cash-on-account case."""
    urls = {}
    with contextlib.ExitStack() as stack:
        for case in ("08-group-credit-limit", "05-unapplied-cash-on-account"):
            urls[case[:2]] = stack.enter_context(streamlit_server(warehouse_of(CASES / case / "data")))
        yield urls


@pytest.mark.parametrize("size", list(SIZES))
def test_a_group_member_sees_the_group_limit_it_draws_on(case_server, browser, size):
    ctx = browser.new_context(viewport=SIZES[size])
    page = ctx.new_page()
    try:
        page.goto(f"{case_server['08']}/customer?customer=S2")
        settle(page)
        no_errors(page)
        body = page.inner_text("body")
        assert "draws on the group limit of G1: group exposure CNY 11,000 of CNY 10,000 (110.0 %)" in body
        assert metric_value(page, "Group utilization") == "110.0 %"
        shot(page, f"customer_group_member_{size}")
        page.goto(f"{case_server['08']}/")
        settle(page)
        no_errors(page)
        assert metric_value(page, "Utilization") == "110.0 %" and metric_value(page, "Customers over limit") == "1"
        shot(page, f"portfolio_group_limit_{size}")
    finally:
        ctx.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_cash_on_account_is_a_line_of_its_own_and_nobody_is_chased(case_server, browser, size):
    ctx = browser.new_context(viewport=SIZES[size])
    page = ctx.new_page()
    try:
        page.goto(f"{case_server['05']}/aging?as_of=2024-03-31")
        settle(page)
        no_errors(page)
        assert metric_value(page, "Open AR") == "CNY -500"
        assert "Unapplied cash / credits: CNY -500 on 1 account in credit" in page.inner_text("body")
        shot(page, f"aging_credits_{size}")
        page.goto(f"{case_server['05']}/collections?as_of=2024-03-31")
        settle(page)
        no_errors(page)
        assert metric_value(page, "Customers to chase") == "0"
        page.goto(f"{case_server['05']}/data?as_of=2024-03-31")
        settle(page)
        no_errors(page)
        body = page.inner_text("body")
        assert "Reconciliation at Mar 31, 2024" in body and "The ledger and the aging tie in CNY" in body
        shot(page, f"data_reconciliation_{size}")
    finally:
        ctx.close()


def test_any_day_from_the_sidebar_and_from_a_link(server, page, generated_warehouse):
    """A day without a snapshot: from a link it opens with 'Another day…' and its date; picked
    in the sidebar it is built on demand and written to the link."""
    from analytics.views import calendar
    from analytics.data.warehouse import Warehouse

    wh = Warehouse(generated_warehouse)
    try:
        cal = calendar(wh)
    finally:
        wh.close()
    day = date.fromordinal(cal.dates[4].toordinal() - 11)
    page.goto(f"{server}/aging?as_of={day.isoformat()}")
    settle(page)
    no_errors(page)
    assert f"As of {day:%b} {day.day}, {day.year}" in page.inner_text("body")  # the locale's form
    assert "Another day" in page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input').first.input_value()
    shot(page, "aging_on_demand_day")
    other = date.fromordinal(day.toordinal() - 20)
    field = page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"] input')
    field.fill(other.isoformat())
    field.press("Enter")
    page.keyboard.press("Escape")  # the picker commits the typed day when it closes
    page.wait_for_function(f"location.search.includes('as_of={other.isoformat()}')", timeout=60_000)
    settle(page)
    no_errors(page)
    assert f"As of {other:%b} {other.day}, {other.year}" in page.inner_text("body")


# ----------------------------------------------------------------------------- issue 11: nothing harmful out

NAME_PAYLOAD = "<img src=http://127.0.0.1:9/name.png>![x](http://127.0.0.1:9/md.png) **Gamma** :red[alarm]"
INDUSTRY_PAYLOAD = "<b>Heavy</b><img src=http://127.0.0.1:9/ind.png>"


@pytest.fixture(scope="module")
def payload_server(tmp_path_factory, warehouse_of):
    """The tiny portfolio with a customer whose name and industry are markup."""
    import shutil

    from tests.conftest import TINY
    src = tmp_path_factory.mktemp("payload_src")
    shutil.copytree(TINY, src, dirs_exist_ok=True)
    path = src / "customers.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "C3,Gamma Co,,Machinery,", f"C3,{NAME_PAYLOAD},,{INDUSTRY_PAYLOAD},"), encoding="utf-8")
    with streamlit_server(warehouse_of(src)) as url:
        yield url


def test_markup_in_the_data_is_shown_as_text_and_loads_nothing(payload_server, page):
    outside: list[str] = []
    page.on("request", lambda req: outside.append(req.url) if "127.0.0.1:9/" in req.url else None)
    page.goto(f"{payload_server}/customer?customer=C3")
    settle(page)
    no_errors(page)
    heading = page.locator('[data-testid="stHeading"]', has_text="Gamma").first.inner_text()
    assert NAME_PAYLOAD in heading.replace("\n", " ")  # the literal text, markup and all
    assert page.locator("main img[src*='127.0.0.1:9']").count() == 0
    assert page.locator("main strong", has_text="Gamma").count() == 0
    page.goto(f"{payload_server}/")
    settle(page)
    no_errors(page)
    page.get_by_role("tab", name="Industry").click(timeout=5000)
    settle(page)
    page.wait_for_selector(".js-plotly-plot")
    ticks = " ".join(t or "" for t in page.locator(".js-plotly-plot .xtick text").all_text_contents())
    assert "<b>Heavy</b>" in ticks  # plotly shows the tags as text, it does not render them
    shot(page, "payload_portfolio")
    assert outside == [], f"the page fetched {outside}"


def test_sigterm_stops_the_server_promptly_during_a_monte_carlo(generated_warehouse, page):
    """A link asking for the largest Monte Carlo allowed (200,000 years x 1,000 names one by
    one: several seconds on the sample); SIGTERM while it runs: the server exits at once (the
    runs are daemon threads that stop at their next chunk; a worker pool would be waited
    for)."""
    from dataclasses import replace as dc_replace

    from analytics.policy.levers import MAX_MONTE_CARLO_WORK
    from analytics.policy import load_policy
    base = load_policy().levers
    heavy = dc_replace(base, simulations=200_000, individual_names=1_000, seed=99)
    assert heavy.simulations * heavy.individual_names <= MAX_MONTE_CARLO_WORK
    port = free_port()
    env = {**os.environ, "CREDIT_WAREHOUSE": str(generated_warehouse)}
    log = open(ARTIFACTS / f"streamlit-sigterm-{port}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 90
        while time.time() < deadline:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            time.sleep(0.5)
        page.goto(f"{url}/whatif?scenario={heavy.token(base)}")
        page.locator('[data-testid="stCaptionContainer"]', has_text="the Monte Carlo is running").first.wait_for(
            timeout=90_000)
        started = time.time()
        proc.terminate()
        proc.wait(timeout=30)
        assert time.time() - started < 3, "the server took too long to stop"
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
