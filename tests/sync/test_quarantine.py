"""No event can wedge sync: a bad event on the hub is quarantined, never applied, never raised.

The bad events are planted in the hub's database (tests/hub/planting.py) the way an older
hub or a bug would have stored them, correctly chained; then a fresh workstation and one
that had synced before both run `veil sync` against the real hub process (SQLite and
PostgreSQL), exit 0 and go on with the events after them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from app.domain.policies import PolicySet
from app.hub.chain import verify_hub
from app.hub.process import HubProcess
from app.log import quarantine
from app.log import registry as kernel
from app.log.registry import ENV_EXTRA_FEATURES
from app.log.remote import RemoteBatch
from app.log.store import LocalStore
from app.review import folds
from app.sync.client import HubClient
from db.hub.engine import read_transaction
from tests.hub.planting import plant
from tests.hub.world import DeviceWriter

from .stations import Station, TeamOnHub
from .test_cli import login, run

TOY = "tests.kernel.toy.feature"
# A deadline every check lets through; `fold_bug` makes the escalation's fold raise on it,
# as a bug in a fold (or an older hub's looser checks) would.
BUGGY_DEADLINE = "2031-02-28T09:00:00Z"


def fold_bug(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Make the SLA fold raise on BUGGY_DEADLINE; returns the "fix" (the fold restored)."""
    original = folds.set_sla

    def buggy(case: Any, started: str, deadline: str) -> None:
        if deadline == BUGGY_DEADLINE:
            raise ValueError("day is out of range for month")
        original(case, started, deadline)

    monkeypatch.setattr(folds, "set_sla", buggy)
    return lambda: monkeypatch.setattr(folds, "set_sla", original)


@pytest.fixture(autouse=True)
def _plain_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The bundled features only (the toy one is installed by the test that fixes)."""
    monkeypatch.delenv(ENV_EXTRA_FEATURES, raising=False)
    kernel.reset()
    quarantine.build.cache_clear()
    yield
    monkeypatch.delenv(ENV_EXTRA_FEATURES, raising=False)
    kernel.reset()
    quarantine.build.cache_clear()


def _rows(folder: Path, sql: str) -> list[tuple[object, ...]]:
    store = LocalStore(folder)
    try:
        with store.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        store.close()


def _held(capsys: pytest.CaptureFixture[str], folder: Path, *extra: str) -> list[dict[str, str]]:
    status, out, err = run(capsys, "--data-dir", str(folder), "sync", "quarantine", *extra)
    assert status == 0, err
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_bad_events_on_the_hub_are_quarantined_and_sync_goes_on(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    hub: HubProcess,
    hub_engine: Engine,
    team: TeamOnHub,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fix = fold_bug(monkeypatch)
    mod = team.user("moderator")
    escalated, undecided = team.cases(2)
    existing, fresh = tmp_path / "existing", tmp_path / "fresh"
    login(capsys, existing, hub.base_url, team.lead)
    assert run(capsys, "--data-dir", str(existing), "sync")[0] == 0

    # A fold that raises, a payload without its required field, a kind nobody installed.
    bad_fold = plant(
        hub_engine, actor=mod.username, team=team.name, kind="case.escalated",
        case_id=escalated, payload={"reason": "looks bad", "sla_deadline": BUGGY_DEADLINE},
    )  # fmt: skip
    no_action = plant(
        hub_engine, actor=mod.username, team=team.name, kind="decision.recorded",
        case_id=undecided, payload={"rationale": "no action named"},
    )  # fmt: skip
    unknown = plant(
        hub_engine, actor=mod.username, team=team.name, kind="toy.stamped",
        case_id=escalated, payload={"colour": "red", "count": 2},
    )  # fmt: skip
    # Later good events on the same cases, pushed through the hub's API.
    device = DeviceWriter(mod.username)
    later = [
        device.event("decision.recorded", escalated, action="no_violation"),
        device.event("note.added", undecided, text="a later note"),
    ]
    with HubClient(hub.base_url, token=mod.token) as client:
        client.push(device.device_id, later)
    with read_transaction(hub_engine) as conn:
        assert verify_hub(conn) == []

    login(capsys, fresh, hub.base_url, team.lead)
    for folder in (existing, fresh):
        status, out, err = run(capsys, "--data-dir", str(folder), "sync")
        assert status == 0, err
        assert "3 quarantined" in out
        held = {e["event_id"]: e for e in _held(capsys, folder, "--json")}
        assert set(held) == {bad_fold.event_id, no_action.event_id, unknown.event_id}
        assert held[bad_fold.event_id]["field"] == "fold app.review.folds.escalation_record"
        assert "day is out of range" in held[bad_fold.event_id]["rule"]
        assert (held[no_action.event_id]["field"], held[no_action.event_id]["rule"]) == (
            "action",
            "required",
        )
        assert held[unknown.event_id]["field"] == "kind"
        assert "no installed feature" in held[unknown.event_id]["rule"]
        # The later events applied; the quarantined ones are in no projection.
        status_of = dict(_rows(folder, "SELECT case_id, status FROM cases"))
        assert status_of == {escalated: "decided", undecided: "new"}
        assert _rows(folder, "SELECT count(*) FROM escalations") == [(0,)]
        assert _rows(folder, "SELECT body FROM case_notes") == [("a later note",)]
        ids = {r[0] for r in _rows(folder, "SELECT event_id FROM events")}
        assert later[0].event_id in ids and not ids & set(held)
        # A second sync is quiet and the chains (quarantined events included) are whole.
        status, out, _ = run(capsys, "--data-dir", str(folder), "sync")
        assert status == 0 and "0 quarantined (3 in quarantine" in out
        store = LocalStore(folder)
        assert store.verify_chains() == []
        store.close()

    # A "fix" of the fold: `veil sync quarantine --retry` lets the escalation in and the
    # case is folded again in hub order (escalated, then decided).
    fix()
    held = _held(capsys, existing, "--retry", "--json")
    assert {e["event_id"] for e in held} == {no_action.event_id, unknown.event_id}
    assert {e["attempts"] for e in held} == {2}
    assert _rows(existing, "SELECT to_queue FROM escalations") == [("general",)]
    assert dict(_rows(existing, "SELECT case_id, status FROM cases"))[escalated] == "decided"

    # An upgrade that installs the missing feature: opening the store retries by itself.
    monkeypatch.setenv(ENV_EXTRA_FEATURES, TOY)
    kernel.reset()
    quarantine.build.cache_clear()
    assert [e["event_id"] for e in _held(capsys, fresh, "--json")] == [no_action.event_id]
    assert _rows(fresh, "SELECT case_id, colour, total FROM toy_stamps") == [(escalated, "red", 2)]
    status, out, _ = run(capsys, "--data-dir", str(fresh), "sync", "quarantine")
    assert status == 0 and "decision.recorded" in out and "action: required" in out


def test_a_page_with_a_failing_fold_keeps_the_rest_of_the_page(
    tmp_path: Path,
    hub_engine: Engine,
    team: TeamOnHub,
    hub: HubProcess,
    policies: PolicySet,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One bad event among many: the page falls back to one savepoint per event and every
    other event of the page is folded exactly as the fast path folds it."""
    calls: list[int] = []
    one_by_one = RemoteBatch._fold_one_by_one

    def counted(self: RemoteBatch, fresh: Any, *args: Any) -> None:
        calls.append(len(fresh))
        one_by_one(self, fresh, *args)

    monkeypatch.setattr(RemoteBatch, "_fold_one_by_one", counted)
    clean = Station(tmp_path / "clean", hub.base_url, policies)
    clean.adopt(team.lead)
    cases = team.cases(30)
    assert clean.sync(team.lead.username).pulled >= 30
    assert calls == []  # a page that folds takes the fast path only
    mod = team.user("moderator")
    fold_bug(monkeypatch)
    plant(
        hub_engine, actor=mod.username, team=team.name, kind="case.escalated",
        case_id=cases[7], payload={"sla_deadline": BUGGY_DEADLINE},
    )  # fmt: skip
    device = DeviceWriter(mod.username)
    with HubClient(hub.base_url, token=mod.token) as client:
        client.push(
            device.device_id,
            [device.event("decision.recorded", c, action="no_violation") for c in cases[::2]],
        )
    bad = Station(tmp_path / "bad", hub.base_url, policies)
    bad.adopt(team.lead)
    report = bad.sync(team.lead.username)
    assert report.quarantined == 1 and report.pulled == 30 + 1 + 15
    statuses = dict(_rows(bad.folder, "SELECT case_id, status FROM cases"))
    assert statuses == {c: "decided" if n % 2 == 0 else "new" for n, c in enumerate(cases)}
    assert len(calls) == 1  # only the page holding the bad event went one by one
    bad.close()
    clean.close()
