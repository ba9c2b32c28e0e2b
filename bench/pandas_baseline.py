"""The plain pandas way: the exposure, aging and migration views computed from the raw files.

What a competent analyst would write in a notebook without a warehouse: read the
raw invoices, payments, orders, limits and fx rates, work out every invoice's
outstanding amount at the as-of date, then group. The bench times it next to the
warehouse path for the same view and checks both give the same totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass
class RawPortfolio:
    """Raw source tables as pandas frames (read once, outside the timed part)."""

    customers: pd.DataFrame
    invoices: pd.DataFrame
    payments: pd.DataFrame
    orders: pd.DataFrame
    limits: pd.DataFrame
    fx: pd.DataFrame
    ratings: pd.DataFrame


def read_raw(source_dir: Path) -> RawPortfolio:
    """Read the generated Parquet files with pandas."""
    def rd(name: str, cols: list[str]) -> pd.DataFrame:
        frame = pd.read_parquet(source_dir / f"{name}.parquet", columns=cols)
        for col in cols:
            if col.endswith(("_date", "_on", "_from", "_to")):
                frame[col] = pd.to_datetime(frame[col])
        return frame

    return RawPortfolio(
        customers=rd("customers", ["customer_id", "segment"]),
        invoices=rd("invoices", ["invoice_id", "customer_id", "invoice_date", "due_date", "amount", "currency",
                                 "paid_date", "is_disputed"]),
        payments=rd("payments", ["invoice_id", "payment_date", "amount"]),
        orders=rd("orders", ["customer_id", "order_date", "amount", "currency", "status", "invoiced_on"]),
        limits=rd("credit_limits", ["customer_id", "effective_from", "limit_amt", "currency"]),
        fx=rd("fx_rates", ["currency", "rate_date", "rate_to_reporting"]),
        ratings=rd("ratings", ["customer_id", "rated_on", "grade"]),
    )


def _rates(raw: RawPortfolio, as_of: pd.Timestamp, reporting: str) -> dict[str, float]:
    fx = raw.fx[raw.fx["rate_date"] <= as_of].sort_values("rate_date").groupby("currency")["rate_to_reporting"].last()
    rates = fx.to_dict()
    rates[reporting] = 1.0
    return rates


def open_items(raw: RawPortfolio, as_of: date, reporting: str = "CNY") -> pd.DataFrame:
    """Every invoice open at as_of with its outstanding amount in reporting currency and its dpd."""
    t = pd.Timestamp(as_of)
    inv = raw.invoices[raw.invoices["invoice_date"] <= t]
    pay = raw.payments[raw.payments["invoice_id"].notna() & (raw.payments["payment_date"] <= t)]
    paid = pay.groupby("invoice_id", sort=False)["amount"].sum()
    payment_count = raw.payments.groupby("invoice_id", sort=False).size()
    inv = inv.assign(paid=inv["invoice_id"].map(paid).fillna(0.0))
    via_payments = inv["invoice_id"].map(payment_count).notna() & (inv["amount"] > 0)
    outstanding = np.where(
        via_payments, inv["amount"] - inv["paid"],
        np.where(inv["paid_date"].notna() & (inv["paid_date"] <= t), 0.0, inv["amount"]))
    inv = inv.assign(outstanding=outstanding)
    inv = inv[inv["outstanding"].abs() >= 0.005]
    rates = _rates(raw, t, reporting)
    return inv.assign(
        outstanding_amt=(inv["outstanding"] * inv["currency"].map(rates)).round(2),
        days_past_due=(t - inv["due_date"]).dt.days,
    )


def exposure_view(raw: RawPortfolio, as_of: date, reporting: str = "CNY") -> pd.DataFrame:
    """Per customer: open AR, overdue AR, open orders, gross exposure, limit, utilization."""
    t = pd.Timestamp(as_of)
    items = open_items(raw, as_of, reporting)
    rates = _rates(raw, t, reporting)
    items = items.assign(overdue_amt=items["outstanding_amt"].where(items["days_past_due"] > 0, 0.0))
    ar = items.groupby("customer_id").agg(open_ar_amt=("outstanding_amt", "sum"), overdue_amt=("overdue_amt", "sum"))
    orders = raw.orders
    open_orders = orders[(orders["order_date"] <= t) & (orders["status"] != "cancelled")
                         & ~(orders["invoiced_on"].notna() & (orders["invoiced_on"] <= t))]
    oo = (open_orders["amount"] * open_orders["currency"].map(rates)).groupby(open_orders["customer_id"]).sum()
    lim = raw.limits[raw.limits["effective_from"] <= t].sort_values("effective_from").groupby("customer_id").last()
    lim_amt = lim["limit_amt"] * lim["currency"].map(rates)
    out = raw.customers.set_index("customer_id")
    out = out.join(ar).join(oo.rename("open_orders_amt")).join(lim_amt.rename("limit_amt"))
    out[["open_ar_amt", "overdue_amt", "open_orders_amt"]] = out[
        ["open_ar_amt", "overdue_amt", "open_orders_amt"]].fillna(0.0)
    out["gross_exposure_amt"] = out["open_ar_amt"] + out["open_orders_amt"]
    out["utilization_pct"] = out["gross_exposure_amt"] / out["limit_amt"] * 100
    return out.reset_index()


def aging_view(raw: RawPortfolio, as_of: date, bounds: list[int], reporting: str = "CNY") -> pd.DataFrame:
    """Open AR and item count per aging bucket (by due date)."""
    items = open_items(raw, as_of, reporting)
    edges = [-np.inf, *bounds, np.inf]
    bucket = pd.cut(items["days_past_due"], edges, right=True, labels=False)
    return items.groupby(bucket).agg(outstanding_amt=("outstanding_amt", "sum"),
                                     items=("outstanding_amt", "size")).reset_index(names="bucket_idx")


def migration_counts(raw: RawPortfolio, start: date, end: date, default_grade: str = "D",
                     nr_after_months: int = 18) -> pd.DataFrame:
    """Cohort transition counts and exposure from start to end: grade in force at both dates
    (D absorbing, NR when the rating at the end lapsed), gross exposure at the start (from
    the raw invoices and orders), one row per (from_grade, to_grade)."""
    t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
    r = raw.ratings.sort_values("rated_on")
    at0 = r[r["rated_on"] <= t0].groupby("customer_id").last()
    at0 = at0[(at0["grade"] != default_grade) & (at0["rated_on"] >= t0 - pd.DateOffset(months=nr_after_months))]
    at1 = r[r["rated_on"] <= t1].groupby("customer_id").last().reindex(at0.index)
    window = r[(r["rated_on"] > t0) & (r["rated_on"] <= t1) & (r["grade"] == default_grade)]
    defaulted = at0.index.isin(window["customer_id"].unique())
    lapsed = at1["rated_on"] < t1 - pd.DateOffset(months=nr_after_months)
    to = np.where(defaulted, default_grade, np.where(lapsed, "NR", at1["grade"]))
    exposure = exposure_view(raw, start).set_index("customer_id")["gross_exposure_amt"]
    cohort = pd.DataFrame({"from_grade": at0["grade"].to_numpy(), "to_grade": to,
                           "exposure_amt": exposure.reindex(at0.index).fillna(0.0).to_numpy()})
    return cohort.groupby(["from_grade", "to_grade"]).agg(count=("to_grade", "size"),
                                                          exposure_amt=("exposure_amt", "sum")).reset_index()
