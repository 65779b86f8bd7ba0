"""Users, scrypt password hashes and bearer tokens (stored only as their SHA-256)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from app.hub.access import ROLES, Principal
from app.hub.errors import HubError
from app.log.events import canonical_json
from db.hub.models import Token, User

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MIN_PASSWORD = 8
# 16 MiB of memory and ~50 ms per hash: slow for a guesser, fine for a login.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """An scrypt hash with a random salt, as 'scrypt$n$r$p$salt$hash' (hex)."""
    salt = os.urandom(16)
    digest = _scrypt(password, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether password matches a hash made by hash_password (constant-time compare)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = _scrypt(password, bytes.fromhex(salt), int(n), int(r), int(p))
    return hmac.compare_digest(candidate.hex(), digest)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 << 20)


def validate_user(username: str, role: str, team: str, clearances: list[str]) -> None:
    """Refuse (422) names, roles or clearances the hub cannot store safely."""
    for value in (username, team, *clearances):
        if not NAME_RE.match(value):
            raise HubError(422, f"invalid name {value!r}: letters, digits, . _ - (max 64)")
    if role not in ROLES:
        raise HubError(422, f"role must be one of {', '.join(ROLES)}")


def create_user(
    conn: Connection,
    username: str,
    role: str,
    team: str,
    clearances: list[str],
    password: str,
    now_ms: int = 0,
) -> None:
    """Insert a user; 409 when the username is taken."""
    validate_user(username, role, team, clearances)
    check_password(password)
    if conn.scalar(select(User.username).where(User.username == username)) is not None:
        raise HubError(409, f"user {username!r} exists")
    conn.execute(
        insert(User).values(
            username=username,
            team=team,
            role=role,
            clearances=canonical_json(sorted(set(clearances))),
            password_hash=hash_password(password),
            disabled=False,
            created_at=now_ms,
        )
    )


def check_password(password: str) -> None:
    """The hub's password rule; 422 naming it when broken."""
    if len(password) < MIN_PASSWORD:
        raise HubError(422, f"password must have at least {MIN_PASSWORD} characters")


def set_password(conn: Connection, username: str, password: str) -> None:
    """Give a user a new password and revoke their tokens (every session signs in
    again with it); 404 when unknown, 422 when the password breaks the rule."""
    check_password(password)
    done = conn.execute(
        update(User).where(User.username == username).values(password_hash=hash_password(password))
    )
    if done.rowcount == 0:
        raise HubError(404, f"no user {username!r}")
    conn.execute(delete(Token).where(Token.username == username))


def disable_user(conn: Connection, username: str) -> None:
    """Disable a user and revoke their tokens; 404 when unknown."""
    done = conn.execute(update(User).where(User.username == username).values(disabled=True))
    if done.rowcount == 0:
        raise HubError(404, f"no user {username!r}")
    conn.execute(delete(Token).where(Token.username == username))


def principal_of(user: Row[Any]) -> Principal:
    """The access-checking view of a users row."""
    return Principal(user.username, user.team, user.role, frozenset(json.loads(user.clearances)))


def find_user(conn: Connection, username: str) -> Row[Any] | None:
    """The users row for username, or None."""
    return conn.execute(select(User.__table__).where(User.username == username)).first()


def issue_token(conn: Connection, username: str, expires_at: int) -> str:
    """A new random bearer token for username, valid until expires_at (ms)."""
    token = secrets.token_urlsafe(32)
    conn.execute(
        insert(Token).values(
            token_sha256=token_digest(token), username=username, expires_at=expires_at
        )
    )
    return token


def token_digest(token: str) -> str:
    """What the tokens table stores for a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# Verified against when a sign-in names no known user, so that answer costs one scrypt
# like any other and its timing does not tell which usernames exist.
_DUMMY_HASH = f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${'5a' * 16}${'00' * 64}"


def check_credentials(user: Row[Any] | None, password: str) -> bool:
    """Whether password signs user in (known, enabled, right password). Always runs one
    scrypt, for unknown and disabled users too, so every refusal takes the same time."""
    stored = user.password_hash if user is not None else _DUMMY_HASH
    matches = verify_password(password, stored)
    return matches and user is not None and not user.disabled
