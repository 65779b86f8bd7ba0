"""Per-queue QA rules set by a lead: the audit sampling rule and the gold rate.

A rule is a `qa.rule_set` event, so its whole history is in the log: a decision is
judged by the rule that was in force for its queue when it was made, and changing a
rule never re-draws decisions made under an earlier one.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace

from sqlalchemy import select

from app.domain.kinds import EventKind
from app.domain.people import Reviewer, Role
from app.log.events import EventRecord
from app.log.folding import record_of
from app.log.registry import decoded
from app.log.store import LocalStore
from app.qa.kinds import QaRuleSet
from app.qa.secret import fingerprint
from app.quality.sampling import SamplingRule
from app.review.reviewdesk import AccessDenied
from db.models import Event


@dataclass(frozen=True)
class QueueRule:
    """One version of a queue's QA rule, as a lead set it."""

    sampling: SamplingRule
    gold_rate: float
    set_by: str
    set_at: str
    seed_fingerprint: str
    event_id: str
    # Local id of the rule event: cases ingested after it count as gold positions.
    local_id: int

    @property
    def queue(self) -> str:
        """The queue this rule is for."""
        return self.sampling.queue


def require_lead(person: Reviewer, what: str) -> None:
    """AccessDenied unless person is a lead."""
    if not person.at_least(Role.LEAD):
        raise AccessDenied(f"only a team lead can {what}")


class QaRules:
    """Reads and writes the QA rules of every queue."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store

    def set_rule(
        self, lead: Reviewer, sampling: SamplingRule, gold_rate: float, seed: bytes
    ) -> EventRecord:
        """Record a new version of a queue's rule (leads only)."""
        require_lead(lead, "set QA rules")
        if not 0.0 <= gold_rate <= 0.5:
            raise ValueError(f"gold rate must be between 0 and 0.5, got {gold_rate}")
        payload = {
            "queue": sampling.queue,
            "percent": float(sampling.percent),
            "all_highest_severity": sampling.all_highest_severity,
            "all_escalations": sampling.all_escalations,
            "highest_severity": sampling.highest_severity,
            "gold_rate": float(gold_rate),
            "seed_fingerprint": fingerprint(seed),
        }
        with self._store.transaction() as session:
            return self._store.append(
                session,
                actor=lead.username,
                kind=EventKind.QA_RULE_SET,
                case_id=None,
                payload=payload,
            )

    def history(self) -> list[QueueRule]:
        """Every rule version, oldest first."""
        query = select(Event).where(Event.kind == EventKind.QA_RULE_SET).order_by(Event.id)
        with self._store.transaction() as session:
            rules = [_rule(row.id, record_of(row)) for row in session.scalars(query)]
        return [rule for rule in rules if rule is not None]

    def current(self) -> dict[str, QueueRule]:
        """The rule in force for each queue that has one."""
        return {rule.queue: rule for rule in sorted(self.history(), key=lambda r: r.set_at)}


class RuleBook:
    """Rule versions per queue, to look up the rule in force at a moment."""

    def __init__(self, history: list[QueueRule]) -> None:
        self._by_queue: dict[str, list[QueueRule]] = {}
        for rule in sorted(history, key=lambda r: r.set_at):
            self._by_queue.setdefault(rule.queue, []).append(rule)
        self._times = {q: [r.set_at for r in rules] for q, rules in self._by_queue.items()}

    def at(self, queue: str, moment: str) -> QueueRule | None:
        """The rule for queue in force at `moment` (ISO UTC), or None before the first."""
        times = self._times.get(queue)
        if not times:
            return None
        index = bisect.bisect_right(times, moment) - 1
        return self._by_queue[queue][index] if index >= 0 else None

    def queues(self) -> list[str]:
        """Queues with at least one rule."""
        return sorted(self._by_queue)


def _rule(local_id: int, rec: EventRecord) -> QueueRule | None:
    # A rule event whose payload does not decode is kept in the log and sets no rule.
    p = decoded(rec.kind, rec.payload, QaRuleSet)
    if p is None:
        return None
    sampling = SamplingRule(
        queue=p.queue,
        percent=p.percent,
        all_highest_severity=p.all_highest_severity,
        all_escalations=p.all_escalations,
    )
    if p.highest_severity is not None:
        sampling = replace(sampling, highest_severity=p.highest_severity)
    return QueueRule(
        sampling=sampling,
        gold_rate=p.gold_rate,
        set_by=rec.actor,
        set_at=rec.created_at,
        seed_fingerprint=p.seed_fingerprint,
        event_id=rec.event_id,
        local_id=local_id,
    )
