"""The watchlist rules engine and the review schedule on hand-made customers."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import date, timedelta

import polars as pl
import pytest

from analytics.risk import reviews
from analytics.risk import watchlist as wl
SCALE = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "D")
AS_OF = date(2026, 10, 31)
RULES_TOML = """
[utilization]
levels = { low = 80, medium = 95, high = 100 }
action = "hold"
[days_past_due]
levels = { low = 31, high = 91 }
action = "collect"
[overdue_amount]
levels = { medium = 1000 }
action = "collect"
[downgrade]
months = 12
levels = { medium = 2, high = 3 }
action = "cut"
[grade_floor]
levels = { low = "B", high = "CCC" }
action = "guarantee"
[adverse_events]
months = 12
min_severity = "medium"
type_severity = { insolvency_filing = "critical", litigation = "medium" }
action = "review"
[financials]
current_ratio_below = 1.0
debt_ratio_above = 0.8
levels = { low = 1, medium = 2 }
action = "accounts"
[limit_expired]
levels = { medium = 1 }
action = "renew"
[review_overdue]
levels = { low = 1 }
action = "review"
[insurer_cut]
months = 3
levels = { high = 20, critical = 100 }
action = "reduce"
[slowing_payments]
levels = { low = 15 }
action = "call"
[concentration]
levels = { medium = 30 }
action = "cap"
"""
RULES = wl.parse_rules(tomllib.loads(RULES_TOML), SCALE)
POINTS = {"low": 1.0, "medium": 3.0, "high": 6.0, "critical": 10.0}


def customers(**over: list[object]) -> pl.DataFrame:
    """Two customers: W1 hits many rules, W2 none (unless overridden)."""
    base: dict[str, list[object]] = {
        "customer_id": ["W1", "W2"], "segment": ["core", "general"], "credit_manager": ["Li", "Li"],
        "grade": ["B", "A"], "grade_rank": [6, 3], "best_rank_in_window": [4, 3],
        "rated_on": [date(2026, 9, 1), date(2026, 5, 1)], "limit_effective_from": [date(2026, 1, 1)] * 2,
        "gross_exposure_amt": [960.0, 2000.0], "net_exposure_amt": [960.0, 2000.0],
        "exposure_share_pct": [32.4, 67.6], "limit_amt": [1000.0, 10000.0], "utilization_pct": [96.0, 20.0],
        "limit_expires_on": [date(2026, 10, 1), None], "is_limit_expired": [True, False],
        "overdue_amt": [500.0, 0.0], "max_days_past_due": [100, None],
        "statements_period_end": [date(2025, 12, 31)] * 2, "current_ratio": [0.9, 2.0], "debt_ratio": [0.85, 0.3],
        "equity": [10.0, 100.0], "net_income": [-1.0, 5.0], "prior_net_income": [2.0, 5.0],
        "insured_now_amt": [40.0, 0.0], "insured_before_amt": [100.0, 0.0],
        "cover_changed_on": [date(2026, 9, 20), None],
        "recent_days_beyond_terms": [45.0, 3.0], "prior_days_beyond_terms": [20.0, 5.0],
    }
    base.update(over)
    return pl.DataFrame(base, schema_overrides={"max_days_past_due": pl.Int64, "limit_expires_on": pl.Date,
                                                "cover_changed_on": pl.Date})


EVENTS = pl.DataFrame({"customer_id": ["W1", "W1", "W2"], "event_date": [date(2026, 6, 1), date(2026, 8, 1),
                                                                          date(2026, 7, 1)],
                       "event_type": ["litigation", "late_filing", "late_filing"],
                       "severity": ["low", "low", "low"], "description": ["a", "b", "c"]})
REVIEW_POLICY = reviews.ReviewPolicy({"core": 6, "key": 12, "general": 12}, 12, "B", 3)


def run(frame: pl.DataFrame, rules: tuple[wl.Rule, ...] = RULES, events: pl.DataFrame = EVENTS) -> pl.DataFrame:
    sched = reviews.schedule(frame, REVIEW_POLICY, SCALE, AS_OF)
    return wl.evaluate(wl.observe(frame, events, sched, rules, AS_OF, SCALE), rules)


def hit(hits: pl.DataFrame, customer: str, rule: str) -> dict[str, object] | None:
    rows = hits.filter((pl.col("customer_id") == customer) & (pl.col("rule") == rule))
    return rows.row(0, named=True) if rows.height else None


def test_every_rule_by_hand() -> None:
    hits = run(customers())
    w1 = {r["rule"]: (r["severity"], r["threshold"]) for r in hits.filter(pl.col("customer_id") == "W1").iter_rows(
        named=True)}
    assert w1 == {
        "utilization": ("medium", 95.0),          # 96 %: at or above 95, below 100
        "days_past_due": ("high", 91.0),          # 100 days
        "downgrade": ("medium", 2.0),             # A (rank 4) -> B (rank 6) within the window
        "grade_floor": ("low", 5.0),              # B is the floor
        "adverse_events": ("medium", 1.0),        # a low-severity litigation counts as medium; late filing low: not
        "financials": ("medium", 2.0),            # current ratio 0.9 and debt ratio 0.85 (one loss year only)
        "limit_expired": ("medium", 1.0),         # expired 2026-10-01: 30 days
        "insurer_cut": ("high", 20.0),            # 100 -> 40: 60 % cut
        "slowing_payments": ("low", 15.0),        # 20 -> 45 days beyond terms
        "concentration": ("medium", 30.0),        # 32.4 %
    }
    assert "review_overdue" not in w1  # last review 2026-09-01 + 3 months = 2026-12-01: not yet due
    assert "overdue_amount" not in w1  # 500 < 1,000
    assert hits.filter(pl.col("customer_id") == "W2")["rule"].to_list() == ["concentration"]
    dpd = hit(hits, "W1", "days_past_due")
    assert dpd is not None and dpd["since"] == AS_OF - timedelta(days=100 - 31)  # crossed 31 dpd on that day
    assert dpd["action"] == "collect" and dpd["label"] == "Days past due (oldest open item)"
    events = hit(hits, "W1", "adverse_events")
    assert events is not None and events["since"] == date(2026, 6, 1) and "litigation" in str(events["observed_text"])


def test_insolvency_is_critical_and_thresholds_follow_the_slider() -> None:
    ev = EVENTS.vstack(pl.DataFrame({"customer_id": ["W2"], "event_date": [date(2026, 10, 2)],
                                     "event_type": ["insolvency_filing"], "severity": ["medium"],
                                     "description": ["x"]}))
    assert (hit(run(customers(), events=ev), "W2", "adverse_events") or {})["severity"] == "critical"
    looser = tuple(r.with_entry(97) if r.key == "utilization" else r for r in RULES)
    assert hit(run(customers(), looser), "W1", "utilization") is None  # 96 % < 97
    tighter = tuple(r.with_entry(10) if r.key == "utilization" else r for r in RULES)
    w2 = hit(run(customers(), tighter), "W2", "utilization")
    assert w2 is not None and w2["severity"] == "low" and w2["threshold"] == 10
    # higher levels never fall below a raised first threshold
    raised = next(r for r in RULES if r.key == "utilization").with_entry(120)
    assert raised.levels == (("low", 120.0), ("medium", 120.0), ("high", 120.0))
    off = tuple(wl.Rule(r.key, r.levels, r.action, r.key != "concentration", r.months, r.params) for r in RULES)
    assert hit(run(customers(), off), "W2", "concentration") is None


def test_scores_and_comparison_with_the_previous_month_end() -> None:
    now = run(customers())
    before = run(customers(utilization_pct=[50.0, 20.0], exposure_share_pct=[10.0, 90.0],
                           max_days_past_due=[150, 40]))
    marked = wl.compare(now, before)
    status = {(r["customer_id"], r["rule"]): r["status"] for r in marked.iter_rows(named=True)}
    assert status[("W1", "utilization")] == "new"
    assert status[("W1", "concentration")] == "new"
    assert status[("W1", "days_past_due")] == "persisting"
    assert status[("W2", "days_past_due")] == "resolved"
    assert status[("W2", "concentration")] == "persisting"
    scores = wl.customer_scores(now, POINTS)
    w1 = scores.filter(pl.col("customer_id") == "W1").row(0, named=True)
    # medium x6 (util, downgrade, events, financials, expired, concentration) = 18; high x2 = 12; low x2 = 2
    assert w1["score"] == pytest.approx(32.0) and w1["hits"] == 10 and w1["worst_severity"] == "high"
    assert scores["customer_id"].to_list() == ["W1", "W2"]


def test_since_from_the_history_run() -> None:
    hits = run(customers())
    history = pl.DataFrame({
        "customer_id": ["W1"] * 4, "snapshot_date": [date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30), AS_OF],
        "utilization_pct": [99.0, 70.0, 85.0, 96.0], "overdue_amt": [0.0] * 4,
        "exposure_share_pct": [31.0, 31.0, 31.0, 32.4]})
    ratings = pl.DataFrame({"customer_id": ["W1"] * 3, "rated_on": [date(2025, 1, 1), date(2026, 3, 1),
                                                                      date(2026, 9, 1)],
                            "grade": ["B", "BB", "B"]})
    filled = wl.fill_since(hits, history, ratings, RULES, SCALE)
    assert (hit(filled, "W1", "utilization") or {})["since"] == date(2026, 9, 30)  # the run after August's dip
    assert (hit(filled, "W1", "concentration") or {})["since"] == date(2026, 7, 31)  # unbroken in the history
    assert (hit(filled, "W1", "grade_floor") or {})["since"] == date(2026, 9, 1)  # back to B after BB


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d.pop("concentration"), "missing concentration"),
    (lambda d: d.update(extra={"action": "x", "levels": {"low": 1}}), "unknown rules extra"),
    (lambda d: d["utilization"].update(levels={"low": 90, "high": 80}), "must not fall"),
    (lambda d: d["utilization"].update(levels={"severe": 90}), "levels must map severities"),
    (lambda d: d["grade_floor"].update(levels={"low": "Z"}), "grades on the scale"),
    (lambda d: d["financials"].pop("debt_ratio_above"), "needs debt_ratio_above"),
])
def test_bad_rules_are_refused(edit, message) -> None:
    doc = tomllib.loads(RULES_TOML)
    edit(doc)
    with pytest.raises(ValueError, match=message):
        wl.parse_rules(doc, SCALE)


def test_review_schedule_by_hand() -> None:
    frame = pl.DataFrame({
        "customer_id": ["R1", "R2", "R3", "R4", "R5", "R6", "R7"],
        "segment": ["core", "general", "general", "key", "general", "general", "general"],
        "credit_manager": ["Li"] * 7,
        "grade": ["BBB", "B", "A", "D", None, "A", "AA"],
        "rated_on": [date(2026, 1, 15), date(2026, 9, 10), date(2026, 1, 1), date(2026, 1, 1), None,
                     date(2026, 3, 31), date(2025, 11, 20)],
        "limit_effective_from": [date(2025, 12, 1), date(2026, 2, 1), None, date(2026, 1, 1), None, None, None],
        "gross_exposure_amt": [10.0, 20.0, 0.0, 5.0, 100.0, 1.0, 1.0],
        "limit_amt": [100.0, 100.0, None, 100.0, None, None, None]})
    sched = reviews.schedule(frame, REVIEW_POLICY, SCALE, AS_OF)
    got = {r["customer_id"]: (r["frequency_months"], r["next_due_on"], r["status"], r["days_overdue"])
           for r in sched.iter_rows(named=True)}
    assert got == {
        "R1": (6, date(2026, 7, 15), "overdue", 108),           # core: every 6 months
        "R2": (3, date(2026, 12, 10), "due in 31-60 days", 0),  # B is high-risk: every 3 months
        "R5": (12, None, "never reviewed", 0),                  # open exposure, never rated, no limit
        "R6": (12, date(2027, 3, 31), "later", 0),
        "R7": (12, date(2026, 11, 20), "due in 30 days", 0),
    }  # R3: no limit and no exposure; R4: in default
    counts = dict(zip(*reviews.status_counts(sched).select("status", "customers").to_dict(as_series=False).values()))
    assert counts["overdue"] == 1 and counts["never reviewed"] == 1 and counts["due in 61-90 days"] == 0
    assert reviews.by_manager(sched).row(0, named=True)["overdue"] == 2


def test_utilization_is_a_lines_and_read_on_its_holder() -> None:
    """W2 draws on W1's group limit: the line (W1 960 + W2 2,000 of 1,000) hits once, on W1."""
    frame = customers(limit_amt=[1000.0, 1000.0], utilization_pct=[296.0, 296.0], line_holder_id=["W1", "W1"],
                      line_scope=["group", "group"], is_line_holder=[True, False],
                      line_exposure_amt=[2960.0, 2960.0])
    hits = run(frame)
    assert hit(hits, "W2", "utilization") is None
    got = hit(hits, "W1", "utilization")
    assert got is not None and got["severity"] == "high"
    assert got["observed_text"] == "296 % of group limit 1,000 (group exposure 2,960)"


def test_the_dispute_rule_is_one_expression() -> None:
    from dataclasses import replace

    from analytics.risk.ledger import days_past_due_expr
    from analytics.policy import load_policy

    policy = load_policy()
    frame = pl.DataFrame({"max_days_past_due": [19, None, 5], "max_disputed_days_past_due": [90, 120, None]},
                         schema={"max_days_past_due": pl.Int64, "max_disputed_days_past_due": pl.Int64})
    assert frame.select(days_past_due_expr(policy))["max_days_past_due"].to_list() == [19, None, 5]
    counted = frame.select(days_past_due_expr(replace(policy, disputed_in_dpd=True)).alias("d"))["d"].to_list()
    assert counted == [90, 120, 5]


def test_a_new_customer_is_reviewed_early_and_a_model_grade_is_no_review() -> None:
    policy = reviews.ReviewPolicy({"core": 6, "key": 12, "general": 12}, 12, "B", 3, new_customer_months=3,
                                  application_months=6)
    frame = pl.DataFrame({
        "customer_id": ["N1", "N2", "OLD"], "segment": ["general"] * 3, "credit_manager": ["x"] * 3,
        "grade": ["A", "A", "A"], "gross_exposure_amt": [100.0] * 3, "limit_amt": [1000.0] * 3,
        # the model re-grades everyone at month-ends: rated_on is recent, yet nobody reviewed them
        "rated_on": [date(2026, 10, 31)] * 3,
        "reviewed_on": [None, date(2026, 9, 15), date(2026, 1, 10)],
        "limit_effective_from": [None, None, None],
        "months_on_book": [2, 4, 40], "first_trade_on": [date(2026, 8, 20), date(2026, 6, 5), date(2023, 6, 1)],
    }, schema_overrides={"reviewed_on": pl.Date, "limit_effective_from": pl.Date})
    sched = reviews.schedule(frame, policy, SCALE, AS_OF).sort("customer_id")
    rows = {r["customer_id"]: r for r in sched.iter_rows(named=True)}
    # N1: new, never reviewed: its first review 3 months after it started trading (2026-11-20)
    assert rows["N1"]["is_new_customer"] and rows["N1"]["frequency_months"] == 3
    assert rows["N1"]["last_review_on"] == date(2026, 8, 20) and rows["N1"]["next_due_on"] == date(2026, 11, 20)
    # N2: new, reviewed 09-15: next 12-15
    assert rows["N2"]["next_due_on"] == date(2026, 12, 15)
    # OLD: general, every 12 months from its last real review (01-10), not from the model's 10-31
    assert not rows["OLD"]["is_new_customer"] and rows["OLD"]["next_due_on"] == date(2027, 1, 10)


def test_the_rules_speak_the_users_language() -> None:
    """Rule names, the shipped policy's actions and the observed values in words follow the
    language; rule keys and severities stay machine values."""
    from analytics.i18n import speaking
    from analytics.policy import load_policy

    shipped = load_policy().watch_rules
    assert {r.action for r in shipped} <= set(wl.SHIPPED_ACTIONS)  # every shipped action is marked for translation
    frame = customers(limit_amt=[1000.0, 1000.0], utilization_pct=[296.0, 296.0], line_holder_id=["W1", "W1"],
                      line_scope=["group", "group"], is_line_holder=[True, False],
                      line_exposure_amt=[2960.0, 2960.0])
    with speaking("zh"):
        hits = run(frame, tuple(replace(r, action=s.action) for r, s in zip(RULES, shipped)))
    util, dpd = hit(hits, "W1", "utilization"), hit(hits, "W1", "days_past_due")
    assert util is not None and dpd is not None
    assert util["label"] == "信用额度使用率" and util["severity"] == "high"
    assert util["observed_text"] == "集团额度 1,000 的 296 %（集团敞口 2,960）"
    assert dpd["observed_text"] == "100 天" and dpd["action"] == "加强催收；冻结新订单"
    events = hit(hits, "W1", "adverse_events")
    assert events is not None and events["observed_text"] == "2026年6月1日 诉讼"
    assert (hit(hits, "W1", "downgrade") or {})["observed_text"] == "BBB → B（2 级）"
    assert not any(any("a" <= ch.lower() <= "z" for ch in str(h["observed_text"]).replace("A", "").replace("B", ""))
                   for h in hits.iter_rows(named=True) if h["rule"] not in ("grade_floor",))
    english = run(frame)
    assert (hit(english, "W1", "downgrade") or {})["observed_text"] == "BBB → B (2 notches)"
    assert (hit(english, "W1", "financials") or {})["observed_text"] == \
        "current ratio < 1 and debt ratio > 0.8 (accounts to Dec 31, 2025)"


def test_watchlist_thresholds_in_the_link() -> None:
    from analytics.views.monitoring import rules_from_thresholds, thresholds_token

    assert thresholds_token(RULES, RULES, SCALE) is None
    tried = tuple(r.with_entry(120) if r.key == "utilization" else
                  r.with_entry(SCALE.index("CCC")) if r.key == "grade_floor" else
                  replace(r, enabled=False) if r.key == "concentration" else r for r in RULES)
    token = thresholds_token(tried, RULES, SCALE)
    assert token == "utilization:120,grade_floor:CCC,concentration:off"
    back, problems = rules_from_thresholds(token, RULES, SCALE)
    assert back == tried and problems == []
    # nonsense: named, and the policy's setting kept for that rule; the rest applied
    back, problems = rules_from_thresholds("utilization:lots,bogus:1,downgrade:2.5,days_past_due:400,"
                                           "adverse_events:severe,grade_floor:Z,x, ,slowing_payments:30", RULES, SCALE)
    assert len(problems) == 7, problems
    assert {r.key: r for r in back}["slowing_payments"].entry == 30
    assert [r for r in back if r.key != "slowing_payments"] == [r for r in RULES if r.key != "slowing_payments"]
    back, problems = rules_from_thresholds("x" * 5000, RULES, SCALE)
    assert back == RULES and len(problems) == 1
