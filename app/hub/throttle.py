"""Sign-in protection: per-account and per-address backoff, and answers that take the same
time whether or not the username exists.

Every sign-in attempt counts as a failure for its account ("user:NAME", known or not)
and its client address ("addr:IP") *before* the password is checked, in one short
transaction; a success then takes it back. So concurrent guesses cannot overtake the
count: once `max_failures` attempts of an account (or `address_max_failures` of an
address) failed within `window`, the key is locked and every attempt, right password or
not, gets 429 with Retry-After until the lock ends. A lock lasts one window; a key locked
again within a window of the last lock's end stays locked twice as long (up to a day).

A lock of a known account (or an address lock while trying one) is written to the event
log as `login.locked` for that account's team; only its leads receive it. A lead's
`POST /v1/users/{name}/unlock` or `veil hub user unlock NAME` on the hub machine lifts it
(`login.unlocked`).

The client address is the TCP peer, or, when the peer is a proxy listed in
VEIL_HUB_TRUSTED_PROXIES, the nearest address in X-Forwarded-For that is not a trusted
proxy.
"""

from __future__ import annotations

import math
import secrets
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, select, update

from app.hub.accounts import check_credentials, find_user
from app.hub.authored import HUB_ACTOR, write_event
from app.hub.context import iso_ms
from app.hub.errors import HubError
from app.hub.login_policy import LoginPolicy
from app.signin.kinds import LOGIN_LOCKED, LOGIN_UNLOCKED
from db.hub.engine import insert_ignoring_conflicts, write_transaction
from db.hub.models import LoginThrottle

# One failed sign-in in this many also sweeps out stale throttle rows.
_SWEEP_EVERY = 100


def user_key(username: str) -> str:
    """The throttle key of an account."""
    return f"user:{username}"


def address_key(address: str) -> str:
    """The throttle key of a client address."""
    return f"addr:{address}"


def sign_in(
    engine: Engine, policy: LoginPolicy, username: str, password: str, address: str, now_ms: int
) -> Row[Any]:
    """The users row when username and password sign in; 401 when they do not, 429 (with
    Retry-After) while the account or the address is locked."""
    keys = [user_key(username), address_key(address)]
    with write_transaction(engine) as conn:
        wait_ms = _reserve(conn, policy, keys, now_ms)
        user = find_user(conn, username) if wait_ms is None else None
    if wait_ms is not None:
        _refuse(wait_ms)
    ok = check_credentials(user, password)
    with write_transaction(engine) as conn:
        if ok:
            _forgive(conn, keys)
        else:
            for key, row in _fail(conn, policy, keys, now_ms):
                failures = policy.limit(key)
                _report_lock(conn, key, row, username, address, failures, now_ms)
            if secrets.randbelow(_SWEEP_EVERY) == 0:
                _sweep(conn, policy, now_ms)
    if not ok or user is None:
        raise HubError(401, "invalid credentials")
    return user


def _sweep(conn: Connection, policy: LoginPolicy, now_ms: int) -> None:
    """Forget keys whose window and lockout ended more than a window ago (guessed
    usernames and passing addresses would otherwise pile up)."""
    stale = now_ms - 2 * policy.window_ms
    conn.execute(
        delete(LoginThrottle).where(
            LoginThrottle.window_start < stale,
            (LoginThrottle.locked_until.is_(None)) | (LoginThrottle.locked_until < stale),
        )
    )


def _refuse(wait_ms: int) -> None:
    seconds = max(1, math.ceil(wait_ms / 1000))
    raise HubError(
        429,
        f"too many failed sign-ins; try again in {seconds} s",
        headers={"Retry-After": str(seconds)},
        retry_after=seconds,
    )


def _load(conn: Connection, keys: list[str]) -> dict[str, Row[Any]]:
    # Rows are made and locked in key order, so two attempts on the same keys never
    # wait for each other in a circle.
    fresh = {"failures": 0, "window_start": 0, "locked_until": None, "locks": 0}
    conn.execute(
        insert_ignoring_conflicts(LoginThrottle, conn, "key"),
        [{"key": k, **fresh} for k in sorted(keys)],
    )
    query = (
        select(LoginThrottle.__table__)
        .where(LoginThrottle.key.in_(keys))
        .order_by(LoginThrottle.key)
        .with_for_update()
    )
    return {row.key: row for row in conn.execute(query)}


def _reserve(conn: Connection, policy: LoginPolicy, keys: list[str], now_ms: int) -> int | None:
    """Count this attempt as a failure of every key, or how long to wait (ms) when a key is
    locked or its remaining attempts are all in flight."""
    rows = _load(conn, keys)
    waits = [
        row.locked_until - now_ms
        for row in rows.values()
        if row.locked_until is not None and row.locked_until > now_ms
    ]
    if waits:
        return max(waits)
    fresh = {k: _in_window(policy, rows[k], now_ms) for k in keys}
    if any(failures >= policy.limit(k) for k, failures in fresh.items()):
        return 1000  # earlier attempts are still being checked
    for key in keys:
        start = rows[key].window_start if fresh[key] else now_ms
        _save(conn, key, failures=fresh[key] + 1, window_start=start)
    return None


def _in_window(policy: LoginPolicy, row: Row[Any], now_ms: int) -> int:
    return int(row.failures) if now_ms - row.window_start < policy.window_ms else 0


def _save(conn: Connection, key: str, **values: Any) -> None:
    conn.execute(update(LoginThrottle).where(LoginThrottle.key == key).values(**values))


def _forgive(conn: Connection, keys: list[str]) -> None:
    """A success: the account starts afresh; the address gets this attempt back."""
    account, address = keys
    conn.execute(delete(LoginThrottle).where(LoginThrottle.key == account))
    row = conn.execute(
        select(LoginThrottle.failures).where(LoginThrottle.key == address).with_for_update()
    ).first()
    if row is not None:
        _save(conn, address, failures=max(0, row.failures - 1))


def _fail(
    conn: Connection, policy: LoginPolicy, keys: list[str], now_ms: int
) -> list[tuple[str, Row[Any]]]:
    """A failure (already counted): lock each key whose failures reached its limit; the
    keys locked now, with their new rows."""
    rows = _load(conn, keys)
    locked = []
    for key in keys:
        row = rows[key]
        if row.failures < policy.limit(key) or (row.locked_until or 0) > now_ms:
            continue
        streak = row.locks
        if row.locked_until is not None and now_ms - row.locked_until > policy.window_ms:
            streak = 0  # the last lock is long over: start the backoff again
        locks = streak + 1
        until = now_ms + policy.lockout_ms(locks)
        _save(conn, key, failures=0, window_start=now_ms, locked_until=until, locks=locks)
        locked.append((key, _load(conn, [key])[key]))
    return locked


def _report_lock(
    conn: Connection,
    key: str,
    row: Row[Any],
    username: str,
    address: str,
    failures: int,
    now_ms: int,
) -> None:
    """A login.locked event for the team of the account that was tried, if it exists."""
    user = find_user(conn, username)
    if user is None:
        return  # no team to tell: the username is unknown
    scope = "address" if key.startswith("addr:") else "account"
    payload = {
        "username": username,
        "scope": scope,
        "failures": failures,
        "until": iso_ms(int(row.locked_until)),
        "address": address,
    }
    write_event(
        conn, actor=HUB_ACTOR, kind=LOGIN_LOCKED, payload=payload, team=user.team, now_ms=now_ms
    )


def unlock(
    engine: Engine,
    username: str,
    now_ms: int,
    *,
    by: str = HUB_ACTOR,
    team: str | None = None,
    address: str | None = None,
) -> bool:
    """Lift the lockout of an account (and of an address, when given); whether one was in
    force. `team`: refuse (404) an account outside it. Writes login.unlocked."""
    keys = [user_key(username)] + ([address_key(address)] if address else [])
    with write_transaction(engine) as conn:
        user = find_user(conn, username)
        if team is not None and (user is None or user.team != team):
            raise HubError(404, f"no user {username!r} in your team")
        query = select(LoginThrottle.locked_until).where(LoginThrottle.key.in_(keys))
        was_locked = any(until is not None and until > now_ms for until in conn.scalars(query))
        conn.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(keys)))
        if was_locked and user is not None:
            payload: dict[str, Any] = {"username": username, "address": address}
            write_event(
                conn, actor=by, kind=LOGIN_UNLOCKED, payload=payload, team=user.team, now_ms=now_ms
            )
    return was_locked
