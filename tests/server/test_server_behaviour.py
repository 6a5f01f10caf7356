"""The dev server in-process on a real socket: ASGI semantics the conformance suite does not cover."""

from __future__ import annotations

import asyncio
import io
import logging
import re
from typing import Any

import httpx
import pytest
from dev_server_harness import serving

from covet.server.access_log import RichAccessHandler, configure_logging, log_access
from covet.server.cycle import ClientDisconnected


async def raw_exchange(address: tuple[str, int], data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection(*address)
    writer.write(data)
    await writer.drain()
    response = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    return response


async def test_app_returning_without_a_response_is_a_500(caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            return

    async with serving(app, lifespan="off") as address, httpx.AsyncClient() as client:
        response = await client.get(f"http://{address[0]}:{address[1]}/")
    assert response.status_code == 500
    assert "returned without completing the response to GET /" in caplog.text


async def test_invalid_response_header_from_the_app_is_a_500(caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"bad header", b"x")]})
        await send({"type": "http.response.body", "body": b"never sent"})

    async with serving(app, lifespan="off") as address, httpx.AsyncClient() as client:
        response = await client.get(f"http://{address[0]}:{address[1]}/")
    assert response.status_code == 500
    assert "invalid response head" in caplog.text


async def test_send_after_client_disconnect_raises_an_oserror() -> None:
    outcome: asyncio.Future[BaseException | None] = asyncio.get_running_loop().create_future()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert (await receive())["type"] == "http.request"
        assert (await receive())["type"] == "http.disconnect"
        try:
            await send({"type": "http.response.start", "status": 200, "headers": []})
        except BaseException as exc:
            outcome.set_result(exc)
            raise
        outcome.set_result(None)

    async with serving(app, lifespan="off") as address:
        _, writer = await asyncio.open_connection(*address)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        writer.close()
        error = await asyncio.wait_for(outcome, 5)
    assert isinstance(error, ClientDisconnected)
    assert isinstance(error, OSError)


async def test_receive_after_the_response_is_complete_is_a_disconnect() -> None:
    messages: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        messages.append((await receive())["type"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        messages.append((await receive())["type"])

    async with serving(app, lifespan="off") as address, httpx.AsyncClient() as client:
        assert (await client.get(f"http://{address[0]}:{address[1]}/")).status_code == 204
        await asyncio.sleep(0.05)
    assert messages == ["http.request", "http.disconnect"]


async def test_scope_has_client_server_and_lifespan_state() -> None:
    seen: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await receive()
            scope["state"]["pool"] = "ready"
            await send({"type": "lifespan.startup.complete"})
            await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        seen.update(scope)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async with serving(app) as address:
        reply = await raw_exchange(address, b"GET /p?q=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 200 OK")
    assert seen["server"] == address
    assert seen["client"][0] == "127.0.0.1"
    assert seen["state"] == {"pool": "ready"}
    assert (seen["path"], seen["query_string"]) == ("/p", b"q=1")


async def test_large_upload_to_a_slow_reader_arrives_intact() -> None:
    received = bytearray()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            received.extend(message.get("body", b""))
            await asyncio.sleep(0.001)
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(len(received)).encode()})

    body = bytes(range(256)) * 4096  # 1 MiB, well over the read-pause threshold
    async with serving(app, lifespan="off") as address, httpx.AsyncClient(timeout=30) as client:
        response = await client.post(f"http://{address[0]}:{address[1]}/", content=body)
    assert response.text == str(len(body))
    assert bytes(received) == body


async def test_connections_over_the_limit_get_503() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async with serving(app, lifespan="off", max_connections=1) as address:
        _, first_writer = await asyncio.open_connection(*address)
        await asyncio.sleep(0.05)
        reply = await raw_exchange(address, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert reply.startswith(b"HTTP/1.1 503 Service Unavailable")
        first_writer.close()
        await asyncio.sleep(0.05)
        reply = await raw_exchange(address, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert reply.startswith(b"HTTP/1.1 200 OK")


async def test_access_log_line_format(caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 201, "headers": []})
        await send({"type": "http.response.body", "body": b"created"})

    caplog.set_level(logging.INFO, logger="covet.access")
    async with serving(app, lifespan="off") as address, httpx.AsyncClient() as client:
        await client.post(f"http://{address[0]}:{address[1]}/items?x=1", content=b"data")
    records = [record for record in caplog.records if record.name == "covet.access"]
    assert len(records) == 1
    line = records[0].getMessage()
    assert re.fullmatch(r'127\.0\.0\.1:\d+ - "POST /items\?x=1 HTTP/1\.1" 201 7 \d+\.\dms', line), line
    assert (records[0].method, records[0].path, records[0].status, records[0].bytes) == ("POST", "/items?x=1", 201, 7)


async def test_access_log_can_be_switched_off(caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    caplog.set_level(logging.INFO, logger="covet.access")
    async with serving(app, lifespan="off", access_log=False) as address, httpx.AsyncClient() as client:
        await client.get(f"http://{address[0]}:{address[1]}/")
    assert not [record for record in caplog.records if record.name == "covet.access"]


def test_rich_handler_colours_the_status_code(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="covet.access")
    log_access(("10.0.0.1", 4000), "GET", "/missing", "1.1", 404, 9, 1.25)
    record = caplog.records[-1]
    text = RichAccessHandler().render_message(record, record.getMessage())
    assert text.plain == '10.0.0.1:4000 - "GET /missing HTTP/1.1" 404 9 1.2ms'
    styled = [(text.plain[span.start : span.end], str(span.style)) for span in text.spans]
    assert styled == [("404", "yellow")]


async def test_pipelined_flood_is_throttled_while_the_client_does_not_read() -> None:
    calls = 0
    payload = b"p" * 65536

    async def app(scope: Any, receive: Any, send: Any) -> None:
        nonlocal calls
        calls += 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": payload})

    requests = 400
    async with serving(app, lifespan="off") as address:
        reader, writer = await asyncio.open_connection(*address)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * requests)
        await writer.drain()
        await asyncio.sleep(1.0)
        # 400 x 64 KiB = 25 MiB of answers: without backpressure the server would have produced them all.
        assert calls < requests / 2, calls
        received = 0
        while received < requests * len(payload):
            head = await reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200 OK")
            received += len(await reader.readexactly(len(payload)))
        writer.close()
    assert calls == requests


async def test_input_after_a_connection_close_request_does_not_spoil_the_response() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await asyncio.sleep(0.1)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"complete"})

    async with serving(app, lifespan="off") as address:
        reply = await raw_exchange(address, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGARBAGE AFTER")
    assert reply.startswith(b"HTTP/1.1 200 OK")
    assert reply.endswith(b"\r\n\r\ncomplete")


async def test_app_failing_after_its_response_leaves_the_connection_alone(caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": scope["path"].encode()})
        raise RuntimeError("cleanup failed after the response")

    async with serving(app, lifespan="off") as address:
        reader, writer = await asyncio.open_connection(*address)
        for path in (b"/one", b"/two"):
            writer.write(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            head = await reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200 OK")
            assert await reader.readexactly(len(path)) == path
            await asyncio.sleep(0.05)
        writer.close()
    assert "cleanup failed after the response" in caplog.text


@pytest.mark.parametrize("colors", [True, False], ids=["terminal", "plain"])
def test_configure_logging_writes_access_lines_coloured_only_for_a_terminal(colors: bool) -> None:
    covet_logger = logging.getLogger("covet")
    saved = (covet_logger.handlers[:], covet_logger.level, covet_logger.propagate)
    root = logging.getLogger()
    root_handlers = root.handlers[:]
    root.handlers.clear()  # configure_logging leaves an application's own logging setup alone
    stream = io.StringIO()
    try:
        configure_logging(stream=stream, colors=colors)
        log_access(("127.0.0.1", 5000), "GET", "/x", "1.1", 500, 0, 2.0)
    finally:
        covet_logger.handlers[:], covet_logger.level, covet_logger.propagate = saved
        root.handlers[:] = root_handlers
    output = stream.getvalue()
    assert '127.0.0.1:5000 - "GET /x HTTP/1.1"' in output
    assert ("\x1b[" in output) is colors
