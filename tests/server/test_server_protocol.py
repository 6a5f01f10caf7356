"""The sans-IO layer: bytes in, validated events and ASGI scopes out, response bytes back; no sockets."""

from __future__ import annotations

import h11
import pytest

from covet.server.protocol import (
    HeadGuard,
    RequestRejected,
    ServerConnection,
    build_scope,
    error_response,
    response_headers,
    split_target,
)


def connection(max_header_size: int = 1024, max_body_size: int = 100) -> ServerConnection:
    return ServerConnection(max_header_size=max_header_size, max_body_size=max_body_size)


def events_of(conn: ServerConnection, data: bytes) -> list[object]:
    """Feed ``data`` (none: just parse what is buffered) and collect events until more input is needed."""
    if data:
        conn.receive_data(data)
    events = []
    while (event := conn.next_event()) not in (h11.NEED_DATA, h11.PAUSED):
        assert not isinstance(event, h11.ConnectionClosed)
        events.append(event)
    return events


def rejection(data: bytes, **limits: int) -> RequestRejected:
    conn = connection(**limits)
    with pytest.raises(RequestRejected) as info:
        events_of(conn, data)
    return info.value


# -- parsing and validation ---------------------------------------------------------


def test_simple_request_yields_request_and_end_of_message() -> None:
    events = events_of(connection(), b"GET /a?b=1 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert isinstance(events[0], h11.Request)
    assert events[0].target == b"/a?b=1"
    assert isinstance(events[1], h11.EndOfMessage)


def test_body_arrives_as_data_events() -> None:
    events = events_of(connection(), b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
    assert [type(event).__name__ for event in events] == ["Request", "Data", "EndOfMessage"]
    assert events[1].data == b"hello"


@pytest.mark.parametrize(
    ("data", "status", "reason_part"),
    [
        (b"\x16\x03\x01", 400, "invalid bytes in the request line"),
        (b"GET /\x00", 400, "invalid bytes in the request line"),
        (b"GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n c\r\n\r\n", 400, "obs-fold"),
        (b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 400, "unsupported HTTP version 2.0"),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX: a\x01\r\n\r\n", 400, "control character"),
        (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "smuggling"),
        (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n", 413, "larger than 100 bytes"),
        (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400, "Transfer-Encoding"),
        (b"GET / HTTP/1.1\r\n\r\n", 400, "Host"),
        (b"BAD\r\n\r\n", 400, "illegal request line: b'BAD'"),
    ],
)
def test_invalid_heads_are_rejected_with_status_and_reason(data: bytes, status: int, reason_part: str) -> None:
    error = rejection(data)
    assert error.status == status
    assert reason_part in error.reason


@pytest.mark.parametrize(
    ("head", "status"),
    [
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", None),
        (b"GET / HTTP/1.1\nHost: x\n\n", None),
        (b"GET /\x00 HTTP/1.1\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n c\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 200, 431),
    ],
)
def test_head_guard_decides_the_same_when_the_head_trickles_in_byte_by_byte(head: bytes, status: int | None) -> None:
    # The guard scans only new bytes; patterns split across feeds ("\r\n" | "\r\n", "\n" | " ") must still match.
    guard = HeadGuard(max_size=100)
    try:
        for index in range(len(head)):
            guard.feed(head[index : index + 1])
    except RequestRejected as error:
        assert error.status == status
    else:
        assert status is None and not guard.in_progress


def test_head_over_the_limit_is_431_even_when_it_arrives_complete() -> None:
    head = b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 2000 + b"\r\n\r\n"
    assert rejection(head).status == 431


def test_head_over_the_limit_is_431_while_still_incomplete() -> None:
    conn = connection()
    conn.receive_data(b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 900)
    with pytest.raises(RequestRejected) as info:
        conn.receive_data(b"a" * 200)
    assert info.value.status == 431


def test_streamed_body_over_the_limit_is_413() -> None:
    conn = connection(max_body_size=10)
    conn.receive_data(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    assert isinstance(conn.next_event(), h11.Request)
    conn.receive_data(b"8\r\n12345678\r\n")
    assert isinstance(conn.next_event(), h11.Data)
    conn.receive_data(b"8\r\n12345678\r\n")
    with pytest.raises(RequestRejected) as info:
        conn.next_event()
    assert info.value.status == 413


def test_bad_chunk_size_is_400() -> None:
    assert rejection(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").status == 400


def test_head_guard_tracks_progress_and_resets_for_pipelined_heads() -> None:
    guard = HeadGuard(max_size=100)
    assert not guard.in_progress
    guard.feed(b"GET / HT")
    assert guard.in_progress
    guard.feed(b"TP/1.1\r\nHost: x\r\n\r\n")
    assert not guard.in_progress
    guard.feed(b"\x00 ignored: body bytes after a complete head are not checked")
    guard.reset(b"GET /next")
    assert guard.in_progress


# -- ASGI scope ------------------------------------------------------------------------


def test_scope_carries_the_asgi_fields() -> None:
    request = h11.Request(method="GET", target="/caf%C3%A9/x?q=1&r=2", headers=[("Host", "example.com")])
    scope = build_scope(request, client=("10.0.0.1", 5000), server=("127.0.0.1", 8000), state={"db": 1})
    assert scope["type"] == "http"
    assert scope["asgi"] == {"version": "3.0", "spec_version": "2.4"}
    assert scope["http_version"] == "1.1"
    assert scope["method"] == "GET"
    assert scope["scheme"] == "http"
    assert scope["path"] == "/café/x"
    assert scope["raw_path"] == b"/caf%C3%A9/x"
    assert scope["query_string"] == b"q=1&r=2"
    assert scope["root_path"] == ""
    assert scope["headers"] == [(b"host", b"example.com")]
    assert scope["client"] == ("10.0.0.1", 5000)
    assert scope["server"] == ("127.0.0.1", 8000)
    assert scope["state"] == {"db": 1}


def test_scope_state_is_a_copy_per_request() -> None:
    shared = {"counter": 0}
    request = h11.Request(method="GET", target="/", headers=[("Host", "x")])
    build_scope(request, client=None, server=None, state=shared)["state"]["counter"] = 5
    assert shared == {"counter": 0}


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (b"/p?q=1", (b"/p", b"q=1")),
        (b"/p", (b"/p", b"")),
        (b"http://example.com/p/q?x=y", (b"/p/q", b"x=y")),
        (b"http://example.com", (b"/", b"")),
        (b"*", (b"*", b"")),
        (b"/p#frag", (b"/p", b"")),
    ],
)
def test_split_target_handles_origin_absolute_and_asterisk_forms(target: bytes, expected: tuple[bytes, bytes]) -> None:
    assert split_target(target) == expected


# -- responses ------------------------------------------------------------------------------


def test_response_headers_add_date_server_and_length() -> None:
    headers = dict(response_headers(200, [(b"content-type", b"text/plain")], body_length=5, close=False))
    assert headers[b"content-length"] == b"5"
    assert headers[b"server"] == b"covet"
    assert headers[b"date"].endswith(b"GMT")
    assert b"connection" not in headers


def test_response_headers_keep_the_apps_own_values_and_can_close() -> None:
    given = [(b"Date", b"yesterday"), (b"Server", b"mine"), (b"Content-Length", b"3")]
    headers = response_headers(200, given, body_length=3, close=True)
    assert headers == [*given, (b"connection", b"close")]


def test_no_content_length_added_for_204_or_streaming() -> None:
    assert b"content-length" not in dict(response_headers(204, [], body_length=0, close=False))
    assert b"content-length" not in dict(response_headers(200, [], body_length=None, close=False))


def test_full_cycle_keep_alive_then_next_pipelined_request() -> None:
    conn = connection()
    events = events_of(conn, b"GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert [type(event).__name__ for event in events] == ["Request", "EndOfMessage"]
    wire = conn.start_response(200, response_headers(200, [], body_length=2, close=False))
    wire += conn.send_body(b"ok") + conn.end_response()
    assert wire.startswith(b"HTTP/1.1 200 OK\r\n")
    assert wire.endswith(b"\r\n\r\nok")
    assert conn.cycle_outcome() == "next"
    conn.start_next_cycle()
    second = events_of(conn, b"")
    assert second[0].target == b"/2"


def test_head_response_sends_no_body_bytes() -> None:
    conn = connection()
    events_of(conn, b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
    conn.start_response(200, response_headers(200, [], body_length=13, close=False))
    assert conn.send_body(b"Hello, world!") == b""
    assert conn.end_response() == b""
    assert conn.cycle_outcome() == "next"


def test_streaming_response_is_chunked() -> None:
    conn = connection()
    events_of(conn, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    head = conn.start_response(200, response_headers(200, [], body_length=None, close=False))
    assert b"Transfer-Encoding: chunked" in head
    assert conn.send_body(b"abc") == b"3\r\nabc\r\n"
    assert conn.end_response() == b"0\r\n\r\n"


def test_http_1_0_request_closes_after_the_response() -> None:
    conn = connection()
    events_of(conn, b"GET / HTTP/1.0\r\n\r\n")
    conn.start_response(200, response_headers(200, [], body_length=0, close=False))
    conn.end_response()
    assert conn.cycle_outcome() == "close"


def test_unread_body_is_drained_before_the_next_request() -> None:
    conn = connection()
    conn.receive_data(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n")
    assert isinstance(conn.next_event(), h11.Request)
    conn.start_response(200, response_headers(200, [], body_length=0, close=False))
    conn.end_response()
    assert conn.cycle_outcome() == "drain"


def test_expect_100_continue_then_response_without_reading_closes() -> None:
    conn = connection()
    conn.receive_data(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
    assert isinstance(conn.next_event(), h11.Request)
    assert conn.client_awaits_continue
    conn.start_response(200, response_headers(200, [], body_length=0, close=False))
    conn.end_response()
    assert conn.cycle_outcome() == "close"


def test_expect_100_continue_go_ahead() -> None:
    conn = connection()
    conn.receive_data(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
    conn.next_event()
    assert conn.send_continue() == b"HTTP/1.1 100 Continue\r\n\r\n"
    assert not conn.client_awaits_continue


def test_error_response_is_complete_and_closes() -> None:
    wire = error_response(431, "request head larger than 10 bytes")
    head, _, body = wire.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert b"connection: close" in head
    assert body == b"Request Header Fields Too Large: request head larger than 10 bytes\n"
    assert f"content-length: {len(body)}".encode() in head
    assert error_response(400, "x", include_body=False).endswith(b"\r\n\r\n")


def test_invalid_response_header_from_the_app_raises() -> None:
    conn = connection()
    events_of(conn, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    with pytest.raises(h11.LocalProtocolError):
        conn.start_response(200, [(b"bad header", b"value")])
