"""Scoring measures against hand-computed and published figures."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from analytics.risk import scoring as sc


def test_published_points_scaling():
    # 600 points at odds 50:1, 20 points to double the odds (Siddiqi 2006)
    s = sc.PointsScaling(base_score=600, base_odds=50, pdo=20)
    assert s.factor == pytest.approx(28.8539, abs=5e-5)
    assert s.offset == pytest.approx(487.123, abs=5e-4)
    assert s.score(math.log(50)) == pytest.approx(600.0)
    assert s.score(math.log(100)) == pytest.approx(620.0)      # double the odds: + PDO
    assert s.pd(600.0) == pytest.approx(1 / 51)                 # odds 50:1 -> PD 1/51
    assert s.log_odds(s.score(1.234)) == pytest.approx(1.234)


def test_characteristic_points_add_up_to_the_score():
    s = sc.PointsScaling(600, 50, 20)
    beta, woe, intercept = [0.8, 1.2, 0.5], [0.5, -0.3, 1.0], 2.0
    # (0.8 x 0.5 + 2 / 3) x 28.8539 + 487.123 / 3 = 193.147 (by hand)
    first = s.characteristic_points(beta[0], np.array([woe[0]]), intercept, 3)[0]
    assert first == pytest.approx((0.4 + 2 / 3) * 28.853901 + 487.122876 / 3, abs=1e-4)
    total = sum(s.characteristic_points(b, np.array([w]), intercept, 3)[0] for b, w in zip(beta, woe))
    assert total == pytest.approx(s.score(intercept + sum(b * w for b, w in zip(beta, woe))))


def test_woe_and_iv_by_hand():
    counts = pl.DataFrame({"bin": ["A", "B", "C"], "good": [400, 300, 300], "bad": [20, 30, 50]})
    t = sc.woe_iv(counts)
    # A: 0.4 / 0.2 -> ln 2; B: 0.3 / 0.3 -> 0; C: 0.3 / 0.5 -> ln 0.6
    assert t["woe"].to_list() == pytest.approx([math.log(2), 0.0, math.log(0.6)])
    assert t["iv"].to_list() == pytest.approx([0.2 * math.log(2), 0.0, -0.2 * math.log(0.6)])
    assert t["iv"].sum() == pytest.approx(0.240794, abs=1e-6)
    assert sc.band(float(t["iv"].sum()), sc.IV_BANDS) == "medium"
    assert t["bad_rate_frac"].to_list() == pytest.approx([20 / 420, 30 / 330, 50 / 350])


def test_woe_of_an_empty_cell_is_finite_and_an_empty_table_refused():
    t = sc.woe_iv(pl.DataFrame({"bin": ["A", "B"], "good": [10, 10], "bad": [0, 5]}))
    # A: (10.5 / 20) / (0.5 / 5) = 5.25
    assert t["woe"][0] == pytest.approx(math.log(5.25))
    with pytest.raises(ValueError, match="one good and one bad"):
        sc.woe_iv(pl.DataFrame({"bin": ["A"], "good": [10], "bad": [0]}))


def test_psi_by_hand():
    # (0.4 - 0.5) ln(0.8) + (0.4 - 0.3) ln(4/3) = 0.0510826
    assert sc.psi(np.array([50, 30, 20]), np.array([40, 40, 20])) == pytest.approx(0.0510826, abs=1e-7)
    assert sc.psi(np.array([1, 2, 3]), np.array([2, 4, 6])) == pytest.approx(0.0)
    assert sc.band(0.0510826, sc.PSI_BANDS) == "stable" and sc.band(0.3, sc.PSI_BANDS) == "shifted"
    with pytest.raises(ValueError):
        sc.psi(np.array([1, 2]), np.array([1, 2, 3]))


def test_discrimination_by_hand():
    # goods score 3, 4, 5; bads 1, 2, 4: good-above-bad pairs 2 + 2.5 (a tie) + 3 = 7.5 of 9
    d = sc.discrimination(np.array([3, 4, 5, 1, 2, 4]), np.array([0, 0, 0, 1, 1, 1]))
    assert d.auroc == pytest.approx(7.5 / 9) and d.gini == pytest.approx(2 * 7.5 / 9 - 1)
    # F_bad - F_good at 2: 2/3 - 0
    assert d.ks == pytest.approx(2 / 3) and (d.goods, d.bads) == (3, 3)
    with pytest.raises(ValueError):
        sc.discrimination(np.array([1.0, 2.0]), np.array([0, 0]))


def test_jeffreys_by_hand():
    # Beta(1/2, 3/2): CDF(x) = (2 / pi) (asin(sqrt x) + sqrt(x (1 - x)))  (t = sin^2 u)
    x = 0.25
    assert sc.jeffreys_p_value(0, 1, x) == pytest.approx(2 / math.pi * (math.asin(0.5) + math.sqrt(x * (1 - x))))
    # 5 of 10 against a PD of 50 %: the symmetric Beta(5.5, 5.5) puts half below
    assert sc.jeffreys_p_value(5, 10, 0.5) == pytest.approx(0.5)
    low, high = sc.jeffreys_interval(5, 10)
    assert low + high == pytest.approx(1.0) and 0 < low < 0.5 < high < 1
    assert sc.jeffreys_interval(0, 100)[0] == 0.0 and sc.jeffreys_interval(100, 100)[1] == 1.0
    with pytest.raises(ValueError):
        sc.jeffreys_interval(3, 2)


def test_calibration_table():
    obs = pl.DataFrame({"grade": ["BB", "B"], "customers": [10, 0], "defaults": [2, 0], "pd_frac": [0.1, 0.04]})
    t = sc.calibration(obs)
    # P(X >= 2 | n 10, p 0.1) = 1 - 0.9^10 - 10 x 0.1 x 0.9^9
    assert t["binomial_p_value"][0] == pytest.approx(1 - 0.9 ** 10 - 0.9 ** 9, abs=1e-9)
    assert t["observed_rate_frac"].to_list() == [0.2, None]
    assert t["grade"].to_list() == ["BB", "B"]


def test_master_scale_bands_and_monotonicity():
    m = sc.MasterScale(("A", "BBB", "BB"), (700.0, 650.0, 600.0), (0.001, 0.005, 0.02))
    assert m.grade(np.array([720, 700, 699.9, 650, 600, 400])).to_list() == ["A", "A", "BBB", "BBB", "BB", "BB"]
    assert m.pd(np.array([710, 610])).tolist() == [0.001, 0.02]
    with pytest.raises(ValueError, match="PDs must rise"):
        sc.MasterScale(("A", "BBB"), (700.0, 650.0), (0.01, 0.005))
    with pytest.raises(ValueError, match="lower score bounds"):
        sc.MasterScale(("A", "BBB"), (650.0, 700.0), (0.001, 0.005))
