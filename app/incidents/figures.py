"""An incident's figures: the live counters and the post-mortem's impact figures.

- matched: cases linked to the incident; decided: those decided or closed; open: the rest
  still waiting; spread per hour: linked cases by the hour they were reported.
- reach proxy: the report counts of the linked cases, summed.
- time to first action: from the declaration to the first decision on a linked case.
- time to containment: from the declaration to the decision that left no linked case
  open (None while one is open).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.log.clock import parse_iso
from db.models import Case, Decision

from .models import Incident, IncidentCase

SETTLED = ("decided", "closed")


@dataclass(frozen=True)
class Counters:
    """The live counters of an incident."""

    matched: int
    decided: int
    open: int
    per_hour: list[tuple[str, int]]  # (hour "2026-01-05T09", linked cases reported then)

    @property
    def last_hour(self) -> int:
        """Linked cases reported in the latest hour with any."""
        return self.per_hour[-1][1] if self.per_hour else 0


@dataclass(frozen=True)
class Impact:
    """The post-mortem's impact figures."""

    items: int  # linked cases
    media: int  # their media items
    reach: int  # reach proxy: report counts summed
    first_action_seconds: float | None
    containment_seconds: float | None
    by_via: dict[str, int]


def counters(session: Session, incident_id: str) -> Counters:
    """Matched, decided, open and the spread per hour."""
    rows = session.execute(
        select(Case.status, Case.reported_at)
        .join(IncidentCase, IncidentCase.case_id == Case.case_id)
        .where(IncidentCase.incident_id == incident_id)
    ).all()
    decided = sum(1 for r in rows if r.status in SETTLED)
    hours: dict[str, int] = {}
    for r in rows:
        hour = r.reported_at[:13]
        hours[hour] = hours.get(hour, 0) + 1
    return Counters(len(rows), decided, len(rows) - decided, sorted(hours.items()))


def impact(session: Session, incident_id: str) -> Impact:
    """Items, reach proxy, time to first action and time to containment."""
    incident = session.get_one(Incident, incident_id)
    start = parse_iso(incident.declared_at)
    cases = session.execute(
        select(Case.case_id, Case.status, Case.report_count, Case.media_count, IncidentCase.via)
        .join(IncidentCase, IncidentCase.case_id == Case.case_id)
        .where(IncidentCase.incident_id == incident_id)
    ).all()
    firsts = dict(
        session.execute(
            select(Decision.case_id, func.min(Decision.decided_at))
            .join(IncidentCase, IncidentCase.case_id == Decision.case_id)
            .where(IncidentCase.incident_id == incident_id)
            .group_by(Decision.case_id)
        ).all()
    )
    by_via: dict[str, int] = {}
    for c in cases:
        by_via[c.via] = by_via.get(c.via, 0) + 1
    first = min(firsts.values(), default=None)
    all_settled = bool(cases) and all(c.status in SETTLED for c in cases)
    last = max(firsts.values(), default=None) if all_settled else None
    return Impact(
        items=len(cases),
        media=sum(c.media_count for c in cases),
        reach=sum(c.report_count for c in cases),
        first_action_seconds=_since(start, first),
        containment_seconds=_since(start, last),
        by_via=by_via,
    )


def _since(start: datetime, moment: str | None) -> float | None:
    if moment is None:
        return None
    return max(0.0, (parse_iso(moment) - start).total_seconds())


def duration(seconds: float | None) -> str:
    """A duration for people: '1 h 05 min', '12 min 30 s', or 'not yet'."""
    if seconds is None:
        return "not yet"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"
