"""Every sql/ file runs on the generated fixture warehouse, and the marts keep their invariants
(in the spirit of dbt data tests): unique keys, buckets summing to open AR, exposure = max(0,
AR + orders), items never negative and credits never beside open items in their currency, and
open AR equal to the ledger recomputed from the raw tables (the reconciliation)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.views import Filters
from analytics.views import aging_distribution, calendar
from analytics.data.warehouse import SQL_DIR, Warehouse, query_parameters, sql_text

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
              "from_month": date(2000, 1, 31), "to_month": as_of, "text": "C0", "max_rows": 5, **Filters().params(),
              "starts": [date(2025, 10, 31)], "ends": [as_of], "default_grade": "D", "nr_after_months": 18,
              "window_start": date(2025, 10, 31), "window_end": as_of, "scale": list(policy.scale),
              "downgrade_months": 12, "cover_months": 3, "event_months": 12, "from_date": date(2025, 10, 31),
              "extracted_on": as_of, "scored_at": as_of, "model": "expert", "previous_at": date(2025, 10, 31),
              "horizon_months": 12, "expires_from": as_of, "expires_to": date(as_of.year + 1, 12, 31)}
    used = query_parameters(sql_text(f"queries/{name}"))
    assert used <= set(params), f"the test gives no value for {used - set(params)}"
    frame = wh.query(name, **{k: v for k, v in params.items() if k in used})
    assert frame.width > 0


@pytest.mark.parametrize(("table", "key"), [
    ("customer_snapshot", "customer_id, snapshot_date"),
    ("open_items_snapshot", "coalesce(doc_key, -1), customer_id, currency, snapshot_date"),
    ("documents", "doc_key"),
    ("invoice_facts", "doc_key"),
    ("account_pool_snapshot", "customer_id, currency, snapshot_date"),
    ("fx_snapshot", "currency, snapshot_date"),
    ("snapshot_dates", "snapshot_date"),
])
def test_mart_keys_are_unique(wh, table, key):
    dupes = sql(wh, f"select {key}, count(*) as n from {table} group by all having count(*) > 1")
    assert dupes.height == 0, dupes.head()


def test_exposure_is_ar_plus_orders_and_net_is_bounded(wh):
    bad = sql(wh, """
        select * from customer_snapshot
        where abs(gross_exposure_amt - greatest(0, open_ar_amt + open_orders_amt)) > 0.01
           or abs(not_due_amt + overdue_amt + credit_balance_amt - open_ar_amt) > 0.01
           or gross_exposure_amt < 0 or credit_balance_amt > 0
           or net_exposure_amt < 0 or net_exposure_amt > gross_exposure_amt + 0.01""")
    assert bad.height == 0, bad.head()


def test_the_sample_exercises_the_ledger(wh):
    """The generator's ledger situations reach the marts: cash on account, credit notes with
    and without an invoice, advances, overpayments, credit balances and group lines."""
    reasons = set(sql(wh, "select distinct on_account_reason from ledger_entries")["on_account_reason"].to_list())
    assert {"unapplied cash", "credit note", "overpayment"} <= reasons
    assert sql(wh, "select count(*) as n from open_items_snapshot where is_credit")["n"][0] > 0
    assert sql(wh, "select count(*) as n from customer_snapshot where line_scope = 'group' "
                   "and not is_line_holder")["n"][0] > 0


def test_open_items_are_positive_and_credits_never_sit_beside_items_of_their_currency(wh):
    bad = sql(wh, "select * from open_items_snapshot where (not is_credit and outstanding_amt < 0.005) "
                  "or (is_credit and outstanding_amt > -0.005)")
    assert bad.height == 0
    beside = sql(wh, """
        select c.customer_id, c.currency, c.snapshot_date from open_items_snapshot as c
        join open_items_snapshot as i on i.customer_id = c.customer_id and i.snapshot_date = c.snapshot_date
            and not i.is_credit
        where c.is_credit""")
    assert beside.height == 0, beside.head()


def test_aging_buckets_sum_to_open_ar(wh, as_of, policy):
    ar = sql(wh, "select sum(open_ar_amt) as ar from customer_snapshot where snapshot_date = $d", d=as_of)["ar"][0]
    for basis in (False, True):
        buckets = aging_distribution(wh, as_of, Filters(), policy, by_invoice_date=basis)
        assert buckets["outstanding_amt"].sum() == pytest.approx(ar, abs=0.05)


def test_open_ar_matches_the_ledger_recomputed_from_raw_tables(wh, policy):
    """At every snapshot: invoices - credit notes + credit notes used up - paid_date settlements
    - applied cash - cash on account - write-offs (raw tables, sql/queries/reconciliation.sql)
    = the open items of the aging = the customers' open AR, in reporting currency to the
    rounding of the items."""
    from analytics.views.receivables import reconciliation_view

    dates = calendar(wh).dates
    assert len(dates) > 12
    for day in dates:
        view = reconciliation_view(wh, day, Filters(), policy)
        items = int(view.by_currency["aging_items"].sum())
        assert abs(view.totals["difference_amt"]) <= 0.005 * items + 0.01, (day, view.totals)
        bridge = dict(zip(view.bridge["step"].to_list(), view.bridge["amount"].to_list()))
        assert bridge["open AR after credits (aging total)"] == pytest.approx(view.totals["aging_amt"], abs=0.05)
        assert (bridge["open AR after credits (aging total)"] + bridge["open orders"]
                + bridge["credit balances, which exposure does not net (a customer in credit has exposure 0)"]
                == pytest.approx(bridge["gross exposure"], abs=0.05))


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
    trend = wh.query("aging_trend", as_of=as_of, by_invoice_date=False, **Filters().params())
    at_date = trend.filter(pl.col("snapshot_date") == as_of).sort("bucket_idx")
    direct = wh.query("aging_buckets", as_of=as_of, bounds=list(policy.bucket_upper_dpd), by_invoice_date=False,
                      **Filters().params()).group_by("bucket_idx").agg(pl.col("outstanding_amt").sum()).sort("bucket_idx")
    assert at_date["outstanding_amt"].to_list() == pytest.approx(direct["outstanding_amt"].to_list())


def test_aging_matches_an_independent_pandas_ledger(wh, generated_source, policy):
    """bench/pandas_baseline.py applies the ledger's rules its own way (pandas, from the raw
    files): every bucket, the credits line and the customers' open AR agree, at the
    extraction date, a month-end and a day built on demand."""
    from bench import pandas_baseline as pb

    raw = pb.read_raw(generated_source)
    cal = calendar(wh)
    days = [cal.latest, cal.dates[6], date.fromordinal(cal.dates[9].toordinal() - 12)]
    for day in days:
        theirs = pb.aging_view(raw, day, list(policy.bucket_upper_dpd)).sort_values("bucket_idx")
        ours = aging_distribution(wh, day, Filters(), policy)
        by_idx = dict(zip(theirs["bucket_idx"].astype(int), theirs["outstanding_amt"]))
        expected = [by_idx.get(i, 0.0) for i in range(len(policy.bucket_upper_dpd) + 1)] + [by_idx.get(-1, 0.0)]
        assert ours["outstanding_amt"].to_list() == pytest.approx(expected, abs=0.05), day
        exposure = pb.exposure_view(raw, day, extracted_on=cal.extracted_on)
        mart = sql(wh.at(day) if not cal.is_snapshot(day) else wh,
                   "select sum(open_ar_amt) as ar, sum(gross_exposure_amt) as gross from customer_snapshot "
                   "where snapshot_date = $d", d=day).row(0)
        assert (exposure["open_ar_amt"].sum(), exposure["gross_exposure_amt"].sum()) == pytest.approx(mart, abs=0.05)


def test_collections_past_due_is_the_portfolios_overdue(wh, policy):
    """One definition: the worklist's past-due total is the portfolio's overdue AR (both the
    open items past due, after credits), at the extraction date and on a day built on demand."""
    from analytics.views import exposure_view
    from analytics.views.receivables import collections_view

    cal = calendar(wh)
    for day in (cal.latest, date.fromordinal(cal.dates[5].toordinal() - 9)):
        worklist = collections_view(wh, day, Filters(), policy)
        exposure = exposure_view(wh, day, Filters(), policy)
        assert float(worklist.customers["past_due_amt"].sum()) == pytest.approx(exposure.kpis.overdue_amt, abs=0.05)
        assert worklist.customers.height > 0


def test_a_query_refuses_missing_and_unknown_parameters(wh, as_of):
    from analytics.data.warehouse import QueryParameterError
    used = query_parameters(sql_text("queries/aging_buckets"))
    with pytest.raises(QueryParameterError, match=r"missing parameter\(s\) .*as_of"):
        wh.query("aging_buckets", **{k: None for k in used - {"as_of"}})
    with pytest.raises(QueryParameterError, match=r"unknown parameter\(s\) as_off"):
        wh.query("aging_buckets", as_off=as_of, **{k: None for k in used})
