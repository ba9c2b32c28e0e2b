"""The one module that touches DuckDB: build versioned warehouse files, find the
current one, open it read-only, and run named SQL from sql/ with bound parameters.

Life cycle (DESIGN.md §4): a load writes a NEW file credit-<timestamp>.duckdb,
builds the marts, checkpoints and closes it, then atomically replaces the
pointer file CURRENT. Readers only ever open the file CURRENT names, read-only.
"""

from __future__ import annotations

import contextlib
import hashlib
import fcntl
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl

from analytics.contract import TABLES, empty_frame
from analytics.policy import Policy

REPO_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = REPO_ROOT / "sql"
WAREHOUSE_ENV = "CREDIT_WAREHOUSE"
POINTER = "CURRENT"
KEEP_VERSIONS = 3
BUILD_MEMORY_ENV = "CREDIT_BUILD_MEMORY"
DEFAULT_BUILD_MEMORY = "4GB"  # DuckDB's cap while building marts; it spills to disk beyond

Progress = Callable[[str], None]


class WarehouseMissing(RuntimeError):
    """No warehouse has been built yet in the warehouse folder."""


def warehouse_dir(override: str | Path | None = None) -> Path:
    """The warehouse folder: explicit override, $CREDIT_WAREHOUSE, or ./warehouse in the repo."""
    return Path(override or os.environ.get(WAREHOUSE_ENV) or REPO_ROOT / "warehouse").resolve()


@lru_cache(maxsize=None)
def sql_text(name: str) -> str:
    """The text of sql/<name>.sql (e.g. 'queries/exposure_customers')."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def schema_version() -> str:
    """A fingerprint of the SQL that builds a warehouse (schema and marts).

    A warehouse built by other SQL lacks tables or columns the queries expect;
    comparing fingerprints catches that before a page fails.
    """
    digest = hashlib.sha1()
    for path in sorted([*(SQL_DIR / "schema").glob("*.sql"), *(SQL_DIR / "marts").glob("*.sql")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def current_path(folder: Path) -> Path:
    """The warehouse file CURRENT points at; raises WarehouseMissing when none."""
    pointer = folder / POINTER
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise WarehouseMissing(f"no warehouse in {folder} yet (run: python -m analytics load SOURCE_DIR)") from None
    path = folder / name
    if not path.exists():
        raise WarehouseMissing(f"{pointer} names {name}, which does not exist")
    return path


_LOCK_GUARD = threading.Lock()
_THREAD_LOCKS: dict[Path, threading.RLock] = {}
_HELD = threading.local()


@contextlib.contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """Serialise builds in one folder across processes (flock) and threads; re-entrant in one thread."""
    folder.mkdir(parents=True, exist_ok=True)
    key = folder.resolve()
    with _LOCK_GUARD:
        rlock = _THREAD_LOCKS.setdefault(key, threading.RLock())
    with rlock:
        held: dict[Path, int] = _HELD.__dict__.setdefault("depth", {})
        if held.get(key, 0):
            held[key] += 1
            try:
                yield
            finally:
                held[key] -= 1
            return
        with open(key / ".build.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            held[key] = 1
            try:
                yield
            finally:
                held[key] = 0
                fcntl.flock(handle, fcntl.LOCK_UN)


def _run_file(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object] | None = None) -> None:
    text = sql_text(name)
    used = {k: v for k, v in (params or {}).items() if f"${k}" in text}
    con.execute(text, used or None)


def build_warehouse(tables: dict[str, pl.DataFrame], policy: Policy, folder: Path,
                    sources: dict[str, str] | None = None, source_dir: str = "",
                    progress: Progress | None = None) -> Path:
    """Write validated contract frames to a new warehouse file, build marts, switch CURRENT.

    Takes ownership of `tables`: each frame is removed from the dict once written.
    """
    say = progress or (lambda _msg: None)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    final_path = folder / f"credit-{stamp}.duckdb"
    temp_path = folder / f".building-{stamp}.duckdb"
    spill_dir = folder / f".spill-{stamp}"
    con = duckdb.connect(str(temp_path))
    try:
        con.execute("set preserve_insertion_order = false")
        # A load must fit in 8 GB at 10M invoices (DESIGN.md §6): cap DuckDB and let it spill.
        con.execute("set memory_limit = $limit", {"limit": os.environ.get(BUILD_MEMORY_ENV, DEFAULT_BUILD_MEMORY)})
        con.execute("set temp_directory = $dir", {"dir": str(spill_dir)})
        table_rows = []
        for name, table in TABLES.items():
            # pop: the caller hands the frames over, so each is freed once written
            frame = tables.pop(name, None)
            present = frame is not None
            if frame is None:
                frame = empty_frame(name)
            say(f"writing {name} ({frame.height:,} rows)")
            con.register("staged", frame.to_arrow())
            _run_file(con, f"schema/{name}")
            con.unregister("staged")
            table_rows.append((name, (sources or {}).get(name), frame.height, present))
            del frame
        info = pl.DataFrame(
            {
                "key": ["reporting_currency", "policy_file", "loaded_at", "source_dir", "version", "schema_version",
                        "aging_bounds", "provision_bounds"],
                "value": [policy.reporting_currency, str(policy.source), datetime.now(timezone.utc).isoformat(
                    timespec="seconds"), source_dir, final_path.name, schema_version(),
                    ",".join(str(b) for b in policy.bucket_upper_dpd),
                    ",".join(str(b) for b in policy.provision_bucket_upper_dpd)],
            }
        )
        con.register("staged", info.to_arrow())
        _run_file(con, "schema/warehouse_info")
        con.unregister("staged")
        con.register("staged", pl.DataFrame(table_rows, schema=["table_name", "source_file", "row_count",
                                                                  "is_present"], orient="row").to_arrow())
        _run_file(con, "schema/table_info")
        con.unregister("staged")
        params = {"reporting_currency": policy.reporting_currency, "bounds": list(policy.bucket_upper_dpd),
                  "provision_bounds": list(policy.provision_bucket_upper_dpd)}
        for mart in sorted((SQL_DIR / "marts").glob("*.sql")):
            started = time.perf_counter()
            _run_file(con, f"marts/{mart.stem}", params)
            say(f"built {mart.stem} in {time.perf_counter() - started:.1f} s")
        con.execute("checkpoint")
    except BaseException:
        con.close()
        temp_path.unlink(missing_ok=True)
        Path(str(temp_path) + ".wal").unlink(missing_ok=True)
        shutil.rmtree(spill_dir, ignore_errors=True)
        raise
    con.close()
    shutil.rmtree(spill_dir, ignore_errors=True)
    os.replace(temp_path, final_path)
    pointer_tmp = folder / f".{POINTER}.{stamp}.tmp"
    pointer_tmp.write_text(final_path.name + "\n", encoding="utf-8")
    os.replace(pointer_tmp, folder / POINTER)
    prune(folder)
    return final_path


def prune(folder: Path, keep: int = KEEP_VERSIONS) -> None:
    """Delete old versions, keeping the newest `keep` and always the current one."""
    try:
        current = current_path(folder).name
    except WarehouseMissing:
        return
    versions = sorted(folder.glob("credit-*.duckdb"), reverse=True)
    for old in versions[keep:]:
        if old.name != current:
            with contextlib.suppress(OSError):
                old.unlink()


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """Open a warehouse file read-only (many readers may share it)."""
    return duckdb.connect(str(path), read_only=True)


def query(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pl.DataFrame:
    """Run sql/queries/<name>.sql on its own cursor with bound parameters."""
    text = sql_text(f"queries/{name}")
    cur = con.cursor()
    try:
        rel = cur.sql(text, params={k: v for k, v in params.items() if f"${k}" in text} or None)
        return rel.pl() if rel is not None else pl.DataFrame()
    finally:
        cur.close()


class Warehouse:
    """A read-only handle on the current warehouse version."""

    def __init__(self, folder: str | Path | None = None):
        self.folder = warehouse_dir(folder)
        self.path = current_path(self.folder)
        self.version = self.path.name
        self.con = connect(self.path)

    def query(self, name: str, **params: object) -> pl.DataFrame:
        return query(self.con, name, **params)

    def close(self) -> None:
        self.con.close()

    def info(self) -> dict[str, str]:
        frame = self.query("warehouse_info")
        return dict(zip(frame["key"].to_list(), frame["value"].to_list()))

    def is_outdated(self) -> bool:
        """True when this file was built by SQL other than the code's (rebuild it)."""
        return self.info().get("schema_version") != schema_version()

    def present_tables(self) -> set[str]:
        frame = self.query("table_info")
        return set(frame.filter(pl.col("is_present"))["table_name"].to_list())
