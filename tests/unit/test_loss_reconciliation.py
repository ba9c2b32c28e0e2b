"""The one-year expected loss against the lifetime ECL provision: the reconciliation's inputs and
its bridge on a hand-made portfolio, every figure computed by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.i18n import speaking
from analytics.risk import exposure as ex
from analytics.risk.provisions import provision_matrix
from analytics.views.loss import STEPS, TOTALS, panel, reconcile
from analytics.views.receivables import ProvisionView

AS_OF = date(2024, 3, 31)
WINDOW = (date(2023, 3, 31), date(2024, 2, 29))
R = 26.1 / 1300  # the portfolio-average PD × LGD: EL ÷ net exposure


def customers() -> pl.DataFrame:
    """X (A, PD 2 %): open AR 1,000 + orders 200, collateral 300 -> net 900, EL 2 % × 45 % × 900 = 8.1.
    Y (CCC, PD 10 %): open AR 500, insured 100 -> net 400, EL 10 % × 45 % × 400 = 18.
    Z (BB): in credit by 50 with orders of 30 -> gross exposure 0 (a credit balance is no exposure)."""
    return pl.DataFrame({
        "customer_id": ["X", "Y", "Z"], "name": ["Ex", "Why", "Zed"], "group_id": ["X", "Y", "Z"],
        "group_name": ["Ex", "Why", "Zed"], "segment": ["core", "key", "core"],
        "industry": ["Retail", "Retail", "Machinery"], "region": ["East", "East", "South"],
        "grade": ["A", "CCC", "BB"], "rating_pd": [0.02, 0.10, None],
        "open_ar_amt": [1000.0, 500.0, -50.0], "credit_balance_amt": [0.0, 0.0, -50.0],
        "overdue_amt": [400.0, 100.0, 0.0], "max_days_past_due": [20, 45, None],
        "open_orders_amt": [200.0, 0.0, 30.0], "gross_exposure_amt": [1200.0, 500.0, 0.0],
        "limit_amt": [2000.0, 600.0, None], "is_limit_expired": [False, False, False],
        "collateral_amt": [300.0, 0.0, 0.0], "insured_amt": [0.0, 100.0, 0.0],
        "net_exposure_amt": [900.0, 400.0, 0.0],
    })


def provision(overlay: float = 1.1) -> ProvisionView:
    """The open items after credits: 1,000 not due, 400 in 1-30, 100 over 30 (X's 1,000 and Y's 500),
    loss rates 1 % / 5 % / 20 %: 10 + 20 + 20 = 50 before the overlay, × 1.1 = 55."""
    balances = pl.DataFrame({"bucket": ["not due", "1-30", "> 30"], "outstanding_amt": [1000.0, 400.0, 100.0]})
    matrix = provision_matrix(balances, [0.01, 0.05, 0.20], overlay)
    return ProvisionView(AS_OF, WINDOW, ["not due", "1-30", "> 30"], pl.DataFrame(), pl.DataFrame(), matrix,
                         pl.DataFrame())


@pytest.fixture()
def rec(policy):
    view = ex.build_view(AS_OF, "CNY", customers(), None, None, pl.DataFrame(), policy)
    return reconcile(view, provision(), policy.lgd_pct, list(policy.scale))


def test_the_inputs_of_each_figure(rec, policy):
    assert policy.lgd_pct == 45.0
    # the one-year EL: Σ PD × LGD × net exposure on open AR after credits + open orders − mitigation
    assert rec.expected_loss_amt == pytest.approx(8.1 + 18.0)
    assert rec.ead_amt == 1300.0 and rec.gross_exposure_amt == 1700.0 and rec.open_orders_amt == 230.0
    assert rec.collateral_amt == 300.0 and rec.insured_amt == 100.0 and rec.mitigation_amt == 400.0
    assert rec.el_rate_frac == pytest.approx(R)
    assert rec.average_pd_frac == pytest.approx(26.1 / (1300 * 0.45))
    # the provision: gross carrying amount × historical loss rates × overlay
    assert rec.provision_base_amt == 1500.0
    assert rec.provision_before_overlay_amt == pytest.approx(50.0)
    assert rec.provision_amt == pytest.approx(55.0)
    assert rec.base_rate_frac == pytest.approx(50 / 1500) and rec.provision_rate_frac == pytest.approx(55 / 1500)
    assert rec.overlay_factor == 1.1 and rec.window == WINDOW
    # Z's orders of 30 are netted against its credit of 50 in the EL's base: 1,500 − (1,700 − 230)
    assert rec.credit_balances_amt == pytest.approx(30.0)
    # where each sits: grade CCC holds 400 of the 1,300 and 18 of the 26.1; past due 500 of 1,500 and 44 of 55
    assert rec.worst_grades == ("CCC",)
    assert (rec.worst_grades_ead_amt, rec.worst_grades_el_amt) == (400.0, pytest.approx(18.0))
    assert rec.past_due_base_amt == 500.0 and rec.past_due_provision_amt == pytest.approx(1.1 * (20 + 20))


def test_the_bridge_leads_from_the_expected_loss_to_the_provision(rec):
    steps = {s.key: s.amount_amt for s in rec.steps}
    assert [s.key for s in rec.steps] == list(STEPS)
    assert [s.key for s in rec.steps if s.is_total] == list(TOTALS)
    assert steps["expected_loss"] == pytest.approx(26.1)
    assert steps["open_orders"] == pytest.approx(-230 * R)  # −4.62: the EL's base has them, AR not yet
    assert steps["mitigation"] == pytest.approx(400 * R)  # +8.03: the provision deducts no cover
    assert steps["credit_balances"] == pytest.approx(30 * R)  # +0.60
    assert steps["el_rate_on_provision_base"] == pytest.approx(1500 * R)  # 30.12
    assert steps["loss_rates"] == pytest.approx(50 - 1500 * R)  # +19.88: history instead of PD × LGD
    assert steps["overlay"] == pytest.approx(5.0)  # 50 × 0.1
    assert steps["provision"] == pytest.approx(55.0)
    # each total is the one before it plus the steps between them
    assert 26.1 - 230 * R + 400 * R + 30 * R == pytest.approx(steps["el_rate_on_provision_base"])
    assert steps["el_rate_on_provision_base"] + steps["loss_rates"] + steps["overlay"] == pytest.approx(55.0)
    assert rec.difference_amt == pytest.approx(26.1 - 55.0)
    assert -rec.base_effect_amt - rec.rate_effect_amt == pytest.approx(rec.difference_amt)
    assert rec.as_frame()["amount_amt"].to_list() == pytest.approx([steps[k] for k in STEPS])


def test_an_empty_portfolio_reconciles_to_nothing(policy):
    view = ex.build_view(AS_OF, "CNY", customers().head(0), None, None, pl.DataFrame(), policy)
    empty = pl.DataFrame({"bucket": ["not due"], "outstanding_amt": [0.0]})
    pv = ProvisionView(AS_OF, None, ["not due"], pl.DataFrame(), pl.DataFrame(), provision_matrix(empty, [None]),
                       pl.DataFrame())
    rec = reconcile(view, pv, policy.lgd_pct, list(policy.scale))
    assert [s.amount_amt for s in rec.steps] == [0.0] * len(STEPS)
    assert rec.el_rate_frac is None and rec.provision_rate_frac is None and rec.worst_grades == ()
    with speaking("en"):
        text = panel(rec).markdown
    assert "no roll-rate history before this date" in text and "roll rates need two consecutive month-ends" in text


def test_the_panel_shows_the_figures_one_can_follow(rec):
    with speaking("en"):
        shown = panel(rec)
    text = shown.markdown
    assert shown.title == "The loss figures explained: expected loss or provision?"
    assert "**Book the provision.** The lifetime ECL provision (CNY 55)" in text
    assert "The one-year expected loss (CNY 26)" in text
    # the bridge in full amounts with their signs, the rates it uses in percent
    for line in ("| One-year expected loss | **26** |", "(CNY 230 at 2.01 %) | −5 |", "(CNY 400 at 2.01 %) | +8 |",
                 "(CNY 30 at 2.01 %) | +1 |", "(CNY 1,500 at 2.01 %)** | **30** |",
                 "(3.33 % instead of 2.01 %) | +20 |", "Forward-looking overlay (× 1.10) | +5 |",
                 "| **= Lifetime ECL provision** | **55** |"):
        assert line in text, line
    assert "Grade CCC holds 30.8 % of the net exposure and 69.0 % of the expected loss." in text
    assert "Past-due buckets hold 33.3 % of the open AR and 80.0 % of the provision." in text
    assert "Most of the difference comes from the rates." in text
    assert "{" not in text and "None" not in text


def test_the_panel_in_chinese(rec):
    with speaking("zh"):
        text = panel(rec).markdown
    assert "**入账的是坏账准备。**" in text and "从预期损失到坏账准备" in text
    assert "{" not in text
