"""Build real ``Request`` objects from ASGI scopes and run one middleware around a view, without a server."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from covet.http import PlainTextResponse, Request, Response
from covet.types import Message

View = Callable[[Request], Awaitable[Response]]


def make_request(
    method: str = "GET",
    path: str = "/",
    *,
    headers: Mapping[str, str] | None = None,
    scheme: str = "http",
    client: tuple[str, int] = ("10.0.0.1", 50000),
    body: bytes = b"",
    host: str | None = "testserver",
) -> Request:
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    if host is not None and not any(k == b"host" for k, _ in raw):
        raw.insert(0, (b"host", host.encode("latin-1")))
    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": raw,
        "client": client,
        "server": ("testserver", 443 if scheme == "https" else 80),
        "root_path": "",
    }
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(scope, receive)


async def ok_view(request: Request) -> Response:
    return PlainTextResponse("ok")


async def run(middleware_class: type, request: Request, view: View = ok_view, **kwargs: Any) -> Response:
    """Run ``request`` through ``middleware_class(view)``, as the core's onion would."""
    middleware = middleware_class(view, **kwargs)
    response: Response = await middleware(request)
    return response
