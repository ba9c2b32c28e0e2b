"""`report scenario` on the hand-made fixture (story in tests/sql/test_marts_tiny.py): the JSON's
headline keys, a file starts at no change (as the What-if page opens) and gives back the
exposure report, `start = "policy"` applies the policy's limits (the page's "Apply the limit
policy"), the stress moves the loss, the Monte Carlo repeats with its seed, the csv/xlsx
outputs, and bad input is explained (exit 2).

At the extraction date 2024-04-20 (the default) and on 2024-04-10 only C3 (CCC, PD 26.8 %) has
exposure: gross 2,000, net 1,000 after its insurance; current limits are C1's group limit 1,000
(covering C2) and C3's 2,000. At 2024-03-31 all three customers have exposure (gross 3,670 with
C1's open order; C1's group line 1,270 of 1,000 and C3 2,400 of 2,000 are over their limits)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from analytics.cli import main

HEADLINE = ["expected_loss_amt", "loss_quantile_99_amt", "loss_quantile_99_9_amt", "credit_var_99_9_amt", "expected_shortfall_99_9_amt",
            "customers_over_limit", "over_limit_amt", "sales_at_risk_amt", "total_limit_amt"]
COUNTS = {"customers_over_limit"}
SCALE = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "D")

# A scenario file starts at no change: a name and the model's settings are all it takes.
AS_TODAY = 'name = "as today"\n[model]\nsimulations = 5000\n'

# Limits as they are, spelt out on top of the policy's levers: a TOML cannot clear a lever the
# policy sets (no None in TOML), so the policy's caps are set out of reach instead: grade caps
# at the maximum, the single-name cap at 100 % of our own equity (2 bn), every grade open to
# credit and no rounding.
NEUTRAL_LIMITS = "\n".join([
    'start = "policy"',
    'name = "as today"',
    "[limits]",
    'bases = ["current_limit"]',
    "grade_multipliers = { " + ", ".join(f"{g} = 1.0" for g in SCALE) + " }",
    "risk_appetite = 1.0",
    "cap_by_grade = { " + ", ".join(f"{g} = 1e15" for g in SCALE) + " }",
    "single_name_cap_pct = 100.0",
    'single_name_cap_basis = "equity"',
    'min_grade = "D"',
    "rounding_amt = 0",
    "[stress]",
    "pd_multiplier = 1.0",
    "simulations = 5000",
    "",
])


def run(capsys, warehouse: Path, *args: str) -> tuple[int, str, str]:
    code = main(["report", "scenario", *args, "--warehouse", str(warehouse)])
    out, err = capsys.readouterr()
    return code, out, err


def params(tmp_path: Path, text: str, name: str = "scenario.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def scenario_json(capsys, warehouse: Path, tmp_path: Path, text: str, *args: str) -> dict:
    code, out, err = run(capsys, warehouse, "--params", params(tmp_path, text), "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)


def exposure_kpis(capsys, warehouse: Path, *args: str) -> dict[str, float]:
    assert main(["report", "exposure", "--warehouse", str(warehouse), "--format", "json", *args]) == 0
    return {r["metric"]: r["value"] for r in json.loads(capsys.readouterr().out)["kpis"]}


def test_json_has_the_headline_keys_as_numbers(capsys, tiny_warehouse, tmp_path):
    doc = scenario_json(capsys, tiny_warehouse, tmp_path, "pd_multiplier = 1.5\n")
    for key in HEADLINE:
        value = doc[key]
        assert isinstance(value, (int, float)) and not isinstance(value, bool), (key, value)
        if key in COUNTS:
            assert isinstance(value, int), (key, value)
    assert all(isinstance(v, int) for k, v in doc.items() if k.startswith("customers_") or k.startswith("approvals_"))
    assert doc["report"] == "scenario" and doc["scenario"] == "scenario"  # the file's stem when it has no name
    assert doc["as_of"] == "2024-04-20" and doc["levers"]["pd_multiplier"] == 1.5
    assert doc["loss_model"]["method"] == "Monte Carlo" and doc["loss_model"]["seed"] == 20261125  # the policy's
    assert set(HEADLINE) <= set(doc["base"])
    assert doc["credit_var_99_9_amt"] == pytest.approx(doc["loss_quantile_99_9_amt"] - doc["expected_loss_amt"])
    assert doc["loss_quantile_99_amt"] <= doc["loss_quantile_99_9_amt"] <= doc["expected_shortfall_99_9_amt"]
    # by hand: C3 alone, net 1,000 x PD 26.8 % x 1.5 x LGD 45 %
    assert doc["expected_loss_amt"] == pytest.approx(1000 * 0.268 * 1.5 * 0.45)


@pytest.mark.parametrize("text", [AS_TODAY, NEUTRAL_LIMITS], ids=["no change", "neutral limits on the policy"])
@pytest.mark.parametrize("as_of", ["2024-04-10", "2024-03-31", "2024-03-15"])
def test_neutral_levers_give_back_the_exposure_report(capsys, tiny_warehouse, tmp_path, as_of, text):
    doc = scenario_json(capsys, tiny_warehouse, tmp_path, text, "--as-of", as_of)
    kpis = exposure_kpis(capsys, tiny_warehouse, "--as-of", as_of)
    assert doc["scenario"] == "as today"
    assert doc["total_limit_amt"] == pytest.approx(kpis["limit_amt"]) == 3000.0  # C1 1,000 + C3 2,000
    assert doc["expected_loss_amt"] == pytest.approx(kpis["expected_loss_amt"], abs=1e-4)
    assert doc["customers_over_limit"] == kpis["customers_over_limit"]
    assert doc["over_limit_amt"] == pytest.approx(kpis["over_limit_amt"])
    for key in ("total_limit_amt", "expected_loss_amt", "customers_over_limit", "over_limit_amt", "gross_exposure_amt"):
        assert doc[key] == pytest.approx(doc["base"][key]), key  # the base is today's portfolio
    assert doc["customers_limit_up"] == doc["customers_limit_down"] == 0
    assert doc["credit_var_99_9_amt"] == pytest.approx(doc["loss_quantile_99_9_amt"] - doc["expected_loss_amt"])


def test_a_group_line_is_over_its_limit_once(capsys, tiny_warehouse, tmp_path):
    """At 03-31 C1's group line carries C1 (250 + order 300) and C2 (720): 1,270 of 1,000, over
    by 270, counted once; C3 2,400 of 2,000, over by 400. C2 draws on its group's limit."""
    doc = scenario_json(capsys, tiny_warehouse, tmp_path, AS_TODAY, "--as-of", "2024-03-31")
    assert doc["customers_over_limit"] == 2 and doc["over_limit_amt"] == pytest.approx(670.0)
    customers = {c["customer_id"]: c for c in doc["customers"]}
    assert customers["C2"]["basis"] == "draws on its group's limit" and customers["C2"]["proposed_limit_amt"] is None
    assert customers["C2"]["utilization_pct"] == pytest.approx(127.0)
    assert customers["C1"]["over_limit_amt"] == pytest.approx(270.0) and customers["C2"]["over_limit_amt"] == 0.0


def test_an_empty_file_is_no_change(capsys, tiny_warehouse, tmp_path):
    # as the What-if page opens: today's limits and terms, no stress; every figure is the base's
    doc = scenario_json(capsys, tiny_warehouse, tmp_path, "")
    for key in HEADLINE:
        assert doc[key] == pytest.approx(doc["base"][key]), key
    assert doc["total_limit_amt"] == 3000.0 and doc["customers_limit_up"] == doc["customers_limit_down"] == 0
    assert doc["levers"]["bases"] == ["current_limit"] and doc["loss_model"]["seed"] == 20261125  # the policy's model


def test_the_policy_levers_differ_from_today(capsys, tiny_warehouse, tmp_path):
    # start = "policy": the policy's limits, the smaller of 20 % of TNW and the purchases basis,
    # rounded down to 10,000; the fixture's amounts are far below 10,000, so every proposed
    # limit is 0 and C3 is over it
    doc = scenario_json(capsys, tiny_warehouse, tmp_path, 'start = "policy"\n')
    assert doc["base"]["total_limit_amt"] == 3000.0 and doc["total_limit_amt"] == 0.0
    assert doc["customers_over_limit"] == 1 and doc["over_limit_amt"] == pytest.approx(2000.0)
    assert doc["expected_loss_amt"] == pytest.approx(doc["base"]["expected_loss_amt"])  # no stress
    assert doc["levers"]["bases"] == ["tangible_net_worth", "purchases"]
    # the same under [scenario], with a stress on top
    stressed = scenario_json(capsys, tiny_warehouse, tmp_path, '[scenario]\nstart = "policy"\n[stress]\n'
                                                                'pd_multiplier = 2.0\n')
    assert stressed["total_limit_amt"] == 0.0
    assert stressed["expected_loss_amt"] == pytest.approx(2 * doc["expected_loss_amt"])


def test_doubling_the_pd_raises_the_loss(capsys, tiny_warehouse, tmp_path):
    one = scenario_json(capsys, tiny_warehouse, tmp_path, "pd_multiplier = 1.0\n")
    two = scenario_json(capsys, tiny_warehouse, tmp_path, "pd_multiplier = 2.0\n")
    assert two["expected_loss_amt"] == pytest.approx(2 * one["expected_loss_amt"])
    closed_one, closed_two = one["loss_model"]["closed_form"], two["loss_model"]["closed_form"]
    assert closed_two["loss_quantile_99_9_amt"] > closed_one["loss_quantile_99_9_amt"]
    # one name in the Monte Carlo: its 99.9 % quantile is the whole loss (1,000 x 45 %) either way
    assert two["loss_quantile_99_9_amt"] >= one["loss_quantile_99_9_amt"] == pytest.approx(450.0)
    assert two["base"]["expected_loss_amt"] == pytest.approx(one["base"]["expected_loss_amt"])  # the base is unstressed


def test_doubling_the_pd_raises_the_monte_carlo_quantile_on_a_real_portfolio(capsys, generated_warehouse,
                                                                              tmp_path):
    one = scenario_json(capsys, generated_warehouse, tmp_path, "simulations = 5000\n")
    two = scenario_json(capsys, generated_warehouse, tmp_path, "simulations = 5000\npd_multiplier = 2.0\n")
    assert two["expected_loss_amt"] > one["expected_loss_amt"] > 0
    assert two["loss_quantile_99_9_amt"] > one["loss_quantile_99_9_amt"]
    assert two["expected_shortfall_99_9_amt"] > one["expected_shortfall_99_9_amt"]


def test_the_same_seed_gives_the_same_numbers(capsys, tiny_warehouse, tmp_path):
    text = "[stress]\npd_multiplier = 1.7\n[model]\nseed = 5\nsimulations = 5000\n"
    first = scenario_json(capsys, tiny_warehouse, tmp_path, text, "--as-of", "2024-03-31")
    second = scenario_json(capsys, tiny_warehouse, tmp_path, text, "--as-of", "2024-03-31")
    assert first == second
    assert first["loss_model"]["seed"] == 5 and first["loss_model"]["simulations"] == 5000


def test_csv_default_table_and_customers(capsys, tiny_warehouse, tmp_path):
    path = params(tmp_path, "pd_multiplier = 2.0\n")
    code, out, _ = run(capsys, tiny_warehouse, "--params", path)
    assert code == 0
    assert out.strip().splitlines()[0] == "Measure,Base,Scenario,Change"  # labels for people by default
    code, out, _ = run(capsys, tiny_warehouse, "--params", path, "--fields")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "measure,base,scenario,change"
    rows = {line.split(",")[0]: line.split(",") for line in lines[1:]}
    assert set(HEADLINE) <= set(rows)
    assert float(rows["expected_loss_amt"][2]) == pytest.approx(2 * float(rows["expected_loss_amt"][1]), rel=1e-3)
    code, out, _ = run(capsys, tiny_warehouse, "--params", path, "--table", "customers", "--fields")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("customer_id,name,") and "proposed_limit_amt" in lines[0]
    assert sorted(line.split(",")[0] for line in lines[1:]) == ["C1", "C2", "C3"]
    code, out, _ = run(capsys, tiny_warehouse, "--params", path, "--table", "by_grade", "--fields")
    assert code == 0 and out.startswith("grade,")


def test_xlsx_needs_out_and_holds_every_table(capsys, tiny_warehouse, tmp_path):
    path = params(tmp_path, "pd_multiplier = 2.0\n")
    code, out, err = run(capsys, tiny_warehouse, "--params", path, "--format", "xlsx")
    assert code == 2 and "--format xlsx needs --out FILE" in err and out == ""
    target = tmp_path / "scenario.xlsx"
    code, out, err = run(capsys, tiny_warehouse, "--params", path, "--format", "xlsx", "--out", str(target))
    assert code == 0 and out == "" and f"wrote {target}" in err
    sheets = pl.read_excel(target, sheet_id=0)
    assert set(sheets) == {"summary", "customers", "by_grade", "Fields"}  # Fields: the machine names
    assert sheets["customers"].height == 3


@pytest.mark.parametrize(("args", "toml", "message"), [
    ([], None, "report scenario needs --params FILE"),
    (["--params", "{tmp}/nope.toml"], None, "nope.toml: no such file"),
    (["--params", "{tmp}"], None, ": no such file"),  # a folder
    ([], "pd_multiplyer = 2.0\n", "unknown lever 'pd_multiplyer' (did you mean pd_multiplier"),
    ([], "[stress]\ncolour = 1\n", "unknown lever 'colour'"),
    ([], 'pd_multiplier = "two"\n', "pd_multiplier = 'two' must be a number"),
    ([], "downgrade_notches = 1.5\n", "downgrade_notches = 1.5 must be a whole number"),
    ([], "bases = [\"equity\"]\n", "bases = ['equity'] must list one or more of"),
    ([], "name = 3\n", "name must be text"),
    ([], "pd_multiplier = 101\n", "pd_multiplier = 101 must be between 0 and 100"),
    ([], "lgd = 45\n", "lgd = 45 must be between 0 and 1"),
    ([], "simulations = 10\n", "simulations = 10 must be between 1,000 and 200,000"),
    ([], 'start = "tomorrow"\n', "start = 'tomorrow' must be one of today, policy"),
    ([], "cap_by_grade = { AAAA = 5.0 }\n", "cap_by_grade names grades not on the scale: AAAA"),
    ([], 'min_grade = "E"\n', "min_grade = 'E' is not on the rating scale"),
    ([], "single_name_cap_pct = 5.0\nsingle_name_cap_basis = \"equity\"\nown_equity_amt = 0\n",
     "needs own_equity_amt > 0"),
    ([], "pd_multiplier = \n", "not valid TOML"),
    ([], "[stress\npd_multiplier = 2\n", "not valid TOML"),
    (["--as-of", "2024-13-01"], "pd_multiplier = 2.0\n", "'2024-13-01' is not a date"),
    (["--as-of", "2024-05-15"], "pd_multiplier = 2.0\n", "2024-05-15 is after the extraction date 2024-04-20"),
    (["--table", "nope"], "pd_multiplier = 2.0\n", "unknown --table 'nope'; choose one of: summary, customers"),
])
def test_bad_scenario_input_gets_a_message_and_exit_2(capsys, tiny_warehouse, tmp_path, args, toml, message):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if toml is not None:
        argv += ["--params", params(tmp_path, toml)]
    code, out, err = run(capsys, tiny_warehouse, *argv)
    assert code == 2, err
    assert message in err, err
    assert err.startswith("error: ") and "Traceback" not in err and out == ""
    if toml is not None and not args:
        assert str(tmp_path / "scenario.toml") in err  # a lever's message names the file


def test_a_params_file_that_is_not_text_is_explained(capsys, tiny_warehouse, tmp_path):
    path = tmp_path / "scenario.toml"
    path.write_bytes(b"pd_multiplier = \xff\xfe 2\n")
    code, out, err = run(capsys, tiny_warehouse, "--params", str(path))
    assert code == 2 and err.startswith("error: ") and "Traceback" not in err and out == ""
