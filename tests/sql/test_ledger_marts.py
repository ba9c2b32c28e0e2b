"""The open-item ledger in the marts, kind by kind, on small hand-made ledgers with answers
computed by hand: credit notes naming their invoice (partly, wholly, beyond it), credits on
account set against open items (oldest due first, undisputed first, same currency first,
then across currencies), instalment plans filled in due order, advances, credit notes used
up on their paid_date, write-offs on account, group lines and entity limits, orders closing
at the extraction date, and an on-demand date equal to a pre-built snapshot of the same day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from analytics.views import Filters
from analytics.data.loader import load
from analytics.views import aging_distribution
from analytics.data.warehouse import Warehouse
from tests.sql.conftest import sql

CUSTOMERS = "customer_id,name,parent_id\nC1,One,\nC2,Two,\nC3,Three,C1\n"
INV = "invoice_id,customer_id,invoice_date,due_date,amount,doc_type,applies_to,is_disputed,currency,instalment_no\n"
PAY = "payment_id,customer_id,invoice_id,payment_date,amount,method,currency,instalment_no\n"
FX = "currency,rate_date,rate_to_reporting\nUSD,2023-12-01,7.0\n"


def ledger(tmp_path: Path, policy, invoices: str, payments: str = "", extracted_on: date | None = None,
           **other: str) -> Warehouse:
    src = tmp_path / "src"
    src.mkdir(parents=True)
    (src / "customers.csv").write_text(other.pop("customers", CUSTOMERS), encoding="utf-8")
    (src / "invoices.csv").write_text(INV + invoices, encoding="utf-8")
    if payments:
        (src / "payments.csv").write_text(PAY + payments, encoding="utf-8")
    (src / "fx_rates.csv").write_text(FX, encoding="utf-8")
    for name, text in other.items():
        (src / f"{name}.csv").write_text(text, encoding="utf-8")
    outcome = load(src, policy, tmp_path / "wh", extracted_on=extracted_on)
    assert outcome.ok, [(i.rule, i.row, i.message) for i in outcome.issues]
    return Warehouse(tmp_path / "wh")


def items(wh: Warehouse, day: str) -> list[tuple]:
    return sql(wh, "select coalesce(invoice_id, '(credit)'), instalment_no, currency, round(outstanding_amt, 2), "
                   "round(credit_applied_amt, 2) from open_items_snapshot where snapshot_date = $d "
                   "order by customer_id, is_credit, invoice_id, instalment_no", d=date.fromisoformat(day)).rows()


def test_a_credit_note_naming_its_invoice_reduces_it(tmp_path, policy):
    """I1 1,000 less N1 300 (02-10, naming I1) = 700; I2 500 fully reversed by N2 on 02-20."""
    wh = ledger(tmp_path, policy,
                "I1,C1,2024-01-10,2024-02-09,1000,invoice,,false,,\nN1,C1,2024-02-10,,-300,credit_note,I1,false,,\n"
                "I2,C1,2024-01-15,2024-02-14,500,invoice,,false,,\nN2,C1,2024-02-20,,-500,credit_note,I2,false,,\n")
    assert items(wh, "2024-01-31") == [("I1", None, "CNY", 1000.0, 0.0), ("I2", None, "CNY", 500.0, 0.0)]
    assert items(wh, "2024-02-20") == [("I1", None, "CNY", 700.0, 0.0)]
    settled = sql(wh, "select invoice_id, settled_on, credited_doc_ccy from invoice_facts where amount > 0 "
                      "order by 1").rows()
    assert settled == [("I1", None, 300.0), ("I2", date(2024, 2, 20), 500.0)]


def test_a_credit_note_beyond_its_paid_invoice_is_a_credit_balance(tmp_path, policy):
    wh = ledger(tmp_path, policy, "I1,C1,2024-01-10,2024-02-09,1000,invoice,,false,,\n"
                "N1,C1,2024-02-15,,-200,credit_note,I1,false,,\n",
                "X1,C1,I1,2024-02-01,1000,,,\n")
    assert items(wh, "2024-02-15") == [("(credit)", None, "CNY", -200.0, 0.0)]
    reasons = sql(wh, "select on_account_reason, amount_doc_ccy from ledger_entries where credit_from is not null")
    assert reasons.rows() == [("credit note beyond its invoice", 200.0)]


def test_credits_on_account_are_set_against_the_oldest_due_undisputed_first(tmp_path, policy):
    """C1: D0 disputed 200 due 01-05 (oldest), I1 300 due 02-01, I2 500 due 03-01; cash on
    account 450 on 03-10 clears I1 (300) and 150 of I2, never touching the disputed D0."""
    wh = ledger(tmp_path, policy, "D0,C1,2023-12-06,2024-01-05,200,invoice,,true,,\n"
                "I1,C1,2024-01-02,2024-02-01,300,invoice,,false,,\nI2,C1,2024-01-31,2024-03-01,500,invoice,,false,,\n",
                "X1,C1,,2024-03-10,450,,,\n")
    assert items(wh, "2024-03-31") == [("D0", None, "CNY", 200.0, 0.0), ("I2", None, "CNY", 350.0, 150.0)]
    snap = sql(wh, "select open_ar_amt, overdue_amt, max_days_past_due, max_disputed_days_past_due "
                   "from customer_snapshot where snapshot_date = '2024-03-31' and customer_id = 'C1'").row(0)
    assert snap == (550.0, 550.0, 30, 86)  # I2 due 03-01; D0 due 01-05


def test_cash_beyond_every_item_leaves_a_credit_balance_and_no_exposure(tmp_path, policy):
    wh = ledger(tmp_path, policy, "I1,C1,2024-01-02,2024-02-01,300,invoice,,false,,\n", "X1,C1,,2024-01-20,700,,,\n",
                orders="order_id,customer_id,order_date,amount\nO1,C1,2024-01-25,100\n")
    assert items(wh, "2024-01-31") == [("(credit)", None, "CNY", -400.0, 0.0)]
    snap = sql(wh, "select open_ar_amt, credit_balance_amt, gross_exposure_amt, net_exposure_amt from "
                   "customer_snapshot where snapshot_date = '2024-01-31' and customer_id = 'C1'").row(0)
    assert snap == (-400.0, -400.0, 0.0, 0.0)  # the order (100) is covered by the credit too


def test_credits_clear_their_own_currency_first_then_the_others_at_the_closing_rate(tmp_path, policy):
    """C1 owes I1 USD 100 (700 at 7.0) and I2 CNY 500; cash on account USD 50 and CNY 1,000:
    the USD cash clears 50 of I1; the CNY cash clears I2 and 500 of what is left of I1 (USD 50
    = 350): I1 is settled and CNY 150 remains a credit."""
    wh = ledger(tmp_path, policy, "I1,C1,2024-01-02,2024-02-01,100,invoice,,false,USD,\n"
                "I2,C1,2024-01-05,2024-02-04,500,invoice,,false,CNY,\n",
                "X1,C1,,2024-01-20,50,,USD,\nX2,C1,,2024-01-21,1000,,CNY,\n")
    assert items(wh, "2024-01-31") == [("(credit)", None, "CNY", -150.0, 0.0)]
    wh2 = ledger(tmp_path / "b", policy, "I1,C1,2024-01-02,2024-02-01,100,invoice,,false,USD,\n"
                 "I2,C1,2024-01-05,2024-02-04,500,invoice,,false,CNY,\n",
                 "X1,C1,,2024-01-20,50,,USD,\nX2,C1,,2024-01-21,600,,CNY,\n")
    # USD 50 against I1 -> USD 50 = 350 left; CNY 600: 500 clears I2, 100 against I1 -> 250 (USD 35.71)
    got = sql(wh2, "select invoice_id, round(outstanding_amt, 2), round(outstanding_doc_ccy, 4), "
                   "round(credit_applied_amt, 2) from open_items_snapshot where snapshot_date = '2024-01-31'").rows()
    assert got == [("I1", 250.0, pytest.approx(35.7143, abs=1e-4), 450.0)]


def test_an_instalment_plan_is_filled_in_due_order(tmp_path, policy):
    """P1 90,000 in 27,000 / 27,000 / 36,000; 40,000 naming the plan fills instalment 1 and
    13,000 of instalment 2; 10,000 naming instalment 3 goes to it."""
    wh = ledger(tmp_path, policy, "P1,C1,2018-10-27,2018-11-26,27000,invoice,,false,,1\n"
                "P1,C1,2018-10-27,2018-12-26,27000,invoice,,false,,2\nP1,C1,2018-10-27,2019-01-25,36000,invoice,,false,,3\n",
                "X1,C1,P1,2018-11-20,40000,,,\nX2,C1,P1,2018-11-25,10000,,,3\n")
    assert items(wh, "2018-11-30") == [("P1", 2, "CNY", 14000.0, 0.0), ("P1", 3, "CNY", 26000.0, 0.0)]
    settled = sql(wh, "select instalment_no, settled_on from invoice_facts order by 1").rows()
    assert settled == [(1, date(2018, 11, 20)), (2, None), (3, None)]


def test_an_advance_sits_on_account_until_its_invoice_is_raised(tmp_path, policy):
    """X1 1,500 on 01-09 names I1 (raised 01-31): a credit of 1,500 on 01-20 (on demand),
    applied on 01-31."""
    wh = ledger(tmp_path, policy, "I1,C1,2024-01-31,2024-03-01,10000,invoice,,false,,\n"
                "A1,C2,2024-01-05,2024-02-05,1,invoice,,false,,\n", "X1,C1,I1,2024-01-09,1500,,,\n")
    assert items(wh.at(date(2024, 1, 20)), "2024-01-20") == [("(credit)", None, "CNY", -1500.0, 0.0),
                                                             ("A1", None, "CNY", 1.0, 0.0)]
    assert items(wh, "2024-01-31") == [("I1", None, "CNY", 8500.0, 0.0), ("A1", None, "CNY", 1.0, 0.0)]


def test_a_credit_note_ends_on_its_paid_date_and_a_write_off_on_account_reduces_the_balance(tmp_path, policy):
    wh = ledger(tmp_path, policy, "I1,C1,2024-01-02,2024-02-01,300,invoice,,false,,\n"
                "N1,C1,2024-01-10,,-100,credit_note,,false,,\n", "W1,C2,,2024-01-15,50,write_off,,\n",
                extracted_on=None)
    assert items(wh, "2024-01-31") == [("I1", None, "CNY", 200.0, 100.0), ("(credit)", None, "CNY", -50.0, 0.0)]
    wh2 = ledger(tmp_path / "b", policy, "I1,C1,2024-01-02,2024-02-01,300,invoice,,false,,\n"
                 "N1,C1,2024-01-10,,-100,credit_note,,false,,\n"
                 "A1,C2,2024-02-29,2024-02-29,1,invoice,,false,,\n",
                 "")
    assert items(wh2, "2024-01-31")[0] == ("I1", None, "CNY", 200.0, 100.0)


def test_a_credit_note_used_up_on_its_paid_date(tmp_path, policy):
    src_inv = ("invoice_id,customer_id,invoice_date,due_date,amount,doc_type,paid_date\n"
               "I1,C1,2024-01-02,2024-02-01,300,invoice,\nN1,C1,2024-01-10,,-100,credit_note,2024-02-15\n"
               "A1,C2,2024-02-29,2024-02-29,1,invoice,2024-02-29\n")
    src = tmp_path / "src"
    src.mkdir()
    (src / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (src / "invoices.csv").write_text(src_inv, encoding="utf-8")
    assert load(src, policy, tmp_path / "wh").ok
    wh = Warehouse(tmp_path / "wh")
    assert items(wh, "2024-01-31") == [("I1", None, "CNY", 200.0, 100.0)]
    assert items(wh, "2024-02-29") == [("I1", None, "CNY", 300.0, 0.0)]  # the credit ended on 02-15


def test_group_and_entity_lines(tmp_path, policy):
    """C1's limit covers its member C3 (no limit of its own) unless limit_scope says entity; a
    member with a limit of its own draws on that."""
    inv = "I1,C1,2024-01-02,2024-02-01,300,invoice,,false,,\nI3,C3,2024-01-05,2024-02-04,900,invoice,,false,,\n"
    limits = "customer_id,effective_from,limit_amt,limit_scope\nC1,2024-01-01,1000,{scope}\n"
    for scope, expected in (("", [("C1", "C1", "group", 1000.0, 1200.0), ("C3", "C1", "group", 1000.0, 1200.0)]),
                            ("group", [("C1", "C1", "group", 1000.0, 1200.0), ("C3", "C1", "group", 1000.0, 1200.0)]),
                            ("entity", [("C1", "C1", "entity", 1000.0, 300.0), ("C3", None, None, None, None)])):
        wh = ledger(tmp_path / (scope or "default"), policy, inv, credit_limits=limits.format(scope=scope))
        got = sql(wh, "select customer_id, line_holder_id, line_scope, limit_amt, line_exposure_amt from "
                      "customer_snapshot where snapshot_date = '2024-01-31' order by 1").rows()
        assert [r for r in got if r[0] != "C2"] == expected, scope
    wh = ledger(tmp_path / "own", policy, inv,
                credit_limits="customer_id,effective_from,limit_amt\nC1,2024-01-01,1000\nC3,2024-01-01,2000\n")
    got = sql(wh, "select customer_id, line_holder_id, line_scope, limit_amt, line_exposure_amt from "
                  "customer_snapshot where snapshot_date = '2024-01-31' and customer_id <> 'C2' order by 1").rows()
    assert got == [("C1", "C1", "group", 1000.0, 300.0), ("C3", "C3", "entity", 2000.0, 900.0)]


def test_orders_close_at_their_date_or_at_the_extraction_date(tmp_path, policy):
    wh = ledger(tmp_path, policy, "I1,C1,2024-01-02,2024-02-01,300,invoice,,false,,\n",
                orders="order_id,customer_id,order_date,amount,status,invoiced_on,cancelled_on\n"
                       "O1,C1,2024-01-05,10,invoiced,2024-01-20,\nO2,C1,2024-01-06,20,cancelled,,2024-02-10\n"
                       "O3,C1,2024-01-07,40,invoiced,,\nO4,C1,2024-02-20,80,open,,\n")
    got = sql(wh, "select snapshot_date, open_orders_amt from customer_snapshot where customer_id = 'C1' "
                  "order by 1").rows()
    # 01-31: O2 + O3 (O1 invoiced 01-20); 02-20 (the extraction date, O4's date): O4 (O3 closes then)
    assert got == [(date(2024, 1, 31), 60.0), (date(2024, 2, 20), 80.0), (date(2024, 2, 29), 80.0)]


def test_an_on_demand_date_equals_a_snapshot_built_for_that_day(tmp_path, policy):
    """The same ledger loaded twice: once taken on 02-20 (a pre-built snapshot that day),
    once taken on 03-31 (02-20 built on demand): the same open items and customers."""
    inv = ("I1,C1,2024-01-02,2024-02-01,300,invoice,,false,,\nI2,C1,2024-02-05,2024-03-05,500,invoice,,true,,\n"
           "I3,C2,2024-01-20,2024-02-19,100,invoice,,false,USD,\nN1,C1,2024-02-10,,-50,credit_note,,false,,\n")
    pay = "X1,C1,,2024-02-15,120,,,\nX2,C2,I3,2024-02-18,40,,USD,\n"
    early = ledger(tmp_path / "a", policy, inv, pay, extracted_on=date(2024, 2, 20))
    late = ledger(tmp_path / "b", policy, inv, pay + "X3,C1,I2,2024-03-20,100,,,\n", extracted_on=date(2024, 3, 31))
    day = date(2024, 2, 20)
    cols = ("customer_id, open_ar_amt, credit_balance_amt, not_due_amt, overdue_amt, max_days_past_due, "
            "max_disputed_days_past_due, gross_exposure_amt")
    query = f"select {cols} from customer_snapshot where snapshot_date = $d order by 1"
    assert sql(late.at(day), query, d=day).rows() == sql(early, query, d=day).rows()
    assert items(late.at(day), "2024-02-20") == items(early, "2024-02-20")
    a = aging_distribution(late, day, Filters(), policy)
    b = aging_distribution(early, day, Filters(), policy)
    assert a.equals(b) and a["outstanding_amt"].sum() == pytest.approx(300 - 50 - 120 + 500 + 60 * 7.0)
    assert isinstance(a, pl.DataFrame)
