"""The TLS port: ALPN picks h2 or http/1.1, and plaintext, garbage or a stalled handshake only cost a closed connection.

Runs against the TLS kinds (``covet serve --prod --certfile ... --keyfile ...``
with the session's self-signed certificate).
"""

from __future__ import annotations

import socket
import ssl
import time

import pytest
from conformance_client import RawConnection, request_bytes
from conformance_servers import HEADER_TIMEOUT, SLACK, RunningServer, assert_healthy

pytestmark = pytest.mark.tls_only


def _client_hello(server: RunningServer) -> bytes:
    """The bytes of a real TLS ClientHello for this server, made without a socket."""
    context = server.tls_context("h2")
    assert context is not None
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=server.host)
    with pytest.raises(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


def _closed_within(sock: socket.socket, timeout: float) -> bytes:
    """What the server sent before closing ``sock``; fails if it is still open after ``timeout`` seconds."""
    received = b""
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return received
        if not chunk:
            return received
        received += chunk
    raise AssertionError(f"the server kept the connection open for {timeout}s; got {received[:100]!r}")


@pytest.mark.parametrize(
    ("offered", "selected"),
    [(["h2", "http/1.1"], "h2"), (["http/1.1"], "http/1.1"), (["h2"], "h2")],
    ids=["both", "http1-only", "h2-only"],
)
def test_alpn_selects_the_protocol(server: RunningServer, offered: list[str], selected: str) -> None:
    assert server.certificate is not None
    context = server.certificate.client_context(offered)
    with (
        socket.create_connection(server.address, timeout=5) as plain,
        context.wrap_socket(plain, server_hostname=server.host) as tls,
    ):
        assert tls.selected_alpn_protocol() == selected
        assert tls.version() in ("TLSv1.2", "TLSv1.3")


def test_client_without_alpn_is_served_http1(server: RunningServer) -> None:
    assert server.certificate is not None
    with RawConnection(server.address, tls=server.certificate.client_context()) as connection:
        connection.send(request_bytes("GET", "/users/11"))
        response = connection.read_response()
    assert (response.status, response.body) == (200, b'{"id": 11}')


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"GET / HTTP/1.1\r\nHost: conformance.test\r\n\r\n", id="plaintext-http1"),
        pytest.param(
            b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00", id="plaintext-h2-preface"
        ),
        pytest.param(b"\x16\x03\x01\x00\x40" + b"\xee" * 64, id="handshake-record-of-garbage"),
        pytest.param(b"\x16\x03\x01\xff\xff" + b"\x01" * 200, id="handshake-record-length-lies"),
        pytest.param(bytes(range(256)) * 4, id="binary-noise"),
    ],
)
def test_non_tls_bytes_on_the_tls_port_get_a_closed_connection(server: RunningServer, raw: bytes) -> None:
    with socket.create_connection(server.address, timeout=5) as sock:
        sock.sendall(raw)
        received = _closed_within(sock, HEADER_TIMEOUT + SLACK)
    assert b"HTTP/1.1 200" not in received
    assert b"Hello" not in received
    assert_healthy(server)


def test_client_that_stops_mid_handshake_is_dropped(server: RunningServer) -> None:
    hello = _client_hello(server)
    with socket.create_connection(server.address, timeout=5) as sock:
        sock.sendall(hello[: len(hello) // 2])
        started = time.monotonic()
        _closed_within(sock, HEADER_TIMEOUT + SLACK)
    assert time.monotonic() - started >= HEADER_TIMEOUT * 0.8
    assert_healthy(server)


def test_client_that_never_answers_the_server_hello_is_dropped(server: RunningServer) -> None:
    with socket.create_connection(server.address, timeout=5) as sock:
        sock.sendall(_client_hello(server))
        received = _closed_within(sock, HEADER_TIMEOUT + SLACK)
    assert received.startswith(b"\x16\x03"), "the server should have answered with a ServerHello record"
    assert_healthy(server)


def test_silent_connection_to_the_tls_port_is_dropped(server: RunningServer) -> None:
    with socket.create_connection(server.address, timeout=5) as sock:
        assert _closed_within(sock, HEADER_TIMEOUT + SLACK) == b""
    assert_healthy(server)
