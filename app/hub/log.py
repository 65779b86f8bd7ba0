"""The global event log: server_seq assigned under a lock, and the hub's own hash chain.

Every ingest transaction first locks the single hub_head row (PostgreSQL: SELECT ... FOR
UPDATE; SQLite: the transaction already began with BEGIN IMMEDIATE, which serializes
writers). The lock is held until commit, so transactions commit in server_seq order and a
reader that sees server_seq N has already been able to see every smaller one: a pull
cursor never skips a row, even with several hub processes on one PostgreSQL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from app.hub.access import audience_of, subject_of
from app.log.events import GENESIS_HASH, EventRecord, canonical_json
from db.hub.engine import insert_ignoring_conflicts
from db.hub.models import Device, Event, HubHead


@dataclass(frozen=True)
class Scope:
    """Where an event belongs, for access filters: team, case category and clearance."""

    team: str
    category: str | None = None
    clearance: str | None = None


@dataclass
class Head:
    """The locked hub_head row: last server_seq, global chain head, the hub's device."""

    server_seq: int
    global_hash: str
    hub_device_id: str


@dataclass
class DeviceHead:
    """A device's chain head as stored; `known` is False for a device never seen."""

    device_id: str
    owner: str
    last_seq: int
    last_hash: str
    known: bool = True


def lock_head(conn: Connection) -> Head:
    """Lock hub_head until the transaction ends and return it (see module docstring)."""
    query = select(HubHead.server_seq, HubHead.global_hash, HubHead.hub_device_id)
    row = conn.execute(query.where(HubHead.id == 1).with_for_update()).one()
    return Head(row.server_seq, row.global_hash, row.hub_device_id)


def global_link(prev_hash: str, server_seq: int, event_hash: str) -> str:
    """The hub chain hash of the event at server_seq after prev_hash."""
    text = canonical_json([prev_hash, server_seq, event_hash])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_device(conn: Connection, device_id: str, owner: str) -> DeviceHead:
    """The device's chain head, or a fresh one owned by owner when the hub never saw it."""
    query = select(Device.owner, Device.last_seq, Device.last_hash)
    row = conn.execute(query.where(Device.device_id == device_id)).first()
    if row is None:
        return DeviceHead(device_id, owner, 0, GENESIS_HASH, known=False)
    return DeviceHead(device_id, row.owner, row.last_seq, row.last_hash)


def save_device(conn: Connection, device: DeviceHead) -> None:
    """Store the device's new chain head (insert on first sight)."""
    values = {"last_seq": device.last_seq, "last_hash": device.last_hash}
    if device.known:
        conn.execute(update(Device).where(Device.device_id == device.device_id).values(values))
    else:
        conn.execute(
            insert(Device).values(device_id=device.device_id, owner=device.owner, **values)
        )
        device.known = True


def append(
    conn: Connection,
    head: Head,
    records: Sequence[EventRecord],
    scopes: Sequence[Scope],
    now_ms: int,
) -> dict[str, int]:
    """Insert records after the locked head, extend the hub chain; event_id -> server_seq."""
    rows, acked = [], {}
    for record, scope in zip(records, scopes, strict=True):
        head.server_seq += 1
        link = global_link(head.global_hash, head.server_seq, record.hash)
        rows.append(_row(record, scope, head, link, now_ms))
        head.global_hash = link
        acked[record.event_id] = head.server_seq
    if rows:
        conn.execute(insert_ignoring_conflicts(Event, conn, "event_id"), rows)
        done = {"server_seq": head.server_seq, "global_hash": head.global_hash}
        conn.execute(update(HubHead).where(HubHead.id == 1).values(done))
    return acked


def _row(
    record: EventRecord, scope: Scope, head: Head, link: str, now_ms: int
) -> dict[str, object]:
    return {
        **record.chain_fields(),
        "payload": canonical_json(record.payload),
        "hash": record.hash,
        "server_seq": head.server_seq,
        "team": scope.team,
        "category": scope.category if record.case_id else subject_of(record.kind, record.payload),
        "clearance": scope.clearance,
        "audience": audience_of(record.kind, record.payload),
        "global_prev_hash": head.global_hash,
        "global_hash": link,
        "received_at": now_ms,
    }
