"""Drive an ASGI app in-process for the core tests: its lifespan protocol, and HTTP requests through a client."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from covet.testing import AsyncTestClient


@contextlib.asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[list[dict[str, Any]]]:
    """Drive the ASGI lifespan protocol around the block; yields the messages the app sent.

    Uses a plain asyncio task (not a task group) so it may span a pytest-asyncio fixture's setup and teardown.
    """
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def wait_for(count: int) -> None:
        while len(sent) < count and not task.done():
            await asyncio.sleep(0.001)

    task = asyncio.ensure_future(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, inbox.get, send))
    await inbox.put({"type": "lifespan.startup"})
    await asyncio.wait_for(wait_for(1), 5)
    try:
        yield sent
    finally:
        if sent and sent[0]["type"] == "lifespan.startup.complete":
            await inbox.put({"type": "lifespan.shutdown"})
        await asyncio.wait_for(task, 5)


def asgi_client(app: Any) -> AsyncTestClient:
    """Covet's own test client on ``app`` in-process, without lifespan; app exceptions become 500s, as a server
    would send them."""
    return AsyncTestClient(app, raise_server_exceptions=False, lifespan=False)
