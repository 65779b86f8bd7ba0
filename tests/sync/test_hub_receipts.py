"""A hub with a signing key answers every push with a signed receipt of the device's
chain head; the workstation checks it and keeps it."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from app.domain.policies import PolicySet
from app.evidence.commands import place_hold
from app.evidence.custody import fetch_receipts
from app.evidence.models import Receipt
from app.evidence.receipts import new_signing_key_text, receipt_problem
from tests.hub.hubproc import SpawnHub

from .stations import Station, TeamOnHub


def test_pushes_bring_back_signed_receipts(
    private_hub: SpawnHub, policies: PolicySet, store_template: Path, tmp_path: Path
) -> None:
    seed = new_signing_key_text()
    process, engine = private_hub(env={"VEIL_HUB_SIGNING_KEY": seed})
    team = TeamOnHub(process.base_url, engine)
    station = Station(tmp_path / "ws", process.base_url, policies, template=store_template)
    lead_ws = Station(tmp_path / "lead", process.base_url, policies, template=store_template)
    try:
        ana = station.adopt(team.user("analyst"))
        (case,) = team.cases(1)
        station.sync(ana.username)
        place_hold(station.store, ana, case, "preservation request")
        station.sync(ana.username)
        with station.store.read() as session:
            kept = session.scalars(select(Receipt)).one()
        assert kept.device_id == station.store.device_of(ana.username)
        assert kept.device_seq == 1 and receipt_problem(json.loads(kept.receipt), None) is None
        # A lead's workstation asks for receipts of the devices whose events it pulled.
        lead = lead_ws.adopt(team.lead)
        lead_ws.sync(lead.username)
        device = station.store.device_of(ana.username)
        lead_client = team.client(team.lead)
        assert fetch_receipts(lead_ws.store, lead_client, [device]) == [device]
        other = team.client(team.user("moderator"))
        assert fetch_receipts(lead_ws.store, other, [device]) == []  # 404: not theirs
    finally:
        lead_ws.close()
        station.close()
        team.close()
