"""Lease caps: one person cannot hoard the queue; leads set the caps, nobody else does.

Each test runs against a real hub process on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.domain.kinds import EventKind
from app.domain.leasing import DEFAULT_MAX_CASES, DEFAULT_MAX_HOURS
from app.sync.client import HubRejected

from .test_sync import pull_all
from .world import Member, Team

WEEK = 7 * 24 * 3600


def lease(member: Member, **body: Any) -> httpx.Response:
    """POST /v1/leases as member, the raw answer (limited_by is not in HubClient.lease)."""
    body.setdefault("ttl_seconds", 3600)
    headers = {"authorization": f"Bearer {member.client.token}"}
    base = str(member.client._http.base_url)
    return httpx.post(f"{base}/v1/leases", json=body, headers=headers, timeout=30.0)


def put_limits(member: Member, team: str, body: dict[str, Any]) -> httpx.Response:
    """PUT /v1/teams/{team}/lease-limits as member, the raw answer."""
    headers = {"authorization": f"Bearer {member.client.token}"}
    base = str(member.client._http.base_url)
    return httpx.put(f"{base}/v1/teams/{team}/lease-limits", json=body, headers=headers)


def test_one_request_cannot_hoard_the_queue(team: Team) -> None:
    lead = team.member("lead")
    hoarder, colleague = team.member("moderator"), team.member("moderator")
    team.cases(lead, DEFAULT_MAX_CASES + 20)

    week = lease(hoarder, count=DEFAULT_MAX_CASES + 20, ttl_seconds=WEEK)
    assert week.status_code == 422
    assert "lease.max_hours" in week.json()["detail"]
    assert f"{DEFAULT_MAX_HOURS} hours" in week.json()["detail"]

    greedy = lease(hoarder, count=DEFAULT_MAX_CASES + 20)
    assert greedy.status_code == 200
    answer = greedy.json()
    assert len(answer["granted"]) == DEFAULT_MAX_CASES
    assert len(answer["refused"]) == 20
    assert "lease.max_cases" in answer["limited_by"]

    # Asking again gets nothing new (at most renewals of cases held): the allowance is spent.
    again = lease(hoarder, count=5).json()
    held = {g["case_id"] for g in answer["granted"]}
    assert {g["case_id"] for g in again["granted"]} <= held

    granted, _refused = colleague.client.lease(count=10, ttl=3600)
    assert len(granted) == 10
    assert not held & {g.case_id for g in granted}


def test_named_cases_beyond_the_allowance_are_cut_and_renewals_fit(team: Team) -> None:
    lead = team.member("lead")
    moderator = team.member("moderator")
    assert put_limits(lead, team.name, {"max_cases": 3}).status_code == 200
    cases = team.cases(lead, 5)

    answer = lease(moderator, case_ids=cases).json()
    assert [g["case_id"] for g in answer["granted"]] == cases[:3]
    assert answer["refused"] == cases[3:]
    assert "at most 3" in answer["limited_by"]

    renewed = lease(moderator, case_ids=cases[:3], ttl_seconds=7200).json()
    assert [g["case_id"] for g in renewed["granted"]] == cases[:3]
    assert renewed["limited_by"] is None

    moderator.client.release(cases[0])
    after = lease(moderator, case_ids=cases[3:]).json()
    assert [g["case_id"] for g in after["granted"]] == cases[3:4]


def test_lead_sets_caps_and_everyone_sees_them(team: Team) -> None:
    lead = team.member("lead")
    moderator = team.member("moderator")
    assert moderator.client.lease_limits(team.name) == {
        "team": team.name,
        "max_cases": DEFAULT_MAX_CASES,
        "max_hours": DEFAULT_MAX_HOURS,
    }
    info = lead.client.set_lease_limits(team.name, max_cases=2, max_hours=4)
    assert info == {"team": team.name, "max_cases": 2, "max_hours": 4}
    assert lead.client.set_lease_limits(team.name, max_hours=6)["max_cases"] == 2
    assert moderator.client.lease_limits(team.name)["max_hours"] == 6
    team.cases(lead, 4)

    assert len(moderator.client.lease(count=4, ttl=6 * 3600)[0]) == 2
    too_long = lease(moderator, count=1, ttl_seconds=6 * 3600 + 1)
    assert too_long.status_code == 422
    assert "lease.max_hours of 6 hours" in too_long.json()["detail"]

    # The caps are team settings: every member's workstation pulls them as events.
    events, _ = pull_all(moderator.client)
    settings = [e.payload["settings"] for e in events if e.kind == EventKind.TEAM_SETTING]
    assert settings == [{"lease.max_cases": 2, "lease.max_hours": 4}, {"lease.max_hours": 6}]
    assert {e.actor for e in events if e.kind == EventKind.TEAM_SETTING} == {lead.username}


@pytest.mark.parametrize("role", ["moderator", "analyst"])
def test_only_a_lead_of_the_team_sets_caps(team: Team, role: str) -> None:
    lead = team.member("lead")
    member = team.member(role)
    refused = put_limits(member, team.name, {"max_cases": 500})
    assert refused.status_code == 403
    assert "only a lead" in refused.json()["detail"]

    other = Team(team.base_url, team.engine)
    try:
        stranger = other.member("lead")
        assert put_limits(stranger, team.name, {"max_cases": 500}).status_code == 403
        with pytest.raises(HubRejected) as caught:
            stranger.client.lease_limits(team.name)
        assert caught.value.status == 403
    finally:
        other.close()
    assert lead.client.lease_limits(team.name)["max_cases"] == DEFAULT_MAX_CASES


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"max_cases": 0}, "lease.max_cases: expected a whole number from 1 to 500"),
        ({"max_cases": "lots"}, "lease.max_cases: expected a whole number"),
        ({"max_hours": 1000}, "lease.max_hours: expected a whole number from 1 to 168"),
        ({"max_hours": 2.5}, "lease.max_hours: expected a whole number"),
        ({}, "give max_cases, max_hours or both"),
        ({"max_days": 3}, "max_days"),
    ],
)
def test_bad_caps_are_refused_naming_the_rule(team: Team, body: dict[str, Any], words: str) -> None:
    lead = team.member("lead")
    answer = put_limits(lead, team.name, body)
    assert answer.status_code == 422
    assert words in answer.json()["detail"]
    assert lead.client.lease_limits(team.name)["max_cases"] == DEFAULT_MAX_CASES


def test_caps_pushed_from_a_lead_workstation_are_checked_and_enforced(team: Team) -> None:
    lead = team.member("lead")
    moderator = team.member("moderator")
    team.cases(lead, 3)
    bad = lead.device.event(EventKind.TEAM_SETTING, settings={"lease.max_cases": -1})
    with pytest.raises(HubRejected) as caught:
        lead.client.push(lead.device.device_id, [bad])
    assert caught.value.status == 422
    assert "lease.max_cases" in caught.value.reason

    lead.device.seq -= 1  # the refused event was not stored: write the next one in its place
    lead.device.last_hash = bad.prev_hash
    good = lead.device.event(EventKind.TEAM_SETTING, settings={"lease.max_cases": 1})
    lead.client.push(lead.device.device_id, [good])
    assert moderator.client.lease_limits(team.name)["max_cases"] == 1
    assert len(moderator.client.lease(count=3, ttl=60)[0]) == 1


def test_cases_held_by_others_take_nothing_from_the_allowance(team: Team) -> None:
    lead = team.member("lead")
    first, second = team.member("moderator"), team.member("moderator")
    assert put_limits(lead, team.name, {"max_cases": 2}).status_code == 200
    cases = team.cases(lead, 4)
    assert len(first.client.lease(case_ids=cases[:2], ttl=60)[0]) == 2

    answer = lease(second, case_ids=cases).json()
    assert [g["case_id"] for g in answer["granted"]] == cases[2:]
    assert answer["refused"] == cases[:2]
    assert answer["limited_by"] is None
