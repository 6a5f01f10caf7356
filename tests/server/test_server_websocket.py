"""WebSocket on the dev server, driven by the independent ``websockets`` client over real sockets."""

from __future__ import annotations

import asyncio
import base64
import os
from typing import Any

import pytest
from dev_server_harness import serving
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from covet.server.websocket import INCOMING_HIGH_WATER
from covet.server.ws_protocol import build_websocket_scope, handshake_problem, is_websocket_upgrade


async def echo_app(scope: Any, receive: Any, send: Any) -> None:
    """Echoes text and bytes; "close" makes it close with 4000; "boom" makes it raise."""
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"plain http"})
        return
    assert (await receive())["type"] == "websocket.connect"
    if scope["path"] == "/deny":
        await send({"type": "websocket.close"})
        return
    if scope["path"] == "/crash-before-accept":
        raise RuntimeError("cannot accept")
    await send({"type": "websocket.accept", "subprotocol": (scope["subprotocols"] or [None])[0]})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            disconnects.append(message["code"])
            return
        if message.get("text") == "close":
            await send({"type": "websocket.close", "code": 4000, "reason": "asked to"})
            return
        if message.get("text") == "boom":
            raise RuntimeError("boom inside a websocket")
        if message.get("text") is not None:
            await send({"type": "websocket.send", "text": "echo:" + message["text"]})
        else:
            await send({"type": "websocket.send", "bytes": b"echo:" + message["bytes"]})


disconnects: list[int] = []


def ws_url(address: tuple[str, int], path: str = "/ws") -> str:
    return f"ws://{address[0]}:{address[1]}{path}"


async def test_text_and_binary_echo_and_fragmented_messages() -> None:
    async with serving(echo_app, lifespan="off") as address, connect(ws_url(address)) as websocket:
        await websocket.send("hello")
        assert await websocket.recv() == "echo:hello"
        await websocket.send(b"\x00\x01")
        assert await websocket.recv() == b"echo:\x00\x01"
        await websocket.send(["frag", "mented"])  # one message in several frames
        assert await websocket.recv() == "echo:fragmented"
        big = "x" * 200_000
        await websocket.send(big)
        assert await websocket.recv() == "echo:" + big


async def test_subprotocol_negotiation_and_scope() -> None:
    async with (
        serving(echo_app, lifespan="off") as address,
        connect(ws_url(address, "/ws?room=1"), subprotocols=["chat.v1"]) as websocket,  # type: ignore[list-item]
    ):
        assert websocket.subprotocol == "chat.v1"
        await websocket.send("ok")
        assert await websocket.recv() == "echo:ok"


async def test_app_close_code_reaches_the_client() -> None:
    async with serving(echo_app, lifespan="off") as address, connect(ws_url(address)) as websocket:
        await websocket.send("close")
        with pytest.raises(ConnectionClosed) as info:
            await websocket.recv()
    assert info.value.rcvd is not None
    assert (info.value.rcvd.code, info.value.rcvd.reason) == (4000, "asked to")


async def test_client_close_reaches_the_app_as_disconnect() -> None:
    disconnects.clear()
    async with serving(echo_app, lifespan="off") as address:
        async with connect(ws_url(address)) as websocket:
            await websocket.send("hi")
            await websocket.recv()
            await websocket.close(code=1000)
        for _ in range(50):
            if disconnects:
                break
            await asyncio.sleep(0.02)
    assert disconnects == [1000]


async def refused_handshake_status(address: tuple[str, int], path: str) -> int:
    """The HTTP status the server answered a WebSocket handshake for ``path`` with (it must refuse it)."""
    with pytest.raises(InvalidStatus) as info:
        async with connect(ws_url(address, path)):
            pass
    return info.value.response.status_code


async def test_refused_before_accept_is_a_403() -> None:
    async with serving(echo_app, lifespan="off") as address:
        assert await refused_handshake_status(address, "/deny") == 403


async def test_exception_before_accept_is_a_500_and_after_accept_a_1011_close() -> None:
    async with serving(echo_app, lifespan="off") as address:
        assert await refused_handshake_status(address, "/crash-before-accept") == 500
        async with connect(ws_url(address)) as websocket:
            await websocket.send("boom")
            with pytest.raises(ConnectionClosed) as closed:
                await websocket.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1011


async def test_message_over_the_limit_closes_with_1009() -> None:
    async with serving(echo_app, lifespan="off", websocket_max_message_size=1000) as address:
        async with connect(ws_url(address)) as websocket:
            await websocket.send("y" * 2000)
            with pytest.raises(ConnectionClosed) as closed:
                await websocket.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


async def test_a_client_outpacing_the_app_is_held_back_and_loses_nothing() -> None:
    count, size = 3000, 1024
    release = asyncio.Event()
    waiting: list[int] = []

    async def slow_reader(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await release.wait()
        waiting.append(receive.__self__._incoming.qsize())  # what piled up while the app was not reading
        received = 0
        while (await receive())["type"] == "websocket.receive":
            received += 1
            if received == count:
                await send({"type": "websocket.send", "text": str(received)})

    async with serving(slow_reader, lifespan="off") as address, connect(ws_url(address)) as websocket:
        sending = asyncio.gather(*(websocket.send("m" * size) for _ in range(count)))
        await asyncio.wait([sending], timeout=2)  # with backpressure, sending stalls once the socket buffers fill
        await asyncio.sleep(0.2)
        release.set()
        await asyncio.wait_for(sending, 20)
        assert await asyncio.wait_for(websocket.recv(), 20) == str(count)
    # At most the high-water mark plus one socket read (asyncio reads up to 256 KiB at once): not all 3 MiB.
    assert waiting[0] * size <= INCOMING_HIGH_WATER + 256 * 1024


async def test_ping_is_answered() -> None:
    async with serving(echo_app, lifespan="off") as address, connect(ws_url(address)) as websocket:
        latency = await asyncio.wait_for(await websocket.ping(), 5)
        assert latency >= 0


async def test_shutdown_closes_open_websockets_with_1001() -> None:
    async with serving(echo_app, lifespan="off") as address:
        websocket = await connect(ws_url(address))
        await websocket.send("hi")
        await websocket.recv()
    with pytest.raises(ConnectionClosed) as closed:
        await websocket.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001


async def test_bad_handshake_is_400_and_plain_http_still_works() -> None:
    async with serving(echo_app, lifespan="off") as address:
        reader, writer = await asyncio.open_connection(*address)
        writer.write(
            b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: " + base64.b64encode(os.urandom(16)) + b"\r\n\r\n"
        )
        reply = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        assert reply.startswith(b"HTTP/1.1 400 Bad Request")
        assert b"Sec-WebSocket-Version" in reply
        reader, writer = await asyncio.open_connection(*address)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert (await asyncio.wait_for(reader.read(), 5)).endswith(b"plain http")
        writer.close()


def test_handshake_validation_is_sans_io() -> None:
    import h11

    def request(*headers: tuple[str, str], method: str = "GET") -> h11.Request:
        return h11.Request(method=method, target="/chat?x=1", headers=[("Host", "x"), *headers])

    key = base64.b64encode(b"0123456789abcdef").decode()
    good = request(
        ("Upgrade", "WebSocket"),
        ("Connection", "keep-alive, Upgrade"),
        ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Key", key),
        ("Sec-WebSocket-Protocol", "a, b"),
    )
    assert is_websocket_upgrade(good)
    assert handshake_problem(good) is None
    scope = build_websocket_scope(good, client=None, server=None)
    assert (scope["type"], scope["scheme"], scope["path"], scope["subprotocols"]) == (
        "websocket",
        "ws",
        "/chat",
        ["a", "b"],
    )
    assert "method" not in scope
    assert not is_websocket_upgrade(request(("Upgrade", "h2c"), ("Connection", "Upgrade")))
    bad_key = request(
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Key", "short"),
    )
    assert handshake_problem(bad_key) == "missing or malformed Sec-WebSocket-Key"
    post = request(("Upgrade", "websocket"), ("Connection", "Upgrade"), method="POST")
    assert handshake_problem(post) == "WebSocket handshake must use GET, not POST"
