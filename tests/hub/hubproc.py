"""Test databases: a fresh PostgreSQL database per session; hub processes from app.hub."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable

import psycopg
from sqlalchemy import Engine

from app.hub.process import HubProcess, free_port

SpawnHub = Callable[..., tuple[HubProcess, Engine]]
__all__ = [
    "HubProcess",
    "SpawnHub",
    "create_pg_database",
    "drop_pg_database",
    "free_port",
    "postgres_reachable",
]
# Overridable only to check the unreachable-server path; the suite's server is this one.
PG_SERVER = os.environ.get("VEIL_TEST_PG_SERVER", "127.0.0.1:5432")
PG_ADMIN = f"postgresql://postgres@{PG_SERVER}/postgres"


def postgres_reachable() -> bool:
    """Whether the test PostgreSQL server answers."""
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def create_pg_database() -> str:
    """A fresh database veil_test_<random>; its SQLAlchemy URL."""
    name = f"veil_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@{PG_SERVER}/{name}"


def drop_pg_database(url: str) -> None:
    """Drop a database made by create_pg_database, closing whatever still uses it."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
