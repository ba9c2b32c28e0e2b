"""The trained rating models, their validation and the ratings they write, on small frames with
hand-computed answers (docs/definitions.md, Scoring and rating models)."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import polars as pl
import pytest

from analytics.data.rating import _grade_by_pd, _model_ratings, _month_end
from analytics.risk import validation as va
from analytics.risk.challenger import ChallengerSettings, train_challenger
from analytics.risk.rating_models import parse_rating_settings
from analytics.risk.scoring import MasterScale, PointsScaling
from analytics.risk.statistical import StatisticalSettings, bin_characteristic, train_statistical

SCALING = PointsScaling(600, 50, 20)


def synthetic(n: int = 20_000, seed: int = 3) -> tuple[pl.DataFrame, np.ndarray]:
    """Three characteristics with a known relationship to default: days late raises the log-odds
    of default by 0.06 a day, the current ratio lowers it by 0.8 a unit; noise has none. A
    tenth of the days late are missing, and a missing value is riskier (+0.7)."""
    rng = np.random.default_rng(seed)
    late = rng.gamma(2.0, 8.0, n)
    ratio = rng.normal(1.6, 0.5, n)
    noise = rng.normal(0, 1, n)
    missing = rng.random(n) < 0.1
    logit = -3.2 + 0.06 * np.where(missing, 16.0, late) + 0.7 * missing - 0.8 * (ratio - 1.6)
    bad = rng.random(n) < 1 / (1 + np.exp(-logit))
    frame = pl.DataFrame({"customer_id": [f"C{i % 2000:05d}" for i in range(n)],
                          "late": np.where(missing, np.nan, late), "ratio": ratio, "noise": noise}).with_columns(
        pl.col("late").fill_nan(None))
    return frame, bad


def test_bins_are_monotone_and_their_woe_follows_the_counts():
    frame, bad = synthetic()
    b = bin_characteristic("late", frame["late"].to_numpy(), bad, StatisticalSettings(SCALING))
    assert b is not None and len(b.splits) >= 2
    woe = np.asarray(b.woe)
    inner = woe[: len(b.splits) + 1]
    # more days late, more bads: WoE (ln good share / bad share) falls bin by bin
    assert all(a > c for a, c in zip(inner[:-1], inner[1:]))
    goods, bads = np.asarray(b.goods, float), np.asarray(b.bads, float)
    assert goods.sum() + bads.sum() == frame.height
    # WoE of each bin by its own counts: ln((g_b / G) / (b_b / B))
    assert woe == pytest.approx(np.log((goods / goods.sum()) / (bads / bads.sum())))
    # the missing bin is its own, and riskier than the portfolio (negative WoE)
    assert goods[-1] + bads[-1] == int(frame["late"].is_null().sum()) and woe[-1] < 0
    assert b.iv == pytest.approx(float(np.sum((goods / goods.sum() - bads / bads.sum()) * woe)))


def test_statistical_model_keeps_the_signal_drops_the_noise_and_its_points_add_up():
    frame, bad = synthetic()
    model = train_statistical(frame, bad, ["late", "ratio", "noise"], StatisticalSettings(SCALING))
    assert model.names == ["late", "ratio"]  # IV order; noise's IV is below 0.02
    assert dict(model.dropped)["noise"].startswith("IV")
    assert all(c > 0 for c in model.coefficients)  # WoE in the direction of the bins
    assert all(p < 0.05 for p in model.p_values)
    # the points of the characteristics add up to the score: offset + factor x ln(odds good)
    assert model.points(frame).sum(axis=1) == pytest.approx(model.score(frame))
    assert model.score(frame) == pytest.approx(SCALING.offset + SCALING.factor * model.log_odds_good(frame))
    assert model.pd_frac(frame) == pytest.approx(1 / (1 + np.exp(model.log_odds_good(frame))))
    # a logistic fit reproduces the sample's default rate on average
    assert float(model.pd_frac(frame).mean()) == pytest.approx(float(bad.mean()), abs=0.002)
    # reasons: a customer 80 days late loses most points on days late
    worst = pl.DataFrame({"late": [80.0], "ratio": [1.6], "noise": [0.0]})
    assert model.reasons(worst)["reason_1"][0] == "late"
    # the same data give the same model
    again = train_statistical(frame, bad, ["late", "ratio", "noise"], StatisticalSettings(SCALING))
    assert again.coefficients == model.coefficients and again.characteristics == model.characteristics


def test_a_characteristic_that_repeats_a_stronger_one_leaves():
    frame, bad = synthetic()
    frame = frame.with_columns((pl.col("late") * 1.01 + 0.1).alias("late_copy"))
    model = train_statistical(frame, bad, ["late", "late_copy", "ratio"], StatisticalSettings(SCALING))
    assert len({"late", "late_copy"} & set(model.names)) == 1
    gone = ({"late", "late_copy"} - set(model.names)).pop()
    assert "correlates" in dict(model.dropped)[gone]


def test_training_refuses_a_sample_without_defaults():
    frame, _ = synthetic(500)
    with pytest.raises(ValueError, match="both defaults"):
        train_statistical(frame, np.zeros(500, dtype=bool), ["late"], StatisticalSettings(SCALING))
    with pytest.raises(ValueError, match="both defaults"):
        train_challenger(frame, np.zeros(500, dtype=bool), ["late"], ChallengerSettings(SCALING))


def test_challenger_is_monotone_where_the_direction_is_known_and_gives_reasons():
    frame, bad = synthetic()
    names = ["days_beyond_terms_12m_days", "current_ratio", "noise"]
    frame = frame.rename({"late": "days_beyond_terms_12m_days", "ratio": "current_ratio"})
    model = train_challenger(frame, bad, names, ChallengerSettings(SCALING, max_iter=80))
    assert model.monotonic == (1, -1, 0)
    grid = pl.DataFrame({"days_beyond_terms_12m_days": np.linspace(0, 120, 61), "current_ratio": 1.6,
                         "noise": 0.0})
    pd_up = model.pd_frac(grid)
    assert np.all(np.diff(pd_up) >= -1e-12)  # more days late: never a lower PD
    grid2 = pl.DataFrame({"days_beyond_terms_12m_days": 10.0, "current_ratio": np.linspace(0.2, 3.0, 57),
                          "noise": 0.0})
    assert np.all(np.diff(model.pd_frac(grid2)) <= 1e-12)  # a better ratio: never a higher PD
    assert model.score(grid) == pytest.approx(SCALING.offset + SCALING.factor * -model.log_odds_bad(grid))
    late_payer = pl.DataFrame({"days_beyond_terms_12m_days": [90.0], "current_ratio": [1.6], "noise": [0.0]})
    assert model.reasons(late_payer)["reason_1"][0] == "days_beyond_terms_12m_days"
    again = train_challenger(frame, bad, names, ChallengerSettings(SCALING, max_iter=80))
    assert np.array_equal(again.pd_frac(grid), model.pd_frac(grid))  # same seed, same model
    importance = model.importance_table(frame, bad)
    assert importance["characteristic"][0] in ("days_beyond_terms_12m_days", "current_ratio")


def test_split_in_time_by_hand():
    months = [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31)]
    obs = pl.DataFrame({"customer_id": ["A", "B"] * 5, "snapshot_date": [m for m in months for _ in range(2)],
                        "is_observed": [True] * 8 + [False] * 2,
                        va.TARGET: [False, True, False, False, True, False, False, False, True, False]})
    s = va.split_sample(obs, out_of_time_months=1, max_observations=100, seed=1)
    # observed month-ends Jan-Apr: the last one out of time, Jan-Mar development; May is the latest
    assert (s.development_from, s.development_to) == (months[0], months[2])
    assert (s.out_of_time_from, s.out_of_time_to) == (months[3], months[3])
    assert s.development.height == 6 and s.development_defaults == 2 and s.out_of_time_defaults == 0
    assert s.latest_at == months[4] and s.latest.height == 2
    until = va.split_sample(obs, 1, 100, 1, train_until=months[2])
    assert (until.development_to, until.out_of_time_from) == (months[1], months[2])
    late = va.split_sample(obs, 1, 100, 1, train_from=months[1])
    assert late.development_from == months[1]
    small = va.split_sample(obs, 1, 4, seed=7)
    assert small.development.height == 4 and small.sampled_from == 6
    assert small.development.equals(va.split_sample(obs, 1, 4, seed=7).development)  # seeded


def test_cap_and_roc_by_hand():
    score = np.array([1.0, 2.0, 3.0, 4.0])  # a lower score is riskier
    bad = np.array([True, False, True, False])
    cap = va.cap_points(score, bad)
    # worst first: 25 % of customers hold 1 of 2 defaults, 50 % still 1, 75 % both
    assert cap["population_frac"].to_list() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert cap["defaults_frac"].to_list() == [0.0, 0.5, 0.5, 1.0, 1.0]
    roc = va.roc_points(score, bad)
    assert roc.row(0) == (0.0, 0.0) and roc.row(-1) == (1.0, 1.0)


def test_calibration_stability_and_concentration_by_hand():
    cal = va.calibration_by_grade(["A", "A", "A", "A", "B", "B"], np.array([0, 0, 0, 1, 1, 0], bool), ("A", "B", "C"),
                                  {"A": 0.1, "B": 0.3, "C": 0.9})
    assert cal.select("grade", "customers", "defaults", "observed_rate_frac").rows() == [
        ("A", 4, 1, 0.25), ("B", 2, 1, 0.5)]
    # two bins and a missing one, development 50/50/0 against latest 80/20/0: PSI by hand
    dev = np.array([1.0] * 5 + [3.0] * 5)
    latest = np.array([1.0] * 8 + [3.0] * 2)
    psi = va.stability({"x": dev}, {"x": latest}, {"x": np.array([2.0])})
    floor = 1e-4
    expected = (0.8 - 0.5) * math.log(0.8 / 0.5) + (0.2 - 0.5) * math.log(0.2 / 0.5) + 0 * math.log(floor / floor)
    assert psi["psi"][0] == pytest.approx(expected) and psi["reading"][0] == "shifted"
    table, hhi = va.grade_distribution(["A", "A", "B", "B"], ("A", "B", "C"))
    assert table["customers"].to_list() == [2, 2, 0] and hhi == pytest.approx(0.5)


def test_grade_of_a_model_pd_on_the_master_scale():
    scale = MasterScale(("A", "B", "C"), (700, 500, 0), (0.01, 0.04, 0.16))
    # bands meet at the geometric means: sqrt(0.01 x 0.04) = 0.02, sqrt(0.04 x 0.16) = 0.08
    grades, pds = _grade_by_pd(scale, np.array([0.005, 0.02, 0.0201, 0.079, 0.5]))
    assert grades.to_list() == ["A", "A", "B", "B", "C"] and pds.tolist() == [0.01, 0.01, 0.04, 0.04, 0.16]


def test_model_ratings_at_changes_year_ends_and_the_default():
    scores = pl.DataFrame({
        "customer_id": ["A"] * 5 + ["B"] * 2,
        "snapshot_date": [date(2024, 10, 31), date(2024, 11, 30), date(2024, 12, 31), date(2025, 1, 31),
                          date(2025, 2, 28), date(2024, 11, 30), date(2024, 12, 31)],
        "grade": ["BB", "BB", "BB", "B", "B", "A", "A"], "score": [1.0, 2, 3, 4, 5, 6, 7]})
    defaults = pl.DataFrame({"customer_id": ["A"], "default_on": [date(2025, 3, 15)]})
    r = _model_ratings(scores, defaults, "D")
    assert r.select("customer_id", "rated_on", "grade").rows() == [
        ("A", date(2024, 10, 31), "BB"), ("A", date(2024, 12, 31), "BB"),  # first, then the year-end
        ("A", date(2025, 1, 31), "B"), ("A", date(2025, 3, 15), "D"),
        ("B", date(2024, 11, 30), "A"), ("B", date(2024, 12, 31), "A")]
    assert set(r["source"]) == {"model"} and r["pd"].is_null().all()
    assert _month_end(date(2023, 11, 1), 11) == date(2024, 10, 31)


def test_rating_settings_are_validated():
    from analytics.policy import load_policy

    good = load_policy()
    assert good.rating.model == "expert" and good.rating.default.horizon_months == 12
    import tomllib
    from analytics.policy import DEFAULT_POLICY_PATH

    doc = tomllib.loads(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))["scoring"]
    for section, key, value, message in [
        ("rating", "model", "neural", "model must be one of"),
        ("rating", "ruling", "both", "ruling must be"),
        ("default", "horizon_months", 0, "horizon_months must be"),
        ("training", "at_load", "yes", "at_load must be"),
        ("statistical", "pdo", -5, "pdo must be"),
        ("challenger", "learning_rate", float("nan"), "learning_rate must be"),
    ]:
        broken = {**doc, section: {**doc[section], key: value}}
        with pytest.raises(ValueError, match=message):
            parse_rating_settings(broken)
    with pytest.raises(ValueError, match="unknown keys: colour"):
        parse_rating_settings({**doc, "rating": {**doc["rating"], "colour": "red"}})


def test_master_scale_calibrated_to_observed_defaults_by_hand():
    # A: 0 of 99 -> (0 + .5) / 100 = 0.005; B: 1 of 49 -> 1.5 / 50 = 0.03; C: 2 of 99 -> 2.5 / 100 =
    # 0.025, below B: pooled with B, weights 49 and 99 -> (49 x 0.03 + 99 x 0.025) / 148;
    # D: no observation, the policy's 0.5 (weight 1)
    grades = ["A"] * 99 + ["B"] * 49 + ["C"] * 99
    bad = np.array([False] * 99 + [True] + [False] * 48 + [True] * 2 + [False] * 97)
    t = va.calibrated_master_scale(grades, bad, ("A", "B", "C", "D"), {"A": 0.001, "B": 0.01, "C": 0.1, "D": 0.5},
                                   floor_frac=0.0003)
    pooled = (49 * 0.03 + 99 * 0.025) / 148
    assert t["observations"].to_list() == [99, 49, 99, 0] and t["defaults"].to_list() == [0, 1, 2, 0]
    assert t["calibrated_pd_frac"].to_list() == pytest.approx([0.005, pooled, pooled, 0.5])
    assert t["observed_rate_frac"].to_list()[:3] == pytest.approx([0.0, 1 / 49, 2 / 99])
    assert t["observed_rate_frac"][3] is None
    # the floor lifts a grade whose smoothed rate is below it
    big = va.calibrated_master_scale(["A"] * 9999 + ["B"], np.zeros(10_000, bool), ("A", "B"), {"A": 0.001, "B": 0.2},
                                     floor_frac=0.0003)
    assert big["calibrated_pd_frac"][0] == pytest.approx(0.0003)
    assert np.all(np.diff(big["calibrated_pd_frac"].to_numpy()) >= 0)


def test_what_a_run_writes_in_english_reads_in_chinese():
    """Statuses, targets and why a characteristic left are written to the warehouse in English
    (one text for every reader) and shown in the reader's language, values kept."""
    from analytics.i18n import speaking
    from analytics.risk.rating_models import (CANNOT_GRADE, GRADED_BY_EXPERT, NOT_TRAINED_BECAUSE, TARGET_TEXT,
                                              TOO_FEW_DEFAULTS, status_text, target_text)
    from analytics.risk.statistical import BinnedCharacteristic, CORRELATED, bin_text, dropped_text
    from analytics.views.models import label

    too_few = NOT_TRAINED_BECAUSE.format(reason=TOO_FEW_DEFAULTS.format(defaults=3, min_defaults=30))
    note = GRADED_BY_EXPERT.format(reason=CANNOT_GRADE.format(model="statistical", status=too_few))
    target = TARGET_TEXT.format(months=12, amount="1,000", currency="CNY", pct="5", grade="D")
    why = CORRELATED.format(correlation="0.91", other="days_beyond_terms_6m_days")
    assert status_text(too_few) == too_few and target_text(target) == target  # English as written
    assert dropped_text(why, label) == "WoE correlates 0.91 with days paid beyond terms, amount-weighted, 6 months"
    with speaking("zh"):
        assert status_text(too_few) == "未训练：开发样本中只有 3 个违约，少于 [scoring.training] min_defaults = 30"
        assert status_text(note).startswith("统计模型无法为该组合评级：未训练：开发样本中只有 3 个违约")
        assert status_text("trained") == "已训练" and status_text("a company's own words") == "a company's own words"
        assert target_text(target).startswith("12 个月内违约：至少 1,000 CNY")
        assert dropped_text(why, label) == "WoE 与“超出账期付款天数（按金额加权），近 6 个月”的相关系数为 0.91"
        assert bin_text("missing") == "缺失" and bin_text("[1, 5)") == "[1, 5)"
    labels = BinnedCharacteristic("x", (1.0, 5.0), (0.0,) * 4, (), (), 0.0).labels()
    assert labels == ["< 1", "[1, 5)", "≥ 5", "missing"]  # no 'inf' on screen
