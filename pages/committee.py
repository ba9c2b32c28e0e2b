"""The credit committee: meetings and their agenda (proposed by the policy, then reordered,
added to and pruned by the secretary), the members' votes, the decisions recorded on them,
the minutes, the pack (PDF, XLSX), and present mode for the shared screen (?present=1)."""

from datetime import date, timedelta

import polars as pl
import streamlit as st

from analytics.app import charts
from analytics.app.auth import current_actor, may
from analytics.app.decision_widgets import (whole_number, decision_table, picture_tiles, proposal_lines, run_action,
                                            show_done, show_lines)
from analytics.app.ui import context, fmt_amount, fmt_date, fmt_int, get_policy, get_store, get_warehouse, kpi, plain, table
from analytics.formats import fmt_pct
from analytics.i18n import N_, _
from analytics.labels import label
from analytics.views.decisions import (AGENDA_KINDS, CONDITION_KINDS, OUTCOMES, STATUSES, VOTES, Condition,
                                       agenda_kind_label, agenda_source_label, committee_pack, condition_label,
                                       decision_words, kind_label, level_label, minutes, outcome_label,
                                       pack_pdf_unavailable, picture_record, propose_agenda, translated, vote_label)

ctx = context("view_decisions")
actor = current_actor()
policy = get_policy()
store = get_store()
cur = ctx.currency
runs = may("run_meetings")
votes_allowed = may("vote")
MEETING_STATUSES = {"planned": N_("open"), "closed": N_("closed")}  # a meeting's status in words
show_done()


meeting_param = st.query_params.get("meeting")
meeting_id = whole_number(meeting_param)
meeting = None
if meeting_param is not None:
    try:
        meeting = store.meeting(meeting_id) if meeting_id is not None else None
    except Exception:  # noqa: BLE001 - DecisionError: no such meeting
        meeting = None
    if meeting is None:
        st.warning(_("There is no meeting {id}; showing the list of meetings.").format(id=plain(meeting_param)),
                   icon=":material/link_off:")
        for key in ("meeting", "present", "item"):
            st.query_params.pop(key, None)
        meeting_id = None


def meeting_status(status: object) -> str:
    return _(MEETING_STATUSES[str(status)]) if str(status) in MEETING_STATUSES else str(status)


@st.cache_data(show_spinner=False, max_entries=64)
def live_picture(version: str, customer_id: str, as_of: date) -> dict:
    """A customer's picture at the meeting's data date (for items that are not applications)."""
    return picture_record(get_warehouse(), customer_id, as_of, get_policy())


def item_picture(item: dict, as_of: date) -> dict | None:
    if item["application_id"] is not None:
        return store.application(int(item["application_id"]))["picture"]
    if item["customer_id"]:
        try:
            return live_picture(ctx.version, str(item["customer_id"]), as_of)
        except Exception:  # noqa: BLE001 - a customer no longer in the data
            return None
    return None


def vote_panel(item: dict, key: str) -> None:
    """A member's own vote on an application item."""
    app_id = int(item["application_id"])
    app = store.application(app_id)
    if app["status"] not in ("pending", "deferred") or meeting["status"] == "closed":  # type: ignore[index]
        return
    if app["proposed_by"] == actor.username:
        st.caption(_("You proposed this application: you do not vote on it."))
        return
    mine = store.votes(meeting_id, app_id).filter(pl.col("member") == actor.username)  # type: ignore[arg-type]
    current = mine["vote"][0] if mine.height else None
    choice = st.segmented_control(_("My vote"), list(VOTES), format_func=vote_label, key=f"{key}_vote",
                                  default=current, selection_mode="single")
    comment = st.text_input(_("Comment (optional)"), key=f"{key}_vote_comment")
    if st.button(_("Cast my vote") if current is None else _("Change my vote"), key=f"{key}_vote_go"):
        if choice is None:
            st.error(_("Choose For, Against or Abstain first."), icon=":material/block:")
        elif run_action(lambda: store.cast_vote(actor, meeting_id, app_id, choice, comment),  # type: ignore[arg-type]
                        _("Your vote on application {id}: {vote}.").format(id=app_id, vote=vote_label(choice))):
            st.rerun()


def decide_panel(item: dict, key: str) -> None:
    """Whoever runs the meeting records the committee's decision on the votes."""
    app_id = int(item["application_id"])
    app = store.application(app_id)
    if app["status"] not in ("pending", "deferred") or meeting["status"] == "closed":  # type: ignore[index]
        made = store.decisions(application_id=app_id)
        if made.height:
            st.success(plain(decision_words(made.row(0, named=True), cur)), icon=":material/gavel:")
        return
    level = level_of(app)
    if level < len(policy.authority.levels) - 1:
        st.caption(plain(_("This application is within the {level}'s authority: decided on the Credit applications "
                           "page, or escalated to the committee there.").format(
            level=level_label(app["required_level"]))))
        return
    outcome = st.radio(_("Committee decision"), list(OUTCOMES), format_func=outcome_label, horizontal=True,
                       key=f"{key}_outcome")
    chosen = []
    if outcome == "approved_with_conditions":
        kinds = st.multiselect(_("Conditions"), list(CONDITION_KINDS), format_func=condition_label,
                               key=f"{key}_cond_kinds", placeholder=_("Choose conditions"))
        chosen = [Condition(k, st.text_input(_("{condition}: the terms").format(condition=condition_label(k)),
                                             key=f"{key}_cond_{k}"))
                  for k in kinds]
    reason = st.text_area(_("Reason (required)"), key=f"{key}_reason")
    seen_key = f"mtg_seen_{app_id}"  # the version shown: a change since (a refresh, a decision) is refused
    if seen_key not in st.session_state:
        st.session_state[seen_key] = app["row_version"]
    if st.button(_("Record the committee's decision"), type="primary", key=f"{key}_decide"):
        if run_action(lambda: store.decide(actor, app_id, int(st.session_state[seen_key]), outcome, reason,
                                           tuple(chosen), meeting_id=meeting_id),
                      _("Application {id}: {outcome} by the committee.").format(
                          id=app_id, outcome=outcome_label(outcome).lower())):
            st.session_state.pop(seen_key, None)
            st.rerun()


def level_of(app: dict) -> int:
    """The application's level on the current policy's chain (a level the policy no longer
    has counts as the committee's: only the committee may decide it)."""
    try:
        return policy.authority.index(str(app["required_level"]))
    except ValueError:
        return len(policy.authority.levels) - 1


def tally_line(item: dict) -> str:
    t = store.tally(meeting_id, int(item["application_id"]))  # type: ignore[arg-type]
    values = {"votes": t.words(), "quorum": fmt_int(policy.committee.quorum),
              "majority": fmt_pct(policy.committee.majority_pct, 0)}
    if t.carried == "approve":
        return _("Votes: {votes} — the votes carry an approval (quorum {quorum}, majority over {majority}).").format(
            **values)
    if t.carried == "decline":
        return _("Votes: {votes} — the votes carry a decline (quorum {quorum}, majority over {majority}).").format(
            **values)
    return _("Votes: {votes} — no decision carried yet (quorum {quorum}, majority over {majority}).").format(**values)


def notes_panel(item: dict, key: str) -> None:
    with st.expander(_("Minutes of this item"), expanded=bool(item["discussion"] or item["action_text"])):
        if not runs or meeting["status"] == "closed":  # type: ignore[index]
            st.markdown(plain(item["discussion"] or _("No discussion noted.")))
            if item["action_text"]:
                owner = item["action_owner"] or "—"
                text = (_("Action: {action} — {owner}, due {date}") if item["action_due"] else
                        _("Action: {action} — {owner}")).format(action=item["action_text"], owner=owner,
                                                               date=fmt_date(item["action_due"]))
                st.markdown(plain(text))
            return
        discussion = st.text_area(_("Discussion"), value=item["discussion"], key=f"{key}_disc")
        action = st.text_input(_("Action agreed"), value=item["action_text"], key=f"{key}_act")
        owner = st.text_input(_("Owner"), value=item["action_owner"] or "", key=f"{key}_owner")
        due = st.date_input(_("Due"), value=item["action_due"], key=f"{key}_due", format="YYYY-MM-DD")
        if st.button(_("Save the minutes of this item"), key=f"{key}_save"):
            if run_action(lambda: store.note_item(actor, int(item["item_id"]), discussion, action, owner or None, due),
                          _("Minutes saved.")):
                st.rerun()


# ----------------------------------------------------------------------------- present mode

PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"] { display: none !important; }
[data-testid="stMain"] { margin-left: 0 !important; }
[data-testid="stMainBlockContainer"] { padding: 1rem 2rem !important; max-width: 100% !important; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.25rem; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p, [data-testid="stMetricValue"] div {
  font-size: 2.3rem !important; line-height: 1.2 !important; }
[data-testid="stMetricLabel"] p { font-size: 1.1rem !important; }
[data-testid="stCaptionContainer"] p { font-size: 1.05rem !important; }
h1 { font-size: 2.2rem !important; }
</style>
"""

if meeting is not None and st.query_params.get("present") is not None:
    if st.query_params.get("present") != "1":
        st.warning(_("present={value}: use present=1.").format(value=plain(st.query_params.get("present"))),
                   icon=":material/link_off:")
    st.html(PRESENT_CSS)
    items = store.agenda(meeting_id)  # type: ignore[arg-type]
    total = items.height
    wanted = whole_number(st.query_params.get("item", "1"))
    if wanted is None or not 1 <= wanted <= total + 1:
        st.warning(_("item={value} is not an item of this agenda (1 to {total}); showing the first.").format(
            value=plain(st.query_params.get("item")), total=total), icon=":material/link_off:")
        wanted = 1
    position = wanted

    def go(to: int) -> None:
        st.query_params["item"] = str(to)

    nav = st.container(horizontal=True, vertical_alignment="center")
    nav.button(_("Previous"), icon=":material/arrow_back:", shortcut="ArrowLeft", disabled=position <= 1,
               on_click=go, args=(position - 1,), key="present_prev")
    nav.button(_("Next"), icon=":material/arrow_forward:", shortcut="ArrowRight", disabled=position > total,
               on_click=go, args=(position + 1,), key="present_next")
    position_text = _("summary") if position > total else _("item {position} of {total}").format(position=position,
                                                                                          total=total)
    nav.markdown(f"**{plain(meeting['title'])}** · {plain(fmt_date(meeting['meeting_on']))} · {plain(position_text)}",
                 width="stretch")
    nav.button(_("Leave"), icon=":material/close:", key="present_leave",
               on_click=lambda: st.query_params.pop("present", None))
    if position > total:
        st.title(_("Summary"))
        rows = []
        decided = store.decisions().filter(pl.col("meeting_id") == meeting_id)
        decided_count = 0
        for item in items.iter_rows(named=True):
            outcome = "—"
            if item["application_id"] is not None:
                d = decided.filter(pl.col("application_id") == item["application_id"])
                decided_count += bool(d.height)
                outcome = outcome_label(d["outcome"][0]) if d.height else _("not decided")
            rows.append({"position": item["position"], "item": item["title"], "decision": outcome,
                         "kind": agenda_kind_label(item["kind"]), "action": item["action_text"] or "—",
                         "owner": item["action_owner"] or "—"})
        cols = st.columns(3)
        kpi(cols[0], _("Agenda items"), fmt_int(total))
        kpi(cols[1], _("Decisions"), fmt_int(decided_count))
        kpi(cols[2], _("Actions"), fmt_int(sum(r["action"] != "—" for r in rows)))
        summary = pl.DataFrame(rows, schema={c: pl.Int64 if c == "position" else pl.String
                                             for c in ("position", "item", "decision", "kind", "action", "owner")})
        st.dataframe(summary.to_arrow(), hide_index=True, key="present_summary", placeholder="",
                     column_config={c: st.column_config.Column(label(c)) for c in summary.columns})
        st.stop()
    item = items.row(position - 1, named=True)
    st.title(plain(item["title"]))
    st.caption(plain(_("{kind}: {reason}").format(kind=agenda_kind_label(item["kind"]), reason=item["reason"])
                     if item["reason"] else agenda_kind_label(item["kind"])))
    picture = item_picture(item, meeting["data_as_of"])  # type: ignore[arg-type]
    if picture is not None:
        picture_tiles(picture, cur, columns=4)
    left, right = st.columns([3, 2])
    with left:
        if item["application_id"] is not None:
            app = store.application(int(item["application_id"]))
            proposed = _("Proposed")
            show_lines([line for line in proposal_lines(app, cur) if line[0] != proposed])
        elif picture is not None:
            rec = (picture.get("facts") or {}).get("limit_recommendation") or {}
            if rec:
                st.markdown("**{}**: {}".format(_("Policy limit"), plain(_("{limit} ({basis} basis; {level})").format(
                    limit=fmt_amount(rec.get("recommended_limit_amt") or 0, cur, compact=False),
                    basis=_(str(rec.get("basis"))),
                    level=level_label(rec.get("approval_level")) or _("no change")))))
    with right:
        if picture is not None and (picture.get("facts") or {}).get("aging"):
            st.plotly_chart(charts.present_aging(picture["facts"]["aging"], cur), key="present_aging")
    if item["application_id"] is not None:
        @st.fragment
        def live_votes() -> None:
            # refreshed on demand (key V): a timer would rerun it under the members' own clicks
            row = st.container(horizontal=True, vertical_alignment="center")
            row.markdown(f"**{plain(tally_line(item))}**", width="stretch")
            row.button(_("Refresh the votes"), icon=":material/refresh:", shortcut="V", key="present_refresh")
        live_votes()
        if votes_allowed:
            vote_panel(item, f"present_{item['item_id']}")
        if runs:
            decide_panel(item, f"present_{item['item_id']}")
    notes_panel(item, f"present_{item['item_id']}")
    st.stop()

# ----------------------------------------------------------------------------- one meeting

st.title(_("Credit committee"))
if meeting is not None:
    st.subheader(plain(f"{meeting['title']} — {fmt_date(meeting['meeting_on'])}"))
    st.caption(_("The agenda reads the data as of {date}; the meeting is {status}.").format(
        date=fmt_date(meeting["data_as_of"]), status=meeting_status(meeting["status"])))
    top = st.container(horizontal=True)
    if top.button(_("Back to the meetings"), icon=":material/arrow_back:", key="mtg_back"):
        for key in ("meeting", "present", "item"):
            st.query_params.pop(key, None)
        st.rerun()

    def present() -> None:
        st.query_params["present"] = "1"
        st.query_params["item"] = "1"

    top.button(_("Present"), icon=":material/present_to_all:", type="primary", key="mtg_present", on_click=present)
    items = store.agenda(meeting_id, include_removed=True)  # type: ignore[arg-type]
    active = items.filter(~pl.col("is_removed"))
    cols = st.columns(4)
    kpi(cols[0], _("Agenda items"), fmt_int(active.height))
    kpi(cols[1], _("Applications"), fmt_int(active.filter(pl.col("application_id").is_not_null()).height))
    kpi(cols[2], _("Exposure ({currency})").format(currency=cur), fmt_amount(float(active["exposure_amt"].fill_null(0).sum())),
        help=_("The exposure the agenda's items carry (an application: its authority amount)."))
    decided_here = store.decisions().filter(pl.col("meeting_id") == meeting_id)
    kpi(cols[3], _("Decided"), fmt_int(decided_here.height))

    st.markdown("**{}**".format(_("Agenda")))
    shown = active.select(
        "position", "title", "exposure_amt",
        pl.col("kind").replace_strict(translated(AGENDA_KINDS), default=pl.col("kind")).alias("kind"),
        pl.col("reason").fill_null("—"),
        "application_id",
        pl.col("application_status").replace_strict(translated(STATUSES), default=pl.col("application_status"))
        .fill_null("—").alias("application_status"))
    table(shown, f"agenda_meeting_{meeting_id}", "t_agenda", cur)
    if runs and meeting["status"] != "closed":
        with st.expander(_("Change the agenda"), expanded=False):
            labels = {r["item_id"]: (_("{position}. {title} (removed)") if r["is_removed"] else
                                     _("{position}. {title}")).format(position=r["position"], title=r["title"])
                      for r in items.iter_rows(named=True)}
            if labels:
                chosen = st.selectbox(_("Item"), list(labels), format_func=labels.get, key="agenda_item")
                order = active["item_id"].to_list()
                row = st.container(horizontal=True)
                removed = bool(items.filter(pl.col("item_id") == chosen)["is_removed"][0])

                def move(step: int) -> None:
                    ids = list(order)
                    i = ids.index(chosen)
                    j = min(max(i + step, 0), len(ids) - 1)
                    ids[i], ids[j] = ids[j], ids[i]
                    run_action(lambda: store.reorder(actor, meeting_id, ids + [  # type: ignore[arg-type]
                        r for r in items["item_id"].to_list() if r not in ids]), _("Agenda reordered."))

                if not removed:
                    row.button(_("Move up"), icon=":material/arrow_upward:", key="agenda_up", on_click=move,
                               args=(-1,))
                    row.button(_("Move down"), icon=":material/arrow_downward:", key="agenda_down", on_click=move,
                               args=(1,))
                if row.button(_("Restore") if removed else _("Remove"), key="agenda_remove"):
                    if run_action(lambda: store.set_item_removed(actor, chosen, not removed),
                                  _("Item restored.") if removed else _("Item removed.")):
                        st.rerun()
            st.markdown(_("Add an item"))
            open_apps = store.applications(status=("pending", "deferred"))
            listed = set(active["application_id"].drop_nulls().to_list())
            candidates = open_apps.filter(~pl.col("application_id").is_in(list(listed)))
            kind = st.selectbox(_("Kind"), ["application", "other"], key="agenda_add_kind",
                                format_func=lambda k: _("An open application") if k == "application"
                                else _("Other business"))
            if kind == "application":
                if candidates.height == 0:
                    st.caption(_("Every open application is on the agenda already."))
                else:
                    app_labels = {r["application_id"]: _("{id}: {kind} — {customer}").format(
                        id=r["application_id"], kind=kind_label(r["kind"]), customer=r["customer_name"])
                        for r in candidates.iter_rows(named=True)}
                    pick = st.selectbox(_("Application"), list(app_labels), format_func=app_labels.get,
                                        key="agenda_add_app")
                    if st.button(_("Add the application"), key="agenda_add_app_go"):
                        r = candidates.filter(pl.col("application_id") == pick).row(0, named=True)
                        title = _("{kind}: {customer}").format(kind=kind_label(r["kind"]), customer=r["customer_name"])
                        if run_action(lambda: store.add_item(actor, meeting_id, "application", title,  # type: ignore[arg-type]
                                                             r["customer_id"], r["customer_name"], pick,
                                                             r["routing_reason"], r["authority_amt"]), _("Item added.")):
                            st.rerun()
            else:
                title = st.text_input(_("Title"), key="agenda_add_title")
                customer = st.text_input(_("Customer ID (optional)"), key="agenda_add_customer")
                if st.button(_("Add the item"), key="agenda_add_go"):
                    if run_action(lambda: store.add_item(actor, meeting_id, "other", title,  # type: ignore[arg-type]
                                                         customer.strip() or None), _("Item added.")):
                        st.rerun()

    st.markdown("**{}**".format(_("Items")))
    for item in active.iter_rows(named=True):
        with st.container(border=True):
            head = _("{kind}: {reason}").format(kind=agenda_kind_label(item["kind"]), reason=item["reason"]) \
                if item["reason"] else agenda_kind_label(item["kind"])
            st.markdown(f"**{item['position']}. {plain(item['title'])}** — {plain(head)}")
            key = f"mtg_{item['item_id']}"
            if item["application_id"] is not None:
                st.page_link("pages/applications.py", label=_("Application {id}").format(id=item["application_id"]),
                             query_params={"application": str(item["application_id"])}, icon=":material/approval:")
                st.caption(plain(tally_line(item)))
                if votes_allowed:
                    vote_panel(item, key)
                if runs:
                    decide_panel(item, key)
            notes_panel(item, key)

    notes = minutes(store, meeting_id)  # type: ignore[arg-type]
    with st.expander(_("Minutes"), expanded=meeting["status"] == "closed"):
        st.code("\n".join(notes.lines), language=None, wrap_lines=True)
        if notes.actions.height:
            table(notes.actions, f"actions_meeting_{meeting_id}", "t_actions", cur)
    st.markdown("**{}**".format(_("The committee pack")))
    no_pdf = pack_pdf_unavailable()
    if no_pdf:
        st.caption(plain(_("PDF: {why}. The XLSX holds the same tables.").format(why=no_pdf)))
    row = st.container(horizontal=True)
    row.download_button("PDF", lambda: committee_pack(get_warehouse(), store, policy, meeting_id=meeting_id,
                                                      fmt="pdf"),
                        f"committee-pack-meeting-{meeting_id}.pdf", "application/pdf", key="pack_pdf",
                        icon=":material/picture_as_pdf:", on_click="ignore", disabled=bool(no_pdf))
    row.download_button("XLSX", lambda: committee_pack(get_warehouse(), store, policy, meeting_id=meeting_id,
                                                       fmt="xlsx"),
                        f"committee-pack-meeting-{meeting_id}.xlsx",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="pack_xlsx",
                        icon=":material/download:", on_click="ignore")
    if runs and meeting["status"] != "closed":
        if st.button(_("Close the meeting"), key="mtg_close",
                     help=_("The agenda, votes and minutes become final; undecided applications stay open.")):
            if run_action(lambda: store.close_meeting(actor, meeting_id), _("Meeting closed.")):  # type: ignore[arg-type]
                st.rerun()
    st.stop()

# ----------------------------------------------------------------------------- the meetings

all_meetings = store.meetings()
if runs:
    with st.expander(_("New meeting"), expanded=all_meetings.height == 0):
        day = st.date_input(_("Meeting date"), value=date.today() + timedelta(days=7), key="new_mtg_day",
                            format="YYYY-MM-DD")
        title = st.text_input(_("Title"), value=_("Credit committee {date}").format(date=fmt_date(day)),
                              key="new_mtg_title")
        st.caption(_("The agenda reads the data as of {date}: {sources} (at most {n} of each, `[committee]` in the "
                     "policy).").format(date=fmt_date(ctx.calendar.latest),
                                        sources=_(", ").join(agenda_source_label(s) for s in policy.committee.agenda),
                                        n=fmt_int(policy.committee.max_items_per_kind)))
        if st.button(_("Create the meeting and its agenda"), type="primary", key="new_mtg_go"):
            def create() -> int:
                proposed = propose_agenda(get_warehouse(), store, ctx.calendar.latest, day, policy)
                return store.create_meeting(actor, day, title, ctx.calendar.latest, proposed)
            new_id = run_action(create, _("Meeting created."))
            if new_id:
                st.query_params["meeting"] = str(new_id)
                st.rerun()
if all_meetings.height == 0:
    st.info(_("No meeting yet.") if runs else _("No meeting yet. Whoever runs the committee sets them up."),
            icon=":material/groups:")
    st.stop()
st.markdown("**{}**".format(_("Meetings (pick one to open it)")))
listing = all_meetings.select("meeting_id", "meeting_on", "title",
                              pl.col("status").replace_strict(translated(MEETING_STATUSES), default=pl.col("status")),
                              "data_as_of", "created_by")
event = table(listing, "committee_meetings", "t_meetings", cur, selectable=True)
rows = event.selection.rows if event is not None else []  # type: ignore[attr-defined]
if rows:
    st.query_params["meeting"] = str(listing["meeting_id"][rows[0]])
    st.rerun()
choices = {r["meeting_id"]: f"{fmt_date(r['meeting_on'])} — {r['title']} ({r['status']})"
           for r in listing.iter_rows(named=True)}
row = st.container(horizontal=True, vertical_alignment="bottom")
pick = row.selectbox(_("Open a meeting"), list(choices), format_func=choices.get, key="mtg_pick")
if row.button(_("Open"), icon=":material/open_in_new:", key="mtg_open"):
    st.query_params["meeting"] = str(pick)
    st.rerun()
decided_all = store.decisions()
if decided_all.height:
    st.markdown("**{}**".format(_("Recent decisions")))
    table(decision_table(decided_all.head(50)), "committee_recent_decisions", "t_recent_dec", cur)
