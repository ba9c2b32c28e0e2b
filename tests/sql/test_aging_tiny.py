"""Aging on the hand-made fixture (see tests/sql/test_marts_tiny.py for the story).

At 2024-03-31: I2 250 left (500 - 200 paid - CN1's 50 set against it; due 03-16, 15 dpd),
I3 100 USD x 7.2 = 720 (due 03-20, 11 dpd), I4 2,000 disputed (due 04-04, not due); CN1
is used up against I2, so no credit is left on its own line.
By due date: not due 2,000 (all disputed); 1-30: 250 + 720 = 970 in 2 items.
By invoice date: I4 26 days -> 1-30 (2,000); I2 45 days -> 31-60 (250); I3 71 days -> 61-90 (720).
On demand at 2024-04-15: I2 and I3 are settled and CN1 (50) is unused: the credits line holds -50.
"""

from __future__ import annotations

from datetime import date

import pytest

from analytics.risk.aging import CREDITS_LABEL
from analytics.views import Filters
from analytics.views import aging_distribution

MARCH = date(2024, 3, 31)
BUCKETS = ["not due", "1-30", "31-60", "61-90", "91-180", "181-365", "> 365", CREDITS_LABEL]


@pytest.fixture()
def wh(tiny_wh):
    return tiny_wh


def rows(frame):
    return {r["bucket"]: (round(r["outstanding_amt"], 2), r["items"], round(r["disputed_amt"], 2))
            for r in frame.iter_rows(named=True)}


def test_aging_by_due_date(wh, policy):
    got = rows(aging_distribution(wh, MARCH, Filters(), policy))
    assert list(got) == BUCKETS
    assert got["not due"] == (2000.0, 1, 2000.0)
    assert got["1-30"] == (970.0, 2, 0.0)
    assert all(v == (0.0, 0, 0.0) for k, v in got.items() if k not in ("not due", "1-30"))


def test_aging_by_invoice_date(wh, policy):
    got = rows(aging_distribution(wh, MARCH, Filters(), policy, by_invoice_date=True))
    assert got["0"] == (0.0, 0, 0.0)
    assert got["1-30"] == (2000.0, 1, 2000.0)
    assert got["31-60"] == (250.0, 1, 0.0)
    assert got["61-90"] == (720.0, 1, 0.0)


def test_aging_shares_sum_to_100_and_filters_apply(wh, policy):
    frame = aging_distribution(wh, MARCH, Filters(), policy)
    assert frame["share_pct"].sum() == pytest.approx(100.0)
    key_only = rows(aging_distribution(wh, MARCH, Filters(segments=("key",)), policy))
    assert key_only["not due"] == (2000.0, 1, 2000.0) and key_only["1-30"] == (0.0, 0, 0.0)
    group = rows(aging_distribution(wh, MARCH, Filters(groups=("C1",)), policy))
    assert group["1-30"] == (970.0, 2, 0.0) and group["not due"] == (0.0, 0, 0.0)


def test_unused_credit_on_its_own_line_on_demand(wh, policy):
    got = rows(aging_distribution(wh, date(2024, 4, 15), Filters(), policy))
    assert got[CREDITS_LABEL] == (-50.0, 1, 0.0)
    assert got["1-30"] == (2000.0, 1, 2000.0)  # I4: due 04-04, 11 dpd
    assert sum(v[0] for v in got.values()) == pytest.approx(1950.0)
