"""The ASGI lifespan protocol: startup before the first connection, shutdown after the last.

In "auto" mode an app that rejects the lifespan scope before reading its first
message (or returns without answering) is taken not to support it, and the
server runs without it. An app that fails after reading ``lifespan.startup`` has
a real startup problem: the server logs it and exits with ``LIFESPAN_FAILURE_EXIT_CODE``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from covet.server.config import ASGI_VERSIONS, LifespanMode
from covet.types import ASGIApp, Message

logger = logging.getLogger("covet.server")

LIFESPAN_FAILURE_EXIT_CODE = 3


class LifespanFailure(Exception):
    """Startup or shutdown did not succeed; the message says why."""


class Lifespan:
    """Runs an app's lifespan scope in a task and talks to it through two queues."""

    def __init__(self, app: ASGIApp, mode: LifespanMode, state: dict[str, Any]) -> None:
        self._app = app
        self._mode = mode
        self._state = state
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message | BaseException | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._app_has_received = False
        self.supported = mode != "off"

    async def startup(self) -> None:
        """Run the app's startup; raises ``LifespanFailure`` if it fails."""
        if not self.supported:
            return
        self._task = asyncio.get_running_loop().create_task(self._run_app())
        await self._to_app.put({"type": "lifespan.startup"})
        outcome = await self._from_app.get()
        if isinstance(outcome, dict) and outcome.get("type") == "lifespan.startup.complete":
            return
        if isinstance(outcome, dict) and outcome.get("type") == "lifespan.startup.failed":
            raise LifespanFailure(f"application startup failed: {outcome.get('message') or 'no message given'}")
        if self._mode == "auto" and (outcome is None or not self._app_has_received):
            logger.info("The application does not support the ASGI lifespan protocol; continuing without it.")
            self.supported = False
            return
        raise LifespanFailure(_describe_failure("startup", outcome))

    async def shutdown(self, timeout: float) -> None:
        """Run the app's shutdown (bounded by ``timeout``); raises ``LifespanFailure`` if it fails."""
        if not self.supported or self._task is None or self._task.done():
            return
        await self._to_app.put({"type": "lifespan.shutdown"})
        try:
            outcome = await asyncio.wait_for(self._from_app.get(), timeout)
        except TimeoutError:
            self._task.cancel()
            raise LifespanFailure(f"application shutdown did not finish within {timeout}s") from None
        if isinstance(outcome, dict) and outcome.get("type") == "lifespan.shutdown.complete":
            return
        if isinstance(outcome, dict) and outcome.get("type") == "lifespan.shutdown.failed":
            raise LifespanFailure(f"application shutdown failed: {outcome.get('message') or 'no message given'}")
        raise LifespanFailure(_describe_failure("shutdown", outcome))

    async def _run_app(self) -> None:
        scope = {"type": "lifespan", "asgi": ASGI_VERSIONS, "state": self._state}
        try:
            await self._app(scope, self._receive, self._send)
        except Exception as exc:
            if self._app_has_received:
                logger.error("Exception in the application's lifespan handler", exc_info=exc)
            await self._from_app.put(exc)
        else:
            await self._from_app.put(None)

    async def _receive(self) -> Message:
        self._app_has_received = True
        return await self._to_app.get()

    async def _send(self, message: Message) -> None:
        await self._from_app.put(message)


def _describe_failure(phase: str, outcome: Message | BaseException | None) -> str:
    if outcome is None:
        return f"the application returned during {phase} without sending 'lifespan.{phase}.complete'"
    if isinstance(outcome, BaseException):
        return f"the application raised {type(outcome).__name__} during {phase}: {outcome}"
    return f"the application sent {outcome.get('type')!r} during {phase}"
