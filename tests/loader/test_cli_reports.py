"""The CLI twins of the receivables views on the hand-made fixture (story in tests/sql/test_marts_tiny.py).

On 2024-04-10 (a day up to the extraction date 04-20, built on demand) the only open item
is I4 2,000 (due 04-04: 6 dpd, disputed); I2 and I3 were settled on 04-10 and 04-05, so
the credit note CN1 (50, naming no invoice) has nothing left to be set against: C1 has a
credit balance of 50, on the aging's credits line and outside the provision matrix.
"""

from __future__ import annotations

import json

import pytest

from analytics.cli import main


def run(capsys, tiny_warehouse, *args: str) -> tuple[int, str, str]:
    code = main(["report", *args, "--warehouse", str(tiny_warehouse)])
    out, err = capsys.readouterr()
    return code, out, err


def test_ecl_with_entered_rates_by_hand(capsys, tiny_warehouse):
    code, out, _ = run(capsys, tiny_warehouse, "ecl", "--as-of", "2024-04-10", "--buckets", "0,30",
                       "--rates", "1%,5%,0.5", "--fields")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "bucket,gross_carrying_amt,loss_rate_frac,ecl_amt"
    assert lines[1:] == ["not due,0.0,0.01,0.0", "1-30,2000.0,0.05,100.0", "> 30,0.0,0.5,0.0",
                         "total,2000.0,0.05,100.0"]


def test_ecl_json_has_meta_and_the_matrix(capsys, tiny_warehouse):
    code, out, _ = run(capsys, tiny_warehouse, "ecl", "--as-of", "2024-04-10", "--buckets", "0,30",
                       "--rates", "1%,5%,50%", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["buckets"] == ["not due", "1-30", "> 30"] and doc["rates"] == "entered"
    assert doc["total_ecl_amt"] == pytest.approx(100.0)
    assert doc["filters"] == {"segments": [], "industries": [], "regions": [], "managers": [], "groups": []}
    assert [r["bucket"] for r in doc["provision_matrix"]] == ["not due", "1-30", "> 30", "total"]


def test_ecl_overlay_scales_entered_rates(capsys, tiny_warehouse):
    code, out, _ = run(capsys, tiny_warehouse, "ecl", "--as-of", "2024-04-10", "--buckets", "0,30",
                       "--rates", "1%,5%,50%", "--overlay", "1.2", "--fields")
    assert code == 0
    assert out.strip().splitlines()[-1] == "total,2000.0,0.06,120.0"  # 2000 x 6 %


@pytest.mark.parametrize(("args", "message"), [
    (["migration", "--from", "2024-02-30"], "--from '2024-02-30' is not a date"),
    (["migration", "--from", "2024-04-01", "--to", "2024-03-01"], "must be before the end date"),
    (["migration", "--from", "2023-01-01", "--to", "2024-03-01"], "before the first rating (Jan 1, 2024)"),
    (["migration", "--to", "2030-01-01", "--from", "2024-02-01"], "after the extraction date Apr 20, 2024"),
    (["aging", "--as-of", "2024-04-25"], "2024-04-25 is after the extraction date 2024-04-20"),
    (["aging", "--as-of", "2023-12-31"], "before the first document (2024-01-10)"),
    (["migration", "--average-years", "0"], "--average-years must be 1-20"),
    (["ecl", "--rates", "1%,2%"], "2 rates given for 8 buckets"),
    (["ecl", "--buckets", "0,60,30"], "strictly increasing"),
    (["ecl", "--rates", "1%,x%,1%,1%,1%,1%,1%,1%"], "'x%' is not a rate"),
    (["aging", "--as-of", "2024-13-01"], "is not a date"),
    (["kpis", "--period-months", "30"], "1-12 months"),
    (["aging", "--segment", "gold"], "unknown segment 'gold'"),
])
def test_bad_report_arguments_get_a_message_and_exit_2(capsys, tiny_warehouse, args, message):
    code, out, err = run(capsys, tiny_warehouse, *args)
    assert code == 2 and message in err and out == ""


def test_aging_report_by_hand(capsys, tiny_warehouse):
    code, out, _ = run(capsys, tiny_warehouse, "aging", "--as-of", "2024-04-10", "--buckets", "0,30", "--fields")
    assert code == 0
    assert out.strip().splitlines()[1:] == ["not due,0.0,0,0.0,0.0", "1-30,2000.0,1,2000.0,100.0",
                                            "> 30,0.0,0,0.0,0.0", "unapplied cash / credits,-50.0,1,0.0,-2.5"]


def test_kpis_and_collections_reports_run(capsys, tiny_warehouse):
    code, out, _ = run(capsys, tiny_warehouse, "kpis", "--as-of", "2024-03-31", "--period-months", "1", "--fields")
    assert code == 0 and out.splitlines()[1].startswith("dso_days,")
    # March: AR 2,970, net sales 2,000 - 50 = 1,950 -> DSO 2,970 / 1,950 x 31
    assert float(out.splitlines()[1].split(",")[1]) == pytest.approx(2970 / 1950 * 31, abs=1e-4)
    code, out, _ = run(capsys, tiny_warehouse, "collections", "--as-of", "2024-03-31", "--fields")
    assert code == 0
    rows = out.strip().splitlines()
    assert rows[0].startswith("customer_id,name,") and "credit_manager" in rows[0].split(",")
    assert len(rows) == 3  # C1 and C2 past due


def test_customer_report(capsys, tiny_warehouse):
    code, out, _ = run(capsys, tiny_warehouse, "customer", "--customer", "C3", "--as-of", "2024-03-31",
                       "--format", "json")
    assert code == 0
    doc = json.loads(out)
    facts = {row["field"]: row["value"] for row in doc["summary"]}
    assert doc["name"] == "Gamma Co" and facts["at_date.gross_exposure_amt"] == "2400.0"
    assert [r["invoice_id"] for r in doc["open_items"]] == ["I4"]
    code, _, err = run(capsys, tiny_warehouse, "customer", "--customer", "NOPE")
    assert code == 2 and "unknown customer 'NOPE'" in err


def test_migration_report_long_format_by_hand(capsys, tiny_warehouse):
    # on 2024-03-15 C1 is BBB (rated 01-01) and C3 is B (agency B+, mapped); on 04-10 C3 is CCC.
    # C2 has no imported rating and is new (onboarded 01-01): the application scorecard grades
    # it B from the 01-31 month-end (420: company 30, no statements 40, Retail 50, no external
    # grade 50), so B on both dates
    code, out, _ = run(capsys, tiny_warehouse, "migration", "--from", "2024-03-15", "--to", "2024-04-10",
                       "--weight", "exposure", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    cells = {(r["from_grade"], r["to_grade"]): r for r in doc["matrix"] if r["count"]}
    assert set(cells) == {("BBB", "BBB"), ("B", "B"), ("B", "CCC")}
    assert all(r["count"] == 1 for r in cells.values())
    assert cells[("BBB", "BBB")]["rate"] == 1.0 and cells[("B", "B")]["rate"] == cells[("B", "CCC")]["rate"] == 0.5
    assert cells[("BBB", "BBB")]["exposure_rate"] == 1.0
    # C3 was onboarded on 03-01: the snapshot in force on 03-15 (02-29) holds no exposure for it;
    # the B cohort's exposure is C2's
    assert cells[("B", "CCC")]["exposure_amt"] == 0 and cells[("B", "CCC")]["exposure_rate"] == 0.0
    assert cells[("B", "B")]["exposure_rate"] == 1.0
    assert sum(r["count"] for r in doc["matrix"]) == 3
    assert doc["summary"]["downgrades"] == 1 and doc["summary"]["stable"] == 2
    assert [m["customer_id"] for m in doc["movers"]] == ["C3"]


def test_migration_report_csv_header(capsys, tiny_warehouse):
    code, out, _ = run(capsys, tiny_warehouse, "migration", "--from", "2024-03-15", "--to", "2024-04-10", "--fields")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "from_grade,to_grade,count,rate"
    # the B cohort: C2 (the application scorecard's B) stays, C3 goes to CCC
    assert "B,CCC,1,0.5" in lines and "B,B,1,0.5" in lines and len(lines) == 1 + 7 * 9


def test_reconciliation_report_by_hand(capsys, tiny_warehouse):
    """CSV: the statement (lines by currency); JSON adds the totals and the notes."""
    code, out, _ = run(capsys, tiny_warehouse, "reconciliation", "--as-of", "2024-03-31", "--fields")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "line,CNY,USD,total (CNY)"
    assert lines[1] == "invoices and debit notes,3500.0,100.0,4220.0"  # I3 100 USD at 7.2 (03-31)
    assert lines[8] == "open AR by the ledger (the sum of the lines above),2250.0,100.0,2970.0"
    code, out, _ = run(capsys, tiny_warehouse, "reconciliation", "--as-of", "2024-03-31", "--format", "json")
    payload = json.loads(out)
    assert payload["totals"] == {"ledger_open_amt": 2970.0, "aging_amt": 2970.0, "difference_amt": 0.0}
    assert payload["notes"][0].startswith("The ledger and the aging tie in CNY")


def test_scores_report(capsys, tiny_warehouse):
    code, out, _ = run(capsys, tiny_warehouse, "scores", "--as-of", "2024-04-20", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["model"] == "expert" and doc["scored_at"] == "2024-03-31"
    scores = [r["score"] for r in doc["scores"]]
    assert scores == sorted(scores, reverse=True) and {r["customer_id"] for r in doc["scores"]} == {"C1", "C2", "C3"}
    assert sum(r["customers"] for r in doc["by_grade"]) == 3
    code, out, _ = run(capsys, tiny_warehouse, "scores", "--as-of", "2024-04-20", "--table", "by_grade", "--fields")
    assert code == 0 and out.splitlines()[0] == "grade,customers,gross_exposure_amt,pd_pct,avg_score"
    code, out, _ = run(capsys, tiny_warehouse, "scores", "--as-of", "2024-04-20", "--table", "by_grade")
    assert code == 0 and set(out.splitlines()[0].split(",")) == {"Grade", "Customers", "Gross exposure (CNY)", "PD %",
                                                                  "Average score"}
