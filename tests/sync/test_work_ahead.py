"""Work ahead: check out cases and media, work them with no network, come back."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, select

from app.domain.leasing import DEFAULT_MAX_HOURS, LeaseLimits
from app.hub.process import HubProcess
from app.sync.client import HubUnreachable
from app.sync.workahead import check_out, local_limits
from db.hub.models import Case as HubCase

from .conftest import NewStation
from .proxy import FaultyProxy
from .stations import TeamOnHub
from .test_kills import assert_exactly_once


def _holders(engine: Engine, case_ids: list[str]) -> dict[str, str | None]:
    with engine.connect() as conn:
        query = select(HubCase.case_id, HubCase.lease_holder).where(HubCase.case_id.in_(case_ids))
        return {case_id: holder for case_id, holder in conn.execute(query)}


def test_checked_out_cases_are_worked_offline_and_given_back(
    hub: HubProcess, hub_engine: Engine, team: TeamOnHub, new_station: NewStation
) -> None:
    proxy = FaultyProxy(hub.port)
    try:
        station = new_station("ahead", hub_url=proxy.url, timeout=2.0)
        me = station.adopt(team.user("moderator"))
        rival = team.client(team.user("moderator"))
        team.cases(5)
        report = check_out(station.engine, me.username, 3, hours=4)
        taken = report.leased
        assert len(taken) == 3 and sorted(station.link.work_ahead()) == sorted(taken)
        assert set(_holders(hub_engine, taken).values()) == {me.username}
        assert rival.lease(case_ids=taken, ttl=60)[1] == taken  # nobody else gets them
        proxy.set("cut")  # the network is gone
        for case_id in taken[:2]:
            assert station.desk(me).detail(case_id).leased_by == me.username
            station.decide(me, case_id)
        with pytest.raises(HubUnreachable):
            station.sync(me.username)
        proxy.set("pass")  # back online
        station.sync(me.username)
        holders = _holders(hub_engine, taken)
        assert [holders[c] for c in taken] == [None, None, me.username]
        assert list(station.link.work_ahead()) == [taken[2]]
        assert_exactly_once(station, hub_engine)
    finally:
        proxy.close()


def _expiries(engine: Engine, case_ids: list[str]) -> list[int]:
    with engine.connect() as conn:
        query = select(HubCase.lease_expires_at).where(HubCase.case_id.in_(case_ids))
        return [int(ms) for ms in conn.scalars(query)]


def test_work_ahead_stays_within_the_team_lease_caps(
    hub: HubProcess, hub_engine: Engine, team: TeamOnHub, new_station: NewStation
) -> None:
    team.client(team.lead).set_lease_limits(team.name, max_cases=3, max_hours=4)
    station = new_station("capped")
    me = station.adopt(team.user("moderator"))
    team.cases(6)
    started = time.time()

    report = check_out(station.engine, me.username, 5, hours=48)
    assert len(report.leased) == 3
    assert report.refused == []  # the checkout asked only for what the caps allow
    assert "lease.max_hours: leases last at most 4 h" in report.limited_by
    assert "lease.max_cases: at most 3 case(s) held" in report.limited_by
    assert "lease.max_cases" in report.summary()
    assert set(_holders(hub_engine, report.leased).values()) == {me.username}
    assert max(_expiries(hub_engine, report.leased)) <= (started + 4 * 3600 + 60) * 1000

    # Everything allowed is held: another checkout asks the hub for nothing.
    again = check_out(station.engine, me.username, 2, hours=1)
    assert again.leased == [] and again.refused == []
    assert again.limited_by == ["lease.max_cases: at most 3 case(s) held"]

    # Decided here and given back: room for one more.
    station.decide(me, report.leased[0])
    station.sync(me.username)
    more = check_out(station.engine, me.username, 2, hours=1)
    assert len(more.leased) == 1


def test_lease_caps_reach_workstations_as_team_settings(
    hub: HubProcess, team: TeamOnHub, new_station: NewStation
) -> None:
    team.client(team.lead).set_lease_limits(team.name, max_cases=2)
    station = new_station("pulled")
    me = station.adopt(team.user("moderator"))
    station.sync(me.username)  # the team.setting events are here now
    limits: LeaseLimits = local_limits(station.engine)
    assert (limits.max_cases, limits.max_hours) == (2, DEFAULT_MAX_HOURS)
