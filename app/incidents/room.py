"""What the incident room shows, read in one snapshot (for the widgets and the CLI): the
incidents a person may see, one incident's state with its counters and roles, when its
next status update is due, and a person's own roles across open incidents."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.people import Reviewer
from app.incidents import access
from app.incidents import kinds as k
from app.incidents.figures import Counters, counters
from app.incidents.models import Incident, IncidentEntry, IncidentRole
from app.incidents.severity import SeverityLevel, SeveritySet
from app.log.clock import parse_iso


@dataclass(frozen=True)
class IncidentLine:
    """One incident in the list."""

    incident_id: str
    title: str
    severity: int
    status: str
    declared_at: str
    commander: str


@dataclass(frozen=True)
class IncidentState:
    """One incident as the room shows it."""

    incident_id: str
    title: str
    category: str
    regions: list[str]
    clearance: str | None
    status: str
    level: SeverityLevel
    commander: str
    declared_at: str
    resolved_at: str | None
    terms: list[str]
    roles: list[tuple[str, str, str | None]]
    counters: Counters
    last_update_at: str | None
    update_due_at: datetime | None  # None once resolved

    def update_due_in(self, now: datetime) -> timedelta | None:
        """Time left until the next status update is due (negative: overdue)."""
        return None if self.update_due_at is None else self.update_due_at - now


def incidents(session: Session, reviewer: Reviewer, everything: bool = True) -> list[IncidentLine]:
    """The incidents this person sees (app/incidents/access.py `sees`: a moderator only
    those naming them in a role), open ones first, newest first."""
    query = select(Incident).order_by(Incident.status, Incident.declared_at.desc())
    if not everything:
        query = query.where(Incident.status == "open")
    member = access.member_of(session, reviewer)
    return [
        IncidentLine(r.incident_id, r.title, r.severity, r.status, r.declared_at, r.commander)
        for r in session.scalars(query)
        if access.sees(reviewer, r.clearance, r.incident_id in member)
    ]


def state(
    session: Session, reviewer: Reviewer, incident_id: str, severities: SeveritySet
) -> IncidentState | None:
    """One incident's state (None when missing or not for this person)."""
    row = session.get(Incident, incident_id)
    named = incident_id in access.member_of(session, reviewer)
    if row is None or not access.sees(reviewer, row.clearance, named):
        return None
    level = severities[row.severity]
    roles = [
        (r.person, r.role, r.area)
        for r in session.scalars(
            select(IncidentRole)
            .where(IncidentRole.incident_id == incident_id, IncidentRole.active)
            .order_by(IncidentRole.role, IncidentRole.person)
        )
    ]
    last = session.scalar(
        select(func.max(IncidentEntry.at)).where(
            IncidentEntry.incident_id == incident_id, IncidentEntry.kind == k.STATUS_UPDATE
        )
    )
    due = None
    if row.status == "open":
        due = parse_iso(last or row.declared_at) + timedelta(minutes=level.update_minutes)
    return IncidentState(
        incident_id=row.incident_id,
        title=row.title,
        category=row.category,
        regions=list(json.loads(row.regions)),
        clearance=row.clearance,
        status=row.status,
        level=level,
        commander=row.commander,
        declared_at=row.declared_at,
        resolved_at=row.resolved_at,
        terms=list(json.loads(row.terms)),
        roles=roles,
        counters=counters(session, incident_id),
        last_update_at=last,
        update_due_at=due,
    )


def my_roles(session: Session, reviewer: Reviewer) -> list[tuple[str, str, int, str]]:
    """This person's roles on open incidents: (role, title, severity, incident_id)."""
    rows = session.execute(
        select(
            IncidentRole.role,
            Incident.title,
            Incident.severity,
            Incident.incident_id,
            Incident.clearance,
        )
        .join(Incident, Incident.incident_id == IncidentRole.incident_id)
        .where(
            IncidentRole.person == reviewer.username,
            IncidentRole.active,
            Incident.status == "open",
        )
        .order_by(Incident.severity, Incident.declared_at)
    ).all()
    return [
        (r.role, r.title, r.severity, r.incident_id)
        for r in rows
        if access.may_see(reviewer, r.clearance)
    ]


def template(level: SeverityLevel) -> tuple[str, str, str]:
    """Prompts for a status update in the Conditions / Actions / Needs template."""
    return (
        "What is happening now: scale, spread, who is affected.",
        "What the team has done and is doing (surge queue, seeds, partners contacted).",
        f"What the team needs, and from whom (this SEV tells: {', '.join(level.notify)}).",
    )
