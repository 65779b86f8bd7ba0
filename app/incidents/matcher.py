"""Containment: which open cases belong to which open incident.

A case matches an incident when one of its items lies within NEAR_DUPLICATE_DISTANCE
(app/dupes/phash.py, the near-duplicate rule) of one of the incident's seed hashes, or
when its title, report reason or text holds one of the incident's terms (whole words,
any case). The comparison is one numpy XOR and popcount of every case hash against
every seed hash, in blocks, so 10,000 intakes against 1,000 seeds is one pass.

`plan` reads (never writes) and may run on any thread; `IncidentDesk.link` writes the
links in one transaction. The workstation runs both off the UI thread when cases arrive
(an import, a pull) and when an incident's seeds or terms change; run with no bound, it
also sweeps cases already waiting in any queue.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.people import Reviewer, cleared_sql
from app.dupes.phash import NEAR_DUPLICATE_DISTANCE
from app.incidents import access, queues
from app.incidents.commands import IncidentDesk, LinkPlan, incident_of
from app.incidents.folds import MOVABLE
from app.incidents.models import Incident, IncidentCase, IncidentSeed
from app.log.events import EventRecord
from db.models import Case, MediaHash

BLOCK = 4096  # case hashes compared against every seed at once


@dataclass(frozen=True)
class Seeds:
    """Every open incident's seed hashes as arrays, and their terms as patterns."""

    incident_ids: list[str]
    owner: np.ndarray  # index into incident_ids, per seed hash
    hashes: np.ndarray  # uint64
    items: list[str]  # seed sha256 per seed hash
    terms: dict[str, tuple[re.Pattern[str], list[str]]]

    @property
    def empty(self) -> bool:
        """No open incident has a seed or a term."""
        return not len(self.hashes) and not self.terms


def load_seeds(session: Session, reviewer: Reviewer) -> Seeds:
    """The open incidents this person may see, with their seeds and terms."""
    open_rows = session.execute(
        select(Incident.incident_id, Incident.clearance, Incident.terms).where(
            Incident.status == "open"
        )
    ).all()
    visible = [r for r in open_rows if access.may_see(reviewer, r.clearance)]
    ids = sorted(r.incident_id for r in visible)
    position = {incident_id: n for n, incident_id in enumerate(ids)}
    rows = (
        session.connection()
        .execute(
            select(IncidentSeed.incident_id, IncidentSeed.sha256, IncidentSeed.phash)
            .where(IncidentSeed.incident_id.in_(ids))
            .order_by(IncidentSeed.incident_id, IncidentSeed.sha256, IncidentSeed.frame)
        )
        .all()
    )
    terms = {}
    for row in visible:
        words = [t for t in json.loads(row.terms) if t]
        if words:
            terms[row.incident_id] = (term_pattern(words), words)
    return Seeds(
        incident_ids=ids,
        owner=np.array([position[r[0]] for r in rows], dtype=np.int32),
        hashes=np.fromiter((r[2] for r in rows), np.int64, len(rows)).view(np.uint64),
        items=[r[1] for r in rows],
        terms=terms,
    )


def term_pattern(terms: Sequence[str]) -> re.Pattern[str]:
    """One pattern finding any of the terms as whole words, in any case."""
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def match_hashes(
    seeds: Seeds, case_ids: Sequence[str], values: np.ndarray
) -> dict[tuple[str, str], tuple[int, str]]:
    """(incident, case) -> (distance, seed item) of the nearest seed within the distance,
    for case hashes `values` (uint64) belonging to `case_ids` (one per hash)."""
    found: dict[tuple[str, str], tuple[int, str]] = {}
    if not len(seeds.hashes) or not len(values):
        return found
    for start in range(0, len(values), BLOCK):
        block = values[start : start + BLOCK]
        distances = np.bitwise_count(np.bitwise_xor(block[:, None], seeds.hashes[None, :]))
        near = distances <= NEAR_DUPLICATE_DISTANCE
        hit_rows = np.flatnonzero(near.any(axis=1))  # few: look closer at those only
        rows, cols = np.nonzero(near[hit_rows])
        for r, c in zip(hit_rows[rows].tolist(), cols.tolist(), strict=True):
            key = (seeds.incident_ids[seeds.owner[c]], case_ids[start + r])
            d = int(distances[r, c])
            if key not in found or d < found[key][0]:
                found[key] = (d, seeds.items[c])
    return found


def plan(
    session: Session,
    reviewer: Reviewer,
    *,
    after_case_no: int = 0,
    case_ids: Iterable[str] | None = None,
) -> list[LinkPlan]:
    """The links to make: open cases this person may see (those after a case number, or
    these ones) that match an open incident they are not linked to yet.

    Plain Core rows (no ORM objects), the hashes straight into numpy, and the cases'
    text only when an incident has terms: a pass over 10,000 intakes stays about as
    cheap as the near-duplicate index's own query (bench/README.md)."""
    seeds = load_seeds(session, reviewer)
    if seeds.empty:
        return []
    conn = session.connection()
    scope = [
        Case.status.in_(MOVABLE),
        Case.case_no > after_case_no,
        cleared_sql(Case.clearance, reviewer.clearances),
    ]
    if case_ids is not None:
        scope.append(Case.case_id.in_(sorted(set(case_ids))))
    linked = {
        (r[0], r[1])
        for r in conn.execute(
            select(IncidentCase.incident_id, IncidentCase.case_id).where(
                IncidentCase.incident_id.in_(seeds.incident_ids)
            )
        )
    }
    hash_rows = conn.execute(
        select(MediaHash.case_id, MediaHash.phash)
        .join(Case, Case.case_id == MediaHash.case_id)
        .where(*scope)
    ).all()
    owners = [r[0] for r in hash_rows]
    values = np.fromiter((r[1] for r in hash_rows), np.int64, len(hash_rows)).view(np.uint64)
    plans: dict[tuple[str, str], LinkPlan] = {}
    for (incident_id, case_id), (d, item) in match_hashes(seeds, owners, values).items():
        if (incident_id, case_id) not in linked:
            plans[(incident_id, case_id)] = LinkPlan(incident_id, case_id, "seed", d, item)
    if seeds.terms:
        texts = conn.execute(
            select(Case.case_id, Case.title, Case.report_reason, Case.body_text).where(*scope)
        ).all()
        for incident_id, (pattern, _words) in seeds.terms.items():
            for c in texts:
                if (incident_id, c.case_id) in linked or (incident_id, c.case_id) in plans:
                    continue
                hit = pattern.search(f"{c.title}\n{c.report_reason}\n{c.body_text}")
                if hit is not None:
                    plans[(incident_id, c.case_id)] = LinkPlan(
                        incident_id, c.case_id, "terms", term=hit.group(0).lower()
                    )
    return sorted(plans.values(), key=lambda p: (p.incident_id, p.case_id))


def contain(
    desk: IncidentDesk, *, after_case_no: int = 0, case_ids: Iterable[str] | None = None
) -> list[EventRecord]:
    """Plan in a read snapshot, then link in one write transaction (a case another
    workstation linked meanwhile is skipped). Run it off the UI thread."""
    if not access.may_author(desk.reviewer):
        return []
    with desk.store.read() as session:
        plans = plan(session, desk.reviewer, after_case_no=after_case_no, case_ids=case_ids)
        left = stranded(session, desk.reviewer)
    records: list[EventRecord] = []
    for incident_id in left:
        records += desk.return_cases(incident_id)
    if not plans:
        return records
    still_open = {p.incident_id for p in plans}
    with desk.store.read() as session:
        still_open = {
            i
            for i in still_open
            if (row := session.get(Incident, i)) is not None and row.status == "open"
        }
    linked = desk.link([p for p in plans if p.incident_id in still_open])
    records += linked
    for incident_id in sorted({incident_of(r) for r in linked}):
        marked = desk.mark_surge(incident_id)
        if marked is not None:
            records.append(marked)
    return records


def stranded(session: Session, reviewer: Reviewer) -> list[str]:
    """Resolved incidents whose queue still holds open cases (linked offline elsewhere
    and synced after the resolution): those cases go back to their queues too."""
    held = session.scalars(
        select(Case.queue)
        .where(
            Case.queue >= queues.PREFIX,
            Case.queue < queues.PREFIX[:-1] + ".",  # the queue index's range of the prefix
            Case.status.in_(MOVABLE),
        )
        .distinct()
    ).all()
    ids = [q.removeprefix(queues.PREFIX) for q in held if q != queues.LEGACY_QUEUE]
    rows = session.scalars(
        select(Incident).where(Incident.incident_id.in_(ids), Incident.status == "resolved")
    ).all()
    return sorted(r.incident_id for r in rows if access.may_see(reviewer, r.clearance))


def newest_case_no(session: Session) -> int:
    """The highest case number the store holds (where the next sweep starts)."""
    return int(session.scalar(select(func.max(Case.case_no))) or 0)
