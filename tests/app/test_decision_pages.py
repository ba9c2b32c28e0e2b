"""The decision pages under AppTest: every role against every page, what each role is shown,
the application, committee and audit pages on a store filled through its API, bad links.

(AppTest does not rerun an st.navigation app after a click, see test_pages.py: the clicks —
signing in, submitting, deciding, presenting — are driven in the real browser,
tests/e2e/test_decisions_browser.py; the rules behind them in tests/store.)"""

from __future__ import annotations

from datetime import date, datetime, timezone
import pytest

from analytics.policy import load_policy
from analytics.policy.access import ROLE_LABELS, Actor, can
from analytics.store.decisions import ApplicationRequest, Condition, DecisionStore
from analytics.views import calendar
from analytics.views.decisions import customer_picture, propose_agenda
from analytics.data.warehouse import Warehouse
from tests.app.conftest import assert_clean, shown

PAGES = {  # page file -> (its title, the permission it needs)
    "pages/portfolio.py": ("Portfolio exposure", "view"),
    "pages/whatif.py": ("What-if: limits and stress", "view"),
    "pages/limits.py": ("Limit recommendations", "view"),
    "pages/aging.py": ("Receivables aging", "view"),
    "pages/kpis.py": ("Payment KPIs", "view"),
    "pages/provisions.py": ("Roll rates and provisions", "view"),
    "pages/collections.py": ("Collections worklist", "view"),
    "pages/watchlist.py": ("Watchlist", "view"),
    "pages/migration.py": ("Rating migration", "view"),
    "pages/reviews.py": ("Review schedule", "view"),
    "pages/scoring.py": ("Credit scoring", "view"),
    "pages/customer.py": ("Customer credit file", "view"),
    "pages/data.py": ("Data and policy", "view"),
    "pages/applications.py": ("Credit applications", "view_decisions"),
    "pages/committee.py": ("Credit committee", "view_decisions"),
    "pages/audit.py": ("Audit trail", "audit"),
}
NOW = datetime.now(timezone.utc)


@pytest.fixture()
def as_role(app, monkeypatch):
    def make(role: str, **params: str):
        monkeypatch.setenv("CREDIT_SIGN_IN_ROLE", role)
        return app(**params)
    return make


def test_every_page_is_listed_in_the_role_table():
    from tests.conftest import ROOT
    assert {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")} == set(PAGES)


@pytest.mark.parametrize("role", list(ROLE_LABELS))
@pytest.mark.parametrize("page", ["pages/portfolio.py", "pages/customer.py", "pages/applications.py",
                                  "pages/committee.py", "pages/audit.py"])
def test_every_role_against_every_kind_of_page(as_role, role, page):
    """A page a role may see renders its title; one it may not is never drawn (the navigation
    does not offer it, and a direct switch to it shows no page content)."""
    title, needs = PAGES[page]
    at = as_role(role).run()
    assert not at.exception, [e.value for e in at.exception]
    if not can(load_policy().access, Actor("analyst", "x", (role,)), needs):
        with pytest.raises(ValueError, match="Could not find a navigation page"):  # not even registered
            at.switch_page(page)
        return
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert title in [t.value for t in at.title], (role, page, [e.value for e in at.error])


def test_a_page_guard_refuses_even_when_reached(as_role):
    """The guard in the page itself (analytics.app.ui.context(needs)) stops a page reached
    without the navigation: the audit page run as a credit analyst."""
    from streamlit.testing.v1 import AppTest
    from tests.conftest import ROOT
    at = as_role("credit_analyst").run()
    from analytics.app.auth import ACTOR_KEY
    from analytics.app.ui import CTX_KEY
    page = AppTest.from_file(str(ROOT / "pages" / "audit.py"), default_timeout=60)
    for key in (CTX_KEY, ACTOR_KEY):
        page.session_state[key] = at.session_state[key]
    page.run()
    assert not page.exception
    assert any("may not see the audit trail" in e.value for e in page.error), [e.value for e in page.error]
    assert not page.dataframe


def _store(folder) -> DecisionStore:  # type: ignore[no-untyped-def]
    import os
    return DecisionStore(load_policy(), url=os.environ["CREDIT_STORE_URL"])


def _submit(generated_warehouse, store: DecisionStore, customer_id: str, amount: float) -> int:
    wh = Warehouse(generated_warehouse)
    try:
        pic = customer_picture(wh, customer_id, calendar(wh).latest, load_policy())
    finally:
        wh.close()
    return store.submit(Actor("ana", "Ana", ("credit_analyst",)),
                        ApplicationRequest(customer_id, "limit_increase", "steady payer", requested_limit_amt=amount),
                        pic)


def _customer_with_limit(generated_warehouse) -> tuple[str, float]:
    """A customer a credit manager may raise by 100,000: its own (entity) limit under
    500,000, exposure under the limit, not core, graded BB or better."""
    import polars as pl
    from analytics.views import Filters
    from analytics.views.monitoring import monitoring_inputs
    wh = Warehouse(generated_warehouse)
    try:
        customers = monitoring_inputs(wh, calendar(wh).latest, Filters(), load_policy()).customers
    finally:
        wh.close()
    fit = customers.filter(pl.col("is_line_holder") & (pl.col("line_scope") == "entity") & (pl.col("limit_amt") < 500_000)
                           & (pl.col("gross_exposure_amt") < pl.col("limit_amt")) & (pl.col("segment") != "core")
                           & pl.col("grade").is_in(["AAA", "AA", "A", "BBB", "BB"])).sort("customer_id")
    return str(fit["customer_id"][0]), float(fit["limit_amt"][0])


def test_the_queue_and_an_application_as_a_manager(as_role, generated_warehouse):
    store = _store(generated_warehouse)
    customer, limit = _customer_with_limit(generated_warehouse)
    app_id = _submit(generated_warehouse, store, customer, limit + 100_000)
    at = as_role("credit_manager").run()
    at.switch_page("pages/applications.py").run()
    assert_clean(at)
    queue = at.dataframe[0].value
    assert queue["application_id"].tolist() == [app_id]
    at = as_role("credit_manager", application=str(app_id)).run()
    at.switch_page("pages/applications.py").run()
    assert_clean(at)
    assert any(shown(h.value).startswith("Limit increase:") for h in at.subheader)
    assert at.button(key=f"dec_go_{app_id}")  # within the credit manager's authority: the decision form
    assert at.text_area(key=f"dec_reason_{app_id}")
    # the analyst who may not decide sees no decision form
    at = as_role("credit_analyst", application=str(app_id)).run()
    at.switch_page("pages/applications.py").run()
    assert_clean(at)
    assert not [b for b in at.button if b.key == f"dec_go_{app_id}"]
    # a viewer may not see applications at all
    at = as_role("viewer", application=str(app_id)).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/applications.py")


@pytest.mark.parametrize("params, message", [
    ({"application": "abc"}, "There is no application abc"),
    ({"application": "999"}, "There is no application 999"),
    ({"view": "everything"}, "view=everything is not a view"),
])
def test_bad_links_on_the_applications_page(as_role, params, message):
    at = as_role("credit_manager", **params).run()
    at.switch_page("pages/applications.py").run()
    assert not at.exception
    assert any(message in w.value.replace("\\", "") for w in at.warning), [w.value for w in at.warning]


def test_the_new_application_form_shows_the_picture_and_refuses_unknown_customers(as_role):
    at = as_role("credit_analyst", view="new", customer="C000002").run()
    at.switch_page("pages/applications.py").run()
    assert_clean(at)
    assert at.selectbox(key="new_app_customer").value == "C000002"
    labels = [m.label for m in at.metric]
    assert "Grade" in labels and any(label.startswith("Exposure") for label in labels)
    at = as_role("credit_analyst", view="new", customer="NO-SUCH-ONE").run()
    at.switch_page("pages/applications.py").run()
    assert not at.exception
    assert any("No customer matches NO-SUCH-ONE" in w.value.replace("\\", "") for w in at.warning)


def test_the_committee_page_and_present_mode(as_role, generated_warehouse):
    store = _store(generated_warehouse)
    customer, limit = _customer_with_limit(generated_warehouse)
    app_id = _submit(generated_warehouse, store, customer, 20_000_000.0)  # above the CFO: the committee
    wh = Warehouse(generated_warehouse)
    try:
        latest = calendar(wh).latest
        agenda = propose_agenda(wh, store, latest, date(2026, 12, 8), load_policy())
    finally:
        wh.close()
    assert agenda["kind"][0] == "application" and agenda["application_id"][0] == app_id
    meeting_id = store.create_meeting(Actor("max", "Max", ("credit_manager",)), date(2026, 12, 8), "December committee",
                                      latest, agenda)
    at = as_role("credit_manager", meeting=str(meeting_id)).run()
    at.switch_page("pages/committee.py").run()
    assert_clean(at)
    assert at.subheader[0].value.startswith("December committee")
    assert at.dataframe[0].value["position"].tolist() == list(range(1, agenda.height + 1))
    assert at.button(key="mtg_present")
    at = as_role("committee_member", meeting=str(meeting_id), present="1", item="1").run()
    at.switch_page("pages/committee.py").run()
    assert_clean(at)
    assert shown(at.title[0].value).startswith("Limit increase:")
    assert any("Votes: 0 for, 0 against, 0 abstaining, no quorum" in shown(m.value) for m in at.markdown)
    assert at.button(key=f"present_{store.agenda(meeting_id)['item_id'][0]}_vote_go")  # a member votes here
    last = agenda.height + 1
    at = as_role("committee_member", meeting=str(meeting_id), present="1", item=str(last)).run()
    at.switch_page("pages/committee.py").run()
    assert_clean(at)
    assert at.title[0].value == "Summary"
    at = as_role("committee_member", meeting=str(meeting_id), present="1", item="500").run()
    at.switch_page("pages/committee.py").run()
    assert not at.exception
    assert any("item=500 is not an item of this agenda" in w.value.replace("\\", "") for w in at.warning)
    at = as_role("credit_manager", meeting="77").run()
    at.switch_page("pages/committee.py").run()
    assert any("There is no meeting 77" in w.value for w in at.warning)


def test_the_audit_page_shows_the_chain(as_role, generated_warehouse):
    store = _store(generated_warehouse)
    store.record_sign_in(Actor("ana", "Ana", ("credit_analyst",)), "password")
    at = as_role("cfo").run()
    at.switch_page("pages/audit.py").run()
    assert_clean(at)
    values = {m.label: m.value for m in at.metric}
    assert values["Entries"] == "1" and values["Chain"] == "intact"
    assert at.dataframe[0].value["action"].tolist() == ["sign_in"]


def test_the_credit_file_lists_the_decisions(as_role, generated_warehouse):
    store = _store(generated_warehouse)
    customer, limit = _customer_with_limit(generated_warehouse)
    app_id = _submit(generated_warehouse, store, customer, limit + 50_000)
    store.decide(Actor("max", "Max", ("credit_manager",)), app_id, 1, "approved", "fine")
    at = as_role("credit_analyst", customer=customer).run()
    at.switch_page("pages/customer.py").run()
    assert_clean(at)
    assert any(e.label.startswith("Credit decisions (1 decided, 0 open)") for e in at.expander)
    assert any("Decided limit" in i.value and "in force from" in i.value for i in at.info)


def test_local_sign_in_shows_only_the_form(app, monkeypatch, own_decisions_store):
    """Local sign-in: no accounts -> how to create the first; with accounts -> the form and
    nothing of the data; a bad setting -> its message."""
    from analytics.store import accounts
    monkeypatch.setenv("CREDIT_SIGN_IN", "local")
    at = app().run()
    assert not at.exception
    assert any("There are no accounts yet" in i.value for i in at.info)
    assert not at.metric
    accounts.add_user(own_decisions_store / "accounts.yaml", "lina", "Li Na", ("credit_analyst",), "long-enough-pw")
    at = app().run()
    assert not at.exception
    assert [t.label for t in at.text_input][:2] == ["Username", "Password"] and at.button[0].label == "Sign in"
    assert not at.metric and not at.dataframe
    monkeypatch.setenv("CREDIT_SIGN_IN", "ldap")
    at = app().run()
    assert not at.exception
    assert any("Sign-in is not set up correctly" in e.value for e in at.error)


def test_oidc_sign_in_without_a_provider_says_what_to_configure(app, monkeypatch):
    monkeypatch.setenv("CREDIT_SIGN_IN", "oidc")
    at = app().run()
    assert not at.exception
    assert any("needs an identity provider in `.streamlit/secrets.toml` `[auth]`" in e.value for e in at.error)
    assert not at.metric


def test_the_decision_pages_speak_chinese_with_a_filled_store(as_role, generated_warehouse, monkeypatch):
    """The queue, an application, the decided views, a meeting, present mode and the audit trail
    in Chinese (?lang=zh) on a store with applications, a decision, a meeting, votes and minutes:
    no English outside data values (the check of tests/app/test_chinese.py)."""
    import re
    from tests.app import test_chinese
    from analytics.i18n import speaking
    store = _store(generated_warehouse)
    customer, limit = _customer_with_limit(generated_warehouse)
    manager, cfo = Actor("max", "Max", ("credit_manager",)), Actor("zoe", "Zoe", ("cfo",))
    with speaking("zh"):  # a Chinese team: what the store keeps as written (routing reasons, pictures) is Chinese
        small = _submit(generated_warehouse, store, customer, limit + 50_000)
        store.decide(manager, small, 1, "approved_with_conditions", "steady payer",
                     (Condition("guarantee", "parent guarantee"),))
        big = _submit(generated_warehouse, store, customer, 20_000_000.0)  # above the CFO: the committee
        pending = _submit(generated_warehouse, store, customer, limit + 60_000)
        store.forward(cfo, pending, 1, "looks fine to me")
        wh = Warehouse(generated_warehouse)
        try:
            latest = calendar(wh).latest
            agenda = propose_agenda(wh, store, latest, date(2026, 12, 8), load_policy())
        finally:
            wh.close()
    meeting_id = store.create_meeting(manager, date(2026, 12, 8), "December committee", latest, agenda)
    first = int(store.agenda(meeting_id)["item_id"][0])
    store.cast_vote(Actor("m1", "Chen", ("committee_member",)), meeting_id, big, "approve", "ok")
    store.note_item(manager, first, "discussed at length", "ask for the accounts", "max", date(2026, 12, 20))
    allowed = test_chinese.data_words(generated_warehouse) | {w.lower() for w in re.findall(r"[A-Za-z]+", " ".join(
        ["December committee", "steady payer", "parent guarantee", "looks fine to me", "discussed at length",
         "ask for the accounts", "max zoe ana chen m1 Max Zoe Ana"]))}
    cases = [("credit_manager", "applications", {}), ("credit_manager", "applications", {"application": str(pending)}),
             ("credit_manager", "applications", {"application": str(small)}),
             ("credit_manager", "applications", {"view": "decided"}),
             ("credit_manager", "applications", {"view": "limits"}),
             ("credit_manager", "committee", {}), ("credit_manager", "committee", {"meeting": str(meeting_id)}),
             ("committee_member", "committee", {"meeting": str(meeting_id), "present": "1", "item": "1"}),
             ("committee_member", "committee", {"meeting": str(meeting_id), "present": "1",
                                                "item": str(agenda.height + 1)}),
             ("cfo", "audit", {})]
    # fields that hold no text a reader sees: a button's shortcut, a download's file id, a page link's target
    # and query string, a code block's language, an HTML element's body (these pages' only one is a style sheet)
    monkeypatch.setattr(test_chinese, "SKIP_FIELDS", test_chinese.SKIP_FIELDS | {
        "shortcut", "deferred_file_id", "page", "query_string", "language", "body"})
    for role, page, params in cases:
        at = as_role(role, _open=page, lang="zh", **params).run()
        assert not at.exception, (page, params, [e.value for e in at.exception])
        texts = [t for t in test_chinese.visible_texts(at) if t != "English"]  # the language switch's own name
        words = test_chinese.english_words(texts, allowed)
        assert not words, (page, params, "; ".join(f"{w!r} in {t!r}" for w, t in words[:30]))
