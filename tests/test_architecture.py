"""The direction of the house, checked on the tree: pages -> views / app -> risk -> policy and
the contract; data is the only owner of files and DuckDB; Streamlit stays in pages, app.py
and analytics/app."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT


def imports(path: Path) -> set[str]:
    """Every module a file imports (absolute names; `from a import b` gives a and a.b)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def under(names: set[str], *prefixes: str) -> set[str]:
    return {n for n in names if any(n == p or n.startswith(p + ".") for p in prefixes)}


def files(pattern: str) -> list[Path]:
    return sorted(ROOT.glob(pattern))


@pytest.mark.parametrize("path", files("analytics/risk/*.py"), ids=lambda p: p.name)
def test_risk_imports_neither_data_views_app_nor_streamlit(path):
    assert not under(imports(path), "analytics.data", "analytics.views", "analytics.app", "analytics.cli",
                     "streamlit", "duckdb"), path


@pytest.mark.parametrize("path", files("analytics/data/*.py") + files("analytics/policy/*.py"), ids=lambda p: p.name)
def test_data_and_policy_import_no_streamlit_and_no_views(path):
    assert not under(imports(path), "streamlit", "analytics.views", "analytics.app", "analytics.cli"), path


@pytest.mark.parametrize("path", files("analytics/store/*.py"), ids=lambda p: p.name)
def test_the_store_imports_no_streamlit_views_or_duckdb(path):
    assert not under(imports(path), "streamlit", "analytics.views", "analytics.app", "analytics.cli", "duckdb"), path


@pytest.mark.parametrize("path", files("analytics/views/*.py"), ids=lambda p: p.name)
def test_views_import_no_streamlit(path):
    assert not under(imports(path), "streamlit", "analytics.app", "analytics.cli"), path


PRESENTATION = ("analytics.views", "analytics.app", "analytics.i18n", "analytics.formats", "analytics.labels")


@pytest.mark.parametrize("path", files("pages/*.py"), ids=lambda p: p.name)
def test_pages_import_only_views_and_app(path):
    """Pages hold layout: they read views and the app's building blocks, and speak through the
    presentation modules (languages, number formats, the label catalogue), never the risk layer."""
    ours = under(imports(path), "analytics")
    assert ours and ours == under(ours, *PRESENTATION), sorted(ours - under(ours, *PRESENTATION))


def test_app_py_does_not_import_the_cli():
    assert not under(imports(ROOT / "app.py"), "analytics.cli", "analytics.data.loader")


def test_duckdb_is_touched_only_by_data():
    owners = {p for p in files("analytics/**/*.py") if "duckdb" in under(imports(p), "duckdb")}
    assert owners and all(p.parent.name == "data" for p in owners), sorted(str(p.relative_to(ROOT)) for p in owners)
