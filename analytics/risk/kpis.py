"""Payment KPIs (docs/definitions.md, Payment KPIs): DSO, countback DSO, best possible DSO, ADD,
CEI, average days to pay, days beyond terms, bad-debt ratio, % not due, % over 90 dpd.

Input grain: one row per snapshot date in date order (sql/queries/kpi_monthly.sql),
each row's "month" being the days after the previous month-end up to that date.
A KPI at date t uses the period of the last `months` rows ending at t (D = their
days). Amounts are in reporting currency; `_pct` in percent; `_days` in days.
Credit sales are net: invoices minus credit notes issued in the period.

A period must be complete: all its months inside the data (from the first document on).
The KPIs of a period that starts before the data (the earliest as-of dates) are None and
named in `missing_history` ("not enough history", never a number from a shorter period);
CEI also needs the AR at the period's start, so the data must begin before it.

Open AR is net of the unused credits of customers in credit (cash on account, credit
notes, overpayments: sql/marts/07_open_items_snapshot.sql), which belong to no bucket. The
shares of a whole (% not due, % over 90) are of the open items before those credits
(`items_amt`), so they stay within 0-100 %; best possible DSO counts the not-due AR up to
the open AR, so it is never above DSO and ADD never negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from analytics.i18n import N_

# What each KPI means, shown next to the number in the app and in the reports.
FORMULAS: dict[str, str] = {
    "dso_days": N_("DSO = open AR at the date ÷ net credit sales of the period × days in the period."),
    "countback_dso_days": N_(
        "Countback DSO: start from open AR and walk back month by month; while the AR left is at least that "
        "month's sales, subtract the sales and add the month's days; then add (AR left ÷ that month's sales) × "
        "its days."),
    "best_possible_dso_days": N_(
        "Best possible DSO = not-due AR (at most the open AR) ÷ net credit sales of the period × days in the "
        "period."),
    "avg_days_delinquent": N_("Average days delinquent (ADD) = DSO − best possible DSO."),
    "cei_pct": N_(
        "Collection effectiveness index = (AR at the start + credit sales − AR at the end) ÷ (AR at the start + "
        "credit sales − not-due AR at the end) × 100, over the period."),
    "avg_days_to_pay": N_(
        "Average days to pay: over invoices settled in the period, amount-weighted mean of (settlement date − "
        "invoice date)."),
    "days_beyond_terms": N_(
        "Days beyond terms: over invoices settled in the period, amount-weighted mean of max(0, settlement date − "
        "due date)."),
    "bad_debt_ratio_pct": N_("Bad-debt ratio = write-offs in the period ÷ net credit sales of the period × 100."),
    "not_due_pct": N_(
        "% not due = not-due open items ÷ open items × 100, at the date (unused credits of customers in credit "
        "left out, so the share stays within 0–100 %)."),
    "over_90_pct": N_(
        "% over 90 days past due = open items more than 90 days past due ÷ open items × 100, at the date."),
}
KPI_NAMES = tuple(FORMULAS)


def _ratio(num: float | None, den: float | None, scale: float = 1.0) -> float | None:
    if num is None or den is None or den <= 0:
        return None
    return num / den * scale


def countback_dso(ar_amt: float, sales_newest_first: list[float], days_newest_first: list[int]) -> float | None:
    """Countback DSO from open AR and the monthly sales and days, newest month first.

    When the history runs out before the AR is used up, the days counted so far are
    returned (a lower bound). None without any history.
    """
    if not sales_newest_first:
        return None
    left, total = ar_amt, 0.0
    for sales, days in zip(sales_newest_first, days_newest_first):
        if left <= 0:
            break
        if sales > 0 and left < sales:
            return total + left / sales * days
        left -= sales
        total += days
    return total


PERIOD_KPIS = ("dso_days", "best_possible_dso_days", "avg_days_delinquent", "cei_pct", "avg_days_to_pay",
               "days_beyond_terms", "bad_debt_ratio_pct")  # the KPIs of a period (the others are at the date)


def period_start(as_of: date, months: int) -> date:
    """The first day of the period of `months` months ending at as_of (its month counts as one)."""
    month = as_of.year * 12 + as_of.month - 1 - (months - 1)
    return date(month // 12, month % 12 + 1, 1)


@dataclass(frozen=True)
class KpiValues:
    """The payment KPIs at one date (None where the denominator is zero or missing, or where
    the history is too short: those are named in missing_history)."""

    as_of: date
    period_start: date  # the period: period_start .. as_of (shortened to the data's first day)
    period_days: int  # the days of the period the data covers
    complete: bool  # the whole chosen period is inside the data (else it is shortened)
    credit_sales_amt: float
    open_ar_amt: float
    dso_days: float | None
    countback_dso_days: float | None
    best_possible_dso_days: float | None
    avg_days_delinquent: float | None
    cei_pct: float | None
    avg_days_to_pay: float | None
    days_beyond_terms: float | None
    bad_debt_ratio_pct: float | None
    not_due_pct: float | None
    over_90_pct: float | None
    missing_history: tuple[str, ...] = ()  # KPIs without a number because the data begins too late


def kpis_at(monthly: pl.DataFrame, index: int, months: int, first_day: date | None = None) -> KpiValues:
    """The KPIs at row `index` of the monthly series, over a period of `months` rows.

    first_day: the first day the data covers (the first document); a period that starts
    before it, or has fewer than `months` rows, is incomplete and its KPIs are None.
    """
    rows = monthly.slice(max(0, index - months + 1), min(months, index + 1))
    at = monthly.row(index, named=True)
    start = period_start(at["snapshot_date"], months)
    complete = index + 1 >= months and (first_day is None or start >= first_day)
    if first_day is not None and start < first_day:
        start = first_day  # shortened to the data
    days = int(rows["period_days"].sum())
    sales = float(rows["sales_amt"].sum())
    ar = float(at["open_ar_amt"])
    items = float(at["items_amt"]) if "items_amt" in at else ar  # open items before the unused credits
    not_due = float(at["not_due_amt"])
    not_due_in_ar = min(not_due, ar)  # credit balances take the open AR below the not-due items
    begin_index = index - months
    ar_begin = float(monthly["open_ar_amt"][begin_index]) if begin_index >= 0 else None
    dso = _ratio(ar, sales, days) if sales > 0 else None
    bpdso = _ratio(not_due_in_ar, sales, days) if sales > 0 else None
    history = monthly.slice(0, index + 1).reverse()
    cei = None
    if ar_begin is not None:
        cei = _ratio(ar_begin + sales - ar, ar_begin + sales - not_due_in_ar, 100.0)
    settled = float(rows["settled_amt"].sum())
    values = {
        "dso_days": dso,
        "best_possible_dso_days": bpdso,
        "avg_days_delinquent": None if dso is None or bpdso is None else dso - bpdso,
        "cei_pct": cei,
        "avg_days_to_pay": _ratio(float(rows["settled_days_to_pay_x_amt"].sum()), settled),
        "days_beyond_terms": _ratio(float(rows["settled_days_beyond_x_amt"].sum()), settled),
        "bad_debt_ratio_pct": _ratio(float(rows["write_offs_amt"].sum()), sales, 100.0),
    }
    # a period that starts before the data is shortened to the data's first day (a ledger taken
    # from its first document: DSO over the days the data covers, case 03); CEI needs the open
    # AR before the period, which the data does not have then: not enough history
    missing = ("cei_pct",) if ar_begin is None else ()
    values.update({name: None for name in missing})
    return KpiValues(
        as_of=at["snapshot_date"],
        period_start=start,
        period_days=days,
        complete=complete,
        credit_sales_amt=sales,
        open_ar_amt=ar,
        countback_dso_days=countback_dso(ar, history["sales_amt"].to_list(), history["period_days"].to_list()),
        not_due_pct=_ratio(not_due, items, 100.0),
        over_90_pct=_ratio(float(at["over_90_amt"]), items, 100.0),
        missing_history=tuple(missing),
        **values,
    )


TREND_SCHEMA = {"as_of": pl.Date, "period_start": pl.Date, "period_days": pl.Int64, "complete": pl.Boolean,
                "credit_sales_amt": pl.Float64, "open_ar_amt": pl.Float64, **{name: pl.Float64 for name in KPI_NAMES}}


def kpi_trend(monthly: pl.DataFrame, months: int, first_day: date | None = None) -> pl.DataFrame:
    """The KPIs at every date of the monthly series (one row per snapshot date; an incomplete
    period's KPIs are null)."""
    records = [kpis_at(monthly, i, months, first_day).__dict__ for i in range(monthly.height)]
    rows = [tuple(rec[name] for name in TREND_SCHEMA) for rec in records]
    return pl.DataFrame(rows, schema=TREND_SCHEMA, orient="row") if rows else pl.DataFrame(schema=TREND_SCHEMA)
