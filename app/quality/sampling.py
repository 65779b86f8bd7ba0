"""QA sampling: which decisions a lead's rule sends to audit, unbiased and unpredictable.

A `SamplingRule` per queue says: audit `percent` of each reviewer's decisions, plus
(optionally) every decision at or above the queue's highest severity and every
escalation outcome (a decision that escalated a case or settled an escalated one).

The random part is a keyed coin flip per decision, not a shuffle of a batch:

    u = first 53 bits of HMAC-SHA256(seed, "veil.audit" NUL decision.event_id) / 2**53
    picked  <=>  u < percent / 100

- Unbiased: u is uniform and independent of reviewer, time, action and severity, so
  every reviewer's decisions are audited at `percent` in expectation (a binomial count).
- Unpredictable: without the lead's secret seed nobody can compute u, so a reviewer
  cannot tell which decisions will be looked at.
- Stable: the same seed gives the same picks on every machine, offline or not, and a
  decision's pick never changes as more decisions arrive (a batch quota would).
  Rotating the seed starts a fresh, independent draw.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from app.quality._draw import check_seed, unit_draw
from app.quality.records import Decision

AUDIT_DOMAIN = "veil.audit"


class AuditReason(StrEnum):
    """Why a decision was picked; the first that applies wins, in this order."""

    HIGHEST_SEVERITY = "highest_severity"
    ESCALATION = "escalation"
    RANDOM = "random"


@dataclass(frozen=True, slots=True)
class SamplingRule:
    """A lead's audit rule for one queue."""

    queue: str
    percent: float
    all_highest_severity: bool = False
    all_escalations: bool = False
    # Level 4 is "Critical" in every policy in resources/policies/; a queue whose policy
    # tops out elsewhere sets max(policy.severity_labels). At or above it counts as highest.
    highest_severity: int = 4

    def __post_init__(self) -> None:
        if not isinstance(self.queue, str) or not self.queue:
            raise ValueError("a sampling rule needs a queue")
        if isinstance(self.percent, bool) or not isinstance(self.percent, int | float):
            raise ValueError(f"percent must be a number, got {self.percent!r}")
        if not 0.0 <= self.percent <= 100.0:
            raise ValueError(f"percent must be between 0 and 100, got {self.percent}")
        for name in ("all_highest_severity", "all_escalations"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be True or False")
        if isinstance(self.highest_severity, bool) or not isinstance(self.highest_severity, int):
            raise ValueError(f"highest_severity must be an int, got {self.highest_severity!r}")


@dataclass(frozen=True, slots=True)
class AuditPick:
    """A decision chosen for audit and the part of the rule that chose it."""

    decision: Decision
    reason: AuditReason


def audit_draw(seed: bytes, event_id: str) -> float:
    """The decision's keyed uniform draw in [0, 1); picked at rate r when below r."""
    return unit_draw(seed, AUDIT_DOMAIN, event_id)


def audit_reason(rule: SamplingRule, decision: Decision, seed: bytes) -> AuditReason | None:
    """Why the rule audits this decision, or None when it does not (or it is another queue)."""
    check_seed(seed)
    return _reason(rule, decision, seed)


def select_for_audit(
    rule: SamplingRule, decisions: Iterable[Decision], seed: bytes
) -> list[AuditPick]:
    """The decisions of the rule's queue that go to audit, in input order."""
    check_seed(seed)
    picks = []
    for decision in decisions:
        reason = _reason(rule, decision, seed)
        if reason is not None:
            picks.append(AuditPick(decision, reason))
    return picks


def _reason(rule: SamplingRule, decision: Decision, seed: bytes) -> AuditReason | None:
    if decision.queue != rule.queue:
        return None
    if rule.all_highest_severity and decision.severity >= rule.highest_severity:
        return AuditReason.HIGHEST_SEVERITY
    if rule.all_escalations and (decision.escalated or decision.resolves_escalation):
        return AuditReason.ESCALATION
    if audit_draw(seed, decision.event_id) < rule.percent / 100.0:
        return AuditReason.RANDOM
    return None
