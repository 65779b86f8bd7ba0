"""The local SQLite engine: WAL, synchronous=FULL, foreign keys, immediate write locks.

Writes and reads go through two pools of connections on the same file. A write
transaction begins IMMEDIATE (it takes the write lock up front). A read transaction
begins DEFERRED on a connection opened with `PRAGMA query_only`: under WAL it reads one
consistent snapshot while a writer commits beside it, so a queue page or a case detail
never waits for a pulled page being applied, and anything that tries to write in it
fails at once. Database failures (locked, read-only, damaged, full) leave both as
`StoreError`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from db.errors import StoreError

__all__ = ["SessionSource", "StoreError", "sqlite_engine", "store_error"]


def sqlite_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine on a SQLite file with the pragmas every local store connection needs.

    `read_only` gives connections that refuse writes (`PRAGMA query_only`) and begin
    DEFERRED transactions, which take no lock until they read and never block a writer.
    """
    return _engine(f"sqlite:///{path}", read_only=read_only)


def _engine(url: Any, *, read_only: bool) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _on_connect_read if read_only else _on_connect)
    event.listen(engine, "begin", _on_begin_read if read_only else _on_begin)
    return engine


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy issue BEGIN itself (see _on_begin), not the sqlite3 module.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # Checkpoints run on db/checkpoint.py's thread; this is only the safety net (~80 MB).
    cursor.execute("PRAGMA wal_autocheckpoint=20000")
    cursor.close()


def _on_connect_read(dbapi_conn: sqlite3.Connection, record: Any) -> None:
    _on_connect(dbapi_conn, record)
    dbapi_conn.execute("PRAGMA query_only=ON")


def _on_begin(conn: Any) -> None:
    # IMMEDIATE takes the write lock up front, so two writers never deadlock upgrading.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _on_begin_read(conn: Any) -> None:
    # DEFERRED: the snapshot starts at the first read; WAL lets it run beside a writer.
    conn.exec_driver_sql("BEGIN")


def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise StoreError("a write inside a read-only transaction: use transaction() to write")


class SessionSource:
    """Hands out write transactions and read-only snapshots over one SQLite file."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._factory = sessionmaker(engine, expire_on_commit=False)
        # The read pool: same file, its own connections (query_only, BEGIN DEFERRED).
        self.read_engine = _engine(engine.url, read_only=True)
        self._read_factory = sessionmaker(self.read_engine)
        event.listen(self._read_factory, "before_flush", _refuse_flush)
        # Disposing the store's engine (LocalStore.close) closes the read pool too.
        event.listen(engine, "engine_disposed", lambda _engine: self.read_engine.dispose())

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE): committed on success, rolled back on any
        exception."""
        session = self._factory()
        try:
            with session.begin():
                yield session
        except (sqlite3.DatabaseError, sa_exc.DBAPIError) as exc:
            error = store_error(exc)
            if error is None:
                raise
            raise error from exc
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read-only snapshot (BEGIN DEFERRED, query_only): it never takes the write lock
        and never waits for a writer; any write in it raises StoreError. Rolled back at the
        end. Objects read stay usable afterwards (their loaded attributes)."""
        session = self._read_factory()
        try:
            yield session
            _refuse_flush(session, None, None)  # changes made but never flushed
        except (sqlite3.DatabaseError, sa_exc.DBAPIError) as exc:
            error = store_error(exc, reading=True)
            if error is None:
                raise
            raise error from exc
        finally:
            session.close()


def store_error(exc: BaseException, *, reading: bool = False) -> StoreError | None:
    """The StoreError for a known database failure, or None for anything else (a bug).

    Known: every sqlite3 OperationalError (locked, busy, read-only, disk full, I/O) and a
    plain DatabaseError (a damaged file or one that is not a database), raw or wrapped by
    SQLAlchemy. Integrity and programming errors are bugs and pass through unchanged.
    """
    cause = exc.orig if isinstance(exc, sa_exc.DBAPIError) else exc
    if not (isinstance(cause, sqlite3.OperationalError) or type(cause) is sqlite3.DatabaseError):
        return None
    message = str(cause)
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        text = "the local store is busy: another transaction held its lock past the timeout"
    elif "readonly" in lowered or "read-only" in lowered:
        text = (
            "a write inside a read-only transaction: use transaction() to write"
            if reading
            else "the local store cannot be written (read-only file or folder)"
        )
    elif "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        text = "the local store file is damaged or is not a Veil database"
    elif "full" in lowered:
        text = "the disk holding the local store is full"
    else:
        text = "the local store failed"
    return StoreError(f"{text} ({message})")
