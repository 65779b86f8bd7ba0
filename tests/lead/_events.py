"""Write a case's life as events, with the shapes the workstation writes, at set times."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.domain.kinds import EventKind
from app.log.clock import ManualClock, iso
from app.log.events import EventRecord, uuid7
from app.log.store import LocalStore
from db.models import Case

K = EventKind


def append(
    store: LocalStore, actor: str, kind: str, case_id: str | None, payload: dict[str, Any]
) -> EventRecord:
    """One event in its own transaction, seen_head from the case."""
    with store.transaction() as session:
        case = session.get(Case, case_id) if case_id else None
        head = case.head_event_id if case is not None else None
        return store.append(
            session, actor=actor, kind=kind, case_id=case_id, payload=payload, seen_head=head
        )


def ingest(
    store: LocalStore,
    category: str = "hate_speech",
    severity: int = 2,
    queue: str = "hate-harassment",
    media: list[dict[str, Any]] | None = None,
    external_id: str | None = None,
) -> str:
    """A new case reported now; its id."""
    case_id = uuid7()
    payload = {
        "external_id": external_id or f"t-{case_id[-12:]}",
        "category": category,
        "subcategory": None,
        "severity": severity,
        "queue": queue,
        "clearance": "child_safety" if category == "child_safety" else None,
        "team": "default",
        "title": f"{category} report",
        "report_reason": "reported by users",
        "text": "",
        "reported_at": iso(store.clock.now()),
        "report_count": 1,
        "media": media or [],
    }
    append(store, "intake", K.CASE_INGESTED, case_id, payload)
    return case_id


def lease(store: LocalStore, actor: str, case_id: str, via: str = "claim") -> EventRecord:
    """The actor takes the case."""
    expires = iso(store.clock.now() + timedelta(minutes=10))
    return append(
        store, actor, K.CASE_LEASED, case_id, {"holder": actor, "expires_at": expires, "via": via}
    )


def decide(
    store: LocalStore, actor: str, case_id: str, action: str, category: str = "hate_speech"
) -> EventRecord:
    """The actor records a decision."""
    with store.transaction() as session:
        prior = session.get_one(Case, case_id).decision_event_id
    payload = {
        "action": action,
        "exposure": {"unfiltered_seconds": 0.0, "reveals": 0},
        "category": category,
        "subcategory": None,
        "rationale": "a rationale long enough",
        "fields": {},
        "prior_decision": prior,
    }
    return append(store, actor, K.DECISION_RECORDED, case_id, payload)


def escalate(store: LocalStore, actor: str, case_id: str, from_queue: str) -> EventRecord:
    """The actor sends the case to the analysts."""
    payload = {
        "reason": "needs an analyst please",
        "queue": "escalations",
        "from_queue": from_queue,
    }
    return append(store, actor, K.CASE_ESCALATED, case_id, payload)


def handled(
    store: LocalStore,
    clock: ManualClock,
    actor: str,
    action: str,
    seconds: float = 60.0,
    **case: Any,
) -> tuple[str, EventRecord]:
    """Ingest, lease, wait `seconds`, decide; (case id, decision event)."""
    case_id = ingest(store, **case)
    lease(store, actor, case_id)
    clock.advance(seconds)
    return case_id, decide(store, actor, case_id, action, case.get("category", "hate_speech"))
