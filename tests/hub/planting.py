"""Plant an event straight into a hub's database, past every check of the push route.

This is what an older hub (one that checked less) or a bug would have stored: an event
correctly sealed on its device's chain and linked into the hub's global chain, so the hub
audit (app/hub/chain.py) passes and every workstation pulls it, whatever its payload says.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Engine, select

from app.hub.access import Principal
from app.hub.cases import record_cases
from app.hub.log import Scope, append, load_device, lock_head, save_device
from app.log.events import EventRecord, seal, uuid7
from db.hub.engine import write_transaction
from db.hub.models import Case

TIME = "2026-01-05T10:00:00.000Z"


def plant(
    engine: Engine,
    *,
    actor: str,
    team: str,
    kind: str,
    case_id: str | None,
    payload: dict[str, Any],
    created_at: str = TIME,
    device_id: str | None = None,
) -> EventRecord:
    """Store one event of actor's (on device_id's chain, or a new device's) as the hub
    would store a push it accepted; returns it with its server_seq."""
    device_id = device_id or f"planted-{uuid.uuid4().hex[:12]}"
    with write_transaction(engine) as conn:
        head = lock_head(conn)
        device = load_device(conn, device_id, actor)
        record = seal(
            EventRecord(
                event_id=uuid7(),
                device_id=device_id,
                device_seq=device.last_seq + 1,
                actor=actor,
                kind=kind,
                case_id=case_id,
                payload=payload,
                seen_head=None,
                created_at=created_at,
                prev_hash=device.last_hash,
            )
        )
        scope = Scope(team)
        if case_id is not None:
            found = conn.execute(
                select(Case.team, Case.category, Case.clearance).where(Case.case_id == case_id)
            ).first()
            if found is not None:
                scope = Scope(found.team, found.category, found.clearance)
        acked = append(conn, head, [record], [scope], 0)
        if kind != "case.ingested":
            author = Principal(actor, team, "lead", frozenset())
            record_cases(conn, [record], acked, author)
        device.last_seq, device.last_hash = record.device_seq, record.hash
        save_device(conn, device)
    fields = {**record.chain_fields(), "hash": record.hash}
    return EventRecord(**fields, server_seq=acked[record.event_id])
