"""Fixtures for incidents: a store on a manual clock, people, desks and ingest helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.people import Reviewer, Role
from app.domain.policies import PolicySet
from app.domain.queues import QueueSet, bundled_queues
from app.incidents.commands import IncidentDesk
from app.log.clock import ManualClock
from app.log.store import LocalStore
from tests.review.conftest import World


@pytest.fixture(scope="session")
def queues(policies: PolicySet) -> QueueSet:
    """The bundled queues (the incident surge queue among them)."""
    return bundled_queues(policies)


@pytest.fixture
def world(tmp_path: Path, policies: PolicySet, queues: QueueSet) -> Iterator[World]:
    """An empty store at 2026-01-05 09:00 UTC on a manual clock."""
    store = LocalStore(tmp_path / "store", ManualClock())
    yield World(store, policies, queues)
    store.close()


def person(name: str, role: str = "analyst", clearances: tuple[str, ...] = ()) -> Reviewer:
    """A person as the core sees them."""
    return Reviewer(name, name, Role(role), frozenset(clearances))


def incident_desk(
    world: World, name: str = "ana", role: str = "analyst", **more: object
) -> IncidentDesk:
    """An incident desk for a person on the world's store."""
    return IncidentDesk(world.store, person(name, role, **more))  # type: ignore[arg-type]
