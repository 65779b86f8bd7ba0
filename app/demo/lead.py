"""A lead's demo: three weeks of team history, written as real events through the store.

Eight synthetic moderators (accounts whose passwords are never shown) work a few cases
each working day: lease, view, sometimes reveal, decide or escalate; the analyst settles
escalations. The lead's QA rules are in force from the start: each evening the real
`AuditDraw` picks decisions and the lead re-reviews them blind through `BlindReview`,
except the last days' picks, which wait for the lead in `make run`. Gold cases are
marked on day three and `GoldMixer` mixes copies into each day's intake; one
calibration session ran in the second week. Nothing harmful: the cases reuse the demo's
safe photos and procedural stand-ins (see app/demo/cases.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import numpy as np
from sqlalchemy import func, select

from app.demo.lead_work import Person, TeamDay, WorkItem
from app.demo.progress import Progress, quiet
from app.domain.people import Accounts
from app.domain.policies import PolicySet
from app.log.clock import Clock
from app.log.store import LocalStore
from app.qa.assign import AuditDraw
from app.qa.blind import BlindReview
from app.qa.calibration_sessions import Calibration
from app.qa.gold_mixing import GoldMixer
from app.qa.gold_sets import GoldSets
from app.qa.people import person
from app.qa.rules import QaRules
from app.qa.secret import lead_secret
from app.quality.sampling import SamplingRule
from db.models import QaAudit

HISTORY_DAYS = 21
PROGRESS_EVERY = 5  # working days between two progress lines
PENDING_AUDIT_DAYS = 3
# username, display name, accuracy (share of calls matching the right answer), speed factor
MODERATORS = (
    ("amara", "Amara", 0.95, 0.8),
    ("bruno", "Bruno", 0.90, 1.0),
    ("chen", "Chen", 0.92, 1.3),
    ("dalia", "Dalia", 0.80, 0.9),
    ("emeka", "Emeka", 0.88, 1.1),
    ("freya", "Freya", 0.94, 1.6),
    ("goran", "Goran", 0.76, 0.7),
    ("hana", "Hana", 0.90, 1.0),
)


class DemoClock:
    """A clock the history moves by hand, so events carry their historical times."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def now(self) -> datetime:
        """The time the history is at."""
        return self.at


@dataclass
class LeadDemoReport:
    """What the lead demo wrote."""

    days: int = HISTORY_DAYS
    decisions: int = 0
    audits_done: int = 0
    audits_pending: int = 0
    gold_copies: int = 0

    def summary(self) -> str:
        """One line for the terminal."""
        return (
            f"lead demo: {self.decisions} decisions by {len(MODERATORS)} moderators over "
            f"{self.days} days, {self.audits_done} audited, {self.audits_pending} waiting "
            f"for blind re-review, {self.gold_copies} gold copies mixed in"
        )


def seed_lead_demo(
    store: LocalStore,
    policies: PolicySet,
    seed: int = 11,
    days: int = HISTORY_DAYS,
    progress: Progress = quiet,
) -> LeadDemoReport:
    """Write `days` of lead demo history into a store that holds the demo (app/demo/cases.py).

    progress hears a line every few working days, with the decisions written so far."""
    real_clock: Clock = store.clock
    clock = DemoClock(real_clock.now())
    store.clock = clock
    try:
        history = _History(store, policies, clock, np.random.default_rng(seed), progress)
        return history.run(days)
    finally:
        store.clock = real_clock


class _History:
    """Writes the history, one working day after another."""

    def __init__(
        self,
        store: LocalStore,
        policies: PolicySet,
        clock: DemoClock,
        rng: np.random.Generator,
        progress: Progress,
    ) -> None:
        self.store, self.policies, self.clock = store, policies, clock
        self.progress = progress
        self.today = clock.at.date()
        self.lead = person(store, "lead")
        self.seed = lead_secret(store.data_dir)
        analyst = Person(person(store, "analyst"), 0.95, 1.0)
        self.team = TeamDay(store, policies, rng, _moderators(store), analyst, self._at)
        self.report = LeadDemoReport()

    def run(self, history_days: int) -> LeadDemoReport:
        zone = self.clock.at.tzinfo
        self.report.days = history_days
        days = [self.today - timedelta(days=n) for n in range(history_days, 0, -1)]
        workdays = [d for d in days if d.weekday() < 5]
        self._at(datetime.combine(days[0], time(7), zone))
        self._set_rules()
        for index, day in enumerate(workdays):
            self._day(index, datetime.combine(day, time(), zone))
            if (index + 1) % PROGRESS_EVERY == 0 or index + 1 == len(workdays):
                self.progress(
                    f"team history: working day {index + 1} of {len(workdays)}, "
                    f"{self.report.decisions} decisions"
                )
        self.report.audits_pending = self._pending()
        return self.report

    def _day(self, index: int, midnight: datetime) -> None:
        self._at(midnight + timedelta(hours=8))
        self.team.ingest(midnight)
        self.report.gold_copies += sum(self._mixer().mix().inserted.values())
        self.report.decisions += self.team.work(midnight)
        if index == 2:
            self._mark_gold(midnight + timedelta(hours=18))
        if index == 6:
            self._calibration(midnight)
        self._at(midnight + timedelta(hours=18, minutes=30))
        AuditDraw(self.store, self.lead, self.seed).run()
        if (self.today - midnight.date()).days > PENDING_AUDIT_DAYS:
            self._audit(midnight)

    def _set_rules(self) -> None:
        rules = QaRules(self.store)
        for queue in sorted({p.queue for p in self.policies}):
            top = max(max(p.severity_labels) for p in self.policies if p.queue == queue)
            rules.set_rule(self.lead, SamplingRule(queue, 8.0, True, True, top), 0.04, self.seed)

    def _mixer(self) -> GoldMixer:
        return GoldMixer(self.store, self.lead, self.seed)

    def _mark_gold(self, at: datetime) -> None:
        self._at(at)
        gold = GoldSets(self.store, self.policies, self.lead)
        for item in _per_queue(self.policies, self.team.decided, 2):
            gold.mark(item.case_id, item.truth, "Settled in the weekly policy review.")

    def _calibration(self, midnight: datetime) -> None:
        self._at(midnight + timedelta(hours=9))
        items = _per_queue(self.policies, self.team.decided[-200:], 1)[:6]
        team = [*self.team.people, self.team.analyst]
        lead_desk = Calibration(self.store, self.policies, self.lead)
        session = lead_desk.open_session(
            "Borderline cases, week 2",
            [i.case_id for i in items],
            [p.reviewer.username for p in team],
        )
        for n, member in enumerate(team):
            self._at(midnight + timedelta(hours=10, minutes=7 * n))
            desk = Calibration(self.store, self.policies, member.reviewer)
            for item in items:
                desk.vote(session.session_id, item.case_id, self.team.call(member, item))
        self._at(midnight + timedelta(hours=17))
        lead_desk.close(session.session_id)

    def _audit(self, midnight: datetime) -> None:
        """The lead re-reviews, blind, everything drawn so far."""
        desk = BlindReview(self.store, self.policies, self.lead)
        auditor = Person(self.lead, 0.93, 1.0)
        for n, item in enumerate(desk.worklist()):
            self._at(midnight + timedelta(hours=19, seconds=50 * n))
            case = desk.open(item.decision_event_id)
            work = WorkItem(
                case.case_id, case.category, case.subcategory, self._truth(case.case_id)
            )
            action = self.team.call(auditor, work)
            desk.record_call(item.decision_event_id, case.category, action)
            self._at(self.clock.at + timedelta(seconds=20))
            if desk.original(item.decision_event_id).action == action:
                desk.submit_verdict(item.decision_event_id, agree=True)
            else:
                policy = self.policies[case.category]
                label = policy.action(action).label.lower()
                note = f"The {policy.name.lower()} guidelines call for {label} here."
                desk.submit_verdict(item.decision_event_id, False, case.category, action, note)
            self.report.audits_done += 1

    def _truth(self, case_id: str) -> str:
        return self.team.truth[case_id]

    def _pending(self) -> int:
        with self.store.transaction() as session:
            query = select(func.count()).select_from(QaAudit).where(QaAudit.verdict.is_(None))
            return session.scalar(query) or 0

    def _at(self, moment: datetime) -> None:
        self.clock.at = moment


def _per_queue(policies: PolicySet, items: list[WorkItem], n: int) -> list[WorkItem]:
    """The first n items of each queue."""
    picked: dict[str, list[WorkItem]] = {}
    for item in items:
        queue = picked.setdefault(policies[item.category].queue, [])
        if len(queue) < n:
            queue.append(item)
    return [item for queue in picked.values() for item in queue]


def _moderators(store: LocalStore) -> list[Person]:
    accounts = Accounts(store)
    people = []
    for username, display, accuracy, speed in MODERATORS:
        # History-only accounts: the random password is never shown or stored in clear.
        password = secrets.token_urlsafe(18)
        reviewer = accounts.add(username, password, "moderator", display)
        people.append(Person(reviewer, accuracy, speed))
    return people
