"""Blind re-review: the auditor decides first, sees the original only after, then judges.

The order is enforced here, not only in the UI: `original()` refuses until this auditor's
own call is a `qa.review` event in the log, so the chain itself shows that the call came
before the reveal. The verdict (`qa.verdict`) agrees, or disagrees with the corrected
policy and action and a note saying why. Nobody audits their own decision.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.kinds import EventKind
from app.domain.people import Reviewer
from app.domain.policies import PolicySet
from app.log.events import EventRecord
from app.log.store import LocalStore
from app.qa.content import CaseContent, case_content
from app.qa.rules import require_lead
from app.review.reviewdesk import AccessDenied, FormError
from db.models import Case, Decision, QaAudit

Stage = Literal["blind", "verdict", "done"]
MIN_NOTE = 10


class BlindnessError(PermissionError):
    """The original decision stays hidden until the auditor has recorded their own call."""


@dataclass(frozen=True)
class AuditItem:
    """A row of the auditor's work list; it names neither the reviewer nor their action."""

    decision_event_id: str
    case_id: str
    title: str
    category: str
    severity: int
    reason: str
    assigned_at: str
    stage: Stage
    case_no: int | None = None


@dataclass(frozen=True)
class OriginalDecision:
    """The audited decision as the reviewer recorded it."""

    decision_event_id: str
    reviewer: str
    policy: str
    action: str
    subcategory: str | None
    rationale: str
    fields: dict[str, str]
    decided_at: str


@dataclass(frozen=True)
class BlindCall:
    """The auditor's own call, recorded before the reveal."""

    policy: str
    action: str


class BlindReview:
    """One lead's blind re-review commands over the local store."""

    def __init__(self, store: LocalStore, policies: PolicySet, auditor: Reviewer) -> None:
        require_lead(auditor, "audit decisions")
        self._store = store
        self.policies = policies
        self.auditor = auditor

    def worklist(self, include_done: bool = False) -> list[AuditItem]:
        """Audits this auditor may do: drawn, visible, not their own decision; oldest first."""
        query = (
            select(QaAudit, Case)
            .join(Case, Case.case_id == QaAudit.case_id)
            .where(QaAudit.reviewer != self.auditor.username)
            .order_by(QaAudit.assigned_at, QaAudit.decision_event_id)
        )
        with self._store.transaction() as session:
            rows = session.execute(query).all()
        items = [_item(audit, case) for audit, case in rows if self._is_mine(audit, case)]
        return [i for i in items if include_done or i.stage != "done"]

    def open(self, decision_event_id: str) -> CaseContent:
        """The audited case as the reviewer saw it (report and media, no decision)."""
        with self._store.transaction() as session:
            audit = self._audit(session, decision_event_id)
            return case_content(session, audit.case_id, self.auditor)

    def own_call(self, decision_event_id: str) -> BlindCall | None:
        """This audit's recorded blind call, if there is one."""
        with self._store.transaction() as session:
            audit = self._audit(session, decision_event_id)
            if audit.blind_action is None or audit.blind_policy is None:
                return None
            return BlindCall(audit.blind_policy, audit.blind_action)

    def record_call(self, decision_event_id: str, policy: str, action: str) -> EventRecord:
        """Record the auditor's own decision, before the original is shown."""
        self._check_action(policy, action, "action")
        with self._store.transaction() as session:
            audit = self._audit(session, decision_event_id)
            if audit.blind_action is not None:
                raise FormError({"action": "your call on this audit is already recorded"})
            payload = {"decision": decision_event_id, "policy": policy, "action": action}
            return self._append(session, audit, EventKind.QA_REVIEW, payload)

    def original(self, decision_event_id: str) -> OriginalDecision:
        """The reviewer's decision; BlindnessError until this auditor's call is recorded."""
        with self._store.transaction() as session:
            audit = self._audit(session, decision_event_id)
            if audit.blind_action is None or audit.auditor != self.auditor.username:
                raise BlindnessError("record your own decision first; the original stays hidden")
            decision = session.get(Decision, decision_event_id)
            if decision is None:
                raise KeyError(f"no decision {decision_event_id}")
            return _original(decision)

    def submit_verdict(
        self,
        decision_event_id: str,
        agree: bool,
        policy: str | None = None,
        action: str | None = None,
        note: str = "",
    ) -> EventRecord:
        """Agree, or disagree with the corrected policy and action and a note (10+ chars)."""
        original = self.original(decision_event_id)
        if agree:
            policy, action = original.policy, original.action
        else:
            policy, action = self._correction(original, policy, action, note)
        with self._store.transaction() as session:
            audit = self._audit(session, decision_event_id)
            if audit.verdict is not None:
                raise FormError({"verdict": "this audit already has a verdict"})
            payload = {
                "decision": decision_event_id,
                "verdict": "agree" if agree else "disagree",
                "policy": policy,
                "action": action,
                "note": note.strip(),
                # Self-contained, so a reviewer's workstation that receives only the
                # verdict (never the draw) can still show the feedback.
                "reviewer": original.reviewer,
                "queue": audit.queue,
                "original_policy": original.policy,
                "original_action": original.action,
            }
            return self._append(session, audit, EventKind.QA_VERDICT, payload)

    # --- internals ----------------------------------------------------------------

    def _correction(
        self, original: OriginalDecision, policy: str | None, action: str | None, note: str
    ) -> tuple[str, str]:
        problems: dict[str, str] = {}
        if len(note.strip()) < MIN_NOTE:
            problems["note"] = f"say why in at least {MIN_NOTE} characters"
        if not policy or not action:
            problems["action"] = "choose the policy and action it should have been"
        elif (policy, action) == (original.policy, original.action):
            problems["action"] = "that is the original decision: choose Agree instead"
        if problems:
            raise FormError(problems)
        assert policy is not None and action is not None
        self._check_action(policy, action, "action")
        return policy, action

    def _check_action(self, policy: str, action: str, field: str) -> None:
        if policy not in self.policies:
            raise FormError({field: f"unknown policy {policy!r}"})
        try:
            self.policies[policy].action(action)
        except KeyError:
            raise FormError({field: f"{action!r} is not an action of {policy}"}) from None

    def _audit(self, session: Session, decision_event_id: str) -> QaAudit:
        audit = session.get(QaAudit, decision_event_id)
        if audit is None:
            raise KeyError(f"decision {decision_event_id} was not drawn for QA")
        if audit.reviewer == self.auditor.username:
            raise AccessDenied("nobody audits their own decision")
        case = session.get(Case, audit.case_id)
        if case is None or not self._may_see(case):
            raise AccessDenied("this case needs a clearance you do not hold")
        return audit

    def _is_mine(self, audit: QaAudit, case: Case) -> bool:
        # An audit another lead has started (blind call recorded) is theirs to finish.
        taken = audit.auditor not in (None, self.auditor.username) and audit.verdict is None
        return self._may_see(case) and not taken

    def _may_see(self, case: Case) -> bool:
        return self.auditor.cleared_for(case.clearance)

    def _append(
        self, session: Session, audit: QaAudit, kind: EventKind, payload: Mapping[str, object]
    ) -> EventRecord:
        case = session.get_one(Case, audit.case_id)
        return self._store.append(
            session,
            actor=self.auditor.username,
            kind=kind,
            case_id=audit.case_id,
            payload=payload,
            seen_head=case.head_event_id,
        )


def _item(audit: QaAudit, case: Case) -> AuditItem:
    stage: Stage = "blind"
    if audit.verdict is not None:
        stage = "done"
    elif audit.blind_action is not None:
        stage = "verdict"
    return AuditItem(
        audit.decision_event_id,
        case.case_id,
        case.title,
        case.category,
        case.severity,
        audit.reason,
        audit.assigned_at,
        stage,
        case.case_no,
    )


def _original(decision: Decision) -> OriginalDecision:
    return OriginalDecision(
        decision_event_id=decision.event_id,
        reviewer=decision.actor,
        policy=decision.category,
        action=decision.action,
        subcategory=decision.subcategory,
        rationale=decision.rationale,
        fields=dict(json.loads(decision.fields)),
        decided_at=decision.decided_at,
    )
