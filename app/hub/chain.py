"""Audit of the hub's stored log: the global chain in server_seq order and every device chain."""

from __future__ import annotations

import json
from collections import defaultdict

from sqlalchemy import Connection, select

from app.hub.log import global_link
from app.hub.pull import WIRE_COLUMNS
from app.log.events import GENESIS_HASH, EventRecord, verify_chain
from db.hub.models import Event, HubHead


def verify_hub(conn: Connection) -> list[str]:
    """Every problem found in the stored log (an empty list when it is whole)."""
    problems: list[str] = []
    prev, expected = GENESIS_HASH, 1
    devices: dict[str, list[EventRecord]] = defaultdict(list)
    query = select(*WIRE_COLUMNS, Event.global_prev_hash, Event.global_hash)
    for row in conn.execute(query.order_by(Event.server_seq)):
        if row.server_seq != expected:
            problems.append(f"server_seq {row.server_seq} where {expected} was expected")
        if row.global_prev_hash != prev or row.global_hash != global_link(
            prev, row.server_seq, row.hash
        ):
            problems.append(f"global chain breaks at server_seq {row.server_seq}")
        prev, expected = row.global_hash, row.server_seq + 1
        wire = {**row._asdict(), "payload": json.loads(row.payload)}
        devices[row.device_id].append(EventRecord.from_wire(wire))
    head = conn.execute(select(HubHead.server_seq, HubHead.global_hash)).one()
    if (head.server_seq, head.global_hash) != (expected - 1, prev):
        problems.append("hub_head does not match the last event")
    for device_id, records in devices.items():
        broken = verify_chain(sorted(records, key=lambda r: r.device_seq))
        if broken is not None:
            problems.append(f"device {device_id}: {broken.reason} at {broken.device_seq}")
    return problems
