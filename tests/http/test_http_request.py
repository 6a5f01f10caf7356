"""Request: scope-derived properties, body helpers, limits and the attributes middleware sets."""

from __future__ import annotations

from typing import Any

import pytest
from asgi_channels import body_receiver, make_scope

from covet.exceptions import BadRequest, RequestEntityTooLarge
from covet.http import Address, ClientDisconnect, MissingMiddlewareError, Request
from covet.types import Message


def test_scope_properties() -> None:
    scope = make_scope(
        "POST",
        "/items/7",
        query_string=b"tag=a&tag=b&q=x",
        headers=[("Host", "example.com"), ("X-Trace", "abc"), ("Cookie", "sid=1; theme=dark")],
        root_path="",
        path_params={"id": 7},
        app="the-app",
    )
    request = Request(scope)
    assert request.method == "POST"
    assert request.path == "/items/7"
    assert str(request.url) == "http://example.com/items/7?tag=a&tag=b&q=x"
    assert str(request.base_url) == "http://example.com/"
    assert request.query_params.getlist("tag") == ["a", "b"]
    assert request.headers["x-trace"] == "abc"
    assert request.cookies == {"sid": "1", "theme": "dark"}
    assert request.client == Address("127.0.0.1", 50000)
    assert request.client.host == "127.0.0.1"
    assert request.path_params == {"id": 7}
    assert request.app == "the-app"
    assert request.scope is scope


def test_base_url_includes_root_path() -> None:
    request = Request(make_scope(path="/api/x", root_path="/api", headers=[("host", "h")]))
    assert str(request.base_url) == "http://h/api/"


def test_client_may_be_absent() -> None:
    assert Request(make_scope(client=None)).client is None


def test_rejects_non_http_scope() -> None:
    with pytest.raises(ValueError, match="type 'http'"):
        Request({"type": "websocket", "path": "/"})


@pytest.mark.parametrize(
    "header",
    [
        "no-equals-sign",
        "=novalue; ; ;;",
        "a=1; a=2; b",
        '"quoted"=x; c="unterminated',
        "\x00\x01=\x7f; d=\xff",
    ],
)
def test_malformed_cookie_header_never_raises(header: str) -> None:
    request = Request(make_scope(headers=[("cookie", header)]))
    cookies = request.cookies
    assert isinstance(cookies, dict)
    assert "" not in cookies


def test_cookie_header_keeps_good_pairs_next_to_bad_ones() -> None:
    request = Request(make_scope(headers=[("cookie", "junk; a=1; =x; a=2"), ("cookie", 'b="two"')]))
    assert request.cookies == {"a": "1", "b": "two"}


async def test_body_is_read_once_and_cached() -> None:
    calls = 0
    inner = body_receiver(b"hel", b"lo")

    async def counting_receive() -> Message:
        nonlocal calls
        calls += 1
        return await inner()

    request = Request(make_scope("POST"), counting_receive)
    assert await request.body() == b"hello"
    assert await request.body() == b"hello"
    assert [chunk async for chunk in request.stream()] == [b"hello"]
    assert calls == 2


async def test_stream_yields_chunks_then_refuses_a_second_read() -> None:
    request = Request(make_scope("POST"), body_receiver(b"a", b"", b"b"))
    assert [chunk async for chunk in request.stream()] == [b"a", b"b"]
    with pytest.raises(RuntimeError, match="already consumed"):
        await request.body()


async def test_stream_reports_client_disconnect() -> None:
    request = Request(make_scope("POST"), body_receiver(b"partial", disconnect_after=True))
    received = []
    with pytest.raises(ClientDisconnect, match="disconnected"):
        async for chunk in request.stream():
            received.append(chunk)
    assert received == [b"partial"]


async def test_json_body() -> None:
    request = Request(make_scope("POST"), body_receiver(b'{"name": "caf\xc3\xa9", "n": [1, 2]}'))
    assert await request.json() == {"name": "café", "n": [1, 2]}
    assert await request.json() == {"name": "café", "n": [1, 2]}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"a": 1,}', "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"", "empty"),
    ],
)
async def test_invalid_json_is_a_bad_request(body: bytes, message: str) -> None:
    request = Request(make_scope("POST"), body_receiver(body))
    with pytest.raises(BadRequest, match=message) as caught:
        await request.json()
    assert caught.value.status_code == 400
    # The body itself is still there for logging or another parser.
    assert await request.body() == body


async def test_body_over_the_limit_is_413_even_without_content_length() -> None:
    request = Request(make_scope("POST"), body_receiver(b"x" * 600, b"x" * 600), max_body_size=1000)
    with pytest.raises(RequestEntityTooLarge, match="1000 bytes") as caught:
        await request.body()
    assert caught.value.status_code == 413


async def test_declared_content_length_over_the_limit_fails_before_reading() -> None:
    async def receive() -> Message:
        raise AssertionError("the body must not be read")

    scope = make_scope("POST", headers=[("content-length", "2048")])
    with pytest.raises(RequestEntityTooLarge):
        await Request(scope, receive, max_body_size=1024).body()


async def test_body_limit_comes_from_scope_then_default() -> None:
    scope = make_scope("POST")
    scope["covet.max_body_size"] = 4
    with pytest.raises(RequestEntityTooLarge, match="4 bytes"):
        await Request(scope, body_receiver(b"12345")).body()
    assert Request(make_scope()).max_body_size == 10 * 1024 * 1024
    unlimited = Request(make_scope("POST"), body_receiver(b"x" * 100), max_body_size=None)
    unlimited.max_body_size = None
    assert len(await unlimited.body()) == 100


async def test_body_exactly_at_the_limit_is_accepted() -> None:
    assert await Request(make_scope("POST"), body_receiver(b"1234"), max_body_size=4).body() == b"1234"


async def test_request_without_receive_says_so() -> None:
    with pytest.raises(RuntimeError, match="without a receive channel"):
        await Request(make_scope("POST")).body()


def test_session_without_middleware_is_a_clear_attribute_error() -> None:
    request = Request(make_scope())
    with pytest.raises(MissingMiddlewareError, match="SessionMiddleware"):
        _ = request.session
    assert not hasattr(request, "session")
    assert not hasattr(request, "user")
    request.session = {"cart": [1]}
    request.user = "alice"
    request.id = "req-1"
    assert request.scope["session"] == {"cart": [1]}
    # A later Request over the same scope (the next middleware, the view) sees what was set.
    again = Request(request.scope)
    assert (again.session, again.user, again.id) == ({"cart": [1]}, "alice", "req-1")


def test_state_is_shared_through_the_scope() -> None:
    scope = make_scope(state={"db": "pool"})
    Request(scope).state.tenant = "acme"
    state = Request(scope).state
    assert (state.db, state.tenant) == ("pool", "acme")


class _Router:
    def reverse(self, name: str, **params: Any) -> str:
        return f"/{name}/{params['id']}"


def test_url_for_delegates_to_the_router() -> None:
    assert Request(make_scope(router=_Router())).url_for("post", id=3) == "/post/3"
    assert Request(make_scope(router=_Router(), root_path="/app/")).url_for("post", id=3) == "/app/post/3"


def test_url_for_without_router_says_what_to_do() -> None:
    with pytest.raises(RuntimeError, match=r"scope\['router'\] is not set"):
        Request(make_scope()).url_for("post", id=3)


async def test_push_promise_is_sent_only_when_supported() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await Request(make_scope(), send=send).send_push_promise("/style.css")
    assert sent == []
    scope = make_scope(extensions={"http.response.push": {}}, headers=[("accept", "*/*"), ("x-other", "1")])
    await Request(scope, send=send).send_push_promise("/style.css")
    assert sent == [{"type": "http.response.push", "path": "/style.css", "headers": [(b"accept", b"*/*")]}]


async def test_requests_over_one_scope_share_the_body_and_form() -> None:
    scope = make_scope("POST", headers=[("content-type", "application/x-www-form-urlencoded")])
    receive = body_receiver(b"a=1")
    first = Request(scope, receive)
    assert await first.body() == b"a=1"
    later = Request(scope, receive)  # e.g. built by the next middleware or for the view
    assert await later.body() == b"a=1"
    form = await later.form()
    assert await Request(scope, receive).form() is form
    upload_scope = make_scope("POST", headers=[("content-type", "multipart/form-data; boundary=b")])
    body = b'--b\r\nContent-Disposition: form-data; name="f"; filename="x.txt"\r\n\r\nhi\r\n--b--\r\n'
    uploaded = await Request(upload_scope, body_receiver(body)).form()
    await Request(upload_scope).close()
    upload = uploaded["f"]
    assert not isinstance(upload, str) and upload.file.closed
