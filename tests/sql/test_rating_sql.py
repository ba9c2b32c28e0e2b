"""The rating models in the warehouse, on the tiny fixture changed by hand: the default
definition (sql/marts/14b_customer_defaults.sql), the observation points and their outcome
(sql/queries/model_observations.sql), the financial characteristics with the statement lag,
and the model grades written as ratings under either ruling (sql/rating/)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from analytics.data.loader import load
from analytics.data.warehouse import current_path
from analytics.policy import DEFAULT_POLICY_PATH, parse_policy


def sql(folder: Path, text: str) -> list[tuple]:
    con = duckdb.connect(str(current_path(folder)), read_only=True)
    try:  # test-only introspection of the marts
        return con.sql(text).fetchall()
    finally:
        con.close()


def append(path: Path, rows: list[dict[str, str]]) -> None:
    exists = path.exists()
    fields = list(rows[0])
    if exists:
        with path.open(newline="", encoding="utf-8") as fh:
            fields = next(csv.reader(fh))
    with path.open("a", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        if not exists:
            writer.writeheader()
        writer.writerows(rows)


def test_an_insolvency_filing_is_a_default_and_the_model_rates_it(tiny_copy: Path, policy, tmp_path: Path):
    append(tiny_copy / "events.csv", [{"event_id": "E1", "customer_id": "C2", "event_date": "2024-03-10",
                                       "event_type": "insolvency_filing", "severity": "high", "description": ""}])
    assert load(tiny_copy, policy, tmp_path / "wh").ok
    wh = tmp_path / "wh"
    assert sql(wh, "select * from customer_defaults") == [("C2", date(2024, 3, 10), "insolvency")]
    con = duckdb.connect(str(current_path(wh)), read_only=True)
    try:
        from analytics.data.warehouse import query

        frame = query(con, "model_observations", horizon_months=12, extracted_on=date(2024, 4, 20))
    finally:
        con.close()
    c2 = frame.filter(pl.col("customer_id") == "C2").select("snapshot_date", "is_default_within_horizon",
                                                            "is_observed").rows()
    # C2 is observed at January and February (the default follows within 12 months), not from
    # March on (in default); no horizon has ended by the extraction date of 04-20
    assert c2 == [(date(2024, 1, 31), True, False), (date(2024, 2, 29), True, False)]
    assert not frame.filter(pl.col("customer_id") == "C1")["is_default_within_horizon"].any()
    # C2 has no imported rating: the model's grade (the application scorecard's B: it is new),
    # then D on the default date
    assert sql(wh, "select rated_on, grade, source from ratings where customer_id = 'C2' order by 1") == [
        (date(2024, 1, 31), "B", "model"), (date(2024, 3, 10), "D", "model")]
    assert sql(wh, "select grade from customer_snapshot where customer_id = 'C2' and snapshot_date = '2024-03-31'") \
        == [("D",)]
    # a default is observed, never scored: no model score for C2 at 03-31
    assert sql(wh, "select count(*) from model_scores where customer_id = 'C2' and snapshot_date = '2024-03-31'") \
        == [(0,)]


def test_ninety_days_on_a_material_amount_is_a_default_a_disputed_item_is_not(tiny_copy: Path, policy,
                                                                             tmp_path: Path):
    # I9: 5,000 due 2023-12-31 and never paid: 91 days past due at 03-31 (more than 90);
    # I10: 9,000 due the same day but disputed; I11 (C3): 400, below the material 500
    append(tiny_copy / "invoices.csv", [
        {"invoice_id": "I9", "customer_id": "C1", "invoice_date": "2023-12-01", "due_date": "2023-12-31",
         "amount": "5000", "currency": "CNY", "doc_type": "invoice", "paid_date": "", "is_disputed": "false"},
        {"invoice_id": "I10", "customer_id": "C2", "invoice_date": "2023-12-01", "due_date": "2023-12-31",
         "amount": "9000", "currency": "CNY", "doc_type": "invoice", "paid_date": "", "is_disputed": "true"},
        {"invoice_id": "I11", "customer_id": "C3", "invoice_date": "2023-12-01", "due_date": "2023-12-31",
         "amount": "400", "currency": "CNY", "doc_type": "invoice", "paid_date": "", "is_disputed": "false"}])
    assert load(tiny_copy, policy, tmp_path / "wh").ok
    # C1 first shows more than 90 days at the 03-31 snapshot (31 at 01-31, 60 at 02-29)
    assert sql(tmp_path / "wh", "select * from customer_defaults order by 1") == [
        ("C1", date(2024, 3, 31), "days_past_due")]


def test_a_material_write_off_is_a_default_at_its_month_end(tiny_copy: Path, policy, tmp_path: Path):
    append(tiny_copy / "invoices.csv", [
        {"invoice_id": "I12", "customer_id": "C2", "invoice_date": "2024-01-05", "due_date": "2024-02-04",
         "amount": "1000", "currency": "CNY", "doc_type": "invoice", "paid_date": "", "is_disputed": "false"}])
    append(tiny_copy / "payments.csv", [
        {"payment_id": "P9", "customer_id": "C2", "invoice_id": "I12", "payment_date": "2024-02-10",
         "amount": "1000", "currency": "CNY", "method": "write_off"}])
    assert load(tiny_copy, policy, tmp_path / "wh").ok
    assert sql(tmp_path / "wh", "select * from customer_defaults order by 1") == [
        ("C2", date(2024, 2, 29), "write_off")]


def test_financial_characteristics_wait_for_the_statement(tiny_copy: Path, policy, tmp_path: Path):
    append(tiny_copy / "financials.csv", [{
        "customer_id": "C1", "period_end": "2023-12-31", "revenue": "10000", "ebit": "800", "interest_expense": "200",
        "net_income": "450", "total_assets": "8000", "current_assets": "5000", "cash": "1000", "inventory": "1500",
        "intangible_assets": "300", "total_liabilities": "5000", "current_liabilities": "2500", "equity": "3000",
        "retained_earnings": "1200", "operating_cash_flow": "600"}])
    assert load(tiny_copy, policy, tmp_path / "wh").ok
    rows = sql(tmp_path / "wh", "select snapshot_date, current_ratio, quick_ratio, debt_to_assets_pct, interest_cover, "
                                "ebit_margin_pct, roa_pct, ocf_to_liabilities_pct, tangible_net_worth_amt, "
                                "working_capital_amt, altman_z2, statement_age_months from customer_characteristics "
                                "where customer_id = 'C1' order by 1")
    # the 2023 accounts count from 120 days after their period end (2024-04-29): not at 03-31
    assert [r[0] for r in rows] == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]
    assert all(v is None for r in rows[:3] for v in r[1:])
    apr = rows[3]
    z2 = 6.56 * (5000 - 2500) / 8000 + 3.26 * 1200 / 8000 + 6.72 * 800 / 8000 + 1.05 * 3000 / 5000
    assert apr[1:] == pytest.approx((2.0, 1.4, 62.5, 4.0, 8.0, 5.625, 12.0, 2700.0, 2500.0, z2, 4))


def test_the_model_rules_everyone_when_the_policy_says_so(tiny_warehouse: Path, tmp_path: Path):
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace('ruling = "imported"', 'ruling = "model"')
    policy = parse_policy(text, tmp_path / "policy.toml")
    from tests.conftest import TINY

    assert load(TINY, policy, tmp_path / "wh").ok
    wh = tmp_path / "wh"
    assert set(r[0] for r in sql(wh, "select distinct source from ratings")) == {"model"}
    # the imported ratings stay beside, as loaded
    assert sql(wh, "select customer_id, rated_on, grade, source from imported_ratings order by 1, 2") == [
        ("C1", date(2024, 1, 1), "BBB", "internal"), ("C3", date(2024, 3, 1), "B", "agency"),
        ("C3", date(2024, 4, 1), "CCC", "internal")]
    # C1's grade in force at 03-31 is the model's: the application scorecard's 471 -> B, rated
    # at 01-31 and unchanged since (the imported BBB of 01-01 is its external grade)
    assert sql(wh, "select grade, rated_on from customer_snapshot where customer_id = 'C1' "
                   "and snapshot_date = '2024-03-31'") == [("B", date(2024, 1, 31))]
    # C3's imported CCC is not a default: C3 is scored by the model
    assert sql(tiny_warehouse, "select count(*) from customer_defaults") == [(0,)]


def test_observed_pds_reach_the_ratings_and_expected_loss(scored_source: Path, tmp_path: Path):
    from analytics.data.warehouse import Warehouse
    from analytics.risk.exposure import enrich
    from analytics.views import Filters, calendar

    text = (DEFAULT_POLICY_PATH.read_text(encoding="utf-8").replace('ruling = "imported"', 'ruling = "model"')
            .replace('pd_source = "policy"', 'pd_source = "observed"'))
    policy = parse_policy(text, tmp_path / "policy.toml")
    assert load(scored_source, policy, tmp_path / "wh").ok
    wh = tmp_path / "wh"
    scale = dict(sql(wh, "select grade, calibrated_pd_frac from model_master_scale where model = 'expert'"))
    pds = [p for _, p in sorted(scale.items(), key=lambda kv: policy.scale.index(kv[0]))]
    assert pds == sorted(pds) and min(pds) >= 0.0003  # rising grade by grade, floored at 0.03 %
    # every model rating but a default carries its grade's calibrated PD
    rows = sql(wh, "select grade, pd from ratings where source = 'model'")
    assert rows and all((p is None) if g == "D" else p == pytest.approx(scale[g]) for g, p in rows)
    # and the exposure page's PD (hence expected loss: the same enrich) reads it
    handle = Warehouse(wh)
    try:
        rows = handle.query("exposure_customers", as_of=calendar(handle).extracted_on, **Filters().params())
        graded = enrich(rows, policy).filter(pl.col("grade").is_in(list(scale)))
        assert graded.height > 0
        assert all(p == pytest.approx(scale[g] * 100) for g, p in graded.select("grade", "pd_pct").iter_rows())
    finally:
        handle.close()
