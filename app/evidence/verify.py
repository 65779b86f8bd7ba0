"""`veil evidence verify BUNDLE`: check an evidence bundle offline.

It fails, naming what is wrong, when a media file does not decrypt to its manifest hash
(one changed byte is enough), when a device chain does not link from the genesis hash or
an event's hash does not match its content, when an access in the chains is missing from
the access records (or a record is not in the chains, or differs from it), and when a
chain's head is not covered by a hub receipt whose Ed25519 signature verifies under the
hub's public key (give it with --hub-key to trust no key named inside the bundle).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag

from app.evidence.custody import ACCESS_KINDS, FORMAT, accessed_item, passphrase_key
from app.evidence.receipts import receipt_problem
from app.log.events import GENESIS_HASH, EventRecord, chain_hash


@dataclass
class Verdict:
    """What verification found; ok when there is no problem."""

    items: int = 0
    accesses: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the bundle verifies."""
        return not self.problems

    def lines(self) -> list[str]:
        """The report, one finding per line."""
        head = f"{self.items} media item(s), {self.accesses} access record(s): "
        return [head + ("OK" if self.ok else "FAILED"), *(f"  {p}" for p in self.problems)]


def verify_bundle(path: Path, passphrase: str, hub_key: str | None = None) -> Verdict:
    """Check every part of the bundle at path (see the module docstring)."""
    verdict = Verdict()
    try:
        with zipfile.ZipFile(path) as bundle:
            manifest = json.loads(bundle.read("manifest.json"))
            if manifest.get("format") != FORMAT:
                return Verdict(problems=[f"manifest: format is not {FORMAT}"])
            _media(bundle, manifest, passphrase, verdict)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        return Verdict(problems=[f"{path}: not a readable evidence bundle ({exc})"])
    chains = {d: _records(d, evs, verdict) for d, evs in manifest.get("chains", {}).items()}
    _accesses(manifest, chains, verdict)
    _receipts(manifest, chains, hub_key, verdict)
    return verdict


def _media(bundle: zipfile.ZipFile, manifest: dict[str, Any], phrase: str, v: Verdict) -> None:
    key = passphrase_key(phrase, manifest["kdf"])
    for item in manifest["items"]:
        sha, v.items = str(item["sha256"]), v.items + 1
        try:
            sealed = bundle.read(item["file"])
            plain = key.decrypt(sealed[:12], sealed[12:], sha.encode())
        except KeyError:
            v.problems.append(f"item {sha[:12]}…: its file {item['file']} is missing")
            continue
        except InvalidTag:
            v.problems.append(f"item {sha[:12]}…: does not decrypt (changed, or wrong passphrase)")
            continue
        if hashlib.sha256(plain).hexdigest() != sha:
            v.problems.append(f"item {sha[:12]}…: its bytes do not hash to the manifest")


def _records(device: str, wire: list[dict[str, Any]], v: Verdict) -> list[EventRecord]:
    records: list[EventRecord] = []
    prev = GENESIS_HASH
    for n, item in enumerate(wire, start=1):
        try:
            rec = EventRecord.from_wire({**item, "server_seq": None})
        except (KeyError, TypeError):
            v.problems.append(f"device {device}: event {n} is malformed")
            return records
        if rec.device_seq != n or rec.prev_hash != prev or chain_hash(rec) != rec.hash:
            v.problems.append(f"device {device}: the chain breaks at device_seq {n}")
            return records
        records.append(rec)
        prev = rec.hash
    return records


def _accesses(manifest: dict[str, Any], chains: dict[str, list[EventRecord]], v: Verdict) -> None:
    items = {str(i["sha256"]) for i in manifest["items"]}
    in_chains = {
        r.event_id: r for records in chains.values() for r in records if accessed_item(r) in items
    }
    listed = {str(a.get("event_id")): a for a in manifest.get("accesses", [])}
    v.accesses = len(listed)
    for event_id in sorted(in_chains.keys() - listed.keys()):
        v.problems.append(f"access {event_id}: in the chain but missing from the access records")
    for event_id, access in sorted(listed.items()):
        rec = in_chains.get(event_id)
        if rec is None:
            v.problems.append(f"access {event_id}: not in any bundled chain")
        elif (access.get("hash"), access.get("actor"), access.get("item")) != (
            rec.hash,
            rec.actor,
            accessed_item(rec),
        ) or access.get("mode") != ACCESS_KINDS[rec.kind]:
            v.problems.append(f"access {event_id}: the record differs from the chained event")


def _receipts(
    manifest: dict[str, Any], chains: dict[str, list[EventRecord]], hub_key: str | None, v: Verdict
) -> None:
    receipts = {
        str(r.get("device_id")): r for r in manifest.get("receipts", []) if isinstance(r, dict)
    }
    accessed = {
        (str(a.get("device_id")), int(a.get("device_seq", 0))) for a in manifest.get("accesses", [])
    }
    for device, records in sorted(chains.items()):
        receipt = receipts.get(device)
        if receipt is None:
            v.problems.append(f"device {device}: no hub receipt covers its chain")
            continue
        problem = receipt_problem(receipt, hub_key)
        seq = int(receipt.get("device_seq", 0))
        if problem is None and not (
            0 < seq <= len(records) and records[seq - 1].hash == receipt["hash"]
        ):
            problem = "its head is not in the bundled chain"
        if problem is not None:
            v.problems.append(f"device {device}: hub receipt refused: {problem}")
        elif any(d == device and s > seq for d, s in accessed):
            v.problems.append(f"device {device}: accesses after the receipted head (sync first)")
