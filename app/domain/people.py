"""Local accounts: roles, clearances and salted scrypt password hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from app.log.clock import iso
from app.log.store import LocalStore
from db.models import User

SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_LEN = 2**14, 8, 1, 32
MIN_PASSWORD = 8
log = logging.getLogger(__name__)


class Role(StrEnum):
    """What a person may do: each role can do everything the one before it can."""

    MODERATOR = "moderator"
    ANALYST = "analyst"
    LEAD = "lead"

    @property
    def rank(self) -> int:
        """0 for moderator, 1 for analyst, 2 for lead."""
        return list(Role).index(self)


class AuthError(Exception):
    """A login that did not succeed; the message never says which part was wrong."""


class AccountError(ValueError):
    """A user that cannot be created as asked (bad name, role, duplicate)."""


@dataclass(frozen=True)
class Reviewer:
    """The logged-in person, as the rest of the core sees them."""

    username: str
    display_name: str
    role: Role
    clearances: frozenset[str]

    def at_least(self, role: Role) -> bool:
        """True when this person's role is `role` or above."""
        return self.role.rank >= role.rank

    def cleared_for(self, clearance: str | None) -> bool:
        """Whether this person may see an item needing this clearance."""
        return cleared(clearance, self.clearances)


def cleared(clearance: str | None, clearances: Collection[str]) -> bool:
    """The one clearance rule: an item with no clearance is open to everyone on the team;
    one with a clearance (e.g. child_safety) only to people holding it."""
    return not clearance or clearance in clearances


def cleared_sql(column: Any, clearances: Collection[str]) -> Any:
    """The same rule as a SQL condition on a clearance column."""
    return column.is_(None) | column.in_(sorted(clearances))


def reviewer_of(user: User) -> Reviewer:
    """The one place a Reviewer is built from a stored user row."""
    return Reviewer(
        user.username,
        user.display_name,
        Role(user.role),
        frozenset(json.loads(user.clearances)),
    )


def hash_password(password: str) -> str:
    """A self-describing salted scrypt hash: scrypt$n$r$p$salt$digest (base64)."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=SCRYPT_LEN
    )
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of a password against a hash made by hash_password."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return scheme == "scrypt" and hmac.compare_digest(actual, expected)


def check_password(password: str) -> None:
    """The password rule every account follows; AccountError naming it when broken."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password: at least {MIN_PASSWORD} characters")


class Accounts:
    """The local user table."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store

    def add(
        self,
        username: str,
        password: str,
        role: str,
        display_name: str = "",
        clearances: tuple[str, ...] = (),
    ) -> Reviewer:
        """Create a user; AccountError if the name is taken or the role unknown."""
        if not username or not username.replace("-", "").replace("_", "").isalnum():
            raise AccountError(f"user name {username!r}: use letters, digits, - and _")
        if role not in set(Role):
            raise AccountError(f"role {role!r}: expected one of {', '.join(Role)}")
        check_password(password)
        with self._store.transaction() as session:
            if session.get(User, username) is not None:
                raise AccountError(f"user {username!r} already exists")
            session.add(
                User(
                    username=username,
                    display_name=display_name or username,
                    role=role,
                    clearances=json.dumps(sorted(clearances)),
                    password_hash=hash_password(password),
                    disabled=False,
                    created_at=iso(self._store.clock.now()),
                )
            )
        return Reviewer(username, display_name or username, Role(role), frozenset(clearances))

    def authenticate(self, username: str, password: str) -> Reviewer:
        """The Reviewer for a correct, enabled login, else AuthError."""
        with self._store.transaction() as session:
            user = session.get(User, username)
        if user is None or user.disabled or not verify_password(password, user.password_hash):
            raise AuthError("wrong user name or password")
        return reviewer_of(user)

    def require(self, username: str) -> None:
        """AccountError unless username is an account of this store."""
        with self._store.transaction() as session:
            if session.get(User, username) is None:
                raise AccountError(f"user {username!r}: no such user in this store")

    def set_password(self, username: str, password: str) -> None:
        """Give an existing account a new password (an administrator's act, no old one).

        Raises:
            AccountError: no such user, or the password breaks the rules of `add`.
        """
        check_password(password)
        with self._store.transaction() as session:
            user = session.get(User, username)
            if user is None:
                raise AccountError(f"user {username!r}: no such user in this store")
            user.password_hash = hash_password(password)
        log.warning("password of user %s changed", username)

    def change_password(self, username: str, current: str, new: str) -> None:
        """A person changes their own password, proving the current one first.

        Raises:
            AuthError: the current password is wrong (or the account disabled).
            AccountError: the new password breaks the rules of `add`.
        """
        try:
            self.authenticate(username, current)
        except AuthError:
            raise AuthError("the current password is not right") from None
        self.set_password(username, new)

    def count(self) -> int:
        """How many accounts exist."""
        with self._store.transaction() as session:
            return len(session.scalars(select(User.username)).all())
