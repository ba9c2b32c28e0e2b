"""A company's bare ERP export — customers (id and name) and invoices (number, customer, date,
amount, the date each was paid) and nothing else: no ratings, limits, payments, statements or
events. The rating models grade every customer from its own invoices, so every page works
with real grades: migration has a matrix, the PDs and expected loss are not one flat grade,
the watchlist's grade rules can fire."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from analytics.data.warehouse import current_path
from tests.app.conftest import APP, assert_clean


@pytest.fixture(scope="session")
def bare_export_warehouse(scored_source: Path, warehouse_of, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bare_export")
    with (scored_source / "customers.csv").open(newline="", encoding="utf-8") as fh, \
            (out / "customers.csv").open("w", newline="", encoding="utf-8") as dst:
        writer = csv.writer(dst)
        writer.writerow(["customer_id", "name"])
        for row in csv.DictReader(fh):
            writer.writerow([row["customer_id"], row["name"]])
    with (scored_source / "invoices.csv").open(newline="", encoding="utf-8") as fh, \
            (out / "invoices.csv").open("w", newline="", encoding="utf-8") as dst:
        writer = csv.writer(dst)
        writer.writerow(["invoice_id", "customer_id", "invoice_date", "amount", "paid_date"])
        for row in csv.DictReader(fh):
            # an invoice list: no credit notes, no instalment plans
            if float(row["amount"]) > 0 and not row.get("instalment_no") and row.get("doc_type", "invoice") == "invoice":
                writer.writerow([row["invoice_id"], row["customer_id"], row["invoice_date"], row["amount"],
                                 row["paid_date"]])
    return warehouse_of(out)


def facts(folder: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(current_path(folder)), read_only=True)
    try:  # test-only introspection
        return con.sql(sql).fetchall()
    finally:
        con.close()


def test_a_bare_export_is_graded_from_its_own_invoices(bare_export_warehouse: Path):
    wh = bare_export_warehouse
    assert facts(wh, "select count(*) from imported_ratings") == [(0,)]
    # every customer trading at the extraction date has a model grade, and the grades spread
    grades = dict(facts(wh, "select coalesce(grade, 'unrated'), count(*) from customer_snapshot "
                            "where snapshot_date = (select max(snapshot_date) from snapshot_dates "
                            "where snapshot_date <= (select value::date from warehouse_info "
                            "where key = 'extracted_on')) and gross_exposure_amt > 0 group by 1"))
    assert grades.get("unrated", 0) == 0 and len(grades) >= 4, grades
    assert set(r[0] for r in facts(wh, "select distinct source from ratings")) == {"model"}
    # the trained models learn from the invoices alone: payment timing
    status = dict(facts(wh, "select model, status from model_runs"))
    assert status["expert"] == "scored" and status["statistical"] == "trained", status


@pytest.mark.parametrize("path", ["pages/portfolio.py", "pages/whatif.py", "pages/limits.py", "pages/aging.py",
                                  "pages/kpis.py", "pages/provisions.py", "pages/collections.py",
                                  "pages/watchlist.py", "pages/migration.py", "pages/reviews.py", "pages/scoring.py"])
def test_every_page_runs_on_the_bare_export_with_model_grades(bare_export_warehouse: Path, monkeypatch, path):
    monkeypatch.setenv("CREDIT_WAREHOUSE", str(bare_export_warehouse))
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page(path).run()
    assert_clean(at)
    text = " ".join(str(getattr(e, "value", "")) for e in [*at.info, *at.warning])
    assert "No ratings were loaded" not in text
    if path == "pages/migration.py":
        # a cohort matrix of model grades: its grade rows are the scale's
        assert at.get("plotly_chart"), "no migration chart"
    if path == "pages/portfolio.py":
        grades = next(d.value for d in at.dataframe if "grade" in d.value.columns)
        assert grades["grade"].nunique() >= 4  # not one flat "unrated" grade
