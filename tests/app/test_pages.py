"""Every page under AppTest: no exception, no error box, widgets change numbers, bad URLs explained.

Streamlit 1.67's AppTest does not rerun an st.navigation app after a widget
interaction (the second run renders nothing new, even for a six-line app), so
widget values are set in session state before a fresh run. Clicking the real
widgets is covered by tests/e2e/test_browser.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture()
def app(generated_warehouse, monkeypatch):
    monkeypatch.setenv("CREDIT_WAREHOUSE", str(generated_warehouse))

    def make(widgets: dict[str, object] | None = None, **params: str | list[str]) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=90)
        for key, value in params.items():
            at.query_params[key] = value
        for key, value in (widgets or {}).items():
            at.session_state[key] = value
        return at

    return make


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_portfolio_renders_kpis(app):
    at = app().run()
    assert_clean(at)
    assert at.title[0].value == "Portfolio exposure"
    gross = metric(at, "Gross exposure")
    assert gross.startswith("CNY ") and gross != "CNY 0"
    assert len(at.metric) >= 12


def test_filter_changes_kpis(app):
    before = metric(app().run(), "Gross exposure")
    at = app({"filter_segment": ["core"]}).run()
    assert_clean(at)
    assert metric(at, "Gross exposure") != before
    assert at.query_params["segment"] == "core"


def test_as_of_changes_kpis_and_url(app):
    first = app().run()
    latest = metric(first, "Gross exposure")
    earlier = first.sidebar.selectbox(key="as_of_widget").options[6]
    at = app({"as_of_widget": date.fromisoformat(earlier)}).run()
    assert_clean(at)
    assert metric(at, "Gross exposure") != latest
    assert at.query_params["as_of"] == earlier


def test_url_state_is_applied(app):
    at = app(segment="key", as_of="2025-06-30").run()
    assert_clean(at)
    assert at.sidebar.multiselect(key="filter_segment").value == ["key"]
    assert at.sidebar.selectbox(key="as_of_widget").value.isoformat() == "2025-06-30"


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"as_of": "yesterday"}, "is not a date"),
        ({"as_of": "2031-01-31"}, "no snapshot on 2031-01-31"),
        ({"segment": "platinum"}, "unknown value(s) 'platinum' ignored"),
    ],
)
def test_nonsense_url_params_are_explained(app, params, fragment):
    at = app(**params).run()
    assert not at.exception
    assert any(fragment in w.value for w in at.sidebar.warning), [w.value for w in at.sidebar.warning]
    assert metric(at, "Gross exposure").startswith("CNY")


def test_customer_page(app):
    at = app(customer="C000001").run()
    at.switch_page("pages/customer.py").run()
    assert_clean(at)
    assert at.header[0].value
    assert any(m.label == "Gross exposure" for m in at.metric)


def test_customer_page_unknown_customer(app):
    at = app(customer="NOPE").run()
    at.switch_page("pages/customer.py").run()
    assert not at.exception
    assert any("Unknown customer 'NOPE'" in w.value for w in at.warning)


def test_data_page(app):
    at = app().run()
    at.switch_page("pages/data.py").run()
    assert_clean(at)
    assert at.title[0].value == "Data and policy"


@pytest.fixture()
def bare_app(bare_warehouse, monkeypatch):
    monkeypatch.setenv("CREDIT_WAREHOUSE", str(bare_warehouse))

    def make(**params: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=90)
        for key, value in params.items():
            at.query_params[key] = value
        return at

    return make


def test_bare_invoice_list_every_page_says_what_is_missing(bare_app):
    at = bare_app(as_of="2024-06-20").run()
    assert_clean(at)
    assert metric(at, "Gross exposure") == "CNY 2,000"
    assert any("No credit limits loaded" in i.value for i in at.info)
    at.switch_page("pages/customer.py")
    at.query_params["customer"] = "K1"
    at.run()
    assert_clean(at)
    assert any("No credit limits loaded" in i.value for i in at.info)
    at.switch_page("pages/data.py").run()
    assert_clean(at)
    assert any("Not loaded (optional): payments" in i.value for i in at.info)


def test_cli_report_gives_the_page_numbers(generated_warehouse, capsys):
    import json

    from analytics.cli import main

    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["segment"] = "core"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CREDIT_WAREHOUSE", str(generated_warehouse))
        at.run()
        as_of = at.query_params["as_of"]
        assert main(["report", "exposure", "--as-of", as_of, "--segment", "core", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    kpis = {row["metric"]: row["value"] for row in report["kpis"]}
    from analytics.ui import fmt_amount

    assert fmt_amount(kpis["gross_exposure_amt"], "CNY") == metric(at, "Gross exposure")
    assert fmt_amount(kpis["expected_loss_amt"], "CNY") == metric(at, "Expected loss")
    assert f"{int(kpis['customers_over_limit']):,}" == metric(at, "Customers over limit")
