"""Gold sets: cases with a known right decision, mixed into queues and scored.

Scoring compares each reviewer's latest decision on a gold case with the expected
action (the action only: a gold case tests the call, and the policy label is the area
it belongs to). Accuracy comes per reviewer and per policy.

Mixing is a keyed coin flip per queue position:

    insert gold at position i  <=>  HMAC-SHA256(seed, "veil.gold" NUL i) -> [0, 1) < rate

so gold appears at `rate` on average with no pattern (a fixed spacing or a quota per
block would tell a reviewer when the next one cannot come). Two rules keep positions
unpredictable: give each reviewer their own seed (`reviewer_gold_seed`), or colleagues
could compare notes; and never reuse a position index with the same seed, e.g. count
positions over the reviewer's whole history rather than per session.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.quality._draw import check_seed, unit_draw
from app.quality.records import Decision, Rate

GOLD_DOMAIN = "veil.gold"


@dataclass(frozen=True, slots=True)
class GoldCase:
    """A case whose right decision a lead has settled."""

    case_id: str
    policy: str
    expected_action: str


@dataclass(frozen=True, slots=True)
class GoldOutcome:
    """One reviewer's (latest) decision on one gold case."""

    decision: Decision
    gold: GoldCase

    @property
    def correct(self) -> bool:
        """The reviewer took the expected action."""
        return self.decision.action == self.gold.expected_action


@dataclass(frozen=True)
class GoldScore:
    """Gold accuracy overall, per reviewer and per policy, with the outcomes behind it."""

    overall: Rate
    by_reviewer: dict[str, Rate]
    by_policy: dict[str, Rate]
    outcomes: list[GoldOutcome] = field(default_factory=list)


def gold_outcomes(gold: Iterable[GoldCase], decisions: Iterable[Decision]) -> list[GoldOutcome]:
    """Pair each reviewer's latest decision on a gold case with that case; others ignored."""
    by_case = _index(gold)
    latest: dict[tuple[str, str], Decision] = {}
    for d in decisions:
        if d.case_id in by_case:
            key = (d.reviewer, d.case_id)
            if key not in latest or d.decided_at >= latest[key].decided_at:
                latest[key] = d
    return [GoldOutcome(latest[key], by_case[key[1]]) for key in sorted(latest)]


def score_gold(gold: Iterable[GoldCase], decisions: Iterable[Decision]) -> GoldScore:
    """Accuracy of decisions on gold cases against the expected action."""
    outcomes = gold_outcomes(gold, decisions)
    reviewers: dict[str, list[bool]] = {}
    policies: dict[str, list[bool]] = {}
    for o in outcomes:
        reviewers.setdefault(o.decision.reviewer, []).append(o.correct)
        policies.setdefault(o.gold.policy, []).append(o.correct)
    overall = _rate([o.correct for o in outcomes])
    return GoldScore(
        overall,
        {r: _rate(v) for r, v in sorted(reviewers.items())},
        {p: _rate(v) for p, v in sorted(policies.items())},
        outcomes,
    )


def should_insert_gold(rate: float, position_index: int, seed: bytes) -> bool:
    """Whether the queue position `position_index` (0, 1, 2...) gets a gold case."""
    check_seed(seed)
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"gold rate must be between 0 and 1, got {rate}")
    if isinstance(position_index, bool) or not isinstance(position_index, int):
        raise ValueError(f"position index must be an int, got {position_index!r}")
    if position_index < 0:
        raise ValueError(f"position index must not be negative, got {position_index}")
    return unit_draw(seed, GOLD_DOMAIN, str(position_index)) < rate


def reviewer_gold_seed(team_secret: bytes, reviewer: str) -> bytes:
    """A per-reviewer gold seed derived from one team secret, so positions differ per person."""
    check_seed(team_secret)
    return hmac.digest(team_secret, f"veil.gold.reviewer\x00{reviewer}".encode(), "sha256")


def _index(gold: Iterable[GoldCase]) -> dict[str, GoldCase]:
    by_case: dict[str, GoldCase] = {}
    for g in gold:
        if by_case.get(g.case_id, g) != g:
            raise ValueError(f"gold case {g.case_id} has two different expected decisions")
        by_case[g.case_id] = g
    return by_case


def _rate(results: list[bool]) -> Rate:
    return Rate(sum(results), len(results))
