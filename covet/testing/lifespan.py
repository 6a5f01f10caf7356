"""``LifespanManager``: drive an ASGI app's lifespan protocol (startup, then shutdown) from a test."""

from __future__ import annotations

import asyncio
from typing import Any

from covet.types import ASGIApp, Message


class LifespanError(RuntimeError):
    """The app reported ``lifespan.startup.failed`` or ``lifespan.shutdown.failed``."""


_APP_RETURNED: Message = {"type": "covet.testing.app_returned"}


class LifespanManager:
    """Runs the app's lifespan task on the current event loop between ``startup()`` and ``shutdown()``."""

    def __init__(self, app: ASGIApp, state: dict[str, Any]) -> None:
        self.app = app
        self.state = state
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.4"}, "state": self.state}
        try:
            await self.app(scope, self._to_app.get, self._from_app.put)
        finally:
            self._from_app.put_nowait(_APP_RETURNED)

    async def _expect(self, phase: str) -> None:
        message = await self._from_app.get()
        if message is _APP_RETURNED:
            assert self._task is not None
            self._task.result()  # re-raises what the app raised
            raise LifespanError(f"The app returned during lifespan {phase} without answering lifespan.{phase}.")
        if message["type"] == f"lifespan.{phase}.failed":
            raise LifespanError(f"Lifespan {phase} failed: {message.get('message', '')}")
        if message["type"] != f"lifespan.{phase}.complete":
            raise LifespanError(f"Unexpected lifespan message during {phase}: {message['type']!r}.")

    async def startup(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())
        await self._to_app.put({"type": "lifespan.startup"})
        await self._expect("startup")

    async def shutdown(self) -> None:
        if self._task is None:
            return
        await self._to_app.put({"type": "lifespan.shutdown"})
        try:
            await self._expect("shutdown")
            await self._task
        finally:
            self._task = None
