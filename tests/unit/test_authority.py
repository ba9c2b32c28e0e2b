"""The authority matrix, the vote tally and the agenda, by hand (analytics.risk.authority,
analytics.risk.committee, [decisions] / [committee] / [access] of the policy)."""

from __future__ import annotations

import polars as pl
import pytest

from analytics.policy import PolicyError, parse_policy
from analytics.policy.access import Actor, can
from analytics.risk.authority import authority_amount
from analytics.risk.committee import CommitteeSettings, agenda_items, tally


def test_route_by_amount_grade_and_segment(policy):
    m = policy.authority
    # credit manager: 1,000,000 (core 500,000), grades BB or better; CFO: 10,000,000 (core 5,000,000), CCC or better
    assert m.route("limit_increase", 1_000_000, "BB", "key").level == "credit manager"  # at the ceiling: within
    assert m.route("limit_increase", 1_000_001, "BB", "key").level == "CFO"
    assert m.route("limit_increase", 500_001, "AAA", "core").level == "CFO"
    assert m.route("limit_increase", 100, "B", "key").level == "CFO"  # below the manager's floor
    assert m.route("limit_increase", 100, "D", "key").level == "credit committee"  # below the CFO's floor
    assert m.route("limit_increase", 100, None, "key").level == "credit committee"  # unrated passes no floor
    assert m.route("new_limit", 10_000_001, "AAA", "general").level == "credit committee"
    # a write-off: 50,000 / 500,000
    assert m.route("write_off", 50_000, "A", "key").level == "credit manager"
    assert m.route("write_off", 50_001, "A", "key").level == "CFO"
    assert m.route("write_off", 600_000, "A", "key").level == "credit committee"


def test_the_authority_amount_counts_the_group():
    # group limit 3,000,000 with this customer's 1,000,000; raise to 1,500,000: 3,500,000; exposure 2,000,000
    assert authority_amount("limit_increase", 1_500_000, 1_000_000, 3_000_000, 2_000_000, None) == 3_500_000
    # the group's exposure above the limits after the change counts instead
    assert authority_amount("limit_decrease", 200_000, 1_000_000, 3_000_000, 4_100_000, None) == 4_100_000
    assert authority_amount("terms_change", None, 1_000_000, 3_000_000, 2_000_000, None) == 3_000_000
    assert authority_amount("hold_release", None, None, None, 750_000, None) == 750_000
    assert authority_amount("write_off", None, 1_000_000, 3_000_000, 2_000_000, 12_345) == 12_345


def test_deciders_by_role(policy):
    m = policy.authority
    assert m.decider_index(("credit_manager",)) == 0
    assert m.decider_index(("credit_manager", "cfo")) == 1
    assert m.decider_index(("committee_member",)) == -1  # the committee decides by vote, never alone
    assert m.decider_index(("credit_analyst", "viewer")) == -1


@pytest.mark.parametrize("role, allowed", [
    ("viewer", {"view"}),
    ("credit_analyst", {"view", "view_decisions", "apply"}),
    ("credit_manager", {"view", "view_decisions", "apply", "decide", "run_meetings"}),
    ("cfo", {"view", "view_decisions", "apply", "decide", "vote", "audit"}),
    ("committee_member", {"view", "view_decisions", "vote"}),
    ("administrator", {"view", "view_decisions", "run_meetings", "audit", "manage_users"}),
])
def test_each_roles_actions(policy, role, allowed):
    from analytics.policy.access import ACTIONS
    actor = Actor("u", "U", (role,))
    assert {a for a in ACTIONS if can(policy.access, actor, a)} == allowed
    assert not any(can(policy.access, None, a) for a in ACTIONS)  # nobody signed in: nothing


SETTINGS = CommitteeSettings(quorum=3, majority_pct=50.0, agenda=("applications", "watchlist", "over_limit"),
                             watchlist_min_severity="high", core_segments=("core",), cover_expiring_within_days=60,
                             max_items_per_kind=2)


@pytest.mark.parametrize("votes, carried, quorum", [
    (["approve", "approve", "decline"], "approve", True),  # 2 of 3 > 50 %
    (["approve", "decline", "abstain"], None, True),  # 1 of 2 is not more than 50 %
    (["decline", "decline", "abstain", "approve"], "decline", True),
    (["approve", "approve"], None, False),  # below the quorum of 3
    (["abstain", "abstain", "abstain"], None, True),
])
def test_tally(votes, carried, quorum):
    t = tally(votes, SETTINGS)
    assert (t.carried, t.has_quorum) == (carried, quorum)
    assert t.votes_for + t.votes_against + t.abstentions == len(votes)


def test_the_agenda_orders_caps_and_names_a_customer_once():
    apps = pl.DataFrame({"customer_id": ["A"], "customer_name": ["a"], "application_id": [7], "title": ["app A"],
                         "reason": ["r"], "exposure_amt": [5.0]})
    watch = pl.DataFrame({"customer_id": ["A", "B", "C"], "customer_name": ["a", "b", "c"],
                          "title": ["w A", "w B", "w C"], "reason": ["r"] * 3, "exposure_amt": [1.0, 3.0, 2.0]})
    over = pl.DataFrame({"customer_id": ["B", "D"], "customer_name": ["b", "d"], "title": ["o B", "o D"],
                         "reason": ["r"] * 2, "exposure_amt": [9.0, 1.0]})
    items = agenda_items({"applications": apps, "watchlist": watch, "over_limit": over}, SETTINGS)
    # watchlist: the 2 largest (B 3.0, C 2.0); over limit: B (listed already) dropped, D kept
    assert items["title"].to_list() == ["app A", "w B", "w C", "o D"]
    assert items["position"].to_list() == [1, 2, 3, 4]
    assert items["application_id"].to_list() == [7, None, None, None]


def test_policy_refuses_an_inconsistent_matrix(policy):
    text = policy.source.read_text(encoding="utf-8")
    with pytest.raises(PolicyError, match="level_roles must name a role for each approval level"):
        parse_policy(text.replace('"CFO" = "cfo", "credit committee"', '"credit committee"'))
    with pytest.raises(PolicyError, match="not a role of"):
        parse_policy(text.replace('"credit manager" = "credit_manager"', '"credit manager" = "boss"'))
    with pytest.raises(PolicyError, match="unknown action"):
        parse_policy(text.replace('viewer = ["view"]', 'viewer = ["view", "fly"]'))
    with pytest.raises(PolicyError, match="quorum must be a whole number"):
        parse_policy(text.replace("quorum = 3", "quorum = 0"))
    with pytest.raises(PolicyError, match="below 50 a minority or a tie would carry"):
        parse_policy(text.replace("majority_pct = 50.0", "majority_pct = 40.0"))
