"""Command line: `python -m analytics load|generate|sample|report ...`.

Reports call the same view functions as the pages, so the numbers agree.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from analytics import export
from analytics.exposure import Filters
from analytics.ingest import format_report
from analytics.loader import load
from analytics.mapping import MappingError
from analytics.policy import PolicyError, load_policy
from analytics.views import InvalidRequest, calendar, exposure_view, filter_options, unknown_filter_values
from analytics.warehouse import Progress, Warehouse, WarehouseMissing, build_lock, current_path, warehouse_dir

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO_ROOT / "sample_data" / "generated"
SAMPLE_CUSTOMERS = 2000
SAMPLE_YEARS = 3
SAMPLE_SEED = 42


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def cmd_load(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy)
    folder = warehouse_dir(args.warehouse)
    outcome = load(Path(args.source_dir), policy, folder, Path(args.mapping) if args.mapping else None, _say)
    if not outcome.ok:
        print(format_report(outcome.issues), file=sys.stderr)
        return 1
    print(f"loaded in {outcome.seconds:.1f} s -> {outcome.path}")
    for name, rows in outcome.row_counts.items():
        print(f"  {name:<14} {rows:>12,} rows")
    summary = outcome.summary
    print(f"  invoices dated {summary['first_invoice_date']} .. {summary['last_invoice_date']}")
    for cur, total in summary["invoice_total_by_currency"].items():  # type: ignore[union-attr]
        print(f"  invoice total {cur} {total:,.2f}")
    return 0


def generate_files(customers: int, years: int, seed: int, out: Path, fmt: str = "csv",
                   end_date: date | None = None) -> dict[str, Path]:
    """Generate the synthetic portfolio and write it in the import format."""
    from sample_data.generator import generate_portfolio, write_portfolio

    tables = generate_portfolio(customers, years, seed, end_date)
    return write_portfolio(tables, out, fmt)  # type: ignore[arg-type]


def cmd_generate(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    end = date.fromisoformat(args.end_date) if args.end_date else None
    paths = generate_files(args.customers, args.years, args.seed, Path(args.out), args.format, end)
    print(f"generated {len(paths)} files in {Path(args.out)} in {time.perf_counter() - started:.1f} s")
    return 0


def build_sample(folder: Path, progress: Progress = _say, if_missing: bool = False) -> Path:
    """Generate the built-in sample portfolio and load it (first run of the app).

    With if_missing, an up-to-date warehouse that exists (perhaps built by another
    process while this one waited for the lock) is kept as it is; one built by an
    older version of the SQL is rebuilt.
    """
    with build_lock(folder):
        if if_missing:
            try:
                existing = Warehouse(folder)
                try:
                    if not existing.is_outdated():
                        return existing.path
                finally:
                    existing.close()
            except WarehouseMissing:
                pass
        progress(f"generating the sample portfolio ({SAMPLE_CUSTOMERS:,} customers, {SAMPLE_YEARS} years)")
        started = time.perf_counter()
        generate_files(SAMPLE_CUSTOMERS, SAMPLE_YEARS, SAMPLE_SEED, SAMPLE_DIR, "csv")
        progress(f"generated in {time.perf_counter() - started:.1f} s")
        outcome = load(SAMPLE_DIR, load_policy(), folder, None, progress)
    if not outcome.ok:
        raise RuntimeError("the sample portfolio failed validation:\n" + format_report(outcome.issues))
    assert outcome.path is not None
    return outcome.path


def cmd_sample(args: argparse.Namespace) -> int:
    path = build_sample(warehouse_dir(args.warehouse), if_missing=args.if_missing)
    print(f"sample warehouse ready: {path}", flush=True)
    return 0


def _filters(args: argparse.Namespace) -> Filters:
    return Filters(tuple(args.segment or ()), tuple(args.industry or ()), tuple(args.region or ()),
                   tuple(args.manager or ()), tuple(args.group or ()))


def _write(payload_tables: dict, fmt: str, out: str | None, table: str | None, meta: dict) -> None:  # type: ignore[type-arg]
    if fmt == "json":
        data = export.to_json_text({**meta, **payload_tables}).encode("utf-8")
    elif fmt == "xlsx":
        if not out:
            raise InvalidRequest("--format xlsx needs --out FILE")
        data = export.to_xlsx_bytes(payload_tables)
    else:
        name = table or next(iter(payload_tables))
        if name not in payload_tables:
            raise InvalidRequest(f"unknown --table {name!r}; choose one of: {', '.join(payload_tables)}")
        data = export.to_csv_bytes(payload_tables[name], bom=False)
    if out:
        Path(out).write_bytes(data)
        print(f"wrote {out}", file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8"))


def cmd_report(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy)
    wh = Warehouse(args.warehouse)
    try:
        as_of = calendar(wh).resolve(args.as_of)
        unknown = unknown_filter_values(filter_options(wh), _filters(args))
        if unknown:
            options = filter_options(wh)
            raise InvalidRequest("; ".join(
                f"unknown {dim.replace('_', ' ')} {', '.join(map(repr, values))} (choose from: "
                f"{', '.join(v for v, _ in options[dim][:30])}{' ...' if len(options[dim]) > 30 else ''})"
                for dim, values in unknown.items()))
        if args.report == "exposure":
            view = exposure_view(wh, as_of, _filters(args), policy)
            meta = {"report": "exposure", "as_of": view.as_of, "currency": view.currency,
                    "warehouse": wh.version, "filters": _filters(args).params()}
            _write(view.tables(), args.format, args.out, args.table, meta)
    finally:
        wh.close()
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analytics", description="Credit portfolio risk: load, generate, report.")
    sub = p.add_subparsers(dest="command", required=True)

    lp = sub.add_parser("load", help="validate a folder of source files and build a new warehouse")
    lp.add_argument("source_dir")
    lp.add_argument("--mapping", help="TOML mapping of source files/columns/values to the contract")
    lp.add_argument("--warehouse", help="warehouse folder (default $CREDIT_WAREHOUSE or ./warehouse)")
    lp.add_argument("--policy", help="credit policy TOML (default $CREDIT_POLICY or the shipped policy)")
    lp.set_defaults(func=cmd_load)

    gp = sub.add_parser("generate", help="write a synthetic portfolio in the import format")
    gp.add_argument("--customers", type=int, default=SAMPLE_CUSTOMERS)
    gp.add_argument("--years", type=int, default=SAMPLE_YEARS)
    gp.add_argument("--seed", type=int, default=SAMPLE_SEED)
    gp.add_argument("--out", required=True)
    gp.add_argument("--format", choices=["csv", "parquet"], default="csv")
    gp.add_argument("--end-date", help="last day of the data (default 2026-10-31)")
    gp.set_defaults(func=cmd_generate)

    sp = sub.add_parser("sample", help="generate and load the built-in sample portfolio")
    sp.add_argument("--warehouse")
    sp.add_argument("--if-missing", action="store_true",
                    help="keep an existing warehouse built by this version of the code")
    sp.set_defaults(func=cmd_sample)

    rp = sub.add_parser("report", help="print or save a report (the same numbers as the pages)")
    rp.add_argument("report", choices=["exposure"])
    rp.add_argument("--as-of", help="snapshot date YYYY-MM-DD (default: latest)")
    rp.add_argument("--warehouse")
    rp.add_argument("--policy")
    rp.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv")
    rp.add_argument("--out", help="output file (xlsx needs one; default stdout)")
    rp.add_argument("--table", help="csv only: which table (default: kpis)")
    for flag in ("segment", "industry", "region", "manager", "group"):
        rp.add_argument(f"--{flag}", action="append", help=f"filter by {flag} (repeatable)")
    rp.set_defaults(func=cmd_report)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (PolicyError, MappingError, WarehouseMissing, InvalidRequest) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
