"""The decision side from the command line and through the warehouse: the committee pack
(PDF text holds the agenda's figures and Chinese names), the audit check's exit code on a
tampered trail, accounts, the ERP limits file, and decided limits overlaying the loaded
limit history on every view (the page's and the report's numbers alike)."""

from __future__ import annotations

import io
import json
import os
from datetime import date, datetime, timezone
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from analytics.cli import main
from analytics.data.loader import load
from analytics.data.warehouse import Warehouse
from analytics.policy import load_policy
from analytics.policy.access import Actor
from analytics.store.decisions import ApplicationRequest, DecisionStore
from analytics.views import Filters, calendar, exposure_view
from analytics.views.decisions import customer_picture, propose_agenda
from tests.conftest import ROOT

ANALYST = Actor("ana", "Ana", ("credit_analyst",))
MANAGER = Actor("max", "Max", ("credit_manager",))
CFO = Actor("chen", "Chen", ("cfo",))


@pytest.fixture(scope="module")
def cn_warehouse(tmp_path_factory) -> Path:
    """The shipped Chinese ERP example (customer names in Chinese) loaded."""
    folder = tmp_path_factory.mktemp("wh_cn_pack")
    outcome = load(ROOT / "sample_data" / "erp_cn", load_policy(), folder, ROOT / "sample_data" / "mappings" / "erp_cn.toml")
    assert outcome.ok, outcome.issues
    return folder


def _store() -> DecisionStore:
    return DecisionStore(load_policy(), url=os.environ["CREDIT_STORE_URL"])


def test_the_pack_holds_the_agendas_figures_and_chinese_names(cn_warehouse, tmp_path, capsys):
    from pypdf import PdfReader
    policy = load_policy()
    store = _store()
    wh = Warehouse(cn_warehouse)
    try:
        latest = calendar(wh).latest
        pic = customer_picture(wh, "K001", latest, policy)
        moment = datetime.combine(latest, datetime.min.time(), timezone.utc)
        app_id = store.submit(ANALYST, ApplicationRequest("K001", "limit_increase", "集团担保下提高额度",
                                                          requested_limit_amt=30_000_000.0), pic, now=moment)
        agenda = propose_agenda(wh, store, latest, date(2024, 3, 28), policy)
    finally:
        wh.close()
    meeting = store.create_meeting(MANAGER, date(2024, 3, 28), "信用委员会 2024年3月", latest, agenda, now=moment)
    out = tmp_path / "pack.pdf"
    assert main(["pack", "--meeting", str(meeting), "--format", "pdf", "--out", str(out),
                 "--warehouse", str(cn_warehouse)]) == 0
    pages = PdfReader(io.BytesIO(out.read_bytes())).pages
    assert len(pages) >= 1 + agenda.height
    text = "\n".join(p.extract_text() for p in pages)
    assert "信用委员会 2024年3月" in text and "杭州恒泰精密机械有限公司" in text
    assert "CNY 30,000,000" in text  # the requested limit on the application's page
    assert f"{pic.current_limit_amt:,.0f}" in text  # the limit in force, from the frozen picture
    assert f"page 1 of {len(pages)}" in text
    xlsx = tmp_path / "pack.xlsx"
    assert main(["pack", "--meeting", str(meeting), "--format", "xlsx", "--out", str(xlsx),
                 "--warehouse", str(cn_warehouse)]) == 0
    sheet = pl.read_excel(xlsx, sheet_name="Agenda")
    assert sheet.height == agenda.height and "杭州恒泰精密机械有限公司" in " ".join(map(str, sheet.row(0)))
    assert app_id == 1


@pytest.mark.parametrize("args, message", [
    (["pack", "--format", "pdf", "--out", "x.pdf"], "give --meeting ID or --as-of DATE"),
    (["pack", "--meeting", "42", "--format", "pdf", "--out", "x.pdf"], "There is no meeting 42"),
    (["pack", "--as-of", "someday", "--format", "pdf", "--out", "x.pdf"], "is not a date"),
    (["pack", "--as-of", "2031-01-31", "--format", "pdf", "--out", "x.pdf"], "outside the data"),
    (["users", "add", "--username", "x"], "needs --name, --roles"),
    (["audit", "export"], "audit export needs --out"),
])
def test_bad_requests_are_explained(cn_warehouse, tmp_path, capsys, args, message):
    os.chdir(tmp_path)
    assert main([*args, "--warehouse", str(cn_warehouse)] if args[0] != "users" else args) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_audit_verify_fails_on_a_tampered_trail(tmp_path, capsys):
    store = _store()
    store.record_sign_in(ANALYST, "password")
    store.record_sign_in(MANAGER, "password")
    assert main(["audit", "verify"]) == 0
    head = capsys.readouterr().out.split("head hash ")[1].strip()
    assert main(["audit", "verify", "--expect", head]) == 0
    out = tmp_path / "trail.json"
    assert main(["audit", "export", "--out", str(out)]) == 0
    assert [e["actor"] for e in json.loads(out.read_text())["audit_trail"]] == ["ana", "max"]
    with store.engine.begin() as con:
        con.execute(sa.text("drop trigger audit_log_no_update"))
        con.execute(sa.text("update audit_log set actor = 'someone' where entry_id = 1"))
    capsys.readouterr()
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "audit trail BROKEN" in err and "entry 1 (sign_in session ana" in err


def test_accounts_from_the_command_line(tmp_path, monkeypatch, capsys):
    from analytics.store.accounts import read_accounts
    path = tmp_path / "accounts.yaml"
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password-1\n"))
    assert main(["users", "init-admin", "--username", "root", "--name", "Admin", "--password-stdin",
                 "--file", str(path)]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["users", "add", "--username", "li", "--name", "Li Na", "--roles", "credit_analyst",
                 "--password-stdin", "--file", str(path)]) == 2
    assert "at least 10 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("another-password\n"))
    assert main(["users", "add", "--username", "li", "--name", "Li Na", "--roles", "credit_analyst,viewer",
                 "--password-stdin", "--file", str(path)]) == 0
    assert main(["users", "set-roles", "--username", "li", "--roles", "auditor", "--file", str(path)]) == 2
    assert "give one or more of" in capsys.readouterr().err
    doc = read_accounts(path)
    users = doc["credentials"]["usernames"]
    assert users["li"]["roles"] == ["credit_analyst", "viewer"] and users["root"]["roles"] == ["administrator"]
    assert users["li"]["password"].startswith("$2") and "another-password" not in path.read_text()
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password-2\n"))
    assert main(["users", "init-admin", "--username", "root2", "--name", "Admin", "--password-stdin",
                 "--file", str(path)]) == 2
    assert "has an administrator already" in capsys.readouterr().err


def test_decided_limits_overlay_every_view_and_export_for_the_erp(generated_warehouse, tmp_path, capsys):
    """A limit decided effective on the extraction date is the limit in force there on every
    view, the report's and the page's; earlier dates keep the loaded one; the ERP file holds
    it in the credit_limits contract's columns."""
    policy = load_policy()
    store = _store()
    plain_wh = Warehouse(generated_warehouse)
    try:
        cal = calendar(plain_wh)
        latest, before = cal.latest, cal.dates[2]
        base = exposure_view(plain_wh, latest, Filters(), policy).kpis
        base_before = exposure_view(plain_wh, before, Filters(), policy).kpis
        snap = plain_wh.query("customer_snapshot_one", customer_id="C000003", as_of=latest).row(0, named=True)
        pic = customer_picture(plain_wh, "C000003", latest, policy)
    finally:
        plain_wh.close()
    assert snap["is_line_holder"] and snap["own_limit_amt"]
    new_limit = snap["own_limit_amt"] + 250_000.0
    moment = datetime.combine(latest, datetime.min.time(), timezone.utc)  # decided on the extraction date
    app_id = store.submit(ANALYST, ApplicationRequest("C000003", "limit_increase", "growth",
                                                      requested_limit_amt=new_limit), pic, now=moment)
    level = store.application(app_id)["required_level"]
    decider = MANAGER if level == "credit manager" else CFO
    if level == "credit committee":
        pytest.skip("the customer's group is above the CFO")  # pragma: no cover - the fixture's C000003 is not
    store.decide(decider, app_id, 1, "approved", "fine", now=moment)
    wh = Warehouse(generated_warehouse, decided=store.decided_limits(), stamp=store.limits_stamp())
    try:
        assert wh.version.endswith("+decided-1")
        now = exposure_view(wh, latest, Filters(), policy).kpis
        then = exposure_view(wh, before, Filters(), policy).kpis
        snap_after = wh.query("customer_snapshot_one", customer_id="C000003", as_of=latest).row(0, named=True)
    finally:
        wh.close()
    assert snap_after["limit_amt"] == new_limit and snap_after["limit_effective_from"] == latest
    assert now.limit_amt == pytest.approx(base.limit_amt + 250_000.0)
    assert then.limit_amt == pytest.approx(base_before.limit_amt)  # the history is not rewritten
    capsys.readouterr()
    assert main(["report", "exposure", "--format", "json", "--warehouse", str(generated_warehouse)]) == 0
    report = json.loads(capsys.readouterr().out)
    kpis = {r["metric"]: r["value"] for r in report["kpis"]}
    assert report["warehouse"].endswith("+decided-1")
    assert kpis["limit_amt"] == pytest.approx(now.limit_amt, abs=0.01)
    out = tmp_path / "limits.csv"
    assert main(["decisions", "limits", "--out", str(out), "--warehouse", str(generated_warehouse)]) == 0
    erp = pl.read_csv(out)
    assert erp.columns[:9] == ["customer_id", "effective_from", "limit_amt", "currency", "expires_on",
                               "payment_terms_days", "approved_by", "approval_level", "limit_scope"]
    assert erp.select("customer_id", "limit_amt").row(0) == ("C000003", new_limit)


def test_a_decided_limit_the_loaded_history_holds_needs_no_overlay(generated_warehouse):
    """Once the ERP imported a decision and the export was loaded again, the decided row is
    the loaded one: the warehouse opens plain (no rebuild at every server start)."""
    wh = Warehouse(generated_warehouse)
    try:
        loaded = wh.query("loaded_limits_of", ids=["C000003"]).sort("effective_from").tail(1)
    finally:
        wh.close()
    decided = loaded.with_columns(pl.lit("CNY").alias("currency"), pl.lit("max").alias("approved_by"),
                                  pl.lit("credit manager").alias("approval_level"),
                                  pl.lit(None, pl.Int64).alias("payment_terms_days"),
                                  pl.lit("entity").alias("limit_scope"))
    same = Warehouse(generated_warehouse, decided=decided, stamp=9)
    try:
        assert same.decided is None and not same.version.endswith("+decided-9")
    finally:
        same.close()
    changed = Warehouse(generated_warehouse, decided=decided.with_columns(pl.col("limit_amt") + 1), stamp=9)
    try:
        assert changed.decided is not None and changed.version.endswith("+decided-9")
    finally:
        changed.close()


def test_of_two_limits_decided_for_one_day_the_later_rules(generated_warehouse):
    wh = Warehouse(generated_warehouse)
    try:
        latest = calendar(wh).latest
    finally:
        wh.close()
    row = {"customer_id": "C000003", "effective_from": latest, "currency": "CNY", "expires_on": None,
           "approved_by": "max", "approval_level": "credit manager", "payment_terms_days": 60, "limit_scope": "entity"}
    decided = pl.DataFrame([{**row, "limit_id": 1, "limit_amt": 500_000.0}, {**row, "limit_id": 2, "limit_amt": 600_000.0}],
                           schema_overrides={"expires_on": pl.Date})
    for order in (decided, decided.reverse()):
        handle = Warehouse(generated_warehouse, decided=order, stamp=2)
        try:
            snap = handle.query("customer_snapshot_one", customer_id="C000003", as_of=latest)
        finally:
            handle.close()
        assert snap.height == 1 and snap["limit_amt"][0] == 600_000.0
