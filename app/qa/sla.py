"""Deadlines behind the SLA hit rate: by when a reported case had to be decided.

A case's deadline is its report time plus the allowance for its severity. The table is
the team's default service level; a queue whose configuration names its own SLA (see the
queue settings once they exist) overrides it through `SlaTable.for_queue`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Hours from report to decision, by severity (4 = Critical in every bundled policy).
DEFAULT_SLA_HOURS: dict[int, float] = {4: 1.0, 3: 4.0, 2: 24.0, 1: 72.0}


@dataclass(frozen=True)
class SlaTable:
    """Hours allowed per severity, with optional per-queue tables."""

    hours: dict[int, float] = field(default_factory=lambda: dict(DEFAULT_SLA_HOURS))
    by_queue: dict[str, dict[int, float]] = field(default_factory=dict)

    def allowance_s(self, queue: str, severity: int) -> float | None:
        """Seconds allowed for a case of this queue and severity, or None when unbounded."""
        table = self.by_queue.get(queue, self.hours)
        hours = table.get(severity)
        return None if hours is None else hours * 3600.0

    def deadline_ts(self, reported_ts: float, queue: str, severity: int) -> float | None:
        """The deadline as epoch seconds, or None when the case has no SLA."""
        allowance = self.allowance_s(queue, severity)
        return None if allowance is None else reported_ts + allowance


DEFAULT_SLA = SlaTable()
