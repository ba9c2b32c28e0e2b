"""The data contract: the tables a company exports from its ERP/CRM.

This module is the single source of truth for table and column names, types,
keys and defaults. The loader, the generator, the warehouse DDL test and the
contract in docs/contract.md are all checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl

ColumnType = Literal["str", "date", "amount", "int", "bool", "float"]


@dataclass(frozen=True)
class Column:
    """One contract column. `default` fills an absent optional column."""

    name: str
    type: ColumnType
    required: bool
    description: str
    default: object = None
    allowed: tuple[str, ...] | None = None  # closed vocabulary (after value maps)
    non_negative: bool = False


@dataclass(frozen=True)
class Table:
    """One contract table with its key and columns."""

    name: str
    required: bool
    key: tuple[str, ...]
    description: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name}.{name}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


DOC_TYPES = ("invoice", "credit_note", "debit_note")
PAYMENT_METHODS = ("bank_transfer", "cheque", "cash", "card", "netting", "write_off", "other")
ORDER_STATUSES = ("open", "invoiced", "cancelled")
LIMIT_SCOPES = ("group", "entity")
EVENT_TYPES = (
    "litigation",
    "management_change",
    "insolvency_filing",
    "tax_penalty",
    "late_filing",
    "other",
)
SEVERITIES = ("low", "medium", "high")
COLLATERAL_TYPES = ("guarantee", "credit_insurance", "letter_of_credit", "other")


def _c(name: str, type_: ColumnType, required: bool, description: str, **kw: object) -> Column:
    return Column(name, type_, required, description, **kw)  # type: ignore[arg-type]


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "customers",
            True,
            ("customer_id",),
            "One row per customer (legal entity we sell to on credit).",
            (
                _c("customer_id", "str", True, "Unique customer key."),
                _c("name", "str", True, "Registered name."),
                _c("parent_id", "str", False, "customer_id of the group parent; empty = own group."),
                _c("industry", "str", False, "Industry.", default="Unknown"),
                _c("region", "str", False, "Sales region.", default="Unknown"),
                _c("country", "str", False, "Country.", default="Unknown"),
                _c("segment", "str", False, "core / key / general.", default="general"),
                _c("registered_capital", "amount", False, "Registered capital, reporting currency.", non_negative=True),
                _c("legal_representative", "str", False, "Legal representative."),
                _c("business_scope", "str", False, "Business scope."),
                _c("established_on", "date", False, "Date of incorporation."),
                _c("onboarded_on", "date", False, "First trading date with us."),
                _c("credit_manager", "str", False, "Responsible credit manager.", default="Unassigned"),
                _c("payment_terms_days", "int", False, "Standard payment terms in days.", default=30, non_negative=True),
            ),
        ),
        Table(
            "invoices",
            True,
            ("invoice_id", "instalment_no"),
            "One row per invoice, debit note or credit note; an instalment plan is one row per instalment "
            "(same invoice_id, instalment_no 1, 2, ...).",
            (
                _c("invoice_id", "str", True, "Document number; unique, or shared by the instalments of one plan."),
                _c("customer_id", "str", True, "Customer billed (must exist in customers)."),
                _c("invoice_date", "date", True, "Document date."),
                _c("due_date", "date", False, "Due date; empty = invoice_date + customer payment terms."),
                _c("amount", "amount", True, "Gross amount in document currency; credit notes are stored negative."),
                _c("currency", "str", False, "ISO currency; empty = reporting currency."),
                _c("doc_type", "str", False, "invoice / debit_note (receivables) / credit_note (a credit).",
                   default="invoice", allowed=DOC_TYPES),
                _c("paid_date", "date", False, "Shortcut: date fully settled, used when no payment or credit note "
                   "names the invoice; on a credit note, the date its credit was used up or refunded."),
                _c("is_disputed", "bool", False, "Item under dispute.", default=False),
                _c("instalment_no", "int", False, "Instalment number within a plan; with it the key is "
                   "(invoice_id, instalment_no).", non_negative=True),
                _c("applies_to", "str", False, "Credit note: the invoice_id it reverses or reduces (same customer "
                   "and currency); empty = a credit on the customer's account."),
            ),
        ),
        Table(
            "payments",
            False,
            ("payment_id",),
            "Cash received and write-offs; invoice_id empty = unapplied cash.",
            (
                _c("payment_id", "str", True, "Unique payment key."),
                _c("customer_id", "str", True, "Paying customer."),
                _c("invoice_id", "str", False, "Invoice the payment is applied to; empty = cash on account."),
                _c("payment_date", "date", True, "Value date."),
                _c("amount", "amount", True, "Amount in document currency (positive).", non_negative=True),
                _c("currency", "str", False, "ISO currency; empty = reporting currency."),
                _c("method", "str", False, "Payment method; write_off closes an item as bad debt.",
                   default="bank_transfer", allowed=PAYMENT_METHODS),
                _c("instalment_no", "int", False, "Instalment of a plan the payment is for; empty = the plan's "
                   "earliest-due open instalments first.", non_negative=True),
            ),
        ),
        Table(
            "orders",
            False,
            ("order_id",),
            "Sales orders; open until invoiced or cancelled.",
            (
                _c("order_id", "str", True, "Unique order key."),
                _c("customer_id", "str", True, "Ordering customer."),
                _c("order_date", "date", True, "Order date."),
                _c("amount", "amount", True, "Order value in order currency.", non_negative=True),
                _c("currency", "str", False, "ISO currency; empty = reporting currency."),
                _c("status", "str", False, "open / invoiced / cancelled; invoiced or cancelled closes the order "
                   "(at its date, else at the extraction date).", default="open", allowed=ORDER_STATUSES),
                _c("invoiced_on", "date", False, "Date the order was invoiced (closes it)."),
                _c("cancelled_on", "date", False, "Date the order was cancelled (closes it)."),
            ),
        ),
        Table(
            "credit_limits",
            False,
            ("customer_id", "effective_from"),
            "Credit limit history; the latest row on or before a date is in force.",
            (
                _c("customer_id", "str", True, "Customer."),
                _c("effective_from", "date", True, "Date the limit takes effect."),
                _c("limit_amt", "amount", True, "Approved credit limit.", non_negative=True),
                _c("currency", "str", False, "ISO currency; empty = reporting currency."),
                _c("expires_on", "date", False, "Expiry (review) date of the limit."),
                _c("approved_by", "str", False, "Approver."),
                _c("approval_level", "str", False, "Authority level that approved it."),
                _c("payment_terms_days", "int", False, "Terms granted with the limit.", non_negative=True),
                _c("limit_scope", "str", False, "group: the limit of a group parent covers its members without a "
                   "limit of their own (the default for a parent); entity: the customer alone.",
                   allowed=LIMIT_SCOPES),
            ),
        ),
        Table(
            "ratings",
            False,
            ("customer_id", "rated_on"),
            "Rating history; a customer's grade at t is its latest rating on or before t.",
            (
                _c("customer_id", "str", True, "Customer."),
                _c("rated_on", "date", True, "Rating date."),
                _c("grade", "str", True, "Grade on the policy scale (or mapped to it by the policy's grade_map)."),
                _c("score", "float", False, "Internal score."),
                _c("pd", "float", False, "One-year PD as a fraction (0.0018 = 0.18%); empty = policy PD of the grade."),
                _c("source", "str", False, "internal / agency / insurer."),
            ),
        ),
        Table(
            "financials",
            False,
            ("customer_id", "period_end"),
            "Yearly financial statements, one row per customer per period end.",
            (
                _c("customer_id", "str", True, "Customer."),
                _c("period_end", "date", True, "Fiscal period end."),
                _c("revenue", "amount", False, "Revenue."),
                _c("ebit", "amount", False, "Earnings before interest and tax."),
                _c("interest_expense", "amount", False, "Interest expense."),
                _c("net_income", "amount", False, "Net income."),
                _c("total_assets", "amount", False, "Total assets."),
                _c("current_assets", "amount", False, "Current assets."),
                _c("cash", "amount", False, "Cash and equivalents."),
                _c("inventory", "amount", False, "Inventory."),
                _c("intangible_assets", "amount", False, "Intangible assets."),
                _c("total_liabilities", "amount", False, "Total liabilities."),
                _c("current_liabilities", "amount", False, "Current liabilities."),
                _c("equity", "amount", False, "Shareholders' equity."),
                _c("retained_earnings", "amount", False, "Retained earnings (accumulated profits kept in the firm)."),
                _c("operating_cash_flow", "amount", False, "Operating cash flow."),
            ),
        ),
        Table(
            "events",
            False,
            ("event_id",),
            "Adverse events (litigation, management change, insolvency filing, ...).",
            (
                _c("event_id", "str", True, "Unique event key."),
                _c("customer_id", "str", True, "Customer."),
                _c("event_date", "date", True, "Date of the event."),
                _c("event_type", "str", True, "Event type.", allowed=EVENT_TYPES),
                _c("severity", "str", False, "low / medium / high.", default="medium", allowed=SEVERITIES),
                _c("description", "str", False, "Free text."),
            ),
        ),
        Table(
            "collateral",
            False,
            ("collateral_id",),
            "Guarantees, credit insurance and letters of credit.",
            (
                _c("collateral_id", "str", True, "Unique key."),
                _c("customer_id", "str", True, "Customer covered."),
                _c("collateral_type", "str", True, "guarantee / credit_insurance / letter_of_credit / other.",
                   allowed=COLLATERAL_TYPES),
                _c("amount", "amount", True, "Cover amount.", non_negative=True),
                _c("currency", "str", False, "ISO currency; empty = reporting currency."),
                _c("valid_from", "date", True, "Cover starts."),
                _c("valid_to", "date", False, "Cover ends; empty = open-ended."),
                _c("provider", "str", False, "Guarantor, insurer or bank."),
            ),
        ),
        Table(
            "fx_rates",
            False,
            ("currency", "rate_date"),
            "Exchange rates to the reporting currency (latest on or before a date applies).",
            (
                _c("currency", "str", True, "ISO currency."),
                _c("rate_date", "date", True, "Rate date."),
                _c("rate_to_reporting", "float", True, "Reporting-currency units per one unit of currency."),
            ),
        ),
    )
}

LOAD_ORDER: tuple[str, ...] = tuple(TABLES)


POLARS_TYPES: dict[str, pl.DataType] = {
    "str": pl.String(),
    "date": pl.Date(),
    "amount": pl.Float64(),
    "float": pl.Float64(),
    "int": pl.Int64(),
    "bool": pl.Boolean(),
}


def empty_frame(table: str) -> pl.DataFrame:
    """A zero-row frame with the contract schema of `table`."""
    return pl.DataFrame(schema={c.name: POLARS_TYPES[c.type] for c in TABLES[table].columns})


def markdown() -> str:
    """The contract as docs/contract.md documents it (tests/test_selfchecks.py holds the two equal):
    one section per table with its key, then a row per column."""
    out: list[str] = []
    for table in TABLES.values():
        key = ", ".join(table.key)
        key_text = (f"Key: `{key}` (instalment_no empty outside instalment plans)" if table.name == "invoices"
                    else f"Key: `{key}`")
        out += ["", f"#### `{table.name}`", "",
                f"{table.description} {key_text}. Table is {'required' if table.required else 'optional'}.", "",
                "| column | type | required | default / values | meaning |", "|---|---|---|---|---|"]
        for col in table.columns:
            extra = []
            if col.default is not None:
                extra.append(f"default `{str(col.default).lower() if isinstance(col.default, bool) else col.default}`")
            if col.allowed:
                extra.append(" / ".join(col.allowed))
            out.append(f"| `{col.name}` | {col.type} | {'yes' if col.required else 'no'} | {'; '.join(extra)} | "
                       f"{col.description} |")
    return "\n".join(out) + "\n\n"
