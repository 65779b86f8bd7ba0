"""The hub validates every event it stores: pushed ones and the ones intake makes.

One malformed event stored on the hub would stop every workstation of the team at the
same pull. Each bad example is refused with 422 naming the field and the rule, nothing of
its batch is stored, and a fresh workstation of the team still syncs afterwards.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from app.domain.kinds import EventKind
from app.domain.policies import PolicySet
from app.hub.chain import verify_hub
from app.log.store import LocalStore
from app.sync.client import HubRejected
from db.hub.engine import read_transaction
from db.hub.models import Event

from ..sync.stations import Account, Station
from .forge import forge
from .world import DeviceWriter, Team, case_spec, event_count, head_seq

K = EventKind
_ID = "01a00000-0000-7000-8000-000000000000"
GOOD_TIME = "2026-01-01T00:10:00+00:00"


@pytest.fixture(scope="module")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, migrated store to copy for each fresh workstation."""
    folder = tmp_path_factory.mktemp("store-template")
    LocalStore(folder).close()
    return folder


def refusal(call: Any) -> HubRejected:
    """The HubRejected that call raises."""
    with pytest.raises(HubRejected) as refused:
        call()
    return refused.value


def fresh_workstation_syncs(
    team: Team, policies: PolicySet, template: Path, folder: Path, case_id: str | None = None
) -> str | None:
    """A new workstation of the team pulls everything the hub holds without a refusal;
    the status it then shows for case_id."""
    member = team.member("analyst")
    station = Station(folder, team.base_url, policies, template=template)
    try:
        token = member.client.token
        assert token is not None
        expires = "2099-01-01T00:00:00Z"
        station.adopt(Account(member.username, "analyst", team.name, (), token, expires))
        report = station.sync(member.username)
        assert report.refused == {}, report.summary()
        assert report.pulled > 0
        return station.status(case_id) if case_id else None
    finally:
        station.close()


def _ingest(sha256: str) -> dict[str, Any]:
    media = {"sha256": sha256, "kind": "image", "mime": "image/png", "filename": "a", "size": 1}
    return {**case_spec(), "media": [media]}


# (kind, payload, the field the refusal names): each a payload a workstation never writes.
BAD_PUSHES = [
    pytest.param(K.DECISION_RECORDED, {"rationale": "no action"}, "action", id="no-action"),
    pytest.param(K.DECISION_RETRACTED, {"why": "undo"}, "decision", id="retract-nothing"),
    pytest.param(K.CASE_ESCALATED, {"severity": "high"}, "severity", id="severity-word"),
    pytest.param(K.CASE_ESCALATED, {"severity": 12}, "severity", id="severity-range"),
    pytest.param(K.CASE_LEASED, {"expires_at": "2026-02-30T00:00:00Z"}, "expires_at", id="feb-30"),
    pytest.param(K.CASE_LEASED, {"expires_at": "2026-01-01T25:00:00Z"}, "expires_at", id="hour-25"),
    pytest.param(K.CASE_LEASED, {"expires_at": GOOD_TIME + "\n"}, "expires_at", id="time-newline"),
    pytest.param(
        K.CASE_LEASED,
        {"expires_at": "\uff12026-01-01T00:10:00Z"},
        "expires_at",
        id="time-unicode-digit",
    ),
    pytest.param(
        K.CASE_ESCALATED,
        {"reason": "to the analysts", "sla_deadline": "2026-13-01T00:00:00Z"},
        "sla_deadline",
        id="month-13",
    ),
    pytest.param(K.CASE_INGESTED, _ingest("0" * 64 + "\n"), "media[0].sha256", id="sha-newline"),
    pytest.param(K.CASE_INGESTED, _ingest("\u0660" * 64), "media[0].sha256", id="sha-digits"),
]


@pytest.mark.parametrize(("kind", "payload", "field"), BAD_PUSHES)
def test_a_bad_payload_is_refused_and_the_team_still_syncs(
    team: Team,
    hub_engine: Engine,
    policies: PolicySet,
    store_template: Path,
    tmp_path: Path,
    kind: str,
    payload: dict[str, Any],
    field: str,
) -> None:
    lead = team.member("lead")
    (case_id,) = team.cases(lead)
    moderator = team.member("analyst" if kind == K.CASE_INGESTED else "moderator")
    device = DeviceWriter(moderator.username)
    good = forge(device, K.NOTE_ADDED, case_id, {"text": "before"})
    bad = forge(device, kind, _ID if kind == K.CASE_INGESTED else case_id, payload)
    before = event_count(hub_engine)
    refused = refusal(lambda: moderator.client.push(device.device_id, [good, bad]))
    assert refused.status == 422
    assert refused.body["field"] == field and refused.body["rule"], refused.body
    assert refused.body["event_id"] == bad.event_id
    assert field in refused.reason and kind in refused.reason
    assert event_count(hub_engine) == before
    status = fresh_workstation_syncs(team, policies, store_template, tmp_path / "ws", case_id)
    assert status == "new"


# Intake specs a workstation's own intake refuses; the hub said yes to the first ones.
BAD_INTAKE = [
    pytest.param({"reported_at": None}, "reported_at", id="no-reported-at"),
    pytest.param({"reported_at": "yesterday"}, "reported_at", id="reported-yesterday"),
    pytest.param({"reported_at": "2026-02-30T09:00:00Z"}, "reported_at", id="feb-30"),
    pytest.param({"reported_at": "2026-01-05T09:00:00Z\n"}, "reported_at", id="newline"),
    pytest.param({"severity": 12}, "severity", id="severity-range"),
    pytest.param({"sla_deadline": "2026-02-30T09:00:00Z"}, "sla_deadline", id="sla-feb-30"),
]


@pytest.mark.parametrize(("change", "field"), BAD_INTAKE)
def test_a_bad_intake_is_refused_and_the_team_still_syncs(
    team: Team,
    hub_engine: Engine,
    policies: PolicySet,
    store_template: Path,
    tmp_path: Path,
    change: dict[str, Any],
    field: str,
) -> None:
    analyst = team.member("analyst")
    (case_id,) = team.cases(analyst)
    spec = {**case_spec(), **change}
    if change.get("reported_at", "") is None:
        del spec["reported_at"]
    before = event_count(hub_engine)
    refused = refusal(lambda: analyst.client.intake([case_spec(), spec]))
    assert refused.status == 422
    assert refused.body["field"].endswith(field), refused.body
    assert refused.body["rule"]
    assert event_count(hub_engine) == before
    status = fresh_workstation_syncs(team, policies, store_template, tmp_path / "ws", case_id)
    assert status == "new"


def test_intake_keeps_sla_times_and_perceptual_hashes(team: Team) -> None:
    lead = team.member("lead")
    data = b"picture " * 40
    sha = hashlib.sha256(data).hexdigest()
    lead.client.put_blob(sha, data)
    media = {
        "sha256": sha,
        "kind": "image",
        "mime": "image/png",
        "filename": "a.png",
        "size": len(data),
        "phash": [{"frame": 0, "hash": "8f3c0a1b2c3d4e5f"}],
    }
    spec = {
        **case_spec(media=[media]),
        "sla_started_at": "2026-01-01T00:00:00Z",
        "sla_deadline": "2026-01-01T04:00:00Z",
    }
    (case_id,) = [c["case_id"] for c in lead.client.intake([spec])["created"]]
    with read_transaction(team.engine) as conn:
        raw = conn.scalar(select(Event.payload).where(Event.case_id == case_id))
    payload = json.loads(str(raw))
    assert payload["sla_started_at"] == "2026-01-01T00:00:00Z"
    assert payload["sla_deadline"] == "2026-01-01T04:00:00Z"
    assert payload["media"][0]["phash"] == [{"frame": 0, "hash": "8f3c0a1b2c3d4e5f"}]


def test_a_batch_repeating_an_event_id_is_refused_before_numbering(
    team: Team, hub_engine: Engine
) -> None:
    moderator = team.member("moderator")
    device = DeviceWriter(moderator.username)
    first = forge(device, K.NOTE_ADDED, None, {"text": "one"})
    again = forge(device, K.NOTE_ADDED, None, {"text": "two"}, event_id=first.event_id)
    seq, count = head_seq(hub_engine), event_count(hub_engine)
    refused = refusal(lambda: moderator.client.push(device.device_id, [first, again]))
    assert refused.status == 422
    assert refused.body["field"] == "event_id" and first.event_id in refused.reason
    assert (head_seq(hub_engine), event_count(hub_engine)) == (seq, count)
    with read_transaction(hub_engine) as conn:
        assert verify_hub(conn) == []
    # The device's honest history still goes through afterwards.
    honest = DeviceWriter(moderator.username)
    moderator.client.push(honest.device_id, honest.notes(2))
    with read_transaction(hub_engine) as conn:
        assert verify_hub(conn) == []


def test_a_qa_event_naming_no_decision_of_its_case_is_refused(team: Team) -> None:
    lead = team.member("lead")
    (case_id,) = team.cases(lead)
    device = DeviceWriter(lead.username)
    event = forge(device, K.QA_ASSIGNED, case_id)
    assert event.payload["decision"] == _ID
    assert refusal(lambda: lead.client.push(device.device_id, [event])).status == 403
