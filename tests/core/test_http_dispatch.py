"""HTTP dispatch details: routing path and root_path, HEAD, body limits, client disconnects, scope types."""

from __future__ import annotations

import logging

import httpx
import pytest
from asgi_driving import asgi_client

from covet.core import CovetApp
from covet.routing import Router


async def test_client_disconnect_while_reading_body_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    router = Router()

    @router.post("/upload")
    async def upload(request):
        await request.body()
        return "read"

    app = CovetApp(router)
    messages = [{"type": "http.request", "body": b"part", "more_body": True}, {"type": "http.disconnect"}]
    sent: list[dict] = []

    async def receive():
        return messages.pop(0)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/upload", "raw_path": b"/upload", "query_string": b"",
             "headers": [], "asgi": {"version": "3.0"}, "http_version": "1.1", "scheme": "http"}  # fmt: skip
    with caplog.at_level(logging.ERROR, logger="covet.request"):
        await app(scope, receive, send)
    assert sent[0]["status"] == 400
    assert caplog.text == ""


async def test_unknown_scope_type_is_an_error() -> None:
    app = CovetApp(Router())
    with pytest.raises(ValueError, match="cannot handle ASGI scope type 'telepathy'"):
        await app({"type": "telepathy"}, None, None)


async def test_root_path_is_stripped_before_routing_and_kept_in_redirects() -> None:
    router = Router()
    router.add_route("/page/", lambda request: request.url_for("page"), name="page")
    app = CovetApp(router)
    transport = httpx.ASGITransport(app=app, root_path="/mounted")
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/mounted/page/")
        assert response.status_code == 200 and response.text == "/mounted/page/"
        response = await client.get("/mounted/page")
        assert response.status_code == 301 and response.headers["location"] == "/mounted/page/"


async def test_head_request_to_a_streaming_response_sends_no_body() -> None:
    from covet.http import StreamingResponse

    router = Router()

    @router.get("/stream")
    async def stream(request):
        async def chunks():
            yield b"a"
            yield b"b"

        return StreamingResponse(chunks(), media_type="text/plain")

    app = CovetApp(router)
    async with asgi_client(app) as client:
        assert (await client.get("/stream")).content == b"ab"
        head = await client.head("/stream")
        assert head.status_code == 200 and head.content == b""


async def test_body_over_the_limit_is_a_413_and_the_app_keeps_serving() -> None:
    router = Router()

    @router.post("/upload")
    async def upload(request):
        return {"length": len(await request.body())}

    app = CovetApp(router, max_body_size=100)
    async with asgi_client(app) as client:
        response = await client.post("/upload", content=b"x" * 101, headers={"accept": "application/json"})
        assert response.status_code == 413
        assert response.json() == {"detail": "The request body is larger than the limit of 100 bytes."}
        assert (await client.post("/upload", content=b"x" * 100)).json() == {"length": 100}


async def test_uploads_beyond_the_form_memory_size_spill_to_disk() -> None:
    router = Router()

    @router.post("/upload")
    async def upload(request):
        form = await request.form()
        return {name: [file.size, file.file._rolled] for name, file in form.items()}

    app = CovetApp(router, max_form_memory_size=500)
    async with asgi_client(app) as client:
        files = {"small": ("a.bin", b"s" * 100), "big": ("b.bin", b"b" * 1000)}
        response = await client.post("/upload", files=files)
        assert response.json() == {"small": [100, False], "big": [1000, True]}


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ({"path": "/a b", "raw_path": b"/a%20b"}, "/a%20b"),
        ({"path": "/a b/%", "raw_path": None}, "/a%20b/%25"),
        ({"path": "/x", "raw_path": b"/x?q=1"}, "/x"),
        ({"path": "/app/x", "raw_path": b"/app/x", "root_path": "/app"}, "/x"),
        ({"path": "/app", "raw_path": b"/app", "root_path": "/app"}, "/"),
        ({"path": "/appx/y", "raw_path": b"/appx/y", "root_path": "/app"}, "/appx/y"),
    ],
)
def test_routing_path(scope, expected) -> None:
    from covet.core.app import routing_path

    assert routing_path(scope) == expected
