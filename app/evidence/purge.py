"""The purge worker: media of closed cases leaves this workstation's cache when its
retention rule says so, unless a hold protects it; each purge is an event.

A blob goes only when every case that uses it is closed, due (closed at least `days`
ago; the time a case closed is that of its last closing event) and not held, where a
hold with scope "linked" also holds every case linked to its case, transitively. The
purge event is written first, then the files removed: a crash in between leaves the
media for the next round, never a removal without its record. Cases, decisions and the
audit trail stay; only media bytes go.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.kinds import EventKind as K
from app.evidence import kinds
from app.evidence.models import Hold
from app.evidence.retention import RetentionPolicy, Rule
from app.log.clock import iso
from app.log.store import LocalStore
from db.models import Case, CaseLink, Event, MediaItem

CLOSING = (K.CASE_CLOSED, K.DECISION_RECORDED, K.CASE_ADJUDICATED)


@dataclass
class PurgeReport:
    """What one round did: media purged per case, cases kept by a hold."""

    purged: dict[str, list[str]] = field(default_factory=dict)
    held: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal or the log."""
        files = sum(len(s) for s in self.purged.values())
        text = f"{files} media file(s) of {len(self.purged)} closed case(s) purged"
        return text + (f"; {len(self.held)} case(s) kept under a legal hold" if self.held else "")


def held_cases(session: Session) -> set[str]:
    """Cases under an active hold, with linked cases of "linked" holds, transitively."""
    active = session.execute(select(Hold.case_id, Hold.scope).where(Hold.lifted_at.is_(None))).all()
    held = {row.case_id for row in active}
    frontier = [row.case_id for row in active if row.scope == "linked"]
    links: dict[str, set[str]] = defaultdict(set)
    if frontier:
        for a, b in session.execute(select(CaseLink.case_id, CaseLink.other_case_id)):
            links[a].add(b)
            links[b].add(a)
    while frontier:
        for other in links[frontier.pop()] - held:
            held.add(other)
            frontier.append(other)
    return held


def purge_round(store: LocalStore, policy: RetentionPolicy, actor: str) -> PurgeReport:
    """One round: record and remove every due, unheld blob of closed cases."""
    with store.read() as session:
        due, held = _due(session, policy, store.clock.now())
    report = PurgeReport(held=sorted(held))
    present = {case: [s for s in found.shas if store.blobs.has(s)] for case, found in due.items()}
    if not any(present.values()):
        return report
    with store.transaction() as session:
        for case_id, shas in sorted(present.items()):
            if not shas:
                continue
            found = due[case_id]
            payload = {
                "sha256s": sorted(shas),
                "where": "workstation",
                "device_id": store.device_id,
                "rule": found.rule.name,
                "days": found.rule.days,
                "closed_at": found.closed_at,
            }
            store.append(
                session, actor=actor, kind=kinds.MEDIA_PURGED, case_id=case_id, payload=payload
            )
            report.purged[case_id] = sorted(shas)
    for shas in report.purged.values():
        for sha in shas:
            store.blobs.remove(sha)
    return report


@dataclass
class Due:
    """A closed case whose retention ran out: the media it alone (with other due cases)
    uses, its rule and when it closed."""

    rule: Rule
    closed_at: str
    shas: list[str] = field(default_factory=list)


def _due(
    session: Session, policy: RetentionPolicy, now: datetime
) -> tuple[dict[str, Due], set[str]]:
    """Per due, unheld closed case: its purgeable shas, its rule, when it closed; and the
    closed cases a hold kept."""
    closed = dict(
        session.execute(select(Case.case_id, Case.category).where(Case.status == "closed")).all()
    )
    if not closed:
        return {}, set()
    closed_at = dict(
        session.execute(
            select(Event.case_id, func.max(Event.created_at))
            .where(Event.case_id.in_(closed), Event.kind.in_([str(k) for k in CLOSING]))
            .group_by(Event.case_id)
        ).all()
    )
    held = held_cases(session)
    ready: dict[str, Due] = {}
    for case_id, category in closed.items():
        rule, at = policy.rule_for(category), closed_at.get(case_id)
        if at is not None and case_id not in held and _is_due(at, rule.days, now):
            ready[case_id] = Due(rule, at)
    users: dict[str, set[str]] = defaultdict(set)
    for case_id, sha in session.execute(select(MediaItem.case_id, MediaItem.sha256)):
        users[sha].add(case_id)
    for sha, cases in users.items():
        if cases <= ready.keys():
            for case_id in cases:
                ready[case_id].shas.append(sha)
    return {c: d for c, d in ready.items() if d.shas}, held & closed.keys()


def _is_due(closed_at: str, days: int, now: datetime) -> bool:
    moment = datetime.fromisoformat(closed_at.replace("Z", "+00:00"))
    return iso(moment + timedelta(days=days)) <= iso(now)
