"""The reviewer's desk: what the queue and case views read, and the shared command rules.

`DeskCore` holds the store, policies, queues and the logged-in reviewer, answers the
read-only questions (rows, details, decisions) and provides the checks every command
uses (visibility, leases, one event per command). It is the explicit context each
command object is built with (app/review/claiming.py, app/review/deciding.py,
app/review/analyst.py, app/dupes/cluster.py); `ReviewDesk` in app/review/reviewdesk.py
composes them. Every command writes through `write()`, which keeps the Change the last
committed write made (`last_change`).
"""

from __future__ import annotations

import json
import sqlite3
import weakref
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import PoolProxiedConnection

from app.domain.kinds import EventKind
from app.domain.lifecycle import Command, next_status
from app.domain.people import Reviewer, Role, cleared_sql
from app.domain.policies import PolicySet
from app.domain.queues import Queue, QueueSet, bundled_queues
from app.log.changes import Change
from app.log.clock import iso
from app.log.events import EventRecord
from app.log.registry import registry
from app.log.store import LocalStore
from app.review.queue_view import QueueFilter, QueueSource
from app.review.types import (
    OPEN_STATUSES,
    AccessDenied,
    CaseDetail,
    CaseRow,
    EscalationInfo,
    MediaRef,
    QueueChoice,
)
from db.models import Case, Decision, Escalation, MediaItem

LEASE_SECONDS = 600
ESCALATION_QUEUE = "escalations"


class DeskCore:
    """One logged-in reviewer's view of the local store, and the rules commands share."""

    def __init__(
        self,
        store: LocalStore,
        policies: PolicySet,
        reviewer: Reviewer,
        queues: QueueSet | None = None,
        signed_in: datetime | None = None,
    ) -> None:
        self.store = store
        self.policies = policies
        self.reviewer = reviewer
        self.base_queues = queues or bundled_queues(policies)
        self.signed_in = signed_in or store.clock.now()
        self._reader: PoolProxiedConnection | None = None
        self.last_change = Change()
        # The queues features open from the log (an open incident's own queue), read
        # again after a write of one of their kinds; `_reads` counts the readings.
        self._live: QueueSet | None = None
        self._reads = 0
        self._queue_kinds = registry().queue_kinds()
        self._unsubscribe = store.on_change(_follow(self)) if self._queue_kinds else None

    @property
    def queues(self) -> QueueSet:
        """The queue files' queues plus those features opened (kept until one changes)."""
        live = self._live
        if live is None:
            live = self._live = self._read_queues()
            self._reads += 1
        return live

    @property
    def queues_version(self) -> int:
        """Which reading of the opened queues `queues` is now (claim queries key on it)."""
        self.queues  # noqa: B018 - brings the reading up to date
        return self._reads

    def _read_queues(self) -> QueueSet:
        sources = registry().queue_sources()
        if not sources:
            return self.base_queues
        with self.store.read() as session:
            opened = [q for source in sources for q in source(session, self.reviewer, self)]
        return self.base_queues.with_opened(opened)

    def _queues_changed(self, change: Change) -> None:
        if change.kinds & self._queue_kinds:
            self._live = None

    # --- queries ------------------------------------------------------------------

    def queue_ids(self, statuses: Sequence[str] = OPEN_STATUSES) -> array[int]:
        """Case numbers of the cases this reviewer may see with these statuses, in work order."""
        with self.store.read() as session:
            query = (
                select(Case.case_no)
                .where(Case.status.in_(statuses), self.visible())
                .order_by(Case.priority_key, Case.case_no)
            )
            return array("q", session.scalars(query))

    def rows(self, case_nos: Sequence[int]) -> dict[int, CaseRow]:
        """Queue rows for these case numbers (missing ones are simply absent)."""
        with self.store.read() as session:
            cases = session.scalars(select(Case).where(Case.case_no.in_(list(case_nos))))
            return {case.case_no: row_of(case) for case in cases}

    def detail(self, case_id: str) -> CaseDetail:
        """The case as the case view shows it; AccessDenied if not visible to this reviewer."""
        with self.store.read() as session:
            case = self.visible_case(session, case_id)
            media = session.scalars(
                select(MediaItem).where(MediaItem.case_id == case_id).order_by(MediaItem.position)
            ).all()
            escalation = session.scalars(
                select(Escalation)
                .where(Escalation.case_id == case_id)
                .order_by(Escalation.escalated_at.desc())
            ).first()
            return detail_of(case, media, escalation)

    def case_id_of(self, case_no: int) -> str:
        """The case id behind a case number (KeyError if there is none)."""
        with self.store.read() as session:
            found = session.scalar(select(Case.case_id).where(Case.case_no == case_no))
        if found is None:
            raise KeyError(f"no case #{case_no}")
        return found

    def decisions(self, case_id: str) -> list[Decision]:
        """Every decision recorded on the case, oldest first."""
        with self.store.read() as session:
            self.visible_case(session, case_id)
            query = select(Decision).where(Decision.case_id == case_id)
            return list(session.scalars(query.order_by(Decision.decided_at)))

    def queue_source(
        self,
        queue_ids: Sequence[str] | None = None,
        severity: int | None = None,
        order: str = "priority",
    ) -> QueueSource:
        """A paged, SQL-sorted view of open cases in these queues (default: all we may see)."""
        visible = [q.id for q in self.visible_queues()]
        chosen = tuple(q for q in (queue_ids or visible) if q in visible)
        view = QueueFilter(chosen, self.reviewer.clearances, severity, order)
        return QueueSource(self.reader(), view)

    def visible_queues(self) -> list[Queue]:
        """The queues this reviewer may list: those they may work."""
        return self.queues.workable(self.reviewer)

    def queue_choices(self) -> list[QueueChoice]:
        """Each visible queue with its depth and how many of its cases are overdue."""
        now = iso(self.store.clock.now())
        conn = self.reader()
        out = []
        for queue in self.visible_queues():
            depth = QueueSource(conn, QueueFilter((queue.id,), self.reviewer.clearances)).count()
            overdue = conn.execute(
                "SELECT COUNT(*) FROM cases WHERE queue = ? AND status IN ('new', 'escalated')"
                " AND sla_deadline < ?",
                (queue.id, now),
            ).fetchone()[0]
            out.append(QueueChoice(queue.id, queue.name, depth, int(overdue)))
        return out

    def reader(self) -> sqlite3.Connection:
        """This desk's read connection: autocommit, so reads never take the write lock."""
        if self._reader is None:
            self._reader = self.store.engine.raw_connection()
        return self._reader.driver_connection  # type: ignore[return-value]

    def close(self) -> None:
        """Give the read connection back (and stop following queue changes)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    # --- rules shared by the commands --------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A command's write transaction; once committed, its Change is `last_change`."""
        with self.store.transaction(on_commit=self._committed) as session:
            yield session

    def _committed(self, change: Change) -> None:
        self.last_change = change

    def visible(self) -> ColumnElement[bool]:
        """SQL: the cases this reviewer may see (clearances; escalations for analysts up)."""
        visible: ColumnElement[bool] = cleared_sql(Case.clearance, self.reviewer.clearances)
        if not self.reviewer.at_least(Role.ANALYST):
            escalation = [q.id for q in self.queues if q.escalation] or [ESCALATION_QUEUE]
            visible &= Case.queue.not_in(escalation)
        return visible

    def visible_case(self, session: Session, case_id: str) -> Case:
        """The case, or KeyError / AccessDenied when it is missing or not for this reviewer."""
        case = session.get(Case, case_id)
        if case is None:
            raise KeyError(f"no case {case_id}")
        if not self.reviewer.cleared_for(case.clearance):
            raise AccessDenied(f"this case needs the {case.clearance} clearance")
        return case

    def may_work(self, case: Case) -> bool:
        """Whether the case is in a queue this reviewer works."""
        return case.queue in self.queues and self.queues[case.queue].may_work(self.reviewer)

    def leased_by_me(self, session: Session, case_id: str, command: Command) -> Case:
        """The case, if the lifecycle allows the command and the lease is this reviewer's."""
        case = self.visible_case(session, case_id)
        next_status(case.status, command)
        if case.leased_by != self.reviewer.username:
            raise AccessDenied(f"the case is leased to {case.leased_by}, not to you")
        return case

    def append(
        self, session: Session, case: Case, kind: EventKind, payload: Mapping[str, object]
    ) -> EventRecord:
        """Append the reviewer's event on the case, seen against the case's head."""
        return self.store.append(
            session,
            actor=self.reviewer.username,
            kind=kind,
            case_id=case.case_id,
            payload=payload,
            seen_head=case.head_event_id,
        )

    @contextmanager
    def raw(self, session: Session) -> Iterator[sqlite3.Connection]:
        """The sqlite3 connection of the session's transaction, with ORM changes flushed."""
        session.flush()
        yield session.connection().connection.driver_connection  # type: ignore[misc]


def _follow(desk: DeskCore) -> Callable[[Change], None]:
    """The store listener of a desk, holding it weakly (a desk nobody closes still goes)."""
    ref = weakref.ref(desk)

    def changed(change: Change) -> None:
        found = ref()
        if found is not None:
            found._queues_changed(change)

    return changed


def row_of(case: Case) -> CaseRow:
    """A queue row from a case projection."""
    return CaseRow(
        case.case_id,
        case.case_no,
        case.title,
        case.category,
        case.severity,
        case.status,
        case.queue,
        case.reported_at,
        case.report_count,
        case.media_count,
        case.sla_started_at,
        case.sla_deadline,
        case.priority_key,
        case.leased_by,
    )


def detail_of(
    case: Case, media: Sequence[MediaItem], escalation: Escalation | None = None
) -> CaseDetail:
    """The case view's detail from a case projection, its media and latest escalation."""
    return CaseDetail(
        row=row_of(case),
        subcategory=case.subcategory,
        report_reason=case.report_reason,
        body_text=case.body_text,
        media=tuple(MediaRef(m.sha256, m.kind, m.mime, m.filename) for m in media),
        leased_by=case.leased_by,
        decision_action=case.decision_action,
        decision_event_id=case.decision_event_id,
        head_event_id=case.head_event_id,
        open_status=case.open_status,
        lease_expires_at=case.lease_expires_at,
        escalation=None if escalation is None else escalation_info(escalation),
    )


def escalation_info(e: Escalation) -> EscalationInfo:
    """The plain value of an escalation projection row."""
    return EscalationInfo(
        e.event_id,
        e.actor,
        e.reason,
        e.severity,
        e.from_queue,
        e.escalated_at,
        e.resolved_by,
        e.resolution_action,
        e.resolution_rationale,
        e.resolved_at,
    )


def fields_json(decision: Decision) -> dict[str, str]:
    """A stored decision's form fields."""
    return dict(json.loads(decision.fields))
