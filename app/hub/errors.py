"""Refusals as HTTP answers: every 4xx carries {"detail": reason} with a readable reason."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class HubError(Exception):
    """A request the hub refuses: HTTP status, a reason for people, optional extra fields."""

    def __init__(
        self, status: int, reason: str, *, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.extra = extra
        self.headers = headers or {}


def install_error_handlers(app: FastAPI) -> None:
    """Answer HubError and request validation errors in the hub's error shape."""
    app.add_exception_handler(HubError, _hub_error)
    app.add_exception_handler(RequestValidationError, _validation_error)


async def _hub_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HubError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    headers.update(exc.headers)
    return JSONResponse({"detail": exc.reason, **exc.extra}, exc.status, headers=headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg', 'invalid')}"
        for err in exc.errors()[:5]
    ]
    first = exc.errors()[0] if exc.errors() else {}
    named = {
        "field": ".".join(str(p) for p in first.get("loc", ()) if p != "body"),
        "rule": first.get("msg", "invalid"),
    }
    return JSONResponse({"detail": "; ".join(problems) or "invalid request", **named}, 422)
