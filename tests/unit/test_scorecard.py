"""The expert scorecard by hand, and its policy tables refused when wrong."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from analytics.risk import scorecard as sc

SCALE = ("A", "BBB", "BB", "D")
PD_PCT = {"A": 0.06, "BBB": 0.18, "BB": 0.72, "D": 100.0}
KNOWN = {"days_beyond_terms_12m_days", "utilization_pct", "months_on_book"}
SECTION = {
    "payment_history": {"weight_pct": 60, "characteristics": {
        "days_beyond_terms_12m_days": {"bins": [0, 10, 30], "points": [100, 70, 30, 0], "missing": 50}}},
    "relationship": {"weight_pct": 40, "characteristics": {
        "utilization_pct": {"bins": [80, 100], "points": [100, 50, 0], "missing": 80},
        "months_on_book": {"bins": [12], "points": [40, 100], "missing": 40}}},
}
BOUNDS = {"A": 800, "BBB": 600, "BB": 0}


def card() -> sc.ExpertScorecard:
    return sc.parse_expert(SECTION, BOUNDS, SCALE, PD_PCT, KNOWN)


def test_bins_points_and_missing():
    ch = card().dimensions[0].characteristics[0]
    # at or below 0 -> 100; (0, 10] -> 70; (10, 30] -> 30; above -> 0; missing -> its own 50
    assert ch.points_of(np.array([-2, 0, 5, 10, 10.5, 30, 31, math.nan])).tolist() == [
        100, 100, 70, 70, 30, 30, 0, 50]


def test_scores_by_hand():
    frame = pl.DataFrame({
        "customer_id": ["K1", "K2", "K3"],
        "days_beyond_terms_12m_days": [0.0, 20.0, None],
        "utilization_pct": [50.0, 120.0, None],
        "months_on_book": [24, 3, 30],
    })
    out = card().score(frame)
    # K1: payment 100; relationship (100 + 100) / 2 = 100 -> 10 x (60 x 100 + 40 x 100) / 100 = 1,000
    # K2: payment 30; relationship (0 + 40) / 2 = 20 -> 10 x (0.6 x 30 + 0.4 x 20) = 260
    # K3: payment 50 (missing); relationship (80 + 100) / 2 = 90 -> 10 x (30 + 36) = 660
    assert out["score"].to_list() == pytest.approx([1_000.0, 260.0, 660.0])
    assert out["payment_history_points"].to_list() == [100.0, 30.0, 50.0]
    assert out["grade"].to_list() == ["A", "BB", "BBB"]
    assert out["pd_frac"].to_list() == pytest.approx([0.0006, 0.0072, 0.0018])
    # reasons: weighted points lost; K2 loses 0.6 x 70 x 10 = 420 on days beyond terms, 0.2 x 100 x 10 =
    # 200 on utilization, 0.2 x 60 x 10 = 120 on months on book
    assert out.row(1, named=True)["reason_1"] == "days_beyond_terms_12m_days"
    assert [out.row(1, named=True)[f"reason_{i}"] for i in (2, 3)] == ["utilization_pct", "months_on_book"]
    # K1 loses nothing: no reasons
    assert out.row(0, named=True)["reason_1"] is None


@pytest.mark.parametrize("change, message", [
    (lambda s: s["payment_history"].update(weight_pct=50), "add up to 90"),
    (lambda s: s["relationship"]["characteristics"]["utilization_pct"].update(points=[100, 50]), "points must be 3"),
    (lambda s: s["relationship"]["characteristics"]["utilization_pct"].update(bins=[100, 80]), "strictly increasing"),
    (lambda s: s["relationship"]["characteristics"].update(shoe_size={"bins": [1], "points": [1, 2], "missing": 0}),
     "unknown characteristic"),
    (lambda s: s["relationship"]["characteristics"]["months_on_book"].update(missing=150), "missing must be"),
    (lambda s: s["relationship"]["characteristics"]["months_on_book"].update(bins=[float("nan")]), "finite numbers"),
    (lambda s: s["relationship"]["characteristics"]["months_on_book"].update(mising=10), "unknown keys mising"),
    (lambda s: s["relationship"].update(wieght_pct=10), "unknown keys wieght_pct"),
])
def test_wrong_tables_are_refused(change, message):
    import copy
    section = copy.deepcopy(SECTION)
    change(section)
    with pytest.raises(ValueError, match=message):
        sc.parse_expert(section, BOUNDS, SCALE, PD_PCT, KNOWN)


def test_grade_bands_must_cover_the_scale_and_fall():
    with pytest.raises(ValueError, match="every grade but the default"):
        sc.parse_expert(SECTION, {"A": 800, "BB": 0}, SCALE, PD_PCT, KNOWN)
    with pytest.raises(ValueError, match="lower score bounds"):
        sc.parse_expert(SECTION, {"A": 500, "BBB": 600, "BB": 0}, SCALE, PD_PCT, KNOWN)
    with pytest.raises(ValueError, match="finite numbers"):
        sc.parse_expert(SECTION, {"A": "900", "BBB": 600, "BB": 0}, SCALE, PD_PCT, KNOWN)
    with pytest.raises(ValueError, match="finite numbers"):
        sc.parse_expert(SECTION, {"A": True, "BBB": 600, "BB": 0}, SCALE, PD_PCT, KNOWN)


def test_a_missing_column_is_named():
    with pytest.raises(KeyError, match="months_on_book"):
        card().score(pl.DataFrame({"days_beyond_terms_12m_days": [1.0], "utilization_pct": [1.0]}))
