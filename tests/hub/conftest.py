"""Fixtures: every hub test runs against SQLite and PostgreSQL through a real hub process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from db.hub.engine import make_engine

from .hubproc import (
    PG_SERVER,
    HubProcess,
    SpawnHub,
    create_pg_database,
    drop_pg_database,
    postgres_reachable,
)
from .world import Team

ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for the session (fails under CI when unreachable)."""
    if not postgres_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_SERVER} is unreachable (CI is set)")
        pytest.skip(f"PostgreSQL at {PG_SERVER} is unreachable")
    url = create_pg_database()
    yield url
    drop_pg_database(url)


@pytest.fixture(scope="session", params=ENGINES)
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database URL of the session's hub, one per engine."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('hub') / 'hub.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="session")
def hub(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    """The session's hub process on db_url."""
    process = HubProcess(db_url, tmp_path_factory.mktemp("logs")).start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def hub_engine(hub: HubProcess) -> Iterator[Engine]:
    """An engine on the session hub's database, for set-up and for checking what it stored."""
    engine = make_engine(hub.db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def team(hub: HubProcess, hub_engine: Engine) -> Iterator[Team]:
    """A fresh team on the session hub."""
    world = Team(hub.base_url, hub_engine)
    yield world
    world.close()


@pytest.fixture
def private_hub(db_url: str, tmp_path: Path) -> Iterator[SpawnHub]:
    """Start extra hub processes (own SQLite file; on PostgreSQL the session database)."""
    started: list[tuple[HubProcess, Engine]] = []
    url = f"sqlite:///{tmp_path / 'private.db'}" if db_url.startswith("sqlite") else db_url

    def spawn(**kwargs: object) -> tuple[HubProcess, Engine]:
        process = HubProcess(url, tmp_path, **kwargs).start()  # type: ignore[arg-type]
        started.append((process, make_engine(url)))
        return started[-1]

    yield spawn
    for process, engine in started:
        process.stop()
        engine.dispose()
