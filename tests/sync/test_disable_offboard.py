"""Disabling a person on the hub: at their workstation's next contact their token and
media key are gone and the media only they fetched is purged, as an event; the other
person on the same workstation keeps theirs."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select, update

from app.evidence.kinds import MEDIA_PURGED
from app.evidence.unlock import Unlocked, unlock_media
from app.log.paths import resources_dir
from app.sync.client import AuthExpired
from app.sync.engine import fetch_media
from db.hub.engine import write_transaction
from db.hub.models import User
from db.models import Event

from .conftest import NewStation
from .stations import TeamOnHub


def _photo_case(team: TeamOnHub, name: str) -> tuple[str, str]:
    data = (resources_dir() / "demo" / name).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    team.client(team.lead).put_blob(sha, data)
    media = [{"sha256": sha, "kind": "image", "mime": "image/png", "filename": name,
              "size": len(data)}]  # fmt: skip
    (case,) = team.cases(1, media=media)
    return case, sha


def test_a_disabled_person_loses_token_key_and_their_media_only(
    team: TeamOnHub, new_station: NewStation
) -> None:
    station = new_station("shared")
    mo, ana = station.adopt(team.user("moderator")), station.adopt(team.user("analyst"))
    (only_mo_case, only_mo), (_shared_case, shared) = (
        _photo_case(team, "coffee.png"),
        _photo_case(team, "chelsea.png"),
    )
    station.sync(mo.username), station.sync(ana.username)
    store = station.store
    assert unlock_media(store, mo.username, "mo-password-1").outcome is Unlocked.CREATED
    held = store.blobs.private_key
    assert unlock_media(store, ana.username, "ana-password-1", held).outcome is Unlocked.ENROLLED
    fetch_media(station.engine.authorized(mo.username), store, [only_mo, shared], by=mo.username)
    fetch_media(station.engine.authorized(ana.username), store, [shared], by=ana.username)
    assert store.blobs.has(only_mo) and store.blobs.has(shared)

    with write_transaction(team.engine) as conn:
        conn.execute(update(User).where(User.username == mo.username).values(disabled=True))
    with pytest.raises(AuthExpired, match="account disabled"):
        station.sync(mo.username)

    assert station.link.token(mo.username) is None
    assert station.link.token(ana.username) is not None
    assert store.blobs.keyring is not None and store.blobs.keyring.holders() == [ana.username]
    assert not store.blobs.unlocked  # it was the disabled person's session
    assert not store.blobs.has(only_mo) and store.blobs.has(shared)
    with store.read() as session:
        purges = session.execute(
            select(Event.actor, Event.case_id).where(Event.kind == MEDIA_PURGED)
        ).all()
    assert purges == [(mo.username, only_mo_case)]
    station.sync(ana.username)  # the colleague works on
    unlock_media(store, ana.username, "ana-password-1")
    assert store.blobs.read(shared)[:4] == b"\x89PNG"
