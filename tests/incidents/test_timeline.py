"""An incident's timeline from the log: its events, its cases' decisions, SLA breaches,
typed entries with author and time; filter, pin, and correct by a new event."""

from __future__ import annotations

import pytest

from app.incidents import timeline
from app.incidents.commands import IncidentError
from app.incidents.queues import queue_id
from app.log.clock import iso
from tests.review.conftest import World

from .conftest import incident_desk
from .test_contain import BASE, _item


def test_the_timeline_tells_the_incident_from_the_log(world: World) -> None:
    cases = [world.ingest("spam_scams", 2, media=[_item(n, BASE ^ n)]) for n in range(1, 4)]
    lead = incident_desk(world, "lee", "lead")
    incident_id = lead.declare("Wave", 3, "spam_scams", from_case=cases[0])[0].payload[
        "incident_id"
    ]
    world.clock.advance(60)
    lead.change_severity(incident_id, 2, "spreading")
    lead.assign(incident_id, "sam", "scribe")
    scribe = incident_desk(world, "sam")
    update = scribe.status_update(incident_id, "re-uploads rising", "surge queue staffed", "OCR")
    note = scribe.note(incident_id, "mirrors on two hosts")
    scribe.contact(incident_id, "Hash-sharing consortium", "email", "seed hashes shared")
    review = world.desk("ana", "analyst")
    claim = review.claim_next([queue_id(incident_id)])
    assert claim is not None
    world.clock.advance(60)
    review.decide(claim.detail.row.case_id, "remove", {"rationale": "phishing kit"}, "phishing")
    # SEV 3's SLA (2 hours) passes for the two cases still open.
    world.clock.advance(3 * 3600)
    now = iso(world.now())
    with world.store.read() as s:
        items = timeline.page(s, incident_id, now, newest_first=False)
        total = timeline.count(s, incident_id, now)
    kinds = [i.kind for i in items]
    assert kinds[0] == "incident.declared" and items[0].actor == "lee"
    assert kinds.count("incident.case_linked") == 3
    assert "incident.severity_changed" in kinds and "incident.role_assigned" in kinds
    assert kinds.count("decision.recorded") == 1
    assert kinds.count("sla.breached") == 2
    assert total == len(items)
    entry = next(i for i in items if i.event_id == update.event_id)
    assert entry.typed and entry.actor == "sam" and entry.at == update.created_at
    assert entry.text.startswith("Conditions: re-uploads rising\nActions: surge queue staffed")
    severity = next(i for i in items if i.kind == "incident.severity_changed")
    assert severity.text == "SEV 3 -> SEV 2: spreading"
    # Filter.
    with world.store.read() as s:
        only = timeline.page(s, incident_id, now, categories={"entries"})
    assert {i.kind for i in only} == {
        "incident.status_update",
        "incident.note",
        "incident.external_contact",
    }
    # Pin and correct: new events; the entry's own text stays.
    scribe.pin(incident_id, note.event_id)
    scribe.correct(incident_id, note.event_id, "mirrors on three hosts")
    with world.store.read() as s:
        pinned = timeline.page(s, incident_id, now, pinned_only=True)
        everything = timeline.page(s, incident_id, now, newest_first=False, limit=1000)
    assert [i.event_id for i in pinned] == [note.event_id]
    assert pinned[0].text == "mirrors on two hosts"
    assert pinned[0].corrected_text == "mirrors on three hosts" and pinned[0].corrected_by == "sam"
    assert [i.kind for i in everything][-2:] == [
        "incident.entry_pinned",
        "incident.entry_corrected",
    ]
    with pytest.raises(IncidentError, match="entry"):
        scribe.correct(incident_id, cases[0], "not an entry")
    # A rebuild gives the same timeline.
    world.store.rebuild_projections()
    with world.store.read() as s:
        again = timeline.page(s, incident_id, now, newest_first=False, limit=1000)
    assert again == everything


def test_timeline_pages_newest_first(world: World) -> None:
    desk = incident_desk(world)
    incident_id = desk.declare("Wave", 4, "spam_scams")[0].payload["incident_id"]
    for n in range(30):
        world.clock.advance(1)
        desk.note(incident_id, f"note {n}")
    now = iso(world.now())
    with world.store.read() as s:
        first = timeline.page(s, incident_id, now, limit=10)
        second = timeline.page(s, incident_id, now, limit=10, offset=10)
    assert [i.text for i in first][:2] == ["note 29", "note 28"]
    assert second[0].text == "note 19"
