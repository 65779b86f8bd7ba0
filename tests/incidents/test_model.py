"""Incidents as data and events: SEV definitions, kinds, folds, access, commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.incidents import kinds as k
from app.incidents.commands import IncidentError
from app.incidents.folds import order_key
from app.incidents.models import Incident, IncidentRole
from app.incidents.queues import queue_id
from app.incidents.severity import SeverityError, bundled_severities, load_severities
from app.log.registry import registry
from db.models import Case
from tests.review.conftest import World

from .conftest import incident_desk, person


def test_the_bundled_severities_define_sev_1_to_4() -> None:
    levels = bundled_severities()
    assert [lv.level for lv in levels] == [1, 2, 3, 4]
    assert levels[1].update_minutes < levels[4].update_minutes
    assert "legal" in levels[1].notify


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["levels"][1].update({"update_minutes": 0}), "levels[1].update_minutes"),
        (lambda d: d["levels"][0].pop("notify"), "levels[0]: missing key 'notify'"),
        (lambda d: d["levels"].pop(), "SEV 4 is not defined"),
        (lambda d: d["levels"][2].update({"level": 7}), "levels[2].level"),
        (lambda d: d["levels"][3].update({"colour": "red"}), "unknown key 'colour'"),
    ],
)
def test_a_bad_severity_file_names_file_and_key(tmp_path: Path, change, message: str) -> None:
    doc = json.loads(
        (Path(__file__).parents[2] / "resources/incidents/severities.json").read_text()
    )
    change(doc)
    (tmp_path / "sev.json").write_text(json.dumps(doc))
    with pytest.raises(SeverityError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_severities(tmp_path)


def test_declare_from_nothing_folds_an_incident_with_its_commander(world: World) -> None:
    desk = incident_desk(world)
    records = desk.declare("Harassment wave", 3, "bullying_harassment", regions=["EU"])
    incident_id = records[0].payload["incident_id"]
    with world.store.read() as s:
        row = s.get_one(Incident, incident_id)
        assert (row.severity, row.commander, row.status) == (3, "ana", "open")
        roles = s.scalars(select(IncidentRole.role).where(IncidentRole.active)).all()
    assert roles == ["commander"]


def test_moderators_may_not_declare_and_payloads_are_checked(world: World) -> None:
    with pytest.raises(IncidentError, match="analysts and leads"):
        incident_desk(world, "mo", "moderator").declare("x", 2, "spam_scams")
    with pytest.raises(IncidentError, match="severity"):
        incident_desk(world).declare("x", 5, "spam_scams")
    desk = incident_desk(world)
    incident_id = desk.declare("x", 2, "spam_scams")[0].payload["incident_id"]
    with pytest.raises(IncidentError, match="role"):
        desk.assign(incident_id, "maya", "boss")


def test_a_child_safety_incident_is_for_the_cleared_only(world: World) -> None:
    case = world.ingest("child_safety", 1)
    with pytest.raises(IncidentError, match="from_case"):
        incident_desk(world).declare("CSEA report", 1, "child_safety", from_case=case)
    cleared = incident_desk(world, "cleo", clearances=("child_safety",))
    incident_id = cleared.declare("CSEA report", 1, "child_safety", from_case=case)[0].payload[
        "incident_id"
    ]
    with world.store.read() as s:
        assert s.get_one(Incident, incident_id).clearance == "child_safety"
        assert s.get_one(Case, case).queue == queue_id(incident_id)
    with pytest.raises(IncidentError, match="no incident"):
        incident_desk(world).note(incident_id, "peek")
    # The hub stores the incident's clearance with each of its events (the kind says so).
    spec = registry().kind(k.NOTE)
    assert spec.clearance is not None
    assert (
        spec.clearance(k.IncidentNote(incident_id=incident_id, clearance="child_safety", text="x"))
        == "child_safety"
    )


def test_a_mislabelled_event_does_not_attach_to_a_cleared_incident(world: World) -> None:
    cleared = incident_desk(world, "cleo", clearances=("child_safety",))
    incident_id = cleared.declare("CSEA", 1, "child_safety", clearance="child_safety")[0].payload[
        "incident_id"
    ]
    with world.store.transaction() as s:
        world.store.append(
            s,
            actor="ana",
            kind=k.SEVERITY_CHANGED,
            case_id=None,
            payload={"incident_id": incident_id, "clearance": None, "severity": 4, "previous": 1},
        )
    with world.store.read() as s:
        assert s.get_one(Incident, incident_id).severity == 1


def test_concurrent_severity_changes_settle_on_the_latest_in_any_order(world: World) -> None:
    desk = incident_desk(world)
    incident_id = desk.declare("Wave", 3, "spam_scams")[0].payload["incident_id"]
    world.clock.advance(60)
    first = desk.change_severity(incident_id, 2, "spreading")
    world.clock.advance(60)
    second = desk.change_severity(incident_id, 1, "a live stream")
    assert order_key(second) > order_key(first)
    with world.store.read() as s:
        assert s.get_one(Incident, incident_id).severity == 1
    # Fold them the other way round (as a node that saw the later one first would).
    with world.store.transaction() as s:
        s.execute(Incident.__table__.update().values(severity=3, severity_key=""))
    from app.incidents import folds
    from app.log.folding import folding

    with world.store.transaction() as s, folding(s, []) as ctx:
        for rec in (second, first):
            ctx.payload = registry().decode(rec.kind, rec.payload)
            folds.severity_changed(ctx, None, rec)
    with world.store.read() as s:
        assert s.get_one(Incident, incident_id).severity == 1
    world.store.rebuild_projections()
    with world.store.read() as s:
        assert s.get_one(Incident, incident_id).severity == 1


def test_roles_and_the_latest_assignment(world: World) -> None:
    desk = incident_desk(world, "lee", "lead")
    incident_id = desk.declare("Wave", 2, "spam_scams")[0].payload["incident_id"]
    desk.assign(incident_id, "sam", "scribe")
    desk.assign(incident_id, "lia", "liaison", "legal")
    world.clock.advance(5)
    desk.unassign(incident_id, "sam", "scribe")
    desk.assign(incident_id, "ana", "commander")
    with world.store.read() as s:
        active = s.execute(
            select(IncidentRole.person, IncidentRole.role, IncidentRole.area).where(
                IncidentRole.active
            )
        ).all()
        assert s.get_one(Incident, incident_id).commander == "ana"
    assert sorted(tuple(r) for r in active) == [
        ("ana", "commander", None),
        ("lee", "commander", None),
        ("lia", "liaison", "legal"),
    ]
    with pytest.raises(IncidentError, match="area"):
        desk.assign(incident_id, "x", "liaison")
    assert person("x").username == "x"
