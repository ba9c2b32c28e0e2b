"""Rules of the open-item ledger that more than one page applies, written once.

- Credit lines: a customer draws on its own limit or on its group parent's (a group limit,
  sql/marts/08_customer_snapshot.sql); `with_line_defaults` reads frames that lack the
  line columns as lines of their own.

- Credits on account (cash on account, credit notes naming no invoice, overpayments,
  advances before their invoice) are set against a customer's open items in the marts
  (sql/marts/07_open_items_snapshot.sql): same currency first, undisputed before disputed,
  oldest due first. Every overdue figure is therefore net of credits, and a customer whose
  credits cover its items has nothing overdue and is on no worklist.
- Disputed items: whether they count when a rule reads a customer's days past due (the
  dunning stage, the watchlist's days-past-due rule, the what-if's credit hold) is the
  policy's `[ledger] disputed_items_in_days_past_due` (default: they do not; they are shown
  apart). `days_past_due_expr` is that rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from analytics.i18n import N_, _

if TYPE_CHECKING:  # policy imports the watchlist, which reads credit lines from here
    from analytics.policy import Policy

DISPUTE_RULE_OUT = N_("Disputed items do not set a customer's days past due (dunning stage, watchlist, credit "
                      "hold): they go to dispute resolution and are shown apart.")
DISPUTE_RULE_IN = N_("Disputed items count like any other item in the days past due of every rule (policy).")


def dispute_rule(policy: Policy) -> str:
    """The dispute rule in force, in words in the current language (shown next to the figures it shapes)."""
    return _(DISPUTE_RULE_IN if policy.disputed_in_dpd else DISPUTE_RULE_OUT)


def days_past_due_expr(policy: Policy, undisputed: str = "max_days_past_due",
                       disputed: str = "max_disputed_days_past_due") -> pl.Expr:
    """The days past due a rule reads for a customer: of its oldest undisputed open item, or,
    when the policy counts disputed items, of its oldest open item of either kind. Null
    when it has no such item. Needs the two columns of customer_snapshot."""
    if policy.disputed_in_dpd:
        return pl.max_horizontal(pl.col(undisputed), pl.col(disputed))
    return pl.col(undisputed)


def with_line_defaults(customers: pl.DataFrame) -> pl.DataFrame:
    """Frames without credit-line columns (hand-made ones, older extracts): every customer
    with a limit holds a line of its own, no credit balance."""
    defaults = {
        "is_line_holder": pl.col("limit_amt").is_not_null() if "limit_amt" in customers.columns else pl.lit(False),
        "line_exposure_amt": pl.col("gross_exposure_amt") if "gross_exposure_amt" in customers.columns
        else pl.lit(None, pl.Float64),
        "line_holder_id": pl.when(pl.col("limit_amt").is_not_null()).then(pl.col("customer_id"))
        if {"limit_amt", "customer_id"} <= set(customers.columns) else pl.lit(None, pl.String),
        "line_scope": pl.when(pl.col("limit_amt").is_not_null()).then(pl.lit("entity"))
        if "limit_amt" in customers.columns else pl.lit(None, pl.String),
        "credit_balance_amt": pl.lit(0.0),
    }
    missing = [expr.alias(name) for name, expr in defaults.items() if name not in customers.columns]
    return customers.with_columns(missing) if missing else customers
