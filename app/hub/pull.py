"""GET /v1/events/pull: the events after a cursor that the caller may see.

The returned cursor is where the caller's next pull starts. When a page is not full, the
hub has shown everything visible up to its head, so the cursor moves to the head even if
the last events there were invisible to the caller (another team's, say); that keeps an
idle pull one index probe however large the log is. The head is read before the events,
so every event at or below it had committed when the events query looked (see log.py).
When a user's team or clearances change, their workstation should pull again from 0.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import ColumnElement, Engine, and_, or_, select
from sqlalchemy.orm import aliased

from app.domain.people import cleared_sql
from app.hub.access import Principal
from app.hub.errors import HubError
from app.hub.schemas import MAX_PULL_LIMIT
from db.hub.engine import read_transaction
from db.hub.models import Event, HubHead

WIRE_COLUMNS = (
    Event.event_id,
    Event.device_id,
    Event.device_seq,
    Event.actor,
    Event.kind,
    Event.case_id,
    Event.payload,
    Event.seen_head,
    Event.created_at,
    Event.prev_hash,
    Event.hash,
    Event.server_seq,
)


def visible_events(user: Principal) -> ColumnElement[bool]:
    """SQL condition: the events row is one user may receive (see app/hub/access.py)."""
    cleared = cleared_sql(Event.clearance, user.clearances)
    condition = and_(Event.team == user.team, cleared)
    hidden = user.others_hidden_kinds()
    if hidden:
        allowed = [
            Event.kind.not_in(sorted(hidden)),
            Event.actor == user.username,
            Event.audience == user.username,
        ]
        members = user.member_kinds()
        if members:
            allowed.append(
                and_(Event.kind.in_(sorted(members)), Event.category.in_(_addressed(user)))
            )
        condition = and_(condition, or_(*allowed))
    return condition


def _addressed(user: Principal) -> Any:
    """The subjects of the events naming no case that were addressed to the user (the
    incidents naming them in a role): a seek on ix_events_audience_category."""
    mine = aliased(Event)
    return select(mine.category).where(
        mine.audience == user.username,
        mine.category.is_not(None),
        mine.case_id.is_(None),
        mine.team == user.team,
    )


def pull(
    engine: Engine, user: Principal, cursor: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """Wire dicts (with server_seq) after cursor, at most limit, and the next cursor."""
    if cursor < 0 or not 1 <= limit <= MAX_PULL_LIMIT:
        raise HubError(422, f"cursor must be >= 0 and limit in 1..{MAX_PULL_LIMIT}")
    query = (
        select(*WIRE_COLUMNS)
        .where(Event.server_seq > cursor, visible_events(user))
        .order_by(Event.server_seq)
        .limit(limit)
    )
    with read_transaction(engine) as conn:
        head = conn.scalar(select(HubHead.server_seq).where(HubHead.id == 1)) or 0
        rows = conn.execute(query).all()
    events = [_wire(row) for row in rows]
    last = rows[-1].server_seq if rows else cursor
    return events, last if len(rows) == limit else max(cursor, head, last)


def _wire(row: Any) -> dict[str, Any]:
    wire = row._asdict()
    wire["payload"] = json.loads(wire["payload"])
    return wire
