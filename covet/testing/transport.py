"""``ASGIDispatch``: an httpx transport that hands each request to an ASGI app in-process.

It builds a complete HTTP scope (including the lifespan ``state``), feeds the request body, collects
the response, and re-raises the app's exceptions so tests fail where the bug is.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import unquote

import httpx

from covet.http.datastructures import DEFAULT_PORTS
from covet.types import ASGIApp, Message


class ASGIDispatch(httpx.AsyncBaseTransport):
    """Send httpx requests straight to ``app`` (no sockets).

    ``raise_app_exceptions``: re-raise what the app raises (default), else answer 500 when it had not
    started a response. ``client`` is the peer address the app sees; ``state`` is the lifespan state,
    shallow-copied into every request's scope as the ASGI spec asks.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        raise_app_exceptions: bool = True,
        client: tuple[str, int] = ("testclient", 50000),
        root_path: str = "",
        state: dict[str, Any] | None = None,
    ) -> None:
        self.app = app
        self.raise_app_exceptions = raise_app_exceptions
        self.client = client
        self.root_path = root_path
        self.state = state if state is not None else {}

    def build_scope(self, request: httpx.Request) -> dict[str, Any]:
        url = request.url
        raw_path = url.raw_path.partition(b"?")[0]
        return {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": url.scheme,
            "path": unquote(raw_path.decode("ascii")),
            "raw_path": raw_path,
            "query_string": url.query,
            "root_path": self.root_path,
            "headers": [(name.lower(), value) for name, value in request.headers.raw],
            "client": self.client,
            "server": (url.host, url.port or DEFAULT_PORTS.get(url.scheme, 80)),
            "extensions": {},
            "state": dict(self.state),
        }

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        exchange = _Exchange(body)
        try:
            await self.app(self.build_scope(request), exchange.receive, exchange.send)
        except Exception:
            if self.raise_app_exceptions or exchange.started:
                raise
            return httpx.Response(500, content=b"Internal Server Error", request=request)
        finally:
            exchange.complete.set()
        if not exchange.started:
            if self.raise_app_exceptions:
                raise RuntimeError("The ASGI app returned without sending a response.")
            return httpx.Response(500, content=b"Internal Server Error", request=request)
        return httpx.Response(
            exchange.status,
            headers=exchange.headers,
            stream=httpx.ByteStream(b"".join(exchange.chunks)),
            request=request,
        )


class _Exchange:
    """The ASGI ``receive``/``send`` pair of one request, and the response it collects."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.body_sent = False
        self.complete = asyncio.Event()
        self.started = False
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []

    async def receive(self) -> Message:
        if not self.body_sent:
            self.body_sent = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        await self.complete.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if self.started:
                raise RuntimeError("The ASGI app sent 'http.response.start' twice.")
            self.started = True
            self.status = message["status"]
            self.headers = [(bytes(name), bytes(value)) for name, value in message.get("headers", [])]
        elif kind == "http.response.body":
            if not self.started:
                raise RuntimeError("The ASGI app sent 'http.response.body' before 'http.response.start'.")
            if self.complete.is_set():
                raise RuntimeError("The ASGI app sent a body after the response was complete.")
            self.chunks.append(bytes(message.get("body", b"")))
            if not message.get("more_body", False):
                self.complete.set()
