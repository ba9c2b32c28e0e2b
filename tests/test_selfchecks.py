"""House rules checked on the tree: SQL headers and use, page registration, the
documented contract matching the code, the warehouse DDL matching the contract."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from analytics.data.contract import POLARS_TYPES, TABLES
from tests.conftest import ROOT

SQL_FILES = sorted((ROOT / "sql").rglob("*.sql"))
PY_SOURCES = [*ROOT.glob("analytics/**/*.py"), ROOT / "app.py", *ROOT.glob("pages/*.py")]


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_sql_file_has_header_and_final_cte(path: Path):
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("-- purpose:"), "first line must be '-- purpose: ...'"
    header = "\n".join(line for line in lines if line.startswith("--"))
    assert "-- parameters:" in header and "-- grain:" in header
    if path.parent.name == "macros":  # scalar macro definitions: no query to end with
        assert re.search(r"^create or replace macro \w+\(", text, re.M), "a macro file defines macros"
    else:
        assert re.search(r"select \* from final;\s*$", text), "must end with 'select * from final;'"


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_sql_header_declares_exactly_the_parameters_it_binds(path: Path):
    from analytics.data.warehouse import query_parameters

    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("-- parameters:"))
    end = next(i for i, line in enumerate(lines) if line.startswith("-- grain:"))
    declared = set(re.findall(r"\$([a-z_][a-z0-9_]*)", "\n".join(lines[start:end])))
    used = set(query_parameters("\n".join(lines)))
    assert declared == used, f"bound but not declared: {sorted(used - declared)}; declared, unused: " \
                             f"{sorted(declared - used)}"


@pytest.fixture(scope="module")
def sqlfluff_results() -> dict[str, list[str]]:
    """sqlfluff (DuckDB dialect, the rules of .sqlfluff) over every SQL file, once."""
    from sqlfluff.core import FluffConfig, Linter

    config = FluffConfig.from_path(str(ROOT))
    linted = Linter(config=config).lint_paths((str(ROOT / "sql"),))
    out: dict[str, list[str]] = {}
    for file in (f for linted_path in linted.paths for f in linted_path.files):
        out[str(Path(file.path).resolve().relative_to(ROOT))] = [
            f"L{v.line_no}:{v.line_pos} {v.rule_code()} {v.desc()}" for v in file.get_violations()]
    return out


def test_sqlfluff_config_is_the_house_style():
    from sqlfluff.core import FluffConfig

    config = FluffConfig.from_path(str(ROOT))
    assert config.get("dialect") == "duckdb"
    assert config.get("capitalisation_policy", section=["rules", "capitalisation.keywords"]) == "lower"


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_sql_file_passes_sqlfluff(path: Path, sqlfluff_results: dict[str, list[str]]):
    name = str(path.relative_to(ROOT))
    assert name in sqlfluff_results, f"sqlfluff did not lint {name}"
    assert sqlfluff_results[name] == [], "\n".join(sqlfluff_results[name])


def test_every_query_file_is_used():
    code = "\n".join(p.read_text(encoding="utf-8") for p in PY_SOURCES)
    called = set(re.findall(r'\bquery\(\s*(?:[a-z_.]+,\s*)?"([a-z0-9_]+)"', code))
    unused = [p.stem for p in (ROOT / "sql" / "queries").glob("*.sql") if p.stem not in called]
    assert not unused, f"queries no code runs: {unused}"


def test_every_schema_file_matches_a_table():
    names = {p.stem for p in (ROOT / "sql" / "schema").glob("*.sql")}
    assert names == set(TABLES) | {"warehouse_info", "table_info", "load_notes"}


def test_every_page_is_registered():
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    registered = set(re.findall(r'st\.Page\("(pages/[^"]+\.py)"', app))
    on_disk = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    assert registered == on_disk


def test_pages_hold_no_sql_and_no_duckdb():
    for page in (ROOT / "pages").glob("*.py"):
        text = page.read_text(encoding="utf-8")
        assert "duckdb" not in text, page
        sql = re.search(r"\bselect\s[^\n]{0,200}?\bfrom\s+\w+|\b(create|insert\s+into|update|delete\s+from)\s+"
                        r"(or\s+replace\s+)?(table|view|\w+\s+set)\b", text, re.I)
        assert sql is None, f"{page.name} holds SQL: {sql and sql.group(0)!r}"


def test_warehouse_schema_matches_contract(tiny_warehouse):
    from analytics.data.warehouse import current_path

    con = duckdb.connect(str(current_path(tiny_warehouse)), read_only=True)
    duck = {"str": "VARCHAR", "date": "DATE", "amount": "DOUBLE", "float": "DOUBLE", "int": "BIGINT",
            "bool": "BOOLEAN"}
    try:
        for table in TABLES.values():
            cols = con.sql(f"describe {table.name}").pl()  # test-only introspection
            assert cols["column_name"].to_list() == table.column_names, table.name
            assert cols["column_type"].to_list() == [duck[c.type] for c in table.columns], table.name
    finally:
        con.close()
    assert set(duck) == set(POLARS_TYPES)


def _readme_contract() -> dict[str, list[tuple[str, str, str]]]:
    """Parse the contract tables of docs/contract.md: table headings then '| column | type | required |' rows."""
    text = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    section = text.split("<!-- contract:start -->")[1].split("<!-- contract:end -->")[0]
    out: dict[str, list[tuple[str, str, str]]] = {}
    current = None
    for line in section.splitlines():
        heading = re.match(r"^#### `(\w+)`", line)
        if heading:
            current = heading.group(1)
            out[current] = []
            continue
        row = re.match(r"^\| `(\w+)` \| (\w+) \| (yes|no) \|", line)
        if row and current:
            out[current].append((row.group(1), row.group(2), row.group(3)))
    return out


def test_readme_documents_the_contract_exactly():
    documented = _readme_contract()
    assert list(documented) == list(TABLES)
    for table in TABLES.values():
        expected = [(c.name, c.type, "yes" if c.required else "no") for c in table.columns]
        assert documented[table.name] == expected, table.name


def test_marts_build_in_their_declared_order():
    """Every mart file is in sql/marts/build_order.txt once, and reads only the raw tables and
    what the marts above it create."""
    from analytics.data.warehouse import mart_files

    order = mart_files()
    assert sorted(p.name for p in order) == sorted(p.name for p in (ROOT / "sql" / "marts").glob("*.sql"))
    created_by: dict[str, int] = {}
    texts = [p.read_text(encoding="utf-8") for p in order]
    for i, text in enumerate(texts):
        for name in re.findall(r"create\s+(?:or\s+replace\s+)?(?:table|view|macro)\s+(\w+)", text):
            created_by[name] = i
    for i, (path, text) in enumerate(zip(order, texts)):
        code = "\n".join(line.split("--", 1)[0] for line in text.splitlines())
        read = set(re.findall(r"\b(?:from|join)\s+(\w+)", code))
        later = sorted(n for n in read if created_by.get(n, -1) > i)
        assert not later, f"{path.name} reads {later}, built after it"
