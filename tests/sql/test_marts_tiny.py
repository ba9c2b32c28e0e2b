"""The marts on the hand-made fixture, against answers computed by hand.

Fixture (tests/fixtures/tiny): C1 (BBB, limit 1,000 covering its group, guarantee 100 from
03-01) with I1 1,000 paid 2024-02-20, I2 500 paid 200 on 03-20 and 300 on 04-10, a credit
note CN1 -50 of 03-10 naming no invoice and used up on 04-20 (its paid_date), and order O2
300 cancelled without a date; C2 (unrated, no limit of its own, parent C1: it draws on
C1's group limit) with I3 100 USD settled 04-05 via paid_date; C3 (B+ -> B, CCC from 04-01,
limit 2,000 expiring 03-30, insurance 1,000) with disputed I4 2,000 open and order O1 400
open 03-25..04-08. USD 7.0 / 7.1 / 7.2 at month-ends (and 7.0 from 01-01).

The extraction date is the latest document date, 04-20 (CN1's paid_date), so the snapshots
are the month-ends to 04-30 (which closes April) and 04-20. O2 closes at the extraction date.
CN1 is a credit on C1's account from 03-10 to 04-20, set against C1's open I2.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tests.sql.conftest import sql

E = date(2024, 4, 20)


@pytest.fixture()
def wh(tiny_wh):
    return tiny_wh


def test_snapshot_dates(wh):
    dates = sql(wh, "select snapshot_date, is_month_end, cutoff_date from snapshot_dates order by 1")
    assert dates["snapshot_date"].to_list() == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), E,
                                                date(2024, 4, 30)]
    assert dates["is_month_end"].to_list() == [True, True, True, False, True]
    assert dates["cutoff_date"].to_list() == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), E, E]


def test_open_items_at_march_end(wh):
    """CN1's 50 is set against C1's only open item I2 (300 left after P2): I2 owes 250."""
    items = sql(wh, "select invoice_id, outstanding_amt, credit_applied_amt, days_past_due, is_credit "
                    "from open_items_snapshot where snapshot_date = '2024-03-31' order by invoice_id")
    assert items.rows() == [("I2", 250.0, 50.0, 15, False), ("I3", 720.0, 0.0, 11, False),
                            ("I4", 2000.0, 0.0, -4, False)]


def test_usd_item_revalued_at_each_closing_rate(wh):
    i3 = sql(wh, "select snapshot_date, outstanding_amt from open_items_snapshot where invoice_id = 'I3' order by 1")
    assert i3["outstanding_amt"].to_list() == [700.0, 710.0, 720.0]  # 100 USD at 7.0, 7.1, 7.2


COLUMNS = ("customer_id, open_ar_amt, overdue_amt, open_orders_amt, gross_exposure_amt, limit_amt, line_holder_id, "
           "line_exposure_amt, is_limit_expired, grade, collateral_amt, insured_amt, net_exposure_amt, disputed_amt")


def test_customer_snapshot_at_march_end(wh):
    """C1's group line covers C1 (250 open + O2 300) and C2 (720): 1,270 of 1,000."""
    snap = sql(wh, f"select {COLUMNS} from customer_snapshot where snapshot_date = '2024-03-31' order by customer_id")
    assert snap.rows() == [
        ("C1", 250.0, 250.0, 300.0, 550.0, 1000.0, "C1", 1270.0, False, "BBB", 100.0, 0.0, 450.0, 0.0),
        # C2 has no imported rating: the application scorecard's B (it is new) of 01-31
        ("C2", 720.0, 720.0, 0.0, 720.0, 1000.0, "C1", 1270.0, False, "B", 0.0, 0.0, 720.0, 0.0),
        ("C3", 2000.0, 0.0, 400.0, 2400.0, 2000.0, "C3", 2400.0, True, "B", 0.0, 1000.0, 1400.0, 2000.0),
    ]
    lines = sql(wh, "select customer_id, line_scope, is_line_holder, own_limit_amt from customer_snapshot "
                    "where snapshot_date = '2024-03-31' order by customer_id")
    assert lines.rows() == [("C1", "group", True, 1000.0), ("C2", "group", False, None), ("C3", "entity", True, 2000.0)]


def test_customer_snapshot_at_the_extraction_date(wh):
    """By 04-20 I2 and I3 are settled, CN1 is used up, O2 (cancelled, no date) closed, O1 invoiced."""
    snap = sql(wh, "select customer_id, open_ar_amt, credit_balance_amt, gross_exposure_amt, grade, net_exposure_amt "
                   "from customer_snapshot where snapshot_date = $d order by customer_id", d=E)
    assert snap.rows() == [("C1", 0.0, 0.0, 0.0, "BBB", 0.0), ("C2", 0.0, 0.0, 0.0, "B", 0.0),
                           ("C3", 2000.0, 0.0, 2000.0, "CCC", 1000.0)]


def test_credit_balance_while_the_credit_note_is_unused(wh):
    """Between I2's settlement (04-10) and CN1's end (04-20) C1 has a credit balance of 50:
    open AR -50 and exposure 0 (on demand, at 04-15)."""
    at = wh.at(date(2024, 4, 15))
    snap = sql(at, "select customer_id, open_ar_amt, credit_balance_amt, gross_exposure_amt, net_exposure_amt "
                   "from customer_snapshot where snapshot_date = '2024-04-15' and customer_id = 'C1'")
    assert snap.rows() == [("C1", -50.0, -50.0, 300.0 - 50.0, 250.0 - 100.0)]  # O2 still open: 300 - 50


def test_month_end_after_the_extraction_date_ages_the_same_ledger(wh):
    """04-30 holds what was known on 04-20, aged at 04-30: I4 is 26 days past due."""
    items = sql(wh, "select snapshot_date, invoice_id, outstanding_amt, days_past_due from open_items_snapshot "
                    "where snapshot_date >= $d order by 1", d=E)
    assert items.rows() == [(E, "I4", 2000.0, 16), (date(2024, 4, 30), "I4", 2000.0, 26)]


def test_c3_not_in_snapshots_before_onboarding(wh):
    rows = sql(wh, "select snapshot_date from customer_snapshot where customer_id = 'C3' order by 1")
    assert rows["snapshot_date"].to_list() == [date(2024, 3, 31), E, date(2024, 4, 30)]


def test_absent_optional_tables_are_empty_and_flagged(wh):
    assert wh.present_tables() == {"customers", "invoices", "payments", "orders", "credit_limits", "ratings",
                                   "collateral", "fx_rates"}
    assert sql(wh, "select count(*) as n from financials")["n"][0] == 0


def test_warehouse_info(wh):
    info = wh.info()
    assert info["reporting_currency"] == "CNY" and info["version"] == wh.version
    assert info["extracted_on"] == "2024-04-20" and info["first_document_date"] == "2024-01-10"
    notes = sql(wh, "select rule, value from load_notes")
    assert notes.rows() == [("closed without a date", "cancelled")]
    assert pl.DataFrame(notes).height == 1


RECONCILED = ("currency, invoices_doc_ccy, credit_notes_doc_ccy, credit_notes_used_doc_ccy, "
              "settled_by_paid_date_doc_ccy, cash_applied_doc_ccy, ledger_open_doc_ccy, aging_doc_ccy")


def test_reconciliation_by_hand(wh, policy):
    """03-31: CNY 3,500 invoiced (I1, I2, I4) - CN1 50 - P1 1,000 - P2 200 = 2,250 = I2 250 + I4 2,000;
    USD I3 100 open (720 CNY). 04-20: CN1 used up (+50), P3 300, I3 settled by its paid_date
    04-05 (no payment names it): CNY 2,000 (I4), USD 0. The group filter C1 keeps C1 and C2."""
    from analytics.views import Filters
    from analytics.views.receivables import reconciliation_view

    march = reconciliation_view(wh, date(2024, 3, 31), Filters(), policy)
    assert march.by_currency.select(RECONCILED.split(", ")).rows() == [
        ("CNY", 3500.0, 50.0, 0.0, 0.0, 1200.0, 2250.0, 2250.0), ("USD", 100.0, 0.0, 0.0, 0.0, 0.0, 100.0, 100.0)]
    assert march.totals == {"ledger_open_amt": 2970.0, "aging_amt": 2970.0, "difference_amt": 0.0}
    april = reconciliation_view(wh, E, Filters(), policy)
    assert april.by_currency.select(RECONCILED.split(", ")).rows() == [
        ("CNY", 3500.0, 50.0, 50.0, 0.0, 1500.0, 2000.0, 2000.0), ("USD", 100.0, 0.0, 0.0, 100.0, 0.0, 0.0, 0.0)]
    group = reconciliation_view(wh, E, Filters(groups=("C1",)), policy)
    assert group.by_currency.select(RECONCILED.split(", ")).rows() == [
        ("CNY", 1500.0, 50.0, 50.0, 0.0, 1500.0, 0.0, 0.0), ("USD", 100.0, 0.0, 0.0, 100.0, 0.0, 0.0, 0.0)]
    alone = reconciliation_view(wh, E, Filters(groups=("C3",)), policy)
    assert alone.by_currency.select(RECONCILED.split(", ")).rows() == [
        ("CNY", 2000.0, 0.0, 0.0, 0.0, 0.0, 2000.0, 2000.0)]


def test_reconciliation_statement_by_hand(wh, policy):
    """The same 04-20 ledger line by line, signed, per currency and in CNY (USD at 7.2)."""
    from analytics.views import Filters
    from analytics.views.receivables import reconciliation_view

    statement = reconciliation_view(wh, E, Filters(), policy).statement()
    assert statement.columns == ["line", "CNY", "USD", "total (CNY)"]
    assert statement["CNY"].to_list() == [3500.0, -50.0, 50.0, 0.0, -1500.0, 0.0, 0.0, 2000.0, 2000.0, 0.0, 1.0]
    assert statement["USD"].to_list() == [100.0, 0.0, 0.0, -100.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 7.2]
    assert statement["total (CNY)"].to_list() == [4220.0, -50.0, 50.0, -720.0, -1500.0, 0.0, 0.0, 2000.0, 2000.0,
                                                  0.0, None]
    assert statement["line"][7] == "open AR by the ledger (the sum of the lines above)" and statement["line"][-1] == "closing rate to CNY"
