"""Sync fixtures: the hub suite's engines (SQLite, PostgreSQL) and real hub processes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.domain.policies import PolicySet
from app.hub.process import HubProcess
from app.log.store import LocalStore

# The session's hub on each engine, as in tests/hub (a fresh database per run).
from tests.hub.conftest import db_url, hub, hub_engine, pg_url, private_hub

from .stations import Station, TeamOnHub

__all__ = ["db_url", "hub", "hub_engine", "pg_url", "private_hub"]


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, migrated store: copying it is much faster than migrating a new one."""
    folder = tmp_path_factory.mktemp("store-template")
    LocalStore(folder).close()
    return folder


@pytest.fixture
def team(hub: HubProcess, hub_engine: Engine) -> Iterator[TeamOnHub]:
    """A fresh team (a lead, cases on demand) on the session hub."""
    world = TeamOnHub(hub.base_url, hub_engine)
    yield world
    world.close()


NewStation = Callable[..., Station]


@pytest.fixture
def new_station(
    tmp_path: Path, hub: HubProcess, policies: PolicySet, store_template: Path
) -> Iterator[NewStation]:
    """Make workstations bound to the session hub (closed at the end of the test)."""
    made: list[Station] = []

    def make(name: str = "", hub_url: str | None = None, **kwargs: object) -> Station:
        folder = tmp_path / (name or f"ws{len(made)}")
        kwargs.setdefault("template", store_template)
        url = hub_url or hub.base_url
        made.append(Station(folder, url, policies, **kwargs))  # type: ignore[arg-type]
        return made[-1]

    yield make
    for station in made:
        station.close()
