"""Test worlds for sync: teams on a real hub, and workstations with their own data dirs."""

from __future__ import annotations

import json
import shutil
import time
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select, text

from app.domain.people import Reviewer
from app.domain.policies import PolicySet
from app.hub.accounts import hash_password, issue_token
from app.hub.context import iso_ms
from app.log.events import EventRecord
from app.log.store import LocalStore
from app.review.reviewdesk import ReviewDesk
from app.sync.client import HubClient, HubUser, Login
from app.sync.engine import SyncEngine, SyncReport
from app.sync.link import HubLink
from app.sync.login import connect, remember_login
from db.hub.engine import write_transaction
from db.hub.models import Event, User
from db.models import PROJECTION_TABLES

PASSWORD = "correct horse battery"
LOCAL_ID_COLUMNS = {"id", "case_no"}  # numbered in local arrival order: differ per node
# Columns allowed to differ between nodes holding the same events. None now: claimed_ts
# used to follow local insertion order; it is folded into cases.claim_starts in
# canonical order since migration 0005 (test_conflicts.py checks it).
KNOWN_DIVERGENT: set[tuple[str, str]] = set()


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


@dataclass(frozen=True)
class Account:
    """A hub user with a token issued straight into the hub database."""

    username: str
    role: str
    team: str
    clearances: tuple[str, ...]
    token: str
    expires_at: str

    def login(self) -> Login:
        """The Login the hub would have answered."""
        user = HubUser(self.username, self.role, self.team, self.clearances)
        return Login(self.token, self.expires_at, user)


@dataclass
class TeamOnHub:
    """A fresh team on a hub. Users are written to its database (one password hash for
    all, tokens issued there too), which is much faster than a login each."""

    base_url: str
    engine: Engine
    name: str = field(default_factory=lambda: f"team-{uuid.uuid4().hex[:8]}")
    clients: list[HubClient] = field(default_factory=list)
    _lead: Account | None = None

    @property
    def lead(self) -> Account:
        """The team's lead (with the child_safety clearance), made on first use."""
        if self._lead is None:
            self._lead = self.user("lead", ("child_safety",))
        return self._lead

    def user(self, role: str, clearances: tuple[str, ...] = (), ttl: float = 3600) -> Account:
        """A new user of role in this team, with a token valid for ttl seconds."""
        username = f"{role[:3]}-{uuid.uuid4().hex[:8]}"
        expires = int((time.time() + ttl) * 1000)
        with write_transaction(self.engine) as conn:
            conn.execute(
                insert(User).values(
                    username=username,
                    team=self.name,
                    role=role,
                    clearances=_json_list(clearances),
                    password_hash=_password_hash(),
                    disabled=False,
                    created_at=0,
                )
            )
            token = issue_token(conn, username, expires)
        return Account(username, role, self.name, tuple(sorted(clearances)), token, iso_ms(expires))

    def client(self, account: Account) -> HubClient:
        """A client carrying account's token (closed with the team)."""
        client = HubClient(self.base_url, timeout=30.0, token=account.token)
        self.clients.append(client)
        return client

    def cases(
        self, n: int = 1, media: list[dict[str, Any]] | None = None, **spec: Any
    ) -> list[str]:
        """Intake n spam cases (policy spam_scams, queue general) through the lead."""
        specs = [case_spec(media=media, **spec) for _ in range(n)]
        created = self.client(self.lead).intake(specs)["created"]
        return [c["case_id"] for c in created]

    def close(self) -> None:
        """Close every client made here."""
        for client in self.clients:
            client.close()


def case_spec(media: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    """A case as the hub's intake takes it, with a fresh external_id."""
    spec = {
        "external_id": f"ext-{uuid.uuid4().hex[:12]}",
        "category": "spam_scams",
        "subcategory": "phishing",
        "severity": 2,
        "queue": "general",
        "clearance": None,
        "title": "a report",
        "report_reason": "reported",
        "text": "some text",
        "reported_at": "2026-01-05T09:00:00.000Z",
        "report_count": 1,
        "media": media or [],
    }
    return {**spec, **overrides}


class Station:
    """A workstation: its own data dir and store, bound to the hub, with a sync engine."""

    def __init__(
        self,
        folder: Path,
        hub_url: str,
        policies: PolicySet,
        *,
        template: Path | None = None,
        timeout: float = 10.0,
        pull_page: int = 2000,
    ) -> None:
        if template is not None:
            shutil.copytree(template, folder)
        self.folder = folder
        self.store = LocalStore(folder)
        self.link = HubLink(folder)
        connect(self.store, self.link, hub_url)
        self.policies = policies
        self.engine = SyncEngine(self.store, self.link, timeout=timeout, pull_page=pull_page)

    def adopt(self, account: Account) -> Reviewer:
        """Log account in here as if through the hub (without a password check)."""
        return remember_login(self.store, self.link, account.login(), None)

    def desk(self, reviewer: Reviewer) -> ReviewDesk:
        """The reviewer's desk on this workstation."""
        return ReviewDesk(self.store, self.policies, reviewer)

    def decide(self, reviewer: Reviewer, case_id: str, action: str = "no_violation") -> EventRecord:
        """Open (lease) the case and record a decision with a rationale."""
        desk = self.desk(reviewer)
        desk.open_case(case_id)
        fields = {"rationale": "the report does not show what it claims"}
        return desk.decide(case_id, action, fields, "phishing")

    def sync(self, username: str) -> SyncReport:
        """One sync round as username."""
        return self.engine.sync(username)

    def status(self, case_id: str) -> str | None:
        """The case's status in this store's projection."""
        with self.store.engine.connect() as conn:
            query = text("SELECT status FROM cases WHERE case_id = :c")
            return conn.execute(query, {"c": case_id}).scalar()

    def projections(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every projection table's rows (without local numbering), sorted."""
        return snapshot(self.store)

    def pending(self) -> int:
        """Events written here that the hub has not acknowledged."""
        return sum(self.store.pending_by_actor().values())

    def close(self) -> None:
        """Close the engine and the store."""
        self.engine.close()
        self.store.close()


def copy_store(template: Path, folder: Path) -> LocalStore:
    """A new empty store in folder, copied from a migrated template (fast)."""
    shutil.copytree(template, folder, dirs_exist_ok=True)
    return LocalStore(folder)


def snapshot(store: LocalStore, exact: bool = False) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table of a store (without local numbering), rows sorted; exact
    keeps the columns known to diverge (KNOWN_DIVERGENT)."""
    out = {}
    with store.engine.connect() as conn:
        for table in PROJECTION_TABLES:
            result = conn.execute(text(f"SELECT * FROM {table}"))
            keep = [n for n, col in enumerate(result.keys()) if _compared(table, col, exact)]
            out[table] = sorted((tuple(row[n] for n in keep) for row in result), key=repr)
    return out


def _compared(table: str, column: str, exact: bool) -> bool:
    if column in LOCAL_ID_COLUMNS:
        return False
    return exact or (table, column) not in KNOWN_DIVERGENT


def hub_event_ids(engine: Engine, team: str) -> list[str]:
    """Every event_id the hub stores for a team, duplicates included."""
    with engine.connect() as conn:
        return list(conn.scalars(select(Event.event_id).where(Event.team == team)))


def _json_list(values: tuple[str, ...]) -> str:
    return json.dumps(sorted(values), separators=(",", ":"))
