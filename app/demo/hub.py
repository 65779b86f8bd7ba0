"""`veil hub demo`: the demo cases and people, brought into a team hub by a lead."""

from __future__ import annotations

import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.demo.cases import CASE_COUNT, write_demo_feed
from app.domain.policies import PolicySet
from app.sync.client import HubRejected
from app.sync.engine import SyncEngine
from app.sync.hub_import import HubImportReport, import_to_hub

DEMO_PEOPLE = (("mod", "moderator", ()), ("analyst", "analyst", ("child_safety",)))


@dataclass(frozen=True)
class DemoPerson:
    """A demo account made on the hub, and its password (empty if an earlier run made it;
    `veil hub demo` keeps the new ones in demo-logins.txt)."""

    username: str
    role: str
    password: str


def seed_hub_demo(
    engine: SyncEngine, policies: PolicySet, lead: str, seed: int = 7, count: int = CASE_COUNT
) -> tuple[HubImportReport, list[DemoPerson]]:
    """As a lead: the demo cases on the hub, and a moderator and an analyst in the team."""
    client, who = engine.authorized(lead), engine.who(lead)
    people = []
    for username, role, clearances in DEMO_PEOPLE:
        password = f"{username}-{secrets.token_hex(4)}"
        granted = [c for c in clearances if c in who.clearances]
        try:
            client.add_user(username, password, role, who.team, granted)
        except HubRejected as exc:
            if exc.status != 409:
                raise
            password = ""  # made by an earlier run; its password was shown then
        people.append(DemoPerson(username, role, password))
    with tempfile.TemporaryDirectory(prefix="veil-hub-demo-") as tmp:
        feed = write_demo_feed(Path(tmp), policies, engine.store.clock.now(), seed, count)
        report = import_to_hub(engine, policies, lead, feed, Path(tmp))
    return report, people
