"""The loader's entry point: validate a source folder, then build a new warehouse.

Any problem means nothing is written and the current warehouse keeps serving.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from analytics.ingest import LoadIssue, read_and_validate
from analytics.mapping import load_mapping
from analytics.policy import Policy
from analytics.warehouse import Progress, build_lock, build_warehouse


@dataclass
class LoadOutcome:
    """What a load did: the new warehouse file, or the issues that stopped it."""

    path: Path | None
    issues: list[LoadIssue] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    summary: dict[str, object] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.path is not None and not self.issues


def summarize(tables: dict[str, pl.DataFrame]) -> dict[str, object]:
    """Headline facts of a clean load: date range and invoice totals by currency."""
    inv = tables["invoices"]
    totals = inv.group_by("currency").agg(pl.col("amount").sum().round(2)).sort("currency")
    return {
        "first_invoice_date": str(inv["invoice_date"].min()),
        "last_invoice_date": str(inv["invoice_date"].max()),
        "invoice_total_by_currency": dict(zip(totals["currency"].to_list(), totals["amount"].to_list())),
        "customers": tables["customers"].height,
    }


def load(source_dir: Path, policy: Policy, folder: Path, mapping_path: Path | None = None,
         progress: Progress | None = None) -> LoadOutcome:
    """Validate every file in source_dir and, only when all is clean, build a new warehouse."""
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    mappings = load_mapping(mapping_path)
    say(f"reading and validating {source_dir}")
    result = read_and_validate(Path(source_dir), mappings, policy)
    if not result.ok:
        return LoadOutcome(None, result.issues, seconds=time.perf_counter() - started)
    row_counts = {name: frame.height for name, frame in result.tables.items()}
    summary = summarize(result.tables)
    tables, result.tables = result.tables, {}  # build_warehouse frees each frame once written
    with build_lock(folder):
        path = build_warehouse(tables, policy, folder, result.sources, str(source_dir), say)
    return LoadOutcome(path, row_counts=row_counts, summary=summary, seconds=time.perf_counter() - started)
