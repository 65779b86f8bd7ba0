"""Calibration sessions: the whole team decides the same cases independently, then compares.

The result is the table a lead walks through with the team (per case: everyone's
action, the majority and how strong it is), each reviewer's alignment with the
majority, and two team-level statistics over it. Fleiss' kappa needs every reviewer
to have decided every case; when someone missed one it is None with a reason, and
Krippendorff's alpha (which allows missing votes) is the figure to read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from app.quality.agreement import (
    RatingTable,
    Reliability,
    fleiss_kappa,
    krippendorff_alpha,
    rating_table,
)
from app.quality.records import Rate


class Vote(Protocol):
    """Anything with a case, a reviewer and an action, e.g. a `Decision`."""

    @property
    def case_id(self) -> str: ...

    @property
    def reviewer(self) -> str: ...

    @property
    def action(self) -> str: ...


@dataclass(frozen=True, slots=True)
class CalibrationVote:
    """One reviewer's independent call on one calibration case."""

    case_id: str
    reviewer: str
    action: str


@dataclass(frozen=True, slots=True)
class CaseAgreement:
    """One row of the calibration table."""

    case_id: str
    actions: dict[str, str]
    # None when two or more actions tie for the most votes.
    majority: str | None
    # Share of the case's votes that went to its most common action.
    agreement_share: float


@dataclass(frozen=True)
class CalibrationResult:
    """The calibration table, each reviewer's alignment with the majority, kappa and alpha."""

    cases: list[CaseAgreement]
    alignment: dict[str, Rate]
    fleiss: Reliability
    alpha: Reliability


def calibrate(votes: Iterable[Vote]) -> CalibrationResult:
    """Tabulate a calibration session; one vote per reviewer and case (else ValueError)."""
    by_case = _collect(votes)
    cases = [_row(case_id, actions) for case_id, actions in sorted(by_case.items())]
    table = rating_table([list(row.actions.values()) for row in cases])
    return CalibrationResult(
        cases, _alignment(cases), _fleiss_or_none(table), krippendorff_alpha(table)
    )


def _collect(votes: Iterable[Vote]) -> dict[str, dict[str, str]]:
    by_case: dict[str, dict[str, str]] = {}
    for v in votes:
        actions = by_case.setdefault(v.case_id, {})
        if v.reviewer in actions:
            raise ValueError(f"{v.reviewer} voted twice on calibration case {v.case_id}")
        actions[v.reviewer] = v.action
    return by_case


def _row(case_id: str, actions: dict[str, str]) -> CaseAgreement:
    ranked = Counter(actions.values()).most_common()
    top_votes = ranked[0][1]
    tied = len(ranked) > 1 and ranked[1][1] == top_votes
    majority = None if tied else ranked[0][0]
    return CaseAgreement(case_id, dict(sorted(actions.items())), majority, top_votes / len(actions))


def _alignment(cases: list[CaseAgreement]) -> dict[str, Rate]:
    """Per reviewer: cases where they took the majority action, among cases with one."""
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for row in cases:
        if row.majority is None:
            continue
        for reviewer, action in row.actions.items():
            totals[reviewer] += 1
            hits[reviewer] += action == row.majority
    return {r: Rate(hits[r], totals[r]) for r in sorted(totals)}


def _fleiss_or_none(table: RatingTable) -> Reliability:
    per_case = table.counts.sum(axis=1)
    if per_case.size and np.any(per_case != per_case[0]):
        return Reliability(None, None, None, len(per_case), "not every reviewer decided every case")
    if per_case.size and per_case[0] < 2:
        return Reliability(None, None, None, len(per_case), "fewer than two votes per case")
    return fleiss_kappa(table)
