"""Shared fixtures: the policy, a hand-computable tiny warehouse, and a generated one."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from analytics.data.loader import load
from analytics.policy import Policy, load_policy

ROOT = Path(__file__).resolve().parent.parent

TINY = ROOT / "tests" / "fixtures" / "tiny"
GENERATED_SEED = 11


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy(ROOT / "analytics" / "policy" / "credit_policy.toml")


@pytest.fixture(scope="session")
def warehouse_of(tmp_path_factory: pytest.TempPathFactory, policy: Policy):
    """The one warehouse factory: a source folder loaded (once per session) into its own
    warehouse folder, which is returned; a load that is not clean fails the test."""
    built: dict[Path, Path] = {}

    def build(source: Path) -> Path:
        if source not in built:
            folder = tmp_path_factory.mktemp(f"wh_{source.name}")
            outcome = load(source, policy, folder)
            assert outcome.ok, outcome.issues
            built[source] = folder
        return built[source]

    return build


@pytest.fixture(scope="session")
def tiny_warehouse(warehouse_of) -> Path:
    """The hand-made fixture (3 customers) loaded into its own warehouse folder."""
    return warehouse_of(TINY)


@pytest.fixture(scope="session")
def generated_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic portfolio (fixed seed) in the import format."""
    from analytics.cli import generate_files

    out = tmp_path_factory.mktemp("gen_src")
    generate_files(150, 2, GENERATED_SEED, out, "csv")
    return out


@pytest.fixture(scope="session")
def generated_warehouse(warehouse_of, generated_source: Path) -> Path:
    return warehouse_of(generated_source)


@pytest.fixture(scope="session")
def scored_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic portfolio with three years of history (400 customers, fixed seed): enough
    outcome months for the statistical model and the challenger to train and validate."""
    from analytics.cli import generate_files

    out = tmp_path_factory.mktemp("scored_src")
    generate_files(400, 3, GENERATED_SEED, out, "csv")
    return out


@pytest.fixture(scope="session")
def scored_warehouse(warehouse_of, scored_source: Path) -> Path:
    return warehouse_of(scored_source)


@pytest.fixture()
def tiny_copy(tmp_path: Path) -> Path:
    """A writable copy of the tiny source files, to break in a test."""
    dest = tmp_path / "src"
    shutil.copytree(TINY, dest)
    return dest


BARE = ROOT / "tests" / "fixtures" / "bare"


@pytest.fixture(autouse=True)
def own_decisions_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own decisions store and accounts file (the warehouses are shared
    by the session; what one test decides must not reach another's pages), and runs without
    sign-in as a credit analyst unless it sets CREDIT_SIGN_IN itself."""
    folder = tmp_path_factory.mktemp("store")
    monkeypatch.setenv("CREDIT_STORE_URL", f"sqlite:///{folder / 'decisions.sqlite'}")
    monkeypatch.setenv("CREDIT_ACCOUNTS_FILE", str(folder / "accounts.yaml"))
    monkeypatch.setenv("CREDIT_SIGN_IN", "none")
    monkeypatch.setenv("CREDIT_SIGN_IN_ROLE", "credit_analyst")
    monkeypatch.setenv("CREDIT_LANG", "en")  # a developer's LANG=zh_CN must not turn the CLI tests Chinese
    return folder


@pytest.fixture(scope="session")
def bare_warehouse(warehouse_of) -> Path:
    """A bare invoice list (customers: id + name; invoices: id, customer, date, amount) loaded."""
    return warehouse_of(BARE)


# A quiet console. DuckDB 2.0's Python bindings (nanobind) print a screen of "nanobind: leaked
# N instances" lines when the interpreter finalizes while any of its objects is still alive
# (here: connections and types held by module-level caches of a long session; benign, see
# https://nanobind.readthedocs.io/en/latest/refleaks.html). Once pytest has written its report
# and reached its exit status, the process ends without that finalization.
_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _EXIT_STATUS.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    if _EXIT_STATUS:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_STATUS[-1])
