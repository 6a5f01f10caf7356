"""WebSocket routes: accept, echo, parameters, rejection of unknown paths, errors; in-process and over uvicorn."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from served_project import serve
from served_views import websocket_room

from covet.core import CovetApp, WebSocket
from covet.routing import Router


def make_app() -> CovetApp:
    router = Router()
    router.add_websocket_route("/ws/{room}", websocket_room)

    @router.websocket("/bytes")
    async def binary(websocket: WebSocket) -> None:
        await websocket.accept()
        data = await websocket.receive_bytes()
        await websocket.send_bytes(data[::-1])

    @router.websocket("/broken")
    async def broken(websocket: WebSocket) -> None:
        await websocket.accept()
        raise RuntimeError("handler failed")

    @router.websocket("/refuse")
    async def refuse(websocket: WebSocket) -> None:
        await websocket.close(4000)

    return CovetApp(router)


class Peer:
    """Drives one WebSocket scope with ASGI messages."""

    def __init__(self, app: CovetApp, path: str) -> None:
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        scope = {"type": "websocket", "path": path, "raw_path": path.encode(), "query_string": b"", "headers": [],
                 "asgi": {"version": "3.0"}, "subprotocols": []}  # fmt: skip
        self.task = asyncio.ensure_future(app(scope, self.inbox.get, self.outbox.put))

    async def send(self, message: dict[str, Any]) -> None:
        await self.inbox.put(message)

    async def next(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.outbox.get(), 5)


async def test_echo_room_in_process() -> None:
    peer = Peer(make_app(), "/ws/lobby")
    await peer.send({"type": "websocket.connect"})
    assert (await peer.next())["type"] == "websocket.accept"
    assert json.loads((await peer.next())["text"]) == {"joined": "lobby", "param": "lobby"}
    await peer.send({"type": "websocket.receive", "text": "hi"})
    assert (await peer.next()) == {"type": "websocket.send", "text": "lobby: hi"}
    await peer.send({"type": "websocket.disconnect", "code": 1001})
    await asyncio.wait_for(peer.task, 5)


async def test_bytes_in_process() -> None:
    peer = Peer(make_app(), "/bytes")
    await peer.send({"type": "websocket.connect"})
    await peer.next()
    await peer.send({"type": "websocket.receive", "bytes": b"abc"})
    assert (await peer.next()) == {"type": "websocket.send", "bytes": b"cba"}
    assert (await peer.next())["type"] == "websocket.close"


@pytest.mark.parametrize("path", ["/nowhere", "/refuse"])
async def test_unknown_or_refused_paths_are_closed_before_accept(path: str) -> None:
    peer = Peer(make_app(), path)
    await peer.send({"type": "websocket.connect"})
    message = await peer.next()
    assert message["type"] == "websocket.close"
    await asyncio.wait_for(peer.task, 5)


async def test_handler_error_closes_with_1011(caplog: pytest.LogCaptureFixture) -> None:
    peer = Peer(make_app(), "/broken")
    await peer.send({"type": "websocket.connect"})
    assert (await peer.next())["type"] == "websocket.accept"
    assert (await peer.next()) == {"type": "websocket.close", "code": 1011, "reason": ""}
    with caplog.at_level(logging.ERROR):
        await asyncio.wait_for(peer.task, 5)
    assert "RuntimeError: handler failed" in caplog.text


async def test_misuse_raises_clear_errors() -> None:
    scope = {"type": "websocket", "path": "/", "headers": []}

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: dict[str, Any]) -> None:
        pass

    websocket = WebSocket(scope, receive, send)
    with pytest.raises(RuntimeError, match="call accept\\(\\) first"):
        await websocket.send_text("x")
    with pytest.raises(RuntimeError, match="Call accept\\(\\) before receiving"):
        await websocket.receive()
    await websocket.accept()
    with pytest.raises(RuntimeError, match="accept\\(\\) called on a WebSocket that is connected"):
        await websocket.accept()
    with pytest.raises(ValueError, match="type 'websocket'"):
        WebSocket({"type": "http"}, receive, send)
    fresh = WebSocket(scope, receive, send)
    with pytest.raises(ValueError, match="line break"):
        await fresh.accept(headers=[("x-room", "a\r\nset-cookie: stolen=1")])


async def test_websocket_over_uvicorn(tmp_path) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    with serve("uvicorn", tmp_path) as server:
        url = server.base_url.replace("http://", "ws://")
        async with connect(f"{url}/ws/room%201") as ws:
            assert json.loads(await ws.recv()) == {"joined": "room 1", "param": "room 1"}
            await ws.send("hello")
            assert await ws.recv() == "room 1: hello"
        with pytest.raises(InvalidStatus) as info:
            async with connect(f"{url}/ws-missing"):
                pass
        assert info.value.response.status_code == 403
