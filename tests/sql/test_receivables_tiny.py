"""Receivables marts on the hand-made fixture (story in tests/sql/test_marts_tiny.py), by hand.

customer_month: C1 sells I1 1,000 in January, I2 500 in February, credit note -50 in March;
C2 sells I3 USD 100 x 7.0 = 700 in January; C3 sells I4 2,000 in March. Collections: P1
1,000 in February, P2 200 in March, P3 300 in April. April's period ends at the extraction
date 04-20: the 04-20 row and the 04-30 row (the month-end after it) cover the same
documents. Settled: I1 on 02-20 (41 days to pay, 11 beyond terms), I2 on 04-10 (55 and 25),
I3 on 04-05 via paid_date at 7.2 = 720 (76 and 16).

roll_transitions (month-ends up to the extraction date: Jan -> Feb -> Mar): January I1 1,000
not due -> paid, I3 700 not due -> still not due at 710; February I2 500 not due -> 250 at
15 dpd (300 after P2, less CN1's 50 set against it), I3 710 -> 720 at 11 dpd.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tests.sql.conftest import sql

JAN, FEB, MAR, APR20, APR30 = (date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 20),
                               date(2024, 4, 30))


@pytest.fixture()
def wh(tiny_wh):
    return tiny_wh


def test_customer_month_sales_and_cash(wh):
    cm = sql(wh, "select customer_id, snapshot_date, sales_amt, credit_notes_amt, collections_amt, write_offs_amt "
                 "from customer_month order by 1, 2")
    got = {(r["customer_id"], r["snapshot_date"]): (round(r["sales_amt"], 2), round(r["collections_amt"], 2))
           for r in cm.iter_rows(named=True)}
    assert got == {
        ("C1", JAN): (1000.0, 0.0), ("C1", FEB): (500.0, 1000.0), ("C1", MAR): (-50.0, 200.0),
        ("C1", APR20): (0.0, 300.0), ("C1", APR30): (0.0, 300.0), ("C2", JAN): (700.0, 0.0),
        ("C2", APR20): (0.0, 0.0), ("C2", APR30): (0.0, 0.0), ("C3", MAR): (2000.0, 0.0),
    }
    assert cm.filter(pl.col("snapshot_date") == MAR, pl.col("customer_id") == "C1")["credit_notes_amt"][0] == -50.0
    assert cm["write_offs_amt"].sum() == 0.0


def test_customer_month_settlements(wh):
    st = sql(wh, "select customer_id, snapshot_date, settled_amt, settled_days_to_pay_x_amt, "
                 "settled_days_beyond_x_amt from customer_month where settled_amt <> 0 order by 1, 2")
    usd = (pytest.approx(720.0), pytest.approx(720.0 * 76), pytest.approx(720.0 * 16))
    assert st.rows() == [
        ("C1", FEB, 1000.0, 41_000.0, 11_000.0),
        ("C1", APR20, 500.0, 27_500.0, 12_500.0),
        ("C1", APR30, 500.0, 27_500.0, 12_500.0),
        ("C2", APR20, *usd),
        ("C2", APR30, *usd),
    ]


def test_period_chain_counts_april_once(wh):
    """in_period_chain keeps, for an as-of date, the month-ends before its month and the date."""
    chain = sql(wh, "select snapshot_date from snapshot_dates where in_period_chain(snapshot_date, $d) order by 1",
                d=APR30)
    assert chain["snapshot_date"].to_list() == [JAN, FEB, MAR, APR30]
    chain = sql(wh, "select snapshot_date from snapshot_dates where in_period_chain(snapshot_date, $d) order by 1",
                d=APR20)
    assert chain["snapshot_date"].to_list() == [JAN, FEB, MAR, APR20]


def test_roll_transitions(wh):
    rt = sql(wh, "select month_end, from_dpd, from_amt, to_dpd, to_amt, is_written_off from roll_transitions "
                 "order by month_end, from_amt desc")
    assert rt.rows() == [
        (JAN, -9, 1000.0, None, 0.0, False),
        (JAN, -49, 700.0, -20, 710.0, False),
        (FEB, -20, 710.0, 11, 720.0, False),
        (FEB, -16, 500.0, 15, 250.0, False),
    ]


def test_aging_cube_sums_to_open_ar(wh):
    cube = sql(wh, "select snapshot_date, by_invoice_date, sum(outstanding_amt) as amt from aging_cube "
                   "group by all order by 1, 2")
    ar = sql(wh, "select snapshot_date, sum(open_ar_amt) as amt from customer_snapshot group by 1 order by 1")
    assert cube.height == 2 * ar.height
    for row in cube.iter_rows(named=True):
        expected = ar.filter(pl.col("snapshot_date") == row["snapshot_date"])["amt"][0]
        assert row["amt"] == pytest.approx(expected)
