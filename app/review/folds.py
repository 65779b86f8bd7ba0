"""The review feature's folds: the case lifecycle (ingest, leases, decisions, escalations,
adjudication), SLA and priority, queue depth, escalation records, notes, links,
perceptual hashes and team settings.

Each fold reads only the event, the case row and (through its context) earlier events of
the same case, so a rebuild gives exactly what the incremental folds gave. Queue depth is
a count kept by one before/after rule (`remember_depth` / `track_depth`).
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select, update

from app.domain.priority import default_deadline, priority_key
from app.dupes.phash import to_signed
from app.log.clock import iso, parse_iso
from app.log.events import EventRecord, sorted_json
from app.log.fold_scope import DepthKey, depth_key
from app.log.folding import FoldContext
from app.review.decision_graph import after_decision, standing
from app.review.kinds import (
    CaseEscalated,
    CaseIngested,
    CaseLeased,
    CasesLinked,
    DecisionRecorded,
    DecisionRetracted,
    NoteAdded,
    TeamSetting,
)
from db.models import (
    Case,
    CaseLink,
    CaseNote,
    Decision,
    Escalation,
    MediaHash,
    MediaItem,
)
from db.models import TeamSetting as TeamSettingRow

# Statuses a late lease (taken offline, synced afterwards) does not reopen.
SETTLED = ("decided", "closed", "conflict")


# --- queue depth ------------------------------------------------------------------------


def remember_depth(ctx: FoldContext, case: Case | None, _rec: EventRecord) -> None:
    """Before any fold moves the case: which depth bucket it counts in."""
    if case is not None:
        ctx.scratch["depth"] = depth_key(case)


def track_depth(ctx: FoldContext, case: Case | None, _rec: EventRecord) -> None:
    """After every fold: move the case to the bucket it counts in now."""
    if case is not None:
        move_depth(ctx, ctx.scratch.get("depth"), depth_key(case))


def move_depth(ctx: FoldContext, before: DepthKey | None, after: DepthKey | None) -> None:
    """Move one case from one depth bucket to another (None: not counted)."""
    if before == after:
        return
    if before is not None:
        ctx.add_depth(before, -1)
    if after is not None:
        ctx.add_depth(after, 1)


# --- the case row -----------------------------------------------------------------------


def ingest(ctx: FoldContext, _case: Case | None, rec: EventRecord) -> None:
    """A new case: its row, SLA and priority, media items and perceptual hashes."""
    if rec.case_id is None:
        return
    p = ctx.typed(CaseIngested)
    case = ctx.new_row(
        Case,
        case_id=rec.case_id,
        case_no=ctx.case_no(rec.event_id),
        external_id=p.external_id,
        team=p.team,
        category=p.category,
        subcategory=p.subcategory,
        severity=p.severity,
        clearance=p.clearance,
        queue=p.queue,
        status="new",
        open_status="new",
        title=p.title,
        report_reason=p.report_reason,
        body_text=p.text,
        reported_at=p.reported_at or rec.created_at,
        report_count=p.report_count,
        media_count=len(p.media),
        head_event_id=rec.event_id,
        updated_at=rec.created_at,
    )
    started = p.sla_started_at or case.reported_at
    deadline = p.sla_deadline or iso(default_deadline(parse_iso(started), case.severity))
    set_sla(case, started, deadline)
    for item in p.media:
        for entry in item.phash:
            ctx.new_row(
                MediaHash,
                case_id=rec.case_id,
                sha256=item.sha256,
                frame=entry.frame,
                phash=to_signed(int(entry.hash, 16)),
            )
    move_depth(ctx, None, depth_key(case))
    for position, item in enumerate(p.media):
        ctx.new_row(
            MediaItem,
            case_id=rec.case_id,
            position=position,
            sha256=item.sha256,
            kind=item.kind,
            mime=item.mime,
            filename=item.filename,
            size=item.size,
        )


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


def lease(ctx: FoldContext, case: Case | None, rec: EventRecord) -> None:
    """A claim, renewal or assignment leases the case."""
    if case is None or case.status in SETTLED:
        return  # a lease taken offline on a case decided meanwhile: the decision stands
    p = ctx.typed(CaseLeased)
    case.status = "leased"
    case.leased_by = p.holder or rec.actor
    case.lease_expires_at = p.expires_at


def release(_ctx: FoldContext, case: Case | None, _rec: EventRecord) -> None:
    """A release or a skip lets the case go."""
    if case is None:
        return
    if case.status == "leased":
        case.status = case.open_status
    case.leased_by = None
    case.lease_expires_at = None


def decide(ctx: FoldContext, case: Case | None, rec: EventRecord) -> None:
    """A decision: its row, and the case's standing decision (or a conflict)."""
    if case is None:
        return
    p = ctx.typed(DecisionRecorded)
    ctx.new_row(
        Decision,
        event_id=rec.event_id,
        case_id=case.case_id,
        actor=rec.actor,
        category=p.category or case.category,
        subcategory=p.subcategory,
        action=p.action,
        rationale=p.rationale,
        fields=sorted_json(p.fields),
        decided_at=rec.created_at,
        severity=p.severity,
        evidence=sorted_json([dict(m) for m in p.evidence_marks]),
        applied_from=p.applied_from,
        final=p.final,
    )
    # A decision that did not see another standing one is a conflict: both are kept.
    graph = after_decision(ctx, case, rec, p)
    if graph.conflict:
        case.status = "conflict"
    elif p.final:
        case.status = "closed"  # an analyst's final decision closes the escalation
    else:
        case.status = "decided"
    case.decision_event_id = graph.current
    case.decision_action = graph.action
    case.leased_by = None
    case.lease_expires_at = None


def retract(ctx: FoldContext, case: Case | None, rec: EventRecord) -> None:
    """An undo: the decision no longer stands; the case goes back to its decider."""
    if case is None:
        return
    p = ctx.typed(DecisionRetracted)
    target = ctx.row(Decision, p.decision, case.case_id)
    if target is None or target.retracted:
        return
    target.retracted = True
    if case.decision_event_id == target.event_id and case.status in ("decided", "closed"):
        previous = _latest_decision(ctx, case.case_id)
        case.decision_event_id = previous.event_id if previous else None
        case.decision_action = previous.action if previous else None
        case.status = "leased"
        case.leased_by = rec.actor
    if case.status == "conflict":  # retracted offline, before the conflict was known
        graph = standing(ctx, case.case_id, rec)
        case.decision_event_id, case.decision_action = graph.current, graph.action
        case.status = "conflict" if graph.conflict else "decided"


def _latest_decision(ctx: FoldContext, case_id: str) -> Decision | None:
    query = (
        select(Decision)
        .where(Decision.case_id == case_id, Decision.retracted.is_(False))
        .order_by(Decision.decided_at.desc(), Decision.event_id.desc())
    )
    found: Decision | None = ctx.execute(query).scalars().first()
    return found


def escalate(ctx: FoldContext, case: Case | None, _rec: EventRecord) -> None:
    """An escalation moves the case to an escalation queue."""
    if case is None or case.status == "conflict":
        return  # escalated offline before the conflict was known: a lead settles it first
    p = ctx.typed(CaseEscalated)
    case.status = "escalated"
    case.open_status = "escalated"
    case.queue = p.queue or case.queue
    if p.severity is not None:
        case.severity = p.severity
    case.leased_by = None
    case.lease_expires_at = None


def close(_ctx: FoldContext, case: Case | None, _rec: EventRecord) -> None:
    """The case is closed."""
    if case is not None:
        case.status = "closed"


def adjudicate(ctx: FoldContext, case: Case | None, rec: EventRecord) -> None:
    """A lead's adjudication settles a conflict (unless a decision did not see it)."""
    if case is None:
        return
    graph = standing(ctx, case.case_id, rec)
    # Still a conflict when a decision made without seeing the adjudication stands too.
    case.status = "conflict" if graph.conflict else "decided"
    case.decision_event_id = graph.current
    case.decision_action = graph.action


# --- rows beside the case ---------------------------------------------------------------


def escalation_record(ctx: FoldContext, case: Case | None, rec: EventRecord) -> None:
    """The escalation's row, and the escalation queue's SLA."""
    if case is None:
        return
    p = ctx.typed(CaseEscalated)
    moment: datetime = parse_iso(rec.created_at)
    started = p.sla_started_at or rec.created_at
    deadline = p.sla_deadline or iso(default_deadline(moment, case.severity))
    set_sla(case, started, deadline)
    ctx.new_row(
        Escalation,
        event_id=rec.event_id,
        case_id=case.case_id,
        actor=rec.actor,
        reason=p.reason,
        severity=p.severity if p.severity is not None else case.severity,
        from_queue=p.from_queue,
        to_queue=p.queue or case.queue,
        escalated_at=rec.created_at,
    )


def resolve_escalation(ctx: FoldContext, case: Case | None, rec: EventRecord) -> None:
    """An analyst's final decision resolves the case's latest escalation."""
    p = ctx.typed(DecisionRecorded)
    if case is None or not p.final:
        return
    query = (
        select(Escalation.event_id)
        .where(Escalation.case_id == case.case_id)
        .order_by(Escalation.escalated_at.desc(), Escalation.event_id.desc())
        .limit(1)
    )
    latest = ctx.scalar(query)
    if latest is None:
        return
    ctx.execute(
        update(Escalation)
        .where(Escalation.event_id == latest)
        .values(
            resolution_event_id=rec.event_id,
            resolved_by=rec.actor,
            resolution_action=p.action,
            resolution_rationale=p.rationale,
            resolved_at=rec.created_at,
        )
    )


def unresolve_escalation(ctx: FoldContext, _case: Case | None, _rec: EventRecord) -> None:
    """A retracted final decision no longer resolves its escalation."""
    p = ctx.typed(DecisionRetracted)
    ctx.execute(
        update(Escalation)
        .where(Escalation.resolution_event_id == p.decision)
        .values(
            resolution_event_id=None,
            resolved_by=None,
            resolution_action=None,
            resolution_rationale=None,
            resolved_at=None,
        )
    )


def note(ctx: FoldContext, case: Case | None, rec: EventRecord) -> None:
    """An investigation note."""
    if case is None:
        return
    ctx.new_row(
        CaseNote,
        event_id=rec.event_id,
        case_id=case.case_id,
        actor=rec.actor,
        body=ctx.typed(NoteAdded).text,
        created_at=rec.created_at,
    )


def link(ctx: FoldContext, case: Case | None, rec: EventRecord) -> None:
    """A link to a related case."""
    p = ctx.typed(CasesLinked)
    if case is None or not p.other_case_id:
        return
    ctx.new_row(
        CaseLink,
        event_id=rec.event_id,
        case_id=case.case_id,
        other_case_id=p.other_case_id,
        actor=rec.actor,
        reason=p.reason,
        created_at=rec.created_at,
    )


def team_setting(ctx: FoldContext, _case: Case | None, rec: EventRecord) -> None:
    """A lead's team-wide settings (breaks, rotation, ...)."""
    for key, value in ctx.typed(TeamSetting).settings.items():
        ctx.upsert(
            TeamSettingRow,
            ["key"],
            {"key": key, "value": json.dumps(value), "set_by": rec.actor, "set_at": rec.created_at},
        )
