"""The store's sync side without a hub: per-person chains, pulls applied once, resume."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app.domain.kinds import EventKind
from app.log.events import EventRecord, canonical_json, seal, verified_payload_json
from app.log.fold_scope import PendingRow, case_row, fold_scope
from app.log.remote import RemoteBatch
from app.log.store import DB_FILENAME, LocalStore
from db.engine import sqlite_engine
from db.migrate import upgrade
from db.models import Case

from .stations import copy_store
from .writers import Log, spam_case

K = EventKind
BREAK = {"started_at": "2026-01-01T09:00:00.000Z", "seconds": 60.0}


def test_each_person_writes_their_own_chain(store: LocalStore) -> None:
    with store.transaction() as session:
        for actor in ("mod", "lead", "mod", "intake", "lead", "mod"):
            store.append(session, actor=actor, kind=K.BREAK_TAKEN, case_id=None, payload=BREAK)
    devices = {store.device_of(a) for a in ("mod", "lead", "intake")}
    assert len(devices) == 3 and store.device_id not in devices
    assert store.pending_by_actor() == {"mod": 3, "lead": 2, "intake": 1}
    mine = store.unsent("mod")
    assert [e.device_seq for e in mine] == [1, 2, 3]
    assert {e.actor for e in mine} == {"mod"} and len({e.device_id for e in mine}) == 1
    assert store.verify_chains() == []


def test_acknowledged_events_leave_the_outbox(store: LocalStore) -> None:
    with store.transaction() as session:
        for _ in range(3):
            store.append(session, actor="mod", kind=K.BREAK_TAKEN, case_id=None, payload=BREAK)
    first, second, third = store.unsent("mod")
    store.mark_acked({first.event_id: 10, second.event_id: 11})
    store.mark_acked({first.event_id: 10})  # a resent batch acknowledged again
    assert [e.event_id for e in store.unsent("mod")] == [third.event_id]
    assert store.pending_by_actor() == {"mod": 1}


def test_a_pull_applied_twice_changes_nothing(store: LocalStore) -> None:
    log = Log()
    case = spam_case(log)
    log.decide("mod-a", case, prior=None)
    records = log.served()
    assert store.apply_remote(records, 99, "lead") == len(records)
    before = store.event_count()
    assert store.apply_remote(records, 99, "lead") == 0
    assert store.event_count() == before
    assert store.sync_cursor("lead") == 99 and store.sync_cursor("mod") == 0
    assert store.verify_chains() == []


def test_a_crash_mid_apply_leaves_the_store_as_before(store: LocalStore) -> None:
    log = Log()
    spam_case(log)
    records = log.served()

    def crash() -> None:
        raise RuntimeError("killed mid-apply")

    with pytest.raises(RuntimeError):
        store.apply_remote(records, 5, "lead", midway=crash)
    assert store.event_count() == 0 and store.sync_cursor("lead") == 0


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_pulling_in_two_parts_with_a_crash_between_equals_one_pull(
    tmp_path_factory: pytest.TempPathFactory, store_template: Path, data: st.DataObject
) -> None:
    log = Log.random(data.draw)
    served = log.served()
    cut = data.draw(st.integers(0, len(served)), label="cut")
    whole = copy_store(store_template, tmp_path_factory.mktemp("whole"))
    parts = copy_store(store_template, tmp_path_factory.mktemp("parts"))
    try:
        whole.apply_remote(served, len(served), "lead")
        parts.apply_remote(served[:cut], cut, "lead")
        with pytest.raises(RuntimeError):
            parts.apply_remote(served[cut:], len(served), "lead", midway=_crash)
        parts.apply_remote(served[parts.sync_cursor("lead") :], len(served), "lead")
        assert projections(parts) == projections(whole)
    finally:
        whole.close()
        parts.close()


def _crash() -> None:
    raise RuntimeError("killed between the two parts")


def test_a_store_from_before_per_person_chains_keeps_its_chain(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path / DB_FILENAME)
    upgrade(engine, "0003")
    engine.dispose()
    legacy = Log(device="legacy-device")
    case = spam_case(legacy, actor="intake")
    legacy.decide("mod", case, prior=None, device="legacy-device")
    _insert_raw(tmp_path / DB_FILENAME, legacy.records)
    store = LocalStore(tmp_path)
    try:
        assert store.device_id == "legacy-device"
        assert store.verify_chains() == []
        assert store.pending_by_actor() == {}  # the old chain mixes people: never pushed
        with store.transaction() as session:
            fresh = store.append(
                session, actor="mod", kind=K.BREAK_TAKEN, case_id=None, payload=BREAK
            )
        assert fresh.device_seq == 1 and fresh.device_id != "legacy-device"
        assert store.verify_chains() == []
    finally:
        store.close()


def _insert_raw(path: Path, records: list[EventRecord]) -> None:
    from app.log.remote import row_values

    conn = sqlite3.connect(path)
    rows = [row_values(r) for r in records]
    columns = list(rows[0])
    marks = ", ".join(f":{c}" for c in columns)
    conn.executemany(f"INSERT INTO events ({', '.join(columns)}) VALUES ({marks})", rows)
    last = records[-1]
    conn.execute(
        "INSERT INTO device (device_id, last_seq, last_hash, sync_cursor) VALUES (?, ?, ?, 0)",
        (last.device_id, last.device_seq, last.hash),
    )
    conn.commit()
    conn.close()


def projections(store: LocalStore) -> dict[str, list[tuple[object, ...]]]:
    """Every projection table of a store, without local numbering, sorted."""
    from .stations import snapshot

    return snapshot(store)


# --- the fold scope: rows loaded as plain rows, changes written per table ----------------


def test_a_page_on_known_cases_updates_them_and_the_session_reads_it(store: LocalStore) -> None:
    log = Log()
    cases = [spam_case(log) for _ in range(3)]
    store.apply_remote(log.served(), len(log.records), "lead")
    ingested = len(log.records)
    for case in cases:
        log.decide("mod-a", case, prior=None)
    served = log.served()
    with store.transaction() as session:
        held = session.get(Case, cases[0])  # an ORM object loaded before the scope
        assert held is not None and held.status == "new"
        assert RemoteBatch(session).apply(served[ingested:]) == 2 * len(cases)
        assert held.status == "decided"  # expired by the scope: read again
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT status, decision_action FROM cases")).all()
    assert sorted(rows) == [("decided", "no_violation")] * len(cases)
    fresh = copy_store_like(store)
    try:
        fresh.apply_remote(served, len(served), "lead")  # the same events in one page
        assert projections(fresh) == projections(store)
    finally:
        fresh.close()


def test_a_stored_row_writes_only_columns_set_to_a_new_value(store: LocalStore) -> None:
    log = Log()
    case = spam_case(log)
    store.apply_remote(log.served(), 1, "lead")
    with store.transaction() as session, fold_scope(session, [case]) as scope:
        row = case_row(session, case)
        assert row is not None and isinstance(row, PendingRow)
        row.status = "new"  # the value it has: nothing to write
        row.title = row.title
        assert not scope.unwritten
        row.status = "closed"
        row.status = "escalated"
        assert scope.changed == [row] and row._dirty == {"status"}
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT status FROM cases")).scalar() == "escalated"


def copy_store_like(store: LocalStore) -> LocalStore:
    """An empty store beside store (a new folder, migrated)."""
    return LocalStore(store.data_dir.with_name(store.data_dir.name + "-copy"))


@settings(max_examples=200, deadline=None)
@given(
    payload=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=12,
    ).map(lambda value: {"value": value}),
    tricky=st.sampled_from(['","prev_hash":"', '"payload":{', "\\", '"', "ü", ",", ""]),
)
def test_the_payload_json_cut_from_the_hashed_text_is_its_canonical_json(
    payload: dict[str, object], tricky: str
) -> None:
    log = Log()
    record = log.add(f"mod{tricky}", K.NOTE_ADDED, f"case{tricky}", payload)
    record = replace(record, seen_head=f"head{tricky}")
    record = seal(record)
    assert verified_payload_json(record) == canonical_json(payload)
    assert verified_payload_json(replace(record, hash="0" * 64)) is None
    assert verified_payload_json(replace(record, payload={"value": "changed"})) is None
