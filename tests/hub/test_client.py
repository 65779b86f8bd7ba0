"""HubClient maps every failure to the error kind a sync loop can act on."""

from __future__ import annotations

import json

import httpx
import pytest

from app.sync.client import AuthExpired, DamagedTransfer, HubClient, HubRejected, HubUnreachable

from .hubproc import free_port
from .world import DeviceWriter


def client_answering(status: int, body: bytes = b'{"detail": "why"}') -> HubClient:
    """A client whose every request gets status and body."""
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=body))
    return HubClient("http://hub.localhost", token="t", transport=transport)


def test_no_hub_listening_is_unreachable() -> None:
    with (
        HubClient(f"http://127.0.0.1:{free_port()}", timeout=2) as client,
        pytest.raises(HubUnreachable),
    ):
        client.pull(0, 10)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, AuthExpired),
        (403, HubRejected),
        (409, HubRejected),
        (413, HubRejected),
        (500, HubUnreachable),
        (503, HubUnreachable),
    ],
)
def test_status_codes_map_to_error_kinds(status: int, error: type[Exception]) -> None:
    with client_answering(status) as client, pytest.raises(error):
        client.pull(0, 10)


def test_rejection_carries_the_reason() -> None:
    body = b'{"detail": "device_seq gap", "last_device_seq": 4}'
    with client_answering(409, body) as client, pytest.raises(HubRejected) as refused:
        client.pull(0, 10)
    assert (refused.value.status, refused.value.reason, refused.value.body["last_device_seq"]) == (
        409,
        "device_seq gap",
        4,
    )


def test_a_damaged_blob_is_not_returned() -> None:
    with client_answering(200, b"not what was asked") as client, pytest.raises(DamagedTransfer):
        client.get_blob("0" * 64)


def test_refused_login_is_a_rejection_not_an_expiry() -> None:
    with client_answering(401) as client, pytest.raises(HubRejected):
        client.login("someone", "wrong")


def test_a_damaged_event_is_not_returned() -> None:
    event = DeviceWriter("someone").event()
    wire = {**event.to_wire(), "payload": {"text": "altered in transit"}, "server_seq": 1}
    body = json.dumps({"events": [wire], "cursor": 1}).encode()
    with client_answering(200, body) as client, pytest.raises(DamagedTransfer):
        client.pull(0, 10)
