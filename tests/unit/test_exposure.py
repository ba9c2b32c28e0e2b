"""Exposure computations on tiny hand-made frames with hand-computed answers."""

from __future__ import annotations

import math

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.risk import exposure as ex
def frame(**overrides: list) -> pl.DataFrame:
    """Three customers: A (BBB, limit 1000), B (unrated, no limit), C (grade B, rating PD 5%, limit 2000)."""
    base = {
        "customer_id": ["A", "B", "C"],
        "name": ["Alpha", "Beta", "Gamma"],
        "group_id": ["A", "A", "C"],
        "group_name": ["Alpha", "Alpha", "Gamma"],
        "segment": ["core", "general", "key"],
        "industry": ["Machinery", "Retail", "Machinery"],
        "region": ["East", "South", "East"],
        "grade": ["BBB", None, "B"],
        "rating_pd": [None, None, 0.05],
        "open_ar_amt": [250.0, 720.0, 2000.0],
        "overdue_amt": [250.0, 720.0, 0.0],
        "max_days_past_due": [15, 11, None],
        "open_orders_amt": [0.0, 0.0, 400.0],
        "gross_exposure_amt": [250.0, 720.0, 2400.0],
        "limit_amt": [1000.0, None, 2000.0],
        "is_limit_expired": [False, False, True],
        "collateral_amt": [100.0, 0.0, 0.0],
        "insured_amt": [0.0, 0.0, 3000.0],
        "net_exposure_amt": [150.0, 720.0, 0.0],
    }
    base.update(overrides)
    return pl.DataFrame(base)


def test_enrich_pd_el_utilization(policy):
    out = ex.enrich(frame(), policy)
    # PD: BBB from policy 0.18 %; unrated -> policy unrated grade B 3.76 %; C's own rating PD 5 %
    assert out["pd_pct"].to_list() == pytest.approx([0.18, 3.76, 5.0])
    # EL = PD x LGD (45 %) x net exposure
    assert out["expected_loss_amt"].to_list() == pytest.approx([0.0018 * 0.45 * 150, 0.0376 * 0.45 * 720, 0.0])
    assert out["utilization_pct"].to_list()[0] == pytest.approx(25.0)
    assert out["utilization_pct"].to_list()[1] is None
    assert out["utilization_pct"].to_list()[2] == pytest.approx(120.0)
    assert out["over_limit_amt"].to_list() == [0.0, 0.0, 400.0]
    assert out["headroom_amt"].to_list() == [750.0, None, -400.0]
    assert out["grade"].to_list() == ["BBB", ex.UNRATED, "B"]


def test_zero_limit_with_exposure_is_infinitely_utilized(policy):
    out = ex.enrich(frame(limit_amt=[0.0, None, 2000.0]), policy)
    assert math.isinf(out["utilization_pct"][0])
    assert out["over_limit_amt"][0] == 250.0


def test_kpis(policy):
    k = ex.kpis(ex.enrich(frame(), policy))
    assert k.gross_exposure_amt == 3370.0
    assert k.net_exposure_amt == 870.0
    assert k.limit_amt == 3000.0
    assert k.utilization_pct == pytest.approx((250 + 2400) / 3000 * 100)  # B has no limit: left out
    assert k.overdue_share_pct == pytest.approx(970 / 2970 * 100)
    assert k.customers_over_limit == 1 and k.over_limit_amt == 400.0
    assert k.customers_with_exposure == 3
    assert k.expected_loss_amt == pytest.approx(0.1215 + 12.1824)


def test_kpis_of_an_empty_portfolio(policy):
    k = ex.kpis(ex.enrich(frame().head(0), policy))
    assert k.gross_exposure_amt == 0 and k.utilization_pct is None and k.overdue_share_pct is None


def test_hhi_customers_and_groups(policy):
    e = ex.enrich(frame(), policy)
    total = 3370.0
    expected = (250 / total) ** 2 + (720 / total) ** 2 + (2400 / total) ** 2
    assert ex.hhi(e, "customer_id") == pytest.approx(expected)
    # group A = 250 + 720
    assert ex.hhi(e, "group_id") == pytest.approx((970 / total) ** 2 + (2400 / total) ** 2)


def test_hhi_ignores_negative_exposure(policy):
    e = ex.enrich(frame(gross_exposure_amt=[-50.0, 0.0, 100.0]), policy)
    assert ex.hhi(e, "customer_id") == 1.0


def test_top_names_share_and_cumulative(policy):
    top = ex.top_names(ex.enrich(frame(), policy), "group_id", 10)
    assert top["group_id"].to_list() == ["C", "A"]
    assert top["members"].to_list() == [1, 2]
    assert top["share_pct"].to_list() == pytest.approx([2400 / 3370 * 100, 970 / 3370 * 100])
    assert top["cumulative_share_pct"].to_list()[-1] == pytest.approx(100.0)


def test_utilization_bands_bounds_and_no_limit(policy):
    f = frame(
        customer_id=["A", "B", "C"],
        gross_exposure_amt=[800.0, 720.0, 2400.0],
        limit_amt=[1000.0, None, 2000.0],
    )
    bands = ex.utilization_bands(ex.enrich(f, policy), (50.0, 80.0, 100.0))
    expected = pl.DataFrame({
        "band": ["< 50 %", "50-80 %", "80-100 %", "> 100 %", "no limit"],
        "credit_lines": [0, 1, 0, 1, 1],
        "gross_exposure_amt": [0.0, 800.0, 0.0, 2400.0, 720.0],
        "limit_amt": [0.0, 1000.0, 0.0, 2000.0, 0.0],
    })
    assert_frame_equal(bands, expected, check_dtypes=False)


def test_mitigation_caps_cover_at_exposure(policy):
    m = ex.mitigation(ex.enrich(frame(), policy))
    # A: collateral 100 of 250; C: insurance 3000 capped at 2400
    assert m["amount"].to_list() == pytest.approx([3370.0, -100.0, -2400.0, 870.0])


def test_breakdown_by_grade_in_scale_order(policy):
    b = ex.breakdown(ex.enrich(frame(), policy), "grade", ex.grade_order(policy))
    assert b["grade"].to_list() == ["BBB", "B", ex.UNRATED]
    assert b["share_pct"].sum() == pytest.approx(100.0)
    assert b["gross_exposure_amt"].to_list() == [250.0, 2400.0, 720.0]


def test_largest_exposures_sorted(policy):
    big = ex.largest_exposures(ex.enrich(frame(), policy), 2)
    assert big["customer_id"].to_list() == ["C", "B"]
    assert big.columns == ex.LARGEST_COLUMNS


def test_attach_labels_names_customers_and_groups(policy):
    view = ex.build_view("2024-03-31", "CNY", frame(), None, None, pl.DataFrame(), policy, largest_n=3)
    assert ex.label_ids(view) == ["A", "B", "C"]
    labels = pl.DataFrame({"customer_id": ["A", "B", "C"], "name": ["Alpha", "Beta", "Gamma"]})
    named = ex.attach_labels(view, labels)
    assert named.top_groups.select("group_id", "group_name").rows() == [("C", "Gamma"), ("A", "Alpha")]
    assert named.largest.select("customer_id", "name", "group_name").rows() == [
        ("C", "Gamma", "Gamma"), ("B", "Beta", "Alpha"), ("A", "Alpha", "Alpha")]
    # the customer, its name, then the amounts; the group's name right after the group's id
    assert named.largest.columns[:3] == ["customer_id", "name", "gross_exposure_amt"]
    at = named.largest.columns.index("group_id")
    assert named.largest.columns[at + 1] == "group_name"


def test_band_labels():
    assert ex.band_labels((50.0, 80.0, 100.0)) == ["< 50 %", "50-80 %", "80-100 %", "> 100 %"]
    assert ex.band_labels((37.5, 1000.0)) == ["< 37.5 %", "37.5-1,000 %", "> 1,000 %"]


def test_filters_params():
    from analytics.views import Filters
    f = Filters(segments=("core",))
    assert f.params() == {"scope": {"segments": ["core"], "industries": [], "regions": [], "managers": [],
                                    "groups": []}}
    assert not f.is_empty and Filters().is_empty


def group_frame() -> pl.DataFrame:
    """Case 08 by hand: parent G1 holds a group limit of 10,000; S1 (5,000) and S2 (4,000 +
    order 2,000) draw on it; a fourth customer X owns a limit of 1,000 and owes 500."""
    return pl.DataFrame({
        "customer_id": ["G1", "S1", "S2", "X"], "group_id": ["G1", "G1", "G1", "X"],
        "segment": ["core"] * 4, "industry": ["Retail"] * 4, "region": ["East"] * 4,
        "grade": [None] * 4, "rating_pd": [None] * 4,
        "open_ar_amt": [0.0, 5000.0, 4000.0, 500.0], "credit_balance_amt": [0.0] * 4,
        "overdue_amt": [0.0] * 4, "max_days_past_due": [None] * 4, "open_orders_amt": [0.0, 0.0, 2000.0, 0.0],
        "gross_exposure_amt": [0.0, 5000.0, 6000.0, 500.0], "limit_amt": [10000.0, 10000.0, 10000.0, 1000.0],
        "line_holder_id": ["G1", "G1", "G1", "X"], "line_scope": ["group", "group", "group", "entity"],
        "is_line_holder": [True, False, False, True], "line_exposure_amt": [11000.0, 11000.0, 11000.0, 500.0],
        "is_limit_expired": [False] * 4, "collateral_amt": [0.0] * 4, "insured_amt": [0.0] * 4,
        "net_exposure_amt": [0.0, 5000.0, 6000.0, 500.0],
    }, schema_overrides={"grade": pl.String, "rating_pd": pl.Float64, "max_days_past_due": pl.Int64})


def test_a_group_limit_counts_once_against_the_group_exposure(policy):
    e = ex.enrich(group_frame(), policy)
    assert e["utilization_pct"].to_list() == pytest.approx([110.0, 110.0, 110.0, 50.0])
    assert e["over_limit_amt"].to_list() == [1000.0, 0.0, 0.0, 0.0]  # on the line's holder only
    k = ex.kpis(e)
    assert k.limit_amt == 11000.0 and k.gross_exposure_amt == 11500.0
    assert k.utilization_pct == pytest.approx(11500 / 11000 * 100)
    assert k.customers_over_limit == 1 and k.over_limit_amt == 1000.0
    bands = ex.utilization_bands(e, (50.0, 80.0, 100.0))
    got = dict(zip(bands["band"], zip(bands["credit_lines"], bands["gross_exposure_amt"], bands["limit_amt"])))
    assert got["> 100 %"] == (1, 11000.0, 10000.0) and got["50-80 %"] == (1, 500.0, 1000.0)  # X at 50 %
    assert got["< 50 %"] == got["80-100 %"] == got["no limit"] == (0, 0.0, 0.0)
    top = ex.top_names(e, "group_id", 10)
    assert top.select("group_id", "limit_amt").rows() == [("G1", 10000.0), ("X", 1000.0)]


def test_a_customer_in_credit_adds_nothing(policy):
    """B has a credit balance of 300 (open AR -300): exposure 0, no EL, no share, not in
    the concentration; portfolio net never exceeds gross."""
    f = frame(open_ar_amt=[250.0, -300.0, 2000.0], credit_balance_amt=[0.0, -300.0, 0.0],
              overdue_amt=[250.0, 0.0, 0.0], gross_exposure_amt=[250.0, 0.0, 2400.0],
              net_exposure_amt=[150.0, 0.0, 0.0])
    e = ex.enrich(f, policy)
    assert e["expected_loss_amt"][1] == 0.0
    k = ex.kpis(e)
    assert k.open_ar_amt == 1950.0 and k.credit_balance_amt == -300.0 and k.gross_exposure_amt == 2650.0
    assert k.net_exposure_amt <= k.gross_exposure_amt
    assert k.overdue_share_pct == pytest.approx(250 / 2250 * 100)  # of the open items: 1,950 + 300
    shares = ex.concentration_shares(e, "customer_id")
    assert shares["customer_id"].to_list() == ["A", "C"]
    assert ex.hhi(e, "customer_id") == pytest.approx((250 / 2650) ** 2 + (2400 / 2650) ** 2)


def test_one_share_function_for_every_page():
    f = pl.DataFrame({"d": ["x", "x", "y"], "e": [30.0, -10.0, 10.0]})
    assert f.select(ex.exposure_share_expr("e"))["e"].to_list() == pytest.approx([0.75, 0.0, 0.25])
    assert f.select(ex.exposure_share_expr("e", over="d"))["e"].to_list() == pytest.approx([1.0, 0.0, 1.0])
    assert list(ex.exposure_shares([0.0, -5.0])) == [0.0, 0.0]
    assert list(ex.exposure_shares([1.0, 3.0])) == pytest.approx([0.25, 0.75])
