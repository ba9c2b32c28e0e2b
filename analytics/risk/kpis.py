"""Payment KPIs (docs/definitions.md, Payment KPIs): DSO, countback DSO, best possible DSO, ADD,
CEI, average days to pay, days beyond terms, bad-debt ratio, % not due, % over 90 dpd.

Input grain: one row per snapshot date in date order (sql/queries/kpi_monthly.sql),
each row's "month" being the days after the previous month-end up to that date.
A KPI at date t uses the period of the last `months` rows ending at t (D = their
days). Amounts are in reporting currency; `_pct` in percent; `_days` in days.
Credit sales are net: invoices minus credit notes issued in the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

# What each KPI means, shown next to the number in the app and in the reports.
FORMULAS: dict[str, str] = {
    "dso_days": "DSO = open AR at the date ÷ net credit sales of the period × days in the period.",
    "countback_dso_days": (
        "Countback DSO: start from open AR and walk back month by month; while the AR left is at least that "
        "month's sales, subtract the sales and add the month's days; then add (AR left ÷ that month's sales) × "
        "its days."),
    "best_possible_dso_days": "Best possible DSO = not-due AR ÷ net credit sales of the period × days in the period.",
    "avg_days_delinquent": "Average days delinquent (ADD) = DSO − best possible DSO.",
    "cei_pct": (
        "Collection effectiveness index = (AR at the start + credit sales − AR at the end) ÷ (AR at the start + "
        "credit sales − not-due AR at the end) × 100, over the period."),
    "avg_days_to_pay": (
        "Average days to pay: over invoices settled in the period, amount-weighted mean of (settlement date − "
        "invoice date)."),
    "days_beyond_terms": (
        "Days beyond terms: over invoices settled in the period, amount-weighted mean of max(0, settlement date − "
        "due date)."),
    "bad_debt_ratio_pct": "Bad-debt ratio = write-offs in the period ÷ net credit sales of the period × 100.",
    "not_due_pct": "% not due = not-due AR ÷ open AR × 100, at the date.",
    "over_90_pct": "% over 90 days past due = AR more than 90 days past due ÷ open AR × 100, at the date.",
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


@dataclass(frozen=True)
class KpiValues:
    """The payment KPIs at one date (None where the denominator is zero or missing)."""

    as_of: date
    period_days: int
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


def kpis_at(monthly: pl.DataFrame, index: int, months: int) -> KpiValues:
    """The KPIs at row `index` of the monthly series, over a period of `months` rows."""
    rows = monthly.slice(max(0, index - months + 1), min(months, index + 1))
    at = monthly.row(index, named=True)
    days = int(rows["period_days"].sum())
    sales = float(rows["sales_amt"].sum())
    ar = float(at["open_ar_amt"])
    not_due = float(at["not_due_amt"])
    begin_index = index - months
    ar_begin = float(monthly["open_ar_amt"][begin_index]) if begin_index >= 0 else None
    dso = _ratio(ar, sales, days) if sales > 0 else None
    bpdso = _ratio(not_due, sales, days) if sales > 0 else None
    history = monthly.slice(0, index + 1).reverse()
    cei = None
    if ar_begin is not None:
        cei = _ratio(ar_begin + sales - ar, ar_begin + sales - not_due, 100.0)
    settled = float(rows["settled_amt"].sum())
    return KpiValues(
        as_of=at["snapshot_date"],
        period_days=days,
        credit_sales_amt=sales,
        open_ar_amt=ar,
        dso_days=dso,
        countback_dso_days=countback_dso(ar, history["sales_amt"].to_list(), history["period_days"].to_list()),
        best_possible_dso_days=bpdso,
        avg_days_delinquent=None if dso is None or bpdso is None else dso - bpdso,
        cei_pct=cei,
        avg_days_to_pay=_ratio(float(rows["settled_days_to_pay_x_amt"].sum()), settled),
        days_beyond_terms=_ratio(float(rows["settled_days_beyond_x_amt"].sum()), settled),
        bad_debt_ratio_pct=_ratio(float(rows["write_offs_amt"].sum()), sales, 100.0),
        not_due_pct=_ratio(not_due, ar, 100.0),
        over_90_pct=_ratio(float(at["over_90_amt"]), ar, 100.0),
    )


def kpi_trend(monthly: pl.DataFrame, months: int) -> pl.DataFrame:
    """The KPIs at every date of the monthly series (one row per snapshot date)."""
    records = [kpis_at(monthly, i, months).__dict__ for i in range(monthly.height)]
    schema = {"as_of": pl.Date, "period_days": pl.Int64, "credit_sales_amt": pl.Float64,
              "open_ar_amt": pl.Float64, **{name: pl.Float64 for name in KPI_NAMES}}
    frame = pl.DataFrame(records, schema=schema, orient="row") if records else pl.DataFrame(schema=schema)
    return frame
