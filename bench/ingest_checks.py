"""What the loader's input checks cost (issue 11), side by side with the plain way.

    python bench/ingest_checks.py [--rows 10000000]

On one column of text cells as a CSV export gives them (amounts like "1234.56", keys
like "INV0001234"), times: the plain cast to a number against reading it in the file's
convention (analytics.data.numbers: evidence, parse, finite and bound checks), and no text
cleaning against the loader's trimming and control-character scan (the one pattern
that finds nothing to clean in a clean export). Medians of 5 runs; writes
bench/results/ingest-checks.json. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.data import numbers  # noqa: E402
def median_ms(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    amounts = pl.Series("amount", np.round(rng.lognormal(8, 1.5, args.rows), 2)).cast(pl.String)
    keys = pl.Series("invoice_id", [f"INV{i:09d}" for i in range(args.rows)])
    rows = pl.Series("__row", np.arange(2, args.rows + 2))

    def plain_cast() -> None:
        values = amounts.cast(pl.Float64, strict=False)
        (values.is_null() & amounts.is_not_null()).any()

    def convention() -> None:
        fmt, clash = numbers.choose_format([("amount", amounts, rows)], None)
        values, reason = numbers.parse_numbers(amounts, fmt)
        reason.is_not_null().any()
        (values.is_nan() | values.is_infinite()).any()
        (values.abs() > 1e15).any()

    def no_cleaning() -> None:
        keys.is_null().any()

    def cleaning() -> None:
        keys.str.contains(r"^\s|\s$|[\x00-\x1f\x7f]").any()

    out = {
        "rows": args.rows,
        "amount_plain_cast_ms": median_ms(plain_cast),
        "amount_in_file_convention_ms": median_ms(convention),
        "key_no_cleaning_ms": median_ms(no_cleaning),
        "key_trim_and_control_scan_ms": median_ms(cleaning),
    }
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "ingest-checks.json").write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
