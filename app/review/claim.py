"""Claim next as SQL: the lowest priority key a reviewer may work, by index seeks only.

A reviewer's *pool* is every (queue, status, severity) they may claim from: status "new"
in review queues, "escalated" in escalation queues. Each becomes one probe that reads the
first row of `ix_cases_claim` (queue, status, severity, priority_key, case_no); the
probes are joined with UNION ALL and the smallest key wins through MIN(), so the plan
has no sort and no temporary B-tree whatever the queue depth. The SQL runs on the raw
sqlite3 connection (inside the caller's transaction when there is one): the statement is
prepared once and cached by the driver, which keeps the project's overhead near raw
sqlite3's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.domain.people import Reviewer
from app.domain.queues import QueueSet

# Excluded case numbers (skips) are bound parameters; beyond this many only the newest count.
MAX_EXCLUDED = 200


@dataclass(frozen=True)
class Probe:
    """One index seek: the first claimable case of a queue, status and severity."""

    queue: str
    status: str
    severity: int


@dataclass(frozen=True)
class Candidate:
    """The case claim-next would hand out."""

    case_no: int
    case_id: str
    priority_key: int


def pool(reviewer: Reviewer, queues: QueueSet) -> tuple[Probe, ...]:
    """Every probe of the queues this reviewer may work."""
    return tuple(
        Probe(q.id, "escalated" if q.escalation else "new", severity)
        for q in queues.workable(reviewer)
        for severity in sorted(q.sla_minutes)
    )


class ClaimQuery:
    """The claim-next statement for one pool, clearance set and exclusion list."""

    def __init__(
        self, probes: Sequence[Probe], clearances: Iterable[str], exclude: Sequence[int] = ()
    ) -> None:
        self.probes = tuple(probes)
        cleared = sorted(clearances)
        excluded = list(exclude)[-MAX_EXCLUDED:]
        self.sql = _statement(len(self.probes), len(cleared), len(excluded))
        params: list[object] = []
        for probe in self.probes:
            params += [probe.queue, probe.status, probe.severity, *cleared, *excluded]
        self.params = tuple(params)

    def run(self, conn: sqlite3.Connection) -> Candidate | None:
        """The best candidate, or None when the pool is empty."""
        if not self.probes:
            return None
        row = conn.execute(self.sql, self.params).fetchone()
        if row is None or row[0] is None:
            return None
        return Candidate(int(row[0]), str(row[1]), int(row[2]))

    def plan(self, conn: sqlite3.Connection) -> list[str]:
        """EXPLAIN QUERY PLAN lines (the benchmark checks them for temporary B-trees)."""
        rows = conn.execute(f"EXPLAIN QUERY PLAN {self.sql}", self.params).fetchall()
        return [str(r[-1]) for r in rows]


def _statement(probes: int, clearances: int, excluded: int) -> str:
    clearance = "clearance IS NULL"
    if clearances:
        clearance = f"(clearance IS NULL OR clearance IN ({', '.join('?' * clearances)}))"
    skip = f" AND case_no NOT IN ({', '.join('?' * excluded)})" if excluded else ""
    probe = (
        "SELECT case_no, case_id, priority_key FROM cases"
        f" WHERE queue = ? AND status = ? AND severity = ? AND {clearance}{skip}"
        " ORDER BY priority_key, case_no LIMIT 1"
    )
    union = " UNION ALL ".join(f"SELECT * FROM ({probe})" for _ in range(probes))
    return f"SELECT case_no, case_id, MIN(priority_key) FROM ({union})"


def own_lease(conn: sqlite3.Connection, username: str) -> Candidate | None:
    """The most urgent case already leased to this reviewer (assigned by a lead, or resumed)."""
    row = conn.execute(
        "SELECT case_no, case_id, priority_key FROM cases"
        " WHERE status = 'leased' AND leased_by = ? ORDER BY priority_key LIMIT 1",
        (username,),
    ).fetchone()
    return None if row is None else Candidate(int(row[0]), str(row[1]), int(row[2]))


def expired_leases(conn: sqlite3.Connection, now_iso: str) -> list[str]:
    """Case ids whose lease ran out before now."""
    rows = conn.execute(
        "SELECT case_id FROM cases WHERE status = 'leased' AND lease_expires_at < ?", (now_iso,)
    )
    return [str(r[0]) for r in rows]


def earliest_deadline_after(
    conn: sqlite3.Connection, pairs: Iterable[tuple[str, str]], now_iso: str
) -> str | None:
    """The earliest SLA deadline still ahead among these (queue, status) pairs."""
    best: str | None = None
    sql = "SELECT MIN(sla_deadline) FROM cases WHERE queue = ? AND status = ? AND sla_deadline > ?"
    for queue, status in pairs:
        found = conn.execute(sql, (queue, status, now_iso)).fetchone()[0]
        if found is not None and (best is None or found < best):
            best = str(found)
    return best
