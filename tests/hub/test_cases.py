"""Blobs, leases, intake and user administration through the HTTP API."""

from __future__ import annotations

import hashlib
import time

import httpx
import pytest
from sqlalchemy import Engine

from app.domain.kinds import EventKind
from app.hub.chain import verify_hub
from app.sync.client import HubRejected
from db.hub.engine import read_transaction

from .test_access import media
from .test_sync import pull_all
from .world import PASSWORD, Team, case_spec, event_count


def test_blob_put_get_with_hash_verification(team: Team) -> None:
    lead = team.member("lead")
    data = b"\x89PNG fake image bytes" * 100
    sha = hashlib.sha256(data).hexdigest()
    assert lead.client.put_blob(sha, data) is True
    assert lead.client.put_blob(sha, data) is False, "a second upload is a no-op"
    with pytest.raises(HubRejected) as wrong:
        lead.client.put_blob(hashlib.sha256(b"other").hexdigest(), data)
    assert wrong.value.status == 422
    with pytest.raises(HubRejected) as unreferenced:
        lead.client.get_blob(sha)
    assert unreferenced.value.status == 404, "served only once a visible case uses it"
    team.cases(lead, media=[media(data)])
    assert lead.client.get_blob(sha) == data
    with pytest.raises(HubRejected) as bad_name:
        lead.client.get_blob("not-a-sha")
    assert bad_name.value.status == 422


def test_intake_skips_known_external_ids_and_needs_media(team: Team, hub_engine: Engine) -> None:
    analyst = team.member("analyst")
    specs = [case_spec(), case_spec()]
    first = analyst.client.intake(specs)
    assert len(first["created"]) == 2 and first["skipped"] == []
    again = analyst.client.intake([*specs, case_spec()])
    assert len(again["created"]) == 1
    assert sorted(again["skipped"]) == sorted(s["external_id"] for s in specs)
    before = event_count(hub_engine)
    missing = case_spec(media=[media(b"never uploaded")])
    with pytest.raises(HubRejected) as refused:
        analyst.client.intake([case_spec(), missing])
    assert refused.value.status == 422 and event_count(hub_engine) == before
    ingests = [e for e in pull_all(analyst.client)[0] if e.kind == EventKind.CASE_INGESTED]
    assert len(ingests) == 3
    assert all(e.device_id.startswith("hub-") and e.actor == analyst.username for e in ingests)
    assert ingests[0].payload["team"] == team.name
    with read_transaction(hub_engine) as conn:
        assert verify_hub(conn) == []


def test_leases_are_never_granted_over_a_live_lease(team: Team) -> None:
    lead = team.member("lead")
    alice, bob = team.member("moderator"), team.member("moderator")
    cases = team.cases(lead, 3)
    granted, _ = alice.client.lease(count=2, ttl=1)
    assert len(granted) == 2 and all(g.holder == alice.username for g in granted)
    taken = [g.case_id for g in granted]
    mine, refused = bob.client.lease(case_ids=cases, ttl=60)
    assert refused == taken and [g.case_id for g in mine] == sorted(set(cases) - set(taken))
    assert bob.client.lease(count=3, ttl=60)[0] == [] or all(
        g.holder == bob.username for g in bob.client.lease(count=3, ttl=60)[0]
    )
    with pytest.raises(HubRejected) as not_holder:
        bob.client.release(taken[0])
    assert not_holder.value.status == 409
    time.sleep(1.1)
    regranted, refused = bob.client.lease(case_ids=taken, ttl=60)
    assert len(regranted) == 2 and refused == [], "an expired lease can be granted again"
    assert lead.client.release(taken[0]) is True, "a lead may release anyone's lease"
    assert lead.client.release(taken[0]) is False


def test_decided_cases_leave_the_lease_pool(team: Team) -> None:
    lead = team.member("lead")
    mod = team.member("moderator")
    (case_id,) = team.cases(lead)
    event = mod.device.event(EventKind.DECISION_RECORDED, case_id, action="keep")
    mod.client.push(mod.device.device_id, [event])
    assert case_id not in [g.case_id for g in mod.client.lease(count=50, ttl=60)[0]]


def test_leads_administer_users_of_their_team(team: Team) -> None:
    lead = team.member("lead", ("child_safety",))
    user = lead.client.add_user(
        "x-" + lead.username, PASSWORD, "moderator", team.name, ["child_safety"]
    )
    assert user.clearances == ("child_safety",)
    with pytest.raises(HubRejected) as exists:
        lead.client.add_user(user.username, PASSWORD, "moderator", team.name, [])
    assert exists.value.status == 409
    with pytest.raises(HubRejected) as too_much:
        lead.client.add_user("y-" + lead.username, PASSWORD, "analyst", team.name, ["terrorism"])
    assert too_much.value.status == 403
    with pytest.raises(HubRejected) as bad_role:
        lead.client.add_user("z-" + lead.username, PASSWORD, "admin", team.name, [])
    assert bad_role.value.status == 422
    with httpx.Client(base_url=team.base_url) as http:
        login = http.post("/v1/auth/login", json={"username": user.username, "password": PASSWORD})
        assert login.status_code == 200 and login.json()["user"]["role"] == "moderator"
