"""The ASGI lifespan protocol: run startup hooks before serving and shutdown hooks after, reporting failures."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import anyio.to_thread

from covet.conf.shutdown import shutdown_callbacks
from covet.routing.route import is_async_callable
from covet.types import Receive, Send

Hook = Callable[[], Awaitable[Any] | Any]

logger = logging.getLogger("covet.lifespan")


async def call_hook(hook: Hook) -> None:
    """Await an async hook; run a sync one in a worker thread (it may do blocking I/O)."""
    if is_async_callable(hook):
        await hook()
    else:
        await anyio.to_thread.run_sync(hook)


async def _run_phase(phase: str, hooks: Sequence[Hook], send: Send) -> bool:
    try:
        for hook in hooks:
            await call_hook(hook)
    except Exception as exc:
        name = getattr(hook, "__qualname__", repr(hook))
        message = f"{phase.capitalize()} hook {name} failed: {type(exc).__name__}: {exc}"
        logger.exception(message)
        await send({"type": f"lifespan.{phase}.failed", "message": message})
        return False
    await send({"type": f"lifespan.{phase}.complete"})
    return True


async def run_lifespan(on_startup: Sequence[Hook], on_shutdown: Sequence[Hook], receive: Receive, send: Send) -> None:
    """Answer ``lifespan.startup`` and ``lifespan.shutdown`` for the server."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if not await _run_phase("startup", on_startup, send):
                return
        elif message["type"] == "lifespan.shutdown":
            # The process-wide callbacks (e.g. the ORM closing its pools) run after the app's own hooks,
            # which may still need those resources; they are read now, as they may have been registered
            # while serving.
            await _run_phase("shutdown", [*on_shutdown, *shutdown_callbacks()], send)
            return
