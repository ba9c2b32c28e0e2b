"""Applications, decisions, votes, committee meetings and decided limits: the one way to
change the decisions store. Every change checks the actor's role first, runs in one
transaction with its audit entry, and refuses stale or invalid requests with a message,
changing nothing.

DOMAIN.md, Credit decisions. Concurrency: an application carries a row version; a change
names the version it was shown, and the update applies only while the row still has it
(`... where row_version = :seen`), so of two sessions deciding the same application one
wins and the other is told who decided first.
"""

from __future__ import annotations

import json
import math
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from typing import Iterator

import polars as pl
from sqlalchemy import Connection, Engine, func, select, update

from analytics.formats import fmt_date, fmt_int, fmt_number
from analytics.i18n import N_, _
from analytics.policy import Policy
from analytics.policy.access import Actor, Forbidden, require
from analytics.risk.authority import (CONDITION_KINDS, KINDS, LIMIT_KINDS, OUTCOMES, AuthorityError,
                                      authority_amount, condition_label, kind_label, level_label, outcome_label)
from analytics.risk.committee import AGENDA_KINDS, VOTES, Tally, agenda_items as build_agenda, tally
from analytics.store import audit
from analytics.store.db import migrate, open_engine, store_url
from analytics.store.schema import (agenda_items, applications, decided_limits, decisions, meetings, opinions,
                                    votes)

OPEN_STATUSES = ("pending", "deferred")
STATUSES = {"pending": N_("Awaiting decision"), "deferred": N_("Deferred"), "withdrawn": N_("Withdrawn"), **{
    k: v for k, v in OUTCOMES.items() if k != "deferred"}}  # English source text: status_label
OPINION_ACTIONS = {"forward": N_("forwarded"), "withdraw": N_("withdrew"),
                   "refresh": N_("refreshed the picture")}  # an opinion's action in words: opinion_label
MAX_TEXT = 5000
MAX_AMOUNT = 1e15


def status_label(status: str) -> str:
    """An application's status in words, in the current language."""
    return _(STATUSES[status]) if status in STATUSES else status


def opinion_label(action: str) -> str:
    """What an opinion on the way up did, in words, in the current language."""
    return _(OPINION_ACTIONS[action]) if action in OPINION_ACTIONS else action


class DecisionError(ValueError):
    """A request the store refuses (bad input, a rule of the policy): nothing was changed."""


class StaleRecord(DecisionError):
    """The record changed since it was shown (someone else acted first): nothing was changed."""


@dataclass(frozen=True)
class Condition:
    """A condition attached to a recommendation or a decision (CONDITION_KINDS) and its text."""

    kind: str
    text: str


@dataclass(frozen=True)
class Picture:
    """The customer as the warehouse shows it when the application is made, frozen with it.

    Amounts in the reporting currency `currency`. facts: everything else shown (exposure,
    aging, PD, score and reasons, behaviour, events, cover), JSON-able."""

    customer_id: str
    customer_name: str
    group_id: str | None
    segment: str | None
    currency: str
    grade: str | None
    current_limit_amt: float | None
    current_terms_days: int | None
    group_limit_amt: float | None
    group_exposure_amt: float | None
    outstanding_amt: float | None
    on_hold: bool
    limit_scope: str | None
    as_of: date
    warehouse_version: str
    facts: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ApplicationRequest:
    """What an analyst asks for. Amounts in the reporting currency."""

    customer_id: str
    kind: str
    recommendation: str
    requested_limit_amt: float | None = None
    requested_terms_days: int | None = None
    expires_on: date | None = None
    write_off_amt: float | None = None
    effective_from: date | None = None  # None: the day it is decided
    conditions: tuple[Condition, ...] = ()


def _utc(now: datetime | None) -> datetime:
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc)


def _text(value: object, what: str, required: bool = True) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise DecisionError(_("{what} is required.").format(what=_(what)))
    if len(text) > MAX_TEXT:
        raise DecisionError(_("{what} is longer than {n} characters.").format(what=_(what), n=fmt_int(MAX_TEXT)))
    return text


def _amount(value: float | None, what: str) -> float:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise DecisionError(_("{what} must be an amount.").format(what=_(what)))
    if value < 0:
        raise DecisionError(_("{what} must be 0 or more, not {value}.").format(what=_(what), value=fmt_number(value, 2)))
    if value > MAX_AMOUNT:
        raise DecisionError(_("{what} {value} is not a plausible amount.").format(what=_(what),
                                                                                  value=fmt_number(value)))
    return float(value)


def _conditions(items: tuple[Condition, ...] | list[Condition]) -> list[dict[str, str]]:
    out = []
    for c in items:
        if c.kind not in CONDITION_KINDS:
            raise DecisionError(_("unknown condition '{kind}' (one of {kinds}).").format(
                kind=c.kind, kinds=", ".join(CONDITION_KINDS)))
        out.append({"kind": c.kind, "text": _text(c.text, _("The condition '{name}'").format(
            name=condition_label(c.kind)))})
    return out


def validate_request(request: ApplicationRequest, picture: Picture, policy: Policy, today: date) -> dict[str, object]:
    """The application's values, checked against its kind and the customer's picture.
    Raises DecisionError listing every problem."""
    problems: list[str] = []
    kind = request.kind
    if kind not in KINDS:
        raise DecisionError(_("unknown application kind '{kind}' (one of {kinds}).").format(
            kind=kind, kinds=", ".join(KINDS)))
    if request.customer_id != picture.customer_id:
        raise DecisionError(_("the picture is of another customer than the application."))
    values: dict[str, object] = {"requested_limit_amt": None, "requested_terms_days": None, "expires_on": None,
                                 "write_off_amt": None}
    current = picture.current_limit_amt
    try:
        if kind in LIMIT_KINDS:
            requested = _amount(request.requested_limit_amt, N_("The requested limit"))
            values["requested_limit_amt"] = requested
            if kind == "new_limit" and current:
                problems.append(_("{customer} already has a limit of {limit}: apply for an increase or a "
                                  "decrease instead.").format(customer=picture.customer_name, limit=fmt_number(current)))
            if kind == "new_limit" and requested <= 0:
                problems.append(_("A new limit must be more than 0."))
            if kind in ("limit_increase", "temporary_limit") and requested <= (current or 0):
                problems.append(_("The requested limit {requested} is not above the current limit {current}.").format(
                    requested=fmt_number(requested), current=fmt_number(current or 0)))
            if kind == "limit_decrease" and (current is None or requested >= current):
                problems.append(_("The requested limit {requested} is not below the current limit {current}.").format(
                    requested=fmt_number(requested), current=fmt_number(current or 0)))
        if kind == "temporary_limit":
            if request.expires_on is None:
                problems.append(_("A temporary limit needs an expiry date."))
            else:
                start = request.effective_from or today
                if request.expires_on <= start:
                    problems.append(_("The expiry date {expires} must be after {start}.").format(
                        expires=fmt_date(request.expires_on), start=fmt_date(start)))
                elif (request.expires_on - start).days > policy.temporary_max_days:
                    problems.append(_("A temporary limit runs at most {days} days (to {last}).").format(
                        days=fmt_int(policy.temporary_max_days),
                        last=fmt_date(start + timedelta(days=policy.temporary_max_days))))
                values["expires_on"] = request.expires_on
        if kind == "terms_change":
            terms = request.requested_terms_days
            if not isinstance(terms, int) or isinstance(terms, bool) or not 0 <= terms <= 365:
                problems.append(_("The requested payment terms must be whole days from 0 to 365."))
            elif terms == picture.current_terms_days:
                problems.append(_("The customer's terms are {days} days already.").format(days=fmt_int(terms)))
            if not current:
                problems.append(_("{customer} has no limit: payment terms go with a limit (apply for a new limit "
                                  "with its terms).").format(customer=picture.customer_name))
            values["requested_terms_days"] = terms
        if kind == "hold_release" and not picture.on_hold:
            problems.append(_("{customer} is not on credit hold at {date}.").format(
                customer=picture.customer_name, date=fmt_date(picture.as_of)))
        if kind == "write_off":
            amount = _amount(request.write_off_amt, N_("The amount to write off"))
            if amount <= 0:
                problems.append(_("The amount to write off must be more than 0."))
            elif amount > (picture.outstanding_amt or 0) + 0.005:
                problems.append(_("The amount to write off {amount} is more than the customer's outstanding "
                                  "{outstanding}.").format(amount=fmt_number(amount, 2),
                                                           outstanding=fmt_number(picture.outstanding_amt or 0, 2)))
            values["write_off_amt"] = amount
    except DecisionError as exc:
        problems.append(str(exc))
    if request.effective_from is not None and request.effective_from < today:
        problems.append(_("The effective date {date} is in the past: a decision takes effect from its own date "
                          "or later, it never rewrites history.").format(date=fmt_date(request.effective_from)))
    if request.effective_from is not None and request.effective_from > today + timedelta(days=366):
        problems.append(_("The effective date {date} is more than a year ahead.").format(
            date=fmt_date(request.effective_from)))
    try:
        values["recommendation"] = _text(request.recommendation, N_("The analyst's recommendation"))
        values["conditions"] = _conditions(request.conditions)
    except DecisionError as exc:
        problems.append(str(exc))
    if problems:
        raise DecisionError(" ".join(problems))
    return values


def _row(con: Connection, table, key, value) -> dict[str, object] | None:  # type: ignore[no-untyped-def]
    row = con.execute(select(table).where(key == value)).first()
    return None if row is None else dict(row._mapping)


def _jsonable(record: dict[str, object] | None) -> dict[str, object] | None:
    return None if record is None else json.loads(audit.canonical(record))


class DecisionStore:
    """The decisions store on one database (see analytics.store.db for the URL)."""

    def __init__(self, policy: Policy, url: str | None = None, folder: str | None = None,
                 engine: Engine | None = None):
        self.policy = policy
        self.engine = engine or open_engine(store_url(url, folder))
        migrate(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A read: a snapshot that never waits for a writer (SQLite: a plain BEGIN)."""
        with self.engine.connect() as con:
            con.info["read"] = True
            try:
                yield con
            finally:
                con.info.pop("read", None)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.begin() as con:
            audit.lock_head(con)  # every writer queues here: one chain, no interleaving
            yield con

    def _audit(self, con: Connection, actor: Actor | str, action: str, entity: str, entity_id: object,
               before: object, after: object, now: datetime) -> None:
        who = actor if isinstance(actor, str) else actor.username
        audit.append(con, who, action, entity, entity_id, _jsonable(before) if isinstance(before, dict) else before,
                     _jsonable(after) if isinstance(after, dict) else after, audit.now_text(now))

    def _level(self, name: str) -> int:
        """A level's place on the chain; a level the policy no longer has counts as the
        committee's (only the committee may decide it)."""
        try:
            return self.policy.authority.index(name)
        except AuthorityError:
            return len(self.policy.authority.levels) - 1

    def record_account_change(self, by: str, action: str, username: str, after: dict[str, object],
                              now: datetime | None = None) -> None:
        """An audit entry for a change to the accounts file (who ran it: the operating-system
        user of the `users` command; never a password or its hash)."""
        with self._write() as con:
            self._audit(con, by, action, "account", username, None, after, _utc(now))

    def record_sign_in(self, actor: Actor, method: str, now: datetime | None = None) -> None:
        """An audit entry for a sign-in (method: 'password', 'oidc' or 'none')."""
        with self._write() as con:
            self._audit(con, actor, "sign_in", "session", actor.username, None,
                        {"name": actor.name, "roles": list(actor.roles), "method": method}, _utc(now))

    def record_sign_out(self, actor: Actor, now: datetime | None = None) -> None:
        with self._write() as con:
            self._audit(con, actor, "sign_out", "session", actor.username, None, {}, _utc(now))

    def record_export(self, actor: Actor, what: str, now: datetime | None = None) -> None:
        """An audit entry for an export of decisions data (the pack, the trail, the limits file)."""
        with self._write() as con:
            self._audit(con, actor, "export", "export", what, None, {"what": what}, _utc(now))

    # ------------------------------------------------------------------ applications

    def submit(self, actor: Actor, request: ApplicationRequest, picture: Picture,
               now: datetime | None = None) -> int:
        """File an application with its frozen picture; it is routed by the authority matrix.
        Returns its id. Raises Forbidden or DecisionError (nothing is written)."""
        require(self.policy.access, actor, "apply", N_("submit credit applications"))
        moment = _utc(now)
        values = validate_request(request, picture, self.policy, moment.date())
        routing = self._route(request.kind, values, picture)
        record = {
            "customer_id": picture.customer_id, "customer_name": picture.customer_name,
            "group_id": picture.group_id, "segment": picture.segment, "kind": request.kind, "status": "pending",
            "currency": picture.currency, "current_limit_amt": picture.current_limit_amt,
            "current_terms_days": picture.current_terms_days,
            "requested_limit_amt": values["requested_limit_amt"], "requested_terms_days": values["requested_terms_days"],
            "expires_on": values["expires_on"], "write_off_amt": values["write_off_amt"],
            "effective_from": request.effective_from or moment.date(),
            "recommendation": values["recommendation"], "conditions_json": audit.canonical(values["conditions"]),
            "picture_json": audit.canonical(asdict(picture)), "picture_as_of": picture.as_of,
            "picture_taken_at": audit.now_text(moment), "warehouse_version": picture.warehouse_version,
            "grade": picture.grade, "authority_amt": routing.authority_amt, "required_level": routing.level,
            "routing_reason": routing.reason, "proposed_by": actor.username, "proposed_at": audit.now_text(moment),
            "decided_at": None, "row_version": 1,
        }
        with self._write() as con:
            new_id = int(con.execute(applications.insert().values(**record)).inserted_primary_key[0])
            self._audit(con, actor, "submit", "application", new_id, None, {**record, "application_id": new_id},
                        moment)
        return new_id

    def _route(self, kind: str, values: dict[str, object], picture: Picture):  # type: ignore[no-untyped-def]
        amount = authority_amount(kind, values.get("requested_limit_amt"), picture.current_limit_amt,  # type: ignore[arg-type]
                                  picture.group_limit_amt, picture.group_exposure_amt,
                                  values.get("write_off_amt"))  # type: ignore[arg-type]
        return self.policy.authority.route(kind, amount, picture.grade, picture.segment)

    def application(self, application_id: int) -> dict[str, object]:
        """One application as stored, with its picture and conditions parsed. Raises
        DecisionError for an unknown id."""
        with self._read() as con:
            row = _row(con, applications, applications.c.application_id, int(application_id))
        if row is None:
            raise DecisionError(_("There is no application {id}.").format(id=application_id))
        row["picture"] = json.loads(str(row.pop("picture_json")))
        row["conditions"] = json.loads(str(row.pop("conditions_json")))
        return row

    def _current(self, con: Connection, application_id: int, seen_version: int) -> dict[str, object]:
        row = _row(con, applications, applications.c.application_id, int(application_id))
        if row is None:
            raise DecisionError(_("There is no application {id}.").format(id=application_id))
        if row["row_version"] != seen_version:
            last = con.execute(select(opinions.c.author, opinions.c.action, opinions.c.at)
                               .where(opinions.c.application_id == application_id)
                               .order_by(opinions.c.opinion_id.desc()).limit(1)).first()
            dec = con.execute(select(decisions.c.decided_by, decisions.c.outcome, decisions.c.decided_at)
                              .where(decisions.c.application_id == application_id)
                              .order_by(decisions.c.decision_id.desc()).limit(1)).first()
            if dec is not None and (last is None or dec[2] >= last[2]):
                who = _("{user} recorded '{outcome}' at {time} UTC").format(
                    user=dec[0], outcome=outcome_label(dec[1]), time=dec[2][:16].replace("T", " "))
            elif last is not None:
                who = _("{user} ({action}) at {time} UTC").format(user=last[0], action=opinion_label(last[1]),
                                                                  time=last[2][:16].replace("T", " "))
            else:
                who = _("someone changed it")
            raise StaleRecord(_("Application {id} changed since you opened it: {who}. Nothing was changed; reload "
                                "it to see where it stands.").format(id=application_id, who=who))
        return row

    def _bump(self, con: Connection, application_id: int, seen_version: int, **values: object) -> None:
        result = con.execute(update(applications)
                             .where(applications.c.application_id == application_id,
                                    applications.c.row_version == seen_version)
                             .values(row_version=applications.c.row_version + 1, **values))
        if result.rowcount != 1:
            raise StaleRecord(_("Application {id} changed since you opened it. Nothing was changed.").format(
                id=application_id))

    def _check_stale_picture(self, row: dict[str, object], moment: datetime) -> None:
        taken = datetime.fromisoformat(str(row["picture_taken_at"]))
        age = (moment - taken).days
        if age > self.policy.picture_valid_days:
            raise DecisionError(
                _("Application {id}'s picture of the customer was taken {age} days ago (valid {valid} days): refresh "
                  "it before deciding. Nothing was changed.").format(id=row["application_id"], age=fmt_int(age),
                                                                     valid=fmt_int(self.policy.picture_valid_days)))

    def decide(self, actor: Actor, application_id: int, seen_version: int, outcome: str, reason: str,
               conditions: tuple[Condition, ...] = (), decided_limit_amt: float | None = None,
               meeting_id: int | None = None, now: datetime | None = None) -> int:
        """Record a decision: approve, approve with conditions, decline or defer, with the
        reason. Below the committee: a holder of the level's role (or a higher one), never
        the proposer. At the committee: recorded from a meeting by whoever runs it, on the
        members' votes (an approval needs the votes to carry it, a decline too).

        decided_limit_amt: the limit approved when less than the one asked for. Returns the
        decision id. Raises Forbidden, StaleRecord or DecisionError (nothing is written)."""
        moment = _utc(now)
        if outcome not in OUTCOMES:
            raise DecisionError(_("unknown outcome '{outcome}' (one of {outcomes}).").format(
                outcome=outcome, outcomes=", ".join(OUTCOMES)))
        reason_text = _text(reason, N_("The reason for the decision"))
        conds = _conditions(conditions)
        if outcome == "approved_with_conditions" and not conds:
            raise DecisionError(_("An approval with conditions needs at least one condition."))
        if outcome != "approved_with_conditions" and conds:
            raise DecisionError(_("Conditions go with 'approved with conditions' only."))
        matrix = self.policy.authority
        with self._write() as con:
            row = self._current(con, application_id, seen_version)
            if row["status"] not in OPEN_STATUSES:
                raise DecisionError(_("Application {id} is {status} already. Nothing was changed.").format(
                    id=application_id, status=status_label(str(row["status"])).lower()))
            level_index = self._level(str(row["required_level"]))
            tally_: Tally | None = None
            if level_index == len(matrix.levels) - 1:
                if meeting_id is None:
                    raise DecisionError(_("Application {id} goes to the {committee}: it is decided in a meeting, on "
                                          "the members' votes.").format(id=application_id,
                                                                        committee=level_label(matrix.committee.name)))
                require(self.policy.access, actor, "run_meetings", N_("record the committee's decisions"))
                self._open_meeting(con, meeting_id)
                self._require_on_agenda(con, meeting_id, application_id)
                cast = [str(v) for v in con.execute(select(votes.c.vote).where(
                    votes.c.meeting_id == meeting_id, votes.c.application_id == application_id)).scalars()]
                tally_ = tally(cast, self.policy.committee)
                if outcome in ("approved", "approved_with_conditions") and tally_.carried != "approve":
                    raise DecisionError(_("The votes ({votes}) do not carry an approval; the committee can decline it "
                                          "only if they carry a decline, else defer it.").format(votes=tally_.words()))
                if outcome == "declined" and tally_.carried != "decline":
                    raise DecisionError(_("The votes ({votes}) do not carry a decline.").format(votes=tally_.words()))
            else:
                require(self.policy.access, actor, "decide", N_("decide credit applications"))
                mine = matrix.decider_index(actor.roles)
                if mine < level_index:
                    raise Forbidden(_("Application {id} needs the {level}'s authority ({reason}); {user} decides up "
                                      "to {own} and can only forward it.").format(
                        id=application_id, level=level_label(row["required_level"]), reason=row["routing_reason"],
                        user=actor.label(), own=level_label(matrix.levels[mine].name) if mine >= 0 else _("no level")))
            if row["proposed_by"] == actor.username:
                raise Forbidden(_("Four eyes: {user} proposed application {id} and may not decide it.").format(
                    user=actor.label(), id=application_id))
            if outcome != "deferred":
                self._check_stale_picture(row, moment)
            effective = max(row["effective_from"], moment.date()) if outcome.startswith("approved") else None  # type: ignore[type-var]
            before = self._limit_in_force(con, row, effective)
            limit_amt, terms = self._decided_values({**row, **before}, outcome, decided_limit_amt)
            if effective is not None and row["expires_on"] is not None and effective >= row["expires_on"]:
                raise DecisionError(_("The temporary limit of application {id} expires on {expires}, before it "
                                      "could take effect ({effective}): it needs a new application. Nothing was "
                                      "changed.").format(id=application_id, expires=fmt_date(row["expires_on"]),  # type: ignore[arg-type]
                                                         effective=fmt_date(effective)))
            if level_index < len(matrix.levels) - 1:
                meeting_id = None  # decided by an approver: it belongs to no meeting
            decision = {
                "application_id": application_id, "outcome": outcome, "level": row["required_level"],
                "decided_by": actor.username, "decided_at": audit.now_text(moment), "reason": reason_text,
                "conditions_json": audit.canonical(conds), "meeting_id": meeting_id,
                "votes_for": tally_.votes_for if tally_ else None,
                "votes_against": tally_.votes_against if tally_ else None,
                "abstentions": tally_.abstentions if tally_ else None,
                "limit_amt": limit_amt, "payment_terms_days": terms, "effective_from": effective,
                "expires_on": row["expires_on"] if outcome.startswith("approved") else None,
                "write_off_amt": row["write_off_amt"] if outcome.startswith("approved") else None,
            }
            decision_id = int(con.execute(decisions.insert().values(**decision)).inserted_primary_key[0])
            status = outcome
            self._bump(con, application_id, seen_version, status=status,
                       decided_at=decision["decided_at"] if outcome != "deferred" else None)
            self._audit(con, actor, "decide", "application", application_id,
                        {"status": row["status"], "row_version": row["row_version"]},
                        {**decision, "decision_id": decision_id, "status": status}, moment)
            if outcome.startswith("approved") and (limit_amt is not None):
                limit = {
                    "decision_id": decision_id, "customer_id": row["customer_id"], "effective_from": effective,
                    "limit_amt": limit_amt, "currency": row["currency"], "expires_on": row["expires_on"],
                    "payment_terms_days": terms, "approved_by": actor.username,
                    "approval_level": row["required_level"],
                    "limit_scope": json.loads(str(row["picture_json"])).get("limit_scope"),
                    "recorded_at": audit.now_text(moment),
                }
                rows = [limit]
                if row["kind"] == "temporary_limit":  # from the day after its expiry, the limit before it
                    rows.append({**limit, "effective_from": row["expires_on"] + timedelta(days=1),  # type: ignore[operator]
                                 "limit_amt": before["current_limit_amt"], "expires_on": before["limit_expires_on"]})
                for values in rows:
                    if values["limit_amt"] is None:
                        continue
                    limit_id = int(con.execute(decided_limits.insert().values(**values)).inserted_primary_key[0])
                    self._audit(con, actor, "create", "decided_limit", limit_id, None,
                                {**values, "limit_id": limit_id}, moment)
        return decision_id

    @staticmethod
    def _limit_in_force(con: Connection, row: dict[str, object], effective: date | None) -> dict[str, object]:
        """The limit, terms and expiry a decision starts from: the latest decided limit of the
        customer in force by `effective` (a decision made since the application's picture),
        else the picture's."""
        picture = json.loads(str(row["picture_json"]))
        base = {"current_limit_amt": row["current_limit_amt"], "current_terms_days": row["current_terms_days"],
                "limit_expires_on": (picture.get("facts") or {}).get("limit_expires_on")}
        if isinstance(base["limit_expires_on"], str):
            base["limit_expires_on"] = date.fromisoformat(base["limit_expires_on"])
        if effective is None:
            return base
        latest = con.execute(select(decided_limits).where(
            decided_limits.c.customer_id == row["customer_id"], decided_limits.c.effective_from <= effective)
            .order_by(decided_limits.c.effective_from.desc(), decided_limits.c.limit_id.desc()).limit(1)).first()
        if latest is None:
            return base
        m = latest._mapping
        return {"current_limit_amt": m["limit_amt"], "current_terms_days": m["payment_terms_days"]
                if m["payment_terms_days"] is not None else base["current_terms_days"],
                "limit_expires_on": m["expires_on"]}

    @staticmethod
    def _decided_values(row: dict[str, object], outcome: str,
                        decided_limit_amt: float | None) -> tuple[float | None, int | None]:
        """The limit and terms a decision puts in force (None, None: none)."""
        if not outcome.startswith("approved"):
            if decided_limit_amt is not None:
                raise DecisionError(_("A decided limit goes with an approval only."))
            return None, None
        kind = str(row["kind"])
        current_terms = row["current_terms_days"]
        if kind in LIMIT_KINDS:
            requested = float(row["requested_limit_amt"])  # type: ignore[arg-type]
            if decided_limit_amt is None:
                return requested, current_terms  # type: ignore[return-value]
            amount = _amount(decided_limit_amt, N_("The decided limit"))
            if kind == "limit_decrease":
                if amount > requested:
                    raise DecisionError(_("The decided limit {amount} is above the requested {requested}.").format(
                        amount=fmt_number(amount), requested=fmt_number(requested)))
            elif not 0 < amount <= requested:
                raise DecisionError(_("The decided limit must be more than 0 and at most the requested {requested}; a "
                                      "higher limit needs a new application.").format(requested=fmt_number(requested)))
            return amount, current_terms  # type: ignore[return-value]
        if decided_limit_amt is not None:
            raise DecisionError(_("A {kind} decides no limit amount.").format(kind=kind_label(kind).lower()))
        if kind == "terms_change":
            return float(row["current_limit_amt"]), int(row["requested_terms_days"])  # type: ignore[arg-type]
        return None, None

    def forward(self, actor: Actor, application_id: int, seen_version: int, text: str,
                to_level: str | None = None, now: datetime | None = None) -> None:
        """An approver's opinion on the way up. Below the required level: the only thing an
        approver can do; at or above it: `to_level` escalates to a higher level."""
        moment = _utc(now)
        require(self.policy.access, actor, "decide", N_("forward credit applications"))
        note = _text(text, N_("The note on forwarding"))
        matrix = self.policy.authority
        with self._write() as con:
            row = self._current(con, application_id, seen_version)
            if row["status"] not in OPEN_STATUSES:
                raise DecisionError(_("Application {id} is decided already.").format(id=application_id))
            if row["proposed_by"] == actor.username:
                raise Forbidden(_("Four eyes: {user} proposed application {id}; another approver forwards it.").format(
                    user=actor.label(), id=application_id))
            values: dict[str, object] = {}
            if to_level is not None:
                try:
                    target = matrix.index(to_level)
                except AuthorityError as exc:
                    raise DecisionError(str(exc)) from exc
                if target <= self._level(str(row["required_level"])):
                    raise DecisionError(_("{level} is not above the {current}.").format(
                        level=level_label(to_level), current=level_label(row["required_level"])))
                values = {"required_level": to_level,
                          "routing_reason": _("{reason}; escalated by {user}: {note}").format(
                              reason=row["routing_reason"], user=actor.username, note=note)}
            con.execute(opinions.insert().values(application_id=application_id, author=actor.username,
                                                 action="forward", text=note, at=audit.now_text(moment)))
            self._bump(con, application_id, seen_version, **values)
            self._audit(con, actor, "forward", "application", application_id,
                        {"required_level": row["required_level"], "row_version": row["row_version"]},
                        {"note": note, **values}, moment)

    def withdraw(self, actor: Actor, application_id: int, seen_version: int, reason: str,
                 now: datetime | None = None) -> None:
        """The proposer (or another analyst) withdraws an open application."""
        moment = _utc(now)
        require(self.policy.access, actor, "apply", N_("withdraw credit applications"))
        note = _text(reason, N_("The reason for withdrawing"))
        with self._write() as con:
            row = self._current(con, application_id, seen_version)
            if row["status"] not in OPEN_STATUSES:
                raise DecisionError(_("Application {id} is decided already.").format(id=application_id))
            con.execute(opinions.insert().values(application_id=application_id, author=actor.username,
                                                 action="withdraw", text=note, at=audit.now_text(moment)))
            self._bump(con, application_id, seen_version, status="withdrawn", decided_at=audit.now_text(moment))
            self._audit(con, actor, "withdraw", "application", application_id, {"status": row["status"]},
                        {"status": "withdrawn", "reason": note}, moment)

    def refresh(self, actor: Actor, application_id: int, seen_version: int, picture: Picture,
                now: datetime | None = None) -> None:
        """Take the customer's picture again (a stale application) and route it anew."""
        moment = _utc(now)
        require(self.policy.access, actor, "apply", N_("refresh credit applications"))
        with self._write() as con:
            row = self._current(con, application_id, seen_version)
            if row["status"] not in OPEN_STATUSES:
                raise DecisionError(_("Application {id} is decided already.").format(id=application_id))
            request = ApplicationRequest(
                customer_id=str(row["customer_id"]), kind=str(row["kind"]), recommendation=str(row["recommendation"]),
                requested_limit_amt=row["requested_limit_amt"], requested_terms_days=row["requested_terms_days"],  # type: ignore[arg-type]
                expires_on=row["expires_on"], write_off_amt=row["write_off_amt"],  # type: ignore[arg-type]
                effective_from=max(row["effective_from"], moment.date()),  # type: ignore[type-var]
                conditions=tuple(Condition(**c) for c in json.loads(str(row["conditions_json"]))))
            values = validate_request(request, picture, self.policy, moment.date())
            routing = self._route(request.kind, values, picture)
            matrix = self.policy.authority
            if self._level(str(row["required_level"])) > routing.level_index:  # an escalation stands
                routing = replace(routing, level_index=self._level(str(row["required_level"])),
                                  level=str(row["required_level"]), reason=str(row["routing_reason"]))
            new = {"picture_json": audit.canonical(asdict(picture)), "picture_as_of": picture.as_of,
                   "picture_taken_at": audit.now_text(moment), "warehouse_version": picture.warehouse_version,
                   "grade": picture.grade, "current_limit_amt": picture.current_limit_amt,
                   "current_terms_days": picture.current_terms_days, "authority_amt": routing.authority_amt,
                   "required_level": routing.level, "routing_reason": routing.reason,
                   "effective_from": request.effective_from}
            con.execute(opinions.insert().values(application_id=application_id, author=actor.username,
                                                 action="refresh", text=_("picture retaken at {date}").format(
                                                     date=fmt_date(picture.as_of)),
                                                 at=audit.now_text(moment)))
            self._bump(con, application_id, seen_version, **new)
            self._audit(con, actor, "refresh", "application", application_id,
                        {k: row[k] for k in new if k != "picture_json"},
                        {k: v for k, v in new.items() if k != "picture_json"}, moment)

    # ------------------------------------------------------------------ reading

    def applications(self, status: tuple[str, ...] = (), customer_id: str | None = None) -> pl.DataFrame:
        """Applications, newest first (without their pictures)."""
        cols = [c for c in applications.c if c.name not in ("picture_json",)]
        query = select(*cols).order_by(applications.c.application_id.desc())
        if status:
            query = query.where(applications.c.status.in_(status))
        if customer_id is not None:
            query = query.where(applications.c.customer_id == customer_id)
        return self._frame(query, cols)

    def decisions(self, customer_id: str | None = None, application_id: int | None = None) -> pl.DataFrame:
        """Decisions with their application's customer and kind, newest first."""
        cols = [*decisions.c, applications.c.customer_id, applications.c.customer_name, applications.c.kind,
                applications.c.proposed_by, applications.c.requested_limit_amt, applications.c.current_limit_amt]
        query = (select(*cols).join(applications, applications.c.application_id == decisions.c.application_id)
                 .order_by(decisions.c.decision_id.desc()))
        if customer_id is not None:
            query = query.where(applications.c.customer_id == customer_id)
        if application_id is not None:
            query = query.where(decisions.c.application_id == application_id)
        return self._frame(query, cols)

    def opinions(self, application_id: int) -> pl.DataFrame:
        cols = list(opinions.c)
        return self._frame(select(*cols).where(opinions.c.application_id == application_id)
                           .order_by(opinions.c.opinion_id), cols)

    def decided_limits(self) -> pl.DataFrame:
        """Every limit decisions put in force, oldest first: the overlay on the loaded limit
        history and the ERP import file (credit_limits' columns plus the decision id)."""
        cols = list(decided_limits.c)
        return self._frame(select(*cols).order_by(decided_limits.c.limit_id), cols)

    def limits_stamp(self) -> int:
        """Changes when a decided limit is added (the overlay's cache key)."""
        with self._read() as con:
            return int(con.execute(select(func.coalesce(func.max(decided_limits.c.limit_id), 0))).scalar_one())

    def _frame(self, query, cols) -> pl.DataFrame:  # type: ignore[no-untyped-def]
        with self._read() as con:
            rows = [tuple(r) for r in con.execute(query)]
        schema = {c.name: _polars_type(c) for c in cols}
        return pl.DataFrame(rows, schema=schema, orient="row")

    # ------------------------------------------------------------------ meetings

    def create_meeting(self, actor: Actor, meeting_on: date, title: str, data_as_of: date,
                       proposed: pl.DataFrame | None = None, now: datetime | None = None) -> int:
        """A committee meeting with its agenda (the policy's proposal, `agenda_items`)."""
        moment = _utc(now)
        require(self.policy.access, actor, "run_meetings", N_("set up committee meetings"))
        name = _text(title, N_("The meeting's title"))
        if not isinstance(meeting_on, date):
            raise DecisionError(_("The meeting needs a date."))
        with self._write() as con:
            record = {"meeting_on": meeting_on, "title": name, "data_as_of": data_as_of, "status": "planned",
                      "created_by": actor.username, "created_at": audit.now_text(moment), "closed_at": None,
                      "row_version": 1}
            meeting_id = int(con.execute(meetings.insert().values(**record)).inserted_primary_key[0])
            self._audit(con, actor, "create", "meeting", meeting_id, None, {**record, "meeting_id": meeting_id}, moment)
            if proposed is not None:
                for item in proposed.iter_rows(named=True):
                    self._insert_item(con, actor, meeting_id, item, "agenda", moment)
        return meeting_id

    def _insert_item(self, con: Connection, actor: Actor, meeting_id: int, item: dict[str, object],
                     added_by: str, moment: datetime) -> int:
        position = int(con.execute(select(func.coalesce(func.max(agenda_items.c.position), 0))
                                   .where(agenda_items.c.meeting_id == meeting_id)).scalar_one()) + 1
        record = {"meeting_id": meeting_id, "position": position, "kind": item["kind"],
                  "customer_id": item.get("customer_id"), "customer_name": item.get("customer_name"),
                  "application_id": item.get("application_id"), "title": _text(item.get("title"), N_("The item's title")),
                  "reason": str(item.get("reason") or ""), "exposure_amt": item.get("exposure_amt"),
                  "added_by": added_by, "is_removed": False, "discussion": "", "action_text": "",
                  "action_owner": None, "action_due": None}
        item_id = int(con.execute(agenda_items.insert().values(**record)).inserted_primary_key[0])
        self._audit(con, actor, "create", "agenda_item", item_id, None, {**record, "item_id": item_id}, moment)
        return item_id

    def _open_meeting(self, con: Connection, meeting_id: int) -> dict[str, object]:
        meeting = _row(con, meetings, meetings.c.meeting_id, int(meeting_id))
        if meeting is None:
            raise DecisionError(_("There is no meeting {id}.").format(id=meeting_id))
        if meeting["status"] == "closed":
            raise DecisionError(_("Meeting {id} is closed: its agenda and minutes are final.").format(id=meeting_id))
        return meeting

    @staticmethod
    def _require_on_agenda(con: Connection, meeting_id: int, application_id: int) -> None:
        on_agenda = con.execute(select(func.count()).select_from(agenda_items).where(
            agenda_items.c.meeting_id == meeting_id, agenda_items.c.application_id == application_id,
            agenda_items.c.is_removed.is_(False))).scalar_one()
        if not on_agenda:
            raise DecisionError(_("Application {id} is not on meeting {meeting}'s agenda.").format(
                id=application_id, meeting=meeting_id))

    def _open_item(self, con: Connection, item_id: int) -> dict[str, object]:
        """An agenda item of a meeting that is still open (DecisionError otherwise)."""
        item = _row(con, agenda_items, agenda_items.c.item_id, int(item_id))
        if item is None:
            raise DecisionError(_("There is no agenda item {id}.").format(id=item_id))
        self._open_meeting(con, int(item["meeting_id"]))  # type: ignore[arg-type]
        return item

    def add_item(self, actor: Actor, meeting_id: int, kind: str, title: str, customer_id: str | None = None,
                 customer_name: str | None = None, application_id: int | None = None, reason: str = "",
                 exposure_amt: float | None = None, now: datetime | None = None) -> int:
        """The secretary adds an item (an open application, a customer, other business)."""
        moment = _utc(now)
        require(self.policy.access, actor, "run_meetings", N_("change a meeting's agenda"))
        if kind not in AGENDA_KINDS:
            raise DecisionError(_("unknown agenda item kind '{kind}'.").format(kind=kind))
        with self._write() as con:
            self._open_meeting(con, meeting_id)
            if application_id is not None:
                app = _row(con, applications, applications.c.application_id, int(application_id))
                if app is None or app["status"] not in OPEN_STATUSES:
                    raise DecisionError(_("Application {id} is not open.").format(id=application_id))
            return self._insert_item(con, actor, meeting_id, {
                "kind": kind, "title": title, "customer_id": customer_id, "customer_name": customer_name,
                "application_id": application_id, "reason": reason, "exposure_amt": exposure_amt},
                actor.username, moment)

    def set_item_removed(self, actor: Actor, item_id: int, removed: bool, now: datetime | None = None) -> None:
        moment = _utc(now)
        require(self.policy.access, actor, "run_meetings", N_("change a meeting's agenda"))
        with self._write() as con:
            item = self._open_item(con, item_id)
            con.execute(update(agenda_items).where(agenda_items.c.item_id == item_id).values(is_removed=removed))
            self._audit(con, actor, "remove" if removed else "restore", "agenda_item", item_id,
                        {"is_removed": item["is_removed"]}, {"is_removed": removed}, moment)

    def reorder(self, actor: Actor, meeting_id: int, item_ids: list[int], now: datetime | None = None) -> None:
        """Put the meeting's items in this order (every item of the meeting, once)."""
        moment = _utc(now)
        require(self.policy.access, actor, "run_meetings", N_("change a meeting's agenda"))
        with self._write() as con:
            self._open_meeting(con, meeting_id)
            current = {int(r[0]): int(r[1]) for r in con.execute(
                select(agenda_items.c.item_id, agenda_items.c.position).where(agenda_items.c.meeting_id == meeting_id))}
            if sorted(item_ids) != sorted(current):
                raise DecisionError(_("The new order must list every item of the meeting once."))
            for position, item_id in enumerate(item_ids, start=1):
                con.execute(update(agenda_items).where(agenda_items.c.item_id == item_id).values(position=position))
            self._audit(con, actor, "reorder", "meeting", meeting_id,
                        {"order": [i for i, _ in sorted(current.items(), key=lambda kv: kv[1])]},
                        {"order": list(item_ids)}, moment)

    def note_item(self, actor: Actor, item_id: int, discussion: str, action_text: str = "",
                  action_owner: str | None = None, action_due: date | None = None,
                  now: datetime | None = None) -> None:
        """The minutes of one item: what was discussed, the action agreed, its owner and due date."""
        moment = _utc(now)
        require(self.policy.access, actor, "run_meetings", N_("write the minutes"))
        with self._write() as con:
            item = self._open_item(con, item_id)
            new = {"discussion": _text(discussion, N_("The discussion"), required=False),
                   "action_text": _text(action_text, N_("The action"), required=False),
                   "action_owner": _text(action_owner, N_("The action's owner"), required=False) or None,
                   "action_due": action_due}
            if new["action_text"] and not new["action_owner"]:
                raise DecisionError(_("An action needs an owner."))
            con.execute(update(agenda_items).where(agenda_items.c.item_id == item_id).values(**new))
            self._audit(con, actor, "note", "agenda_item", item_id, {k: item[k] for k in new}, new, moment)

    def cast_vote(self, actor: Actor, meeting_id: int, application_id: int, vote: str, comment: str = "",
                  now: datetime | None = None) -> None:
        """A member's vote on an application on the meeting's agenda (a member may change
        their vote until the decision is recorded; the proposer does not vote)."""
        moment = _utc(now)
        require(self.policy.access, actor, "vote", N_("vote in committee"))
        if vote not in VOTES:
            raise DecisionError(_("unknown vote '{vote}' (one of {votes}).").format(vote=vote, votes=", ".join(VOTES)))
        with self._write() as con:
            self._open_meeting(con, meeting_id)
            app = _row(con, applications, applications.c.application_id, int(application_id))
            if app is None or app["status"] not in OPEN_STATUSES:
                raise DecisionError(_("Application {id} is not open for a vote.").format(id=application_id))
            if app["proposed_by"] == actor.username:
                raise Forbidden(_("Four eyes: {user} proposed application {id} and does not vote.").format(
                    user=actor.label(), id=application_id))
            self._require_on_agenda(con, meeting_id, application_id)
            before = con.execute(select(votes.c.vote_id, votes.c.vote).where(
                votes.c.meeting_id == meeting_id, votes.c.application_id == application_id,
                votes.c.member == actor.username)).first()
            text = _text(comment, N_("The comment"), required=False)
            if before is None:
                con.execute(votes.insert().values(meeting_id=meeting_id, application_id=application_id,
                                                  member=actor.username, vote=vote, comment=text,
                                                  cast_at=audit.now_text(moment)))
            else:
                con.execute(update(votes).where(votes.c.vote_id == before[0]).values(
                    vote=vote, comment=text, cast_at=audit.now_text(moment)))
            self._audit(con, actor, "vote", "application", application_id,
                        None if before is None else {"vote": before[1]},
                        {"meeting_id": meeting_id, "vote": vote, "comment": text}, moment)

    def close_meeting(self, actor: Actor, meeting_id: int, now: datetime | None = None) -> None:
        """Close a meeting: its agenda, votes and minutes become final."""
        moment = _utc(now)
        require(self.policy.access, actor, "run_meetings", N_("close committee meetings"))
        with self._write() as con:
            meeting = self._open_meeting(con, meeting_id)
            con.execute(update(meetings).where(meetings.c.meeting_id == meeting_id).values(
                status="closed", closed_at=audit.now_text(moment), row_version=meetings.c.row_version + 1))
            self._audit(con, actor, "close", "meeting", meeting_id, {"status": meeting["status"]},
                        {"status": "closed"}, moment)

    def meetings(self) -> pl.DataFrame:
        cols = list(meetings.c)
        return self._frame(select(*cols).order_by(meetings.c.meeting_on.desc(), meetings.c.meeting_id.desc()), cols)

    def meeting(self, meeting_id: int) -> dict[str, object]:
        with self._read() as con:
            row = _row(con, meetings, meetings.c.meeting_id, int(meeting_id))
        if row is None:
            raise DecisionError(_("There is no meeting {id}.").format(id=meeting_id))
        return row

    def agenda(self, meeting_id: int, include_removed: bool = False) -> pl.DataFrame:
        """The meeting's items in order, each with its application's status."""
        cols = [*agenda_items.c, applications.c.status.label("application_status"),
                applications.c.row_version.label("application_version")]
        query = (select(*cols).select_from(agenda_items.outerjoin(
            applications, applications.c.application_id == agenda_items.c.application_id))
            .where(agenda_items.c.meeting_id == meeting_id).order_by(agenda_items.c.position))
        if not include_removed:
            query = query.where(agenda_items.c.is_removed.is_(False))
        return self._frame(query, cols)

    def votes(self, meeting_id: int, application_id: int | None = None) -> pl.DataFrame:
        cols = list(votes.c)
        query = select(*cols).where(votes.c.meeting_id == meeting_id).order_by(votes.c.vote_id)
        if application_id is not None:
            query = query.where(votes.c.application_id == application_id)
        return self._frame(query, cols)

    def tally(self, meeting_id: int, application_id: int) -> Tally:
        frame = self.votes(meeting_id, application_id)
        return tally(frame["vote"].to_list(), self.policy.committee)

    # ------------------------------------------------------------------ audit

    def audit_entries(self, actor: Actor, entity: str | None = None, entity_id: str | None = None,
                      limit: int | None = None) -> pl.DataFrame:
        require(self.policy.access, actor, "audit", N_("read the audit trail"))
        with self._read() as con:
            return audit.entries(con, entity, entity_id, None, limit)

    def record_history(self, actor: Actor, entity: str, entity_id: str) -> pl.DataFrame:
        """One record's own trail (who changed it, when, before and after) for those who may
        see decisions: an application's history on its page."""
        require(self.policy.access, actor, "view_decisions", N_("see decisions"))
        with self._read() as con:
            return audit.entries(con, entity, entity_id)

    def verify_audit(self, expect_head: str | None = None) -> audit.AuditCheck:
        with self._read() as con:
            return audit.verify(con, expect_head)


def agenda_proposal(sources: dict[str, pl.DataFrame], policy: Policy) -> pl.DataFrame:
    """The policy's agenda from its sources (see analytics.risk.committee.agenda_items)."""
    return build_agenda(sources, policy.committee)


def _polars_type(column) -> pl.DataType:  # type: ignore[no-untyped-def]
    from sqlalchemy import Boolean, Date, Float, Integer
    kind = column.type
    if isinstance(kind, Boolean):
        return pl.Boolean()
    if isinstance(kind, Integer):
        return pl.Int64()
    if isinstance(kind, Float):
        return pl.Float64()
    if isinstance(kind, Date):
        return pl.Date()
    return pl.String()
