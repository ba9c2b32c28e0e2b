"""The What-if page under AppTest: it opens at no change (every tile equal to the base), its tiles
are the view's and the report's numbers, a lever moves them, "Apply the limit policy" sets the
policy's levers in one click, a link opens its scenario (a damaged one is explained), saved
scenarios appear in the pickers and load in one click, and "No change" goes back to today.

The page ends its fragment by waiting for a background Monte Carlo, so every run here waits
for it too (the conftest's AppTest timeout is 90 s). Scenarios are saved to a file per test
($CREDIT_SCENARIOS), never to the user's home.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from analytics.views import Filters
from analytics.policy import load_policy
from analytics.app.ui import fmt_amount, fmt_int
from analytics.views.whatif import ScenarioView, from_token, scenario_view, today, whatif_inputs
from analytics.data.warehouse import Warehouse
from tests.app.conftest import assert_clean, metric, shown

PAGE = "pages/whatif.py"
POLICY = load_policy().levers  # the app reads the shipped policy too ($CREDIT_POLICY is not set)
TODAY = today(POLICY)  # no change: where the page opens
PD_TWO = replace(POLICY, pd_multiplier=2.0)  # the policy's limits and a stress (a link written before)
TODAY_PD_TWO = replace(TODAY, pd_multiplier=2.0)


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

    def view(as_of: str, levers=TODAY) -> ScenarioView:
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


def test_page_opens_at_no_change(app, scenarios, views):
    at = open_page(app)
    assert_clean(at)
    assert not at.warning, [w.value for w in at.warning]
    assert at.title[0].value == "What-if: limits and stress"
    assert any(c.value.startswith("No change: today's limits") for c in at.caption)
    assert any("Loss quantiles: Monte Carlo" in c.value for c in at.caption)  # the background run finished
    assert "scenario" not in at.query_params  # no change needs no link
    s = views(at.query_params["as_of"]).summary
    assert amount(at, "Total limit") == fmt_amount(s["total_limit_amt"])
    assert metric(at, "Customers over limit") == fmt_int(int(s["customers_over_limit"]))
    assert amount(at, "Amount over limit") == fmt_amount(s["over_limit_amt"])
    assert amount(at, "Sales at risk") == fmt_amount(s["sales_at_risk_amt"])
    assert amount(at, "Expected loss") == fmt_amount(s["expected_loss_amt"])
    assert pd_slider(at).value == 1.0
    assert not scenarios.exists()  # only a save writes the store


TILES = {"Total limit (CNY)": "total_limit_amt", "Customers over limit": "customers_over_limit",
         "Amount over limit (CNY)": "over_limit_amt", "Sales at risk (CNY)": "sales_at_risk_amt",
         "Customers on hold": "customers_on_hold", "Headroom (CNY)": "headroom_amt",
         "Expected loss (CNY)": "expected_loss_amt", "ECL provision (CNY)": "ecl_amt",
         "On watchlist": "watchlist_customers", "Gross exposure (CNY)": "gross_exposure_amt",
         "Top 10 share": "top10_share_pct", "HHI (points)": "hhi_frac",
         "Loss at 99.9 % (CNY)": "loss_quantile_99_9_amt", "Credit VaR 99.9 % (CNY)": "credit_var_99_9_amt",
         "ES 99.9 % (CNY)": "expected_shortfall_99_9_amt"}


def test_with_no_parameters_every_tile_equals_its_base(app, scenarios, views):
    """No link, no lever moved: today's limits and terms, no stress; every tile is its base
    value and no delta is other than zero (the Monte Carlo's too: same levers, same seed)."""
    at = open_page(app)
    assert_clean(at)
    assert sorted(m.label for m in at.metric) == sorted(TILES), [m.label for m in at.metric]
    for tile in at.metric:
        assert not re.search(r"[1-9]", tile.delta or ""), (tile.label, tile.value, tile.delta)
    view = views(at.query_params["as_of"])
    assert view.levers == TODAY
    for key in TILES.values():
        assert view.summary[key] == view.base_summary[key], key
    assert view.summary["customers_limit_up"] == view.summary["customers_limit_down"] == 0
    assert amount(at, "Total limit") == fmt_amount(view.base_summary["total_limit_amt"])
    assert view.changes(only_changed=True).height == 0
    assert any("differs from the base" in i.value for i in at.info)  # no customer changes


def test_tiles_agree_with_the_report(app, scenarios, generated_warehouse, tmp_path, capsys):
    from analytics.cli import main

    at = open_page(app)
    assert_clean(at)
    empty = tmp_path / "policy.toml"
    empty.write_text("", encoding="utf-8")  # no levers: no change, as the page opens
    assert main(["report", "scenario", "--params", str(empty), "--as-of", at.query_params["as_of"],
                 "--warehouse", str(generated_warehouse), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert amount(at, "Total limit") == fmt_amount(doc["total_limit_amt"])
    assert metric(at, "Customers over limit") == fmt_int(doc["customers_over_limit"])
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
    after = views(at.query_params["as_of"], TODAY_PD_TWO).summary["expected_loss_amt"]
    assert after > before
    assert amount(at, "Expected loss") == fmt_amount(after)
    tile = next(m for m in at.metric if m.label == "Expected loss (CNY)")
    assert tile.delta.startswith("+CNY")  # against the base
    assert any(c.value.startswith("Changed from today: PD multiplier.") for c in at.caption)
    assert at.query_params["scenario"] == TODAY_PD_TWO.token(POLICY)  # the link now holds the lever
    # the link reproduces the view
    again = open_page(app, scenario=at.query_params["scenario"])
    assert_clean(again)
    assert pd_slider(again).value == 2.0
    assert amount(again, "Expected loss") == fmt_amount(after)
    assert amount(again, "Total limit") == amount(at, "Total limit")


def test_apply_the_limit_policy_in_one_click(app, scenarios, views):
    at = open_page(app)
    at.button(key="wi_policy").click().run()
    assert_clean(at)
    s = views(at.query_params["as_of"], POLICY).summary
    assert amount(at, "Total limit") == fmt_amount(s["total_limit_amt"])
    assert metric(at, "Customers over limit") == fmt_int(int(s["customers_over_limit"]))
    assert amount(at, "Amount over limit") == fmt_amount(s["over_limit_amt"])
    assert amount(at, "Expected loss") == fmt_amount(s["expected_loss_amt"])  # no stress: as the base
    assert s["total_limit_amt"] != views(at.query_params["as_of"]).summary["total_limit_amt"]
    assert any(c.value.startswith("The credit policy's limits, terms by grade and hold rule, no stress.")
               for c in at.caption)
    assert from_token(at.query_params["scenario"], POLICY) == POLICY  # kept in the link
    # a stress set first stays when the limit policy is applied
    pd_slider(at).set_value(2.0).run()
    at.button(key="wi_today").click().run()
    assert pd_slider(at).value == 1.0 and "scenario" not in at.query_params
    pd_slider(at).set_value(2.0).run()
    at.button(key="wi_policy").click().run()
    assert_clean(at)
    assert pd_slider(at).value == 2.0
    assert from_token(at.query_params["scenario"], POLICY) == PD_TWO
    assert any(c.value.startswith("The credit policy's limits, and changed: PD multiplier.") for c in at.caption)


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
    assert metric(at, "Customers over limit") == fmt_int(int(s["customers_over_limit"]))
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
def test_a_damaged_link_is_explained_and_no_change_shown(app, scenarios, views, token, message):
    at = open_page(app, scenario=token)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    warnings = [shown(w.value) for w in at.warning]
    assert any("The link's scenario could not be read" in w and message in w and "no change" in w
               for w in warnings), warnings
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
    fresh.selectbox(key="wi_chosen").set_value("Recession 2027").run()  # one click: picking it loads it
    assert_clean(fresh)
    assert pd_slider(fresh).value == 2.0
    s = views(fresh.query_params["as_of"], TODAY_PD_TWO).summary
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


def test_no_change_from_the_widgets(app, scenarios, views):
    # the levers set before the first run (no link yet): "No change" brings today back
    at = open_page(app, {"wi1_pdm": 3.0, "wi1_lgd": 80.0})
    assert pd_slider(at).value == 3.0
    at.query_params.pop("scenario")  # what the browser's fragment-only rerun sees
    at.button(key="wi_today").click().run()
    assert_clean(at)
    assert pd_slider(at).value == 1.0
    assert next(s for s in at.slider if s.label == "LGD").value == POLICY.lgd_pct
    s = views(at.query_params["as_of"]).summary
    assert amount(at, "Expected loss") == fmt_amount(s["expected_loss_amt"])
    assert any(c.value.startswith("No change: today's limits") for c in at.caption)
    assert "scenario" not in at.query_params


def test_no_change_after_moving_a_lever(app, scenarios, views):
    at = open_page(app)
    pd_slider(at).set_value(2.0).run()
    assert "scenario" in at.query_params
    at.button(key="wi_today").click().run()
    assert_clean(at)
    assert pd_slider(at).value == 1.0
    assert amount(at, "Expected loss") == fmt_amount(views(at.query_params["as_of"]).summary["expected_loss_amt"])
    assert "scenario" not in at.query_params
