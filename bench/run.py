"""The benchmark: generate (cached), load, time every page, compare with pandas.

    python bench/run.py                      # 100,000 customers x 3 years, about 10M invoices
    python bench/run.py --customers 2000     # a quick run on the sample size

Writes bench/results/<label>.json and bench/results/<label>.md (label
"10m" for the default size, else "c<customers>-y<years>"). Timings are medians;
peak RSS is sampled over each step's process tree. Nothing here is a test:
budgets (DESIGN.md §6) are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import Measured, run_measured  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
RESULTS = ROOT / "bench" / "results"
BUDGETS = {"load_s": 60.0, "page_ms": 150.0, "slider_ms": 80.0, "speedup": 20.0, "server_rss_mb": 4096.0,
           "load_rss_mb": 8192.0, "generate_s": 120.0}


def _json_tail(step: Measured, what: str) -> dict:  # type: ignore[type-arg]
    if step.returncode != 0:
        raise SystemExit(f"{what} failed:\n{step.output[-4000:]}")
    return json.loads(step.output.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--regenerate", action="store_true", help="ignore the cached generated files")
    args = ap.parse_args()
    label = "10m" if (args.customers, args.years) == (100_000, 3) else f"c{args.customers}-y{args.years}"
    src = CACHE / f"src-c{args.customers}-y{args.years}-s{args.seed}"
    wh = CACHE / f"wh-{label}"
    py = sys.executable
    out: dict[str, object] = {
        "label": label, "customers": args.customers, "years": args.years, "seed": args.seed,
        "run_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "budgets": BUDGETS,
    }

    if args.regenerate or not (src / "invoices.parquet").exists():
        print(f"generating {src.name} ...", flush=True)
        gen = run_measured([py, "-m", "analytics", "generate", "--customers", str(args.customers), "--years",
                            str(args.years), "--seed", str(args.seed), "--out", str(src), "--format", "parquet"],
                           cwd=str(ROOT))
        if gen.returncode != 0:
            raise SystemExit(gen.output)
        out["generate"] = {"seconds": round(gen.seconds, 1), "peak_rss_mb": round(gen.peak_rss_mb)}
    else:
        out["generate"] = {"seconds": None, "note": "cached"}

    print("loading ...", flush=True)
    load = run_measured([py, "-m", "analytics", "load", str(src), "--warehouse", str(wh)], cwd=str(ROOT))
    if load.returncode != 0:
        raise SystemExit(load.output)
    marts = {line.split()[1]: float(line.split()[3]) for line in load.output.splitlines()
             if line.startswith("built ")}
    rows = {line.split()[0]: int(line.split()[1].replace(",", "")) for line in load.output.splitlines()
            if line.startswith("  ") and line.strip().endswith(" rows")}
    out["load"] = {"seconds": round(load.seconds, 1), "peak_rss_mb": round(load.peak_rss_mb), "marts_s": marts,
                   "rows": rows}

    env = {**os.environ, "CREDIT_WAREHOUSE": str(wh)}
    print("timing pages ...", flush=True)
    pages = run_measured([py, str(ROOT / "bench" / "pages.py")], env=env, cwd=str(ROOT))
    out["pages"] = _json_tail(pages, "page timings")
    out["server_peak_rss_mb"] = round(pages.peak_rss_mb)

    print("comparing with pandas ...", flush=True)
    cmp_ = run_measured([py, str(ROOT / "bench" / "compare.py"), str(src)], env=env, cwd=str(ROOT))
    out["pandas"] = _json_tail(cmp_, "pandas comparison")

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{label}.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    md = render_markdown(out)
    (RESULTS / f"{label}.md").write_text(md, encoding="utf-8")
    print(md)


def _verdict(value: float | None, budget: float, lower_is_better: bool = True) -> str:
    if value is None:
        return ""
    ok = value <= budget if lower_is_better else value >= budget
    return "within budget" if ok else f"over budget ({value / budget:.1f}x)" if lower_is_better else "below target"


def render_markdown(r: dict) -> str:  # type: ignore[type-arg]
    """The results as a markdown table (bench/results/<label>.md, linked from docs/performance.md)."""
    b = r["budgets"]
    load = r["load"]
    rows = [
        "| measure | result | budget | verdict |",
        "|---|---|---|---|",
    ]
    gen = r["generate"]
    if gen.get("seconds") is not None:
        rows.append(f"| generate (Parquet) | {gen['seconds']} s, peak {gen['peak_rss_mb']:,} MB | "
                    f"<= {b['generate_s']:g} s | {_verdict(gen['seconds'], b['generate_s'])} |")
    rows.append(f"| load + validate + build marts | {load['seconds']} s | <= {b['load_s']:g} s | "
                f"{_verdict(load['seconds'], b['load_s'])} |")
    rows.append(f"| load peak RSS | {load['peak_rss_mb']:,} MB | <= {b['load_rss_mb']:,.0f} MB | "
                f"{_verdict(load['peak_rss_mb'], b['load_rss_mb'])} |")
    for name, t in r["pages"]["pages"].items():
        rows.append(f"| page '{name}', full server run, cold / warm (median) | {t['cold_ms']} / {t['warm_ms']} ms | "
                    f"<= {b['page_ms']:g} ms | {_verdict(t['cold_ms'], b['page_ms'])} (cold) |")
    for name, ms in r["pages"]["views_ms"].items():
        if name.startswith("what-if lever move"):
            slider = b.get("slider_ms", 80)
            rows.append(f"| `{name}` ({r['pages'].get('whatif_customers', 0):,} customers) | {ms} ms | "
                        f"<= {slider:g} ms | {_verdict(ms, slider)} |")
            continue
        rows.append(f"| view function `{name}` (queries + computations) | {ms} ms | | |")
    rows.append(f"| dashboard server peak RSS (all page runs) | {r['server_peak_rss_mb']:,} MB | "
                f"<= {b['server_rss_mb']:,.0f} MB | {_verdict(r['server_peak_rss_mb'], b['server_rss_mb'])} |")
    for view in ("exposure", "aging", "migration"):
        c = r["pandas"][view]
        rows.append(f"| {view} view: pandas from raw invoices vs warehouse | {c['pandas_ms']:,} ms vs "
                    f"{c['warehouse_ms']:,} ms = {c['speedup']}x | >= {b['speedup']:g}x | "
                    f"{_verdict(c['speedup'], b['speedup'], lower_is_better=False)} |")
    marts = ", ".join(f"{k} {v:g} s" for k, v in load["marts_s"].items())
    invoices = load["rows"].get("invoices", 0)
    head = (f"### Bench `{r['label']}`: {r['customers']:,} customers, {r['years']} years, {invoices:,} invoices\n\n"
            f"Run {r['run_at']} on {r['machine']['cpus']} cores, Python {r['machine']['python']}.\n\n")
    check = r["pandas"]["exposure"]
    mig = r["pandas"]["migration"]
    tail = (f"\nMarts: {marts}. Open AR at {r['pandas']['as_of']}: pandas {check['open_ar_pandas']:,.2f}, "
            f"warehouse {check['open_ar_warehouse']:,.2f}. Migration cohort: pandas {mig['cohort_pandas']:,}, "
            f"warehouse {mig['cohort_warehouse']:,} customers, same counts in every cell: {mig['same_cells']}.\n")
    return head + "\n".join(rows) + "\n" + tail


if __name__ == "__main__":
    main()
