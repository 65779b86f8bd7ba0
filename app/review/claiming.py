"""Claiming work: claim next (with leases and rotation), take, renew, skip, release, assign.

Leases: claim-next and take lease a case for LEASE_SECONDS; the workstation renews the
lease while the case stays open (`renew`), and it ends on a decision, an escalation, a
skip, a release, or when it runs out (the next claim on this store writes a
`case.released` event with reason "lease expired" for every lapsed lease before it
chooses). Every claim runs in one BEGIN IMMEDIATE transaction, so two reviewers on one
store are never handed the same case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.kinds import EventKind
from app.domain.lifecycle import Command, next_status
from app.domain.people import Reviewer, Role, reviewer_of
from app.domain.queues import QueueSet
from app.log.clock import iso, parse_iso
from app.log.events import EventRecord
from app.review.claim import (
    Candidate,
    ClaimQuery,
    earliest_deadline_after,
    expired_leases,
    own_lease,
    pool,
)
from app.review.desk import LEASE_SECONDS, DeskCore
from app.review.types import AccessDenied, CaseDetail
from app.wellbeing.rotation import (
    BreakAdvice,
    WellbeingRules,
    break_advice,
    intense_streak,
    load_rules,
    validate_rules,
)
from db.models import Case, Event, User

ASSIGN_SECONDS = 8 * 3600
SKIP_MEMORY = timedelta(hours=12)
SKIP_REASONS = (
    "Language I cannot read",
    "Needs context I do not have",
    "Conflict of interest",
    "Personal wellbeing: not this one",
    "Media does not load",
)


@dataclass(frozen=True)
class Claim:
    """What claim-next handed out and why."""

    detail: CaseDetail
    rotated: bool = False
    resumed: bool = False


class ClaimCommands:
    """Claim next, take, renew, skip, release, assign; rotation and break rules."""

    def __init__(self, core: DeskCore) -> None:
        self.core = core
        self.store = core.store
        self.reviewer = core.reviewer
        self.policies = core.policies
        # Loaded on first use (a read of its own), then kept up to date by skip().
        self._skipped: list[int] | None = None
        # claim-next runs on every N: its query is built once per shape and kept.
        self._claim_queries: dict[object, ClaimQuery] = {}

    @property
    def queues(self) -> QueueSet:
        """The desk's queues now (those features opened included)."""
        return self.core.queues

    def claim_next(self, queue_ids: Sequence[str] | None = None) -> Claim | None:
        """Lease the most urgent case this reviewer may work (in these queues, if given).

        Cases already leased to the reviewer (assigned by a lead, or held before a
        restart) come first; None when there is nothing to claim.
        """
        rotated = resumed = False
        self.skipped()  # loaded before the write transaction: it reads in its own
        _ = self.core.queues_version  # so are the queues features opened
        with self.core.write() as session:
            now = self.store.clock.now()
            self._reap_expired(session, now)
            with self.core.raw(session) as conn:
                candidate = own_lease(conn, self.reviewer.username)
                resumed = candidate is not None
                if candidate is None:
                    candidate, rotated = self._choose(session, now, queue_ids)
            if candidate is None:
                return None
            case = session.get_one(Case, candidate.case_id)
            next_status(case.status, Command.LEASE)
            payload: dict[str, object] = {**self._lease_payload(now)}
            payload["via"] = "resume" if resumed else "claim"
            if rotated:
                payload["rotation"] = True
            self.core.append(session, case, EventKind.CASE_LEASED, payload)
        return Claim(self.core.detail(candidate.case_id), rotated, resumed)

    def peek_next(self) -> Candidate | None:
        """What claim-next would hand out now, without leasing (read only)."""
        self.skipped()
        return self.query().run(self.core.reader())

    def open_case(self, case_id: str) -> CaseDetail:
        """Take a case: lease it when it is free and in a queue we work, renew our own lease."""
        with self.core.write() as session:
            case = self.core.visible_case(session, case_id)
            if self._may_lease(case):
                next_status(case.status, Command.LEASE)
                payload = {**self._lease_payload(self.store.clock.now()), "via": "take"}
                self.core.append(session, case, EventKind.CASE_LEASED, payload)
        return self.core.detail(case_id)

    def renew(self, case_id: str) -> bool:
        """Extend our lease while the case is open; False when it is no longer ours."""
        with self.core.write() as session:
            case = self.core.visible_case(session, case_id)
            if case.status != "leased" or case.leased_by != self.reviewer.username:
                return False
            payload = {**self._lease_payload(self.store.clock.now()), "via": "renew"}
            self.core.append(session, case, EventKind.CASE_LEASED, payload)
        return True

    def skip(self, case_id: str, reason: str) -> EventRecord:
        """Give the case back with a reason; claim-next will not offer it to us again today."""
        if not reason.strip():
            raise ValueError("say why you skip the case")
        skipped = self.skipped()  # read before the write transaction: it reads in its own
        with self.core.write() as session:
            case = self.core.leased_by_me(session, case_id, Command.SKIP)
            record = self.core.append(session, case, EventKind.CASE_SKIPPED, {"reason": reason})
            skipped.append(case.case_no)
        return record

    def release(self, case_id: str, reason: str = "released") -> EventRecord:
        """Give a leased case back to its queue."""
        with self.core.write() as session:
            case = self.core.leased_by_me(session, case_id, Command.RELEASE)
            return self.core.append(session, case, EventKind.CASE_RELEASED, {"reason": reason})

    def reassign(self, case_id: str, username: str, reason: str = "") -> EventRecord:
        """A lead hands an open case to a person who may work its queue."""
        if not self.reviewer.at_least(Role.LEAD):
            raise AccessDenied("only a lead can assign cases to people")
        with self.core.write() as session:
            case = self.core.visible_case(session, case_id)
            target = _reviewer(session, username)
            queue = self.queues[case.queue]
            if not queue.may_work(target) or (not target.cleared_for(case.clearance)):
                raise AccessDenied(f"{username} may not work the {queue.name} queue")
            next_status(case.status, Command.REASSIGN)
            expires = self.store.clock.now() + timedelta(seconds=ASSIGN_SECONDS)
            payload = {"holder": username, "expires_at": iso(expires), "by": self.reviewer.username}
            payload["reason"] = reason.strip() or "assigned by a lead"
            return self.core.append(session, case, EventKind.CASE_REASSIGNED, payload)

    def people_for(self, case_id: str) -> list[tuple[str, str]]:
        """(user name, label) of everyone who may work this case (for a lead's assignment)."""
        with self.store.read() as session:
            case = self.core.visible_case(session, case_id)
            queue = self.queues[case.queue]
            out = []
            for user in session.scalars(select(User).where(User.disabled.is_(False))):
                person = _reviewer(session, user.username)
                cleared = person.cleared_for(case.clearance)
                if queue.may_work(person) and cleared:
                    out.append((user.username, f"{user.display_name} ({user.role})"))
            return out

    def skipped(self) -> list[int]:
        """Case numbers this reviewer skipped recently (claim-next passes over them)."""
        if self._skipped is None:
            since = iso(self.store.clock.now() - SKIP_MEMORY)
            query = (
                select(Case.case_no)
                .join(Event, Event.case_id == Case.case_id)
                .where(
                    Event.actor == self.reviewer.username,
                    Event.kind == str(EventKind.CASE_SKIPPED),
                    Event.created_at >= since,
                )
                .order_by(Event.id)
            )
            with self.store.read() as session:
                self._skipped = list(session.scalars(query))
        return self._skipped

    # --- wellbeing ----------------------------------------------------------------

    def wellbeing_rules(self) -> WellbeingRules:
        """The team's rotation and break rules."""
        with self.store.read() as session:
            return load_rules(session)

    def break_advice(self) -> BreakAdvice:
        """Whether this reviewer should take a break now."""
        with self.store.read() as session:
            rules = load_rules(session)
            now = self.store.clock.now()
            actor = self.reviewer.username
            return break_advice(session, actor, self.policies, rules, now, self.core.signed_in)

    def take_break(self, started: datetime) -> EventRecord:
        """Record a break that began at `started` and ends now (resets reminders and rotation)."""
        now = self.store.clock.now()
        seconds = max(0.0, (now - started).total_seconds())
        with self.core.write() as session:
            return self.store.append(
                session,
                actor=self.reviewer.username,
                kind=EventKind.BREAK_TAKEN,
                case_id=None,
                payload={"started_at": iso(started), "seconds": round(seconds, 1)},
            )

    def set_wellbeing_rules(self, **changes: object) -> EventRecord:
        """A lead changes the team's rotation and break rules (for example mandatory breaks)."""
        if not self.reviewer.at_least(Role.LEAD):
            raise AccessDenied("only a lead can change the team's break rules")
        settings = validate_rules(dict(changes))
        with self.core.write() as session:
            return self.store.append(
                session,
                actor=self.reviewer.username,
                kind=EventKind.TEAM_SETTING,
                case_id=None,
                payload={"settings": settings},
            )

    # --- internals ----------------------------------------------------------------

    def query(
        self, calm_only: WellbeingRules | None = None, queue_ids: Sequence[str] | None = None
    ) -> ClaimQuery:
        """Claim-next's selection for this shape (built once: it runs on every N)."""
        high = None if calm_only is None else calm_only.high_severity
        key = (high, tuple(queue_ids or ()), len(self.skipped()), self.core.queues_version)
        if key not in self._claim_queries:
            self._claim_queries[key] = self._build_query(calm_only, queue_ids)
        return self._claim_queries[key]

    def _build_query(
        self, calm_only: WellbeingRules | None, queue_ids: Sequence[str] | None
    ) -> ClaimQuery:
        probes = pool(self.reviewer, self.queues)
        if queue_ids:
            probes = tuple(p for p in probes if p.queue in queue_ids)
        if calm_only is not None:
            probes = tuple(
                p
                for p in probes
                if not self.queues[p.queue].graphic or p.severity < calm_only.high_severity
            )
        return ClaimQuery(probes, self.reviewer.clearances, self.skipped())

    def _choose(
        self, session: Session, now: datetime, queue_ids: Sequence[str] | None
    ) -> tuple[Candidate | None, bool]:
        rules = load_rules(session)
        streak = intense_streak(session, self.reviewer.username, self.policies, rules)
        with self.core.raw(session) as conn:
            if streak >= rules.rotation_after and self._rotation_safe(conn, rules, now):
                calm = self.query(rules, queue_ids).run(conn)
                if calm is not None:
                    return calm, True
            return self.query(None, queue_ids).run(conn), False

    def _rotation_safe(self, conn: object, rules: WellbeingRules, now: datetime) -> bool:
        intense = {
            (p.queue, p.status)
            for p in pool(self.reviewer, self.queues)
            if self.queues[p.queue].graphic
        }
        earliest = earliest_deadline_after(conn, intense, iso(now))  # type: ignore[arg-type]
        allowance = timedelta(minutes=rules.sla_allowance_minutes)
        return earliest is None or parse_iso(earliest) > now + allowance

    def _reap_expired(self, session: Session, now: datetime) -> None:
        with self.core.raw(session) as conn:
            lapsed = expired_leases(conn, iso(now))
        for case_id in lapsed:
            case = session.get_one(Case, case_id)
            payload = {"reason": "lease expired", "holder": case.leased_by}
            self.core.append(session, case, EventKind.CASE_RELEASED, payload)

    def _may_lease(self, case: Case) -> bool:
        if not self.core.may_work(case):
            return False
        if case.status == "escalated":
            return self.reviewer.at_least(Role.ANALYST)
        if case.status == "leased":
            return case.leased_by == self.reviewer.username
        return case.status == "new"

    def _lease_payload(self, now: datetime) -> dict[str, str]:
        expires = now + timedelta(seconds=LEASE_SECONDS)
        return {"holder": self.reviewer.username, "expires_at": iso(expires)}


def _reviewer(session: Session, username: str) -> Reviewer:
    user = session.get(User, username)
    if user is None or user.disabled:
        raise KeyError(f"no active user {username!r}")
    return reviewer_of(user)
