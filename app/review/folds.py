"""Fold review-workflow events: SLA and priority, queue depth, escalations, notes, links,
perceptual hashes and team settings.

Called by app/log/folding.py inside the same transaction. Each fold reads only the event
and the case row, and queue depth is a count kept by the generic before/after rule in
`track_depth`, so a rebuild gives exactly what the incremental folds gave.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain.priority import default_deadline, priority_key
from app.dupes.phash import to_signed
from app.log.clock import iso, parse_iso
from app.log.events import EventKind, EventRecord
from app.log.fold_scope import DepthKey, add_depth, new_row
from db.models import Case, CaseLink, CaseNote, Escalation, MediaHash, TeamSetting

K = EventKind


def depth_key(case: Case) -> DepthKey:
    """Which queue_depth row a case counts in."""
    return (case.queue, case.status, case.severity, case.clearance or "")


def track_depth(session: Session, before: DepthKey | None, after: DepthKey | None) -> None:
    """Move one case from one depth bucket to another (None: not counted)."""
    if before == after:
        return
    if before is not None:
        add_depth(session, before, -1)
    if after is not None:
        add_depth(session, after, 1)


def on_ingest(session: Session, case: Case, rec: EventRecord) -> None:
    """SLA, priority and perceptual hashes of a new case."""
    p = rec.payload
    started = p.get("sla_started_at") or case.reported_at
    deadline = p.get("sla_deadline") or iso(default_deadline(parse_iso(started), case.severity))
    set_sla(case, started, deadline)
    for item in p.get("media", []):
        for entry in item.get("phash", []):
            new_row(
                session,
                MediaHash,
                case_id=case.case_id,
                sha256=item["sha256"],
                frame=int(entry["frame"]),
                phash=to_signed(int(entry["hash"], 16)),
            )
    track_depth(session, None, depth_key(case))


def set_sla(case: Case, started: str, deadline: str) -> None:
    """Store the SLA window and recompute the priority key (app/domain/priority.py)."""
    case.sla_started_at = started
    case.sla_deadline = deadline
    reprioritise(case)


def reprioritise(case: Case) -> None:
    """Recompute the stored priority key from the case's current inputs."""
    case.priority_key = priority_key(
        parse_iso(case.sla_deadline),
        case.severity,
        parse_iso(case.reported_at),
        case.report_count,
    )


def _escalated(session: Session, case: Case, rec: EventRecord) -> None:
    p = rec.payload
    moment: datetime = parse_iso(rec.created_at)
    started = p.get("sla_started_at") or rec.created_at
    deadline = p.get("sla_deadline") or iso(default_deadline(moment, case.severity))
    set_sla(case, started, deadline)
    new_row(
        session,
        Escalation,
        event_id=rec.event_id,
        case_id=case.case_id,
        actor=rec.actor,
        reason=p.get("reason", ""),
        severity=int(p.get("severity", case.severity)),
        from_queue=p.get("from_queue", ""),
        to_queue=p.get("queue", case.queue),
        escalated_at=rec.created_at,
    )


def _decided(session: Session, case: Case, rec: EventRecord) -> None:
    if not rec.payload.get("final"):
        return
    escalation = latest_escalation(session, case.case_id)
    if escalation is not None:
        escalation.resolution_event_id = rec.event_id
        escalation.resolved_by = rec.actor
        escalation.resolution_action = rec.payload.get("action")
        escalation.resolution_rationale = rec.payload.get("rationale", "")
        escalation.resolved_at = rec.created_at


def _retracted(session: Session, case: Case, rec: EventRecord) -> None:
    session.flush()
    session.execute(
        update(Escalation)
        .where(Escalation.resolution_event_id == rec.payload.get("decision"))
        .values(
            resolution_event_id=None,
            resolved_by=None,
            resolution_action=None,
            resolution_rationale=None,
            resolved_at=None,
        )
    )


def latest_escalation(session: Session, case_id: str) -> Escalation | None:
    """The case's most recent escalation."""
    query = (
        select(Escalation)
        .where(Escalation.case_id == case_id)
        .order_by(Escalation.escalated_at.desc(), Escalation.event_id.desc())
    )
    return session.scalars(query).first()


def _note(session: Session, case: Case, rec: EventRecord) -> None:
    body = str(rec.payload.get("text", rec.payload.get("body", "")))
    new_row(
        session,
        CaseNote,
        event_id=rec.event_id,
        case_id=case.case_id,
        actor=rec.actor,
        body=body,
        created_at=rec.created_at,
    )


def _link(session: Session, case: Case, rec: EventRecord) -> None:
    other = rec.payload.get("other_case_id")
    if not other:
        return
    new_row(
        session,
        CaseLink,
        event_id=rec.event_id,
        case_id=case.case_id,
        other_case_id=str(other),
        actor=rec.actor,
        reason=str(rec.payload.get("reason", "")),
        created_at=rec.created_at,
    )


_FOLDS: dict[str, Callable[[Session, Case, EventRecord], None]] = {
    K.CASE_ESCALATED: _escalated,
    K.DECISION_RECORDED: _decided,
    K.DECISION_RETRACTED: _retracted,
    K.NOTE_ADDED: _note,
    K.CASES_LINKED: _link,
}


def fold_review(session: Session, case: Case, rec: EventRecord) -> None:
    """Fold one case event into the review-workflow projections (no-op for other kinds)."""
    fold = _FOLDS.get(rec.kind)
    if fold is not None:
        fold(session, case, rec)


def fold_team(session: Session, rec: EventRecord) -> None:
    """Fold an event that belongs to no case (team settings)."""
    if rec.kind != K.TEAM_SETTING:
        return
    for key, value in rec.payload.get("settings", {}).items():
        row = session.get(TeamSetting, key)
        if row is None:
            row = TeamSetting(key=key)
            session.add(row)
        row.value = json.dumps(value)
        row.set_by = rec.actor
        row.set_at = rec.created_at


def forget_cases(session: Session, case_ids: list[str]) -> None:
    """Before a refold deletes these cases: take them out of the depth counts."""
    for case in session.scalars(select(Case).where(Case.case_id.in_(case_ids))):
        track_depth(session, depth_key(case), None)
