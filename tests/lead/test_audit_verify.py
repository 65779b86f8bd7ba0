"""`veil audit verify`: a clean log verifies; one edit, deletion, insertion or reorder among
10,000 events is found and the broken event is named."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.audit.verify import verify_local
from app.cli.main import build_parser, run
from app.domain.kinds import EventKind
from app.log.clock import ManualClock
from app.log.events import EventRecord, seal, uuid7
from app.log.store import DB_FILENAME, LocalStore

N = 10_000
MIDDLE = 5_000


@pytest.fixture(scope="session")
def chain_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A store whose log is 10,000 note events of one person; their ids by device_seq."""
    folder = tmp_path_factory.mktemp("chain-10k")
    store = LocalStore(folder, ManualClock())
    with store.transaction() as session:
        ids = [
            store.append(
                session,
                actor="lee",
                kind=EventKind.TEAM_SETTING,
                case_id=None,
                payload={"settings": {"n": n}},
            ).event_id
            for n in range(N)
        ]
    store.close()
    return folder, ids


@pytest.fixture
def chain(
    tmp_path: Path, chain_template: tuple[Path, list[str]]
) -> Iterator[tuple[Path, list[str]]]:
    """A private copy; tests tamper with its SQLite file as an attacker would."""
    target = tmp_path / "store"
    shutil.copytree(chain_template[0], target)
    yield target, chain_template[1]


def _tamper(folder: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Drop the append-only triggers (as an attacker with the file would) and change rows."""
    conn = sqlite3.connect(folder / DB_FILENAME)
    conn.execute("DROP TRIGGER IF EXISTS events_no_update")
    conn.execute("DROP TRIGGER IF EXISTS events_no_delete")
    for sql, params in statements:
        conn.execute(sql, params)
    conn.commit()
    conn.close()


def _row(folder: Path, seq: int) -> EventRecord:
    conn = sqlite3.connect(folder / DB_FILENAME)
    row = conn.execute(
        "SELECT event_id, device_id, device_seq, actor, kind, case_id, payload, seen_head, "
        "created_at, prev_hash, hash FROM events WHERE device_seq = ? AND actor = 'lee'",
        (seq,),
    ).fetchone()
    conn.close()
    return EventRecord(*row[:6], json.loads(row[6]), *row[7:])  # type: ignore[misc]


def _named(folder: Path) -> list[tuple[str | None, str]]:
    store = LocalStore(folder)
    try:
        report = verify_local(store)
    finally:
        store.close()
    return [(f.event_id, f.reason) for f in report.findings]


def _insert(rec: EventRecord) -> tuple[str, tuple[object, ...]]:
    return (
        "INSERT INTO events (event_id, device_id, device_seq, actor, kind, case_id, payload, "
        "seen_head, created_at, server_seq, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (rec.event_id, rec.device_id, rec.device_seq, rec.actor, rec.kind, rec.case_id,
         json.dumps(rec.payload, sort_keys=True, separators=(",", ":")), rec.seen_head,
         rec.created_at, None, rec.prev_hash, rec.hash),
    )  # fmt: skip


def _forged(after: EventRecord, seq: int, device_id: str | None = None) -> EventRecord:
    """A well-formed event chained after `after` (an attacker can compute SHA-256 too)."""
    return seal(
        EventRecord(
            event_id=uuid7(),
            device_id=device_id or after.device_id,
            device_seq=seq,
            actor="lee",
            kind=str(EventKind.NOTE_ADDED),
            case_id=None,
            payload={"n": "forged"},
            seen_head=None,
            created_at=after.created_at,
            prev_hash=after.hash if device_id is None else "0" * 64,
        )
    )


def test_a_clean_log_verifies(chain: tuple[Path, list[str]]) -> None:
    folder, _ids = chain
    store = LocalStore(folder)
    report = verify_local(store)
    store.close()
    assert report.ok and report.events >= N
    assert report.lines() == [
        f"ok: local store: {report.events} events in {report.chains} chain(s) verify"
    ]


def test_an_edit_is_named(chain: tuple[Path, list[str]]) -> None:
    folder, ids = chain
    sql = "UPDATE events SET payload = '{\"n\":4242}' WHERE event_id = ?"
    _tamper(folder, (sql, (ids[MIDDLE - 1],)))
    assert _named(folder) == [(ids[MIDDLE - 1], "hash does not match content")]


def test_a_deletion_in_the_middle_is_named_at_the_gap(chain: tuple[Path, list[str]]) -> None:
    folder, ids = chain
    _tamper(folder, ("DELETE FROM events WHERE event_id = ?", (ids[MIDDLE - 1],)))
    [(event_id, reason)] = _named(folder)
    assert event_id == ids[MIDDLE] and f"device_seq {MIDDLE + 1} where {MIDDLE}" in reason


def test_a_deletion_at_the_end_is_named_against_the_head(chain: tuple[Path, list[str]]) -> None:
    folder, ids = chain
    _tamper(folder, ("DELETE FROM events WHERE event_id = ?", (ids[-1],)))
    [(event_id, reason)] = _named(folder)
    assert event_id == ids[-2] and "later events are gone" in reason


def test_an_insertion_in_the_middle_is_named(chain: tuple[Path, list[str]]) -> None:
    folder, ids = chain
    before = _row(folder, MIDDLE - 1)
    # Make room at MIDDLE (two steps, so the unique (device, seq) index never clashes).
    up = "UPDATE events SET device_seq = device_seq + 100000 WHERE device_seq >= ?"
    down = "UPDATE events SET device_seq = device_seq - 99999 WHERE device_seq >= 100000"
    shift = [(up + " AND actor = 'lee'", (MIDDLE,)), (down + " AND actor = 'lee'", ())]
    _tamper(folder, *shift, _insert(_forged(before, MIDDLE)))
    # The forged event links up, but the one it pushed along no longer does.
    event_id, reason = _named(folder)[0]
    assert event_id == ids[MIDDLE - 1] and "does not match" in reason


def test_an_insertion_at_the_end_is_named_against_the_head(chain: tuple[Path, list[str]]) -> None:
    folder, _ids = chain
    forged = _forged(_row(folder, N), N + 1)
    _tamper(folder, _insert(forged))
    [(event_id, reason)] = _named(folder)
    assert event_id == forged.event_id and "appended afterwards" in reason


def test_a_forged_chain_of_a_device_that_never_synced_is_named(
    chain: tuple[Path, list[str]],
) -> None:
    folder, _ids = chain
    forged = _forged(_row(folder, 1), 1, device_id=uuid7())
    _tamper(folder, _insert(forged))
    [(event_id, reason)] = _named(folder)
    assert event_id == forged.event_id and "never acknowledged by the hub" in reason


def test_a_reorder_of_two_events_is_named(chain: tuple[Path, list[str]]) -> None:
    folder, ids = chain
    a, b = ids[3999], ids[5999]  # device_seq 4000 and 6000 swap places
    swap = [
        ("UPDATE events SET device_seq = -1 WHERE event_id = ?", (a,)),
        ("UPDATE events SET device_seq = 4000 WHERE event_id = ?", (b,)),
        ("UPDATE events SET device_seq = 6000 WHERE event_id = ?", (a,)),
    ]
    _tamper(folder, *swap)
    event_id, reason = _named(folder)[0]
    assert event_id == b and "does not match" in reason


def test_rows_moved_in_local_order_are_named(chain: tuple[Path, list[str]]) -> None:
    folder, ids = chain
    a, b = ids[2999], ids[7999]  # swap their places in the table, chains untouched
    conn = sqlite3.connect(folder / DB_FILENAME)
    id_a, id_b = (
        conn.execute("SELECT id FROM events WHERE event_id = ?", (e,)).fetchone()[0] for e in (a, b)
    )
    conn.close()
    swap = [
        ("UPDATE events SET id = -1 WHERE event_id = ?", (a,)),
        ("UPDATE events SET id = ? WHERE event_id = ?", (id_a, b)),
        ("UPDATE events SET id = ? WHERE event_id = ?", (id_b, a)),
    ]
    _tamper(folder, *swap)
    found = _named(folder)
    assert found[0][0] == a and "out of its chain's order" in found[0][1]


def test_the_command_names_the_broken_event(
    chain: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, ids = chain
    veil = lambda *argv: run(build_parser().parse_args(["--data-dir", str(folder), *argv]))  # noqa: E731
    assert veil("audit", "verify") == 0
    assert "ok: local store:" in capsys.readouterr().out
    _tamper(folder, ("UPDATE events SET payload = '{}' WHERE event_id = ?", (ids[123],)))
    assert veil("audit", "verify") == 1
    assert f"BROKEN local store: event {ids[123]}" in capsys.readouterr().out
