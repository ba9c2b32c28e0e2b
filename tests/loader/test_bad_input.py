"""One test per kind of bad input: the loader names the problem and changes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analytics.data.ingest import format_report
from analytics.data.loader import load
from analytics.data.mapping import MappingError
from analytics.policy import Policy
from analytics.data.warehouse import POINTER, current_path
from tests.conftest import ROOT, TINY


@pytest.fixture()
def serving(tmp_path: Path, policy: Policy) -> Path:
    """A warehouse folder already serving the tiny fixture."""
    folder = tmp_path / "wh"
    assert load(TINY, policy, folder).ok
    return folder


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of the warehouse folder and its content hash: a refusal leaves it byte-identical."""
    import hashlib
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.iterdir())}


def edit(src: Path, name: str, old: str, new: str) -> None:
    path = src / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_rejected(src: Path, folder: Path, policy: Policy, rule: str, fragment: str, *,
                    column: str | None = None, row: int | None = None, mapping: Path | None = None) -> list:
    before = snapshot(folder)
    outcome = load(src, policy, folder, mapping)
    assert not outcome.ok
    hits = [i for i in outcome.issues if i.rule == rule]
    assert hits, f"no {rule!r} issue in: {[(i.rule, i.message) for i in outcome.issues]}"
    assert any(fragment in i.message for i in hits), [i.message for i in hits]
    if column is not None:
        assert any(i.column == column for i in hits), [i.column for i in hits]
    if row is not None:
        assert any(i.row == row for i in hits), [i.row for i in hits]
    assert snapshot(folder) == before, "the warehouse folder changed"
    report = format_report(outcome.issues)
    assert "nothing was loaded" in report and rule in report
    return outcome.issues


# one edit of the tiny fixture each: (file, text, replaced by, rule, message fragment, column, row)
BAD_INPUT = [
    pytest.param("invoices.csv", "invoice_id,customer_id", "doc_no,customer_id", "required column missing", "'invoice_id' is missing", "invoice_id", None, id='missing_required_column'),
    pytest.param("invoices.csv", "2024-03-16,500,", "2024-03-16,five hundred,", "wrong type", "amount must be a number", "amount", 3, id='amount_not_a_number'),
    pytest.param("invoices.csv", "I4,C3,2024-03-05", "I4,C3,2024-02-30", "wrong type", "invoice_date must be a date", None, 5, id='bad_date'),
    pytest.param("invoices.csv", "I4,C3,2024-03-05,2024-04-04", "I4,C3,1900-03-05,2024-04-04", "date out of range", "invoice_date must be between", "invoice_date", None, id='date_out_of_range'),
    pytest.param("invoices.csv", "I4,C3,2024-03-05,2024-04-04", "I4,C3,2024-03-05,2024-03-01", "due before invoice date", "due_date must be on or after", None, 5, id='due_before_invoice_date'),
    pytest.param("invoices.csv", "I4,C3", "I1,C3", "duplicate key", "invoice_id must be unique", None, None, id='duplicate_invoice_id'),
    pytest.param("ratings.csv", "C3,2024-04-01,CCC", "C3,2024-03-01,CCC", "duplicate key", "customer_id, rated_on must be unique", None, None, id='duplicate_composite_key'),
    pytest.param("invoices.csv", "I4,C3", "I4,C9", "unknown customer", "not in the customers table", "customer_id", 5, id='unknown_customer'),
    pytest.param("customers.csv", "C2,Beta Co,C1", "C2,Beta Co,C7", "unknown parent", "parent_id must be", None, 3, id='unknown_parent'),
    pytest.param("payments.csv", "P3,C1,I2", "P3,C1,I99", "unknown invoice", "in the invoices table", None, 4, id='payment_for_unknown_invoice'),
    pytest.param("payments.csv", "P3,C1,I2", "P3,C3,I2", "payment customer mismatch", "differs from the customer", None, 4, id='payment_customer_mismatch'),
    pytest.param("payments.csv", "P2,C1,I2,2024-03-20,200,CNY", "P2,C1,I2,2024-03-20,200,USD", "payment currency mismatch", "currency of its invoice", None, 3, id='payment_in_another_currency_than_its_invoice'),
    pytest.param("invoices.csv", "2024-03-16,500,", "2024-03-16,-500,", "negative invoice amount", "credit_note", None, 3, id='negative_invoice_amount'),
    pytest.param("invoices.csv", "2000,,invoice", "2000,,bill", "unknown value", "doc_type must be one of", "doc_type", None, id='unknown_doc_type'),
    pytest.param("customers.csv", "C3,Gamma Co,", "C3,,", "required value missing", "name is required", "name", None, id='empty_required_value'),
    pytest.param("invoices.csv", "2000,,invoice,,true", "2000,,invoice,,perhaps", "wrong type", "is_disputed must be true/false", None, 5, id='bool_not_recognised'),
    pytest.param("invoices.csv", "100,USD", "100,EUR", "currency without fx rate", "no fx_rates to CNY", None, 4, id='currency_without_fx_rate'),
    pytest.param("ratings.csv", "C1,2024-01-01,BBB", "C1,2024-01-01,Excellent", "unknown grade", "policy scale", None, 2, id='unknown_grade'),
    pytest.param("credit_limits.csv", "C1,2024-01-01,1000", "C1,2024-01-01,-1000", "negative amount", "limit_amt must not be negative", None, None, id='negative_limit'),
    pytest.param("collateral.csv", "2024-01-01,2024-12-31", "2024-01-01,2023-12-31", "end before start", "valid_to must be on or after valid_from", None, None, id='collateral_ends_before_it_starts'),
    pytest.param("fx_rates.csv", "USD,2024-03-31,7.2", "USD,2024-03-31,0", "non-positive rate", "greater than zero", None, None, id='non_positive_fx_rate'),
]


@pytest.mark.parametrize("file, old, new, rule, fragment, column, row", BAD_INPUT)
def test_bad_input_is_refused(tiny_copy, serving, policy, file, old, new, rule, fragment, column, row):
    edit(tiny_copy, file, old, new)
    assert_rejected(tiny_copy, serving, policy, rule, fragment, column=column, row=row)


def test_missing_required_file(tiny_copy, serving, policy):
    (tiny_copy / "invoices.csv").unlink()
    assert_rejected(tiny_copy, serving, policy, "file missing", "required table invoices")


def test_overpayment_loads_and_is_noted(tiny_copy, tmp_path, policy):
    """Paying 90 more than I2's balance is legal: the surplus is a credit on C1's account."""
    edit(tiny_copy, "payments.csv", "P3,C1,I2,2024-04-10,300", "P3,C1,I2,2024-04-10,390")
    outcome = load(tiny_copy, policy, tmp_path / "wh")
    assert outcome.ok
    notes = [n for n in outcome.notes if n.rule == "overpayment"]
    assert [(n.file, n.row, n.column, n.value) for n in notes] == [("payments.csv", 4, "amount", "90.0")]


def test_payment_before_invoice_is_an_advance(tiny_copy, tmp_path, policy):
    edit(tiny_copy, "payments.csv", "P2,C1,I2,2024-03-20", "P2,C1,I2,2024-02-01")
    outcome = load(tiny_copy, policy, tmp_path / "wh")
    assert outcome.ok
    assert [(n.rule, n.row, n.value) for n in outcome.notes if n.table == "payments"] == [
        ("advance payment", 3, "2024-02-01")]


def test_unreadable_xlsx(tiny_copy, serving, policy):
    (tiny_copy / "orders.csv").unlink()
    (tiny_copy / "orders.xlsx").write_bytes(b"this is not a spreadsheet")
    assert_rejected(tiny_copy, serving, policy, "unreadable file", "cannot read orders.xlsx")


def test_ragged_csv(tiny_copy, serving, policy):
    (tiny_copy / "orders.csv").write_text("order_id,customer_id,order_date,amount\nO1,C3,2024-03-25,400,extra,more\n")
    assert_rejected(tiny_copy, serving, policy, "ragged row", "row 2 has 6 fields, the header 4", row=2)


def test_empty_invoices(tiny_copy, serving, policy):
    (tiny_copy / "invoices.csv").write_text("invoice_id,customer_id,invoice_date,amount\n")
    assert_rejected(tiny_copy, serving, policy, "no rows", "no data rows")


def test_mapping_names_missing_source_column(tiny_copy, serving, policy, tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text('[invoices.columns]\ninvoice_id = "Belegnummer"\n', encoding="utf-8")
    assert_rejected(tiny_copy, serving, policy, "mapped column missing", "'Belegnummer'", mapping=mapping)


def test_malformed_mapping_changes_nothing(tiny_copy, serving, policy, tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text("[invoices\nfile = 'x.csv'\n", encoding="utf-8")
    before = snapshot(serving)
    with pytest.raises(MappingError, match="not valid TOML"):
        load(tiny_copy, policy, serving, mapping)
    assert snapshot(serving) == before


def test_mapping_unknown_table(tiny_copy, serving, policy, tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text("[receivables]\nfile = 'x.csv'\n", encoding="utf-8")
    with pytest.raises(MappingError, match="not a contract table"):
        load(tiny_copy, policy, serving, mapping)


def test_many_errors_are_all_collected(tiny_copy, serving, policy):
    edit(tiny_copy, "invoices.csv", "I4,C3", "I4,C9")
    edit(tiny_copy, "payments.csv", "P3,C1,I2", "P3,C1,I99")
    edit(tiny_copy, "credit_limits.csv", "C1,2024-01-01,1000", "C1,2024-01-01,-1000")
    outcome = load(tiny_copy, policy, serving)
    rules = {i.rule for i in outcome.issues}
    assert {"unknown customer", "unknown invoice", "negative amount"} <= rules


def test_cli_exit_code_and_report(tiny_copy, serving):
    edit(tiny_copy, "invoices.csv", "I4,C3", "I4,C9")
    before = snapshot(serving)
    proc = subprocess.run([sys.executable, "-m", "analytics", "load", str(tiny_copy), "--warehouse", str(serving)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "invoices.csv: unknown customer (1 row)" in proc.stderr
    assert "row 5, column customer_id, value 'C9'" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert snapshot(serving) == before


def test_failed_load_keeps_serving_the_previous_version(tiny_copy, serving, policy):
    served = current_path(serving)
    edit(tiny_copy, "invoices.csv", "I4,C3", "I4,C9")
    assert not load(tiny_copy, policy, serving).ok
    assert current_path(serving) == served
