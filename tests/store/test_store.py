"""The decisions store, on SQLite and on PostgreSQL: routing and four eyes, roles, the
committee's votes, concurrent decisions, bad input, stale applications, the audit chain."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import polars as pl
import pytest
import sqlalchemy as sa

from analytics.policy.access import Forbidden
from analytics.store.decisions import (ApplicationRequest, Condition, DecisionError, DecisionStore, StaleRecord)
from tests.store.conftest import (ADMIN, ANALYST, ANALYST2, CFO, MANAGER, MANAGER2, MEMBERS, NOW, VIEWER, picture)


def increase(amount: float = 800_000.0, **extra: object) -> ApplicationRequest:
    values: dict[str, object] = {"recommendation": "pays on time for 3 years", **extra}
    return ApplicationRequest(customer_id="C1", kind="limit_increase", requested_limit_amt=amount,
                              **values)  # type: ignore[arg-type]


def counts(store: DecisionStore) -> tuple[int, int, int]:
    """Applications, decisions and audit entries (to prove a refusal changed nothing)."""
    return (store.applications().height, store.decisions().height, store.verify_audit().entries)


def test_submit_routes_by_the_matrix_and_freezes_the_picture(store):
    # limit 500,000 -> 800,000; group limit 500,000, group exposure 450,000:
    # authority amount = max(500,000 - 500,000 + 800,000, 450,000) = 800,000 <= 1,000,000 (credit manager, key)
    app_id = store.submit(ANALYST, increase(), picture(), now=NOW)
    app = store.application(app_id)
    assert (app["required_level"], app["authority_amt"], app["status"], app["row_version"]) == (
        "credit manager", 800_000.0, "pending", 1)
    assert app["picture"]["customer_name"] == "华东精密机械有限公司"
    assert app["picture"]["facts"] == {"gross_exposure_amt": 450_000.0}
    assert app["effective_from"] == NOW.date()
    # a core customer: the credit manager's ceiling is 500,000 there -> the CFO
    core = store.application(store.submit(ANALYST, increase(), picture(segment="core"), now=NOW))
    assert core["required_level"] == "CFO"
    assert "above the credit manager's authority of 500,000 for segment core" in core["routing_reason"]
    # grade B is below the credit manager's floor BB -> the CFO
    assert store.application(store.submit(ANALYST, increase(), picture(grade="B"), now=NOW))["required_level"] == "CFO"
    # 12,000,000 is above the CFO's 10,000,000 -> the committee
    big = store.application(store.submit(ANALYST, increase(12_000_000.0), picture(), now=NOW))
    assert big["required_level"] == "credit committee"
    entries = store.audit_entries(ADMIN)
    assert entries.height == 4 and set(entries["action"]) == {"submit"}


def test_group_exposure_counts(store):
    # group limit 2,000,000 of which this customer's 500,000; group exposure 2,200,000;
    # asked 600,000: max(2,000,000 - 500,000 + 600,000, 2,200,000) = 2,200,000 -> CFO
    pic = picture(group_limit_amt=2_000_000.0, group_exposure_amt=2_200_000.0)
    app = store.application(store.submit(ANALYST, increase(600_000.0), pic, now=NOW))
    assert (app["authority_amt"], app["required_level"]) == (2_200_000.0, "CFO")


def test_four_eyes_and_authority(store):
    app_id = store.submit(MANAGER, increase(), picture(), now=NOW)  # a manager may propose too
    with pytest.raises(Forbidden, match="Four eyes"):
        store.decide(MANAGER, app_id, 1, "approved", "fine", now=NOW)
    before = counts(store)
    with pytest.raises(Forbidden, match="may not decide"):
        store.decide(ANALYST, app_id, 1, "approved", "fine", now=NOW)
    with pytest.raises(Forbidden):
        store.decide(MEMBERS[0], app_id, 1, "approved", "fine", now=NOW)
    with pytest.raises(Forbidden):
        store.decide(ADMIN, app_id, 1, "approved", "fine", now=NOW)
    assert counts(store) == before
    decision_id = store.decide(MANAGER2, app_id, 1, "approved", "three clean years", now=NOW)
    made = store.decisions(application_id=app_id)
    assert made["decision_id"].to_list() == [decision_id] and made["outcome"][0] == "approved"
    assert store.application(app_id)["status"] == "approved"
    limits = store.decided_limits()
    assert limits.select("customer_id", "limit_amt", "effective_from", "approved_by", "approval_level",
                         "payment_terms_days").row(0) == ("C1", 800_000.0, NOW.date(), "mia", "credit manager", 60)


def test_roles_that_may_not_act_change_nothing(store):
    with pytest.raises(Forbidden, match="Viewer"):
        store.submit(VIEWER, increase(), picture(), now=NOW)
    with pytest.raises(Forbidden):
        store.submit(MEMBERS[0], increase(), picture(), now=NOW)
    with pytest.raises(Forbidden):
        store.create_meeting(ANALYST, date(2026, 11, 10), "committee", date(2026, 10, 31))
    with pytest.raises(Forbidden):
        store.audit_entries(ANALYST)
    assert counts(store) == (0, 0, 0)


def test_above_authority_an_approver_only_forwards(store):
    app_id = store.submit(ANALYST, increase(3_000_000.0), picture(), now=NOW)  # CFO's level
    with pytest.raises(Forbidden, match="can only forward"):
        store.decide(MANAGER, app_id, 1, "approved", "fine", now=NOW)
    store.forward(MANAGER, app_id, 1, "I support it: the parent guarantees", now=NOW)
    notes = store.opinions(app_id)
    assert notes.select("author", "action", "text").row(0) == ("max", "forward", "I support it: the parent guarantees")
    with pytest.raises(StaleRecord, match="changed since you opened it"):
        store.decide(CFO, app_id, 1, "declined", "too much", now=NOW)  # shown version 1, it is 2 now
    store.decide(CFO, app_id, 2, "approved_with_conditions", "with the parent's guarantee",
                 (Condition("guarantee", "parent company guarantee for 3,000,000"),), now=NOW)
    d = store.decisions(application_id=app_id).row(0, named=True)
    assert d["outcome"] == "approved_with_conditions" and "parent company guarantee" in d["conditions_json"]


def test_an_approver_within_authority_may_escalate(store):
    app_id = store.submit(ANALYST, increase(), picture(), now=NOW)
    with pytest.raises(DecisionError, match="not above"):
        store.forward(MANAGER, app_id, 1, "the CFO should see this", to_level="credit manager", now=NOW)
    store.forward(MANAGER, app_id, 1, "the CFO should see this", to_level="CFO", now=NOW)
    app = store.application(app_id)
    assert app["required_level"] == "CFO" and "escalated by max" in app["routing_reason"]
    with pytest.raises(Forbidden, match="can only forward"):
        store.decide(MANAGER2, app_id, 2, "approved", "ok", now=NOW)


def test_the_committee_decides_on_votes(store):
    app_id = store.submit(ANALYST, increase(12_000_000.0), picture(), now=NOW)
    with pytest.raises(DecisionError, match="decided in a meeting"):
        store.decide(CFO, app_id, 1, "approved", "fine", now=NOW)
    agenda = pl.DataFrame({"kind": ["application"], "customer_id": ["C1"], "customer_name": ["华东精密机械有限公司"],
                           "application_id": [app_id], "title": ["Limit increase: 华东精密机械有限公司"],
                           "reason": ["above the CFO"], "exposure_amt": [12_000_000.0]})
    meeting_id = store.create_meeting(MANAGER, date(2026, 11, 10), "Committee November", date(2026, 10, 31), agenda,
                                      now=NOW)
    with pytest.raises(Forbidden, match="may not vote in committee"):
        store.cast_vote(ANALYST, meeting_id, app_id, "approve", now=NOW)  # an analyst has no vote
    own = store.submit(CFO, ApplicationRequest("C2", "limit_increase", "growth", requested_limit_amt=15_000_000.0),
                       picture(customer_id="C2"), now=NOW)
    store.add_item(MANAGER, meeting_id, "application", "the CFO's own proposal", "C2", "C2", own, now=NOW)
    with pytest.raises(Forbidden, match="does not vote"):
        store.cast_vote(CFO, meeting_id, own, "approve", now=NOW)  # four eyes: the proposer
    store.cast_vote(MEMBERS[0], meeting_id, app_id, "approve", now=NOW)
    store.cast_vote(MEMBERS[1], meeting_id, app_id, "decline", now=NOW)
    # two votes: no quorum (3) -> neither approve nor decline
    with pytest.raises(DecisionError, match="no quorum"):
        store.decide(MANAGER, app_id, 1, "approved", "fine", meeting_id=meeting_id, now=NOW)
    store.cast_vote(MEMBERS[2], meeting_id, app_id, "abstain", now=NOW)
    # 1 for, 1 against, 1 abstaining: quorum, but 1 of 2 is not more than 50 %
    with pytest.raises(DecisionError, match="do not carry an approval"):
        store.decide(MANAGER, app_id, 1, "approved", "fine", meeting_id=meeting_id, now=NOW)
    with pytest.raises(DecisionError, match="do not carry a decline"):
        store.decide(MANAGER, app_id, 1, "declined", "no", meeting_id=meeting_id, now=NOW)
    store.cast_vote(MEMBERS[2], meeting_id, app_id, "approve", now=NOW)  # changes the abstention
    t = store.tally(meeting_id, app_id)
    assert (t.votes_for, t.votes_against, t.abstentions, t.carried) == (2, 1, 0, "approve")
    with pytest.raises(Forbidden):  # a member votes; recording the decision is for whoever runs the meeting
        store.decide(MEMBERS[0], app_id, 1, "approved", "fine", meeting_id=meeting_id, now=NOW)
    store.decide(MANAGER, app_id, 1, "approved", "strategic customer, parent guarantee", meeting_id=meeting_id,
                 decided_limit_amt=10_000_000.0, now=NOW)
    d = store.decisions(application_id=app_id).row(0, named=True)
    assert (d["votes_for"], d["votes_against"], d["abstentions"], d["limit_amt"], d["level"]) == (
        2, 1, 0, 10_000_000.0, "credit committee")
    with pytest.raises(DecisionError, match="not open for a vote"):
        store.cast_vote(MEMBERS[3], meeting_id, app_id, "decline", now=NOW)
    store.close_meeting(MANAGER, meeting_id, now=NOW)
    with pytest.raises(DecisionError, match="closed"):
        store.add_item(MANAGER, meeting_id, "other", "any other business")


def test_two_sessions_deciding_at_once_one_wins(store_url, policy):
    first, second = DecisionStore(policy, url=store_url), DecisionStore(policy, url=store_url)
    app_id = first.submit(ANALYST, increase(), picture(), now=NOW)
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def decide(name: str, s: DecisionStore, actor, outcome: str) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            results[name] = s.decide(actor, app_id, 1, outcome, f"{name}'s reason", now=NOW)
        except StaleRecord as exc:
            results[name] = exc

    threads = [threading.Thread(target=decide, args=("max", first, MANAGER, "approved")),
               threading.Thread(target=decide, args=("mia", second, MANAGER2, "declined"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    won = [k for k, v in results.items() if isinstance(v, int)]
    lost = [k for k, v in results.items() if isinstance(v, StaleRecord)]
    assert len(won) == 1 and len(lost) == 1, results
    assert f"{won[0]} recorded" in str(results[lost[0]])
    assert first.decisions(application_id=app_id).height == 1
    assert first.application(app_id)["status"] == ("approved" if won == ["max"] else "declined")
    assert first.verify_audit().ok
    first.engine.dispose()
    second.engine.dispose()


@pytest.mark.parametrize("request_, message", [
    (increase(-5.0), "must be 0 or more"),
    (increase(float("nan")), "must be an amount"),
    (increase(400_000.0), "not above the current limit"),
    (ApplicationRequest("C1", "new_limit", "new", requested_limit_amt=100_000.0), "already has a limit"),
    (ApplicationRequest("C1", "temporary_limit", "season", requested_limit_amt=900_000.0), "needs an expiry date"),
    (ApplicationRequest("C1", "temporary_limit", "season", requested_limit_amt=900_000.0,
                        expires_on=NOW.date() + timedelta(days=400)), "at most 180 days"),
    (ApplicationRequest("C1", "terms_change", "shorter", requested_terms_days=60), "terms are 60 days already"),
    (ApplicationRequest("C1", "hold_release", "paid"), "not on credit hold"),
    (ApplicationRequest("C1", "write_off", "insolvent", write_off_amt=900_000.0), "more than the customer's outstanding"),
    (increase(effective_from=NOW.date() - timedelta(days=1)), "never rewrites history"),
    (increase(recommendation="   "), "recommendation is required"),
    (ApplicationRequest("C1", "limit_rise", "x"), "unknown application kind"),
    (increase(conditions=(Condition("guarantee", ""),)), "Guarantee' is required"),
])
def test_bad_applications_are_refused_and_change_nothing(store, request_, message):
    with pytest.raises(DecisionError, match=message):
        store.submit(ANALYST, request_, picture(), now=NOW)
    assert counts(store) == (0, 0, 0)


def test_bad_decisions_are_refused_and_change_nothing(store):
    app_id = store.submit(ANALYST, increase(), picture(), now=NOW)
    before = counts(store)
    for kwargs, message in [
        (dict(outcome="approved", reason=""), "reason for the decision is required"),
        (dict(outcome="approved", reason="ok", decided_limit_amt=900_000.0), "at most the requested 800,000"),
        (dict(outcome="approved", reason="ok", decided_limit_amt=-5.0), "must be 0 or more"),
        (dict(outcome="approved_with_conditions", reason="ok"), "needs at least one condition"),
        (dict(outcome="declined", reason="no", conditions=(Condition("insurance", "cover"),)), "Conditions go with"),
        (dict(outcome="accepted", reason="ok"), "unknown outcome"),
        (dict(outcome="declined", reason="no", decided_limit_amt=1.0), "goes with an approval only"),
    ]:
        with pytest.raises(DecisionError, match=message):
            store.decide(MANAGER, app_id, 1, now=NOW, **kwargs)
    with pytest.raises(DecisionError, match="no application 999"):
        store.decide(MANAGER, 999, 1, "approved", "ok", now=NOW)
    assert counts(store) == before
    store.decide(MANAGER, app_id, 1, "approved", "ok", now=NOW)
    with pytest.raises(DecisionError, match="approved already"):
        store.decide(MANAGER2, app_id, 2, "declined", "no", now=NOW)


def test_a_stale_picture_is_refreshed_before_a_decision(store):
    app_id = store.submit(ANALYST, increase(), picture(), now=NOW)
    later = NOW + timedelta(days=31)  # [decisions] picture_valid_days = 30
    with pytest.raises(DecisionError, match="taken 31 days ago"):
        store.decide(MANAGER, app_id, 1, "approved", "ok", now=later)
    store.decide(MANAGER, app_id, 1, "deferred", "waiting for the new statements", now=later)  # deferring is fine
    # the refreshed picture shows the exposure grown: 1,200,000 > 1,000,000 -> the CFO now
    store.refresh(ANALYST2, app_id, 2, picture(group_exposure_amt=1_200_000.0, as_of=date(2026, 11, 30)), now=later)
    app = store.application(app_id)
    assert (app["required_level"], app["authority_amt"], app["picture_as_of"]) == ("CFO", 1_200_000.0,
                                                                                   date(2026, 11, 30))
    store.decide(CFO, app_id, 3, "approved", "ok", now=later)
    assert store.decided_limits()["effective_from"].to_list() == [later.date()]


def test_the_audit_chain_detects_tampering(store):
    app_id = store.submit(ANALYST, increase(), picture(), now=NOW)
    store.forward(MANAGER, app_id, 1, "support", to_level="CFO", now=NOW)
    store.decide(CFO, app_id, 2, "approved", "ok", now=NOW)
    store.record_sign_in(CFO, "password", now=NOW)
    check = store.verify_audit()
    assert check.ok and check.entries == 5  # submit, forward, decide, the decided limit, the sign-in
    head = check.head_hash
    with store.engine.begin() as con, pytest.raises(sa.exc.DBAPIError, match="append-only"):
        con.execute(sa.text("update audit_log set actor = 'someone' where entry_id = 3"))
    with store.engine.begin() as con, pytest.raises(sa.exc.DBAPIError, match="append-only"):
        con.execute(sa.text("delete from audit_log where entry_id = 3"))
    assert store.verify_audit(head).ok
    _drop_append_only(store)
    with store.engine.begin() as con:
        con.execute(sa.text("update audit_log set after_json = replace(after_json, 'approved', 'declined') "
                            "where entry_id = 3"))
    check = store.verify_audit()
    assert not check.ok and any(p.startswith("entry 3 (decide application") and "changed" in p for p in check.problems)


def test_the_audit_chain_detects_deleted_entries(store):
    for i in range(4):
        store.record_sign_in(ANALYST, "password", now=NOW + timedelta(minutes=i))
    head = store.verify_audit().head_hash
    _drop_append_only(store)
    with store.engine.begin() as con:
        con.execute(sa.text("delete from audit_log where entry_id = 2"))
    problems = store.verify_audit().problems
    assert any("expected entry 2 here (entries deleted)" in p for p in problems)
    with store.engine.begin() as con:  # the tail cut off and the head rewritten to match: the anchor tells
        con.execute(sa.text("delete from audit_log where entry_id > 1"))
        first = con.execute(sa.text("select entry_hash from audit_log where entry_id = 1")).scalar_one()
        con.execute(sa.text("update audit_head set last_entry_id = 1, last_hash = :h"), {"h": first})
    assert store.verify_audit().ok
    assert not store.verify_audit(expect_head=head).ok


def _drop_append_only(store: DecisionStore) -> None:
    with store.engine.begin() as con:
        if store.dialect == "sqlite":
            con.execute(sa.text("drop trigger audit_log_no_update"))
            con.execute(sa.text("drop trigger audit_log_no_delete"))
        else:
            con.execute(sa.text("drop trigger audit_log_append_only on audit_log"))


def test_the_migrations_build_the_schema_the_code_uses(store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from analytics.store.schema import metadata
    with store.engine.connect() as con:
        diff = compare_metadata(MigrationContext.configure(con), metadata)
    assert diff == []


def test_the_agenda_is_edited_and_minuted(store):
    agenda = pl.DataFrame({"kind": ["over_limit", "watchlist"], "customer_id": ["C1", "C2"],
                           "customer_name": ["A", "B"], "application_id": [None, None],
                           "title": ["Over limit: A", "New watchlist entry: B"], "reason": ["r1", "r2"],
                           "exposure_amt": [1.0, 2.0]}, schema_overrides={"application_id": pl.Int64})
    meeting_id = store.create_meeting(MANAGER, date(2026, 11, 10), "Committee", date(2026, 10, 31), agenda, now=NOW)
    items = store.agenda(meeting_id)
    assert items["title"].to_list() == ["Over limit: A", "New watchlist entry: B"]
    first, second = items["item_id"].to_list()
    store.reorder(MANAGER, meeting_id, [second, first], now=NOW)
    with pytest.raises(DecisionError, match="every item of the meeting once"):
        store.reorder(MANAGER, meeting_id, [second], now=NOW)
    store.set_item_removed(MANAGER, first, True, now=NOW)
    assert store.agenda(meeting_id)["title"].to_list() == ["New watchlist entry: B"]
    with pytest.raises(DecisionError, match="needs an owner"):
        store.note_item(MANAGER, second, "discussed", "cut the limit", None, now=NOW)
    store.note_item(MANAGER, second, "discussed", "cut the limit", "max", date(2026, 11, 20), now=NOW)
    from analytics.views.decisions import minutes
    notes = minutes(store, meeting_id)
    assert "1. New watchlist entry: B (New watchlist entry)" in notes.lines
    assert "   Action: cut the limit — max, due Nov 20, 2026" in notes.lines  # dates in the locale's form
    from analytics.i18n import speaking
    with speaking("zh"):  # the minutes are written in the reader's language
        notes_zh = minutes(store, meeting_id)
    assert "   行动：cut the limit — max，2026年11月20日 前完成" in notes_zh.lines
    assert notes_zh.title.startswith("会议纪要")
    assert notes.actions.select("owner", "due_on").row(0) == ("max", date(2026, 11, 20))
