"""The marts on the hand-made fixture, against answers computed by hand.

Fixture (tests/fixtures/tiny): C1 (BBB, limit 1,000, guarantee 100) with I1 1,000 paid
2024-02-20, I2 500 paid 200 on 03-20 and 300 on 04-10, credit note CN1 -50 applied
04-20; C2 (unrated, no limit, parent C1) with I3 100 USD settled 04-05 via paid_date;
C3 (B+ -> B, CCC from 04-01, limit 2,000 expiring 03-30, insurance 1,000) with disputed
I4 2,000 open and order O1 400 open 03-25..04-08. USD 7.0 / 7.1 / 7.2 at month-ends.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tests.sql.conftest import sql


@pytest.fixture()
def wh(tiny_wh):
    return tiny_wh


def test_snapshot_dates(wh):
    dates = sql(wh, "select snapshot_date, is_month_end from snapshot_dates order by 1")
    assert dates["snapshot_date"].to_list() == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31),
                                                date(2024, 4, 10)]
    assert dates["is_month_end"].to_list() == [True, True, True, False]


def test_open_items_at_march_end(wh):
    items = sql(wh, "select invoice_id, outstanding_amt, days_past_due from open_items_snapshot "
                    "where snapshot_date = '2024-03-31' order by invoice_id")
    assert items.rows() == [("CN1", -50.0, 21), ("I2", 300.0, 15), ("I3", 720.0, 11), ("I4", 2000.0, -4)]


def test_usd_item_revalued_at_each_closing_rate(wh):
    i3 = sql(wh, "select snapshot_date, outstanding_amt from open_items_snapshot where invoice_id = 'I3' order by 1")
    assert i3["outstanding_amt"].to_list() == [700.0, 710.0, 720.0]  # 100 USD at 7.0, 7.1, 7.2


def test_customer_snapshot_at_march_end(wh):
    snap = sql(wh, "select customer_id, open_ar_amt, overdue_amt, open_orders_amt, gross_exposure_amt, limit_amt, "
                   "is_limit_expired, grade, collateral_amt, insured_amt, net_exposure_amt, disputed_amt "
                   "from customer_snapshot where snapshot_date = '2024-03-31' order by customer_id")
    assert snap.rows() == [
        ("C1", 250.0, 250.0, 0.0, 250.0, 1000.0, False, "BBB", 100.0, 0.0, 150.0, 0.0),
        ("C2", 720.0, 720.0, 0.0, 720.0, None, False, None, 0.0, 0.0, 720.0, 0.0),
        ("C3", 2000.0, 0.0, 400.0, 2400.0, 2000.0, True, "B", 0.0, 1000.0, 1400.0, 2000.0),
    ]


def test_customer_snapshot_at_latest_date(wh):
    snap = sql(wh, "select customer_id, open_ar_amt, gross_exposure_amt, grade, net_exposure_amt "
                   "from customer_snapshot where snapshot_date = '2024-04-10' order by customer_id")
    assert snap.rows() == [("C1", -50.0, -50.0, "BBB", 0.0), ("C2", 0.0, 0.0, None, 0.0),
                           ("C3", 2000.0, 2000.0, "CCC", 1000.0)]


def test_c3_not_in_snapshots_before_onboarding(wh):
    rows = sql(wh, "select snapshot_date from customer_snapshot where customer_id = 'C3' order by 1")
    assert rows["snapshot_date"].to_list() == [date(2024, 3, 31), date(2024, 4, 10)]


def test_absent_optional_tables_are_empty_and_flagged(wh):
    assert wh.present_tables() == {"customers", "invoices", "payments", "orders", "credit_limits", "ratings",
                                   "collateral", "fx_rates"}
    assert sql(wh, "select count(*) as n from financials")["n"][0] == 0


def test_warehouse_info(wh):
    info = wh.info()
    assert info["reporting_currency"] == "CNY" and info["version"] == wh.version
