"""The hub's own retention purge: a closed, due case's media leaves the hub database
unless held; lifting the hold purges it; each purge is an event workstations pull."""

from __future__ import annotations

import hashlib
import time
import uuid

import cv2
import numpy as np
from sqlalchemy import select

from app.evidence.hub_purge import hub_purge
from app.evidence.models import Purge
from app.evidence.retention import parse_retention
from db.hub.engine import read_transaction
from db.hub.models import Blob
from tests.hub.planting import plant

from .conftest import NewStation
from .stations import TeamOnHub

RULES = {"schema": "veil.retention/1", "default": {"days": 30, "hub_days": None},
         "rules": [{"category": "spam_scams", "days": 30, "hub_days": 0}]}  # fmt: skip


def _case(team: TeamOnHub, name: str) -> tuple[str, str]:
    # Bytes of this test only: a blob other teams' cases use must stay on the hub.
    noise = np.random.default_rng(uuid.uuid4().int % 2**32).integers(0, 255, (24, 32, 3))
    data = cv2.imencode(".png", noise.astype(np.uint8))[1].tobytes()
    sha = hashlib.sha256(data).hexdigest()
    team.client(team.lead).put_blob(sha, data)
    media = [{"sha256": sha, "kind": "image", "mime": "image/png", "filename": name,
              "size": len(data)}]  # fmt: skip
    (case,) = team.cases(1, media=media)
    plant(team.engine, actor=team.lead.username, team=team.name, kind="case.closed",
          case_id=case, payload={})  # fmt: skip
    return case, sha


def _stored(team: TeamOnHub, sha: str) -> bool:
    with read_transaction(team.engine) as conn:
        return conn.scalar(select(Blob.sha256).where(Blob.sha256 == sha)) is not None


def test_hub_purges_due_media_except_held(team: TeamOnHub, new_station: NewStation) -> None:
    policy = parse_retention(RULES, {"spam_scams"}, "rules")
    (free, free_sha), (held, held_sha) = _case(team, "a.png"), _case(team, "b.png")
    hold_id = str(uuid.uuid4())
    payload = {"hold_id": hold_id, "scope": "case", "reason": "preservation request"}
    lead = team.lead.username
    plant(team.engine, actor=lead, team=team.name, kind="evidence.hold_placed",
          case_id=held, payload=payload)  # fmt: skip
    now = int(time.time() * 1000)
    assert hub_purge(team.engine, policy, now, team.name) == {free: [free_sha]}
    assert not _stored(team, free_sha) and _stored(team, held_sha)
    lifted = {"hold_id": hold_id, "reason": "withdrawn"}
    plant(team.engine, actor=lead, team=team.name, kind="evidence.hold_lifted",
          case_id=held, payload=lifted)  # fmt: skip
    assert hub_purge(team.engine, policy, now, team.name) == {held: [held_sha]}
    assert not _stored(team, held_sha)
    station = new_station("lead")
    station.sync(station.adopt(team.lead).username)
    with station.store.read() as session:
        rows = session.execute(select(Purge.case_id, Purge.place, Purge.actor)).all()
    assert sorted(rows) == sorted([(free, "hub", "@hub"), (held, "hub", "@hub")])
