"""Events exactly as a hostile (or a merely offline) client seals them: any payload, any
created_at and seen_head, on a DeviceWriter's chain."""

from __future__ import annotations

from typing import Any

from app.log.events import EventRecord, seal, uuid7

from .world import SAMPLE_PAYLOADS, DeviceWriter

T0 = "2026-01-01T00:00:00.000Z"


def forge(
    device: DeviceWriter,
    kind: str,
    case_id: str | None,
    payload: dict[str, Any] | None = None,
    *,
    created_at: str = T0,
    seen_head: str | None = None,
    event_id: str | None = None,
) -> EventRecord:
    """The device's next event with exactly this payload (the kind's sample when None)."""
    device.seq += 1
    record = seal(
        EventRecord(
            event_id=event_id or uuid7(),
            device_id=device.device_id,
            device_seq=device.seq,
            actor=device.actor,
            kind=str(kind),
            case_id=case_id,
            payload=dict(SAMPLE_PAYLOADS.get(str(kind), {}) if payload is None else payload),
            seen_head=seen_head,
            created_at=created_at,
            prev_hash=device.last_hash,
        )
    )
    device.last_hash = record.hash
    return record


def at(seconds: float) -> str:
    """T0 plus seconds, as a device clock writes it."""
    whole = int(seconds)
    millis = round((seconds - whole) * 1000)
    minutes, secs = divmod(whole, 60)
    return f"2026-01-01T00:{minutes:02d}:{secs:02d}.{millis:03d}Z"
