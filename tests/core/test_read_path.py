"""The read path: snapshots that never wait for a writer, refuse writes, and fail as StoreError."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, select, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import QueuePool

from app.domain.people import Reviewer, Role
from app.domain.policies import PolicySet
from app.log.store import DB_FILENAME, LocalStore
from app.review.reviewdesk import ReviewDesk
from db.engine import SessionSource, StoreError, sqlite_engine
from db.models import Case, Event

INGEST = {
    "category": "spam_scams",
    "severity": 2,
    "queue": "general",
    "media": [],
    "reported_at": "2026-01-05T09:00:00.000Z",
}
# Far below the write path's busy timeout (10 s): a read that waited for the lock fails.
READ_LIMIT_S = 1.0


def _ingest(store: LocalStore, case_id: str) -> None:
    with store.transaction() as session:
        store.append(session, actor="intake", kind="case.ingested", case_id=case_id, payload=INGEST)


@contextmanager
def _writer_holding_lock(store: LocalStore) -> Iterator[None]:
    """Another thread inside a write transaction (BEGIN IMMEDIATE), with an uncommitted
    event appended, until the block ends; then it commits."""
    holding, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            with store.transaction() as session:
                store.append(
                    session,
                    actor="intake",
                    kind="note.added",
                    case_id="c1",
                    payload={"text": "held"},
                )
                holding.set()
                release.wait(timeout=30)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
            holding.set()

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    assert holding.wait(timeout=10), "the writer never took the lock"
    try:
        yield
    finally:
        release.set()
        thread.join(timeout=30)
    assert not errors, errors


def test_a_read_proceeds_while_another_connection_holds_the_write_lock(
    store: LocalStore, policies: PolicySet
) -> None:
    _ingest(store, "c1")
    desk = ReviewDesk(store, policies, Reviewer("maya", "Maya", Role.MODERATOR, frozenset()))
    before = store.event_count()
    with _writer_holding_lock(store):
        start = time.perf_counter()
        during = store.event_count()
        detail = desk.detail("c1")
        rows = desk.rows([detail.row.case_no])
        seconds = time.perf_counter() - start
    assert seconds < READ_LIMIT_S, f"the reads waited {seconds:.2f} s for the writer"
    assert during == before  # the snapshot does not see the uncommitted event
    assert detail.row.case_id == "c1" and list(rows) == [detail.row.case_no]
    assert store.event_count() == before + 1  # the writer committed afterwards


def test_a_write_commits_while_a_read_snapshot_is_open(store: LocalStore) -> None:
    _ingest(store, "c1")
    with store.read() as session:
        seen = session.scalar(select(Event.id).order_by(Event.id.desc()))
        _ingest(store, "c2")  # a writer is not blocked by the open snapshot
        # One snapshot for the whole read: the commit made meanwhile is not in it.
        assert session.scalar(select(Event.id).order_by(Event.id.desc())) == seen
        assert session.get(Case, "c2") is None
    with store.read() as session:
        assert session.get(Case, "c2") is not None


def test_an_orm_write_inside_a_read_raises(store: LocalStore) -> None:
    _ingest(store, "c1")
    with pytest.raises(StoreError, match="read-only transaction"), store.read() as session:
        case = session.get_one(Case, "c1")
        case.title = "changed"
        session.flush()
    with pytest.raises(StoreError, match="read-only transaction"), store.read() as session:
        session.get_one(Case, "c1").title = "changed, never flushed"
    with store.read() as session:
        assert session.get_one(Case, "c1").title != "changed"


def test_an_append_inside_a_read_raises(store: LocalStore) -> None:
    with pytest.raises(StoreError, match="read-only transaction"), store.read() as session:
        store.append(session, actor="mod", kind="note.added", case_id=None, payload={"text": "x"})
    assert store.event_count() == 0


def test_sql_writes_inside_a_read_raise_from_sqlite(store: LocalStore) -> None:
    _ingest(store, "c1")
    with (
        pytest.raises(StoreError, match="readonly database") as caught,
        store.read() as session,
    ):
        session.execute(text("UPDATE cases SET title = 'changed'"))
    assert isinstance(caught.value.__cause__, sa_exc.OperationalError)
    with pytest.raises(StoreError, match="readonly database"), store.read() as session:
        raw = session.connection().connection.driver_connection
        raw.execute("DELETE FROM cases")  # type: ignore[union-attr]
    with store.read() as session:
        assert session.scalar(text("SELECT title FROM cases")) != "changed"


def _impatient(path: Path) -> SessionSource:
    """Sessions on path that give up on a lock after 50 ms instead of 10 s."""
    engine = sqlite_engine(path)

    def short_timeout(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=50")

    event.listen(engine, "connect", short_timeout)
    return SessionSource(engine)


def test_a_locked_database_is_a_store_error(store: LocalStore) -> None:
    sessions = _impatient(store.data_dir / DB_FILENAME)
    other = sqlite3.connect(store.data_dir / DB_FILENAME, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with (
            pytest.raises(StoreError, match=r"busy.*\(database is locked\)") as caught,
            sessions.transaction() as session,
        ):
            session.execute(text("SELECT 1"))
        assert "database is locked" in str(caught.value.__cause__)
        with sessions.read() as session:  # a reader is not affected by the lock
            assert session.scalar(text("SELECT COUNT(*) FROM events")) == 0
    finally:
        other.execute("ROLLBACK")
        other.close()
        sessions.engine.dispose()


def test_a_damaged_file_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    path.write_bytes(b"this is not a SQLite database at all " * 200)
    sessions = SessionSource(sqlite_engine(path))
    try:
        damaged = r"damaged.*file is not a database"
        with pytest.raises(StoreError, match=damaged), sessions.read() as session:
            session.execute(text("SELECT COUNT(*) FROM events"))
        with pytest.raises(StoreError, match=damaged), sessions.transaction() as session:
            session.execute(text("SELECT COUNT(*) FROM events"))
    finally:
        sessions.engine.dispose()


def test_bugs_are_not_store_errors(store: LocalStore) -> None:
    _ingest(store, "c1")
    with pytest.raises(Exception) as caught, store.transaction() as session:
        session.execute(text("INSERT INTO events (event_id) VALUES (NULL)"))
    assert not isinstance(caught.value, StoreError)  # an integrity error is a bug
    with pytest.raises(ZeroDivisionError), store.read():
        1 / 0  # noqa: B018


def test_closing_the_store_closes_the_read_pool(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "s")
    store.event_count()
    pool = store.sessions.read_engine.pool
    assert isinstance(pool, QueuePool)
    assert pool.checkedin() == 1
    store.close()
    assert pool.checkedin() == 0
    assert pool is not store.sessions.read_engine.pool  # dispose() replaced the pool


def test_a_cli_command_on_a_damaged_store_prints_one_line_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from widgets.shell.main import main

    (tmp_path / DB_FILENAME).write_bytes(b"this is not a database" * 512)
    status = main(["--data-dir", str(tmp_path), "verify"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1 and err[0].startswith("veil: ") and "not a database" in err[0]
