"""The local SQLite engine: WAL, synchronous=FULL, foreign keys, immediate write locks."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


class StoreError(Exception):
    """A known database problem (locked, corrupt, full disk) as opposed to a bug."""


def sqlite_engine(path: Path) -> Engine:
    """An engine on a SQLite file with the pragmas every local store connection needs."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
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


def _on_begin(conn: Any) -> None:
    # IMMEDIATE takes the write lock up front, so two writers never deadlock upgrading.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class SessionSource:
    """Hands out sessions and one-transaction scopes over an engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._factory = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any exception."""
        session = self._factory()
        try:
            with session.begin():
                yield session
        except sqlite3.OperationalError as exc:
            raise StoreError(str(exc)) from exc
        finally:
            session.close()
