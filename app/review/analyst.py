"""The analyst's workspace: case history, investigation notes, related cases, outcomes.

Notes and links are events like everything else (`note.added`, `cases.linked`); the
history is the case's event log in words (app/review/timeline.py). Moderators see how their
escalations ended through `my_escalations`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from app.domain.kinds import EventKind
from app.domain.people import Role
from app.domain.queues import QueueSet
from app.log.events import EventRecord
from app.review.desk import DeskCore, escalation_info
from app.review.timeline import TimelineEntry, timeline
from app.review.types import AccessDenied, EscalationInfo, FormError
from db.models import Case, CaseLink, CaseNote, Escalation

MAX_NOTE = 4000


@dataclass(frozen=True)
class Note:
    """An investigation note."""

    event_id: str
    actor: str
    body: str
    created_at: str


@dataclass(frozen=True)
class Link:
    """A related case, seen from the case it is shown on."""

    case_id: str
    case_no: int | None
    title: str
    status: str
    reason: str
    actor: str


@dataclass(frozen=True)
class MyEscalation:
    """One of my escalations and where it stands."""

    case_id: str
    case_no: int
    title: str
    status: str
    info: EscalationInfo


class AnalystCommands:
    """History, notes, links and escalation outcomes."""

    def __init__(self, core: DeskCore) -> None:
        self.core = core
        self.store = core.store
        self.reviewer = core.reviewer
        self.policies = core.policies

    @property
    def queues(self) -> QueueSet:
        """The desk's queues now (those features opened included)."""
        return self.core.queues

    def history(self, case_id: str) -> list[TimelineEntry]:
        """Every event of the case in words (analysts and leads)."""
        if not self.reviewer.at_least(Role.ANALYST):
            raise AccessDenied("the full case history is for analysts and leads")
        with self.store.read() as session:
            self.core.visible_case(session, case_id)
        return timeline(self.store.events(case_id), self.policies)

    def add_note(self, case_id: str, text: str) -> EventRecord:
        """Add an investigation note to the case."""
        body = text.strip()
        if not body:
            raise FormError({"note": "write something first"})
        if len(body) > MAX_NOTE:
            raise FormError({"note": f"at most {MAX_NOTE} characters"})
        with self.core.write() as session:
            case = self.core.visible_case(session, case_id)
            return self.core.append(session, case, EventKind.NOTE_ADDED, {"text": body})

    def notes(self, case_id: str) -> list[Note]:
        """The case's notes, oldest first."""
        with self.store.read() as session:
            self.core.visible_case(session, case_id)
            rows = session.scalars(
                select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.created_at)
            )
            return [Note(r.event_id, r.actor, r.body, r.created_at) for r in rows]

    def link_cases(self, case_id: str, other_case_no: int, reason: str) -> EventRecord:
        """Record that another case (by its number) is related to this one."""
        with self.core.write() as session:
            case = self.core.visible_case(session, case_id)
            other = session.scalar(select(Case).where(Case.case_no == other_case_no))
            if other is None:
                raise FormError({"link": f"there is no case #{other_case_no}"})
            if other.case_id == case_id:
                raise FormError({"link": "a case cannot be linked to itself"})
            self.core.visible_case(session, other.case_id)
            payload = {
                "other_case_id": other.case_id,
                "other_case_no": other.case_no,
                "reason": reason.strip() or "related",
            }
            return self.core.append(session, case, EventKind.CASES_LINKED, payload)

    def links(self, case_id: str) -> list[Link]:
        """Cases linked to this one, in either direction."""
        with self.store.read() as session:
            self.core.visible_case(session, case_id)
            rows = session.scalars(
                select(CaseLink).where(
                    or_(CaseLink.case_id == case_id, CaseLink.other_case_id == case_id)
                )
            ).all()
            out = []
            for row in rows:
                other_id = row.other_case_id if row.case_id == case_id else row.case_id
                other = session.get(Case, other_id)
                out.append(
                    Link(
                        other_id,
                        other.case_no if other else None,
                        other.title if other else "(not in this store)",
                        other.status if other else "?",
                        row.reason,
                        row.actor,
                    )
                )
            return out

    def my_escalations(self, limit: int = 100) -> list[MyEscalation]:
        """My escalations, newest first, with their outcome once an analyst decided."""
        query = (
            select(Escalation, Case)
            .join(Case, Case.case_id == Escalation.case_id)
            .where(Escalation.actor == self.reviewer.username)
            .order_by(Escalation.escalated_at.desc())
            .limit(limit)
        )
        with self.store.read() as session:
            return [
                MyEscalation(c.case_id, c.case_no, c.title, c.status, escalation_info(e))
                for e, c in session.execute(query)
            ]
