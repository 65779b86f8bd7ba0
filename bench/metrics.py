"""Quality metrics at scale: confusion matrix, Cohen's kappa and operations over 1M decisions.

Each figure is a ratio against the cheapest pass that reads the same records, measured in
the same run: a `collections.Counter` of the (original, audited) label pairs for the
confusion matrix and kappa, and a `sum()` of every decision's claim-to-decision seconds
(the datetime arithmetic no time metric can skip) for the operations metrics. No issue
sets a target; the limits below are this module's own sanity bounds: counting into a
matrix should cost about what counting the pairs does, and the five operations metrics
together about as much as a few such passes.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.quality.agreement import kappa_from_confusion
from app.quality.confusion import audit_confusion
from app.quality.operations import (
    escalation_rate,
    handling_time,
    sla_hit_rate,
    throughput_per_day,
    throughput_per_week,
)
from app.quality.records import AuditVerdict, Decision
from app.quality.sampling import SamplingRule, select_for_audit
from bench._util import median, print_table, verdict

N = 1_000_000
ACTIONS = ("keep", "remove", "warn", "age_gate", "escalate")
POLICIES = ("hate_speech", "spam_scams", "violent_graphic", "self_harm")
SEED = b"bench-lead-secret-seed-0123456789"
START = datetime(2026, 1, 5, tzinfo=UTC)


def synthetic(n: int) -> tuple[list[Decision], list[AuditVerdict]]:
    """n decisions five seconds apart (about 8 weeks) by 200 reviewers, each audited."""
    rng = random.Random(20260302)
    decisions = [_decision(rng, i) for i in range(n)]
    verdicts = [_verdict(rng, d) for d in decisions]
    return decisions, verdicts


def _decision(rng: random.Random, i: int) -> Decision:
    claimed = START + timedelta(seconds=i * 5 + rng.randrange(60))
    action = rng.choice(ACTIONS)
    return Decision(
        event_id=f"{rng.getrandbits(128):032x}",
        case_id=f"case-{i}",
        reviewer=f"rev-{i % 200}",
        queue=POLICIES[i % 4],
        policy=POLICIES[i % 4],
        action=action,
        claimed_at=claimed,
        decided_at=claimed + timedelta(seconds=rng.randrange(20, 1800)),
        severity=rng.randrange(1, 5),
        deadline=claimed + timedelta(minutes=20),
        escalated=action == "escalate",
    )


def _verdict(rng: random.Random, d: Decision) -> AuditVerdict:
    # Auditors agree 85% of the time, otherwise pick any action (possibly the same).
    audited = d.action if rng.random() < 0.85 else rng.choice(ACTIONS)
    return AuditVerdict(d.event_id, d.reviewer, "lead-1", d.policy, d.action, audited)


def operations(decisions: list[Decision]) -> None:
    """Every operations metric a weekly dashboard shows, over all decisions."""
    berlin = ZoneInfo("Europe/Berlin")
    throughput_per_day(decisions, berlin)
    throughput_per_week(decisions, berlin)
    handling_time(decisions)
    sla_hit_rate(decisions)
    escalation_rate(decisions)


def run() -> None:
    """Build 1M synthetic decisions, time each metric and print ratios to the baselines."""
    built = time.perf_counter()
    decisions, verdicts = synthetic(N)
    print(f"built {N:,} decisions and verdicts in {time.perf_counter() - built:.1f} s")
    pairs_s = median(lambda: Counter((v.original_action, v.audited_action) for v in verdicts), 3)
    sum_s = median(lambda: sum((d.decided_at - d.claimed_at).total_seconds() for d in decisions), 3)
    kappa_s = median(lambda: kappa_from_confusion(audit_confusion(verdicts)), 3)
    ops_s = median(lambda: operations(decisions), 3)
    rows: list[list[object]] = [
        ["baseline: Counter of label pairs", pairs_s, 1.0],
        ["confusion matrix + Cohen's kappa", kappa_s, kappa_s / pairs_s],
        ["baseline: sum() of handling seconds", sum_s, 1.0],
        *[[label, s, s / sum_s] for label, s in _each_operation(decisions)],
        ["all operations metrics", ops_s, ops_s / sum_s],
    ]
    print_table(["1,000,000 decisions", "seconds", "x baseline"], rows)
    print(verdict("confusion + kappa / Counter of pairs", kappa_s / pairs_s, 1.5, at_most=True))
    print(verdict("all operations / sum() of seconds", ops_s / sum_s, 10.0, at_most=True))
    print(f"confusion + kappa + operations: {kappa_s + ops_s:.2f} s for {N:,} decisions")


def _each_operation(decisions: list[Decision]) -> list[tuple[str, float]]:
    """Median seconds of each metric alone, plus audit sampling (an HMAC per decision)."""
    berlin = ZoneInfo("Europe/Berlin")
    rule = SamplingRule(POLICIES[0], 5.0, all_highest_severity=True, all_escalations=True)
    timed: list[tuple[str, Callable[[], object]]] = [
        ("throughput per day (Berlin)", lambda: throughput_per_day(decisions, berlin)),
        ("throughput per ISO week", lambda: throughput_per_week(decisions, berlin)),
        ("handling time median/p90", lambda: handling_time(decisions)),
        ("SLA hit rate", lambda: sla_hit_rate(decisions)),
        ("escalation rate", lambda: escalation_rate(decisions)),
        ("select_for_audit, 5% + forced", lambda: select_for_audit(rule, decisions, SEED)),
    ]
    return [(label, median(fn, 3)) for label, fn in timed]
