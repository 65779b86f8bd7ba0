"""Push and pull over HTTP: exactly-once storage, gaps, tampering, cursors, the hub chain."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from app.domain.kinds import EventKind
from app.hub.chain import verify_hub
from app.log.events import EventRecord, seal
from app.sync.client import HubClient, HubRejected
from db.hub.engine import read_transaction
from db.hub.models import Event

from .hubproc import SpawnHub
from .world import DeviceWriter, Member, Team, event_count, head_seq


def pull_all(
    client: HubClient, cursor: int = 0, limit: int = 1000
) -> tuple[list[EventRecord], int]:
    """Every visible event after cursor, page by page; and the final cursor."""
    out: list[EventRecord] = []
    while True:
        page, new_cursor = client.pull(cursor, limit)
        out += page
        if not page:
            return out, new_cursor
        cursor = new_cursor


def test_push_then_pull_round_trip(team: Team) -> None:
    lead = team.member("lead")
    (case_id,) = team.cases(lead)
    events = [lead.device.event(EventKind.DECISION_RECORDED, case_id, action="remove")]
    events += lead.device.notes(3, case_id)
    acked = lead.client.push(lead.device.device_id, events)
    assert sorted(acked) == sorted(e.event_id for e in events)
    pulled, _ = pull_all(lead.client)
    mine = [e for e in pulled if e.device_id == lead.device.device_id]
    assert mine == events
    assert [e.server_seq for e in mine] == [acked[e.event_id] for e in events]
    assert pulled[0].kind == EventKind.CASE_INGESTED and pulled[0].case_id == case_id


def test_resend_is_acked_again_and_stored_once(team: Team, hub_engine: Engine) -> None:
    mod = team.member("moderator")
    batch = mod.device.notes(5)
    first = mod.client.push(mod.device.device_id, batch)
    before = event_count(hub_engine)
    assert mod.client.push(mod.device.device_id, batch) == first
    more = mod.device.notes(2)
    # An overlapping resend: the old part is acked as stored, the new part is stored.
    overlap = mod.client.push(mod.device.device_id, batch[3:] + more)
    assert event_count(hub_engine) == before + 2
    assert all(overlap[b.event_id] == first[b.event_id] for b in batch[3:])


def test_device_seq_gap_is_refused_and_nothing_stored(team: Team, hub_engine: Engine) -> None:
    mod = team.member("moderator")
    events = mod.device.notes(4)
    mod.client.push(mod.device.device_id, events[:1])
    before = event_count(hub_engine)
    with pytest.raises(HubRejected) as refused:
        mod.client.push(mod.device.device_id, events[2:])
    assert refused.value.status == 409 and "gap" in refused.value.reason
    assert refused.value.body["last_device_seq"] == 1
    with pytest.raises(HubRejected):
        mod.client.push(mod.device.device_id, [events[1], events[3]])
    assert event_count(hub_engine) == before


@pytest.mark.parametrize("how", ["payload", "hash", "prev_hash", "seq_fork"])
def test_tampered_events_are_refused(team: Team, hub_engine: Engine, how: str) -> None:
    mod = team.member("moderator")
    first, second = mod.device.notes(2)
    mod.client.push(mod.device.device_id, [first])
    if how == "payload":
        bad = dataclasses.replace(second, payload={"text": "changed"})
    elif how == "hash":
        bad = dataclasses.replace(second, hash="f" * 64)
    elif how == "prev_hash":
        bad = seal(dataclasses.replace(second, prev_hash="e" * 64))
    else:  # another event claiming a device_seq the hub already holds
        bad = seal(dataclasses.replace(first, payload={"text": "fork"}))
    before = event_count(hub_engine)
    with pytest.raises(HubRejected) as refused:
        mod.client.push(mod.device.device_id, [bad])
    assert refused.value.status in (409, 422)
    assert event_count(hub_engine) == before
    assert mod.client.push(mod.device.device_id, [second])  # the true chain still goes on


def test_split_pulls_equal_one_pull(team: Team) -> None:
    lead = team.member("lead")
    other = team.member("analyst")
    lead.client.push(lead.device.device_id, lead.device.notes(30))
    other.client.push(other.device.device_id, other.device.notes(30))
    whole, end = pull_all(lead.client, 0, 5000)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(cut=st.integers(0, len(whole)), limit=st.integers(1, 70))
    def check(cut: int, limit: int) -> None:
        cursor = (whole[cut - 1].server_seq or 0) if cut else 0
        head, _ = lead.client.pull(0, cut) if cut else ([], 0)
        tail, tail_end = pull_all(lead.client, cursor, limit)
        assert head + tail == whole
        assert tail_end == end

    check()


def test_cursor_never_skips_under_concurrent_pushes(team: Team, hub_engine: Engine) -> None:
    lead = team.member("lead")
    follow_while_pushing(lead, [team.member("moderator") for _ in range(4)], hub_engine)


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_two_hub_processes_on_one_postgres_keep_one_order(
    team: Team, hub_engine: Engine, private_hub: SpawnHub
) -> None:
    second, _ = private_hub()
    elsewhere = Team(second.base_url, hub_engine, name=team.name)
    try:
        pushers = [team.member("moderator"), team.member("analyst")]
        pushers += [elsewhere.member("moderator"), elsewhere.member("analyst")]
        follow_while_pushing(team.member("lead"), pushers, hub_engine)
    finally:
        elsewhere.close()


def follow_while_pushing(lead: Member, pushers: list[Member], hub_engine: Engine) -> None:
    """Pushers push in threads while lead follows the cursor; nothing is skipped."""
    seen: list[EventRecord] = []
    done = threading.Event()
    errors: list[BaseException] = []

    def push_all(member: Member) -> None:
        try:
            for _ in range(5):
                member.client.push(member.device.device_id, member.device.notes(40))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    def follow() -> None:
        cursor = 0
        while not done.is_set():
            page, cursor = lead.client.pull(cursor, 57)
            seen.extend(page)
        seen.extend(pull_all(lead.client, cursor)[0])

    threads = [threading.Thread(target=push_all, args=(m,)) for m in pushers]
    follower = threading.Thread(target=follow)
    follower.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    follower.join()
    assert not errors
    seqs = [e.server_seq or 0 for e in seen]
    assert seqs == sorted(set(seqs)), "server_seq strictly increasing along the cursor"
    assert seen == pull_all(lead.client)[0], "the follower missed nothing"
    assert len([e for e in seen if e.kind == EventKind.NOTE_ADDED]) == len(pushers) * 5 * 40
    with read_transaction(hub_engine) as conn:
        all_seqs = list(conn.scalars(select(Event.server_seq).order_by(Event.server_seq)))
        assert verify_hub(conn) == []
    assert all_seqs == list(range(1, len(all_seqs) + 1)), "no gaps in server_seq"
    assert head_seq(hub_engine) == len(all_seqs)


def test_hub_chain_and_device_chains_verify(team: Team, hub_engine: Engine) -> None:
    lead = team.member("lead")
    team.cases(lead, 3)
    lead.client.push(lead.device.device_id, lead.device.notes(10))
    with read_transaction(hub_engine) as conn:
        assert verify_hub(conn) == []


def test_malformed_and_foreign_batches_are_refused(team: Team, hub_engine: Engine) -> None:
    mod = team.member("moderator")
    other = DeviceWriter(mod.username)
    before = event_count(hub_engine)
    with pytest.raises(HubRejected) as wrong_device:
        mod.client.push(mod.device.device_id, other.notes(1))
    assert wrong_device.value.status == 422
    with pytest.raises(HubRejected) as unknown_case:
        mod.client.push(mod.device.device_id, [mod.device.event(EventKind.NOTE_ADDED, "nope")])
    assert unknown_case.value.status == 422
    assert event_count(hub_engine) == before
