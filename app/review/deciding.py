"""Deciding: the policy form, evidence marks, undo within UNDO_SECONDS, escalation.

A decision is validated against the case's policy (required fields, subcategory,
severity), then written as one event. Evidence marks (a region of an image, a time range
of a video) travel in the decision and are shown, filtered, to whoever opens the case
later. An analyst's decision on an escalated case is final: it needs a rationale, closes
the case and tells the moderator who escalated it. Undo is a compensating
`decision.retracted` event, allowed for UNDO_SECONDS after the decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from app.domain.kinds import EventKind
from app.domain.lifecycle import UNDO_SECONDS, Command, IllegalTransition, next_status
from app.domain.people import Role
from app.domain.policies import SEVERITY, SUBCATEGORY, Policy
from app.domain.queues import QueueSet
from app.log.clock import iso, parse_iso
from app.log.events import EventRecord
from app.review.desk import DeskCore
from app.review.types import AccessDenied, FormError
from app.wellbeing.exposure import case_exposure
from db.models import Case, Decision, MediaItem

EVIDENCE = "evidence"
FINAL_RATIONALE = 10


class UndoExpired(IllegalTransition):
    """Undo came after the window: a correction now needs a new decision or a lead."""

    def __init__(self) -> None:
        Exception.__init__(self, f"undo is possible for {UNDO_SECONDS} seconds after a decision")


class DecideCommands:
    """Decide, undo, retract and escalate."""

    @property
    def queues(self) -> QueueSet:
        """The desk's queues now (those features opened included)."""
        return self.core.queues

    def __init__(self, core: DeskCore) -> None:
        self.core = core
        self.store = core.store
        self.reviewer = core.reviewer
        self.policies = core.policies

    def decide(
        self,
        case_id: str,
        action: str,
        fields: Mapping[str, str],
        subcategory: str | None = None,
        *,
        severity: int | None = None,
        evidence: Sequence[Mapping[str, Any]] = (),
    ) -> EventRecord:
        """Record a decision; FormError names every field that is missing or wrong."""
        with self.core.write() as session:
            case = self.core.leased_by_me(session, case_id, Command.DECIDE)
            form = DecisionForm(self.policies[case.category], case, self._final(case))
            payload = form.payload(action, fields, subcategory, severity, evidence, session)
            payload["exposure"] = case_exposure(
                session, case.case_id, self.reviewer.username
            ).as_payload()
            return self.core.append(session, case, EventKind.DECISION_RECORDED, payload)

    def undo(self, decisions: Sequence[tuple[str, str]]) -> list[EventRecord]:
        """Retract our own fresh decisions (case id, decision event id), all or none."""
        now = self.store.clock.now()
        with self.core.write() as session:
            records = []
            for case_id, event_id in decisions:
                decision = session.get(Decision, event_id)
                if decision is None or decision.actor != self.reviewer.username:
                    raise AccessDenied("only the reviewer who made a decision can undo it")
                if (now - parse_iso(decision.decided_at)).total_seconds() > UNDO_SECONDS:
                    raise UndoExpired()
                records.append(self._retract(session, case_id, event_id, "undo"))
            return records

    def retract(self, case_id: str, decision_event_id: str) -> EventRecord:
        """Take back our own decision with a compensating event (never a deletion)."""
        with self.core.write() as session:
            return self._retract(session, case_id, decision_event_id, "retract")

    def escalate(
        self, case_id: str, reason: str, severity: int | None = None, queue: str | None = None
    ) -> EventRecord:
        """Send the case to an analysts' queue with a reason; its SLA starts now."""
        if len(reason.strip()) < 10:
            raise FormError({"reason": "say why in at least 10 characters"})
        target = self.queues.escalation_queue(queue)
        with self.core.write() as session:
            case = self.core.leased_by_me(session, case_id, Command.ESCALATE)
            level = severity if severity is not None else case.severity
            if level not in target.sla_minutes:
                raise FormError({"severity": f"{target.name} has no SLA for severity {level}"})
            now = self.store.clock.now()
            payload: dict[str, object] = {
                "reason": reason.strip(),
                "queue": target.id,
                "from_queue": case.queue,
                "severity": level,
                "sla_started_at": iso(now),
                "sla_deadline": iso(self.queues.deadline(target.id, level, now)),
            }
            return self.core.append(session, case, EventKind.CASE_ESCALATED, payload)

    def _final(self, case: Case) -> bool:
        return case.open_status == "escalated" and self.reviewer.at_least(Role.ANALYST)

    def _retract(self, session: Session, case_id: str, event_id: str, why: str) -> EventRecord:
        case = self.core.visible_case(session, case_id)
        decision = session.get(Decision, event_id)
        if decision is None or decision.actor != self.reviewer.username:
            raise AccessDenied("only the reviewer who made a decision can retract it")
        next_status(case.status, Command.RETRACT)
        return self.core.append(
            session, case, EventKind.DECISION_RETRACTED, {"decision": event_id, "why": why}
        )


class DecisionForm:
    """The policy's form for one case: validates a submission into an event payload."""

    def __init__(self, policy: Policy, case: Case, final: bool) -> None:
        self.policy = policy
        self.case = case
        self.final = final

    def payload(
        self,
        action_id: str,
        fields: Mapping[str, str],
        subcategory: str | None,
        severity: int | None,
        evidence: Sequence[Mapping[str, Any]],
        session: Session,
    ) -> dict[str, Any]:
        """The decision payload, or FormError with a message per field."""
        try:
            action = self.policy.action(action_id)
        except KeyError:
            raise FormError(
                {"action": f"{action_id!r} is not an action of {self.policy.name}"}
            ) from None
        marks, problems = check_marks(evidence, _items(session, self.case.case_id))
        text = {k: v.strip() for k, v in fields.items() if v.strip()}
        if marks and EVIDENCE not in text:
            text[EVIDENCE] = describe_marks(marks)
        problems |= self._problems(action.requires, text, subcategory, severity)
        if problems:
            raise FormError(problems)
        payload: dict[str, Any] = {
            "action": action.id,
            "category": self.case.category,
            "subcategory": subcategory,
            "severity": severity,
            "rationale": text.get("rationale", ""),
            "fields": text,
            "evidence_marks": marks,
            "prior_decision": self.case.decision_event_id,
        }
        if self.final:
            payload["final"] = True
        return payload

    def _problems(
        self,
        requires: Sequence[str],
        text: Mapping[str, str],
        subcategory: str | None,
        severity: int | None,
    ) -> dict[str, str]:
        return form_problems(self.policy, requires, text, subcategory, severity, final=self.final)


def form_problems(
    policy: Policy,
    requires: Sequence[str],
    fields: Mapping[str, str],
    subcategory: str | None,
    severity: int | None,
    *,
    final: bool = False,
) -> dict[str, str]:
    """A message per field the policy's form refuses (the form re-checks as one types)."""
    text = {k: v.strip() for k, v in fields.items() if v.strip()}
    problems: dict[str, str] = {}
    if subcategory is not None and subcategory not in policy.subcategories:
        problems[SUBCATEGORY] = f"{subcategory!r} is not a subcategory of {policy.name}"
    if severity is not None and severity not in policy.severity_labels:
        problems[SEVERITY] = f"choose a severity from 1 to {max(policy.severity_labels)}"
    for name in requires:
        if name == SUBCATEGORY:
            if subcategory not in policy.subcategories:
                problems[SUBCATEGORY] = "choose a subcategory"
        elif name == SEVERITY:
            if severity is None:
                problems[SEVERITY] = "confirm the severity"
        else:
            spec = policy.fields[name]
            if len(text.get(name, "")) < max(spec.min_length, 1):
                problems[name] = f"{spec.label} is required (at least {spec.min_length} characters)"
    if final and len(text.get("rationale", "")) < FINAL_RATIONALE:
        problems["rationale"] = (
            f"a final decision on an escalation needs a rationale "
            f"(at least {FINAL_RATIONALE} characters)"
        )
    return problems


def _items(session: Session, case_id: str) -> dict[str, str]:
    rows = session.query(MediaItem.sha256, MediaItem.kind).filter(MediaItem.case_id == case_id)
    return {sha: kind for sha, kind in rows}


def check_marks(
    marks: Sequence[Mapping[str, Any]], items: Mapping[str, str]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Normalised evidence marks, and a problem for the evidence field if any is wrong."""
    out = []
    for n, mark in enumerate(marks):
        try:
            out.append(_mark(mark, items))
        except (KeyError, TypeError, ValueError) as exc:
            return [], {EVIDENCE: f"evidence mark {n + 1}: {exc}"}
    return out, {}


def _mark(mark: Mapping[str, Any], items: Mapping[str, str]) -> dict[str, Any]:
    item = str(mark["item"])
    if item not in items:
        raise ValueError("it is not on a media item of this case")
    if mark["kind"] == "region":
        x, y, w, h = (float(mark[k]) for k in ("x", "y", "w", "h"))
        if not (x >= 0 and y >= 0 and w > 0 and h > 0 and x + w <= 1.0001 and y + h <= 1.0001):
            raise ValueError("a region must lie inside the picture")
        return {
            "item": item,
            "kind": "region",
            "x": round(x, 4),
            "y": round(y, 4),
            "w": round(w, 4),
            "h": round(h, 4),
        }
    if mark["kind"] == "time":
        start, end = float(mark["start"]), float(mark["end"])
        if items[item] != "video" or not 0 <= start < end:
            raise ValueError("a time range needs a video and a start before its end")
        return {"item": item, "kind": "time", "start": round(start, 3), "end": round(end, 3)}
    raise ValueError(f"unknown kind {mark['kind']!r} (region or time)")


def describe_marks(marks: Sequence[Mapping[str, Any]]) -> str:
    """The evidence line written for marks when the reviewer typed none."""
    parts = []
    for mark in marks:
        if mark["kind"] == "region":
            parts.append(
                f"region at {mark['x']:.0%},{mark['y']:.0%} size {mark['w']:.0%}x{mark['h']:.0%}"
            )
        else:
            parts.append(f"video {mark['start']:.1f}-{mark['end']:.1f} s")
    return "Marked: " + "; ".join(parts)
