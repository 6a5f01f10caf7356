"""Normal behaviour every Covet server must show: routes, keep-alive, pipelining, bodies, HEAD.

Tests on an httpx client run against every kind (HTTP/1.1 and HTTP/2, cleartext
and TLS); ``http1_only`` tests write raw HTTP/1.1 bytes, and their HTTP/2
counterparts are in test_conformance_h2.py.
"""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from conformance_client import chunked, request_bytes
from conformance_servers import RunningServer, assert_healthy, assert_probe_disconnected


def test_plaintext_json_and_path_parameter(client: httpx.Client) -> None:
    plain = client.get("/")
    assert (plain.status_code, plain.text) == (200, "Hello, world!")
    assert plain.headers["content-type"].startswith("text/plain")
    assert plain.headers["content-length"] == "13"
    assert client.get("/json").json() == {"message": "Hello, world!"}
    assert client.get("/users/42").json() == {"id": 42}
    assert client.get("/users/abc").status_code == 404
    assert client.get("/no/such/route").status_code == 404
    assert "date" in plain.headers


def test_query_string_and_percent_decoding_reach_the_app(client: httpx.Client) -> None:
    response = client.get("/users/%34%32")
    assert response.json() == {"id": 42}


def test_request_headers_reach_the_app_lowercased(client: httpx.Client) -> None:
    response = client.get("/headers", headers={"X-Custom-Thing": "Value With Spaces"})
    headers = response.json()
    assert ["x-custom-thing", "Value With Spaces"] in headers
    assert ["host", f"127.0.0.1:{client.base_url.port}"] in headers


def test_each_request_runs_in_a_task_and_a_context_of_its_own(client: httpx.Client) -> None:
    """Whether a server starts the request task eagerly (covet serve --prod on Python >= 3.12) or not, the app
    sees one task throughout (asyncio.timeout works, cancel scopes stay in their task) and a fresh context."""
    for tag in ("first", "second", "third"):
        assert client.get(f"/task?tag={tag}").json() == {
            "has_task": True,
            "same_task": True,
            "seen_before": None,
            "tag": tag,
        }


def test_lifespan_startup_ran_before_requests(client: httpx.Client) -> None:
    assert client.get("/lifespan").json() == {"started": True}


def test_the_client_speaks_the_protocol_of_the_kind(server: RunningServer, client: httpx.Client) -> None:
    response = client.get("/")
    assert response.http_version == ("HTTP/2" if server.spec.http2 else "HTTP/1.1")
    assert response.url.scheme == ("https" if server.spec.tls else "http")


def test_method_not_allowed_is_405_with_allow(client: httpx.Client) -> None:
    response = client.delete("/get-only")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.text == "Method Not Allowed"
    assert client.get("/get-only").text == "GET only"


def test_head_answer_has_the_get_headers_and_no_body(server: RunningServer, client: httpx.Client) -> None:
    head = client.head("/get-only")
    assert (head.status_code, head.content, head.headers["content-length"]) == (200, b"", "8")
    assert client.get("/").text == "Hello, world!"


def test_status_codes_and_response_headers_pass_through(client: httpx.Client) -> None:
    for status in (201, 204, 302, 404, 418, 503):
        response = client.get(f"/status?code={status}")
        assert response.status_code == status
        assert response.headers.get_list("x-multi") == ["one", "two"]
        assert response.content == (b"" if status == 204 else f"status {status}".encode())


@pytest.mark.http1_only
def test_keep_alive_reuses_one_socket_for_several_requests(server: RunningServer) -> None:
    with server.connect() as connection:
        for path, expected in [("/", b"Hello, world!"), ("/users/7", b'{"id": 7}'), ("/", b"Hello, world!")]:
            connection.send(request_bytes("GET", path))
            response = connection.read_response()
            assert response.status == 200
            assert response.body == expected
            assert (response.header("connection") or "").lower() != "close"


@pytest.mark.http1_only
def test_pipelined_requests_are_answered_in_order(server: RunningServer) -> None:
    pipeline = (
        request_bytes("GET", "/slow?ms=200")
        + request_bytes("GET", "/users/1")
        + request_bytes("POST", "/echo", body=b"third")
    )
    with server.connect() as connection:
        connection.send(pipeline)
        first = connection.read_response()
        second = connection.read_response()
        third = connection.read_response()
    assert (first.status, first.body) == (200, b"slept 200ms")
    assert (second.status, second.body) == (200, b'{"id": 1}')
    assert (third.status, third.body) == (200, b"third")


@pytest.mark.http1_only
def test_chunked_request_body_is_decoded_for_the_app(server: RunningServer) -> None:
    with server.connect() as connection:
        body = chunked(b"hello ", b"chunked ", b"world")
        connection.send(request_bytes("POST", "/echo", {"Transfer-Encoding": "chunked"}) + body)
        response = connection.read_response()
    assert response.status == 200
    assert response.body == b"hello chunked world"
    assert response.header("x-seen-transfer-encoding") == "chunked"
    assert response.header("x-seen-content-length") == "-"


@pytest.mark.http1_only
def test_chunked_request_body_sent_in_pieces_over_time(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(request_bytes("POST", "/echo", {"Transfer-Encoding": "chunked"}))
        for part in (b"5\r\nfirst\r\n", b"6\r\n", b"second\r\n", b"0\r\n\r\n"):
            time.sleep(0.05)
            connection.send(part)
        response = connection.read_response()
    assert response.body == b"firstsecond"


def test_content_length_request_body(client: httpx.Client) -> None:
    response = client.post("/echo", content=b"x" * 5000)
    assert response.content == b"x" * 5000
    assert response.headers["x-seen-content-length"] == "5000"
    assert response.headers["x-body-length"] == "5000"


@pytest.mark.http1_only
def test_streamed_response_is_chunked_and_complete(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(request_bytes("GET", "/stream?n=20&size=10"))
        response = connection.read_response()
    assert response.status == 200
    assert response.chunked
    assert response.header("content-length") is None
    assert len(response.body) == 200


@pytest.mark.http1_only
def test_large_streamed_response_with_slow_reader(server: RunningServer) -> None:
    # 4 MiB streamed while the client reads slowly: the server must apply backpressure, not drop data.
    with server.connect(timeout=30) as connection:
        connection.send(request_bytes("GET", "/stream?n=256&size=16384"))
        time.sleep(0.5)
        response = connection.read_response()
    assert len(response.body) == 256 * 16384


def test_large_fixed_length_response(client: httpx.Client) -> None:
    response = client.get("/bytes?n=3000000")
    assert response.headers["content-length"] == "3000000"
    assert response.content == b"b" * 3000000


@pytest.mark.http1_only
def test_head_has_headers_but_no_body(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(request_bytes("HEAD", "/"))
        head = connection.read_response(method="HEAD")
        # The next response on the same connection must start right away: no stray body bytes.
        connection.send(request_bytes("GET", "/users/5"))
        after = connection.read_response()
    assert head.status == 200
    assert head.header("content-length") == "13"
    assert head.body == b""
    assert after.body == b'{"id": 5}'


@pytest.mark.http1_only
def test_expect_100_continue_is_sent_when_the_app_reads_the_body(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(request_bytes("POST", "/echo", {"Expect": "100-continue", "Content-Length": "4"}))
        interim = connection.read_response()
        assert interim.status == 100
        connection.send(b"data")
        final = connection.read_response()
    assert (final.status, final.body) == (200, b"data")


@pytest.mark.http1_only
def test_expect_100_continue_not_sent_when_the_app_ignores_the_body(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(request_bytes("POST", "/", {"Expect": "100-continue", "Content-Length": "4"}))
        response = connection.read_response()
    assert response.status == 200
    assert response.body == b"Hello, world!"
    assert_healthy(server)


@pytest.mark.http1_only
def test_http_1_0_request_is_answered_then_closed(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(b"GET / HTTP/1.0\r\n\r\n")
        response = connection.read_response()
        assert response.status == 200
        assert response.body == b"Hello, world!"
        assert connection.is_closed_within(3)


@pytest.mark.http1_only
def test_connection_close_request_header_is_honoured(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(request_bytes("GET", "/", {"Connection": "close"}))
        response = connection.read_response()
        assert response.status == 200
        assert connection.is_closed_within(3)


def test_app_exception_is_a_500_and_the_server_keeps_serving(server: RunningServer, client: httpx.Client) -> None:
    for _ in range(3):
        response = client.get("/error")
        assert response.status_code == 500
    assert client.get("/").status_code == 200
    assert_healthy(server)


@pytest.mark.http1_only
def test_app_exception_after_response_start_closes_the_connection(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(request_bytes("GET", "/error-after-start"))
        data = connection.read_until_closed(5)
    # The client must be able to tell the response is incomplete: either the head and part of the body
    # arrive and the terminating zero-size chunk never does, or (if nothing was flushed yet) a 500 or nothing.
    if data.startswith(b"HTTP/1.1 200"):
        assert not data.endswith(b"0\r\n\r\n"), data
    else:
        assert data == b"" or data.startswith(b"HTTP/1.1 500"), data[:200]
    assert_healthy(server)


@pytest.mark.http1_only
def test_client_disconnect_mid_body_reaches_the_app(server: RunningServer, client: httpx.Client) -> None:
    probe = uuid.uuid4().hex
    with server.connect() as connection:
        connection.send(request_bytes("POST", f"/disconnect-probe?id={probe}", {"Content-Length": "1000"}) + b"x" * 10)
        time.sleep(0.3)
    assert_probe_disconnected(client, probe, body_bytes=10)
    assert_healthy(server)


@pytest.mark.http1_only
def test_client_disconnect_while_app_waits_reaches_the_app(server: RunningServer, client: httpx.Client) -> None:
    probe = uuid.uuid4().hex
    with server.connect() as connection:
        connection.send(request_bytes("GET", f"/disconnect-probe?id={probe}"))
        time.sleep(0.3)
    assert_probe_disconnected(client, probe, body_bytes=0)


@pytest.mark.http1_only
def test_many_sequential_connections(server: RunningServer) -> None:
    for index in range(50):
        with server.connect() as connection:
            connection.send(request_bytes("GET", f"/users/{index}"))
            assert json.loads(connection.read_response().body) == {"id": index}


@pytest.mark.http1_only
def test_absolute_form_request_target(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(b"GET http://conformance.test/users/3?x=1 HTTP/1.1\r\nHost: conformance.test\r\n\r\n")
        response = connection.read_response()
    assert (response.status, response.body) == (200, b'{"id": 3}')


@pytest.mark.http1_only
def test_head_of_a_streamed_response_has_no_body(server: RunningServer) -> None:
    with server.connect() as connection:
        connection.send(request_bytes("HEAD", "/stream?n=3"))
        head = connection.read_response(method="HEAD")
        connection.send(request_bytes("GET", "/users/9"))
        after = connection.read_response()
    assert head.status == 200
    assert head.body == b""
    assert after.body == b'{"id": 9}'


@pytest.mark.http1_only
def test_unread_request_body_does_not_leak_into_the_next_request(server: RunningServer) -> None:
    body = b"GET /users/666 HTTP/1.1\r\nHost: conformance.test\r\n\r\n" + b"x" * 30000
    with server.connect() as connection:
        # "/" never reads its body; the body even looks like a request, which must not be served.
        connection.send(request_bytes("POST", "/", body=body) + request_bytes("GET", "/users/2"))
        first = connection.read_response()
        second = connection.read_response()
    assert (first.status, first.body) == (200, b"Hello, world!")
    assert (second.status, second.body) == (200, b'{"id": 2}')


@pytest.mark.http1_only
def test_unread_body_arriving_after_the_response_is_drained(server: RunningServer) -> None:
    raw = request_bytes("POST", "/", body=b"x" * 3000)
    with server.connect() as connection:
        connection.send(raw[:200])  # the head and a little body: "/" answers without reading the rest
        first = connection.read_response()
        time.sleep(0.1)
        connection.send(raw[200:] + request_bytes("GET", "/users/2"))
        second = connection.read_response()
    # Either the server keeps the connection (drains the body) or it said Connection: close before closing.
    assert (first.status, first.body) == (200, b"Hello, world!")
    assert (second.status, second.body) == (200, b'{"id": 2}')


@pytest.mark.http1_only
def test_concurrent_keep_alive_connections(server: RunningServer) -> None:
    def worker(index: int) -> list[bytes]:
        bodies = []
        with server.connect(timeout=20) as connection:
            for request_number in range(10):
                connection.send(request_bytes("GET", f"/users/{index * 100 + request_number}"))
                bodies.append(connection.read_response().body)
        return bodies

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(worker, range(20)))
    for index, bodies in enumerate(results):
        assert bodies == [f'{{"id": {index * 100 + number}}}'.encode() for number in range(10)]


@pytest.mark.http1_only
def test_chunk_extensions_and_trailers_are_accepted(server: RunningServer) -> None:
    body = b"5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n"
    with server.connect() as connection:
        connection.send(request_bytes("POST", "/echo", {"Transfer-Encoding": "chunked"}) + body)
        response = connection.read_response()
        connection.send(request_bytes("GET", "/users/4"))
        after = connection.read_response()
    assert (response.status, response.body) == (200, b"hello world")
    assert after.body == b'{"id": 4}'
