"""Periodic review schedule: how often each customer is reviewed (importance and risk class,
from the policy), the last review, the next due date, overdue reviews and those due in the
next 30 / 60 / 90 days: the credit manager's review worklist."""

import streamlit as st

from analytics.app import charts
from analytics.views.monitoring import STATUSES
from analytics.app.ui import cached_review_view, context, fmt_amount, fmt_int, get_policy, kpi, open_customer_on_select, table

ctx = context()
cur = ctx.currency
policy = get_policy()
rp = policy.reviews

st.title("Review schedule")
st.caption("Review every " + ", ".join(f"{seg}: {m} months" for seg, m in rp.months_by_segment.items())
           + f" (others {rp.default_months}); grade {rp.high_risk_grade} or worse every {rp.high_risk_months} months, "
           "whichever is sooner. Last review = the later of the latest rating and the latest limit decision. "
           "Customers with open credit (a limit or exposure), not in default.")
view = cached_review_view(ctx.version, ctx.as_of, ctx.filters)
counts = dict(zip(view.counts["status"].to_list(), view.counts["customers"].to_list()))
amounts = dict(zip(view.counts["status"].to_list(), view.counts["gross_exposure_amt"].to_list()))
overdue = counts["overdue"] + counts["never reviewed"]

tiles = st.columns(5)
kpi(tiles[0], "Under review", fmt_int(view.schedule.height), help="Customers with open credit, not in default.")
kpi(tiles[1], "Overdue", fmt_int(overdue), help=f"Past their due date (or never reviewed); exposure "
    f"{fmt_amount(amounts['overdue'] + amounts['never reviewed'], cur)}.")
kpi(tiles[2], "Due in 30 days", fmt_int(counts["due in 30 days"]))
kpi(tiles[3], "Due in 31-60 days", fmt_int(counts["due in 31-60 days"]))
kpi(tiles[4], "Due in 61-90 days", fmt_int(counts["due in 61-90 days"]))

left, right = st.columns([3, 2])
with left:
    st.plotly_chart(charts.review_bars(view.counts, cur), key="rv_bars")
with right:
    st.markdown("**Per credit manager**")
    table(view.by_manager, f"reviews_by_manager_{view.as_of}", "t_rv_mgr", cur, height=300)

st.subheader("Review worklist")
chosen = st.segmented_control("Show", list(STATUSES), selection_mode="multi",
                              default=list(STATUSES[:3]), key="rv_status",
                              help="Overdue first, then by due date; the export holds the rows shown.")
shown = view.worklist(list(chosen) or list(STATUSES))
event = table(shown, f"review_worklist_{view.as_of}", "t_rv_list", cur, height=480, selectable=True)
open_customer_on_select(event, shown, ctx.as_of)
st.caption("Click a row to open its credit file.")
