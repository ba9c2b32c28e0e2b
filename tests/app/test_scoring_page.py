"""The credit scoring page under AppTest: it grades the portfolio, agrees with `report scores`,
and a weight moved re-grades it."""

from __future__ import annotations

import json

from tests.app.conftest import assert_clean, metric


def open_page(app, widgets: dict[str, object] | None = None, **params: str):
    at = app(widgets, **params).run()
    at.switch_page("pages/scoring.py").run()
    assert_clean(at)
    return at


def test_scoring_page_agrees_with_the_report(app, generated_warehouse, capsys):
    from analytics.cli import main

    at = open_page(app)
    assert at.title[0].value == "Credit scoring"
    scored = int(metric(at, "Customers scored").replace(",", ""))
    assert scored > 100
    assert main(["report", "scores", "--as-of", at.query_params["as_of"], "--warehouse", str(generated_warehouse),
                 "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["scores"]) == scored
    scores = sorted(r["score"] for r in doc["scores"])
    median = (scores[(scored - 1) // 2] + scores[scored // 2]) / 2
    assert metric(at, "Median score") == f"{round(median):,}"
    assert metric(at, "Grades moved") == "0"  # the policy's own weights


def test_a_weight_moved_regrades_the_portfolio(app):
    base = open_page(app)
    # payment history alone: every other dimension at 0
    at = open_page(app, {"sc_w_credit_use": 0, "sc_w_relationship": 0, "sc_w_disputes_and_events": 0})
    assert metric(at, "Grades moved") != "0"
    assert metric(at, "Median score") != metric(base, "Median score")
    # all weights at 0: said, and the policy's weights kept
    zero = open_page(app, {"sc_w_payment_history": 0, "sc_w_credit_use": 0, "sc_w_relationship": 0,
                           "sc_w_disputes_and_events": 0})
    assert any("All weights are 0" in w.value for w in zero.warning)
    assert metric(zero, "Grades moved") == "0"
