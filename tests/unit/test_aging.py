"""Aging buckets and the distribution (pure functions), by hand."""

from __future__ import annotations

import polars as pl
import pytest

from analytics.risk.aging import CREDITS_LABEL, bucket_items, bucket_labels, currency_table, distribution, split_table


def test_bucket_labels_by_due_and_invoice_date():
    assert bucket_labels((0, 30, 60)) == ["not due", "1-30", "31-60", "> 60"]
    assert bucket_labels((0, 30, 60), by_invoice_date=True) == ["0", "1-30", "31-60", "> 60"]
    assert bucket_labels((15, 45)) == ["<= 15", "16-45", "> 45"]
    assert bucket_labels((15, 45), by_invoice_date=True) == ["0-15", "16-45", "> 45"]


def test_distribution_fills_empty_buckets_and_splits_disputes():
    raw = pl.DataFrame({"bucket_idx": [0, 0, 2], "is_disputed": [False, True, False],
                        "outstanding_amt": [600.0, 200.0, 200.0], "items": [3, 1, 2]})
    out = distribution(raw, ["not due", "1-30", "31-60", "> 60"])
    assert out["bucket"].to_list() == ["not due", "1-30", "31-60", "> 60", CREDITS_LABEL]
    assert out["outstanding_amt"].to_list() == [800.0, 0.0, 200.0, 0.0, 0.0]
    assert out["items"].to_list() == [4, 0, 2, 0, 0]
    assert out["disputed_amt"].to_list() == [200.0, 0.0, 0.0, 0.0, 0.0]
    assert out["share_pct"].to_list()[:4] == pytest.approx([80.0, 0.0, 20.0, 0.0])
    assert out["share_pct"][4] == 0.0  # no credits


def test_credits_get_their_own_line_and_a_negative_share():
    """Unused credits (bucket_idx -1) are a line of their own; the shares are of the open items
    (1,000), the credits' -250 is -25 % of them; the lines add up to open AR after credits
    (1,000 - 250)."""
    raw = pl.DataFrame({"bucket_idx": [0, 2, -1], "is_disputed": [False, False, False],
                        "outstanding_amt": [600.0, 400.0, -250.0], "items": [3, 1, 2]})
    out = distribution(raw, ["not due", "1-30", "31-60", "> 60"])
    assert out["outstanding_amt"].to_list() == [600.0, 0.0, 400.0, 0.0, -250.0]
    assert out["share_pct"].to_list()[:4] == pytest.approx([60.0, 0.0, 40.0, 0.0])
    assert out["share_pct"][4] == pytest.approx(-25.0) and out["items"][4] == 2
    assert out["outstanding_amt"].sum() == 750.0


def test_split_table_has_the_credits_column_and_overdue_share_of_items():
    raw = pl.DataFrame({"dimension_value": ["a", "a", "b", "b"], "bucket_idx": [0, 1, 1, -1],
                        "outstanding_amt": [300.0, 100.0, 50.0, -20.0], "items": [1, 1, 1, 1]})
    out = split_table(raw, ["not due", "> 0"], "segment")
    assert out.columns == ["segment", "not due", "> 0", CREDITS_LABEL, "total_amt", "overdue_pct"]
    assert out.rows() == [("a", 300.0, 100.0, 0.0, 400.0, 25.0), ("b", 0.0, 50.0, -20.0, 30.0, 100.0)]


def test_currency_table_is_in_document_currency_with_the_reporting_total():
    raw = pl.DataFrame({"currency": ["CNY", "USD", "USD"], "bucket_idx": [0, 0, 1],
                        "outstanding_doc_ccy": [700.0, 100.0, 50.0], "outstanding_amt": [700.0, 720.0, 360.0],
                        "items": [1, 1, 1]})
    out = currency_table(raw, ["not due", "> 0"])
    assert out.rows() == [("USD", 100.0, 50.0, 0.0, 150.0, 1080.0), ("CNY", 700.0, 0.0, 0.0, 700.0, 700.0)]


def test_distribution_of_nothing_has_no_shares():
    raw = pl.DataFrame(schema={"bucket_idx": pl.Int32, "is_disputed": pl.Boolean, "outstanding_amt": pl.Float64,
                               "items": pl.Int64})
    out = distribution(raw, ["not due", "> 0"])
    assert out["outstanding_amt"].to_list() == [0.0, 0.0, 0.0]
    assert out["share_pct"].null_count() == 3


def test_bucket_items_of_one_customer():
    items = pl.DataFrame({"days_past_due": [-5, 0, 15, 45, 400], "outstanding_amt": [100.0, 50.0, 30.0, 20.0, 10.0],
                          "is_disputed": [False, False, True, False, False]})
    out = bucket_items(items, (0, 30, 60))
    assert out["bucket"].to_list() == ["not due", "1-30", "31-60", "> 60", CREDITS_LABEL]
    assert out["outstanding_amt"].to_list() == [150.0, 30.0, 20.0, 10.0, 0.0]
    assert out["items"].to_list() == [2, 1, 1, 1, 0]
    assert out["disputed_amt"].to_list() == [0.0, 30.0, 0.0, 0.0, 0.0]


def test_bucket_items_put_a_credit_on_its_own_line():
    items = pl.DataFrame({"days_past_due": [10, None], "outstanding_amt": [100.0, -40.0],
                          "is_disputed": [False, False]})
    out = bucket_items(items, (0, 30))
    assert out["outstanding_amt"].to_list() == [0.0, 100.0, 0.0, -40.0]


def test_bucket_words_are_translated_where_shown():
    from analytics.i18n import speaking
    from analytics.risk.aging import shown_bucket, with_shown_buckets

    raw = pl.DataFrame({"dimension_value": ["a", "b"], "bucket_idx": [0, -1], "outstanding_amt": [300.0, -20.0],
                        "items": [1, 1]})
    split = split_table(raw, ["not due", "> 0"], "segment")
    dist = distribution(pl.DataFrame({"bucket_idx": [0, -1], "is_disputed": [False, False],
                                      "outstanding_amt": [10.0, -2.0], "items": [1, 1]}), ["not due", "> 0"])
    with speaking("zh"):
        assert shown_bucket("not due") == "未到期" and shown_bucket("1-30") == "1-30"
        assert with_shown_buckets(split).columns[:4] == ["segment", "未到期", "> 0", "预收/未核销贷项"]
        assert with_shown_buckets(dist)["bucket"].to_list() == ["未到期", "> 0", "预收/未核销贷项"]
    assert with_shown_buckets(dist)["bucket"].to_list() == ["not due", "> 0", CREDITS_LABEL]
