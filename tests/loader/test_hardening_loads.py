"""Issue 11, part 3: nothing is lost. Loads into one folder take turns and say so, a load
killed with SIGKILL leaves the current warehouse serving and its debris is removed by the
next load or by `warehouse clean`, and a reader of an old version keeps reading it."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from analytics import cli
from analytics.data.loader import load
from analytics.policy import Policy
from analytics.data.warehouse import POINTER, build_lock, clean, current_path
from tests.conftest import ROOT, TINY
from tests.loader.test_bad_input import edit


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, **kw)


def debris(folder: Path) -> list[str]:
    """What killed loads leave: a half-built file and its WAL, a spill folder, a 0-byte
    pointer temp file, a version written but never made current."""
    (folder / ".building-29990101T000000000000Z.duckdb").write_bytes(b"x" * 1000)
    (folder / ".building-29990101T000000000000Z.duckdb.wal").write_bytes(b"x" * 1000)
    (folder / ".spill-29990101T000000000000Z").mkdir()
    (folder / ".spill-29990101T000000000000Z" / "duckdb_temp_block-1.block").write_bytes(b"x")
    (folder / f".{POINTER}.29990101T000000000000Z.tmp").write_bytes(b"")
    (folder / "credit-29990101T000000000000Z.duckdb").write_bytes(b"x" * 1000)
    return sorted([".building-29990101T000000000000Z.duckdb", ".building-29990101T000000000000Z.duckdb.wal",
                   ".spill-29990101T000000000000Z", f".{POINTER}.29990101T000000000000Z.tmp",
                   "credit-29990101T000000000000Z.duckdb"])


def test_clean_removes_debris_and_never_the_current_version(tmp_path, policy):
    folder = tmp_path / "wh"
    assert load(TINY, policy, folder).ok
    current = current_path(folder)
    before = digest(current)
    expected = debris(folder)
    assert sorted(clean(folder)) == expected
    assert current_path(folder) == current and digest(current) == before
    assert sorted(p.name for p in folder.iterdir()) == sorted([POINTER, ".build.lock", current.name])


def test_the_next_load_removes_the_debris(tmp_path, policy):
    folder = tmp_path / "wh"
    assert load(TINY, policy, folder).ok
    debris(folder)
    said: list[str] = []
    outcome = load(TINY, policy, folder, progress=said.append)
    assert outcome.ok
    assert any("removed what interrupted loads left behind" in s for s in said)
    names = sorted(p.name for p in folder.iterdir())
    assert not [n for n in names if n.startswith((".building", ".spill", f".{POINTER}."))]
    assert "credit-29990101T000000000000Z.duckdb" not in names


def test_warehouse_clean_from_the_command_line(tmp_path, policy):
    folder = tmp_path / "wh"
    assert load(TINY, policy, folder).ok
    debris(folder)
    done = run_cli("warehouse", "clean", "--warehouse", str(folder))
    assert done.returncode == 0, done.stderr
    assert "removed 5 leftovers of interrupted loads:" in done.stdout
    assert f"current version: {current_path(folder).name}" in done.stdout


@pytest.fixture(scope="module")
def medium_source(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("medium")
    done = run_cli("generate", "--customers", "400", "--years", "2", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


def test_kill_9_during_the_build_leaves_the_warehouse_serving(tmp_path, policy, medium_source):
    folder = tmp_path / "wh"
    assert load(TINY, policy, folder).ok
    current = current_path(folder)
    before = digest(current)
    proc = subprocess.Popen([sys.executable, "-m", "analytics", "load", str(medium_source), "--warehouse",
                             str(folder)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not list(folder.glob(".building-*")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.005)
    assert list(folder.glob(".building-*")), "the load never reached the build"
    time.sleep(0.3)  # into the marts
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert current_path(folder) == current and digest(current) == before
    with duckdb.connect(str(current), read_only=True) as con:
        assert con.execute("select count(*) from invoices").fetchone() == (5,)
    assert list(folder.glob(".building-*")), "expected debris from the kill"
    removed = clean(folder)
    assert any(n.startswith(".building-") for n in removed)
    assert not list(folder.glob(".building-*")) and not list(folder.glob(".spill-*"))
    assert current_path(folder) == current


def test_a_load_that_finds_another_running_waits_says_so_and_reads_the_newest_files(tmp_path, policy,
                                                                                   tiny_copy):
    folder = tmp_path / "wh"
    assert load(TINY, policy, folder).ok
    released = threading.Event()
    holding = threading.Event()

    def hold() -> None:  # another process's load, as far as the lock goes
        with build_lock(folder):
            holding.set()
            released.wait(60)

    other = threading.Thread(target=hold)
    other.start()
    holding.wait(10)
    proc = subprocess.Popen([sys.executable, "-m", "analytics", "load", str(tiny_copy), "--warehouse", str(folder)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    said = [proc.stderr.readline() for _ in range(1)]  # type: ignore[union-attr]
    while "another load into this folder is running" not in said[-1] and said[-1] and len(said) < 50:
        said.append(proc.stderr.readline())  # type: ignore[union-attr]
    assert "waiting for it to finish" in said[-1], said
    assert not list(folder.glob(".building-*")), "it must wait before reading and building"
    # while it waits, the export is taken again: the waiting load must build on these files
    edit(tiny_copy, "invoices.csv", "I4,C3,2024-03-05,2024-04-04,2000", "I4,C3,2024-03-05,2024-04-04,2500")
    released.set()
    other.join()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    with duckdb.connect(str(current_path(folder)), read_only=True) as con:
        assert con.execute("select amount from invoices where invoice_id = 'I4'").fetchone() == (2500.0,)
    assert "another load has replaced it" not in out


def test_a_report_says_when_its_version_is_no_longer_current(tmp_path, policy, monkeypatch, capsys):
    folder = tmp_path / "wh"
    assert load(TINY, policy, folder).ok
    later = folder / "credit-29990101T000000000000Z.duckdb"
    monkeypatch.setattr(cli, "current_path", lambda _folder: later)
    assert cli.main(["load", str(TINY), "--warehouse", str(folder)]) == 0
    assert f"another load has replaced it since: the current version is {later.name}" in capsys.readouterr().out


def test_a_reader_of_an_old_version_keeps_reading_it_after_pruning(tmp_path, policy):
    folder = tmp_path / "wh"
    assert load(TINY, policy, folder).ok
    first = current_path(folder)
    reader = duckdb.connect(str(first), read_only=True)
    try:
        for _ in range(4):
            assert load(TINY, policy, folder).ok
        assert not first.exists()  # pruned: more than KEEP_VERSIONS newer ones
        assert reader.execute("select count(*) from invoices").fetchone() == (5,)
    finally:
        reader.close()


def test_an_unexpected_failure_reaches_the_cli_user_as_a_message(tmp_path, monkeypatch, capsys):
    def boom(*_a, **_k):
        raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block of size 256 KiB")

    monkeypatch.setattr(cli, "load", boom)
    assert cli.main(["load", str(TINY), "--warehouse", str(tmp_path / "wh")]) == 3
    err = capsys.readouterr().err
    assert "error: OutOfMemoryException: Out of Memory Error" in err and "Traceback" not in err
