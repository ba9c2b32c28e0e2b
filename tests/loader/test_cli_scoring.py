"""`python -m analytics score`, `report model-validation` and `report limits`: a new warehouse
version graded by the model asked for, the validation report and model card, the policy's
recommended limits; bad requests get a message and change nothing."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from analytics.cli import main
from analytics.data.warehouse import current_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def facts(folder: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(current_path(folder)), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def test_score_writes_a_new_version_graded_by_the_model_asked_for(capsys, scored_warehouse, tmp_path):
    folder = tmp_path / "wh"
    shutil.copytree(scored_warehouse, folder)
    before = current_path(folder).name
    imported = facts(folder, "select count(*) from imported_ratings")
    code, out, _ = run(capsys, "score", "--model", "statistical", "--warehouse", str(folder))
    assert code == 0, out
    assert current_path(folder).name != before
    assert "Statistical model (WoE logistic): trained, out-of-time AUROC 0." in out
    assert facts(folder, "select model from model_runs where is_rating_model") == [("statistical",)]
    # ruling "imported": the sample's customers all have imported ratings, so they stay in force,
    # and the model's grades wait beside them
    assert facts(folder, "select count(*) from imported_ratings") == imported
    assert facts(folder, "select count(*) from ratings where source = 'model'") == [(0,)]
    assert facts(folder, "select count(*) > 0 from model_ratings") == [(True,)]
    # the model learns only from observation points on or before --train-until
    code, out, _ = run(capsys, "score", "--model", "ml", "--train-until", "2025-06-30", "--warehouse", str(folder))
    assert code == 0, out
    assert facts(folder, "select max(out_of_time_to) from model_runs where model = 'ml'") == [(date(2025, 6, 30),)]


def test_score_without_enough_defaults_says_so_and_changes_nothing(capsys, tiny_warehouse, tmp_path):
    folder = tmp_path / "wh"
    shutil.copytree(tiny_warehouse, folder)
    before = current_path(folder).name
    code, _, err = run(capsys, "score", "--model", "statistical", "--warehouse", str(folder))
    assert code == 2
    assert "the statistical model cannot grade this portfolio" in err and "min_defaults" in err
    assert current_path(folder).name == before and not list(folder.glob(".building-*"))
    code, _, err = run(capsys, "score", "--train-until", "2024-13-01", "--warehouse", str(folder))
    assert code == 2 and "--train-until '2024-13-01' is not a date" in err


def test_model_validation_report_and_card(capsys, scored_warehouse, tmp_path):
    code, out, _ = run(capsys, "report", "model-validation", "--model", "statistical", "--warehouse",
                       str(scored_warehouse), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["model"] == "statistical" and doc["run"]["status"] == "trained"
    assert doc["run"]["target"].startswith("default within 12 months: more than 90 days past due")
    samples = {r["sample"]: r for r in doc["discrimination"]}
    assert set(samples) == {"development", "out_of_time"}
    for r in samples.values():
        assert abs(r["gini"] - (2 * r["auroc"] - 1)) < 1e-12 and 0 <= r["ks"] <= 1
    assert {"term", "coefficient", "std_error", "p_value", "iv"} <= set(doc["terms"][0])
    assert doc["terms"][0]["term"] == "intercept"
    assert all(r["p_value"] <= 0.05 for r in doc["terms"][1:])
    code, out, _ = run(capsys, "report", "model-validation", "--model", "statistical", "--warehouse",
                       str(scored_warehouse), "--format", "md")
    assert code == 0 and out.startswith("# Model card: Statistical model") and "## Calibration" in out
    xlsx = tmp_path / "card.xlsx"
    code, _, _ = run(capsys, "report", "model-validation", "--warehouse", str(scored_warehouse), "--format", "xlsx",
                     "--out", str(xlsx))
    assert code == 0 and xlsx.stat().st_size > 1000
    sheets = pl.read_excel(xlsx, sheet_id=0)
    assert {"discrimination", "calibration", "stability"} <= set(sheets)
    code, _, err = run(capsys, "report", "scores", "--warehouse", str(scored_warehouse), "--format", "md")
    assert code == 2 and "model card" in err


def test_limits_report_is_the_whatifs_formula(capsys, scored_warehouse):
    from analytics.data.warehouse import Warehouse
    from analytics.policy import load_policy
    from analytics.risk import whatif
    from analytics.views import Filters, calendar
    from analytics.views.whatif import scenario_view, whatif_inputs

    code, out, _ = run(capsys, "report", "limits", "--warehouse", str(scored_warehouse), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    wh = Warehouse(scored_warehouse)
    try:
        policy = load_policy()
        inputs = whatif_inputs(wh, calendar(wh).extracted_on, Filters(), policy)
        view = scenario_view(inputs, policy.levers)  # the policy's levers: no stress by default
        expected = whatif.changes(inputs, view.base, view.scenario)
    finally:
        wh.close()
    got = {r["customer_id"]: r for r in doc["limits"]}
    assert len(got) == expected.height == doc["customers"]
    for row in expected.head(50).iter_rows(named=True):
        mine = got[row["customer_id"]]
        assert mine["recommended_limit_amt"] == row["proposed_limit_amt"]
        assert mine["basis"] == row["basis"] and mine["approval_level"] == row["approval_level"]
    changed = [r for r in doc["limits"] if abs(r["limit_change_amt"]) > 0.005]
    assert doc["changes"] == len(changed)
    assert sum(r["customers"] for r in doc["approvals"]) == len(changed)


def test_one_customers_limit_is_its_line_of_the_list(scored_warehouse):
    from analytics.data.warehouse import Warehouse
    from analytics.policy import load_policy
    from analytics.views import Filters, calendar
    from analytics.views.whatif import customer_limit_recommendation, limit_recommendations, whatif_inputs

    wh = Warehouse(scored_warehouse)
    try:
        policy = load_policy()
        as_of = calendar(wh).extracted_on
        full = limit_recommendations(whatif_inputs(wh, as_of, Filters(), policy), policy).frame
        groups = dict(wh.con.sql("select customer_id, group_id from customer_dims").fetchall())
        # a group member, a group parent and a stand-alone customer with a change
        members = [c for c, g in groups.items() if g != c][:2] + [g for c, g in groups.items() if g != c][:1]
        alone = full.filter(pl.col("limit_change_amt").abs() > 0.005)["customer_id"].head(3).to_list()
        for customer in members + alone:
            mine = customer_limit_recommendation(wh, customer, groups[customer], as_of, policy)
            row = full.filter(pl.col("customer_id") == customer).row(0, named=True)
            for key in ("current_limit_amt", "recommended_limit_amt", "basis", "approval_level", "grade"):
                assert mine[key] == row[key], (customer, key, mine[key], row[key])
    finally:
        wh.close()
