"""SIGKILL the workstation or the hub at each named point, many runs each.

After every run the killed side restarts and syncs: every event committed locally must be
on the hub exactly once, and every hash chain (the workstation's, the hub's) verifies.
The workstation is the real `veil` command in a child process, killed by SIGKILL at the
point VEIL_SYNC_CRASH_AT names; the hub is a real hub process that dies (exit 137)
between its commit and its reply (VEIL_HUB_CRASH_AT). VEIL_KILL_RUNS sets the runs per
point and engine (6 by default; set it higher for a soak).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, select, text

from app.domain.people import Reviewer
from app.hub.admin import CRASH_ENV as HUB_CRASH_ENV
from app.hub.chain import verify_hub
from app.hub.process import ROOT
from app.sync.client import HubUnreachable
from app.sync.faults import CRASH_ENV
from db.hub.engine import read_transaction
from db.hub.models import Event
from tests.hub.hubproc import SpawnHub

from .conftest import NewStation
from .stations import Station, TeamOnHub

RUNS = int(os.environ.get("VEIL_KILL_RUNS", "6"))
KILLED = -signal.SIGKILL


def veil(station: Station, *args: str, crash_at: str | None = None) -> int:
    """Run the real `veil` command on the station's data dir; its exit status."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(CRASH_ENV, None)
    if crash_at is not None:
        env[CRASH_ENV] = crash_at
    command = [sys.executable, "-m", "widgets.shell.main", "--data-dir", str(station.folder), *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=120)
    if done.returncode not in (0, KILLED):
        raise AssertionError(done.stderr.decode(errors="replace")[-2000:])
    return done.returncode


def assert_exactly_once(station: Station, hub_engine: Engine) -> None:
    """Every event written on the station is on the hub once; all chains verify."""
    own = {station.store.device_of(who) for who in station.link.people()}
    written = {e.event_id for e in station.store.events() if e.device_id in own}
    with read_transaction(hub_engine) as conn:
        stored = Counter(conn.scalars(select(Event.event_id).where(Event.device_id.in_(own))))
    assert set(stored) == written
    assert max(stored.values(), default=1) == 1
    assert station.pending() == 0
    assert station.store.verify_chains() == []


def assert_hub_whole(hub_engine: Engine) -> None:
    """The hub's global chain and every device chain verify."""
    with read_transaction(hub_engine) as conn:
        assert verify_hub(conn) == []


@dataclass
class Pair:
    """A workstation to kill and a peer on the same hub, both synced."""

    victim: Station
    peer: Station
    me: Reviewer
    them: Reviewer


@pytest.fixture
def pair(team: TeamOnHub, new_station: NewStation) -> Pair:
    """A victim and a peer with cases to decide."""
    victim, peer = new_station("victim"), new_station("peer")
    world = Pair(
        victim, peer, victim.adopt(team.user("moderator")), peer.adopt(team.user("moderator"))
    )
    team.cases(RUNS * 4)
    victim.sync(world.me.username)
    peer.sync(world.them.username)
    return world


def _open_cases(station: Station, n: int) -> list[str]:
    with station.store.engine.connect() as conn:
        query = text("SELECT case_id FROM cases WHERE status = 'new' ORDER BY case_no LIMIT :n")
        return list(conn.execute(query, {"n": n}).scalars())


def test_workstation_killed_after_the_local_commit(pair: Pair, hub_engine: Engine) -> None:
    victim, user = pair.victim, pair.me.username
    for _run in range(RUNS):
        (case,) = _open_cases(victim, 1)
        args = ("cases", "decide", case, "no_violation", "--user", user)
        assert veil(victim, *args, crash_at="after_local_commit") == KILLED
        assert victim.status(case) == "decided" and victim.pending() >= 1
        victim.sync(user)
        assert_exactly_once(victim, hub_engine)
    assert_hub_whole(hub_engine)


def test_workstation_killed_after_the_reply_before_recording_it(
    pair: Pair, hub_engine: Engine
) -> None:
    victim, user = pair.victim, pair.me.username
    for run in range(RUNS):
        for case in _open_cases(victim, 1 + run % 3):
            victim.decide(pair.me, case)
        pending = victim.pending()
        assert veil(victim, "sync", "--user", user, crash_at="after_reply_before_record") == KILLED
        assert victim.pending() == pending  # the hub has them; this side never recorded it
        victim.sync(user)
        assert_exactly_once(victim, hub_engine)
    assert_hub_whole(hub_engine)


def test_workstation_killed_in_the_middle_of_applying_a_pull(
    pair: Pair, hub_engine: Engine
) -> None:
    victim, peer, user = pair.victim, pair.peer, pair.me.username
    for run in range(RUNS):
        theirs, mine = _open_cases(peer, 2)
        peer.decide(pair.them, theirs)
        peer.sync(pair.them.username)
        victim.decide(pair.me, mine)
        cursor = victim.store.sync_cursor(user)
        assert veil(victim, "sync", "--user", user, crash_at="mid_pull_apply") == KILLED
        assert victim.store.sync_cursor(user) == cursor  # the pulled page never landed
        victim.sync(user)
        peer.sync(pair.them.username)
        assert_exactly_once(victim, hub_engine)
        assert victim.status(theirs) == peer.status(theirs) == "decided", run
    assert victim.projections() == peer.projections()
    assert_hub_whole(hub_engine)


def test_hub_killed_after_its_commit_before_its_reply(
    new_station: NewStation, private_hub: SpawnHub
) -> None:
    process, engine = private_hub()
    world = TeamOnHub(process.base_url, engine)
    try:
        station = new_station("victim", hub_url=process.base_url)
        me = station.adopt(world.user("moderator"))
        world.cases(RUNS * 3)
        station.sync(me.username)
        for run in range(RUNS):
            for case in _open_cases(station, 1 + run % 3):
                station.decide(me, case)
            process.stop()
            process.start(env={HUB_CRASH_ENV: "after_commit_before_reply"})
            with pytest.raises(HubUnreachable):
                station.sync(me.username)
            assert process.wait_exit() == 137
            process.start(env={HUB_CRASH_ENV: ""})
            station.sync(me.username)
            assert_exactly_once(station, engine)
        assert_hub_whole(engine)
    finally:
        world.close()
