"""Two and more workstations on one hub: offline decisions reach everyone, conflicts show."""

from __future__ import annotations

from .conftest import NewStation
from .stations import TeamOnHub, hub_event_ids


def test_offline_decisions_on_both_reach_the_other(
    team: TeamOnHub, new_station: NewStation
) -> None:
    one, two = new_station("one"), new_station("two")
    mod_a, mod_b = team.user("moderator"), team.user("moderator")
    a, b = one.adopt(mod_a), two.adopt(mod_b)
    first, second = team.cases(2)
    one.sync(a.username), two.sync(b.username)
    # Both offline now: each decides a different case.
    x = one.decide(a, first)
    y = two.decide(b, second)
    one.sync(a.username), two.sync(b.username), one.sync(a.username)
    assert one.status(second) == two.status(second) == "decided"
    assert one.status(first) == two.status(first) == "decided"
    assert {e.event_id for e in two.store.events(first)} >= {x.event_id}
    assert {e.event_id for e in one.store.events(second)} >= {y.event_id}
    assert one.projections() == two.projections()
    ids = hub_event_ids(team.engine, team.name)
    assert len(ids) == len(set(ids))
    assert one.pending() == two.pending() == 0
    assert one.store.verify_chains() == two.store.verify_chains() == []


def test_same_case_decided_on_both_offline_is_conflict_everywhere(
    team: TeamOnHub, new_station: NewStation
) -> None:
    one, two, lead_ws = new_station("one"), new_station("two"), new_station("lead")
    a, b = one.adopt(team.user("moderator")), two.adopt(team.user("moderator"))
    lead = lead_ws.adopt(team.lead)
    (case,) = team.cases(1)
    for ws, who in ((one, a), (two, b), (lead_ws, lead)):
        ws.sync(who.username)
    one.decide(a, case, "no_violation")
    two.decide(b, case, "no_violation")
    for ws, who in ((one, a), (two, b), (lead_ws, lead), (one, a)):
        ws.sync(who.username)
    assert one.status(case) == two.status(case) == lead_ws.status(case) == "conflict"
    assert one.projections() == two.projections() == lead_ws.projections()
