"""`veil audit verify` against a real hub process: over its API and on its database."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.audit.hub_check import pull_all, verify_hub_db, verify_hub_http
from app.cli.main import build_parser, run
from app.hub.accounts import create_user
from app.hub.process import HubProcess
from app.log.store import DB_FILENAME, LocalStore
from app.sync.client import HubClient
from db.hub.engine import make_engine, read_transaction, upgrade, write_transaction
from tests.hub.world import DeviceWriter

PASSWORD = "correct horse battery"


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[tuple[HubProcess, str]]:
    """A hub on its own SQLite file with a lead 'lee' who pushed 40 notes; (process, url)."""
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with write_transaction(engine) as conn:
        create_user(conn, "lee", "lead", "eu", [], PASSWORD, 0)
    engine.dispose()
    process = HubProcess(url, tmp_path).start()
    with HubClient(process.base_url) as client:
        client.login("lee", PASSWORD)
        device = DeviceWriter("lee")
        client.push(device.device_id, device.notes(40))
    yield process, url
    process.stop()


def _tamper_hub(url: str, device_seq: int) -> str:
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    event_id = conn.execute(
        "SELECT event_id FROM events WHERE device_seq = ?", (device_seq,)
    ).fetchone()[0]
    conn.execute(
        "UPDATE events SET payload = ? WHERE event_id = ?", ('{"text":"edited"}', event_id)
    )
    conn.commit()
    conn.close()
    return str(event_id)


def _token(process: HubProcess) -> str:
    with HubClient(process.base_url) as client:
        return client.login("lee", PASSWORD).token


def test_a_clean_hub_verifies_over_http_and_on_its_database(hub: tuple[HubProcess, str]) -> None:
    process, url = hub
    report = verify_hub_http(process.base_url, _token(process))
    assert report.ok and (report.events, report.chains) == (40, 1)
    engine = make_engine(url)
    with read_transaction(engine) as conn:
        assert verify_hub_db(conn).ok
    engine.dispose()


def test_an_edit_on_the_hub_is_named_both_ways(hub: tuple[HubProcess, str]) -> None:
    process, url = hub
    victim = _tamper_hub(url, 17)
    found = verify_hub_http(process.base_url, _token(process)).findings
    assert [(f.event_id, f.reason) for f in found] == [(victim, "hash does not match content")]
    engine = make_engine(url)
    with read_transaction(engine) as conn:
        findings = verify_hub_db(conn).findings
    engine.dispose()
    assert findings and {f.event_id for f in findings} == {victim}


def test_the_hubs_copy_is_checked_against_the_workstations(
    hub: tuple[HubProcess, str], tmp_path: Path
) -> None:
    process, url = hub
    store = LocalStore(tmp_path / "ws")
    token = _token(process)
    _hold_locally(tmp_path / "ws", list(pull_all(process.base_url, token)))
    assert verify_hub_http(process.base_url, token, store).ok
    victim = _tamper_hub(url, 5)
    found = verify_hub_http(process.base_url, token, store).findings
    reasons = {f.reason for f in found if f.event_id == victim}
    store.close()
    assert "the hub's copy differs from the one this workstation holds" in reasons


def _hold_locally(folder: Path, records: list) -> None:  # type: ignore[type-arg]
    """Put pulled events in a workstation's log as a sync would (rows only)."""
    conn = sqlite3.connect(folder / DB_FILENAME)
    conn.executemany(
        "INSERT INTO events (event_id, device_id, device_seq, actor, kind, case_id, payload, "
        "seen_head, created_at, server_seq, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (r.event_id, r.device_id, r.device_seq, r.actor, r.kind, r.case_id,
             json.dumps(r.payload, sort_keys=True, separators=(",", ":")), r.seen_head,
             r.created_at, r.server_seq, r.prev_hash, r.hash)
            for r in records
        ],
    )  # fmt: skip
    conn.commit()
    conn.close()


def test_the_command_checks_the_hub(
    hub: tuple[HubProcess, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    process, url = hub
    argv = ["--data-dir", str(tmp_path / "ws"), "audit", "verify", "--no-local"]
    argv += ["--hub", process.base_url, "--user", "lee", "--password", PASSWORD]
    assert run(build_parser().parse_args(argv)) == 0
    assert "ok: hub: 40 events in 1 chain(s) verify" in capsys.readouterr().out
    victim = _tamper_hub(url, 3)
    assert run(build_parser().parse_args([*argv, "--hub-db", url])) == 1
    out = capsys.readouterr().out
    assert f"BROKEN hub: event {victim}" in out and f"BROKEN hub database: event {victim}" in out
    wrong = [*argv[:-1], "wrong password"]
    assert run(build_parser().parse_args(wrong)) == 2
