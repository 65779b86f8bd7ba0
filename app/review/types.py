"""The plain values the review desk hands out, and its two errors.

Kept apart from app/review/desk.py so the queue view (app/review/queue_view.py) can build
rows without importing the desk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

OPEN_STATUSES = ("new", "leased", "escalated", "conflict")


class FormError(ValueError):
    """A decision form that is not complete: field -> message, shown next to each field."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = dict(problems)


class AccessDenied(PermissionError):
    """The reviewer may not see or act on this case (role, clearance, someone else's lease)."""


@dataclass(frozen=True)
class CaseRow:
    """What a queue row shows."""

    case_id: str
    case_no: int
    title: str
    category: str
    severity: int
    status: str
    queue: str
    reported_at: str
    report_count: int
    media_count: int
    sla_started_at: str = ""
    sla_deadline: str = ""
    priority_key: int = 0
    leased_by: str | None = None


@dataclass(frozen=True)
class QueueChoice:
    """A queue in the queue picker: its depth and overdue count right now."""

    queue_id: str
    name: str
    depth: int
    overdue: int


@dataclass(frozen=True)
class MediaRef:
    """One media item of a case, by blob hash."""

    sha256: str
    kind: str
    mime: str
    filename: str


@dataclass(frozen=True)
class EscalationInfo:
    """Why a case was escalated and, once decided, how it ended."""

    event_id: str
    by: str
    reason: str
    severity: int
    from_queue: str
    escalated_at: str
    resolved_by: str | None
    resolution_action: str | None
    resolution_rationale: str | None
    resolved_at: str | None


@dataclass(frozen=True)
class CaseDetail:
    """Everything the case view shows."""

    row: CaseRow
    subcategory: str | None
    report_reason: str
    body_text: str
    media: tuple[MediaRef, ...]
    leased_by: str | None
    decision_action: str | None
    decision_event_id: str | None
    head_event_id: str
    open_status: str = "new"
    lease_expires_at: str | None = None
    escalation: EscalationInfo | None = None
