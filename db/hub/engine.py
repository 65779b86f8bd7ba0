"""Hub database engines: SQLite pragmas and BEGIN IMMEDIATE, transactions, migrations.

SQLite (the default, one hub process) runs in WAL mode with synchronous=FULL, and every
write transaction starts with BEGIN IMMEDIATE so writers queue on the database lock at the
start instead of failing halfway. PostgreSQL (several hub processes) uses READ COMMITTED
and the hub_head row lock for ordering (see app/hub/ingest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "hub_alembic_version"
_WRITE = "veil_hub_write"
# Arbitrary constant so concurrent hub processes on one PostgreSQL migrate one at a time.
_MIGRATION_LOCK_KEY = 0x5E11_0001


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for url (sqlite:///... or postgresql+psycopg://...) set up for the hub."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # The driver must not open transactions on its own: the begin hook does it.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=30000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    mode = "IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: BEGIN IMMEDIATE on SQLite; commits on success."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction (one snapshot on SQLite); rolled back at the end."""
    with engine.connect() as conn, conn.begin() as tx:
        yield conn
        tx.rollback()


def insert_ignoring_conflicts(table: Any, conn: Connection, column: str) -> Insert:
    """INSERT ... ON CONFLICT (column) DO NOTHING in the connection's dialect."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=[column])


def alembic_config() -> Config:
    """The Alembic configuration of the hub schema (own script location and version table)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the hub schema; safe to call from several processes at once."""
    config = alembic_config()
    with write_transaction(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_KEY})")
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
