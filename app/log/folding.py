"""Fold events into the projection tables (cases, media items, decisions).

Projections are derived state: `apply_event` folds one event on top of the current state
and `refold_cases` / `rebuild_all` recompute them from the log in canonical order
(acknowledged events by server_seq, then this device's pending ones). The fold never
refuses an event: commands are validated before an event is written (app/review/reviewdesk.py), and
events from other workstations must apply whatever they say.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from app.log.events import EventKind, EventRecord, sorted_json
from app.log.fold_scope import case_no_of, case_row, fold_scope, get_row, new_row
from app.qa.projection import fold_quality, track_claims
from app.review.decision_graph import CANONICAL_ORDER, after_decision, standing
from app.review.folds import (
    depth_key,
    fold_review,
    fold_team,
    forget_cases,
    on_ingest,
    track_depth,
)
from db.models import PROJECTION_TABLES, Case, Decision, Event, MediaItem

K = EventKind
Fold = Callable[[Session, Case, EventRecord], None]


def apply_event(session: Session, rec: EventRecord) -> None:
    """Fold one event into the projections (inside the caller's transaction)."""
    if rec.case_id is None:
        fold_team(session, rec)
        return
    if rec.kind == K.CASE_INGESTED:
        _ingest(session, rec)
        return
    case = case_row(session, rec.case_id)
    if case is None:
        return  # an event for a case this store may not see (clearance, team)
    depth_before = depth_key(case)
    # Lead tools (issue 6): decision facts, QA audits, gold sets, exposure per day. First,
    # so an escalation is counted against the queue and deadline it was handled under.
    fold_quality(session, case, rec)
    fold = _FOLDS.get(rec.kind)
    if fold is not None:
        fold(session, case, rec)
    # Review workflow (issue 4): escalations, notes, links; queue depth follows the case.
    fold_review(session, case, rec)
    track_depth(session, depth_before, depth_key(case))
    track_claims(case, rec)  # after fold_quality: a decision's claim started before it
    case.head_event_id = rec.event_id
    case.updated_at = rec.created_at


def _ingest(session: Session, rec: EventRecord) -> None:
    if rec.case_id is None or case_row(session, rec.case_id) is not None:
        return
    p = rec.payload
    media = p.get("media", [])
    case = new_row(
        session,
        Case,
        case_id=rec.case_id,
        case_no=case_no_of(session, rec.event_id),
        external_id=p.get("external_id"),
        team=p.get("team", "default"),
        category=p["category"],
        subcategory=p.get("subcategory"),
        severity=int(p["severity"]),
        clearance=p.get("clearance"),
        queue=p["queue"],
        status="new",
        open_status="new",
        title=p.get("title", ""),
        report_reason=p.get("report_reason", ""),
        body_text=p.get("text", ""),
        reported_at=p.get("reported_at", rec.created_at),
        report_count=int(p.get("report_count", 1)),
        media_count=len(media),
        head_event_id=rec.event_id,
        updated_at=rec.created_at,
    )
    on_ingest(session, case, rec)
    for position, item in enumerate(media):
        new_row(
            session,
            MediaItem,
            case_id=rec.case_id,
            position=position,
            sha256=item["sha256"],
            kind=item["kind"],
            mime=item["mime"],
            filename=item["filename"],
            size=int(item["size"]),
        )


def _lease(_s: Session, case: Case, rec: EventRecord) -> None:
    if case.status in SETTLED:
        return  # a lease taken offline on a case decided meanwhile: the decision stands
    case.status = "leased"
    case.leased_by = rec.payload.get("holder", rec.actor)
    case.lease_expires_at = rec.payload.get("expires_at")


def _release(_s: Session, case: Case, rec: EventRecord) -> None:
    if case.status == "leased":
        case.status = case.open_status
    case.leased_by = None
    case.lease_expires_at = None


def _decide(session: Session, case: Case, rec: EventRecord) -> None:
    p = rec.payload
    new_row(
        session,
        Decision,
        event_id=rec.event_id,
        case_id=case.case_id,
        actor=rec.actor,
        category=p.get("category", case.category),
        subcategory=p.get("subcategory"),
        action=p["action"],
        rationale=p.get("rationale", ""),
        fields=sorted_json(p.get("fields", {})),
        decided_at=rec.created_at,
        severity=p.get("severity"),
        evidence=sorted_json(p.get("evidence_marks", [])),
        applied_from=p.get("applied_from"),
        final=bool(p.get("final", False)),
    )
    # A decision that did not see another standing one is a conflict: both are kept.
    graph = after_decision(session, case, rec)
    if graph.conflict:
        case.status = "conflict"
    elif p.get("final"):
        case.status = "closed"  # an analyst's final decision closes the escalation
    else:
        case.status = "decided"
    case.decision_event_id = graph.current
    case.decision_action = graph.action
    case.leased_by = None
    case.lease_expires_at = None


def _retract(session: Session, case: Case, rec: EventRecord) -> None:
    target = get_row(session, Decision, rec.payload["decision"], case.case_id)
    if target is None or target.retracted:
        return
    target.retracted = True
    if case.decision_event_id == target.event_id and case.status in ("decided", "closed"):
        previous = _latest_decision(session, case.case_id)
        case.decision_event_id = previous.event_id if previous else None
        case.decision_action = previous.action if previous else None
        case.status = "leased"
        case.leased_by = rec.actor
    if case.status == "conflict":  # retracted offline, before the conflict was known
        graph = standing(session, case.case_id, rec)
        case.decision_event_id, case.decision_action = graph.current, graph.action
        case.status = "conflict" if graph.conflict else "decided"


def _latest_decision(session: Session, case_id: str) -> Decision | None:
    query = (
        select(Decision)
        .where(Decision.case_id == case_id, Decision.retracted.is_(False))
        .order_by(Decision.decided_at.desc(), Decision.event_id.desc())
    )
    return session.scalars(query).first()


def _escalate(_s: Session, case: Case, rec: EventRecord) -> None:
    if case.status == "conflict":
        return  # escalated offline before the conflict was known: a lead settles it first
    case.status = "escalated"
    case.open_status = "escalated"
    case.queue = rec.payload.get("queue", case.queue)
    if "severity" in rec.payload:
        case.severity = int(rec.payload["severity"])
    case.leased_by = None
    case.lease_expires_at = None


def _close(_s: Session, case: Case, _rec: EventRecord) -> None:
    case.status = "closed"


def _adjudicate(session: Session, case: Case, rec: EventRecord) -> None:
    graph = standing(session, case.case_id, rec)
    # Still a conflict when a decision made without seeing the adjudication stands too.
    case.status = "conflict" if graph.conflict else "decided"
    case.decision_event_id = graph.current
    case.decision_action = graph.action


# Statuses a late lease (taken offline, synced afterwards) does not reopen.
SETTLED = ("decided", "closed", "conflict")

_FOLDS: dict[str, Fold] = {
    K.CASE_LEASED: _lease,
    K.CASE_REASSIGNED: _lease,
    K.CASE_RELEASED: _release,
    K.CASE_SKIPPED: _release,
    K.DECISION_RECORDED: _decide,
    K.DECISION_RETRACTED: _retract,
    K.CASE_ESCALATED: _escalate,
    K.CASE_CLOSED: _close,
    K.CASE_ADJUDICATED: _adjudicate,
}


def record_of(row: Event) -> EventRecord:
    """An EventRecord from its database row."""
    return EventRecord(
        event_id=row.event_id,
        device_id=row.device_id,
        device_seq=row.device_seq,
        actor=row.actor,
        kind=row.kind,
        case_id=row.case_id,
        payload=json.loads(row.payload),
        seen_head=row.seen_head,
        created_at=row.created_at,
        prev_hash=row.prev_hash,
        hash=row.hash,
        server_seq=row.server_seq,
    )


def refold_cases(session: Session, case_ids: Iterable[str]) -> None:
    """Recompute the projections of these cases from their events, in canonical order."""
    ids = sorted(set(case_ids))
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        forget_cases(session, chunk)
        session.execute(delete(Decision).where(Decision.case_id.in_(chunk)))
        session.execute(delete(MediaItem).where(MediaItem.case_id.in_(chunk)))
        session.execute(delete(Case).where(Case.case_id.in_(chunk)))
        rows = session.scalars(
            select(Event).where(Event.case_id.in_(chunk)).order_by(*CANONICAL_ORDER)
        ).all()
        _fold_rows(session, chunk, rows)


def rebuild_all(session: Session) -> None:
    """Clear every projection table and fold the whole log again."""
    for table in PROJECTION_TABLES:
        session.execute(text(f"DELETE FROM {table}"))
    rows = session.scalars(select(Event).order_by(*CANONICAL_ORDER)).all()
    for start in range(0, len(rows), 5000):
        page = rows[start : start + 5000]
        _fold_rows(session, {r.case_id for r in page if r.case_id is not None}, page)


def _fold_rows(session: Session, case_ids: Iterable[str], rows: Sequence[Event]) -> None:
    """Fold event rows (canonical order) with their cases' rows loaded up front."""
    ingests = [r.event_id for r in rows if r.kind == K.CASE_INGESTED]
    with fold_scope(session, case_ids, ingests):
        for row in rows:
            apply_event(session, record_of(row))
        session.flush()
