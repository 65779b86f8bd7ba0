"""Holds, lifts and purges travel through the hub like every other event."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from app.evidence.commands import lift_hold, place_hold
from app.evidence.models import Hold, Purge
from app.evidence.purge import purge_round
from app.evidence.retention import parse_retention
from app.log.paths import resources_dir
from app.sync.engine import fetch_media

from .conftest import NewStation
from .stations import TeamOnHub

ZERO_DAYS = {"schema": "veil.retention/1", "default": {"days": 0, "hub_days": None}, "rules": []}


def test_a_hold_its_lift_and_the_purge_reach_the_other_workstation(
    team: TeamOnHub, new_station: NewStation
) -> None:
    one, two = new_station("one"), new_station("two")
    ana, lee = one.adopt(team.user("analyst")), two.adopt(team.lead)
    data = (resources_dir() / "demo" / "coffee.png").read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    team.client(team.lead).put_blob(sha, data)
    media = [{"sha256": sha, "kind": "image", "mime": "image/png", "filename": "c.png",
              "size": len(data)}]  # fmt: skip
    (case,) = team.cases(1, media=media)
    one.sync(ana.username), two.sync(lee.username)
    fetch_media(one.engine.client(), one.store, [sha])
    hold = place_hold(one.store, ana, case, "a preservation request")
    one.decide(ana, case)
    with one.store.transaction() as session:
        one.store.append(session, actor=ana.username, kind="case.closed", case_id=case, payload={})
    policy = parse_retention(ZERO_DAYS, {"spam_scams"}, "zero")
    assert purge_round(one.store, policy, ana.username).held == [case]
    one.sync(ana.username), two.sync(lee.username)
    with two.store.read() as session:
        (seen,) = session.scalars(select(Hold)).all()
        assert (seen.case_id, seen.placed_by, seen.lifted_at) == (case, ana.username, None)
    lift_hold(two.store, lee, hold.payload["hold_id"], "the request was withdrawn")
    two.sync(lee.username), one.sync(ana.username)
    assert list(purge_round(one.store, policy, ana.username).purged) == [case]
    assert not one.store.blobs.has(sha)
    one.sync(ana.username), two.sync(lee.username)
    with two.store.read() as session:
        purge = session.scalars(select(Purge)).one()
        assert (purge.case_id, purge.actor, purge.place) == (case, ana.username, "workstation")
        assert session.scalars(select(Hold.lift_reason)).one() == "the request was withdrawn"
