"""Aging buckets and the distribution (pure functions), by hand."""

from __future__ import annotations

import polars as pl
import pytest

from analytics.aging import bucket_items, bucket_labels, distribution


def test_bucket_labels_by_due_and_invoice_date():
    assert bucket_labels((0, 30, 60)) == ["not due", "1-30", "31-60", "> 60"]
    assert bucket_labels((0, 30, 60), by_invoice_date=True) == ["0", "1-30", "31-60", "> 60"]
    assert bucket_labels((15, 45)) == ["<= 15", "16-45", "> 45"]
    assert bucket_labels((15, 45), by_invoice_date=True) == ["0-15", "16-45", "> 45"]


def test_distribution_fills_empty_buckets_and_splits_disputes():
    raw = pl.DataFrame({"bucket_idx": [0, 0, 2], "is_disputed": [False, True, False],
                        "outstanding_amt": [600.0, 200.0, 200.0], "items": [3, 1, 2]})
    out = distribution(raw, ["not due", "1-30", "31-60", "> 60"])
    assert out["bucket"].to_list() == ["not due", "1-30", "31-60", "> 60"]
    assert out["outstanding_amt"].to_list() == [800.0, 0.0, 200.0, 0.0]
    assert out["items"].to_list() == [4, 0, 2, 0]
    assert out["disputed_amt"].to_list() == [200.0, 0.0, 0.0, 0.0]
    assert out["share_pct"].to_list() == pytest.approx([80.0, 0.0, 20.0, 0.0])


def test_distribution_of_nothing_has_no_shares():
    raw = pl.DataFrame(schema={"bucket_idx": pl.Int32, "is_disputed": pl.Boolean, "outstanding_amt": pl.Float64,
                               "items": pl.Int64})
    out = distribution(raw, ["not due", "> 0"])
    assert out["outstanding_amt"].to_list() == [0.0, 0.0]
    assert out["share_pct"].null_count() == 2


def test_bucket_items_of_one_customer():
    items = pl.DataFrame({"days_past_due": [-5, 0, 15, 45, 400], "outstanding_amt": [100.0, 50.0, 30.0, 20.0, 10.0],
                          "is_disputed": [False, False, True, False, False]})
    out = bucket_items(items, (0, 30, 60))
    assert out["bucket"].to_list() == ["not due", "1-30", "31-60", "> 60"]
    assert out["outstanding_amt"].to_list() == [150.0, 30.0, 20.0, 10.0]
    assert out["items"].to_list() == [2, 1, 1, 1]
    assert out["disputed_amt"].to_list() == [0.0, 30.0, 0.0, 0.0]
