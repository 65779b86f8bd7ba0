"""Operations figures over the decision facts, aggregated in SQLite and numpy.

The same definitions as `app.quality.operations` (tests check that both agree on the
same data), computed without building a Python object per decision, so a million
decisions cost three table scans and one fetch of two columns:

- counts, SLA hits and escalations per (reviewer, queue): one GROUP BY;
- throughput per local day: counted per 15-minute UTC slot in SQL, slots mapped to the
  team's days in Python (every zone's offsets are whole quarter hours);
- handling time: the claim-to-decision seconds per reviewer, percentiles in numpy.

The per-reviewer queries read the covering index `ix_decision_facts_ops` (reviewer,
queue, times, flags) in its own order, so they group without sorting a million rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from app.qa.dataset import Cursor, Scope, fact_filter
from app.quality.operations import HandlingTime
from app.quality.records import Rate

SLOT_SECONDS = 900
OPS_INDEX = "ix_decision_facts_ops"


@dataclass(frozen=True)
class Tally:
    """Decisions, SLA hits among those with a deadline, and escalations of one group."""

    decisions: int = 0
    sla_hits: int = 0
    sla_total: int = 0
    escalations: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.decisions + other.decisions,
            self.sla_hits + other.sla_hits,
            self.sla_total + other.sla_total,
            self.escalations + other.escalations,
        )

    @property
    def sla(self) -> Rate:
        """Decided by the deadline, among decisions that had one."""
        return Rate(self.sla_hits, self.sla_total)

    @property
    def escalation_rate(self) -> Rate:
        """Escalations among all handled items."""
        return Rate(self.escalations, self.decisions)


def tallies(cur: Cursor, scope: Scope) -> dict[tuple[str, str], Tally]:
    """Tally per (reviewer, queue) of the handled items in scope."""
    where, params = fact_filter(scope)
    cur.execute(
        "SELECT f.reviewer, f.queue, COUNT(*), "
        "SUM(f.deadline_ts IS NOT NULL AND f.decided_ts <= f.deadline_ts), "
        "SUM(f.deadline_ts IS NOT NULL), SUM(f.escalated) "
        f"FROM decision_facts f INDEXED BY {OPS_INDEX} WHERE {where} GROUP BY f.reviewer, f.queue",
        params,
    )
    return {(r, q): Tally(int(n), int(h), int(t), int(e)) for r, q, n, h, t, e in cur.fetchall()}


def roll_up(by_pair: dict[tuple[str, str], Tally], part: int) -> dict[str, Tally]:
    """Tallies summed per reviewer (part=0) or per queue (part=1)."""
    out: dict[str, Tally] = {}
    for key, tally in by_pair.items():
        out[key[part]] = out.get(key[part], Tally()) + tally
    return out


def throughput_per_day(cur: Cursor, scope: Scope) -> dict[date, int]:
    """Handled items per local day of scope.tz, days in order (empty days absent)."""
    where, params = fact_filter(scope)
    cur.execute(
        f"SELECT CAST(f.decided_ts / {SLOT_SECONDS} AS INTEGER), COUNT(*) "
        f"FROM decision_facts f WHERE {where} GROUP BY 1",
        params,
    )
    days: Counter[date] = Counter()
    for slot, n in cur.fetchall():
        days[datetime.fromtimestamp(slot * SLOT_SECONDS, scope.tz).date()] += int(n)
    return dict(sorted(days.items()))


@dataclass(frozen=True)
class HandlingTimes:
    """Handling time overall and per reviewer."""

    overall: HandlingTime
    by_reviewer: dict[str, HandlingTime]


def handling_times(cur: Cursor, scope: Scope) -> HandlingTimes:
    """Median and p90 of claim-to-decision seconds, overall and per reviewer."""
    where, params = fact_filter(scope)
    # One text list of seconds per reviewer, read from the covering index in reviewer
    # order: a million values cross into Python as a few hundred strings, not a million
    # tuples (which would also cost the UI thread a long garbage-collector pause).
    cur.execute(
        "SELECT f.reviewer, group_concat(f.decided_ts - f.claimed_ts) "
        f"FROM decision_facts f INDEXED BY {OPS_INDEX} WHERE {where} GROUP BY f.reviewer",
        params,
    )
    per_reviewer = {
        reviewer: _seconds(text) for reviewer, text in cur.fetchall() if text is not None
    }
    if not per_reviewer:
        return HandlingTimes(HandlingTime(0, None, None), {})
    overall = _handling(np.concatenate(list(per_reviewer.values())))
    return HandlingTimes(overall, {r: _handling(s) for r, s in per_reviewer.items()})


def _seconds(text: str) -> np.ndarray:
    # Skew between clocks can put a decision "before" its claim: zero, as in operations.
    return np.maximum(np.array(text.split(","), dtype=np.float64), 0.0)


def _handling(seconds: np.ndarray) -> HandlingTime:
    if seconds.size == 0:
        return HandlingTime(0, None, None)
    median, p90 = np.percentile(seconds, [50, 90])
    return HandlingTime(int(seconds.size), float(median), float(p90))
