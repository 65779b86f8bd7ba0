"""Lead-tool records read from the projections, for metrics, dashboards, exports and reports.

Reads go through `read_snapshot`: a deferred SQLite transaction on a raw connection, so a
long dashboard query sees one consistent snapshot and never holds the write lock (the
store's own sessions begin IMMEDIATE). A `Scope` is a period in the team's time zone plus
optional queue and policy filters; every reader takes one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Engine

from app.log.clock import parse_iso
from app.quality.records import AuditVerdict, CaseSpan, Decision, ExposureDay

Cursor = Any  # a DB-API cursor of the sqlite3 module
OPEN_STATUSES = ("new", "leased", "escalated", "conflict")


@dataclass(frozen=True)
class Scope:
    """What a dashboard, export or report covers: [start, end), maybe one queue or policy."""

    start: datetime
    end: datetime
    queue: str | None = None
    policy: str | None = None
    tz: tzinfo = UTC

    @classmethod
    def days(
        cls,
        first: date,
        last: date,
        tz: tzinfo = UTC,
        queue: str | None = None,
        policy: str | None = None,
    ) -> Scope:
        """Whole local days first..last (inclusive) in tz."""
        if last < first:
            raise ValueError(f"the period ends ({last}) before it starts ({first})")
        start = datetime.combine(first, time(), tz)
        end = datetime.combine(last + timedelta(days=1), time(), tz)
        return cls(start, end, queue, policy, tz)

    @property
    def first_day(self) -> date:
        """The first local day covered."""
        return self.start.astimezone(self.tz).date()

    @property
    def last_day(self) -> date:
        """The last local day covered."""
        return (self.end.astimezone(self.tz) - timedelta(microseconds=1)).date()

    def label(self) -> str:
        """'2026-01-01 to 2026-01-31' plus the filters."""
        text = f"{self.first_day.isoformat()} to {self.last_day.isoformat()}"
        if self.queue:
            text += f", queue {self.queue}"
        if self.policy:
            text += f", policy {self.policy}"
        return text

    def team_wide(self) -> Scope:
        """The same period without queue and policy filters."""
        return replace(self, queue=None, policy=None)


@contextmanager
def read_snapshot(engine: Engine) -> Iterator[Cursor]:
    """A cursor inside one deferred read transaction (WAL: writers are never blocked)."""
    raw = engine.raw_connection()
    cursor = raw.cursor()
    try:
        cursor.execute("BEGIN")
        yield cursor
    finally:
        cursor.execute("ROLLBACK")
        cursor.close()
        raw.close()


def fact_filter(scope: Scope, alias: str = "f") -> tuple[str, list[object]]:
    """SQL condition and parameters selecting decision facts in scope (not retracted)."""
    sql = f"{alias}.retracted = 0 AND {alias}.decided_ts >= ? AND {alias}.decided_ts < ?"
    params: list[object] = [scope.start.timestamp(), scope.end.timestamp()]
    if scope.queue:
        sql += f" AND {alias}.queue = ?"
        params.append(scope.queue)
    if scope.policy:
        sql += f" AND {alias}.policy = ?"
        params.append(scope.policy)
    return sql, params


def utc(ts: float) -> datetime:
    """An aware UTC datetime from epoch seconds."""
    return datetime.fromtimestamp(ts, UTC)


DECISION_COLUMNS = (
    "f.event_id, f.case_id, f.reviewer, f.queue, f.policy, f.action, f.claimed_ts, "
    "f.decided_ts, f.severity, f.deadline_ts, f.escalated, f.resolves_escalation"
)


def decision_of(row: Sequence[Any]) -> Decision:
    """A `Decision` record from a row starting with DECISION_COLUMNS."""
    return Decision(
        event_id=row[0],
        case_id=row[1],
        reviewer=row[2],
        queue=row[3],
        policy=row[4],
        action=row[5],
        claimed_at=utc(row[6]),
        decided_at=utc(row[7]),
        severity=int(row[8]),
        deadline=None if row[9] is None else utc(row[9]),
        escalated=bool(row[10]),
        resolves_escalation=bool(row[11]),
    )


def decisions(cur: Cursor, scope: Scope) -> list[Decision]:
    """Decisions and escalations in scope, oldest first (gold copies included)."""
    where, params = fact_filter(scope)
    cur.execute(
        f"SELECT {DECISION_COLUMNS} FROM decision_facts f WHERE {where} ORDER BY f.decided_ts",
        params,
    )
    return [decision_of(row) for row in cur.fetchall()]


def gold_decisions(cur: Cursor, scope: Scope) -> list[Decision]:
    """Decisions on gold copies in scope, with case_id set to the gold case they copy."""
    where, params = fact_filter(scope)
    cur.execute(
        # CROSS JOIN keeps the (small) copies table outermost: SQLite would otherwise walk
        # every decision of the period looking for the few on copies.
        f"SELECT {DECISION_COLUMNS}, g.gold_case_id FROM gold_copies g "
        f"CROSS JOIN decision_facts f ON f.case_id = g.case_id "
        f"WHERE f.kind = 'decision' AND {where}",
        params,
    )
    return [replace(decision_of(row), case_id=row[-1]) for row in cur.fetchall()]


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One QA audit as exports and dashboards need it."""

    decision_event_id: str
    case_id: str
    reviewer: str
    queue: str
    policy: str
    original_action: str
    reason: str
    assigned_at: str
    decided_ts: float
    auditor: str | None
    blind_policy: str | None
    blind_action: str | None
    verdict: str | None
    corrected_policy: str | None
    corrected_action: str | None
    note: str
    verdict_at: str | None

    @property
    def blind_label(self) -> str | None:
        """The auditor's blind call as a label comparable with the original action."""
        if self.blind_action is None:
            return None
        same_policy = self.blind_policy in (None, self.policy)
        return self.blind_action if same_policy else f"{self.blind_policy}:{self.blind_action}"


def audits(cur: Cursor, scope: Scope) -> list[AuditRow]:
    """QA audits of decisions made in scope, oldest decision first."""
    where, params = fact_filter(scope)
    cur.execute(
        "SELECT a.decision_event_id, a.case_id, a.reviewer, a.queue, a.policy, "
        "a.original_action, a.reason, a.assigned_at, f.decided_ts, a.auditor, a.blind_policy, "
        "a.blind_action, a.verdict, a.corrected_policy, a.corrected_action, a.note, a.verdict_at "
        # Audits outermost (a few percent of the decisions), each found by primary key.
        "FROM qa_audits a CROSS JOIN decision_facts f ON f.event_id = a.decision_event_id "
        f"WHERE {where} ORDER BY f.decided_ts",
        params,
    )
    return [AuditRow(*row) for row in cur.fetchall()]


def blind_verdicts(rows: Sequence[AuditRow]) -> list[AuditVerdict]:
    """Original action against the auditor's blind call, for audits that have one.

    The blind call was recorded before the auditor saw the original, so agreement and
    kappa computed from it are free of anchoring on the reviewer's answer.
    """
    return [
        AuditVerdict(
            r.decision_event_id,
            r.reviewer,
            r.auditor or "",
            r.policy,
            r.original_action,
            r.blind_label or "",
        )
        for r in rows
        if r.blind_action is not None
    ]


def exposure_days(cur: Cursor, scope: Scope, graphic: Sequence[str]) -> list[ExposureDay]:
    """Every reviewer-day worked in the period (UTC days), team-wide, zeros included."""
    marks = ",".join("?" for _ in graphic) or "NULL"
    cur.execute(
        "SELECT e.reviewer, e.day, "
        f"SUM(CASE WHEN e.category IN ({marks}) THEN e.items_viewed ELSE 0 END), "
        "SUM(e.unfiltered_seconds) FROM exposure_case_days e INDEXED BY ix_exposure_day "
        "WHERE e.day >= ? AND e.day < ? GROUP BY e.day, e.reviewer",
        [*graphic, _utc_day(scope.start), _utc_day(scope.end)],
    )
    return [
        ExposureDay(reviewer, date.fromisoformat(day), int(items), float(seconds))
        for reviewer, day, items, seconds in cur.fetchall()
    ]


def open_cases(cur: Cursor, scope: Scope) -> list[CaseSpan]:
    """Cases open now (any period), in scope's queue and policy, as spans from report time."""
    sql = "SELECT case_id, queue, category, reported_at FROM cases WHERE status IN (?, ?, ?, ?)"
    params: list[object] = list(OPEN_STATUSES)
    if scope.queue:
        sql += " AND queue = ?"
        params.append(scope.queue)
    if scope.policy:
        sql += " AND category = ?"
        params.append(scope.policy)
    cur.execute(sql, params)
    return [
        CaseSpan(case_id, queue, policy, parse_iso(reported))
        for case_id, queue, policy, reported in cur.fetchall()
    ]


def _utc_day(moment: datetime) -> str:
    return moment.astimezone(UTC).date().isoformat()
