"""The customer credit file's computations (docs/definitions.md, Financial ratios; Payment KPIs):
pure functions on one customer's frames."""

from __future__ import annotations

import polars as pl

from analytics.i18n import N_

# each ratio's formula as the credit file shows it (translated where shown: _(formula))
RATIO_FORMULAS: dict[str, str] = {
    "current_ratio": N_("current assets ÷ current liabilities"),
    "quick_ratio": N_("(current assets − inventory) ÷ current liabilities"),
    "cash_ratio": N_("cash ÷ current liabilities"),
    "debt_ratio": N_("total liabilities ÷ total assets"),
    "interest_cover": N_("EBIT ÷ interest expense"),
    "roa_pct": N_("net income ÷ total assets × 100"),
    "net_margin_pct": N_("net income ÷ revenue × 100"),
    "ocf_to_current_liabilities": N_("operating cash flow ÷ current liabilities"),
    "working_capital_amt": N_("current assets − current liabilities"),
    "tangible_net_worth_amt": N_("equity − intangible assets"),
}


def _safe_div(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den.is_not_null() & (den != 0)).then(num / den)


def financial_ratios(financials: pl.DataFrame) -> pl.DataFrame:
    """The ratios of RATIO_FORMULAS per period end (one row per statement, oldest first).

    A ratio whose inputs are missing or whose denominator is zero is null, not zero.
    """
    c = pl.col
    return financials.sort("period_end").select(
        "period_end",
        "revenue",
        "net_income",
        "equity",
        _safe_div(c("current_assets"), c("current_liabilities")).alias("current_ratio"),
        _safe_div(c("current_assets") - c("inventory").fill_null(0), c("current_liabilities")).alias("quick_ratio"),
        _safe_div(c("cash"), c("current_liabilities")).alias("cash_ratio"),
        _safe_div(c("total_liabilities"), c("total_assets")).alias("debt_ratio"),
        _safe_div(c("ebit"), c("interest_expense")).alias("interest_cover"),
        (_safe_div(c("net_income"), c("total_assets")) * 100).alias("roa_pct"),
        (_safe_div(c("net_income"), c("revenue")) * 100).alias("net_margin_pct"),
        _safe_div(c("operating_cash_flow"), c("current_liabilities")).alias("ocf_to_current_liabilities"),
        (c("current_assets") - c("current_liabilities")).alias("working_capital_amt"),
        (c("equity") - c("intangible_assets").fill_null(0)).alias("tangible_net_worth_amt"),
    )


def payment_behaviour(activity: pl.DataFrame) -> pl.DataFrame:
    """Month by month: sales, collections, and the amount-weighted days to pay and days
    beyond terms of the invoices settled that month (null in months without settlements)."""
    return activity.sort("snapshot_date").select(
        "snapshot_date",
        "sales_amt",
        "collections_amt",
        "write_offs_amt",
        "settled_amt",
        _safe_div(pl.col("settled_days_to_pay_x_amt"), pl.col("settled_amt")).alias("avg_days_to_pay"),
        _safe_div(pl.col("settled_days_beyond_x_amt"), pl.col("settled_amt")).alias("days_beyond_terms"),
    )
