"""Builders for quality-metric records with sensible defaults, so tests state only what matters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from app.quality.records import Decision

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
SEED = b"lead-secret-seed-0123456789abcdef"


def decision(n: int = 0, **overrides: Any) -> Decision:
    """A decision numbered n: claimed at T0 + n minutes, decided five minutes later."""
    claimed = overrides.pop("claimed_at", T0 + timedelta(minutes=n))
    fields: dict[str, Any] = {
        "event_id": f"evt-{n:07d}",
        "case_id": f"case-{n:07d}",
        "reviewer": "rev-a",
        "queue": "hate_speech",
        "policy": "hate_speech",
        "action": "remove",
        "claimed_at": claimed,
        "decided_at": claimed + timedelta(minutes=5),
    }
    fields.update(overrides)
    return Decision(**fields)
