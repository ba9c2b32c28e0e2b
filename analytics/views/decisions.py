"""What the decision pages, the committee and the CLI call: the customer's picture frozen
with an application, the committee's agenda from the warehouse, the decided limits as an
ERP import file, the minutes of a meeting.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import polars as pl

from analytics.labels import in_words
from analytics.data.warehouse import Warehouse
from analytics.formats import MISSING, fmt_amount, fmt_date, fmt_days, fmt_int, fmt_number, fmt_pct, fmt_pd
from analytics.i18n import N_, _, current
from analytics.policy import Policy
from analytics.risk import aging
from analytics.risk.authority import (CONDITION_KINDS, KINDS, LIMIT_KINDS, OUTCOMES,  # noqa: F401 (pages read them here)
                                      condition_label, kind_label, level_label, outcome_label, translated)
from analytics.risk.committee import (AGENDA_KINDS, SEVERITIES, VOTES, agenda_kind_label,  # noqa: F401
                                      agenda_source_label, vote_label)
from analytics.risk.whatif import on_hold_expr
from analytics.store.decisions import (ApplicationRequest, Condition, DecisionStore, Picture,  # noqa: F401
                                       STATUSES, opinion_label, status_label)
from analytics.views import Filters, InvalidRequest, calendar, customer_file, dated
from analytics.views.models import label
from analytics.views.monitoring import monitoring_inputs, watchlist_view
from analytics.views.whatif import customer_limit_recommendation


def _num(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


# Codes of the data contract shown in words (English source text, translated where shown)
EVENT_TYPE_LABELS = {"litigation": N_("litigation"), "management_change": N_("management change"),
                     "insolvency_filing": N_("insolvency filing"), "tax_penalty": N_("tax penalty"),
                     "late_filing": N_("late filing"), "other": N_("other")}
COVER_TYPE_LABELS = {"guarantee": N_("guarantee"), "credit_insurance": N_("credit insurance"),
                     "letter_of_credit": N_("letter of credit"), "other": N_("other")}
SEVERITY_LABELS = {"low": N_("low"), "medium": N_("medium"), "high": N_("high"), "critical": N_("critical")}


def code_label(labels: dict[str, str], code: object) -> str:
    """A code of the data (an event type, a cover type, a severity) in words of the current
    language; a code the mapping does not know as it is written."""
    text = "" if code is None else str(code)
    return _(labels[text]) if text in labels else text


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
        raise InvalidRequest(_("customer {customer} has no picture at {date} (not yet a customer then)").format(
            customer=customer_id, date=fmt_date(as_of)))
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

def _texts(template: str, **columns: list[object]) -> list[str]:
    """One text per row: `template` (already translated) filled from the columns' values."""
    names = list(columns)
    return [template.format(**dict(zip(names, values))) for values in zip(*columns.values())]


def agenda_sources(wh: Warehouse, store: DecisionStore, as_of: date, meeting_on: date,
                   policy: Policy) -> dict[str, pl.DataFrame]:
    """Each agenda source's candidates (customer_id, customer_name, title, reason,
    exposure_amt; application_id for applications) at the data date as_of, for a meeting
    on meeting_on (DOMAIN: the committee's agenda). Titles and reasons are in the current
    language (the agenda keeps them as written when the meeting is set up)."""
    settings = policy.committee
    committee = policy.authority.committee.name
    apps = store.applications(status=("pending", "deferred"))
    apps = apps.filter(pl.col("required_level") == committee)
    out: dict[str, pl.DataFrame] = {
        "applications": pl.DataFrame({
            "customer_id": apps["customer_id"], "customer_name": apps["customer_name"],
            "application_id": apps["application_id"],
            "title": [_("{kind}: {customer}").format(kind=kind_label(k), customer=n)
                      for k, n in zip(apps["kind"], apps["customer_name"])],
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
    severe = (severe.group_by("customer_id", "name").agg(pl.col("label").unique().sort(), pl.col("severity").first())
              .join(customers.select("customer_id", "gross_exposure_amt"), on="customer_id", how="left"))
    out["watchlist"] = pl.DataFrame({
        "customer_id": severe["customer_id"], "customer_name": severe["name"],
        "title": _texts(_("New watchlist entry: {name}"), name=severe["name"].to_list()),
        "reason": [_("new {severity}: {rules}").format(severity=code_label(SEVERITY_LABELS, sev),
                                                       rules=_(", ").join(_(str(r)) for r in rules))
                   for sev, rules in zip(severe["severity"], severe["label"])],
        "exposure_amt": severe["gross_exposure_amt"]},
        schema={"customer_id": pl.String, "customer_name": pl.String, "title": pl.String, "reason": pl.String,
                "exposure_amt": pl.Float64})
    holders = customers.filter(pl.col("is_line_holder").fill_null(False) & pl.col("limit_amt").is_not_null())
    over = holders.filter(pl.col("line_exposure_amt") > pl.col("limit_amt"))
    out["over_limit"] = over.select(
        "customer_id", pl.col("name").alias("customer_name"),
        pl.Series("title", _texts(_("Over limit: {name}"), name=over["name"].to_list()), dtype=pl.String),
        pl.Series("reason", _texts(_("line exposure {over} over the limit of {limit} ({used} used)"),
                                   over=[fmt_number(e - lim) for e, lim in zip(over["line_exposure_amt"],
                                                                               over["limit_amt"])],
                                   limit=[fmt_number(v) for v in over["limit_amt"]],
                                   used=[fmt_pct(v, 0) for v in over["utilization_pct"]]), dtype=pl.String),
        pl.col("line_exposure_amt").alias("exposure_amt"))
    held = customers.filter(on_hold_expr(policy.levers) & (pl.col("gross_exposure_amt") > 0))
    out["on_hold"] = held.select(
        "customer_id", pl.col("name").alias("customer_name"),
        pl.Series("title", _texts(_("On credit hold: {name}"), name=held["name"].to_list()), dtype=pl.String),
        pl.Series("reason", _texts(_("{days} past due, {used} of the limit used"),
                                   days=[fmt_days(d) for d in held["max_days_past_due"]],
                                   used=[fmt_pct(v, 0) for v in held["utilization_pct"]]), dtype=pl.String),
        pl.col("gross_exposure_amt").alias("exposure_amt"))
    overdue = inputs.schedule.filter((pl.col("status") == "overdue") & pl.col("segment").is_in(settings.core_segments))
    overdue = overdue.join(customers.select("customer_id", "name"), on="customer_id", how="left")
    out["overdue_reviews"] = overdue.select(
        "customer_id", pl.col("name").alias("customer_name"),
        pl.Series("title", _texts(_("Overdue review: {name}"), name=overdue["name"].to_list()), dtype=pl.String),
        pl.Series("reason", _texts(_("{segment} review {days} overdue (last {last})"),
                                   segment=overdue["segment"].to_list(),
                                   days=[fmt_days(d, not_due=False) for d in overdue["days_overdue"]],
                                   last=[fmt_date(d) if d is not None else _("never")
                                         for d in overdue["last_review_on"]]), dtype=pl.String),
        pl.col("gross_exposure_amt").alias("exposure_amt"))
    cover = dated(wh, as_of).query("expiring_cover", as_of=as_of, expires_from=meeting_on,
                                   expires_to=meeting_on + timedelta(days=settings.cover_expiring_within_days))
    out["expiring_cover"] = cover.select(
        "customer_id", "customer_name",
        pl.Series("title", _texts(_("Cover expiring: {name}"), name=cover["customer_name"].to_list()), dtype=pl.String),
        pl.Series("reason", _texts(_("{amount} of cover expires on {date}"),
                                   amount=[fmt_number(v) for v in cover["expiring_amt"]],
                                   date=[fmt_date(d) for d in cover["first_expiry_on"]]), dtype=pl.String),
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


def erp_limits_csv(store: DecisionStore, since: date | None = None) -> bytes:
    """The ERP import file as CSV bytes: machine headers (the credit_limits contract's), text
    cells neutralised against formula injection (analytics.data.export)."""
    from analytics.data.export import to_csv_bytes
    return to_csv_bytes(erp_limits_file(store, since))


def labelled_applications(frame: pl.DataFrame) -> pl.DataFrame:
    """Applications with their kind, status and level in words of the current language (for
    tables and exports)."""
    if frame.height == 0:
        return frame.with_columns(pl.lit(None, pl.String).alias("kind_label"), pl.lit(None, pl.String).alias("status_label"),
                                  pl.lit(None, pl.String).alias("level_label"))
    return frame.with_columns(
        pl.col("kind").replace_strict(translated(KINDS), default=pl.col("kind")).alias("kind_label"),
        pl.col("status").replace_strict(translated(STATUSES), default=pl.col("status")).alias("status_label"),
        in_words(frame, "required_level", lambda v: level_label(v) if v else "").alias("level_label"))


def votes_words(votes_for: object, votes_against: object, abstentions: object) -> str:
    """'3 for, 1 against, 0 abstaining' in the current language."""
    return _("{yes} for, {no} against, {abstain} abstaining").format(
        yes=fmt_int(votes_for), no=fmt_int(votes_against), abstain=fmt_int(abstentions))  # type: ignore[arg-type]


def join_sentences(sentences: list[str]) -> str:
    """Whole sentences one after the other: with a space in English, none in Chinese."""
    return ("" if current() == "zh" else " ").join(s for s in sentences if s)


def decision_words(d: dict, currency: str = "", lead: bool = True) -> str:
    """A recorded decision in one line: its outcome, the limit it put in force, the votes and
    the reason, in the current language (lead=False: without the leading 'Decision:', where
    a label says it already)."""
    outcome = outcome_label(str(d["outcome"]))
    parts = [_("Decision: {outcome}.").format(outcome=outcome) if lead else _("{outcome}.").format(outcome=outcome)]
    if d.get("limit_amt") is not None:
        parts.append(_("Limit {amount} from {date}.").format(amount=fmt_amount(d["limit_amt"], currency, compact=False),
                                                             date=fmt_date(d.get("effective_from"))))
    if d.get("votes_for") is not None:
        parts.append(_("Votes: {votes}.").format(votes=votes_words(d["votes_for"], d["votes_against"],
                                                                   d["abstentions"])))
    parts.append(_("Reason: {reason}").format(reason=d.get("reason") or MISSING))
    return join_sentences(parts)


@dataclass(frozen=True)
class Minutes:
    """The minutes of a meeting: a header, one entry per item (decision, conditions, votes,
    discussion, action) and the actions agreed."""

    title: str
    lines: tuple[str, ...]
    actions: pl.DataFrame


def action_words(item: dict) -> str:
    """An item's agreed action with its owner and due date, in the current language."""
    values = {"action": item["action_text"], "owner": item.get("action_owner") or MISSING,
              "date": fmt_date(item.get("action_due"))}
    if item.get("action_due"):
        return _("Action: {action} — {owner}, due {date}").format(**values)
    return _("Action: {action} — {owner}").format(**values)


def minutes(store: DecisionStore, meeting_id: int) -> Minutes:
    """The minutes generated from what the meeting recorded, in the current language."""
    meeting = store.meeting(meeting_id)
    items = store.agenda(meeting_id)
    decided = store.decisions().filter(pl.col("meeting_id") == meeting_id)
    members = store.votes(meeting_id)
    present = sorted(set(members["member"].to_list()))
    voting = _(", ").join(present) if present else _("none recorded")
    state = (_("Members voting: {members}. The meeting is closed.") if meeting["status"] == "closed" else
             _("Members voting: {members}. The meeting is open: draft minutes.")).format(members=voting)
    lines = [_("Credit committee: {title}, {date} (data as of {as_of}).").format(
                 title=meeting["title"], date=fmt_date(meeting["meeting_on"]),  # type: ignore[arg-type]
                 as_of=fmt_date(meeting["data_as_of"])),  # type: ignore[arg-type]
             state]
    actions = []
    for item in items.iter_rows(named=True):
        lines.append(_("{position}. {title} ({kind})").format(position=item["position"], title=item["title"],
                                                              kind=agenda_kind_label(item["kind"])))
        if item["application_id"] is not None:
            dec = decided.filter(pl.col("application_id") == item["application_id"])
            if dec.height:
                d = dec.row(0, named=True)
                conds = [_("{kind}: {text}").format(kind=condition_label(c["kind"]), text=c["text"])
                         for c in json.loads(d["conditions_json"])]
                lines.append("   " + decision_words(d, store.policy.reporting_currency))
                if conds:
                    lines.append("   " + _("Conditions: {conditions}").format(conditions=_("; ").join(conds)))
            else:
                cast = members.filter(pl.col("application_id") == item["application_id"])
                tally = (_(", ").join(_("{vote} {n}").format(vote=vote_label(v), n=fmt_int(n))
                                      for v, n in cast.group_by("vote").len().sort("vote").iter_rows())
                         if cast.height else _("no votes"))
                lines.append("   " + _("Not decided ({votes}).").format(votes=tally))
        if item["discussion"]:
            lines.append("   " + _("Discussion: {text}").format(text=item["discussion"]))
        if item["action_text"]:
            lines.append("   " + action_words(item))
            actions.append({"position": item["position"], "item": item["title"], "action": item["action_text"],
                            "owner": item["action_owner"], "due_on": item["action_due"]})
    frame = pl.DataFrame(actions, schema={"position": pl.Int64, "item": pl.String, "action": pl.String,
                                          "owner": pl.String, "due_on": pl.Date})
    return Minutes(_("Minutes: {title}").format(title=meeting["title"]), tuple(lines), frame)


def data_date(wh: Warehouse) -> date:
    """The latest data date (the extraction date): what a new meeting's agenda is built on."""
    return calendar(wh).latest


# ----------------------------------------------------------------------------- the committee pack

def _money(value: object, currency: str) -> str:
    return fmt_amount(None if value is None else float(value), currency, compact=False)  # type: ignore[arg-type]


def proposal_lines(app: dict, currency: str) -> list[tuple[str, str]]:
    """The application's request in words: (label, text) pairs, in the current language."""
    kind = str(app["kind"])
    lines: list[tuple[str, str]] = [(_("Application"), _("{kind} (no. {id})").format(kind=kind_label(kind),
                                                                                      id=app["application_id"]))]
    if app.get("requested_limit_amt") is not None:
        lines.append((_("Requested limit"), _("{requested} (now {current})").format(
            requested=_money(app["requested_limit_amt"], currency), current=_money(app.get("current_limit_amt"),
                                                                                   currency))))
    if app.get("requested_terms_days") is not None:
        lines.append((_("Requested terms"), _("{requested} (now {current})").format(
            requested=fmt_days(app["requested_terms_days"], not_due=False),
            current=fmt_days(app.get("current_terms_days"), not_due=False))))
    if app.get("expires_on") is not None:
        lines.append((_("Expires on"), fmt_date(app["expires_on"])))
    if app.get("write_off_amt") is not None:
        lines.append((_("Write off"), _money(app["write_off_amt"], currency)))
    lines.append((_("Effective from"), fmt_date(app["effective_from"])))
    lines.append((_("Recommendation"), str(app["recommendation"])))
    for c in app.get("conditions") or []:
        lines.append((_("Condition: {kind}").format(kind=condition_label(c["kind"])), str(c["text"])))
    lines.append((_("Authority"), _("{level}: {reason}").format(level=level_label(app["required_level"]),
                                                                reason=app["routing_reason"])))
    lines.append((_("Proposed"), _("by {user} on {date}; picture as of {as_of}").format(
        user=app["proposed_by"], date=fmt_date(str(app["proposed_at"])[:10]), as_of=fmt_date(app["picture_as_of"]))))
    lines.append((_("Status"), status_label(str(app["status"]))))
    return lines


def _picture_facts(picture: dict, currency: str) -> tuple[tuple[str, str], ...]:
    """The one-page picture of an agenda item's customer as (label, formatted value) pairs."""
    facts = picture.get("facts") or {}

    def amt(value: object) -> str:
        return _money(value, currency)

    worst = facts.get("max_days_past_due")
    scores = facts.get("scores") or []
    pairs = [
        (_("Customer"), f"{picture.get('customer_name')} ({picture.get('customer_id')})"),
        (_("Group"), str(facts.get("group_name") or picture.get("group_id") or MISSING)),
        (_("Segment / industry"), f"{picture.get('segment') or MISSING} / {facts.get('industry') or MISSING}"),
        (_("Gross exposure"), amt(facts.get("gross_exposure_amt"))),
        (_("Limit in force"), amt(picture.get("current_limit_amt"))),
        (_("Group limit / group exposure"), f"{amt(picture.get('group_limit_amt'))} / "
                                            f"{amt(picture.get('group_exposure_amt'))}"),
        (_("Limit used"), fmt_pct(facts.get("utilization_pct"), 1)),  # type: ignore[arg-type]
        (_("Overdue"), _("{amount}, worst item {days}").format(amount=amt(facts.get("overdue_amt")),
                                                               days=fmt_days(worst)) if worst is not None
         else amt(facts.get("overdue_amt"))),
        (_("Grade / PD"), " / ".join((str(picture.get("grade") or _("unrated")), fmt_pd(facts.get("pd_pct"))))),  # type: ignore[arg-type]
        (_("Expected loss (1 year)"), amt(facts.get("expected_loss_amt"))),
        (_("Collateral and insurance"), amt((facts.get("collateral_amt") or 0) + (facts.get("insured_amt") or 0))),  # type: ignore[operator]
        (_("Credit hold"), _("on hold") if picture.get("on_hold") else _("no")),
    ]
    for s in scores[:3]:
        pairs.append((_("Score ({model})").format(model=s["model"]),
                      _("{score}, grade {grade}: {reasons}").format(score=fmt_int(s["score"]), grade=s["grade"],
                                                                    reasons=_("; ").join(s.get("reasons") or []))))
    return tuple(pairs)


def bucket_label(bucket: object) -> str:
    """An aging bucket's name in the current language ('not due' is words, '1-30' a range)."""
    return _(str(bucket)) if bucket else MISSING


# compact amounts on a chart's axis: K/M/B in English, 万/亿 in Chinese (Vega's SI prefixes know no 万)
ZH_AMOUNT_LABELS = ("abs(datum.value) >= 1e8 ? format(datum.value / 1e8, '~g') + '亿' : "
                    "abs(datum.value) >= 1e4 ? format(datum.value / 1e4, '~g') + '万' : format(datum.value, '~g')")


def _amount_axis():  # type: ignore[no-untyped-def]
    import altair as alt
    return alt.Axis(labelExpr=ZH_AMOUNT_LABELS) if current() == "zh" else alt.Axis(format="~s")


def _aging_spec(aging_rows: list[dict], currency: str) -> dict | None:
    import altair as alt
    rows = [r for r in aging_rows if r.get("outstanding_amt")]
    if not rows:
        return None
    order = [bucket_label(r["bucket"]) for r in aging_rows]
    data = alt.Data(values=[{"bucket": bucket_label(r["bucket"]), "amount": round(float(r["outstanding_amt"]), 2)}
                            for r in rows])
    chart = alt.Chart(data).mark_bar(color="#1f4e79").encode(
        x=alt.X("bucket:N", sort=order, title=_("days past due")),
        y=alt.Y("amount:Q", title=currency, axis=_amount_axis()),
    ).properties(width=420, height=200, title=_("Open items by days past due"))
    return chart.to_dict()


def _grade_spec(by_grade: pl.DataFrame, scale: tuple[str, ...], currency: str) -> dict:
    import altair as alt
    unrated = _("unrated")
    data = alt.Data(values=[{"grade": g if g is not None and g != "unrated" else unrated,
                             "exposure": round(float(e or 0), 2)}
                            for g, e in zip(by_grade["grade"], by_grade["gross_exposure_amt"])])
    return alt.Chart(data).mark_bar(color="#1f4e79").encode(
        x=alt.X("grade:N", sort=list(scale) + [unrated], title=_("grade")),
        y=alt.Y("exposure:Q", title=currency, axis=_amount_axis()),
    ).properties(width=520, height=220, title=_("Gross exposure by grade")).to_dict()


PACK_LABELS = {  # the pack's table headers (English source text, translated when the pack is built)
    "position": N_("No."), "kind": N_("Kind"), "title": N_("Item"), "customer_id": N_("Customer ID"),
    "exposure_amt": N_("Exposure"), "grade": N_("Grade"), "customers": N_("Customers"),
    "gross_exposure_amt": N_("Gross exposure"), "overdue_amt": N_("Overdue"), "limit_amt": N_("Credit limit"),
    "expected_loss_amt": N_("Expected loss (1 year)"), "share_pct": N_("Share"), "event_date": N_("Date"),
    "event_type": N_("Event"), "severity": N_("Severity"), "description": N_("Description"),
}


def _pack_labels(frame: pl.DataFrame, currency: str) -> dict[str, str]:
    """Human headers of a pack table's columns in the current language, with their unit."""
    out = {}
    for name in frame.columns:
        if name not in PACK_LABELS:
            continue
        text = _(PACK_LABELS[name])
        if name.endswith("_amt"):
            text = f"{text} ({currency})"
        elif name.endswith("_pct"):
            text = f"{text} %"
        out[name] = text
    return out


def build_pack(wh: Warehouse, store: DecisionStore, policy: Policy, meeting_id: int | None = None,
               as_of: date | None = None, now: object = None):  # type: ignore[no-untyped-def]
    """The committee pack's content for a meeting (its agenda, decisions and minutes) or for
    a data date (the agenda the policy would propose then), every heading and label in the
    current language. Raises InvalidRequest for an unknown meeting or a date without data."""
    from datetime import datetime, timezone
    from analytics.data.pack import Pack, PackItem, PackTable
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
            raise InvalidRequest(_("{date} is outside the data ({first} to {last})").format(
                date=fmt_date(as_of), first=fmt_date(cal.first_date), last=fmt_date(cal.latest)))
        items = propose_agenda(wh, store, as_of, as_of, policy).with_columns(
            pl.lit(None, pl.Int64).alias("item_id"), pl.lit("").alias("discussion"), pl.lit("").alias("action_text"))
        title, meeting_on, decided, notes = (_("Credit committee pack, data as of {date}").format(date=fmt_date(as_of)),
                                             None, None, ())
    view = exposure_view(wh, as_of, Filters(), policy)  # type: ignore[arg-type]
    k = view.kpis
    open_apps = store.applications(status=("pending", "deferred"))
    headline = (
        (_("Gross exposure"), fmt_amount(k.gross_exposure_amt, currency)),
        (_("Net exposure"), fmt_amount(k.net_exposure_amt, currency)),
        (_("Limits"), fmt_amount(k.limit_amt, currency)),
        (_("Limit used"), fmt_pct(k.utilization_pct, 1)),
        (_("Overdue share"), fmt_pct(k.overdue_share_pct, 1)),
        (_("Expected loss (1 year)"), fmt_amount(k.expected_loss_amt, currency)),
        (_("Customers over limit"), fmt_int(k.customers_over_limit)),
        (_("Customers with exposure"), fmt_int(k.customers_with_exposure)),
        (_("Open applications"), fmt_int(open_apps.height)),
        (_("Agenda items"), fmt_int(items.height)),
    )
    by_grade = view.breakdowns["grade"]
    agenda_frame = items.select(
        "position", pl.col("kind").replace_strict(translated(AGENDA_KINDS), default=pl.col("kind")).alias("kind"),
        "title", pl.col("customer_id"), "exposure_amt")
    agenda_table = PackTable(_("Agenda"), agenda_frame, _pack_labels(agenda_frame, currency))
    grade_frame = by_grade.select("grade", "customers", "gross_exposure_amt", "overdue_amt", "limit_amt",
                                  "expected_loss_amt", "share_pct").with_columns(
        pl.col("grade").fill_null("unrated").replace("unrated", _("unrated")))
    grade_table = PackTable(_("Exposure by grade"), grade_frame, _pack_labels(grade_frame, currency))
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
                frame = pl.DataFrame({
                    "event_date": [None if not e.get("event_date") else date.fromisoformat(str(e["event_date"])[:10])
                                   for e in events],
                    "event_type": [code_label(EVENT_TYPE_LABELS, e.get("event_type")) for e in events],
                    "severity": [code_label(SEVERITY_LABELS, e.get("severity")) for e in events],
                    "description": [e.get("description") for e in events]},
                    schema={"event_date": pl.Date, "event_type": pl.String, "severity": pl.String,
                            "description": pl.String})
                tables.append(PackTable(_("Events in the last 12 months"), frame, _pack_labels(frame, currency)))
        if decided is not None and item.get("application_id") is not None:
            d = decided.filter(pl.col("application_id") == item["application_id"])
            if d.height:
                outcome = decision_words(d.row(0, named=True), currency, lead=False)
        if item.get("discussion"):
            proposal.append((_("Discussion"), str(item["discussion"])))
        if item.get("action_text"):
            template = _("{action} ({owner}, due {date})") if item.get("action_due") else _("{action} ({owner})")
            proposal.append((_("Action"), template.format(action=item["action_text"],
                                                          owner=item.get("action_owner") or MISSING,
                                                          date=fmt_date(item.get("action_due")))))
        pack_items.append(PackItem(
            position=int(item["position"]), title=str(item["title"]),
            kind_label=_("{kind}: {reason}").format(kind=agenda_kind_label(item["kind"]), reason=item["reason"])
            if item["reason"] else agenda_kind_label(item["kind"]),
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
    """The committee pack as PDF or XLSX bytes (analytics.data.pack), in the current language."""
    from analytics.data.pack import render_pdf, render_xlsx
    pack = build_pack(wh, store, policy, meeting_id, as_of)
    if fmt == "pdf":
        why = pack_pdf_unavailable()
        if why:
            raise InvalidRequest(why)
        return render_pdf(pack)
    if fmt == "xlsx":
        return render_xlsx(pack)
    raise InvalidRequest(_("pack format '{format}': pdf or xlsx").format(format=fmt))
