"""Page timings against the warehouse in $CREDIT_WAREHOUSE, printed as one JSON object.

Run in its own process by bench/run.py, so that process's peak RSS is the
dashboard server's. For every page: the full server-side script run under
Streamlit's AppTest, cold (caches cleared before each run: what the first
viewer of a new as-of date or filter waits for) and warm (cached, what the
committee sees when it flips back); and the view functions alone (the queries
plus the pure computations, no Streamlit).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from analytics.views import Filters  # noqa: E402
from analytics.policy import load_policy  # noqa: E402
from analytics.views import aging_distribution, calendar, customer_file, dated, exposure_view  # noqa: E402
from analytics.risk import migration  # noqa: E402
from analytics.views.monitoring import (migration_view, monitoring_inputs, review_view,  # noqa: E402
                                        watchlist_view)
from analytics.views.receivables import (aging_view, collections_view, kpi_view, provision_view,  # noqa: E402
                                         reconciliation_view)
from analytics.data.warehouse import Warehouse  # noqa: E402
from analytics.app import ui  # noqa: E402
from analytics.risk import whatif  # noqa: E402
from analytics.policy.levers import base_of, from_mapping  # noqa: E402
from analytics.views.whatif import run_monte_carlo, scenario_view, whatif_inputs  # noqa: E402

REPEATS = 7


def median_ms(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    """Median wall time of fn in milliseconds (one untimed warm-up run first)."""
    fn()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def page_ms(page: str | None, params: dict[str, str], cold: bool, repeats: int = 5) -> float:
    """Median ms of one full server-side run of a page (after an untimed run that opens the app)."""
    times = []
    for _ in range(repeats + 1):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        if page:
            at.switch_page(page)
        if cold:
            clear_caches()
        started = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - started) * 1000)
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception[0].value}")
    return round(statistics.median(times[1:]), 1)


def clear_caches() -> None:
    st.cache_data.clear()
    for fn in (ui.cached_whatif_inputs, ui.cached_base_outcome, ui.cached_scenario_view):
        fn.clear()
    ui.MONTE_CARLO.clear()  # finished Monte Carlo runs: the cold run simulates again
    ui.get_warehouse()._overlays.clear()  # an on-demand date is built again


def on_demand_day(cal: object) -> object:
    """A day that has no pre-built snapshot: 15 days before the extraction date (or the
    month-end before it, less a day)."""
    from datetime import timedelta

    day = cal.latest - timedelta(days=15)  # type: ignore[attr-defined]
    while cal.is_snapshot(day):  # type: ignore[attr-defined]
        day -= timedelta(days=1)
    return day


def main() -> None:
    policy = load_policy()
    wh = Warehouse()
    cal = calendar(wh)
    as_of = cal.latest
    probe = exposure_view(wh, as_of, Filters(), policy)
    top_customer = str(probe.largest["customer_id"][0])
    results: dict[str, object] = {"as_of": as_of.isoformat(), "customer": top_customer}

    inputs = monitoring_inputs(wh, as_of, Filters(), policy)
    tighter = tuple(r.with_entry(r.entry * 0.9) if r.key == "utilization" else r for r in policy.watch_rules)
    views = {
        "exposure_view": lambda: exposure_view(wh, as_of, Filters(), policy),
        "exposure_view_filtered": lambda: exposure_view(wh, as_of, Filters(segments=("core",)), policy),
        "aging_distribution": lambda: aging_distribution(wh, as_of, Filters(), policy),
        "customer_file": lambda: customer_file(wh, top_customer, as_of, policy),
        "aging_view": lambda: aging_view(wh, as_of, Filters(), policy),
        "kpi_view": lambda: kpi_view(wh, as_of, Filters(), policy),
        "provision_view": lambda: provision_view(wh, as_of, Filters(), policy),
        "collections_view": lambda: collections_view(wh, as_of, Filters(), policy),
        "migration_view": lambda: migration_view(wh, migration.years_before(as_of, 1), as_of, Filters(), policy),
        "monitoring_inputs": lambda: monitoring_inputs(wh, as_of, Filters(), policy),
        "watchlist_view (inputs cached: a slider move)": lambda: watchlist_view(inputs, policy, tighter),
        "review_view (inputs cached)": lambda: review_view(inputs, policy),
    }
    wi = whatif_inputs(wh, as_of, Filters(), policy)
    stress = from_mapping({"pd_multiplier": 1.5, "downgrade_notches": 1, "payment_delay_days": 10,
                           "sales_growth_pct": 5.0}, policy.levers)
    base = whatif.run(wi, base_of(stress, wi.policy_levers))
    outcome = whatif.run(wi, stress)
    views.update({
        "whatif_inputs (once per date and filter)": lambda: whatif_inputs(wh, as_of, Filters(), policy),
        "what-if lever move: policy limits (base cached)": lambda: scenario_view(wi, policy.levers, base=base),
        "what-if lever move: limits + stress (base cached)": lambda: scenario_view(wi, stress, base=base),
        "what-if changes table (all customers)": lambda: whatif.changes(wi, base, outcome, only_changed=True),
    })
    day = on_demand_day(cal)
    results["on_demand_day"] = day.isoformat()

    def build_overlay() -> object:
        wh._overlays.clear()
        return dated(wh, day)

    views.update({
        "reconciliation_view": lambda: reconciliation_view(wh, as_of, Filters(), policy),
        f"on-demand date {day}: building its snapshot (once per day)": build_overlay,
        f"on-demand date {day}: exposure_view (snapshot built)": lambda: exposure_view(wh, day, Filters(), policy),
        f"on-demand date {day}: aging_view (snapshot built)": lambda: aging_view(wh, day, Filters(), policy),
        f"on-demand date {day}: collections_view (snapshot built)": lambda: collections_view(wh, day, Filters(),
                                                                                             policy),
    })
    results["views_ms"] = {name: median_ms(fn, 3 if "building" in name else REPEATS) for name, fn in views.items()}
    results["views_ms"]["what-if Monte Carlo, 20,000 years (background)"] = median_ms(
        lambda: run_monte_carlo(wi, outcome), repeats=3)
    results["whatif_customers"] = wi.size

    pages = {
        "Portfolio exposure": (None, {}),
        "Receivables aging": ("pages/aging.py", {}),
        "Payment KPIs": ("pages/kpis.py", {}),
        "Roll rates and provisions": ("pages/provisions.py", {}),
        "Collections worklist": ("pages/collections.py", {}),
        "Watchlist": ("pages/watchlist.py", {}),
        "Rating migration": ("pages/migration.py", {}),
        "Review schedule": ("pages/reviews.py", {}),
        "Customer credit file": ("pages/customer.py", {"customer": top_customer}),
        "What-if (Monte Carlo included)": ("pages/whatif.py", {}),
        "Data and policy": ("pages/data.py", {}),
        "Credit scoring": ("pages/scoring.py", {}),
        "Credit scoring, statistical model": ("pages/scoring.py", {"model": "statistical"}),
        "Limit recommendations": ("pages/limits.py", {}),
        f"Portfolio exposure at an on-demand date ({day})": (None, {"as_of": day.isoformat()}),
        f"Receivables aging at an on-demand date ({day})": ("pages/aging.py", {"as_of": day.isoformat()}),
    }
    page_results = {}
    for name, (page, params) in pages.items():
        page_results[name] = {"cold_ms": page_ms(page, params, cold=True),
                              "warm_ms": page_ms(page, params, cold=False)}
    results["pages"] = page_results
    wh.close()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
