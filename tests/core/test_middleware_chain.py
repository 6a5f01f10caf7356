"""The middleware chain: order, errors inside layers, refusal of sync middleware, build-once, ASGI middleware."""

from __future__ import annotations

import pytest
from asgi_driving import asgi_client

from covet.core import CovetApp
from covet.exceptions import ImproperlyConfigured
from covet.http import Response
from covet.routing import Router


class Recorder:
    """Records what it sees coming back from the inner layers."""

    seen: list[int] = []

    def __init__(self, get_response):
        self.get_response = get_response

    async def __call__(self, request):
        response = await self.get_response(request)
        Recorder.seen.append(response.status_code)
        response.headers["x-recorder"] = "yes"
        return response


def exploding_factory(get_response):
    async def middleware(request):
        if request.path == "/explode":
            raise RuntimeError("middleware exploded")
        return await get_response(request)

    return middleware


async def test_errors_inside_middleware_become_responses_outer_layers_see() -> None:
    Recorder.seen = []
    router = Router()
    router.add_route("/ok", lambda request: "ok")
    app = CovetApp(router, middleware=[Recorder, exploding_factory])
    async with asgi_client(app) as client:
        response = await client.get("/explode")
        assert response.status_code == 500 and response.headers["x-recorder"] == "yes"
        assert (await client.get("/ok")).text == "ok"
        assert (await client.get("/nothing")).headers["x-recorder"] == "yes"
    assert Recorder.seen == [500, 200, 404]


class SyncMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (SyncMiddleware, "must produce an async callable.*Sync middleware is not supported"),
        (lambda get_response: None, "must produce an async callable"),
        ("served_middleware.NoSuchMiddleware", "has no attribute 'NoSuchMiddleware'"),
        ("nonexistent_module.Middleware", "cannot be imported"),
        (42, "is not a class or a factory function"),
    ],
)
def test_bad_middleware_is_refused_at_build_time(entry, message) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        CovetApp(Router(), middleware=[entry])


async def test_middleware_is_built_once() -> None:
    built: list[int] = []

    def counting_factory(get_response):
        built.append(1)

        async def middleware(request):
            return await get_response(request)

        return middleware

    router = Router()
    router.add_route("/", lambda request: "x")
    app = CovetApp(router, middleware=[counting_factory])
    async with asgi_client(app) as client:
        for _ in range(3):
            await client.get("/")
    assert built == [1]


async def test_asgi_middleware_wraps_the_whole_app() -> None:
    class ServerHeader:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            async def send_with_header(message):
                if message["type"] == "http.response.start":
                    message["headers"] = [*message["headers"], (b"x-asgi", b"wrapped")]
                await send(message)

            await self.app(scope, receive, send_with_header)

    router = Router()
    router.add_route("/", lambda request: "x")
    app = CovetApp(router, asgi_middleware=[ServerHeader])
    async with asgi_client(app) as client:
        assert (await client.get("/")).headers["x-asgi"] == "wrapped"
        assert (await client.get("/missing")).headers["x-asgi"] == "wrapped"
    with pytest.raises(ImproperlyConfigured, match="did not return an ASGI callable"):
        CovetApp(router, asgi_middleware=[lambda app: None])


async def test_middleware_sees_the_matched_route_before_the_view() -> None:
    seen: list[tuple[str | None, dict]] = []

    def route_spy(get_response):
        async def middleware(request):
            route = request.scope.get("route")
            seen.append((route.name if route else None, dict(request.path_params)))
            return await get_response(request)

        return middleware

    router = Router()
    router.add_route("/posts/{id:int}", lambda request, id: {"id": id}, name="post")
    app = CovetApp(router, middleware=[route_spy])
    async with asgi_client(app) as client:
        assert (await client.get("/posts/3")).json() == {"id": 3}
        assert (await client.get("/missing")).status_code == 404
    assert seen == [("post", {"id": 3}), (None, {})]


class DeferredResponse(Response):
    """A response whose body is produced asynchronously by finalize() (as TemplateResponse does)."""

    def __init__(self, fail: bool = False) -> None:
        super().__init__(b"", media_type="text/plain")
        self.fail = fail

    async def finalize(self) -> None:
        if self.fail:
            raise RuntimeError("render failed")
        self.body = b"rendered"
        self.headers["content-length"] = str(len(self.body))


async def test_finalize_runs_inside_the_chain() -> None:
    bodies: list[bytes] = []

    def body_spy(get_response):
        async def middleware(request):
            response = await get_response(request)
            bodies.append(response.body)
            return response

        return middleware

    router = Router()
    router.add_route("/deferred", lambda request: DeferredResponse())
    router.add_route("/deferred-error", lambda request: DeferredResponse(fail=True))
    app = CovetApp(router, middleware=[body_spy])
    async with asgi_client(app) as client:
        assert (await client.get("/deferred")).text == "rendered"
        assert (await client.get("/deferred-error")).status_code == 500
    assert bodies[0] == b"rendered"
    assert bodies[1].startswith(b"Internal Server Error (request id: ")
