"""Work ahead: check out cases and media, work them with no network, come back."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from app.hub.process import HubProcess
from app.sync.client import HubUnreachable
from app.sync.workahead import check_out
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
