"""What pages and the CLI both call: run the named queries, then the pure computations.

One function per view, so the page and `python -m analytics report` show the
same numbers by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from analytics.i18n import _
from analytics.risk import aging

from analytics.risk import credit_file
from analytics.risk.exposure import ExposureView, attach_labels, build_view, label_ids
from analytics.policy import Policy
from analytics.data.warehouse import Warehouse
# what the credit-file page names (pages import views, not risk)
from analytics.risk.credit_file import RATIO_FORMULAS  # noqa: E402,F401


@dataclass(frozen=True)
class Filters:
    """The sidebar's scope: the segments, industries, regions, credit managers and groups
    chosen (an empty tuple means all of that dimension)."""

    segments: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    managers: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, list[str]]:
        """The five dimensions and their chosen values (for reports' metadata)."""
        return {name: list(getattr(self, name)) for name in FILTER_DIMENSIONS}

    def params(self) -> dict[str, dict[str, list[str]]]:
        """The one bound parameter the scoped queries take: $scope, a struct of five varchar
        lists (sql/macros/scope.sql)."""
        return {"scope": self.as_dict()}

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in FILTER_DIMENSIONS)


class InvalidRequest(ValueError):
    """A request names a date, customer or filter value the warehouse does not have."""


@dataclass(frozen=True)
class SnapshotCalendar:
    """The as-of dates on offer: the pre-built snapshots (every month-end up to the one that
    closes the extraction date's month, and the extraction date; newest first, with each
    one's previous month-end), and any other day from the first document to the extraction
    date, built on demand. The default is the extraction date (the day the data was taken)."""

    dates: tuple[date, ...]
    prev_month_end: dict[date, date]
    extracted_on: date
    first_date: date

    @property
    def latest(self) -> date:
        """The default as-of date: the extraction date."""
        return self.extracted_on

    @property
    def last(self) -> date:
        """The last snapshot date (the month-end closing the extraction date's month)."""
        return self.dates[0]

    def is_snapshot(self, day: date) -> bool:
        return day in self.prev_month_end

    def check(self, day: date) -> None:
        """Raise InvalidRequest unless `day` is a snapshot date or a day up to the extraction date."""
        if self.is_snapshot(day) or self.first_date <= day <= self.extracted_on:
            return
        if day > self.extracted_on:
            # dates as a link or the CLI's --as-of takes them (YYYY-MM-DD)
            raise InvalidRequest(_(
                "{day} is after the extraction date {extracted} (the data was taken then): choose a date up to "
                "{extracted}, or the month-end {last}").format(day=day, extracted=self.extracted_on, last=self.last))
        raise InvalidRequest(_("{day} is before the first document ({first}): choose a date from {first} to "
                               "{extracted}").format(day=day, first=self.first_date, extracted=self.extracted_on))

    def resolve(self, text: str | None) -> date:
        """Parse an ISO date the user gave and check it (empty: the extraction date)."""
        if not text:
            return self.latest
        try:
            wanted = date.fromisoformat(str(text).strip())
        except ValueError:
            raise InvalidRequest(_("{text} is not a date (use YYYY-MM-DD)").format(text=repr(text))) from None
        self.check(wanted)
        return wanted

    def previous(self, day: date) -> date | None:
        """The month-end before `day` when it is a snapshot date (the comparison date)."""
        prev = date.fromordinal(day.replace(day=1).toordinal() - 1)
        return prev if prev in self.prev_month_end else None


def calendar(wh: Warehouse) -> SnapshotCalendar:
    frame = wh.query("snapshot_dates")
    info = wh.info()
    dates = tuple(frame["snapshot_date"].to_list())
    extracted = date.fromisoformat(info["extracted_on"]) if "extracted_on" in info else dates[0]
    first = date.fromisoformat(info["first_document_date"]) if "first_document_date" in info else dates[-1]
    return SnapshotCalendar(dates, dict(zip(dates, frame["prev_month_end"].to_list())), extracted, first)


def dated(wh: Warehouse, as_of: date) -> Warehouse:
    """The warehouse as seen at as_of: itself on a snapshot date, else a handle on which the
    per-date marts are built for that day too (Warehouse.at). InvalidRequest for a day
    outside the data."""
    cal = calendar(wh)
    cal.check(as_of)
    return wh if cal.is_snapshot(as_of) else wh.at(as_of)


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
    wh = dated(wh, as_of)
    cal = calendar(wh)
    params = filters.params()
    customers = wh.query("exposure_customers", as_of=as_of, **params)
    prev_date = cal.previous(as_of)
    previous = wh.query("exposure_kpi_inputs", as_of=prev_date, **params) if prev_date else None
    trend = wh.query("exposure_trend", as_of=as_of, **params)
    currency = wh.info().get("reporting_currency", policy.reporting_currency)
    view = build_view(as_of, currency, customers, previous, prev_date, trend, policy)
    return attach_labels(view, wh.query("customer_labels", ids=label_ids(view)))


def aging_distribution(wh: Warehouse, as_of: date, filters: Filters, policy: Policy,
                       by_invoice_date: bool = False) -> pl.DataFrame:
    """Open AR by aging bucket at as_of (buckets from the policy), disputed items shown apart,
    the unused credits on their own line (aging.distribution)."""
    wh = dated(wh, as_of)
    bounds = list(policy.bucket_upper_dpd)
    raw = wh.query("aging_buckets", as_of=as_of, bounds=bounds, by_invoice_date=by_invoice_date,
                   **filters.params())
    return aging.distribution(raw, aging.bucket_labels(tuple(bounds), by_invoice_date))


@dataclass(frozen=True)
class CustomerSearch:
    """The credit-file picker's search: the first matches (exact id first, then by name), how
    many customers match in all, and the customer whose id the text is (Enter opens it)."""

    text: str
    matches: pl.DataFrame  # customer_id, name, label; at most `limit` rows
    total: int  # every customer whose id or name contains the text
    exact_id: str | None  # the customer whose id equals the text (case-insensitive), if any

    @property
    def is_capped(self) -> bool:
        return self.total > self.matches.height


def customer_search(wh: Warehouse, text: str, limit: int = 50) -> CustomerSearch:
    """Customers whose id or name contains `text` (case-insensitive): the first `limit`, their
    true number, and the one whose id it is."""
    text = text.strip()
    matches = wh.query("customer_search", text=text, max_rows=limit)
    count = wh.query("customer_search_count", text=text).row(0, named=True)
    return CustomerSearch(text, matches, int(count["matches"] or 0), count["exact_id"])


def _first(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    """`frame` with `columns` (those it has) first, in that order: what a reader looks at
    first (amounts, days past due, grades) right after the row's name."""
    ahead = [c for c in columns if c in frame.columns]
    return frame.select(*ahead, *[c for c in frame.columns if c not in ahead])


# each credit-file table's columns that come first
FIRST_COLUMNS: dict[str, tuple[str, ...]] = {
    "group_members": ("customer_id", "name", "gross_exposure_amt", "limit_amt", "grade", "net_exposure_amt"),
    "history": ("snapshot_date", "gross_exposure_amt", "limit_amt", "overdue_amt", "grade"),
    "open_items": ("invoice_id", "outstanding_amt", "days_past_due", "due_date", "is_disputed", "invoice_date"),
    "ratings": ("rated_on", "grade", "pd_pct", "score"),
    "payments": ("payment_date", "amount_amt", "invoice_id", "method"),
    "collateral": ("collateral_type", "amount_amt", "valid_to", "days_to_expiry", "is_valid", "provider"),
    "limits": ("effective_from", "limit_amt", "expires_on", "approval_level"),
    "credits": ("dated_on", "amount_amt", "reason"),
    "post_dated": ("dated_on", "document", "amount_doc_ccy", "currency"),
}


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
    credits: pl.DataFrame  # the credits on account at the date (cash on account, credit notes, ...)
    post_dated: pl.DataFrame  # documents dated after the extraction date (count at no date)
    scores: pl.DataFrame  # every rating model's month-end scores, newest first (customer_model_scores.sql)

    def tables(self) -> dict[str, pl.DataFrame]:
        """Every part of the file by name (for exports and `report customer`)."""
        summary = {**{f"profile.{k}": v for k, v in self.profile.items()},
                   **{f"at_date.{k}": v for k, v in (self.snapshot or {}).items()}}
        facts = pl.DataFrame({"field": list(summary), "value": [None if v is None else str(v)
                                                                  for v in summary.values()]})
        return {"summary": facts, "group_members": self.group_members, "history": self.history,
                "open_items": self.open_items, "ratings": self.ratings, "payment_behaviour": self.behaviour,
                "payments": self.payments, "financial_ratios": self.ratios, "events": self.events,
                "collateral": self.collateral, "limits": self.limits, "credits_on_account": self.credits,
                "post_dated": self.post_dated, "model_scores": self.scores}


def customer_file(wh: Warehouse, customer_id: str, as_of: date, policy: Policy) -> CustomerFile:
    """Everything the credit file page shows for one customer."""
    from analytics.risk.exposure import enrich  # local import keeps the module graph flat

    profile = wh.query("customer_profile", customer_id=customer_id)
    if profile.height == 0:
        raise InvalidRequest(_("unknown customer {customer}").format(customer=repr(customer_id)))
    wh = dated(wh, as_of)
    extracted_on = calendar(wh).extracted_on
    prof = profile.row(0, named=True)
    snap = wh.query("customer_snapshot_one", customer_id=customer_id, as_of=as_of)
    snapshot = enrich(snap, policy).row(0, named=True) if snap.height else None
    open_items = wh.query("customer_open_items", customer_id=customer_id, as_of=as_of)
    if "days_past_due" in open_items.columns:  # an item not yet due is 0 days past due, never negative
        open_items = open_items.with_columns(pl.col("days_past_due").clip(lower_bound=0))
    parts = dict(
        group_members=wh.query("group_exposure", group_id=prof["group_id"], as_of=as_of),
        history=wh.query("customer_history", customer_id=customer_id, as_of=as_of),
        limits=wh.query("customer_limits", customer_id=customer_id),
        open_items=open_items,
        ratings=wh.query("customer_ratings", customer_id=customer_id).filter(pl.col("rated_on") <= as_of),
        payments=wh.query("customer_payments", customer_id=customer_id, as_of=as_of),
        collateral=wh.query("customer_collateral", customer_id=customer_id, as_of=as_of),
        credits=wh.query("customer_credits", customer_id=customer_id, as_of=as_of),
        post_dated=wh.query("customer_post_dated", customer_id=customer_id, extracted_on=extracted_on),
    )
    return CustomerFile(
        profile=prof,
        snapshot=snapshot,
        **{name: _first(frame, FIRST_COLUMNS.get(name, ())) for name, frame in parts.items()},
        behaviour=credit_file.payment_behaviour(wh.query("customer_activity", customer_id=customer_id, as_of=as_of)),
        ratios=credit_file.financial_ratios(wh.query("customer_financials", customer_id=customer_id, as_of=as_of)),
        events=wh.query("customer_events", customer_id=customer_id, as_of=as_of),
        scores=wh.query("customer_model_scores", customer_id=customer_id, as_of=as_of),
    )
