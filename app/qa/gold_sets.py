"""Gold sets: cases a lead marked with the expected decision, and how the team scores.

A gold case is never served as itself: `gold_mixing` puts ordinary-looking copies into
queues, and decisions on copies are scored against the gold answer here
(`app.quality.gold.score_gold`: the action is what counts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.kinds import EventKind
from app.domain.people import Reviewer
from app.domain.policies import PolicySet
from app.log.events import EventRecord
from app.log.store import LocalStore
from app.qa.content import DecidedCase, recent_decided
from app.qa.dataset import Cursor, Scope, gold_decisions
from app.qa.rules import require_lead
from app.quality.gold import GoldCase, GoldScore, score_gold
from app.review.reviewdesk import FormError
from db.models import Case, GoldCaseRow, GoldCopy


@dataclass(frozen=True)
class GoldEntry:
    """A row of the gold set manager."""

    case_id: str
    title: str
    policy: str
    expected_action: str
    note: str
    marked_by: str
    marked_at: str
    active: bool
    copies: int


class GoldSets:
    """Mark and unmark gold cases (leads only) and list them."""

    def __init__(self, store: LocalStore, policies: PolicySet, lead: Reviewer) -> None:
        require_lead(lead, "manage gold sets")
        self._store = store
        self.policies = policies
        self._lead = lead

    def mark(self, case_id: str, action: str, note: str = "") -> EventRecord:
        """Mark a case as gold with the action every reviewer should take on it."""
        with self._store.transaction() as session:
            case = session.get(Case, case_id)
            if case is None:
                raise KeyError(f"no case {case_id}")
            if session.get(GoldCopy, case_id) is not None:
                raise FormError({"case": "this case is itself a gold copy"})
            policy = self.policies[case.category]
            try:
                policy.action(action)
            except KeyError:
                raise FormError(
                    {"action": f"{action!r} is not an action of {policy.name}"}
                ) from None
            payload = {"policy": case.category, "action": action, "note": note.strip()}
            return self._append(session, case, EventKind.GOLD_MARKED, payload)

    def unmark(self, case_id: str) -> EventRecord:
        """Take a case out of the gold set (copies already in queues are still scored)."""
        with self._store.transaction() as session:
            row = session.get(GoldCaseRow, case_id)
            if row is None or not row.active:
                raise KeyError(f"case {case_id} is not in the gold set")
            case = session.get_one(Case, case_id)
            return self._append(session, case, EventKind.GOLD_UNMARKED, {})

    def entries(self) -> list[GoldEntry]:
        """Every gold case, active first, with how many copies were mixed into queues."""
        copies = (
            select(GoldCopy.gold_case_id, func.count().label("n"))
            .group_by(GoldCopy.gold_case_id)
            .subquery()
        )
        query = (
            select(GoldCaseRow, Case.title, func.coalesce(copies.c.n, 0))
            .join(Case, Case.case_id == GoldCaseRow.case_id)
            .outerjoin(copies, copies.c.gold_case_id == GoldCaseRow.case_id)
            .order_by(GoldCaseRow.active.desc(), GoldCaseRow.marked_at)
        )
        with self._store.transaction() as session:
            return [_entry(row, title, n) for row, title, n in session.execute(query)]

    def candidates(self, limit: int = 300) -> list[DecidedCase]:
        """Recently decided cases that could become gold (not copies, not gold already)."""
        with self._store.transaction() as session:
            gold = set(session.scalars(select(GoldCaseRow.case_id)))
            cases = recent_decided(session, self._lead, limit + len(gold))
        return [c for c in cases if c.case_id not in gold][:limit]

    def _append(
        self, session: Session, case: Case, kind: EventKind, payload: Mapping[str, object]
    ) -> EventRecord:
        return self._store.append(
            session,
            actor=self._lead.username,
            kind=kind,
            case_id=case.case_id,
            payload=payload,
            seen_head=case.head_event_id,
        )


def gold_set(cur: Cursor) -> list[GoldCase]:
    """Every case ever marked gold (inactive ones too: their copies are still scored)."""
    cur.execute("SELECT case_id, policy, expected_action FROM gold_cases")
    return [GoldCase(*row) for row in cur.fetchall()]


def gold_score(cur: Cursor, scope: Scope) -> GoldScore:
    """Accuracy on gold copies decided in scope, overall, per reviewer and per policy."""
    return score_gold(gold_set(cur), gold_decisions(cur, scope))


def _entry(row: GoldCaseRow, title: str, copies: int) -> GoldEntry:
    return GoldEntry(
        row.case_id,
        title,
        row.policy,
        row.expected_action,
        row.note,
        row.marked_by,
        row.marked_at,
        row.active,
        int(copies),
    )
