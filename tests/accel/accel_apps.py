"""Applications served by ``covet serve --prod`` in tests/accel: raw ASGI, Starlette, Django and Covet."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import orjson


async def _send_body(send: Any, status: int, body: bytes, content_type: bytes = b"text/plain") -> None:
    headers = [(b"content-type", content_type), (b"x-worker-pid", str(os.getpid()).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def raw_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Raw ASGI: /pid, /slow?ms=N, /error, /echo (POST), /big?kb=N (streamed)."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    path = scope["path"]
    query = dict(part.split("=", 1) for part in scope["query_string"].decode().split("&") if "=" in part)
    if path == "/pid":
        await _send_body(send, 200, str(os.getpid()).encode())
    elif path == "/slow":
        await asyncio.sleep(int(query.get("ms", "200")) / 1000)
        await _send_body(send, 200, b"slow done")
    elif path == "/error":
        raise RuntimeError("boom from the view")
    elif path == "/echo":
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await _send_body(send, 200, body, b"application/octet-stream")
    elif path == "/big":
        chunk = b"x" * 1024
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        for _ in range(int(query.get("kb", "1024"))):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    elif path == "/scope":
        info = {
            "http_version": scope["http_version"],
            "scheme": scope["scheme"],
            "path": scope["path"],
            "raw_path": scope["raw_path"].decode(),
            "query_string": scope["query_string"].decode(),
            "client": list(scope["client"]) if scope["client"] else None,
            "server": list(scope["server"]) if scope["server"] else None,
            "host": dict(scope["headers"]).get(b"host", b"").decode(),
        }
        await _send_body(send, 200, orjson.dumps(info), b"application/json")
    else:
        await _send_body(send, 404, b"not found")


def _starlette_app() -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, PlainTextResponse, StreamingResponse
    from starlette.routing import Route

    async def user(request: Request) -> JSONResponse:
        return JSONResponse({"id": request.path_params["id"], "worker": os.getpid()})

    async def echo(request: Request) -> PlainTextResponse:
        return PlainTextResponse((await request.body()).decode())

    async def stream(request: Request) -> StreamingResponse:
        async def numbers() -> Any:
            for i in range(5):
                yield f"{i}\n"

        return StreamingResponse(numbers(), media_type="text/plain")

    async def fail(request: Request) -> PlainTextResponse:
        raise ValueError("starlette view failed")

    return Starlette(
        routes=[
            Route("/users/{id:int}", user),
            Route("/echo", echo, methods=["POST"]),
            Route("/stream", stream),
            Route("/fail", fail),
        ]
    )


starlette_app = _starlette_app()


def _covet_app() -> Any:
    from covet.core import CovetApp
    from covet.routing import Router

    router = Router()
    router.static("/health", b"ok", content_type="text/plain", headers={"x-static": "rust"})

    @router.get("/users/{id:int}")
    async def user(request: Any, id: int) -> dict[str, int]:
        return {"id": id}

    return CovetApp(router)


covet_app = _covet_app()
