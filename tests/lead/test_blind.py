"""Blind re-review: own call first, original after, then a verdict; reviewer feedback."""

from __future__ import annotations

import pytest

from app.domain.kinds import EventKind
from app.domain.people import Role
from app.domain.policies import PolicySet
from app.log.clock import ManualClock
from app.log.store import LocalStore
from app.qa.assign import AuditDraw
from app.qa.blind import BlindnessError, BlindReview
from app.qa.feedback import feedback_for
from app.qa.rules import QaRules
from app.quality.sampling import SamplingRule
from app.review.reviewdesk import AccessDenied, FormError
from db.models import QaAudit
from tests.lead._events import append, handled
from tests.lead.conftest import make_person

SEED = b"lead-seed-for-tests-0123456789ab"
LEE = make_person("lee", Role.LEAD)
KIM = make_person("kim", Role.LEAD)
MAYA = make_person("maya", Role.MODERATOR)


@pytest.fixture
def drawn(store: LocalStore, clock: ManualClock) -> str:
    """One of maya's decisions ('restrict'), drawn for QA; its event id."""
    QaRules(store).set_rule(LEE, SamplingRule("hate-harassment", 100.0), 0.0, SEED)
    clock.advance(1)
    _case, decision = handled(store, clock, "maya", "restrict")
    AuditDraw(store, LEE, SEED).run()
    return decision.event_id


def test_the_original_stays_hidden_until_the_auditor_has_decided(
    store: LocalStore, policies: PolicySet, drawn: str
) -> None:
    desk = BlindReview(store, policies, LEE)
    [item] = desk.worklist()
    assert (item.decision_event_id, item.stage) == (drawn, "blind")
    assert not hasattr(item, "action") and not hasattr(item, "reviewer")
    content = desk.open(drawn)
    assert not hasattr(content, "decision_action")
    with pytest.raises(BlindnessError):
        desk.original(drawn)
    call = desk.record_call(drawn, "hate_speech", "remove")
    original = desk.original(drawn)
    assert (original.reviewer, original.action) == ("maya", "restrict")
    assert (call.kind, call.case_id) == (EventKind.QA_REVIEW, content.case_id)
    assert desk.worklist()[0].stage == "verdict"


def test_a_verdict_agrees_or_corrects_with_a_note(
    store: LocalStore, policies: PolicySet, drawn: str
) -> None:
    desk = BlindReview(store, policies, LEE)
    desk.record_call(drawn, "hate_speech", "remove")
    with pytest.raises(FormError) as missing:
        desk.submit_verdict(drawn, agree=False, policy="hate_speech", action="remove", note="no")
    assert "note" in missing.value.problems
    with pytest.raises(FormError) as same:
        desk.submit_verdict(drawn, False, "hate_speech", "restrict", "this is what it was")
    assert "Agree instead" in same.value.problems["action"]
    note = "Slur aimed at a group: remove, per clause 2."
    desk.submit_verdict(drawn, False, "hate_speech", "remove", note)
    with store.transaction() as session:
        audit = session.get_one(QaAudit, drawn)
        assert (audit.verdict, audit.corrected_action, audit.note) == ("disagree", "remove", note)
        assert (audit.blind_action, audit.auditor) == ("remove", "lee")
    assert desk.worklist() == []
    with pytest.raises(FormError):
        desk.submit_verdict(drawn, agree=True)


def test_nobody_audits_their_own_decision_and_moderators_do_not_audit(
    store: LocalStore, policies: PolicySet, clock: ManualClock
) -> None:
    QaRules(store).set_rule(LEE, SamplingRule("hate-harassment", 100.0), 0.0, SEED)
    clock.advance(1)
    _case, own = handled(store, clock, "lee", "remove")
    AuditDraw(store, KIM, SEED).run()
    desk = BlindReview(store, policies, LEE)
    assert desk.worklist() == []
    with pytest.raises(AccessDenied):
        desk.open(own.event_id)
    assert [i.decision_event_id for i in BlindReview(store, policies, KIM).worklist()] == [
        own.event_id
    ]
    with pytest.raises(AccessDenied):
        BlindReview(store, policies, MAYA)


def test_an_audit_another_lead_started_is_theirs(
    store: LocalStore, policies: PolicySet, drawn: str
) -> None:
    BlindReview(store, policies, KIM).record_call(drawn, "hate_speech", "restrict")
    desk = BlindReview(store, policies, LEE)
    assert desk.worklist() == []
    with pytest.raises(BlindnessError):
        desk.original(drawn)


def test_the_reviewer_sees_feedback_on_finished_audits_only(
    store: LocalStore, policies: PolicySet, drawn: str
) -> None:
    desk = BlindReview(store, policies, LEE)
    assert feedback_for(store, MAYA).items == []  # drawn, not judged: nothing shows
    desk.record_call(drawn, "hate_speech", "remove")
    desk.submit_verdict(drawn, False, "hate_speech", "remove", "Targets a protected group.")
    feedback = feedback_for(store, MAYA)
    [item] = feedback.items
    assert (item.your_action, item.verdict, item.corrected_action) == (
        "restrict",
        "disagree",
        "remove",
    )
    assert (feedback.agreement.hits, feedback.agreement.total) == (0, 1)
    assert feedback_for(store, make_person("omar", Role.MODERATOR)).items == []


def test_a_verdict_alone_is_enough_for_the_reviewers_workstation(
    store: LocalStore, clock: ManualClock
) -> None:
    case_id, decision = handled(store, clock, "maya", "restrict")
    payload = {
        "decision": decision.event_id,
        "verdict": "agree",
        "policy": "hate_speech",
        "action": "restrict",
        "note": "",
        "reviewer": "maya",
        "queue": "hate-harassment",
        "original_policy": "hate_speech",
        "original_action": "restrict",
    }
    append(store, "lee", EventKind.QA_VERDICT, case_id, payload)
    [item] = feedback_for(store, MAYA).items
    assert item.agreed and item.case_id == case_id
