"""Exposure-aware rotation and break reminders, and who may change their rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.review.reviewdesk import AccessDenied

from .conftest import World


def _decide_all(world: World, desk, count: int) -> list[str]:
    handled = []
    for _ in range(count):
        claim = desk.claim_next()
        assert claim is not None
        handled.append(claim.detail.row.queue + f":{claim.detail.row.severity}")
        desk.decide(claim.detail.row.case_id, "no_violation", {})
    return handled


def test_after_five_intense_cases_a_calm_one_comes_when_no_sla_suffers(world: World) -> None:
    for n in range(8):
        world.ingest("violent_graphic", 4, age=timedelta(minutes=5 + n))  # due in ~25 min
    calm = world.ingest("spam_scams", 1, age=timedelta(minutes=1))
    desk = world.desk("maya")
    assert _decide_all(world, desk, 5) == ["graphic:4"] * 5
    claim = desk.claim_next()
    assert claim is not None and claim.rotated and claim.detail.row.case_id == calm
    lease = world.store.events(calm)[-1]
    assert lease.payload["rotation"] is True


def test_no_rotation_when_an_intense_case_would_miss_its_sla(world: World) -> None:
    for n in range(6):
        world.ingest("violent_graphic", 4, age=timedelta(minutes=24 + n))  # 6..1 min left
    world.ingest("spam_scams", 1)
    desk = world.desk("maya")
    _decide_all(world, desk, 5)
    claim = desk.claim_next()
    assert claim is not None and not claim.rotated and claim.detail.row.queue == "graphic"


def test_a_break_resets_the_streak(world: World) -> None:
    for _ in range(7):
        world.ingest("violent_graphic", 4)
    world.ingest("spam_scams", 1)
    desk = world.desk("maya")
    _decide_all(world, desk, 5)
    started = world.now()
    world.clock.advance(600)
    desk.take_break(started)
    claim = desk.claim_next()
    assert claim is not None and not claim.rotated and claim.detail.row.queue == "graphic"


def test_break_reminder_after_time_or_graphic_items(world: World) -> None:
    desk = world.desk("maya")
    assert not desk.break_advice().due
    world.clock.advance(91 * 60)
    advice = desk.break_advice()
    assert advice.due and not advice.mandatory and "91 minutes" in advice.reason
    desk.take_break(world.now() - timedelta(minutes=10))
    assert not desk.break_advice().due
    item = {"sha256": "a" * 64, "kind": "image", "mime": "image/png", "filename": "a", "size": 1}
    for _ in range(3):
        world.ingest("violent_graphic", 1, media=[item] * 2)
    lead = world.desk("lee", "lead")
    lead.set_wellbeing_rules(break_after_graphic_items=6, break_mandatory=True)
    for _ in range(3):
        claim = desk.claim_next()
        assert claim is not None
        desk.decide(claim.detail.row.case_id, "no_violation", {})
    advice = desk.break_advice()
    assert advice.due and advice.mandatory and advice.graphic_items == 6


def test_only_a_lead_changes_the_rules_and_they_are_checked(world: World) -> None:
    with pytest.raises(AccessDenied):
        world.desk("maya").set_wellbeing_rules(break_mandatory=True)
    lead = world.desk("lee", "lead")
    with pytest.raises(ValueError, match="rotation_after: expected a whole number"):
        lead.set_wellbeing_rules(rotation_after=0)
    with pytest.raises(ValueError, match="not a wellbeing setting"):
        lead.set_wellbeing_rules(coffee=True)
    lead.set_wellbeing_rules(rotation_after=2, break_minutes=5)
    rules = world.desk("maya").wellbeing_rules()
    assert (rules.rotation_after, rules.break_minutes, rules.break_mandatory) == (2, 5, False)
    world.store.rebuild_projections()
    assert world.desk("maya").wellbeing_rules().rotation_after == 2
