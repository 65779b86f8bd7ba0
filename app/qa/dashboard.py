"""Everything a lead's dashboard, the PDF report and the metrics export show, in one pass.

`build_dashboard` reads one snapshot of the store and returns plain data: operations per
queue and per reviewer, throughput per day, QA agreement per week, the confusion matrix,
per-reviewer scorecards and the team's exposure distribution. It runs off the UI thread
(see widgets/dashboard) and at a million decisions aggregates in SQL (`ops_sql`).

Agreement and kappa compare the reviewer's action with the auditor's blind call (made
before the auditor saw the original); `qa_pass` is the share of verdicts that agreed.
Exposure is team-wide over the period whatever the queue and policy filters, because a
filtered subgroup could be subtracted from the team to reveal a few people.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine

from app.qa.dataset import Scope, exposure_days, open_cases, read_snapshot
from app.qa.gold_sets import gold_score
from app.qa.ops_sql import (
    HandlingTimes,
    Tally,
    handling_times,
    roll_up,
    tallies,
    throughput_per_day,
)
from app.qa.qa_sql import QaCounts, matrix, qa_counts
from app.quality.agreement import ConfusionMatrix, Reliability, kappa_from_confusion
from app.quality.operations import BacklogAge, HandlingTime, backlog_age, group_by
from app.quality.records import CaseSpan, Rate
from app.quality.wellbeing import TeamExposure, team_exposure


@dataclass(frozen=True)
class QueueFigures:
    """Backlog now and SLA over the period for one queue."""

    queue: str
    backlog: BacklogAge
    tally: Tally


@dataclass(frozen=True)
class AgreementPoint:
    """QA agreement of one ISO week (by when the audited decisions were made)."""

    week: str
    n: int
    percent: float | None
    kappa: float | None


@dataclass(frozen=True)
class Scorecard:
    """One reviewer's period: volume, speed, SLA, escalations, QA and gold (no exposure)."""

    reviewer: str
    tally: Tally
    handling: HandlingTime
    audited: int
    agreement: Rate
    kappa: float | None
    qa_pass: Rate
    gold: Rate


@dataclass(frozen=True)
class DashboardData:
    """The lead's dashboard for one scope."""

    scope: Scope
    computed_at: datetime
    totals: Tally
    handling: HandlingTime
    backlog: BacklogAge
    queues: list[QueueFigures]
    throughput: dict[date, int]
    agreement: list[AgreementPoint]
    kappa: Reliability
    qa_pass: Rate
    confusion: ConfusionMatrix
    confusion_by_policy: dict[str, ConfusionMatrix]
    kappa_by_policy: dict[str, Reliability]
    scorecards: list[Scorecard]
    exposure: TeamExposure
    gold: Rate


def build_dashboard(
    engine: Engine, scope: Scope, graphic_policies: Sequence[str], now: datetime
) -> DashboardData:
    """All dashboard figures for scope, from one consistent snapshot."""
    with read_snapshot(engine) as cur:
        pairs = tallies(cur, scope)
        handling = handling_times(cur, scope)
        qa = qa_counts(cur, scope)
        gold = gold_score(cur, scope)
        backlog = open_cases(cur, scope)
        confusion = matrix(qa.overall)
        by_policy = {p: matrix(c) for p, c in sorted(qa.by_policy.items())}
        return DashboardData(
            scope=scope,
            computed_at=now,
            totals=sum(pairs.values(), Tally()),
            handling=handling.overall,
            backlog=backlog_age(backlog, now),
            queues=_queues(backlog, roll_up(pairs, 1), now),
            throughput=throughput_per_day(cur, scope),
            agreement=agreement_by_week(qa),
            kappa=kappa_from_confusion(confusion),
            qa_pass=qa.qa_pass(),
            confusion=confusion,
            confusion_by_policy=by_policy,
            kappa_by_policy={p: kappa_from_confusion(m) for p, m in by_policy.items()},
            scorecards=_scorecards(roll_up(pairs, 0), handling, qa, gold.by_reviewer),
            exposure=team_exposure(exposure_days(cur, scope.team_wide(), graphic_policies)),
            gold=gold.overall,
        )


def agreement_by_week(qa: QaCounts) -> list[AgreementPoint]:
    """Blind agreement and Cohen's kappa per ISO week of the audited decisions."""
    points = []
    for week, pairs in sorted(qa.by_week.items()):
        m = matrix(pairs)
        points.append(
            AgreementPoint(week, m.total, m.agreement.value, kappa_from_confusion(m).value)
        )
    return points


def _queues(
    backlog: list[CaseSpan], by_queue: dict[str, Tally], now: datetime
) -> list[QueueFigures]:
    spans = group_by(backlog, lambda c: c.queue)
    names = sorted(set(spans) | set(by_queue))
    return [
        QueueFigures(q, backlog_age(spans.get(q, []), now), by_queue.get(q, Tally())) for q in names
    ]


def _scorecards(
    by_reviewer: dict[str, Tally],
    handling: HandlingTimes,
    qa: QaCounts,
    gold: dict[str, Rate],
) -> list[Scorecard]:
    cards = []
    for reviewer in sorted(by_reviewer):
        theirs = matrix(qa.by_reviewer.get(reviewer, Counter()))
        cards.append(
            Scorecard(
                reviewer=reviewer,
                tally=by_reviewer[reviewer],
                handling=handling.by_reviewer.get(reviewer, HandlingTime(0, None, None)),
                audited=qa.audited[reviewer],
                agreement=theirs.agreement,
                kappa=kappa_from_confusion(theirs).value,
                qa_pass=qa.qa_pass(reviewer),
                gold=gold.get(reviewer, Rate(0, 0)),
            )
        )
    return cards
