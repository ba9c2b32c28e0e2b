"""The decision side's timings, as JSON (reported, never asserted).

    python bench/decisions.py [WAREHOUSE_DIR] [--pg URL]   # default bench/.cache/wh-10m

On the warehouse (read-only; the decisions store is a throwaway one per run):
- a customer's picture as an application freezes it, and the committee's agenda;
- the decided-limits overlay: one decided limit effective at the latest snapshot date, the
  per-date marts rebuilt for it, against the plain way (a full reload of the export, the
  load time in bench/results/10m.json); then the exposure view on the overlay and plain;
- the store: submit + decide of 200 applications on SQLite and, with --pg, PostgreSQL,
  side by side; the audit check over the entries they wrote;
- the committee pack of that agenda as PDF and XLSX.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402

from analytics.data.warehouse import Warehouse  # noqa: E402
from analytics.policy import load_policy  # noqa: E402
from analytics.policy.access import Actor  # noqa: E402
from analytics.store.decisions import ApplicationRequest, DecisionStore  # noqa: E402
from analytics.views import Filters, calendar, exposure_view  # noqa: E402
from analytics.views.decisions import committee_pack, customer_picture, propose_agenda  # noqa: E402

ANALYST = Actor("ana", "Ana", ("credit_analyst",))
MANAGER = Actor("max", "Max", ("credit_manager",))
CFO = Actor("chen", "Chen", ("cfo",))


def timed(fn, repeat: int = 1):  # type: ignore[no-untyped-def]
    times, out = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - started) * 1000)
    return out, times


def store_round(url: str, policy, picture, n: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    store = DecisionStore(policy, url=url)
    moment = datetime.now(timezone.utc)
    limit = picture.current_limit_amt or 100_000.0
    submit_ms, decide_ms = [], []
    for i in range(n):
        request = ApplicationRequest(picture.customer_id, "limit_increase", f"raise {i}",
                                     requested_limit_amt=limit + 10_000 + i)
        app_id, t = timed(lambda: store.submit(ANALYST, request, picture, now=moment))
        submit_ms += t
        level = store.application(app_id)["required_level"]
        decider = MANAGER if level == "credit manager" else CFO
        _, t = timed(lambda: store.decide(decider, app_id, 1, "declined", "bench", now=moment))
        decide_ms += t
    check, verify_ms = timed(store.verify_audit)
    store.engine.dispose()
    return {"submit_median_ms": round(statistics.median(submit_ms), 2),
            "decide_median_ms": round(statistics.median(decide_ms), 2),
            "audit_entries": check.entries, "audit_verify_ms": round(verify_ms[0], 1), "audit_ok": check.ok}


def main() -> None:
    args = sys.argv[1:]
    pg = None
    if "--pg" in args:
        pg = args[args.index("--pg") + 1]
        args = [a for a in args if a not in ("--pg", pg)]
    folder = Path(args[0]) if args else ROOT / "bench" / ".cache" / "wh-10m"
    policy = load_policy()
    work = Path(tempfile.mkdtemp(prefix="bench-decisions-"))
    sqlite_url = f"sqlite:///{work / 'decisions.sqlite'}"
    out: dict[str, object] = {"warehouse": str(folder), "machine": "2 cores", "n_applications": 200}

    wh = Warehouse(folder)
    cal = calendar(wh)
    latest = cal.latest
    customers = wh.query("customer_search", text="C0", max_rows=200)["customer_id"].to_list()
    picture, cold = timed(lambda: customer_picture(wh, customers[0], latest, policy))
    _, warm = timed(lambda: customer_picture(wh, customers[1], latest, policy), repeat=3)
    for customer in customers:  # one whose raise a credit manager or the CFO decides
        picture = customer_picture(wh, customer, latest, policy)
        limit = picture.current_limit_amt or 0.0
        amount = max(picture.group_limit_amt - limit + limit + 50_000, picture.group_exposure_amt)
        if limit and policy.authority.route("limit_increase", amount, picture.grade, picture.segment).level_index < 2:
            break
    out["picture_ms"] = {"cold": round(cold[0], 1), "warm_median": round(statistics.median(warm), 1)}
    store = DecisionStore(policy, url=sqlite_url)
    agenda, t = timed(lambda: propose_agenda(wh, store, latest, latest + timedelta(days=7), policy))
    out["agenda_ms"] = round(t[0], 1)
    out["agenda_items"] = agenda.height
    _, plain_view = timed(lambda: exposure_view(wh, latest, Filters(), policy), repeat=3)

    # one decided limit in force at the latest snapshot: the overlay rebuilds that date's marts
    moment = datetime.combine(latest, datetime.min.time(), timezone.utc)
    big = ApplicationRequest(picture.customer_id, "limit_increase", "bench",
                             requested_limit_amt=(picture.current_limit_amt or 0) + 50_000)
    app_id = store.submit(ANALYST, big, picture, now=moment)
    level = store.application(app_id)["required_level"]
    store.decide(MANAGER if level == "credit manager" else CFO, app_id, 1, "approved", "bench", now=moment)
    decided = store.decided_limits()
    overlay, t = timed(lambda: Warehouse(folder, decided=decided, stamp=1))
    out["decided_overlay_build_ms"] = round(t[0], 1)
    _, overlay_view = timed(lambda: exposure_view(overlay, latest, Filters(), policy), repeat=3)
    out["exposure_view_ms"] = {"plain_median": round(statistics.median(plain_view), 1),
                               "on_overlay_median": round(statistics.median(overlay_view), 1)}
    results = ROOT / "bench" / "results" / "10m.json"
    if results.exists() and "wh-10m" in str(folder):
        load = json.loads(results.read_text()).get("load", {})
        out["plain_way_full_reload_s"] = load.get("seconds") or load.get("load_s") or load
    overlay.close()

    pdf, t = timed(lambda: committee_pack(wh, store, policy, as_of=latest, fmt="pdf"))
    out["pack_pdf_ms"] = round(t[0], 1)
    out["pack_pdf_bytes"] = len(pdf)
    xlsx, t = timed(lambda: committee_pack(wh, store, policy, as_of=latest, fmt="xlsx"))
    out["pack_xlsx_ms"] = round(t[0], 1)
    wh.close()

    out["store_sqlite"] = store_round(f"sqlite:///{work / 'round.sqlite'}", policy, picture, 200)
    if pg:
        out["store_postgresql"] = store_round(pg, policy, picture, 200)
    print(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
