"""Folding holds and purges into their projection tables."""

from __future__ import annotations

import json

from app.evidence import kinds
from app.evidence.models import Hold, Purge
from app.log.events import EventRecord
from app.log.folding import FoldContext
from db.models import Case


def hold_placed(ctx: FoldContext, case: Case, rec: EventRecord) -> None:
    """A new hold (placing the same hold twice keeps the first)."""
    p = ctx.typed(kinds.HoldPlaced)
    if ctx.row(Hold, p.hold_id, case.case_id) is not None:
        return
    ctx.new_row(
        Hold,
        hold_id=p.hold_id,
        case_id=case.case_id,
        scope=p.scope,
        placed_by=rec.actor,
        placed_at=rec.created_at,
        reason=p.reason,
    )


def hold_lifted(ctx: FoldContext, case: Case, rec: EventRecord) -> None:
    """The hold is lifted (a lift of an unknown hold changes nothing)."""
    p = ctx.typed(kinds.HoldLifted)
    hold = ctx.row(Hold, p.hold_id, case.case_id)
    if hold is None or hold.lifted_at is not None:
        return
    hold.lifted_by, hold.lifted_at, hold.lift_reason = rec.actor, rec.created_at, p.reason


def media_purged(ctx: FoldContext, case: Case, rec: EventRecord) -> None:
    """One purge on record."""
    p = ctx.typed(kinds.MediaPurged)
    ctx.new_row(
        Purge,
        event_id=rec.event_id,
        case_id=case.case_id,
        actor=rec.actor,
        device_id=p.device_id,
        place=p.where,
        sha256s=json.dumps(p.sha256s),
        rule=p.rule,
        days=p.days,
        reason=p.reason,
        purged_at=rec.created_at,
    )
