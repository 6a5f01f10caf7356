"""HTTP/2 counterparts of the raw HTTP/1.1 tests: one connection, many streams, streamed bodies, resets, idle close.

They run against the HTTP/2 kinds (prior-knowledge cleartext and TLS with ALPN
h2), frame by frame through ``conformance_h2.H2Client``.
"""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import h2.errors
import httpx
import pytest
from conformance_servers import KEEPALIVE_TIMEOUT, SLACK, RunningServer, assert_healthy, assert_probe_disconnected

pytestmark = pytest.mark.http2_only


def test_one_connection_serves_several_requests_in_turn(server: RunningServer) -> None:
    with server.connect_h2() as connection:
        for path, expected in [("/", b"Hello, world!"), ("/users/7", b'{"id": 7}'), ("/", b"Hello, world!")]:
            response = connection.get(path)
            assert (response.status, response.body) == (200, expected)
        assert not connection.closed


def test_streams_are_multiplexed_not_queued(server: RunningServer) -> None:
    with server.connect_h2() as connection:
        slow = connection.request("GET", "/slow?ms=1000")
        fast = connection.request("GET", "/users/1")
        echo = connection.request("POST", "/echo", body=b"third")
        started = time.monotonic()
        fast_response, echo_response = connection.wait_for(fast, echo)
        fast_elapsed = time.monotonic() - started
        (slow_response,) = connection.wait_for(slow)
    assert (fast_response.status, fast_response.body) == (200, b'{"id": 1}')
    assert (echo_response.status, echo_response.body) == (200, b"third")
    assert (slow_response.status, slow_response.body) == (200, b"slept 1000ms")
    assert fast_elapsed < 0.8, "a fast stream waited behind a slow one on the same connection"


def test_request_body_in_several_data_frames_without_content_length(server: RunningServer) -> None:
    with server.connect_h2() as connection:
        stream = connection.request("POST", "/echo", end_stream=False)
        for part in (b"first ", b"second ", b"third"):
            time.sleep(0.05)
            connection.send_data(stream, part)
        connection.send_data(stream, b"", end_stream=True)
        (response,) = connection.wait_for(stream)
    assert (response.status, response.body) == (200, b"first second third")
    assert response.header("x-seen-content-length") == "-"
    assert response.header("x-seen-transfer-encoding") == "-"


def test_streamed_response_arrives_complete_without_content_length(server: RunningServer) -> None:
    with server.connect_h2() as connection:
        response = connection.get("/stream?n=20&size=10")
    assert response.status == 200
    assert response.header("content-length") is None
    assert response.header("transfer-encoding") is None
    assert len(response.body) == 200


def test_large_streamed_response_with_slow_reader(client: httpx.Client) -> None:
    # 4 MiB through HTTP/2 flow control while the client reads slowly: backpressure, no lost data.
    received = 0
    with client.stream("GET", "/stream?n=256&size=16384") as response:
        time.sleep(0.5)
        for chunk in response.iter_bytes():
            received += len(chunk)
    assert received == 256 * 16384


def test_large_request_body_through_flow_control(server: RunningServer) -> None:
    body = bytes(range(256)) * 200  # 51200 bytes: under the body limit, over several DATA frames
    with server.connect_h2() as connection:
        (response,) = connection.wait_for(connection.request("POST", "/echo", body=body))
    assert response.status == 200
    assert response.body == body


def test_head_has_headers_but_no_data(server: RunningServer) -> None:
    with server.connect_h2() as connection:
        (response,) = connection.wait_for(connection.request("HEAD", "/"))
        assert (response.status, response.header("content-length"), response.body) == (200, "13", b"")
    assert_healthy(server)


def test_app_exception_after_response_start_resets_the_stream(server: RunningServer) -> None:
    with server.connect_h2() as connection:
        (broken,) = connection.wait_for(connection.request("GET", "/error-after-start"))
        # The stream ends with RST_STREAM, never a clean END_STREAM (the head may not even have gone out yet);
        # the connection and its other streams live on.
        assert broken.status in (200, None)
        assert not broken.ended
        assert broken.reset_code == h2.errors.ErrorCodes.INTERNAL_ERROR
        assert connection.get("/users/3").body == b'{"id": 3}'


def test_app_exception_before_start_is_a_500_on_the_same_connection(server: RunningServer) -> None:
    with server.connect_h2() as connection:
        assert connection.get("/error").status == 500
        assert connection.get("/").body == b"Hello, world!"


def test_reset_mid_body_reaches_the_app_as_disconnect(server: RunningServer, client: httpx.Client) -> None:
    probe = uuid.uuid4().hex
    with server.connect_h2() as connection:
        stream = connection.request("POST", f"/disconnect-probe?id={probe}", body=b"x" * 10, end_stream=False)
        time.sleep(0.2)
        connection.reset(stream)
        # The connection outlives the reset stream.
        assert connection.get("/users/8").body == b'{"id": 8}'
    assert_probe_disconnected(client, probe, body_bytes=10)
    assert_healthy(server)


def test_closing_the_connection_reaches_a_waiting_app_as_disconnect(
    server: RunningServer, client: httpx.Client
) -> None:
    probe = uuid.uuid4().hex
    with server.connect_h2() as connection:
        connection.request("GET", f"/disconnect-probe?id={probe}")
        time.sleep(0.3)
    assert_probe_disconnected(client, probe, body_bytes=0)


def test_many_sequential_connections(server: RunningServer) -> None:
    for index in range(30):
        with server.connect_h2() as connection:
            assert json.loads(connection.get(f"/users/{index}").body) == {"id": index}


def test_concurrent_connections_each_with_concurrent_streams(server: RunningServer) -> None:
    def worker(index: int) -> list[bytes]:
        with server.connect_h2(timeout=20) as connection:
            streams = [connection.request("GET", f"/users/{index * 100 + number}") for number in range(10)]
            return [response.body for response in connection.wait_for(*streams, timeout=20)]

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(worker, range(10)))
    for index, bodies in enumerate(results):
        assert bodies == [f'{{"id": {index * 100 + number}}}'.encode() for number in range(10)]


def test_idle_connection_is_closed_after_the_keep_alive_timeout(server: RunningServer) -> None:
    with server.connect_h2() as connection:
        assert connection.get("/").status == 200
        started = time.monotonic()
        assert connection.wait_closed(KEEPALIVE_TIMEOUT + SLACK)
    assert time.monotonic() - started >= KEEPALIVE_TIMEOUT * 0.8
