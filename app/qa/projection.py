"""Fold lead-tool events into their projections: decision facts, QA audits, gold, exposure.

Called by `app.projections.apply_event` for every event on a case the store can see, in
the same transaction, before the core fold changes the case (so a decision or an
escalation sees the queue, severity and deadline it was handled under). Every row hangs
off its case (ON DELETE CASCADE), so a refold or a rebuild clears and refolds them with
the case. Each fold reads only the event, the case row and earlier events of the same
case (by local id), so a rebuild gives what the incremental fold gave.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import parse_iso
from app.events import EventKind, EventRecord
from app.qa.sla import DEFAULT_SLA
from db.models import (
    Case,
    DecisionFact,
    Event,
    ExposureCaseDay,
    GoldCaseRow,
    GoldCopy,
    QaAudit,
)

K = EventKind
Fold = Callable[[Session, Case, EventRecord], None]

# Events after which a case is no longer in anyone's hands: the next lease starts a claim.
_CLAIM_BOUNDARIES = frozenset(
    {K.CASE_RELEASED, K.CASE_SKIPPED, K.DECISION_RECORDED, K.CASE_ESCALATED, K.CASE_CLOSED}
)


def fold_quality(session: Session, case: Case, rec: EventRecord) -> None:
    """Fold one event into the lead-tool projections (no-op for other kinds)."""
    fold = _FOLDS.get(rec.kind)
    if fold is not None:
        fold(session, case, rec)


def epoch(text: str) -> float:
    """Epoch seconds of a stored ISO 8601 time."""
    return parse_iso(text).timestamp()


# --- decisions and escalations --------------------------------------------------------


def _decided(session: Session, case: Case, rec: EventRecord) -> None:
    p = rec.payload
    exposure = p.get("exposure") or {}
    _add_fact(
        session,
        case,
        rec,
        kind="decision",
        queue=case.queue,
        policy=str(p.get("category") or case.category),
        action=str(p["action"]),
        unfiltered=float(exposure.get("unfiltered_seconds", 0.0)),
        reveals=int(exposure.get("reveals", 0)),
    )


def _escalated(session: Session, case: Case, rec: EventRecord) -> None:
    # Folded before the core fold moves the case: counted in the queue it was handled in.
    _add_fact(
        session,
        case,
        rec,
        kind="escalation",
        queue=case.queue,
        policy=case.category,
        action="escalate",
    )


def _add_fact(
    session: Session,
    case: Case,
    rec: EventRecord,
    *,
    kind: str,
    queue: str,
    policy: str,
    action: str,
    unfiltered: float = 0.0,
    reveals: int = 0,
) -> None:
    if session.get(DecisionFact, rec.event_id) is not None:
        return
    decided = epoch(rec.created_at)
    session.add(
        DecisionFact(
            event_id=rec.event_id,
            case_id=case.case_id,
            kind=kind,
            reviewer=rec.actor,
            queue=queue,
            policy=policy,
            action=action,
            severity=case.severity,
            claimed_ts=_claimed_ts(session, rec) or decided,
            decided_ts=decided,
            deadline_ts=_deadline_ts(case, queue),
            escalated=kind == "escalation",
            resolves_escalation=kind == "decision" and case.open_status == "escalated",
            unfiltered_seconds=unfiltered,
            reveals=reveals,
            retracted=False,
        )
    )
    _exposure_row(session, rec, case).decisions += 1


def _deadline_ts(case: Case, queue: str) -> float | None:
    # The queue's SLA deadline as the review workflow keeps it on the case; stores made
    # before it existed fall back to the default SLA table.
    deadline = getattr(case, "sla_deadline", "")
    if deadline:
        return epoch(deadline)
    return DEFAULT_SLA.deadline_ts(epoch(case.reported_at), queue, case.severity)


def _claimed_ts(session: Session, rec: EventRecord) -> float | None:
    """When the actor took the case: their first lease since it last left anyone's hands."""
    here = select(Event.id).where(Event.event_id == rec.event_id).scalar_subquery()
    query = (
        select(Event.kind, Event.actor, Event.created_at)
        .where(Event.case_id == rec.case_id, Event.id < here)
        .order_by(Event.id.desc())
    )
    claimed: str | None = None
    for kind, actor, created_at in session.execute(query):
        if kind in _CLAIM_BOUNDARIES:
            break
        if kind in (K.CASE_LEASED, K.CASE_REASSIGNED) and actor == rec.actor:
            claimed = created_at
    return None if claimed is None else epoch(claimed)


def _retracted(session: Session, _case: Case, rec: EventRecord) -> None:
    fact = session.get(DecisionFact, str(rec.payload.get("decision")))
    if fact is not None:
        fact.retracted = True


# --- exposure ---------------------------------------------------------------------------


def _exposure_row(session: Session, rec: EventRecord, case: Case) -> ExposureCaseDay:
    key = (rec.actor, rec.created_at[:10], case.case_id)
    row = session.get(ExposureCaseDay, key)
    if row is None:
        row = ExposureCaseDay(
            reviewer=key[0],
            day=key[1],
            case_id=case.case_id,
            category=case.category,
            items="[]",
            items_viewed=0,
            unfiltered_seconds=0.0,
            decisions=0,
        )
        session.add(row)
    return row


def _viewed(session: Session, case: Case, rec: EventRecord) -> None:
    row = _exposure_row(session, rec, case)
    items = json.loads(row.items)
    item = str(rec.payload.get("item", ""))
    if item not in items:
        row.items = json.dumps([*items, item])
        row.items_viewed = len(items) + 1


def _revealed(session: Session, case: Case, rec: EventRecord) -> None:
    p = rec.payload
    row = _exposure_row(session, rec, case)
    row.unfiltered_seconds += float(p.get("seconds", 0.0)) * float(p.get("area_share", 0.0))


# --- QA audits -------------------------------------------------------------------------


def _assigned(session: Session, case: Case, rec: EventRecord) -> None:
    p = rec.payload
    if session.get(QaAudit, p["decision"]) is not None:
        return
    session.add(
        QaAudit(
            decision_event_id=p["decision"],
            case_id=case.case_id,
            reviewer=p["reviewer"],
            queue=p["queue"],
            policy=p["policy"],
            original_action=p["action"],
            reason=p["reason"],
            assigned_at=rec.created_at,
            note="",
        )
    )


def _reviewed(session: Session, _case: Case, rec: EventRecord) -> None:
    audit = session.get(QaAudit, rec.payload["decision"])
    # The first blind call stands; a second auditor's (offline, concurrent) is only logged.
    if audit is None or audit.blind_action is not None:
        return
    audit.auditor = rec.actor
    audit.blind_policy = rec.payload["policy"]
    audit.blind_action = rec.payload["action"]
    audit.blind_at = rec.created_at


def _verdict(session: Session, case: Case, rec: EventRecord) -> None:
    p = rec.payload
    audit = session.get(QaAudit, p["decision"])
    if audit is None:
        # A reviewer's workstation gets the verdict on their decision, never the draw.
        audit = QaAudit(
            decision_event_id=p["decision"],
            case_id=case.case_id,
            reviewer=p["reviewer"],
            queue=p["queue"],
            policy=p["original_policy"],
            original_action=p["original_action"],
            reason="",
            assigned_at=rec.created_at,
        )
        session.add(audit)
    if audit.verdict is not None:
        return
    audit.auditor = audit.auditor or rec.actor
    audit.verdict = p["verdict"]
    audit.corrected_policy = p["policy"]
    audit.corrected_action = p["action"]
    audit.note = p.get("note", "")
    audit.verdict_at = rec.created_at


# --- gold sets ---------------------------------------------------------------------------


def _gold_marked(session: Session, case: Case, rec: EventRecord) -> None:
    row = session.get(GoldCaseRow, case.case_id)
    if row is None:
        row = GoldCaseRow(case_id=case.case_id)
        session.add(row)
    row.policy = rec.payload["policy"]
    row.expected_action = rec.payload["action"]
    row.note = rec.payload.get("note", "")
    row.marked_by = rec.actor
    row.marked_at = rec.created_at
    row.active = True


def _gold_unmarked(session: Session, case: Case, _rec: EventRecord) -> None:
    row = session.get(GoldCaseRow, case.case_id)
    if row is not None:
        row.active = False


def _gold_inserted(session: Session, case: Case, rec: EventRecord) -> None:
    if session.get(GoldCopy, case.case_id) is None:
        session.add(
            GoldCopy(
                case_id=case.case_id,
                gold_case_id=rec.payload["gold_case"],
                queue=rec.payload["queue"],
                position=int(rec.payload["position"]),
                inserted_at=rec.created_at,
            )
        )


_FOLDS: dict[str, Fold] = {
    K.DECISION_RECORDED: _decided,
    K.CASE_ESCALATED: _escalated,
    K.DECISION_RETRACTED: _retracted,
    K.MEDIA_VIEWED: _viewed,
    K.MEDIA_REVEALED: _revealed,
    K.QA_ASSIGNED: _assigned,
    K.QA_REVIEW: _reviewed,
    K.QA_VERDICT: _verdict,
    K.GOLD_MARKED: _gold_marked,
    K.GOLD_UNMARKED: _gold_unmarked,
    K.GOLD_INSERTED: _gold_inserted,
}
