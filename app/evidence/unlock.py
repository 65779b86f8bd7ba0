"""Unlocking the media at login: each person's own password unwraps the store's key.

The first person to log in on a workstation creates the key (then the media already
here is sealed in place, app/evidence/sealing.py). Everyone after them unlocks their own
wrapped copy. A person new to this workstation gets a copy at once when the key is
already unlocked in this process (someone holding it is logged in); otherwise they leave
a request that the next holder's login grants, and hold the key from their next login.
A password that no longer unwraps a person's copy (it was changed on the hub) turns
into a fresh request the same way: nobody's password can be recovered, only re-granted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from app.domain.people import Reviewer
from app.log.store import LocalStore
from db.keyring import KeyringError

log = logging.getLogger(__name__)


class Unlocked(StrEnum):
    """How a login left the media key."""

    CREATED = "created"  # the first person here: a new key, held by them
    HOLDER = "holder"  # their own copy unwrapped
    CLAIMED = "claimed"  # a grant to their request, now their own copy
    ENROLLED = "enrolled"  # given a copy from the key unlocked in this process
    WAITING = "waiting"  # a request left; media stays locked until a holder grants it


@dataclass(frozen=True)
class UnlockReport:
    """What a login did to the keyring; `granted`: requests it answered."""

    username: str
    outcome: Unlocked
    granted: list[str] = field(default_factory=list)

    @property
    def unlocked(self) -> bool:
        """Whether this person can read the media now."""
        return self.outcome is not Unlocked.WAITING

    def summary(self) -> str:
        """One line for the log or the terminal."""
        words = {
            Unlocked.CREATED: "media key created; media here will be encrypted",
            Unlocked.HOLDER: "media unlocked",
            Unlocked.CLAIMED: "media key granted by a colleague claimed; media unlocked",
            Unlocked.ENROLLED: "given a copy of the media key; media unlocked",
            Unlocked.WAITING: (
                "media stays locked: a colleague who already uses this workstation must "
                "log in once to grant you the key"
            ),
        }[self.outcome]
        granted = f" (granted the key to {', '.join(self.granted)})" if self.granted else ""
        return f"{self.username}: {words}{granted}"


def unlock_media(
    store: LocalStore, username: str, password: str, held: X25519PrivateKey | None = None
) -> UnlockReport:
    """Unlock the store's media for a person whose password was just checked; `held` is
    the key a previous login in this process unlocked (it enrols a newcomer)."""
    blobs, ring = store.blobs, store.blobs.keyring
    if ring is None:
        raise KeyringError("this store has no keyring")
    if not ring.exists():
        blobs.unlock(ring.create(username, password))
        return UnlockReport(username, Unlocked.CREATED)
    outcome = _own_key(store, username, password, held)
    if outcome is Unlocked.WAITING:
        return UnlockReport(username, outcome)
    private = blobs.private_key
    granted = ring.grant_requests(private) if private is not None else []
    return UnlockReport(username, outcome, granted)


def _own_key(
    store: LocalStore, username: str, password: str, held: X25519PrivateKey | None
) -> Unlocked:
    blobs, ring = store.blobs, store.blobs.keyring
    assert ring is not None
    try:
        if username in ring.holders():
            blobs.unlock(ring.unlock(username, password))
            return Unlocked.HOLDER
        claimed = ring.claim(username, password)
        if claimed is not None:
            blobs.unlock(claimed)
            return Unlocked.CLAIMED
    except KeyringError as exc:
        # The login passed, so this is a password changed since the copy was made.
        log.warning("%s: %s; asking for the key again", username, exc)
        ring.remove(username)
    if held is not None:
        ring.add_holder(held, username, password)
        blobs.unlock(held)
        return Unlocked.ENROLLED
    ring.request(username, password)
    return Unlocked.WAITING


class Authenticator(Protocol):
    """Anything that checks a login: local accounts, or the hub's (app/sync/login.py)."""

    def authenticate(self, username: str, password: str) -> Reviewer:
        """The Reviewer for a correct login, else AuthError."""
        ...


class UnlockingAccounts:
    """Checks a login with `accounts`, then unlocks the media with the same password."""

    def __init__(
        self,
        store: LocalStore,
        accounts: Authenticator,
        on_unlock: Callable[[UnlockReport], None] | None = None,
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.on_unlock = on_unlock
        self.last: UnlockReport | None = None

    def authenticate(self, username: str, password: str) -> Reviewer:
        """The Reviewer for a correct login; the media is unlocked (or a request left)."""
        reviewer = self.accounts.authenticate(username, password)
        held = self.store.blobs.private_key
        self.store.blobs.lock()  # the key stays unlocked only if this person has it too
        self.last = unlock_media(self.store, reviewer.username, password, held)
        log.info(self.last.summary())
        if self.on_unlock is not None:
            self.on_unlock(self.last)
        return reviewer

    def __getattr__(self, name: str) -> object:
        return getattr(self.accounts, name)
