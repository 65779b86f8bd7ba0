"""POST /v1/events/push: check a device's batch, store it once, acknowledge server_seqs.

Checks that need no database run first (shape, authorship, role, hashes, links inside the
batch); the rest runs while holding the hub_head lock: device ownership, resends, the
link to the device's stored chain head, and case access. Any refusal stores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select

from app.hub.access import Principal
from app.hub.authority import check_authority
from app.hub.cases import record_cases, scope_events
from app.hub.errors import HubError
from app.hub.log import DeviceHead, append, load_device, lock_head, save_device
from app.hub.schemas import MAX_PUSH_EVENTS
from app.hub.settings import record_settings
from app.log.events import EventRecord, chain_hash
from app.log.fields import time_problem
from app.log.registry import PayloadError, PayloadTooLarge, UnknownKind, registry
from db.hub.engine import write_transaction
from db.hub.models import Event

# Column sizes of the events table: PostgreSQL would refuse longer values mid-transaction.
_FIELD_LIMITS = {
    "event_id": 64,
    "device_id": 64,
    "actor": 64,
    "case_id": 64,
    "seen_head": 64,
    "created_at": 40,
    "prev_hash": 64,
    "hash": 64,
}


@dataclass(frozen=True)
class Acknowledgement:
    """server_seq of every event of a batch, and the device's last stored device_seq."""

    acked: dict[str, int]
    last_device_seq: int
    last_hash: str = ""


def push(
    engine: Engine, user: Principal, device_id: str, wire: list[dict[str, Any]], now_ms: int
) -> Acknowledgement:
    """Store a batch exactly once (a resend is acknowledged again); see module docstring."""
    records = parse_batch(device_id, wire)
    check_authorship(user, records)
    with write_transaction(engine) as conn:
        head = lock_head(conn)
        device = load_device(conn, device_id, user.username)
        if device.owner != user.username:
            raise HubError(403, f"device {device_id} pushes for another user")
        acked, fresh = split_resent(conn, device, records)
        if fresh:
            check_link(device, fresh[0])
            scopes = scope_events(conn, user, fresh)
            check_authority(conn, user, fresh)
            acked.update(append(conn, head, fresh, scopes, now_ms))
            record_cases(conn, fresh, acked, user)
            record_settings(conn, user.team, fresh, acked)
            device.last_seq, device.last_hash = fresh[-1].device_seq, fresh[-1].hash
            save_device(conn, device)
    return Acknowledgement(acked, device.last_seq, device.last_hash)


def parse_batch(device_id: str, wire: list[dict[str, Any]]) -> list[EventRecord]:
    """Wire dicts as sealed, contiguous, linked records of device_id; 4xx otherwise."""
    if len(wire) > MAX_PUSH_EVENTS:
        raise HubError(413, f"at most {MAX_PUSH_EVENTS} events per push, got {len(wire)}")
    records = [_record(item, n) for n, item in enumerate(wire)]
    check_unique_ids(records)
    for prev, record in zip([None, *records], records, strict=False):
        if record.device_id != device_id:
            raise HubError(422, f"event {record.event_id} is not from device {device_id}")
        if chain_hash(record) != record.hash:
            raise HubError(422, f"event {record.event_id}: hash does not match content")
        if prev is not None and record.device_seq != prev.device_seq + 1:
            raise HubError(409, f"device_seq gap inside the batch at {record.device_seq}")
        if prev is not None and record.prev_hash != prev.hash:
            raise HubError(422, f"event {record.event_id}: prev_hash does not match")
    return records


def check_unique_ids(records: Sequence[EventRecord]) -> None:
    """422 when an event_id appears twice in one batch, before anything is numbered: the
    hub would store it once yet spend a server_seq and a chain link on each copy."""
    first: dict[str, int] = {}
    for n, record in enumerate(records):
        if record.event_id in first:
            raise HubError(
                422,
                f"events[{n}]: event_id {record.event_id} repeats events[{first[record.event_id]}]"
                ": an event_id appears once per push",
                field="event_id",
                rule="unique within a push",
                event_id=record.event_id,
            )
        first[record.event_id] = n


def _record(item: dict[str, Any], n: int) -> EventRecord:
    try:
        record = EventRecord.from_wire(item)
    except (KeyError, TypeError, ValueError) as exc:
        raise HubError(422, f"events[{n}] is malformed: {exc!r}") from exc
    if record.device_seq < 1:
        raise HubError(422, f"events[{n}]: device_seq must be >= 1")
    try:  # size first: nothing else reads a payload over its kind's limit
        registry().check_size(record.kind, record.payload)
    except UnknownKind:
        raise HubError(422, f"event {record.event_id}: unknown kind {record.kind!r}") from None
    except PayloadTooLarge as exc:
        raise HubError(
            413,
            f"event {record.event_id}: {exc}",
            field="payload",
            rule=exc.rule,
            event_id=record.event_id,
        ) from None
    for name, limit in _FIELD_LIMITS.items():
        value = getattr(record, name)
        if value is not None and not 0 < len(value) <= limit:
            raise HubError(
                422,
                f"events[{n}]: {name} must have 1..{limit} characters",
                field=name,
                rule=f"1..{limit} characters",
                event_id=record.event_id,
            )
    problem = time_problem(record.created_at)
    if problem is not None:  # folds read it: claim times, escalations, decision facts
        raise HubError(
            422,
            f"events[{n}]: created_at: {problem}",
            field="created_at",
            rule=problem,
            event_id=record.event_id,
        )
    return record


def check_authorship(user: Principal, records: Sequence[EventRecord]) -> None:
    """Every event is the caller's own and of a kind the caller's role may author."""
    for record in records:
        if record.actor != user.username:
            raise HubError(403, f"event {record.event_id}: actor is not the caller")
        check_payload(record)
        if not user.may_push_kind(record.kind):
            raise HubError(
                403, f"event {record.event_id}: a {user.role} may not push {record.kind}"
            )


def split_resent(
    conn: Connection, device: DeviceHead, records: list[EventRecord]
) -> tuple[dict[str, int], list[EventRecord]]:
    """Acks of events the hub already has, and the events still to store."""
    old = [r for r in records if r.device_seq <= device.last_seq]
    fresh = [r for r in records if r.device_seq > device.last_seq]
    acked = _stored_seqs(conn, device.device_id, old)
    if fresh:
        query = select(Event.event_id).where(Event.event_id.in_([r.event_id for r in fresh]))
        taken = conn.scalars(query).first()
        if taken is not None:
            raise HubError(409, f"event_id {taken} is already stored for another position")
    return acked, fresh


def _stored_seqs(conn: Connection, device_id: str, old: list[EventRecord]) -> dict[str, int]:
    if not old:
        return {}
    query = select(Event.device_seq, Event.event_id, Event.hash, Event.server_seq).where(
        Event.device_id == device_id,
        Event.device_seq.between(old[0].device_seq, old[-1].device_seq),
    )
    stored = {row.device_seq: row for row in conn.execute(query)}
    acked = {}
    for record in old:
        row = stored.get(record.device_seq)
        if row is None or row.event_id != record.event_id or row.hash != record.hash:
            raise HubError(409, f"device_seq {record.device_seq} already holds another event")
        acked[record.event_id] = row.server_seq
    return acked


def check_link(device: DeviceHead, first: EventRecord) -> None:
    """The first new event continues the device's stored chain: no gap, no fork."""
    expected = device.last_seq + 1
    if first.device_seq != expected:
        raise HubError(
            409,
            f"device_seq gap: expected {expected}, got {first.device_seq}",
            last_device_seq=device.last_seq,
        )
    if first.prev_hash != device.last_hash:
        raise HubError(422, f"event {first.event_id}: prev_hash does not match the device chain")


def check_payload(record: EventRecord) -> None:
    """The event's kind is declared and its payload matches the kind's typed payload (its
    size was checked first, in parse_batch): the checks a workstation makes before it
    writes an event."""
    try:
        registry().check(record.kind, record.case_id, record.payload)
    except UnknownKind:
        raise HubError(
            422,
            f"event {record.event_id}: unknown kind {record.kind!r}",
            field="kind",
            rule="no installed feature declares this event kind",
            event_id=record.event_id,
        ) from None
    except PayloadError as exc:
        raise HubError(
            422,
            f"event {record.event_id}: {exc}",
            field=exc.where,
            rule=exc.rule,
            event_id=record.event_id,
        ) from None
