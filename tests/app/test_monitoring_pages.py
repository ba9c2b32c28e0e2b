"""The monitoring pages under AppTest: migration, watchlist, review schedule; their controls
change the numbers, bad dates are explained, and the page agrees with the report."""

from __future__ import annotations

import json
from datetime import date

from tests.app.conftest import assert_clean, metric, shown


def open_page(app, path: str, widgets: dict[str, object] | None = None, **params: str):
    at = app(widgets, **params).run()
    at.switch_page(path).run()
    assert_clean(at)
    return at


def test_migration_page_renders_and_agrees_with_the_report(app, generated_warehouse, capsys):
    from analytics.cli import main

    at = open_page(app, "pages/migration.py")
    assert at.title[0].value == "Rating migration"
    as_of = at.query_params["as_of"]
    cohort = int(metric(at, "Cohort").replace(",", ""))
    assert cohort > 0
    assert main(["report", "migration", "--to", as_of, "--warehouse", str(generated_warehouse),
                 "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["customers"] == cohort
    assert f"{doc['summary']['downgrades']:,}" == metric(at, "Downgrades")


def test_migration_controls_change_the_numbers(app):
    base = open_page(app, "pages/migration.py")
    as_of = date.fromisoformat(base.query_params["as_of"])
    key_from = f"mig_from_{as_of}"
    half = open_page(app, "pages/migration.py", {key_from: date(as_of.year, 4, 30)})
    assert metric(half, "Cohort") != metric(base, "Cohort") or metric(half, "Downgrades") != metric(base, "Downgrades")
    core = open_page(app, "pages/migration.py", {"filter_segment": ["core"]})
    assert int(metric(core, "Cohort").replace(",", "")) < int(metric(base, "Cohort").replace(",", ""))


def test_migration_dates_in_the_wrong_order_are_explained(app):
    base = open_page(app, "pages/migration.py")
    as_of = date.fromisoformat(base.query_params["as_of"])
    at = open_page(app, "pages/migration.py", {f"mig_from_{as_of}": as_of, f"mig_to_{as_of}": date(as_of.year, 1, 31)})
    assert any("must be before the end date" in w.value for w in at.warning), [w.value for w in at.warning]
    assert not at.metric  # nothing drawn from a nonsense request


def test_watchlist_page_and_its_threshold_slider(app):
    at = open_page(app, "pages/watchlist.py")
    assert at.title[0].value == "Watchlist"
    before = int(metric(at, "On the watchlist").replace(",", ""))
    assert before > 0
    # switch every rule off except utilization, then raise its threshold: the list can only shrink
    off = {f"wl_on_{k}": False for k in ("days_past_due", "overdue_amount", "downgrade", "grade_floor",
                                           "adverse_events", "financials", "limit_expired", "review_overdue",
                                           "insurer_cut", "slowing_payments", "concentration")}
    only_util = open_page(app, "pages/watchlist.py", {**off, "wl_severity": ["low", "medium", "high", "critical"]})
    loose = open_page(app, "pages/watchlist.py", {**off, "wl_t_utilization": 150,
                                                  "wl_severity": ["low", "medium", "high", "critical"]})
    n_util = int(metric(only_util, "On the watchlist").replace(",", ""))
    n_loose = int(metric(loose, "On the watchlist").replace(",", ""))
    assert 0 < n_util < before and n_loose < n_util
    assert any("Trying thresholds other than the policy" in i.value for i in loose.info)


def test_watchlist_page_matches_the_report(app, generated_warehouse, capsys):
    from analytics.cli import main

    at = open_page(app, "pages/watchlist.py", {"wl_severity": ["low", "medium", "high", "critical"]})
    assert main(["report", "watchlist", "--as-of", at.query_params["as_of"], "--warehouse",
                 str(generated_warehouse), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert f"{doc['customers_on_watchlist']:,}" == metric(at, "On the watchlist")
    assert f"{doc['new_hits']:,}" == metric(at, "New entries")
    assert f"{doc['resolved_hits']:,}" == metric(at, "Resolved")


def test_review_page(app, generated_warehouse, capsys):
    from analytics.cli import main

    at = open_page(app, "pages/reviews.py")
    assert at.title[0].value == "Review schedule"
    assert main(["report", "reviews", "--as-of", at.query_params["as_of"], "--warehouse",
                 str(generated_warehouse), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert f"{doc['counts']['overdue'] + doc['counts']['never reviewed']:,}" == metric(at, "Overdue")
    assert f"{len(doc['review_schedule']):,}" == metric(at, "Under review")


def test_watchlist_thresholds_are_kept_in_the_link(app):
    """A link's thresholds set the sliders and the board; moving a slider writes the link."""
    everything = {"wl_severity": ["low", "medium", "high", "critical"]}
    linked = app(everything, _open="watchlist", thresholds="utilization:150,concentration:off").run()
    assert_clean(linked)
    assert linked.title[0].value == "Watchlist"
    assert linked.slider(key="wl_t_utilization").value == 150
    assert linked.toggle(key="wl_on_concentration").value is False
    assert linked.query_params["thresholds"] == "utilization:150,concentration:off"
    assert any("Trying thresholds other than the policy" in i.value for i in linked.info)
    # the same board as moving the widgets by hand
    by_hand = open_page(app, "pages/watchlist.py", {**everything, "wl_t_utilization": 150,
                                                    "wl_on_concentration": False})
    for tile in ("On the watchlist", "New entries", "Resolved", "Critical or high"):
        assert metric(linked, tile) == metric(by_hand, tile), tile
    assert by_hand.query_params["thresholds"] == "utilization:150,concentration:off"
    policy = open_page(app, "pages/watchlist.py", everything)
    assert "thresholds" not in policy.query_params
    assert metric(policy, "On the watchlist") != metric(linked, "On the watchlist")
    # back to the policy: the link loses its thresholds
    linked.button(key="wl_reset").click().run()
    assert_clean(linked)
    assert linked.slider(key="wl_t_utilization").value == 80
    assert "thresholds" not in linked.query_params
    assert metric(linked, "On the watchlist") == metric(policy, "On the watchlist")


def test_a_nonsense_threshold_in_the_link_is_explained_and_the_policy_used(app):
    at = app(_open="watchlist", thresholds="utilization:banana,nosuchrule:3,grade_floor:Z,days_past_due:off,"
                                          "downgrade:2.5,limit_expired:9999,garbage").run()
    assert_clean(at)
    warnings = " ".join(shown(w.value) for w in at.warning)
    for bad in ("banana", "nosuchrule", "Z", "2.5", "9999", "garbage"):
        assert bad in warnings, (bad, warnings)
    assert at.slider(key="wl_t_utilization").value == 80  # the policy's threshold
    assert at.select_slider(key="wl_t_grade_floor").value == "B"
    assert at.slider(key="wl_t_downgrade").value == 2 and at.slider(key="wl_t_limit_expired").value == 1
    assert at.toggle(key="wl_on_days_past_due").value is False  # the readable part is applied
    assert at.query_params["thresholds"] == "days_past_due:off"  # the link keeps what was understood
    assert int(metric(at, "On the watchlist").replace(",", "")) > 0
