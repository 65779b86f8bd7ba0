"""The lead tools' event kinds and their typed payloads: QA sampling, blind re-review,
gold sets and calibration sessions."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from app.log.fields import Count, EventId, Name, Text
from app.log.registry import Payload

Percent = Annotated[float, msgspec.Meta(ge=0, le=100)]
GoldRate = Annotated[float, msgspec.Meta(ge=0, le=0.5)]


class QaRuleSet(Payload, frozen=True):
    """`qa.rule_set`: a queue's sampling rule, in force from now on."""

    queue: Name
    percent: Percent
    all_highest_severity: bool = False
    all_escalations: bool = False
    highest_severity: int | None = None
    gold_rate: GoldRate = 0.0
    seed_fingerprint: str = ""


class QaAssigned(Payload, frozen=True):
    """`qa.assigned`: a decision drawn for blind re-review, and why."""

    decision: EventId
    reviewer: Name
    queue: str
    policy: str
    action: str
    reason: str


class QaReview(Payload, frozen=True):
    """`qa.review`: the auditor's own blind call, before seeing the original."""

    decision: EventId
    policy: str
    action: str


class QaVerdict(Payload, frozen=True):
    """`qa.verdict`: agree or disagree, self-contained for the audited reviewer."""

    decision: EventId
    verdict: Literal["agree", "disagree"]
    policy: str
    action: str
    reviewer: Name
    queue: str
    original_policy: str
    original_action: str
    note: Text = ""


class GoldMarked(Payload, frozen=True):
    """`gold.marked`: a decided case becomes gold with its expected decision."""

    policy: str
    action: str
    note: Text = ""


class GoldUnmarked(Payload, frozen=True):
    """`gold.unmarked`."""


class GoldInserted(Payload, frozen=True):
    """`gold.inserted`: this case is a copy of a gold case, placed next to a real one."""

    gold_case: str
    queue: str
    position: Count


class CalibrationOpened(Payload, frozen=True):
    """`calibration.opened`: N cases and the people who decide them alone."""

    session: EventId
    title: Text
    cases: list[str]
    participants: list[str]


class CalibrationVoted(Payload, frozen=True):
    """`calibration.voted`: one person's call on one case of a session."""

    session: EventId
    policy: str
    action: str


class CalibrationClosed(Payload, frozen=True):
    """`calibration.closed`: the calls are shown to everyone."""

    session: EventId
