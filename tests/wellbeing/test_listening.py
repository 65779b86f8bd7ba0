"""Listening is recorded on the reveal path, as a `listen` of its own, and reads as such."""

from __future__ import annotations

import pytest

from app.audit.trail import summarise
from app.domain.people import Reviewer, Role
from app.domain.policies import PolicySet
from app.log.store import LocalStore
from app.review.timeline import timeline
from app.wellbeing.exposure import ExposureLedger
from app.wellbeing.listening import record_listen

SHA = "b" * 64
VIDEO = {"sha256": SHA, "kind": "video", "mime": "video/mp4", "filename": "v.mp4", "size": 1}


def test_a_listen_is_a_reveal_of_its_own_kind(store: LocalStore, policies: PolicySet) -> None:
    with store.transaction() as session:
        store.append(
            session,
            actor="intake",
            kind="case.ingested",
            case_id="v1",
            payload={
                "category": "violent_graphic",
                "severity": 3,
                "queue": policies["violent_graphic"].queue,
                "media": [VIDEO],
                "reported_at": "2026-01-05T08:00:00.000Z",
            },
        )
    ledger = ExposureLedger(store, policies, Reviewer("maya", "Maya", Role.MODERATOR, frozenset()))
    event = record_listen(ledger, "v1", SHA, 2.04, muffled=True)
    assert event.kind == "media.revealed"
    assert event.payload == {
        "item": SHA,
        "seconds": 2.04,
        "area_share": 0.0,
        "mode": "listen",
        "filters_on": ["muffled"],
        "audio": True,
    }
    assert ledger.case_exposure("v1").unfiltered_seconds == pytest.approx(0.0)  # no picture
    line = timeline(store.events("v1"), policies)[-1]
    assert "listened to item 1's sound for 2.04 s (filters on: muffled)" in line.text
    assert summarise(event.kind, event.payload) == "listened to the sound for 2.04 s (muffled)"
