"""Resume: pulling 0..c, crashing, then pulling c..n equals pulling 0..n (real hub)."""

from __future__ import annotations

import pytest

from .conftest import NewStation
from .stations import TeamOnHub


class Killed(Exception):
    """Stands for the process dying before the pulled page commits."""


def _crash() -> None:
    raise Killed()


@pytest.mark.parametrize("cut", [1, 7, 12])
def test_a_pull_resumed_after_a_crash_equals_one_pull(
    cut: int, team: TeamOnHub, new_station: NewStation
) -> None:
    writer = new_station("writer")
    mod = writer.adopt(team.user("moderator"))
    for case in team.cases(6):
        writer.sync(mod.username)
        writer.decide(mod, case)
    writer.sync(mod.username)
    whole, parts = new_station("whole"), new_station("parts")
    lead = whole.adopt(team.lead).username
    parts.adopt(team.lead)
    whole.sync(lead)
    client = parts.engine.authorized(lead)
    events, cursor = client.pull(0, cut)
    parts.store.apply_remote(events, cursor, lead)
    rest, end = client.pull(cursor, 5000)
    with pytest.raises(Killed):
        parts.store.apply_remote(rest, end, lead, midway=_crash)
    assert parts.store.sync_cursor(lead) == cursor
    parts.sync(lead)
    assert parts.projections() == whole.projections()
    assert parts.store.event_count() == whole.store.event_count()
