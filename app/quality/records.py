"""The plain input records the quality metrics work on, folded from the event log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Decision:
    """One recorded decision on a case (a `decision.recorded` event and its lease)."""

    event_id: str
    case_id: str
    reviewer: str
    queue: str
    policy: str
    action: str
    claimed_at: datetime
    decided_at: datetime
    # Larger is more severe; the queue's sampling rule names its highest level.
    severity: int = 0
    deadline: datetime | None = None
    # This decision sent the case up to an analyst.
    escalated: bool = False
    # This decision settled a case that had been escalated (an escalation outcome).
    resolves_escalation: bool = False


@dataclass(frozen=True, slots=True)
class AuditVerdict:
    """A lead's QA verdict on one decision: what the reviewer did, what it should have been."""

    decision_event_id: str
    reviewer: str
    auditor: str
    policy: str
    original_action: str
    audited_action: str


@dataclass(frozen=True, slots=True)
class CaseSpan:
    """When a case entered a queue and, once it has, when it left it (closed)."""

    case_id: str
    queue: str
    policy: str
    opened_at: datetime
    closed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ExposureDay:
    """What one reviewer was exposed to on one working day (zeros included)."""

    reviewer: str
    day: date
    graphic_items: int
    unfiltered_seconds: float


@dataclass(frozen=True, slots=True)
class Rate:
    """A share with its counts, so a dashboard can show '92% (460/500)'."""

    hits: int
    total: int

    @property
    def value(self) -> float | None:
        """hits / total, or None when there is nothing to divide by."""
        return self.hits / self.total if self.total else None
