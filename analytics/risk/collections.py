"""The collections worklist (docs/definitions.md, Collections): dunning stage by days past due,
priority by amount, dpd and PD (weights from the policy), overdue instalments.

Inputs (sql/queries/overdue_items.sql, overdue_customers.sql): one row per past-due
open item, and one row per customer with overdue AR, at one as-of date. Amounts in
reporting currency; priority_score 0-100; pd_pct in percent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from analytics.i18n import N_, _
from analytics.risk.exposure import UNRATED, pd_pct_expr
from analytics.policy import Policy

NO_STAGE = N_("disputed only")
# The stage names of the shipped policy (analytics/policy/credit_policy.toml [collections]): configuration
# written in English, translated where shown; a company's own names (in its language) pass through unchanged.
SHIPPED_STAGES = (N_("reminder"), N_("phone call"), N_("formal letter and credit hold"), N_("visit / final demand"),
                  N_("legal or agency"), N_("write-off candidate"))


def shown_stage(name: str | None) -> str | None:
    """A dunning stage's name as the reader sees it (the frames keep the policy's names)."""
    return None if name is None else _(name)


def with_shown_stages(frame: pl.DataFrame, columns: tuple[str, ...] = ("stage", "item_stage")) -> pl.DataFrame:
    """The frame with its stage names (values of `columns`) in the reader's language, for screens and exports."""
    present = [c for c in columns if c in frame.columns]
    if not present or frame.height == 0:
        return frame
    names = {n for c in present for n in frame[c].drop_nulls().unique().to_list()}
    mapping = {n: shown_stage(n) for n in names}
    return frame.with_columns(pl.col(c).replace(mapping) for c in present)


def stage_expr(dpd: pl.Expr, stages: tuple[tuple[str, int], ...]) -> pl.Expr:
    """The dunning stage reached at `dpd` days past due: the last stage whose from_dpd it has passed."""
    expr = pl.when(dpd.is_null()).then(pl.lit(NO_STAGE))
    for name, from_dpd in reversed(stages):
        expr = expr.when(dpd >= from_dpd).then(pl.lit(name))
    return expr.otherwise(pl.lit(NO_STAGE))


@dataclass(frozen=True)
class Worklist:
    """What the Collections page and `report collections` show."""

    as_of: date
    customers: pl.DataFrame  # one row per customer, highest priority first
    items: pl.DataFrame  # one row per past-due item, with the customer's stage
    stages: pl.DataFrame  # customers and overdue amount per stage, in stage order

    @property
    def instalments_due_amt(self) -> float:
        """Instalments of payment plans fallen due (promised) up to the as-of date."""
        return float(self.customers["instalments_due_amt"].fill_null(0).sum())

    @property
    def instalments_received_amt(self) -> float:
        """What was received against those instalments."""
        return float(self.customers["instalments_received_amt"].fill_null(0).sum())

    @property
    def instalments_received_pct(self) -> float | None:
        """Received against promised, in percent (None when nothing has fallen due)."""
        due = self.instalments_due_amt
        return self.instalments_received_amt / due * 100 if due else None

    def tables(self) -> dict[str, pl.DataFrame]:
        return {"worklist": self.customers, "stages": self.stages, "items": self.items}


def worklist(as_of: date, items: pl.DataFrame, customers: pl.DataFrame, policy: Policy,
             instalments: pl.DataFrame | None = None) -> Worklist:
    """Prioritise past-due customers and stage them by their most overdue item as the policy's
    dispute rule reads it (analytics.risk.ledger: by default undisputed items only).

    items are net of the credits set against them (a customer whose credits cover its
    items has none, so it is never chased). Disputed items are listed but, by default, do
    not drive the stage (they go to dispute resolution, not dunning). instalments (one row
    per customer: instalments_due, instalments_due_amt, instalments_received_amt) sets
    promised against received. Priority = 100 x (w_amount x rank of overdue amount + w_dpd x
    rank of the rule's days past due + w_pd x rank of PD), ranks as percentiles in (0, 1].
    """
    counted = pl.lit(True) if policy.disputed_in_dpd else ~pl.col("is_disputed")
    per_customer = items.group_by("customer_id").agg(
        pl.col("outstanding_amt").sum().alias("past_due_amt"),
        pl.len().alias("past_due_items"),
        pl.col("days_past_due").filter(counted).max().alias("max_undisputed_dpd"),
        pl.col("outstanding_amt").filter(pl.col("is_disputed")).sum().alias("disputed_past_due_amt"),
        pl.col("instalment_no").is_not_null().sum().alias("overdue_instalments"),
        pl.col("due_date").min().alias("oldest_due_date"),
    )
    w = policy.priority_weights
    n = max(per_customer.height, 1)
    joined = (
        customers.join(per_customer, on="customer_id", how="inner")
        .with_columns(pd_pct_expr(policy), pl.col("grade").fill_null(UNRATED))
        .with_columns(
            stage_expr(pl.col("max_undisputed_dpd"), policy.dunning_stages).alias("stage"),
            (100 * (
                w["amount"] * pl.col("past_due_amt").rank("average") / n
                + w["dpd"] * pl.col("max_undisputed_dpd").fill_null(0).rank("average") / n
                + w["pd"] * pl.col("pd_pct").rank("average") / n
            )).round(1).alias("priority_score"),
        )
        .sort(["priority_score", "past_due_amt", "customer_id"], descending=[True, True, False])
    )
    plans = instalments if instalments is not None else pl.DataFrame(
        schema={"customer_id": pl.String, "instalments_due": pl.Int64, "instalments_due_amt": pl.Float64,
                "instalments_received_amt": pl.Float64})
    joined = joined.join(plans, on="customer_id", how="left", maintain_order="left").with_columns(
        pl.when(pl.col("instalments_due_amt") > 0)
        .then(pl.col("instalments_received_amt") / pl.col("instalments_due_amt") * 100)
        .alias("instalments_received_pct"))
    worklist_frame = joined.select(  # the field order of the CLI's export (screens put amounts first)
        "customer_id", "name", "credit_manager", "segment", "grade", "pd_pct", "stage", "priority_score",
        "past_due_amt", "past_due_items", "max_days_past_due", "max_undisputed_dpd", "disputed_past_due_amt",
        "overdue_instalments", "instalments_due_amt", "instalments_received_amt", "instalments_received_pct",
        "oldest_due_date", "open_ar_amt", "gross_exposure_amt", "limit_amt",
    )
    stage_of = worklist_frame.select("customer_id", "name", "stage", "priority_score")
    item_frame = (
        items.join(stage_of, on="customer_id", how="inner")
        .with_columns(stage_expr(pl.when(counted).then(pl.col("days_past_due")),
                                 policy.dunning_stages).alias("item_stage"))
        .sort(["priority_score", "customer_id", "days_past_due"], descending=[True, False, True])
        .select("customer_id", "name", "stage", "invoice_id", "invoice_date", "due_date", "instalment_no",
                "currency", "outstanding_doc_ccy", "outstanding_amt", "days_past_due", "is_disputed", "item_stage")
    )
    order = [name for name, _ in policy.dunning_stages] + [NO_STAGE]
    counted = worklist_frame.group_by("stage").agg(pl.len().alias("customers"), pl.col("past_due_amt").sum())
    stages = (
        pl.DataFrame({"stage": order, "from_dpd": [d for _, d in policy.dunning_stages] + [None]},
                     schema={"stage": pl.String, "from_dpd": pl.Int64})
        .join(counted, on="stage", how="left", maintain_order="left")
        .with_columns(pl.col("customers").fill_null(0).cast(pl.Int64), pl.col("past_due_amt").fill_null(0.0))
    )
    return Worklist(as_of, worklist_frame, item_frame, stages)
