"""Request body caps, enforced before a handler sees the body (413 with a reason)."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 8 << 20
# Read and drop at most this much of a refused body, so a client that sends it all still
# reads our 413 instead of a reset connection; beyond it we answer and let uvicorn close.
_DRAIN_BYTES = 80 << 20


class BodyLimit:
    """ASGI middleware: refuse bodies over MAX_BODY_BYTES (blob uploads: blob_limit)."""

    def __init__(self, app: ASGIApp, blob_limit: int, blob_prefix: str = "/v1/blobs/") -> None:
        self.app = app
        self.blob_limit = blob_limit
        self.blob_prefix = blob_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on unless its body is too large."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        blob = scope["path"].startswith(self.blob_prefix)
        limit = self.blob_limit if blob else MAX_BODY_BYTES
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _drain(receive)
            await _too_large(send, limit)
            return
        # A blob upload streams: its route checks the caller first and caps what it reads.
        if declared is None and scope["method"] in ("POST", "PUT", "PATCH") and not blob:
            await self._buffered(scope, receive, send, limit)
            return
        await self.app(scope, receive, send)

    async def _buffered(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        # A chunked body has no declared length: read it (up to the cap) before the app.
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > limit:
                if more:
                    await _drain(receive)
                await _too_large(send, limit)
                return
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _drain(receive: Receive) -> None:
    drained = 0
    while drained <= _DRAIN_BYTES:
        message: dict[str, Any] = dict(await receive())
        if message["type"] != "http.request":
            return
        drained += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"request body over {limit} bytes"}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
