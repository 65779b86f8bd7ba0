"""Incidents over a real hub: declared offline on one workstation, the same incident and
timeline on another after sync; concurrent offline severity changes settle the same way
everywhere; a child-safety incident reaches only the cleared, and the hub refuses one
from a pusher without the clearance."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from sqlalchemy import text

from app.domain.people import Reviewer
from app.incidents import kinds as k
from app.incidents import room, timeline
from app.incidents.commands import IncidentDesk
from app.incidents.models import TABLES
from app.incidents.queues import queue_id
from app.log.clock import iso

from .conftest import NewStation
from .stations import Station, TeamOnHub


def _tables(station: Station) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with station.store.engine.connect() as conn:
        for model in TABLES:
            rows = conn.execute(text(f"SELECT * FROM {model.__tablename__}"))
            out[model.__tablename__] = sorted((tuple(r) for r in rows), key=repr)
    return out


def _timeline(station: Station, incident_id: str) -> list[Any]:
    with station.store.read() as session:
        items = timeline.page(session, incident_id, iso(station.store.clock.now()), limit=1000)
    # Case numbers are local arrival numbers: they differ between workstations.
    return [dataclasses.replace(i, case_no=None) for i in items]


def _severity(station: Station, incident_id: str) -> int | None:
    with station.store.engine.connect() as conn:
        query = text("SELECT severity FROM incidents WHERE incident_id = :i")
        return conn.execute(query, {"i": incident_id}).scalar()


def test_an_offline_incident_syncs_with_its_timeline_and_severity_settles(
    team: TeamOnHub, new_station: NewStation
) -> None:
    one, two = new_station("one"), new_station("two")
    ana, lee = one.adopt(team.user("analyst")), two.adopt(team.lead)
    first, second = team.cases(2)
    one.sync(ana.username), two.sync(lee.username)
    # Offline on one: declare from a case, link another, brief.
    desk = IncidentDesk(one.store, ana)
    incident_id = desk.declare("Scam wave", 3, "spam_scams", from_case=first)[0].payload[
        "incident_id"
    ]
    desk.link_case(incident_id, second)
    desk.status_update(incident_id, "two cases", "surge queue", "")
    desk.assign(incident_id, lee.username, "scribe")
    one.sync(ana.username), two.sync(lee.username)
    assert _timeline(two, incident_id) == _timeline(one, incident_id)
    kinds = sorted(i.kind for i in _timeline(two, incident_id))
    assert [kind for kind in kinds if kind.startswith("incident.")] == [
        "incident.case_linked",
        "incident.case_linked",
        "incident.declared",
        "incident.role_assigned",
        "incident.status_update",
    ]
    assert _tables(one) == _tables(two)
    assert two.status(second) == "new"
    with two.store.engine.connect() as conn:
        queue = conn.execute(text("SELECT queue FROM cases WHERE case_id = :c"), {"c": second})
        assert queue.scalar() == queue_id(incident_id)
    # Both offline: each changes the severity; the later change (by its author's clock,
    # then event id) stands everywhere, whatever order the hub received them in.
    earlier = desk.change_severity(incident_id, 1, "a live stream")
    time.sleep(0.01)
    later = IncidentDesk(two.store, lee).change_severity(incident_id, 2, "slowing down")
    assert (later.created_at, later.event_id) > (earlier.created_at, earlier.event_id)
    two.sync(lee.username)  # the later change reaches the hub first
    one.sync(ana.username), two.sync(lee.username)
    assert _severity(one, incident_id) == _severity(two, incident_id) == 2
    assert _timeline(two, incident_id) == _timeline(one, incident_id)
    assert _tables(one) == _tables(two)
    one.store.rebuild_projections()
    assert _severity(one, incident_id) == 2
    # Resolved on two: the cases still open leave the incident's queue for the queue
    # they came from, on both workstations.
    IncidentDesk(two.store, lee).resolve(incident_id, "contained")
    two.sync(lee.username), one.sync(ana.username)
    for station in (one, two):
        with station.store.engine.connect() as conn:
            query = text("SELECT queue FROM cases WHERE case_id IN (:a, :b)")
            assert set(conn.execute(query, {"a": first, "b": second}).scalars()) == {"general"}


def test_a_child_safety_incident_reaches_only_the_cleared(
    team: TeamOnHub, new_station: NewStation
) -> None:
    lead_ws, cleared_ws, plain_ws = new_station("lead"), new_station("cl"), new_station("pl")
    lee = lead_ws.adopt(team.lead)
    cleo = cleared_ws.adopt(team.user("analyst", ("child_safety",)))
    pat = plain_ws.adopt(team.user("analyst"))
    incident_id = (
        IncidentDesk(lead_ws.store, lee)
        .declare("CSEA report", 1, "child_safety", clearance="child_safety")[0]
        .payload["incident_id"]
    )
    lead_ws.sync(lee.username), cleared_ws.sync(cleo.username), plain_ws.sync(pat.username)
    assert _severity(cleared_ws, incident_id) == 1
    assert _severity(plain_ws, incident_id) is None
    assert not [e for e in plain_ws.store.events() if e.kind.startswith("incident.")]
    # A pusher without the clearance cannot write into it, even by forging the event.
    forged = {"incident_id": incident_id, "clearance": "child_safety", "text": "peek"}
    with plain_ws.store.transaction() as session:
        plain_ws.store.append(
            session, actor=pat.username, kind=k.NOTE, case_id=None, payload=forged
        )
    report = plain_ws.sync(pat.username)
    assert pat.username in report.refused and "no access" in report.refused[pat.username]
    assert isinstance(pat, Reviewer)


def test_a_moderator_sees_only_incidents_naming_them_and_never_an_uncleared_one(
    team: TeamOnHub, new_station: NewStation
) -> None:
    lead_ws, mod_ws, plain_ws = new_station("lead"), new_station("mod"), new_station("pl")
    lee = lead_ws.adopt(team.lead)
    mia = mod_ws.adopt(team.user("moderator"))
    pat = plain_ws.adopt(team.user("moderator"))
    desk = IncidentDesk(lead_ws.store, lee)
    open_id = desk.declare("Scam wave", 2, "spam_scams")[0].payload["incident_id"]
    desk.assign(open_id, mia.username, "scribe")
    desk.note(open_id, "analysts only")
    secret = desk.declare("CSEA report", 1, "child_safety", clearance="child_safety")
    secret_id = secret[0].payload["incident_id"]
    desk.assign(secret_id, pat.username, "scribe")
    lead_ws.sync(lee.username), mod_ws.sync(mia.username), plain_ws.sync(pat.username)
    with mod_ws.store.read() as session:
        assert room.my_roles(session, mia) == [("scribe", "Scam wave", 2, open_id)]
        assert [i.incident_id for i in room.incidents(session, mia)] == [open_id]
    # Still hidden from a moderator: the incident's working events (notes, updates).
    kinds = {e.kind for e in mod_ws.store.events() if e.kind.startswith("incident.")}
    assert kinds == {k.DECLARED, k.ROLE_ASSIGNED}
    # A moderator the incident does not name receives none of its headline events, and a
    # moderator without the clearance never receives the child-safety incident, even
    # when named in it.
    assert not [e for e in plain_ws.store.events() if e.kind.startswith("incident.")]
    with plain_ws.store.read() as session:
        assert room.my_roles(session, pat) == []
        assert room.incidents(session, pat) == []
    # Later headline events reach the named moderator only.
    desk.change_severity(open_id, 1, "spreading")
    lead_ws.sync(lee.username), mod_ws.sync(mia.username), plain_ws.sync(pat.username)
    assert _severity(mod_ws, open_id) == 1 and _severity(plain_ws, open_id) is None
    # Named after their pull passed the declaration: the assignment's headline lists the
    # incident as it stands, and its later headline events follow.
    desk.assign(open_id, pat.username, "analyst")
    lead_ws.sync(lee.username), plain_ws.sync(pat.username)
    with plain_ws.store.read() as session:
        assert room.my_roles(session, pat) == [("analyst", "Scam wave", 1, open_id)]
    desk.change_severity(open_id, 2, "slowing")
    lead_ws.sync(lee.username), plain_ws.sync(pat.username)
    assert _severity(plain_ws, open_id) == 2
    assert secret_id not in {e.payload.get("incident_id") for e in plain_ws.store.events()}
    # Resolving reaches the named moderators: the role leaves the status bar.
    desk.resolve(open_id)
    lead_ws.sync(lee.username), mod_ws.sync(mia.username), plain_ws.sync(pat.username)
    with mod_ws.store.read() as session:
        assert room.my_roles(session, mia) == []
    with plain_ws.store.read() as session:
        assert room.my_roles(session, pat) == []
