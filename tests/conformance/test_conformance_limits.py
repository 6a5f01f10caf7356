"""Size limits and time limits: 431, 413 (declared and streamed), 408 on slow heads and bodies, idle close."""

from __future__ import annotations

import time

import pytest
from conformance_client import SEND_FAILED, RawConnection, chunked, request_bytes
from conformance_servers import (
    BODY_TIMEOUT,
    HEADER_TIMEOUT,
    KEEPALIVE_TIMEOUT,
    MAX_BODY_SIZE,
    MAX_HEADER_SIZE,
    SLACK,
    RunningServer,
    assert_healthy,
)

pytestmark = pytest.mark.http1_only  # raw HTTP/1.1 bytes; the HTTP/2 limits are in test_conformance_h2_hostile.py


def _expect_status_then_close(connection: RawConnection, status: int) -> None:
    response = connection.read_response()
    assert response.status == status, response
    assert connection.is_closed_within(5), "the server must close the connection after this error"


def test_single_huge_header_is_431(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(request_bytes("GET", "/", {"X-Big": "a" * (MAX_HEADER_SIZE + 100)}))
        _expect_status_then_close(connection, 431)
    assert_healthy(server)


def test_too_many_headers_is_431(server: RunningServer) -> None:
    headers = {f"X-Header-{index}": "v" * 40 for index in range(MAX_HEADER_SIZE // 50 + 20)}
    with server.connect() as connection:
        connection.send(request_bytes("GET", "/", headers))
        _expect_status_then_close(connection, 431)
    assert_healthy(server)


def test_oversized_url_is_431(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(request_bytes("GET", "/" + "u" * (MAX_HEADER_SIZE * 2)))
        _expect_status_then_close(connection, 431)
    assert_healthy(server)


def test_headers_just_under_the_limit_are_accepted(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(request_bytes("GET", "/", {"X-Big": "a" * (MAX_HEADER_SIZE - 500)}))
        assert connection.read_response().status == 200


def test_declared_body_over_the_limit_is_413_before_the_body_is_sent(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(request_bytes("POST", "/echo", {"Content-Length": str(MAX_BODY_SIZE + 1)}))
        _expect_status_then_close(connection, 413)
    assert_healthy(server)


def test_chunked_body_growing_over_the_limit_is_413(server: RunningServer) -> None:
    piece = b"z" * 8192
    with server.connect() as connection:
        connection.send(request_bytes("POST", "/echo", {"Transfer-Encoding": "chunked"}))
        try:
            for _ in range(MAX_BODY_SIZE // len(piece) + 4):
                connection.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        except SEND_FAILED:
            pass  # the server may stop reading once it answered 413
        _expect_status_then_close(connection, 413)
    assert_healthy(server)


def test_body_exactly_at_the_limit_is_accepted(server: RunningServer) -> None:
    body = b"q" * MAX_BODY_SIZE
    with server.connect() as connection:
        connection.send(request_bytes("POST", "/echo", {"Transfer-Encoding": "chunked"}) + chunked(body))
        response = connection.read_response()
    assert response.status == 200
    assert response.header("x-body-length") == str(MAX_BODY_SIZE)


def test_slowloris_header_trickle_gets_408_and_close(server: RunningServer) -> None:
    started = time.monotonic()
    with server.connect(timeout=HEADER_TIMEOUT + SLACK + 5) as connection:
        request = request_bytes("GET", "/", {"X-Slow": "s" * 200})
        try:
            for byte in request[:-4]:
                connection.send(bytes([byte]))
                time.sleep(0.1)
                if time.monotonic() - started > HEADER_TIMEOUT + SLACK:
                    break
        except SEND_FAILED:
            pass
        _expect_status_then_close(connection, 408)
    elapsed = time.monotonic() - started
    assert HEADER_TIMEOUT * 0.8 <= elapsed <= HEADER_TIMEOUT + SLACK
    assert_healthy(server)


def test_slow_body_gets_408_and_close(server: RunningServer) -> None:
    started = time.monotonic()
    with server.connect(timeout=BODY_TIMEOUT + SLACK + 5) as connection:
        connection.send(request_bytes("POST", "/echo", {"Content-Length": "100"}) + b"only part")
        _expect_status_then_close(connection, 408)
    assert BODY_TIMEOUT * 0.8 <= time.monotonic() - started <= BODY_TIMEOUT + SLACK
    assert_healthy(server)


def test_idle_keep_alive_connection_is_closed_after_the_timeout(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(request_bytes("GET", "/"))
        assert connection.read_response().status == 200
        started = time.monotonic()
        assert connection.is_closed_within(KEEPALIVE_TIMEOUT + SLACK)
    assert time.monotonic() - started >= KEEPALIVE_TIMEOUT * 0.8


def test_connection_that_never_sends_is_closed(server: RunningServer) -> None:
    with server.connect() as connection:
        assert connection.is_closed_within(max(KEEPALIVE_TIMEOUT, HEADER_TIMEOUT) + SLACK)
    assert_healthy(server)


def test_keep_alive_survives_pauses_shorter_than_the_timeout(server: RunningServer) -> None:
    with server.connect() as connection:
        for _ in range(3):
            connection.send(request_bytes("GET", "/"))
            assert connection.read_response().status == 200
            time.sleep(KEEPALIVE_TIMEOUT / 3)
