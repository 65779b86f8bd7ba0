"""Convergence: 2-10 workstations decide at random, sync partially, conflict; in the end all
nodes hold the same projections as the hub's log folds to.

Every example runs on the session's real hub process with a team of its own (users and
cases are new, so examples never see each other) and fresh workstation stores copied from
a migrated template. CI runs 250 examples on each hub engine (500 in all); set
VEIL_CONVERGENCE_EXAMPLES for more (a soak) or fewer.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine

from app.domain.lifecycle import IllegalTransition
from app.domain.people import Reviewer
from app.domain.policies import PolicySet
from app.hub.process import HubProcess
from app.review.adjudication import Adjudication
from app.review.reviewdesk import AccessDenied
from app.sync.client import MAX_PUSH_EVENTS
from app.sync.engine import SyncReport

from .stations import Station, TeamOnHub
from .test_kills import assert_exactly_once

EXAMPLES = int(os.environ.get("VEIL_CONVERGENCE_EXAMPLES", 250 if os.environ.get("CI") else 40))
CASES = 4
ACTIONS = ("no_violation", "no_violation", "restrict", "remove")
PAGE = 3  # small pages, so a pull can stop part way


@dataclass
class World:
    """What every example needs from the test's fixtures."""

    hub: HubProcess
    engine: Engine
    policies: PolicySet
    template: Path
    root: Path


class Convergence(RuleBasedStateMachine):
    """Workstations of one team, a lead among them, deciding and syncing at random."""

    world: World

    def __init__(self) -> None:
        super().__init__()
        self.team = TeamOnHub(self.world.hub.base_url, self.world.engine)
        self.folder = self.world.root / uuid.uuid4().hex[:8]
        self.stations: list[Station] = []
        self.people: list[Reviewer] = []
        self.cases: list[str] = []

    @initialize(n=st.integers(2, 10))
    def start(self, n: int) -> None:
        """n moderators' workstations, then the lead's, and the cases."""
        self.cases = self.team.cases(CASES)
        for number in range(n + 1):
            account = self.team.user("moderator") if number < n else self.team.lead
            self.people.append(self._station(number).adopt(account))

    def _station(self, number: int) -> Station:
        station = Station(
            self.folder / f"ws{number}",
            self.world.hub.base_url,
            self.world.policies,
            template=self.world.template,
            pull_page=PAGE,
        )
        self.stations.append(station)
        return station

    @rule(who=st.integers(0, 10), case=st.integers(0, CASES - 1), action=st.sampled_from(ACTIONS))
    def decide(self, who: int, case: int, action: str) -> None:
        """Someone decides a case as they see it (nothing happens if they cannot)."""
        station, person = self._pick(who)
        with contextlib.suppress(IllegalTransition, AccessDenied, KeyError):
            station.decide(person, self.cases[case], action)

    @rule(who=st.integers(0, 10), case=st.integers(0, CASES - 1))
    def open_and_leave(self, who: int, case: int) -> None:
        """Someone opens a case and gives it back without deciding."""
        station, person = self._pick(who)
        desk = station.desk(person)
        with contextlib.suppress(IllegalTransition, AccessDenied, KeyError):
            desk.open_case(self.cases[case])
            desk.release(self.cases[case], "moved on")

    @rule(who=st.integers(0, 10))
    def sync(self, who: int) -> None:
        """A full sync round."""
        station, person = self._pick(who)
        station.sync(person.username)

    @rule(who=st.integers(0, 10), size=st.integers(1, MAX_PUSH_EVENTS))
    def push_only(self, who: int, size: int) -> None:
        """Send, without pulling (batches of any size)."""
        station, _ = self._pick(who)
        station.engine.push_batch = size
        station.engine.push_all(SyncReport())

    @rule(who=st.integers(0, 10))
    def pull_one_page(self, who: int) -> None:
        """Pull a single small page and stop (a partial pull)."""
        station, person = self._pick(who)
        client = station.engine.authorized(person.username)
        cursor = station.store.sync_cursor(person.username)
        events, following = client.pull(cursor, PAGE)
        station.store.apply_remote(events, following, person.username)

    @rule(case=st.integers(0, CASES - 1), action=st.sampled_from(ACTIONS))
    def adjudicate(self, case: int, action: str) -> None:
        """The lead settles a conflict their workstation knows of."""
        lead_station, lead = self.stations[-1], self.people[-1]
        desk = Adjudication(lead_station.store, self.world.policies, lead)
        with contextlib.suppress(IllegalTransition, KeyError):
            desk.adjudicate(self.cases[case], action, "settled after looking at both")

    def _pick(self, who: int) -> tuple[Station, Reviewer]:
        return self.stations[who % len(self.stations)], self.people[who % len(self.people)]

    def teardown(self) -> None:
        try:
            if self.stations:
                self._converge()
        finally:
            for station in self.stations:
                station.close()
            self.team.close()

    def _converge(self) -> None:
        for station in self.stations:  # everyone sends, then everyone pulls everything
            station.engine.push_batch = MAX_PUSH_EVENTS
            station.engine.push_all(SyncReport())
        for station, person in zip(self.stations, self.people, strict=True):
            station.sync(person.username)
        reference = Station(
            self.folder / "reference",
            self.world.hub.base_url,
            self.world.policies,
            template=self.world.template,
        )
        self.stations.append(reference)
        reference.sync(reference.adopt(self.team.lead).username)
        expected = reference.projections()
        for station in self.stations[:-1]:
            assert station.projections() == expected
            assert_exactly_once(station, self.world.engine)


@pytest.mark.timeout(1800)
def test_all_nodes_converge_on_the_hubs_projections(
    hub: HubProcess,
    hub_engine: Engine,
    policies: PolicySet,
    store_template: Path,
    tmp_path: Path,
) -> None:
    Convergence.world = World(hub, hub_engine, policies, store_template, tmp_path)
    run_state_machine_as_test(
        Convergence,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
