"""Folds of the network events into their projections (app/network/models.py).

Team events: no case row. Each fold is an upsert, so folding the same events in the
canonical order on any node gives the same rows; the latest verdict on a cluster stands
(its earlier ones stay in the log and the audit trail).
"""

from __future__ import annotations

import json

from sqlalchemy import delete

from app.log.events import EventRecord
from app.log.folding import FoldContext
from app.network import kinds
from app.network.models import (
    ClusterVerdict,
    Investigation,
    NetworkCaseAccount,
    NetworkNote,
    NetworkPin,
    RejectedEdge,
)
from app.review.kinds import CaseIngested


def saved(ctx: FoldContext, _case: object, rec: EventRecord) -> None:
    """An investigation saved (again): its title and parameters."""
    p = ctx.typed(kinds.InvestigationSaved)
    values = {
        "investigation": p.investigation,
        "title": p.title,
        "parameters": p.settings,
        "clearance": p.clearance,
        "saved_by": rec.actor,
        "saved_at": rec.created_at,
    }
    ctx.upsert(Investigation, ("investigation",), values)


def pinned(ctx: FoldContext, _case: object, rec: EventRecord) -> None:
    """A pin added or taken out."""
    p = ctx.typed(kinds.Pinned)
    key = ("investigation", "target", "target_id")
    if p.pinned:
        values = {
            "investigation": p.investigation,
            "target": p.target,
            "target_id": p.target_id,
            "pinned_by": rec.actor,
            "pinned_at": rec.created_at,
        }
        ctx.upsert(NetworkPin, key, values)
        return
    ctx.execute(
        delete(NetworkPin).where(
            NetworkPin.investigation == p.investigation,
            NetworkPin.target == p.target,
            NetworkPin.target_id == p.target_id,
        )
    )


def noted(ctx: FoldContext, _case: object, rec: EventRecord) -> None:
    """A note."""
    p = ctx.typed(kinds.Noted)
    values = {
        "event_id": rec.event_id,
        "investigation": p.investigation,
        "target": p.target,
        "target_id": p.target_id,
        "author": rec.actor,
        "text": p.text,
        "written_at": rec.created_at,
    }
    ctx.upsert(NetworkNote, ("event_id",), values)


def judged(ctx: FoldContext, _case: object, rec: EventRecord) -> None:
    """A cluster's verdict: the latest one stands."""
    p = ctx.typed(kinds.ClusterJudged)
    values = {
        "investigation": p.investigation,
        "cluster": p.cluster,
        "verdict": p.verdict,
        "rationale": p.rationale,
        "accounts": json.dumps(list(p.accounts)),
        "judged_by": rec.actor,
        "judged_at": rec.created_at,
        "event_id": rec.event_id,
    }
    ctx.upsert(ClusterVerdict, ("investigation", "cluster"), values)


def rejected(ctx: FoldContext, _case: object, rec: EventRecord) -> None:
    """An edge rejected as coincidence."""
    p = ctx.typed(kinds.EdgeRejected)
    values = {
        "investigation": p.investigation,
        "account_a": p.account_a,
        "account_b": p.account_b,
        "rationale": p.rationale,
        "rejected_by": rec.actor,
        "rejected_at": rec.created_at,
    }
    ctx.upsert(RejectedEdge, ("investigation", "account_a", "account_b"), values)


def case_account(ctx: FoldContext, _case: object, rec: EventRecord) -> None:
    """A case brought in with its posting account: remembered for verdicts on accounts."""
    p = ctx.typed(CaseIngested)
    if p.account_id and rec.case_id:
        values = {"case_id": rec.case_id, "account_id": p.account_id}
        ctx.upsert(NetworkCaseAccount, ("case_id",), values)
