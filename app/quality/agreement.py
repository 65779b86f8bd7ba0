"""Inter-rater agreement: percent agreement, Cohen's and Fleiss' kappa, Krippendorff's alpha.

All three chance-corrected statistics have the form (observed - expected) / (1 - expected)
and come back as a `Reliability` carrying both parts. Degenerate inputs:

- no items (or, for alpha, no unit with two ratings): `value` is None, `reason` says so;
- every rating in one and the same category: expected agreement is 1 and the statistic
  is 0/0, so `value` is None with observed = expected = 1.0. A dashboard should show
  "100% agreement, kappa undefined (one category only)", never a made-up 0 or 1;
- malformed input (unequal lengths, negative counts, a Fleiss table whose items have
  different numbers of ratings) raises ValueError.

Labels are nominal strings. The confusion matrix lives in `app.quality.confusion` and is
re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from app.quality.confusion import (
    ConfusionMatrix,
    audit_confusion,
    confusion_by,
    confusion_by_policy,
    confusion_matrix,
    label_order,
)
from app.quality.records import AuditVerdict

__all__ = [
    "ConfusionMatrix",
    "RatingTable",
    "Reliability",
    "audit_confusion",
    "cohen_kappa",
    "confusion_by",
    "confusion_by_policy",
    "confusion_matrix",
    "fleiss_kappa",
    "kappa_by",
    "kappa_from_confusion",
    "krippendorff_alpha",
    "label_order",
    "percent_agreement",
    "rating_table",
]

ONE_CATEGORY = "undefined: every rating is in the same single category"


@dataclass(frozen=True, slots=True)
class Reliability:
    """A chance-corrected agreement statistic with its observed and expected agreement."""

    value: float | None
    observed: float | None
    expected: float | None
    n_items: int
    reason: str = ""


@dataclass(frozen=True, eq=False)
class RatingTable:
    """Units x categories: how many raters put each unit in each category (Fleiss' layout)."""

    labels: tuple[str, ...]
    counts: np.ndarray


def percent_agreement(first: Sequence[str], second: Sequence[str]) -> float | None:
    """Share of items two raters labelled the same; None when there are no items."""
    _check_paired(first, second)
    if not first:
        return None
    return sum(a == b for a, b in zip(first, second, strict=True)) / len(first)


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> Reliability:
    """Cohen's kappa for two raters who each labelled the same items (nominal)."""
    _check_paired(first, second)
    return kappa_from_confusion(confusion_matrix(zip(first, second, strict=True)))


def kappa_from_confusion(matrix: ConfusionMatrix) -> Reliability:
    """Cohen's kappa from a confusion matrix (rows one rater, columns the other)."""
    n = matrix.total
    if n == 0:
        return Reliability(None, None, None, 0, "no items")
    observed = int(np.trace(matrix.counts)) / n
    expected = float(matrix.row_totals @ matrix.col_totals) / (n * n)
    used = np.flatnonzero(matrix.row_totals + matrix.col_totals)
    if len(used) == 1:
        return Reliability(None, 1.0, 1.0, n, ONE_CATEGORY)
    return Reliability(_chance_corrected(observed, expected), observed, expected, n)


def kappa_by(
    verdicts: Iterable[AuditVerdict], key: Callable[[AuditVerdict], str]
) -> dict[str, Reliability]:
    """Cohen's kappa of reviewer vs auditor per group, e.g. `lambda v: v.policy`."""
    return {g: kappa_from_confusion(m) for g, m in confusion_by(verdicts, key).items()}


def rating_table(
    units: Iterable[Iterable[str | None]], labels: Sequence[str] | None = None
) -> RatingTable:
    """Count each unit's ratings per category; None marks a missing rating and is skipped."""
    rows = [[r for r in unit if r is not None] for unit in units]
    ordered = label_order((r for row in rows for r in row), labels)
    index = {label: i for i, label in enumerate(ordered)}
    counts = np.zeros((len(rows), len(ordered)), dtype=np.int64)
    for u, row in enumerate(rows):
        for rating in row:
            counts[u, index[rating]] += 1
    return RatingTable(ordered, counts)


def fleiss_kappa(table: RatingTable | ArrayLike) -> Reliability:
    """Fleiss' kappa: many raters, the same number of ratings for every item (nominal)."""
    counts = _counts(table)
    n_items = counts.shape[0]
    if n_items == 0:
        return Reliability(None, None, None, 0, "no items")
    raters = _ratings_per_item(counts)
    observed = float(np.mean(((counts * counts).sum(axis=1) - raters) / (raters * (raters - 1))))
    shares = counts.sum(axis=0) / (n_items * raters)
    if np.count_nonzero(shares) == 1:
        return Reliability(None, 1.0, 1.0, n_items, ONE_CATEGORY)
    expected = float(shares @ shares)
    return Reliability(_chance_corrected(observed, expected), observed, expected, n_items)


def krippendorff_alpha(table: RatingTable | ArrayLike) -> Reliability:
    """Krippendorff's alpha for nominal data: any number of raters, missing ratings allowed.

    Works on the coincidence counts: units with fewer than two ratings cannot be paired
    and are left out (Krippendorff 2011), so `n_items` counts the pairable units only.
    """
    counts = _counts(table)
    per_unit = counts.sum(axis=1)
    pairable = counts[per_unit >= 2]
    m = per_unit[per_unit >= 2]
    if len(m) == 0:
        return Reliability(None, None, None, 0, "no unit has two or more ratings")
    n = int(m.sum())
    observed = float(((pairable * (pairable - 1)).sum(axis=1) / (m - 1)).sum()) / n
    totals = pairable.sum(axis=0)
    if np.count_nonzero(totals) == 1:
        return Reliability(None, 1.0, 1.0, len(m), ONE_CATEGORY)
    expected = float((totals * (totals - 1)).sum()) / (n * (n - 1))
    return Reliability(_chance_corrected(observed, expected), observed, expected, len(m))


def _ratings_per_item(counts: np.ndarray) -> int:
    per_item = counts.sum(axis=1)
    if np.any(per_item != per_item[0]):
        raise ValueError(
            f"Fleiss' kappa needs the same number of ratings for every item, got "
            f"{per_item.min()} to {per_item.max()}; use Krippendorff's alpha instead"
        )
    if per_item[0] < 2:
        raise ValueError("Fleiss' kappa needs at least two ratings per item")
    return int(per_item[0])


def _chance_corrected(observed: float, expected: float) -> float:
    return (observed - expected) / (1.0 - expected)


def _check_paired(first: Sequence[str], second: Sequence[str]) -> None:
    if len(first) != len(second):
        raise ValueError(f"raters labelled different numbers of items: {len(first)}, {len(second)}")


def _counts(table: RatingTable | ArrayLike) -> np.ndarray:
    raw = table.counts if isinstance(table, RatingTable) else table
    counts = np.asarray(raw)
    if counts.size == 0:
        return np.zeros((0, 0), dtype=np.int64)
    if counts.ndim != 2:
        raise ValueError(f"a rating table is units x categories, got {counts.ndim} dimensions")
    if not np.issubdtype(counts.dtype, np.integer) or np.any(counts < 0):
        raise ValueError("rating counts must be non-negative integers")
    return counts.astype(np.int64)
