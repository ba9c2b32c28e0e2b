"""The periodic review schedule: how often each customer is reviewed (by importance and
risk class, from the policy), when it was last reviewed, when the next review is due,
and which reviews are overdue or due soon. The credit manager's review worklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from analytics.i18n import N_
from analytics.risk.scoring import grade_rank

STATUSES = ("never reviewed", "overdue", "due in 30 days", "due in 31-60 days", "due in 61-90 days", "later")
# the statuses as a user reads them (translate with _(); the data and the reports keep STATUSES)
STATUS_LABELS: dict[str, str] = {
    "never reviewed": N_("never reviewed"), "overdue": N_("overdue"), "due in 30 days": N_("due in 30 days"),
    "due in 31-60 days": N_("due in 31–60 days"), "due in 61-90 days": N_("due in 61–90 days"),
    "later": N_("later"),
}


@dataclass(frozen=True)
class ReviewPolicy:
    """Months between reviews by segment; high-risk grades (at or below high_risk_grade)
    every high_risk_months; segments not listed every default_months."""

    months_by_segment: dict[str, int]
    default_months: int
    high_risk_grade: str
    high_risk_months: int
    new_customer_months: int | None = None  # a new customer's first review, months after it started trading
    application_months: int = 0  # under this many months on book a customer is new ([scoring.rating])


def schedule(customers: pl.DataFrame, policy: ReviewPolicy, scale: tuple[str, ...], as_of: date) -> pl.DataFrame:
    """One row per customer under review (open credit: a limit or exposure; not in default).

    customers: customer_id, segment, credit_manager, grade, rated_on, limit_effective_from,
    gross_exposure_amt, limit_amt; optionally reviewed_on (the latest review on record: an
    imported rating, where the rating model's grades would otherwise count as reviews),
    months_on_book and first_trade_on. The last review is the later of the latest rating (or
    reviewed_on) and the latest limit decision. A new customer (fewer than application_months
    on book) is reviewed every new_customer_months, the first time that long after it started
    trading.
    """
    high_rank = scale.index(policy.high_risk_grade)
    rank = grade_rank(scale)
    active = customers.filter(
        ((pl.col("limit_amt").fill_null(0) > 0) | (pl.col("gross_exposure_amt") > 0))
        & (pl.col("grade").fill_null("") != scale[-1]))
    seg_months = pl.col("segment").replace_strict(policy.months_by_segment, default=policy.default_months,
                                                  return_dtype=pl.Int64)
    is_high_risk = pl.col("grade").replace_strict(rank, default=None, return_dtype=pl.Int64).fill_null(-1) >= high_rank
    reviewed = "reviewed_on" if "reviewed_on" in customers.columns else "rated_on"
    frequency = pl.when(is_high_risk).then(pl.min_horizontal(seg_months, pl.lit(policy.high_risk_months))) \
        .otherwise(seg_months)
    last = pl.max_horizontal(reviewed, "limit_effective_from")
    is_new = pl.lit(False)
    if policy.new_customer_months is not None and "months_on_book" in customers.columns:
        is_new = pl.col("months_on_book").fill_null(0) < policy.application_months
        frequency = pl.when(is_new).then(pl.min_horizontal(frequency, pl.lit(policy.new_customer_months))) \
            .otherwise(frequency)
        last = pl.when(is_new).then(pl.coalesce(last, "first_trade_on")).otherwise(last)
    out = active.select(
        "customer_id", "segment", "credit_manager", "grade", "gross_exposure_amt", "limit_amt",
        is_high_risk.alias("is_high_risk"), is_new.alias("is_new_customer"),
        frequency.alias("frequency_months"), last.alias("last_review_on"),
    ).with_columns(
        pl.col("last_review_on").dt.offset_by(pl.format("{}mo", pl.col("frequency_months"))).alias("next_due_on"),
    ).with_columns(
        (pl.col("next_due_on") - pl.lit(as_of)).dt.total_days().alias("days_until_due"),
    )
    days = pl.col("days_until_due")
    return out.with_columns(
        pl.when(pl.col("last_review_on").is_null()).then(pl.lit(STATUSES[0]))
        .when(days < 0).then(pl.lit(STATUSES[1]))
        .when(days <= 30).then(pl.lit(STATUSES[2]))
        .when(days <= 60).then(pl.lit(STATUSES[3]))
        .when(days <= 90).then(pl.lit(STATUSES[4]))
        .otherwise(pl.lit(STATUSES[5])).alias("status"),
        pl.when(days < 0).then(-days).otherwise(0).alias("days_overdue"),
    ).sort(["days_until_due", "gross_exposure_amt"], descending=[False, True], nulls_last=False)


def status_counts(sched: pl.DataFrame) -> pl.DataFrame:
    """Customers and exposure per status, in the order of urgency."""
    got = sched.group_by("status").agg(pl.len().cast(pl.Int64).alias("customers"), pl.col("gross_exposure_amt").sum())
    order = pl.DataFrame({"status": list(STATUSES)})
    return order.join(got, on="status", how="left").with_columns(
        pl.col("customers").fill_null(0), pl.col("gross_exposure_amt").fill_null(0.0))


def by_manager(sched: pl.DataFrame) -> pl.DataFrame:
    """Per credit manager: reviews overdue and due within 30 / 90 days (their workload)."""
    return (sched.group_by("credit_manager")
            .agg(pl.len().cast(pl.Int64).alias("customers"),
                 pl.col("status").is_in(STATUSES[:2]).sum().cast(pl.Int64).alias("overdue"),
                 (pl.col("status") == STATUSES[2]).sum().cast(pl.Int64).alias("due_30_days"),
                 pl.col("status").is_in(STATUSES[3:5]).sum().cast(pl.Int64).alias("due_31_90_days"))
            .sort(["overdue", "customers"], descending=True))
