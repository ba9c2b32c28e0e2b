"""Customer credit file: profile, limit and exposure, ratings, history, aging, payment behaviour, open items,
payments, financial statements and ratios, events, collateral and insurance, limit history; printable."""

import polars as pl
import streamlit as st

from analytics.app import charts
from analytics.app.auth import may
from analytics.app.decision_widgets import decision_table
from analytics.views import RATIO_FORMULAS
from analytics.views.receivables import bucket_items
from analytics.views.models import customer_scoring, scoring_lines, with_labels
from analytics.app.ui import (
    plain,
    cached_rating_model,
    cached_customer_limit,
    cached_customer_file,
    cached_customer_search,
    cached_present_tables,
    context,
    fmt_amount,
    fmt_pct,
    get_policy,
    get_store,
    kpi,
    optional_table,
    print_button,
    table,
)

ctx = context()
cur = ctx.currency
policy = get_policy()
st.title("Customer credit file")
wanted = st.query_params.get("customer")
if wanted:
    exact = cached_customer_search(ctx.version, wanted, 1)
    if exact.height == 0 or exact["customer_id"][0] != wanted:
        st.warning(f"Unknown customer {plain(repr(wanted))}: no customer with this id is loaded. Find one below.",
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

st.header(plain(prof["name"]))
st.caption(f"{plain(prof['customer_id'])} · as of {ctx.as_of.isoformat()} · amounts in {cur}")
print_button()

if snap is None:
    st.info("No exposure recorded for this customer at this date (not yet onboarded).")
else:
    group_line = snap["line_scope"] == "group"
    m = [*st.columns(3), *st.columns(3)]
    kpi(m[0], "Gross exposure", fmt_amount(snap["gross_exposure_amt"], cur),
        help="Open AR after credits + open orders; never below 0 (a credit balance is money we owe).")
    kpi(m[1], "Group limit" if group_line else "Credit limit",
        fmt_amount(snap["limit_amt"], cur) if snap["limit_amt"] is not None else "none",
        help="The limit in force at the as-of date: the customer's own, or the group limit it draws on.")
    kpi(m[2], "Group utilization" if group_line else "Utilization", fmt_pct(snap["utilization_pct"]),
        help="Exposure of the credit line (the whole group on a group limit) ÷ its limit.")
    kpi(m[3], "Overdue AR", fmt_amount(snap["overdue_amt"], cur),
        help="Open items past their due date, after the customer's credits were set against them.")
    kpi(m[4], "Grade · PD", f"{snap['grade']} · {snap['pd_pct']:.2f} %", help="Grade in force and its one-year PD.")
    kpi(m[5], "Net exposure", fmt_amount(snap["net_exposure_amt"], cur), help="After collateral and insured cover.")
    if group_line:
        holder = snap["line_holder_id"]
        who = "holds the group limit" if holder == choice else f"draws on the group limit of {plain(holder)}"
        line_over = max(0.0, (snap["line_exposure_amt"] or 0.0) - (snap["limit_amt"] or 0.0))
        st.info(f"This customer {who}: group exposure {fmt_amount(snap['line_exposure_amt'], cur, compact=False)} "
                f"of {fmt_amount(snap['limit_amt'], cur, compact=False)} ({fmt_pct(snap['utilization_pct'])})"
                + (f", over the limit by {fmt_amount(line_over, cur, compact=False)}." if line_over > 0 else "."),
                icon=":material/groups:")
    elif snap["over_limit_amt"] > 0:
        st.warning(f"Over limit by {fmt_amount(snap['over_limit_amt'], cur, compact=False)}.",
                   icon=":material/warning:")
    if snap["credit_balance_amt"] < 0:
        st.info(f"Credit balance: {fmt_amount(-snap['credit_balance_amt'], cur, compact=False)} on account beyond "
                "what the customer owes (cash on account, credit notes or overpayments; see Credits on account).",
                icon=":material/account_balance_wallet:")
    if snap["is_limit_expired"]:
        st.warning(f"The limit expired on {snap['limit_expires_on']}: review overdue.", icon=":material/event_busy:")

left, right = st.columns([2, 3])
with left:
    st.subheader("Profile")
    facts = {
        "Segment": prof.get("segment"),
        "Industry": prof.get("industry"),
        "Region / country": f"{prof.get('region')} / {prof.get('country')}",
        "Credit manager": prof.get("credit_manager"),
        "Payment terms": f"{prof.get('payment_terms_days')} days",
        "Registered capital": fmt_amount(prof["registered_capital"], cur) if prof.get("registered_capital")
        else "not given",
        "Legal representative": prof.get("legal_representative") or "not given",
        "Business scope": prof.get("business_scope") or "not given",
        "Established": prof.get("established_on") or "not given",
        "Customer since": prof.get("onboarded_on") or "not given",
        "Group": f"{prof.get('group_name')} ({prof.get('group_id')})",
    }
    st.markdown("\n".join(f"- **{k}:** {plain(v)}" for k, v in facts.items()))
with right:
    st.subheader("Rating history")
    if cf.ratings.height:
        st.plotly_chart(charts.grade_history(cf.ratings, list(policy.scale)), key="grades")
        table(cf.ratings, f"ratings_{choice}", "t_ratings", cur, height=200)
    else:
        st.info("This customer has no rating on or before this date." if "ratings" in present or cf.scores.height
                else "No ratings loaded, and no month-end yet for the rating model to grade.")
    if cf.group_members.height > 1:
        st.markdown(f"**Group exposure:** {fmt_amount(cf.group_members['gross_exposure_amt'].sum(), cur)} "
                    f"across {cf.group_members.height} members")
        table(cf.group_members, f"group_{prof['group_id']}", "t_group", cur)

r = cached_customer_limit(ctx.version, choice, str(prof["group_id"]), ctx.as_of)
if r is not None:
    current = fmt_amount(r["current_limit_amt"], cur, compact=False) if r["current_limit_amt"] is not None else "none"
    recommended = (fmt_amount(r["recommended_limit_amt"], cur, compact=False) if r["recommended_limit_amt"] is not None
                   else "none (it draws on its group's limit)")
    change = ("no change" if abs(r["limit_change_amt"]) < 0.005 else
              f"{'raise' if r['limit_change_amt'] > 0 else 'cut'} of "
              f"{fmt_amount(abs(r['limit_change_amt']), cur, compact=False)}, approved by the {r['approval_level']}")
    st.markdown(f"**Limit recommendation** (policy formula, grade {r['grade']}): {recommended} against {current} in "
                f"force — {change}; set by: {r['basis']}.")

if may("view_decisions"):
    decided = get_store().decisions(customer_id=choice)
    pending = get_store().applications(status=("pending", "deferred"), customer_id=choice)
    in_force = get_store().decided_limits().filter(pl.col("customer_id") == choice)
    with st.expander(f"Credit decisions ({decided.height:,} decided, {pending.height:,} open)",
                     expanded=bool(pending.height)):
        for app_row in pending.iter_rows(named=True):
            st.page_link("pages/applications.py", icon=":material/pending_actions:",
                         label=plain(f"Open: application {app_row['application_id']} ({app_row['kind'].replace('_', ' ')}), "
                                     f"awaiting the {app_row['required_level']}"),
                         query_params={"application": str(app_row["application_id"])})
        later = in_force.filter(pl.col("effective_from") > ctx.as_of)
        for lim in later.iter_rows(named=True):
            st.info(f"Decided limit {fmt_amount(lim['limit_amt'], cur, compact=False)} in force from "
                    f"{lim['effective_from']} (decision {lim['decision_id']}, {plain(lim['approval_level'])}); "
                    f"the figures at {ctx.as_of} show the limit then.", icon=":material/gavel:")
        if decided.height:
            table(decision_table(decided), f"decisions_{choice}", "t_cust_decisions", cur)
        else:
            st.caption("No decision recorded for this customer.")
        if may("apply"):
            st.page_link("pages/applications.py", label="New application for this customer", icon=":material/add:",
                         query_params={"view": "new", "customer": choice})

st.subheader("Credit scoring")
scoring = customer_scoring(cf.scores, policy, cached_rating_model(ctx.version))
if scoring.scored_at is None:
    st.info("No month-end on or before this date at which the rating models scored this customer (a customer in "
            "default is not scored: its rating is the default grade).")
else:
    st.caption(f"Each rating model's score at {scoring.scored_at}, the last month-end scored on or before this date "
               "(Credit scoring page: how each model works and how well it validates). Reasons: what costs the "
               "customer the most.")
    if scoring.override:
        st.warning(scoring.override, icon=":material/rule:")
    st.markdown("\n".join(scoring_lines(scoring)))
    table(with_labels(scoring.latest), f"scores_{choice}_{scoring.scored_at}", "t_cust_scores", cur)
    with st.expander("Grades by model, month-end by month-end"):
        table(scoring.history, f"score_history_{choice}", "t_cust_score_hist", cur, height=300)

st.subheader("Exposure against limit over time")
history = cf.history.filter(pl.col("snapshot_date") <= ctx.as_of)
if history.height:
    st.plotly_chart(charts.customer_history(history, cur), key="cust_hist")
else:
    st.info("No history for this customer up to this date.")

c1, c2 = st.columns([2, 3])
with c1:
    st.subheader("Aging of open items")
    st.plotly_chart(charts.aging_bars(bucket_items(cf.open_items, policy.bucket_upper_dpd), cur), key="cust_aging")
with c2:
    st.subheader("Payment behaviour")
    if cf.behaviour["settled_amt"].sum() > 0:
        st.plotly_chart(charts.behaviour_lines(cf.behaviour), key="behaviour")
    else:
        st.info("No invoice of this customer was settled by payment up to this date.")

st.subheader(f"Open items at {ctx.as_of.isoformat()}")
if cf.open_items.height:
    table(cf.open_items, f"open_items_{choice}_{ctx.as_of}", "t_open", cur)
else:
    st.info("No open items at this date.")

tabs = st.tabs(["Payments", "Credits on account", "Post-dated", "Financial statements", "Events",
                "Collateral and insurance", "Credit limit history", "Monthly trading"])
with tabs[0]:
    optional_table(cf.payments, "payments" in present,
                   "No payments loaded: settlement comes from the invoices' paid_date.",
                   "No payments up to this date.", f"payments_{choice}", "t_payments", cur, height=360)
with tabs[1]:
    st.caption("Cash on account, credit notes naming no invoice, advances before their invoice and overpayments at "
               "this date: together they are set against the open items, same currency first, oldest due first; "
               "what is left is the credit balance.")
    optional_table(cf.credits, True, "", "No credits on account at this date.", f"credits_{choice}", "t_credits", cur)
with tabs[2]:
    st.caption("Documents dated after the day the data was taken (post-dated cheques, documents keyed ahead): they "
               "count at no as-of date.")
    optional_table(cf.post_dated, True, "", "No document dated after the extraction date.", f"post_dated_{choice}",
                   "t_post", cur)
with tabs[3]:
    if optional_table(cf.ratios, "financials" in present, "No financial statements loaded.",
                      "No statements up to this date.", f"financials_{choice}", "t_fin", cur):
        st.caption("; ".join(f"{k.replace('_', ' ')} = {v}" for k, v in RATIO_FORMULAS.items()))
with tabs[4]:
    optional_table(cf.events, "events" in present, "No events loaded.", "No adverse events recorded up to this date.",
                   f"events_{choice}", "t_events", cur)
with tabs[5]:
    if optional_table(cf.collateral, "collateral" in present, "No collateral or insurance loaded.",
                      "No guarantee, insurance or letter of credit for this customer.", f"collateral_{choice}",
                      "t_collateral", cur):
        expiring = cf.collateral.filter(pl.col("is_valid") & (pl.col("days_to_expiry") <= 90))
        for row in expiring.iter_rows(named=True):
            st.warning(f"{row['collateral_type'].replace('_', ' ')} from {plain(row['provider'])} expires on "
                       f"{row['valid_to']} ({row['days_to_expiry']} days).", icon=":material/event_upcoming:")
with tabs[6]:
    optional_table(cf.limits, "credit_limits" in present, "No credit limits loaded.",
                   "No credit limit recorded for this customer.", f"limits_{choice}", "t_limits", cur)
with tabs[7]:
    table(cf.behaviour, f"trading_{choice}", "t_trading", cur)
