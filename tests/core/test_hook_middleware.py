"""Hook middleware (process_request / process_response): the fused chain gives the nested onion's results.

Every scenario runs twice on the same layers: once as the chain builder fuses them, once with fusion defeated
(the same classes with their own ``__call__``, i.e. the plain nested onion). The event logs, statuses and
headers must be equal, and must be what Django's MiddlewareMixin rules say.
"""

from __future__ import annotations

import pytest
from asgi_driving import asgi_client

from covet.core import CovetApp
from covet.core.middleware_chain import _is_fusable, build_middleware_chain
from covet.exceptions import ImproperlyConfigured
from covet.http import PlainTextResponse, Request, Response
from covet.middleware.hooks import HookMiddleware
from covet.routing import Router

events: list[str] = []


def hook_layer(name: str) -> type[HookMiddleware]:
    """A hook layer that logs, answers ``/stop-<name>`` itself and raises on ``/req-<name>`` or ``/resp-<name>``."""

    class Layer(HookMiddleware):
        def process_request(self, request):
            events.append(f"{name}.request")
            if request.path == f"/req-{name}":
                raise RuntimeError(f"{name} failed on the way in")
            if request.path == f"/stop-{name}":
                return PlainTextResponse(f"answered by {name}", status_code=403)
            return None

        def process_response(self, request, response):
            events.append(f"{name}.response:{response.status_code}")
            if request.path == f"/resp-{name}":
                raise RuntimeError(f"{name} failed on the way out")
            response.headers.append("x-layers", name)
            return response

    Layer.__name__ = Layer.__qualname__ = f"Layer_{name}"
    return Layer


def onion(layer: type[HookMiddleware]) -> type[HookMiddleware]:
    """The same layer with fusion defeated: its own ``__call__`` (the base class's onion behaviour)."""

    class Unfused(layer):  # type: ignore[misc,valid-type]
        async def __call__(self, request):
            return await HookMiddleware.__call__(self, request)

    return Unfused


def async_layer(get_response):
    """A classic async layer between hook runs: it splits them into two fused runs."""

    async def middleware(request):
        events.append("async.before")
        response = await get_response(request)
        events.append(f"async.after:{response.status_code}")
        return response

    return middleware


def make_app(fused: bool) -> CovetApp:
    router = Router()

    @router.get("/{path:path}")
    async def view(request, path: str) -> Response:
        events.append("view")
        return PlainTextResponse("view")

    a, b, c = hook_layer("a"), hook_layer("b"), hook_layer("c")
    layers = [a, b, async_layer, c] if fused else [onion(a), onion(b), async_layer, onion(c)]
    return CovetApp(router, middleware=layers)


PATHS = ["/ok", "/stop-a", "/stop-b", "/stop-c", "/req-a", "/req-b", "/req-c", "/resp-a", "/resp-b", "/resp-c"]


async def run(app: CovetApp, path: str) -> tuple[list[str], int, list[str]]:
    events.clear()
    async with asgi_client(app) as client:
        response = await client.get(path)
    return list(events), response.status_code, response.headers.get_list("x-layers")


@pytest.mark.parametrize("path", PATHS)
async def test_fused_chain_behaves_as_the_nested_onion(path: str) -> None:
    assert await run(make_app(fused=True), path) == await run(make_app(fused=False), path)


async def test_the_rules_of_the_hooks() -> None:
    app = make_app(fused=True)
    log, status, layers = await run(app, "/ok")
    assert log == [
        "a.request", "b.request", "async.before", "c.request", "view",
        "c.response:200", "async.after:200", "b.response:200", "a.response:200",
    ]  # fmt: skip
    assert (status, layers) == (200, ["c", "b", "a"])

    # Answered by b: the inner layers are skipped, b's own process_response and a's still run.
    log, status, layers = await run(app, "/stop-b")
    assert log == ["a.request", "b.request", "b.response:403", "a.response:403"]
    assert (status, layers) == (403, ["b", "a"])

    # b raises on the way in: b's process_response does not run, a sees the 500.
    log, status, layers = await run(app, "/req-b")
    assert log == ["a.request", "b.request", "a.response:500"]
    assert (status, layers) == (500, ["a"])

    # c raises on the way out: the layers outside it see the 500.
    log, status, _ = await run(app, "/resp-c")
    assert log[-3:] == ["async.after:500", "b.response:500", "a.response:500"]
    assert status == 500


def test_only_plain_hook_layers_are_fused() -> None:
    assert _is_fusable(hook_layer("x")(lambda request: None))
    assert not _is_fusable(onion(hook_layer("x"))(lambda request: None))
    assert not _is_fusable(async_layer)


async def test_a_hook_layer_gets_the_real_inner_chain_as_get_response() -> None:
    """Called on its own (outside the fused run), a layer still reaches the inner layers through get_response."""
    seen: list[HookMiddleware] = []

    def capture(get_response):
        layer = hook_layer("solo")(get_response)
        seen.append(layer)
        return layer

    async def handler(request: Request) -> Response:
        return PlainTextResponse("inner")

    async def error_response(request: Request, exc: Exception) -> Response:
        return PlainTextResponse(repr(exc), status_code=500)

    build_middleware_chain(handler, [capture, hook_layer("inner")], error_response)
    request = Request({"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""})
    events.clear()
    response = await seen[0](request)
    assert (response.status_code, response.body) == (200, b"inner")
    assert events == ["solo.request", "inner.request", "inner.response:200", "solo.response:200"]


def test_an_async_hook_is_refused_when_the_chain_is_built() -> None:
    class AsyncHook(HookMiddleware):
        async def process_request(self, request):  # type: ignore[override]
            return None

    async def handler(request: Request) -> Response:
        return PlainTextResponse("inner")

    with pytest.raises(ImproperlyConfigured, match=r"AsyncHook.process_request is `async def`"):
        build_middleware_chain(handler, [AsyncHook], handler)  # type: ignore[arg-type]


async def test_two_request_id_layers_sharing_a_scope_each_reset_their_token() -> None:
    from covet.middleware.request_id import RequestIdMiddleware, current_request_id

    async def handler(request: Request) -> Response:
        assert current_request_id.get() is not None
        return PlainTextResponse("inner")

    async def error_response(request: Request, exc: Exception) -> Response:
        raise exc

    chain = build_middleware_chain(handler, [RequestIdMiddleware, async_layer, RequestIdMiddleware], error_response)
    request = Request({"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""})
    response = await chain(request)
    assert response.status_code == 200
    assert current_request_id.get() is None  # both layers reset what they set
    assert not [key for key in request.scope if key.startswith("covet.request_id_token")]
