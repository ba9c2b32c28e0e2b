"""The decisions store on both databases: SQLite (a file per test) and PostgreSQL (a fresh
database per test on the cluster tests/run_all.sh starts, $CREDIT_TEST_PG_URL)."""

from __future__ import annotations

import os
import uuid
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from analytics.policy.access import Actor
from analytics.store.decisions import DecisionStore, Picture

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)

ANALYST = Actor("ana", "Ana Analyst", ("credit_analyst",))
ANALYST2 = Actor("bob", "Bob Analyst", ("credit_analyst",))
MANAGER = Actor("max", "Max Manager", ("credit_manager",))
MANAGER2 = Actor("mia", "Mia Manager", ("credit_manager",))
CFO = Actor("chen", "Chen CFO", ("cfo",))
MEMBERS = tuple(Actor(f"m{i}", f"Member {i}", ("committee_member",)) for i in range(1, 5))
VIEWER = Actor("vic", "Vic Viewer", ("viewer",))
ADMIN = Actor("adm", "Admin", ("administrator",))


def picture(**overrides: object) -> Picture:
    """A customer's picture by hand: limit 500,000, group limit 500,000, group exposure
    450,000, grade A, segment key, 60 days terms, 450,000 outstanding."""
    base = dict(customer_id="C1", customer_name="华东精密机械有限公司", group_id="G1", segment="key", currency="CNY",
                grade="A", current_limit_amt=500_000.0, current_terms_days=60, group_limit_amt=500_000.0,
                group_exposure_amt=450_000.0, outstanding_amt=450_000.0, on_hold=False, limit_scope="entity",
                as_of=date(2026, 10, 31), warehouse_version="test", facts={"gross_exposure_amt": 450_000.0})
    base.update(overrides)
    return Picture(**base)  # type: ignore[arg-type]


def _pg_url() -> str | None:
    return os.environ.get("CREDIT_TEST_PG_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A new, empty store URL on each database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'decisions.sqlite'}"
        return
    base = _pg_url()
    if not base:
        if os.environ.get("CREDIT_TEST_PG_REQUIRED"):
            pytest.fail("CREDIT_TEST_PG_URL is not set but PostgreSQL is required (tests/run_all.sh starts it)")
        pytest.skip("no PostgreSQL cluster: run through tests/run_all.sh, which starts one")
    name = f"store_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.exec_driver_sql(f'create database "{name}"')
    url = sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    yield url
    sa.engine.create_engine(url).dispose()
    with admin.connect() as con:
        con.exec_driver_sql(f'drop database if exists "{name}" with (force)')
    admin.dispose()


@pytest.fixture()
def store(store_url, policy):
    s = DecisionStore(policy, url=store_url)
    yield s
    s.engine.dispose()
