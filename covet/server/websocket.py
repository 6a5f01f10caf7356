"""One WebSocket session: the ASGI ``websocket`` receive/send on wsproto frames, after an HTTP upgrade.

Before ``websocket.accept`` the connection is still HTTP: a ``websocket.close``
(or an app that returns or fails) is answered 403 (500 on an exception). After
it, messages are reassembled from frames (bounded by
``websocket_max_message_size``, else close 1009), pings are answered, and a
close from either side ends the session with ``websocket.disconnect``.
Messages wait in a queue for the app; once ``INCOMING_HIGH_WATER`` bytes of
them wait, the connection stops reading until the app catches up, so a client
cannot grow the server's memory by sending faster than the app receives.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Literal, Protocol

import wsproto
import wsproto.events as ws_events
from wsproto import ConnectionType
from wsproto.connection import ConnectionState

from covet.server.cycle import ClientDisconnected
from covet.server.protocol import ServerConnection
from covet.server.ws_protocol import accept_headers
from covet.types import ASGIApp, Message, Scope

logger = logging.getLogger("covet.server")

SessionState = Literal["connecting", "open", "closed"]
ABNORMAL_CLOSURE = 1006
GOING_AWAY = 1001
MESSAGE_TOO_BIG = 1009
INTERNAL_ERROR = 1011
# Bytes of received messages waiting for the app before the socket stops being read.
INCOMING_HIGH_WATER = 1024 * 1024


class WebSocketOwner(Protocol):
    """What a session needs from the connection that carries it."""

    def write(self, data: bytes) -> None: ...

    async def drain(self) -> None: ...

    def websocket_opened(self, session: WebSocketSession) -> None: ...

    def websocket_denied(self, session: WebSocketSession, status: int, reason: str) -> None: ...

    def websocket_finished(self, session: WebSocketSession) -> None: ...

    def websocket_backlogged(self, session: WebSocketSession) -> None:
        """The app has ``INCOMING_HIGH_WATER`` bytes of messages waiting: stop reading from the client."""

    def websocket_caught_up(self, session: WebSocketSession) -> None:
        """The app has taken messages off a full queue: read from the client again."""


class WebSocketSession:
    """ASGI websocket receive/send for one upgraded connection."""

    def __init__(
        self,
        scope: Scope,
        key: bytes,
        connection: ServerConnection,
        owner: WebSocketOwner,
        *,
        max_message_size: int,
    ) -> None:
        self.scope = scope
        self._key = key
        self._connection = connection
        self._owner = owner
        self._max_message_size = max_message_size
        self._ws: wsproto.Connection | None = None
        self.state: SessionState = "connecting"
        self._incoming: asyncio.Queue[Message] = asyncio.Queue()
        self._incoming.put_nowait({"type": "websocket.connect"})
        self._fragments: list[str | bytes | bytearray] = []
        self._fragment_size = 0
        self._close_code = ABNORMAL_CLOSURE
        self._queued_bytes = 0
        self._backlogged = False

    @property
    def open(self) -> bool:
        return self.state == "open"

    # -- ASGI -------------------------------------------------------------------------

    async def receive(self) -> Message:
        if self.state == "closed" and self._incoming.empty():
            return {"type": "websocket.disconnect", "code": self._close_code}
        message = await self._incoming.get()
        self._queued_bytes -= _size_of(message)
        if self._backlogged and self._queued_bytes < INCOMING_HIGH_WATER:
            self._backlogged = False
            self._owner.websocket_caught_up(self)
        return message

    async def send(self, message: Message) -> None:
        message_type = message.get("type")
        if self.state == "connecting":
            if message_type == "websocket.accept":
                self._accept(message)
            elif message_type == "websocket.close":
                self._deny(403, "the application refused the WebSocket connection")
            else:
                raise RuntimeError(f"ASGI app sent {message_type!r} before 'websocket.accept'")
            return
        if self.state == "closed" or self._ws is None:
            raise ClientDisconnected("the WebSocket is closed")
        if message_type == "websocket.send":
            self._owner.write(self._ws.send(_outgoing_message(message)))
            await self._owner.drain()
        elif message_type == "websocket.close":
            self._close(int(message.get("code") or 1000), message.get("reason") or "")
        else:
            raise RuntimeError(f"ASGI app sent {message_type!r} on an open WebSocket")

    async def run_asgi(self, app: ASGIApp) -> None:
        try:
            await app(self.scope, self.receive, self.send)
        except ClientDisconnected:
            pass
        except Exception:
            logger.exception("Exception in ASGI application on WebSocket %s", self.scope["path"])
            if self.state == "connecting":
                self._deny(500, "the application raised an error; see the server log")
            elif self.state == "open":
                self._close(INTERNAL_ERROR, "")
        else:
            if self.state == "connecting":
                logger.error("ASGI application returned without accepting the WebSocket %s", self.scope["path"])
                self._deny(403, "the application did not accept the WebSocket connection")
            elif self.state == "open":
                self._close(1000, "")

    # -- fed by the connection -----------------------------------------------------------

    def receive_data(self, data: bytes) -> None:
        if self._ws is None or self.state != "open":
            return
        self._ws.receive_data(data)
        for event in self._ws.events():
            if isinstance(event, (ws_events.TextMessage, ws_events.BytesMessage)):
                self._on_message_part(event)
            elif isinstance(event, ws_events.Ping):
                self._owner.write(self._ws.send(event.response()))
            elif isinstance(event, ws_events.CloseConnection):
                if self._ws.state in (ConnectionState.OPEN, ConnectionState.REMOTE_CLOSING):
                    self._owner.write(self._ws.send(event.response()))
                self._finish(event.code)
            if self.state != "open":
                return

    def connection_lost(self) -> None:
        if self.state != "closed":
            self._finish(ABNORMAL_CLOSURE, notify_owner=False)

    def going_away(self) -> None:
        """Server shutdown: close with 1001 so the client knows to reconnect elsewhere."""
        if self.state == "open":
            self._close(GOING_AWAY, "server shutting down")

    # -- internals --------------------------------------------------------------------------

    def _accept(self, message: Message) -> None:
        data, trailing = self._connection.switch_protocols(accept_headers(self._key, message))
        self._owner.write(data)
        self._ws = wsproto.Connection(ConnectionType.SERVER)
        self.state = "open"
        self._owner.websocket_opened(self)
        if trailing:
            self.receive_data(trailing)

    def _deny(self, status: int, reason: str) -> None:
        self.state = "closed"
        self._close_code = 1000 if status == 403 else INTERNAL_ERROR
        self._owner.websocket_denied(self, status, reason)

    def _on_message_part(self, event: ws_events.TextMessage | ws_events.BytesMessage) -> None:
        self._fragments.append(event.data)
        self._fragment_size += len(event.data)
        if self._fragment_size > self._max_message_size:
            self._close(MESSAGE_TOO_BIG, f"message larger than {self._max_message_size} bytes")
            return
        if not event.message_finished:
            return
        if isinstance(event, ws_events.TextMessage):
            message: Message = {"type": "websocket.receive", "text": "".join(str(part) for part in self._fragments)}
        else:
            message = {"type": "websocket.receive", "bytes": b"".join(_as_bytes(part) for part in self._fragments)}
        self._fragments.clear()
        self._fragment_size = 0
        self._incoming.put_nowait(message)
        self._queued_bytes += _size_of(message)
        if not self._backlogged and self._queued_bytes >= INCOMING_HIGH_WATER:
            self._backlogged = True
            self._owner.websocket_backlogged(self)

    def _close(self, code: int, reason: str) -> None:
        if self._ws is not None and self._ws.state is ConnectionState.OPEN:
            self._owner.write(self._ws.send(ws_events.CloseConnection(code=code, reason=reason)))
        self._finish(code)

    def _finish(self, code: int, *, notify_owner: bool = True) -> None:
        if self.state == "closed":
            return
        self.state = "closed"
        self._close_code = code
        self._incoming.put_nowait({"type": "websocket.disconnect", "code": code})
        if notify_owner:
            self._owner.websocket_finished(self)


def _outgoing_message(message: Message) -> ws_events.Event:
    if message.get("bytes") is not None:
        return ws_events.BytesMessage(data=bytes(message["bytes"]))
    if message.get("text") is not None:
        return ws_events.TextMessage(data=str(message["text"]))
    raise RuntimeError("'websocket.send' needs 'bytes' or 'text'")


def _size_of(message: Message) -> int:
    """The payload length of a queued message (characters for text): what it costs to hold."""
    return len(message.get("text") or message.get("bytes") or "")


def _as_bytes(part: str | bytes | bytearray) -> bytes:
    return part.encode() if isinstance(part, str) else bytes(part)
