"""Scoring timings at the bench's scale, as JSON (reported, never asserted).

    python bench/scoring.py [WAREHOUSE_DIR]     # default bench/.cache/wh-10m

Builds the characteristics mart (sql/marts/14_customer_characteristics.sql) from the
warehouse's own marts in an in-memory database beside it, side by side with the same SQL
using range frames on the month index (the plain way to write a 12-month window), then times
the expert scorecard on every customer at the last month-end (the page's what-if on a weight
move re-runs exactly that) and the view that reads and scores them."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from analytics.data.warehouse import Warehouse, current_path, sql_text  # noqa: E402
from analytics.policy import load_policy  # noqa: E402
from analytics.views import Filters, calendar  # noqa: E402
from analytics.views.scoring import score_inputs, scores_from, with_weights  # noqa: E402
from bench.pages import median_ms  # noqa: E402


def build_seconds(path: Path, text: str) -> float:
    con = duckdb.connect()
    try:
        con.execute("attach $file as wh (read_only)", {"file": str(path)})
        con.execute("set search_path = 'memory.main,wh.main'")
        started = time.perf_counter()
        con.execute(text)
        return round(time.perf_counter() - started, 2)
    finally:
        con.close()


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / ".cache" / "wh-10m"
    path = current_path(folder)
    mart = sql_text("marts/14_customer_characteristics")
    plain = mart.replace("rows between", "range between")
    policy = load_policy()
    wh = Warehouse(folder)
    as_of = calendar(wh).latest
    inputs = score_inputs(wh, as_of, Filters())
    heavy = {d.name: (100.0 if d.name == "payment_history" else 10.0) for d in policy.expert_scorecard.dimensions}
    edited = with_weights(policy.expert_scorecard, heavy)
    results = {
        "customers": inputs.frame.height,
        # the best of two builds each, after one that warms the file cache (the first read of the
        # warehouse file pays for the disk)
        "warm-up build s": build_seconds(path, mart),
        "characteristics mart, row frames s": min(build_seconds(path, mart) for _ in range(2)),
        "characteristics mart, range frames (plain) s": min(build_seconds(path, plain) for _ in range(2)),
        "score inputs (once per date and filter) ms": median_ms(lambda: score_inputs(wh, as_of, Filters()), repeats=3),
        "expert scorecard, every customer (a weight move) ms": median_ms(
            lambda: scores_from(inputs, policy, edited), repeats=7),
    }
    wh.close()
    os.environ["CREDIT_WAREHOUSE"] = str(folder)
    from bench.pages import page_ms
    results["Credit scoring page, full server run, cold ms"] = page_ms("pages/scoring.py", {}, cold=True, repeats=3)
    results["Credit scoring page, full server run, warm ms"] = page_ms("pages/scoring.py", {}, cold=False, repeats=3)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
