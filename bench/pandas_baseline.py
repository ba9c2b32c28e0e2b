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
import pyarrow.parquet as pq

DATE_COLUMNS = {"invoice_date", "due_date", "paid_date", "payment_date", "order_date", "invoiced_on", "cancelled_on",
                "effective_from", "rate_date", "rated_on"}


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
    """Read the generated Parquet (or CSV) files with pandas (columns a file lacks, an older
    export's, come as empty)."""
    def rd(name: str, cols: list[str]) -> pd.DataFrame:
        parquet = source_dir / f"{name}.parquet"
        if parquet.exists():
            have = set(pq.read_schema(parquet).names)
            frame = pd.read_parquet(parquet, columns=[c for c in cols if c in have])
        else:  # the CSV the generator writes for the sample and the tests
            frame = pd.read_csv(source_dir / f"{name}.csv", usecols=lambda c: c in cols,
                                dtype={"invoice_id": str, "applies_to": str, "payment_id": str, "customer_id": str})
            if "is_disputed" in frame.columns:
                frame["is_disputed"] = frame["is_disputed"].astype(str).str.lower().eq("true")
        for col in cols:
            if col not in frame.columns:
                frame[col] = None
            if col in DATE_COLUMNS:
                frame[col] = pd.to_datetime(frame[col])
        return frame

    return RawPortfolio(
        customers=rd("customers", ["customer_id", "segment"]),
        invoices=rd("invoices", ["invoice_id", "customer_id", "invoice_date", "due_date", "amount", "currency",
                                 "doc_type", "paid_date", "is_disputed", "applies_to"]),
        payments=rd("payments", ["payment_id", "customer_id", "invoice_id", "payment_date", "amount", "currency",
                                 "method"]),
        orders=rd("orders", ["customer_id", "order_date", "amount", "currency", "status", "invoiced_on",
                             "cancelled_on"]),
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
    """Every open item at as_of by the ledger's rules (docs/ledger.md): each
    receivable less the payments and credit notes naming it (what exceeds it, or comes before
    it is raised, goes on the customer's account); a receivable nothing names settles on its
    paid_date; cash naming no invoice and credit notes naming none (until their paid_date) are
    on account too. The customer's credits are set against its open items, same currency
    first, undisputed before disputed, oldest due first, then across currencies at the closing
    rate; what is left is a credit row (days_past_due NaN). Amounts in reporting currency.
    (One document per invoice number: the generated files have no shared ones.)"""
    t = pd.Timestamp(as_of)
    rates = _rates(raw, t, reporting)
    inv = raw.invoices
    is_cn = inv["doc_type"].eq("credit_note")
    receivables = inv[~is_cn]
    linked_all = inv[is_cn & inv["applies_to"].notna()]
    named = set(raw.payments["invoice_id"].dropna().unique()) | set(linked_all["applies_to"].unique())
    pay = raw.payments[raw.payments["payment_date"] <= t]
    linked = linked_all[linked_all["invoice_date"] <= t]
    claims = pd.concat([
        pd.DataFrame({"invoice_id": pay["invoice_id"], "claim_amt": pay["amount"]}).dropna(subset=["invoice_id"]),
        pd.DataFrame({"invoice_id": linked["applies_to"], "claim_amt": -linked["amount"]}),
    ])
    applied = claims.groupby("invoice_id", sort=False)["claim_amt"].sum()
    docs = receivables[receivables["invoice_date"] <= t]
    paid = docs["invoice_id"].map(applied).fillna(0.0)
    by_paid_date = ~docs["invoice_id"].isin(named) & (docs["paid_date"] <= t)
    docs = docs.assign(gross=np.where(by_paid_date, 0.0, np.maximum(docs["amount"] - paid, 0.0)),
                       surplus=np.maximum(paid - docs["amount"], 0.0))
    future = receivables[receivables["invoice_date"] > t][["invoice_id", "customer_id", "currency"]]
    advances = claims.merge(future, on="invoice_id")
    cash = pay[pay["invoice_id"].isna()]
    unlinked = inv[is_cn & inv["applies_to"].isna() & (inv["invoice_date"] <= t)
                   & ~(inv["paid_date"].notna() & (inv["paid_date"] <= t))]
    credits = pd.concat([
        docs[["customer_id", "currency", "surplus"]].set_axis(["customer_id", "currency", "credit"], axis=1),
        advances[["customer_id", "currency", "claim_amt"]].set_axis(["customer_id", "currency", "credit"], axis=1),
        cash[["customer_id", "currency", "amount"]].set_axis(["customer_id", "currency", "credit"], axis=1),
        pd.DataFrame({"customer_id": unlinked["customer_id"], "currency": unlinked["currency"],
                      "credit": -unlinked["amount"]}),
    ])
    pool = credits[credits["credit"] > 0].groupby(["customer_id", "currency"])["credit"].sum().rename("pool")
    # first pass: credits against the items in their own currency
    items = docs.loc[docs["gross"] > 0.000001, ["invoice_id", "customer_id", "currency", "invoice_date",
                                                "due_date", "is_disputed", "gross"]]
    items = items.sort_values(["customer_id", "currency", "is_disputed", "due_date", "invoice_date", "invoice_id"])
    items = items.join(pool, on=["customer_id", "currency"])
    items["pool"] = items["pool"].fillna(0.0)
    before = items.groupby(["customer_id", "currency"], sort=False)["gross"].cumsum() - items["gross"]
    items["used"] = np.clip(items["pool"] - before, 0.0, items["gross"])
    items["left_amt"] = ((items["gross"] - items["used"]) * items["currency"].map(rates)).round(2)
    used = items.groupby(["customer_id", "currency"])["used"].sum()
    left = (pool - used.reindex(pool.index).fillna(0.0)).reset_index(name="left")
    left["left_amt"] = (left["left"] * left["currency"].map(rates)).round(2)
    left = left[left["left_amt"] >= 0.005]
    cross_pool = left.groupby("customer_id")["left_amt"].sum().rename("cross_pool")
    # second pass: what is left against the items in other currencies
    items = items[items["left_amt"] >= 0.005].sort_values(
        ["customer_id", "is_disputed", "due_date", "invoice_date", "invoice_id"])
    items = items.join(cross_pool, on="customer_id")
    items["cross_pool"] = items["cross_pool"].fillna(0.0)
    before = items.groupby("customer_id", sort=False)["left_amt"].cumsum() - items["left_amt"]
    items["cross"] = np.clip(items["cross_pool"] - before, 0.0, items["left_amt"])
    items["outstanding_amt"] = items["left_amt"] - items["cross"]
    cross_used = items.groupby("customer_id")["cross"].sum()
    items = items[items["outstanding_amt"] >= 0.005]
    left = left.join(cross_pool, on="customer_id").join(cross_used.rename("cross_used"), on="customer_id")
    left["outstanding_amt"] = -(left["left_amt"] * (1 - left["cross_used"].fillna(0.0) / left["cross_pool"])).round(2)
    left = left[left["outstanding_amt"] <= -0.005]
    return pd.concat([
        items.assign(days_past_due=(t - items["due_date"]).dt.days.astype("float64"))[
            ["customer_id", "invoice_id", "outstanding_amt", "days_past_due", "is_disputed"]],
        pd.DataFrame({"customer_id": left["customer_id"], "invoice_id": None, "outstanding_amt": left["outstanding_amt"],
                      "days_past_due": np.nan, "is_disputed": False}),
    ], ignore_index=True)


def exposure_view(raw: RawPortfolio, as_of: date, reporting: str = "CNY",
                  extracted_on: date | None = None) -> pd.DataFrame:
    """Per customer: open AR (after credits), overdue AR, open orders (closed on their date, or
    at the extraction date when marked invoiced or cancelled without one), gross exposure
    (never below 0), limit, utilization."""
    t = pd.Timestamp(as_of)
    items = open_items(raw, as_of, reporting)
    rates = _rates(raw, t, reporting)
    items = items.assign(overdue_amt=items["outstanding_amt"].where(items["days_past_due"] > 0, 0.0))
    ar = items.groupby("customer_id").agg(open_ar_amt=("outstanding_amt", "sum"), overdue_amt=("overdue_amt", "sum"))
    orders = raw.orders
    closed_on = orders["invoiced_on"].fillna(orders["cancelled_on"])
    if extracted_on is not None:
        closed_on = closed_on.where(closed_on.notna() | orders["status"].eq("open"), pd.Timestamp(extracted_on))
    open_orders = orders[(orders["order_date"] <= t) & ~(closed_on.notna() & (closed_on <= t))]
    oo = (open_orders["amount"] * open_orders["currency"].map(rates)).groupby(open_orders["customer_id"]).sum()
    lim = raw.limits[raw.limits["effective_from"] <= t].sort_values("effective_from").groupby("customer_id").last()
    lim_amt = lim["limit_amt"] * lim["currency"].map(rates)
    out = raw.customers.set_index("customer_id")
    out = out.join(ar).join(oo.rename("open_orders_amt")).join(lim_amt.rename("limit_amt"))
    out[["open_ar_amt", "overdue_amt", "open_orders_amt"]] = out[
        ["open_ar_amt", "overdue_amt", "open_orders_amt"]].fillna(0.0)
    out["gross_exposure_amt"] = (out["open_ar_amt"] + out["open_orders_amt"]).clip(lower=0.0)
    out["utilization_pct"] = out["gross_exposure_amt"] / out["limit_amt"] * 100
    return out.reset_index()


def aging_view(raw: RawPortfolio, as_of: date, bounds: list[int], reporting: str = "CNY") -> pd.DataFrame:
    """Open AR and item count per aging bucket (by due date)."""
    items = open_items(raw, as_of, reporting)
    edges = [-np.inf, *bounds, np.inf]
    bucket = pd.cut(items["days_past_due"], edges, right=True, labels=False).fillna(-1)  # credits: -1
    return items.groupby(bucket).agg(outstanding_amt=("outstanding_amt", "sum"),
                                     items=("outstanding_amt", "size")).reset_index(names="bucket_idx")


def migration_counts(raw: RawPortfolio, start: date, end: date, default_grade: str = "D",
                     nr_after_months: int = 18, extracted_on: date | None = None) -> pd.DataFrame:
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
    exposure = exposure_view(raw, start, extracted_on=extracted_on).set_index("customer_id")["gross_exposure_amt"]
    cohort = pd.DataFrame({"from_grade": at0["grade"].to_numpy(), "to_grade": to,
                           "exposure_amt": exposure.reindex(at0.index).fillna(0.0).to_numpy()})
    return cohort.groupby(["from_grade", "to_grade"]).agg(count=("to_grade", "size"),
                                                          exposure_amt=("exposure_amt", "sum")).reset_index()
