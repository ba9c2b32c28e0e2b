"""Customer credit file: profile, group, limit and exposure, history, limit history, open items."""

import streamlit as st

from analytics import charts
from analytics.ui import (
    cached_customer_file,
    cached_customer_search,
    cached_present_tables,
    context,
    fmt_amount,
    fmt_pct,
    table,
)

ctx = context()
cur = ctx.currency
st.title("Customer credit file")
wanted = st.query_params.get("customer")
if wanted:
    exact = cached_customer_search(ctx.version, wanted, 1)
    if exact.height == 0 or exact["customer_id"][0] != wanted:
        st.warning(f"Unknown customer {wanted!r}: no customer with this id is loaded. Find one below.",
                   icon=":material/person_off:")
        wanted = None
left_pick, right_pick = st.columns([1, 2])
text = left_pick.text_input("Find a customer", placeholder="Name or id, e.g. Logistics or C000123")
found = cached_customer_search(ctx.version, text)
if wanted and wanted not in found["customer_id"].to_list():
    found = cached_customer_search(ctx.version, wanted, 1).vstack(found)
ids = found["customer_id"].to_list()
labels = dict(zip(ids, found["label"].to_list()))
choice = right_pick.selectbox(
    f"Customer ({len(ids)} match{'es' if len(ids) != 1 else ''}{', first 50 shown' if len(ids) >= 50 else ''})",
    ids, index=ids.index(wanted) if wanted in ids else None, format_func=lambda c: labels.get(c, c),
    placeholder="Pick from the matches")
if choice is None:
    st.info("Find and pick a customer, or open one from any table of the other pages.", icon=":material/search:")
    st.stop()
if st.query_params.get("customer") != choice:
    st.query_params["customer"] = choice

cf = cached_customer_file(ctx.version, choice, ctx.as_of)
prof, snap = cf.profile, cf.snapshot
present = cached_present_tables(ctx.version)

st.header(f"{prof['name']}")
st.caption(f"{prof['customer_id']} · as of {ctx.as_of.isoformat()} · amounts in {cur}")

left, right = st.columns([2, 3])
with left:
    st.subheader("Profile")
    facts = {
        "Segment": prof.get("segment"),
        "Industry": prof.get("industry"),
        "Region / country": f"{prof.get('region')} / {prof.get('country')}",
        "Credit manager": prof.get("credit_manager"),
        "Payment terms": f"{prof.get('payment_terms_days')} days",
        "Registered capital": fmt_amount(prof["registered_capital"], cur) if prof.get("registered_capital") else "not given",
        "Legal representative": prof.get("legal_representative") or "not given",
        "Business scope": prof.get("business_scope") or "not given",
        "Established": prof.get("established_on") or "not given",
        "Customer since": prof.get("onboarded_on") or "not given",
        "Group": f"{prof.get('group_name')} ({prof.get('group_id')})",
    }
    st.markdown("\n".join(f"- **{k}:** {v}" for k, v in facts.items()))
with right:
    st.subheader("Limit and exposure")
    if snap is None:
        st.info("No exposure recorded for this customer at this date (not yet onboarded).")
    else:
        m = st.columns(3)
        m[0].metric("Gross exposure", fmt_amount(snap["gross_exposure_amt"], cur), border=True,
                    help="Open AR + open orders.")
        m[1].metric("Credit limit", fmt_amount(snap["limit_amt"], cur) if snap["limit_amt"] is not None else "none",
                    border=True, help="Limit in force at the as-of date.")
        m[2].metric("Utilization", fmt_pct(snap["utilization_pct"]), border=True)
        m = st.columns(3)
        m[0].metric("Overdue AR", fmt_amount(snap["overdue_amt"], cur), border=True)
        m[1].metric("Grade / PD", f"{snap['grade']} · {snap['pd_pct']:.2f} %", border=True)
        m[2].metric("Net exposure", fmt_amount(snap["net_exposure_amt"], cur), border=True,
                    help="After collateral and insured cover.")
        if snap["over_limit_amt"] > 0:
            st.error(f"Over limit by {fmt_amount(snap['over_limit_amt'], cur, compact=False)}.",
                     icon=":material/warning:")
        if snap["is_limit_expired"]:
            st.warning(f"The limit expired on {snap['limit_expires_on']}: review overdue.", icon=":material/event_busy:")
    if cf.group_members.height > 1:
        st.markdown(f"**Group exposure:** {fmt_amount(cf.group_members['gross_exposure_amt'].sum(), cur)} "
                    f"across {cf.group_members.height} members")
        table(cf.group_members, f"group_{prof['group_id']}", "t_group", cur)

st.subheader("Exposure against limit over time")
if cf.history.height:
    st.plotly_chart(charts.customer_history(cf.history, cur), key="cust_hist")
else:
    st.info("No history for this customer.")

st.subheader(f"Open items at {ctx.as_of.isoformat()}")
if cf.open_items.height:
    table(cf.open_items, f"open_items_{choice}_{ctx.as_of}", "t_open", cur)
else:
    st.info("No open items at this date.")

st.subheader("Credit limit history")
if "credit_limits" not in present:
    st.info("No credit limits loaded.")
elif cf.limits.height:
    table(cf.limits, f"limits_{choice}", "t_limits", cur)
else:
    st.info("No credit limit recorded for this customer.")
