"""Saved what-if scenarios: a small JSON file beside the user's home (not the warehouse
file, which the loader replaces), so scenarios survive restarts and new data loads.

$CREDIT_SCENARIOS names the file; default ~/.credit-dashboard/scenarios.json. Each
scenario keeps every lever (not only the changed ones), so it means the same thing after
the policy file changes."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path

from analytics.levers import Levers, LeverError, from_mapping

STORE_ENV = "CREDIT_SCENARIOS"
MAX_NAME = 60
MAX_SCENARIOS = 200


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

    def _read(self) -> dict[str, dict[str, object]]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"the scenario store {self.path} cannot be read ({exc}); fix or remove it") from None
        if not isinstance(data, dict) or not all(isinstance(v, dict) and isinstance(v.get("levers"), dict)
                                                 for v in data.values()):
            raise StoreError(f"the scenario store {self.path} is not a scenario file; fix or remove it")
        return data

    def names(self) -> list[str]:
        return sorted(self._read(), key=str.casefold)

    def load(self, name: str, base: Levers) -> Levers:
        data = self._read()
        if name not in data:
            raise StoreError(f"no saved scenario named {name!r}")
        try:
            return from_mapping(data[name]["levers"], base, f"scenario {name!r}")  # type: ignore[arg-type]
        except LeverError as exc:
            raise StoreError(f"{exc} (the saved scenario no longer fits the policy's rating scale)") from None

    def save(self, name: str, levers: Levers) -> None:
        clean = " ".join(name.split())
        if not clean:
            raise StoreError("give the scenario a name")
        if len(clean) > MAX_NAME:
            raise StoreError(f"a scenario name has at most {MAX_NAME} characters")
        data = self._read()
        if clean not in data and len(data) >= MAX_SCENARIOS:
            raise StoreError(f"the store holds {MAX_SCENARIOS} scenarios; delete some first")
        data[clean] = {"levers": full_mapping(levers), "saved_at": datetime.now(timezone.utc).isoformat(
            timespec="seconds")}
        self._write(data)

    def delete(self, name: str) -> None:
        data = self._read()
        if data.pop(name, None) is not None:
            self._write(data)

    def _write(self, data: dict[str, dict[str, object]]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".scenarios-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1, sort_keys=True)
            os.replace(tmp, self.path)
        except OSError as exc:
            raise StoreError(f"cannot write the scenario store {self.path} ({exc})") from None
