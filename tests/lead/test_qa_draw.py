"""QA sampling on the lead's workstation: rules as events, the keyed draw, the lead's seed."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.domain.people import Role
from app.log.clock import ManualClock
from app.log.store import LocalStore
from app.qa.assign import AuditDraw
from app.qa.dataset import Scope, decisions, read_snapshot
from app.qa.rules import QaRules
from app.qa.secret import SECRET_FILE, fingerprint, lead_secret
from app.quality.records import Decision
from app.quality.sampling import SamplingRule, select_for_audit
from app.review.reviewdesk import AccessDenied
from db.models import QaAudit
from tests.lead._events import decide, escalate, handled, ingest, lease
from tests.lead.conftest import make_person

SEED = b"lead-seed-for-tests-0123456789ab"
OTHER_SEED = b"another-lead-seed-0123456789abcd"
QUEUE = "hate-harassment"
LEAD = make_person("lee", Role.LEAD)


def _rule(store: LocalStore, percent: float = 25.0, seed: bytes = SEED, **flags: bool) -> None:
    rule = SamplingRule(
        QUEUE, percent, flags.get("highest", False), flags.get("escalations", False)
    )
    QaRules(store).set_rule(LEAD, rule, 0.0, seed)


def _audits(store: LocalStore) -> dict[str, str]:
    with store.transaction() as session:
        return {a.decision_event_id: a.reason for a in session.query(QaAudit)}


def _all_decisions(store: LocalStore) -> list[Decision]:
    scope = Scope(datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
    with read_snapshot(store.engine) as cur:
        return [d for d in decisions(cur, scope) if not d.escalated]


def test_the_draw_picks_exactly_what_the_sampling_rule_says(
    store: LocalStore, clock: ManualClock
) -> None:
    _rule(store, 25.0, highest=True)
    clock.advance(1)
    for n in range(60):
        handled(store, clock, f"mod-{n % 6}", "no_violation", severity=1 + n % 4)
    report = AuditDraw(store, LEAD, SEED).run()
    rule = SamplingRule(QUEUE, 25.0, all_highest_severity=True)
    expected = {
        p.decision.event_id: p.reason.value
        for p in select_for_audit(rule, _all_decisions(store), SEED)
    }
    assert _audits(store) == expected
    assert report.considered == 60 and report.assigned == len(expected)
    assert report.picked["highest_severity"] == 15  # every severity-4 decision


def test_drawing_again_adds_only_what_arrived_since(store: LocalStore, clock: ManualClock) -> None:
    _rule(store, 100.0)
    clock.advance(1)
    handled(store, clock, "maya", "remove")
    draw = AuditDraw(store, LEAD, SEED)
    assert draw.run().assigned == 1
    assert draw.run().assigned == 0
    assert AuditDraw(store, LEAD, SEED).run().assigned == 0  # a fresh draw re-reads: same picks
    handled(store, clock, "maya", "remove")
    assert draw.run().considered == 1


def test_a_rule_covers_decisions_made_while_it_was_in_force(
    store: LocalStore, clock: ManualClock
) -> None:
    _, before = handled(store, clock, "maya", "remove")
    clock.advance(60)
    _rule(store, 100.0)
    clock.advance(60)
    _, during = handled(store, clock, "maya", "remove")
    clock.advance(60)
    _rule(store, 0.0)
    clock.advance(60)
    _, after = handled(store, clock, "maya", "remove")
    AuditDraw(store, LEAD, SEED).run()
    assert set(_audits(store)) == {during.event_id}
    assert before.event_id != after.event_id


def test_escalation_outcomes_fall_under_the_rule_of_the_queue_they_came_from(
    store: LocalStore, clock: ManualClock
) -> None:
    _rule(store, 0.0, escalations=True)
    clock.advance(1)
    case_id = ingest(store)
    lease(store, "maya", case_id)
    escalate(store, "maya", case_id, QUEUE)
    clock.advance(600)
    lease(store, "ari", case_id)
    outcome = decide(store, "ari", case_id, "remove")
    handled(store, clock, "maya", "no_violation")
    AuditDraw(store, LEAD, SEED).run()
    assert _audits(store) == {outcome.event_id: "escalation"}


def test_a_workstation_without_the_rules_seed_does_not_draw(
    store: LocalStore, clock: ManualClock
) -> None:
    _rule(store, 100.0, seed=OTHER_SEED)
    clock.advance(1)
    handled(store, clock, "maya", "remove")
    report = AuditDraw(store, LEAD, SEED).run()
    assert report.assigned == 0 and report.foreign_seed == [QUEUE]
    assert "another lead's seed" in report.summary()


def test_only_a_lead_draws_or_sets_rules(store: LocalStore) -> None:
    moderator = make_person("maya", Role.MODERATOR)
    with pytest.raises(AccessDenied):
        AuditDraw(store, moderator, SEED)
    with pytest.raises(AccessDenied):
        QaRules(store).set_rule(moderator, SamplingRule(QUEUE, 5.0), 0.0, SEED)


def test_the_seed_stays_in_the_leads_data_dir_and_only_its_fingerprint_is_logged(
    store: LocalStore,
) -> None:
    seed = lead_secret(store.data_dir)
    assert lead_secret(store.data_dir) == seed and len(seed) == 32
    path = Path(store.data_dir) / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    QaRules(store).set_rule(LEAD, SamplingRule(QUEUE, 5.0), 0.0, seed)
    logged = " ".join(str(e.payload) for e in store.events())
    assert fingerprint(seed) in logged and seed.hex() not in logged
