"""The lead's conflict queue: cases with decisions that did not see each other.

A conflict keeps every decision (see app/review/decision_graph.py). The lead looks at the case
(media filtered as always) and the standing decisions side by side, then records an
adjudication: a new `case.adjudicated` event that names the decisions it settles.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select

from app.domain.kinds import EventKind
from app.domain.lifecycle import Command, next_status
from app.domain.people import Reviewer, Role, cleared_sql
from app.domain.policies import PolicySet
from app.domain.words import Words
from app.log.events import EventRecord
from app.log.registry import registry
from app.log.store import LocalStore
from app.review.decision_graph import action_of, standing
from app.review.reviewdesk import AccessDenied, CaseDetail, CaseRow, FormError, ReviewDesk
from db.models import Case

MIN_RATIONALE = 10


@dataclass(frozen=True)
class StandingDecision:
    """One of the decisions (or an earlier adjudication) a conflict is between."""

    event_id: str
    kind: str
    actor: str
    action: str
    rationale: str
    decided_at: str
    synced: bool


@dataclass(frozen=True)
class Conflict:
    """A case in conflict with its standing decisions, oldest first."""

    detail: CaseDetail
    decisions: tuple[StandingDecision, ...]


class Adjudication:
    """A lead's view of the conflicts in the local store, and the command that settles one."""

    def __init__(self, store: LocalStore, policies: PolicySet, lead: Reviewer) -> None:
        if not lead.at_least(Role.LEAD):
            raise AccessDenied("only a lead adjudicates conflicts")
        self.store = store
        self.policies = policies
        self.lead = lead
        self._desk = ReviewDesk(store, policies, lead)

    def words(self) -> Words:
        """The team's words: action labels, people by their display names."""
        return self._desk.words()

    def queue(self) -> list[CaseRow]:
        """Cases in conflict this lead may see, most severe first."""
        with self.store.transaction() as session:
            numbers = list(
                session.scalars(
                    select(Case.case_no)
                    .where(Case.status == "conflict", self._cleared())
                    .order_by(Case.severity.desc(), Case.reported_at, Case.case_no)
                )
            )
        rows = self._desk.rows(numbers)
        return [rows[n] for n in numbers if n in rows]

    def conflict(self, case_id: str) -> Conflict:
        """The case and its standing decisions."""
        detail = self._desk.detail(case_id)
        with self.store.transaction() as session:
            heads = set(standing(session, case_id).heads)
        events = [e for e in self.store.events(case_id) if e.event_id in heads]
        return Conflict(detail, tuple(_standing(e) for e in events))

    def adjudicate(self, case_id: str, action: str, rationale: str) -> EventRecord:
        """Settle the conflict with action; FormError when the form is not complete."""
        if len(rationale.strip()) < MIN_RATIONALE:
            raise FormError({"rationale": f"say why in at least {MIN_RATIONALE} characters"})
        with self.store.transaction() as session:
            case = session.scalars(
                select(Case).where(Case.case_id == case_id, self._cleared())
            ).first()
            if case is None:
                raise KeyError(f"no case {case_id}")
            next_status(case.status, Command.ADJUDICATE)
            policy = self.policies[case.category]
            try:
                policy.action(action)
            except KeyError:
                problem = f"{action!r} is not an action of {policy.name}"
                raise FormError({"action": problem}) from None
            payload = {
                "action": action,
                "category": case.category,
                "rationale": rationale.strip(),
                "resolves": list(standing(session, case_id).heads),
            }
            return self.store.append(
                session,
                actor=self.lead.username,
                kind=EventKind.CASE_ADJUDICATED,
                case_id=case_id,
                payload=payload,
                seen_head=case.head_event_id,
            )

    def _cleared(self) -> ColumnElement[bool]:
        cleared: ColumnElement[bool] = cleared_sql(Case.clearance, self.lead.clearances)
        return cleared


def _standing(event: EventRecord) -> StandingDecision:
    # A head of the decision graph: a decision or an adjudication whose payload decodes.
    p = registry().decode(event.kind, event.payload)
    return StandingDecision(
        event_id=event.event_id,
        kind=event.kind,
        actor=event.actor,
        action=action_of(p),
        rationale=p.rationale,
        decided_at=event.created_at,
        synced=event.server_seq is not None,
    )
