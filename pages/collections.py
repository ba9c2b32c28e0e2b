"""Collections worklist: past-due customers prioritised by amount, dpd and PD, their dunning
stage by policy, overdue instalments and disputed items, exportable for the collectors."""

import polars as pl
import streamlit as st

from analytics.app import charts
from analytics.app.ui import (
    cached_collections_view,
    context,
    fmt_amount,
    fmt_int,
    fmt_pct,
    get_policy,
    kpi,
    open_customer_on_select,
    table,
)

ctx = context()
cur = ctx.currency
policy = get_policy()
wl = cached_collections_view(ctx.version, ctx.as_of, ctx.filters)

st.title("Collections worklist")
w = policy.priority_weights
st.caption(f"As of {wl.as_of} · priority = {w['amount']:g} × rank of past-due amount + {w['dpd']:g} × rank of days "
           f"past due + {w['pd']:g} × rank of PD (0-100) · "
           + ("stage by the most overdue item, disputed ones included (policy)" if policy.disputed_in_dpd
              else "stage by the most overdue undisputed item")
           + " · balances after each customer's credits on account, so nobody whose credits cover what it owes is "
             "chased · " + ("all customers" if ctx.filters.is_empty else "filtered (see sidebar)"))

c = wl.customers
tiles = st.columns(4)
kpi(tiles[0], "Past-due AR", fmt_amount(float(c["past_due_amt"].sum()), cur))
kpi(tiles[1], "Customers to chase", fmt_int(c.height))
kpi(tiles[2], "Overdue instalments", fmt_int(int(c["overdue_instalments"].sum())),
    help=f"Past-due instalments of payment plans. Instalments fallen due (promised) "
         f"{fmt_amount(wl.instalments_due_amt, cur)}, received {fmt_amount(wl.instalments_received_amt, cur)}"
         + (f" ({fmt_pct(wl.instalments_received_pct, 0)})." if wl.instalments_received_pct is not None else "."))
kpi(tiles[3], "Disputed past due", fmt_amount(float(c["disputed_past_due_amt"].sum()), cur),
    help="Disputed items go to dispute resolution and do not move a customer's dunning stage.")

st.subheader("Dunning stages")
st.plotly_chart(charts.stage_bars(wl.stages, cur), key="stages")
table(wl.stages, f"dunning_stages_{wl.as_of}", "t_stages", cur)

st.subheader("Worklist")
f1, f2, f3 = st.columns([2, 2, 1])
stages = f1.multiselect("Stage", [s for s in wl.stages["stage"].to_list()], key="wl_stage", placeholder="All stages")
managers = f2.multiselect("Credit manager", sorted(c["credit_manager"].unique().to_list()), key="wl_manager",
                          placeholder="All managers")
top = f3.number_input("Show top", min_value=10, max_value=5000, value=200, step=50, key="wl_top")
shown = c
if stages:
    shown = shown.filter(pl.col("stage").is_in(stages))
if managers:
    shown = shown.filter(pl.col("credit_manager").is_in(managers))
st.caption(f"{fmt_int(shown.height)} customers match; the highest {min(int(top), shown.height):,} by priority are "
           "listed. Tick a row to open the credit file. Downloads hold every matching customer.")
event = table(shown.head(int(top)), f"collections_worklist_{wl.as_of}", "t_worklist", cur, height=460,
              selectable=True, download=shown)
open_customer_on_select(event, shown.head(int(top)), wl.as_of)

with st.expander("Past-due items of the listed customers (for the collectors)"):
    items = wl.items.join(shown.head(int(top)).select("customer_id"), on="customer_id", how="semi")
    table(items, f"collections_items_{wl.as_of}", "t_items", cur, height=420,
          download=lambda: wl.items.join(shown.select("customer_id"), on="customer_id", how="semi"))
