"""Collections worklist: past-due customers prioritised by amount, dpd and PD, their dunning
stage by policy, overdue instalments and disputed items, exportable for the collectors."""

import polars as pl
import streamlit as st

from analytics.app import charts
from analytics.app.ui import (
    cached_collections_view,
    context,
    get_policy,
    kpi,
    open_customer_on_select,
    table,
)
from analytics.formats import fmt_amount, fmt_date, fmt_int, fmt_number, fmt_pct
from analytics.i18n import _, ngettext
from analytics.views.receivables import shown_stage, with_shown_stages

ctx = context()
cur = ctx.currency
policy = get_policy()
wl = cached_collections_view(ctx.version, ctx.as_of, ctx.filters)

st.title(_("Collections worklist"))
w = policy.priority_weights
st.caption(" · ".join([
    _("As of {date}").format(date=fmt_date(wl.as_of)),
    _("priority = {amount} × rank of past-due amount + {dpd} × rank of days past due + {pd} × rank of PD "
      "(0–100)").format(amount=fmt_number(w["amount"], 2), dpd=fmt_number(w["dpd"], 2), pd=fmt_number(w["pd"], 2)),
    _("stage by the most overdue item, disputed ones included (policy)") if policy.disputed_in_dpd
    else _("stage by the most overdue undisputed item"),
    _("balances after each customer's credits on account, so nobody whose credits cover what it owes is chased"),
    _("all customers") if ctx.filters.is_empty else _("filtered (see sidebar)"),
]))

c = wl.customers
tiles = st.columns(4)
kpi(tiles[0], _("Past-due AR"), fmt_amount(float(c["past_due_amt"].sum()), cur),
    help=_("Past-due open items of the customers on the list, after their credits on account."))
kpi(tiles[1], _("Customers to chase"), fmt_int(c.height))
due, got = fmt_amount(wl.instalments_due_amt, cur), fmt_amount(wl.instalments_received_amt, cur)
kpi(tiles[2], _("Overdue instalments"), fmt_int(int(c["overdue_instalments"].sum())),
    help=_("Past-due instalments of payment plans. Instalments fallen due (promised) {due}, received {received}.")
    .format(due=due, received=got) if wl.instalments_received_pct is None else
    _("Past-due instalments of payment plans. Instalments fallen due (promised) {due}, received {received} "
      "({share}).").format(due=due, received=got, share=fmt_pct(wl.instalments_received_pct, 0)))
kpi(tiles[3], _("Disputed past due"), fmt_amount(float(c["disputed_past_due_amt"].sum()), cur),
    help=_("Disputed items go to dispute resolution and do not move a customer's dunning stage."))

st.subheader(_("Dunning stages"))
st.plotly_chart(charts.stage_bars(wl.stages, cur), key="stages")  # the chart puts the policy's names into words
table(with_shown_stages(wl.stages), f"dunning_stages_{wl.as_of}", "t_stages", cur)

st.subheader(_("Worklist"))
f1, f2, f3 = st.columns([2, 2, 1])
stages = f1.multiselect(_("Stage"), wl.stages["stage"].to_list(), key="wl_stage", placeholder=_("All stages"),
                        format_func=shown_stage)
managers = f2.multiselect(_("Credit manager"), sorted(c["credit_manager"].drop_nulls().unique().to_list()),
                          key="wl_manager", placeholder=_("All managers"))
top = f3.number_input(_("Show top"), min_value=10, max_value=5000, value=200, step=50, key="wl_top")
shown = c
if stages:
    shown = shown.filter(pl.col("stage").is_in(stages))
if managers:
    shown = shown.filter(pl.col("credit_manager").is_in(managers))
listed = min(int(top), shown.height)
st.caption(ngettext(
    "{n} customer matches; the highest {listed} by priority are listed. Tick a row to open the credit file. "
    "Downloads hold every matching customer.",
    "{n} customers match; the highest {listed} by priority are listed. Tick a row to open the credit file. "
    "Downloads hold every matching customer.", shown.height).format(n=fmt_int(shown.height), listed=fmt_int(listed)))
head = shown.head(int(top))
event = table(with_shown_stages(head), f"collections_worklist_{wl.as_of}", "t_worklist", cur, height=460,
              selectable=True, download=lambda: with_shown_stages(shown))
open_customer_on_select(event, head, wl.as_of)

with st.expander(_("Past-due items of the listed customers (for the collectors)")):
    items = wl.items.join(head.select("customer_id"), on="customer_id", how="semi")
    table(with_shown_stages(items), f"collections_items_{wl.as_of}", "t_items", cur, height=420,
          download=lambda: with_shown_stages(wl.items.join(shown.select("customer_id"), on="customer_id",
                                                           how="semi")))
