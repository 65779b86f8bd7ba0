"""A lead's view of incidents over time: how many by month, category and severity, time
to containment, and recurring seeds (an incident whose seed media lies within the
near-duplicate distance of an earlier incident's seed)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.people import Reviewer
from app.dupes.phash import NEAR_DUPLICATE_DISTANCE, to_unsigned
from app.incidents import access
from app.incidents.figures import duration, impact
from app.incidents.models import Incident, IncidentSeed


@dataclass(frozen=True)
class Recurrence:
    """A later incident whose seed matches an earlier incident's."""

    later: str
    later_title: str
    earlier: str
    earlier_title: str
    distance: int


@dataclass(frozen=True)
class Trends:
    """Incidents over time, for a lead."""

    by_month: dict[str, int]  # "2026-01" -> incidents declared
    by_category: dict[str, int]
    by_severity: dict[int, int]
    containment_median_seconds: float | None
    contained: int
    recurring: list[Recurrence]


def trends(session: Session, reviewer: Reviewer) -> Trends:
    """The trends over every incident this person may see."""
    rows = [
        r
        for r in session.scalars(select(Incident).order_by(Incident.declared_at))
        if access.may_see(reviewer, r.clearance)
    ]
    by_month: dict[str, int] = {}
    by_category: dict[str, int] = {}
    by_severity: dict[int, int] = {}
    times = []
    for r in rows:
        by_month[r.declared_at[:7]] = by_month.get(r.declared_at[:7], 0) + 1
        by_category[r.category] = by_category.get(r.category, 0) + 1
        by_severity[r.severity] = by_severity.get(r.severity, 0) + 1
        seconds = impact(session, r.incident_id).containment_seconds
        if seconds is not None:
            times.append(seconds)
    return Trends(
        by_month=by_month,
        by_category=by_category,
        by_severity=dict(sorted(by_severity.items())),
        containment_median_seconds=statistics.median(times) if times else None,
        contained=len(times),
        recurring=_recurring(session, rows),
    )


def _recurring(session: Session, rows: list[Incident]) -> list[Recurrence]:
    order = {r.incident_id: n for n, r in enumerate(rows)}
    titles = {r.incident_id: r.title for r in rows}
    seeds = [
        (incident_id, to_unsigned(value))
        for incident_id, value in session.execute(
            select(IncidentSeed.incident_id, IncidentSeed.phash).where(
                IncidentSeed.incident_id.in_(list(order))
            )
        )
    ]
    if not seeds:
        return []
    owners = [order[i] for i, _ in seeds]
    values = np.array([v for _, v in seeds], dtype=np.uint64)
    best: dict[tuple[int, int], int] = {}
    for incident_id, value in seeds:
        distances = np.bitwise_count(np.bitwise_xor(values, np.uint64(value)))
        for m in np.flatnonzero(distances <= NEAR_DUPLICATE_DISTANCE).tolist():
            later, earlier = order[incident_id], owners[m]
            if earlier < later:
                key = (later, earlier)
                best[key] = min(best.get(key, 64), int(distances[m]))
    ids = [r.incident_id for r in rows]
    return [
        Recurrence(ids[later], titles[ids[later]], ids[earlier], titles[ids[earlier]], d)
        for (later, earlier), d in sorted(best.items())
    ]


def lines(t: Trends) -> list[str]:
    """The trends in words (the CLI and the room)."""
    out = [
        "Incidents by month: " + (", ".join(f"{m} {n}" for m, n in t.by_month.items()) or "none")
    ]
    out.append(
        "By category: "
        + (", ".join(f"{c} {n}" for c, n in sorted(t.by_category.items())) or "none")
    )
    out.append(
        "By severity: " + (", ".join(f"SEV {s} {n}" for s, n in t.by_severity.items()) or "none")
    )
    out.append(
        f"Time to containment (median of {t.contained}): {duration(t.containment_median_seconds)}"
    )
    out += [
        f"Recurring: {r.later_title!r} matches the seed of {r.earlier_title!r} ({r.distance} bits)"
        for r in t.recurring
    ] or ["Recurring seeds: none"]
    return out
