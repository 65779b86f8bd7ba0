"""Confusion matrices: one rater's labels against another's, e.g. reviewer vs auditor.

Built from a Counter of label pairs (one pass, O(n)), so a million audited decisions
cost about as much as counting them; the matrix itself is only labels x labels.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from app.quality.records import AuditVerdict, Rate


@dataclass(frozen=True, eq=False)
class ConfusionMatrix:
    """Counts of (row label, column label) pairs; rows are the first rater, columns the second.

    For QA, rows are the reviewer's original action and columns the auditor's action.
    `labels` are sorted and shared by rows and columns; `counts` is a read-only
    int64 array of shape (len(labels), len(labels)).
    """

    labels: tuple[str, ...]
    counts: np.ndarray

    @property
    def row_totals(self) -> np.ndarray:
        """How often the first rater used each label."""
        return self.counts.sum(axis=1)

    @property
    def col_totals(self) -> np.ndarray:
        """How often the second rater used each label."""
        return self.counts.sum(axis=0)

    @property
    def total(self) -> int:
        """Number of items (pairs) counted."""
        return int(self.counts.sum())

    @property
    def agreement(self) -> Rate:
        """Items where both raters gave the same label."""
        return Rate(int(np.trace(self.counts)), self.total)

    def count(self, row: str, col: str) -> int:
        """Items the first rater labelled `row` and the second `col` (0 for unseen labels)."""
        index = {label: i for i, label in enumerate(self.labels)}
        if row not in index or col not in index:
            return 0
        return int(self.counts[index[row], index[col]])


def confusion_matrix(
    pairs: Iterable[tuple[str, str]], labels: Sequence[str] | None = None
) -> ConfusionMatrix:
    """Count (first, second) label pairs; labels default to the sorted labels seen."""
    return _from_tally(Counter(pairs), labels)


def audit_confusion(verdicts: Iterable[AuditVerdict]) -> ConfusionMatrix:
    """Original action (rows) against the auditor's action (columns)."""
    return confusion_matrix((v.original_action, v.audited_action) for v in verdicts)


def confusion_by(
    verdicts: Iterable[AuditVerdict], key: Callable[[AuditVerdict], str]
) -> dict[str, ConfusionMatrix]:
    """One audit confusion matrix per group (policy, reviewer, auditor...), in one pass."""
    tally = Counter((key(v), v.original_action, v.audited_action) for v in verdicts)
    groups: defaultdict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for (group, first, second), n in tally.items():
        groups[group][first, second] += n
    return {group: _from_tally(groups[group], None) for group in sorted(groups)}


def confusion_by_policy(verdicts: Iterable[AuditVerdict]) -> dict[str, ConfusionMatrix]:
    """One audit confusion matrix per policy, each with the labels used under that policy."""
    return confusion_by(verdicts, lambda v: v.policy)


def label_order(seen: Iterable[str], labels: Sequence[str] | None = None) -> tuple[str, ...]:
    """The sorted labels seen, or the given labels after checking they cover what was seen."""
    found = set(seen)
    if labels is None:
        return tuple(sorted(found))
    ordered = tuple(labels)
    if len(set(ordered)) != len(ordered):
        raise ValueError("labels must be distinct")
    missing = found.difference(ordered)
    if missing:
        raise ValueError(f"labels seen in the data but not listed: {sorted(missing)}")
    return ordered


def _from_tally(tally: Counter[tuple[str, str]], labels: Sequence[str] | None) -> ConfusionMatrix:
    ordered = label_order((label for pair in tally for label in pair), labels)
    index = {label: i for i, label in enumerate(ordered)}
    counts = np.zeros((len(ordered), len(ordered)), dtype=np.int64)
    for (first, second), n in tally.items():
        counts[index[first], index[second]] += n
    # Frozen all the way down: a matrix handed to a dashboard must not change under it.
    counts.setflags(write=False)
    return ConfusionMatrix(ordered, counts)
