"""The label catalogue: the one place a field's name (``gross_exposure_amt``) becomes the words
a user reads (``Gross exposure (CNY)`` / ``总敞口 (CNY)``) in tables, tiles, charts and exports.

A label is the field's name in plain words without its unit; ``label()`` adds the unit the
name carries (``_amt`` the currency code, ``_pct`` / ``_frac`` '%', ``_days`` 'days') and
translates through the catalogue (analytics.i18n). A name that is not catalogued is shown
from its words (and a test fails on it in Chinese: every shown field has an entry here).

Machine names stay what scripts and re-imports use: exports carry them on a second sheet
(XLSX 'Fields') next to the human headers.
"""

from __future__ import annotations

import re

from collections.abc import Callable

import polars as pl

from analytics.i18n import N_, _

LABELS: dict[str, str] = {
    # who
    "customer_id": N_("Customer ID"),
    "name": N_("Customer"),
    "customer": N_("Customer"),
    "customers": N_("Customers"),
    "group_id": N_("Group ID"),
    "group_name": N_("Group"),
    "members": N_("Members"),
    "line_holder_id": N_("Credit line holder"),
    "line_scope": N_("Credit line"),
    "line": N_("Credit line"),
    "credit_lines": N_("Credit lines"),
    "credit_manager": N_("Credit manager"),
    "segment": N_("Segment"),
    "industry": N_("Industry"),
    "region": N_("Region"),
    "currency": N_("Currency"),
    # exposure and limits
    "gross_exposure_amt": N_("Gross exposure"),
    "net_exposure_amt": N_("Net exposure"),
    "exposure_amt": N_("Exposure"),
    "line_exposure_amt": N_("Credit line exposure"),
    "limited_exposure_amt": N_("Exposure under a limit"),
    "open_ar_amt": N_("Open AR"),
    "open_orders_amt": N_("Open orders"),
    "credit_balance_amt": N_("Credit balance"),
    "balance_amt": N_("Balance"),
    "outstanding_amt": N_("Outstanding"),
    "outstanding_doc_ccy": N_("Outstanding (document currency)"),
    "collateral_amt": N_("Collateral"),
    "insured_amt": N_("Insured cover"),
    "limit_amt": N_("Credit limit"),
    "current_limit_amt": N_("Current limit"),
    "proposed_limit_amt": N_("Proposed limit"),
    "recommended_limit_amt": N_("Recommended limit"),
    "limit_change_amt": N_("Limit change"),
    "over_limit_amt": N_("Over limit"),
    "utilization_pct": N_("Utilization"),
    "customers_over_limit": N_("Customers over limit"),
    "customers_with_exposure": N_("Customers with exposure"),
    "is_limit_expired": N_("Limit expired"),
    "on_hold": N_("On credit hold"),
    "share_pct": N_("Share"),
    "cumulative_share_pct": N_("Cumulative share"),
    "band": N_("Band"),
    "monthly_purchases_amt": N_("Monthly purchases"),
    "tangible_net_worth_amt": N_("Tangible net worth"),
    "working_capital_amt": N_("Working capital"),
    # loss
    "pd_pct": N_("PD"),
    "pd_frac": N_("PD"),
    "assigned_pd_pct": N_("Assigned PD"),
    "policy_pd_frac": N_("Policy PD"),
    "calibrated_pd_frac": N_("Calibrated PD"),
    "expected_loss_amt": N_("Expected loss (1 year)"),
    "base_expected_loss_amt": N_("Base expected loss (1 year)"),
    "expected_loss_change_amt": N_("Change in expected loss"),
    "ecl_amt": N_("ECL provision"),
    "loss_rate_pct": N_("Loss rate"),
    "gross_carrying_amt": N_("Gross carrying amount"),
    "coverage_pct": N_("Coverage"),
    "roll_rate_pct": N_("Roll rate"),
    "rolled_amt": N_("Rolled forward"),
    "write_offs_amt": N_("Write-offs"),
    "bad_debt_ratio_pct": N_("Bad-debt ratio"),
    "from_dpd": N_("From days past due"),
    "base_closed_form": N_("Base (closed form)"),
    "scenario_closed_form": N_("Scenario (closed form)"),
    "base_monte_carlo": N_("Base (Monte Carlo)"),
    "scenario_monte_carlo": N_("Scenario (Monte Carlo)"),
    "base_customers": N_("Customers (base)"),
    "measure": N_("Measure"),
    "value": N_("Value"),
    "previous_value": N_("Previous value"),
    # aging and items
    "bucket": N_("Aging bucket"),
    "bucket_idx": N_("Bucket order"),
    "not_due_amt": N_("Not due"),
    "not_due_pct": N_("Not due"),
    "overdue_amt": N_("Overdue"),
    "overdue": N_("Overdue"),
    "overdue_pct": N_("Overdue"),
    "past_due_amt": N_("Past due"),
    "past_due_items": N_("Past-due items"),
    "overdue_90_amt": N_("Overdue > 90 days"),
    "over_90_amt": N_("Over 90 days"),
    "over_90_pct": N_("Over 90 days"),
    "overdue_share_pct": N_("Overdue share"),
    "due_30_days": N_("Due in 30 days"),
    "due_31_90_days": N_("Due in 31–90 days"),
    "days_past_due": N_("Days past due"),
    "days_overdue": N_("Days overdue"),
    "max_days_past_due": N_("Max days past due"),
    "max_undisputed_dpd": N_("Max days past due (undisputed)"),
    "max_disputed_days_past_due": N_("Max days past due (disputed)"),
    "oldest_due_date": N_("Oldest due date"),
    "due_date": N_("Due date"),
    "invoice_date": N_("Invoice date"),
    "invoice_id": N_("Invoice"),
    "items": N_("Items"),
    "items_amt": N_("Items amount"),
    "total_amt": N_("Total"),
    "amount": N_("Amount"),
    "is_disputed": N_("Disputed"),
    "disputed_amt": N_("Disputed"),
    "disputed_past_due_amt": N_("Disputed past due"),
    "settled_amt": N_("Settled"),
    "instalment_no": N_("Instalment"),
    "instalments_due_amt": N_("Instalments due"),
    "instalments_received_amt": N_("Instalments received"),
    "instalments_received_pct": N_("Instalments received"),
    "overdue_instalments": N_("Overdue instalments"),
    "terms_days": N_("Payment terms"),
    "goods": N_("Goods"),
    # payment KPIs
    "dso_days": N_("DSO"),
    "countback_dso_days": N_("Countback DSO"),
    "best_possible_dso_days": N_("Best possible DSO"),
    "cei_pct": N_("CEI"),
    "avg_days_delinquent": N_("Average days delinquent"),
    "avg_days_to_pay": N_("Average days to pay"),
    "days_beyond_terms": N_("Days beyond terms"),
    "credit_sales_amt": N_("Credit sales"),
    "sales_amt": N_("Sales"),
    "collections_amt": N_("Collections"),
    "settled_days_beyond_x_amt": N_("Days beyond terms × amount"),
    "settled_days_to_pay_x_amt": N_("Days to pay × amount"),
    "period_days": N_("Period"),
    "period_start": N_("Period start"),
    "complete": N_("Complete period"),
    "note": N_("Note"),
    "total_doc_ccy": N_("Total (document currency)"),
    "kpi": N_("KPI"),
    # collections
    "stage": N_("Stage"),
    "item_stage": N_("Item stage"),
    "action": N_("Action"),
    "priority_score": N_("Priority"),
    "next_due_on": N_("Next due"),
    # ratings and scoring
    "grade": N_("Grade"),
    "previous_grade": N_("Previous grade"),
    "imported_grade": N_("Imported grade"),
    "scenario_grade": N_("Scenario grade"),
    "from_grade": N_("From grade"),
    "to_grade": N_("To grade"),
    "from_rated_on": N_("Rated on (from)"),
    "to_rated_on": N_("Rated on (to)"),
    "notches": N_("Notches"),
    "notches_vs_imported": N_("Notches vs imported"),
    "direction": N_("Direction"),
    "score": N_("Score"),
    "avg_score": N_("Average score"),
    "score_change": N_("Score change"),
    "reason_1": N_("Reason 1"),
    "reason_2": N_("Reason 2"),
    "reason_3": N_("Reason 3"),
    "characteristic": N_("Characteristic"),
    "weight_pct": N_("Weight"),
    "bins_points": N_("Bins and points"),
    "missing_points": N_("Points if missing"),
    "model": N_("Model"),
    "observations": N_("Observations"),
    "defaults": N_("Defaults"),
    "expected_defaults": N_("Expected defaults"),
    "observed_default_rate_pct": N_("Observed default rate"),
    "observed_rate_frac": N_("Observed default rate"),
    "ci_low_pct": N_("Confidence interval, low"),
    "ci_high_pct": N_("Confidence interval, high"),
    "jeffreys_low_frac": N_("Jeffreys interval, low"),
    "jeffreys_high_frac": N_("Jeffreys interval, high"),
    "jeffreys_p_value": N_("Jeffreys p-value"),
    "binomial_p_value": N_("Binomial p-value"),
    "verdict": N_("Verdict"),
    "auroc": N_("AUC"),
    "gini": N_("Gini"),
    "ks": N_("KS"),
    "bads": N_("Bads"),
    "default_on": N_("Defaulted on"),
    "sample": N_("Sample"),
    "observed_text": N_("Observed"),
    # monitoring
    "rule": N_("Rule"),
    "rules": N_("Rules"),
    "hits": N_("Hits"),
    "severity": N_("Severity"),
    "severity_before": N_("Severity before"),
    "worst_severity": N_("Worst severity"),
    "watchlist_severity": N_("Watchlist severity"),
    "since": N_("Since"),
    "has_new": N_("New"),
    "status": N_("Status"),
    "last_review_on": N_("Last review"),
    "frequency_months": N_("Review every (months)"),
    "message": N_("Message"),
    "label": N_("Label"),
    # what-if levers and comparisons (analytics/policy/levers.py names)
    "bases": N_("Limit bases"),
    "tangible_net_worth_pct": N_("Share of tangible net worth"),
    "working_capital_pct": N_("Share of working capital"),
    "grace_days": N_("Grace period"),
    "grade_multipliers": N_("Grade multipliers"),
    "risk_appetite": N_("Risk appetite"),
    "floor_by_grade": N_("Floor by grade"),
    "cap_by_grade": N_("Cap by grade"),
    "single_name_cap_pct": N_("Single-name cap"),
    "single_name_cap_basis": N_("Single-name cap basis"),
    "own_equity_amt": N_("Own equity"),
    "min_grade": N_("Minimum grade for open credit"),
    "rounding_amt": N_("Rounding"),
    "terms_by_grade": N_("Payment terms by grade"),
    "hold_days_past_due": N_("Hold above days past due"),
    "hold_utilization_pct": N_("Hold above utilization"),
    "pd_multiplier": N_("PD multiplier"),
    "downgrade_notches": N_("Downgrade (notches)"),
    "downgrade_scope": N_("Downgrade scope"),
    "downgrade_value": N_("Downgraded industry or region"),
    "lgd_pct": N_("LGD"),
    "payment_delay_days": N_("Payment delay"),
    "sales_growth_pct": N_("Sales growth"),
    "asset_correlation": N_("Asset correlation"),
    "sector_correlation": N_("Correlation between industries"),
    "simulations": N_("Simulations"),
    "seed": N_("Seed"),
    "individual_names": N_("Names simulated one by one"),
    "base": N_("Base"),
    "scenario": N_("Scenario"),
    "change": N_("Change"),
    # data and load
    "as_of": N_("As of"),
    "snapshot_date": N_("Month-end"),
    "dimension": N_("Dimension"),
    "basis": N_("Basis"),
    "step": N_("Step"),
    "total": N_("Total"),
    "file": N_("File"),
    "source_file": N_("Source file"),
    "table_name": N_("Table"),
    "column_name": N_("Column"),
    "row": N_("Row"),
    "rows": N_("Rows"),
    "row_count": N_("Rows"),
    "rows_of_kind": N_("Rows of this kind"),
    "is_present": N_("Loaded"),
    "approval_level": N_("Approval level"),
    # credit file and rating models (helper scoring-customer)
    "own_limit_amt": N_("Own limit"),
    "doc_type": N_("Document type"),
    "amount_doc_ccy": N_("Amount (document currency)"),
    "credit_applied_amt": N_("Credits applied"),
    "rated_on": N_("Rated on"),
    "source": N_("Source"),
    "payment_date": N_("Payment date"),
    "payment_id": N_("Payment"),
    "method": N_("Method"),
    "amount_amt": N_("Amount"),
    "period_end": N_("Period end"),
    "revenue": N_("Revenue"),
    "net_income": N_("Net income"),
    "equity": N_("Equity"),
    "current_ratio": N_("Current ratio"),
    "quick_ratio": N_("Quick ratio"),
    "cash_ratio": N_("Cash ratio"),
    "debt_ratio": N_("Debt ratio"),
    "interest_cover": N_("Interest cover"),
    "roa_pct": N_("Return on assets"),
    "net_margin_pct": N_("Net margin"),
    "ocf_to_current_liabilities": N_("Operating cash flow to current liabilities"),
    "event_date": N_("Event date"),
    "event_type": N_("Event type"),
    "description": N_("Description"),
    "event_id": N_("Event"),
    "collateral_id": N_("Collateral"),
    "collateral_type": N_("Cover type"),
    "provider": N_("Provider"),
    "valid_from": N_("Valid from"),
    "valid_to": N_("Valid to"),
    "is_valid": N_("Valid"),
    "days_to_expiry": N_("Days to expiry"),
    "effective_from": N_("Effective from"),
    "expires_on": N_("Expires on"),
    "approved_by": N_("Approved by"),
    "payment_terms_days": N_("Payment terms"),
    "dated_on": N_("Dated"),
    "source_id": N_("Source document"),
    "reason": N_("Reason"),
    "until": N_("Until"),
    "document": N_("Document"),
    "document_id": N_("Document number"),
    "model_pd_pct": N_("Model PD"),
    "term": N_("Term"),
    "coefficient": N_("Coefficient"),
    "std_error": N_("Standard error"),
    "p_value": N_("p-value"),
    "iv": N_("IV"),
    "in_model": N_("In the model"),
    "bin": N_("Bin"),
    "woe": N_("WoE"),
    "bad_rate_frac": N_("Bad rate"),
    "points": N_("Points"),
    "importance_auroc_loss": N_("AUROC lost when shuffled"),
    "monotonic": N_("Monotonic"),
    "variable": N_("Variable"),
    "psi": N_("PSI"),
    "reading": N_("Reading"),
    "scorecard": N_("Scorecard"),
    "expert_grade": N_("Expert scorecard"),
    "statistical_grade": N_("Statistical model"),
    "ml_grade": N_("Challenger"),
    "fact": N_("Fact"),
    # credit decisions: applications, decisions, committee, audit trail
    "application_id": N_("Application"),
    "customer_name": N_("Customer"),
    "requested_limit_amt": N_("Requested limit"),
    "authority_amt": N_("Authority amount"),
    "decided_limit_amt": N_("Decided limit"),
    "kind": N_("Kind"),
    "proposed_by": N_("Proposed by"),
    "proposed_at": N_("Proposed on"),
    "decided_at": N_("Decided on"),
    "decided_on": N_("Decided on"),
    "decided_by": N_("Decided by"),
    "outcome": N_("Decision"),
    "decision": N_("Decision"),
    "decision_id": N_("Decision no."),
    "votes": N_("Votes"),
    "limit_scope": N_("Limit scope"),
    "application_status": N_("Application status"),
    "position": N_("No."),
    "title": N_("Title"),
    "item": N_("Item"),
    "owner": N_("Owner"),
    "due_on": N_("Due on"),
    "meeting_id": N_("Meeting"),
    "meeting_on": N_("Meeting date"),
    "data_as_of": N_("Data as of"),
    "created_by": N_("Created by"),
    "entry_id": N_("Entry"),
    "at": N_("When (UTC)"),
    "actor": N_("Who"),
    "entity": N_("Record kind"),
    "entity_id": N_("Record ID"),
    "before_json": N_("Before"),
    "after_json": N_("After"),
    # the CLI's printed lists (python -m analytics decisions list, users list)
    "kind_label": N_("Kind"),
    "status_label": N_("Status"),
    "level_label": N_("Approval level"),
    "username": N_("User name"),
    "email": N_("E-mail"),
    "roles": N_("Roles"),
    "is_sample": N_("Sample account"),
}

UNIT_SUFFIXES = ("_amt", "_pct", "_frac", "_days")


def known(name: str) -> bool:
    """True when `name` has an entry in the catalogue."""
    return name in LABELS


def label(name: str, currency: str = "", unit: bool = True) -> str:
    """The words for field `name` in the current language, with its unit unless unit=False:
    'Gross exposure (CNY)', 'Utilization %', 'DSO (days)'. Uncatalogued names read from their
    words; a name that is already words (a pivoted bucket such as 'not due', a grade, 'AAA %')
    is shown as it is, translated when the catalogue has it."""
    if not _IDENTIFIER.fullmatch(name):
        return _(name) if name else name
    base = _(LABELS[name]) if name in LABELS else _(_words(name))
    if not unit:
        return base
    if name.endswith("_amt"):
        return f"{base} ({currency})" if currency else base
    if name.endswith(("_pct", "_frac")):
        return f"{base} %"
    if name.endswith("_days") and name not in ("due_30_days", "due_31_90_days"):
        return f"{base} ({_('days')})"
    return base


def unit_of(name: str, currency: str = "") -> str:
    """The unit a field's name carries, in words for a reader of an export: the currency code
    ('_amt'), '%' ('_pct', already in percent), 'fraction' ('_frac', 0.12 = 12 %), 'days'
    ('_days'); '' for none."""
    if not _IDENTIFIER.fullmatch(name):
        return ""
    if name.endswith("_amt"):
        return currency
    if name.endswith("_pct"):
        return "%"
    if name.endswith("_frac"):
        return _("fraction (0.12 = 12 %)")
    if name.endswith("_days") and name not in ("due_30_days", "due_31_90_days"):
        return _("days")
    return ""


_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")


def _words(name: str) -> str:
    text = name
    for suffix in UNIT_SUFFIXES:
        text = text.removesuffix(suffix)
    text = text.removeprefix("is_").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def in_words(frame: pl.DataFrame, column: str, words: Callable[[object], str]) -> pl.Expr:
    """`column` of `frame` through `words` (each distinct value once, in this thread, so in the
    reader's language: polars may run a per-row function on threads of its own, where the
    language is the default one)."""
    values = frame[column].unique().to_list()
    mapping = {v: words(v) for v in values if v is not None}
    missing = words(None) if None in values else None
    expr = pl.col(column).replace_strict(mapping, default=None, return_dtype=pl.String) if mapping \
        else pl.lit(None, pl.String)
    return (expr.fill_null(missing) if missing is not None else expr).alias(column)
