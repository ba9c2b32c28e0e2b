"""What-if timings on the warehouse in $CREDIT_WAREHOUSE (default ./warehouse), as JSON.

The slider path is `scenario_view` on inputs fetched once with the base cached, what
the page's fragment runs on a lever move; the Monte Carlo runs in a background thread
while the closed form is shown. Reported, never asserted."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.risk import whatif  # noqa: E402
from analytics.views import Filters  # noqa: E402
from analytics.policy.levers import base_of, from_mapping  # noqa: E402
from analytics.policy import load_policy  # noqa: E402
from analytics.views.whatif import run_monte_carlo, scenario_view, whatif_inputs  # noqa: E402
from analytics.data.warehouse import Warehouse  # noqa: E402
from bench.pages import median_ms  # noqa: E402


def main() -> None:
    policy = load_policy()
    wh = Warehouse()
    as_of = wh.query("snapshot_dates")["snapshot_date"].max()
    inputs = whatif_inputs(wh, as_of, Filters(), policy)
    stress = from_mapping({"pd_multiplier": 1.5, "downgrade_notches": 1, "payment_delay_days": 10,
                           "sales_growth_pct": 5.0}, policy.levers)
    appetite = from_mapping({"risk_appetite": 1.2}, policy.levers)
    base = whatif.run(inputs, base_of(stress, inputs.policy_levers))
    outcome = whatif.run(inputs, stress)
    results = {
        "customers": inputs.size,
        "whatif_inputs_ms (once per date and filter)": median_ms(
            lambda: whatif_inputs(wh, as_of, Filters(), policy), repeats=3),
        "lever move: risk appetite ms": median_ms(lambda: scenario_view(inputs, appetite, base=base), repeats=15),
        "lever move: policy limits ms": median_ms(lambda: scenario_view(inputs, policy.levers, base=base),
                                                  repeats=15),
        "lever move: limits + PD x1.5, 1 notch, 10 days delay, +5 % sales ms": median_ms(
            lambda: scenario_view(inputs, stress, base=base), repeats=15),
        "changes table (changed customers) ms": median_ms(
            lambda: whatif.changes(inputs, base, outcome, only_changed=True)),
        "Monte Carlo 20,000 years (background) ms": median_ms(lambda: run_monte_carlo(inputs, outcome), repeats=3),
    }
    wh.close()
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
