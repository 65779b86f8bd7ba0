"""Confusion matrices of original against audited action, overall and per policy."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.quality.agreement import cohen_kappa, kappa_by, kappa_from_confusion
from app.quality.confusion import (
    audit_confusion,
    confusion_by_policy,
    confusion_matrix,
)
from app.quality.records import AuditVerdict


def verdict(policy: str, original: str, audited: str) -> AuditVerdict:
    return AuditVerdict("evt", "rev-a", "lead-1", policy, original, audited)


VERDICTS = [
    verdict("hate", "remove", "remove"),
    verdict("hate", "remove", "keep"),
    verdict("hate", "keep", "keep"),
    verdict("spam", "remove", "remove"),
    verdict("spam", "warn", "remove"),
    verdict("spam", "warn", "remove"),
]


def test_labels_sorted_counts_and_totals() -> None:
    matrix = audit_confusion(VERDICTS)
    assert matrix.labels == ("keep", "remove", "warn")
    assert matrix.counts.tolist() == [[1, 0, 0], [1, 2, 0], [0, 2, 0]]
    assert matrix.row_totals.tolist() == [1, 3, 2]
    assert matrix.col_totals.tolist() == [2, 4, 0]
    assert matrix.total == 6
    assert matrix.count("warn", "remove") == 2
    assert matrix.count("warn", "escalate") == 0
    assert (matrix.agreement.hits, matrix.agreement.total) == (3, 6)


def test_per_policy_matrices_use_their_own_labels() -> None:
    by_policy = confusion_by_policy(VERDICTS)
    assert list(by_policy) == ["hate", "spam"]
    assert by_policy["hate"].labels == ("keep", "remove")
    assert by_policy["hate"].counts.tolist() == [[1, 0], [1, 1]]
    assert by_policy["spam"].labels == ("remove", "warn")
    assert by_policy["spam"].counts.tolist() == [[1, 0], [2, 0]]


def test_kappa_per_policy() -> None:
    kappas = kappa_by(VERDICTS, lambda v: v.policy)
    # hate: p_o = 2/3, p_e = (1*2 + 2*1) / 9 = 4/9, kappa = (2/9) / (5/9).
    assert kappas["hate"].value == pytest.approx(0.4)
    # The auditor used "remove" only while the reviewer varied: no agreement beyond chance.
    assert kappas["spam"].value == pytest.approx(0.0)


def test_explicit_labels_keep_unused_rows_and_reject_unknown_ones() -> None:
    matrix = confusion_matrix([("keep", "keep")], labels=["remove", "keep"])
    assert matrix.labels == ("remove", "keep")
    assert matrix.counts.tolist() == [[0, 0], [0, 1]]
    with pytest.raises(ValueError, match="not listed"):
        confusion_matrix([("keep", "ban")], labels=["keep"])
    with pytest.raises(ValueError, match="distinct"):
        confusion_matrix([], labels=["keep", "keep"])


def test_empty_matrix_and_its_kappa() -> None:
    matrix = confusion_matrix([])
    assert matrix.labels == ()
    assert matrix.total == 0
    assert matrix.agreement.value is None
    assert kappa_from_confusion(matrix).value is None


def test_counts_are_read_only() -> None:
    with pytest.raises(ValueError):
        audit_confusion(VERDICTS).counts[0, 0] = 9


pairs = st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from("abcd")), max_size=60)


# No deadline on examples: CI machines are shared, and a slow example is not a wrong one.
@settings(deadline=None)
@given(pairs)
def test_matrix_holds_every_pair_once(items: list[tuple[str, str]]) -> None:
    matrix = confusion_matrix(items)
    assert matrix.total == len(items)
    for (first, second), n in Counter(items).items():
        assert matrix.count(first, second) == n
    assert matrix.row_totals.tolist() == [sum(a == lab for a, _ in items) for lab in matrix.labels]


@settings(deadline=None)
@given(pairs)
def test_transposed_pairs_transpose_the_matrix(items: list[tuple[str, str]]) -> None:
    forward = confusion_matrix(items)
    backward = confusion_matrix([(b, a) for a, b in items])
    assert np.array_equal(forward.counts.T, backward.counts)


@settings(deadline=None)
@given(pairs.filter(lambda xs: len({v for pair in xs for v in pair}) > 1))
def test_kappa_from_matrix_equals_kappa_from_labels(items: list[tuple[str, str]]) -> None:
    first, second = zip(*items, strict=True)
    from_labels = cohen_kappa(list(first), list(second)).value
    assert kappa_from_confusion(confusion_matrix(items)).value == pytest.approx(from_labels)
