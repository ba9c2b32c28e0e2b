"""Rating-model timings at the bench's scale, as JSON (reported, never asserted).

    python bench/rating.py [WAREHOUSE_DIR]     # default bench/.cache/wh-10m

On a copy of the warehouse: reads the observation points (every customer at every
month-end), scores them all with the expert scorecard, trains the statistical model and the
challenger on the development sample as the policy caps it ([scoring.training]
max_observations) and, side by side, on every development point (the plain way: no cap),
scores every customer-month with each, and runs the whole rating step as a load does
(analytics.data.rating.rate: three models, validation, model tables, ratings and the
customer snapshot's grades), with its peak RSS. Then `python -m analytics score` end to end.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from analytics.data.rating import _behavioural, rate  # noqa: E402
from analytics.data.warehouse import _run_file, current_path, query  # noqa: E402
from analytics.policy import load_policy  # noqa: E402
from analytics.risk.challenger import train_challenger  # noqa: E402
from analytics.risk.scorecard import CHARACTERISTICS, NOT_TRAINED, score_customers  # noqa: E402
from analytics.risk.statistical import train_statistical  # noqa: E402
from analytics.risk.validation import TARGET, split_sample  # noqa: E402


def seconds(fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    out = fn()
    return round(time.perf_counter() - started, 2), out


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / ".cache" / "wh-10m"
    policy = load_policy()
    settings = policy.rating
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
        copy = Path(tmp) / "wh.duckdb"
        shutil.copyfile(current_path(folder), copy)
        con = duckdb.connect(str(copy))
        info = dict(con.sql("select key, value from warehouse_info").fetchall())
        extracted = date.fromisoformat(info["extracted_on"])
        t, obs = seconds(lambda: query(con, "model_observations", horizon_months=settings.default.horizon_months,
                                       extracted_on=extracted))
        results["observation points"] = obs.height
        results["read observation points s"] = t
        first = date.fromisoformat(info["first_document_date"])
        from analytics.data.rating import _month_end

        train_from = _month_end(first, settings.training.min_history_months - 1)
        sample = split_sample(obs, settings.training.out_of_time_months, settings.training.max_observations,
                              settings.training.seed, None, train_from)
        full = split_sample(obs, settings.training.out_of_time_months, 10**9, settings.training.seed, None,
                            train_from)
        results["development points (all)"] = full.development.height
        results["development points (capped)"] = sample.development.height
        results["development defaults (capped)"] = sample.development_defaults
        t, _ = seconds(lambda: score_customers(policy.expert_scorecard, policy.application_scorecard, obs,
                                               settings.application_months))
        results["expert scorecard, every customer-month s"] = t
        names = [n for n in CHARACTERISTICS if n not in NOT_TRAINED]
        for label, smp in (("capped", sample), ("all points, plain", full)):
            dev = _behavioural(smp.development, policy)
            t, stat = seconds(lambda: train_statistical(dev, dev[TARGET].to_numpy(), names, settings.statistical))
            results[f"statistical model training, {label} s"] = t
            t, ml = seconds(lambda: train_challenger(dev, dev[TARGET].to_numpy(), names, settings.challenger))
            results[f"challenger training, {label} s"] = t
            if label == "capped":
                t, _ = seconds(lambda: stat.score(obs))
                results["statistical model, scoring every customer-month s"] = t
                t, _ = seconds(lambda: ml.score(obs))
                results["challenger, scoring every customer-month s"] = t
                latest = obs.filter(obs["snapshot_date"] == obs["snapshot_date"].max())
                t, _ = seconds(lambda: ml.reasons(latest))
                results["challenger reasons, latest month-end s"] = t
        del obs, sample, full
        _run_file(con, "rating/restore_ratings")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t, run = seconds(lambda: rate(con, policy, info, train=True))
        results["rating step as at load (3 models, validation, ratings) s"] = t
        results["rating step model status"] = run.status
        results["peak RSS of this process MB"] = round(max(before, resource.getrusage(
            resource.RUSAGE_SELF).ru_maxrss) / 1024)
        auroc = con.sql("select model, sample, round(auroc, 3) from model_discrimination order by 1, 2").fetchall()
        results["AUROC"] = {f"{m} {s}": a for m, s, a in auroc}
        con.close()
    # the CLI end to end on its own copy of the folder (a new version is written)
    with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
        dest = Path(tmp) / "wh"
        dest.mkdir()
        shutil.copyfile(current_path(folder), dest / current_path(folder).name)
        (dest / "CURRENT").write_text(current_path(folder).name + "\n", encoding="utf-8")
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "analytics", "score", "--warehouse", str(dest)],
                              cwd=ROOT, capture_output=True, text=True, env={**os.environ})
        results["python -m analytics score, end to end s"] = round(time.perf_counter() - started, 1)
        results["score exit code"] = proc.returncode
    print(json.dumps(results))


if __name__ == "__main__":
    main()
