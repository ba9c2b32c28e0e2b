"""Every page under AppTest: no exception, no error box, widgets change numbers, bad URLs explained.

Streamlit 1.67's AppTest does not rerun an st.navigation app after a widget
interaction (the second run renders nothing new, even for a six-line app), so
widget values are set in session state before a fresh run. Clicking the real
widgets is covered by tests/e2e/test_browser.py.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, assert_clean, metric, shown


def test_portfolio_renders_kpis(app):
    at = app().run()
    assert_clean(at)
    assert at.title[0].value == "Portfolio exposure"
    gross = metric(at, "Gross exposure")
    assert gross.startswith("CNY ") and gross != "CNY 0"
    assert len(at.metric) >= 12


def test_the_portfolio_and_provisions_pages_show_both_loss_figures_and_reconcile_them(app):
    """The exposure page shows the provision next to the one-year EL, the provisions page the EL
    next to the provision (the same figures at the policy's window and overlay), and both pages
    the same panel explaining which to book and how one leads to the other."""
    exposure = app().run()
    assert_clean(exposure)
    provisions = app().run()
    provisions.switch_page("pages/provisions.py").run()
    assert_clean(provisions)
    for name in ("Expected loss (1 year)", "Lifetime ECL"):
        assert metric(exposure, name) == metric(provisions, name), name
        assert metric(exposure, name).startswith("CNY ")
    title = "The loss figures explained: expected loss or provision?"
    panels = [[m.value for e in at.expander if e.label == title for m in e.markdown] for at in (exposure, provisions)]
    assert panels[0] == panels[1] and panels[0]
    text = panels[0][0]
    assert "**Book the provision.**" in text and "From the expected loss to the provision" in text
    for step in ("Open orders: in the EL's base", "Forward-looking overlay", "Lifetime ECL provision"):
        assert step in text, step


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
    chosen = datetime.strptime(earlier, "%b %d, %Y").date()  # the sidebar shows the locale's form
    at = app({"as_of_widget": chosen}).run()
    assert_clean(at)
    assert metric(at, "Gross exposure") != latest
    assert at.query_params["as_of"] == chosen.isoformat()  # the link keeps ISO dates


def test_url_state_is_applied(app):
    at = app(segment="key", as_of="2025-06-30").run()
    assert_clean(at)
    assert at.sidebar.multiselect(key="filter_segment").value == ["key"]
    assert at.sidebar.selectbox(key="as_of_widget").value.isoformat() == "2025-06-30"


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"as_of": "yesterday"}, "is not a date"),
        ({"as_of": "2031-01-31"}, "2031-01-31 is after the extraction date"),
        ({"as_of": "1999-01-31"}, "is before the first document"),
        ({"segment": "platinum"}, "unknown value(s) 'platinum' ignored"),
    ],
)
def test_nonsense_url_params_are_explained(app, params, fragment):
    at = app(**params).run()
    assert not at.exception
    assert any(fragment in shown(w.value) for w in at.sidebar.warning), [w.value for w in at.sidebar.warning]
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
    assert any("Unknown customer 'NOPE'" in shown(w.value) for w in at.warning)


def open_search(app, text: str):
    """The credit-file page with `text` entered in its search box (AppTest cannot press Enter:
    the text is set before a fresh run, as a rerun after typing gives it)."""
    at = app({"cust_find": text}, _open="customer").run()
    assert_clean(at)
    return at


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_enter_on_a_customer_id_opens_its_file(app, generated_warehouse):
    from analytics.data.warehouse import Warehouse

    name = Warehouse(generated_warehouse).query("customer_profile", customer_id="C000012")["name"][0]
    for typed in ("C000012", "c000012 "):  # any case, spaces around it
        at = open_search(app, typed)
        assert at.query_params["customer"] == "C000012"
        assert shown(at.header[0].value) == name
        assert "1 match" in captions(at)


def test_the_search_says_how_many_customers_match(app, generated_warehouse):
    from analytics.data.warehouse import Warehouse

    wh = Warehouse(generated_warehouse)
    many = wh.query("customer_search", text="C0001", max_rows=1_000_000).height
    few = wh.query("customer_search", text="C00001", max_rows=1_000_000).height
    assert many > 50 and 1 < few < 50
    at = open_search(app, "C0001")  # no customer has this id: the picker lists, nothing opens
    assert "customer" not in at.query_params and not at.header
    assert f"50 of {many:,} matches shown" in captions(at)
    assert len(at.main.selectbox[0].options) == 50
    assert f"{few:,} matches" in captions(open_search(app, "C00001"))
    assert "0 matches" in captions(open_search(app, "no such customer"))


def test_data_page(app):
    at = app().run()
    at.switch_page("pages/data.py").run()
    assert_clean(at)
    assert at.title[0].value == "Data and policy"


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
    assert any("Not loaded (optional): `payments`" in i.value for i in at.info)


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
    from analytics.app.ui import fmt_amount

    assert fmt_amount(kpis["gross_exposure_amt"], "CNY") == metric(at, "Gross exposure")
    assert fmt_amount(kpis["expected_loss_amt"], "CNY") == metric(at, "Expected loss (1 year)")
    assert f"{int(kpis['customers_over_limit']):,}" == metric(at, "Customers over limit")


@pytest.mark.parametrize(("path", "title", "tiles"), [
    ("pages/aging.py", "Receivables aging", ["Open AR", "Disputed"]),
    ("pages/kpis.py", "Payment KPIs", ["DSO", "Countback DSO", "CEI", "Bad-debt ratio"]),
    ("pages/provisions.py", "Roll rates and provisions", ["Lifetime ECL", "Coverage", "Expected loss (1 year)"]),
    ("pages/collections.py", "Collections worklist", ["Past-due AR", "Customers to chase"]),
])
def test_receivables_pages_render(app, path, title, tiles):
    at = app().run()
    at.switch_page(path).run()
    assert_clean(at)
    assert at.title[0].value == title
    labels = {m.label for m in at.metric}
    assert set(tiles) <= labels, labels
    assert all(m.value not in ("", "n/a") for m in at.metric if m.label in tiles)


def test_receivables_pages_follow_the_filters(app):
    def tile(path: str, label: str, **widgets: object) -> str:
        at = app(widgets).run()
        at.switch_page(path).run()
        assert_clean(at)
        return metric(at, label)

    for path, label in [("pages/aging.py", "Open AR"), ("pages/provisions.py", "Lifetime ECL"),
                        ("pages/collections.py", "Past-due AR"), ("pages/kpis.py", "DSO")]:
        assert tile(path, label) != tile(path, label, filter_segment=["core"]), path


def test_aging_basis_and_kpi_period_change_numbers(app):
    at = app().run()
    at.switch_page("pages/aging.py").run()
    by_due = at.dataframe[0].value
    at2 = app({"aging_basis": "invoice date"}).run()
    at2.switch_page("pages/aging.py").run()
    assert_clean(at2)
    assert not by_due.equals(at2.dataframe[0].value)
    one = app({"kpi_months": 1}).run()
    one.switch_page("pages/kpis.py").run()
    three = app({"kpi_months": 3}).run()
    three.switch_page("pages/kpis.py").run()
    assert metric(one, "DSO") != metric(three, "DSO")


def test_entered_rates_drive_the_ecl(app):
    at = app({"rate_source": "entered by finance", "overlay": 2.0}).run()
    at.switch_page("pages/provisions.py").run()
    assert_clean(at)
    derived = app({"overlay": 2.0}).run()
    derived.switch_page("pages/provisions.py").run()
    assert metric(at, "Loss rates") == "entered" and metric(derived, "Loss rates") == "derived"
    # the editor starts from the derived rates, so the ECL is the same until finance edits a rate
    assert metric(at, "Lifetime ECL") == metric(derived, "Lifetime ECL")


@pytest.mark.parametrize(("path", "message"), [
    ("pages/aging.py", None),
    ("pages/kpis.py", None),
    ("pages/provisions.py", "No complete month before this date"),
    ("pages/collections.py", None),
    ("pages/migration.py", None),
    ("pages/watchlist.py", None),
    ("pages/reviews.py", None),
])
def test_analysis_pages_on_a_bare_invoice_list(bare_app, path, message):
    at = bare_app(as_of="2024-06-20").run()
    at.switch_page(path).run()
    assert_clean(at)
    if message:
        assert any(message in i.value for i in at.info), [i.value for i in at.info]


def _earliest(warehouse) -> date:
    from analytics.data.warehouse import Warehouse
    from analytics.views import calendar

    wh = Warehouse(warehouse)
    try:
        return min(calendar(wh).dates)
    finally:
        wh.close()


def test_kpis_on_the_earliest_date_use_the_history_there_is(app, generated_warehouse):
    """The first month-end has one month of data: a 3-month period is shortened to the data
    (as case 03 wants) and says so, CEI (which needs the open AR before the period) reads "not
    enough history", and the shares of a whole stay within 0-100 % (credit balances left out)."""
    earliest = _earliest(generated_warehouse)
    at = app({"kpi_months": 3}, as_of=earliest.isoformat()).run()
    at.switch_page("pages/kpis.py").run()
    assert_clean(at)
    tiles = {m.label: m for m in at.metric}
    assert tiles["DSO"].value.endswith(" days")
    assert tiles["CEI"].value == "—" and "not enough history" in str(tiles["CEI"].proto.delta)
    assert any("the 3-month period is shortened" in i.value for i in at.info)
    assert any("period: 3 months, " in c.value for c in at.caption)
    for name in ("Not due", "Over 90 days"):
        share = float(tiles[name].value.removesuffix(" %").replace(",", ""))
        assert 0.0 <= share <= 100.0, (name, tiles[name].value)
    aging = app(as_of=earliest.isoformat()).run()
    aging.switch_page("pages/aging.py").run()
    assert_clean(aging)
    shown = {m.label: m.value for m in aging.metric}
    assert 0.0 <= float(shown["Not due"].removesuffix(" %").replace(",", "")) <= 100.0


def test_the_kpi_caption_names_the_chosen_period(app):
    from analytics.formats import fmt_date

    at = app({"kpi_months": 6}).run()
    at.switch_page("pages/kpis.py").run()
    assert_clean(at)
    as_of = date.fromisoformat(at.query_params["as_of"]) if "as_of" in at.query_params else None
    caption = next(c.value for c in at.caption if "period: " in c.value)
    assert "period: 6 months, " in caption
    if as_of is not None:
        start = date(as_of.year - (as_of.month <= 5), (as_of.month - 6) % 12 + 1, 1)
        assert f"{fmt_date(start)} – {fmt_date(as_of)}" in caption


def test_no_negative_days_past_due_on_the_receivables_views(generated_warehouse, policy):
    """A customer overdue through a disputed item may have its undisputed items not yet due: its
    days past due read 0 (not due), never negative, on the worklist and the largest overdue."""
    import polars as pl

    from analytics.data.warehouse import Warehouse
    from analytics.views import Filters, calendar
    from analytics.views.receivables import aging_view, collections_view

    wh = Warehouse(generated_warehouse)
    try:
        for as_of in sorted(calendar(wh).dates)[-13::3]:
            wl = collections_view(wh, as_of, Filters(), policy)
            for frame, column in ((wl.customers, "max_days_past_due"), (wl.customers, "max_undisputed_dpd"),
                                  (wl.items, "days_past_due")):
                assert frame.filter(pl.col(column) < 0).height == 0, (as_of, column)
            largest = aging_view(wh, as_of, Filters(), policy, with_splits=False).largest_overdue
            assert largest.filter(pl.col("max_days_past_due") < 0).height == 0, as_of
    finally:
        wh.close()
