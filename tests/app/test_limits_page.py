"""The Limit recommendations page under AppTest: its tiles agree with `report limits`, and the
credit file shows the same line for a customer."""

from __future__ import annotations

import json

from tests.app.conftest import assert_clean, metric


def test_limits_page_agrees_with_the_report(scored_app, scored_warehouse, capsys):
    from analytics.cli import main

    at = scored_app().run()
    at.switch_page("pages/limits.py").run()
    assert_clean(at)
    assert at.title[0].value == "Limit recommendations"
    assert main(["report", "limits", "--as-of", at.query_params["as_of"], "--warehouse", str(scored_warehouse),
                 "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert metric(at, "Limits to change") == f"{doc['changes']:,}"
    assert doc["changes"] > 0 and doc["customers"] >= doc["changes"]
    # the approvals table: the changes per level add up to the changes
    assert sum(r["customers"] for r in doc["approvals"]) == doc["changes"]
    assert at.get("plotly_chart"), "the limits-by-grade chart"
    # the credit file of the largest change shows its recommendation in words
    top = doc["limits"][0]
    cf = scored_app(customer=top["customer_id"]).run()
    cf.switch_page("pages/customer.py").run()
    assert_clean(cf)
    line = next(m.value for m in cf.markdown if "Limit recommendation" in m.value)
    assert top["basis"] in line and (top["approval_level"] or "no change") in line
    assert any("Credit scoring" == h.value for h in cf.subheader)
