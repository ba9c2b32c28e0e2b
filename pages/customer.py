"""Customer credit file: profile, limit and exposure, ratings, history, aging, payment behaviour, open items,
payments, financial statements and ratios, events, collateral and insurance, limit history; printable."""

import polars as pl
import streamlit as st

from analytics.app import charts
from analytics.app.auth import may
from analytics.app.decision_widgets import decision_table
from analytics.i18n import _, ngettext
from analytics.labels import label
from analytics.views import RATIO_FORMULAS, CustomerSearch, customer_search
from analytics.views.decisions import kind_label, level_label
from analytics.views.receivables import bucket_items
from analytics.views.models import customer_scoring, scoring_lines, with_labels
from analytics.app.ui import (
    MISSING,
    plain,
    cached_rating_model,
    cached_customer_limit,
    cached_customer_file,
    cached_present_tables,
    context,
    fmt_amount,
    fmt_date,
    fmt_days,
    fmt_int,
    fmt_pct,
    fmt_pd,
    get_policy,
    get_store,
    get_warehouse,
    kpi,
    optional_table,
    print_button,
    table,
)

SEARCH_ROWS = 50  # the picker lists this many matches at most; the caption gives their true number
SEARCH_KEY = "cust_find"
SEARCHED_KEY = "cust_find_opened"  # the search text whose exact id was last opened


@st.cache_data(show_spinner=False, max_entries=64)
def search_customers(version: str, text: str) -> CustomerSearch:
    """The picker's matches, their true number and the exact id (cached per warehouse version)."""
    return customer_search(get_warehouse(), text, SEARCH_ROWS)


def given(value: object) -> str:
    """A profile fact as the reader sees it: "not given" for a missing one."""
    return _("not given") if value is None or value == "" else str(value)


ctx = context()
cur = ctx.currency
policy = get_policy()
st.title(_("Customer credit file"))
wanted = st.query_params.get("customer")
if wanted:
    exact_id = search_customers(ctx.version, wanted).exact_id
    if exact_id is None:
        st.warning(_("Unknown customer {customer}: no customer with this id is loaded. Find one below.").format(
            customer=plain(repr(wanted))), icon=":material/person_off:")
        wanted = None
    else:
        wanted = exact_id  # 'c000123' in a link opens C000123
left_pick, right_pick = st.columns([1, 2])
text = left_pick.text_input(_("Find a customer"), key=SEARCH_KEY,
                            placeholder=_("Name or id, e.g. Logistics or C000123"),
                            help=_("Part of a name or an id; Enter on a whole customer id opens its credit file."))
search = search_customers(ctx.version, text)
if not search.text:
    st.session_state[SEARCHED_KEY] = ""
elif search.exact_id is not None and st.session_state.get(SEARCHED_KEY) != search.text:
    # the text just entered is a customer id: open that file, even if other ids contain it
    wanted = search.exact_id
    st.session_state[SEARCHED_KEY] = search.text
found = search.matches
if wanted and wanted not in found["customer_id"].to_list():
    own = search_customers(ctx.version, wanted).matches.filter(pl.col("customer_id") == wanted)
    found = own.vstack(found)
ids = found["customer_id"].to_list()
labels = dict(zip(ids, found["label"].to_list()))
choice = right_pick.selectbox(
    _("Customer"), ids, index=ids.index(wanted) if wanted in ids else None, format_func=lambda c: labels.get(c, c),
    placeholder=_("Pick from the matches"))
shown_n, total = search.matches.height, search.total
if not search.text:
    count = ngettext("{shown} of {n} customer shown, by name", "{shown} of {n} customers shown, by name",
                     total).format(shown=fmt_int(shown_n), n=fmt_int(total))
elif search.is_capped:
    count = ngettext("{shown} of {n} match shown", "{shown} of {n} matches shown", total).format(
        shown=fmt_int(shown_n), n=fmt_int(total))
else:
    count = ngettext("{n} match", "{n} matches", total).format(n=fmt_int(total))
right_pick.caption(count)
if choice is None:
    st.info(_("Find and pick a customer, or open one from any table of the other pages."), icon=":material/search:")
    st.stop()
if st.query_params.get("customer") != choice:
    st.query_params["customer"] = choice

cf = cached_customer_file(ctx.version, choice, ctx.as_of)
prof, snap = cf.profile, cf.snapshot
present = cached_present_tables(ctx.version)

st.header(plain(prof["name"]))
st.caption(_("{customer} · as of {date} · amounts in {currency}").format(
    customer=plain(prof["customer_id"]), date=fmt_date(ctx.as_of), currency=cur))
print_button()

if snap is None:
    st.info(_("No exposure recorded for this customer at this date (not yet onboarded)."))
else:
    group_line = snap["line_scope"] == "group"
    m = [*st.columns(3), *st.columns(3)]  # three a row: amounts in full words fit a projector's 1280 px
    kpi(m[0], _("Gross exposure"), fmt_amount(snap["gross_exposure_amt"], cur),
        help=_("Open AR after credits + open orders; never below 0 (a credit balance is money we owe)."))
    kpi(m[1], _("Group limit") if group_line else _("Credit limit"),
        fmt_amount(snap["limit_amt"], cur) if snap["limit_amt"] is not None else _("none"),
        help=_("The limit in force at the as-of date: the customer's own, or the group limit it draws on."))
    kpi(m[2], _("Group utilization") if group_line else _("Utilization"), fmt_pct(snap["utilization_pct"]),
        help=_("Exposure of the credit line (the whole group on a group limit) ÷ its limit."))
    kpi(m[3], _("Overdue AR"), fmt_amount(snap["overdue_amt"], cur),
        help=_("Open items past their due date, after the customer's credits were set against them."))
    kpi(m[4], _("Grade · PD"), f"{snap['grade'] or MISSING} · {fmt_pd(snap['pd_pct'])}",
        help=_("Grade in force and its one-year PD."))
    kpi(m[5], _("Net exposure"), fmt_amount(snap["net_exposure_amt"], cur),
        help=_("After collateral and insured cover."))
    if group_line:
        holder = snap["line_holder_id"]
        line_over = max(0.0, (snap["line_exposure_amt"] or 0.0) - (snap["limit_amt"] or 0.0))
        values = dict(exposure=fmt_amount(snap["line_exposure_amt"], cur, compact=False),
                      limit=fmt_amount(snap["limit_amt"], cur, compact=False),
                      utilization=fmt_pct(snap["utilization_pct"]), over=fmt_amount(line_over, cur, compact=False),
                      holder=plain(holder))
        if holder == choice:
            text_line = (_("This customer holds the group limit: group exposure {exposure} of {limit} "
                           "({utilization}), over the limit by {over}.") if line_over > 0 else
                         _("This customer holds the group limit: group exposure {exposure} of {limit} "
                           "({utilization})."))
        else:
            text_line = (_("This customer draws on the group limit of {holder}: group exposure {exposure} of {limit} "
                           "({utilization}), over the limit by {over}.") if line_over > 0 else
                         _("This customer draws on the group limit of {holder}: group exposure {exposure} of {limit} "
                           "({utilization})."))
        st.info(text_line.format(**values), icon=":material/groups:")
    elif snap["over_limit_amt"] > 0:
        st.warning(_("Over limit by {amount}.").format(amount=fmt_amount(snap["over_limit_amt"], cur, compact=False)),
                   icon=":material/warning:")
    if snap["credit_balance_amt"] < 0:
        st.info(_("Credit balance: {amount} on account beyond what the customer owes (cash on account, credit notes "
                  "or overpayments; see Credits on account).").format(
            amount=fmt_amount(-snap["credit_balance_amt"], cur, compact=False)),
            icon=":material/account_balance_wallet:")
    if snap["is_limit_expired"]:
        st.warning(_("The limit expired on {date}: review overdue.").format(date=fmt_date(snap["limit_expires_on"])),
                   icon=":material/event_busy:")

left, right = st.columns([2, 3])
with left:
    st.subheader(_("Profile"))
    terms = prof.get("payment_terms_days")
    facts = {
        _("Segment"): given(prof.get("segment")),
        _("Industry"): given(prof.get("industry")),
        _("Region / country"): _("{region} / {country}").format(region=given(prof.get("region")),
                                                                country=given(prof.get("country"))),
        _("Credit manager"): given(prof.get("credit_manager")),
        _("Payment terms"): fmt_days(terms, not_due=False) if terms is not None else given(None),
        _("Registered capital"): fmt_amount(prof["registered_capital"], cur) if prof.get("registered_capital")
        else given(None),
        _("Legal representative"): given(prof.get("legal_representative")),
        _("Business scope"): given(prof.get("business_scope")),
        _("Established"): fmt_date(prof["established_on"]) if prof.get("established_on") else given(None),
        _("Customer since"): fmt_date(prof["onboarded_on"]) if prof.get("onboarded_on") else given(None),
        _("Group"): _("{group} ({group_id})").format(group=given(prof.get("group_name")),
                                                     group_id=given(prof.get("group_id"))),
    }
    st.markdown("\n".join(_("- **{fact}:** {value}").format(fact=k, value=plain(v)) for k, v in facts.items()))
with right:
    st.subheader(_("Rating history"))
    if cf.ratings.height:
        st.plotly_chart(charts.grade_history(cf.ratings, list(policy.scale)), key="grades")
        table(cf.ratings, f"ratings_{choice}", "t_ratings", cur, height=200)
    else:
        st.info(_("This customer has no rating on or before this date.") if "ratings" in present or cf.scores.height
                else _("No ratings loaded, and no month-end yet for the rating model to grade."))
    if cf.group_members.height > 1:
        members = cf.group_members.height
        st.markdown(ngettext("**Group exposure:** {amount} across {n} member",
                             "**Group exposure:** {amount} across {n} members", members).format(
            amount=fmt_amount(cf.group_members["gross_exposure_amt"].sum(), cur), n=fmt_int(members)))
        table(cf.group_members, f"group_{prof['group_id']}", "t_group", cur)

r = cached_customer_limit(ctx.version, choice, str(prof["group_id"]), ctx.as_of)
if r is not None:
    current = fmt_amount(r["current_limit_amt"], cur, compact=False) if r["current_limit_amt"] is not None \
        else _("none")
    recommended = (fmt_amount(r["recommended_limit_amt"], cur, compact=False) if r["recommended_limit_amt"] is not None
                   else _("none (it draws on its group's limit)"))
    basis = str(r["basis"])  # the engine's basis name (catalogued where it is defined)
    values = dict(grade=r["grade"] or MISSING, recommended=recommended, current=current, basis=_(basis),
                  amount=fmt_amount(abs(r["limit_change_amt"]), cur, compact=False),
                  level=level_label(r["approval_level"]))
    if abs(r["limit_change_amt"]) < 0.005:
        line = _("**Limit recommendation** (policy formula, grade {grade}): {recommended} against {current} in force "
                 "— no change; set by: {basis}.")
    elif r["limit_change_amt"] > 0:
        line = _("**Limit recommendation** (policy formula, grade {grade}): {recommended} against {current} in force "
                 "— a raise of {amount}, approved by the {level}; set by: {basis}.")
    else:
        line = _("**Limit recommendation** (policy formula, grade {grade}): {recommended} against {current} in force "
                 "— a cut of {amount}, approved by the {level}; set by: {basis}.")
    st.markdown(line.format(**values))

if may("view_decisions"):
    decided = get_store().decisions(customer_id=choice)
    pending = get_store().applications(status=("pending", "deferred"), customer_id=choice)
    in_force = get_store().decided_limits().filter(pl.col("customer_id") == choice)
    with st.expander(_("Credit decisions ({decided} decided, {open} open)").format(
            decided=fmt_int(decided.height), open=fmt_int(pending.height)), expanded=bool(pending.height)):
        for app_row in pending.iter_rows(named=True):
            st.page_link("pages/applications.py", icon=":material/pending_actions:",
                         label=plain(_("Open: application {id} ({kind}), awaiting the {level}").format(
                             id=app_row["application_id"], kind=kind_label(app_row["kind"]),
                             level=level_label(app_row["required_level"]))),
                         query_params={"application": str(app_row["application_id"])})
        later = in_force.filter(pl.col("effective_from") > ctx.as_of)
        for lim in later.iter_rows(named=True):
            st.info(_("Decided limit {amount} in force from {date} (decision {decision}, {level}); the figures at "
                      "{as_of} show the limit then.").format(
                amount=fmt_amount(lim["limit_amt"], cur, compact=False), date=fmt_date(lim["effective_from"]),
                decision=lim["decision_id"], level=plain(level_label(lim["approval_level"])),
                as_of=fmt_date(ctx.as_of)), icon=":material/gavel:")
        if decided.height:
            table(decision_table(decided), f"decisions_{choice}", "t_cust_decisions", cur)
        else:
            st.caption(_("No decision recorded for this customer."))
        if may("apply"):
            st.page_link("pages/applications.py", label=_("New application for this customer"), icon=":material/add:",
                         query_params={"view": "new", "customer": choice})

st.subheader(_("Credit scoring"))
scoring = customer_scoring(cf.scores, policy, cached_rating_model(ctx.version))
if scoring.scored_at is None:
    st.info(_("No month-end on or before this date at which the rating models scored this customer (a customer in "
              "default is not scored: its rating is the default grade)."))
else:
    st.caption(_("Each rating model's score at {date}, the last month-end scored on or before this date (Credit "
                 "scoring page: how each model works and how well it validates). Reasons: what costs the customer the "
                 "most.").format(date=fmt_date(scoring.scored_at)))
    if scoring.override:
        st.warning(scoring.override, icon=":material/rule:")
    st.markdown("\n".join(scoring_lines(scoring)))
    table(with_labels(scoring.latest), f"scores_{choice}_{scoring.scored_at}", "t_cust_scores", cur)
    with st.expander(_("Grades by model, month-end by month-end")):
        table(scoring.history, f"score_history_{choice}", "t_cust_score_hist", cur, height=300)

st.subheader(_("Exposure against limit over time"))
history = cf.history.filter(pl.col("snapshot_date") <= ctx.as_of)
if history.height:
    st.plotly_chart(charts.customer_history(history, cur), key="cust_hist")
else:
    st.info(_("No history for this customer up to this date."))

c1, c2 = st.columns([2, 3])
with c1:
    st.subheader(_("Aging of open items"))
    st.plotly_chart(charts.aging_bars(bucket_items(cf.open_items, policy.bucket_upper_dpd), cur), key="cust_aging")
with c2:
    st.subheader(_("Payment behaviour"))
    if cf.behaviour["settled_amt"].sum() > 0:
        st.plotly_chart(charts.behaviour_lines(cf.behaviour), key="behaviour")
    else:
        st.info(_("No invoice of this customer was settled by payment up to this date."))

st.subheader(_("Open items at {date}").format(date=fmt_date(ctx.as_of)))
if cf.open_items.height:
    table(cf.open_items, f"open_items_{choice}_{ctx.as_of}", "t_open", cur)
else:
    st.info(_("No open items at this date."))

tabs = st.tabs([_("Payments"), _("Credits on account"), _("Post-dated"), _("Financial statements"), _("Events"),
                _("Collateral and insurance"), _("Credit limit history"), _("Monthly trading")])
with tabs[0]:
    optional_table(cf.payments, "payments" in present,
                   _("No payments loaded: settlement comes from the invoices' `paid_date`."),
                   _("No payments up to this date."), f"payments_{choice}", "t_payments", cur, height=360)
with tabs[1]:
    st.caption(_("Cash on account, credit notes naming no invoice, advances before their invoice and overpayments at "
                 "this date: together they are set against the open items, same currency first, oldest due first; "
                 "what is left is the credit balance."))
    optional_table(cf.credits, True, "", _("No credits on account at this date."), f"credits_{choice}", "t_credits",
                   cur)
with tabs[2]:
    st.caption(_("Documents dated after the day the data was taken (post-dated cheques, documents keyed ahead): they "
                 "count at no as-of date."))
    optional_table(cf.post_dated, True, "", _("No document dated after the extraction date."), f"post_dated_{choice}",
                   "t_post", cur)
with tabs[3]:
    if optional_table(cf.ratios, "financials" in present, _("No financial statements loaded."),
                      _("No statements up to this date."), f"financials_{choice}", "t_fin", cur):
        st.caption(_("; ").join(_("{ratio} = {formula}").format(ratio=label(k, unit=False), formula=_(v))
                                for k, v in RATIO_FORMULAS.items()))
with tabs[4]:
    optional_table(cf.events, "events" in present, _("No events loaded."),
                   _("No adverse events recorded up to this date."), f"events_{choice}", "t_events", cur)
with tabs[5]:
    if optional_table(cf.collateral, "collateral" in present, _("No collateral or insurance loaded."),
                      _("No guarantee, insurance or letter of credit for this customer."), f"collateral_{choice}",
                      "t_collateral", cur):
        expiring = cf.collateral.filter(pl.col("is_valid") & (pl.col("days_to_expiry") <= 90))
        for row in expiring.iter_rows(named=True):
            st.warning(_("{cover} from {provider} expires on {date} ({days}).").format(
                cover=plain(given(row["collateral_type"]).replace("_", " ")), provider=plain(given(row["provider"])),
                date=fmt_date(row["valid_to"]), days=fmt_days(row["days_to_expiry"], not_due=False)),
                icon=":material/event_upcoming:")
with tabs[6]:
    optional_table(cf.limits, "credit_limits" in present, _("No credit limits loaded."),
                   _("No credit limit recorded for this customer."), f"limits_{choice}", "t_limits", cur)
with tabs[7]:
    table(cf.behaviour, f"trading_{choice}", "t_trading", cur)
