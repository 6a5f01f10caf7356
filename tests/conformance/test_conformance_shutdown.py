"""Graceful shutdown: on SIGTERM the request in flight completes, new connections are refused, exit code 0.

Over HTTP/2 the server says GOAWAY and lets the open streams finish.
"""

from __future__ import annotations

import signal
import socket
import time
from collections.abc import Callable

import pytest
from conformance_client import request_bytes
from conformance_servers import HTTP1_KINDS, HTTP2_KINDS, KEEPALIVE_TIMEOUT, RunningServer


def _connection_refused(address: tuple[str, int]) -> bool:
    try:
        socket.create_connection(address, timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


@pytest.mark.parametrize("kind", HTTP1_KINDS)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_lets_the_request_in_flight_finish(
    server_factory: Callable[..., RunningServer], kind: str, sig: signal.Signals
) -> None:
    server = server_factory(kind)
    with server.connect(timeout=15) as in_flight, server.connect() as idle:
        idle.send(request_bytes("GET", "/"))
        assert idle.read_response().status == 200
        in_flight.send(request_bytes("GET", "/slow?ms=1500"))
        time.sleep(0.3)
        server.process.send_signal(sig)
        time.sleep(0.3)
        assert _connection_refused(server.address), "new connections must be refused once shutdown began"
        # The idle keep-alive connection is closed without waiting for its timeout.
        assert idle.is_closed_within(KEEPALIVE_TIMEOUT / 2)
        response = in_flight.read_response()
        assert (response.status, response.body) == (200, b"slept 1500ms")
        assert (response.header("connection") or "").lower() == "close"
        assert in_flight.is_closed_within(5)
    assert server.stop(sig, timeout=15) == 0, server.log()
    assert _connection_refused(server.address)


@pytest.mark.parametrize("kind", HTTP1_KINDS)
def test_pipelined_requests_queued_behind_shutdown_are_not_half_answered(
    server_factory: Callable[..., RunningServer], kind: str
) -> None:
    server = server_factory(kind)
    with server.connect(timeout=15) as connection:
        connection.send(request_bytes("GET", "/slow?ms=800") + request_bytes("GET", "/"))
        time.sleep(0.3)
        server.process.send_signal(signal.SIGTERM)
        first = connection.read_response()
        assert (first.status, first.body) == (200, b"slept 800ms")
        # The second request was never started: the connection closes instead of a partial answer.
        assert connection.is_closed_within(5)
    assert server.stop(timeout=15) == 0, server.log()


@pytest.mark.parametrize("kind", HTTP2_KINDS)
def test_http2_stream_in_flight_finishes_after_goaway(server_factory: Callable[..., RunningServer], kind: str) -> None:
    server = server_factory(kind)
    with server.connect_h2(timeout=15) as connection:
        assert connection.get("/").status == 200
        in_flight = connection.request("GET", "/slow?ms=1200")
        time.sleep(0.3)
        server.process.send_signal(signal.SIGTERM)
        (response,) = connection.wait_for(in_flight, timeout=10)
        assert (response.status, response.body) == (200, b"slept 1200ms")
        assert connection.goaway_code == 0, "the server must announce the stop with GOAWAY (NO_ERROR)"
        assert connection.wait_closed(5)
    assert _connection_refused(server.address)
    assert server.stop(timeout=15) == 0, server.log()
