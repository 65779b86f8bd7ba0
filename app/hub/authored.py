"""Events the hub itself writes on its own device chain (settings made through the API,
sign-in lockouts): one helper, so every such event is checked, chained and scoped alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from app.hub.context import iso_ms
from app.hub.log import Scope, append, load_device, lock_head, save_device
from app.log.events import EventRecord, seal, uuid7
from app.log.registry import registry

HUB_ACTOR = "@hub"


def write_event(
    conn: Connection,
    *,
    actor: str,
    kind: str,
    payload: dict[str, Any],
    team: str,
    now_ms: int,
    case: tuple[str, Scope] | None = None,
) -> tuple[EventRecord, int]:
    """Append one event authored by actor on the hub device: a team event, or one on
    `case` (its id and scope); the record and its server_seq. Holds the hub_head lock
    until the transaction ends."""
    case_id, scope = case if case is not None else (None, Scope(team))
    registry().check(kind, case_id, payload)
    head = lock_head(conn)
    device = load_device(conn, head.hub_device_id, HUB_ACTOR)
    record = seal(
        EventRecord(
            event_id=uuid7(),
            device_id=device.device_id,
            device_seq=device.last_seq + 1,
            actor=actor,
            kind=kind,
            case_id=case_id,
            payload=payload,
            seen_head=None,
            created_at=iso_ms(now_ms),
            prev_hash=device.last_hash,
        )
    )
    acked = append(conn, head, [record], [scope], now_ms)
    device.last_seq, device.last_hash = record.device_seq, record.hash
    save_device(conn, device)
    return record, acked[record.event_id]
