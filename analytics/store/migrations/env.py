"""Alembic environment of the decisions store: run by analytics.store.db.migrate() on the
connection it passes (config.attributes["connection"]), or offline to print SQL."""

from __future__ import annotations

from alembic import context

from analytics.store.schema import metadata

config = context.config
target_metadata = metadata


def run_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes["connection"]
    # batch mode: SQLite alters a table by copying it; PostgreSQL alters in place
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
