"""Periodic review schedule: how often each customer is reviewed (importance and risk class,
from the policy), the last review, the next due date, overdue reviews and those due in the
next 30 / 60 / 90 days: the credit manager's review worklist."""

import polars as pl
import streamlit as st

from analytics.app import charts
from analytics.app.ui import (cached_review_view, context, fmt_amount, fmt_int, get_policy, kpi,
                              open_customer_on_select, plain, table)
from analytics.i18n import _, ngettext
from analytics.views.monitoring import STATUS_LABELS, STATUSES, in_words

ctx = context()
cur = ctx.currency
policy = get_policy()
rp = policy.reviews


def every(months: int) -> str:
    return ngettext("every {n} month", "every {n} months", months).format(n=fmt_int(months))


st.title(_("Review schedule"))
st.caption(_("Review {by_segment} (others {others}); grade {grade} or worse {high_risk}, whichever is sooner. "
             "Last review = the later of the latest rating and the latest limit decision. Customers with open "
             "credit (a limit or exposure), not in default.").format(
    by_segment=", ".join(f"{plain(seg)}: {every(m)}" for seg, m in rp.months_by_segment.items()),
    others=every(rp.default_months), grade=rp.high_risk_grade, high_risk=every(rp.high_risk_months)))
view = cached_review_view(ctx.version, ctx.as_of, ctx.filters)
counts = dict(zip(view.counts["status"].to_list(), view.counts["customers"].to_list()))
amounts = dict(zip(view.counts["status"].to_list(), view.counts["gross_exposure_amt"].to_list()))
overdue = counts["overdue"] + counts["never reviewed"]

tiles = st.columns(4)
kpi(tiles[0], _("Under review"), fmt_int(view.schedule.height), help=_("Customers with open credit, not in default."))
kpi(tiles[1], _("Overdue"), fmt_int(overdue),
    help=_("Past their due date (or never reviewed); exposure {exposure}.").format(
        exposure=fmt_amount(amounts["overdue"] + amounts["never reviewed"], cur)))
kpi(tiles[2], _("Due in 30 days"), fmt_int(counts["due in 30 days"]),
    help=_("Exposure {exposure}.").format(exposure=fmt_amount(amounts["due in 30 days"], cur)))
kpi(tiles[3], _("Due in 31–90 days"), fmt_int(counts["due in 31-60 days"] + counts["due in 61-90 days"]),
    help=_("{first} in 31–60 days, {second} in 61–90 days.").format(
        first=fmt_int(counts["due in 31-60 days"]), second=fmt_int(counts["due in 61-90 days"])))

left, right = st.columns([1, 1])  # the per-manager table whole at 1280 px
with left:
    st.plotly_chart(charts.review_bars(view.counts.with_columns(
        pl.col("status").replace({k: _(v) for k, v in STATUS_LABELS.items()})), cur), key="rv_bars")
with right:
    st.markdown("**" + _("Per credit manager") + "**")
    table(view.by_manager, f"reviews_by_manager_{view.as_of}", "t_rv_mgr", cur, height=300)

st.subheader(_("Review worklist"))
chosen = st.segmented_control(_("Show"), list(STATUSES), selection_mode="multi",
                              default=list(STATUSES[:3]), key="rv_status", format_func=lambda v: _(STATUS_LABELS[v]),
                              help=_("Overdue first, then by due date; the export holds the rows shown."))
shown = view.worklist(list(chosen) or list(STATUSES))
event = table(in_words(shown), f"review_worklist_{view.as_of}", "t_rv_list", cur, height=480, selectable=True)
open_customer_on_select(event, shown, ctx.as_of)
st.caption(_("Click a row to open its credit file."))
