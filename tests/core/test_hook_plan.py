"""The compiled plan of the built-in hook middleware gives exactly the generic fused run's responses.

Every scenario goes through two apps with the same router and settings: one whose MIDDLEWARE is the built-in
classes (the chain builder compiles them into a ``HookPlan``) and one with trivial subclasses of them (not
planned: the generic fused run calls every hook). Statuses, header lists (names, values and order) and bodies
must be equal, for every order of the three layers and with HSTS on and off.
"""

from __future__ import annotations

import itertools
import logging
from typing import Any

import pytest
from asgi_driving import asgi_client

from covet.conf import settings
from covet.core import CovetApp
from covet.core.hook_plan import HookPlan
from covet.core.middleware_chain import FusedHooks
from covet.exceptions import Http404
from covet.http import JSONResponse, PlainTextResponse, Request, Response
from covet.middleware.hosts import AllowedHostsMiddleware
from covet.middleware.request_id import RequestIdMiddleware, current_request_id
from covet.middleware.security import SecurityMiddleware
from covet.routing import Router

if not settings.is_configured:
    settings.configure(SECRET_KEY="hook-plan-tests-" + "x" * 40, DEBUG=False, ALLOWED_HOSTS=["testserver"])


class GenericRequestId(RequestIdMiddleware):
    """Not planned (a subclass): the generic run calls its hooks."""


class GenericSecurity(SecurityMiddleware):
    pass


class GenericHosts(AllowedHostsMiddleware):
    pass


PLANNED = {"id": RequestIdMiddleware, "security": SecurityMiddleware, "hosts": AllowedHostsMiddleware}
GENERIC = {"id": GenericRequestId, "security": GenericSecurity, "hosts": GenericHosts}


def make_router() -> Router:
    router = Router()

    @router.get("/json")
    async def as_json(request: Request) -> Any:
        return {"id": request.id, "current": current_request_id.get()}

    @router.get("/text")
    async def text(request: Request) -> Response:
        return PlainTextResponse("hello")

    @router.get("/own-frame-options")
    async def own_frame_options(request: Request) -> Response:
        return PlainTextResponse("framed", headers={"X-Frame-Options": "SAMEORIGIN"})

    @router.get("/own-request-id")
    async def own_request_id(request: Request) -> Response:
        return PlainTextResponse("mine", headers={"X-Request-ID": "from-the-view"})

    @router.get("/upper-case-header")
    async def upper_case_header(request: Request) -> Response:
        response = PlainTextResponse("raw")
        response.raw_headers.append((b"Referrer-Policy", b"no-referrer"))  # written raw, not lower-cased
        return response

    @router.get("/renamed")
    async def renamed(request: Request) -> Any:
        request.id = "renamed-by-the-view"
        return {"ok": True}

    @router.get("/boom")
    async def boom(request: Request) -> Any:
        raise RuntimeError("the view failed")

    @router.get("/missing")
    async def missing(request: Request) -> Any:
        raise Http404("no such thing")

    @router.post("/post-only")
    async def post_only(request: Request) -> Any:
        return {"posted": True}

    @router.get("/folder/")
    async def folder(request: Request) -> Any:
        return JSONResponse([1, 2, 3])

    return router


def make_app(classes: dict[str, type], order: tuple[str, ...]) -> CovetApp:
    return CovetApp(make_router(), middleware=[classes[name] for name in order])


REQUESTS: list[tuple[str, str, Any]] = [
    ("GET", "/json", {"x-request-id": "lb-1"}),
    ("GET", "/text", {"x-request-id": "lb-2"}),
    ("HEAD", "/text", {"x-request-id": "lb-3"}),
    ("GET", "/own-frame-options", {"x-request-id": "lb-4"}),
    ("GET", "/own-request-id", {"x-request-id": "lb-5"}),
    ("GET", "/upper-case-header", {"x-request-id": "lb-6"}),
    ("GET", "/renamed", {"x-request-id": "lb-7"}),
    ("GET", "/boom", {"x-request-id": "lb-8"}),
    ("GET", "/missing", {"x-request-id": "lb-9"}),
    ("GET", "/post-only", {"x-request-id": "lb-10"}),
    ("GET", "/folder", {"x-request-id": "lb-11"}),
    ("GET", "/nowhere", {"x-request-id": "lb-12"}),
    ("GET", "/json", {"x-request-id": "lb-13", "host": "evil.example"}),
    ("GET", "/json", {"x-request-id": "lb-14", "host": "bad host!"}),
    ("GET", "/json", {"x-request-id": "not a safe id"}),
    ("GET", "/json", {}),
    ("GET", "/json", [("x-request-id", "first"), ("x-request-id", "second")]),
    ("GET", "/json", [("x-request-id", "bad one"), ("x-request-id", "good-one")]),
]


def comparable(response: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers in order and body; a generated request id (differs between the apps) is masked."""
    supplied = response.request.headers.get_list("x-request-id")[:1] or [""]
    headers = []
    for name, value in response.headers.raw:
        text = value.decode("latin-1")
        if name.lower() == b"x-request-id" and text != supplied[0] and len(text) == 32:
            text = "<generated>"
        headers.append((name.decode("latin-1"), text))
    body = response.content.replace(response.headers.get("x-request-id", "").encode(), b"<id>")
    return response.status_code, headers, body


async def responses(app: CovetApp, scheme: str) -> list[tuple[int, list[tuple[str, str]], bytes]]:
    results = []
    async with asgi_client(app) as client:
        for method, path, headers in REQUESTS:
            response = await client.request(method, f"{scheme}://testserver{path}", headers=headers)
            results.append(comparable(response))
            assert current_request_id.get() is None  # reset after every request, however it ended
    return results


ORDERS = list(itertools.permutations(["id", "security", "hosts"]))


@pytest.mark.parametrize("hsts", [0, 3600], ids=["no-hsts", "hsts"])
@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("order", ORDERS, ids=["-".join(order) for order in ORDERS])
async def test_plan_gives_the_generic_runs_responses(order: tuple[str, ...], scheme: str, hsts: int) -> None:
    with settings.override(SECURE_HSTS_SECONDS=hsts, SECURE_HSTS_PRELOAD=True, ALLOWED_HOSTS=["testserver"]):
        planned = make_app(PLANNED, order)
        generic = make_app(GENERIC, order)
        assert isinstance(planned._get_response, HookPlan)
        assert isinstance(generic._get_response, FusedHooks)
        expected = await responses(generic, scheme)
        assert await responses(planned, scheme) == expected
    statuses = [status for status, _, _ in expected]
    assert statuses == [200, 200, 200, 200, 200, 200, 200, 500, 404, 405, 301, 404, 400, 400, 200, 200, 200, 200]
    if hsts and scheme == "https":
        answered = [headers for status, headers, _ in expected if status == 200]
        assert all(any(name == "strict-transport-security" for name, _ in headers) for headers in answered)


@pytest.mark.parametrize("layers", [["id"], ["security"], ["hosts"], ["id", "hosts"], ["security", "id"]])
async def test_partial_runs_are_planned_too(layers: list[str]) -> None:
    with settings.override(ALLOWED_HOSTS=["testserver"]):
        planned = make_app(PLANNED, tuple(layers))
        generic = make_app(GENERIC, tuple(layers))
        assert isinstance(planned._get_response, HookPlan)
        assert await responses(planned, "http") == await responses(generic, "http")


async def test_view_sees_its_request_id_in_the_context_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    with settings.override(ALLOWED_HOSTS=["testserver"]):
        app = make_app(PLANNED, ("id", "security", "hosts"))
    async with asgi_client(app) as client:
        response = await client.get("/json", headers={"x-request-id": "trace-42"})
    assert response.json() == {"id": "trace-42", "current": "trace-42"}
    assert response.headers["x-request-id"] == "trace-42"
    assert current_request_id.get() is None


async def test_refused_host_is_audited_as_by_the_hooks(caplog: pytest.LogCaptureFixture) -> None:
    with settings.override(ALLOWED_HOSTS=["testserver"]):
        app = make_app(PLANNED, ("id", "security", "hosts"))
    with caplog.at_level(logging.WARNING):
        async with asgi_client(app) as client:
            response = await client.get("/json", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "evil.example" in caplog.text


def test_what_is_not_planned() -> None:
    with settings.override(SECURE_SSL_REDIRECT=True):
        assert isinstance(make_app(PLANNED, ("id", "security"))._get_response, FusedHooks)
    with settings.override(USE_X_FORWARDED_HOST=True):
        assert isinstance(make_app(PLANNED, ("id", "hosts"))._get_response, FusedHooks)
    assert isinstance(make_app(PLANNED, ("id", "security", "hosts"))._get_response, HookPlan)
    twice = CovetApp(make_router(), middleware=[RequestIdMiddleware, RequestIdMiddleware])
    assert isinstance(twice._get_response, FusedHooks)
