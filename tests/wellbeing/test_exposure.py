"""Exposure accounting: reveals are events, area-weighted, summed per decision and per day."""

from __future__ import annotations

import pytest

from app.domain.people import Reviewer, Role
from app.domain.policies import PolicySet
from app.log.clock import ManualClock
from app.log.store import LocalStore
from app.review.reviewdesk import ReviewDesk
from app.wellbeing.exposure import ExposureLedger

SHA = "a" * 64


def _setup(store: LocalStore, policies: PolicySet) -> tuple[ReviewDesk, ExposureLedger]:
    for case_id, category in (("g1", "violent_graphic"), ("s1", "spam_scams")):
        with store.transaction() as session:
            store.append(
                session,
                actor="intake",
                kind="case.ingested",
                case_id=case_id,
                payload={
                    "category": category,
                    "severity": 3,
                    "queue": policies[category].queue,
                    "media": [],
                    "reported_at": "2026-01-05T08:00:00.000Z",
                },
            )
    reviewer = Reviewer("maya", "Maya", Role.MODERATOR, frozenset())
    return ReviewDesk(store, policies, reviewer), ExposureLedger(store, policies, reviewer)


def test_reveal_is_area_weighted_and_lands_in_the_decision(
    store: LocalStore, policies: PolicySet
) -> None:
    desk, ledger = _setup(store, policies)
    desk.open_case("g1")
    ledger.record_view("g1", SHA, 12.0, "blur 24 + grayscale")
    ledger.record_reveal(
        "g1", SHA, seconds=3.0, area_share=0.1, mode="lens", filters_on=["grayscale"]
    )
    ledger.record_reveal("g1", SHA, seconds=2.0, area_share=1.0, mode="hold")
    assert ledger.case_exposure("g1").unfiltered_seconds == pytest.approx(2.3)
    decision = desk.decide("g1", "no_violation", {})
    assert decision.payload["exposure"] == {"unfiltered_seconds": 2.3, "reveals": 2}
    assert ledger.case_exposure("g1").reveals == 0  # counting restarts after a decision


def test_personal_panel_today(store: LocalStore, policies: PolicySet, clock: ManualClock) -> None:
    desk, ledger = _setup(store, policies)
    for case_id in ("g1", "s1"):
        desk.open_case(case_id)
        ledger.record_view(case_id, SHA, 5.0, "blur")
    ledger.record_reveal("g1", SHA, seconds=4.0, area_share=0.5, mode="lens")
    desk.decide("g1", "no_violation", {})
    desk.decide("s1", "no_violation", {})
    today = ledger.today(clock.now())
    assert (today.items_seen, today.graphic_items, today.decisions) == (2, 1, 2)
    assert today.unfiltered_seconds == pytest.approx(2.0)
    assert today.filtered_seconds == pytest.approx(10.0)
    assert today.decisions_without_reveal == 1
    clock.advance(24 * 3600)
    assert ledger.today(clock.now()).decisions == 0


def test_impossible_reveals_are_refused(store: LocalStore, policies: PolicySet) -> None:
    _desk, ledger = _setup(store, policies)
    with pytest.raises(ValueError, match="area_share"):
        ledger.record_reveal("g1", SHA, seconds=1.0, area_share=1.5, mode="lens")
    with pytest.raises(ValueError, match="mode"):
        ledger.record_reveal("g1", SHA, seconds=1.0, area_share=0.5, mode="peek")
