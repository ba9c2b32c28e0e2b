"""Limit recommendations: the credit policy's limit formula for every customer in scope — the
current limit, the recommended one, the basis that set it and the authority a change needs.
The What-if page computes its proposed limits with the same function."""

import polars as pl
import streamlit as st

from analytics.app import charts
from analytics.app.ui import (cached_limit_recommendations, context, fmt_amount, fmt_int, get_policy, kpi,
                              open_customer_on_select, table)

SHOWN_ROWS = 1_000

ctx = context()
cur = ctx.currency
policy = get_policy()
levers = policy.levers

st.title("Limit recommendations")
st.caption("The recommended limit is the smallest of the policy's bases the customer has data for "
           f"({', '.join(b.replace('_', ' ') for b in levers.bases)}) × the grade multiplier, floored and capped by "
           "grade and by the single-name cap, none below the minimum grade "
           f"({levers.min_grade}), rounded down to {fmt_amount(levers.rounding_amt, cur, compact=False)}. The grade is "
           "the one in force: imported, or the rating model's where none was imported ([limits], [scoring.rating]). "
           "The What-if page starts from the same formula.")
rec = cached_limit_recommendations(ctx.version, ctx.as_of, ctx.filters)
frame = rec.frame
if frame.height == 0:
    st.info("No customers in scope at this date.")
    st.stop()

changes = rec.changes
raised = changes.filter(pl.col("limit_change_amt") > 0)
cut = changes.filter(pl.col("limit_change_amt") < 0)
row = st.columns(4)
kpi(row[0], "Limits to change", fmt_int(changes.height), kind="count",
    help="Customers whose recommended limit differs from the limit in force.")
kpi(row[1], f"Raises ({cur})", fmt_amount(float(raised["limit_change_amt"].sum())),
    help=f"{raised.height:,} customers: the sum of their increases.")
kpi(row[2], f"Cuts ({cur})", fmt_amount(float(-cut["limit_change_amt"].sum())),
    help=f"{cut.height:,} customers: the sum of their reductions.")
kpi(row[3], f"Recommended ({cur})", fmt_amount(float(frame["recommended_limit_amt"].fill_null(0).sum())),
    float(frame["recommended_limit_amt"].fill_null(0).sum() - frame["current_limit_amt"].fill_null(0).sum()),
    currency=cur, help="Sum of the recommended limits; the change is against the limits in force.")

st.markdown("**Limits in force and recommended, by grade**")
st.plotly_chart(charts.limits_by_grade(rec.by_grade, cur), key="lim_by_grade")

left, right = st.columns([1, 1])
with left:
    st.markdown("**Approvals the changes need** (a raise or a new limit by its amount, a cut by the first level)")
    table(rec.approvals, f"limit_approvals_{ctx.as_of}", "t_lim_appr", cur)
with right:
    st.markdown("**By basis**")
    by_basis = (changes.group_by("basis").agg(pl.len().alias("customers"), pl.col("limit_change_amt").sum())
                .sort("customers", descending=True))
    table(by_basis, f"limit_bases_{ctx.as_of}", "t_lim_basis", cur)

only = st.toggle("Changes only", value=True, key="lim_changes_only",
                 help="Off: every customer in scope, the unchanged ones too.")
levels = rec.approvals["approval_level"].to_list()
level = st.segmented_control("Approval", levels, key="lim_level", selection_mode="single",
                             help="Only the changes one level must approve.")
shown = changes if only else frame
if level:
    shown = shown.filter(pl.col("approval_level") == level)
st.subheader(f"Customers ({shown.height:,})")
head = shown.head(SHOWN_ROWS)
event = table(head, f"limit_recommendations_{ctx.as_of}", "t_lim", cur, height=460, selectable=True, download=shown)
if shown.height > SHOWN_ROWS:
    st.caption(f"The table shows the first {SHOWN_ROWS:,} of {shown.height:,} (largest change first); the downloads "
               "hold them all.")
open_customer_on_select(event, head, ctx.as_of)
