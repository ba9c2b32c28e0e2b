"""The collections worklist on hand-made items: stages, priority ranks, disputes, instalments."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.risk.collections import NO_STAGE, worklist


def items() -> pl.DataFrame:
    """c1: 100 at 20 dpd and a disputed instalment 50 at 100 dpd; c2: 300 at 40 dpd; c3: disputed 10 at 200."""
    return pl.DataFrame({
        "customer_id": ["c1", "c1", "c2", "c3"],
        "invoice_id": ["I1", "I2-2", "I3", "I4"],
        "invoice_date": [date(2024, 1, 1)] * 4,
        "due_date": [date(2024, 3, 11), date(2023, 12, 22), date(2024, 2, 20), date(2023, 9, 13)],
        "instalment_no": [None, 2, None, None],
        "currency": ["CNY"] * 4,
        "outstanding_doc_ccy": [100.0, 50.0, 300.0, 10.0],
        "outstanding_amt": [100.0, 50.0, 300.0, 10.0],
        "days_past_due": [20, 100, 40, 200],
        "is_disputed": [False, True, False, True],
    })


def customers() -> pl.DataFrame:
    return pl.DataFrame({
        "customer_id": ["c1", "c2", "c3"], "name": ["One", "Two", "Three"], "segment": ["core", "key", "general"],
        "industry": ["x"] * 3, "credit_manager": ["Li Na"] * 3, "grade": ["BBB", "B", None],
        "rating_pd": [None, 0.05, None], "open_ar_amt": [400.0, 300.0, 10.0], "overdue_amt": [150.0, 300.0, 10.0],
        "overdue_90_amt": [50.0, 0.0, 10.0], "disputed_amt": [50.0, 0.0, 10.0], "max_days_past_due": [100, 40, 200],
        "gross_exposure_amt": [400.0, 300.0, 10.0], "limit_amt": [1000.0, None, 100.0],
        "net_exposure_amt": [400.0, 300.0, 10.0],
    })


def test_stages_priorities_and_disputes(policy):
    """Ranks (n = 3): past due c3 10 < c1 150 < c2 300; days past due as the dispute rule
    reads them (undisputed: c3 none = 0 < c1 20 < c2 40); PD c1 0.18 < c3 3.76 (unrated:
    B) < c2 5. c1 = 100 (0.5 x 2/3 + 0.3 x 2/3 + 0.2 x 1/3) = 60; c2 = 100; c3 = 100 (0.5 x
    1/3 + 0.3 x 1/3 + 0.2 x 2/3) = 40."""
    wl = worklist("2024-03-31", items(), customers(), policy)
    c = wl.customers
    assert c["customer_id"].to_list() == ["c2", "c1", "c3"]
    assert c["priority_score"].to_list() == pytest.approx([100.0, 60.0, 40.0])
    stage = dict(zip(c["customer_id"], c["stage"]))
    assert stage == {"c1": "phone call", "c2": "formal letter and credit hold", "c3": NO_STAGE}
    row = c.filter(pl.col("customer_id") == "c1").row(0, named=True)
    assert row["past_due_amt"] == 150.0 and row["disputed_past_due_amt"] == 50.0
    assert row["overdue_instalments"] == 1 and row["max_undisputed_dpd"] == 20
    assert row["oldest_due_date"] == date(2023, 12, 22)
    assert row["pd_pct"] == pytest.approx(0.18)


def test_instalments_promised_against_received(policy):
    plans = pl.DataFrame({"customer_id": ["c1"], "instalments_due": [2], "instalments_due_amt": [200.0],
                          "instalments_received_amt": [150.0]})
    wl = worklist("2024-03-31", items(), customers(), policy, plans)
    row = wl.customers.filter(pl.col("customer_id") == "c1").row(0, named=True)
    assert row["instalments_due_amt"] == 200.0 and row["instalments_received_pct"] == pytest.approx(75.0)
    other = wl.customers.filter(pl.col("customer_id") == "c2").row(0, named=True)
    assert other["instalments_due_amt"] is None and other["instalments_received_pct"] is None


def test_stage_summary_in_policy_order(policy):
    wl = worklist("2024-03-31", items(), customers(), policy)
    s = wl.stages
    assert s["stage"].to_list()[0] == "reminder" and s["stage"].to_list()[-1] == NO_STAGE
    counts = dict(zip(s["stage"], s["customers"]))
    assert counts["phone call"] == 1 and counts["formal letter and credit hold"] == 1 and counts[NO_STAGE] == 1
    assert s["customers"].sum() == 3 and s["past_due_amt"].sum() == pytest.approx(460.0)


def test_items_carry_their_own_stage(policy):
    wl = worklist("2024-03-31", items(), customers(), policy)
    it = wl.items
    assert it["invoice_id"].to_list() == ["I3", "I2-2", "I1", "I4"]
    assert dict(zip(it["invoice_id"], it["item_stage"])) == {
        "I3": "formal letter and credit hold", "I2-2": NO_STAGE, "I1": "phone call", "I4": NO_STAGE}


def test_empty_worklist(policy):
    wl = worklist("2024-03-31", items().clear(), customers().clear(), policy)
    assert wl.customers.height == 0 and wl.stages["customers"].sum() == 0


def test_counting_disputed_items_is_one_policy_switch(policy):
    """With [ledger] disputed_items_in_days_past_due = true, disputed items set the stage too:
    c1 reaches 'legal or agency' through its disputed instalment (100 dpd), c3 'write-off
    candidate' (200 dpd)."""
    from dataclasses import replace

    wl = worklist("2024-03-31", items(), customers(), replace(policy, disputed_in_dpd=True))
    stage = dict(zip(wl.customers["customer_id"], wl.customers["stage"]))
    assert stage == {"c1": "legal or agency", "c2": "formal letter and credit hold", "c3": "write-off candidate"}


def test_shipped_stage_names_are_translated_and_own_names_pass_through(policy):
    from analytics.i18n import speaking
    from analytics.risk.collections import SHIPPED_STAGES, shown_stage, with_shown_stages

    assert {name for name, _ in policy.dunning_stages} <= set(SHIPPED_STAGES)
    wl = worklist("2024-03-31", items(), customers(), policy)
    with speaking("zh"):
        assert shown_stage("phone call") == "电话催收" and shown_stage("电话回访") == "电话回访"
        shown = with_shown_stages(wl.items)
    assert set(shown["stage"]) == {"电话催收", "正式催款函并信用冻结", "仅有争议项"}
    assert wl.items["stage"].to_list() != shown["stage"].to_list()  # the view keeps the policy's names

