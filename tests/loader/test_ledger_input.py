"""The loader on ledger situations, each kind beyond the shared cases: what is legal loads with
a note (advances, overpayments, post-dated documents, orders closed without a date, paid_date
not used), what is inconsistent is refused with file, row, column and value and changes
nothing (instalment keys, credit notes naming a wrong invoice, payments naming an unknown
instalment, contradictory orders, a document before its currency's first rate, a typo year,
an impossible extraction date)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from analytics.data.ingest import suspect_count
from analytics.data.loader import load
from analytics.data.mapping import MappingError
from analytics.data.warehouse import POINTER, Warehouse

CUSTOMERS = "customer_id,name,parent_id\nC1,One,\nC2,Two,\nC3,Three,C1\n"


def source(tmp_path: Path, **files: str) -> Path:
    """A source folder with customers (C1, C2, C3 a member of C1's group) and the given CSVs."""
    src = tmp_path / "src"
    src.mkdir(parents=True)
    (src / "customers.csv").write_text(files.pop("customers", CUSTOMERS), encoding="utf-8")
    for name, text in files.items():
        (src / f"{name}.csv").write_text(text, encoding="utf-8")
    return src


def refused(tmp_path, policy, rule: str, fragment: str, *, row: int | None = None, column: str | None = None,
            extracted_on: date | None = None, mapping: Path | None = None, **files: str) -> None:
    folder = tmp_path / "wh"
    outcome = load(source(tmp_path, **files), policy, folder, mapping, extracted_on=extracted_on)
    assert not outcome.ok
    hits = [i for i in outcome.issues if i.rule == rule]
    assert hits, [(i.rule, i.message) for i in outcome.issues]
    assert any(fragment in i.message for i in hits), [i.message for i in hits]
    if row is not None:
        assert any(i.row == row for i in hits), [i.row for i in hits]
    if column is not None:
        assert any(i.column == column for i in hits), [i.column for i in hits]
    assert not (folder / POINTER).exists(), "nothing may be written"


def loaded(tmp_path, policy, *, extracted_on: date | None = None, mapping: Path | None = None, **files: str):
    outcome = load(source(tmp_path, **files), policy, tmp_path / "wh", mapping, extracted_on=extracted_on)
    assert outcome.ok, [(i.rule, i.row, i.message) for i in outcome.issues]
    return outcome


INV = "invoice_id,customer_id,invoice_date,due_date,amount\n"


# ----------------------------------------------------------------------------- instalments

def test_a_plan_is_keyed_by_invoice_and_instalment(tmp_path, policy):
    out = loaded(tmp_path, policy, invoices="invoice_id,customer_id,invoice_date,due_date,amount,instalment_no\n"
                 "P1,C1,2024-01-01,2024-02-01,100,1\nP1,C1,2024-01-01,2024-03-01,100,2\n")
    assert out.row_counts["invoices"] == 2


@pytest.mark.parametrize(("rows", "rule", "fragment", "column"), [
    ("P1,C1,2024-01-01,2024-02-01,100,1\nP1,C1,2024-01-01,2024-03-01,100,1\n", "duplicate key",
     "invoice_id, instalment_no must be unique", "instalment_no"),
    ("P1,C1,2024-01-01,2024-02-01,100,1\nP1,C1,2024-01-01,2024-03-01,100,\n", "duplicate key",
     "every one carries a distinct instalment_no", "invoice_id"),
    ("P1,C1,2024-01-01,2024-02-01,100,\nP1,C1,2024-01-01,2024-03-01,100,\n", "duplicate key",
     "invoice_id must be unique", "invoice_id"),
    ("P1,C1,2024-01-01,2024-02-01,100,1\nP1,C2,2024-01-01,2024-03-01,100,2\n", "instalments disagree",
     "share customer, currency and doc_type", "invoice_id"),
])
def test_instalment_keys_that_do_not_hold_are_refused(tmp_path, policy, rows, rule, fragment, column):
    refused(tmp_path, policy, rule, fragment, column=column, row=3,
            invoices="invoice_id,customer_id,invoice_date,due_date,amount,instalment_no\n" + rows)


def test_a_payment_naming_an_unknown_instalment_is_refused(tmp_path, policy):
    refused(tmp_path, policy, "unknown instalment", "no instalment with this instalment_no", row=2,
            invoices="invoice_id,customer_id,invoice_date,due_date,amount,instalment_no\n"
                     "P1,C1,2024-01-01,2024-02-01,100,1\nP1,C1,2024-01-01,2024-03-01,100,2\n",
            payments="payment_id,customer_id,invoice_id,payment_date,amount,instalment_no\nX1,C1,P1,2024-02-01,50,3\n")


def test_an_instalment_without_its_invoice_is_refused(tmp_path, policy):
    refused(tmp_path, policy, "instalment without invoice", "invoice_id, which is empty", row=2,
            invoices=INV + "I1,C1,2024-01-01,2024-02-01,100\n",
            payments="payment_id,customer_id,invoice_id,payment_date,amount,instalment_no\nX1,C1,,2024-02-01,50,1\n")


# ----------------------------------------------------------------------------- credit notes

CN = "invoice_id,customer_id,invoice_date,due_date,amount,doc_type,applies_to\n"


@pytest.mark.parametrize(("rows", "rule", "fragment"), [
    ("I1,C1,2024-01-01,2024-02-01,100,invoice,\nN1,C1,2024-01-05,,-10,credit_note,I9\n", "unknown invoice",
     "not the invoice_id of an invoice"),
    ("I1,C1,2024-01-01,2024-02-01,100,invoice,\nN1,C2,2024-01-05,,-10,credit_note,I1\n",
     "credit note customer mismatch", "an invoice of its own customer"),
    ("I1,C1,2024-01-01,2024-02-01,100,invoice,\nI2,C1,2024-01-05,2024-02-05,10,invoice,I1\n",
     "applies_to on an invoice", "leave it empty on invoices"),
    ("I1,C1,2024-01-01,2024-02-01,100,invoice,\nN1,C1,2024-01-05,,-10,credit_note,N2\n"
     "N2,C1,2024-01-05,,-10,credit_note,\n", "unknown invoice", "not the invoice_id of an invoice"),
])
def test_a_credit_note_naming_the_wrong_invoice_is_refused(tmp_path, policy, rows, rule, fragment):
    refused(tmp_path, policy, rule, fragment, row=3, column="applies_to", invoices=CN + rows)


def test_a_credit_note_in_another_currency_than_its_invoice_is_refused(tmp_path, policy):
    refused(tmp_path, policy, "credit note currency mismatch", "in its own currency", row=3,
            invoices="invoice_id,customer_id,invoice_date,due_date,amount,doc_type,applies_to,currency\n"
                     "I1,C1,2024-01-01,2024-02-01,100,invoice,,CNY\nN1,C1,2024-01-05,,-10,credit_note,I1,USD\n",
            fx_rates="currency,rate_date,rate_to_reporting\nUSD,2023-12-01,7.0\n")


def test_payments_and_credit_notes_beyond_an_invoice_are_an_overpayment_note(tmp_path, policy):
    out = loaded(tmp_path, policy, invoices=CN + "I1,C1,2024-01-01,2024-02-01,100,invoice,\n"
                 "N1,C1,2024-01-05,,-30,credit_note,I1\n",
                 payments="payment_id,customer_id,invoice_id,payment_date,amount\nX1,C1,I1,2024-01-20,100\n")
    assert [(n.rule, n.row, n.value) for n in out.notes] == [("overpayment", 2, "30.0")]


def test_a_paid_date_that_payments_override_is_noted(tmp_path, policy):
    out = loaded(tmp_path, policy, invoices="invoice_id,customer_id,invoice_date,due_date,amount,paid_date\n"
                 "I1,C1,2024-01-01,2024-02-01,100,2024-01-10\n",
                 payments="payment_id,customer_id,invoice_id,payment_date,amount\nX1,C1,I1,2024-01-20,100\n")
    assert [(n.rule, n.row, n.column) for n in out.notes] == [("paid_date not used", 2, "paid_date")]


# ----------------------------------------------------------------------------- orders and limits

ORD = "order_id,customer_id,order_date,amount,status,invoiced_on,cancelled_on\n"


@pytest.mark.parametrize(("row", "rule", "column"), [
    ("O1,C1,2024-01-05,50,open,2024-01-10,2024-01-11", "invoiced and cancelled", "cancelled_on"),
    ("O1,C1,2024-01-05,50,invoiced,,2024-01-11", "status contradicts date", "status"),
    ("O1,C1,2024-01-05,50,cancelled,2024-01-11,", "status contradicts date", "status"),
    ("O1,C1,2024-01-05,50,cancelled,,2024-01-01", "end before start", "cancelled_on"),
])
def test_contradictory_orders_are_refused(tmp_path, policy, row, rule, column):
    refused(tmp_path, policy, rule, "", row=2, column=column, invoices=INV + "I1,C1,2024-01-01,2024-02-01,100\n",
            orders=ORD + row + "\n")


def test_an_undated_closing_is_noted_and_closes_at_the_extraction_date(tmp_path, policy):
    out = loaded(tmp_path, policy, invoices=INV + "I1,C1,2024-01-01,2024-02-01,100\n",
                 orders=ORD + "O1,C1,2024-01-05,50,cancelled,,\nO2,C1,2024-03-20,70,open,,\n")
    assert [(n.rule, n.row) for n in out.notes] == [("closed without a date", 2)]
    assert out.summary["extracted_on"] == "2024-03-20"  # the open order, dated after the last invoice, counts


def test_an_unknown_limit_scope_is_refused(tmp_path, policy):
    refused(tmp_path, policy, "unknown value", "limit_scope must be one of: group, entity", column="limit_scope",
            invoices=INV + "I1,C1,2024-01-01,2024-02-01,100\n",
            credit_limits="customer_id,effective_from,limit_amt,limit_scope\nC1,2024-01-01,500,family\n")


# ----------------------------------------------------------------------------- fx

FX_INV = "invoice_id,customer_id,invoice_date,due_date,amount,currency\nI1,C1,2024-01-10,2024-02-10,100,USD\n"


def test_a_document_before_its_currencys_first_rate_is_refused(tmp_path, policy):
    refused(tmp_path, policy, "no fx rate on or before the date", "the first USD rate is of 2024-01-31", row=2,
            column="invoice_date", invoices=FX_INV, fx_rates="currency,rate_date,rate_to_reporting\nUSD,2024-01-31,7.0\n")


def test_the_policy_may_take_the_earliest_rate_with_a_note(tmp_path, policy):
    out = loaded(tmp_path, replace(policy, fx_missing_rate="earliest"), invoices=FX_INV,
                 fx_rates="currency,rate_date,rate_to_reporting\nUSD,2024-01-31,7.0\n")
    assert [(n.rule, n.row) for n in out.notes] == [("earliest fx rate used", 2)]
    wh = Warehouse(tmp_path / "wh")
    try:  # on demand at 01-20: before the first rate, converted at the earliest (7.0)
        at = wh.at(date(2024, 1, 20))
        assert at.query("customer_snapshot_one", customer_id="C1", as_of=date(2024, 1, 20))["open_ar_amt"][0] == 700.0
        assert wh.info()["fx_missing_rate"] == "earliest"
    finally:
        wh.close()


# ----------------------------------------------------------------------------- dates

def test_suspects_are_a_few_documents_far_beyond_the_rest():
    d = date.fromisoformat
    bulk = [d("2024-05-20"), d("2024-05-10"), d("2024-04-01")]
    assert suspect_count([d("2034-05-28"), *bulk], 180, 10) == 1
    assert suspect_count([d("2034-05-28"), d("2030-01-01"), *bulk, d("2024-03-01")], 180, 10) == 2
    assert suspect_count([d("2024-07-01"), *bulk], 180, 10) == 0  # 42 days: no gap
    assert suspect_count([d("2025-01-01"), d("2024-01-01")], 180, 10) == 0  # which one is the bulk?
    many = [d("2030-01-01")] * 3 + bulk
    assert suspect_count(many, 180, 2) == 0  # more than the policy's few


def test_a_typo_year_is_refused_with_its_row(tmp_path, policy):
    refused(tmp_path, policy, "date far beyond the data", "far beyond the other documents", row=5,
            column="invoice_date", invoices=INV + "I1,C1,2024-05-10,2024-05-10,1000\nI2,C1,2024-05-20,2024-07-19,2000\n"
            "I4,C2,2024-04-01,,8000\nI5,C2,2034-05-28,2034-06-27,500\n")


def test_a_post_dated_payment_is_a_note_and_counts_at_no_date(tmp_path, policy):
    out = loaded(tmp_path, policy, extracted_on=date(2024, 3, 15),
                 invoices=INV + "I1,C1,2024-03-05,2024-03-31,1000\n",
                 payments="payment_id,customer_id,invoice_id,payment_date,amount\nX1,C1,I1,2024-05-10,1000\n")
    assert [(n.rule, n.row, n.value) for n in out.notes] == [("dated after the extraction date", 2, "2024-05-10")]
    wh = Warehouse(tmp_path / "wh")
    try:  # the month-end after the extraction date shows the ledger as taken: I1 still open
        assert wh.query("customer_snapshot_one", customer_id="C1", as_of=date(2024, 3, 31))["open_ar_amt"][0] == 1000.0
    finally:
        wh.close()


def test_a_stated_extraction_date_is_checked(tmp_path, policy):
    refused(tmp_path, policy, "extraction date in the future", "after today", extracted_on=date(2999, 1, 1),
            invoices=INV + "I1,C1,2024-03-05,2024-03-31,1000\n")
    refused(tmp_path / "b", policy, "extraction date before the data", "before the first document",
            extracted_on=date(2020, 1, 1), invoices=INV + "I1,C1,2024-03-05,2024-03-31,1000\n")


def test_the_mapping_can_state_the_extraction_date(tmp_path, policy):
    mapping = tmp_path / "m.toml"
    mapping.write_text('[export]\nextracted_on = "2024-03-20"\n', encoding="utf-8")
    out = loaded(tmp_path, policy, mapping=mapping, invoices=INV + "I1,C1,2024-03-05,2024-03-31,1000\n")
    assert out.summary["extracted_on"] == "2024-03-20"
    assert out.summary["extraction_basis"] == "stated ([export] extracted_on in m.toml)"
    bad = tmp_path / "bad.toml"
    bad.write_text('[export]\nextracted_on = "soon"\n', encoding="utf-8")
    with pytest.raises(MappingError, match="extracted_on 'soon' is not a date"):
        load(source(tmp_path / "c", invoices=INV + "I1,C1,2024-03-05,2024-03-31,1000\n"), policy, tmp_path / "w2", bad)
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('[export]\ntaken = "2024-03-20"\n', encoding="utf-8")
    with pytest.raises(MappingError, match="unknown keys: taken"):
        load(source(tmp_path / "d", invoices=INV + "I1,C1,2024-03-05,2024-03-31,1000\n"), policy, tmp_path / "w3",
             unknown)
