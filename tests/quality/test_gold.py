"""Gold sets: accuracy per reviewer and policy; gold mixed in at a rate, at keyed positions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.quality.gold import (
    GoldCase,
    reviewer_gold_seed,
    score_gold,
    should_insert_gold,
)
from app.quality.records import Rate

from ._factories import SEED, T0, decision

GOLD = [
    GoldCase("g1", "hate_speech", "remove"),
    GoldCase("g2", "hate_speech", "keep"),
    GoldCase("g3", "spam_scams", "remove"),
]


def on(case_id: str, reviewer: str, action: str, minute: int = 0) -> object:
    moment = T0 + timedelta(minutes=minute)
    return decision(minute, case_id=case_id, reviewer=reviewer, action=action, decided_at=moment)


def test_accuracy_per_reviewer_and_policy() -> None:
    decisions = [
        on("g1", "ana", "remove"),
        on("g2", "ana", "keep"),
        on("g3", "ana", "keep"),
        on("g1", "ben", "keep"),
        on("g3", "ben", "remove"),
        on("not-gold", "ben", "remove"),
    ]
    score = score_gold(GOLD, decisions)
    assert score.overall == Rate(3, 5)
    assert score.by_reviewer == {"ana": Rate(2, 3), "ben": Rate(1, 2)}
    assert score.by_policy == {"hate_speech": Rate(2, 3), "spam_scams": Rate(1, 2)}
    assert len(score.outcomes) == 5


def test_latest_decision_per_reviewer_and_case_counts() -> None:
    decisions = [on("g1", "ana", "remove", minute=5), on("g1", "ana", "keep", minute=1)]
    assert score_gold(GOLD, decisions).overall == Rate(1, 1)
    redone = [on("g1", "ana", "keep", minute=1), on("g1", "ana", "remove", minute=5)]
    assert score_gold(GOLD, redone).overall == Rate(1, 1)


def test_no_gold_decisions() -> None:
    score = score_gold(GOLD, [on("other", "ana", "keep")])
    assert score.overall.value is None
    assert score.by_reviewer == {}


def test_conflicting_gold_definitions_are_refused() -> None:
    with pytest.raises(ValueError, match="g1"):
        score_gold([*GOLD, GoldCase("g1", "hate_speech", "keep")], [])
    assert score_gold([*GOLD, GOLD[0]], []).overall.total == 0


def positions(rate: float, seed: bytes, n: int = 20_000) -> list[int]:
    return [i for i in range(n) if should_insert_gold(rate, i, seed)]


def test_gold_appears_at_the_set_rate() -> None:
    found = len(positions(0.05, SEED))
    assert abs(found - 1000) <= 5 * (20_000 * 0.05 * 0.95) ** 0.5


def test_gold_positions_are_stable_per_seed_and_differ_across_seeds() -> None:
    assert positions(0.05, SEED, 2000) == positions(0.05, SEED, 2000)
    ana = reviewer_gold_seed(SEED, "ana")
    ben = reviewer_gold_seed(SEED, "ben")
    assert ana != ben
    assert positions(0.05, ana, 2000) != positions(0.05, ben, 2000)


def test_gold_positions_have_no_fixed_spacing() -> None:
    found = positions(0.05, SEED)
    gaps = {b - a for a, b in zip(found, found[1:], strict=False)}
    # Memoryless draws: gaps spread like a geometric distribution, short ones included.
    assert len(gaps) > 30
    assert min(gaps) <= 2


def test_rate_bounds() -> None:
    assert positions(0.0, SEED, 500) == []
    assert positions(1.0, SEED, 500) == list(range(500))


@pytest.mark.parametrize(
    ("rate", "index", "seed"),
    [(1.5, 0, SEED), (-0.1, 0, SEED), (0.1, -1, SEED), (0.1, 1.0, SEED), (0.1, 0, b"short")],
)
def test_invalid_arguments(rate: float, index: int, seed: bytes) -> None:
    with pytest.raises(ValueError):
        should_insert_gold(rate, index, seed)
