"""The receipt a push answer carries: the hub's signature over the device chain head it
now holds (app/evidence/receipts.py), or none when the hub has no signing key."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.evidence.receipts import ReceiptKeyError, hub_signing_key, sign_receipt
from app.hub.errors import HubError
from app.hub.ingest import Acknowledgement
from app.log.clock import iso


def hub_receipt(
    device_id: str, ack: Acknowledgement, actor: str, now_ms: int
) -> dict[str, Any] | None:
    """The signed receipt of the device's head after this push (None without a key)."""
    try:
        key = hub_signing_key()
    except ReceiptKeyError as exc:
        raise HubError(500, str(exc)) from exc
    if key is None or ack.last_device_seq == 0:
        return None
    at = iso(datetime.fromtimestamp(now_ms / 1000, UTC))
    return sign_receipt(key, device_id, ack.last_device_seq, ack.last_hash, actor, at)
