"""The same request/response checks against the app in-process (ASGI), under uvicorn and under granian.

The server runs are real processes on free ports talked to over sockets; the served project is built by
covet.get_asgi_application() from tests/core/apps/served_settings.py.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

import anyio
import httpx
import pytest
from asgi_driving import lifespan
from served_inprocess import build_app
from served_project import Server, serve

BACKENDS = ["asgi", "uvicorn", "granian"]


@dataclass
class Backend:
    name: str
    client: httpx.AsyncClient
    log: Callable[[], str]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Server]]:
    """Starts each server the first time a test needs it; stops them when the module is done."""
    started: dict[str, Server] = {}
    log_dir = tmp_path_factory.mktemp("server-logs")
    with contextlib.ExitStack() as stack:

        def get(name: str) -> Server:
            if name not in started:
                started[name] = stack.enter_context(serve(name, log_dir))
            return started[name]

        yield get


@pytest.fixture(params=BACKENDS)
async def backend(
    request: pytest.FixtureRequest, servers: Callable[[str], Server], caplog: pytest.LogCaptureFixture
) -> AsyncIterator[Backend]:
    if request.param == "asgi":
        app = build_app()
        async with lifespan(app) as messages:
            assert messages[0] == {"type": "lifespan.startup.complete"}
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                yield Backend("asgi", client, lambda: caplog.text)
        return
    server = servers(request.param)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
        yield Backend(server.name, client, server.log)


async def test_json_route(backend: Backend) -> None:
    response = await backend.client.get("/api/items", params={"page": "2"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"items": [1, 2, 3], "page": "2"}


async def test_path_params_are_converted_and_decoded(backend: Backend) -> None:
    response = await backend.client.get("/api/items/42")
    assert response.json() == {"id": 42, "type": "int", "url": "/api/items/42"}
    response = await backend.client.get("/hello/j%C3%B6rg%20x")
    assert response.status_code == 200 and response.text == "hello j\u00f6rg x"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert (await backend.client.get("/api/items/abc")).status_code == 404


async def test_404_plain_and_json(backend: Backend) -> None:
    response = await backend.client.get("/nope")
    assert response.status_code == 404
    assert response.text == "Not Found"
    assert response.headers["x-covet-middleware"] == "outer"  # errors pass back through the middleware
    response = await backend.client.get("/nope", headers={"accept": "application/json"})
    assert response.status_code == 404 and response.json() == {"detail": "Not Found"}


async def test_405_with_allow_and_automatic_options(backend: Backend) -> None:
    response = await backend.client.delete("/api/items")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"
    assert response.text == "Method Not Allowed"
    response = await backend.client.options("/echo")
    assert response.status_code == 204
    assert response.headers["allow"] == "OPTIONS, POST, PUT"
    assert response.content == b""


async def test_head_has_headers_but_no_body(backend: Backend) -> None:
    get = await backend.client.get("/api/items")
    head = await backend.client.head("/api/items")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"] == str(len(get.content))
    assert head.headers["content-type"] == "application/json"


async def test_append_slash_redirect_keeps_query(backend: Backend) -> None:
    response = await backend.client.get("/docs?page=2&q=a%20b")
    assert response.status_code == 301
    assert response.headers["location"] == "/docs/?page=2&q=a%20b"
    assert (await backend.client.get("/docs/")).text == "docs"
    assert (await backend.client.post("/docs")).status_code == 404  # only GET/HEAD are redirected


async def test_post_body_echo(backend: Backend) -> None:
    response = await backend.client.post("/echo", content=b"hello body")
    assert response.status_code == 201
    assert response.json() == {"method": "POST", "length": 10, "body": "hello body"}
    big = b"x" * 300_000
    response = await backend.client.put("/echo", content=big)
    assert response.json()["length"] == len(big)


async def test_sync_view_runs_in_a_worker_thread(backend: Backend) -> None:
    response = await backend.client.get("/sync")
    assert response.status_code == 200
    assert response.json()["main"] is False


async def test_blocked_sync_view_does_not_block_the_loop(backend: Backend) -> None:
    key = uuid.uuid4().hex
    results: dict[str, httpx.Response] = {}

    async def wait() -> None:
        results["wait"] = await backend.client.get(f"/gate/wait/{key}")

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(wait)
        await anyio.sleep(0.2)  # the sync view is now blocking its worker thread
        with anyio.fail_after(5):
            results["open"] = await backend.client.get(f"/gate/open/{key}")
    assert results["open"].status_code == 200
    assert results["wait"].json() == {"opened": True}


async def test_unhandled_exception_is_a_plain_500_with_request_id(backend: Backend) -> None:
    response = await backend.client.get("/boom")
    assert response.status_code == 500
    request_id = response.headers["x-request-id"]
    assert response.text == f"Internal Server Error (request id: {request_id})"
    assert "kaboom" not in response.text and "hunter2" not in response.text
    assert response.headers["x-covet-middleware"] == "outer"
    response = await backend.client.get("/boom", headers={"x-request-id": "client-id-123"})
    assert response.text == "Internal Server Error (request id: client-id-123)"
    response = await backend.client.get(
        "/boom", headers={"x-request-id": "bad id\twith junk", "accept": "application/json"}
    )
    generated = response.headers["x-request-id"]
    assert generated != "bad id\twith junk" and len(generated) == 32
    assert response.json() == {"detail": f"Internal Server Error (request id: {generated})", "request_id": generated}
    with anyio.fail_after(5):
        while "client-id-123" not in backend.log():
            await anyio.sleep(0.05)
    log = backend.log()
    assert f"request id: {request_id}" in log
    assert "RuntimeError: kaboom" in log
    assert "Traceback" in log


async def test_middleware_layers_run_in_order(backend: Backend) -> None:
    response = await backend.client.get("/api/items")
    assert response.headers["x-covet-middleware"] == "outer"
    assert response.headers["x-covet-inner"] == "inner"


async def test_lifespan_startup_hook_ran(backend: Backend) -> None:
    response = await backend.client.get("/lifespan")
    assert "started" in response.json()["startup"]


async def test_static_route(backend: Backend) -> None:
    response = await backend.client.get("/health")
    assert response.status_code == 200 and response.text == "ok"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-covet-middleware"] == "outer"
    head = await backend.client.head("/health")
    assert head.content == b"" and head.headers["content-length"] == "2"


async def test_exception_handlers_and_http_exceptions(backend: Backend) -> None:
    response = await backend.client.get("/teapot")
    assert response.status_code == 418 and response.text == "teapot: short and stout"
    response = await backend.client.get("/forbidden", headers={"accept": "application/json"})
    assert response.status_code == 403 and response.json() == {"detail": "not yours"}
    response = await backend.client.get("/custom-http-error")
    assert response.status_code == 429 and response.headers["retry-after"] == "3" and response.text == "slow down"


async def test_return_value_conversions(backend: Backend) -> None:
    response = await backend.client.get("/created")
    assert response.status_code == 201 and response.json() == {"ok": True} and response.headers["x-extra"] == "1"
    response = await backend.client.get("/empty")
    assert response.status_code == 204 and response.content == b""
    response = await backend.client.get("/")
    assert response.text == "<h1>home</h1>" and response.headers["content-type"].startswith("text/html")


async def test_apps_ready_ran_before_serving(backend: Backend) -> None:
    if backend.name == "asgi":
        pytest.skip("the in-process app is built without settings, so no app registry is populated")
    response = await backend.client.get("/ready")
    assert response.json() == {"ready": ["served_app"]}


async def test_server_keeps_serving_after_errors(backend: Backend) -> None:
    for path in ("/boom", "/nope", "/teapot"):
        await backend.client.get(path)
    assert (await backend.client.get("/api/items/7")).json()["id"] == 7


@pytest.fixture(autouse=True)
def _capture_covet_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="covet.request")
