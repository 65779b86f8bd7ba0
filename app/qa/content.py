"""A case as an auditor or a calibration participant sees it: the report, never a decision.

`CaseDetail` (app.review.reviewdesk) carries the case's current decision; blind re-review and
calibration must not, so they read the report through this narrower view.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.people import Reviewer, cleared_sql
from app.review.reviewdesk import AccessDenied, MediaRef
from db.models import Case, GoldCopy, MediaItem


@dataclass(frozen=True)
class CaseContent:
    """What was reported: text, media and the report's own category and severity."""

    case_id: str
    title: str
    category: str
    subcategory: str | None
    severity: int
    report_reason: str
    body_text: str
    reported_at: str
    report_count: int
    media: tuple[MediaRef, ...]
    case_no: int | None = None


def case_content(session: Session, case_id: str, person: Reviewer) -> CaseContent:
    """The report of a case; AccessDenied without its clearance, KeyError when unknown."""
    case = session.get(Case, case_id)
    if case is None:
        raise KeyError(f"no case {case_id}")
    if not person.cleared_for(case.clearance):
        raise AccessDenied(f"this case needs the {case.clearance} clearance")
    media = session.scalars(
        select(MediaItem).where(MediaItem.case_id == case_id).order_by(MediaItem.position)
    )
    return CaseContent(
        case_id=case.case_id,
        title=case.title,
        category=case.category,
        subcategory=case.subcategory,
        severity=case.severity,
        report_reason=case.report_reason,
        body_text=case.body_text,
        reported_at=case.reported_at,
        report_count=case.report_count,
        media=tuple(MediaRef(m.sha256, m.kind, m.mime, m.filename) for m in media),
        case_no=case.case_no,
    )


@dataclass(frozen=True)
class DecidedCase:
    """A recently decided case, for a lead to pick (gold sets, calibration)."""

    case_id: str
    title: str
    policy: str
    decided_action: str
    updated_at: str


def recent_decided(session: Session, person: Reviewer, limit: int = 300) -> list[DecidedCase]:
    """Decided cases this person may see, most recently changed first (gold copies left out)."""
    query = (
        select(Case.case_id, Case.title, Case.category, Case.decision_action, Case.updated_at)
        .where(
            Case.decision_action.is_not(None),
            Case.case_id.not_in(select(GoldCopy.case_id)),
            cleared_sql(Case.clearance, person.clearances),
        )
        .order_by(Case.updated_at.desc())
        .limit(limit)
    )
    return [
        DecidedCase(case_id, title, policy, action or "", updated)
        for case_id, title, policy, action, updated in session.execute(query)
    ]
