"""What-if levers and engine on a hand-made five-customer portfolio: neutral levers give
today's portfolio back, limits and stress by hand, the Vasicek closed form against its
formula, the Monte Carlo against the closed form, and the levers' parsing and links."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate
from scipy.stats import norm

from analytics.policy import levers as lv
from analytics.risk import whatif
from analytics.policy import DEFAULT_POLICY_PATH, load_policy

SCALE = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "D")
POLICY_PD_PCT = np.array([0.01, 0.02, 0.06, 0.18, 0.72, 3.76, 26.8, 100.0])
BOUNDS = (0, 30, 60)  # buckets: not due (dpd <= 0), 1-30, 31-60, 61+
LOSS_RATES = np.array([0.01, 0.05, 0.20, 0.60])
APPROVALS = (("credit manager", 1e6), ("CFO", 1e7), ("credit committee", None))
POLICY = load_policy(DEFAULT_POLICY_PATH)
LEVER_RULES = tuple(r for r in POLICY.watch_rules if r.key in whatif.LEVER_RULES)
NEUTRAL = lv.neutral(SCALE, 45.0, hold_days_past_due=30, hold_utilization_pct=100.0)
NAN = math.nan

# One row per customer. open AR = sum of buckets, overdue = buckets past due, gross = open AR + orders,
# net = max(0, gross - collateral - insured):
#   C1  A    steel/north      AR 1000 (300 overdue)  orders  200  gross 1200  net 1200-100-300 =  800  limit 1500
#   C2  BBB  retail/south     AR 5000 (1500)         orders 1000  gross 6000  net 6000             limit 8000
#   C3  CCC  chemicals/north  AR  400 (400)          orders  100  gross  500  net max(0,500-600)=0 no limit
#   C4  D    steel/south      AR 2000 (2000)         orders    0  gross 2000  net 2000-500 = 1500  limit 1500
#   C5  AA   retail/north     AR    0                orders 3000  gross 3000  net 3000-1000 = 2000 limit 2500
# totals: gross 12,700, net 10,300, overdue 4,200, current limits 13,500 (C3 has none)
ROWS: list[dict[str, object]] = [
    dict(id="C1", industry="steel", region="north", grade="A", pd=0.06, buckets=[700, 300, 0, 0], dpd=20.0,
         orders=200, collateral=100, insured=300, limit=1500, terms=30, tnw=20000, wc=5000, purchases=600),
    dict(id="C2", industry="retail", region="south", grade="BBB", pd=0.25, buckets=[3500, 1000, 500, 0], dpd=45.0,
         orders=1000, collateral=0, insured=0, limit=8000, terms=60, tnw=40000, wc=30000, purchases=2000),
    dict(id="C3", industry="chemicals", region="north", grade="CCC", pd=26.8, buckets=[0, 0, 100, 300], dpd=75.0,
         orders=100, collateral=0, insured=600, limit=NAN, terms=30, tnw=NAN, wc=NAN, purchases=0),
    dict(id="C4", industry="steel", region="south", grade="D", pd=100.0, buckets=[0, 0, 0, 2000], dpd=200.0,
         orders=0, collateral=500, insured=0, limit=1500, terms=30, tnw=-500, wc=1000, purchases=0),
    dict(id="C5", industry="retail", region="north", grade="AA", pd=0.02, buckets=[0, 0, 0, 0], dpd=NAN,
         orders=3000, collateral=0, insured=1000, limit=2500, terms=45, tnw=NAN, wc=8000, purchases=3000),
]


def make_inputs(rows: list[dict[str, object]] = ROWS) -> whatif.WhatIfInputs:
    """WhatIfInputs by hand (3-6 customers) from `rows` as above."""
    def col(key: str) -> np.ndarray:
        return np.array([r[key] for r in rows], dtype=np.float64)

    buckets = np.array([r["buckets"] for r in rows], dtype=np.float64)
    ids = [str(r["id"]) for r in rows]
    orders = col("orders")
    gross = buckets.sum(axis=1) + orders
    industries = tuple(sorted({str(r["industry"]) for r in rows}))
    regions = tuple(sorted({str(r["region"]) for r in rows}))
    customers = pl.DataFrame({
        "customer_id": [r["id"] for r in rows], "name": [f"Customer {r['id']}" for r in rows],
        "group_id": [None] * len(rows), "segment": ["general"] * len(rows),
        "industry": [r["industry"] for r in rows], "region": [r["region"] for r in rows],
        "credit_manager": ["Li"] * len(rows), "grade": [r["grade"] for r in rows]},
        schema_overrides={"group_id": pl.Utf8})
    return whatif.WhatIfInputs(
        as_of="2026-10-31", scale=SCALE, policy_pd_pct=POLICY_PD_PCT, customers=customers,
        grade_idx=np.array([SCALE.index(str(r["grade"])) for r in rows]), rated=np.ones(len(rows), dtype=bool),
        pd_pct=col("pd"), open_ar=buckets.sum(axis=1), overdue=buckets[:, 1:].sum(axis=1), max_dpd=col("dpd"),
        orders=orders, gross=gross, collateral=col("collateral"), insured=col("insured"),
        net=np.maximum(0.0, gross - col("collateral") - col("insured")), limit=col("limit"),
        line_idx=np.array([ids.index(str(r.get("line", r["id"]))) for r in rows]),
        line_outside=np.zeros(len(rows)),
        is_group_line=np.array([any(o.get("line") == r["id"] for o in rows) for r in rows], dtype=bool),
        draws_on_group=np.array([r.get("line", r["id"]) != r["id"] for r in rows], dtype=bool),
        terms_days=col("terms"), tangible_net_worth=col("tnw"), working_capital=col("wc"),
        monthly_purchases=col("purchases"), buckets=buckets, bucket_upper_dpd=BOUNDS, loss_rates=LOSS_RATES,
        industry_code=np.array([industries.index(str(r["industry"])) for r in rows]), industries=industries,
        region_code=np.array([regions.index(str(r["region"])) for r in rows]), regions=regions,
        best_rank_in_window=np.full(len(rows), np.nan), other_severity=np.full(len(rows), -1),
        lever_rules=LEVER_RULES, approval_levels=APPROVALS, policy_levers=NEUTRAL)


INPUTS = make_inputs()


def levers(**data: object) -> lv.Levers:
    return lv.from_mapping(data, NEUTRAL, "test")


def basis_names(out: whatif.Outcome) -> list[str]:
    return [whatif.BASIS_NAMES[b] for b in out.basis]


# ----------------------------------------------------------------------------- 1. neutral levers


def test_neutral_levers_reproduce_todays_portfolio_exactly() -> None:
    out = whatif.run(INPUTS, NEUTRAL)
    np.testing.assert_array_equal(out.limit, INPUTS.limit)  # NaN (C3) where NaN, == elsewhere
    assert np.isnan(out.limit[2]) and basis_names(out) == ["current limit"] * 2 + [
        "no basis: current limit kept"] + ["current limit"] * 2
    for mine, theirs in ((out.grade_idx, INPUTS.grade_idx), (out.pd_pct, INPUTS.pd_pct), (out.gross, INPUTS.gross),
                         (out.net, INPUTS.net), (out.orders, INPUTS.orders), (out.overdue, INPUTS.overdue),
                         (out.dpd, INPUTS.max_dpd)):
        np.testing.assert_array_equal(mine, theirs)
    s = out.summary
    assert s["gross_exposure_amt"] == 12_700.0 and s["net_exposure_amt"] == 10_300.0 and s["overdue_amt"] == 4_200.0
    assert s["total_limit_amt"] == 13_500.0  # 1500 + 8000 + 1500 + 2500; C3 has none
    # EL = PD x LGD x net: 0.0006*.45*800 + 0.0025*.45*6000 + 0 (C3 net 0) + 1*.45*1500 + 0.0002*.45*2000
    #    = 0.216 + 6.75 + 0 + 675 + 0.18 = 682.146
    assert s["expected_loss_amt"] == float(np.sum(INPUTS.pd_pct / 100 * 45.0 / 100 * INPUTS.net))
    assert s["expected_loss_amt"] == pytest.approx(682.146)
    np.testing.assert_array_equal(out.expected_loss, INPUTS.pd_pct / 100 * 45.0 / 100 * INPUTS.net)
    # over limit: C4 2000 - 1500 = 500, C5 3000 - 2500 = 500 (C1 at 80 %, C3 without a limit)
    assert s["customers_over_limit"] == 2.0 and s["over_limit_amt"] == 1_000.0
    assert s["headroom_amt"] == 2_300.0  # C1 300 + C2 2000
    # ECL = buckets @ loss rates: C1 7+15, C2 35+50+100, C3 20+180, C4 1200, C5 0 = 1607
    assert s["ecl_amt"] == float(np.sum(INPUTS.buckets @ INPUTS.loss_rates))
    assert s["ecl_amt"] == pytest.approx(1_607.0)
    # holds (dpd > 30 or utilization > 100 %): C2 (45 dpd), C3 (75), C4 (200), C5 (120 %); C1 not
    assert out.on_hold.tolist() == [False, True, True, True, True]
    assert s["sales_at_risk_amt"] == 4_100.0  # orders 1000 + 100 + 0 + 3000
    assert out.approval.tolist() == [-1] * 5
    assert s["customers_limit_up"] == s["customers_limit_down"] == 0.0
    assert all(s[whatif.approval_key(name)] == 0.0 for name, _ in APPROVALS)
    assert whatif.compare(out, whatif.run(INPUTS, NEUTRAL))["change"].to_list() == [0.0] * len(s)
    assert whatif.changes(INPUTS, out, out)["limit_change_amt"].to_list() == [0.0] * 5


# ----------------------------------------------------------------------------- 2. limits by hand


BASES3 = dict(bases=["tangible_net_worth", "working_capital", "purchases"], tangible_net_worth_pct=10.0,
              working_capital_pct=20.0, grace_days=15)


def test_each_basis_alone_by_hand() -> None:
    tnw = whatif.run(INPUTS, levers(bases=["tangible_net_worth"], tangible_net_worth_pct=10.0))
    # 10 % of 20000, 40000; C3 no statements; C4 negative TNW counts as 0; C5 no TNW keeps its 2500
    np.testing.assert_array_equal(tnw.limit, [2000.0, 4000.0, NAN, 0.0, 2500.0])
    assert basis_names(tnw) == ["tangible net worth"] * 2 + ["no basis: current limit kept", "tangible net worth",
                                                             "no basis: current limit kept"]
    wc = whatif.run(INPUTS, levers(bases="working_capital", working_capital_pct=20.0))
    np.testing.assert_array_equal(wc.limit, [1000.0, 6000.0, NAN, 200.0, 1600.0])  # 20 % of 5000/30000/-/1000/8000
    purchases = whatif.run(INPUTS, levers(bases=["purchases"], grace_days=15))
    # monthly purchases x (terms + grace) / 30: 600*45/30, 2000*75/30; C3, C4 buy nothing: current limit kept;
    # C5 3000*60/30
    np.testing.assert_array_equal(purchases.limit, [900.0, 5000.0, NAN, 1500.0, 6000.0])
    assert basis_names(purchases)[2:4] == ["no basis: current limit kept"] * 2


def test_min_of_the_chosen_bases_then_multiplier_floor_cap() -> None:
    out = whatif.run(INPUTS, levers(**BASES3))
    # C1 min(2000, 1000, 900) = 900; C2 min(4000, 6000, 5000) = 4000; C4 min(0, 200) = 0; C5 min(1600, 6000)
    np.testing.assert_array_equal(out.limit, [900.0, 4000.0, NAN, 0.0, 1600.0])
    assert basis_names(out) == ["purchases", "tangible net worth", "no basis: current limit kept",
                                "tangible net worth", "working capital"]
    # every customer with a basis is cut; a cut needs the first level; C3 unchanged
    assert out.approval.tolist() == [0, 0, -1, 0, 0]
    assert out.summary["customers_limit_down"] == 4.0 and out.summary["approvals_credit_manager"] == 4.0

    mult = dict(BASES3, grade_multipliers={"AA": 1.8, "A": 1.6, "BBB": 1.4}, risk_appetite=1.25)
    out = whatif.run(INPUTS, levers(**mult))
    # x multiplier x appetite: 900*1.6*1.25 = 1800, 4000*1.4*1.25 = 7000, 0, 1600*1.8*1.25 = 3600; C3 untouched
    np.testing.assert_allclose(out.limit, [1800.0, 7000.0, NAN, 0.0, 3600.0], rtol=1e-12)

    floors = dict(mult, floor_by_grade={"A": 2500, "CCC": 300}, cap_by_grade={"AA": 3000, "BBB": 5000})
    out = whatif.run(INPUTS, levers(**floors))
    # C1 1800 -> floor 2500; C3 no limit -> floor 300; C2 7000 -> cap 5000; C5 3600 -> cap 3000
    np.testing.assert_allclose(out.limit, [2500.0, 5000.0, 300.0, 0.0, 3000.0], rtol=1e-12)
    assert basis_names(out) == ["floor", "cap", "floor", "tangible net worth", "cap"]
    # C1 raise to 2500, C3 new limit 300: credit manager; C2 and C5 cut; C4 cut 1500 -> 0
    assert out.approval.tolist() == [0, 0, 0, 0, 0]


def test_single_name_cap_min_grade_and_rounding() -> None:
    base = dict(BASES3, grade_multipliers={"AA": 1.8, "A": 1.6, "BBB": 1.4}, risk_appetite=1.25,
                floor_by_grade={"A": 2500, "CCC": 300}, cap_by_grade={"AA": 3000, "BBB": 5000})
    out = whatif.run(INPUTS, levers(**base, single_name_cap_pct=20.0))
    # 20 % of total gross 12,700 = 2540: C2 5000 and C5 3000 come down to it
    np.testing.assert_allclose(out.limit, [2500.0, 2540.0, 300.0, 0.0, 2540.0], rtol=1e-12)
    assert basis_names(out) == ["floor", "single-name cap", "floor", "tangible net worth", "single-name cap"]

    out = whatif.run(INPUTS, levers(**base, single_name_cap_pct=30.0, single_name_cap_basis="equity",
                                    own_equity_amt=10_000))
    # 30 % of own equity 10,000 = 3000: C2 5000 -> 3000; C5 at exactly 3000 stays capped by grade
    np.testing.assert_allclose(out.limit, [2500.0, 3000.0, 300.0, 0.0, 3000.0], rtol=1e-12)
    assert basis_names(out)[1] == "single-name cap" and basis_names(out)[4] == "cap"

    out = whatif.run(INPUTS, levers(**base, single_name_cap_pct=20.0, min_grade="B", rounding_amt=1000))
    # below B (C3 CCC, C4 D): no open credit; the rest rounded down to 1000: 2500 -> 2000, 2540 -> 2000
    np.testing.assert_array_equal(out.limit, [2000.0, 2000.0, 0.0, 0.0, 2000.0])
    assert basis_names(out)[2:4] == ["below minimum grade"] * 2
    assert out.summary["customers_no_open_credit"] == 2.0
    # the D customer (gross 2000 > limit 0) and C3 (500 > 0) are over their new limit and on hold
    assert out.over_limit.tolist() == [0.0, 4000.0, 500.0, 2000.0, 1000.0]

    labels = whatif.changes(INPUTS, whatif.run(INPUTS, NEUTRAL), out).sort("customer_id")
    assert labels["basis"].to_list() == ["floor", "single-name cap", "below minimum grade", "below minimum grade",
                                         "single-name cap"]
    assert labels["approval_level"].to_list() == ["credit manager", "credit manager", "credit manager",
                                                  "credit manager", "credit manager"]
    assert labels["proposed_limit_amt"].to_list() == [2000.0, 2000.0, 0.0, 0.0, 2000.0]
    assert labels["current_limit_amt"].to_list() == [1500.0, 8000.0, None, 1500.0, 2500.0]


def test_purchases_basis_follows_sales_growth_and_new_terms() -> None:
    out = whatif.run(INPUTS, levers(bases=["purchases"], grace_days=15, sales_growth_pct=20.0,
                                    terms_by_grade={"A": 45}))
    # C1: 600 x 1.2 x (45 + 15) / 30 = 1440; C2: 2000 x 1.2 x 75 / 30 = 6000; C5: 3000 x 1.2 x 60 / 30 = 7200
    np.testing.assert_allclose(out.limit, [1440.0, 6000.0, NAN, 1500.0, 7200.0], rtol=1e-12)


# ----------------------------------------------------------------------------- 3. stress by hand


def test_pd_multiplier_caps_pd_and_loss_rates_at_100() -> None:
    out = whatif.run(INPUTS, levers(pd_multiplier=5.0))
    np.testing.assert_allclose(out.pd_pct, [0.3, 1.25, 100.0, 100.0, 0.1], rtol=1e-12)
    # EL: .003*.45*800 + .0125*.45*6000 + 0 + 1*.45*1500 + .001*.45*2000 = 1.08 + 33.75 + 675 + 0.9
    assert out.summary["expected_loss_amt"] == pytest.approx(710.73)
    # loss rates x5 capped: .05 .25 1 1 -> C1 35+75, C2 175+250+500, C3 100+300, C4 2000 = 3435
    assert out.summary["ecl_amt"] == pytest.approx(3_435.0)


@pytest.mark.parametrize(("change", "grades", "pd"), [
    # all, 2 notches: A -> BB, BBB -> B, CCC stays (never into D), D stays D, AA -> BBB
    (dict(downgrade_notches=2), ["BB", "B", "CCC", "D", "BBB"], [0.72, 3.76, 26.8, 100.0, 0.18]),
    (dict(downgrade_notches=3), ["B", "CCC", "CCC", "D", "BB"], [3.76, 26.8, 26.8, 100.0, 0.72]),
    (dict(downgrade_notches=20), ["CCC", "CCC", "CCC", "D", "CCC"], [26.8, 26.8, 26.8, 100.0, 26.8]),
    # one industry: steel is C1 and C4 (D stays D); C2 keeps its own PD 0.25 (the policy's BBB is 0.18)
    (dict(downgrade_notches=1, downgrade_scope="industry", downgrade_value="steel"),
     ["BBB", "BBB", "CCC", "D", "AA"], [0.18, 0.25, 26.8, 100.0, 0.02]),
    # one region: north is C1, C3 (already CCC) and C5
    (dict(downgrade_notches=1, downgrade_scope="region", downgrade_value="north"),
     ["BBB", "BBB", "CCC", "D", "A"], [0.18, 0.25, 26.8, 100.0, 0.06]),
    (dict(downgrade_notches=4, downgrade_scope="region", downgrade_value="nowhere"),
     ["A", "BBB", "CCC", "D", "AA"], [0.06, 0.25, 26.8, 100.0, 0.02]),
])
def test_downgrade_by_hand(change: dict[str, object], grades: list[str], pd: list[float]) -> None:
    out = whatif.run(INPUTS, levers(**change))
    assert [SCALE[i] for i in out.grade_idx] == grades
    np.testing.assert_array_equal(out.pd_pct, pd)
    np.testing.assert_array_equal(whatif.stressed_grades(INPUTS, levers(**change)), out.grade_idx)


def test_downgrade_by_grade_table() -> None:
    base = whatif.run(INPUTS, NEUTRAL)
    out = whatif.run(INPUTS, levers(downgrade_notches=2))
    table = whatif.by_grade(INPUTS, base, out)
    assert table["grade"].to_list() == list(SCALE)
    row = {r["grade"]: r for r in table.iter_rows(named=True)}
    assert (row["A"]["base_customers"], row["A"]["customers"]) == (1, 0)
    assert (row["BB"]["base_customers"], row["BB"]["customers"]) == (0, 1)
    assert row["BB"]["expected_loss_amt"] == pytest.approx(0.0072 * 0.45 * 800)  # C1 at the BB policy PD
    assert row["A"]["base_expected_loss_amt"] == pytest.approx(0.216)
    assert row["BBB"]["current_limit_amt"] == 8000.0 and row["BBB"]["proposed_limit_amt"] == 2500.0  # C2 out, C5 in


def test_lgd_and_sales_growth() -> None:
    out = whatif.run(INPUTS, levers(lgd_pct=60.0))
    # .0006*.6*800 + .0025*.6*6000 + 1*.6*1500 + .0002*.6*2000 = 0.288 + 9 + 900 + 0.24
    assert out.summary["expected_loss_amt"] == pytest.approx(909.528)
    assert out.lgd_pct == 60.0

    out = whatif.run(INPUTS, levers(sales_growth_pct=20.0))
    np.testing.assert_allclose(out.gross, [1440.0, 7200.0, 600.0, 2400.0, 3600.0])
    # collateral and insurance do not grow: 1440-400, 7200, max(0, 600-600), 2400-500, 3600-1000
    np.testing.assert_allclose(out.net, [1040.0, 7200.0, 0.0, 1900.0, 2600.0])
    np.testing.assert_allclose(out.orders, [240.0, 1200.0, 120.0, 0.0, 3600.0])
    assert out.summary["overdue_amt"] == pytest.approx(5_040.0)  # 4200 x 1.2
    assert out.summary["ecl_amt"] == pytest.approx(1_928.4)  # 1607 x 1.2
    # limits unchanged: over limit C4 2400-1500, C5 3600-2500 (C1 1440 < 1500)
    assert out.summary["over_limit_amt"] == pytest.approx(2_000.0)
    assert out.summary["sales_at_risk_amt"] == pytest.approx(1200 + 120 + 0 + 3600)


def one_customer(buckets: list[float], purchases: float, dpd: float, terms: float = 30) -> whatif.WhatIfInputs:
    return make_inputs([dict(id="X", industry="steel", region="north", grade="BBB", pd=1.0, buckets=buckets,
                             dpd=dpd, orders=0, collateral=0, insured=0, limit=5000, terms=terms, tnw=NAN, wc=NAN,
                             purchases=purchases)])


def test_payment_delay_ages_the_buckets_by_hand() -> None:
    # 300 in 1-30 (dpd spread over (0, 30]) aged 15 days -> (15, 45]: 150 stays in 1-30, 150 to 31-60;
    # kept open: 90/30 x 15 = 45, all within 1..15 dpd -> 1-30
    inp = one_customer([0, 300, 0, 0], purchases=90, dpd=20)
    terms = inp.terms_days
    np.testing.assert_allclose(whatif._aged(inp, terms, 15), [[0.0, 195.0, 150.0, 0.0]])
    np.testing.assert_array_equal(whatif._aged(inp, terms, 0), inp.buckets)

    inp = one_customer([600, 300, 200, 100], purchases=90, dpd=70)
    # not due stays 600 (steady state: new invoices replace those falling due); 1-30: 150/150 as above;
    # 31-60 (30, 60] -> (45, 75]: 100 stays, 100 to 61+; 61+ stays; kept open 45 -> 1-30
    np.testing.assert_allclose(whatif._aged(inp, inp.terms_days, 15), [[600.0, 195.0, 250.0, 200.0]])
    # 40 days: 1-30 -> (40, 70]: 200 to 31-60, 100 to 61+; 31-60 -> (70, 100]: all 200 to 61+;
    # kept open 120 over 1..40 dpd: 90 in 1-30, 30 in 31-60
    np.testing.assert_allclose(whatif._aged(inp, inp.terms_days, 40), [[600.0, 90.0, 230.0, 400.0]])
    # a customer with only not-due AR: it stays, and what it would have paid in 15 days is overdue
    inp_nd = one_customer([3000, 0, 0, 0], purchases=3000, dpd=-5.0)
    np.testing.assert_allclose(whatif._aged(inp_nd, inp_nd.terms_days, 15), [[3000.0, 1500.0, 0.0, 0.0]])

    out = whatif.run(inp, levers(payment_delay_days=15))
    assert out.summary["overdue_amt"] == pytest.approx(645.0)  # 195 + 250 + 200
    assert out.gross[0] == pytest.approx(1245.0)  # 1200 + the 45 kept open
    assert out.dpd[0] == 85.0
    # ECL: 600 x .01 + 195 x .05 + 250 x .2 + 200 x .6 = 6 + 9.75 + 50 + 120
    assert out.summary["ecl_amt"] == pytest.approx(185.75)
    assert out.on_hold[0]  # 85 dpd > 30


def test_new_terms_scale_the_not_due_bucket() -> None:
    out = whatif.run(INPUTS, levers(terms_by_grade={"A": 45}))
    # C1 (A, 30 days -> 45): not due 700 x 45/30 = 1050; AR 1350, gross 1550, net 1550-400; overdue unchanged
    np.testing.assert_allclose(out.gross, [1550.0, 6000.0, 500.0, 2000.0, 3000.0])
    np.testing.assert_allclose(out.net, [1150.0, 6000.0, 0.0, 1500.0, 2000.0])
    assert out.summary["overdue_amt"] == pytest.approx(4_200.0)
    assert out.summary["ecl_amt"] == pytest.approx(1_607.0 + 350 * 0.01)
    inp = one_customer([600, 0, 0, 0], purchases=0, dpd=-5.0)
    np.testing.assert_allclose(whatif._aged(inp, np.array([15.0]), 0), [[300.0, 0.0, 0.0, 0.0]])  # 30 -> 15 days


@pytest.mark.parametrize(("hold", "held", "at_risk"), [
    (dict(), [False, True, True, True, True], 4_100.0),
    # more than 45 dpd: C2 at exactly 45 is not held
    (dict(hold_days_past_due=45, hold_utilization_pct=None), [False, False, True, True, False], 100.0),
    # more than 80 %: C1 at exactly 80 % is not held; C2 75 %
    (dict(hold_days_past_due=None, hold_utilization_pct=80.0), [False, False, False, True, True], 3_000.0),
    # utilization only: C4 133 %, C5 120 %; C3 has no limit so no utilization
    (dict(hold_days_past_due=None, hold_utilization_pct=100.0), [False, False, False, True, True], 3_000.0),
    (dict(hold_days_past_due=None, hold_utilization_pct=None), [False] * 5, 0.0),
    (dict(hold_days_past_due=10, hold_utilization_pct=None), [True, True, True, True, False], 1_300.0),
])
def test_hold_rule_and_sales_at_risk(hold: dict[str, object], held: list[bool], at_risk: float) -> None:
    out = whatif.run(INPUTS, levers(**hold))
    assert out.on_hold.tolist() == held
    assert out.summary["sales_at_risk_amt"] == at_risk
    assert out.summary["customers_on_hold"] == float(sum(held))


# ----------------------------------------------------------------------------- 4. approval


def test_approval_level_by_hand() -> None:
    current = np.array([1e5, 5e5, 5e7, 3e7, NAN, 1e6, 100.0, NAN, 2e6, 9e6, 0.0])
    proposed = np.array([5e5, 2e6, 2e7, 5e7, 2e7, 1e6 + 0.004, NAN, NAN, 1e7, 1e7 + 1, 0.0])
    # raise to 500k: manager; raise to 2m: CFO; cut 50m -> 20m: the first level (not the committee its amount
    # would need); raise to 50m: committee; new 20m: committee; within half a cent: unchanged; limit removed:
    # a cut; no limit either way: unchanged; raise to exactly 10m: CFO; 10m + 1: committee; 0 -> 0: unchanged
    assert whatif.approval_needed(current, proposed, APPROVALS).tolist() == [0, 1, 0, 2, 2, -1, 0, -1, 1, 2, -1]


# ----------------------------------------------------------------------------- 5. monotonicity


def _loss_figures(out: whatif.Outcome) -> dict[str, float]:
    keys = ("expected_loss_amt", "loss_quantile_99_amt", "loss_quantile_99_9_amt", "expected_shortfall_99_amt",
            "expected_shortfall_99_9_amt")
    return {k: out.summary[k] for k in keys}


@settings(max_examples=60, deadline=None)
@given(pds=st.lists(st.floats(0.0, 100.0), min_size=5, max_size=5),
       multipliers=st.tuples(st.floats(0.0, 100.0), st.floats(0.0, 100.0)).map(sorted),
       rho=st.one_of(st.none(), st.floats(0.0, 0.99)), notches=st.integers(0, 3))
def test_higher_pd_multiplier_never_lowers_losses(pds: list[float], multipliers: list[float], rho: float | None,
                                                   notches: int) -> None:
    inp = replace(INPUTS, pd_pct=np.array(pds))
    low, high = (whatif.run(inp, levers(pd_multiplier=m, asset_correlation=rho, downgrade_notches=notches))
                 for m in multipliers)
    lo, hi = _loss_figures(low), _loss_figures(high)
    for key in lo:  # (grouping equal PDs may reorder a sum: allow rounding)
        assert hi[key] >= lo[key] - 1e-9 * max(1.0, abs(lo[key])), key
    assert np.all(high.expected_loss >= low.expected_loss)
    assert high.summary["ecl_amt"] >= low.summary["ecl_amt"] - 1e-9


def _not_higher(tight: np.ndarray, loose: np.ndarray) -> bool:
    return bool(np.all((tight <= loose) | (np.isnan(tight) & np.isnan(loose))))


@settings(max_examples=60, deadline=None)
@given(grade=st.sampled_from(SCALE), cap=st.one_of(st.just(0.0), st.floats(1.0, 1e5)),
       snc=st.one_of(st.none(), st.floats(0.01, 100.0)),
       appetite=st.one_of(st.just(0.0), st.floats(1e-6, 5.0)), cut=st.tuples(*[st.one_of(st.just(0.0),
                                                                                    st.floats(1e-6, 1.0))] * 3),
       cap_basis=st.sampled_from(lv.CAP_BASES), rounding=st.sampled_from([0, 100, 1000]),
       bases=st.sets(st.sampled_from(lv.BASES), min_size=1))
def test_tighter_caps_or_lower_appetite_never_raise_a_limit(grade: str, cap: float, snc: float | None,
                                                             appetite: float, cut: tuple[float, float, float],
                                                             cap_basis: str, rounding: int, bases: set[str]) -> None:
    common = dict(BASES3, bases=sorted(bases), floor_by_grade={"A": 2500, "CCC": 300},
                  grade_multipliers={"AA": 1.8, "A": 1.6}, single_name_cap_basis=cap_basis, own_equity_amt=20_000,
                  rounding_amt=rounding, min_grade="CCC")
    loose = levers(**common, cap_by_grade={grade: cap}, single_name_cap_pct=snc, risk_appetite=appetite)
    tighter_snc = max(0.01, (snc if snc is not None else 100.0) * cut[1])
    variants = [replace(loose, cap_by_grade=tuple(None if c is None else c * cut[0] for c in loose.cap_by_grade)),
                replace(loose, single_name_cap_pct=tighter_snc), replace(loose, risk_appetite=appetite * cut[2])]
    variants.append(replace(variants[0], single_name_cap_pct=tighter_snc, risk_appetite=appetite * cut[2]))
    base = whatif.run(INPUTS, loose).limit
    for tight in variants:
        assert _not_higher(whatif.run(INPUTS, tight).limit, base), tight


# ----------------------------------------------------------------------------- 6. closed form


def test_vasicek_quantile_single_name_by_formula() -> None:
    # 1000 x Φ((Φ⁻¹(0.01) + √0.12 Φ⁻¹(0.999)) / √0.88) = 1000 x Φ((-2.3263 + 1.0705) / 0.9381) ≈ 90.3
    expected = 1000 * norm.cdf((norm.ppf(0.01) + math.sqrt(0.12) * norm.ppf(0.999)) / math.sqrt(0.88))
    got = whatif.vasicek_quantile(np.array([1000.0]), np.array([0.01]), np.array([0.12]), 0.999)
    assert got == pytest.approx(expected, rel=1e-12) and got == pytest.approx(90.3, abs=0.1)
    # equal (PD, ρ) names add up; a different PD adds its own term
    two = whatif.vasicek_quantile(np.array([400.0, 600.0, 500.0]), np.array([0.01, 0.01, 0.2]),
                                  np.array([0.12, 0.12, 0.12]), 0.999)
    second = 500 * norm.cdf((norm.ppf(0.2) + math.sqrt(0.12) * norm.ppf(0.999)) / math.sqrt(0.88))
    assert two == pytest.approx(expected + second, rel=1e-12)


def test_corporate_correlation_and_conditional_pd() -> None:
    assert whatif.corporate_correlation(np.array([1e-12]))[0] == pytest.approx(0.24)
    assert whatif.corporate_correlation(np.array([1.0]))[0] == pytest.approx(0.12)
    assert whatif.corporate_correlation(np.array([0.5]))[0] == pytest.approx(0.12, abs=1e-10)
    # PD 1 %: w = (1 - e^-0.5) / (1 - e^-50) = 0.393469 -> 0.12 w + 0.24 (1 - w) = 0.192784
    assert whatif.corporate_correlation(np.array([0.01]))[0] == pytest.approx(0.192784, abs=1e-6)
    np.testing.assert_array_equal(whatif.correlations(np.array([0.01, 0.2]), 0.3), [0.3, 0.3])
    cond = whatif.conditional_pd(np.array([0.0, 1.0, 0.01]), np.array([0.12, 0.12, 0.12]), 0.0)
    assert cond[0] == 0.0 and cond[1] == 1.0
    assert cond[2] == pytest.approx(norm.cdf(norm.ppf(0.01) / math.sqrt(0.88)))


def _corporate(p: float) -> float:
    w = (1 - math.exp(-50 * p)) / (1 - math.exp(-50))
    return 0.12 * w + 0.24 * (1 - w)


def _fine_grained_quantile(exposure: list[float], pd: list[float], rho: list[float], u: float) -> float:
    """DOMAIN: Σ EAD·LGD·Φ((Φ⁻¹(PD) + √ρ·Φ⁻¹(u)) / √(1−ρ)), written out with scipy."""
    return float(sum(e * norm.cdf((norm.ppf(p) + math.sqrt(r) * norm.ppf(u)) / math.sqrt(1 - r))
                     for e, p, r in zip(exposure, pd, rho)))


@pytest.mark.parametrize("asset_correlation", [None, 0.2])
def test_closed_form_by_formula_shortfall_by_quadrature(asset_correlation: float | None) -> None:
    exposure, pd = [1000.0, 500.0, 250.0], [0.01, 0.05, 0.01]
    rho = [_corporate(p) if asset_correlation is None else asset_correlation for p in pd]
    dist = whatif.closed_form(np.array(exposure), np.array(pd), asset_correlation)
    assert dist.method == "closed form"
    assert dist.expected_loss == pytest.approx(1000 * 0.01 + 500 * 0.05 + 250 * 0.01)
    for a in whatif.QUANTILES:
        assert dist.quantiles[a] == pytest.approx(_fine_grained_quantile(exposure, pd, rho, a), rel=1e-12)
        # ES = the mean of the u-quantiles over (α, 1)
        es = integrate.quad(lambda u: _fine_grained_quantile(exposure, pd, rho, u), a, 1, limit=200)[0] / (1 - a)
        assert dist.shortfalls[a] == pytest.approx(es, rel=1e-3)
        assert dist.shortfalls[a] >= dist.quantiles[a] >= dist.expected_loss
    figures = dist.as_dict()
    assert figures["credit_var_99_9_amt"] == pytest.approx(dist.quantiles[0.999] - dist.expected_loss)
    assert figures["expected_shortfall_99_amt"] == dist.shortfalls[0.99]


# ----------------------------------------------------------------------------- 7. Monte Carlo


def _homogeneous(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.full(n, 1.0), np.full(n, 0.01), np.zeros(n, dtype=np.int64)


def test_monte_carlo_of_a_large_homogeneous_portfolio_matches_the_closed_form() -> None:
    exposure, pd, sector = _homogeneous(5_000)
    lev = levers(asset_correlation=0.12, sector_correlation=1.0, individual_names=0, simulations=20_000, seed=7)
    rho = whatif.correlations(pd, lev.asset_correlation)
    # individual_names 0: every name enters by its conditional PD given the (single) factor
    mc = whatif.monte_carlo(exposure, pd, rho, sector, lev.sector_correlation, lev.simulations, lev.seed,
                            lev.individual_names)
    assert mc.method == "Monte Carlo" and mc.simulations == 20_000 and mc.quantile_error is not None
    assert mc.expected_loss == pytest.approx(50.0)  # 5000 x 1 x 1 %
    for a in whatif.QUANTILES:
        closed = _fine_grained_quantile([5_000.0], [0.01], [0.12], a)  # ≈ 262.6 at 99 %, 451.6 at 99.9 %
        assert whatif.closed_form(exposure, pd, 0.12).quantiles[a] == pytest.approx(closed, rel=1e-12)
        assert abs(mc.quantiles[a] - closed) <= mc.quantile_error[a], a
        assert mc.shortfalls[a] >= mc.quantiles[a]


def test_monte_carlo_with_individual_defaults_matches_up_to_granularity() -> None:
    exposure, pd, sector = _homogeneous(2_000)
    lev = levers(asset_correlation=0.12, sector_correlation=1.0, individual_names=2_000, simulations=20_000, seed=7)
    mc = whatif.monte_carlo(exposure, pd, whatif.correlations(pd, lev.asset_correlation), sector,
                            lev.sector_correlation, lev.simulations, lev.seed, lev.individual_names)
    # Granularity: 2000 names default one by one, so the loss is a whole number of names and, given the
    # factor, binomial around the closed form's conditional loss. The exact 2000-name quantile (the binomial
    # mixture over the factor, by quadrature) is 106 at 99 % and 183 at 99.9 %, against 105.05 and 180.65 for
    # the infinitely fine portfolio: under 1.3 %. Allow 2 % of the quantile plus one name.
    assert mc.quantile_error is not None
    for a in whatif.QUANTILES:
        closed = _fine_grained_quantile([2_000.0], [0.01], [0.12], a)
        allowance = 0.02 * closed + 1.0
        assert abs(mc.quantiles[a] - closed) <= mc.quantile_error[a] + allowance, a
        assert float(mc.quantiles[a]).is_integer()  # whole names


def test_monte_carlo_seed_gives_the_same_losses() -> None:
    exposure = np.linspace(1.0, 50.0, 300)
    pd = np.full(300, 0.02)
    rho = whatif.corporate_correlation(pd)
    sector = np.arange(300) % 3
    first = whatif.simulate_losses(exposure, pd, rho, sector, 0.6, 2_000, 5, 100)
    again = whatif.simulate_losses(exposure, pd, rho, sector, 0.6, 2_000, 5, 100)
    other = whatif.simulate_losses(exposure, pd, rho, sector, 0.6, 2_000, 6, 100)
    assert first.shape == (2_000,) and np.array_equal(first, again)
    assert not np.array_equal(first, other)
    assert np.all(first >= 0) and np.all(first <= exposure.sum())


# ----------------------------------------------------------------------------- 8. levers


def test_token_round_trip() -> None:
    scenario = levers(bases=["tangible_net_worth", "purchases"], grace_days=60, risk_appetite=0.8,
                      grade_multipliers={"AAA": 2, "CCC": 0.6}, cap_by_grade={"BB": 15e6}, single_name_cap_pct=5.0,
                      min_grade="CCC", rounding_amt=10_000, terms_by_grade={"B": 30}, hold_days_past_due=None,
                      pd_multiplier=1.5, downgrade_notches=2, downgrade_scope="industry", downgrade_value="steel",
                      lgd_pct=60.0, payment_delay_days=15, sales_growth_pct=-10.0, asset_correlation=0.15,
                      sector_correlation=0.6, simulations=5_000, seed=42, individual_names=100)
    token = scenario.token(NEUTRAL)
    assert isinstance(token, str) and "=" not in token
    assert lv.from_token(token, NEUTRAL) == scenario
    assert lv.from_token(NEUTRAL.token(NEUTRAL), NEUTRAL) == NEUTRAL
    assert set(scenario.diff(NEUTRAL)) >= {"hold_days_past_due", "grade_multipliers", "cap_by_grade"}
    assert scenario.diff(NEUTRAL)["hold_days_past_due"] is None  # cleared: the link says so
    with pytest.raises(lv.LeverError, match="damaged"):
        lv.from_token("not-a-token!", NEUTRAL)


def test_token_round_trip_clearing_a_per_grade_value() -> None:
    policy = POLICY.levers  # caps on AAA..CCC
    scenario = replace(policy, cap_by_grade=policy.cap_by_grade[:6] + (None, None))  # no cap on CCC
    assert lv.from_token(scenario.token(policy), policy) == scenario


def test_base_of_keeps_the_model_and_drops_the_levers() -> None:
    policy = POLICY.levers
    scenario = lv.from_mapping(dict(pd_multiplier=3.0, lgd_pct=70.0, hold_days_past_due=90, seed=9,
                                    asset_correlation=0.2, cap_by_grade={"AAA": 1.0}), policy)
    base = lv.base_of(scenario, policy)
    assert (base.seed, base.asset_correlation, base.sector_correlation) == (9, 0.2, policy.sector_correlation)
    assert (base.lgd_pct, base.hold_days_past_due, base.own_equity_amt) == (45.0, 30, policy.own_equity_amt)
    assert base.pd_multiplier == 1.0 and base.bases == ("current_limit",) and base.cap_by_grade == (None,) * 8


def test_today_is_its_own_base_and_the_limit_policy_is_one_step_away() -> None:
    policy = POLICY.levers
    now = lv.today(policy)
    assert lv.base_of(now, policy) == now  # no change: every figure equals the base's
    assert (now.seed, now.simulations, now.sector_correlation, now.lgd_pct) == (
        policy.seed, policy.simulations, policy.sector_correlation, policy.lgd_pct)
    assert now.bases == ("current_limit",) and now.pd_multiplier == 1.0 and now.terms_by_grade == (None,) * 8
    assert lv.with_limit_policy(now, policy) == policy
    stressed = replace(now, pd_multiplier=2.0, downgrade_notches=1, seed=7)
    applied = lv.with_limit_policy(stressed, policy)  # the stress and the model stay
    assert applied == replace(policy, pd_multiplier=2.0, downgrade_notches=1, seed=7)
    # on the hand-made portfolio: today's levers give back the base exactly
    base = NEUTRAL
    out, ref = whatif.run(INPUTS, lv.today(base)), whatif.run(INPUTS, lv.base_of(lv.today(base), base))
    assert out.summary == ref.summary


def test_a_scenario_file_starts_at_no_change_or_at_the_policy() -> None:
    policy = POLICY.levers
    assert lv.read_scenario_text("", policy) == ("", lv.today(policy))
    name, levers_ = lv.read_scenario_text('name = "Recession"\n[stress]\npd_multiplier = 2.0\n', policy)
    assert name == "Recession" and levers_ == replace(lv.today(policy), pd_multiplier=2.0)
    assert lv.read_scenario_text('start = "policy"\n', policy)[1] == policy
    assert lv.read_scenario_text('[scenario]\nstart = "today"\nseed = 3\n', policy)[1] == replace(
        lv.today(policy), seed=3)
    with pytest.raises(lv.LeverError, match="start = 'later' must be one of today, policy"):
        lv.read_scenario_text('start = "later"\n', policy, "s.toml")


@pytest.mark.parametrize(("data", "message"), [
    ({"pd_multiplyer": 2.0}, r"scenario\.toml: unknown lever 'pd_multiplyer' \(did you mean pd_multiplier"),
    ({"colour": 1}, r"unknown lever 'colour'$"),
    ({"pd_multiplier": 101}, r"pd_multiplier = 101 must be between 0 and 100"),
    ({"lgd_pct": -1.0}, r"lgd_pct = -1.0 must be between 0 and 100"),
    ({"risk_appetite": float("nan")}, r"risk_appetite = nan must be between"),
    ({"single_name_cap_pct": 0.0}, r"single_name_cap_pct = 0.0 must be between 0.01 and 100"),
    ({"cap_by_grade": {"AAAA": 5.0}}, r"cap_by_grade names grades not on the scale: AAAA"),
    ({"floor_by_grade": {"B": -1}}, r"floor_by_grade\.B = -1 must be between"),
    ({"min_grade": "E"}, r"min_grade = 'E' is not on the rating scale"),
    ({"pd_multiplier": "2"}, r"pd_multiplier = '2' must be a number"),
    ({"simulations": True}, r"simulations = True must be a whole number"),
    ({"grace_days": 1.5}, r"grace_days = 1\.5 must be a whole number"),
    ({"terms_by_grade": {"A": 30.5}}, r"terms_by_grade\.A = 30\.5 must be a whole number"),
    ({"grade_multipliers": {"A": None}}, r"grade_multipliers\.A = None must be a number"),
    ({"cap_by_grade": [1, 2]}, r"cap_by_grade must be a table"),
    ({"bases": ["income"]}, r"bases = \['income'\] must list"),
    ({"bases": []}, r"bases = \[\] must list"),
    ({"downgrade_scope": "country"}, r"downgrade_scope = 'country' must be one of all, industry, region"),
    ({"downgrade_value": 3}, r"downgrade_value = 3 must be"),
    ({"single_name_cap_basis": "assets"}, r"single_name_cap_basis = 'assets'"),
    ({"pd_multiplier": None}, r"pd_multiplier cannot be empty"),
    ({"lgd": 45}, r"lgd = 45 must be between 0 and 1"),
    ({"single_name_cap_pct": 5.0, "single_name_cap_basis": "equity"}, r"own_equity_amt > 0"),
])
def test_from_mapping_rejects_with_the_lever_named(data: dict[str, object], message: str) -> None:
    with pytest.raises(lv.LeverError, match=message):
        lv.from_mapping(data, NEUTRAL, "scenario.toml")


def test_from_mapping_values_aliases_and_nulls() -> None:
    out = lv.from_mapping({"lgd": 0.45, "grace_days": 30.0, "bases": "purchases", "terms_by_grade": {"A": 45.0},
                           "cap_by_grade": {"BB": 10}}, NEUTRAL)
    assert out.lgd_pct == pytest.approx(45.0)  # a fraction under `lgd` -> percent
    assert out.grace_days == 30 and isinstance(out.grace_days, int)
    assert out.bases == ("purchases",) and out.terms_by_grade[2] == 45 and isinstance(out.terms_by_grade[2], int)
    assert out.cap_by_grade == (None,) * 4 + (10.0,) + (None,) * 3
    # bases come back in BASES order whatever order they are given in
    assert lv.from_mapping({"bases": ["purchases", "tangible_net_worth"]}, NEUTRAL).bases == (
        "tangible_net_worth", "purchases")
    cleared = lv.from_mapping({"hold_days_past_due": None, "cap_by_grade": None}, out)
    assert cleared.hold_days_past_due is None and cleared.cap_by_grade == (None,) * 8
    assert lv.from_mapping({}, NEUTRAL) == NEUTRAL
    assert lv.from_mapping(NEUTRAL.to_mapping(), NEUTRAL) == NEUTRAL


def test_neutral_levers() -> None:
    assert NEUTRAL.bases == ("current_limit",) and NEUTRAL.min_grade == "D" and NEUTRAL.multiplier(3) == 1.0
    assert NEUTRAL.hold_days_past_due == 30 and NEUTRAL.hold_utilization_pct == 100.0
    assert lv.neutral(SCALE, 45.0, seed=3).seed == 3


def test_parse_approval_levels() -> None:
    raw = [{"name": "credit manager", "up_to": 1_000_000}, {"name": "CFO", "up_to": 1e7},
           {"name": "credit committee"}]
    assert lv.parse_approval_levels(raw) == APPROVALS
    for bad, message in [([], "must list"), ([{"up_to": 5}], "need a name"),
                         ([{"name": "a", "up_to": 5}, {"name": "b", "up_to": 9}], "leave out up_to"),
                         ([{"name": "a", "up_to": 5}, {"name": "b", "up_to": 5}, {"name": "c"}], "must increase"),
                         ([{"name": "a", "up_to": "lots"}, {"name": "c"}], "approval_levels.a.up_to")]:
        with pytest.raises(lv.LeverError, match=message):
            lv.parse_approval_levels(bad)


# ----------------------------------------------------------------------------- credit lines (group limits)


def group_rows() -> list[dict[str, object]]:
    """C1 holds a group limit of 1,500 that C6 (no limit of its own, gross 900 + orders 0)
    draws on: the line's exposure is 1,200 + 900 = 2,100, over by 600; the others as above."""
    rows = [dict(r) for r in ROWS]
    rows.append(dict(id="C6", industry="steel", region="north", grade="BBB", pd=0.18, buckets=[600, 300, 0, 0],
                     dpd=10.0, orders=0, collateral=0, insured=0, limit=NAN, terms=30, tnw=NAN, wc=NAN, purchases=500,
                     line="C1"))
    return rows


def test_a_group_line_is_measured_against_its_limit_once() -> None:
    inputs = make_inputs(group_rows())
    out = whatif.run(inputs, NEUTRAL)
    assert out.over_limit.tolist() == [600.0, 0.0, 0.0, 500.0, 500.0, 0.0]  # C1's line, C4 2000/1500, C5 3000/2500
    assert out.summary["customers_over_limit"] == 3.0 and out.summary["over_limit_amt"] == 1600.0
    assert np.isnan(out.limit[5]) and whatif.BASIS_NAMES[out.basis[5]] == "draws on its group's limit"
    # the utilization hold (> 100 %) holds C6 too: it draws on C1's line at 140 %
    assert out.on_hold.tolist()[5] and out.on_hold.tolist()[0]
    table = whatif.changes(inputs, out, out)
    util = dict(zip(table["customer_id"], table["utilization_pct"]))
    assert util["C1"] == pytest.approx(140.0) and util["C6"] == pytest.approx(140.0)


def test_a_group_lines_purchases_basis_is_the_groups() -> None:
    """The purchases basis of C1's line is the group's: (600 + 500) x (30 + 60 grace) / 30 = 3,300,
    x A's multiplier 1.6 = 5,280 (C6 keeps drawing on it: no limit of its own)."""
    inputs = make_inputs(group_rows())
    out = whatif.run(inputs, levers(bases=["purchases"], grace_days=60, grade_multipliers={"A": 1.6}))
    assert out.limit[0] == pytest.approx(1100 * 90 / 30 * 1.6)
    assert np.isnan(out.limit[5])
