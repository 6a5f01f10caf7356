"""One request/response cycle: the ASGI ``receive`` and ``send`` callables handed to the app.

The cycle holds the request body the connection has read so far and turns the
app's response messages into bytes through the sans-IO ``ServerConnection``. It
knows nothing about sockets: it reports to its ``CycleOwner`` (the connection),
which writes, applies backpressure and decides what happens after the response.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Protocol

import h11

from covet.server.protocol import ServerConnection, disconnect_message, request_message, response_headers
from covet.types import ASGIApp, Message, Scope

logger = logging.getLogger("covet.server")


class ClientDisconnected(OSError):
    """Raised by ``send()`` once the client has gone (ASGI spec 2.4): stop producing the response."""


class CycleOwner(Protocol):
    """What a cycle needs from the connection that runs it."""

    @property
    def closing_after_response(self) -> bool: ...

    def write(self, data: bytes) -> None: ...

    async def drain(self) -> None: ...

    def want_body(self) -> None: ...

    def body_consumed(self) -> None: ...

    def response_complete(self, cycle: RequestCycle) -> None: ...

    def app_failed(self, cycle: RequestCycle) -> None: ...


class RequestCycle:
    """ASGI receive/send for one request on one connection."""

    def __init__(self, scope: Scope, connection: ServerConnection, owner: CycleOwner) -> None:
        self.scope = scope
        self._connection = connection
        self._owner = owner
        self._chunks: list[bytes] = []
        self.buffered = 0
        self.body_complete = False
        self._body_delivered = False
        self.disconnected = False
        self._pending_start: Message | None = None
        self.response_started = False
        self.headers_written = False
        self.response_complete = False
        self.status: int | None = None
        self.bytes_sent = 0
        self.started_at = time.perf_counter()
        self._wakeup = asyncio.Event()

    # -- fed by the connection ----------------------------------------------------

    def feed_body(self, data: bytes) -> None:
        self._chunks.append(data)
        self.buffered += len(data)
        self._wakeup.set()

    def end_body(self) -> None:
        self.body_complete = True
        self._wakeup.set()

    def disconnect(self) -> None:
        self.disconnected = True
        self._wakeup.set()

    # -- ASGI ------------------------------------------------------------------------

    async def receive(self) -> Message:
        if self._body_delivered or self.response_complete:
            await self._wait_until(lambda: self.disconnected or self.response_complete)
            return disconnect_message()
        if not self._chunks and not self.body_complete and not self.disconnected:
            if self._connection.client_awaits_continue and not self.headers_written:
                self._owner.write(self._connection.send_continue())
            self._owner.want_body()
            await self._wait_until(lambda: bool(self._chunks) or self.body_complete or self.disconnected)
        if self.disconnected:
            return disconnect_message()
        body = b"".join(self._chunks)
        self._chunks.clear()
        self.buffered = 0
        self._body_delivered = self.body_complete
        self._owner.body_consumed()
        return request_message(body, more_body=not self.body_complete)

    async def send(self, message: Message) -> None:
        if self.disconnected:
            raise ClientDisconnected("the client closed the connection")
        message_type = message.get("type")
        if not self.response_started:
            if message_type != "http.response.start":
                raise RuntimeError(f"ASGI app sent {message_type!r} before 'http.response.start'")
            if not isinstance(message.get("status"), int):
                raise RuntimeError(f"'http.response.start' needs an integer status, got {message.get('status')!r}")
            # Held back until the first body message, so a single-message body gets a Content-Length.
            self._pending_start = message
            self.response_started = True
            return
        if self.response_complete:
            raise RuntimeError(f"ASGI app sent {message_type!r} after the response was complete")
        if message_type != "http.response.body":
            raise RuntimeError(f"ASGI app sent {message_type!r}; expected 'http.response.body'")
        body = bytes(message.get("body", b""))
        more_body = bool(message.get("more_body", False))
        data = self._write_head(body_length=None if more_body else len(body))
        data += self._connection.send_body(body)
        self.bytes_sent += len(body)
        if not more_body:
            data += self._connection.end_response()
            self.response_complete = True
        self._owner.write(data)
        if more_body:
            await self._owner.drain()
        else:
            self._wakeup.set()
            self._owner.response_complete(self)

    def _write_head(self, body_length: int | None) -> bytes:
        start = self._pending_start
        if start is None:
            return b""
        self._pending_start = None
        status = int(start["status"])
        headers = response_headers(
            status, start.get("headers", ()), body_length=body_length, close=self._owner.closing_after_response
        )
        try:
            head = self._connection.start_response(status, headers)
        except h11.LocalProtocolError as exc:
            raise RuntimeError(f"ASGI app sent an invalid response head: {exc}") from None
        self.status = status
        self.headers_written = True
        return head

    async def _wait_until(self, condition: Callable[[], bool]) -> None:
        while not condition():
            self._wakeup.clear()
            await self._wakeup.wait()

    # -- running the app -------------------------------------------------------------

    async def run_asgi(self, app: ASGIApp) -> None:
        try:
            await app(self.scope, self.receive, self.send)
        except ClientDisconnected:
            logger.debug("Client went away during %s %s", self.scope["method"], self.scope["path"])
        except Exception:
            if not self.disconnected:
                logger.exception(
                    "Exception in ASGI application while handling %s %s", self.scope["method"], self.scope["path"]
                )
                if not self.response_complete:
                    self._owner.app_failed(self)
        else:
            if not self.response_complete and not self.disconnected:
                logger.error(
                    "ASGI application returned without completing the response to %s %s",
                    self.scope["method"],
                    self.scope["path"],
                )
                self._owner.app_failed(self)
