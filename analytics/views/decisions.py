"""What the decision pages, the committee and the CLI call: the customer's picture frozen
with an application, the committee's agenda from the warehouse, the decided limits as an
ERP import file, the minutes of a meeting.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import polars as pl

from analytics.data.warehouse import Warehouse
from analytics.policy import Policy
from analytics.risk import aging
from analytics.risk.authority import CONDITION_KINDS, KINDS, LIMIT_KINDS, OUTCOMES  # noqa: F401 (pages read them here)
from analytics.risk.committee import AGENDA_KINDS, SEVERITIES, VOTES  # noqa: F401
from analytics.risk.whatif import on_hold_expr
from analytics.store.decisions import ApplicationRequest, Condition, DecisionStore, Picture, STATUSES  # noqa: F401
from analytics.views import Filters, InvalidRequest, calendar, customer_file, dated
from analytics.views.models import label
from analytics.views.monitoring import monitoring_inputs, watchlist_view
from analytics.views.whatif import customer_limit_recommendation


def _num(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def customer_picture(wh: Warehouse, customer_id: str, as_of: date, policy: Policy,
                     with_limit: bool = True) -> Picture:
    """The customer as the warehouse shows it at as_of, for an application: its line
    (limit, group limit and exposure), grade and PD, the latest score of each model with its
    reasons, the aging of its open items, payment behaviour, events of the last 12 months,
    cover and the policy's limit recommendation (with_limit=False leaves it out: the pack's
    pages do not show it). Raises InvalidRequest for an unknown customer or one without a
    snapshot at as_of."""
    cf = customer_file(wh, customer_id, as_of, policy)  # raises InvalidRequest for an unknown id
    snap = cf.snapshot
    if snap is None:
        raise InvalidRequest(f"customer {customer_id!r} has no picture at {as_of} (not yet a customer then)")
    profile = cf.profile
    group_id = str(profile.get("group_id") or customer_id)
    members = cf.group_members
    if members.height and "limit_amt" in members.columns:
        holders = members.filter(pl.col("is_line_holder")) if "is_line_holder" in members.columns else members
        group_limit = float(holders["limit_amt"].fill_null(0).sum())
        group_exposure = float(members["gross_exposure_amt"].fill_null(0).sum())
    else:
        group_limit = float(snap.get("limit_amt") or 0.0)
        group_exposure = float(snap.get("gross_exposure_amt") or 0.0)
    terms = profile.get("payment_terms_days")
    if cf.limits.height:
        latest = cf.limits.sort("effective_from").tail(1)
        if latest["payment_terms_days"][0] is not None:
            terms = latest["payment_terms_days"][0]
    dist = aging.items_only(aging.bucket_items(cf.open_items, policy.bucket_upper_dpd)) if cf.open_items.height else None
    scores = cf.scores.filter(pl.col("snapshot_date") == cf.scores["snapshot_date"].max()) if cf.scores.height else cf.scores
    behaviour = cf.behaviour.sort("snapshot_date", descending=True)
    events = cf.events.filter(pl.col("event_date") > as_of - timedelta(days=365)) if cf.events.height else cf.events
    cover = cf.collateral.filter(pl.col("is_valid")) if cf.collateral.height else cf.collateral
    frame = pl.DataFrame([{"max_days_past_due": snap.get("max_days_past_due"),
                           "utilization_pct": snap.get("utilization_pct")}],
                         schema={"max_days_past_due": pl.Float64, "utilization_pct": pl.Float64})
    on_hold = bool(frame.select(on_hold_expr(policy.levers))[0, 0])
    recommendation = None
    if with_limit:
        try:
            recommendation = customer_limit_recommendation(wh, customer_id, group_id, as_of, policy)
        except InvalidRequest:
            recommendation = None
    facts: dict[str, object] = {
        "gross_exposure_amt": _num(snap.get("gross_exposure_amt")), "net_exposure_amt": _num(snap.get("net_exposure_amt")),
        "open_ar_amt": _num(snap.get("open_ar_amt")), "overdue_amt": _num(snap.get("overdue_amt")),
        "overdue_90_amt": _num(snap.get("overdue_90_amt")), "disputed_amt": _num(snap.get("disputed_amt")),
        "max_days_past_due": snap.get("max_days_past_due"), "limit_amt": _num(snap.get("limit_amt")),
        "line_scope": snap.get("line_scope"), "utilization_pct": _num(snap.get("utilization_pct")),
        "headroom_amt": _num(snap.get("headroom_amt")), "over_limit_amt": _num(snap.get("over_limit_amt")),
        "limit_expires_on": snap.get("limit_expires_on"), "grade": snap.get("grade"),
        "rated_on": snap.get("rated_on"), "pd_pct": _num(snap.get("pd_pct")),
        "expected_loss_amt": _num(snap.get("expected_loss_amt")), "collateral_amt": _num(snap.get("collateral_amt")),
        "insured_amt": _num(snap.get("insured_amt")), "on_hold": on_hold,
        "industry": profile.get("industry"), "region": profile.get("region"),
        "established_on": profile.get("established_on"), "onboarded_on": profile.get("onboarded_on"),
        "credit_manager": profile.get("credit_manager"), "group_name": profile.get("group_name"),
        "group_limit_amt": group_limit, "group_exposure_amt": group_exposure,
        "aging": [] if dist is None else [{"bucket": r["bucket"], "outstanding_amt": r["outstanding_amt"]}
                                          for r in dist.select("bucket", "outstanding_amt").iter_rows(named=True)],
        "scores": [{"model": r["model"], "score": r["score"], "grade": r["grade"],
                    "pd_pct": None if r["pd_frac"] is None else r["pd_frac"] * 100,
                    "reasons": [label(r[k]) for k in ("reason_1", "reason_2", "reason_3") if r[k]]}
                   for r in scores.iter_rows(named=True)],
        "behaviour": [{"month": r["snapshot_date"], "sales_amt": r["sales_amt"], "collections_amt": r["collections_amt"],
                       "days_beyond_terms": r["days_beyond_terms"]}
                      for r in behaviour.head(12).iter_rows(named=True)],
        "events": [{"event_date": r["event_date"], "event_type": r["event_type"], "severity": r["severity"],
                    "description": r["description"]} for r in events.head(10).iter_rows(named=True)],
        "cover": [{"collateral_type": r["collateral_type"], "provider": r["provider"], "amount_amt": r["amount_amt"],
                   "valid_to": r["valid_to"]} for r in cover.iter_rows(named=True)],
        "limit_recommendation": recommendation,
    }
    return Picture(
        customer_id=customer_id, customer_name=str(profile.get("name") or customer_id), group_id=group_id,
        segment=profile.get("segment"), currency=policy.reporting_currency, grade=snap.get("grade"),  # type: ignore[arg-type]
        current_limit_amt=_num(snap.get("own_limit_amt")), current_terms_days=None if terms is None else int(terms),  # type: ignore[arg-type]
        group_limit_amt=group_limit, group_exposure_amt=group_exposure,
        outstanding_amt=_num(snap.get("open_ar_amt")), on_hold=on_hold, limit_scope=snap.get("line_scope"),  # type: ignore[arg-type]
        as_of=as_of, warehouse_version=wh.version, facts=facts)


def picture_record(wh: Warehouse, customer_id: str, as_of: date, policy: Policy,
                   with_limit: bool = True) -> dict[str, object]:
    """customer_picture as the plain record an application stores (for items that are not
    applications: the meeting page and the pack)."""
    return asdict(customer_picture(wh, customer_id, as_of, policy, with_limit))


# ----------------------------------------------------------------------------- the agenda

def agenda_sources(wh: Warehouse, store: DecisionStore, as_of: date, meeting_on: date,
                   policy: Policy) -> dict[str, pl.DataFrame]:
    """Each agenda source's candidates (customer_id, customer_name, title, reason,
    exposure_amt; application_id for applications) at the data date as_of, for a meeting
    on meeting_on (DOMAIN: the committee's agenda)."""
    settings = policy.committee
    committee = policy.authority.committee.name
    apps = store.applications(status=("pending", "deferred"))
    apps = apps.filter(pl.col("required_level") == committee)
    out: dict[str, pl.DataFrame] = {
        "applications": pl.DataFrame({
            "customer_id": apps["customer_id"], "customer_name": apps["customer_name"],
            "application_id": apps["application_id"],
            "title": [f"{KINDS[k]}: {n}" for k, n in zip(apps["kind"], apps["customer_name"])],
            "reason": apps["routing_reason"], "exposure_amt": apps["authority_amt"]},
            schema={"customer_id": pl.String, "customer_name": pl.String, "application_id": pl.Int64,
                    "title": pl.String, "reason": pl.String, "exposure_amt": pl.Float64})}
    inputs = monitoring_inputs(wh, as_of, Filters(), policy)
    customers = inputs.customers
    watch = watchlist_view(inputs, policy)
    floor = SEVERITIES.index(settings.watchlist_min_severity)
    severe = watch.hits.filter((pl.col("status") == "new")
                               & pl.col("severity").replace_strict({s: i for i, s in enumerate(SEVERITIES)},
                                                                   default=-1, return_dtype=pl.Int64).ge(floor))
    severe = (severe.group_by("customer_id", "name").agg(pl.col("label").unique().sort().str.join(", "),
                                                        pl.col("severity").first())
              .join(customers.select("customer_id", "gross_exposure_amt"), on="customer_id", how="left"))
    out["watchlist"] = severe.select(pl.col("customer_id"), pl.col("name").alias("customer_name"),
                                     ("New watchlist entry: " + pl.col("name")).alias("title"),
                                     ("new " + pl.col("severity") + ": " + pl.col("label")).alias("reason"),
                                     pl.col("gross_exposure_amt").alias("exposure_amt"))
    holders = customers.filter(pl.col("is_line_holder").fill_null(False) & pl.col("limit_amt").is_not_null())
    over = holders.filter(pl.col("line_exposure_amt") > pl.col("limit_amt"))
    out["over_limit"] = over.select(
        "customer_id", pl.col("name").alias("customer_name"), ("Over limit: " + pl.col("name")).alias("title"),
        pl.format("line exposure {} over the limit of {} ({}% used)",
                  (pl.col("line_exposure_amt") - pl.col("limit_amt")).round(0).cast(pl.Int64),
                  pl.col("limit_amt").round(0).cast(pl.Int64), pl.col("utilization_pct").round(0).cast(pl.Int64)
                  ).alias("reason"),
        pl.col("line_exposure_amt").alias("exposure_amt"))
    held = customers.filter(on_hold_expr(policy.levers) & (pl.col("gross_exposure_amt") > 0))
    out["on_hold"] = held.select(
        "customer_id", pl.col("name").alias("customer_name"), ("On credit hold: " + pl.col("name")).alias("title"),
        pl.format("{} days past due, {}% of the limit used", pl.col("max_days_past_due").cast(pl.Int64),
                  pl.col("utilization_pct").round(0).cast(pl.Int64)).alias("reason"),
        pl.col("gross_exposure_amt").alias("exposure_amt"))
    overdue = inputs.schedule.filter((pl.col("status") == "overdue") & pl.col("segment").is_in(settings.core_segments))
    overdue = overdue.join(customers.select("customer_id", "name"), on="customer_id", how="left")
    out["overdue_reviews"] = overdue.select(
        "customer_id", pl.col("name").alias("customer_name"), ("Overdue review: " + pl.col("name")).alias("title"),
        pl.format("{} review {} days overdue (last {})", pl.col("segment"), pl.col("days_overdue"),
                  pl.col("last_review_on").cast(pl.String).fill_null("never")).alias("reason"),
        pl.col("gross_exposure_amt").alias("exposure_amt"))
    cover = dated(wh, as_of).query("expiring_cover", as_of=as_of, expires_from=meeting_on,
                                   expires_to=meeting_on + timedelta(days=settings.cover_expiring_within_days))
    out["expiring_cover"] = cover.select(
        "customer_id", "customer_name", ("Cover expiring: " + pl.col("customer_name")).alias("title"),
        pl.format("{} of cover expires on {}", pl.col("expiring_amt").round(0).cast(pl.Int64),
                  pl.col("first_expiry_on").cast(pl.String)).alias("reason"),
        "exposure_amt")
    return out


def propose_agenda(wh: Warehouse, store: DecisionStore, as_of: date, meeting_on: date,
                   policy: Policy) -> pl.DataFrame:
    """The agenda the policy proposes for a meeting (analytics.risk.committee.agenda_items)."""
    from analytics.store.decisions import agenda_proposal
    return agenda_proposal(agenda_sources(wh, store, as_of, meeting_on, policy), policy)


# ----------------------------------------------------------------------------- exports

ERP_LIMIT_COLUMNS = ("customer_id", "effective_from", "limit_amt", "currency", "expires_on", "payment_terms_days",
                     "approved_by", "approval_level", "limit_scope", "decision_id")


def erp_limits_file(store: DecisionStore, since: date | None = None) -> pl.DataFrame:
    """The decided limits as an ERP import file: the credit_limits contract's columns (so the
    same file loads back as limit history) and the decision behind each row; oldest first."""
    frame = store.decided_limits()
    if since is not None:
        frame = frame.filter(pl.col("effective_from") >= since)
    return frame.select(list(ERP_LIMIT_COLUMNS))


def labelled_applications(frame: pl.DataFrame) -> pl.DataFrame:
    """Applications with their kind and status in words (for tables and exports)."""
    if frame.height == 0:
        return frame.with_columns(pl.lit(None, pl.String).alias("kind_label"), pl.lit(None, pl.String).alias("status_label"))
    return frame.with_columns(pl.col("kind").replace_strict(KINDS, default=None).alias("kind_label"),
                              pl.col("status").replace_strict(STATUSES, default=None).alias("status_label"))


@dataclass(frozen=True)
class Minutes:
    """The minutes of a meeting: a header, one entry per item (decision, conditions, votes,
    discussion, action) and the actions agreed."""

    title: str
    lines: tuple[str, ...]
    actions: pl.DataFrame


def minutes(store: DecisionStore, meeting_id: int) -> Minutes:
    """The minutes generated from what the meeting recorded."""
    meeting = store.meeting(meeting_id)
    items = store.agenda(meeting_id)
    decided = store.decisions().filter(pl.col("meeting_id") == meeting_id)
    members = store.votes(meeting_id)
    present = sorted(set(members["member"].to_list()))
    lines = [f"Credit committee: {meeting['title']}, {meeting['meeting_on']} (data as of {meeting['data_as_of']}).",
             f"Members voting: {', '.join(present) if present else 'none recorded'}."
             + (" The meeting is closed." if meeting["status"] == "closed" else " The meeting is open: draft minutes.")]
    actions = []
    for item in items.iter_rows(named=True):
        head = f"{item['position']}. {item['title']} ({AGENDA_KINDS.get(item['kind'], item['kind'])})"
        lines.append(head)
        if item["application_id"] is not None:
            dec = decided.filter(pl.col("application_id") == item["application_id"])
            if dec.height:
                d = dec.row(0, named=True)
                conds = [f"{CONDITION_KINDS.get(c['kind'], c['kind'])}: {c['text']}"
                         for c in json.loads(d["conditions_json"])]
                votes_text = (f"; votes {d['votes_for']} for, {d['votes_against']} against, {d['abstentions']} abstaining"
                              if d["votes_for"] is not None else "")
                limit_text = f"; limit {d['limit_amt']:,.0f} from {d['effective_from']}" if d["limit_amt"] is not None else ""
                lines.append(f"   Decision: {OUTCOMES[d['outcome']]}{limit_text}{votes_text}. Reason: {d['reason']}")
                if conds:
                    lines.append("   Conditions: " + "; ".join(conds))
            else:
                cast = members.filter(pl.col("application_id") == item["application_id"])
                tally = ", ".join(f"{VOTES[v]} {n}" for v, n in cast.group_by("vote").len().iter_rows()) if cast.height else "no votes"
                lines.append(f"   Not decided ({tally}).")
        if item["discussion"]:
            lines.append(f"   Discussion: {item['discussion']}")
        if item["action_text"]:
            lines.append(f"   Action: {item['action_text']} — {item['action_owner']}"
                         + (f", due {item['action_due']}" if item["action_due"] else ""))
            actions.append({"position": item["position"], "item": item["title"], "action": item["action_text"],
                            "owner": item["action_owner"], "due_on": item["action_due"]})
    frame = pl.DataFrame(actions, schema={"position": pl.Int64, "item": pl.String, "action": pl.String,
                                          "owner": pl.String, "due_on": pl.Date})
    return Minutes(f"Minutes: {meeting['title']}", tuple(lines), frame)


def data_date(wh: Warehouse) -> date:
    """The latest data date (the extraction date): what a new meeting's agenda is built on."""
    return calendar(wh).latest


# ----------------------------------------------------------------------------- the committee pack

def _money(value: object, currency: str) -> str:
    from analytics.formats import fmt_amount
    return "—" if value is None else fmt_amount(float(value), currency, compact=False)  # type: ignore[arg-type]


def proposal_lines(app: dict, currency: str) -> list[tuple[str, str]]:
    """The application's request in words: (label, text) pairs."""
    kind = str(app["kind"])
    lines: list[tuple[str, str]] = [("Application", f"{KINDS[kind]} (no. {app['application_id']})")]
    if app.get("requested_limit_amt") is not None:
        lines.append(("Requested limit", f"{_money(app['requested_limit_amt'], currency)} "
                                         f"(now {_money(app.get('current_limit_amt'), currency)})"))
    if app.get("requested_terms_days") is not None:
        lines.append(("Requested terms", f"{app['requested_terms_days']} days (now {app.get('current_terms_days')} days)"))
    if app.get("expires_on") is not None:
        lines.append(("Expires on", str(app["expires_on"])))
    if app.get("write_off_amt") is not None:
        lines.append(("Write off", _money(app["write_off_amt"], currency)))
    lines.append(("Effective from", str(app["effective_from"])))
    lines.append(("Recommendation", str(app["recommendation"])))
    for c in app.get("conditions") or []:
        lines.append((f"Condition: {CONDITION_KINDS.get(c['kind'], c['kind'])}", str(c["text"])))
    lines.append(("Authority", f"{app['required_level']}: {app['routing_reason']}"))
    lines.append(("Proposed", f"by {app['proposed_by']} on {str(app['proposed_at'])[:10]}; picture as of "
                              f"{app['picture_as_of']}"))
    lines.append(("Status", STATUSES.get(str(app["status"]), str(app["status"]))))
    return lines



def _picture_facts(picture: dict, currency: str) -> tuple[tuple[str, str], ...]:
    """The one-page picture of an agenda item's customer as (label, formatted value) pairs."""
    from analytics.formats import fmt_amount, fmt_int, fmt_pct
    facts = picture.get("facts") or {}

    def amt(value: object) -> str:
        return "—" if value is None else fmt_amount(float(value), currency, compact=False)  # type: ignore[arg-type]

    scores = facts.get("scores") or []
    pairs = [
        ("Customer", f"{picture.get('customer_name')} ({picture.get('customer_id')})"),
        ("Group", str(facts.get("group_name") or picture.get("group_id") or "—")),
        ("Segment / industry", f"{picture.get('segment') or '—'} / {facts.get('industry') or '—'}"),
        ("Gross exposure", amt(facts.get("gross_exposure_amt"))),
        ("Limit in force", amt(picture.get("current_limit_amt"))),
        ("Group limit / group exposure", f"{amt(picture.get('group_limit_amt'))} / {amt(picture.get('group_exposure_amt'))}"),
        ("Limit used", fmt_pct(facts.get("utilization_pct"), 1)),  # type: ignore[arg-type]
        ("Overdue", f"{amt(facts.get('overdue_amt'))}, worst {fmt_int(facts.get('max_days_past_due'))} days"),  # type: ignore[arg-type]
        ("Grade / PD", f"{picture.get('grade') or 'unrated'} / {fmt_pct(facts.get('pd_pct'), 2)}"),  # type: ignore[arg-type]
        ("Expected loss (1 year)", amt(facts.get("expected_loss_amt"))),
        ("Cover", amt((facts.get("collateral_amt") or 0) + (facts.get("insured_amt") or 0))),  # type: ignore[operator]
        ("Credit hold", "on hold" if picture.get("on_hold") else "no"),
    ]
    for s in scores[:3]:
        pairs.append((f"Score ({s['model']})", f"{s['score']:,.0f}, grade {s['grade']}: "
                                              + "; ".join(s.get("reasons") or [])))
    return tuple(pairs)


def _aging_spec(aging_rows: list[dict], currency: str) -> dict | None:
    import altair as alt
    rows = [r for r in aging_rows if r.get("outstanding_amt")]
    if not rows:
        return None
    order = [r["bucket"] for r in aging_rows]
    data = alt.Data(values=[{"bucket": r["bucket"], "amount": round(float(r["outstanding_amt"]), 2)} for r in rows])
    chart = alt.Chart(data).mark_bar(color="#1f4e79").encode(
        x=alt.X("bucket:N", sort=order, title="days past due"),
        y=alt.Y("amount:Q", title=currency, axis=alt.Axis(format="~s")),
    ).properties(width=420, height=200, title="Open items by days past due")
    return chart.to_dict()


def _grade_spec(by_grade: pl.DataFrame, scale: tuple[str, ...], currency: str) -> dict:
    import altair as alt
    data = alt.Data(values=[{"grade": g, "exposure": round(float(e or 0), 2)}
                            for g, e in zip(by_grade["grade"], by_grade["gross_exposure_amt"])])
    return alt.Chart(data).mark_bar(color="#1f4e79").encode(
        x=alt.X("grade:N", sort=list(scale) + ["unrated"], title="grade"),
        y=alt.Y("exposure:Q", title=currency, axis=alt.Axis(format="~s")),
    ).properties(width=520, height=220, title="Gross exposure by grade").to_dict()


def build_pack(wh: Warehouse, store: DecisionStore, policy: Policy, meeting_id: int | None = None,
               as_of: date | None = None, now: object = None):  # type: ignore[no-untyped-def]
    """The committee pack's content for a meeting (its agenda, decisions and minutes) or for
    a data date (the agenda the policy would propose then). Raises InvalidRequest for an
    unknown meeting or a date without data."""
    from datetime import datetime, timezone
    from analytics.data.pack import Pack, PackItem, PackTable
    from analytics.formats import fmt_amount, fmt_int, fmt_pct
    from analytics.store.decisions import DecisionError
    from analytics.views import exposure_view

    currency = policy.reporting_currency
    cal = calendar(wh)
    if meeting_id is not None:
        try:
            meeting = store.meeting(meeting_id)
        except DecisionError as exc:
            raise InvalidRequest(str(exc)) from exc
        as_of = meeting["data_as_of"]  # type: ignore[assignment]
        items = store.agenda(meeting_id)
        title = str(meeting["title"])
        meeting_on = meeting["meeting_on"]
        decided = store.decisions().filter(pl.col("meeting_id") == meeting_id)
        notes = minutes(store, meeting_id).lines
    else:
        as_of = as_of or cal.latest
        if as_of > cal.latest or as_of < cal.first_date:
            raise InvalidRequest(f"{as_of} is outside the data ({cal.first_date} to {cal.latest})")
        items = propose_agenda(wh, store, as_of, as_of, policy).with_columns(
            pl.lit(None, pl.Int64).alias("item_id"), pl.lit("").alias("discussion"), pl.lit("").alias("action_text"))
        title, meeting_on, decided, notes = f"Credit committee pack, data as of {as_of}", None, None, ()
    view = exposure_view(wh, as_of, Filters(), policy)  # type: ignore[arg-type]
    k = view.kpis
    open_apps = store.applications(status=("pending", "deferred"))
    headline = (
        ("Gross exposure", fmt_amount(k.gross_exposure_amt, currency)),
        ("Net exposure", fmt_amount(k.net_exposure_amt, currency)),
        ("Limits", fmt_amount(k.limit_amt, currency)),
        ("Limit used", fmt_pct(k.utilization_pct, 1)),
        ("Overdue share", fmt_pct(k.overdue_share_pct, 1)),
        ("Expected loss (1 year)", fmt_amount(k.expected_loss_amt, currency)),
        ("Customers over limit", fmt_int(k.customers_over_limit)),
        ("Customers with exposure", fmt_int(k.customers_with_exposure)),
        ("Open applications", fmt_int(open_apps.height)),
        ("Agenda items", fmt_int(items.height)),
    )
    by_grade = view.breakdowns["grade"]
    agenda_table = PackTable("Agenda", items.select(
        "position", pl.col("kind").replace_strict(AGENDA_KINDS, default=None).alias("kind"), "title",
        pl.col("customer_id"), "exposure_amt"), {"kind": "Kind", "title": "Item", "customer_id": "Customer id"})
    grade_table = PackTable("Exposure by grade", by_grade.select(
        "grade", "customers", "gross_exposure_amt", "overdue_amt", "limit_amt", "expected_loss_amt", "share_pct"))
    pack_items = []
    for item in items.iter_rows(named=True):
        picture: dict | None = None
        proposal: list[tuple[str, str]] = []
        outcome = None
        if item.get("application_id") is not None:
            app = store.application(int(item["application_id"]))
            picture = app["picture"]
            proposal = proposal_lines(app, currency)
        elif item.get("customer_id"):
            try:
                picture = picture_record(wh, str(item["customer_id"]), as_of, policy, with_limit=False)  # type: ignore[arg-type]
            except InvalidRequest:
                picture = None
        facts = _picture_facts(picture, currency) if picture else ()
        tables = []
        chart = None
        if picture:
            aging_rows = (picture.get("facts") or {}).get("aging") or []
            chart = _aging_spec(aging_rows, currency)
            events = (picture.get("facts") or {}).get("events") or []
            if events:
                tables.append(PackTable("Events in the last 12 months", pl.DataFrame(events).select(
                    "event_date", "event_type", "severity", "description")))
        if decided is not None and item.get("application_id") is not None:
            d = decided.filter(pl.col("application_id") == item["application_id"])
            if d.height:
                r = d.row(0, named=True)
                votes_text = (f" ({r['votes_for']} for, {r['votes_against']} against, {r['abstentions']} abstaining)"
                              if r["votes_for"] is not None else "")
                outcome = f"{OUTCOMES[r['outcome']]}{votes_text}: {r['reason']}"
        if item.get("discussion"):
            proposal.append(("Discussion", str(item["discussion"])))
        if item.get("action_text"):
            proposal.append(("Action", f"{item['action_text']} ({item.get('action_owner')}, due {item.get('action_due')})"))
        pack_items.append(PackItem(
            position=int(item["position"]), title=str(item["title"]),
            kind_label=f"{AGENDA_KINDS.get(item['kind'], item['kind'])}: {item['reason']}",
            customer_id=item.get("customer_id"), customer_name=item.get("customer_name"), facts=facts,
            proposal=tuple(proposal), tables=tuple(tables), chart=chart, outcome=outcome))
    return Pack(title=title, meeting_on=meeting_on, as_of=as_of, generated_at=now or datetime.now(timezone.utc),  # type: ignore[arg-type]
                currency=currency, headline=headline, headline_tables=(agenda_table, grade_table),
                cover_chart=_grade_spec(by_grade, policy.scale, currency), items=tuple(pack_items),
                minutes=tuple(notes))


def pack_pdf_unavailable() -> str | None:
    """Why this machine cannot make the PDF pack (None: it can); the XLSX needs nothing more."""
    from analytics.data.pack import pdf_unavailable
    return pdf_unavailable()


def committee_pack(wh: Warehouse, store: DecisionStore, policy: Policy, meeting_id: int | None = None,
                   as_of: date | None = None, fmt: str = "pdf") -> bytes:
    """The committee pack as PDF or XLSX bytes (analytics.data.pack)."""
    from analytics.data.pack import render_pdf, render_xlsx
    pack = build_pack(wh, store, policy, meeting_id, as_of)
    if fmt == "pdf":
        why = pack_pdf_unavailable()
        if why:
            raise InvalidRequest(why)
        return render_pdf(pack)
    if fmt == "xlsx":
        return render_xlsx(pack)
    raise InvalidRequest(f"pack format {fmt!r}: pdf or xlsx")
