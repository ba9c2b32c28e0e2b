"""Rules a review found missing, on both databases: a refresh keeps an escalation, decisions
start from the limit and terms decided since the picture, a temporary limit reverts at its
expiry and cannot start after it, decisions and decided limits are append-only, readers do
not wait for a writer."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from analytics.store.decisions import ApplicationRequest, DecisionError, DecisionStore
from tests.store.conftest import ANALYST, CFO, MANAGER, MANAGER2, NOW, picture


def test_a_refresh_keeps_an_escalation(store):
    app_id = store.submit(ANALYST, ApplicationRequest("C1", "limit_increase", "x", requested_limit_amt=600_000.0),
                          picture(), now=NOW)
    store.forward(MANAGER2, app_id, 1, "the committee should see this", to_level="credit committee", now=NOW)
    store.refresh(ANALYST, app_id, 2, picture(), now=NOW)  # the matrix alone would say: credit manager
    assert store.application(app_id)["required_level"] == "credit committee"
    with pytest.raises(DecisionError, match="decided in a meeting"):
        store.decide(MANAGER, app_id, 3, "approved", "alone", now=NOW)


def test_decisions_start_from_what_was_decided_since_the_picture(store):
    raise_id = store.submit(ANALYST, ApplicationRequest("C1", "limit_increase", "x", requested_limit_amt=600_000.0),
                            picture(), now=NOW)
    terms_id = store.submit(ANALYST, ApplicationRequest("C1", "terms_change", "y", requested_terms_days=90),
                            picture(), now=NOW)  # the same picture: limit 500,000, terms 60
    store.decide(MANAGER, raise_id, 1, "approved", "ok", now=NOW)
    store.decide(MANAGER, terms_id, 1, "approved", "ok", now=NOW + timedelta(days=1))
    rows = store.decided_limits().select("effective_from", "limit_amt", "payment_terms_days").rows()
    # the terms change keeps the raised limit (not the picture's 500,000)
    assert rows == [(NOW.date(), 600_000.0, 60), (NOW.date() + timedelta(days=1), 600_000.0, 90)]
    again = store.submit(ANALYST, ApplicationRequest("C1", "limit_increase", "z", requested_limit_amt=700_000.0),
                         picture(), now=NOW)
    store.decide(MANAGER, again, 1, "approved", "ok", now=NOW + timedelta(days=2))
    assert store.decided_limits()["payment_terms_days"].to_list()[-1] == 90  # and the raise keeps the new terms


def test_a_temporary_limit_reverts_at_its_expiry(store):
    expires = NOW.date() + timedelta(days=30)
    app_id = store.submit(ANALYST, ApplicationRequest("C1", "temporary_limit", "season", requested_limit_amt=900_000.0,
                                                      expires_on=expires), picture(), now=NOW)
    store.decide(MANAGER, app_id, 1, "approved", "the season", now=NOW)
    rows = store.decided_limits().select("effective_from", "limit_amt", "expires_on").rows()
    assert rows == [(NOW.date(), 900_000.0, expires), (expires + timedelta(days=1), 500_000.0, None)]
    late = store.submit(ANALYST, ApplicationRequest("C1", "temporary_limit", "season", requested_limit_amt=900_000.0,
                                                    expires_on=NOW.date() + timedelta(days=10)), picture(), now=NOW)
    with pytest.raises(DecisionError, match="before it could take effect"):
        store.decide(MANAGER, late, 1, "approved", "too late", now=NOW + timedelta(days=20))
    assert store.decided_limits().height == 2


def test_decisions_and_decided_limits_are_append_only(store):
    app_id = store.submit(ANALYST, ApplicationRequest("C1", "limit_increase", "x", requested_limit_amt=600_000.0),
                          picture(), now=NOW)
    store.decide(MANAGER, app_id, 1, "approved", "ok", now=NOW)
    for statement in ("update decided_limits set limit_amt = 9e9", "delete from decided_limits",
                      "update decisions set outcome = 'declined'", "delete from decisions"):
        with store.engine.begin() as con, pytest.raises(sa.exc.DBAPIError, match="append-only"):
            con.execute(sa.text(statement))
    assert store.decided_limits()["limit_amt"].to_list() == [600_000.0]


def test_readers_do_not_wait_for_a_writer(tmp_path, policy):
    store = DecisionStore(policy, url=f"sqlite:///{tmp_path / 'wal.sqlite'}")
    store.submit(ANALYST, ApplicationRequest("C1", "limit_increase", "x", requested_limit_amt=600_000.0), picture(),
                 now=NOW)
    held = threading.Event()
    release = threading.Event()

    def writer() -> None:
        with store._write():
            held.set()
            release.wait(10)

    t = threading.Thread(target=writer)
    t.start()
    held.wait(10)
    started = time.perf_counter()
    assert store.applications().height == 1
    waited = time.perf_counter() - started
    release.set()
    t.join()
    assert waited < 1.0, waited
    store.engine.dispose()


def test_a_decision_by_an_approver_belongs_to_no_meeting(store):
    app_id = store.submit(ANALYST, ApplicationRequest("C1", "limit_increase", "x", requested_limit_amt=600_000.0),
                          picture(), now=NOW)
    meeting = store.create_meeting(MANAGER, date(2026, 11, 10), "m", date(2026, 10, 31), now=NOW)
    store.close_meeting(MANAGER, meeting, now=NOW)
    store.decide(CFO, app_id, 1, "approved", "ok", meeting_id=meeting, now=NOW)
    assert store.decisions(application_id=app_id)["meeting_id"].to_list() == [None]
