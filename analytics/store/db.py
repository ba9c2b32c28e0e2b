"""The decisions store's database: find its URL, open an engine, bring its schema up to date.

URL: $CREDIT_STORE_URL (e.g. postgresql+psycopg://user@host:5432/credit), else SQLite at
<warehouse folder>/decisions.sqlite in WAL mode (readers never wait for the writer).
Every write transaction on SQLite takes the write lock when it begins (BEGIN IMMEDIATE),
so two sessions deciding at once queue instead of failing half-way; reads (connections
marked info["read"]) begin a plain snapshot and never wait for a writer.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event

from analytics.data.warehouse import warehouse_dir

STORE_FILE = "decisions.sqlite"
MIGRATIONS = Path(__file__).with_name("migrations")


class StoreError(RuntimeError):
    """The store cannot be opened or migrated (the message says why and what to do)."""


def store_url(url: str | None = None, folder: str | Path | None = None) -> str:
    """The URL given, $CREDIT_STORE_URL, or SQLite in the warehouse folder."""
    chosen = url or os.environ.get("CREDIT_STORE_URL")
    if chosen:
        return chosen
    path = warehouse_dir(folder) / STORE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_con, _record):  # type: ignore[no-untyped-def]
        dbapi_con.isolation_level = None  # SQLAlchemy's begin event below starts transactions
        cur = dbapi_con.cursor()
        cur.execute("pragma journal_mode = wal")
        cur.execute("pragma foreign_keys = on")
        cur.execute("pragma busy_timeout = 30000")
        cur.execute("pragma synchronous = normal")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        # a writer takes the write lock at once; a reader (conn.info["read"]) only a snapshot
        conn.exec_driver_sql("BEGIN" if conn.info.get("read") else "BEGIN IMMEDIATE")


def open_engine(url: str) -> Engine:
    """An engine for the store URL (SQLite gets WAL, foreign keys and write-lock-on-begin)."""
    try:
        engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    except Exception as exc:  # noqa: BLE001 - a bad URL is the operator's, say so plainly
        raise StoreError(f"the decisions store URL {redacted(url)} is not usable: {exc}") from exc
    if engine.dialect.name == "sqlite":
        _sqlite_setup(engine)
    return engine


def redacted(url: str) -> str:
    """The URL with any password hidden (for messages and logs)."""
    from sqlalchemy.engine import make_url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return "(unreadable URL)"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as con:
        return MigrationContext.configure(con).get_current_revision()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is there)."""
    if current_revision(engine) == head_revision():
        return
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    try:
        with engine.begin() as con:
            cfg.attributes["connection"] = con
            command.upgrade(cfg, "head")
    except Exception as exc:  # noqa: BLE001
        raise StoreError(f"the decisions store at {redacted(str(engine.url))} could not be brought up to "
                         f"date: {exc}") from exc
