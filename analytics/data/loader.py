"""The loader's entry point: validate a source folder, then build a new warehouse.

Any problem means nothing is written and the current warehouse keeps serving.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from analytics.data.ingest import BASIS_MAPPING, LoadIssue, Text, read_and_validate, stored
from analytics.i18n import _
from analytics.data.mapping import load_mapping, mapping_extracted_on
from analytics.policy import Policy
from analytics.data.warehouse import Progress, build_lock, build_warehouse, clean


@dataclass
class LoadOutcome:
    """What a load did: the new warehouse file, or the issues that stopped it."""

    path: Path | None
    issues: list[LoadIssue] = field(default_factory=list)
    notes: list[LoadIssue] = field(default_factory=list)
    note_counts: dict[tuple[str, str], int] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)
    summary: dict[str, object] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.path is not None and not self.issues


def summarize(tables: dict[str, pl.DataFrame], extracted_on: date | None, basis: str,
              note_counts: dict[tuple[str, str], int]) -> dict[str, object]:
    """Headline facts of a clean load: the extraction date and how it was set, the date range,
    invoice totals by currency, and the notes by kind."""
    inv = tables["invoices"]
    totals = inv.group_by("currency").agg(pl.col("amount").sum().round(2)).sort("currency")
    kinds: dict[str, int] = {}
    for (_file, rule), rows in note_counts.items():
        kinds[rule] = kinds.get(rule, 0) + rows
    return {
        "extracted_on": str(extracted_on),
        "extraction_basis": basis,
        "first_invoice_date": str(inv["invoice_date"].min()),
        "last_invoice_date": str(inv["invoice_date"].max()),
        "invoice_total_by_currency": dict(zip(totals["currency"].to_list(), totals["amount"].to_list())),
        "customers": tables["customers"].height,
        "notes_by_kind": kinds,
    }


def load(source_dir: Path, policy: Policy, folder: Path, mapping_path: Path | None = None,
         progress: Progress | None = None, extracted_on: date | None = None) -> LoadOutcome:
    """Validate every file in source_dir and, only when all is clean, build a new warehouse.

    One load at a time per folder: a load that finds another running says so (progress)
    and waits, then reads its source files (the newest) and builds. It first removes what
    killed loads left behind (analytics.data.warehouse.clean).

    extracted_on: the day the data was taken; else the mapping's [export] extracted_on, else
    inferred from the documents (analytics.data.ingest).
    """
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    with build_lock(folder, on_wait=say):
        removed = clean(folder)
        if removed:
            say(_("removed what interrupted loads left behind: {files}").format(files=", ".join(removed)))
        return _load(source_dir, policy, folder, mapping_path, say, extracted_on, started)


def _load(source_dir: Path, policy: Policy, folder: Path, mapping_path: Path | None, say: Progress,
          extracted_on: date | None, started: float) -> LoadOutcome:
    mappings = load_mapping(mapping_path)
    stated_by: str | Text = "--extracted-on"
    if extracted_on is None:
        extracted_on = mapping_extracted_on(mapping_path)
        if extracted_on and mapping_path is not None:
            stated_by = stored(BASIS_MAPPING, file=Path(mapping_path).name)
    say(_("reading and validating {folder}").format(folder=source_dir))
    result = read_and_validate(Path(source_dir), mappings, policy, extracted_on=extracted_on,
                               extracted_by=stated_by)
    if not result.ok:
        return LoadOutcome(None, result.issues, result.notes, result.note_counts,
                           seconds=time.perf_counter() - started)
    assert result.extracted_on is not None
    row_counts = {name: frame.height for name, frame in result.tables.items()}
    summary = summarize(result.tables, result.extracted_on, result.extraction_basis, result.note_counts)
    tables, result.tables = result.tables, {}  # build_warehouse frees each frame once written
    path = build_warehouse(tables, policy, folder, result.sources, str(source_dir), say,
                           extracted_on=result.extracted_on, extraction_basis=result.extraction_basis,
                           notes=result.notes, note_counts=result.note_counts)
    return LoadOutcome(path, notes=result.notes, note_counts=result.note_counts, row_counts=row_counts, summary=summary,
                       seconds=time.perf_counter() - started)
