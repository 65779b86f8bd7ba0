"""The sign-in feature's event kinds: lockouts after failed sign-ins, and unlocks."""

from __future__ import annotations

from typing import Literal

from app.log.fields import Count, Time
from app.log.registry import Payload

LOGIN_LOCKED = "login.locked"
LOGIN_UNLOCKED = "login.unlocked"


class LoginLocked(Payload, frozen=True):
    """`login.locked`: too many failed sign-ins; sign-in is refused until `until`.

    `scope` says what is locked: the account `username`, or the client `address` (whose
    failures went over the per-address limit while trying `username`)."""

    username: str
    scope: Literal["account", "address"]
    failures: Count
    until: Time
    address: str | None = None


class LoginUnlocked(Payload, frozen=True):
    """`login.unlocked`: a lead (or the hub's administrator) lifted a lockout early."""

    username: str
    address: str | None = None
