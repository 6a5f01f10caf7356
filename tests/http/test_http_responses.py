"""Response, its text/JSON/redirect subclasses and StreamingResponse, driven through ASGI send()."""

from __future__ import annotations

import dataclasses
import decimal
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import anyio
import orjson
import pytest
from asgi_channels import body_receiver, make_scope, send_response

from covet.http import (
    BackgroundTask,
    BackgroundTasks,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
    status,
)
from covet.types import Message


async def test_plain_response_messages() -> None:
    sent = await send_response(Response(b"raw", status_code=201, headers={"X-Thing": "1"}, media_type="image/png"))
    assert sent.messages == [
        {
            "type": "http.response.start",
            "status": 201,
            "headers": [(b"x-thing", b"1"), (b"content-length", b"3"), (b"content-type", b"image/png")],
        },
        {"type": "http.response.body", "body": b"raw"},
    ]


async def test_text_gets_charset_and_is_encoded() -> None:
    sent = await send_response(HTMLResponse("<p>café</p>"))
    assert sent.header("content-type") == "text/html; charset=utf-8"
    assert sent.header("content-length") == str(len("<p>café</p>".encode()))
    assert sent.body == "<p>café</p>".encode()
    assert (await send_response(PlainTextResponse("x"))).header("content-type") == "text/plain; charset=utf-8"


def test_explicit_headers_win_and_bodiless_statuses_have_no_length() -> None:
    response = Response("x", headers={"content-type": "text/custom", "content-length": "1"}, media_type="text/plain")
    assert response.headers.getlist("content-type") == ["text/custom"]
    assert response.headers.getlist("content-length") == ["1"]
    assert "content-length" not in Response(status_code=status.HTTP_204_NO_CONTENT).headers
    assert "content-length" not in Response(status_code=304).headers
    assert Response().headers["content-length"] == "0"


def test_a_media_type_with_a_line_break_is_refused() -> None:
    # It went into the raw headers unchecked: a header injection for any server that trusts its app.
    with pytest.raises(ValueError, match="Header 'content-type' contains a line break"):
        Response("x", media_type="text/html\r\nSet-Cookie: session=attacker")
    assert Response("x", media_type="application/xml").headers["content-type"] == "application/xml"


def test_unsupported_content_type_says_what_to_use() -> None:
    with pytest.raises(TypeError, match="Use JSONResponse"):
        Response({"a": 1})


async def test_head_sends_headers_but_no_body() -> None:
    sent = await send_response(PlainTextResponse("hello"), make_scope("HEAD"))
    assert sent.header("content-length") == "5"
    assert sent.body == b""


async def test_cookies_on_a_response() -> None:
    response = Response("ok")
    response.set_cookie("sid", "abc", max_age=10)
    response.delete_cookie("old", path="/app")
    sent = await send_response(response)
    assert sent.headers_named("set-cookie") == [
        "sid=abc; Max-Age=10; Path=/; Secure; HttpOnly; SameSite=Lax",
        "old=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/app; Secure; HttpOnly; SameSite=Lax",
    ]
    with pytest.raises(ValueError, match="Invalid samesite"):
        response.set_cookie("x", "y", samesite="loose")
    assert len(response.headers.getlist("set-cookie")) == 2


@dataclasses.dataclass
class Point:
    x: int
    y: int


async def test_json_response_types() -> None:
    ident = uuid.UUID("12345678-1234-5678-1234-567812345678")
    content = {
        "when": datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
        "id": ident,
        "point": Point(1, 2),
        "price": decimal.Decimal("10.10"),
        "tags": {"only"},
        1: "int key",
        "text": "café",
    }
    sent = await send_response(JSONResponse(content, status_code=201))
    assert sent.status == 201
    assert sent.header("content-type") == "application/json"
    assert orjson.loads(sent.body) == {
        "when": "2024-05-06T07:08:09+00:00",
        "id": str(ident),
        "point": {"x": 1, "y": 2},
        "price": "10.10",
        "tags": ["only"],
        "1": "int key",
        "text": "café",
    }


def test_json_response_unserializable_value_is_named() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        JSONResponse({"x": object()})


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/next?a=1&b=2#top", "/next?a=1&b=2#top"),
        ("https://example.com/path with space", "https://example.com/path%20with%20space"),
        ("/café", "/caf%C3%A9"),
        ("/x\r\nSet-Cookie: evil=1", "/x%0D%0ASet-Cookie:%20evil=1"),
        ("/already%20quoted", "/already%20quoted"),
    ],
)
async def test_redirect_quotes_the_location(target: str, location: str) -> None:
    sent = await send_response(RedirectResponse(target))
    assert sent.status == 302
    assert sent.headers_named("location") == [location]
    assert sent.header("content-length") == "0"


def test_redirect_needs_3xx() -> None:
    assert RedirectResponse("/", status_code=301).status_code == 301
    with pytest.raises(ValueError, match="3xx"):
        RedirectResponse("/", status_code=200)


async def test_streaming_async_iterator_is_chunked() -> None:
    async def numbers() -> AsyncIterator[str]:
        for number in range(3):
            yield f"{number}\n"

    sent = await send_response(StreamingResponse(numbers(), media_type="text/plain"), receive=body_receiver())
    assert sent.header("content-length") is None
    assert sent.header("content-type") == "text/plain; charset=utf-8"
    assert [m["body"] for m in sent.messages[1:]] == [b"0\n", b"1\n", b"2\n", b""]
    assert sent.finished


async def test_streaming_sync_iterator_runs_in_a_thread() -> None:
    import threading

    threads: set[int] = set()

    def chunks() -> Iterator[bytes]:
        for part in (b"a", b"b"):
            threads.add(threading.get_ident())
            yield part

    sent = await send_response(StreamingResponse(chunks()))
    assert sent.body == b"ab" and sent.finished
    assert threading.get_ident() not in threads


async def test_streaming_stops_when_the_client_disconnects() -> None:
    produced = 0
    closed = anyio.Event()
    disconnect = anyio.Event()

    async def endless() -> AsyncIterator[bytes]:
        nonlocal produced
        try:
            while True:
                produced += 1
                if produced == 3:
                    disconnect.set()
                yield b"tick"
                await anyio.sleep(0.001)
        finally:
            closed.set()

    async def receive() -> Message:
        await disconnect.wait()
        return {"type": "http.disconnect"}

    with anyio.fail_after(5):
        sent = await send_response(StreamingResponse(endless()), receive=receive)
    assert closed.is_set()
    assert produced < 10
    assert not sent.finished


async def test_streaming_stops_quietly_when_send_raises_oserror() -> None:
    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            raise OSError("client gone")

    async def chunks() -> AsyncIterator[bytes]:
        yield b"x"

    await StreamingResponse(chunks())(make_scope(), body_receiver(), send)


async def test_streaming_head_does_not_iterate() -> None:
    def explode() -> Iterator[bytes]:
        raise AssertionError("iterated for HEAD")
        yield b""

    sent = await send_response(StreamingResponse(explode()), make_scope("HEAD"))
    assert sent.body == b"" and sent.status == 200


async def test_background_tasks_run_after_the_body_is_sent() -> None:
    events: list[str] = []

    async def send(message: Message) -> None:
        events.append(message["type"])

    async def async_task(name: str) -> None:
        events.append(f"async {name}")

    def sync_task(name: str) -> None:
        events.append(f"sync {name}")

    tasks = BackgroundTasks()
    tasks.add_task(async_task, "one")
    tasks.add_task(sync_task, name="two")
    await Response("x", background=tasks)(make_scope(), body_receiver(), send)
    await StreamingResponse(iter([b"y"]), background=BackgroundTask(sync_task, "three"))(
        make_scope(), body_receiver(), send
    )
    assert events == [
        "http.response.start",
        "http.response.body",
        "async one",
        "sync two",
        "http.response.start",
        "http.response.body",
        "http.response.body",
        "sync three",
    ]


def test_status_constants() -> None:
    assert status.HTTP_404_NOT_FOUND == 404
    assert status.HTTP_413_CONTENT_TOO_LARGE == status.HTTP_413_REQUEST_ENTITY_TOO_LARGE == 413
    assert status.reason_phrase(418) == "I'm a Teapot"
    assert status.reason_phrase(599) == ""
    assert status.is_redirect(302) and status.is_client_error(404) and status.is_server_error(503)
    assert status.is_success(204) and status.is_informational(101)


@pytest.mark.parametrize("error", [ValueError("bad row"), OSError("disk gone")])
async def test_streaming_iterator_errors_propagate_as_themselves(error: Exception) -> None:
    async def failing() -> AsyncIterator[bytes]:
        yield b"first"
        raise error

    with pytest.raises(type(error), match=str(error)):
        await send_response(StreamingResponse(failing()))
