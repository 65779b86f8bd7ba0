"""The lead-tool projections: decision facts, exposure per reviewer-day, rebuild == incremental."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from app.domain.kinds import EventKind
from app.log.clock import ManualClock
from app.log.store import LocalStore
from db.models import DecisionFact, ExposureCaseDay
from tests.lead._events import append, decide, escalate, ingest, lease

LEAD_TABLES = ("decision_facts", "qa_audits", "gold_cases", "gold_copies", "exposure_case_days")


def _fact(store: LocalStore, event_id: str) -> DecisionFact:
    with store.transaction() as session:
        return session.get_one(DecisionFact, event_id)


def test_handling_time_runs_from_the_first_lease_through_renewals(
    store: LocalStore, clock: ManualClock
) -> None:
    case_id = ingest(store)
    clock.advance(30)
    claimed = clock.now().timestamp()
    lease(store, "maya", case_id)
    clock.advance(40)
    lease(store, "maya", case_id, via="renew")
    clock.advance(50)
    fact = _fact(store, decide(store, "maya", case_id, "no_violation").event_id)
    assert (fact.claimed_ts, fact.decided_ts - fact.claimed_ts) == (claimed, 90.0)
    assert (fact.kind, fact.reviewer, fact.queue, fact.policy) == (
        "decision",
        "maya",
        "hate-harassment",
        "hate_speech",
    )
    assert fact.deadline_ts is not None and fact.deadline_ts > fact.decided_ts


def test_a_release_ends_a_claim_and_the_next_person_starts_their_own(
    store: LocalStore, clock: ManualClock
) -> None:
    case_id = ingest(store)
    lease(store, "maya", case_id)
    clock.advance(100)
    append(store, "maya", EventKind.CASE_RELEASED, case_id, {"reason": "moved on"})
    clock.advance(100)
    lease(store, "omar", case_id)
    clock.advance(25)
    fact = _fact(store, decide(store, "omar", case_id, "remove").event_id)
    assert fact.decided_ts - fact.claimed_ts == 25.0


def test_an_escalation_counts_in_its_home_queue_and_the_analyst_settles_it(
    store: LocalStore, clock: ManualClock
) -> None:
    case_id = ingest(store, severity=3)
    lease(store, "maya", case_id)
    clock.advance(60)
    escalation = _fact(store, escalate(store, "maya", case_id, "hate-harassment").event_id)
    assert (escalation.kind, escalation.queue, escalation.escalated) == (
        "escalation",
        "hate-harassment",
        True,
    )
    clock.advance(3600)
    lease(store, "ari", case_id)
    clock.advance(300)
    outcome = _fact(store, decide(store, "ari", case_id, "remove").event_id)
    assert outcome.resolves_escalation and not outcome.escalated
    assert outcome.queue == "escalations"
    assert outcome.decided_ts - outcome.claimed_ts == 300.0


def test_a_retracted_decision_is_marked_and_left_out(store: LocalStore, clock: ManualClock) -> None:
    case_id = ingest(store)
    lease(store, "maya", case_id)
    decision = decide(store, "maya", case_id, "remove")
    append(store, "maya", EventKind.DECISION_RETRACTED, case_id, {"decision": decision.event_id})
    assert _fact(store, decision.event_id).retracted


def test_exposure_counts_distinct_items_and_area_weighted_reveal_seconds(
    store: LocalStore, clock: ManualClock
) -> None:
    case_id = ingest(store, category="violent_graphic", queue="graphic")
    lease(store, "maya", case_id)
    for _ in range(2):
        append(store, "maya", EventKind.MEDIA_VIEWED, case_id, {"item": "a" * 64, "seconds": 4.0})
    append(store, "maya", EventKind.MEDIA_VIEWED, case_id, {"item": "b" * 64, "seconds": 2.0})
    reveal = {"item": "a" * 64, "seconds": 10.0, "area_share": 0.25, "mode": "lens"}
    append(store, "maya", EventKind.MEDIA_REVEALED, case_id, reveal)
    decide(store, "maya", case_id, "remove", category="violent_graphic")
    with store.transaction() as session:
        row = session.scalars(select(ExposureCaseDay)).one()
    assert (row.reviewer, row.day, row.items_viewed) == ("maya", "2026-01-05", 2)
    assert (row.unfiltered_seconds, row.decisions) == (2.5, 1)
    assert sorted(json.loads(row.items)) == ["a" * 64, "b" * 64]


def _snapshot(store: LocalStore) -> dict[str, list[tuple[object, ...]]]:
    with store.engine.connect() as conn:
        return {
            table: sorted(tuple(r) for r in conn.execute(text(f"SELECT * FROM {table}")))
            for table in LEAD_TABLES
        }


def test_rebuild_equals_incremental_on_the_lead_demo(lead_store: LocalStore) -> None:
    incremental = _snapshot(lead_store)
    assert all(incremental[t] for t in LEAD_TABLES), "the demo fills every lead table"
    lead_store.rebuild_projections()
    assert _snapshot(lead_store) == incremental
