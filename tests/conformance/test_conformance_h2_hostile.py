"""Hostile HTTP/2: bad prefaces, malformed header blocks, lying content-length, resets and stream floods.

Each case must end in a stream error (RST_STREAM) or a connection error
(GOAWAY and/or close), never a served request; afterwards a normal request on a
new connection succeeds, so the worker lives on.
"""

from __future__ import annotations

import time

import h2.errors
import pytest
from conformance_h2 import Header
from conformance_servers import BODY_TIMEOUT, MAX_BODY_SIZE, MAX_HEADER_SIZE, SLACK, RunningServer, assert_healthy

pytestmark = pytest.mark.http2_only

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
EMPTY_SETTINGS = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"
PROTOCOL_ERROR = h2.errors.ErrorCodes.PROTOCOL_ERROR


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(PREFACE + b"\xff" * 64, id="garbage-after-preface"),
        pytest.param(PREFACE + EMPTY_SETTINGS + b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", id="http1-after-settings"),
        pytest.param(b"PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n" + EMPTY_SETTINGS, id="bad-preface-magic"),
        pytest.param(PREFACE + b"\x00\x00\x06\x01\x05\x00\x00\x00\x01", id="headers-frame-cut-short"),
        pytest.param(PREFACE + b"\x00\x00\x04\x00\x00\x00\x00\x00\x01body", id="data-before-settings-on-idle-stream"),
        pytest.param(PREFACE + b"\x00\x00\x00\x04\x00\x00\x00\x00\x01", id="settings-on-a-stream"),
    ],
)
def test_garbage_frames_close_the_connection(server: RunningServer, raw: bytes) -> None:
    with server.connect_h2(preface=False) as connection:
        connection.send_raw(raw)
        assert connection.wait_closed(10), "the server kept a connection open after invalid HTTP/2"
    assert all(response.status is None for response in connection.responses.values())
    assert_healthy(server)


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        pytest.param([("X-Upper", "value")], None, id="uppercase-header-name"),
        pytest.param([("x-bad name", "value")], None, id="space-in-header-name"),
        pytest.param([("x-thing", "a\r\nx-injected: 1")], None, id="crlf-in-header-value"),
        pytest.param([("connection", "keep-alive")], None, id="connection-header"),
        pytest.param([("keep-alive", "timeout=5")], None, id="keep-alive-header"),
        pytest.param([("transfer-encoding", "chunked")], None, id="transfer-encoding-header"),
        pytest.param([("upgrade", "websocket")], None, id="upgrade-header"),
        pytest.param([("te", "gzip")], None, id="te-other-than-trailers"),
        pytest.param([(":unknown", "pseudo")], None, id="unknown-pseudo-header"),
        pytest.param([("content-length", "10")], b"short", id="content-length-over-the-data"),
        pytest.param([("content-length", "3")], b"longer than three", id="content-length-under-the-data"),
    ],
)
def test_malformed_request_is_a_stream_or_connection_error(
    server: RunningServer, headers: list[Header], body: bytes | None
) -> None:
    with server.connect_h2() as connection:
        (response,) = connection.wait_for(connection.request("POST", "/echo", headers, body))
        _assert_refused(connection.closed, connection.goaway_code, response.status, response.reset_code)
    assert_healthy(server)


def _assert_refused(closed: bool, goaway: int | None, status: int | None, reset: int | None) -> None:
    """A stream error (RST_STREAM PROTOCOL_ERROR, before or after a 400) or a connection error; never a 2xx."""
    assert status is None or status == 400, f"a malformed request was served with {status}"
    stream_error = reset == PROTOCOL_ERROR
    connection_error = closed or goaway == PROTOCOL_ERROR
    assert stream_error or connection_error or status == 400, (closed, goaway, status, reset)


def test_oversized_header_block_is_431_or_refused(server: RunningServer) -> None:
    with server.connect_h2() as connection:
        # Larger than one 16 KiB frame too, so it goes out as HEADERS + CONTINUATION.
        stream = connection.request("GET", "/", [("x-big", "a" * (MAX_HEADER_SIZE * 3))])
        (response,) = connection.wait_for(stream)
        assert response.status != 200
        assert response.status == 431 or response.reset_code is not None or connection.closed, response
    assert_healthy(server)


def test_body_over_the_limit_is_413(server: RunningServer) -> None:
    with server.connect_h2() as connection:
        declared = connection.request("POST", "/echo", body=b"d" * (MAX_BODY_SIZE + 1))
        (response,) = connection.wait_for(declared)
        assert response.status == 413
        undeclared = connection.request("POST", "/echo", end_stream=False)
        for _ in range(MAX_BODY_SIZE // 8192 + 2):
            connection.send_data(undeclared, b"u" * 8192)
        connection.send_data(undeclared, b"", end_stream=True)
        (response,) = connection.wait_for(undeclared)
        assert response.status == 413 or response.reset_code is not None, response
    assert_healthy(server)


def test_stalled_request_body_gets_408_on_its_stream(server: RunningServer) -> None:
    with server.connect_h2(timeout=BODY_TIMEOUT + SLACK + 5) as connection:
        started = time.monotonic()
        stream = connection.request("POST", "/echo", [("content-length", "100")], b"only part", end_stream=False)
        (response,) = connection.wait_for(stream, timeout=BODY_TIMEOUT + SLACK)
        assert response.status == 408
        assert BODY_TIMEOUT * 0.8 <= time.monotonic() - started <= BODY_TIMEOUT + SLACK
        # A stream error only: the connection still serves.
        assert connection.get("/users/6").body == b'{"id": 6}'
    assert_healthy(server)


def test_reset_after_headers_before_any_body(server: RunningServer) -> None:
    with server.connect_h2() as connection:
        stream = connection.request("POST", "/echo", [("content-length", "1000")], end_stream=False)
        connection.reset(stream)
        assert connection.get("/users/5").body == b'{"id": 5}'
    assert_healthy(server)


def test_rapid_reset_flood_is_bounded_and_the_server_keeps_answering(server: RunningServer) -> None:
    with server.connect_h2(timeout=10) as connection:
        for _ in range(2000):
            connection.reset(connection.request("GET", "/slow?ms=2000"))
        # The server may cut this connection off (GOAWAY ENHANCE_YOUR_CALM) or keep it; either way it stays bounded.
        connection.wait_closed(2)
    started = time.monotonic()
    assert_healthy(server)
    assert time.monotonic() - started < 2, "the server was still busy with the reset streams"


def test_streams_over_the_concurrency_limit_are_refused(server: RunningServer) -> None:
    with server.connect_h2(timeout=20) as connection:
        # Sent before reading the server's SETTINGS, so the client does not hold itself to the limit.
        streams = [connection.request("GET", "/slow?ms=300") for _ in range(300)]
        responses = connection.wait_for(*streams, timeout=20)
    served = [response for response in responses if response.status == 200]
    refused = [response for response in responses if response.reset_code == h2.errors.ErrorCodes.REFUSED_STREAM]
    assert len(served) + len(refused) == len(streams)
    assert 1 <= len(served) <= 256
    assert all(response.body == b"slept 300ms" for response in served)
    assert_healthy(server)


def test_client_that_sends_only_the_preface_is_closed(server: RunningServer) -> None:
    with server.connect_h2(preface=False) as connection:
        connection.send_raw(PREFACE)
        assert connection.wait_closed(10)
    assert_healthy(server)


@pytest.mark.tls_only  # in cleartext the server rightly serves HTTP/1.1 on the same port
def test_http1_request_on_an_http2_connection_is_not_served(server: RunningServer) -> None:
    with server.connect_h2(preface=False) as connection:
        connection.send_raw(b"GET / HTTP/1.1\r\nHost: conformance.test\r\n\r\n")
        assert connection.wait_closed(10)
        assert all(response.status is None for response in connection.responses.values())
    assert_healthy(server)
