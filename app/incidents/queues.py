"""Each open incident's own surge queue: named after the incident, with its SLA.

A case linked to an incident moves to the incident's queue, `incident-<incident id>`
(shown as "incident-<first 8>: <title>"); the link carries the incident's SLA (its
severity's `sla_minutes` in resources/incidents) as the case's deadline. The queue is
not a file in resources/queues: the desk asks this module for it (the feature's `queues`
hook, app/log/registry.py) while the incident is open, so it appears in queue lists, in
claim-next and in the dashboard, and leaves them once the incident is resolved.

Who works it (the same rule as who sees the incident, app/incidents/access.py): analysts
and leads holding the incident's clearance, and moderators holding that clearance whom
the incident names in a role (the commander staffs the surge by giving them one,
usually "analyst"). A child-safety incident's queue is for the cleared only.

An escalated case is linked but stays in its escalation queue. When the incident is
resolved, its cases still open go back to the queue they came from
(`incident.case_returned`, one event per case written with the resolution, so every
workstation that sees the case moves it the same way), keeping the deadline they had.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.people import Reviewer, Role
from app.domain.policies import load_policies
from app.domain.queues import Queue, bundled_queues
from app.incidents import access
from app.incidents import kinds as k
from app.incidents.models import Incident, IncidentCase
from app.incidents.severity import SeveritySet, bundled_severities
from app.log.paths import resources_dir
from app.log.registry import decoded
from db.models import Case, Event

PREFIX = "incident-"
# The shared queue of the first version: its links are read as the incident's own queue.
LEGACY_QUEUE = "incident-surge"
# Open case statuses a link applies to (a settled case is only linked).
MOVABLE = ("new", "leased", "escalated")
# Those a link moves into the incident's queue: an escalated case stays in its
# escalation queue (with analysts, out of moderators' lists), linked all the same.
QUEUED = ("new", "leased")
ORDER = 1  # before the queue files' queues: an incident's cases are the urgent ones


def queue_id(incident_id: str) -> str:
    """The queue id an incident's cases sit in (the whole incident id: unique)."""
    return f"{PREFIX}{incident_id}"


def queue_name(incident_id: str, title: str) -> str:
    """How the queue is listed: `incident-<first 8>: <title>`."""
    return f"{PREFIX}{incident_id[:8]}: {title}"


def is_incident_queue(queue: str | None) -> bool:
    """Whether a case's queue is an incident's own."""
    return bool(queue) and str(queue).startswith(PREFIX)


@cache
def _severities() -> SeveritySet:
    return bundled_severities()


def incident_queue(row: Incident, policies: Any, severities: SeveritySet | None = None) -> Queue:
    """The open incident's queue as the desk lists it."""
    level = (severities or _severities())[row.severity]
    levels = sorted({n for p in policies for n in p.severity_labels} | {1, 2, 3, 4})
    graphic = row.category in policies and bool(policies[row.category].graphic)
    return Queue(
        id=queue_id(row.incident_id),
        name=queue_name(row.incident_id, row.title),
        description=(
            f"Cases incident {row.incident_id[:8]} pulled in (its seeds or terms matched): "
            f"{level.name}, each due within {level.sla_minutes} min of being linked."
        ),
        order=ORDER,
        routes=(),
        roles=frozenset(Role),
        clearances=frozenset({row.clearance}) if row.clearance else frozenset(),
        escalation=False,
        sla_minutes={n: level.sla_minutes for n in levels},
        graphic=graphic,
    )


def opened_queues(session: Session, reviewer: Reviewer, desk: Any) -> list[Queue]:
    """The feature's `queues` hook: the queues of the open incidents this person works."""
    rows = session.scalars(select(Incident).where(Incident.status == "open")).all()
    member = access.member_of(session, reviewer)
    return [
        incident_queue(row, desk.policies)
        for row in rows
        if access.sees(reviewer, row.clearance, row.incident_id in member)
    ]


@cache
def _routing() -> Any:
    policies = load_policies(resources_dir() / "policies")
    return bundled_queues(policies)


def homes(session: Session, incident_id: str) -> list[tuple[str, str]]:
    """(case, the queue it came from) for each case still open in the incident's queue:
    the link's `from_queue`, or for a link that names none (made before links did) the
    queue the case's category and severity route to."""
    rows = session.execute(
        select(Case.case_id, Case.category, Case.severity, Event.payload)
        .join(IncidentCase, IncidentCase.case_id == Case.case_id)
        .join(Event, Event.event_id == IncidentCase.event_id)
        .where(
            IncidentCase.incident_id == incident_id,
            Case.queue.in_([queue_id(incident_id), LEGACY_QUEUE]),
            Case.status.in_(MOVABLE),
        )
        .order_by(Case.case_no)
    ).all()
    out = []
    for case_id, category, severity, payload in rows:
        link = decoded(k.CASE_LINKED, json.loads(payload), k.CaseLinked)
        home = link.from_queue if link is not None else None
        if not home:
            home = _routing().route(category, severity).id
        out.append((case_id, home))
    return out
