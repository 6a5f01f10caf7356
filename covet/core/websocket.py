"""A minimal ``WebSocket`` for WebSocket routes: accept, receive and send text/bytes/JSON, close."""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Iterable
from typing import Any

import orjson

from covet.http import HTTPConnection
from covet.http.datastructures import encode_header
from covet.types import Message, Receive, Scope, Send


class WebSocketDisconnect(Exception):
    """The client closed the connection (``code`` is the WebSocket close code)."""

    def __init__(self, code: int = 1000, reason: str = "") -> None:
        self.code = code
        self.reason = reason
        super().__init__(f"WebSocket closed by the client with code {code}" + (f": {reason}" if reason else ""))


class WebSocketState(enum.Enum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    CLOSED = "closed"


class WebSocket(HTTPConnection):
    """One WebSocket connection. ``await websocket.accept()`` before sending; receiving after the client left
    raises ``WebSocketDisconnect``."""

    def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "websocket":
            raise ValueError(f"WebSocket needs an ASGI scope of type 'websocket', not {scope.get('type')!r}.")
        super().__init__(scope)
        self._receive = receive
        self._send = send
        self.connection_state = WebSocketState.CONNECTING
        self._connect_received = False

    async def accept(self, subprotocol: str | None = None, headers: Iterable[tuple[str, str]] = ()) -> None:
        if self.connection_state is not WebSocketState.CONNECTING:
            raise RuntimeError(f"accept() called on a WebSocket that is {self.connection_state.value}.")
        if not self._connect_received:
            message = await self._receive()
            if message["type"] == "websocket.disconnect":
                self.connection_state = WebSocketState.CLOSED
                raise WebSocketDisconnect(message.get("code", 1000))
            self._connect_received = True
        raw_headers = [encode_header(name, value) for name, value in headers]  # refuses CR/LF, says why
        await self._send({"type": "websocket.accept", "subprotocol": subprotocol, "headers": raw_headers})
        self.connection_state = WebSocketState.CONNECTED

    async def receive(self) -> Message:
        """The next ``websocket.receive`` message; ``WebSocketDisconnect`` if the client closed."""
        if self.connection_state is not WebSocketState.CONNECTED:
            raise RuntimeError("Call accept() before receiving, and do not receive after close().")
        message = await self._receive()
        if message["type"] == "websocket.disconnect":
            self.connection_state = WebSocketState.CLOSED
            raise WebSocketDisconnect(message.get("code", 1000), message.get("reason") or "")
        return message

    async def receive_text(self) -> str:
        message = await self.receive()
        text = message.get("text")
        if text is None:
            raise TypeError("Expected a text WebSocket message, got a binary one; use receive_bytes().")
        return str(text)

    async def receive_bytes(self) -> bytes:
        message = await self.receive()
        data = message.get("bytes")
        if data is None:
            raise TypeError("Expected a binary WebSocket message, got a text one; use receive_text().")
        return bytes(data)

    async def receive_json(self) -> Any:
        message = await self.receive()
        payload = message.get("text") if message.get("text") is not None else message.get("bytes")
        return orjson.loads(payload or b"")

    async def iter_text(self) -> AsyncIterator[str]:
        """Text messages until the client disconnects."""
        try:
            while True:
                yield await self.receive_text()
        except WebSocketDisconnect:
            return

    async def send_text(self, data: str) -> None:
        await self._send_message({"type": "websocket.send", "text": data})

    async def send_bytes(self, data: bytes) -> None:
        await self._send_message({"type": "websocket.send", "bytes": data})

    async def send_json(self, data: Any) -> None:
        await self._send_message({"type": "websocket.send", "text": orjson.dumps(data).decode("utf-8")})

    async def _send_message(self, message: Message) -> None:
        if self.connection_state is not WebSocketState.CONNECTED:
            raise RuntimeError(
                f"Cannot send on a WebSocket that is {self.connection_state.value}; call accept() first."
            )
        await self._send(message)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close the connection (before ``accept()``, this rejects the handshake: the client sees HTTP 403)."""
        if self.connection_state is WebSocketState.CLOSED:
            return
        if not self._connect_received and self.connection_state is WebSocketState.CONNECTING:
            message = await self._receive()
            self._connect_received = message["type"] == "websocket.connect"
        self.connection_state = WebSocketState.CLOSED
        await self._send({"type": "websocket.close", "code": code, "reason": reason})
