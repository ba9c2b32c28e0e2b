"""The rating models' characteristics mart: by hand on the tiny fixture, no look-ahead on a
generated portfolio cut at a month-end, and the dense month-ends its row windows rely on."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.data.loader import load
from analytics.data.warehouse import current_path


def characteristics(folder: Path) -> pl.DataFrame:
    con = duckdb.connect(str(current_path(folder)), read_only=True)
    try:  # test-only introspection of one mart
        return con.sql("select * from customer_characteristics order by customer_id, snapshot_date").pl()
    finally:
        con.close()


def row(frame: pl.DataFrame, customer: str, day: date) -> dict[str, object]:
    return frame.filter((pl.col("customer_id") == customer) & (pl.col("snapshot_date") == day)).row(0, named=True)


def test_tiny_by_hand(tiny_warehouse: Path):
    ch = characteristics(tiny_warehouse)
    # month-ends only (the extraction date 2024-04-20 is not one): C1 and C2 from January, C3 from March
    assert ch.group_by("customer_id").len().sort("customer_id").rows() == [("C1", 4), ("C2", 4), ("C3", 2)]
    feb, mar, apr = date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)
    c1 = row(ch, "C1", apr)
    # I1 1,000 settled 11 days beyond terms in February, I2 500 settled 25 days beyond in April:
    # (11 x 1,000 + 25 x 500) / 1,500 over 3, 6 and 12 months; both late
    assert c1["days_beyond_terms_3m_days"] == pytest.approx(23_500 / 1_500)
    assert c1["days_beyond_terms_12m_days"] == pytest.approx(23_500 / 1_500)
    assert c1["days_beyond_terms_trend_days"] == pytest.approx(0.0)
    assert c1["late_settled_12m_pct"] == 100.0 and c1["months_on_book"] == 3
    # February: only I1 settled; sales 1,000 in January and 500 in February -> mean 750, sd 250
    c1_feb = row(ch, "C1", feb)
    assert c1_feb["days_beyond_terms_3m_days"] == pytest.approx(11.0)
    assert c1_feb["sales_12m_amt"] == pytest.approx(1_500.0) and c1_feb["months_with_sales_12m"] == 2
    assert c1_feb["sales_volatility_pct"] == pytest.approx(250 / 750 * 100)
    assert c1_feb["sales_trend_pct"] is None  # needs a full year of months
    # C2 (USD 100 at 7.0 in January) had nothing settled before April: missing, not zero
    c2_mar = row(ch, "C2", mar)
    assert c2_mar["days_beyond_terms_12m_days"] is None and c2_mar["late_settled_12m_pct"] is None
    assert c2_mar["max_days_past_due_12m_days"] == 11  # I3 due 2024-03-20, open on 03-31
    # C3's only invoice (2,000) is disputed: all of its open AR
    c3 = row(ch, "C3", mar)
    assert c3["disputed_share_pct"] == 100.0 and c3["months_on_book"] == 0
    # C1 and C2 draw on C1's group line of 1,000: over it in January, February and March
    assert row(ch, "C1", mar)["over_limit_months_12m"] == 3


def _cut(source: Path, dest: Path, day: date) -> None:
    """A copy of an export as it would have been taken on `day`: nothing dated after it."""
    dated = {  # file -> the column that dates a row (rows after `day` are not yet known)
        "invoices.csv": "invoice_date", "payments.csv": "payment_date", "ratings.csv": "rated_on",
        "credit_limits.csv": "effective_from", "events.csv": "event_date", "orders.csv": "order_date",
        "collateral.csv": "valid_from", "financials.csv": "period_end", "fx_rates.csv": "rate_date",
    }
    later = {  # columns a later event fills in: unknown on `day`
        "invoices.csv": ["paid_date"], "orders.csv": ["invoiced_on", "cancelled_on"],
    }
    dest.mkdir(parents=True)
    for path in source.iterdir():
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
            fields = list(rows[0].keys()) if rows else []
        kept = []
        for r in rows:
            if path.name in dated and r[dated[path.name]] and date.fromisoformat(r[dated[path.name]]) > day:
                continue
            for col in later.get(path.name, []):
                if r.get(col) and date.fromisoformat(r[col]) > day:
                    r[col] = ""
                    if col in ("invoiced_on", "cancelled_on"):
                        r["status"] = "open"
            kept.append(r)
        if not fields:
            shutil.copy(path, dest / path.name)
            continue
        with (dest / path.name).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(kept)


def test_no_look_ahead(generated_source: Path, generated_warehouse: Path, policy, tmp_path: Path):
    """Every characteristic at a month-end is the same whether the export ran on that day or
    a year later: nothing after the observation date reaches it."""
    full = characteristics(generated_warehouse)
    day = sorted(full["snapshot_date"].unique().to_list())[len(full["snapshot_date"].unique()) // 2]
    _cut(generated_source, tmp_path / "src", day)
    load(tmp_path / "src", policy, tmp_path / "wh", extracted_on=day)
    cut = characteristics(tmp_path / "wh")
    shared = full.filter(pl.col("snapshot_date") <= day)
    assert cut.height == shared.height and cut.height > 1_000
    assert_frame_equal(cut, shared, check_exact=False, rel_tol=1e-9, abs_tol=1e-6)


def test_month_ends_are_dense(generated_warehouse: Path):
    """The mart's row windows count N rows as N months: every customer has each month-end from
    its first on."""
    ch = characteristics(generated_warehouse)
    gaps = (ch.with_columns((pl.col("snapshot_date").dt.year() * 12 + pl.col("snapshot_date").dt.month())
                            .alias("m"))
            .with_columns(pl.col("m").diff().over("customer_id").alias("step"))
            .filter(pl.col("step").is_not_null() & (pl.col("step") != 1)))
    assert gaps.height == 0, gaps.head()


def test_the_list_of_characteristics_is_the_mart(tiny_warehouse: Path):
    from analytics.risk.scorecard import CHARACTERISTICS

    assert characteristics(tiny_warehouse).columns == ["customer_id", "snapshot_date", *CHARACTERISTICS]


def test_expert_scores_on_tiny_by_hand(tiny_warehouse: Path, policy):
    from dataclasses import replace

    from analytics.data.warehouse import Warehouse
    from analytics.views import Filters
    from analytics.views.scoring import scores_view

    wh = Warehouse(tiny_warehouse)
    try:
        # every tiny customer is under 6 months on book: the application scorecard grades it.
        # C1 at 03-31 by hand: company (no incorporation date 30, no registered capital 30) 30;
        # financial condition (no statements: 40 each) 40; industry Machinery 60; external
        # grade BBB 68 -> 10 x (0.15 x 30 + 0.5 x 40 + 0.15 x 60 + 0.2 x 68) = 471 -> B
        new = scores_view(wh, date(2024, 4, 20), Filters(), policy)
        c1_new = new.scores.filter(pl.col("customer_id") == "C1").row(0, named=True)
        assert c1_new["scorecard"] == "application"
        assert c1_new["score"] == pytest.approx(471.0) and c1_new["grade"] == "B"
        # C2: Retail 50, no external grade 50 -> 10 x (4.5 + 20 + 7.5 + 10) = 420
        assert new.scores.filter(pl.col("customer_id") == "C2")["score"][0] == pytest.approx(420.0)
        # the behavioural scorecard, as for a customer with history (application_months = 0)
        policy = replace(policy, rating=replace(policy.rating, application_months=0))
        view = scores_view(wh, date(2024, 4, 20), Filters(), policy)
        # the extraction date's month is still open: the last complete month-end is scored
        assert view.scored_at == date(2024, 3, 31)
        c1 = view.scores.filter(pl.col("customer_id") == "C1").row(0, named=True)
        # payment history: 11 days beyond terms 65, worst 15 dpd 80, all settled late 0, trend 0 80
        # -> 56.25; credit use: utilization 127 % 0, three months over the line 30 -> 15;
        # relationship: 2 months on book 20, 2 months with sales 30, volatility 89 % 75 -> 41.67;
        # disputes and events 100 -> 10 x (0.45 x 56.25 + 0.15 x 15 + 0.2 x 41.67 + 0.2 x 100)
        assert c1["score"] == pytest.approx(10 * (0.45 * 56.25 + 0.15 * 15 + 0.2 * 125 / 3 + 0.2 * 100))
        assert c1["grade"] == "BB" and c1["pd_pct"] == pytest.approx(0.72)
        assert c1["imported_grade"] == "BBB" and c1["notches_vs_imported"] == 1
        # weighted points lost: all settled late 0.45 / 4 x 100 x 10 = 112.5, then utilization
        # 0.15 / 2 x 100 x 10 = 75
        assert (c1["reason_1"], c1["reason_2"]) == ("late_settled_12m_pct", "utilization_pct")
        assert view.by_grade["grade"].to_list() == list(policy.scale[:-1])
        assert view.by_grade["customers"].sum() == 3
        segment = scores_view(wh, date(2024, 4, 20), Filters(segments=("key",)), policy)
        assert segment.scores["customer_id"].to_list() == ["C3"]
        # before the first month-end there is nothing to score: said, not an error
        early = scores_view(wh, date(2024, 1, 15), Filters(), policy)
        assert early.scores.height == 0 and "No month-end" in early.notes[0]
    finally:
        wh.close()
