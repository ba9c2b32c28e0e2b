"""Saved what-if scenarios: a small JSON file beside the user's home (not the warehouse
file, which the loader replaces), so scenarios survive restarts and new data loads.

$CREDIT_SCENARIOS names the file; default ~/.credit-dashboard/scenarios.json. Each
scenario keeps every lever (not only the changed ones), so it means the same thing after
the policy file changes.

Saves and deletes from concurrent sessions are serialised by a file lock (filelock) held
around read-modify-write, and each write replaces the file atomically, so no save is lost
and no reader sees half a file. A store file that is too large or nested too deeply to be
a scenario file is refused with a message (in the interface's language)."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from analytics.formats import fmt_int, fmt_number
from analytics.i18n import _
from analytics.policy.levers import Levers, LeverError, from_mapping

STORE_ENV = "CREDIT_SCENARIOS"
MAX_NAME = 60
MAX_SCENARIOS = 200
MAX_STORE_BYTES = 2_000_000  # 200 scenarios of every lever take about 200 kB
LOCK_TIMEOUT_S = 10.0


class StoreError(ValueError):
    """The store cannot be read or written, or a name is not acceptable."""


def store_path() -> Path:
    return Path(os.environ.get(STORE_ENV) or Path.home() / ".credit-dashboard" / "scenarios.json")


def full_mapping(levers: Levers) -> dict[str, object]:
    """Every lever by name, unset ones as None (so loading clears what the policy sets)."""
    out = levers.to_mapping()
    for f in fields(levers):
        if f.name != "scale" and f.name not in out:
            out[f.name] = None
    return out


class ScenarioStore:
    """Named scenarios in one JSON file; writes go to a temporary file then replace it."""

    def __init__(self, path: Path | None = None):
        self.path = path or store_path()
        self._lock = FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT_S)

    @property
    def label(self) -> str:
        """How messages name the store: its file name, never the server's path."""
        return _("the scenario store ({file})").format(file=self.path.name)

    def _read(self) -> dict[str, dict[str, object]]:
        if not self.path.exists():
            return {}
        try:
            if self.path.stat().st_size > MAX_STORE_BYTES:
                raise StoreError(_("{store} is larger than {n} bytes, too large to be a scenario file; the server's "
                                   "administrator should fix or remove it").format(store=self.label,
                                                                                   n=fmt_int(MAX_STORE_BYTES)))
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as exc:
            if isinstance(exc, StoreError):
                raise
            why = _("nested too deeply") if isinstance(exc, RecursionError) else type(exc).__name__
            raise StoreError(_("{store} cannot be read ({why}); the server's administrator should fix or "
                               "remove it").format(store=self.label, why=why)) from None
        if not isinstance(data, dict) or not all(isinstance(v, dict) and isinstance(v.get("levers"), dict)
                                                 for v in data.values()):
            raise StoreError(_("{store} is not a scenario file; the server's administrator should fix or "
                               "remove it").format(store=self.label))
        return data

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the store's lock for one read-modify-write (acquired once, released on exit)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock.acquire()
        except Timeout:
            raise StoreError(_("{store} is busy (another session has been saving for {seconds} s); try "
                               "again").format(store=self.label, seconds=fmt_number(LOCK_TIMEOUT_S))) from None
        except OSError as exc:
            raise StoreError(_("cannot write {store} ({why})").format(store=self.label, why=exc.strerror)) from None
        try:
            yield
        finally:
            self._lock.release()

    def names(self) -> list[str]:
        return sorted(self._read(), key=str.casefold)

    def load(self, name: str, base: Levers) -> Levers:
        data = self._read()
        if name not in data:
            raise StoreError(_("no saved scenario named {name}").format(name=repr(name)))
        try:
            return from_mapping(data[name]["levers"], base,  # type: ignore[arg-type]
                                _("scenario {name}").format(name=repr(name)))
        except LeverError as exc:
            raise StoreError(_("{why} (the saved scenario no longer fits the policy's rating scale)").format(
                why=exc)) from None

    def save(self, name: str, levers: Levers) -> None:
        clean = " ".join(name.split())
        if not clean:
            raise StoreError(_("give the scenario a name"))
        if len(clean) > MAX_NAME:
            raise StoreError(_("a scenario name has at most {n} characters").format(n=fmt_int(MAX_NAME)))
        entry = {"levers": full_mapping(levers), "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        with self._locked():
            data = self._read()
            if clean not in data and len(data) >= MAX_SCENARIOS:
                raise StoreError(_("the store holds {n} scenarios; delete some first").format(n=fmt_int(MAX_SCENARIOS)))
            data[clean] = entry
            self._write(data)

    def delete(self, name: str) -> None:
        with self._locked():
            data = self._read()
            if data.pop(name, None) is not None:
                self._write(data)

    def _write(self, data: dict[str, dict[str, object]]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".scenarios-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(data, fh, indent=1, sort_keys=True)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise StoreError(_("cannot write {store} ({why})").format(store=self.label, why=exc.strerror)) from None
