"""The receivables cases (tests/fixtures/cases/receivables, from the shared case book): each
folder's data loaded and its CASE.md commands run through the CLI, asserting the numbers a
correct product prints. The kinds each case samples have their own tests beside these (loader:
tests/loader/test_ledger_input.py; marts: tests/sql/test_ledger_marts.py; views:
tests/unit/test_exposure.py, test_collections.py, test_whatif.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from analytics.cli import main
from tests.conftest import ROOT

CASES = ROOT / "tests" / "fixtures" / "cases" / "receivables"


def load(case: str, tmp_path: Path, capsys, *extra: str, data: Path | None = None) -> Path:
    warehouse = tmp_path / "wh"
    code = main(["load", str(data or CASES / case / "data"), "--warehouse", str(warehouse), *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return warehouse


def report(capsys, warehouse: Path, name: str, *args: str) -> dict:
    code = main(["report", name, *args, "--warehouse", str(warehouse), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def buckets(doc: dict) -> dict[str, tuple[float, int]]:
    return {r["bucket"]: (r["outstanding_amt"], r["items"]) for r in doc["distribution"]}


def nonzero(doc: dict) -> dict[str, tuple[float, int]]:
    return {k: v for k, v in buckets(doc).items() if v != (0.0, 0)}


def summary(doc: dict) -> dict[str, str | None]:
    return {r["field"].split(".", 1)[1]: r["value"] for r in doc["summary"] if r["field"].startswith("at_date.")}


def kpis(doc: dict) -> dict[str, float]:
    return {r["metric"]: r["value"] for r in doc["kpis"]}


def test_01_advance_payment_before_invoice(tmp_path, capsys):
    wh = load("01-advance-payment-before-invoice", tmp_path, capsys)
    aging = report(capsys, wh, "aging", "--as-of", "2017-03-31")
    assert nonzero(aging) == {"31-60": (5500.0, 1)}
    assert sum(v[0] for v in buckets(aging).values()) == 5500.0
    file = report(capsys, wh, "customer", "--customer", "C1", "--as-of", "2017-03-31")
    at = summary(file)
    assert float(at["open_ar_amt"]) == 5500.0 and float(at["overdue_amt"]) == 5500.0
    assert len(file["payments"]) == 3 and sum(p["amount_amt"] for p in file["payments"]) == 4500.0
    assert [(i["invoice_id"], i["outstanding_amt"], i["days_past_due"]) for i in file["open_items"]] == [
        ("I1", 5500.0, 31)]
    worklist = report(capsys, wh, "collections", "--as-of", "2017-03-31")["worklist"]
    assert [(w["customer_id"], w["past_due_amt"], w["max_undisputed_dpd"], w["stage"]) for w in worklist] == [
        ("C1", 5500.0, 31, "formal letter and credit hold")]
    early = report(capsys, wh, "aging", "--as-of", "2016-11-30")
    assert nonzero(early) == {"not due": (7500.0, 1)}


def test_02_post_dated_cheque(tmp_path, capsys):
    wh = load("02-post-dated-payment", tmp_path, capsys, "--extracted-on", "2024-03-15")
    default = report(capsys, wh, "aging")
    assert default["as_of"] == "2024-03-15"
    for doc in (default, report(capsys, wh, "aging", "--as-of", "2024-03-15")):
        assert nonzero(doc) == {"not due": (3000.0, 2)}
        assert doc["largest_overdue"] == []
    assert report(capsys, wh, "collections", "--as-of", "2024-03-15")["worklist"] == []
    file = report(capsys, wh, "customer", "--customer", "C1")
    assert [(i["invoice_id"], i["outstanding_amt"]) for i in file["open_items"]] == [("I1", 1000.0), ("I2", 2000.0)]
    assert [(p["document_id"], p["dated_on"], p["amount_doc_ccy"]) for p in file["post_dated"]] == [
        ("P1", "2024-05-10", 1000.0)]
    assert file["payments"] == []  # the cheque is a promise on the extraction date, not cash


def test_02_payments_after_the_last_invoice_keep_their_dates(tmp_path, capsys):
    """Without the stated date the latest document (the cheque, 56 days on) is the extraction
    date: cash collected after the last sale keeps every date up to it available."""
    wh = load("02-post-dated-payment", tmp_path, capsys)
    assert report(capsys, wh, "aging")["as_of"] == "2024-05-10"
    assert report(capsys, wh, "aging", "--as-of", "2024-04-30")["as_of"] == "2024-04-30"


def test_03_typo_year_is_refused_then_the_clean_file_ages_2024(tmp_path, capsys):
    code = main(["load", str(CASES / "03-typo-future-invoice-date" / "data"), "--warehouse", str(tmp_path / "wh")])
    out, err = capsys.readouterr()
    assert code == 1 and "nothing was loaded" in err
    assert "invoices.csv: date far beyond the data (1 row)" in err
    assert "row 5, column invoice_date, value '2034-05-28'" in err and "far beyond the other documents" in err
    assert not (tmp_path / "wh" / "CURRENT").exists()
    data = tmp_path / "data"
    shutil.copytree(CASES / "03-typo-future-invoice-date" / "data", data)
    lines = (data / "invoices.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (data / "invoices.csv").write_text("".join(line for line in lines if not line.startswith("I5,")), encoding="utf-8")
    wh = load("03", tmp_path, capsys, data=data)
    aging = report(capsys, wh, "aging")
    assert aging["as_of"] == "2024-05-20"
    assert nonzero(aging) == {"not due": (2000.0, 1), "1-30": (9000.0, 2)}
    rows = {r["kpi"]: r for r in report(capsys, wh, "kpis")["kpis"]}
    k = {name: r["value"] for name, r in rows.items()}
    assert k["not_due_pct"] == pytest.approx(2000 / 11000 * 100, abs=1e-4) and k["over_90_pct"] == 0.0
    # the policy's 3-month period starts before the data: shortened to the first data date (Apr 1 - May 20)
    assert k["dso_days"] == pytest.approx(50.0)
    assert rows["cei_pct"]["note"] == "not enough history"  # no open AR before the data
    # a 1-month period (May 1-20) lies inside the data: DSO = AR 11,000 / May's sales 3,000 (I1, I2) x 20 days
    one = {r["kpi"]: r["value"] for r in report(capsys, wh, "kpis", "--period-months", "1")["kpis"]}
    assert one["dso_days"] == pytest.approx(11000 / 3000 * 20)


def test_04_credit_note_reverses_the_invoice(tmp_path, capsys):
    wh = load("04-credit-note-full-reversal", tmp_path, capsys)
    aging = report(capsys, wh, "aging", "--as-of", "2024-02-29")
    assert nonzero(aging) == {} and aging["largest_overdue"] == []
    assert report(capsys, wh, "collections", "--as-of", "2024-02-29")["worklist"] == []
    k = kpis(report(capsys, wh, "exposure", "--as-of", "2024-02-29"))
    assert k["open_ar_amt"] == k["overdue_amt"] == k["gross_exposure_amt"] == k["net_exposure_amt"] == 0.0
    hits = report(capsys, wh, "watchlist", "--as-of", "2024-02-29")["hits"]
    assert not [h for h in hits if h["customer_id"] == "C1" and h["rule"] in ("days_past_due", "overdue_amount")]
    file = report(capsys, wh, "customer", "--customer", "C1", "--as-of", "2024-02-29")
    assert file["open_items"] == [] and float(summary(file)["open_ar_amt"]) == 0.0
    before = report(capsys, wh, "aging", "--as-of", "2024-01-31")
    assert nonzero(before) == {"31-60": (1000.0, 1)}
    item = report(capsys, wh, "customer", "--customer", "C1", "--as-of", "2024-01-31")["open_items"]
    assert [(i["invoice_id"], i["days_past_due"]) for i in item] == [("I1", 52)]


@pytest.mark.parametrize("as_of", ["2024-03-31", "2024-02-29"])
def test_05_cash_on_account(tmp_path, capsys, as_of):
    wh = load("05-unapplied-cash-on-account", tmp_path, capsys)
    aging = report(capsys, wh, "aging", "--as-of", as_of)
    assert nonzero(aging) == {"unapplied cash / credits": (-500.0, 1)}  # C2's credit; C1's cash covers I1
    assert aging["largest_overdue"] == []
    assert report(capsys, wh, "collections", "--as-of", as_of)["worklist"] == []
    exposure = report(capsys, wh, "exposure", "--as-of", as_of)
    k = kpis(exposure)
    assert k["open_ar_amt"] == -500.0 and k["overdue_amt"] == 0.0 and k["gross_exposure_amt"] == 0.0
    per = {r["customer_id"]: r["gross_exposure_amt"] for r in exposure["largest_exposures"]}
    assert per["C1"] == per["C2"] == 0.0
    c1 = summary(report(capsys, wh, "customer", "--customer", "C1", "--as-of", as_of))
    assert float(c1["open_ar_amt"]) == 0.0 and float(c1["overdue_amt"]) == 0.0
    c2 = report(capsys, wh, "customer", "--customer", "C2", "--as-of", as_of)
    assert float(summary(c2)["open_ar_amt"]) == -500.0 and float(summary(c2)["credit_balance_amt"]) == -500.0
    assert float(summary(c2)["gross_exposure_amt"]) == 0.0
    assert [(i["invoice_id"], i["outstanding_amt"]) for i in c2["open_items"]] == [("unapplied cash / credits", -500.0)]


def test_06_overpayment_is_a_credit_balance(tmp_path, capsys):
    wh = load("06-overpayment-applied", tmp_path, capsys)
    for as_of in ("2024-02-29", "2024-03-31"):
        file = report(capsys, wh, "customer", "--customer", "C2", "--as-of", as_of)
        at = summary(file)
        assert float(at["open_ar_amt"]) == -500.0 and float(at["overdue_amt"]) == 0.0
        assert float(at["gross_exposure_amt"]) == 0.0
        assert [i["invoice_id"] for i in file["open_items"]] == ["unapplied cash / credits"]
        assert report(capsys, wh, "collections", "--as-of", as_of)["worklist"] == []
    behaviour = {r["snapshot_date"]: r for r in file["payment_behaviour"]}
    assert behaviour["2024-02-29"]["avg_days_to_pay"] == 26.0 and behaviour["2024-02-29"]["days_beyond_terms"] == 0.0
    k = kpis(report(capsys, wh, "exposure", "--as-of", "2024-03-31"))
    assert k["open_ar_amt"] == -500.0 and k["overdue_amt"] == 0.0


def test_07_instalments_share_one_invoice_number(tmp_path, capsys):
    wh = load("07-instalments-same-invoice-number", tmp_path, capsys)
    by_due = report(capsys, wh, "aging", "--as-of", "2018-11-28")
    assert nonzero(by_due) == {"not due": (63000.0, 2), "1-30": (27000.0, 1)}
    by_invoice = report(capsys, wh, "aging", "--as-of", "2018-11-28", "--by-invoice-date")
    assert nonzero(by_invoice) == {"31-60": (90000.0, 3)}
    doc = report(capsys, wh, "collections", "--as-of", "2018-11-28")
    assert [(w["customer_id"], w["stage"], w["past_due_amt"], w["overdue_instalments"]) for w in doc["worklist"]] == [
        ("C1", "reminder", 27000.0, 1)]
    assert [(i["invoice_id"], i["instalment_no"]) for i in doc["items"]] == [("INV100", 1)]


def test_08_group_credit_limit(tmp_path, capsys):
    wh = load("08-group-credit-limit", tmp_path, capsys)
    exposure = report(capsys, wh, "exposure")
    assert exposure["as_of"] == "2024-03-10"
    k = kpis(exposure)
    assert k["gross_exposure_amt"] == 11000.0 and k["limit_amt"] == 10000.0
    assert k["utilization_pct"] == pytest.approx(110.0)
    assert k["customers_over_limit"] == 1 and k["over_limit_amt"] == 1000.0
    bands = {b["band"]: b["credit_lines"] for b in exposure["utilization_bands"]}
    assert bands["> 100 %"] == 1 and bands["no limit"] == 0 and sum(bands.values()) == 1
    group = {g["group_id"]: g for g in exposure["top_groups"]}["G1"]
    assert group["gross_exposure_amt"] == 11000.0 and group["limit_amt"] == 10000.0
    hits = report(capsys, wh, "watchlist")["hits"]
    util = [(h["customer_id"], h["severity"], h["observed"]) for h in hits if h["rule"] == "utilization"]
    assert util == [("G1", "high", pytest.approx(110.0))]
    for member in ("S1", "S2"):
        at = summary(report(capsys, wh, "customer", "--customer", member))
        assert at["line_holder_id"] == "G1" and at["line_scope"] == "group"
        assert float(at["line_exposure_amt"]) == 11000.0 and float(at["limit_amt"]) == 10000.0


def test_09_an_invoiced_order_without_its_date_is_closed(tmp_path, capsys):
    wh = load("09-invoiced-order-without-date", tmp_path, capsys)
    k = kpis(report(capsys, wh, "exposure"))
    assert k["open_ar_amt"] == 75532.5 and k["open_orders_amt"] == 37766.25
    assert k["gross_exposure_amt"] == pytest.approx(113298.75)
    assert k["utilization_pct"] == pytest.approx(56.649375)
    assert k["over_limit_amt"] == 0.0
    at = summary(report(capsys, wh, "customer", "--customer", "C1"))
    assert float(at["headroom_amt"]) == pytest.approx(86701.25) and float(at["overdue_amt"]) == 0.0


def test_10_disputed_items_do_not_set_days_past_due(tmp_path, capsys):
    wh = load("10-disputed-item-watchlist", tmp_path, capsys)
    aging = report(capsys, wh, "aging", "--as-of", "2024-04-30")
    assert nonzero(aging) == {"1-30": (1000.0, 1), "61-90": (8000.0, 2)}
    assert {r["bucket"]: r["disputed_amt"] for r in aging["distribution"]}["61-90"] == 8000.0
    worklist = report(capsys, wh, "collections", "--as-of", "2024-04-30")["worklist"]
    assert {w["customer_id"]: (w["stage"], w["max_undisputed_dpd"]) for w in worklist} == {
        "C1": ("disputed only", None), "C2": ("phone call", 19)}
    hits = report(capsys, wh, "watchlist", "--as-of", "2024-04-30")["hits"]
    assert [h for h in hits if h["rule"] == "days_past_due"] == []


def test_10_check_of_the_rule_an_undisputed_d2_would_hit(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(CASES / "10-disputed-item-watchlist" / "data", data)
    text = (data / "invoices.csv").read_text(encoding="utf-8").replace("D2,C2,2024-01-01,2024-01-31,3000,true",
                                                                       "D2,C2,2024-01-01,2024-01-31,3000,false")
    (data / "invoices.csv").write_text(text, encoding="utf-8")
    wh = load("10", tmp_path, capsys, data=data)
    hits = report(capsys, wh, "watchlist", "--as-of", "2024-04-30")["hits"]
    assert [(h["customer_id"], h["severity"], h["observed"]) for h in hits if h["rule"] == "days_past_due"] == [
        ("C2", "medium", 90.0)]
