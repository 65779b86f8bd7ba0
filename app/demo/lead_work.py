"""One working day of the lead demo's synthetic team: the intake, then the team works it.

Events have the shapes the workstation writes (app/review/reviewdesk.py, app/wellbeing/exposure.py)
and are appended in time order, one transaction per day's intake and one per day's work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo.texts import report_words
from app.domain.kinds import EventKind
from app.domain.people import Reviewer
from app.domain.policies import SUBCATEGORY, PolicySet
from app.log.clock import iso
from app.log.events import uuid7
from app.log.store import LocalStore
from app.review.reviewdesk import ESCALATION_QUEUE, LEASE_SECONDS
from db.models import Case, GoldCopy, MediaItem

K = EventKind
Step = tuple[datetime, Callable[[Session], None]]
CASES_PER_PERSON = (3, 7)
ESCALATE_SHARE = 0.05
REVEAL_SHARE = 0.3
RATIONALE = "Matches the policy clause for this action; see the reported item."
EVIDENCE = "Main image, centre region, and the caption text."


@dataclass(frozen=True)
class WorkItem:
    """A case of the day and its right answer (the gold answer, for a gold copy)."""

    case_id: str
    category: str
    subcategory: str | None
    truth: str
    gold: bool = False
    media: str | None = None


@dataclass
class Person:
    """A synthetic team member: who, how often right, how fast."""

    reviewer: Reviewer
    accuracy: float
    speed: float
    free_at: datetime | None = None


def truth_for(policies: PolicySet, category: str, rng: np.random.Generator) -> str:
    """The right answer of a synthetic case: 'no violation' 40%, the other actions evenly."""
    actions = [a.id for a in policies[category].actions]
    return actions[0] if rng.random() < 0.4 else str(rng.choice(actions[1:]))


@dataclass
class TeamDay:
    """Writes the synthetic team's intake and work, day after day."""

    store: LocalStore
    policies: PolicySet
    rng: np.random.Generator
    people: list[Person]
    analyst: Person
    set_time: Callable[[datetime], None]
    truth: dict[str, str] = field(default_factory=dict)
    decided: list[WorkItem] = field(default_factory=list)
    _floor: int = 0
    _count: int = 0
    _media: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    # --- intake -----------------------------------------------------------------------

    def ingest(self, midnight: datetime) -> None:
        """The day's new reports, written as intake writes them."""
        if not self._media:
            self._media = self._media_pool()
        categories = [p.id for p in self.policies if p.clearance is None]
        n = sum(int(self.rng.integers(*CASES_PER_PERSON)) for _ in self.people)
        with self.store.transaction() as session:
            self._floor = session.scalar(select(func.max(Case.case_no))) or 0
            for _ in range(n):
                self._ingest_one(session, str(self.rng.choice(categories)), midnight)

    def _ingest_one(self, session: Session, category: str, midnight: datetime) -> None:
        policy = self.policies[category]
        self._count += 1
        severity = int(self.rng.choice([1, 2, 3, 4], p=[0.3, 0.35, 0.25, 0.1]))
        # Critical reports come in during the morning shift; the rest since last evening.
        hours = self.rng.uniform(8.0, 12.0) if severity == 4 else self.rng.uniform(-14.0, 8.0)
        sub = str(self.rng.choice(list(policy.subcategories)))
        case_id = uuid7()
        media = self._media_for(category)
        words = report_words(category, self.rng, with_text=not media)
        payload = {
            "external_id": f"hist-{self._count:05d}",
            "category": category,
            "subcategory": sub,
            "severity": severity,
            "queue": policy.queue,
            "clearance": policy.clearance,
            "team": "default",
            "title": words.title,
            "report_reason": words.report_reason,
            "text": words.text,
            "reported_at": iso(midnight + timedelta(hours=float(hours))),
            "report_count": words.report_count,
            "media": media,
        }
        self.store.append(
            session, actor="intake", kind=K.CASE_INGESTED, case_id=case_id, payload=payload
        )
        self.truth[case_id] = truth_for(self.policies, category, self.rng)

    def _media_pool(self) -> dict[str, list[dict[str, Any]]]:
        """The demo's own media (safe photos, stand-ins), by category."""
        pool: dict[str, list[dict[str, Any]]] = {}
        with self.store.transaction() as session:
            rows = session.execute(select(Case.category, MediaItem).join(MediaItem)).all()
        for category, m in rows:
            ref = {"sha256": m.sha256, "kind": m.kind, "mime": m.mime}
            pool.setdefault(category, []).append({**ref, "filename": m.filename, "size": m.size})
        return pool

    def _media_for(self, category: str) -> list[dict[str, Any]]:
        refs = self._media.get(category, [])
        if not refs or self.rng.random() < 0.15:
            return []
        return [refs[int(self.rng.integers(len(refs)))]]

    # --- work -------------------------------------------------------------------------

    def work(self, midnight: datetime) -> int:
        """The team works all the day's cases, gold copies included (so no case of the
        history is left open, ever more overdue, at the top of today's queue)."""
        items = self._todays_items()
        for n, person in enumerate(self.people):
            person.free_at = midnight + timedelta(hours=8, minutes=30 + 3 * n)
        steps: list[Step] = []
        order = [self.people[int(i)] for i in self.rng.permutation(len(self.people))]
        for n, item in enumerate(items):
            steps += self._handle(order[n % len(order)], item)
        steps.sort(key=lambda step: step[0])
        with self.store.transaction() as session:
            for moment, write in steps:
                self.set_time(moment)
                write(session)
        return len(items)

    def _todays_items(self) -> list[WorkItem]:
        with self.store.transaction() as session:
            cases = session.scalars(
                select(Case)
                .where(Case.case_no > self._floor, Case.status == "new")
                .order_by(Case.severity.desc(), Case.reported_at)
            ).all()
            copies = dict(session.execute(select(GoldCopy.case_id, GoldCopy.gold_case_id)).all())
            media = dict(
                session.execute(
                    select(MediaItem.case_id, MediaItem.sha256).where(MediaItem.position == 0)
                ).all()
            )
        items = []
        for case in cases:
            source = copies.get(case.case_id)
            truth = self.truth.get(source or case.case_id)
            if truth is not None:
                items.append(
                    WorkItem(
                        case.case_id,
                        case.category,
                        case.subcategory,
                        truth,
                        gold=bool(source),
                        media=media.get(case.case_id),
                    )
                )
        return items

    def _handle(self, person: Person, item: WorkItem) -> list[Step]:
        assert person.free_at is not None
        claim = person.free_at
        took = timedelta(seconds=float(self.rng.lognormal(4.8, 0.6)) * person.speed + 15)
        person.free_at = claim + took + timedelta(seconds=float(self.rng.uniform(20, 150)))
        who = person.reviewer.username
        steps: list[Step] = [(claim, self._lease(who, item.case_id, claim))]
        revealed = self._exposure_steps(steps, who, item, claim, took)
        done = claim + took
        if not item.gold and self.rng.random() < ESCALATE_SHARE:
            steps.append((done, self._escalate(who, item.case_id)))
            steps += self._resolve(item, done)
            return steps
        action = self.call(person, item)
        steps.append((done, self._decide(who, item, action, revealed)))
        if not item.gold and action == item.truth:
            self.decided.append(item)
        return steps

    def _exposure_steps(
        self, steps: list[Step], who: str, item: WorkItem, claim: datetime, took: timedelta
    ) -> float:
        media = item.media
        if media is None:
            return 0.0
        viewed = claim + took * 0.8
        steps.append(
            (
                viewed,
                self._event(
                    who,
                    K.MEDIA_VIEWED,
                    item.case_id,
                    {
                        "item": media,
                        "seconds": round(took.total_seconds() * 0.7, 3),
                        "pipeline": "blur + grayscale",
                    },
                ),
            )
        )
        if not self.policies[item.category].graphic or self.rng.random() > REVEAL_SHARE:
            return 0.0
        seconds, share = float(self.rng.uniform(2.0, 12.0)), float(self.rng.uniform(0.1, 0.8))
        steps.append(
            (
                viewed + timedelta(seconds=1),
                self._event(
                    who,
                    K.MEDIA_REVEALED,
                    item.case_id,
                    {
                        "item": media,
                        "seconds": round(seconds, 3),
                        "area_share": round(share, 4),
                        "mode": "lens",
                        "filters_on": [],
                        "audio": False,
                    },
                ),
            )
        )
        return round(seconds, 3) * round(share, 4)

    def _resolve(self, item: WorkItem, escalated: datetime) -> list[Step]:
        """The analyst picks the escalation up a few hours later and decides it."""
        who = self.analyst.reviewer.username
        claim = escalated + timedelta(hours=float(self.rng.uniform(1.0, 4.0)))
        done = claim + timedelta(minutes=float(self.rng.uniform(4.0, 15.0)))
        action = self.call(self.analyst, item)
        return [
            (claim, self._lease(who, item.case_id, claim)),
            (done, self._decide(who, item, action, 0.0)),
        ]

    def call(self, person: Person, item: WorkItem, accuracy: float | None = None) -> str:
        """What this person decides: the right answer at their accuracy, else another."""
        if self.rng.random() < (person.accuracy if accuracy is None else accuracy):
            return item.truth
        others = [a.id for a in self.policies[item.category].actions if a.id != item.truth]
        return str(self.rng.choice(others))

    # --- event writers ----------------------------------------------------------------

    def _event(
        self, who: str, kind: str, case_id: str, payload: dict[str, Any]
    ) -> Callable[[Session], None]:
        def write(session: Session) -> None:
            case = session.get_one(Case, case_id)
            self.store.append(
                session,
                actor=who,
                kind=kind,
                case_id=case_id,
                payload=payload,
                seen_head=case.head_event_id,
            )

        return write

    def _lease(self, who: str, case_id: str, at: datetime) -> Callable[[Session], None]:
        expires = iso(at + timedelta(seconds=LEASE_SECONDS))
        return self._event(who, K.CASE_LEASED, case_id, {"holder": who, "expires_at": expires})

    def _escalate(self, who: str, case_id: str) -> Callable[[Session], None]:
        def write(session: Session) -> None:
            case = session.get_one(Case, case_id)
            payload = {
                "reason": "Needs an analyst: possible coordinated campaign.",
                "queue": ESCALATION_QUEUE,
                "from_queue": case.queue,
            }
            self._event(who, K.CASE_ESCALATED, case_id, payload)(session)

        return write

    def _decide(
        self, who: str, item: WorkItem, action: str, revealed: float
    ) -> Callable[[Session], None]:
        requires = self.policies[item.category].action(action).requires
        fields = {"rationale": RATIONALE} if "rationale" in requires else {}
        if "evidence" in requires:
            fields["evidence"] = EVIDENCE

        def write(session: Session) -> None:
            case = session.get_one(Case, item.case_id)
            payload = {
                "action": action,
                "exposure": {
                    "unfiltered_seconds": round(revealed, 3),
                    "reveals": int(revealed > 0),
                },
                "category": item.category,
                "subcategory": item.subcategory if SUBCATEGORY in requires else None,
                "rationale": fields.get("rationale", ""),
                "fields": fields,
                "prior_decision": case.decision_event_id,
            }
            self._event(who, K.DECISION_RECORDED, item.case_id, payload)(session)

        return write
