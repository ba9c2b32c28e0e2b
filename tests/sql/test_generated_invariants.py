"""Every sql/ file runs on the generated fixture warehouse, and the marts keep their invariants
(in the spirit of dbt data tests): unique keys, buckets summing to open AR, exposure = AR + orders,
and open AR equal to an independent recomputation from the raw tables."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.exposure import Filters
from analytics.views import aging_distribution, calendar
from analytics.warehouse import SQL_DIR, Warehouse

QUERIES = sorted(p.stem for p in (SQL_DIR / "queries").glob("*.sql"))


@pytest.fixture(scope="module")
def wh(generated_warehouse):
    handle = Warehouse(generated_warehouse)
    yield handle
    handle.close()


@pytest.fixture(scope="module")
def as_of(wh) -> date:
    return calendar(wh).latest


def sql(wh: Warehouse, text: str, **params: object) -> pl.DataFrame:
    return wh.con.sql(text, params=params or None).pl()


@pytest.mark.parametrize("name", QUERIES)
def test_every_query_runs(wh, as_of, policy, name):
    params = {"as_of": as_of, "customer_id": "C000001", "group_id": "C000001", "ids": ["C000001", "C000002"],
              "bounds": list(policy.bucket_upper_dpd), "by_invoice_date": False, "dimension": "segment",
              "from_month": date(2000, 1, 31), "to_month": as_of, "text": "C0", "limit": 5, **Filters().params(),
              "starts": [date(2025, 10, 31)], "ends": [as_of], "default_grade": "D", "nr_after_months": 18,
              "window_start": date(2025, 10, 31), "window_end": as_of, "scale": list(policy.scale),
              "downgrade_months": 12, "cover_months": 3, "event_months": 12, "from_date": date(2025, 10, 31)}
    frame = wh.query(name, **params)
    assert frame.width > 0


@pytest.mark.parametrize(("table", "key"), [
    ("customer_snapshot", "customer_id, snapshot_date"),
    ("open_items_snapshot", "invoice_id, snapshot_date"),
    ("fx_snapshot", "currency, snapshot_date"),
    ("snapshot_dates", "snapshot_date"),
])
def test_mart_keys_are_unique(wh, table, key):
    dupes = sql(wh, f"select {key}, count(*) as n from {table} group by all having count(*) > 1")
    assert dupes.height == 0, dupes.head()


def test_exposure_is_ar_plus_orders_and_net_is_bounded(wh):
    bad = sql(wh, """
        select * from customer_snapshot
        where abs(gross_exposure_amt - open_ar_amt - open_orders_amt) > 0.01
           or abs(not_due_amt + overdue_amt - open_ar_amt) > 0.01
           or net_exposure_amt < 0 or net_exposure_amt > greatest(gross_exposure_amt, 0) + 0.01""")
    assert bad.height == 0, bad.head()


def test_aging_buckets_sum_to_open_ar(wh, as_of, policy):
    ar = sql(wh, "select sum(open_ar_amt) as ar from customer_snapshot where snapshot_date = $d", d=as_of)["ar"][0]
    for basis in (False, True):
        buckets = aging_distribution(wh, as_of, Filters(), policy, by_invoice_date=basis)
        assert buckets["outstanding_amt"].sum() == pytest.approx(ar, abs=0.05)


def test_open_ar_matches_raw_recomputation(wh):
    """Outstanding = amount - payments on or before t, from the raw tables, at every month-end."""
    recomputed = sql(wh, """
        with paid as (
            select sd.snapshot_date, pay.invoice_id, sum(pay.amount) as paid
            from payments as pay join snapshot_dates as sd on pay.payment_date <= sd.snapshot_date
            where pay.invoice_id is not null group by all
        ),
        has_pay as (select distinct invoice_id from payments where invoice_id is not null),
        per_doc as (
            select sd.snapshot_date, inv.currency,
                case when inv.amount > 0 and hp.invoice_id is not null then inv.amount - coalesce(p.paid, 0)
                     when inv.paid_date is not null and inv.paid_date <= sd.snapshot_date then 0
                     else inv.amount end as outstanding
            from invoices as inv
            join snapshot_dates as sd on inv.invoice_date <= sd.snapshot_date
            left join has_pay as hp on hp.invoice_id = inv.invoice_id
            left join paid as p on p.invoice_id = inv.invoice_id and p.snapshot_date = sd.snapshot_date
        )
        select d.snapshot_date, round(sum(d.outstanding * fx.rate_to_reporting), 0) as ar
        from per_doc as d join fx_snapshot as fx using (currency, snapshot_date)
        where abs(d.outstanding) >= 0.005
        group by all order by 1""")
    mart = sql(wh, "select snapshot_date, round(sum(open_ar_amt), 0) as ar from customer_snapshot "
                   "group by all order by 1")
    joined = recomputed.join(mart, on="snapshot_date", suffix="_mart")
    assert joined.height == mart.height > 12
    assert (joined["ar"] - joined["ar_mart"]).abs().max() <= 1.0 + 1e-6 * joined["ar"].abs().max()


def test_pre_aggregated_cubes_match_the_detail(wh, as_of, policy):
    """roll_cube and aging_cube give what the invoice-level marts give for the policy buckets."""
    window = {"from_month": date(2000, 1, 31), "to_month": as_of, **Filters(segments=("core",)).params()}
    detail = wh.query("roll_transitions", bounds=list(policy.provision_bucket_upper_dpd), **window)
    cube = wh.query("roll_cube", **window)
    key = ["month_end", "from_idx", "to_idx"]
    joined = detail.join(cube, on=key, how="full", suffix="_cube", coalesce=True).fill_null(0.0)
    assert joined.height == detail.height == cube.height > 0
    assert (joined["from_amt"] - joined["from_amt_cube"]).abs().max() < 0.01
    assert (joined["to_amt"] - joined["to_amt_cube"]).abs().max() < 0.01
    trend = wh.query("aging_trend", by_invoice_date=False, **Filters().params())
    at_date = trend.filter(pl.col("snapshot_date") == as_of).sort("bucket_idx")
    direct = wh.query("aging_buckets", as_of=as_of, bounds=list(policy.bucket_upper_dpd), by_invoice_date=False,
                      **Filters().params()).group_by("bucket_idx").agg(pl.col("outstanding_amt").sum()).sort("bucket_idx")
    assert at_date["outstanding_amt"].to_list() == pytest.approx(direct["outstanding_amt"].to_list())
