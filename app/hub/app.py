"""The hub application factory: dependencies in, a FastAPI app out (no globals)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine

from app.hub.api import router
from app.hub.blobs import MAX_BLOB_BYTES
from app.hub.context import CRASH_POINTS, DEFAULT_TOKEN_TTL, HubContext
from app.hub.errors import install_error_handlers
from app.hub.limits import BodyLimit
from app.hub.login_policy import LoginPolicy
from app.hub.sweeper import BlobSweeper


def create_app(
    engine: Engine,
    *,
    clock: Callable[[], float] = time.time,
    token_ttl: float = DEFAULT_TOKEN_TTL,
    crash_at: str | None = None,
    blob_grace: float | None = None,
    login: LoginPolicy | None = None,
) -> FastAPI:
    """The hub API over engine (already migrated); clock gives seconds since the epoch.
    With blob_grace (seconds), unreferenced blobs older than that are swept meanwhile."""
    if crash_at is not None and crash_at not in CRASH_POINTS:
        raise ValueError(f"unknown crash point {crash_at!r}; known: {sorted(CRASH_POINTS)}")

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        sweeper = None if blob_grace is None else BlobSweeper(engine, clock, blob_grace)
        if sweeper is not None:
            sweeper.start()
        try:
            yield
        finally:
            if sweeper is not None:
                sweeper.stop()

    app = FastAPI(title="Veil hub", version="1", docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.hub = HubContext(
        engine, clock=clock, token_ttl=token_ttl, crash_at=crash_at, login=login or LoginPolicy()
    )
    app.include_router(router)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, blob_limit=MAX_BLOB_BYTES)
    return app
