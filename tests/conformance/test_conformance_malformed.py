"""Malformed and hostile requests: each gets its exact status and a closed connection, and the server lives on.

The statuses are the contract both servers implement (see docs/dev-server.md,
"Malformed requests"): 400 for anything that is not valid HTTP/1.1 framing,
including unsupported versions and unknown transfer codings (RFC 9112 section
6.3), 431 for heads over the limit.
"""

from __future__ import annotations

import socket

import pytest
from conformance_client import ConnectionClosed
from conformance_servers import RunningServer, assert_healthy

pytestmark = pytest.mark.http1_only  # HTTP/1.1 framing; the HTTP/2 counterparts are in test_conformance_h2_hostile.py

HOST = b"Host: conformance.test\r\n"


def _get(*header_lines: bytes) -> bytes:
    return b"GET / HTTP/1.1\r\n" + b"".join(line + b"\r\n" for line in header_lines) + b"\r\n"


def _post(*header_lines: bytes, body: bytes) -> bytes:
    return b"POST /echo HTTP/1.1\r\n" + HOST + b"".join(line + b"\r\n" for line in header_lines) + b"\r\n" + body


TE_CHUNKED = b"Transfer-Encoding: chunked"

# (case id, raw bytes, expected status)
MALFORMED_REQUESTS: list[tuple[str, bytes, int]] = [
    # The request line.
    ("garbage-request-line", b"HELLO\r\n\r\n", 400),
    ("missing-target", b"GET HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("double-space-in-request-line", b"GET  / HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("space-inside-target", b"GET /a b HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("control-byte-in-target", b"GET /a\x01b HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("del-byte-in-target", b"GET /a\x7fb HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("invalid-method-characters", b"G(T / HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    ("lowercase-protocol-name", b"GET / http/1.1\r\n" + HOST + b"\r\n", 400),
    ("http-0.9-request-line", b"GET /\r\n\r\n", 400),
    ("http-version-2.0-on-http1", b"GET / HTTP/2.0\r\n" + HOST + b"\r\n", 400),
    ("http-version-3.0", b"GET / HTTP/3.0\r\n" + HOST + b"\r\n", 400),
    ("http-version-9.9", b"GET / HTTP/9.9\r\n" + HOST + b"\r\n", 400),
    ("http-version-without-minor", b"GET / HTTP/1\r\n" + HOST + b"\r\n", 400),
    ("http-version-three-parts", b"GET / HTTP/1.1.1\r\n" + HOST + b"\r\n", 400),
    ("http-version-leading-zero", b"GET / HTTP/01.1\r\n" + HOST + b"\r\n", 400),
    ("tls-client-hello-on-plain-port", bytes.fromhex("16 03 01 02 00 01 00 01 fc 03 03") + b"\x00" * 64, 400),
    ("binary-after-method", b"GET /\x00\xff\xfe\x80 HTTP/1.1\r\n" + HOST + b"\r\n", 400),
    # Headers.
    ("missing-host-on-http-1.1", _get(), 400),
    ("duplicate-host", _get(b"Host: a.test", b"Host: b.test"), 400),
    ("header-line-without-colon", _get(HOST[:-2], b"NoColonHere"), 400),
    ("whitespace-before-colon", _get(HOST[:-2], b"X-Thing : value"), 400),
    ("invalid-character-in-header-name", _get(HOST[:-2], b"X(Thing): value"), 400),
    ("empty-header-name", _get(HOST[:-2], b": value"), 400),
    ("nul-byte-in-header-value", _get(HOST[:-2], b"X-Thing: a\x00b"), 400),
    ("nul-byte-in-header-name", _get(HOST[:-2], b"X-Th\x00ing: value"), 400),
    ("bare-cr-in-header-value", _get(HOST[:-2], b"X-Thing: a\rb"), 400),
    ("del-byte-in-header-value", _get(HOST[:-2], b"X-Thing: a\x7fb"), 400),
    ("control-byte-in-header-value", _get(HOST[:-2], b"X-Thing: a\x01b"), 400),
    ("escape-sequence-in-header-value", _get(HOST[:-2], b"X-Thing: \x1b[31mred"), 400),
    ("obs-fold-continuation-line", _get(HOST[:-2], b"X-Folded: first", b"  second"), 400),
    ("whitespace-before-first-header", b"GET / HTTP/1.1\r\n X-Thing: value\r\n" + HOST + b"\r\n", 400),
    # Body framing and smuggling.
    ("conflicting-content-length-headers", _post(b"Content-Length: 5", b"Content-Length: 6", body=b"hello"), 400),
    ("conflicting-content-length-list", _post(b"Content-Length: 5, 6", body=b"hello"), 400),
    ("negative-content-length", _post(b"Content-Length: -1", body=b"hello"), 400),
    ("non-numeric-content-length", _post(b"Content-Length: abc", body=b"hello"), 400),
    ("plus-signed-content-length", _post(b"Content-Length: +5", body=b"hello"), 400),
    ("content-length-overflowing-64-bits", _post(b"Content-Length: " + b"9" * 25, body=b"hello"), 400),
    ("content-length-with-transfer-encoding", _post(b"Content-Length: 5", TE_CHUNKED, body=b"0\r\n\r\n"), 400),
    ("transfer-encoding-with-content-length", _post(TE_CHUNKED, b"Content-Length: 5", body=b"0\r\n\r\n"), 400),
    ("transfer-encoding-space-before-colon", _post(b"Transfer-Encoding : chunked", body=b"0\r\n\r\n"), 400),
    ("transfer-encoding-vertical-tab", _post(b"Transfer-Encoding:\x0bchunked", body=b"0\r\n\r\n"), 400),
    ("unknown-transfer-encoding", _post(b"Transfer-Encoding: gzip", body=b"hello"), 400),
    ("chunked-not-final-encoding", _post(b"Transfer-Encoding: chunked, gzip", body=b"0\r\n\r\n"), 400),
    ("transfer-encoding-xchunked", _post(b"Transfer-Encoding: xchunked", body=b"0\r\n\r\n"), 400),
    # Chunked bodies.
    ("chunk-size-not-hex", _post(TE_CHUNKED, body=b"zz\r\nhello\r\n0\r\n\r\n"), 400),
    ("chunk-size-negative", _post(TE_CHUNKED, body=b"-5\r\nhello\r\n0\r\n\r\n"), 400),
    ("chunk-size-overflowing-64-bits", _post(TE_CHUNKED, body=b"f" * 23 + b"\r\nhello\r\n0\r\n\r\n"), 400),
    ("chunk-size-with-inner-space", _post(TE_CHUNKED, body=b"5 5\r\nhello\r\n0\r\n\r\n"), 400),
    ("chunk-data-longer-than-size", _post(TE_CHUNKED, body=b"5\r\nhelloEXTRA\r\n0\r\n\r\n"), 400),
]


def test_there_are_at_least_thirty_distinct_cases() -> None:
    assert len({case_id for case_id, _, _ in MALFORMED_REQUESTS}) >= 30
    assert len({raw for _, raw, _ in MALFORMED_REQUESTS}) == len(MALFORMED_REQUESTS)


@pytest.mark.parametrize(
    ("raw", "expected_status"),
    [pytest.param(raw, status, id=case_id) for case_id, raw, status in MALFORMED_REQUESTS],
)
def test_malformed_request_is_rejected_and_the_server_keeps_serving(
    server: RunningServer, raw: bytes, expected_status: int
) -> None:
    with server.connect() as connection:
        connection.send(raw)
        response = connection.read_response()
        assert response.status == expected_status, (response.status, response.reason, response.body)
        assert connection.is_closed_within(5), "the server must close the connection after a malformed request"
    assert_healthy(server)


def test_http2_preface_on_http1_port_is_not_served_as_http1(server: RunningServer) -> None:
    preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    garbage_frame = b"\x00\x00\x05\xff\x00\x00\x00\x00\x01garba"
    with server.connect() as connection:
        connection.send(preface + garbage_frame)
        data = connection.read_until_closed(10)
    assert not data.startswith(b"HTTP/1.1 2"), data[:100]
    if data.startswith(b"HTTP/1.1"):
        assert data.startswith(b"HTTP/1.1 400"), data[:100]
    assert_healthy(server)


def test_body_longer_than_content_length_is_read_as_a_bad_next_request(server: RunningServer) -> None:
    raw = _post(b"Content-Length: 5", body=b"helloSMUGGLED / HTTP/1.1\r\n\r\n")
    with server.connect() as connection:
        connection.send(raw)
        first = connection.read_response()
        second = connection.read_response()
        assert (first.status, first.body) == (200, b"hello")
        assert second.status == 400
        assert connection.is_closed_within(5)
    assert_healthy(server)


def test_client_disconnect_mid_headers(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(b"GET / HTTP/1.1\r\nHost: conformance.test\r\nX-Partial: ")
    assert_healthy(server)


def test_client_disconnect_mid_body_with_reset(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(_post(b"Content-Length: 100000", body=b"a" * 1000))
        # SO_LINGER 0: close with a TCP reset instead of a FIN.
        connection.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    assert_healthy(server)


def test_a_request_after_a_malformed_one_on_the_same_connection_is_not_served(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(b"BROKEN\r\n\r\n" + b"GET / HTTP/1.1\r\n" + HOST + b"\r\n")
        assert connection.read_response().status == 400
        try:
            leftover = connection.read_until_closed(5)
        except ConnectionClosed:
            leftover = b""
        assert b"Hello, world!" not in leftover
    assert_healthy(server)
