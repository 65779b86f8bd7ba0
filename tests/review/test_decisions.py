"""Decisions: the policy form, severity, evidence marks, undo, escalations and outcomes."""

from __future__ import annotations

import pytest

from app.domain.lifecycle import IllegalTransition
from app.review.reviewdesk import AccessDenied, FormError, UndoExpired

from .conftest import World

IMAGE = {"sha256": "a" * 64, "kind": "image", "mime": "image/png", "filename": "a.png", "size": 1}
VIDEO = {"sha256": "b" * 64, "kind": "video", "mime": "video/mp4", "filename": "b.mp4", "size": 1}


def _claimed(world: World, name: str = "maya", **ingest: object) -> tuple[object, str]:
    case = world.ingest(**ingest)
    desk = world.desk(name)
    claim = desk.claim_next()
    assert claim is not None and claim.detail.row.case_id == case
    return desk, case


def test_required_fields_severity_and_subcategory_are_named(world: World) -> None:
    desk, case = _claimed(world, category="violent_graphic", severity=3)
    with pytest.raises(FormError) as caught:
        desk.decide(case, "remove_and_strike", {"rationale": "short"}, severity=None)
    assert set(caught.value.problems) == {"rationale", "subcategory", "evidence", "severity"}
    with pytest.raises(FormError, match="subcategory"):
        desk.decide(case, "no_violation", {}, "not-a-subcategory")
    assert world.store.events(case)[-1].kind == "case.leased"  # nothing saved


def test_evidence_marks_satisfy_the_evidence_field_and_are_kept(world: World) -> None:
    desk, case = _claimed(world, category="violent_graphic", severity=3, media=[IMAGE, VIDEO])
    marks = [
        {"item": "a" * 64, "kind": "region", "x": 0.1, "y": 0.2, "w": 0.3, "h": 0.25},
        {"item": "b" * 64, "kind": "time", "start": 1.5, "end": 3.0},
    ]
    fields = {"rationale": "a knife used on a person, clause 3.2"}
    record = desk.decide(case, "remove_and_strike", fields, "injury", severity=4, evidence=marks)
    assert record.payload["evidence_marks"] == marks
    assert record.payload["fields"]["evidence"].startswith("Marked: region at 10%,20%")
    decision = desk.decisions(case)[-1]
    assert decision.severity == 4 and '"kind": "time"' in decision.evidence


@pytest.mark.parametrize(
    ("mark", "message"),
    [
        (
            {"item": "c" * 64, "kind": "region", "x": 0, "y": 0, "w": 0.1, "h": 0.1},
            "not on a media",
        ),
        ({"item": "a" * 64, "kind": "region", "x": 0.9, "y": 0, "w": 0.3, "h": 0.1}, "inside"),
        ({"item": "a" * 64, "kind": "time", "start": 1, "end": 2}, "needs a video"),
        ({"item": "b" * 64, "kind": "time", "start": 3, "end": 2}, "start before"),
        ({"item": "a" * 64, "kind": "circle"}, "unknown kind"),
    ],
)
def test_bad_marks_are_refused_on_the_evidence_field(
    world: World, mark: dict[str, object], message: str
) -> None:
    desk, case = _claimed(world, media=[IMAGE, VIDEO])
    with pytest.raises(FormError) as caught:
        desk.decide(case, "no_violation", {}, evidence=[mark])
    assert message in caught.value.problems["evidence"]


def test_undo_within_ten_seconds_is_a_compensating_event(world: World) -> None:
    desk, case = _claimed(world)
    record = desk.decide(case, "no_violation", {})
    world.clock.advance(9)
    desk.undo([(case, record.event_id)])
    assert desk.detail(case).row.status == "leased"
    kinds = [e.kind for e in world.store.events(case)]
    assert kinds[-2:] == ["decision.recorded", "decision.retracted"]
    again = desk.decide(case, "no_violation", {})
    world.clock.advance(11)
    with pytest.raises(UndoExpired):
        desk.undo([(case, again.event_id)])
    with pytest.raises(AccessDenied):
        world.desk("omar").undo([(case, again.event_id)])


def test_escalation_runs_its_own_sla_and_the_analyst_closes_it(world: World) -> None:
    mod, case = _claimed(world, category="hate_speech", severity=2)
    escalated_at = world.now()
    mod.escalate(case, "coordinated campaign across accounts", severity=3)
    analyst = world.desk("ari", "analyst")
    claim = analyst.claim_next()
    assert claim is not None and claim.detail.row.case_id == case
    detail = claim.detail
    assert detail.row.queue == "escalations" and detail.escalation is not None
    assert detail.escalation.reason == "coordinated campaign across accounts"
    sla = world.queues["escalations"].sla(3)
    assert detail.row.sla_deadline.startswith((escalated_at + sla).isoformat()[:16])
    analyst.add_note(case, "same text posted from 14 new accounts")
    with pytest.raises(FormError, match="final decision"):
        analyst.decide(case, "no_violation", {})
    analyst.decide(case, "remove", {"rationale": "targeted slur campaign, 4.1"}, "slurs")
    assert analyst.detail(case).row.status == "closed"
    outcome = mod.my_escalations()[0].info
    assert (outcome.resolved_by, outcome.resolution_action) == ("ari", "remove")
    labels = [e.label for e in analyst.history(case)]
    assert labels[:2] == ["Reported", "Claimed"] and labels[-2:] == ["Note", "Decided"]


def test_undo_of_a_final_decision_reopens_the_escalation(world: World) -> None:
    mod, case = _claimed(world)
    mod.escalate(case, "needs an analyst's eye")
    analyst = world.desk("ari", "analyst")
    analyst.claim_next()
    record = analyst.decide(case, "no_violation", {"rationale": "context shows satire"})
    analyst.undo([(case, record.event_id)])
    assert analyst.detail(case).row.status == "leased"
    assert mod.my_escalations()[0].info.resolved_by is None


def test_links_and_history_are_for_analysts(world: World) -> None:
    one, two = world.ingest(), world.ingest()
    analyst = world.desk("ari", "analyst")
    number = analyst.detail(two).row.case_no
    analyst.link_cases(one, number, "same sender")
    assert [link.case_id for link in analyst.links(two)] == [one]
    with pytest.raises(FormError, match="itself"):
        analyst.link_cases(one, analyst.detail(one).row.case_no, "")
    with pytest.raises(AccessDenied):
        world.desk("maya").history(one)
    with pytest.raises(IllegalTransition):
        world.desk("maya").escalate(one, "without a lease it cannot go")
