"""QA agreement figures in one pass over the audits: overall, per policy, reviewer and week.

The rows are read one at a time and counted as (reviewer's action, auditor's blind call)
pairs, so tens of thousands of audits never sit in memory as objects (which would also
cost the UI thread long garbage-collector pauses). The statistics themselves come from
`app.quality` (`confusion_matrix`, `kappa_from_confusion`) on those counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from app.qa.dataset import Cursor, Scope, fact_filter
from app.quality.agreement import ConfusionMatrix, confusion_matrix
from app.quality.operations import iso_week
from app.quality.records import Rate

Pair = tuple[str, str]
SLOT_SECONDS = 900


@dataclass
class QaCounts:
    """Pair counts of blind re-reviews, and audit and verdict counts per reviewer."""

    overall: Counter[Pair] = field(default_factory=Counter)
    by_policy: dict[str, Counter[Pair]] = field(default_factory=dict)
    by_reviewer: dict[str, Counter[Pair]] = field(default_factory=dict)
    by_week: dict[str, Counter[Pair]] = field(default_factory=dict)
    audited: Counter[str] = field(default_factory=Counter)
    agreed: Counter[str] = field(default_factory=Counter)
    judged: Counter[str] = field(default_factory=Counter)

    def qa_pass(self, reviewer: str | None = None) -> Rate:
        """Verdicts that agreed, among verdicts given (one reviewer's, or all)."""
        if reviewer is None:
            return Rate(sum(self.agreed.values()), sum(self.judged.values()))
        return Rate(self.agreed[reviewer], self.judged[reviewer])


def qa_counts(cur: Cursor, scope: Scope) -> QaCounts:
    """Count every audit of a decision made in scope."""
    where, params = fact_filter(scope)
    cur.execute(
        "SELECT a.reviewer, a.policy, f.decided_ts, a.original_action, a.blind_policy, "
        "a.blind_action, a.verdict FROM qa_audits a "
        # Audits outermost (a few percent of the decisions), each found by primary key.
        f"CROSS JOIN decision_facts f ON f.event_id = a.decision_event_id WHERE {where}",
        params,
    )
    counts = QaCounts()
    weeks: dict[int, str] = {}
    for reviewer, policy, decided, original, blind_policy, blind_action, verdict in cur:
        counts.audited[reviewer] += 1
        if verdict is not None:
            counts.judged[reviewer] += 1
            counts.agreed[reviewer] += verdict == "agree"
        if blind_action is None:
            continue
        same = blind_policy in (None, policy)
        pair = (original, blind_action if same else f"{blind_policy}:{blind_action}")
        week = _week(weeks, decided, scope)
        counts.overall[pair] += 1
        for groups, key in (
            (counts.by_policy, policy),
            (counts.by_reviewer, reviewer),
            (counts.by_week, week),
        ):
            groups.setdefault(key, Counter())[pair] += 1
    return counts


def matrix(pairs: Counter[Pair]) -> ConfusionMatrix:
    """The confusion matrix of counted pairs."""
    return confusion_matrix(_each(pairs))


def _each(pairs: Counter[Pair]) -> Iterator[Pair]:
    for pair, n in pairs.items():
        for _ in range(n):
            yield pair


def _week(weeks: dict[int, str], ts: float, scope: Scope) -> str:
    # Every zone's offsets are whole quarter hours, so a 15-minute slot has one local week.
    slot = int(ts // SLOT_SECONDS)
    if slot not in weeks:
        weeks[slot] = iso_week(datetime.fromtimestamp(slot * SLOT_SECONDS, scope.tz), scope.tz)
    return weeks[slot]
