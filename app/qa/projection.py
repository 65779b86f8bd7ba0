"""Fold lead-tool events into their projections: decision facts, QA audits, gold, exposure.

Registered by the QA feature (app/qa/feature.py) in the BEFORE phase, for events on a case
the store can see, in the same transaction, before the review folds change the case (so a
decision or an escalation sees the queue, severity and deadline it was handled under).
Every row hangs off its case (ON DELETE CASCADE), so a refold or a rebuild clears and
refolds them with the case. Each fold reads only the event, the case row and earlier
events of the same case (by local id), so a rebuild gives what the incremental fold gave.
"""

from __future__ import annotations

import json

from app.domain.kinds import EventKind
from app.log.clock import parse_iso
from app.log.events import EventRecord, sorted_json
from app.log.folding import FoldContext
from app.qa.kinds import GoldInserted, GoldMarked, QaAssigned, QaReview, QaVerdict
from app.qa.sla import DEFAULT_SLA
from app.review.kinds import DecisionRecorded, DecisionRetracted
from app.wellbeing.kinds import MediaRevealed, MediaViewed, weighted_seconds
from db.models import (
    Case,
    DecisionFact,
    ExposureCaseDay,
    GoldCaseRow,
    GoldCopy,
    QaAudit,
)

K = EventKind

# Events after which a case is no longer in anyone's hands: the next lease starts a claim.
_CLAIM_BOUNDARIES = frozenset(
    {K.CASE_RELEASED, K.CASE_SKIPPED, K.DECISION_RECORDED, K.CASE_ESCALATED, K.CASE_CLOSED}
)


def epoch(text: str) -> float:
    """Epoch seconds of a stored ISO 8601 time."""
    return parse_iso(text).timestamp()


# --- decisions and escalations --------------------------------------------------------


def decided(ctx: FoldContext, case: Case, rec: EventRecord) -> None:
    p = ctx.typed(DecisionRecorded)
    _add_fact(
        ctx,
        case,
        rec,
        kind="decision",
        queue=case.queue,
        policy=p.category or case.category,
        action=p.action,
        unfiltered=p.exposure.unfiltered_seconds if p.exposure else 0.0,
        reveals=p.exposure.reveals if p.exposure else 0,
    )


def escalated(ctx: FoldContext, case: Case, rec: EventRecord) -> None:
    # Folded before the core fold moves the case: counted in the queue it was handled in.
    _add_fact(
        ctx,
        case,
        rec,
        kind="escalation",
        queue=case.queue,
        policy=case.category,
        action="escalate",
    )


def _add_fact(
    ctx: FoldContext,
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
    if ctx.row(DecisionFact, rec.event_id, case.case_id) is not None:
        return
    decided = epoch(rec.created_at)
    ctx.new_row(
        DecisionFact,
        event_id=rec.event_id,
        case_id=case.case_id,
        kind=kind,
        reviewer=rec.actor,
        queue=queue,
        policy=policy,
        action=action,
        severity=case.severity,
        claimed_ts=_claimed_ts(case, rec) or decided,
        decided_ts=decided,
        deadline_ts=_deadline_ts(case, queue),
        escalated=kind == "escalation",
        resolves_escalation=kind == "decision" and case.open_status == "escalated",
        unfiltered_seconds=unfiltered,
        reveals=reveals,
        retracted=False,
    )
    _exposure_row(ctx, rec, case).decisions += 1


def _deadline_ts(case: Case, queue: str) -> float | None:
    # The queue's SLA deadline as the review workflow keeps it on the case; stores made
    # before it existed fall back to the default SLA table.
    deadline = getattr(case, "sla_deadline", "")
    if deadline:
        return epoch(deadline)
    return DEFAULT_SLA.deadline_ts(epoch(case.reported_at), queue, case.severity)


def _claimed_ts(case: Case, rec: EventRecord) -> float | None:
    """When the actor took the case: their first lease since it last left anyone's hands."""
    claimed = json.loads(case.claim_starts or "{}").get(rec.actor)
    return None if claimed is None else epoch(claimed)


def track_claims(_ctx: FoldContext, case: Case | None, rec: EventRecord) -> None:
    """Keep `cases.claim_starts` (who took the case since it was last let go, and when).

    Called for every event of the case after all folds, in canonical order, so each
    workstation that holds the same events computes the same handling times.
    """
    if case is None:
        return
    if rec.kind in _CLAIM_BOUNDARIES:
        if case.claim_starts not in (None, "{}"):
            case.claim_starts = "{}"
    elif rec.kind in (K.CASE_LEASED, K.CASE_REASSIGNED):
        starts = json.loads(case.claim_starts or "{}")
        if rec.actor not in starts:
            starts[rec.actor] = rec.created_at
            case.claim_starts = sorted_json(starts)


def retracted(ctx: FoldContext, case: Case, rec: EventRecord) -> None:
    fact = ctx.row(DecisionFact, ctx.typed(DecisionRetracted).decision, case.case_id)
    if fact is not None:
        fact.retracted = True


# --- exposure ---------------------------------------------------------------------------


def _exposure_row(ctx: FoldContext, rec: EventRecord, case: Case) -> ExposureCaseDay:
    key = (rec.actor, rec.created_at[:10], case.case_id)
    row = ctx.row(ExposureCaseDay, key, case.case_id)
    if row is None:
        row = ctx.new_row(
            ExposureCaseDay,
            reviewer=key[0],
            day=key[1],
            case_id=case.case_id,
            category=case.category,
            items="[]",
            items_viewed=0,
            unfiltered_seconds=0.0,
            decisions=0,
        )
    return row


def viewed(ctx: FoldContext, case: Case, rec: EventRecord) -> None:
    row = _exposure_row(ctx, rec, case)
    items = json.loads(row.items)
    item = ctx.typed(MediaViewed).item
    if item not in items:
        row.items = json.dumps([*items, item])
        row.items_viewed = len(items) + 1


def revealed(ctx: FoldContext, case: Case, rec: EventRecord) -> None:
    p = ctx.typed(MediaRevealed)
    row = _exposure_row(ctx, rec, case)
    row.unfiltered_seconds += weighted_seconds(p)


# --- QA audits -------------------------------------------------------------------------


def assigned(ctx: FoldContext, case: Case, rec: EventRecord) -> None:
    p = ctx.typed(QaAssigned)
    if ctx.row(QaAudit, p.decision, case.case_id) is not None:
        return
    ctx.new_row(
        QaAudit,
        decision_event_id=p.decision,
        case_id=case.case_id,
        reviewer=p.reviewer,
        queue=p.queue,
        policy=p.policy,
        original_action=p.action,
        reason=p.reason,
        assigned_at=rec.created_at,
        note="",
    )


def reviewed(ctx: FoldContext, case: Case, rec: EventRecord) -> None:
    p = ctx.typed(QaReview)
    audit = ctx.row(QaAudit, p.decision, case.case_id)
    # The first blind call stands; a second auditor's (offline, concurrent) is only logged.
    if audit is None or audit.blind_action is not None:
        return
    audit.auditor = rec.actor
    audit.blind_policy = p.policy
    audit.blind_action = p.action
    audit.blind_at = rec.created_at


def verdict(ctx: FoldContext, case: Case, rec: EventRecord) -> None:
    p = ctx.typed(QaVerdict)
    audit = ctx.row(QaAudit, p.decision, case.case_id)
    if audit is None:
        # A reviewer's workstation gets the verdict on their decision, never the draw.
        audit = ctx.new_row(
            QaAudit,
            decision_event_id=p.decision,
            case_id=case.case_id,
            reviewer=p.reviewer,
            queue=p.queue,
            policy=p.original_policy,
            original_action=p.original_action,
            reason="",
            assigned_at=rec.created_at,
        )
    if audit.verdict is not None:
        return
    audit.auditor = audit.auditor or rec.actor
    audit.verdict = p.verdict
    audit.corrected_policy = p.policy
    audit.corrected_action = p.action
    audit.note = p.note
    audit.verdict_at = rec.created_at


# --- gold sets ---------------------------------------------------------------------------


def gold_marked(ctx: FoldContext, case: Case, rec: EventRecord) -> None:
    p = ctx.typed(GoldMarked)
    row = ctx.row(GoldCaseRow, case.case_id, case.case_id)
    if row is None:
        row = ctx.new_row(GoldCaseRow, case_id=case.case_id)
    row.policy = p.policy
    row.expected_action = p.action
    row.note = p.note
    row.marked_by = rec.actor
    row.marked_at = rec.created_at
    row.active = True


def gold_unmarked(ctx: FoldContext, case: Case, _rec: EventRecord) -> None:
    row = ctx.row(GoldCaseRow, case.case_id, case.case_id)
    if row is not None:
        row.active = False


def gold_inserted(ctx: FoldContext, case: Case, rec: EventRecord) -> None:
    if ctx.row(GoldCopy, case.case_id, case.case_id) is None:
        p = ctx.typed(GoldInserted)
        ctx.new_row(
            GoldCopy,
            case_id=case.case_id,
            gold_case_id=p.gold_case,
            queue=p.queue,
            position=p.position,
            inserted_at=rec.created_at,
        )
