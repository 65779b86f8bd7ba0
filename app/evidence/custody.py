"""Custody you can prove: the hub's receipts kept, and evidence bundles of held media.

A bundle (a zip) holds, for the media of held cases: each file re-encrypted to a
passphrase (scrypt, AES-256-GCM with its SHA-256 as associated data), a manifest of
SHA-256 hashes, every access to each item this workstation knows of (a `media.viewed`,
filtered, or a `media.revealed`, with who and when) with its hash-chain position, the
whole chain of every device those accesses came from (so a removed record breaks a
link), and the hub's signed receipt of each chain's head. `veil evidence verify` checks
all of it offline (app/evidence/verify.py). Build it on a lead's workstation: only leads
receive everyone's exposure events.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import zipfile
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select

from app.evidence.models import Receipt
from app.evidence.purge import held_cases
from app.evidence.receipts import receipt_problem
from app.log.clock import iso
from app.log.events import EventRecord
from app.log.folding import record_of
from app.log.registry import PayloadError, registry
from app.log.store import LocalStore
from app.sync.client import HubRejected, HubUnreachable
from db.models import Event, MediaItem

log = logging.getLogger(__name__)

FORMAT = "veil.evidence-bundle/1"
ACCESS_KINDS = {"media.viewed": "filtered", "media.revealed": "revealed"}
KDF = {"n": 2**15, "r": 8, "p": 1}


class BundleError(Exception):
    """A bundle that cannot be made (nothing held, media locked or missing)."""


def passphrase_key(passphrase: str, kdf: dict[str, Any]) -> AESGCM:
    """The AES-256-GCM key scrypt derives from the passphrase and the bundle's salt."""
    salt = base64.b64decode(str(kdf["salt"]))
    n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
    derived = hashlib.scrypt(
        passphrase.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=256 * 1024 * 1024
    )
    return AESGCM(derived)


def keep_receipt(store: LocalStore, receipt: dict[str, Any]) -> bool:
    """Keep the hub's receipt of one of this workstation's chain heads, once it verifies
    and matches the event we hold at that position; whether it was kept."""
    problem = receipt_problem(receipt, None)
    with store.transaction() as session:
        mine = session.scalar(
            select(Event.hash).where(
                Event.device_id == receipt.get("device_id"),
                Event.device_seq == receipt.get("device_seq"),
            )
        )
        if problem is None and mine != receipt.get("hash"):
            problem = "its head is not the event this workstation holds there"
        pinned = session.scalar(select(Receipt.public_key).limit(1))
        if problem is None and pinned is not None and pinned != receipt["public_key"]:
            problem = "it is signed by another key than the hub's earlier receipts"
        if problem is not None:
            log.warning("hub receipt for %s refused: %s", receipt.get("device_id"), problem)
            return False
        row = session.get(Receipt, receipt["device_id"]) or Receipt(device_id=receipt["device_id"])
        row.device_seq, row.hash = int(receipt["device_seq"]), str(receipt["hash"])
        row.public_key, row.receipt = str(receipt["public_key"]), json.dumps(receipt)
        session.add(row)
    return True


class ReceiptSource(Protocol):
    """Where receipts of other devices' heads come from (the hub client)."""

    def receipt(self, device_id: str) -> dict[str, Any]:
        """The hub's signed receipt of the device's current head."""
        ...


def fetch_receipts(store: LocalStore, hub: ReceiptSource, devices: list[str]) -> list[str]:
    """Ask the hub for a receipt of each device's head and keep those that match what this
    workstation holds (sync first, so the heads agree); the devices whose receipt was kept."""
    kept = []
    for device in devices:
        try:
            receipt = hub.receipt(device)
        except (HubRejected, HubUnreachable) as exc:  # the bundle's verify names the gap
            log.warning("no hub receipt for device %s: %s", device, exc)
            continue
        if keep_receipt(store, receipt):
            kept.append(device)
    return kept


def accessing_devices(store: LocalStore, cases: list[str] | None = None) -> list[str]:
    """The devices whose chains a bundle of these held cases (default: all) would carry."""
    items = _held_items(store, cases)
    return sorted(_accesses(store, set(items))[1])


def build_bundle(
    store: LocalStore, author: str, passphrase: str, out: Path, cases: list[str] | None = None
) -> dict[str, Any]:
    """Write the bundle of the media of held cases (or of the given held cases) to out;
    returns its manifest."""
    if len(passphrase) < 12:
        raise BundleError("the bundle passphrase needs at least 12 characters")
    items = _held_items(store, cases)
    kdf = {**KDF, "salt": base64.b64encode(os.urandom(16)).decode()}
    key = passphrase_key(passphrase, kdf)
    accesses, chains = _accesses(store, set(items))
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": iso(store.clock.now()),
        "created_by": author,
        "kdf": kdf,
        "items": [],
        "accesses": accesses,
        "chains": chains,
        "receipts": _receipts(store, set(chains)),
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as bundle:
        for sha, case_ids in sorted(items.items()):
            data = store.blobs.read(sha)
            nonce = os.urandom(12)
            name = f"media/{sha}.enc"
            bundle.writestr(name, nonce + key.encrypt(nonce, data, sha.encode()))
            manifest["items"].append(
                {"sha256": sha, "cases": sorted(case_ids), "size": len(data), "file": name}
            )
        bundle.writestr("manifest.json", json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def accessed_item(record: EventRecord) -> str | None:
    """The media item an exposure event is about (None: not an exposure event, or one
    whose payload does not decode)."""
    if record.kind not in ACCESS_KINDS:
        return None
    try:
        item = registry().decode(record.kind, record.payload).item
    except (PayloadError, AttributeError):
        return None
    return str(item)


def _held_items(store: LocalStore, cases: list[str] | None) -> dict[str, set[str]]:
    with store.read() as session:
        held = held_cases(session)
        wanted = held if cases is None else set(cases)
        if not_held := wanted - held:
            raise BundleError(f"not under a legal hold: {', '.join(sorted(not_held))}")
        rows = session.execute(
            select(MediaItem.sha256, MediaItem.case_id).where(MediaItem.case_id.in_(wanted))
        ).all()
    if not rows:
        raise BundleError("no held media to bundle")
    items: dict[str, set[str]] = {}
    for sha, case_id in rows:
        items.setdefault(sha, set()).add(case_id)
    return items


def _accesses(
    store: LocalStore, shas: set[str]
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    with store.read() as session:
        rows = session.scalars(select(Event).where(Event.kind.in_(sorted(ACCESS_KINDS)))).all()
        found = [r for r in map(record_of, rows) if accessed_item(r) in shas]
        devices = sorted({r.device_id for r in found})
        chain_rows = session.scalars(
            select(Event).where(Event.device_id.in_(devices)).order_by(Event.device_seq)
        ).all()
    chains: dict[str, list[dict[str, Any]]] = {d: [] for d in devices}
    for rec in map(record_of, chain_rows):
        chains[rec.device_id].append({k: v for k, v in rec.to_wire().items() if k != "server_seq"})
    accesses = [
        {
            "event_id": r.event_id,
            "item": accessed_item(r),
            "case_id": r.case_id,
            "actor": r.actor,
            "at": r.created_at,
            "mode": ACCESS_KINDS[r.kind],
            "device_id": r.device_id,
            "device_seq": r.device_seq,
            "hash": r.hash,
        }
        for r in sorted(found, key=lambda r: (r.created_at, r.event_id))
    ]
    return accesses, chains


def _receipts(store: LocalStore, devices: set[str]) -> list[dict[str, Any]]:
    with store.read() as session:
        rows = session.scalars(select(Receipt).where(Receipt.device_id.in_(sorted(devices))))
        return [json.loads(row.receipt) for row in rows]
