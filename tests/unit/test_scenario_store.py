"""The scenario store: a JSON file of named scenarios. Every lever survives a save and a load
(cleared ones too), names are tidied and checked, a damaged file is reported and left alone,
and the scenarios outlive the process that saved them."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from pathlib import Path

import pytest

from analytics.policy.levers import Levers
from analytics.policy import DEFAULT_POLICY_PATH, load_policy
from analytics.policy.scenarios import MAX_NAME, STORE_ENV, ScenarioStore, StoreError, full_mapping, store_path

POLICY = load_policy(DEFAULT_POLICY_PATH).levers
N = len(POLICY.scale)


def changed_everywhere() -> Levers:
    """Levers that differ from the policy in every field (None where the policy sets a value)."""
    return replace(
        POLICY, bases=("working_capital", "current_limit"), tangible_net_worth_pct=12.5, working_capital_pct=40.0,
        grace_days=15, grade_multipliers=(1.5,) * N, risk_appetite=0.75, floor_by_grade=(1000.0,) + (None,) * (N - 1),
        single_name_cap_pct=None, single_name_cap_basis="equity", own_equity_amt=5e8, min_grade="B",
        rounding_amt=1000.0, terms_by_grade=(None, 45) + (None,) * (N - 2), hold_days_past_due=None,
        hold_utilization_pct=None, pd_multiplier=2.5, downgrade_notches=2, downgrade_scope="industry",
        downgrade_value="Machinery", lgd_pct=60.0, payment_delay_days=10, sales_growth_pct=-20.0,
        asset_correlation=0.2, sector_correlation=0.3, simulations=5_000, seed=7, individual_names=100)


@pytest.fixture()
def store(tmp_path: Path) -> ScenarioStore:
    return ScenarioStore(tmp_path / "sub" / "scenarios.json")  # the folder is created on the first save


def test_round_trip_keeps_every_lever(store: ScenarioStore) -> None:
    levers = changed_everywhere()
    assert all(getattr(levers, f.name) != getattr(POLICY, f.name) for f in fields(Levers)
               if f.name not in ("scale", "cap_by_grade"))
    store.save("Recession", levers)
    assert store.names() == ["Recession"]
    assert store.load("Recession", POLICY) == levers
    # on any other base too: the file holds every lever, not the changes from today's policy
    other = replace(POLICY, pd_multiplier=9.0, seed=1, single_name_cap_pct=1.0, asset_correlation=None)
    assert store.load("Recession", other) == levers


def test_a_cleared_lever_loads_as_none_on_top_of_the_policy(store: ScenarioStore) -> None:
    assert POLICY.single_name_cap_pct is not None and POLICY.hold_days_past_due is not None
    levers = replace(POLICY, single_name_cap_pct=None, hold_days_past_due=None, hold_utilization_pct=None)
    store.save("no cap", levers)
    doc = json.loads(store.path.read_text(encoding="utf-8"))
    assert doc["no cap"]["levers"]["single_name_cap_pct"] is None  # written out as null, not left out
    assert set(doc["no cap"]["levers"]) == {f.name for f in fields(Levers)} - {"scale"}
    loaded = store.load("no cap", POLICY)
    assert loaded.single_name_cap_pct is None and loaded.hold_days_past_due is None
    assert loaded.hold_utilization_pct is None
    assert loaded == levers


def test_a_cleared_per_grade_cap_loads_as_none_on_top_of_the_policy(store: ScenarioStore) -> None:
    assert POLICY.cap_by_grade[POLICY.scale.index("CCC")] is not None
    no_caps = replace(POLICY, cap_by_grade=(None,) * N)
    store.save("no grade caps", no_caps)
    assert store.load("no grade caps", POLICY).cap_by_grade == (None,) * N


def test_names_are_trimmed_sorted_and_replaced(store: ScenarioStore) -> None:
    store.save("  Recession \t 2027  ", replace(POLICY, pd_multiplier=2.0))
    store.save("boom", replace(POLICY, sales_growth_pct=30.0))
    store.save("Recession 2027", replace(POLICY, pd_multiplier=3.0))  # same name once tidied: replaced
    assert store.names() == ["boom", "Recession 2027"]  # case-insensitive order
    assert store.load("Recession 2027", POLICY).pd_multiplier == 3.0
    store.save("x" * MAX_NAME, POLICY)  # the longest allowed
    assert "x" * MAX_NAME in store.names()


@pytest.mark.parametrize(("name", "message"), [
    ("", "give the scenario a name"),
    ("   \t ", "give the scenario a name"),
    ("x" * (MAX_NAME + 1), f"at most {MAX_NAME} characters"),
])
def test_bad_names_are_refused(store: ScenarioStore, name: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        store.save(name, POLICY)
    assert not store.path.exists()


def test_delete_and_unknown_names(store: ScenarioStore) -> None:
    store.save("a", POLICY)
    store.save("b", replace(POLICY, seed=3))
    store.delete("a")
    assert store.names() == ["b"]
    store.delete("never saved")  # nothing to do, no error
    assert store.names() == ["b"]
    with pytest.raises(StoreError, match="no saved scenario named 'a'"):
        store.load("a", POLICY)


def test_empty_store_has_no_names(store: ScenarioStore) -> None:
    assert store.names() == []
    store.delete("anything")
    assert not store.path.exists()


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"x": {"no_levers": 1}}', '{"x": 3}'])
def test_a_damaged_file_is_reported_and_not_overwritten(store: ScenarioStore, text: str) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_text(text, encoding="utf-8")
    with pytest.raises(StoreError, match="fix or remove it"):
        store.names()
    with pytest.raises(StoreError, match="fix or remove it"):
        store.save("new", POLICY)
    with pytest.raises(StoreError, match="fix or remove it"):
        store.delete("x")
    assert store.path.read_text(encoding="utf-8") == text  # the user's file is left as it was
    # no temporary files left (the lock file stays: it is the lock, not a copy)
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["scenarios.json", "scenarios.json.lock"]


def test_a_saved_scenario_that_no_longer_fits_the_scale_is_explained(store: ScenarioStore) -> None:
    store.save("old", replace(POLICY, min_grade="B"))
    doc = json.loads(store.path.read_text(encoding="utf-8"))
    doc["old"]["levers"]["min_grade"] = "Baa2"  # a scale the policy no longer uses
    store.path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(StoreError, match="no longer fits the policy's rating scale"):
        store.load("old", POLICY)


def test_scenarios_survive_a_restart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "scenarios.json"
    monkeypatch.setenv(STORE_ENV, str(path))
    assert store_path() == path
    levers = changed_everywhere()
    ScenarioStore().save("kept", levers)
    ScenarioStore().save("other", POLICY)
    fresh = ScenarioStore()  # a new process reads the same file
    assert fresh.path == path and fresh.names() == ["kept", "other"]
    assert fresh.load("kept", POLICY) == levers
    assert json.loads(path.read_text(encoding="utf-8"))["kept"]["levers"] == json.loads(
        json.dumps(full_mapping(levers)))
    # the temporary file was renamed; the lock file stays (it is the lock, not a copy)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenarios.json", "scenarios.json.lock"]


def test_default_path_is_in_the_home_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(STORE_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert store_path() == tmp_path / ".credit-dashboard" / "scenarios.json"


def _writer(path: str, worker: int, saves: int) -> None:
    store = ScenarioStore(Path(path))
    for i in range(saves):
        store.save(f"w{worker}-{i}", replace(POLICY, seed=worker * 1000 + i))


def test_concurrent_saves_keep_every_scenario(store: ScenarioStore) -> None:
    """4 processes x 50 saves at once: all 200 kept (read-modify-write under a lock), each
    with its own levers."""
    import subprocess
    import sys

    from tests.conftest import ROOT
    code = "import sys; from tests.unit.test_scenario_store import _writer; _writer(sys.argv[1], int(sys.argv[2]), 50)"
    workers = [subprocess.Popen([sys.executable, "-c", code, str(store.path), str(w)], cwd=ROOT) for w in range(4)]
    assert [proc.wait(120) for proc in workers] == [0, 0, 0, 0]
    names = store.names()
    assert len(names) == 200
    assert store.load("w3-49", POLICY).seed == 3049 and store.load("w0-0", POLICY).seed == 0


def test_concurrent_saves_from_threads_of_one_server(store: ScenarioStore) -> None:
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda w: _writer(str(store.path), w, 25), range(4)))
    assert len(store.names()) == 100


@pytest.mark.parametrize("text, why", [("[" * 100_000 + "]" * 100_000, "nested too deeply"),
                                       ('{"x": {"levers": {}, "pad": "' + "x" * 2_100_000 + '"}}', "too large")])
def test_a_pathological_store_is_refused_with_a_message(store: ScenarioStore, text: str, why: str) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_text(text, encoding="utf-8")
    for action in (store.names, lambda: store.save("new", POLICY)):
        with pytest.raises(StoreError, match=why) as err:
            action()
        assert str(store.path.parent) not in str(err.value)  # the server's path is not shown
    assert store.path.read_text(encoding="utf-8") == text


def test_a_save_lets_go_of_the_lock(store: ScenarioStore) -> None:
    """After a save or a delete another writer can take the lock at once (it was held only
    for the read-modify-write)."""
    from filelock import FileLock
    store.save("a", POLICY)
    other = FileLock(str(store.path) + ".lock", timeout=0)
    other.acquire()
    other.release()
    store.delete("a")
    other.acquire()
    other.release()
