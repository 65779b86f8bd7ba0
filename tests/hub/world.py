"""Test worlds: teams of users with logged-in clients, and devices that write events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select

from app.domain.kinds import EventKind
from app.hub.accounts import create_user
from app.log.events import GENESIS_HASH, EventRecord, seal, uuid7
from app.sync.client import HubClient
from db.hub.engine import read_transaction, write_transaction
from db.hub.models import Event, HubHead

PASSWORD = "correct horse battery"


class DeviceWriter:
    """One device's sealed, chained events in device_seq order, as a workstation makes them."""

    def __init__(self, actor: str, device_id: str | None = None) -> None:
        self.actor = actor
        self.device_id = device_id or f"dev-{uuid.uuid4().hex[:12]}"
        self.seq = 0
        self.last_hash = GENESIS_HASH

    def event(
        self, kind: str = EventKind.NOTE_ADDED, case_id: str | None = None, **payload: Any
    ) -> EventRecord:
        """The device's next event: a valid payload of its kind, with these fields."""
        payload = {**SAMPLE_PAYLOADS.get(str(kind), {}), **payload}
        self.seq += 1
        record = seal(
            EventRecord(
                event_id=uuid7(),
                device_id=self.device_id,
                device_seq=self.seq,
                actor=self.actor,
                kind=str(kind),
                case_id=case_id,
                payload=payload,
                seen_head=None,
                created_at="2026-01-01T00:00:00+00:00",
                prev_hash=self.last_hash,
            )
        )
        self.last_hash = record.hash
        return record

    def notes(self, n: int, case_id: str | None = None) -> list[EventRecord]:
        """n note.added events."""
        return [self.event(EventKind.NOTE_ADDED, case_id, text=f"note {i}") for i in range(n)]


# A valid payload per kind (app/<feature>/kinds.py), so tests can name only what they test.
_TIME = "2026-01-01T00:00:00+00:00"
_ID = "01a00000-0000-7000-8000-000000000000"
SAMPLE_PAYLOADS: dict[str, dict[str, Any]] = {
    EventKind.CASE_LEASED: {"expires_at": "2026-01-01T00:10:00+00:00"},
    EventKind.CASE_REASSIGNED: {"holder": "someone", "expires_at": _TIME},
    EventKind.DECISION_RECORDED: {"action": "no_violation"},
    EventKind.DECISION_RETRACTED: {"decision": _ID},
    EventKind.NOTE_ADDED: {"text": "a note"},
    EventKind.QA_RULE_SET: {"queue": "general", "percent": 10.0},
    EventKind.QA_ASSIGNED: {
        "decision": _ID,
        "reviewer": "someone",
        "queue": "general",
        "policy": "spam_scams",
        "action": "remove",
        "reason": "sampled",
    },
    EventKind.QA_REVIEW: {"decision": _ID, "policy": "spam_scams", "action": "remove"},
    EventKind.QA_VERDICT: {
        "decision": _ID,
        "verdict": "agree",
        "policy": "spam_scams",
        "action": "remove",
        "reviewer": "someone",
        "queue": "general",
        "original_policy": "spam_scams",
        "original_action": "remove",
    },
    EventKind.GOLD_MARKED: {"policy": "spam_scams", "action": "remove"},
    EventKind.GOLD_INSERTED: {"gold_case": _ID, "queue": "general", "position": 1},
    EventKind.CALIBRATION_OPENED: {
        "session": _ID,
        "title": "calibration",
        "cases": [],
        "participants": [],
    },
    EventKind.CALIBRATION_VOTED: {"session": _ID, "policy": "spam_scams", "action": "remove"},
    EventKind.CALIBRATION_CLOSED: {"session": _ID},
    EventKind.MEDIA_VIEWED: {"item": "0" * 64},
    EventKind.MEDIA_REVEALED: {"item": "0" * 64},
    EventKind.BREAK_TAKEN: {"started_at": _TIME},
    EventKind.TEAM_SETTING: {"settings": {}},
    EventKind.TEAM_FILTERS_SET: {"filters": {}},
    "login.locked": {"username": "someone", "scope": "account", "failures": 5, "until": _TIME},
    "login.unlocked": {"username": "someone"},
}


def case_spec(
    clearance: str | None = None, media: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A case dict as intake takes it, with a fresh external_id."""
    return {
        "external_id": f"ext-{uuid.uuid4().hex[:10]}",
        "category": "child_safety" if clearance else "spam",
        "subcategory": None,
        "severity": 2,
        "queue": "main",
        "clearance": clearance,
        "title": "a report",
        "report_reason": "reported",
        "text": "some text",
        "reported_at": "2026-01-01T00:00:00+00:00",
        "report_count": 1,
        "media": media or [],
    }


@dataclass
class Member:
    """A user of a team with a logged-in client and a device of their own."""

    username: str
    role: str
    client: HubClient
    device: DeviceWriter


@dataclass
class Team:
    """A fresh team on a hub; members are created on demand."""

    base_url: str
    engine: Engine
    name: str = field(default_factory=lambda: f"team-{uuid.uuid4().hex[:8]}")
    members: list[Member] = field(default_factory=list)

    def member(self, role: str, clearances: tuple[str, ...] = (), login: bool = True) -> Member:
        """Create a user of role in this team and log them in."""
        username = f"{role[:3]}-{uuid.uuid4().hex[:8]}"
        with write_transaction(self.engine) as conn:
            create_user(conn, username, role, self.name, list(clearances), PASSWORD)
        client = HubClient(self.base_url, timeout=30.0)
        if login:
            client.login(username, PASSWORD)
        member = Member(username, role, client, DeviceWriter(username))
        self.members.append(member)
        return member

    def cases(
        self,
        lead: Member,
        n: int = 1,
        clearance: str | None = None,
        media: list[dict[str, Any]] | None = None,
    ) -> list[str]:
        """Intake n cases through lead; their case_ids."""
        result = lead.client.intake([case_spec(clearance, media) for _ in range(n)])
        return [c["case_id"] for c in result["created"]]

    def close(self) -> None:
        """Close every member's client."""
        for member in self.members:
            member.client.close()


def event_count(engine: Engine) -> int:
    """How many events the hub stores in all."""
    with read_transaction(engine) as conn:
        return int(conn.scalar(select(func.count()).select_from(Event)) or 0)


def head_seq(engine: Engine) -> int:
    """The hub's last server_seq."""
    with read_transaction(engine) as conn:
        return int(conn.scalar(select(HubHead.server_seq)) or 0)
