"""Gold sets: marking, mixing copies into queues at the rate, indistinguishable, scored."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from app.domain.people import Role
from app.domain.policies import PolicySet
from app.log.clock import ManualClock
from app.log.store import LocalStore
from app.qa.dataset import Scope, read_snapshot
from app.qa.gold_mixing import GoldMixer
from app.qa.gold_sets import GoldSets, gold_score
from app.qa.rules import QaRules
from app.qa.secret import derived_seed
from app.quality.gold import should_insert_gold
from app.quality.sampling import SamplingRule
from app.review.reviewdesk import AccessDenied, FormError
from db.models import Case, Event, GoldCopy
from tests.lead._events import decide, handled, ingest, lease
from tests.lead.conftest import make_person

SEED = b"lead-seed-for-tests-0123456789ab"
LEE = make_person("lee", Role.LEAD)
QUEUE = "hate-harassment"
EVER = Scope(datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


@pytest.fixture
def gold_case(store: LocalStore, policies: PolicySet, clock: ManualClock) -> str:
    """A decided hate-speech case marked gold: the right call is 'remove'."""
    case_id, _ = handled(store, clock, "maya", "remove")
    GoldSets(store, policies, LEE).mark(case_id, "remove", "settled in policy review")
    return case_id


def _copies(store: LocalStore) -> list[GoldCopy]:
    with store.transaction() as session:
        return list(session.query(GoldCopy).order_by(GoldCopy.position))


def test_marking_checks_the_action_and_who_marks(
    store: LocalStore, policies: PolicySet, gold_case: str
) -> None:
    gold = GoldSets(store, policies, LEE)
    with pytest.raises(FormError):
        gold.mark(gold_case, "age_gate")  # not an action of hate speech
    [entry] = gold.entries()
    assert (entry.case_id, entry.expected_action, entry.active, entry.copies) == (
        gold_case,
        "remove",
        True,
        0,
    )
    gold.unmark(gold_case)
    assert not gold.entries()[0].active
    with pytest.raises(AccessDenied):
        GoldSets(store, policies, make_person("maya", Role.MODERATOR))


def test_copies_go_in_at_the_gold_rate_once_per_position(
    store: LocalStore, policies: PolicySet, clock: ManualClock, gold_case: str
) -> None:
    rule = QaRules(store).set_rule(LEE, SamplingRule(QUEUE, 0.0), 0.2, SEED)
    cases = [ingest(store) for _ in range(60)]
    report = GoldMixer(store, LEE, SEED).mix()
    seed = derived_seed(SEED, "veil.gold.queue", QUEUE, rule.event_id)
    expected = [n for n in range(60) if should_insert_gold(0.2, n, seed)]
    copies = _copies(store)
    with store.transaction() as session:
        neighbours = [session.get_one(Case, c).case_no for c in cases]
    assert [c.position for c in copies] == [neighbours[n] for n in expected]
    assert report.inserted[QUEUE] == len(expected) > 0
    assert {c.gold_case_id for c in copies} == {gold_case}
    assert GoldMixer(store, LEE, SEED).mix().inserted[QUEUE] == 0


def test_a_copy_looks_like_any_other_case(
    store: LocalStore, policies: PolicySet, gold_case: str
) -> None:
    QaRules(store).set_rule(LEE, SamplingRule(QUEUE, 0.0), 0.5, SEED)
    real = ingest(store)
    for _ in range(10):
        ingest(store)
    GoldMixer(store, LEE, SEED).mix()
    copy = _copies(store)[0].case_id
    with store.transaction() as session:
        payloads = {
            case_id: session.query(Event.payload)
            .filter(Event.case_id == case_id, Event.kind == "case.ingested")
            .scalar()
            for case_id in (real, copy)
        }
        cases = {
            c.case_id: c
            for c in session.query(Case).filter(Case.case_id.in_([real, copy, gold_case]))
        }
    assert json.loads(payloads[copy]).keys() == json.loads(payloads[real]).keys()
    assert "gold" not in payloads[copy].lower()
    assert (cases[copy].queue, cases[copy].status) == (cases[real].queue, "new")
    assert cases[copy].category == cases[gold_case].category


def test_decisions_on_copies_are_scored_against_the_gold_answer(
    store: LocalStore, policies: PolicySet, clock: ManualClock, gold_case: str
) -> None:
    QaRules(store).set_rule(LEE, SamplingRule(QUEUE, 0.0), 0.5, SEED)
    for _ in range(12):
        ingest(store)
    GoldMixer(store, LEE, SEED).mix()
    first, second = _copies(store)[:2]
    for who, copy, action in (("maya", first, "remove"), ("omar", second, "no_violation")):
        lease(store, who, copy.case_id)
        decide(store, who, copy.case_id, action)
    with read_snapshot(store.engine) as cur:
        score = gold_score(cur, EVER)
    assert (score.overall.hits, score.overall.total) == (1, 2)
    assert score.by_reviewer["maya"].value == 1.0 and score.by_reviewer["omar"].value == 0.0
