"""The decision side in a real browser: an analyst signs in and submits an application, a
credit manager signs in and decides it; a committee meeting runs in present mode at
1280x720 and 1920x1080 with no headline figure truncated and chart text of 14 px or more."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from analytics.policy import load_policy
from analytics.policy.access import Actor
from analytics.store import accounts
from analytics.store.decisions import ApplicationRequest, DecisionStore
from analytics.data.warehouse import Warehouse
from analytics.views import Filters, calendar
from analytics.views.decisions import customer_picture, propose_agenda
from analytics.views.monitoring import monitoring_inputs
from tests.e2e.test_browser import browser, no_errors, settle, shot, streamlit_server  # noqa: F401 (browser: a fixture)

pytestmark = pytest.mark.e2e
USERS = {"analyst": ("credit_analyst", "analyst-password-1"), "manager": ("credit_manager", "manager-password-1"),
         "member1": ("committee_member", "member1-password"), "member2": ("committee_member", "member2-password"),
         "member3": ("committee_member", "member3-password")}


@pytest.fixture(scope="module")
def signed_server(generated_warehouse: Path, tmp_path_factory):
    """A server with local sign-in, its own accounts file and decisions store."""
    folder = tmp_path_factory.mktemp("decisions_e2e")
    path = folder / "accounts.yaml"
    for username, (role, password) in USERS.items():
        accounts.add_user(path, username, username.title(), (role,), password)
    store_url = f"sqlite:///{folder / 'decisions.sqlite'}"
    with streamlit_server(generated_warehouse, CREDIT_SIGN_IN="local", CREDIT_ACCOUNTS_FILE=str(path),
                          CREDIT_STORE_URL=store_url) as url:
        yield url, store_url


def sign_in(page, url: str, username: str) -> None:
    """Sign in through the form. The sign-in's cookie check reruns the page once after it
    loads; a click that lands during that rerun is lost (the form comes back empty), so the
    form is filled again until the sidebar shows the account (at most three times)."""
    page.goto(url)
    account = page.locator('[data-testid="stSidebar"]').get_by_text(f"{username.title()} (").first
    for attempt in range(3):
        page.wait_for_selector('input[aria-label="Password"]', timeout=60_000)
        settle(page)
        page.locator('input[aria-label="Username"]').fill(username)
        page.locator('input[aria-label="Password"]').fill(USERS[username][1])
        page.get_by_role("button", name="Sign in").click()
        try:
            account.wait_for(timeout=15_000)
            break
        except Exception:
            if attempt == 2:
                shot(page, f"sign_in_failed_{username}")
                raise
    settle(page)


def open_page(page, title: str) -> None:
    """Open a page from the sidebar (a link typed into the address bar starts a new session)."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    more = sidebar.get_by_text("View", exact=False).filter(has_text="more")
    if more.count():
        more.first.click()
    sidebar.get_by_role("link", name=title).click()
    page.locator("h1", has_text=title).first.wait_for(timeout=60_000)
    settle(page)


def pick_meeting(page, title: str) -> None:
    """Open a meeting from the committee page's picker."""
    page.locator('[data-testid="stSelectbox"]', has_text="Open a meeting").click()
    page.get_by_role("option", name=title, exact=False).first.click()
    page.locator(".st-key-mtg_open button").click()
    page.get_by_role("button", name="Present").wait_for(timeout=60_000)
    settle(page)


def a_customer(generated_warehouse: Path, skip: int = 0) -> tuple[str, float]:
    """A customer whose 100,000 raise a credit manager decides: its group's limit after the
    raise and its group's exposure within 1,000,000, not core, graded BB or better."""
    policy = load_policy()
    wh = Warehouse(generated_warehouse)
    try:
        latest = calendar(wh).latest
        customers = monitoring_inputs(wh, latest, Filters(), policy).customers
        fit = customers.filter(pl.col("is_line_holder") & (pl.col("limit_amt") < 500_000)
                               & (pl.col("gross_exposure_amt") < pl.col("limit_amt")) & (pl.col("segment") != "core")
                               & pl.col("grade").is_in(["AAA", "AA", "A", "BBB", "BB"])).sort("customer_id")
        found = []
        for customer in fit["customer_id"].to_list():
            pic = customer_picture(wh, customer, latest, policy)
            limit = pic.current_limit_amt or 0.0
            if pic.group_limit_amt - limit + limit + 100_000 <= 1_000_000 and pic.group_exposure_amt <= 1_000_000:
                found.append((customer, limit))
            if len(found) > skip:
                return found[skip]
    finally:
        wh.close()
    raise AssertionError("no customer fits")


def test_an_analyst_submits_and_a_manager_decides(signed_server, browser, generated_warehouse):
    url, store_url = signed_server
    customer, limit = a_customer(generated_warehouse)
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    sign_in(page, url, "analyst")
    page.goto(f"{url}/committee")  # a link opened anew: the session signs in by its cookie and opens it
    page.locator("h1", has_text="Credit committee").first.wait_for(timeout=60_000)
    settle(page)
    open_page(page, "Credit applications")
    page.get_by_text("New application", exact=True).first.click()
    settle(page)
    search = page.locator('input[aria-label="Customer (id or part of the name)"]')
    search.fill(customer)
    search.press("Enter")
    page.locator('input[aria-label*="Requested limit"]').wait_for(timeout=60_000)
    settle(page)
    no_errors(page)
    field = page.locator('input[aria-label*="Requested limit"]')
    field.fill(str(int(limit + 100_000)))
    field.press("Enter")
    page.locator('textarea[aria-label*="Your recommendation"]').fill("Pays within terms; sales to it grow 20 % a year.")
    page.keyboard.press("Tab")  # a text area applies its value on leaving it (a rerun)
    settle(page)
    shot(page, "application_new_1280x720")
    page.get_by_role("button", name="Submit the application").click()
    try:
        page.get_by_text("submitted: it goes to the credit manager").first.wait_for(timeout=60_000)
    except Exception:
        shot(page, "application_submit_failed")
        raise
    settle(page)
    no_errors(page)
    shot(page, "application_submitted_1280x720")
    ctx.close()

    store = DecisionStore(load_policy(), url=store_url)
    app_row = store.applications().row(0, named=True)
    assert (app_row["customer_id"], app_row["requested_limit_amt"], app_row["proposed_by"], app_row["required_level"]) \
        == (customer, float(int(limit + 100_000)), "analyst", "credit manager")

    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = ctx.new_page()
    sign_in(page, url, "manager")
    open_page(page, "Credit applications")
    page.locator(".st-key-app_open button").click()  # the queue's newest: this application
    page.get_by_role("button", name="Record the decision").wait_for(timeout=60_000)
    settle(page)
    no_errors(page)
    page.get_by_role("button", name="Record the decision").click()  # no reason yet: refused, nothing changes
    page.get_by_text("The reason for the decision is required").first.wait_for(timeout=30_000)
    assert store.decisions().height == 0
    page.locator('textarea[aria-label="Reason (required)"]').fill("Three clean years; the raise is within policy.")
    page.keyboard.press("Tab")
    settle(page)
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_text(f"Application {app_row['application_id']}: approved.").first.wait_for(timeout=60_000)
    settle(page)
    shot(page, "application_decided_1920x1080")
    ctx.close()
    decided = store.decisions().row(0, named=True)
    assert (decided["outcome"], decided["decided_by"], decided["limit_amt"]) == (
        "approved", "manager", float(int(limit + 100_000)))
    assert store.verify_audit().ok
    assert {"sign_in", "submit", "decide"} <= set(store.audit_entries(Actor("a", "a", ("cfo",)))["action"])


TRUNCATION_JS = """() => [...document.querySelectorAll('[data-testid="stMetricValue"]')].flatMap(el =>
  [el, ...el.querySelectorAll('*')]).filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""
CHART_FONTS_JS = """() => [...document.querySelectorAll('.js-plotly-plot text')].map(t =>
  parseFloat(getComputedStyle(t).fontSize)).filter(s => s > 0)"""


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_a_meeting_in_present_mode(signed_server, browser, generated_warehouse, size):
    url, store_url = signed_server
    policy = load_policy()
    store = DecisionStore(policy, url=store_url)
    customer, _limit = a_customer(generated_warehouse)
    wh = Warehouse(generated_warehouse)
    try:
        latest = calendar(wh).latest
        pic = customer_picture(wh, customer, latest, policy)
        app_id = store.submit(Actor("analyst", "Analyst", ("credit_analyst",)),
                              ApplicationRequest(customer, "limit_increase", "strategic customer",
                                                 requested_limit_amt=25_000_000.0), pic)
        agenda = propose_agenda(wh, store, latest, date(2026, 12, 8), policy)
    finally:
        wh.close()
    meeting = store.create_meeting(Actor("manager", "Manager", ("credit_manager",)), date(2026, 12, 8),
                                   f"Committee {size[0]}", latest, agenda)
    assert agenda.filter(pl.col("application_id") == app_id).height == 1
    position = agenda.filter(pl.col("application_id") == app_id)["position"][0]

    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = ctx.new_page()
    sign_in(page, url, "member1")
    open_page(page, "Credit committee")
    pick_meeting(page, f"Committee {size[0]}")
    page.get_by_role("button", name="Present").click()
    settle(page)
    for _ in range(position - 1):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(400)
    page.wait_for_url(f"**item={position}**", timeout=30_000)
    settle(page)
    no_errors(page)
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    assert page.locator('[data-testid="stMetricValue"]').count() >= 8
    assert page.evaluate(TRUNCATION_JS) == []
    fonts = page.evaluate(CHART_FONTS_JS)
    assert fonts and min(fonts) >= 14, fonts
    shot(page, f"present_item_{size[0]}x{size[1]}")
    page.locator('[data-testid="stButtonGroup"]').get_by_text("For", exact=True).click()
    settle(page)
    page.get_by_role("button", name="Cast my vote").click()
    try:
        page.get_by_text("Your vote on application").first.wait_for(timeout=30_000)
    except Exception:
        shot(page, f"present_vote_failed_{size[0]}")
        raise
    assert store.votes(meeting, app_id).select("member", "vote").rows() == [("member1", "approve")]
    page.get_by_text("Votes: 1 for, 0 against, 0 abstaining, no quorum").first.wait_for(timeout=30_000)
    page.keyboard.press("ArrowRight")  # the next item by keyboard
    page.wait_for_url(f"**item={position + 1}**", timeout=30_000)
    settle(page)
    no_errors(page)
    assert page.evaluate(TRUNCATION_JS) == []
    for _ in range(agenda.height - position):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(400)
    page.locator("h1", has_text="Summary").wait_for(timeout=60_000)
    settle(page)
    no_errors(page)
    shot(page, f"present_summary_{size[0]}x{size[1]}")
    ctx.close()
