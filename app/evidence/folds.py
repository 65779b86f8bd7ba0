"""Folding holds and purges into their projection tables."""

from __future__ import annotations

import json

from app.evidence import kinds
from app.evidence.models import Hold, Packet, Purge
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


def packet_built(ctx: FoldContext, case: Case, rec: EventRecord) -> None:
    """A packet on record (the same packet twice keeps the first)."""
    p = ctx.typed(kinds.PacketBuilt)
    if ctx.row(Packet, p.packet_id, case.case_id) is not None:
        return
    ctx.new_row(
        Packet,
        packet_id=p.packet_id,
        case_id=case.case_id,
        built_by=rec.actor,
        built_at=rec.created_at,
        packet=json.dumps(p.packet, sort_keys=True),
    )


def packet_submitted(ctx: FoldContext, case: Case, rec: EventRecord) -> None:
    """The packet's receipt from the submission system."""
    p = ctx.typed(kinds.PacketSubmitted)
    packet = ctx.row(Packet, p.packet_id, case.case_id)
    if packet is not None and packet.receipt is None:
        packet.receipt, packet.submitted_at = p.receipt, p.submitted_at
