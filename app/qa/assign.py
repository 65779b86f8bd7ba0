"""Draw decisions for QA audit with each queue's rule, on the lead's workstation.

For every decision not yet drawn, the rule in force for its queue when it was made
decides (`app.quality.sampling.audit_reason`: highest severity, escalation outcome, or
the keyed random draw). Picks become `qa.assigned` events. The draw is deterministic for
a seed, so running it again only adds picks for decisions that arrived since; decisions
on gold copies are left out (they are scored against the gold answer instead).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from app.domain.kinds import EventKind
from app.domain.people import Reviewer
from app.log.clock import iso
from app.log.store import LocalStore
from app.qa.dataset import DECISION_COLUMNS, decision_of, read_snapshot
from app.qa.rules import QaRules, RuleBook, require_lead
from app.qa.secret import fingerprint
from app.quality.sampling import audit_reason

BATCH = 500
LOOKBACK_DAYS = 60
_Row = tuple[Any, ...]


@dataclass
class DrawReport:
    """What one draw did: picks per reason, and queues it could not draw for."""

    considered: int = 0
    picked: Counter[str] = field(default_factory=Counter)
    foreign_seed: list[str] = field(default_factory=list)

    @property
    def assigned(self) -> int:
        """Decisions newly drawn for audit."""
        return sum(self.picked.values())

    def summary(self) -> str:
        """One line for a status bar or the CLI."""
        reasons = ", ".join(f"{n} {r.replace('_', ' ')}" for r, n in sorted(self.picked.items()))
        line = f"{self.assigned} decision(s) drawn for QA of {self.considered} new"
        line += f" ({reasons})" if reasons else ""
        if self.foreign_seed:
            line += f"; not drawn here (another lead's seed): {', '.join(self.foreign_seed)}"
        return line


class AuditDraw:
    """Runs the QA draw for a lead holding the seed.

    Keep one instance for a session: it remembers how far it has looked (by the decision
    facts' row ids), so later runs only read what arrived since. Decisions made more than
    LOOKBACK_DAYS before a run are not drawn: an audit that late has no use.
    """

    def __init__(self, store: LocalStore, lead: Reviewer, seed: bytes) -> None:
        require_lead(lead, "draw decisions for QA")
        self._store = store
        self._lead = lead
        self._seed = seed
        self._seen_rowid = 0

    def run(self) -> DrawReport:
        """Draw every undrawn decision made under a rule this seed drew; write the picks."""
        book = RuleBook(QaRules(self._store).history())
        report = DrawReport()
        if not book.queues():
            return report
        rows, homes = self._undrawn()
        picks = [pick for row in rows if (pick := self._consider(book, row, homes, report))]
        self._write(picks)
        return report

    def _consider(
        self, book: RuleBook, row: _Row, homes: dict[str, str], report: DrawReport
    ) -> tuple[_Row, str] | None:
        decision = decision_of(row)
        rule = book.at(decision.queue, iso(decision.decided_at))
        if rule is None and decision.resolves_escalation and decision.case_id in homes:
            # An escalation outcome falls under the rule of the queue it was escalated from.
            rule = book.at(homes[decision.case_id], iso(decision.decided_at))
            decision = replace(decision, queue=homes[decision.case_id])
        if rule is None:
            return None
        if rule.seed_fingerprint != fingerprint(self._seed):
            if rule.queue not in report.foreign_seed:
                report.foreign_seed.append(rule.queue)
            return None
        report.considered += 1
        reason = audit_reason(rule.sampling, decision, self._seed)
        if reason is None:
            return None
        report.picked[reason.value] += 1
        return row, reason.value

    def _undrawn(self) -> tuple[list[_Row], dict[str, str]]:
        since = self._store.clock.now().timestamp() - LOOKBACK_DAYS * 86400
        with read_snapshot(self._store.engine) as cur:
            cur.execute(
                f"SELECT {DECISION_COLUMNS}, f.rowid FROM decision_facts f "
                "WHERE f.kind = 'decision' AND f.retracted = 0 AND f.rowid > ? "
                "AND f.decided_ts >= ? "
                "AND f.event_id NOT IN (SELECT decision_event_id FROM qa_audits) "
                "AND f.case_id NOT IN (SELECT case_id FROM gold_copies) ORDER BY f.rowid",
                (self._seen_rowid, since),
            )
            rows = cur.fetchall()
            cur.execute("SELECT case_id, queue FROM decision_facts WHERE kind = 'escalation'")
            homes = dict(cur.fetchall())
        if rows:
            self._seen_rowid = rows[-1][-1]
        return rows, homes

    def _write(self, picks: list[tuple[_Row, str]]) -> None:
        for start in range(0, len(picks), BATCH):
            with self._store.transaction() as session:
                for row, reason in picks[start : start + BATCH]:
                    d = decision_of(row)
                    self._store.append(
                        session,
                        actor=self._lead.username,
                        kind=EventKind.QA_ASSIGNED,
                        case_id=d.case_id,
                        payload={
                            "decision": d.event_id,
                            "reviewer": d.reviewer,
                            "queue": d.queue,
                            "policy": d.policy,
                            "action": d.action,
                            "reason": reason,
                        },
                    )
