"""A network that cuts, stalls and drops replies after the hub committed loses and doubles
nothing, and the outbox empties by itself within 30 s once the network heals."""

from __future__ import annotations

import contextlib
import random
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from app.domain.people import Reviewer
from app.hub.process import HubProcess
from app.sync.client import HubUnreachable
from app.sync.worker import ONLINE, SyncStatus, SyncWorker

from .conftest import NewStation
from .proxy import FaultyProxy
from .stations import Station, TeamOnHub
from .test_kills import assert_exactly_once

HEAL_WITHIN = 30.0


@pytest.fixture
def proxy(hub: HubProcess) -> Iterator[FaultyProxy]:
    """A faulty link in front of the session hub."""
    link = FaultyProxy(hub.port)
    yield link
    link.close()


def _station(
    new_station: NewStation, proxy: FaultyProxy, team: TeamOnHub
) -> tuple[Station, Reviewer]:
    station = new_station("flaky", hub_url=proxy.url, timeout=2.0)
    me = station.adopt(team.user("moderator"))
    team.cases(12)
    station.sync(me.username)
    return station, me


def _decide_some(station: Station, me: Reviewer, n: int) -> None:
    with station.store.engine.connect() as conn:
        query = text("SELECT case_id FROM cases WHERE status = 'new' ORDER BY case_no LIMIT :n")
        cases = list(conn.execute(query, {"n": n}).scalars())
    for case in cases:
        station.decide(me, case)


@pytest.mark.parametrize("mode", ["drop_replies", "cut", "stall"])
def test_a_bad_network_loses_and_doubles_nothing(
    mode: str, proxy: FaultyProxy, team: TeamOnHub, new_station: NewStation, hub_engine: Engine
) -> None:
    station, me = _station(new_station, proxy, team)
    _decide_some(station, me, 3)
    proxy.set(mode)
    for _ in range(3):
        with pytest.raises(HubUnreachable):
            station.sync(me.username)
        _decide_some(station, me, 1)
    if mode == "drop_replies":
        assert proxy.dropped >= 3  # the hub did answer (and commit) every time
    proxy.set("pass")
    station.sync(me.username)
    assert_exactly_once(station, hub_engine)


def test_syncing_through_a_flapping_network_is_exactly_once(
    proxy: FaultyProxy, team: TeamOnHub, new_station: NewStation, hub_engine: Engine
) -> None:
    station, me = _station(new_station, proxy, team)
    chance = random.Random(5)
    for _ in range(10):
        _decide_some(station, me, 1)
        proxy.set(chance.choice(["pass", "cut", "drop_replies", "pass"]))
        with contextlib.suppress(HubUnreachable):
            station.sync(me.username)
    proxy.set("pass")
    station.sync(me.username)
    assert_exactly_once(station, hub_engine)


def test_the_worker_empties_the_outbox_after_the_network_heals(
    proxy: FaultyProxy, team: TeamOnHub, new_station: NewStation, hub_engine: Engine
) -> None:
    station, me = _station(new_station, proxy, team)
    statuses: list[SyncStatus] = []
    changed = threading.Condition()

    def seen(status: SyncStatus) -> None:
        with changed:
            statuses.append(status)
            changed.notify_all()

    proxy.set("drop_replies")
    _decide_some(station, me, 4)
    # A long interval: only the backoff retries can empty the outbox in time.
    worker = SyncWorker(station.engine, me.username, interval=3600, on_status=seen)
    worker.start()
    try:
        with changed:
            assert changed.wait_for(lambda: any(s.state == "offline" for s in statuses), 30)
        proxy.set("pass")  # healed; nothing new is written from here on
        with changed:
            healed = changed.wait_for(
                lambda: statuses[-1].state == ONLINE and statuses[-1].pending == 0, HEAL_WITHIN
            )
        assert healed, statuses[-3:]
    finally:
        worker.stop()
    assert_exactly_once(station, hub_engine)
