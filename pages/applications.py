"""Credit applications: submit one with the customer's picture frozen in it, see the queue,
decide within your authority (four eyes), forward above it, and the decided limits with
their ERP import file."""

from datetime import timedelta

import polars as pl
import streamlit as st

from analytics.labels import in_words
from analytics.app.auth import current_actor, may
from analytics.app.decision_widgets import (whole_number, decision_table, picture_details, picture_tiles, proposal_lines,
                                            run_action, show_done, show_lines)
from analytics.app.ui import (cached_customer_search, context, fmt_date, get_policy, get_store, get_warehouse, plain,
                              table)
from analytics.i18n import N_, _
from analytics.views import InvalidRequest
from analytics.views.decisions import (CONDITION_KINDS, KINDS, LIMIT_KINDS, OUTCOMES, STATUSES, ApplicationRequest,
                                       Condition, condition_label, customer_picture, erp_limits_csv, erp_limits_file,
                                       join_sentences, kind_label, labelled_applications, level_label, opinion_label,
                                       outcome_label)

ctx = context("view_decisions")
actor = current_actor()
policy = get_policy()
store = get_store()
cur = ctx.currency
LIMIT_SCOPES = {"entity": N_("own limit"), "group": N_("group limit")}  # limit_scope values of the data
VIEWS = {"queue": N_("Awaiting decision"), "new": N_("New application"), "decided": N_("Decided"),
         "limits": N_("Decided limits")}

st.title(_("Credit applications"))
show_done()


def when(text: object) -> str:
    """A stored UTC time ('2026-12-07T18:30:12.123456+00:00') as the locale's date and the time."""
    value = str(text or "")
    return f"{fmt_date(value[:10])} {value[11:16]}".strip() if value else "—"


wanted = st.query_params.get("application")
if wanted is not None:
    app_id = whole_number(wanted)
    try:
        app = store.application(app_id) if app_id is not None else None
    except Exception:  # noqa: BLE001 - DecisionError: no such application
        app = None
    if app is None:
        st.warning(_("There is no application {id}; showing the queue.").format(id=plain(wanted)),
                   icon=":material/link_off:")
        del st.query_params["application"]
    else:
        seen_key = f"app_seen_{app_id}"
        if seen_key not in st.session_state:
            st.session_state[seen_key] = app["row_version"]
        seen = st.session_state[seen_key]
        if st.button(_("Back to the queue"), icon=":material/arrow_back:", key="app_back"):
            del st.query_params["application"]
            st.rerun()
        pic = app["picture"]
        st.subheader(plain(_("{kind}: {customer}").format(kind=kind_label(str(app["kind"])),
                                                          customer=app["customer_name"])))
        st.page_link("pages/customer.py", label=_("Credit file of {customer}").format(customer=app["customer_id"]),
                     icon=":material/badge:",
                     query_params={"customer": app["customer_id"], "as_of": ctx.as_of.isoformat()})
        if seen != app["row_version"]:
            st.warning(_("This application changed since you opened it (see its history below). Reload to act on "
                         "where it stands now."), icon=":material/sync_problem:")
            if st.button(_("Reload"), key="app_reload"):
                st.session_state[seen_key] = app["row_version"]
                st.rerun()
        st.caption(_("The customer's picture as of {date}, frozen when the application was made (warehouse "
                     "{version}).").format(date=fmt_date(app["picture_as_of"]), version=app["warehouse_version"]))
        picture_tiles(pic, cur)
        left, right = st.columns([3, 2])
        with left:
            show_lines(proposal_lines(app, cur))
        with right:
            history = store.opinions(int(app_id))
            st.markdown("**{}**".format(_("On the way")))
            if history.height:
                for r in history.iter_rows(named=True):
                    st.markdown("- " + plain(_("{when} {author} ({action}): {text}").format(
                        when=when(r["at"]), author=r["author"], action=opinion_label(r["action"]), text=r["text"])))
            else:
                st.caption(_("No notes yet."))
        made = store.decisions(application_id=int(app_id))
        if made.height:
            st.markdown("**{}**".format(_("Decisions")))
            table(decision_table(made), f"application_{app_id}_decisions", "t_app_dec", cur)
        with st.expander(_("The picture in detail"), expanded=False):
            picture_details(pic, cur)
        is_open = app["status"] in ("pending", "deferred")
        matrix = policy.authority
        try:
            level = matrix.index(str(app["required_level"]))
        except ValueError:  # a level the policy no longer has: only the committee may decide it now
            st.warning(_("The level {level} is no longer in the policy's approval chain: the application goes to the "
                         "committee.").format(level=plain(level_label(app["required_level"]))),
                       icon=":material/warning:")
            level = len(matrix.levels) - 1
        committee = level == len(matrix.levels) - 1
        mine = matrix.decider_index(actor.roles)
        if is_open and may("decide"):
            st.divider()
            if committee:
                st.info(_("This application goes to the {committee}: it is decided in a meeting, on the members' "
                          "votes (Credit committee page).").format(committee=plain(level_label(matrix.committee.name))),
                        icon=":material/groups:")
            elif app["proposed_by"] == actor.username:
                st.info(_("You proposed this application: another approver decides it (four eyes)."),
                        icon=":material/visibility:")
            elif mine < level:
                st.info(plain(_("It needs the {level}'s authority; you decide up to {own}: forward it with your view.")
                              .format(level=level_label(app["required_level"]),
                                      own=level_label(matrix.levels[mine].name) if mine >= 0 else _("no level"))),
                        icon=":material/forward:")
            else:
                st.markdown("**{}**".format(_("Decide")))
                outcome = st.radio(_("Decision"), list(OUTCOMES), format_func=outcome_label, horizontal=True,
                                   key=f"dec_outcome_{app_id}")
                chosen = []
                if outcome == "approved_with_conditions":
                    kinds = st.multiselect(_("Conditions"), list(CONDITION_KINDS), format_func=condition_label,
                                           key=f"dec_cond_kinds_{app_id}", placeholder=_("Choose conditions"))
                    for k in kinds:
                        chosen.append(Condition(k, st.text_input(_("{condition}: the terms").format(
                            condition=condition_label(k)), key=f"dec_cond_{k}_{app_id}")))
                decided_limit = None
                if app["kind"] in LIMIT_KINDS and outcome.startswith("approved"):
                    decided_limit = st.number_input(_("Limit approved ({currency})").format(currency=cur),
                                                    value=float(app["requested_limit_amt"]),
                                                    step=10_000.0, key=f"dec_limit_{app_id}",
                                                    help=_("At most the limit asked for; more needs a new application."))
                reason = st.text_area(_("Reason (required)"), key=f"dec_reason_{app_id}")
                if st.button(_("Record the decision"), type="primary", key=f"dec_go_{app_id}"):
                    amount = None if decided_limit is None or decided_limit == app["requested_limit_amt"] \
                        else float(decided_limit)
                    if run_action(lambda: store.decide(actor, int(app_id), seen, outcome, reason, tuple(chosen),
                                                       amount),
                                  _("Application {id}: {outcome}.").format(id=app_id,
                                                                           outcome=outcome_label(outcome).lower())):
                        st.session_state.pop(seen_key, None)
                        st.rerun()
            if not committee and app["proposed_by"] != actor.username:
                with st.expander(_("Forward with my view") if mine < level else _("Escalate to a higher level")):
                    note = st.text_area(_("Your view (required)"), key=f"fwd_note_{app_id}")
                    higher = [lv.name for lv in matrix.levels[level + 1:]]
                    to_level = None if mine < level else st.selectbox(_("To"), higher, format_func=level_label,
                                                                      key=f"fwd_to_{app_id}")
                    if st.button(_("Forward"), key=f"fwd_go_{app_id}"):
                        if run_action(lambda: store.forward(actor, int(app_id), seen, note, to_level),
                                      _("Application {id} forwarded.").format(id=app_id)):
                            st.session_state.pop(seen_key, None)
                            st.rerun()
        if is_open and may("apply"):
            with st.expander(_("Refresh the picture or withdraw")):
                st.caption(_("A picture older than {days} days is stale: refresh it (at the latest data, {date}) "
                             "before anyone decides.").format(days=policy.picture_valid_days,
                                                              date=fmt_date(ctx.calendar.latest)))
                if st.button(_("Refresh the picture"), key=f"app_refresh_{app_id}"):
                    def refresh() -> None:
                        fresh = customer_picture(get_warehouse(), str(app["customer_id"]), ctx.calendar.latest, policy)
                        store.refresh(actor, int(app_id), seen, fresh)
                    if run_action(refresh, _("Application {id}: picture refreshed.").format(id=app_id)):
                        st.session_state.pop(seen_key, None)
                        st.rerun()
                why = st.text_input(_("Reason for withdrawing"), key=f"app_wd_reason_{app_id}")
                if st.button(_("Withdraw"), key=f"app_wd_{app_id}"):
                    if run_action(lambda: store.withdraw(actor, int(app_id), seen, why),
                                  _("Application {id} withdrawn.").format(id=app_id)):
                        st.session_state.pop(seen_key, None)
                        st.rerun()
        st.stop()

view_param = st.query_params.get("view", "queue")
if view_param not in VIEWS:
    st.warning(_("view={view} is not a view of this page; showing the queue.").format(view=plain(view_param)),
               icon=":material/link_off:")
    view_param = "queue"
if "app_view" not in st.session_state:
    st.session_state.app_view = view_param
view = st.segmented_control(_("View"), list(VIEWS), format_func=lambda v: _(VIEWS[v]), key="app_view",
                            selection_mode="single", label_visibility="collapsed") or "queue"
if st.query_params.get("view") != view:
    st.query_params["view"] = view


def open_application(event: object, frame: pl.DataFrame) -> None:
    rows = event.selection.rows if event is not None else []  # type: ignore[attr-defined]
    if rows:
        st.query_params["application"] = str(frame["application_id"][rows[0]])
        st.rerun()


def on_day(column: str) -> pl.Expr:
    """A stored UTC time column as its date (the table shows it in the locale's form)."""
    return pl.col(column).str.slice(0, 10).str.to_date(strict=False).alias(column)


# the amounts right after the customer, then the grade and what is asked, who decides, where it stands
QUEUE_COLUMNS = ["application_id", "customer_name", "requested_limit_amt", "current_limit_amt", "authority_amt",
                 "grade", pl.col("kind_label").alias("kind"), pl.col("level_label").alias("approval_level"),
                 pl.col("status_label").alias("status"), "proposed_by", "proposed_at"]

if view == "queue":
    queue = labelled_applications(store.applications(status=("pending", "deferred")))
    mine = policy.authority.decider_index(actor.roles)
    st.caption(join_sentences([_("Open applications, newest first. Select one to open it."),
                               _("You decide up to the {level}'s authority, never your own proposals.").format(
                                   level=level_label(policy.authority.levels[mine].name))
                               if mine >= 0 else _("You cannot decide applications; approvers and the committee do.")]))
    if queue.height == 0:
        st.info(_("No application is waiting for a decision."), icon=":material/inbox:")
    else:
        shown = queue.with_columns(on_day("proposed_at")).select(QUEUE_COLUMNS)
        event = table(shown, "applications_open", "t_app_queue", cur, selectable=True)
        open_application(event, shown)
        choices = {r["application_id"]: f"{r['application_id']}: {r['kind_label']} — {r['customer_name']}"
                   for r in queue.iter_rows(named=True)}
        row = st.container(horizontal=True, vertical_alignment="bottom")
        pick = row.selectbox(_("Open an application"), list(choices), format_func=choices.get, key="app_pick")
        if row.button(_("Open"), icon=":material/open_in_new:", key="app_open"):
            st.query_params["application"] = str(pick)
            st.rerun()

elif view == "new":
    if not may("apply"):
        st.info(_("{user} may not submit applications.").format(user=plain(actor.label())), icon=":material/lock:")
        st.stop()
    search = st.text_input(_("Customer (id or part of the name)"), value=st.query_params.get("customer", ""),
                           key="new_app_search")
    matches = cached_customer_search(ctx.version, search) if search.strip() else pl.DataFrame()
    if search.strip() and matches.height == 0:
        st.warning(_("No customer matches {text}.").format(text=plain(search)), icon=":material/search_off:")
        st.stop()
    if matches.height == 0:
        st.caption(_("Type a customer ID or name to start."))
        st.stop()
    ids = matches["customer_id"].to_list()
    names = dict(zip(ids, matches["name"].to_list()))
    exact = search.strip() if search.strip() in ids else ids[0]
    customer_id = st.selectbox(_("Customer"), ids, index=ids.index(exact), format_func=lambda c: f"{c} — {names[c]}",
                               key="new_app_customer")
    try:
        picture = customer_picture(get_warehouse(), customer_id, ctx.calendar.latest, policy)
    except InvalidRequest as exc:
        st.error(plain(str(exc)), icon=":material/block:")
        st.stop()
    st.caption(_("The picture that will be frozen with the application (data as of {date}):").format(
        date=fmt_date(picture.as_of)))
    picture_tiles({"facts": picture.facts, "current_limit_amt": picture.current_limit_amt,
                   "group_limit_amt": picture.group_limit_amt, "group_exposure_amt": picture.group_exposure_amt,
                   "grade": picture.grade, "on_hold": picture.on_hold}, cur)
    wanted_kind = st.query_params.get("kind")
    kinds = list(KINDS)
    kind = st.selectbox(_("What is asked for"), kinds, format_func=kind_label, key="new_app_kind",
                        index=kinds.index(wanted_kind) if wanted_kind in kinds else
                        (kinds.index("limit_increase") if picture.current_limit_amt else 0))
    requested = terms = expires = write_off = None
    rec = picture.facts.get("limit_recommendation") or {}
    if kind in LIMIT_KINDS:
        requested = st.number_input(_("Requested limit ({currency})").format(currency=cur), min_value=None,
                                    step=10_000.0,
                                    value=float(rec.get("recommended_limit_amt") or picture.current_limit_amt or 0.0),
                                    key="new_app_limit",
                                    help=_("Pre-filled with the policy's recommended limit where it has one."))
    if kind == "temporary_limit":
        expires = st.date_input(_("Expires on"), value=ctx.calendar.latest + timedelta(days=90), key="new_app_expires",
                                format="YYYY-MM-DD")
    if kind == "terms_change":
        terms = st.number_input(_("Requested payment terms (days)"), min_value=0, max_value=365, step=15,
                                value=min(max(int(picture.current_terms_days or 30), 0), 365), key="new_app_terms")
    if kind == "write_off":
        write_off = st.number_input(_("Amount to write off ({currency})").format(currency=cur), step=1_000.0,
                                    value=float(picture.facts.get("overdue_90_amt") or 0.0), key="new_app_wo")
    effective = st.date_input(_("Effective from"), value=None, key="new_app_effective", format="YYYY-MM-DD",
                              help=_("Empty: from the day it is decided. Never earlier than today."))
    recommendation = st.text_area(_("Your recommendation (required)"), key="new_app_rec")
    cond_kinds = st.multiselect(_("Conditions you recommend"), list(CONDITION_KINDS), format_func=condition_label,
                                key="new_app_cond_kinds", placeholder=_("Choose conditions"))
    conditions = tuple(Condition(k, st.text_input(_("{condition}: the terms").format(condition=condition_label(k)),
                                                  key=f"new_app_cond_{k}"))
                       for k in cond_kinds)
    if st.button(_("Submit the application"), type="primary", key="new_app_go"):
        request = ApplicationRequest(customer_id=customer_id, kind=kind, recommendation=recommendation,
                                     requested_limit_amt=requested, requested_terms_days=None if terms is None else int(terms),
                                     expires_on=expires, write_off_amt=write_off, effective_from=effective,
                                     conditions=conditions)
        new_id = run_action(lambda: store.submit(actor, request, picture), _("Application submitted."))
        if new_id:
            app = store.application(int(new_id))  # type: ignore[arg-type]
            st.session_state["_decision_done"] = _("Application {id} submitted: it goes to the {level} "
                                                   "({reason}).").format(id=new_id,
                                                                         level=level_label(app["required_level"]),
                                                                         reason=app["routing_reason"])
            st.query_params["application"] = str(new_id)
            st.rerun()

elif view == "decided":
    done = labelled_applications(store.applications(status=tuple(s for s in STATUSES if s not in ("pending", "deferred"))))
    if done.height == 0:
        st.info(_("No application has been decided yet."), icon=":material/inbox:")
    else:
        shown = done.with_columns(on_day("decided_at")).select(
            "application_id", "customer_name", "requested_limit_amt", "current_limit_amt",
            pl.col("status_label").alias("status"), pl.col("kind_label").alias("kind"),
            pl.col("level_label").alias("approval_level"), "proposed_by", "decided_at")
        event = table(shown, "applications_decided", "t_app_done", cur, selectable=True)
        open_application(event, shown)

else:
    limits = erp_limits_file(store)
    st.caption(_("Every limit a decision put in force: the pages read them on top of the loaded limit history from "
                 "their effective date. The ERP import file keeps the `credit_limits` contract's column names, so it "
                 "also loads back into this dashboard."))
    if limits.height == 0:
        st.info(_("No decision has set a limit yet."), icon=":material/inbox:")
    else:
        shown = limits.with_columns(
            in_words(limits, "approval_level", lambda v: level_label(v) if v else ""),
            pl.col("limit_scope").replace_strict({k: _(v) for k, v in LIMIT_SCOPES.items()}, default=pl.col("limit_scope")))
        table(shown, "decided_limits", "t_dec_limits", cur)
        st.download_button(_("ERP import file (CSV)"), lambda: erp_limits_csv(store), "decided_limits_erp_import.csv",
                           "text/csv", key="t_dec_limits_erp", icon=":material/download:", on_click="ignore",
                           help=_("The `credit_limits` contract's columns, as the ERP and this dashboard load them."))
