"""rating_cohorts.sql and rating_spells.sql on a hand-made rating history (policy scale,
NR after 18 months), checked cell by cell."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import polars as pl
import pytest

from analytics.data.warehouse import query, sql_text

RATINGS = [
    # K1: A, downgraded to BBB in March 2025
    ("K1", "2024-01-15", "A"), ("K1", "2025-03-10", "BBB"),
    # K2: BB, defaults in May 2025, re-rated B after a restructuring: default is absorbing
    ("K2", "2024-06-30", "BB"), ("K2", "2025-05-01", "D"), ("K2", "2025-08-01", "B"),
    # K3: rated once; 21 months old at the end -> NR
    ("K3", "2024-03-01", "BBB"),
    # K4: first rated after the start -> not in the cohort
    ("K4", "2025-02-01", "AA"),
    # K5: in default at the start -> not in the cohort
    ("K5", "2024-01-01", "D"),
    # K6: CCC -> B -> CCC within the year: stable in the cohort, two moves in the duration data
    ("K6", "2024-02-01", "CCC"), ("K6", "2025-01-15", "B"), ("K6", "2025-06-01", "CCC"),
    # K7: A, re-affirmed A (retail segment)
    ("K7", "2024-05-01", "A"), ("K7", "2025-05-01", "A"),
    # K8: rating 20 months old at the start -> lapsed, not in the cohort
    ("K8", "2023-04-30", "BB"),
]
START, END = date(2024, 12, 31), date(2025, 12, 31)


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    ids = sorted({r[0] for r in RATINGS})
    c.execute("create table customers as select * from (values " + ", ".join(
        f"('{i}', null, '{'retail' if i == 'K7' else 'core'}', 'Machinery', 'East', 'Li')" for i in ids)
        + ") as t(customer_id, parent_id, segment, industry, region, credit_manager)")
    c.execute("create table ratings as select customer_id, rated_on::date as rated_on, grade, 0.01 as pd "
              "from (values " + ", ".join(f"('{a}', '{b}', '{g}')" for a, b, g in RATINGS)
              + ") as t(customer_id, rated_on, grade)")
    c.execute("create table customer_dims as select customer_id, coalesce(parent_id, customer_id) as group_id, "
              "segment, industry, region, credit_manager from customers")
    for macro in ("macros/scope", "macros/periods"):
        c.execute(sql_text(macro))
    # exposure: the 2024-12-31 snapshot is the one in force at the start (not the November one)
    c.execute("create table customer_snapshot as select t.*, d.segment, d.industry, d.region, d.credit_manager, "
              "d.group_id from (values "
              "('K1', date '2024-11-30', 1.0), ('K1', date '2024-12-31', 100.0), ('K2', date '2024-12-31', 50.0), "
              "('K6', date '2024-12-31', 30.0)) as t(customer_id, snapshot_date, gross_exposure_amt) "
              "join customer_dims as d using (customer_id)")
    c.execute(sql_text("marts/15_scope_macros"))  # its table macros need the tables above
    yield c
    c.close()


def params(**over: object) -> dict[str, object]:
    scope = {"segments": [], "industries": [], "regions": [], "managers": [], "groups": []}
    return dict(default_grade="D", nr_after_months=18, scope={**scope, **over})


def test_cohort_rows_by_hand(con: duckdb.DuckDBPyConnection) -> None:
    got = query(con, "rating_cohorts", starts=[START], ends=[END], **params()).sort("customer_id")
    assert got.select("customer_id", "from_grade", "to_grade").rows() == [
        ("K1", "A", "BBB"), ("K2", "BB", "D"), ("K3", "BBB", "NR"), ("K6", "CCC", "CCC"), ("K7", "A", "A")]
    assert got["exposure_amt"].to_list() == [100.0, 50.0, 0.0, 30.0, 0.0]
    assert got.filter(pl.col("customer_id") == "K2")["default_on"].item() == date(2025, 5, 1)


def test_filters_and_pooled_cohorts(con: duckdb.DuckDBPyConnection) -> None:
    retail = query(con, "rating_cohorts", starts=[START], ends=[END], **params(segments=["retail"]))
    assert retail["customer_id"].to_list() == ["K7"]
    pooled = query(con, "rating_cohorts", starts=[date(2023, 12, 31), START], ends=[START, END], **params())
    first = pooled.filter(pl.col("start_date") == date(2023, 12, 31)).sort("customer_id")
    # on 2023-12-31 only K8 (BB, 8 months old) was rated and not in default; a year on its rating
    # is 20 months old -> NR
    assert first.select("customer_id", "from_grade", "to_grade").rows() == [("K8", "BB", "NR")]
    assert pooled.height == 6


def test_spells_by_hand(con: duckdb.DuckDBPyConnection) -> None:
    got = query(con, "rating_spells", window_start=START, window_end=END, **params())
    cells = {(r["from_grade"], r["to_grade"]): (r["transitions_count"], round(r["years_at_risk"] * 365.25))
             for r in got.iter_rows(named=True)}
    assert cells == {
        ("A", "BBB"): (1, 69),       # K1 31 Dec -> 10 Mar
        ("BBB", None): (0, 296 + 244),  # K1 10 Mar -> 31 Dec; K3 until its rating lapses on 1 Sep
        ("BB", "D"): (1, 121),       # K2 until the default; nothing after it counts
        ("AA", None): (0, 333),      # K4 from 1 Feb
        ("CCC", "B"): (1, 15),       # K6
        ("B", "CCC"): (1, 137),
        ("CCC", None): (0, 213),
        ("A", None): (0, 121 + 244),  # K7: a re-affirmation is no move
    }
