"""The build lock: re-entrant within a thread (the first-run build nests it), exclusive across threads."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from analytics.data.warehouse import build_lock


def _in_thread(fn, timeout: float = 10.0) -> bool:
    """Run fn in a thread; True when it finished within the timeout (False = deadlock)."""
    done = threading.Event()

    def run() -> None:
        fn()
        done.set()

    threading.Thread(target=run, daemon=True).start()
    return done.wait(timeout)


def test_nested_lock_in_one_thread_does_not_deadlock(tmp_path: Path):
    def nested() -> None:
        with build_lock(tmp_path):
            with build_lock(tmp_path):
                pass
            with build_lock(tmp_path):
                pass

    assert _in_thread(nested)


def test_lock_excludes_another_thread(tmp_path: Path):
    order: list[str] = []
    entered = threading.Event()

    def holder() -> None:
        with build_lock(tmp_path):
            entered.set()
            time.sleep(0.4)
            order.append("holder done")

    def waiter() -> None:
        entered.wait(5)
        with build_lock(tmp_path):
            order.append("waiter in")

    t1 = threading.Thread(target=holder)
    t2 = threading.Thread(target=waiter)
    t1.start()
    t2.start()
    t1.join(10)
    t2.join(10)
    assert order == ["holder done", "waiter in"]


def test_sample_if_missing_keeps_an_existing_warehouse(tiny_warehouse: Path):
    from analytics.cli import build_sample
    from analytics.data.warehouse import current_path

    before = current_path(tiny_warehouse)
    assert build_sample(tiny_warehouse, progress=lambda _m: None, if_missing=True) == before
    assert current_path(tiny_warehouse) == before
