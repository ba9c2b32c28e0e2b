"""Background jobs that belong to the sessions waiting for them (the what-if's Monte Carlo).

Each job runs on its own daemon thread, so one session's long run never queues another
session's answer behind it (they share the CPU instead). Sessions say which jobs they
want on every run of their page; a job nobody wants any more (the session moved a lever,
or left) is cancelled at its next checkpoint, and so is every job once the server shuts
down (SIGTERM), which never waits for them. Two sessions asking for the same job share
one run; finished results are kept for reuse (the last `keep`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any

from analytics.risk.loss import Cancelled  # noqa: F401 - what a cancelled job raises, named here for callers


Work = Callable[[Callable[[], bool]], Any]  # the job, given a `cancelled()` to check between steps


class JobBoard:
    """The jobs of every session of one server. `is_active(session_id)` says whether a
    session is still connected (Streamlit's runtime in the app; a stub in tests)."""

    def __init__(self, is_active: Callable[[str], bool], keep: int = 64) -> None:
        self._is_active = is_active
        self._keep = keep
        self._lock = threading.Lock()
        self._jobs: OrderedDict[Hashable, Future[Any]] = OrderedDict()
        self._wanted: dict[str, set[Hashable]] = {}  # session -> the jobs its page shows now
        self.stopping = threading.Event()

    def want(self, session: str, work: dict[Hashable, Work]) -> dict[Hashable, Future[Any]]:
        """The jobs a session's page shows now, started when not running or done; every job
        the session wanted before and does not now is let go (cancelled if nobody else
        wants it)."""
        with self._lock:
            self._wanted[session] = set(work)
            out = {}
            for key, fn in work.items():
                job = self._jobs.get(key)
                if job is None or (job.done() and isinstance(job.exception(), Cancelled)):
                    job = Future()
                    job.set_running_or_notify_cancel()
                    self._jobs[key] = job
                    threading.Thread(target=self._run, args=(key, job, fn), daemon=True,
                                     name=f"job-{len(self._jobs)}").start()
                self._jobs.move_to_end(key)
                out[key] = job
            self._trim()
            return out

    def leave(self, session: str) -> None:
        """The session is gone: its jobs are let go."""
        with self._lock:
            self._wanted.pop(session, None)

    def stop(self) -> None:
        """The server stops: every running job is cancelled at its next checkpoint."""
        self.stopping.set()

    def clear(self) -> None:
        """Forget the finished results (the next ask runs again); running jobs go on."""
        with self._lock:
            for key in [k for k, job in self._jobs.items() if job.done()]:
                del self._jobs[key]

    def running(self) -> int:
        with self._lock:
            return sum(not job.done() for job in self._jobs.values())

    def _is_wanted(self, key: Hashable) -> bool:
        if self.stopping.is_set():
            return False
        with self._lock:
            sessions = [s for s, keys in self._wanted.items() if key in keys]
        gone = [s for s in sessions if not self._is_active(s)]
        if gone:
            with self._lock:
                for s in gone:
                    self._wanted.pop(s, None)
        return len(sessions) > len(gone)

    def _run(self, key: Hashable, job: Future[Any], fn: Work) -> None:
        try:
            result = fn(lambda: not self._is_wanted(key))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
            job.set_exception(exc)
        else:
            job.set_result(result)

    def _trim(self) -> None:
        done = [k for k, job in self._jobs.items() if job.done()]
        for key in done[: max(0, len(done) - self._keep)]:
            del self._jobs[key]
