"""Every page in Chinese (?lang=zh): no English word reaches the screen outside data values
(customer names, managers, industries … as loaded) and the abbreviations credit teams use as
they are (docs/glossary.md). Checks every element's text, labels, help texts, options,
table headers and chart texts (titles, axes, legends, hover texts), as AppTest sees them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP

# abbreviations and codes that stay in Latin letters in Chinese (docs/glossary.md)
ALLOWED = {
    "DSO", "CEI", "HHI", "PD", "LGD", "EAD", "ECL", "EL", "VaR", "ES", "IFRS", "ERP", "CSV", "XLSX", "PDF", "JSON",
    "ID", "IDs", "CNY", "USD", "EUR", "HKD", "GBP", "JPY", "AUC", "KS", "IV", "WoE", "PSI", "ADD", "AR", "OIDC",
    "TOML", "YAML", "SQL", "URL", "K", "M", "B", "AAA", "AA", "A", "BBB", "BB", "CCC", "CC", "C", "D", "NR", "vs",
    "pp", "p", "x", "ROC", "KPI", "KPIs", "CFO", "Gini", "CRIF", "SHA", "DPD", "LR", "TTC", "PIT", "Jeffreys",
    "Herfindahl", "Hirschman", "Monte", "Carlo", "Sankey", "Logit", "WAL", "SQLite", "PostgreSQL", "DuckDB",
    "Excel", "ISO", "i", "e", "N", "n", "Q", "Y", "T", "Tbk",
    "English",  # the language switch names each language in its own words
}
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
STRIP = [
    re.compile(r"`[^`]*`"),                        # code spans: commands, file names, field names
    re.compile(r":material/[a-z_]+:"),             # icons
    re.compile(r"https?://\S+"),                   # links
    re.compile(r"%\{[^}]*\}|\{[^}]*\}"),           # plotly and format placeholders
    re.compile(r"<[^>]+>"),                        # tags in hover texts
    re.compile(r"\\([!-/:-@\[-`{-~])"),            # markdown escapes (analytics.app.ui.plain)
    re.compile(r"\b[A-Z]{1,3}\d{3,}\b|\b[A-Z]+-\d+\b"),  # ids such as C000123, APP-12
    re.compile(r"\d[\d,.]*\s?[KMB]\b"),            # compact numbers
]
SKIP_FIELDS = {"id", "form_id", "deferred_file_id", "page", "tag", "anchor", "icon", "url", "arrow_data", "spec", "columns", "key", "data", "type", "format",
               "src", "deprecation", "theme", "page_script_hash", "page_name", "url_pathname", "value",
               "default", "set_value", "column_order", "selection_mode", "vega_lite_chart", "datasets"}
PLOTLY_TEXT_KEYS = {"name", "hovertemplate", "texttemplate", "ticktext", "text", "labels"}

PAGES = [
    ("portfolio", {}), ("whatif", {}),
    ("whatif", {"scenario": "eNqrVkrJL89LL0pMSY3Pyy9JzkgtVrIy1FEqSInPLc0pySzIyUwtUrIy0jOoBQBhag9q"}),  # policy limits + a stress
    ("limits", {}), ("aging", {}), ("kpis", {}), ("provisions", {}),
    ("collections", {}), ("watchlist", {}),
    ("watchlist", {"thresholds": "utilization:60,grade_floor:bad,nosuchrule:1"}),  # tried thresholds, a bad link
    ("migration", {}), ("reviews", {}), ("scoring", {}),
    ("customer", {"customer": "C000001"}), ("customer", {}), ("applications", {}),
    ("applications", {"view": "new", "customer": "C000002"}), ("applications", {"view": "decided"}),
    ("applications", {"view": "limits"}), ("committee", {}), ("audit", {}),
    ("data", {}),
]


def data_words(warehouse: Path) -> set[str]:
    """Every word of the loaded data's text values (names, managers, industries, ids …), lower-cased."""
    path = warehouse / (warehouse / "CURRENT").read_text().strip()
    words: set[str] = set()
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [t for (t,) in con.sql("select table_name from information_schema.tables "
                                        "where table_schema = 'main' and table_type = 'BASE TABLE'").fetchall()]
        for table in tables:
            cols = [c for (c, t) in con.sql(
                "select column_name, data_type from information_schema.columns where table_name = ?",
                params=[table]).fetchall() if t == "VARCHAR"]
            for col in cols:
                for (value,) in con.sql(f'select distinct "{col}" from "{table}" limit 5000').fetchall():
                    if value:
                        words.update(w.lower() for w in WORD.findall(str(value)))
    return words


def _proto_texts(message: object, out: list[str]) -> None:
    from google.protobuf.message import Message
    if not isinstance(message, Message):
        return
    for field, value in message.ListFields():
        if field.name in SKIP_FIELDS:
            continue
        if field.type == field.TYPE_STRING:
            out.extend(value if field.is_repeated else [value])
        elif field.type == field.TYPE_MESSAGE:
            for item in (value if field.is_repeated else [value]):
                _proto_texts(item, out)


def _plotly_texts(node: object, out: list[str], key: str = "") -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "template":
                continue
            if k == "title" and isinstance(v, str):
                out.append(v)
            _plotly_texts(v, out, k)
    elif isinstance(node, list):
        for v in node:
            _plotly_texts(v, out, key)
    elif isinstance(node, str) and key in PLOTLY_TEXT_KEYS:
        out.append(node)


def _vega_texts(node: object, out: list[str], key: str = "") -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("datasets", "data", "$schema", "config"):
                continue
            _vega_texts(v, out, k)
    elif isinstance(node, list):
        for v in node:
            _vega_texts(v, out, key)
    elif isinstance(node, str) and key in ("title", "text", "label", "labelExpr"):
        out.append(node)


def visible_texts(at: AppTest) -> list[str]:
    """Every text of the rendered page a reader can see (or hover)."""
    texts: list[str] = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if proto is not None:
            _proto_texts(proto, texts)
            if kind == "dataframe":
                config = json.loads(proto.columns or "{}")
                texts.extend(c["label"] for c in config.values() if isinstance(c, dict) and c.get("label"))
                shown = getattr(node, "value", None)
                if shown is not None:
                    texts.extend(str(c) for c in shown.columns if str(c) not in config)
            elif kind == "plotly_chart":
                _plotly_texts(json.loads(proto.spec), texts)
            elif kind == "arrow_vega_lite_chart":
                _vega_texts(json.loads(proto.spec), texts)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return texts


def english_words(texts: list[str], allowed_data: set[str]) -> list[tuple[str, str]]:
    found = []
    for text in texts:
        if text.lstrip().startswith("<style"):  # the frame's CSS (st.html), not text a reader sees
            continue
        clean = text
        for pattern in STRIP:
            clean = pattern.sub(" ", clean)
        for word in WORD.findall(clean):
            if word in ALLOWED or word.lower() in allowed_data:
                continue
            found.append((word, text[:160]))
    return found


def render(app, page: str, params: dict[str, str]) -> AppTest:
    at = app(_open=page, lang="zh", **params)
    at.run()
    return at


@pytest.fixture()
def admin(monkeypatch):
    monkeypatch.setenv("CREDIT_SIGN_IN_ROLE", "administrator")


@pytest.mark.parametrize(("page", "params"), PAGES, ids=[f"{p}{'-' + '-'.join(q) if q else ''}" for p, q in PAGES])
def test_every_page_speaks_chinese(app, generated_warehouse, admin, page, params):
    at = render(app, page, params)
    assert not at.exception, [e.value for e in at.exception]
    words = english_words(visible_texts(at), data_words(generated_warehouse))
    assert not words, "English on the Chinese page: " + "; ".join(f"{w!r} in {t!r}" for w, t in words[:40])


def test_the_english_page_is_still_english(app, admin):
    at = app(_open="portfolio")
    at.run()
    assert [t.value for t in at.title] == ["Portfolio exposure"]


def test_a_nonsense_language_is_explained_and_english_shown(app, admin):
    at = app(_open="portfolio", lang="klingon")
    at.run()
    assert any("klingon" in w.value for w in at.sidebar.warning)
    assert [t.value for t in at.title] == ["Portfolio exposure"]
