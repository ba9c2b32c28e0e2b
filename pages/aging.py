"""Receivables aging: distribution by bucket, splits, disputed items apart, trend, largest overdue."""

import streamlit as st

from analytics.app import charts
from analytics.app.ui import (
    cached_aging_split,
    cached_aging_view,
    context,
    kpi,
    open_customer_on_select,
    table,
)
from analytics.formats import fmt_amount, fmt_date, fmt_int, fmt_pct
from analytics.i18n import N_, _, ngettext
from analytics.views.receivables import SPLIT_DIMENSIONS, credits_amt, items_only, with_shown_buckets

BASES = {"due date": N_("due date"), "invoice date": N_("invoice date")}  # machine value -> words
SPLITS = {**SPLIT_DIMENSIONS, "currency": N_("Document currency")}
LEAD = {"customer": ["customer", "name"]}  # the columns that name a split's row


def important_first(frame, dim: str):
    """A split's columns as a reader wants them: the row's name, its total and overdue share,
    then the buckets (most important first, so they are on screen at 1280 pixels)."""
    lead = LEAD.get(dim, [dim])
    first = [c for c in [*lead, "total_amt", "overdue_pct", "total_doc_ccy"] if c in frame.columns]
    return frame.select(*first, *[c for c in frame.columns if c not in first])


ctx = context()
cur = ctx.currency

st.title(_("Receivables aging"))
asked = st.query_params.get("basis")
basis = st.segmented_control(
    _("Age by"), list(BASES), default=asked if asked in BASES else "due date", key="aging_basis",
    format_func=lambda b: _(BASES[b]),
    help=_("Due date: days past due (buckets from the credit policy). Invoice date: days since the invoice was "
           "issued."))
basis = basis or "due date"
if basis != "due date":
    st.query_params["basis"] = basis
elif "basis" in st.query_params:
    del st.query_params["basis"]
view = cached_aging_view(ctx.version, ctx.as_of, ctx.filters, basis == "invoice date")
st.caption(" · ".join([
    _("As of {date}").format(date=fmt_date(view.as_of)),
    _("aged by due date") if view.basis == "due date" else _("aged by invoice date"),
    _("amounts in {currency} at closing rates").format(currency=cur),
    _("all customers") if ctx.filters.is_empty else _("filtered (see sidebar)"),
]))
for note in view.notes:
    st.info(note, icon=":material/info:")

dist = view.distribution
total = view.total_amt
credits = credits_amt(dist)
first = dist.row(0, named=True)
over_90 = view.headline_trend.tail(1)
n_items = int(items_only(dist)["items"].sum())
tiles = st.columns(4)
kpi(tiles[0], _("Open AR"), fmt_amount(total, cur),
    help=_("Open items {items} less unused credits (cash on account, credit notes naming no invoice, overpayments) "
           "{credits}. Credits are first set against the customer's own open items, so nothing a credit covers is "
           "shown as due.").format(items=fmt_amount(total - credits, cur, compact=False),
                                   credits=fmt_amount(-credits, cur, compact=False)))
kpi(tiles[1], _("Not due") if view.basis == "due date" else _("Aged {bucket} days").format(bucket=first["bucket"]),
    fmt_pct(first["share_pct"]),
    help=_("Share of the open items in the first bucket (not yet due when aged by due date), credits left out."))
kpi(tiles[2], _("Over 90 days"), fmt_pct(over_90["over_90_pct"][0] if over_90.height else None),
    help=_("Open items more than 90 days past due ÷ open items (by due date, whatever the basis shown)."))
kpi(tiles[3], _("Disputed"), fmt_amount(view.disputed_amt, cur),
    help=ngettext("Open items under dispute, shown apart in the chart; {n} open item in all.",
                  "Open items under dispute, shown apart in the chart; {n} open items in all.",
                  n_items).format(n=fmt_int(n_items)))

# one above the other: side by side, the table's five columns do not fit a 1280-pixel screen
st.subheader(_("Distribution by bucket"))
st.plotly_chart(charts.aging_bars(dist, cur), key="aging_bars")  # charts put the machine labels into words
if credits < 0:
    accounts = int(dist["items"][-1])
    st.caption(ngettext(
        "Unapplied cash / credits: {amount} on {n} account in credit — money the customers have with us beyond what "
        "they owe (a credit balance is no exposure).",
        "Unapplied cash / credits: {amount} on {n} accounts in credit — money the customers have with us beyond "
        "what they owe (a credit balance is no exposure).", accounts).format(
        amount=fmt_amount(credits, cur, compact=False), n=fmt_int(accounts)))
table(with_shown_buckets(dist), f"aging_{view.as_of}", "t_aging", cur)

st.subheader(_("Split by customer dimension"))
tabs = st.tabs([_(label) for label in SPLITS.values()], key="aging_split_tab", on_change="rerun")
labels = items_only(dist)["bucket"].to_list()
for tab, dim in zip(tabs, SPLITS):
    if not tab.open:
        continue
    with tab:
        frame = cached_aging_split(ctx.version, ctx.as_of, ctx.filters, basis == "invoice date", dim)
        if frame.height == 0:
            st.info(_("No open receivables to split."))
            continue
        ordered = important_first(frame, dim)
        shown = with_shown_buckets(ordered)
        if dim == "currency":
            st.caption(_("Open items and credits in each document's own currency (not converted), as treasury "
                         "reads them; the total in {currency} is their value at the closing rate.").format(
                currency=cur))
            table(shown, f"aging_by_currency_{view.as_of}", "t_split_currency", cur)
            continue
        if dim == "customer":
            listed = min(500, shown.height)
            st.caption(ngettext(
                "The aged balance of every customer with open items or credits: its balance after credits, the "
                "buckets and the unused credits. The largest balance is shown; the downloads hold every customer. "
                "Tick a row to open the credit file.",
                "The aged balance of every customer with open items or credits: its balance after credits, the "
                "buckets and the unused credits. The {n} largest balances are shown; the downloads hold every "
                "customer. Tick a row to open the credit file.", listed).format(n=fmt_int(listed)))
            top = shown.head(500)
            event = table(top, f"aged_balance_{view.as_of}", "t_split_customer", cur, height=420, selectable=True,
                          download=shown)
            open_customer_on_select(event, top.rename({"customer": "customer_id"}), view.as_of)
            continue
        st.plotly_chart(charts.aging_split(ordered.head(25), dim, labels), key=f"split_{dim}")
        if shown.height > 25:
            st.caption(_("The chart shows the 25 largest of {n}; the table has them all.").format(
                n=fmt_int(shown.height)))
        table(shown, f"aging_by_{dim}_{view.as_of}", f"t_split_{dim}", cur)

st.subheader(_("Trend"))
c1, c2 = st.columns(2)
with c1:
    as_share = st.toggle(_("Show shares instead of amounts"), key="aging_trend_share")
    if view.trend.height:
        st.plotly_chart(charts.aging_trend(view.trend, cur, percent=as_share), key="aging_trend")
with c2:
    st.markdown("**" + _("% not due and % over 90 days past due") + "**")
    st.plotly_chart(charts.percent_lines(view.headline_trend, {"not_due_pct": _("% not due"),
                                                                "over_90_pct": _("% over 90 days past due")}),
                    key="aging_pct")
with st.expander(_("Monthly figures")):
    table(with_shown_buckets(view.trend.drop("bucket_idx")), "aging_trend", "t_aging_trend", cur)

st.subheader(_("Largest overdue customers"))
st.caption(_("Tick a row to open the customer's credit file."))
event = table(view.largest_overdue, f"largest_overdue_{view.as_of}", "t_overdue", cur, height=420, selectable=True)
open_customer_on_select(event, view.largest_overdue, view.as_of)
