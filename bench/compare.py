"""Warehouse path against the plain pandas way, side by side in one run; prints JSON.

Usage: python bench/compare.py SOURCE_DIR (with $CREDIT_WAREHOUSE loaded from SOURCE_DIR).
The pandas side starts from raw frames already in memory (reading the files is
not timed), so the ratio is about computing the view, not about file formats.
Both sides must agree on the totals, or the comparison means nothing.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.risk import migration  # noqa: E402
from analytics.views import Filters  # noqa: E402
from analytics.policy import load_policy  # noqa: E402
from analytics.views import aging_distribution, calendar, exposure_view  # noqa: E402
from analytics.data.warehouse import Warehouse  # noqa: E402
from bench import pandas_baseline  # noqa: E402


def timed(fn: Callable[[], object], repeats: int, warm_up: bool = True) -> tuple[float, object]:
    """Median ms over `repeats` runs (after one untimed warm-up run), and the last result."""
    result = fn() if warm_up else None
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1), result


def main(source_dir: Path) -> None:
    policy = load_policy()
    wh = Warehouse()
    cal = calendar(wh)
    as_of = cal.latest
    raw = pandas_baseline.read_raw(source_dir)
    bounds = list(policy.bucket_upper_dpd)

    # pandas has no cache to warm; two timed runs each keep the bench under a quarter of an hour at 10M
    pd_exp_ms, pd_exp = timed(lambda: pandas_baseline.exposure_view(raw, as_of, extracted_on=cal.extracted_on), 2, warm_up=False)
    pd_aging_ms, pd_aging = timed(lambda: pandas_baseline.aging_view(raw, as_of, bounds), 2, warm_up=False)
    wh_exp_ms, wh_exp = timed(lambda: exposure_view(wh, as_of, Filters(), policy), 7)
    wh_aging_ms, wh_aging = timed(lambda: aging_distribution(wh, as_of, Filters(), policy), 7)

    start = migration.years_before(as_of, 1)
    pd_mig_ms, pd_mig = timed(lambda: pandas_baseline.migration_counts(raw, start, as_of, extracted_on=cal.extracted_on), 3, warm_up=False)

    def wh_migration() -> object:
        cohort = wh.query("rating_cohorts", starts=[start], ends=[as_of], default_grade=policy.default_grade,
                          nr_after_months=policy.nr_after_months, **Filters().params())
        return migration.cohort_matrix(cohort, policy.scale)

    wh_mig_ms, wh_mig = timed(wh_migration, 7)

    pd_ar = float(pd_exp["open_ar_amt"].sum())  # type: ignore[index]
    wh_ar = wh_exp.kpis.open_ar_amt  # type: ignore[attr-defined]
    pd_aging_total = float(pd_aging["outstanding_amt"].sum())  # type: ignore[index]
    wh_aging_total = float(wh_aging["outstanding_amt"].sum())  # type: ignore[index]
    print(json.dumps({
        "as_of": as_of.isoformat(),
        "exposure": {"pandas_ms": pd_exp_ms, "warehouse_ms": wh_exp_ms, "speedup": round(pd_exp_ms / wh_exp_ms, 1),
                     "open_ar_pandas": round(pd_ar, 2), "open_ar_warehouse": round(wh_ar, 2)},
        "aging": {"pandas_ms": pd_aging_ms, "warehouse_ms": wh_aging_ms,
                  "speedup": round(pd_aging_ms / wh_aging_ms, 1),
                  "total_pandas": round(pd_aging_total, 2), "total_warehouse": round(wh_aging_total, 2)},
        "migration": {"pandas_ms": pd_mig_ms, "warehouse_ms": wh_mig_ms,
                      "speedup": round(pd_mig_ms / wh_mig_ms, 1),
                      "cohort_pandas": int(pd_mig["count"].sum()),  # type: ignore[index]
                      "cohort_warehouse": int(wh_mig["count"].sum()),  # type: ignore[index]
                      "same_cells": _same_cells(pd_mig, wh_mig)},
    }))


def _same_cells(pd_counts: object, wh_matrix: object) -> bool:
    """Both ways give the same count in every non-empty cell."""
    a = {(r.from_grade, r.to_grade): int(r.count) for r in pd_counts.itertuples()}  # type: ignore[attr-defined]
    b = {(f, t): n for f, t, n in wh_matrix.select("from_grade", "to_grade", "count").iter_rows() if n}  # type: ignore[attr-defined]
    return a == b


if __name__ == "__main__":
    main(Path(sys.argv[1]))
