"""What a reviewer does to cases: claim, decide, escalate, skip, release, undo, investigate.

`ReviewDesk` composes the desk's command objects, each in its own module and each built
with the same explicit context (`DeskCore`, app/review/desk.py: store, policies, queues,
reviewer, read connection): `claims` (app/review/claiming.py), `deciding`
(app/review/deciding.py), `analyst` (app/review/analyst.py) and `clusters`
(app/dupes/cluster.py). Each command is validated against the lifecycle, the queues and
the policy form, then written as events in one transaction; what it changed is the
store's Change (told to `LocalStore.on_change` listeners, and kept as `last_change`).
The desk's own methods are plain delegations, so the UI, the CLI, the smoke check and
the tests keep calling `desk.decide(...)`.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.domain.people import Reviewer
from app.domain.policies import PolicySet
from app.domain.queues import Queue, QueueSet
from app.domain.words import Words
from app.dupes.cluster import ClusterCommands, ClusterMember
from app.log.changes import Change
from app.log.events import EventRecord
from app.log.store import LocalStore
from app.review.analyst import AnalystCommands, Link, MyEscalation, Note
from app.review.claim import Candidate
from app.review.claiming import ASSIGN_SECONDS, SKIP_REASONS, Claim, ClaimCommands
from app.review.deciding import UNDO_SECONDS, DecideCommands, UndoExpired, describe_marks
from app.review.desk import ESCALATION_QUEUE, LEASE_SECONDS, DeskCore, fields_json
from app.review.queue_view import QueueSource
from app.review.timeline import TimelineEntry
from app.review.types import (
    OPEN_STATUSES,
    AccessDenied,
    CaseDetail,
    CaseRow,
    EscalationInfo,
    FormError,
    MediaRef,
    QueueChoice,
)
from app.wellbeing.rotation import BreakAdvice, WellbeingRules
from db.models import Decision, User

__all__ = [
    "ASSIGN_SECONDS",
    "ESCALATION_QUEUE",
    "LEASE_SECONDS",
    "OPEN_STATUSES",
    "SKIP_REASONS",
    "UNDO_SECONDS",
    "AccessDenied",
    "CaseDetail",
    "CaseRow",
    "Claim",
    "ClusterMember",
    "EscalationInfo",
    "FormError",
    "Link",
    "MediaRef",
    "MyEscalation",
    "QueueChoice",
    "Note",
    "ReviewDesk",
    "UndoExpired",
    "describe_marks",
    "fields_json",
]


class ReviewDesk:
    """One logged-in reviewer's commands and queries against the local store."""

    def __init__(
        self,
        store: LocalStore,
        policies: PolicySet,
        reviewer: Reviewer,
        queues: QueueSet | None = None,
        signed_in: datetime | None = None,
    ) -> None:
        self.core = DeskCore(store, policies, reviewer, queues, signed_in)
        self.store = store
        self.policies = policies
        self.reviewer = reviewer
        self.signed_in = self.core.signed_in
        self.claims = ClaimCommands(self.core)
        self.deciding = DecideCommands(self.core)
        self.analyst = AnalystCommands(self.core)
        self.clusters = ClusterCommands(self.core)

    @property
    def queues(self) -> QueueSet:
        """The desk's queues now (those features opened included)."""
        return self.core.queues

    @property
    def last_change(self) -> Change:
        """What this desk's last committed command changed (cases and event kinds)."""
        return self.core.last_change

    # --- queries (DeskCore) ----------------------------------------------------------

    def queue_ids(self, statuses: Sequence[str] = OPEN_STATUSES) -> array[int]:
        """Case numbers this reviewer may see with these statuses, in work order."""
        return self.core.queue_ids(statuses)

    def rows(self, case_nos: Sequence[int]) -> dict[int, CaseRow]:
        """Queue rows for these case numbers."""
        return self.core.rows(case_nos)

    def detail(self, case_id: str) -> CaseDetail:
        """The case as the case view shows it."""
        return self.core.detail(case_id)

    def case_id_of(self, case_no: int) -> str:
        """The case id behind a case number."""
        return self.core.case_id_of(case_no)

    def decisions(self, case_id: str) -> list[Decision]:
        """Every decision recorded on the case, oldest first."""
        return self.core.decisions(case_id)

    def queue_source(
        self,
        queue_ids: Sequence[str] | None = None,
        severity: int | None = None,
        order: str = "priority",
    ) -> QueueSource:
        """A paged, SQL-sorted view of open cases in these queues."""
        return self.core.queue_source(queue_ids, severity, order)

    def visible_queues(self) -> list[Queue]:
        """The queues this reviewer may list."""
        return self.core.visible_queues()

    def queue_choices(self) -> list[QueueChoice]:
        """Each visible queue with its depth and overdue count."""
        return self.core.queue_choices()

    def reader(self) -> sqlite3.Connection:
        """This desk's read connection."""
        return self.core.reader()

    def close(self) -> None:
        """Give the read connection back."""
        self.core.close()

    # --- claiming (ClaimCommands) ----------------------------------------------------

    def claim_next(self, queue_ids: Sequence[str] | None = None) -> Claim | None:
        """Lease the most urgent case this reviewer may work."""
        return self.claims.claim_next(queue_ids)

    def peek_next(self) -> Candidate | None:
        """What claim-next would hand out now, without leasing."""
        return self.claims.peek_next()

    def open_case(self, case_id: str) -> CaseDetail:
        """Take a case (lease it when free)."""
        return self.claims.open_case(case_id)

    def renew(self, case_id: str) -> bool:
        """Extend our lease while the case is open."""
        return self.claims.renew(case_id)

    def skip(self, case_id: str, reason: str) -> EventRecord:
        """Give the case back with a reason."""
        return self.claims.skip(case_id, reason)

    def release(self, case_id: str, reason: str = "released") -> EventRecord:
        """Give a leased case back to its queue."""
        return self.claims.release(case_id, reason)

    def reassign(self, case_id: str, username: str, reason: str = "") -> EventRecord:
        """A lead hands an open case to a person."""
        return self.claims.reassign(case_id, username, reason)

    def people_for(self, case_id: str) -> list[tuple[str, str]]:
        """Everyone who may work this case."""
        return self.claims.people_for(case_id)

    def skipped(self) -> list[int]:
        """Case numbers this reviewer skipped recently."""
        return self.claims.skipped()

    def wellbeing_rules(self) -> WellbeingRules:
        """The team's rotation and break rules."""
        return self.claims.wellbeing_rules()

    def break_advice(self) -> BreakAdvice:
        """Whether this reviewer should take a break now."""
        return self.claims.break_advice()

    def take_break(self, started: datetime) -> EventRecord:
        """Record a break that began at `started` and ends now."""
        return self.claims.take_break(started)

    def set_wellbeing_rules(self, **changes: object) -> EventRecord:
        """A lead changes the team's rotation and break rules."""
        return self.claims.set_wellbeing_rules(**changes)

    # --- deciding (DecideCommands) ---------------------------------------------------

    def decide(
        self,
        case_id: str,
        action: str,
        fields: Mapping[str, str],
        subcategory: str | None = None,
        *,
        severity: int | None = None,
        evidence: Sequence[Mapping[str, Any]] = (),
    ) -> EventRecord:
        """Record a decision on the working case."""
        return self.deciding.decide(
            case_id, action, fields, subcategory, severity=severity, evidence=evidence
        )

    def undo(self, decisions: Sequence[tuple[str, str]]) -> list[EventRecord]:
        """Retract our own fresh decisions, all or none."""
        return self.deciding.undo(decisions)

    def retract(self, case_id: str, decision_event_id: str) -> EventRecord:
        """Take back our own decision with a compensating event."""
        return self.deciding.retract(case_id, decision_event_id)

    def escalate(
        self, case_id: str, reason: str, severity: int | None = None, queue: str | None = None
    ) -> EventRecord:
        """Send the case to an analysts' queue with a reason."""
        return self.deciding.escalate(case_id, reason, severity, queue)

    def words(self) -> Words:
        """The team's words for this desk: policy, action and queue names, and people by
        their display names as the store knows them now."""
        with self.store.read() as session:
            rows = session.execute(select(User.username, User.display_name)).all()
        return Words(self.policies, self.queues, {name: shown for name, shown in rows})

    # --- analyst workspace (AnalystCommands) -----------------------------------------

    def history(self, case_id: str) -> list[TimelineEntry]:
        """Every event of the case in words."""
        return self.analyst.history(case_id)

    def add_note(self, case_id: str, text: str) -> EventRecord:
        """Add an investigation note to the case."""
        return self.analyst.add_note(case_id, text)

    def notes(self, case_id: str) -> list[Note]:
        """The case's notes, oldest first."""
        return self.analyst.notes(case_id)

    def link_cases(self, case_id: str, other_case_no: int, reason: str) -> EventRecord:
        """Record that another case is related to this one."""
        return self.analyst.link_cases(case_id, other_case_no, reason)

    def links(self, case_id: str) -> list[Link]:
        """Cases linked to this one, in either direction."""
        return self.analyst.links(case_id)

    def my_escalations(self, limit: int = 100) -> list[MyEscalation]:
        """My escalations, newest first, with their outcome."""
        return self.analyst.my_escalations(limit)

    # --- near-duplicate clusters (ClusterCommands) -----------------------------------

    def near_duplicates(self, case_id: str, action: str | None = None) -> list[ClusterMember]:
        """The other cases in this case's cluster, nearest first."""
        return self.clusters.near_duplicates(case_id, action)

    def apply_to_cluster(self, source_event_id: str, case_ids: Sequence[str]) -> list[EventRecord]:
        """Apply our decision to these cluster members, one decision each."""
        return self.clusters.apply_to_cluster(source_event_id, case_ids)
