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
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl

from analytics.data.contract import TABLES, empty_frame
from analytics.data.ingest import BASIS_INVOICES, LoadIssue, rule_label, shown
from analytics.formats import fmt_int, fmt_number
from analytics.i18n import _, ngettext
from analytics.data.rating import RatingError, RatingRun, rate
from analytics.policy import Policy

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO_ROOT / "sample_data" / "generated"  # where the built-in sample portfolio is generated
SQL_DIR = REPO_ROOT / "sql"
WAREHOUSE_ENV = "CREDIT_WAREHOUSE"
POINTER = "CURRENT"
KEEP_VERSIONS = 3
BUILD_MEMORY_ENV = "CREDIT_BUILD_MEMORY"
DEFAULT_BUILD_MEMORY = "6GB"  # DuckDB's cap while building marts (Python holds ~1.3 GB then: a 10M load stays < 8 GB)

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
def mart_files() -> list[Path]:
    """The mart files in their declared build order (sql/marts/build_order.txt)."""
    lines = (SQL_DIR / "marts" / "build_order.txt").read_text(encoding="utf-8").splitlines()
    return [SQL_DIR / "marts" / line.strip() for line in lines if line.strip() and not line.startswith("#")]


def macro_files() -> list[Path]:
    """The macro files (sql/macros/): defined before the marts, which use them as the queries do."""
    return sorted((SQL_DIR / "macros").glob("*.sql"))


def schema_version() -> str:
    """A fingerprint of the SQL that builds a warehouse (schema and marts).

    A warehouse built by other SQL lacks tables or columns the queries expect;
    comparing fingerprints catches that before a page fails.
    """
    digest = hashlib.sha1()
    for path in [*sorted((SQL_DIR / "schema").glob("*.sql")), *macro_files(), *mart_files(),
                 *sorted((SQL_DIR / "rating").glob("*.sql"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def current_path(folder: Path) -> Path:
    """The warehouse file CURRENT points at; raises WarehouseMissing when none."""
    pointer = folder / POINTER
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise WarehouseMissing(_("no warehouse in {folder} yet (run: python -m analytics load SOURCE_DIR)").format(
            folder=folder)) from None
    path = folder / name
    if not path.exists():
        raise WarehouseMissing(_("{pointer} names {name}, which does not exist").format(pointer=pointer, name=name))
    return path


_LOCK_GUARD = threading.Lock()
_THREAD_LOCKS: dict[Path, threading.RLock] = {}
_HELD = threading.local()


@contextlib.contextmanager
def build_lock(folder: Path, on_wait: Progress | None = None) -> Iterator[None]:
    """Serialise loads in one folder across processes (flock) and threads; re-entrant in one
    thread. When another load holds the folder, `on_wait` is told (with that load's process
    and start time) before this one waits for it."""
    folder.mkdir(parents=True, exist_ok=True)
    key = folder.resolve()
    with _LOCK_GUARD:
        rlock = _THREAD_LOCKS.setdefault(key, threading.RLock())
    held: dict[Path, int] = _HELD.__dict__.setdefault("depth", {})
    if held.get(key, 0):
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    if not rlock.acquire(blocking=False):
        if on_wait:
            on_wait(_("another load into this folder is running in this process; waiting for it to finish"))
        rlock.acquire()
    try:
        with open(key / LOCK_FILE, "a+", encoding="utf-8") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                if on_wait:
                    on_wait(_("another load into this folder is running ({holder}); waiting for it to finish, then "
                              "this load reads its source files and builds on them").format(holder=holder))
                fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            handle.truncate()
            handle.write(f"process {os.getpid()}, since {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC\n")
            handle.flush()
            held[key] = 1
            try:
                yield
            finally:
                held[key] = 0
                handle.seek(0)
                handle.truncate()
                handle.flush()
                fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        rlock.release()


LOCK_FILE = ".build.lock"


def clean(folder: Path) -> list[str]:
    """Remove what killed loads left behind: half-built files and their WALs, spill folders,
    pointer temp files, and versions written but never made current (newer than the
    current one). Never the current version, never an older one (prune keeps those, and a
    reader that has one open keeps reading it: a removed file lives on while it is open).
    Takes the folder's load lock, so no running load loses its files. Returns what was
    removed."""
    removed: list[str] = []
    if not folder.is_dir():
        return removed
    with build_lock(folder):
        for path in sorted(folder.iterdir()):
            if path.name.startswith((".building-", ".spill-")) or (path.name.startswith(f".{POINTER}.")
                                                                    and path.name.endswith(".tmp")):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
                removed.append(path.name)
        try:
            current = current_path(folder).name
        except WarehouseMissing:
            return removed
        for path in sorted(folder.glob("credit-*.duckdb*")):
            version = path.name.removesuffix(".wal")
            if version > current or (path.name.endswith(".wal") and version != current):
                path.unlink(missing_ok=True)
                removed.append(path.name)
    return removed


def _run_file(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object] | None = None) -> None:
    text = sql_text(name)
    used = {k: v for k, v in (params or {}).items() if f"${k}" in text}
    con.execute(text, used or None)


# Marts with one row per snapshot date (and what they are built from): for an as-of date
# that has no pre-built snapshot they are built again for that one date (Warehouse.at).
PER_DATE_MARTS = ("02_fx_snapshot", "06_account_pool_snapshot", "07_open_items_snapshot", "08_customer_snapshot",
                  "09_customer_month", "10_portfolio_trend", "12_aging_cube")
LIMIT_MARTS = ("08_customer_snapshot", "10_portfolio_trend")  # the per-date marts that read credit_limits' limits
PER_DATE_TABLES = ("snapshot_dates", "fx_snapshot", "account_pool_snapshot", "open_items_snapshot",
                   "customer_snapshot", "customer_month", "portfolio_trend", "aging_cube")


def _note_frame(notes: list[LoadIssue], counts: dict[tuple[str, str], int]) -> pl.DataFrame:
    return pl.DataFrame(
        {"table_name": [n.table for n in notes], "file": [n.file for n in notes], "row": [n.row for n in notes],
         "column_name": [n.column for n in notes], "value": [n.value for n in notes],
         "rule": [n.rule for n in notes], "message": [n.stored_message or n.message for n in notes],
         "rows_of_kind": [counts.get((n.file, n.rule), 1) for n in notes]},
        schema={"table_name": pl.String, "file": pl.String, "row": pl.Int64, "column_name": pl.String,
                "value": pl.String, "rule": pl.String, "message": pl.String, "rows_of_kind": pl.Int64})


def mart_params(info: dict[str, str]) -> dict[str, object]:
    """The bound parameters of the marts, from the facts a build recorded."""
    def bounds(key: str) -> list[int]:
        return [int(b) for b in info[key].split(",") if b]
    return {"reporting_currency": info["reporting_currency"], "bounds": bounds("aging_bounds"),
            "provision_bounds": bounds("provision_bounds"), "extracted_on": date.fromisoformat(info["extracted_on"]),
            "fx_earliest": info.get("fx_missing_rate") == "earliest",
            "default_material_amt": float(info["default_material_amt"]),
            "default_material_pct": float(info["default_material_pct"]), "default_grade": info["default_grade"],
            "statement_lag_days": int(info["statement_lag_days"])}


def build_warehouse(tables: dict[str, pl.DataFrame], policy: Policy, folder: Path,
                    sources: dict[str, str] | None = None, source_dir: str = "",
                    progress: Progress | None = None, extracted_on: date | None = None,
                    extraction_basis: str = "", notes: list[LoadIssue] | None = None,
                    note_counts: dict[tuple[str, str], int] | None = None) -> Path:
    """Write validated contract frames to a new warehouse file, build marts, switch CURRENT.

    Takes ownership of `tables`: each frame is removed from the dict once written.
    extracted_on: the day the data was taken (default: the latest invoice date).
    """
    if extracted_on is None:
        extracted_on = tables["invoices"]["invoice_date"].max()  # type: ignore[assignment]
    first_document = min(d for d in (
        tables["invoices"]["invoice_date"].min(),
        tables["payments"]["payment_date"].min() if "payments" in tables else None,
        tables["orders"]["order_date"].min() if "orders" in tables else None) if d is not None)
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
            say(ngettext("writing {table} ({n} row)", "writing {table} ({n} rows)", frame.height).format(
                table=name, n=fmt_int(frame.height)))
            con.register("staged", frame.to_arrow())
            _run_file(con, f"schema/{name}")
            con.unregister("staged")
            table_rows.append((name, (sources or {}).get(name), frame.height, present))
            del frame
        facts = {
            "reporting_currency": policy.reporting_currency, "policy_file": str(policy.source),
            "loaded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "source_dir": source_dir,
            "version": final_path.name, "schema_version": schema_version(),
            "aging_bounds": ",".join(str(b) for b in policy.bucket_upper_dpd),
            "provision_bounds": ",".join(str(b) for b in policy.provision_bucket_upper_dpd),
            "extracted_on": extracted_on.isoformat(), "extraction_basis": extraction_basis or BASIS_INVOICES,
            "first_document_date": min(first_document, extracted_on).isoformat(),  # type: ignore[type-var]
            "fx_missing_rate": policy.fx_missing_rate,
            "default_material_amt": repr(policy.rating.default.material_amt),
            "default_material_pct": repr(policy.rating.default.material_pct), "default_grade": policy.default_grade,
            "statement_lag_days": str(policy.rating.statement_lag_days),
        }
        info = pl.DataFrame({"key": list(facts), "value": list(facts.values())})
        con.register("staged", info.to_arrow())
        _run_file(con, "schema/warehouse_info")
        con.unregister("staged")
        con.register("staged", _note_frame(notes or [], note_counts or {}).to_arrow())
        _run_file(con, "schema/load_notes")
        con.unregister("staged")
        con.register("staged", pl.DataFrame(table_rows, schema=["table_name", "source_file", "row_count",
                                                                  "is_present"], orient="row").to_arrow())
        _run_file(con, "schema/table_info")
        con.unregister("staged")
        params = mart_params(facts)
        for macro in macro_files():
            _run_file(con, f"macros/{macro.stem}")
        for mart in mart_files():
            started = time.perf_counter()
            _run_file(con, f"marts/{mart.stem}", params)
            say(_("built {mart} in {seconds} s").format(mart=mart.stem,
                                                         seconds=fmt_number(time.perf_counter() - started, 1)))
        _run_file(con, "rating/imported_ratings")
        started = time.perf_counter()
        # the rating step holds its frames in Python: DuckDB lets go of the marts' cached pages
        con.execute("set memory_limit = $limit", {"limit": RATING_MEMORY})
        rating_run = rate(con, policy, facts, say, fallback=True)
        say(_("rating models run in {seconds} s").format(seconds=fmt_number(time.perf_counter() - started, 1)))
        _record_rating(con, rating_run)
        con.execute("checkpoint")
    except BaseException:
        con.close()
        temp_path.unlink(missing_ok=True)
        Path(str(temp_path) + ".wal").unlink(missing_ok=True)
        shutil.rmtree(spill_dir, ignore_errors=True)
        raise
    con.close()
    shutil.rmtree(spill_dir, ignore_errors=True)
    _publish(folder, temp_path, final_path, stamp)
    return final_path


def _publish(folder: Path, temp_path: Path, final_path: Path, stamp: str) -> None:
    """A finished build becomes the current version: renamed into place, then CURRENT
    switched atomically (written aside, then renamed), then old versions pruned."""
    os.replace(temp_path, final_path)
    pointer_tmp = folder / f".{POINTER}.{stamp}.tmp"
    pointer_tmp.write_text(final_path.name + "\n", encoding="utf-8")
    os.replace(pointer_tmp, folder / POINTER)
    prune(folder)


def _record_rating(con: duckdb.DuckDBPyConnection, run: RatingRun) -> None:
    """The rating model in force, as a warehouse fact (warehouse_info: rating_model)."""
    con.execute("delete from warehouse_info where key in ('rating_model', 'rating_notes')")
    con.execute("insert into warehouse_info values ('rating_model', $model), ('rating_notes', $notes)",
                {"model": run.rating_model or "none", "notes": " ".join(run.notes)})


def rerate_warehouse(folder: Path, policy: Policy, model: str | None = None, train_until: date | None = None,
                     progress: Progress | None = None) -> tuple[Path, RatingRun]:
    """A new warehouse version graded again by the rating models: the current file copied,
    the imported ratings put back in force, the models run (all trained; `model` names the
    one whose grades become ratings, default the policy's; train_until: the last observation
    month-end the trained models may learn from), CURRENT switched. Raises RatingError (and
    changes nothing) when that model cannot be trained."""
    say = progress or (lambda _msg: None)
    with build_lock(folder, on_wait=say):
        source = current_path(folder)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        final_path = folder / f"credit-{stamp}.duckdb"
        temp_path = folder / f".building-{stamp}.duckdb"
        shutil.copyfile(source, temp_path)
        con = duckdb.connect(str(temp_path))
        try:
            info = dict(con.sql("select key, value from warehouse_info").fetchall())
            if info.get("schema_version") != schema_version():
                raise RatingError(_("the warehouse was built by an older version of the app: load the data again"))
            _run_file(con, "rating/restore_ratings")
            run = rate(con, policy, info, say, model=model, train=True, train_until=train_until)
            _record_rating(con, run)
            con.execute("delete from warehouse_info where key = 'version'")
            con.execute("insert into warehouse_info values ('version', $v)", {"v": final_path.name})
            con.execute("checkpoint")
        except BaseException:
            con.close()
            temp_path.unlink(missing_ok=True)
            Path(str(temp_path) + ".wal").unlink(missing_ok=True)
            raise
        con.close()
        _publish(folder, temp_path, final_path, stamp)
    return final_path, run


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


OVERLAY_SEARCH_PATH = "memory.main,wh.main"
RATING_MEMORY = "2GB"  # DuckDB's share while the rating models hold the observation points in Python
OVERLAY_MEMORY = "768MB"  # while an on-demand date is built
OVERLAY_READ_MEMORY = "384MB"  # once built (per date, OVERLAYS_KEPT at most): reads as fast as with more


class QueryParameterError(ValueError):
    """A query was called with parameters that do not match the ones it uses."""


_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


@lru_cache(maxsize=256)
def query_parameters(text: str) -> frozenset[str]:
    """The $parameters a SQL text binds (comments left out)."""
    body = "\n".join(line.split("--", 1)[0] for line in text.splitlines())
    return frozenset(_PARAMETER.findall(body))


def query(con: duckdb.DuckDBPyConnection, name: str, search_path: str | None = None,
          **params: object) -> pl.DataFrame:
    """Run sql/queries/<name>.sql on its own cursor with bound parameters.

    Raises QueryParameterError when a parameter the query uses is not given, or one that
    it does not use is (a typo or a stale call would otherwise be dropped silently)."""
    text = sql_text(f"queries/{name}")
    used = query_parameters(text)
    missing, unknown = used - set(params), set(params) - used
    if missing or unknown:
        raise QueryParameterError(
            f"query {name}: " + "; ".join(part for part in (
                f"missing parameter(s) {', '.join(sorted(missing))}" if missing else "",
                f"unknown parameter(s) {', '.join(sorted(unknown))}" if unknown else "") if part))
    cur = con.cursor()
    try:
        if search_path:
            cur.execute("set search_path = $path", {"path": search_path})
        rel = cur.sql(text, params=dict(params) or None)
        return rel.pl() if rel is not None else pl.DataFrame()
    finally:
        cur.close()


NEVER = date(9999, 12, 31)  # an effective date no snapshot reaches: no date rebuilt for decided limits
DECIDED_LIMIT_COLUMNS = {"limit_id": pl.Int64, "customer_id": pl.String, "effective_from": pl.Date, "limit_amt": pl.Float64,
                         "currency": pl.String, "expires_on": pl.Date, "approved_by": pl.String,
                         "approval_level": pl.String, "payment_terms_days": pl.Int64, "limit_scope": pl.String}


def build_overlay(path: Path, info: dict[str, str], day: date | None = None,
                  decided: pl.DataFrame | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory database over the warehouse file (attached read-only as `wh`) in which
    the per-date marts are built again, from the same mart SQL, for the overlay's dates:
    `day` (an as-of date without a pre-built snapshot), and, when `decided` limits are given
    (the decisions store's, DECIDED_LIMIT_COLUMNS), every snapshot date on or after the
    earliest one's effective date, over the loaded limit history with the decided limits on
    top. Each per-date table is then the warehouse's rows of the other dates plus the
    overlay's (sql/overlay)."""
    con = duckdb.connect()
    try:
        con.execute("set preserve_insertion_order = false")
        # one day's tables are small; the cap keeps the file pages this database caches in check
        con.execute("set memory_limit = $limit", {"limit": OVERLAY_MEMORY})
        con.execute("attach $file as wh (read_only)", {"file": str(path)})
        con.execute("set search_path = $path", {"path": OVERLAY_SEARCH_PATH})
        params = mart_params(info)
        first_effective = NEVER
        if decided is not None and decided.height:
            if "limit_id" not in decided.columns:  # the order decisions were recorded in (the later one rules)
                decided = decided.with_row_index("limit_id")
            staged = decided.select([pl.col(c).cast(t) for c, t in DECIDED_LIMIT_COLUMNS.items()])
            con.register("decided_frame", staged.to_arrow())
            con.execute("create table memory.main.decided_staged as select * from decided_frame")
            con.unregister("decided_frame")
            _run_file(con, "overlay/00_decided_limits")
            first_effective = staged["effective_from"].min()
        # the dates rebuilt: the warehouse's from the earliest decided limit on (none without one) ...
        _run_file(con, "overlay/01_decided_dates", {"first_effective": first_effective})
        if day is not None:  # ... and the on-demand as-of date
            _run_file(con, "overlay/01b_add_snapshot_date", {"day": day, "extracted_on": params["extracted_on"]})
        # an on-demand date needs every per-date mart; decided limits only the ones that read limits
        for mart in PER_DATE_MARTS if day is not None else LIMIT_MARTS:
            _run_file(con, f"marts/{mart}", params)
        _run_file(con, "overlay/02_union_views" if day is not None else "overlay/02b_union_limit_views")
        # built: the day's own tables stay (~140 MB at 10M invoices); the warehouse pages cached
        # while building are let go, so two kept dates stay within the server's memory budget
        con.execute("set memory_limit = $limit", {"limit": OVERLAY_READ_MEMORY})
    except BaseException:
        con.close()
        raise
    return con


def not_yet_loaded(decided: pl.DataFrame, loaded: pl.DataFrame) -> pl.DataFrame:
    """The decided limits the loaded limit history does not hold already (same customer,
    effective date, amount and expiry): once the ERP imported a decision and the export was
    loaded again, the decision needs no overlay."""
    keys = {"customer_id": pl.String, "effective_from": pl.Date, "limit_amt": pl.Float64, "expires_on": pl.Date}
    typed = decided.with_columns([pl.col(c).cast(t) for c, t in keys.items()])
    return typed.join(loaded.select([pl.col(c).cast(t) for c, t in keys.items()]), on=list(keys), how="anti",
                      nulls_equal=True)


def decided_in_force(decided: pl.DataFrame | None, last_snapshot: date) -> pl.DataFrame | None:
    """The decided limits that change a pre-built snapshot (effective on or before the last
    snapshot date); None when none does."""
    if decided is None or decided.height == 0:
        return None
    hit = decided.filter(pl.col("effective_from") <= last_snapshot)
    return decided if hit.height else None


class Warehouse:
    """A read-only handle on the current warehouse version.

    at(day) gives a handle on which `day` is a snapshot date too, for an as-of date that
    has no pre-built snapshot (built once per day and kept for the next few requests).
    """

    OVERLAYS_KEPT = 2

    def __init__(self, folder: str | Path | None = None, decided: pl.DataFrame | None = None,
                 stamp: int = 0):
        """decided: the decisions store's decided limits (DECIDED_LIMIT_COLUMNS) and stamp
        their version: when one is in force at a pre-built snapshot date, those dates'
        per-date marts are rebuilt over the limit history with them on top (build_overlay)."""
        self.folder = warehouse_dir(folder)
        self.path = current_path(self.folder)
        self.version = self.path.name
        self.con = connect(self.path)
        self.day: date | None = None  # the extra as-of date of an overlay handle
        self._search_path: str | None = None
        self._overlays: dict[date, Warehouse] = {}
        self._overlay_lock = threading.Lock()
        self.decided: pl.DataFrame | None = None
        if decided is not None and decided.height:
            loaded = self.query("loaded_limits_of", ids=decided["customer_id"].unique().to_list())
            self.decided = decided_in_force(not_yet_loaded(decided, loaded),
                                            self.query("snapshot_dates")["snapshot_date"].max())  # type: ignore[arg-type]
        if self.decided is not None:
            info = self.info()
            plain_con = self.con
            self.con = build_overlay(self.path, info, None, self.decided)
            plain_con.close()
            self._search_path = OVERLAY_SEARCH_PATH
            self.version = f"{self.path.name}+decided-{stamp}"

    def query(self, name: str, **params: object) -> pl.DataFrame:
        return query(self.con, name, self._search_path, **params)

    def at(self, day: date) -> Warehouse:
        """A handle whose per-date marts include `day` (see build_overlay)."""
        base = self._base if self.day is not None else self
        if day == self.day:
            return self
        with base._overlay_lock:
            handle = base._overlays.pop(day, None)
            if handle is None:
                handle = Warehouse.__new__(Warehouse)
                handle.folder, handle.path, handle.version = base.folder, base.path, base.version
                handle.decided = base.decided
                handle.con = build_overlay(base.path, base.info(), day, base.decided)
                handle.day, handle._search_path, handle._base = day, OVERLAY_SEARCH_PATH, base
                handle._overlays, handle._overlay_lock = {}, threading.Lock()
            base._overlays[day] = handle  # most recent last
            while len(base._overlays) > self.OVERLAYS_KEPT:
                # dropped, not closed: a rerun in another thread may still read it; it closes when unused
                base._overlays.pop(next(iter(base._overlays)))
        return handle

    def close(self) -> None:
        for handle in getattr(self, "_overlays", {}).values():
            handle.con.close()
        self.con.close()

    def info(self) -> dict[str, str]:
        frame = self.query("warehouse_info")
        return dict(zip(frame["key"].to_list(), frame["value"].to_list()))

    def load_notes(self) -> pl.DataFrame:
        """What the last load noted (sql/queries/load_notes), each rule and message in the
        current language (the warehouse keeps them in English)."""
        notes = self.query("load_notes")
        rules = {r: rule_label(r) for r in notes["rule"].unique().to_list() if r}
        messages = {m: shown(m) for m in notes["message"].unique().to_list() if m}
        return notes.with_columns(pl.col("rule").replace(rules), pl.col("message").replace(messages))

    def extraction_basis(self) -> str:
        """How the extraction date was set, in the current language ('' when not recorded)."""
        return shown(self.info().get("extraction_basis"))

    def is_outdated(self) -> bool:
        """True when this file was built by SQL other than the code's (rebuild it)."""
        return self.info().get("schema_version") != schema_version()

    def present_tables(self) -> set[str]:
        frame = self.query("table_info")
        return set(frame.filter(pl.col("is_present"))["table_name"].to_list())
