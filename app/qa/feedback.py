"""A reviewer's QA feedback: their audited decisions and what the auditor concluded.

Only finished audits (with a verdict) are shown, and never which decisions are still
waiting for an auditor: that would tell a reviewer what is being looked at.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.domain.people import Reviewer
from app.log.store import LocalStore
from app.quality.records import Rate
from db.models import Case, Decision, QaAudit


@dataclass(frozen=True)
class FeedbackItem:
    """One audited decision of the reviewer, with the verdict."""

    case_id: str
    title: str
    policy: str
    your_action: str
    decided_at: str
    verdict: str
    corrected_policy: str
    corrected_action: str
    note: str
    verdict_at: str

    @property
    def agreed(self) -> bool:
        """QA agreed with the decision."""
        return self.verdict == "agree"


@dataclass(frozen=True)
class Feedback:
    """All of a reviewer's feedback, newest verdict first, with the agreement share."""

    items: list[FeedbackItem]

    @property
    def agreement(self) -> Rate:
        """Verdicts that agreed, among all verdicts."""
        return Rate(sum(i.agreed for i in self.items), len(self.items))


def feedback_for(store: LocalStore, reviewer: Reviewer) -> Feedback:
    """The finished audits of this reviewer's own decisions."""
    query = (
        select(QaAudit, Case.title, Decision.decided_at)
        .join(Case, Case.case_id == QaAudit.case_id)
        .join(Decision, Decision.event_id == QaAudit.decision_event_id)
        .where(QaAudit.reviewer == reviewer.username, QaAudit.verdict.is_not(None))
        .order_by(QaAudit.verdict_at.desc())
    )
    with store.read() as session:
        rows = session.execute(query).all()
    return Feedback([_item(audit, title, decided_at) for audit, title, decided_at in rows])


def _item(audit: QaAudit, title: str, decided_at: str) -> FeedbackItem:
    return FeedbackItem(
        case_id=audit.case_id,
        title=title,
        policy=audit.policy,
        your_action=audit.original_action,
        decided_at=decided_at,
        verdict=audit.verdict or "",
        corrected_policy=audit.corrected_policy or audit.policy,
        corrected_action=audit.corrected_action or audit.original_action,
        note=audit.note,
        verdict_at=audit.verdict_at or "",
    )
