"""Receivables aging: distribution by bucket, splits, disputed items apart, trend, largest overdue."""

import streamlit as st

from analytics.app import charts
from analytics.views.receivables import credits_amt, items_only
from analytics.app.ui import (
    cached_aging_split,
    cached_aging_view,
    context,
    fmt_amount,
    fmt_int,
    fmt_pct,
    kpi,
    open_customer_on_select,
    table,
)
from analytics.views.receivables import SPLIT_DIMENSIONS

ctx = context()
cur = ctx.currency

st.title("Receivables aging")
basis = st.segmented_control(
    "Age by", ["due date", "invoice date"], default=st.query_params.get("basis", "due date")
    if st.query_params.get("basis") in ("due date", "invoice date") else "due date", key="aging_basis",
    help="Due date: days past due (buckets from the credit policy). Invoice date: days since the invoice was issued.")
basis = basis or "due date"
if basis != "due date":
    st.query_params["basis"] = basis
elif "basis" in st.query_params:
    del st.query_params["basis"]
view = cached_aging_view(ctx.version, ctx.as_of, ctx.filters, basis == "invoice date")
st.caption(f"As of {view.as_of} · aged by {view.basis} · amounts in {cur} at closing rates · "
           + ("all customers" if ctx.filters.is_empty else "filtered (see sidebar)"))
for note in view.notes:
    st.info(note, icon=":material/info:")

dist = view.distribution
total = view.total_amt
credits = credits_amt(dist)
first = dist.row(0, named=True)
over_90 = view.headline_trend.tail(1)
tiles = st.columns(4)
kpi(tiles[0], "Open AR", fmt_amount(total, cur),
    help=f"Open items {fmt_amount(total - credits, cur, compact=False)} less unused credits (cash on account, credit "
         f"notes naming no invoice, overpayments) {fmt_amount(-credits, cur, compact=False)}. Credits are first set "
         "against the customer's own open items, so nothing a credit covers is shown as due.")
kpi(tiles[1], f"Share in '{first['bucket']}'", fmt_pct(first["share_pct"]),
    help="Share of the open items in the first bucket (not yet due when aged by due date).")
kpi(tiles[2], "Over 90 days past due", fmt_pct(over_90["over_90_pct"][0] if over_90.height else None),
    help="Open items more than 90 days past due ÷ open items (by due date, whatever the basis shown).")
kpi(tiles[3], "Disputed", fmt_amount(view.disputed_amt, cur),
    help=f"Open items under dispute, shown apart in the chart; {fmt_int(int(dist['items'].sum()))} open items in all.")

# one above the other: side by side, the table's five columns do not fit a 1280-pixel screen
st.subheader("Distribution by bucket")
st.plotly_chart(charts.aging_bars(dist, cur), key="aging_bars")
if credits < 0:
    st.caption(f"Unapplied cash / credits: {fmt_amount(credits, cur, compact=False)} on "
               f"{fmt_int(int(dist['items'][-1]))} account(s) in credit — money the customers have with us "
               "beyond what they owe (a credit balance is no exposure).")
table(dist, f"aging_{view.as_of}", "t_aging", cur)

st.subheader("Split by customer dimension")
SPLITS = {**SPLIT_DIMENSIONS, "currency": "Document currency"}
tabs = st.tabs(list(SPLITS.values()), key="aging_split_tab", on_change="rerun")
labels = items_only(dist)["bucket"].to_list()
for tab, dim in zip(tabs, SPLITS):
    if not tab.open:
        continue
    with tab:
        frame = cached_aging_split(ctx.version, ctx.as_of, ctx.filters, basis == "invoice date", dim)
        if frame.height == 0:
            st.info("No open receivables to split.")
            continue
        if dim == "currency":
            st.caption("Open items and credits in each document's own currency (not converted), as treasury reads "
                       f"them; the last column is their value in {cur} at the closing rate.")
            table(frame, f"aging_by_currency_{view.as_of}", "t_split_currency", cur)
            continue
        if dim == "customer":
            st.caption("The aged balance of every customer with open items or credits: buckets, unused credits and "
                       f"the balance after them. The {min(500, frame.height):,} largest balances are shown; the "
                       "downloads hold every customer. Tick a row to open the credit file.")
            shown = frame.head(500)
            event = table(shown, f"aged_balance_{view.as_of}", "t_split_customer", cur, height=420, selectable=True,
                          download=frame)
            open_customer_on_select(event, shown.rename({"customer": "customer_id"}), view.as_of)
            continue
        st.plotly_chart(charts.aging_split(frame.head(25), dim, labels), key=f"split_{dim}")
        if frame.height > 25:
            st.caption(f"The chart shows the 25 largest of {frame.height}; the table has them all.")
        table(frame, f"aging_by_{dim}_{view.as_of}", f"t_split_{dim}", cur)

st.subheader("Trend")
c1, c2 = st.columns(2)
with c1:
    as_share = st.toggle("Show shares instead of amounts", key="aging_trend_share")
    if view.trend.height:
        st.plotly_chart(charts.aging_trend(view.trend, cur, percent=as_share), key="aging_trend")
with c2:
    st.markdown("**% not due and % over 90 days past due**")
    st.plotly_chart(charts.percent_lines(view.headline_trend, {"not_due_pct": "% not due",
                                                                "over_90_pct": "% over 90 dpd"}), key="aging_pct")
with st.expander("Monthly figures"):
    table(view.trend, "aging_trend", "t_aging_trend", cur)

st.subheader("Largest overdue customers")
st.caption("Tick a row to open the customer's credit file.")
event = table(view.largest_overdue, f"largest_overdue_{view.as_of}", "t_overdue", cur, height=420, selectable=True)
open_customer_on_select(event, view.largest_overdue, view.as_of)
