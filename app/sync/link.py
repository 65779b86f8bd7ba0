"""A workstation's link to its team hub: the hub's URL and each person's bearer token.

Kept in `hub.json` in the data dir, created with file mode 0600 and replaced atomically,
so another local account cannot read the tokens. Passwords are never stored here (the
local account table keeps a salted scrypt hash, for logging in while offline).

A data dir is bound to one hub. Binding refuses a store that already holds work of its
own (the offline demo, say): those events were never meant for a team log, and the hub
would refuse them. A hub workstation starts empty and gets its cases from the hub.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.log.clock import parse_iso
from app.log.paths import private_file
from app.sync.client import HubUser, Login
from app.sync.trust import HubTrust, TrustError

LINK_FILENAME = "hub.json"


class LinkError(Exception):
    """The data dir cannot be bound to that hub (or is not bound to any)."""


@dataclass(frozen=True)
class Credential:
    """One person's token for the hub and who the hub says they are."""

    username: str
    token: str
    expires_at: str
    role: str
    team: str
    clearances: tuple[str, ...]

    def valid(self, now: datetime | None = None) -> bool:
        """Whether the token has not expired yet (the hub may still revoke it)."""
        return parse_iso(self.expires_at) > (now or datetime.now(UTC))

    @property
    def user(self) -> HubUser:
        """The hub's view of this person."""
        return HubUser(self.username, self.role, self.team, self.clearances)


class HubLink:
    """Reads and writes hub.json in a data dir; safe to share between threads."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LINK_FILENAME
        self._lock = threading.Lock()
        if self.path.exists():
            private_file(self.path)  # the tokens: an older copy may be looser

    @property
    def url(self) -> str | None:
        """The hub this data dir syncs with, or None when it works alone."""
        url = self._read().get("url")
        return str(url) if url else None

    @property
    def trust(self) -> HubTrust:
        """How this data dir checks its hub (CA file, pin, the http:// rule), validated
        as read: LinkError naming the setting when hub.json holds a wrong one."""
        try:
            return HubTrust.from_settings(self._read().get("tls"), str(self.path))
        except TrustError as exc:
            raise LinkError(str(exc)) from None

    def bind(self, url: str, store_has_own_work: bool, trust: HubTrust | None = None) -> None:
        """Bind the data dir to the hub at url; LinkError if it cannot be.

        trust, when given, replaces the link's trust settings; otherwise they stay. The
        URL must pass them (https://, or http:// to this machine or explicitly allowed).
        """
        url = url.rstrip("/")
        try:
            (trust or self.trust).check_url(url)
        except TrustError as exc:
            raise LinkError(str(exc)) from None
        current = self.url
        if current is not None and current != url:
            raise LinkError(f"this data dir already syncs with {current}; use another one")
        if current is None and store_has_own_work:
            raise LinkError(
                "this data dir holds offline work (the demo store, say) that no hub would "
                "accept; connect a fresh data dir (--data-dir or VEIL_DATA_DIR) instead"
            )

        def change(data: dict[str, Any]) -> None:
            data["url"] = url
            if trust is not None:
                data["tls"] = trust.settings()

        self._update(change)

    def remember(self, login: Login) -> Credential:
        """Keep a fresh login's token, replacing the person's previous one."""
        cred = Credential(
            login.user.username,
            login.token,
            login.expires_at,
            login.user.role,
            login.user.team,
            tuple(sorted(login.user.clearances)),
        )
        self._update(
            lambda data: data.setdefault("users", {}).update({cred.username: _plain(cred)})
        )
        return cred

    def people(self) -> list[str]:
        """Who has a hub login stored here (valid or not), by name."""
        return sorted(self._read().get("users", {}))

    def credential(self, username: str) -> Credential | None:
        """The stored credential of username, expired or not."""
        raw = self._read().get("users", {}).get(username)
        return None if raw is None else _credential(raw)

    def token(self, username: str) -> str | None:
        """A token of username that has not expired, or None (they must log in)."""
        cred = self.credential(username)
        return cred.token if cred is not None and cred.valid() else None

    def forget(self, username: str) -> None:
        """Drop username's token (log out, or the hub said it is no longer valid)."""
        self._update(lambda data: data.get("users", {}).pop(username, None))

    def work_ahead(self) -> dict[str, str]:
        """Cases leased on the hub for working offline: case_id -> holder."""
        return dict(self._read().get("work_ahead", {}))

    def add_work_ahead(self, case_ids: list[str], holder: str) -> None:
        """Remember hub leases holder took for working offline."""
        held = dict.fromkeys(case_ids, holder)
        self._update(lambda data: data.setdefault("work_ahead", {}).update(held))

    def drop_work_ahead(self, case_ids: list[str]) -> None:
        """Forget hub leases that were given back."""

        def drop(data: dict[str, Any]) -> None:
            for case_id in case_ids:
                data.get("work_ahead", {}).pop(case_id, None)

        self._update(drop)

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return data if isinstance(data, dict) else {}

    def _update(self, change: Any) -> None:
        with self._lock:
            data = self._read()
            change(data)
            _write_private(self.path, json.dumps(data, indent=2, sort_keys=True))


def _plain(cred: Credential) -> dict[str, Any]:
    out = asdict(cred)
    out["clearances"] = list(cred.clearances)
    return out


def _credential(raw: dict[str, Any]) -> Credential:
    return Credential(
        str(raw["username"]),
        str(raw["token"]),
        str(raw["expires_at"]),
        str(raw["role"]),
        str(raw["team"]),
        tuple(raw.get("clearances", ())),
    )


def _write_private(path: Path, text: str) -> None:
    """Write text to path with mode 0600, atomically (never a half-written token file)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
