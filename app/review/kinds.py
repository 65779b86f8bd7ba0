"""The review feature's event kinds and their typed payloads (one spelling per field)."""

from __future__ import annotations

from typing import Any

from app.log.fields import Count, EventId, Name, Severity, Sha256, Text, Time
from app.log.registry import Payload

# --- cases and leases -------------------------------------------------------------------


class PHash(Payload, frozen=True):
    """A 64-bit perceptual hash of one frame (16 hex digits)."""

    frame: Count
    hash: str


class MediaRef(Payload, frozen=True):
    """One media item of a case, by content hash."""

    sha256: Sha256
    kind: str
    mime: str
    filename: str
    size: Count
    phash: list[PHash] = []


class CaseIngested(Payload, frozen=True):
    """`case.ingested`: a report becomes a case, routed to a queue with its SLA."""

    category: Name
    queue: Name
    severity: Severity
    external_id: str | None = None
    subcategory: str | None = None
    team: Name = "default"
    clearance: str | None = None
    title: Text = ""
    report_reason: Text = ""
    text: Text = ""
    reported_at: Time | None = None
    report_count: Count = 1
    sla_started_at: Time | None = None
    sla_deadline: Time | None = None
    media: list[MediaRef] = []
    # The account that posted what was reported, as the platform names it (coordinated
    # networks apply verdicts on accounts to their open cases).
    account_id: Name | None = None


class CaseLeased(Payload, frozen=True):
    """`case.leased` and `case.reassigned`: the case is someone's until expires_at."""

    expires_at: Time | None = None
    holder: str | None = None  # assignments name the holder; claims are the actor's
    via: str | None = None  # claim, resume, take, renew, work_ahead, cluster
    rotation: bool = False
    by: str | None = None  # the lead who assigned it
    reason: Text = ""


class CaseReleased(Payload, frozen=True):
    """`case.released` and `case.skipped`: the case goes back to its queue."""

    reason: Text = ""


# --- decisions --------------------------------------------------------------------------


class Exposure(Payload, frozen=True):
    """What the decider saw unfiltered on this case before deciding."""

    unfiltered_seconds: float = 0.0
    reveals: Count = 0


class DecisionRecorded(Payload, frozen=True):
    """`decision.recorded`: an action from the case's policy, with its form fields."""

    action: Name
    category: str | None = None
    subcategory: str | None = None
    severity: Severity | None = None
    rationale: Text = ""
    fields: dict[str, Any] = {}
    evidence_marks: list[dict[str, Any]] = []
    prior_decision: EventId | None = None
    applied_from: EventId | None = None
    final: bool = False
    exposure: Exposure | None = None


def evidence_marks(payload: object) -> list[dict[str, Any]]:
    """The evidence marks of a typed payload: a decision's, else none."""
    return list(payload.evidence_marks) if isinstance(payload, DecisionRecorded) else []


class DecisionRetracted(Payload, frozen=True):
    """`decision.retracted`: a decision taken back (undo or retract); never a deletion."""

    decision: EventId
    why: str = "retract"


class CaseEscalated(Payload, frozen=True):
    """`case.escalated`: to an analysts' queue with a reason; that queue's SLA starts."""

    reason: Text = ""
    queue: str | None = None
    from_queue: str = ""
    severity: Severity | None = None
    sla_started_at: Time | None = None
    sla_deadline: Time | None = None


class CaseClosed(Payload, frozen=True):
    """`case.closed`."""

    reason: Text = ""


class CaseAdjudicated(Payload, frozen=True):
    """`case.adjudicated`: a lead settles a conflict; `resolves` names the decisions."""

    resolves: list[EventId] = []
    action: str | None = None
    category: str | None = None
    rationale: Text = ""
    decision: EventId | None = None


# --- investigation ----------------------------------------------------------------------


class NoteAdded(Payload, frozen=True):
    """`note.added`: an analyst's note (older events spelled the text `body`)."""

    text: Text


def note_upgrade(payload: dict[str, Any]) -> dict[str, Any]:
    """Older notes spelled their text `body`."""
    if "text" not in payload and "body" in payload:
        payload["text"] = payload.pop("body")
    return payload


class CasesLinked(Payload, frozen=True):
    """`cases.linked`: a related case, with why."""

    other_case_id: str | None = None
    other_case_no: int | None = None
    reason: Text = ""


class IncidentOpened(Payload, frozen=True):
    """`incident.opened`: an incident named on a case."""

    title: Text = ""
    reason: Text = ""


# --- the team ---------------------------------------------------------------------------


class TeamSetting(Payload, frozen=True):
    """`team.setting`: team-wide settings a lead makes (breaks, rotation, ...)."""

    settings: dict[str, Any]
