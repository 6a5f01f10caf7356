"""TestClient and AsyncTestClient against raw ASGI apps and a CovetApp: requests, lifespan, errors."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest

from covet.core import CovetApp
from covet.routing import Router
from covet.testing import AsyncTestClient, LifespanError, TestClient


class EchoApp:
    """Answers every request with a JSON description of its scope and body; records lifespan events."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.loops: list[int] = []

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                self.events.append(message["type"])
                if message["type"] == "lifespan.startup":
                    scope["state"]["greeting"] = "hello"
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        self.loops.append(id(asyncio.get_running_loop()))
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        payload = {
            "method": scope["method"],
            "path": scope["path"],
            "raw_path": scope["raw_path"].decode(),
            "query": scope["query_string"].decode(),
            "headers": {name.decode(): value.decode() for name, value in scope["headers"]},
            "client": list(scope["client"]),
            "server": list(scope["server"]),
            "state": scope.get("state", {}),
            "body": body.decode(),
        }
        headers = [(b"content-type", b"application/json")]
        if scope["path"] == "/login":
            headers.append((b"set-cookie", b"session=abc; Path=/"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        data = json.dumps(payload).encode()
        await send({"type": "http.response.body", "body": data[:10], "more_body": True})
        await send({"type": "http.response.body", "body": data[10:]})


def test_request_details_reach_the_app():
    app = EchoApp()
    with TestClient(app) as client:
        response = client.post("/caf%C3%A9/items?x=1&y=two", content=b"payload", headers={"X-Token": "t"})
    data = response.json()
    assert response.status_code == 200
    assert data["method"] == "POST"
    assert data["path"] == "/café/items"
    assert data["raw_path"] == "/caf%C3%A9/items"
    assert data["query"] == "x=1&y=two"
    assert data["headers"]["x-token"] == "t"
    assert data["headers"]["host"] == "testserver"
    assert data["body"] == "payload"
    assert data["client"] == ["testclient", 50000]
    assert data["server"] == ["testserver", 80]


def test_lifespan_runs_around_the_block_and_state_reaches_requests():
    app = EchoApp()
    with TestClient(app) as client:
        assert app.events == ["lifespan.startup"]
        assert client.get("/").json()["state"] == {"greeting": "hello"}
    assert app.events == ["lifespan.startup", "lifespan.shutdown"]


def test_requests_in_a_block_share_one_event_loop():
    app = EchoApp()
    with TestClient(app) as client:
        client.get("/")
        client.get("/")
    assert len(set(app.loops)) == 1


def test_without_a_block_there_is_no_lifespan():
    app = EchoApp()
    client = TestClient(app)
    assert client.get("/").status_code == 200
    assert app.events == []
    client.close()


def test_lifespan_can_be_switched_off():
    app = EchoApp()
    with TestClient(app, lifespan=False) as client:
        client.get("/")
    assert app.events == []


def test_cookies_persist_between_requests():
    with TestClient(EchoApp()) as client:
        client.get("/login")
        assert client.get("/").json()["headers"]["cookie"] == "session=abc"


def test_json_and_form_bodies():
    with TestClient(EchoApp()) as client:
        assert json.loads(client.post("/", json={"a": 1}).json()["body"]) == {"a": 1}
        assert client.post("/", data={"name": "x y"}).json()["body"] == "name=x+y"


async def failing_app(scope, receive, send):
    if scope["type"] == "lifespan":
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    raise ValueError("view exploded")


def test_app_exceptions_are_raised_in_the_test():
    with TestClient(failing_app) as client, pytest.raises(ValueError, match="view exploded"):
        client.get("/")


def test_app_exceptions_can_become_500s():
    with TestClient(failing_app, raise_server_exceptions=False) as client:
        response = client.get("/")
    assert response.status_code == 500


async def silent_app(scope, receive, send):
    return None


def test_an_app_that_never_responds_is_an_error():
    with TestClient(silent_app, lifespan=False) as client, pytest.raises(RuntimeError, match="without sending"):
        client.get("/")


async def body_before_start_app(scope, receive, send):
    await send({"type": "http.response.body", "body": b"x"})


def test_protocol_violations_are_reported():
    with (
        TestClient(body_before_start_app, lifespan=False) as client,
        pytest.raises(RuntimeError, match=r"before 'http\.response\.start'"),
    ):
        client.get("/")


async def startup_fails_app(scope, receive, send):
    await receive()
    await send({"type": "lifespan.startup.failed", "message": "database unreachable"})


def test_startup_failure_is_raised_and_the_loop_thread_is_stopped():
    threads_before = threading.active_count()
    with pytest.raises(LifespanError, match="database unreachable"), TestClient(startup_fails_app):
        pass
    assert threading.active_count() == threads_before


async def http_only_app(scope, receive, send):
    assert scope["type"] == "http", "this app does not support lifespan"


def test_an_app_crashing_on_lifespan_is_reported():
    with pytest.raises(AssertionError, match="does not support lifespan"), TestClient(http_only_app):
        pass


async def shutdown_fails_app(scope, receive, send):
    await receive()
    await send({"type": "lifespan.startup.complete"})
    await receive()
    await send({"type": "lifespan.shutdown.failed", "message": "flush failed"})


def test_shutdown_failure_is_raised():
    with pytest.raises(LifespanError, match="flush failed"), TestClient(shutdown_fails_app):
        pass


async def test_async_client_with_lifespan():
    app = EchoApp()
    async with AsyncTestClient(app) as client:
        response = await client.put("/thing?q=1", content=b"data")
        assert app.events == ["lifespan.startup"]
    data = response.json()
    assert (data["method"], data["path"], data["query"], data["body"]) == ("PUT", "/thing", "q=1", "data")
    assert data["state"] == {"greeting": "hello"}
    assert app.events == ["lifespan.startup", "lifespan.shutdown"]


async def test_async_client_startup_failure():
    with pytest.raises(LifespanError, match="database unreachable"):
        async with AsyncTestClient(startup_fails_app):
            pass


async def test_async_client_raises_app_exceptions():
    async with AsyncTestClient(failing_app) as client:
        with pytest.raises(ValueError, match="view exploded"):
            await client.get("/")


def covet_router() -> Router:
    router = Router()

    @router.get("/items/{id:int}", name="item")
    async def item(request, id: int):
        return {"id": id, "query": request.query_params.get("q")}

    @router.post("/echo")
    async def echo(request):
        return await request.json()

    return router


def test_test_client_drives_a_covet_app():
    startups = []
    app = CovetApp(covet_router(), on_startup=[lambda: startups.append("up")])
    with TestClient(app) as client:
        assert startups == ["up"]
        assert client.get("/items/7?q=x").json() == {"id": 7, "query": "x"}
        assert client.post("/echo", json={"a": [1, 2]}).json() == {"a": [1, 2]}
        assert client.get("/items/seven").status_code == 404
        assert client.delete("/items/7").status_code == 405


async def test_async_test_client_drives_a_covet_app():
    async with AsyncTestClient(CovetApp(covet_router())) as client:
        response = await client.get("/items/3")
    assert response.json() == {"id": 3, "query": None}
