"""CSV exports with a header row: decisions, QA audits and every dashboard metric.

Times are ISO 8601 UTC; durations are seconds. Decisions and QA rows are streamed from
one read snapshot; metrics come from the same `DashboardData` the dashboard draws, so a
spreadsheet and the screen never disagree.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from typing import NamedTuple, TextIO

from app.log.clock import iso
from app.qa.dashboard import DashboardData
from app.qa.dataset import AuditRow, Cursor, Scope, audits, fact_filter, utc
from app.quality.confusion import ConfusionMatrix
from app.quality.operations import BacklogAge, HandlingTime
from app.quality.records import Rate
from app.quality.wellbeing import Distribution, Suppressed

DECISION_HEADER = (
    "event_id", "case_id", "external_id", "kind", "reviewer", "queue", "policy", "action",
    "severity", "claimed_at", "decided_at", "handling_s", "deadline", "sla_met", "escalated",
    "resolves_escalation", "unfiltered_seconds", "reveals", "gold_copy_of",
)  # fmt: skip
QA_HEADER = (
    "decision_event_id", "case_id", "reviewer", "queue", "policy", "original_action",
    "reason", "assigned_at", "decided_at", "auditor", "blind_policy", "blind_action",
    "blind_agrees", "verdict", "corrected_policy", "corrected_action", "note", "verdict_at",
)  # fmt: skip
METRICS_HEADER = ("section", "group", "metric", "value", "hits", "total")


def write_decisions(cur: Cursor, scope: Scope, out: TextIO) -> int:
    """Every decision and escalation in scope, oldest first; returns the row count."""
    writer = csv.writer(out)
    writer.writerow(DECISION_HEADER)
    where, params = fact_filter(scope)
    cur.execute(
        "SELECT f.event_id, f.case_id, c.external_id, f.kind, f.reviewer, f.queue, f.policy, "
        "f.action, f.severity, f.claimed_ts, f.decided_ts, f.deadline_ts, f.escalated, "
        "f.resolves_escalation, f.unfiltered_seconds, f.reveals, g.gold_case_id "
        "FROM decision_facts f JOIN cases c ON c.case_id = f.case_id "
        "LEFT JOIN gold_copies g ON g.case_id = f.case_id "
        f"WHERE {where} ORDER BY f.decided_ts",
        params,
    )
    n = 0
    for row in iter(cur.fetchone, None):
        writer.writerow(_decision_cells(row))
        n += 1
    return n


class _FactRow(NamedTuple):
    event_id: str
    case_id: str
    external_id: str | None
    kind: str
    reviewer: str
    queue: str
    policy: str
    action: str
    severity: int
    claimed_ts: float
    decided_ts: float
    deadline_ts: float | None
    escalated: int
    resolves_escalation: int
    unfiltered_seconds: float
    reveals: int
    gold_case_id: str | None


def _decision_cells(raw: tuple[object, ...]) -> list[object]:
    r = _FactRow(*raw)  # type: ignore[arg-type]
    deadline = r.deadline_ts
    return [
        r.event_id, r.case_id, r.external_id or "", r.kind, r.reviewer, r.queue, r.policy,
        r.action, r.severity, iso(utc(r.claimed_ts)), iso(utc(r.decided_ts)),
        round(max(r.decided_ts - r.claimed_ts, 0.0), 3),
        "" if deadline is None else iso(utc(deadline)),
        "" if deadline is None else int(r.decided_ts <= deadline),
        int(bool(r.escalated)), int(bool(r.resolves_escalation)),
        round(r.unfiltered_seconds, 3), r.reveals, r.gold_case_id or "",
    ]  # fmt: skip


def write_qa(cur: Cursor, scope: Scope, out: TextIO) -> int:
    """Every QA audit of decisions made in scope, with blind call and verdict."""
    writer = csv.writer(out)
    writer.writerow(QA_HEADER)
    rows = audits(cur, scope)
    for r in rows:
        writer.writerow(_qa_cells(r))
    return len(rows)


def _qa_cells(r: AuditRow) -> list[object]:
    agrees = "" if r.blind_label is None else int(r.blind_label == r.original_action)
    return [
        r.decision_event_id, r.case_id, r.reviewer, r.queue, r.policy, r.original_action,
        r.reason, r.assigned_at, iso(utc(r.decided_ts)), r.auditor or "", r.blind_policy or "",
        r.blind_action or "", agrees, r.verdict or "", r.corrected_policy or "",
        r.corrected_action or "", r.note, r.verdict_at or "",
    ]  # fmt: skip


def write_metrics(data: DashboardData, out: TextIO) -> int:
    """Every dashboard figure as (section, group, metric, value, hits, total) rows."""
    writer = csv.writer(out)
    writer.writerow(METRICS_HEADER)
    rows = list(metric_rows(data))
    writer.writerows(rows)
    return len(rows)


def metric_rows(data: DashboardData) -> Iterator[tuple[object, ...]]:
    """The metrics of a dashboard, flattened for a spreadsheet."""
    yield ("period", "", "from", data.scope.first_day.isoformat(), "", "")
    yield ("period", "", "to", data.scope.last_day.isoformat(), "", "")
    yield from _rate("team", "", "sla_hit_rate", data.totals.sla)
    yield from _rate("team", "", "escalation_rate", data.totals.escalation_rate)
    yield ("team", "", "decisions", data.totals.decisions, "", "")
    yield from _handling("team", "", data.handling)
    yield from _backlog("team", "", data.backlog)
    yield ("team", "", "cohen_kappa", _num(data.kappa.value), "", data.kappa.n_items)
    yield from _rate("team", "", "qa_pass_rate", data.qa_pass)
    yield from _rate("team", "", "gold_accuracy", data.gold)
    for q in data.queues:
        yield ("queue", q.queue, "decisions", q.tally.decisions, "", "")
        yield from _rate("queue", q.queue, "sla_hit_rate", q.tally.sla)
        yield from _backlog("queue", q.queue, q.backlog)
    for day, n in data.throughput.items():
        yield ("day", day.isoformat(), "throughput", n, "", "")
    for week, n in _weeks(data.throughput).items():
        yield ("week", week, "throughput", n, "", "")
    for point in data.agreement:
        yield ("week", point.week, "percent_agreement", _num(point.percent), "", point.n)
        yield ("week", point.week, "cohen_kappa", _num(point.kappa), "", point.n)
    for policy, kappa in data.kappa_by_policy.items():
        yield ("policy", policy, "cohen_kappa", _num(kappa.value), "", kappa.n_items)
    for card in data.scorecards:
        yield ("reviewer", card.reviewer, "decisions", card.tally.decisions, "", "")
        yield from _handling("reviewer", card.reviewer, card.handling)
        yield from _rate("reviewer", card.reviewer, "sla_hit_rate", card.tally.sla)
        yield from _rate("reviewer", card.reviewer, "escalation_rate", card.tally.escalation_rate)
        yield from _rate("reviewer", card.reviewer, "qa_agreement", card.agreement)
        yield ("reviewer", card.reviewer, "cohen_kappa", _num(card.kappa), "", card.audited)
        yield from _rate("reviewer", card.reviewer, "qa_pass_rate", card.qa_pass)
        yield from _rate("reviewer", card.reviewer, "gold_accuracy", card.gold)
    yield from _exposure("graphic_items_per_reviewer_day", data.exposure.graphic_items)
    yield from _exposure("unfiltered_minutes_per_reviewer_day", data.exposure.unfiltered_minutes)
    yield from _cells("confusion", "", data.confusion)
    for policy, m in data.confusion_by_policy.items():
        yield from _cells("confusion_by_policy", f"{policy}: ", m)


def _cells(section: str, prefix: str, m: ConfusionMatrix) -> Iterator[tuple[object, ...]]:
    """The non-zero cells of a confusion matrix: 'reviewer's action -> auditor's call'."""
    for i, row in enumerate(m.labels):
        for j, col in enumerate(m.labels):
            count = int(m.counts[i, j])
            if count:
                yield (section, f"{prefix}{row} -> {col}", "count", count, "", "")


def _weeks(per_day: dict[date, int]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for day, n in per_day.items():
        year, week, _ = day.isocalendar()
        key = f"{year}-W{week:02d}"
        totals[key] = totals.get(key, 0) + n
    return totals


def _rate(section: str, group: str, name: str, rate: Rate) -> Iterator[tuple[object, ...]]:
    yield (section, group, name, _num(rate.value), rate.hits, rate.total)


def _handling(section: str, group: str, h: HandlingTime) -> Iterator[tuple[object, ...]]:
    yield (section, group, "handling_median_s", _num(h.median_s), "", h.n)
    yield (section, group, "handling_p90_s", _num(h.p90_s), "", h.n)


def _backlog(section: str, group: str, b: BacklogAge) -> Iterator[tuple[object, ...]]:
    yield (section, group, "backlog_open", b.n_open, "", "")
    yield (section, group, "backlog_median_age_s", _num(b.median_s), "", b.n_open)
    yield (section, group, "backlog_max_age_s", _num(b.max_s), "", b.n_open)


def _exposure(name: str, value: Distribution | Suppressed) -> Iterator[tuple[object, ...]]:
    if isinstance(value, Suppressed):
        yield ("team_exposure", name, "suppressed", value.reason, "", "")
        return
    for stat in ("minimum", "p25", "median", "p75", "maximum"):
        yield ("team_exposure", name, stat, _num(getattr(value, stat)), "", value.n_days)
    yield ("team_exposure", name, "people", value.n_reviewers, "", "")


def _num(value: float | None) -> object:
    return "" if value is None else round(value, 6)
