"""Authority on the hub: a client that seals any event it likes is still held to the rules
a workstation keeps (app/hub/authority.py), on SQLite and PostgreSQL.

The attacks: a moderator retracts a colleague's decision and records their own; a
moderator closes a colleague's decided case; a decision retracted twice, or long after
it was made; a QA assignment naming another case's decision. Each is refused with 403
naming the rule, and nothing of its batch is stored. The honest flows stay accepted: an
own undo within the window (and it folds on a fresh workstation), an adjudication of a
conflict, and a lead's reassignment made offline before a decision it could not see.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from app.domain.kinds import EventKind
from app.domain.lifecycle import UNDO_SECONDS
from app.domain.policies import PolicySet
from app.hub.authority import CLOCK_MARGIN_SECONDS
from app.log.events import EventRecord
from app.log.store import LocalStore
from app.sync.client import HubRejected

from .forge import at, forge
from .test_validation import fresh_workstation_syncs
from .world import DeviceWriter, Member, Team, event_count

K = EventKind


@pytest.fixture(scope="module")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, migrated store to copy for each fresh workstation."""
    folder = tmp_path_factory.mktemp("store-template")
    LocalStore(folder).close()
    return folder


def decide(member: Member, case_id: str, when: float = 0.0, **payload: Any) -> EventRecord:
    """member leases and decides case_id (pushed); the decision."""
    device = member.device
    lease = forge(device, K.CASE_LEASED, case_id, created_at=at(when))
    decision = forge(
        device,
        K.DECISION_RECORDED,
        case_id,
        {"action": "no_violation", **payload},
        created_at=at(when),
        seen_head=lease.event_id,
    )
    member.client.push(device.device_id, [lease, decision])
    return decision


def refused(member: Member, events: list[EventRecord], engine: Engine) -> dict[str, Any]:
    """Push events from their device: 403 expected, nothing stored; the answer's body."""
    before = event_count(engine)
    with pytest.raises(HubRejected) as refusal:
        member.client.push(events[0].device_id, events)
    assert refusal.value.status == 403, refusal.value.reason
    assert event_count(engine) == before
    body = {"detail": refusal.value.reason, **refusal.value.body}
    assert body["rule"] and body["event_id"]
    return body


def test_a_moderator_may_not_retract_a_colleagues_decision(team: Team, hub_engine: Engine) -> None:
    lead, alice, mallory = team.member("lead"), team.member("moderator"), team.member("moderator")
    (case_id,) = team.cases(lead)
    theirs = decide(alice, case_id)
    device = DeviceWriter(mallory.username)
    retract = forge(
        device,
        K.DECISION_RETRACTED,
        case_id,
        {"decision": theirs.event_id},
        created_at=at(2),
        seen_head=theirs.event_id,
    )
    mine = forge(
        device,
        K.DECISION_RECORDED,
        case_id,
        {"action": "remove"},
        created_at=at(3),
        seen_head=retract.event_id,
    )
    body = refused(mallory, [retract, mine], hub_engine)
    assert body["rule"] == "retract.author" and body["event_id"] == retract.event_id
    assert "author" in body["detail"]


def test_a_moderator_may_not_close_a_colleagues_decided_case(
    team: Team, hub_engine: Engine
) -> None:
    lead, alice, mallory = team.member("lead"), team.member("moderator"), team.member("moderator")
    case_a, case_b = team.cases(lead, 2)
    theirs = decide(alice, case_a)
    device = DeviceWriter(mallory.username)
    close = forge(device, K.CASE_CLOSED, case_a, {}, seen_head=theirs.event_id)
    body = refused(mallory, [close], hub_engine)
    assert body["rule"] == "close.own_decision"
    # Nor a case that is not decided at all (the lifecycle's rule), as anyone.
    device = DeviceWriter(lead.username)
    early = forge(device, K.CASE_CLOSED, case_b, {})
    assert refused(lead, [early], hub_engine)["rule"] == "lifecycle.close"
    # The decider may close their own decided case; a lead any decided case.
    own = forge(alice.device, K.CASE_CLOSED, case_a, {}, seen_head=theirs.event_id)
    alice.client.push(alice.device.device_id, [own])


def test_a_decision_is_retracted_once(team: Team, hub_engine: Engine) -> None:
    lead, alice = team.member("lead"), team.member("moderator")
    case_a, case_b = team.cases(lead, 2)
    decision = decide(alice, case_a)
    undo = forge(
        alice.device,
        K.DECISION_RETRACTED,
        case_a,
        {"decision": decision.event_id, "why": "undo"},
        created_at=at(UNDO_SECONDS - 1),
        seen_head=decision.event_id,
    )
    alice.client.push(alice.device.device_id, [undo])
    device = DeviceWriter(alice.username)
    again = forge(
        device,
        K.DECISION_RETRACTED,
        case_a,
        {"decision": decision.event_id},
        created_at=at(UNDO_SECONDS),
        seen_head=decision.event_id,
    )
    assert refused(alice, [again], hub_engine)["rule"] == "retract.once"
    # Twice in one batch: the second is refused with the whole batch.
    other = decide(alice, case_b)
    device = DeviceWriter(alice.username)
    twice = [
        forge(
            device,
            K.DECISION_RETRACTED,
            case_b,
            {"decision": other.event_id},
            created_at=at(1),
            seen_head=other.event_id,
        )
        for _ in range(2)
    ]
    body = refused(alice, twice, hub_engine)
    assert body["rule"] == "retract.once" and body["event_id"] == twice[1].event_id


def test_a_retraction_after_the_undo_window_is_refused(team: Team, hub_engine: Engine) -> None:
    lead, alice = team.member("lead"), team.member("moderator")
    (case_id,) = team.cases(lead)
    decision = decide(alice, case_id)
    device = DeviceWriter(alice.username)
    late = forge(
        device,
        K.DECISION_RETRACTED,
        case_id,
        {"decision": decision.event_id},
        created_at=at(UNDO_SECONDS + CLOCK_MARGIN_SECONDS + 1),
        seen_head=decision.event_id,
    )
    body = refused(alice, [late], hub_engine)
    assert body["rule"] == "retract.window" and f"{UNDO_SECONDS} s" in body["detail"]


def test_an_own_retraction_within_the_window_is_accepted_and_folds(
    team: Team, hub_engine: Engine, policies: PolicySet, store_template: Path, tmp_path: Path
) -> None:
    lead, alice = team.member("lead"), team.member("moderator")
    (case_id,) = team.cases(lead)
    # Decided and undone offline, then pushed in one batch, as a workstation does.
    device = alice.device
    lease = forge(device, K.CASE_LEASED, case_id, created_at=at(0))
    decision = forge(
        device,
        K.DECISION_RECORDED,
        case_id,
        {"action": "remove"},
        created_at=at(1),
        seen_head=lease.event_id,
    )
    undo = forge(
        device,
        K.DECISION_RETRACTED,
        case_id,
        {"decision": decision.event_id, "why": "undo"},
        created_at=at(1 + UNDO_SECONDS),
        seen_head=decision.event_id,
    )
    acked = alice.client.push(device.device_id, [lease, decision, undo])
    assert set(acked) == {lease.event_id, decision.event_id, undo.event_id}
    status = fresh_workstation_syncs(team, policies, store_template, tmp_path / "ws", case_id)
    assert status == "leased"


def test_events_name_decisions_of_their_own_case(team: Team, hub_engine: Engine) -> None:
    lead, alice = team.member("lead"), team.member("moderator")
    case_a, case_b = team.cases(lead, 2)
    decision = decide(alice, case_a)
    qa = {
        "decision": decision.event_id,
        "reviewer": alice.username,
        "queue": "main",
        "policy": "spam",
        "action": "no_violation",
        "reason": "sampled",
    }
    device = DeviceWriter(lead.username)
    right = forge(device, K.QA_ASSIGNED, case_a, qa)
    lead.client.push(device.device_id, [right])
    device = DeviceWriter(lead.username)
    wrong = forge(device, K.QA_ASSIGNED, case_b, qa)
    body = refused(lead, [wrong], hub_engine)
    assert body["rule"] == "decision.on_case" and case_b in body["detail"]
    # A retraction naming another case's decision, by its own author.
    device = DeviceWriter(alice.username)
    elsewhere = forge(
        device, K.DECISION_RETRACTED, case_b, {"decision": decision.event_id}, created_at=at(1)
    )
    assert refused(alice, [elsewhere], hub_engine)["rule"] == "decision.on_case"


def test_a_conflict_is_adjudicated_and_a_settled_case_is_not(
    team: Team, hub_engine: Engine
) -> None:
    lead, alice, bob = team.member("lead"), team.member("moderator"), team.member("moderator")
    (case_id,) = team.cases(lead)
    first = decide(alice, case_id)
    second = decide(bob, case_id, action="remove")  # made offline: did not see the first
    settle = {"resolves": [first.event_id, second.event_id], "action": "remove"}
    adjudication = forge(
        lead.device, K.CASE_ADJUDICATED, case_id, settle, seen_head=second.event_id
    )
    lead.client.push(lead.device.device_id, [adjudication])
    device = DeviceWriter(lead.username)
    again = forge(device, K.CASE_ADJUDICATED, case_id, settle, seen_head=adjudication.event_id)
    assert refused(lead, [again], hub_engine)["rule"] == "lifecycle.adjudicate"


def test_offline_work_is_judged_by_what_its_author_had_seen(team: Team, hub_engine: Engine) -> None:
    lead, alice = team.member("lead"), team.member("moderator")
    (case_id,) = team.cases(lead)
    lease = forge(alice.device, K.CASE_LEASED, case_id)
    alice.client.push(alice.device.device_id, [lease])
    # The lead reassigns the leased case while offline ...
    reassign = forge(
        lead.device,
        K.CASE_REASSIGNED,
        case_id,
        {"holder": alice.username, "expires_at": at(600)},
        seen_head=lease.event_id,
    )
    # ... meanwhile alice decides, and her decision reaches the hub first.
    decision = forge(
        alice.device,
        K.DECISION_RECORDED,
        case_id,
        {"action": "no_violation"},
        seen_head=lease.event_id,
    )
    alice.client.push(alice.device.device_id, [decision])
    lead.client.push(lead.device.device_id, [reassign])
    # A reassignment made after seeing the decision breaks the lifecycle's rule.
    device = DeviceWriter(lead.username)
    knowing = forge(
        device,
        K.CASE_REASSIGNED,
        case_id,
        {"holder": alice.username, "expires_at": at(600)},
        seen_head=decision.event_id,
    )
    assert refused(lead, [knowing], hub_engine)["rule"] == "lifecycle.reassign"
