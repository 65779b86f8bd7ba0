"""Fixtures for the review workflow: a store on a manual clock, desks, ingest helpers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.domain.people import AccountError, Accounts, Reviewer, Role
from app.domain.policies import PolicySet
from app.domain.queues import QueueSet, bundled_queues
from app.log.clock import ManualClock, iso
from app.log.events import uuid7
from app.log.store import LocalStore
from app.review.reviewdesk import ReviewDesk


@pytest.fixture(scope="session")
def queues(policies: PolicySet) -> QueueSet:
    """The bundled queues."""
    return bundled_queues(policies)


class World:
    """A store on a manual clock with helpers to ingest cases and make desks."""

    def __init__(self, store: LocalStore, policies: PolicySet, queues: QueueSet) -> None:
        self.store = store
        self.policies = policies
        self.queues = queues
        self.clock: ManualClock = store.clock

    def ingest(
        self,
        category: str = "spam_scams",
        severity: int = 2,
        *,
        age: timedelta = timedelta(0),
        reports: int = 1,
        media: list[dict[str, object]] | None = None,
        case_id: str | None = None,
    ) -> str:
        """A case.ingested event shaped like intake's; returns the case id."""
        policy = self.policies[category]
        reported = self.clock.now() - age
        queue = self.queues.route(category, severity)
        payload = {
            "external_id": case_id or uuid7(),
            "category": category,
            "severity": severity,
            "queue": queue.id,
            "clearance": policy.clearance,
            "reported_at": iso(reported),
            "sla_started_at": iso(reported),
            "sla_deadline": iso(self.queues.deadline(queue.id, severity, reported)),
            "report_count": reports,
            "title": f"{category} {severity}",
            "media": media or [],
        }
        cid = case_id or uuid7()
        with self.store.transaction() as session:
            self.store.append(
                session, actor="intake", kind="case.ingested", case_id=cid, payload=payload
            )
        return cid

    def desk(
        self, name: str, role: str = "moderator", clearances: tuple[str, ...] = ()
    ) -> ReviewDesk:
        """A desk for a person (an account is created the first time)."""
        accounts = Accounts(self.store)
        with contextlib.suppress(AccountError):  # made by an earlier call
            accounts.add(name, "password-123", role, name, clearances)
        reviewer = Reviewer(name, name, Role(role), frozenset(clearances))
        return ReviewDesk(self.store, self.policies, reviewer, self.queues)

    def now(self) -> datetime:
        """The clock's time."""
        return self.clock.now()


@pytest.fixture
def world(tmp_path: Path, policies: PolicySet, queues: QueueSet) -> Iterator[World]:
    """An empty store at 2026-01-05 09:00 UTC on a manual clock."""
    store = LocalStore(tmp_path / "store", ManualClock())
    yield World(store, policies, queues)
    store.close()
