"""Mix gold cases into queues at the queue's gold rate, as cases no reviewer can tell apart.

Runs on the lead's workstation, which holds the seed. Each real case that enters a queue
after its rule was set is a position (0, 1, 2... in arrival order); position i gets a gold
copy next to it when `app.quality.gold.should_insert_gold(rate, i, seed)` says so, with a
seed derived from the lead's secret, the queue and the rule version, so no index is ever
drawn twice with one seed and queues are independent.

A copy is a new `case.ingested` event with the gold case's report (text, media by hash,
category, severity, queue) and its neighbour's report time, so it sorts among the cases
around it and its SLA runs like theirs, followed by a `gold.inserted` event saying which
gold case it copies. Gold cases serve the queue they came in through. The ingest
payload has the same fields as any other case; which cases are copies is known only from
`gold.inserted`, which is for leads. Claiming needs no change: a copy is claimed, leased
and decided like every other case, and `gold_sets.gold_score` scores the decisions.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.domain.kinds import EventKind
from app.domain.people import Reviewer
from app.log.events import uuid7
from app.log.store import LocalStore
from app.qa.rules import QaRules, QueueRule, require_lead
from app.qa.secret import derived_seed, fingerprint
from app.quality.gold import should_insert_gold
from db.models import Case, Event, GoldCaseRow, GoldCopy

GOLD_PICK_DOMAIN = "veil.gold.pick"
# Fields of an ingest payload that belong to that report's moment, not to its content.
COPY_DROPS = ("sla_started_at", "sla_deadline")


@dataclass
class MixReport:
    """Copies inserted per queue, and queues that could not be served."""

    inserted: Counter[str] = field(default_factory=Counter)
    no_gold: list[str] = field(default_factory=list)
    foreign_seed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for a status bar or the CLI."""
        total = sum(self.inserted.values())
        line = f"{total} gold case(s) mixed into queues"
        if self.no_gold:
            line += f"; no gold cases yet for: {', '.join(self.no_gold)}"
        if self.foreign_seed:
            line += f"; not mixed here (another lead's seed): {', '.join(self.foreign_seed)}"
        return line


class GoldMixer:
    """Inserts gold copies for every queue whose rule has a gold rate."""

    def __init__(self, store: LocalStore, lead: Reviewer, seed: bytes) -> None:
        require_lead(lead, "mix gold cases into queues")
        self._store = store
        self._lead = lead
        self._seed = seed

    def mix(self) -> MixReport:
        """Insert the copies every queue's draw asks for and does not have yet."""
        report = MixReport()
        for rule in QaRules(self._store).current().values():
            if rule.gold_rate <= 0:
                continue
            if rule.seed_fingerprint != fingerprint(self._seed):
                report.foreign_seed.append(rule.queue)
                continue
            with self._store.transaction() as session:
                report.inserted[rule.queue] += self._mix_queue(session, rule, report)
        return report

    def _mix_queue(self, session: Session, rule: QueueRule, report: MixReport) -> int:
        gold = self._candidates(session, rule.queue)
        if not gold:
            report.no_gold.append(rule.queue)
            return 0
        seed = derived_seed(self._seed, "veil.gold.queue", rule.queue, rule.event_id)
        taken = set(session.scalars(select(GoldCopy.position).where(GoldCopy.queue == rule.queue)))
        uses = Counter(session.scalars(select(GoldCopy.gold_case_id)))
        inserted = 0
        for index, neighbour in enumerate(self._positions(session, rule)):
            if neighbour.case_no in taken or not should_insert_gold(rule.gold_rate, index, seed):
                continue
            source = _pick(gold, uses, seed, neighbour.case_no)
            self._insert_copy(session, source, neighbour, rule.queue)
            uses[source] += 1
            inserted += 1
        return inserted

    def _candidates(self, session: Session, queue: str) -> list[str]:
        """Active gold cases that came in through this queue."""
        query = (
            select(GoldCaseRow.case_id)
            .join(Case, Case.case_id == GoldCaseRow.case_id)
            .join(Event, Event.id == Case.case_no)  # case_no is its ingest event's local id
            .where(GoldCaseRow.active.is_(True), _ingest_queue() == queue)
        )
        return sorted(session.scalars(query))

    def _positions(self, session: Session, rule: QueueRule) -> list[Case]:
        """Real cases that arrived in the queue after the rule, in arrival order."""
        # By the queue each case was ingested into: an escalated case has moved on since.
        query = (
            select(Case)
            .join(Event, Event.id == Case.case_no)
            .where(
                _ingest_queue() == rule.queue,
                Case.case_no > rule.local_id,
                Case.case_id.not_in(select(GoldCopy.case_id)),
            )
            .order_by(Case.case_no)
        )
        return list(session.scalars(query))

    def _insert_copy(
        self, session: Session, gold_case_id: str, neighbour: Case, queue: str
    ) -> None:
        source = session.scalars(
            select(Event.payload).where(
                Event.case_id == gold_case_id, Event.kind == EventKind.CASE_INGESTED
            )
        ).one()
        payload = _copy_payload(source, neighbour)
        copy_id = uuid7()
        marker = {"gold_case": gold_case_id, "queue": queue, "position": neighbour.case_no}
        for kind, event_payload in (
            (EventKind.CASE_INGESTED, payload),
            (EventKind.GOLD_INSERTED, marker),
        ):
            self._store.append(
                session,
                actor=self._lead.username,
                kind=kind,
                case_id=copy_id,
                payload=event_payload,
            )
            session.flush()


def _copy_payload(source_json: str, neighbour: Case) -> dict[str, object]:
    """The gold case's report with a fresh id, reported when its neighbour was."""
    payload = dict(json.loads(source_json))
    # The SLA clock is the copy's own, from its report time, as for any new report.
    for key in COPY_DROPS:
        payload.pop(key, None)
    payload.update(external_id=uuid7(), reported_at=neighbour.reported_at)
    return payload


def _ingest_queue() -> ColumnElement[str]:
    """The queue a case was ingested into, from its case.ingested event."""
    return func.json_extract(Event.payload, "$.queue")


def _pick(gold: list[str], uses: Counter[str], seed: bytes, position: int) -> str:
    """The least-used gold case; ties broken by a keyed draw, so no fixed rotation shows."""
    fewest = min(uses[g] for g in gold)
    tied = [g for g in gold if uses[g] == fewest]
    draw = int.from_bytes(derived_seed(seed, GOLD_PICK_DOMAIN, str(position))[:8], "big")
    return tied[draw % len(tied)]
