"""QA sampling: the rate holds, per reviewer too; picks are stable per seed and keyed."""

from __future__ import annotations

import hashlib
import hmac
import random
from collections import Counter
from dataclasses import replace

import pytest

from app.domain.policies import PolicySet
from app.quality.records import Decision
from app.quality.sampling import (
    AuditReason,
    SamplingRule,
    audit_draw,
    audit_reason,
    select_for_audit,
)

from ._factories import SEED, decision

OTHER_SEED = b"another-lead-secret-seed-xyz-789"
REVIEWERS = [f"rev-{i:02d}" for i in range(20)]
# 10,000 decisions, 500 for each of 20 reviewers, with UUID-like random event ids.
_rng = random.Random(7)
DECISIONS = [
    decision(n, event_id=f"{_rng.getrandbits(128):032x}", reviewer=REVIEWERS[n % 20])
    for n in range(10_000)
]
TEN_PERCENT = SamplingRule("hate_speech", 10.0)


def within_sigmas(count: int, n: int, p: float, sigmas: float = 5.0) -> bool:
    """Whether a binomial count is within `sigmas` standard deviations of n * p."""
    return abs(count - n * p) <= sigmas * (n * p * (1 - p)) ** 0.5


def picked_ids(rule: SamplingRule, decisions: list[Decision], seed: bytes) -> set[str]:
    return {p.decision.event_id for p in select_for_audit(rule, decisions, seed)}


def test_documented_draw_formula() -> None:
    digest = hmac.new(SEED, b"veil.audit\x00evt-1", hashlib.sha256).digest()
    expected = (int.from_bytes(digest[:8], "big") >> 11) / 2**53
    assert audit_draw(SEED, "evt-1") == expected


@pytest.mark.parametrize("seed", [SEED, OTHER_SEED, bytes(range(32))])
def test_rate_met_over_ten_thousand_decisions(seed: bytes) -> None:
    picks = select_for_audit(TEN_PERCENT, DECISIONS, seed)
    assert within_sigmas(len(picks), 10_000, 0.10)
    assert {p.reason for p in picks} == {AuditReason.RANDOM}


@pytest.mark.parametrize("percent", [1.0, 2.5, 50.0])
def test_other_rates_met(percent: float) -> None:
    picks = select_for_audit(SamplingRule("hate_speech", percent), DECISIONS, SEED)
    assert within_sigmas(len(picks), 10_000, percent / 100)


def test_rate_holds_for_every_reviewer() -> None:
    per_reviewer = Counter(
        p.decision.reviewer for p in select_for_audit(TEN_PERCENT, DECISIONS, SEED)
    )
    for reviewer in REVIEWERS:
        assert within_sigmas(per_reviewer[reviewer], 500, 0.10), reviewer


def test_draws_are_uniform() -> None:
    bins = Counter(int(audit_draw(SEED, d.event_id) * 10) for d in DECISIONS)
    assert sorted(bins) == list(range(10))
    assert all(within_sigmas(bins[b], 10_000, 0.10) for b in bins)


def test_same_seed_same_picks_in_any_order() -> None:
    first = picked_ids(TEN_PERCENT, DECISIONS, SEED)
    shuffled = random.Random(1).sample(DECISIONS, len(DECISIONS))
    assert picked_ids(TEN_PERCENT, shuffled, SEED) == first
    assert picked_ids(TEN_PERCENT, DECISIONS[:5000], SEED) == {
        e for e in first if e in {d.event_id for d in DECISIONS[:5000]}
    }


def test_different_seeds_pick_differently() -> None:
    first = picked_ids(TEN_PERCENT, DECISIONS, SEED)
    second = picked_ids(TEN_PERCENT, DECISIONS, OTHER_SEED)
    # Independent 10% draws overlap on about 1% of decisions (100 of 10,000).
    assert within_sigmas(len(first & second), 10_000, 0.01)


def test_picks_come_from_the_rule_queue_only() -> None:
    others = [replace(d, queue="spam_scams") for d in DECISIONS[:1000]]
    assert select_for_audit(SamplingRule("hate_speech", 100.0), others, SEED) == []


def test_all_highest_severity_and_all_escalations() -> None:
    rule = SamplingRule("hate_speech", 0.0, all_highest_severity=True, all_escalations=True)
    batch = [
        decision(1, severity=4),
        decision(2, severity=5),
        decision(3, severity=3),
        decision(4, escalated=True),
        decision(5, resolves_escalation=True),
        decision(6, severity=4, escalated=True),
    ]
    reasons = {p.decision.event_id: p.reason for p in select_for_audit(rule, batch, SEED)}
    assert reasons == {
        "evt-0000001": AuditReason.HIGHEST_SEVERITY,
        "evt-0000002": AuditReason.HIGHEST_SEVERITY,
        "evt-0000004": AuditReason.ESCALATION,
        "evt-0000005": AuditReason.ESCALATION,
        "evt-0000006": AuditReason.HIGHEST_SEVERITY,
    }


def test_forced_picks_are_off_unless_asked() -> None:
    batch = [decision(1, severity=4), decision(2, escalated=True)]
    assert select_for_audit(SamplingRule("hate_speech", 0.0), batch, SEED) == []


def test_highest_severity_is_configurable() -> None:
    rule = SamplingRule("hate_speech", 0.0, all_highest_severity=True, highest_severity=3)
    assert audit_reason(rule, decision(1, severity=3), SEED) is AuditReason.HIGHEST_SEVERITY


def test_default_highest_severity_is_the_top_level_of_every_bundled_policy(
    policies: PolicySet,
) -> None:
    # A policy that grows a level 5 would silently escape "audit all highest severity".
    default = SamplingRule("hate_speech", 1.0).highest_severity
    assert {max(p.severity_labels) for p in policies} == {default}


def test_zero_and_hundred_percent() -> None:
    assert select_for_audit(SamplingRule("hate_speech", 0), DECISIONS, SEED) == []
    assert len(select_for_audit(SamplingRule("hate_speech", 100), DECISIONS, SEED)) == 10_000


@pytest.mark.parametrize(
    "kwargs",
    [
        {"queue": "", "percent": 5},
        {"queue": "q", "percent": -0.1},
        {"queue": "q", "percent": 100.5},
        {"queue": "q", "percent": "5"},
        {"queue": "q", "percent": True},
        {"queue": "q", "percent": 5, "all_escalations": "yes"},
        {"queue": "q", "percent": 5, "highest_severity": 4.0},
    ],
)
def test_rule_validation(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        SamplingRule(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [b"", b"short", "a-string-seed-that-is-long-enough"])
def test_weak_or_wrong_seeds_are_refused(seed: bytes) -> None:
    with pytest.raises(ValueError, match="seed"):
        select_for_audit(TEN_PERCENT, DECISIONS[:1], seed)
