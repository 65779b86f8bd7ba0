"""The event vocabulary and the per-device SHA-256 hash chain.

Everything a person does is an event; events are never updated or deleted. This module
holds what every node (workstation or hub) must compute identically: event ids,
canonical JSON and the chain hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

GENESIS_HASH = "0" * 64


class _Uuid7Source:
    """UUIDv7 (RFC 9562) with a monotonic counter so ids sort in creation order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = -1
        self._counter = 0

    def next(self) -> uuid.UUID:
        with self._lock:
            ms = time.time_ns() // 1_000_000
            if ms <= self._last_ms:
                ms = self._last_ms
                self._counter += 1
                if self._counter >= 1 << 12:
                    ms += 1
                    self._counter = 0
            else:
                self._counter = int.from_bytes(os.urandom(2), "big") & 0x3FF
            self._last_ms = ms
            rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
            value = (ms & ((1 << 48) - 1)) << 80
            value |= 0x7 << 76
            value |= self._counter << 64
            value |= 0b10 << 62
            value |= rand_b
            return uuid.UUID(int=value)


_uuid7 = _Uuid7Source()


def uuid7() -> str:
    """A new UUIDv7 as a string: time-ordered, unique, identity only."""
    return str(_uuid7.next())


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_SORTED = json.JSONEncoder(sort_keys=True)


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces, so equal values hash equally on every node."""
    return _CANONICAL.encode(value)  # as json.dumps with these options, minus its set-up


def sorted_json(value: Any) -> str:
    """`json.dumps(value, sort_keys=True)`, as projections store payload parts."""
    if not value and isinstance(value, dict | list):
        return "{}" if isinstance(value, dict) else "[]"
    return _SORTED.encode(value)


@dataclass(frozen=True)
class EventRecord:
    """One immutable event as it travels between store, projections, hub and sync."""

    event_id: str
    device_id: str
    device_seq: int
    actor: str
    kind: str
    case_id: str | None
    payload: dict[str, Any]
    seen_head: str | None
    created_at: str
    prev_hash: str
    hash: str = ""
    server_seq: int | None = field(default=None, compare=False)

    def chain_fields(self) -> dict[str, Any]:
        """The fields the chain hash covers (everything but the hash and server_seq)."""
        return {
            "event_id": self.event_id,
            "device_id": self.device_id,
            "device_seq": self.device_seq,
            "actor": self.actor,
            "kind": self.kind,
            "case_id": self.case_id,
            "payload": self.payload,
            "seen_head": self.seen_head,
            "created_at": self.created_at,
            "prev_hash": self.prev_hash,
        }

    def to_wire(self) -> dict[str, Any]:
        """A JSON-ready dict (sync protocol, exports)."""
        return {**self.chain_fields(), "hash": self.hash, "server_seq": self.server_seq}

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> EventRecord:
        """The inverse of to_wire; raises KeyError or TypeError on a malformed dict."""
        record = _new(cls)
        # Every field filled at once: a pull builds thousands of these, and the frozen
        # dataclass __init__ spends most of its time on one object.__setattr__ per field.
        record.__dict__.update(
            event_id=str(data["event_id"]),
            device_id=str(data["device_id"]),
            device_seq=int(data["device_seq"]),
            actor=str(data["actor"]),
            kind=str(data["kind"]),
            case_id=None if data["case_id"] is None else str(data["case_id"]),
            payload=dict(data["payload"]),
            seen_head=None if data["seen_head"] is None else str(data["seen_head"]),
            created_at=str(data["created_at"]),
            prev_hash=str(data["prev_hash"]),
            hash=str(data.get("hash", "")),
            server_seq=None if data.get("server_seq") is None else int(data["server_seq"]),
        )
        return record


_new = object.__new__


def chain_hash(record: EventRecord) -> str:
    """SHA-256 over the canonical JSON of the chained fields (prev_hash included)."""
    return hashlib.sha256(canonical_json(record.chain_fields()).encode("utf-8")).hexdigest()


# The chained field that sorts right after "payload" in the canonical JSON.
_AFTER_PAYLOAD = ',"prev_hash":'


def verified_payload_json(record: EventRecord) -> str | None:
    """The canonical JSON of the record's payload when its hash verifies, else None.

    Checking the hash serializes every chained field; the payload's canonical JSON is the
    part of that text between its key and the next key (keys are sorted and no other
    field is an object), so a pulled event is serialized once, not once more to store it.
    Outside strings JSON has no unescaped quote, so both markers are found only where
    the structure puts them.
    """
    text = canonical_json(record.chain_fields())
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != record.hash:
        return None
    start = text.index('"payload":') + len('"payload":')
    return text[start : text.rindex(_AFTER_PAYLOAD)]


def seal(record: EventRecord) -> EventRecord:
    """The same record with its hash filled in."""
    return EventRecord(**{**record.chain_fields(), "hash": chain_hash(record)})


@dataclass(frozen=True)
class ChainBreak:
    """The first link of a chain that does not verify, and why."""

    event_id: str
    device_id: str
    device_seq: int
    reason: str


def verify_chain(records: list[EventRecord]) -> ChainBreak | None:
    """Check one device's events, given in device_seq order; None when the chain is whole."""
    prev = GENESIS_HASH
    expected_seq = 1
    for rec in records:
        if rec.device_seq != expected_seq:
            return ChainBreak(
                rec.event_id,
                rec.device_id,
                rec.device_seq,
                f"device_seq {rec.device_seq} where {expected_seq} was expected",
            )
        if rec.prev_hash != prev:
            return ChainBreak(
                rec.event_id, rec.device_id, rec.device_seq, "prev_hash does not match"
            )
        if chain_hash(rec) != rec.hash:
            return ChainBreak(
                rec.event_id, rec.device_id, rec.device_seq, "hash does not match content"
            )
        prev = rec.hash
        expected_seq += 1
    return None
