"""Sign-in protection against a real hub process on SQLite and PostgreSQL: failed sign-ins
lock the account (and the address) with 429 and Retry-After, unknown usernames take as
long to refuse as known ones, and leads (only) learn of lockouts as events."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from app.hub.process import HubProcess
from app.sync.client import HubRejected
from widgets.shell.main import main as veil

from .hubproc import SpawnHub
from .test_sync import pull_all
from .world import PASSWORD, Team

TRUST_LOOPBACK = {"VEIL_HUB_TRUSTED_PROXIES": "127.0.0.1"}


def address() -> str:
    """A client address of its own (documentation range), sent as X-Forwarded-For through
    the trusted loopback proxy, so no test shares throttle rows with another."""
    n = uuid.uuid4().int
    return f"2001:db8:{n % 65536:x}:{(n >> 16) % 65536:x}::{(n >> 32) % 65536:x}"


class Door:
    """POST /v1/auth/login on one hub, from one client address."""

    def __init__(self, hub: HubProcess, client_address: str | None = None) -> None:
        headers = {"x-forwarded-for": client_address} if client_address else {}
        self.http = httpx.Client(base_url=hub.base_url, headers=headers, timeout=30.0)

    def login(self, username: str, password: str) -> httpx.Response:
        """One sign-in attempt."""
        return self.http.post("/v1/auth/login", json={"username": username, "password": password})

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()


@pytest.fixture
def strict_hub(private_hub: SpawnHub) -> Iterator[tuple[HubProcess, Engine]]:
    """A hub that locks an account after 3 failures (address: 6) for a 2-second window."""
    env = {
        "VEIL_HUB_LOGIN_MAX_FAILURES": "3",
        "VEIL_HUB_LOGIN_MAX_FAILURES_PER_ADDRESS": "6",
        "VEIL_HUB_LOGIN_WINDOW": "2",
        **TRUST_LOOPBACK,
    }
    yield private_hub(env=env)


def test_wrong_passwords_lock_the_account_until_the_window_passes(
    strict_hub: tuple[HubProcess, Engine],
) -> None:
    process, engine = strict_hub
    team = Team(process.base_url, engine)
    door = Door(process, address())
    try:
        victim = team.member("moderator", login=False)
        statuses = [door.login(victim.username, f"guess {n}").status_code for n in range(40)]
        assert statuses[:3] == [401, 401, 401]
        assert set(statuses[3:]) == {429}

        refused = door.login(victim.username, PASSWORD)  # the right password, too late
        assert refused.status_code == 429
        wait = int(refused.headers["retry-after"])
        assert 1 <= wait <= 2
        assert refused.json()["retry_after"] == wait
        assert "too many failed sign-ins" in refused.json()["detail"]
        # Another address gets no further: the account itself is locked.
        elsewhere = Door(process, address())
        assert elsewhere.login(victim.username, PASSWORD).status_code == 429
        elsewhere.close()

        time.sleep(wait + 0.2)
        assert door.login(victim.username, PASSWORD).status_code == 200
        # A success starts the account afresh.
        assert door.login(victim.username, "guess again").status_code == 401
        assert door.login(victim.username, PASSWORD).status_code == 200
    finally:
        door.close()
        team.close()


def test_one_address_trying_many_accounts_is_locked_out(
    strict_hub: tuple[HubProcess, Engine],
) -> None:
    process, engine = strict_hub
    team = Team(process.base_url, engine)
    sprayer, office = Door(process, address()), Door(process, address())
    try:
        person = team.member("analyst", login=False)
        names = [f"nobody-{uuid.uuid4().hex[:6]}" for _ in range(6)]
        assert [sprayer.login(name, "password1").status_code for name in names] == [401] * 6
        assert sprayer.login(person.username, PASSWORD).status_code == 429
        assert office.login(person.username, PASSWORD).status_code == 200
    finally:
        sprayer.close()
        office.close()
        team.close()


def test_forwarded_for_counts_only_behind_a_trusted_proxy(private_hub: SpawnHub) -> None:
    env = {"VEIL_HUB_LOGIN_MAX_FAILURES": "100", "VEIL_HUB_LOGIN_MAX_FAILURES_PER_ADDRESS": "2"}
    process, engine = private_hub(env={**env, "VEIL_HUB_TRUSTED_PROXIES": "192.0.2.1"})
    # Loopback's count is shared with the session hub on PostgreSQL: start it afresh.
    unlock = ["hub", "user", "unlock", "nobody", "--address", "127.0.0.1", "--db", process.db_url]
    assert veil(unlock) == 0
    team = Team(process.base_url, engine)
    doors = [Door(process, address()) for _ in range(3)]
    try:
        person = team.member("moderator", login=False)
        # The peer (loopback) is no trusted proxy: every door is the same address to the hub.
        assert doors[0].login(person.username, "wrong one").status_code == 401
        assert doors[1].login(person.username, "wrong two").status_code == 401
        assert doors[2].login(person.username, PASSWORD).status_code == 429
    finally:
        for door in doors:
            door.close()
        team.close()
        assert veil(unlock) == 0


def test_unknown_users_are_refused_as_slowly_as_known_ones(private_hub: SpawnHub) -> None:
    env = {
        "VEIL_HUB_LOGIN_MAX_FAILURES": "1000",
        "VEIL_HUB_LOGIN_MAX_FAILURES_PER_ADDRESS": "1000",
        **TRUST_LOOPBACK,
    }
    process, engine = private_hub(env=env)
    team = Team(process.base_url, engine)
    door = Door(process, address())
    try:
        known = team.member("moderator", login=False).username
        unknown = f"ghost-{uuid.uuid4().hex[:8]}"
        door.login(known, "warm up")
        door.login(unknown, "warm up")
        times: dict[str, list[float]] = {known: [], unknown: []}
        for n in range(20):
            for name in (known, unknown) if n % 2 else (unknown, known):
                start = time.perf_counter()
                assert door.login(name, f"wrong {n}").status_code == 401
                times[name].append(time.perf_counter() - start)
        known_ms = statistics.median(times[known]) * 1000
        unknown_ms = statistics.median(times[unknown]) * 1000
        ratio = max(known_ms, unknown_ms) / min(known_ms, unknown_ms)
        assert ratio < 2, f"known {known_ms:.1f} ms, unknown {unknown_ms:.1f} ms"
    finally:
        door.close()
        team.close()


def lock_out(process: HubProcess, username: str) -> None:
    """Three wrong passwords from an address of its own: the account is locked."""
    door = Door(process, address())
    try:
        for n in range(3):
            assert door.login(username, f"guess {n}").status_code == 401
        assert door.login(username, PASSWORD).status_code == 429
    finally:
        door.close()


def signs_in(process: HubProcess, username: str) -> bool:
    """Whether username signs in with the right password (from a fresh address)."""
    door = Door(process, address())
    try:
        return door.login(username, PASSWORD).status_code == 200
    finally:
        door.close()


def test_leads_see_lockouts_as_events_and_unlock(
    strict_hub: tuple[HubProcess, Engine], capsys: pytest.CaptureFixture[str]
) -> None:
    process, engine = strict_hub
    team = Team(process.base_url, engine)
    try:
        lead, colleague = team.member("lead"), team.member("moderator")
        victim = team.member("moderator")  # signed in earlier; their token still works
        lock_out(process, victim.username)

        events, cursor = pull_all(lead.client)
        (locked,) = [e for e in events if e.kind == "login.locked"]
        assert locked.actor == "@hub" and locked.case_id is None
        assert locked.payload["username"] == victim.username
        assert locked.payload["scope"] == "account"
        assert locked.payload["failures"] == 3
        for member in (colleague, victim):
            seen = pull_all(member.client)[0]
            assert not [e for e in seen if e.kind.startswith("login.")]

        # Only a lead unlocks, and only in their own team.
        with pytest.raises(HubRejected) as caught:
            colleague.client.unlock_user(victim.username)
        assert caught.value.status == 403
        other = Team(process.base_url, engine)
        with pytest.raises(HubRejected) as caught:
            other.member("lead").client.unlock_user(victim.username)
        other.close()
        assert caught.value.status == 404
        assert not signs_in(process, victim.username)

        assert lead.client.unlock_user(victim.username) is True
        assert signs_in(process, victim.username)
        unlocked = [e for e in pull_all(lead.client, cursor)[0] if e.kind == "login.unlocked"]
        assert [(e.actor, e.payload["username"]) for e in unlocked] == [
            (lead.username, victim.username)
        ]

        # On the hub machine: `veil hub user unlock NAME`.
        lock_out(process, victim.username)
        status = veil(["hub", "user", "unlock", victim.username, "--db", process.db_url])
        assert status == 0
        assert f"hub user {victim.username} unlocked" in capsys.readouterr().out
        assert signs_in(process, victim.username)
    finally:
        team.close()


def test_a_bad_setting_stops_the_hub_naming_it(db_url: str, tmp_path: Path) -> None:
    process = HubProcess(db_url, tmp_path, env={"VEIL_HUB_LOGIN_WINDOW": "soon"})
    with pytest.raises(RuntimeError, match="VEIL_HUB_LOGIN_WINDOW: expected a number"):
        process.start()
