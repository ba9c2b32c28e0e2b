"""Migration matrices, generator, movers and calibration on small hand-computed histories."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import expm

from analytics.risk import migration as mg
SCALE = ("A", "B", "C", "D")


def cohort(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"customer_id": [f"C{i}" for i in range(len(rows))], "from_grade": [r[0] for r in rows],
         "to_grade": [r[1] for r in rows], "exposure_amt": [r[2] for r in rows],
         "from_pd": [None] * len(rows), "from_rated_on": [date(2025, 1, 1)] * len(rows),
         "to_rated_on": [date(2025, 6, 1)] * len(rows), "default_on": [None] * len(rows)},
        schema_overrides={"from_pd": pl.Float64, "default_on": pl.Date})


# 4 in A: 2 stay, 1 to B, 1 NR; 5 in B: 1 up to A, 2 stay, 1 to C, 1 to D; C: 1 to D.
SMALL = cohort([("A", "A", 100), ("A", "A", 100), ("A", "B", 200), ("A", "NR", 50),
                ("B", "A", 10), ("B", "B", 20), ("B", "B", 30), ("B", "C", 40), ("B", "D", 100),
                ("C", "D", 70)])


def cell(m: pl.DataFrame, f: str, t: str, col: str) -> float | None:
    return m.filter((pl.col("from_grade") == f) & (pl.col("to_grade") == t))[col].item()


def test_counts_rates_and_exposure_weights_by_hand() -> None:
    m = mg.cohort_matrix(SMALL, SCALE)
    assert m.height == 3 * 5  # rows A, B, C; columns A, B, C, D, NR
    assert cell(m, "A", "A", "count") == 2 and cell(m, "A", "A", "rate") == pytest.approx(0.5)
    assert cell(m, "A", "NR", "rate") == pytest.approx(0.25)
    assert cell(m, "B", "D", "rate") == pytest.approx(0.2)
    assert cell(m, "C", "D", "rate") == pytest.approx(1.0)
    # exposure-weighted: A row 450 in all, 200 went to B
    assert cell(m, "A", "B", "exposure_rate") == pytest.approx(200 / 450)
    assert cell(m, "B", "D", "exposure_rate") == pytest.approx(100 / 200)
    # NR-adjusted: A row without its NR quarter: A 0.5/0.75, B 0.25/0.75
    assert cell(m, "A", "A", "nr_adjusted_rate") == pytest.approx(2 / 3)
    assert cell(m, "A", "B", "nr_adjusted_rate") == pytest.approx(1 / 3)
    assert cell(m, "A", "NR", "nr_adjusted_rate") is None
    assert cell(m, "B", "A", "nr_adjusted_rate") == pytest.approx(0.2)  # no NR in B: unchanged


def test_wide_reads_like_the_matrix() -> None:
    w = mg.wide(mg.cohort_matrix(SMALL, SCALE), "count", SCALE)
    assert w.columns == ["from_grade", "A", "B", "C", "D", "NR"]
    assert w.row(1) == ("B", 1, 2, 1, 1, 0)


def test_summary_notches_and_movers() -> None:
    s = mg.summary(SMALL, SCALE)
    assert (s["customers"], s["upgrades"], s["downgrades"], s["stable"], s["defaults"], s["not_rated"]) == \
        (10, 1, 4, 4, 2, 1)
    # downgrades: A->B 1, B->C 1, B->D 2, C->D 1 = 5 notches; upgrade B->A 1
    assert s["notches_down"] == 5 and s["notches_up"] == 1
    assert s["downgrade_exposure_amt"] == pytest.approx(200 + 40 + 100 + 70)
    mv = mg.movers(SMALL, SCALE)
    assert mv.height == 5
    assert mv.row(0, named=True)["notches"] == 2 and mv.row(0, named=True)["to_grade"] == "D"
    assert mv.filter(pl.col("direction") == "upgrade")["from_grade"].to_list() == ["B"]
    nd = mg.notch_distribution(SMALL, SCALE)
    assert dict(zip(nd["notches"].to_list(), nd["customers"].to_list())) == {-1: 1, 0: 4, 1: 3, 2: 1}


def test_yearly_cohorts_keep_month_ends() -> None:
    starts, ends = mg.yearly_starts(date(2026, 2, 28), 3)
    assert starts == [date(2023, 2, 28), date(2024, 2, 29), date(2025, 2, 28)]
    assert ends == [date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28)]


def test_generator_by_hand_and_expm() -> None:
    # A: 2 years at risk, one move to B; B: 4 years, one to A, one to D; C: never held.
    spells = pl.DataFrame({"from_grade": ["A", "A", "B", "B", "B"], "to_grade": [None, "B", "A", "D", None],
                           "transitions_count": [0, 1, 1, 1, 0], "years_at_risk": [1.5, 0.5, 1.0, 1.0, 2.0]})
    lam = mg.generator(spells, SCALE)
    expected = np.array([[-0.5, 0.5, 0, 0], [0.25, -0.5, 0, 0.25], [0, 0, 0, 0], [0, 0, 0, 0]])
    np.testing.assert_allclose(lam, expected)
    d = mg.duration_matrix(spells, SCALE)
    p = expm(expected)
    assert cell(d, "A", "D", "rate") == pytest.approx(p[0, 3])
    assert cell(d, "A", "D", "rate") > 0  # the duration estimate sees A -> B -> D paths a cohort misses
    assert cell(d, "C", "C", "rate") == pytest.approx(1.0)
    assert cell(d, "B", "B", "years_at_risk") == pytest.approx(4.0)


def test_calibration_counts_and_interval() -> None:
    c = cohort([("B", "B", 1)] * 8 + [("B", "D", 1)] * 2 + [("A", "A", 1)] * 3 + [("A", "NR", 1)])
    cal = mg.calibration(c, SCALE, {"A": 1.0, "B": 5.0, "C": 20.0, "D": 100.0})
    b = cal.filter(pl.col("grade") == "B").row(0, named=True)
    assert (b["customers"], b["defaults"]) == (10, 2)
    assert b["observed_default_rate_pct"] == pytest.approx(20.0)
    assert b["expected_defaults"] == pytest.approx(0.5)
    # Clopper-Pearson 95% for 2/10: [2.52 %, 55.61 %]; 5 % lies inside
    assert b["ci_low_pct"] == pytest.approx(2.521, abs=1e-3) and b["ci_high_pct"] == pytest.approx(55.61, abs=1e-2)
    assert b["verdict"] == "consistent"
    a = cal.filter(pl.col("grade") == "A").row(0, named=True)
    assert a["customers"] == 3  # NR left out
    assert cal.filter(pl.col("grade") == "C")["verdict"].item() == "no evidence"


grades = st.sampled_from(SCALE[:-1])
outcomes = st.sampled_from(list(SCALE) + ["NR"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(grades, outcomes, st.floats(0, 1e6)), min_size=1, max_size=60))
def test_matrix_properties(rows: list[tuple[str, str, float]]) -> None:
    c = cohort(rows)
    m = mg.cohort_matrix(c, SCALE)
    # counts add up to the cohort, per row and in total
    assert int(m["count"].sum()) == len(rows)
    per_row = m.group_by("from_grade").agg(pl.col("count").sum(), pl.col("rate").sum(),
                                           pl.col("nr_adjusted_rate").sum())
    for r in per_row.iter_rows(named=True):
        assert r["count"] == sum(1 for f, _, _ in rows if f == r["from_grade"])
        if r["count"]:
            assert r["rate"] == pytest.approx(1.0)
            nr_all = all(t == "NR" for f, t, _ in rows if f == r["from_grade"])
            assert r["nr_adjusted_rate"] == pytest.approx(0.0 if nr_all else 1.0)
    # D is absorbing: never a row of the matrix
    assert "D" not in m["from_grade"].to_list()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(grades, st.sampled_from(list(SCALE) + [None]), st.integers(0, 5),
                          st.floats(0.01, 10)), min_size=1, max_size=20))
def test_duration_rows_are_probabilities_and_default_absorbs(raw: list[tuple[str, str | None, int, float]]) -> None:
    spells = pl.DataFrame({"from_grade": [r[0] for r in raw], "to_grade": [r[1] for r in raw],
                           "transitions_count": [r[2] if r[1] else 0 for r in raw],
                           "years_at_risk": [r[3] for r in raw]})
    d = mg.duration_matrix(spells, SCALE, 1.0)
    sums = d.group_by("from_grade").agg(pl.col("rate").sum())
    assert all(s == pytest.approx(1.0) for s in sums["rate"].to_list())
    assert (d["rate"] >= -1e-12).all()
    p = expm(mg.generator(spells, SCALE) * 3)
    assert p[-1, -1] == pytest.approx(1.0) and np.allclose(p[-1, :-1], 0.0)
