"""The receipt a push answer carries: the hub's signature over the device chain head it
now holds (app/evidence/receipts.py), or none when the hub has no signing key."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from app.evidence.receipts import ReceiptKeyError, hub_signing_key, sign_receipt
from app.hub.access import Principal
from app.hub.errors import HubError
from app.hub.ingest import Acknowledgement
from app.log.clock import iso
from db.hub.engine import read_transaction
from db.hub.models import Device, User


def hub_receipt(
    device_id: str, ack: Acknowledgement, actor: str, now_ms: int
) -> dict[str, Any] | None:
    """The signed receipt of the device's head after this push (None without a key)."""
    if ack.last_device_seq == 0:
        return None
    return _signed(device_id, ack.last_device_seq, ack.last_hash, actor, now_ms)


def head_receipt(engine: Engine, user: Principal, device_id: str, now_ms: int) -> dict[str, Any]:
    """A receipt of another device's current head, for its owner or a lead of the owner's
    team (a bundle of a lead's workstation carries everyone's accesses); 404 otherwise."""
    with read_transaction(engine) as conn:
        row = conn.execute(
            select(Device.owner, Device.last_seq, Device.last_hash, User.team)
            .join(User, User.username == Device.owner)
            .where(Device.device_id == device_id)
        ).first()
    mine = row is not None and (
        row.owner == user.username or (user.is_lead and row.team == user.team)
    )
    if row is None or not mine or row.last_seq == 0:
        raise HubError(404, "no such device")
    receipt = _signed(device_id, row.last_seq, row.last_hash, row.owner, now_ms)
    if receipt is None:
        raise HubError(404, "this hub signs no receipts (it has no signing key)")
    return receipt


def _signed(device_id: str, seq: int, hash_: str, actor: str, now_ms: int) -> dict[str, Any] | None:
    try:
        key = hub_signing_key()
    except ReceiptKeyError as exc:
        raise HubError(500, str(exc)) from exc
    if key is None:
        return None
    at = iso(datetime.fromtimestamp(now_ms / 1000, UTC))
    return sign_receipt(key, device_id, seq, hash_, actor, at)
