"""The lead tools: QA sampling and blind re-review, gold sets, calibration sessions, and
the decision facts and exposure days the dashboards read."""

from __future__ import annotations

from app.log.registry import Audience, Feature, Fold, Kind, Phase
from app.qa import kinds
from app.qa import projection as folds
from db.models import DecisionFact, ExposureCaseDay, GoldCaseRow, GoldCopy, QaAudit


def _verdict_for(payload: object) -> str | None:
    reviewer = getattr(payload, "reviewer", None)
    return reviewer if isinstance(reviewer, str) else None


def _lead_kind(name: str, payload: type[kinds.Payload], label: str, **more: object) -> Kind:
    return Kind(
        name,
        payload,
        label,
        author_role="lead",
        audience=Audience.LEADS,
        **more,  # type: ignore[arg-type]
    )


FEATURE = Feature(
    name="qa",
    kinds=(
        _lead_kind("qa.rule_set", kinds.QaRuleSet, "QA rule", on_case=False),
        _lead_kind("qa.assigned", kinds.QaAssigned, "Drawn for QA"),
        _lead_kind("qa.review", kinds.QaReview, "Blind call"),
        _lead_kind("qa.verdict", kinds.QaVerdict, "QA verdict", addressee=_verdict_for),
        _lead_kind("gold.marked", kinds.GoldMarked, "Gold"),
        _lead_kind("gold.unmarked", kinds.GoldUnmarked, "Gold removed"),
        _lead_kind("gold.inserted", kinds.GoldInserted, "Gold copy"),
        Kind(
            "calibration.opened",
            kinds.CalibrationOpened,
            "Calibration opened",
            on_case=False,
            author_role="lead",
        ),
        Kind("calibration.voted", kinds.CalibrationVoted, "Calibration call"),
        Kind(
            "calibration.closed",
            kinds.CalibrationClosed,
            "Calibration closed",
            on_case=False,
            author_role="lead",
        ),
    ),
    folds=(
        # Before the review folds move the case: a decision or an escalation is counted
        # against the queue and deadline it was handled under.
        Fold(Phase.BEFORE, folds.decided, frozenset({"decision.recorded"})),
        Fold(Phase.BEFORE, folds.escalated, frozenset({"case.escalated"})),
        Fold(Phase.BEFORE, folds.retracted, frozenset({"decision.retracted"})),
        Fold(Phase.BEFORE, folds.viewed, frozenset({"media.viewed"})),
        Fold(Phase.BEFORE, folds.revealed, frozenset({"media.revealed"})),
        Fold(Phase.BEFORE, folds.assigned, frozenset({"qa.assigned"})),
        Fold(Phase.BEFORE, folds.reviewed, frozenset({"qa.review"})),
        Fold(Phase.BEFORE, folds.verdict, frozenset({"qa.verdict"})),
        Fold(Phase.BEFORE, folds.gold_marked, frozenset({"gold.marked"})),
        Fold(Phase.BEFORE, folds.gold_unmarked, frozenset({"gold.unmarked"})),
        Fold(Phase.BEFORE, folds.gold_inserted, frozenset({"gold.inserted"})),
        # After every fold: a decision's claim started before it.
        Fold(Phase.AFTER, folds.track_claims),
    ),
    tables=(DecisionFact, QaAudit, GoldCaseRow, GoldCopy, ExposureCaseDay),
    scoped=(ExposureCaseDay, DecisionFact, QaAudit, GoldCaseRow, GoldCopy),
)
