"""What the `veil hub` commands do: serve the API, add and disable users."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn
from sqlalchemy.engine import make_url

from app.hub.accounts import create_user, disable_user, set_password
from app.hub.app import create_app
from app.hub.blobs import GRACE_ENV, SweepReport, grace_seconds, sweep
from app.hub.context import DEFAULT_TOKEN_TTL
from app.hub.login_policy import LoginPolicy
from app.hub.tls import ServerTls
from app.log.paths import private_dir, private_sqlite
from db.hub.engine import make_engine, upgrade, write_transaction

if TYPE_CHECKING:
    from sqlalchemy import Engine

CRASH_ENV = "VEIL_HUB_CRASH_AT"
TOKEN_TTL_ENV = "VEIL_HUB_TOKEN_TTL"


def serve(
    db_url: str,
    host: str,
    port: int,
    *,
    token_ttl: float | None = None,
    tls: ServerTls | None = None,
) -> int:
    """Migrate the database, then serve the hub API until stopped (over TLS when tls is
    given); the exit status."""
    if token_ttl is None:
        token_ttl = float(os.environ.get(TOKEN_TTL_ENV, DEFAULT_TOKEN_TTL))
    blob_grace = grace_seconds(os.environ.get(GRACE_ENV))
    try:
        login = LoginPolicy.from_env()
    except ValueError as exc:
        print(f"veil hub: {exc}", file=sys.stderr)
        return 2
    engine = open_hub_engine(db_url, pool_size=10, max_overflow=20)
    try:
        upgrade(engine)
        crash_at = os.environ.get(CRASH_ENV) or None
        app = create_app(
            engine, token_ttl=token_ttl, crash_at=crash_at, blob_grace=blob_grace, login=login
        )
        # The client address is the hub's to decide (app/hub/login_policy.py): uvicorn must
        # not rewrite it from X-Forwarded-For on its own.
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            proxy_headers=False,
            ssl_certfile=None if tls is None else str(tls.cert),
            ssl_keyfile=None if tls is None else str(tls.key),
        )
    finally:
        engine.dispose()
    return 0


def user_add(
    db_url: str, username: str, role: str, team: str, clearances: list[str], password: str
) -> None:
    """Create a user directly in the hub database (the first lead comes from here)."""
    engine = open_hub_engine(db_url)
    try:
        upgrade(engine)
        with write_transaction(engine) as conn:
            now_ms = int(time.time() * 1000)
            create_user(conn, username, role, team, clearances, password, now_ms)
    finally:
        engine.dispose()


def user_disable(db_url: str, username: str) -> None:
    """Disable a user and revoke their tokens."""
    engine = open_hub_engine(db_url)
    try:
        upgrade(engine)
        with write_transaction(engine) as conn:
            disable_user(conn, username)
    finally:
        engine.dispose()


def user_passwd(db_url: str, username: str, password: str) -> None:
    """Set a user's new password directly in the hub database; their tokens are revoked."""
    engine = open_hub_engine(db_url)
    try:
        upgrade(engine)
        with write_transaction(engine) as conn:
            set_password(conn, username, password)
    finally:
        engine.dispose()


def blobs_sweep(db_url: str, grace: float | None = None) -> SweepReport:
    """Delete unreferenced blobs older than grace seconds since their last upload (default:
    VEIL_HUB_BLOB_GRACE, else a day), as the serving hub does in the background."""
    seconds = grace if grace is not None else grace_seconds(os.environ.get(GRACE_ENV))
    engine = open_hub_engine(db_url)
    try:
        upgrade(engine)
        return sweep(engine, int(time.time() * 1000), int(seconds * 1000))
    finally:
        engine.dispose()


def user_unlock(db_url: str, username: str, address: str | None = None) -> bool:
    """Lift a sign-in lockout of username (and of address); whether one was in force."""
    from app.hub.throttle import unlock

    engine = open_hub_engine(db_url)
    try:
        upgrade(engine)
        return unlock(engine, username, int(time.time() * 1000), address=address)
    finally:
        engine.dispose()


def open_hub_engine(db_url: str, **kwargs: Any) -> Engine:
    """make_engine, with a SQLite hub's files owner-only first (see sqlite_file)."""
    path = sqlite_file(db_url)
    if path is not None:
        if not path.parent.exists():
            private_dir(path.parent)
        private_sqlite(path)
    return make_engine(db_url, **kwargs)


def sqlite_file(db_url: str) -> Path | None:
    """The database file of a sqlite:/// URL (None for PostgreSQL or in-memory SQLite).

    Its folder is created 0700 when missing; an existing folder is left as it is (it may
    be a shared one, the current directory say), while hub.db and its -wal/-shm are made
    and kept 0600."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).expanduser().resolve()
