"""Every endpoint as each role, with and without clearance, across teams and with bad tokens."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from app.domain.kinds import EventKind
from app.sync.client import AuthExpired, HubClient, HubRejected

from .hubproc import SpawnHub
from .test_sync import pull_all
from .world import PASSWORD, DeviceWriter, Member, Team, case_spec

CS = "child_safety"
ROLES = ["moderator", "analyst", "lead"]


def media(data: bytes) -> dict[str, Any]:
    """A media reference for data."""
    sha = hashlib.sha256(data).hexdigest()
    return {
        "sha256": sha,
        "kind": "image",
        "mime": "image/png",
        "filename": "a.png",
        "size": len(data),
    }


@dataclass
class Scene:
    """A team with an ordinary and a child-safety case, each with media, and lead activity."""

    team: Team
    lead: Member
    open_case: str
    cs_case: str
    open_blob: str
    cs_blob: str
    decided_case: str = ""  # a case the lead decided: QA events name that decision
    decision: str = ""
    conflict_case: str = ""  # two decisions that did not see each other: a lead settles it
    conflict: tuple[str, ...] = ()

    def about(self, kind: str) -> tuple[str, dict[str, Any]]:
        """The case and payload fields an event of kind is pushed with in these tests."""
        if kind in NAMES_DECISION:
            return self.decided_case, {"decision": self.decision}
        return self.open_case, {}


# QA kinds name the decision they audit; the hub wants it recorded on the event's case.
NAMES_DECISION = {EventKind.QA_ASSIGNED, EventKind.QA_REVIEW, EventKind.QA_VERDICT}


@pytest.fixture
def scene(team: Team) -> Scene:
    lead = team.member("lead", (CS,))
    open_media, cs_media = media(b"open " * 50), media(b"child safety " * 50)
    lead.client.put_blob(open_media["sha256"], b"open " * 50)
    lead.client.put_blob(cs_media["sha256"], b"child safety " * 50)
    (open_case,) = team.cases(lead, media=[open_media])
    (cs_case,) = team.cases(lead, clearance=CS, media=[cs_media])
    decided_case, conflict_case = team.cases(lead, 2)
    decision = lead.device.event(EventKind.DECISION_RECORDED, decided_case, action="remove")
    conflict = [
        lead.device.event(EventKind.DECISION_RECORDED, conflict_case, action=action)
        for action in ("remove", "no_violation")
    ]
    events = [
        decision,
        *conflict,
        lead.device.event(
            EventKind.QA_VERDICT, decided_case, verdict="agree", decision=decision.event_id
        ),
        lead.device.event(EventKind.MEDIA_REVEALED, open_case, seconds=2.0),
        lead.device.event(EventKind.MEDIA_REVEALED, open_case, seconds=2.0),
        lead.device.event(EventKind.DECISION_RECORDED, cs_case, action="remove"),
    ]
    lead.client.push(lead.device.device_id, events)
    return Scene(
        team,
        lead,
        open_case,
        cs_case,
        open_media["sha256"],
        cs_media["sha256"],
        decided_case,
        decision.event_id,
        conflict_case,
        tuple(e.event_id for e in conflict),
    )


def status_of(call: Callable[[], object]) -> int:
    """200 when call succeeds, else the HTTP status it was refused with."""
    try:
        call()
    except HubRejected as exc:
        return exc.status
    return 200


def push_one(member: Member, kind: str, case_id: str | None = None, **payload: Any) -> int:
    """Push one event of kind from a fresh device of member; the status."""
    device = DeviceWriter(member.username)
    event = device.event(kind, case_id, **payload)
    return status_of(lambda: member.client.push(device.device_id, [event]))


@pytest.mark.parametrize("cleared", [False, True])
@pytest.mark.parametrize("role", ROLES)
def test_what_each_role_sees(scene: Scene, role: str, cleared: bool) -> None:
    member = scene.team.member(role, (CS,) if cleared else ())
    events, _ = pull_all(member.client)
    assert (scene.cs_case in {e.case_id for e in events}) == cleared
    kinds = {e.kind for e in events}
    assert (EventKind.QA_VERDICT in kinds) == (role == "lead")
    assert (EventKind.MEDIA_REVEALED in kinds) == (role == "lead")
    assert member.client.get_blob(scene.open_blob)
    assert status_of(lambda: member.client.get_blob(scene.cs_blob)) == (200 if cleared else 404)
    assert status_of(lambda: member.client.lease(case_ids=[scene.cs_case], ttl=60)) == (
        200 if cleared else 404
    )
    granted, refused = member.client.lease(case_ids=[scene.open_case], ttl=60)
    assert [g.case_id for g in granted] == [scene.open_case] and refused == []
    assert member.client.release(scene.open_case) is True


@pytest.mark.parametrize("role", ROLES)
def test_what_each_role_may_do(scene: Scene, role: str) -> None:
    member = scene.team.member(role)
    lead_only = 200 if role == "lead" else 403
    analyst_up = 403 if role == "moderator" else 200
    case_id, named = scene.about(EventKind.QA_VERDICT)
    assert push_one(member, EventKind.QA_VERDICT, case_id, **named) == lead_only
    settles = {"resolves": list(scene.conflict), "action": "remove"}
    adjudicated = push_one(member, EventKind.CASE_ADJUDICATED, scene.conflict_case, **settles)
    assert adjudicated == lead_only
    assert push_one(member, EventKind.INCIDENT_OPENED) == analyst_up
    assert push_one(member, EventKind.CASE_ESCALATED, scene.open_case) == 200
    assert push_one(member, EventKind.DECISION_RECORDED, scene.cs_case) == 403
    data = f"upload by {member.username}".encode()
    assert (
        status_of(lambda: member.client.put_blob(hashlib.sha256(data).hexdigest(), data))
        == analyst_up
    )
    assert status_of(lambda: member.client.intake([case_spec()])) == analyst_up
    assert (
        status_of(
            lambda: member.client.add_user(
                f"new-{member.username}", PASSWORD, "moderator", scene.team.name, []
            )
        )
        == lead_only
    )
    victim = scene.team.member("moderator", login=False)
    assert status_of(lambda: member.client.disable_user(victim.username)) == lead_only


def test_moderator_cannot_push_as_someone_else_or_on_their_device(scene: Scene) -> None:
    mod = scene.team.member("moderator")
    forged = DeviceWriter(scene.lead.username)
    assert status_of(lambda: mod.client.push(forged.device_id, [forged.event()])) == 403
    assert (
        status_of(lambda: mod.client.push(scene.lead.device.device_id, [scene.lead.device.event()]))
        == 403
    )


def test_another_team_sees_and_touches_nothing(scene: Scene) -> None:
    other = Team(scene.team.base_url, scene.team.engine)
    try:
        lead = other.member("lead", (CS,))
        events, _ = pull_all(lead.client)
        assert not {scene.open_case, scene.cs_case} & {e.case_id for e in events}
        assert all(e.actor != scene.lead.username for e in events)
        assert status_of(lambda: lead.client.get_blob(scene.open_blob)) == 404
        assert status_of(lambda: lead.client.lease(case_ids=[scene.open_case], ttl=60)) == 404
        assert status_of(lambda: lead.client.release(scene.open_case)) == 404
        assert push_one(lead, EventKind.DECISION_RECORDED, scene.open_case) == 403
        foreign = {**case_spec(), "team": scene.team.name}
        assert status_of(lambda: lead.client.intake([foreign])) == 403
        assert (
            status_of(
                lambda: lead.client.add_user("intruder", PASSWORD, "lead", scene.team.name, [])
            )
            == 403
        )
        assert status_of(lambda: lead.client.disable_user(scene.lead.username)) == 404
    finally:
        other.close()


def every_endpoint(scene: Scene) -> dict[str, Callable[[HubClient], object]]:
    """One call of each authenticated endpoint."""
    device = DeviceWriter(scene.lead.username)
    return {
        "push": lambda c: c.push(device.device_id, [device.event()]),
        "pull": lambda c: c.pull(0, 10),
        "put_blob": lambda c: c.put_blob(hashlib.sha256(b"x").hexdigest(), b"x"),
        "get_blob": lambda c: c.get_blob(scene.open_blob),
        "lease": lambda c: c.lease(count=1, ttl=60),
        "release": lambda c: c.release(scene.open_case),
        "intake": lambda c: c.intake([case_spec()]),
        "add_user": lambda c: c.add_user("someone", PASSWORD, "moderator", scene.team.name, []),
        "disable_user": lambda c: c.disable_user("someone"),
        "lease_limits": lambda c: c.lease_limits(scene.team.name),
        "set_lease_limits": lambda c: c.set_lease_limits(scene.team.name, max_cases=5),
        "unlock_user": lambda c: c.unlock_user("someone"),
    }


@pytest.mark.parametrize("token", [None, "forged", "Iaz4p4dxk50FqR2TupOWoU5JPpf8NJiUJw-si7YIBkQ"])
def test_missing_or_forged_tokens_are_refused_everywhere(scene: Scene, token: str | None) -> None:
    with HubClient(scene.team.base_url, token=token) as client:
        for name, call in every_endpoint(scene).items():
            with pytest.raises(AuthExpired):
                call(client)
            assert name


def test_expired_and_revoked_tokens_are_refused_everywhere(private_hub: SpawnHub) -> None:
    process, engine = private_hub(token_ttl=1.0)
    team = Team(process.base_url, engine)
    try:
        lead = team.member("lead", (CS,))
        scene = Scene(team, lead, "c", "c", "0" * 64, "0" * 64)
        time.sleep(1.1)
        for call in every_endpoint(scene).values():
            with pytest.raises(AuthExpired, match="expired"):
                call(lead.client)
        lead.client.login(lead.username, PASSWORD)
        lead.client.pull(0, 1)
    finally:
        team.close()


def test_disabled_user_loses_tokens_and_login(scene: Scene) -> None:
    mod = scene.team.member("moderator")
    scene.lead.client.disable_user(mod.username)
    with pytest.raises(AuthExpired):
        mod.client.pull(0, 1)
    with pytest.raises(HubRejected) as refused:
        mod.client.login(mod.username, PASSWORD)
    assert refused.value.status == 401
    with pytest.raises(HubRejected):
        scene.lead.client.login(scene.lead.username, "wrong password")


QA_MACHINERY = [
    EventKind.QA_RULE_SET,
    EventKind.QA_ASSIGNED,
    EventKind.QA_REVIEW,
    EventKind.GOLD_MARKED,
    EventKind.GOLD_UNMARKED,
    EventKind.GOLD_INSERTED,
]
LEAD_SETUP = [
    *QA_MACHINERY,
    EventKind.TEAM_SETTING,
    EventKind.CASE_REASSIGNED,
    EventKind.CALIBRATION_OPENED,
    EventKind.CALIBRATION_CLOSED,
]


@pytest.mark.parametrize("role", ROLES)
def test_qa_and_team_set_up_is_pushed_by_leads_only(scene: Scene, role: str) -> None:
    member = scene.team.member(role)
    expected = 200 if role == "lead" else 403
    statuses = {
        kind: push_one(member, kind, scene.about(kind)[0], **scene.about(kind)[1])
        for kind in LEAD_SETUP
    }
    assert statuses == {kind: expected for kind in LEAD_SETUP}


def test_a_verdict_reaches_the_audited_reviewer_and_no_other(scene: Scene) -> None:
    audited = scene.team.member("moderator")
    colleague = scene.team.member("moderator")
    analyst = scene.team.member("analyst")
    lead_device = DeviceWriter(scene.lead.username)
    verdict = lead_device.event(
        EventKind.QA_VERDICT,
        scene.decided_case,
        reviewer=audited.username,
        verdict="disagree",
        decision=scene.decision,
    )
    machinery = [
        lead_device.event(kind, scene.about(kind)[0], **scene.about(kind)[1])
        for kind in QA_MACHINERY
    ]
    scene.lead.client.push(lead_device.device_id, [verdict, *machinery])

    def seen(member: Member) -> set[str]:
        events, _ = pull_all(member.client)
        return {e.event_id for e in events}

    qa_ids = {e.event_id for e in machinery}
    assert verdict.event_id in seen(audited) and not qa_ids & seen(audited)
    assert verdict.event_id not in seen(colleague) and not qa_ids & seen(colleague)
    assert verdict.event_id not in seen(analyst) and not qa_ids & seen(analyst)
    assert {verdict.event_id, *qa_ids} <= seen(scene.lead)
