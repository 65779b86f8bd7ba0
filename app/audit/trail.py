"""The audit trail: every event, filterable by person, case, kind and date, newest first.

Leads see everything. Analysts see the events of cases they have worked (any event of
theirs on the case), without the lead-only QA, gold and calibration events and without
other people's exposure events. Moderators have no audit view.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, true

from app.domain.case_refs import UnknownCase, case_ref
from app.domain.kinds import EventKind
from app.domain.people import Reviewer, Role
from app.domain.words import Words
from app.log.events import EventRecord
from app.log.folding import record_of
from app.log.registry import PayloadError, registry
from app.log.store import LocalStore
from app.review.reviewdesk import AccessDenied
from db.models import Case, Event

MAX_ROWS = 500_000
K = EventKind


class _AsStored:
    """Ids as stored: the What column of a trail read without the team's words."""

    def policy(self, identifier: str | None) -> str:
        return identifier or ""

    def action(self, identifier: str | None, _policy: str | None = None) -> str:
        return identifier or ""

    queue = person = policy


_AS_STORED: Words | _AsStored = _AsStored()
LEAD_ONLY_PREFIXES = ("qa.", "gold.", "calibration.")
PERSONAL_KINDS = (str(K.MEDIA_VIEWED), str(K.MEDIA_REVEALED))


@dataclass(frozen=True)
class TrailFilter:
    """What to show; None means any. Dates are ISO strings, end exclusive; case_id also
    takes a case number (#1042 or 1042)."""

    actor: str | None = None
    case_id: str | None = None
    kind: str | None = None
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class TrailRow:
    """One event as a row of the audit view."""

    local_id: int
    event_id: str
    created_at: str
    actor: str
    kind: str
    case_id: str | None
    case_title: str
    summary: str
    case_no: int | None = None


class AuditTrail:
    """Queries over the event log for one person's audit view."""

    def __init__(self, store: LocalStore, person: Reviewer, words: Words | None = None) -> None:
        if not person.at_least(Role.ANALYST):
            raise AccessDenied("the audit trail is for analysts and leads")
        self._store = store
        self.person = person
        self.words = words  # the team's words for the What column; None: ids as stored

    def ids(self, f: TrailFilter) -> array[int]:
        """Local ids of the matching events, newest first (at most MAX_ROWS)."""
        query = (
            select(Event.id)
            .where(self._visible(), *_conditions(f))
            .order_by(Event.id.desc())
            .limit(MAX_ROWS)
        )
        with self._store.read() as session:
            return array("q", session.scalars(query))

    def rows(self, local_ids: Sequence[int]) -> dict[int, TrailRow]:
        """Rows for these ids (missing or hidden ones are absent)."""
        query = (
            select(Event, Case.title, Case.case_no)
            .outerjoin(Case, Case.case_id == Event.case_id)
            .where(Event.id.in_(list(local_ids)), self._visible())
        )
        with self._store.read() as session:
            found = session.execute(query)
            return {ev.id: _row(ev, title, no, self.words) for ev, title, no in found}

    def case_id_of(self, case_no: int) -> str | None:
        """The case id behind a case number people read (`#1042`), if this store has it."""
        with self._store.read() as session:
            return session.scalar(select(Case.case_id).where(Case.case_no == case_no))

    def record(self, local_id: int) -> EventRecord:
        """The whole event, chain fields included; KeyError when absent or hidden."""
        query = select(Event).where(Event.id == local_id, self._visible())
        with self._store.read() as session:
            row = session.scalars(query).first()
            if row is None:
                raise KeyError(f"no event {local_id}")
            return record_of(row)

    def actors(self) -> list[str]:
        """People who appear in the visible log (for the person filter)."""
        query = select(Event.actor).where(self._visible()).distinct().order_by(Event.actor)
        with self._store.read() as session:
            return list(session.scalars(query))

    def kinds(self) -> list[str]:
        """Event kinds this person may filter by."""
        kinds = [str(k) for k in EventKind]
        if self._is_lead():
            return kinds
        return [k for k in kinds if not k.startswith(LEAD_ONLY_PREFIXES)]

    def _is_lead(self) -> bool:
        return self.person.at_least(Role.LEAD)

    def _visible(self) -> ColumnElement[bool]:
        if self._is_lead():
            return true()
        me = self.person.username
        worked = select(Event.case_id).where(Event.actor == me, Event.case_id.is_not(None))
        lead_only = or_(*(Event.kind.startswith(p) for p in LEAD_ONLY_PREFIXES))
        others_exposure = and_(Event.kind.in_(PERSONAL_KINDS), Event.actor != me)
        return and_(Event.case_id.in_(worked), ~lead_only, ~others_exposure)


def _case_condition(text: str) -> ColumnElement[bool]:
    """The case filter: #1042 and 1042 match the case number, anything else the case id
    (a malformed reference matches nothing rather than failing the whole view)."""
    try:
        ref = case_ref(text)
    except UnknownCase:
        return Event.case_id == text.strip()
    if isinstance(ref, int):
        return Event.case_id == select(Case.case_id).where(Case.case_no == ref).scalar_subquery()
    return Event.case_id == ref


def _conditions(f: TrailFilter) -> list[ColumnElement[bool]]:
    conditions = []
    if f.actor:
        conditions.append(Event.actor == f.actor)
    if f.case_id:
        conditions.append(_case_condition(f.case_id))
    if f.kind:
        conditions.append(Event.kind == f.kind)
    if f.start:
        conditions.append(Event.created_at >= f.start)
    if f.end:
        conditions.append(Event.created_at < f.end)
    return conditions


def _row(ev: Event, title: str | None, case_no: int | None, words: Words | None) -> TrailRow:
    return TrailRow(
        ev.id,
        ev.event_id,
        ev.created_at,
        ev.actor,
        ev.kind,
        ev.case_id,
        title or "",
        summarise(ev.kind, json.loads(ev.payload), words),
        case_no,
    )


def summarise(kind: str, payload: Mapping[str, Any], words: Words | None = None) -> str:
    """A one-line description of an event's payload for the trail's list.

    Read from the kind's typed payload, in the team's words when given (policy, action,
    queue and people names); an undeclared kind, a payload that does not decode and a
    kind with no line of its own show their stored fields.
    """
    try:
        p: Any = registry().decode(kind, payload)
    except PayloadError:
        return _fields(payload)
    w: Words | _AsStored = words or _AS_STORED
    match kind:
        case K.CASE_INGESTED:
            return f"{w.policy(p.category)} severity {p.severity} into {w.queue(p.queue)}"
        case K.CASE_LEASED:
            return f"leased to {w.person(p.holder)} until {(p.expires_at or '')[:16]}"
        case K.DECISION_RECORDED:
            return f"decided {w.action(p.action, p.category)} under {w.policy(p.category)}"
        case K.CASE_ESCALATED:
            return f"escalated: {p.reason}"
        case K.MEDIA_REVEALED if p.mode == "listen":
            return f"listened to the sound for {p.seconds} s ({', '.join(p.filters_on) or 'clear'})"
        case K.MEDIA_REVEALED:
            return f"revealed {p.seconds} s over {p.area_share:.0%} of the picture ({p.mode})"
        case K.MEDIA_VIEWED:
            return f"viewed {p.seconds} s, filtered ({p.pipeline})"
        case K.QA_ASSIGNED:
            return f"drawn for QA ({p.reason.replace('_', ' ')})"
        case K.QA_REVIEW:
            return f"blind call: {w.action(p.action, p.policy)} under {w.policy(p.policy)}"
        case K.QA_VERDICT:
            if p.verdict == "agree":
                return str(p.verdict)
            return f"{p.verdict}: should be {w.action(p.action, p.policy)}"
        case K.GOLD_MARKED:
            return f"marked gold: {w.action(p.action)}"
        case _:
            return _fields(payload)


def _fields(payload: Mapping[str, Any]) -> str:
    # The stored fields as written (the generic line: any kind, any payload).
    return ", ".join(
        f"{k}={v}" for k, v in sorted(payload.items()) if not isinstance(v, dict | list)
    )[:160]
