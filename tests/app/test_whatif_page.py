"""The What-if page under AppTest: it renders, its tiles are the view's and the report's numbers,
a lever moves them, a link opens its scenario (a damaged one is explained), saved scenarios
appear in the pickers, and Reset goes back to the policy.

The page ends its fragment by waiting for a background Monte Carlo, so every run here waits
for it too (the conftest's AppTest timeout is 90 s). Scenarios are saved to a file per test
($CREDIT_SCENARIOS), never to the user's home.
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from analytics.views import Filters
from analytics.policy import load_policy
from analytics.app.ui import fmt_amount, fmt_int
from analytics.views.whatif import ScenarioView, scenario_view, whatif_inputs
from analytics.data.warehouse import Warehouse
from tests.app.conftest import assert_clean, metric, shown

PAGE = "pages/whatif.py"
POLICY = load_policy().levers  # the app reads the shipped policy too ($CREDIT_POLICY is not set)
PD_TWO = replace(POLICY, pd_multiplier=2.0)


@pytest.fixture()
def scenarios(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "s.json"
    monkeypatch.setenv("CREDIT_SCENARIOS", str(path))
    return path


@pytest.fixture(scope="module")
def views(generated_warehouse: Path):
    """The view functions on the warehouse the app serves: levers -> ScenarioView (closed form)."""
    wh = Warehouse(generated_warehouse)
    cache: dict[tuple[date, object], ScenarioView] = {}

    def view(as_of: str, levers=POLICY) -> ScenarioView:
        key = (date.fromisoformat(as_of), levers)
        if key not in cache:
            inputs = whatif_inputs(wh, key[0], Filters(), load_policy())
            cache[key] = scenario_view(inputs, levers)
        return cache[key]

    yield view
    wh.close()


def open_page(app, widgets: dict[str, object] | None = None, **params: str):
    at = app(widgets, **params).run()
    at.switch_page(PAGE).run()
    return at


def pd_slider(at):
    return next(s for s in at.slider if s.label == "PD multiplier")


def amount(at, label: str) -> str:
    return metric(at, f"{label} (CNY)")


def test_page_renders_with_the_policy_levers(app, scenarios, views):
    at = open_page(app)
    assert_clean(at)
    assert not at.warning, [w.value for w in at.warning]
    assert at.title[0].value == "What-if: limits and stress"
    assert any("Levers: the credit policy" in c.value for c in at.caption)
    assert any("Loss quantiles: Monte Carlo" in c.value for c in at.caption)  # the background run finished
    assert "scenario" not in at.query_params  # the policy needs no link
    s = views(at.query_params["as_of"]).summary
    assert amount(at, "Total limit") == fmt_amount(s["total_limit_amt"])
    assert metric(at, "Over limit") == fmt_int(int(s["customers_over_limit"]))
    assert amount(at, "Amount over limit") == fmt_amount(s["over_limit_amt"])
    assert amount(at, "Sales at risk") == fmt_amount(s["sales_at_risk_amt"])
    assert amount(at, "Expected loss") == fmt_amount(s["expected_loss_amt"])
    assert pd_slider(at).value == 1.0
    assert not scenarios.exists()  # only a save writes the store


def test_tiles_agree_with_the_report(app, scenarios, generated_warehouse, tmp_path, capsys):
    from analytics.cli import main

    at = open_page(app)
    assert_clean(at)
    empty = tmp_path / "policy.toml"
    empty.write_text("", encoding="utf-8")  # no levers: the policy's
    assert main(["report", "scenario", "--params", str(empty), "--as-of", at.query_params["as_of"],
                 "--warehouse", str(generated_warehouse), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert amount(at, "Total limit") == fmt_amount(doc["total_limit_amt"])
    assert metric(at, "Over limit") == fmt_int(doc["customers_over_limit"])
    assert amount(at, "Expected loss") == fmt_amount(doc["expected_loss_amt"])
    # the same Monte Carlo (policy seed and simulations) on the page and in the report
    assert amount(at, "Loss at 99.9 %") == fmt_amount(doc["loss_quantile_99_9_amt"])
    assert amount(at, "Credit VaR 99.9 %") == fmt_amount(doc["credit_var_99_9_amt"])


def test_moving_the_pd_multiplier_raises_the_expected_loss(app, scenarios, views):
    at = open_page(app)
    before = views(at.query_params["as_of"]).summary["expected_loss_amt"]
    assert amount(at, "Expected loss") == fmt_amount(before)
    pd_slider(at).set_value(2.0).run()
    assert_clean(at)
    after = views(at.query_params["as_of"], PD_TWO).summary["expected_loss_amt"]
    assert after > before
    assert amount(at, "Expected loss") == fmt_amount(after)
    tile = next(m for m in at.metric if m.label == "Expected loss (CNY)")
    assert tile.delta.startswith("+CNY")  # against the base
    assert any("Levers changed from the policy: pd_multiplier" in c.value for c in at.caption)
    assert at.query_params["scenario"] == PD_TWO.token(POLICY)  # the link now holds the lever


@pytest.mark.parametrize("how", ["page link", "deep link"])
def test_a_link_opens_its_scenario(app, scenarios, views, how):
    token = PD_TWO.token(POLICY)
    if how == "page link":
        at = open_page(app, scenario=token)
    else:  # /whatif?scenario=... on a fresh server goes through app.py with _open=whatif
        at = app(_open="whatif", scenario=token).run()
        assert at.title[0].value == "What-if: limits and stress"
    assert_clean(at)
    assert not at.warning, [w.value for w in at.warning]
    assert pd_slider(at).value == 2.0
    s = views(at.query_params["as_of"], PD_TWO).summary
    assert amount(at, "Expected loss") == fmt_amount(s["expected_loss_amt"])
    assert metric(at, "Over limit") == fmt_int(int(s["customers_over_limit"]))
    assert at.query_params["scenario"] == token


def link(data: object) -> str:
    """A link token holding `data` as the page writes one (for tokens the page never writes)."""
    raw = json.dumps(data).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


@pytest.mark.parametrize(("token", "message"), [
    ("garbage", "damaged or incomplete"),
    ("eNqrVipIic8tzSnJLMjJTC1SsjLSM6g", "damaged or incomplete"),  # a link cut short
    (link(["pd_multiplier", 2]), "not a set of levers"),
    (link({"colour": 1}), "unknown lever 'colour'"),
    (link({"pd_multiplier": 1000}), "pd_multiplier = 1000 must be between 0 and 100"),
])
def test_a_damaged_link_is_explained_and_the_policy_shown(app, scenarios, views, token, message):
    at = open_page(app, scenario=token)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    warnings = [shown(w.value) for w in at.warning]
    assert any("The link's scenario could not be read" in w and message in w for w in warnings), warnings
    assert pd_slider(at).value == 1.0
    s = views(at.query_params["as_of"]).summary
    assert amount(at, "Expected loss") == fmt_amount(s["expected_loss_amt"])
    assert amount(at, "Total limit") == fmt_amount(s["total_limit_amt"])
    assert "scenario" not in at.query_params  # the bad link is dropped from the address


def test_a_saved_scenario_appears_in_the_pickers_and_loads(app, scenarios, views):
    at = open_page(app)
    assert at.selectbox(key="wi_chosen").options == []
    pd_slider(at).set_value(2.0).run()
    at.text_input(key="wi_name").input("  Recession   2027 ").run()
    at.button(key="wi_save").click().run()
    assert_clean(at)
    assert any(shown(s.value) == "Saved scenario “Recession 2027”." for s in at.success), [s.value for s in at.success]
    assert at.selectbox(key="wi_chosen").options == ["Recession 2027"]
    assert at.multiselect(key="wi_compare").options == ["Recession 2027"]
    assert json.loads(scenarios.read_text(encoding="utf-8"))["Recession 2027"]["levers"]["pd_multiplier"] == 2.0

    # a fresh session (a restart) lists it, compares it with the base and loads it
    fresh = open_page(app, {"wi_compare": ["Recession 2027"]})
    assert_clean(fresh)
    assert fresh.selectbox(key="wi_chosen").options == ["Recession 2027"]
    assert pd_slider(fresh).value == 1.0
    assert any("Recession 2027" in t.value.columns for t in fresh.dataframe)  # the comparison table
    fresh.selectbox(key="wi_chosen").set_value("Recession 2027").run()
    fresh.button(key="wi_load").click().run()
    assert_clean(fresh)
    assert pd_slider(fresh).value == 2.0
    s = views(fresh.query_params["as_of"], PD_TWO).summary
    assert amount(fresh, "Expected loss") == fmt_amount(s["expected_loss_amt"])


def test_saving_without_a_name_is_refused(app, scenarios):
    at = open_page(app)
    at.button(key="wi_save").click().run()
    assert not at.exception
    assert any("give the scenario a name" in e.value for e in at.error), [e.value for e in at.error]
    assert not scenarios.exists()


def test_a_damaged_store_is_reported_and_the_page_still_works(app, scenarios, views):
    scenarios.write_text("{not json", encoding="utf-8")
    at = open_page(app)
    assert not at.exception, [e.value for e in at.exception]
    assert any("cannot be read" in e.value and "fix or remove it" in e.value for e in at.error)
    assert at.selectbox(key="wi_chosen").options == []
    assert amount(at, "Total limit") == fmt_amount(views(at.query_params["as_of"]).summary["total_limit_amt"])
    assert scenarios.read_text(encoding="utf-8") == "{not json"


def test_reset_to_policy_from_the_widgets(app, scenarios, views):
    # the levers set before the first run (no link yet): Reset brings the policy back
    at = open_page(app, {"wi1_pdm": 3.0, "wi1_lgd": 80.0})
    assert pd_slider(at).value == 3.0
    at.query_params.pop("scenario")  # what the browser's fragment-only rerun sees
    at.button(key="wi_reset").click().run()
    assert_clean(at)
    assert pd_slider(at).value == 1.0
    assert next(s for s in at.slider if s.label == "LGD").value == POLICY.lgd_pct
    s = views(at.query_params["as_of"]).summary
    assert amount(at, "Expected loss") == fmt_amount(s["expected_loss_amt"])
    assert any("Levers: the credit policy" in c.value for c in at.caption)
    assert "scenario" not in at.query_params


def test_reset_to_policy_after_moving_a_lever(app, scenarios, views):
    at = open_page(app)
    pd_slider(at).set_value(2.0).run()
    assert "scenario" in at.query_params
    at.button(key="wi_reset").click().run()
    assert_clean(at)
    assert pd_slider(at).value == 1.0
    assert amount(at, "Expected loss") == fmt_amount(views(at.query_params["as_of"]).summary["expected_loss_amt"])
    assert "scenario" not in at.query_params
