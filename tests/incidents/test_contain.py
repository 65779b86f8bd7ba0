"""Containment: seeds and terms route matching cases to the surge queue with the
incident's SLA; counters; one decision applied to the incident's cluster."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.incidents.cluster import decide_cluster
from app.incidents.figures import counters, impact
from app.incidents.matcher import contain, newest_case_no
from app.incidents.models import IncidentCase
from app.incidents.queues import queue_id
from app.log.clock import iso
from db.models import Case
from tests.review.conftest import World

from .conftest import incident_desk

BASE = 0x9F3C_55A1_0E77_C2B4


def _item(n: int, value: int) -> dict[str, object]:
    return {
        "sha256": f"{n:064x}",
        "kind": "image",
        "mime": "image/png",
        "filename": f"{n}.png",
        "size": 1,
        "phash": [{"frame": 0, "hash": f"{value:016x}"}],
    }


def _linked(world: World, incident_id: str) -> dict[str, str]:
    with world.store.read() as s:
        rows = s.execute(
            select(IncidentCase.case_id, IncidentCase.via).where(
                IncidentCase.incident_id == incident_id
            )
        ).all()
    return dict(rows)  # type: ignore[arg-type]


def test_declaring_from_a_case_seeds_it_and_pulls_in_its_cluster(world: World) -> None:
    origin = world.ingest("spam_scams", 2, media=[_item(1, BASE)])
    twin = world.ingest("spam_scams", 3, media=[_item(2, BASE ^ 0b111)])
    far = world.ingest("spam_scams", 3, media=[_item(3, BASE ^ 0xFFFF_FFFF)])
    desk = incident_desk(world)
    records = desk.declare("Flyer wave", 2, "spam_scams", from_case=origin)
    incident_id = records[0].payload["incident_id"]
    assert [r.kind for r in records] == [
        "incident.declared",
        "incident.seed_added",
        "incident.case_linked",
        "incident.case_linked",
    ]
    assert _linked(world, incident_id) == {origin: "declared", twin: "cluster"}
    with world.store.read() as s:
        moved = s.get_one(Case, twin)
        assert moved.queue == queue_id(incident_id)
        # SEV 2's surge SLA (30 minutes) from now, sooner than the case's own.
        assert moved.sla_deadline == iso(world.now() + timedelta(minutes=30))
        assert s.get_one(Case, far).queue != queue_id(incident_id)


def test_new_intakes_and_waiting_cases_matching_seeds_or_terms_are_routed(world: World) -> None:
    waiting = world.ingest("spam_scams", 3, media=[_item(1, BASE ^ 0b1)])
    desk = incident_desk(world)
    incident_id = desk.declare("Wave", 1, "spam_scams")[0].payload["incident_id"]
    desk.add_seed(incident_id, "ab" * 32, [(0, BASE)])
    desk.set_terms(incident_id, ["crypto doubler", "Elon giveaway"])
    mark = 0
    # The sweep over cases already in queues.
    assert {r.case_id for r in contain(desk, after_case_no=mark)} == {waiting}
    with world.store.read() as s:
        mark = newest_case_no(s)
    near = world.ingest("spam_scams", 4, media=[_item(2, BASE ^ 0b11_1111_1111)])  # 10 bits
    beyond = world.ingest("spam_scams", 4, media=[_item(3, BASE ^ 0b111_1111_1111)])  # 11
    worded = world.ingest("hate_speech", 2)
    with world.store.transaction() as s:
        s.get_one(Case, worded).body_text = "Join the ELON GIVEAWAY now"
    wordish = world.ingest("spam_scams", 2)
    with world.store.transaction() as s:
        s.get_one(Case, wordish).body_text = "crypto doublers are a scam"  # not the term
    linked = contain(desk, after_case_no=mark)
    assert {r.case_id for r in linked} == {near, worded}
    assert _linked(world, incident_id)[worded] == "terms"
    assert beyond not in _linked(world, incident_id)
    assert contain(desk) == []  # nothing twice
    with world.store.read() as s:
        c = counters(s, incident_id)
    assert (c.matched, c.decided, c.open) == (3, 0, 3)
    assert c.per_hour == [("2026-01-05T09", 3)]


def test_one_decision_applies_to_the_incidents_cluster_with_exposure_once(world: World) -> None:
    cases = [world.ingest("spam_scams", 2, media=[_item(n, BASE ^ n)]) for n in range(1, 5)]
    lead = incident_desk(world, "lee", "lead")
    incident_id = lead.declare("Wave", 2, "spam_scams", from_case=cases[0])[0].payload[
        "incident_id"
    ]
    review = world.desk("ana", "analyst")
    claim = review.claim_next([queue_id(incident_id)])
    assert claim is not None
    looked_at = claim.detail.row.case_id
    world.clock.advance(120)
    source = review.decide(looked_at, "remove", {"rationale": "phishing kit, clause 2"}, "phishing")
    applied = decide_cluster(review, incident_id, source.event_id)
    assert sorted(r.case_id for r in applied) == sorted(c for c in cases if c != looked_at)
    assert all(r.payload["exposure"]["counted_in"] == source.event_id for r in applied)
    with world.store.read() as s:
        c = counters(s, incident_id)
        figures = impact(s, incident_id)
    assert (c.matched, c.decided, c.open) == (4, 4, 0)
    assert figures.first_action_seconds == 120
    assert figures.containment_seconds == 120
    assert figures.reach == 4


def test_surge_queue_depth_crossing_a_threshold_goes_on_the_timeline(world: World) -> None:
    from app.incidents import timeline

    desk = incident_desk(world)
    incident_id = desk.declare("Wave", 2, "spam_scams")[0].payload["incident_id"]
    desk.set_terms(incident_id, ["doubler"])
    for _ in range(9):
        with world.store.transaction() as s:
            case = s.get_one(Case, world.ingest("spam_scams", 2))
            case.body_text = "crypto doubler"
    assert [r.kind for r in contain(desk)].count("incident.surge_depth") == 0
    for _ in range(3):
        with world.store.transaction() as s:
            case = s.get_one(Case, world.ingest("spam_scams", 2))
            case.body_text = "crypto doubler"
    marks = [r for r in contain(desk) if r.kind == "incident.surge_depth"]
    assert [(r.payload["open"], r.payload["threshold"]) for r in marks] == [(12, 10)]
    assert desk.mark_surge(incident_id) is None  # crossed once
    with world.store.read() as s:
        lines = timeline.page(s, incident_id, iso(world.now()), categories={"surge"})
    assert [i.text for i in lines] == ["12 linked cases open (crossed 10)"]


def test_each_incident_has_its_own_queue_with_its_sla_closed_on_resolution(
    world: World,
) -> None:
    home = world.ingest("spam_scams", 3, media=[_item(1, BASE)])
    other = world.ingest("spam_scams", 3, media=[_item(2, BASE ^ 0xFFFF_0000_FFFF)])
    escalated = world.ingest("spam_scams", 3, media=[_item(3, BASE ^ 1)])
    mod = world.desk("mo", "moderator")
    mod.open_case(escalated)
    mod.escalate(escalated, "needs an analyst's eye")
    with world.store.read() as s:
        came_from = s.get_one(Case, home).queue
    lead = incident_desk(world, "lee", "lead")
    wave = lead.declare("Flyer wave", 1, "spam_scams")[0].payload["incident_id"]
    slow = lead.declare("Slow wave", 4, "spam_scams")[0].payload["incident_id"]
    lead.add_seed(wave, "ab" * 32, [(0, BASE)])
    lead.add_seed(slow, "cd" * 32, [(0, BASE ^ 0xFFFF_0000_FFFF)])
    contain(lead)
    with world.store.read() as s:
        a, b = s.get_one(Case, home), s.get_one(Case, other)
        assert (a.queue, b.queue) == (queue_id(wave), queue_id(slow))
        # Linked, but an escalated case stays with the analysts of its escalation queue.
        assert s.get_one(Case, escalated).queue == "escalations"
        assert s.get(IncidentCase, (wave, escalated)) is not None
        # SEV 1: 15 minutes; SEV 4: 8 hours, or the case's own deadline when sooner.
        assert a.sla_deadline == iso(world.now() + timedelta(minutes=15))
        assert b.sla_deadline <= iso(world.now() + timedelta(minutes=480))
    analyst, moderator = world.desk("ana", "analyst"), mod
    listed = {c.queue_id: c.name for c in analyst.queue_choices()}
    assert listed[queue_id(wave)] == f"incident-{wave[:8]}: Flyer wave"
    assert queue_id(slow) in listed
    assert analyst.queues[queue_id(wave)].sla_minutes[3] == 15
    # A moderator works an incident's queue once it names them in a role.
    assert not {queue_id(wave), queue_id(slow)} & {c.queue_id for c in moderator.queue_choices()}
    lead.assign(wave, "mo", "analyst")
    assert queue_id(wave) in {c.queue_id for c in moderator.queue_choices()}
    claim = moderator.claim_next([queue_id(wave)])
    assert claim is not None and claim.detail.row.case_id == home
    moderator.release(home)
    # Resolved: the queue closes, its open case goes back to where it came from.
    returned = lead.resolve(wave, "over")
    assert returned.kind == "incident.resolved"
    with world.store.read() as s:
        back = s.get_one(Case, home)
        assert back.queue == came_from
        assert back.sla_deadline == iso(world.now() + timedelta(minutes=15))  # kept
    assert queue_id(wave) not in {c.queue_id for c in analyst.queue_choices()}
    assert queue_id(wave) not in {c.queue_id for c in moderator.queue_choices()}
    assert queue_id(slow) in {c.queue_id for c in analyst.queue_choices()}
    # A link made offline elsewhere arriving after the resolution is sent back by the
    # next containment pass.
    with world.store.transaction() as s:
        s.get_one(Case, home).queue = queue_id(wave)
    assert [r.kind for r in contain(lead)] == ["incident.case_returned"]
    with world.store.read() as s:
        assert s.get_one(Case, home).queue == came_from
    world.store.rebuild_projections()
    with world.store.read() as s:
        assert s.get_one(Case, home).queue == came_from
        assert s.get_one(Case, other).queue == queue_id(slow)
