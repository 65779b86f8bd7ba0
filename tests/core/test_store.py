"""The event log: durability, the hash chain, append-only rules, migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.log.events import GENESIS_HASH, EventRecord, chain_hash, uuid7, verify_chain
from app.log.registry import registry
from app.log.store import DB_FILENAME, LocalStore
from db.engine import sqlite_engine
from db.migrate import current_revision, head_revision, upgrade
from db.models import OPEN_CONDITION, Base

INGEST = {"category": "spam_scams", "severity": 2, "queue": "general", "media": []}


def _ingest(store: LocalStore, case_id: str = "c1") -> EventRecord:
    with store.transaction() as session:
        return store.append(
            session, actor="intake", kind="case.ingested", case_id=case_id, payload=INGEST
        )


def test_events_chain_and_survive_reopen(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    first = _ingest(store, "a")
    second = _ingest(store, "b")
    device = store.device_id
    store.close()
    reopened = LocalStore(tmp_path)
    events = reopened.events()
    assert [e.event_id for e in events] == [first.event_id, second.event_id]
    assert reopened.device_id == device
    assert events[0].prev_hash == GENESIS_HASH and events[1].prev_hash == events[0].hash
    assert [e.device_seq for e in events] == [1, 2]
    assert reopened.verify_chains() == []
    reopened.close()


def test_failed_transaction_leaves_no_event_and_no_gap(store: LocalStore) -> None:
    _ingest(store, "a")
    with pytest.raises(RuntimeError), store.transaction() as session:
        store.append(session, actor="x", kind="case.ingested", case_id="b", payload=INGEST)
        raise RuntimeError("crash before commit")
    third = _ingest(store, "c")
    assert third.device_seq == 2
    assert [e.case_id for e in store.events()] == ["a", "c"]


def test_log_is_append_only_in_the_database(store: LocalStore) -> None:
    _ingest(store)
    conn = sqlite3.connect(store.data_dir / DB_FILENAME)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM events")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE events SET payload = '{}'")
    conn.execute("UPDATE events SET server_seq = 1")  # the one allowed update: the hub's ack
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE events SET server_seq = 2")
    conn.close()


def test_sqlite_runs_in_wal_with_full_sync_and_foreign_keys(store: LocalStore) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.parametrize("field", ["payload", "prev_hash", "device_seq", "actor"])
def test_chain_detects_a_changed_field(store: LocalStore, field: str) -> None:
    for n in range(4):
        _ingest(store, f"c{n}")
    records = store.events()
    tampered = {"payload": {"x": 1}, "prev_hash": "f" * 64, "device_seq": 9, "actor": "mallory"}
    bad = EventRecord(
        **{**records[2].chain_fields(), "hash": records[2].hash, field: tampered[field]}
    )
    found = verify_chain([*records[:2], bad, records[3]])
    assert found is not None and found.event_id == records[2].event_id


def test_uuid7_is_time_ordered_and_versioned() -> None:
    ids = [uuid7() for _ in range(2000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(i[14] == "7" and i[19] in "89ab" for i in ids)


def _record(**fields: Any) -> EventRecord:
    base: dict[str, Any] = dict(
        event_id="e",
        device_id="d",
        device_seq=1,
        actor="a",
        kind="k",
        case_id=None,
        payload={},
        seen_head=None,
        created_at="t",
        prev_hash=GENESIS_HASH,
    )
    return EventRecord(**{**base, **fields})


def test_chain_hash_is_canonical() -> None:
    one = _record(payload={"a": 1, "b": [1, 2]})
    two = _record(payload={"b": [1, 2], "a": 1})
    assert chain_hash(one) == chain_hash(two)


def test_migration_from_empty_file_matches_models(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path / "fresh.db")
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    registry()  # every installed feature's projection models join the metadata
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_writing_a_case_builds_no_temporary_tables(tmp_path: Path) -> None:
    # The open-case partial indexes once used an IN list, which SQLite evaluates through a
    # temporary table on every insert and update of a case (migration 0006).
    store = LocalStore(tmp_path)
    store.close()
    conn = sqlite3.connect(tmp_path / DB_FILENAME)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(cases)")]
    writes = [
        (
            f"INSERT INTO cases ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            len(columns),
        ),  # fmt: skip
        ("UPDATE cases SET status = ?, leased_by = ?, lease_expires_at = ? WHERE case_id = ?", 4),
    ]
    for sql, count in writes:
        ops = [row[1] for row in conn.execute(f"EXPLAIN {sql}", [None] * count)]
        assert "OpenEphemeral" not in ops, sql
    plan = conn.execute(
        "EXPLAIN QUERY PLAN SELECT case_id FROM cases INDEXED BY ix_cases_open_priority"
        f" WHERE {OPEN_CONDITION} AND queue IN (?) ORDER BY priority_key, case_no LIMIT 5",
        ["general"],
    ).fetchall()
    conn.close()
    assert "ix_cases_open_priority" in str(plan)


def test_upgrade_from_0005_rewrites_the_open_indexes(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path / "old.db")
    upgrade(engine, "0005")
    query = "SELECT sql FROM sqlite_master WHERE name LIKE 'ix_cases_open_%' ORDER BY name"
    with engine.connect() as conn:
        before = [row[0] for row in conn.exec_driver_sql(query)]
    upgrade(engine)
    with engine.connect() as conn:
        after = [row[0] for row in conn.exec_driver_sql(query)]
    engine.dispose()
    assert len(before) == len(after) == 2
    assert all(" IN (" in sql for sql in before)
    assert all(" IN (" not in sql and "status = 'conflict'" in sql for sql in after)


def test_from_wire_builds_the_same_frozen_record() -> None:
    record = _record(case_id="c1", payload={"action": "remove"}, hash="h", server_seq=9)
    wired = EventRecord.from_wire(record.to_wire())
    assert wired == record and wired.server_seq == 9
    assert repr(wired) == repr(record)
    with pytest.raises(AttributeError):
        wired.kind = "case.closed"  # type: ignore[misc]
    with pytest.raises(KeyError):
        EventRecord.from_wire({k: v for k, v in record.to_wire().items() if k != "actor"})
