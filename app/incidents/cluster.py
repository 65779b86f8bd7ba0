"""One decision for an incident's cluster, through the existing decide-once path.

The analyst decides one linked case (the one they looked at, through the filtered
viewer); `decide_cluster` then applies that decision to every other open case linked to
the incident that is a near-duplicate of it (app/dupes/cluster.py): each member gets its
own `decision.recorded` with `applied_from`, and exposure counted once, in the decision
that was looked at.
"""

from __future__ import annotations

from sqlalchemy import select

from app.incidents.models import IncidentCase
from app.log.events import EventRecord
from app.review.reviewdesk import ReviewDesk
from db.models import Decision


def decide_cluster(desk: ReviewDesk, incident_id: str, source_event_id: str) -> list[EventRecord]:
    """Apply our decision `source_event_id` to the incident's applicable near-duplicates
    of its case; returns the new decisions (none when nothing is left to apply)."""
    with desk.core.store.read() as session:
        source = session.get(Decision, source_event_id)
        if source is None:
            raise KeyError(f"no decision {source_event_id}")
        linked = set(
            session.scalars(
                select(IncidentCase.case_id).where(IncidentCase.incident_id == incident_id)
            )
        )
    members = [
        m.case_id
        for m in desk.near_duplicates(source.case_id, source.action)
        if m.applicable and m.case_id in linked
    ]
    if not members:
        return []
    return desk.apply_to_cluster(source_event_id, members)
