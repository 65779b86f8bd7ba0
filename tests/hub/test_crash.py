"""A hub killed between commit and reply: the client's resend is stored exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.hub.admin import CRASH_ENV
from app.hub.chain import verify_hub
from app.sync.client import HubUnreachable
from db.hub.engine import read_transaction
from db.hub.models import Device, Event

from .hubproc import SpawnHub
from .world import Team


def test_resend_after_crash_between_commit_and_reply_is_exactly_once(private_hub: SpawnHub) -> None:
    process, engine = private_hub(env={CRASH_ENV: "after_commit_before_reply"})
    team = Team(process.base_url, engine)
    try:
        mod = team.member("moderator")
        batch = mod.device.notes(5)
        with pytest.raises(HubUnreachable):
            mod.client.push(mod.device.device_id, batch)
        assert process.wait_exit() == 137
        process.start(env={CRASH_ENV: ""})
        acked = mod.client.push(mod.device.device_id, batch)
        assert sorted(acked) == sorted(e.event_id for e in batch)
        with read_transaction(engine) as conn:
            ids = [e.event_id for e in batch]
            stored = conn.scalar(select(func.count()).where(Event.event_id.in_(ids)))
            last_seq = conn.scalar(
                select(Device.last_seq).where(Device.device_id == mod.device.device_id)
            )
            assert verify_hub(conn) == []
        assert (stored, last_seq) == (5, 5)
        assert sorted(acked.values()) == sorted(
            e.server_seq or 0 for e in mod.client.pull(0, 5000)[0] if e.event_id in acked
        )
    finally:
        team.close()
