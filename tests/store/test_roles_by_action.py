"""Every store action against every role: a role without the action's permission is refused
with the permission named and nothing changes; a role with it gets past the check (it may
then meet another rule, e.g. four eyes or authority)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.policy import load_policy
from analytics.policy.access import ROLE_LABELS, Actor, Forbidden, can
from analytics.store.decisions import ApplicationRequest, DecisionError, DecisionStore
from tests.store.conftest import ANALYST, MANAGER, NOW, picture

ACTIONS = {  # store call -> the permission it needs
    "submit": "apply", "withdraw": "apply", "refresh": "apply", "decide": "decide", "forward": "decide",
    "create_meeting": "run_meetings", "add_item": "run_meetings", "remove_item": "run_meetings",
    "reorder": "run_meetings", "note_item": "run_meetings", "close_meeting": "run_meetings",
    "cast_vote": "vote", "audit_entries": "audit", "record_history": "view_decisions",
}


@pytest.fixture()
def prepared(tmp_path):
    store = DecisionStore(load_policy(), url=f"sqlite:///{tmp_path / 'roles.sqlite'}")
    app_id = store.submit(ANALYST, ApplicationRequest("C1", "limit_increase", "x", requested_limit_amt=800_000.0),
                          picture(), now=NOW)
    big = store.submit(ANALYST, ApplicationRequest("C1", "limit_increase", "x", requested_limit_amt=20_000_000.0),
                       picture(), now=NOW)
    agenda = pl.DataFrame({"kind": ["application"], "customer_id": ["C1"], "customer_name": ["c"],
                           "application_id": [big], "title": ["t"], "reason": ["r"], "exposure_amt": [1.0]})
    meeting = store.create_meeting(MANAGER, date(2026, 11, 10), "m", date(2026, 10, 31), agenda, now=NOW)
    item = int(store.agenda(meeting)["item_id"][0])
    return store, app_id, big, meeting, item


def call(name: str, store: DecisionStore, actor: Actor, app_id: int, big: int, meeting: int, item: int) -> None:
    request = ApplicationRequest("C1", "limit_increase", "x", requested_limit_amt=900_000.0)
    calls = {
        "submit": lambda: store.submit(actor, request, picture(), now=NOW),
        "withdraw": lambda: store.withdraw(actor, app_id, 1, "no longer needed", now=NOW),
        "refresh": lambda: store.refresh(actor, app_id, 1, picture(), now=NOW),
        "decide": lambda: store.decide(actor, app_id, 1, "declined", "no", now=NOW),
        "forward": lambda: store.forward(actor, app_id, 1, "view", now=NOW),
        "create_meeting": lambda: store.create_meeting(actor, date(2026, 12, 1), "m2", date(2026, 10, 31), now=NOW),
        "add_item": lambda: store.add_item(actor, meeting, "other", "any other business", now=NOW),
        "remove_item": lambda: store.set_item_removed(actor, item, True, now=NOW),
        "reorder": lambda: store.reorder(actor, meeting, [item], now=NOW),
        "note_item": lambda: store.note_item(actor, item, "discussed", now=NOW),
        "close_meeting": lambda: store.close_meeting(actor, meeting, now=NOW),
        "cast_vote": lambda: store.cast_vote(actor, meeting, big, "approve", now=NOW),
        "audit_entries": lambda: store.audit_entries(actor),
        "record_history": lambda: store.record_history(actor, "application", str(app_id)),
    }
    calls[name]()


@pytest.mark.parametrize("role", list(ROLE_LABELS))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_action_checks_the_role(prepared, role, action):
    store, app_id, big, meeting, item = prepared
    actor = Actor(f"user_{role}", role, (role,))
    before = store.verify_audit().entries
    permitted = can(load_policy().access, actor, ACTIONS[action])
    if not permitted:
        with pytest.raises(Forbidden, match=f"needs a role with the '{ACTIONS[action]}' permission"):
            call(action, store, actor, app_id, big, meeting, item)
        assert store.verify_audit().entries == before
        return
    try:
        call(action, store, actor, app_id, big, meeting, item)
    except Forbidden as exc:  # past the role check, another rule may refuse (authority)
        assert "permission" not in str(exc), exc
    except DecisionError:
        pass
