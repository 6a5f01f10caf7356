"""The apps of the HTTP benchmark: the same four routes on Covet, Starlette, raw ASGI and raw RSGI.

Routes: ``/plaintext``, ``/json``, ``/users/{id:int}`` and ``/static`` (a ``router.static`` route on
Covet; an ordinary route elsewhere). The Covet app runs the generated project's default middleware
stack minus the database-backed ones (request id, security headers, allowed hosts).
"""

from __future__ import annotations

from typing import Any

import orjson

HELLO = b"Hello, World!"
MESSAGE = {"message": "Hello, World!"}


def _covet_app() -> Any:
    from covet.conf import settings
    from covet.core import CovetApp
    from covet.http import PlainTextResponse
    from covet.routing import Router

    if not settings.is_configured:
        settings.configure(DEBUG=False, SECRET_KEY="benchmark-" + "k" * 40, ALLOWED_HOSTS=["*"])
    router = Router()

    @router.get("/plaintext")
    async def plaintext(request: Any) -> Any:
        return PlainTextResponse("Hello, World!")

    @router.get("/json")
    async def json(request: Any) -> dict[str, str]:
        return MESSAGE

    @router.get("/users/{id:int}")
    async def user(request: Any, id: int) -> dict[str, int]:
        return {"id": id}

    router.static("/static", HELLO, content_type="text/plain")
    return CovetApp(
        router,
        middleware=[
            "covet.middleware.request_id.RequestIdMiddleware",
            "covet.middleware.security.SecurityMiddleware",
            "covet.middleware.hosts.AllowedHostsMiddleware",
        ],
    )


def _starlette_app() -> Any:
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    async def plaintext(request: Any) -> Response:
        return PlainTextResponse("Hello, World!")

    async def json(request: Any) -> Response:
        return JSONResponse(MESSAGE)

    async def user(request: Any) -> Response:
        return JSONResponse({"id": request.path_params["id"]})

    async def static(request: Any) -> Response:
        return Response(HELLO, media_type="text/plain")

    return Starlette(
        routes=[
            Route("/plaintext", plaintext),
            Route("/json", json),
            Route("/users/{id:int}", user),
            Route("/static", static),
        ]
    )


covet_app = _covet_app()
starlette_app = _starlette_app()

_TEXT = [(b"content-type", b"text/plain"), (b"content-length", str(len(HELLO)).encode())]
_JSON_BODY = orjson.dumps(MESSAGE)
_JSON = [(b"content-type", b"application/json"), (b"content-length", str(len(_JSON_BODY)).encode())]


async def raw_asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Framework-less ASGI: what the server costs with nothing on top."""
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/json":
        headers, body = _JSON, _JSON_BODY
    elif path.startswith("/users/"):
        body = orjson.dumps({"id": int(path[7:])})
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    else:
        headers, body = _TEXT, HELLO
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def raw_rsgi(scope: Any, protocol: Any) -> None:
    """Framework-less RSGI (Granian's native interface)."""
    path = scope.path
    if path == "/json":
        protocol.response_bytes(200, [("content-type", "application/json")], _JSON_BODY)
    elif path.startswith("/users/"):
        body = orjson.dumps({"id": int(path[7:])})
        protocol.response_bytes(200, [("content-type", "application/json")], body)
    else:
        protocol.response_bytes(200, [("content-type", "text/plain")], HELLO)
