"""Oversized or malformed requests get a 4xx with a reason and change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from app.hub.blobs import MAX_BLOB_BYTES
from app.hub.limits import MAX_BODY_BYTES

from .world import Member, Team, event_count, head_seq


@pytest.fixture
def analyst(team: Team) -> Member:
    return team.member("analyst")


def raw(member: Member, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """One request with member's token, bypassing HubClient's own checks."""
    headers = {"authorization": f"Bearer {member.client.token}"}
    headers.update(kwargs.pop("headers", None) or {})
    with httpx.Client(base_url=str(member.client._http.base_url), timeout=60) as http:
        return http.request(method, path, headers=headers, **kwargs)


def test_oversized_requests_are_refused_and_change_nothing(
    analyst: Member, hub_engine: Engine
) -> None:
    before = (event_count(hub_engine), head_seq(hub_engine))
    too_many = [e.to_wire() for e in analyst.device.notes(1001)]
    answer = raw(
        analyst,
        "POST",
        "/v1/events/push",
        json={"device_id": analyst.device.device_id, "events": too_many},
    )
    assert answer.status_code == 413 and "1000" in answer.json()["detail"]
    big = b'{"device_id": "d", "events": [], "pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    answer = raw(
        analyst,
        "POST",
        "/v1/events/push",
        content=big,
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 413 and "detail" in answer.json()

    def chunks() -> Iterator[bytes]:
        for _ in range(9):
            yield b" " * (1 << 20)

    assert raw(analyst, "POST", "/v1/intake", content=chunks()).status_code == 413
    blob = b"\0" * (MAX_BLOB_BYTES + 1)
    assert raw(analyst, "PUT", "/v1/blobs/" + "0" * 64, content=blob).status_code == 413
    assert (event_count(hub_engine), head_seq(hub_engine)) == before


@pytest.mark.parametrize(
    "body",
    [
        {"device_id": "d"},
        {"device_id": "d", "events": [{"event_id": "x"}]},
        {"device_id": "", "events": []},
        ["not", "an", "object"],
    ],
)
def test_malformed_pushes_get_422_with_a_reason(
    analyst: Member, hub_engine: Engine, body: object
) -> None:
    before = event_count(hub_engine)
    answer = raw(analyst, "POST", "/v1/events/push", json=body)
    assert answer.status_code == 422 and isinstance(answer.json()["detail"], str)
    assert event_count(hub_engine) == before


def test_bad_pull_parameters_get_422(analyst: Member) -> None:
    for params in ({"cursor": -1}, {"limit": 0}, {"limit": 100000}, {"cursor": "x"}):
        assert raw(analyst, "GET", "/v1/events/pull", params=params).status_code == 422
