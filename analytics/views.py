"""What pages and the CLI both call: run the named queries, then the pure computations.

One function per view, so the page and `python -m analytics report` show the
same numbers by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from analytics import aging, credit_file
from analytics.exposure import ExposureView, Filters, attach_labels, build_view, label_ids
from analytics.policy import Policy
from analytics.warehouse import Warehouse


class InvalidRequest(ValueError):
    """A request names a date, customer or filter value the warehouse does not have."""


@dataclass(frozen=True)
class SnapshotCalendar:
    """The as-of dates on offer (newest first) and each one's previous month-end."""

    dates: tuple[date, ...]
    prev_month_end: dict[date, date]

    @property
    def latest(self) -> date:
        return self.dates[0]

    def resolve(self, text: str | None) -> date:
        """Parse an ISO date the user gave; it must be an available snapshot date."""
        if not text:
            return self.latest
        try:
            wanted = date.fromisoformat(str(text).strip())
        except ValueError:
            raise InvalidRequest(f"{text!r} is not a date (use YYYY-MM-DD)") from None
        if wanted not in self.prev_month_end:
            raise InvalidRequest(
                f"no snapshot on {wanted}: choose a month-end between {self.dates[-1]} and {self.latest}, "
                f"or the latest date {self.latest}")
        return wanted


def calendar(wh: Warehouse) -> SnapshotCalendar:
    frame = wh.query("snapshot_dates")
    dates = tuple(frame["snapshot_date"].to_list())
    return SnapshotCalendar(dates, dict(zip(dates, frame["prev_month_end"].to_list())))


def filter_options(wh: Warehouse) -> dict[str, list[tuple[str, str]]]:
    """Per filter dimension, its (value, label) pairs."""
    frame = wh.query("filter_options")
    out: dict[str, list[tuple[str, str]]] = {d: [] for d in ("segment", "industry", "region", "credit_manager",
                                                            "group")}
    for dim, value, label in frame.iter_rows():
        out.setdefault(dim, []).append((value, label))
    return out


FILTER_DIMENSIONS = {  # Filters field -> filter_options dimension
    "segments": "segment", "industries": "industry", "regions": "region", "managers": "credit_manager",
    "groups": "group",
}


def unknown_filter_values(options: dict[str, list[tuple[str, str]]], filters: Filters) -> dict[str, list[str]]:
    """Per filter dimension, the requested values the warehouse does not have."""
    out: dict[str, list[str]] = {}
    for field_name, dim in FILTER_DIMENSIONS.items():
        allowed = {value for value, _ in options.get(dim, [])}
        unknown = [v for v in getattr(filters, field_name) if v not in allowed]
        if unknown:
            out[dim] = unknown
    return out


def exposure_view(wh: Warehouse, as_of: date, filters: Filters, policy: Policy) -> ExposureView:
    """The Portfolio exposure view at as_of (with month-on-month comparison)."""
    cal = calendar(wh)
    if as_of not in cal.prev_month_end:
        raise InvalidRequest(f"no snapshot on {as_of}")
    params = filters.params()
    customers = wh.query("exposure_customers", as_of=as_of, **params)
    prev_date = cal.prev_month_end[as_of]
    previous = wh.query("exposure_kpi_inputs", as_of=prev_date, **params) if prev_date in cal.prev_month_end else None
    trend = wh.query("exposure_trend", **params)
    currency = wh.info().get("reporting_currency", policy.reporting_currency)
    view = build_view(as_of.isoformat(), currency, customers, previous,
                      prev_date.isoformat() if previous is not None else None, trend, policy)
    return attach_labels(view, wh.query("customer_labels", ids=label_ids(view)))


def aging_distribution(wh: Warehouse, as_of: date, filters: Filters, policy: Policy,
                       by_invoice_date: bool = False) -> pl.DataFrame:
    """Open AR by aging bucket at as_of (buckets from the policy), disputed items shown apart."""
    bounds = list(policy.bucket_upper_dpd)
    raw = wh.query("aging_buckets", as_of=as_of, bounds=bounds, by_invoice_date=by_invoice_date,
                   **filters.params())
    return aging.distribution(raw, aging.bucket_labels(tuple(bounds), by_invoice_date))


@dataclass(frozen=True)
class CustomerFile:
    """The credit file of one customer at one date: everything known about it up to that date."""

    profile: dict[str, object]
    snapshot: dict[str, object] | None
    group_members: pl.DataFrame
    history: pl.DataFrame
    limits: pl.DataFrame
    open_items: pl.DataFrame
    ratings: pl.DataFrame
    behaviour: pl.DataFrame
    payments: pl.DataFrame
    ratios: pl.DataFrame
    events: pl.DataFrame
    collateral: pl.DataFrame

    def tables(self) -> dict[str, pl.DataFrame]:
        """Every part of the file by name (for exports and `report customer`)."""
        summary = {**{f"profile.{k}": v for k, v in self.profile.items()},
                   **{f"at_date.{k}": v for k, v in (self.snapshot or {}).items()}}
        facts = pl.DataFrame({"field": list(summary), "value": [None if v is None else str(v)
                                                                  for v in summary.values()]})
        return {"summary": facts, "group_members": self.group_members, "history": self.history,
                "open_items": self.open_items, "ratings": self.ratings, "payment_behaviour": self.behaviour,
                "payments": self.payments, "financial_ratios": self.ratios, "events": self.events,
                "collateral": self.collateral, "limits": self.limits}


def customer_file(wh: Warehouse, customer_id: str, as_of: date, policy: Policy) -> CustomerFile:
    """Everything the credit file page shows for one customer."""
    from analytics.exposure import enrich  # local import keeps the module graph flat

    profile = wh.query("customer_profile", customer_id=customer_id)
    if profile.height == 0:
        raise InvalidRequest(f"unknown customer {customer_id!r}")
    prof = profile.row(0, named=True)
    snap = wh.query("customer_snapshot_one", customer_id=customer_id, as_of=as_of)
    snapshot = enrich(snap, policy).row(0, named=True) if snap.height else None
    return CustomerFile(
        profile=prof,
        snapshot=snapshot,
        group_members=wh.query("group_exposure", group_id=prof["group_id"], as_of=as_of),
        history=wh.query("customer_history", customer_id=customer_id),
        limits=wh.query("customer_limits", customer_id=customer_id),
        open_items=wh.query("customer_open_items", customer_id=customer_id, as_of=as_of),
        ratings=wh.query("customer_ratings", customer_id=customer_id).filter(pl.col("rated_on") <= as_of),
        behaviour=credit_file.payment_behaviour(
            wh.query("customer_activity", customer_id=customer_id).filter(pl.col("snapshot_date") <= as_of)),
        payments=wh.query("customer_payments", customer_id=customer_id, as_of=as_of),
        ratios=credit_file.financial_ratios(wh.query("customer_financials", customer_id=customer_id, as_of=as_of)),
        events=wh.query("customer_events", customer_id=customer_id, as_of=as_of),
        collateral=wh.query("customer_collateral", customer_id=customer_id, as_of=as_of),
    )
