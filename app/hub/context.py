"""What every request handler needs (engine, clock, settings) and the caller's identity."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine, select

from app.hub.access import Principal
from app.hub.accounts import principal_of, token_digest
from app.hub.errors import HubError
from app.hub.login_policy import LoginPolicy
from db.hub.engine import read_transaction
from db.hub.models import Token, User

DEFAULT_TOKEN_TTL = 12 * 3600.0
CRASH_POINTS = frozenset({"after_commit_before_reply"})


@dataclass
class HubContext:
    """The hub's dependencies, built once by create_app and shared by every request."""

    engine: Engine
    clock: Callable[[], float] = time.time
    token_ttl: float = DEFAULT_TOKEN_TTL
    crash_at: str | None = None
    login: LoginPolicy = field(default_factory=LoginPolicy)

    def now_ms(self) -> int:
        """The hub clock in milliseconds since the epoch."""
        return int(self.clock() * 1000)

    def crash_point(self, name: str) -> None:
        """Die like a SIGKILL at a named point when fault injection asks for it (tests)."""
        if self.crash_at == name:
            os._exit(137)


def iso_ms(ms: int) -> str:
    """An epoch-milliseconds time as an ISO 8601 UTC string."""
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")


def hub_context(request: Request) -> HubContext:
    """The HubContext of the application serving request."""
    ctx: HubContext = request.app.state.hub
    return ctx


_bearer = HTTPBearer(auto_error=False)
Context = Annotated[HubContext, Depends(hub_context)]


def current_user(
    ctx: Context,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller behind the bearer token; 401 when it is missing, unknown or expired."""
    if credentials is None:
        raise HubError(401, "missing bearer token")
    query = (
        select(User.__table__, Token.expires_at)
        .join(Token, Token.username == User.username)
        .where(Token.token_sha256 == token_digest(credentials.credentials))
    )
    with read_transaction(ctx.engine) as conn:
        row = conn.execute(query).first()
    if row is None:
        raise HubError(401, "invalid token")
    if row.disabled:
        # Said plainly to the token's holder: their workstation then drops their token,
        # their media key and the media only they fetched (app/evidence/offboard.py).
        raise HubError(401, ACCOUNT_DISABLED)
    if row.expires_at <= ctx.now_ms():
        raise HubError(401, "token expired")
    return principal_of(row)


ACCOUNT_DISABLED = "account disabled"

Caller = Annotated[Principal, Depends(current_user)]
