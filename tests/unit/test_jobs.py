"""Issue 11, part 4: one user cannot starve the others. Monte Carlo runs belong to the
sessions that want them: each on its own thread, cancelled when nobody wants it any more
(levers moved, session gone, server stopping); links cannot ask for unbounded work."""

from __future__ import annotations

import base64
import json
import threading
import time
import zlib

import numpy as np
import pytest

from analytics.app.jobs import Cancelled, JobBoard
from analytics.policy.levers import MAX_MONTE_CARLO_WORK, LeverError, from_mapping, from_token
from analytics.policy import DEFAULT_POLICY_PATH, load_policy
from analytics.risk.whatif import simulate_losses

POLICY = load_policy(DEFAULT_POLICY_PATH).levers


def slow(seconds: float, result: str = "done"):
    """A job of `seconds` that checks for cancellation every 10 ms."""
    def work(cancelled):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if cancelled():
                raise Cancelled("stopped")
            time.sleep(0.01)
        return result
    return work


def wait_done(future, timeout: float = 5.0) -> float:
    started = time.monotonic()
    while not future.done():
        assert time.monotonic() - started < timeout, "the job did not finish in time"
        time.sleep(0.01)
    return time.monotonic() - started


@pytest.fixture()
def board():
    active = {"A", "B"}
    board = JobBoard(lambda s: s in active)
    board.active = active  # type: ignore[attr-defined]
    yield board
    board.stop()


def test_a_long_run_of_one_session_does_not_queue_another(board):
    long = board.want("A", {"big": slow(30)})["big"]
    quick = board.want("B", {"small": slow(0.05, "quick")})["small"]
    assert wait_done(quick, 2.0) < 2.0 and quick.result() == "quick"
    assert not long.done()


def test_moving_a_lever_cancels_the_run_nobody_wants(board):
    first = board.want("A", {"levers-1": slow(30)})["levers-1"]
    board.want("A", {"levers-2": slow(0.05)})
    assert wait_done(first, 2.0) < 2.0
    with pytest.raises(Cancelled):
        first.result()


def test_a_run_two_sessions_want_is_shared_and_kept_while_one_still_wants_it(board):
    a = board.want("A", {"same": slow(0.3, "shared")})["same"]
    b = board.want("B", {"same": slow(0.3, "other")})["same"]
    assert a is b
    board.want("A", {"elsewhere": slow(0.01)})
    wait_done(a)
    assert a.result() == "shared"


def test_a_session_that_leaves_lets_its_run_go(board):
    job = board.want("A", {"k": slow(30)})["k"]
    board.active.discard("A")  # type: ignore[attr-defined]
    assert wait_done(job, 2.0) < 2.0
    with pytest.raises(Cancelled):
        job.result()


def test_a_cancelled_run_asked_again_starts_afresh(board):
    job = board.want("A", {"k": slow(30)})["k"]
    board.want("A", {})
    wait_done(job)
    again = board.want("A", {"k": slow(0.01, "again")})["k"]
    assert again is not job
    wait_done(again)
    assert again.result() == "again"


def test_stopping_the_server_stops_every_run_promptly(board):
    jobs = [board.want(s, {f"k{s}": slow(30)})[f"k{s}"] for s in ("A", "B")]
    board.stop()
    for job in jobs:
        assert wait_done(job, 2.0) < 2.0
    assert board.running() == 0
    assert all(t.daemon for t in threading.enumerate() if t.name.startswith("job-"))


def test_the_simulation_itself_stops_between_chunks():
    n = 5_000
    rng = np.random.default_rng(1)
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled, match="after 3,000 of 1,000,000 years"):
        simulate_losses(rng.uniform(1, 100, n), np.full(n, 0.01), np.full(n, 0.2), np.zeros(n, dtype=np.int64), 1.0,
                        1_000_000, 1, 100, cancelled=cancelled)


def test_a_link_cannot_ask_for_unbounded_monte_carlo():
    with pytest.raises(LeverError, match="simulations"):
        from_mapping({"simulations": 1_000_000}, POLICY, "link")
    with pytest.raises(LeverError, match="individual_names"):
        from_mapping({"individual_names": 100_000}, POLICY, "link")
    with pytest.raises(LeverError, match=f"more than the {MAX_MONTE_CARLO_WORK:,} one run may take"):
        from_mapping({"simulations": 200_000, "individual_names": 20_000}, POLICY, "link")
    greedy = {"simulations": 1_000_000, "individual_names": 100_000}
    token = base64.urlsafe_b64encode(zlib.compress(json.dumps(greedy).encode())).decode().rstrip("=")
    with pytest.raises(LeverError, match="link: simulations"):
        from_token(token, POLICY)
    for raw in (b"[" * 5_000 + b"]" * 5_000, json.dumps({"seed": 1, "pad": "x" * 100_000}).encode()):
        token = base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")
        with pytest.raises(LeverError, match="link"):
            from_token(token, POLICY)
    with pytest.raises(LeverError, match="longer than"):
        from_token("A" * 10_000, POLICY)
