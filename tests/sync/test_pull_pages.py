"""Pulling in pages with the next page fetched ahead: same result, resumable, cancellable."""

from __future__ import annotations

import threading

import pytest

from app.sync.engine import SyncCancelled

from .conftest import NewStation
from .stations import TeamOnHub


def _decided_log(team: TeamOnHub, new_station: NewStation, cases: int) -> None:
    writer = new_station("writer")
    mod = writer.adopt(team.user("moderator"))
    ids = team.cases(cases)
    writer.sync(mod.username)
    for case in ids:
        writer.decide(mod, case)
    writer.sync(mod.username)


def test_small_pages_fetched_ahead_equal_one_page(team: TeamOnHub, new_station: NewStation) -> None:
    _decided_log(team, new_station, 6)  # 18 events: 6 ingests, 6 leases, 6 decisions
    whole, paged = new_station("whole", pull_page=5000), new_station("paged", pull_page=4)
    lead = whole.adopt(team.lead).username
    paged.adopt(team.lead)
    pages: list[int] = []
    report = paged.engine.sync(lead, progress=lambda phase, n, _t: pages.append(n))
    assert whole.sync(lead).pulled == report.pulled == 18
    assert pages == [4, 8, 12, 16, 18]  # in order, each page once
    assert paged.projections() == whole.projections()
    assert paged.store.sync_cursor(lead) == whole.store.sync_cursor(lead)


def test_a_cancel_between_pages_keeps_what_was_applied_and_resumes(
    team: TeamOnHub, new_station: NewStation
) -> None:
    _decided_log(team, new_station, 5)  # 15 events
    whole, paged = new_station("whole"), new_station("paged", pull_page=4)
    lead = whole.adopt(team.lead).username
    paged.adopt(team.lead)
    cancel = threading.Event()

    def stop_after_two_pages(phase: str, done: int, _total: int | None) -> None:
        if phase == "pull" and done >= 8:
            cancel.set()

    with pytest.raises(SyncCancelled):
        paged.engine.sync(lead, progress=stop_after_two_pages, cancel=cancel)
    assert paged.store.event_count() == 8  # two pages applied; the one fetched ahead is not
    cursor = paged.store.sync_cursor(lead)
    assert cursor > 0
    # The client is free again (nothing left in flight): the next round carries on.
    assert paged.sync(lead).pulled == 7
    whole.sync(lead)
    assert paged.projections() == whole.projections()
    assert paged.store.event_count() == whole.store.event_count() == 15
