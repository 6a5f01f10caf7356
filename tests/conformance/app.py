"""The raw ASGI 3 app the conformance suite runs on every server (no Covet framework code on purpose).

Routes:
  GET  /                      plaintext "Hello, world!"
  GET  /json                  {"message": "Hello, world!"}
  POST /echo                  the request body back; x-seen-content-length / x-seen-transfer-encoding /
                              x-body-length report what the app saw
  GET  /stream?n=N&size=S     N chunks of S bytes (default 5 x 16) without Content-Length
  GET  /bytes?n=N             N bytes with Content-Length
  GET  /slow?ms=N             answers after N milliseconds
  GET  /error                 raises before the response starts
  GET  /error-after-start     starts a streamed response, then raises
  GET  /headers               the request headers as a JSON list of [name, value]
  GET  /get-only              "GET only"; any method but GET and HEAD gets 405 with Allow
  GET  /status?code=N         status N with two x-multi headers and body "status N" (none for 204/304)
  GET  /users/{id}            {"id": id} for an integer id, else 404
  ANY  /disconnect-probe?id=X reads the body, then waits for http.disconnect and records it
  GET  /disconnect-probe/result?id=X   what the probe recorded: {"disconnected": bool, "body_bytes": n}
  GET  /lifespan              {"started": true} once lifespan startup ran (scope state)
  GET  /task?tag=T            what the app sees of its task: one task throughout (across a suspension and inside
                              asyncio.timeout), and a context of its own (the tag an earlier request set is unseen)
"""

from __future__ import annotations

import asyncio
import contextvars
import json
from typing import Any
from urllib.parse import parse_qs

Scope = dict[str, Any]
Message = dict[str, Any]

HELLO = b"Hello, world!"
_probes: dict[str, dict[str, Any]] = {}
_tag: contextvars.ContextVar[str | None] = contextvars.ContextVar("conformance_tag", default=None)


async def app(scope: Scope, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(scope, receive, send)
        return
    if scope["type"] != "http":
        return
    path = scope["path"]
    handler = _ROUTES.get(path)
    if handler is None and path.startswith("/users/"):
        handler = _user
    if handler is None:
        await _respond(send, 404, b"Not Found")
        return
    await handler(scope, receive, send)


async def _lifespan(scope: Scope, receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            scope["state"]["started"] = True
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _respond(
    send: Any, status: int, body: bytes, content_type: bytes = b"text/plain; charset=utf-8", headers: Any = ()
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _json(send: Any, value: Any, status: int = 200) -> None:
    await _respond(send, status, json.dumps(value).encode(), b"application/json")


async def _read_body(receive: Any) -> bytes | None:
    """The whole body, or None if the client disconnected first."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _query(scope: Scope) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(scope["query_string"].decode()).items()}


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


async def _plaintext(scope: Scope, receive: Any, send: Any) -> None:
    await _respond(send, 200, HELLO)


async def _json_route(scope: Scope, receive: Any, send: Any) -> None:
    await _json(send, {"message": "Hello, world!"})


async def _echo(scope: Scope, receive: Any, send: Any) -> None:
    body = await _read_body(receive)
    if body is None:
        return
    seen = [
        (b"x-seen-content-length", _header(scope, b"content-length") or b"-"),
        (b"x-seen-transfer-encoding", _header(scope, b"transfer-encoding") or b"-"),
        (b"x-body-length", str(len(body)).encode()),
    ]
    await _respond(send, 200, body, b"application/octet-stream", seen)


async def _stream(scope: Scope, receive: Any, send: Any) -> None:
    query = _query(scope)
    count, size = int(query.get("n", "5")), int(query.get("size", "16"))
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    for index in range(count):
        chunk = (f"{index}:".encode() + b"x" * size)[:size] if size >= 4 else b"x" * size
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def _bytes(scope: Scope, receive: Any, send: Any) -> None:
    await _respond(send, 200, b"b" * int(_query(scope).get("n", "0")), b"application/octet-stream")


async def _slow(scope: Scope, receive: Any, send: Any) -> None:
    milliseconds = int(_query(scope).get("ms", "100"))
    await asyncio.sleep(milliseconds / 1000)
    await _respond(send, 200, f"slept {milliseconds}ms".encode())


async def _error(scope: Scope, receive: Any, send: Any) -> None:
    raise RuntimeError("boom (raised on purpose by the conformance app)")


async def _error_after_start(scope: Scope, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"partial", "more_body": True})
    raise RuntimeError("boom after the response started (raised on purpose)")


async def _headers(scope: Scope, receive: Any, send: Any) -> None:
    await _json(send, [[name.decode("latin-1"), value.decode("latin-1")] for name, value in scope["headers"]])


async def _get_only(scope: Scope, receive: Any, send: Any) -> None:
    if scope["method"] in ("GET", "HEAD"):
        await _respond(send, 200, b"GET only")
    else:
        await _respond(send, 405, b"Method Not Allowed", headers=[(b"allow", b"GET, HEAD")])


async def _status(scope: Scope, receive: Any, send: Any) -> None:
    status = int(_query(scope).get("code", "200"))
    body = b"" if status in (204, 304) else f"status {status}".encode()
    await _respond(send, status, body, headers=[(b"x-multi", b"one"), (b"x-multi", b"two")])


async def _user(scope: Scope, receive: Any, send: Any) -> None:
    raw_id = scope["path"].removeprefix("/users/")
    if not raw_id.isdigit():
        await _respond(send, 404, b"Not Found")
        return
    await _json(send, {"id": int(raw_id)})


async def _disconnect_probe(scope: Scope, receive: Any, send: Any) -> None:
    probe_id = _query(scope).get("id", "default")
    record = _probes.setdefault(probe_id, {"disconnected": False, "body_bytes": 0})
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            record["disconnected"] = True
            return
        record["body_bytes"] += len(message.get("body", b""))


async def _disconnect_probe_result(scope: Scope, receive: Any, send: Any) -> None:
    probe_id = _query(scope).get("id", "default")
    await _json(send, _probes.get(probe_id, {"disconnected": False, "body_bytes": 0}))


async def _lifespan_route(scope: Scope, receive: Any, send: Any) -> None:
    await _json(send, {"started": bool(scope.get("state", {}).get("started"))})


async def _task(scope: Scope, receive: Any, send: Any) -> None:
    seen_before = _tag.get()  # a context of its own: never the tag of an earlier request
    _tag.set(_query(scope).get("tag", ""))
    first = asyncio.current_task()
    async with asyncio.timeout(5):  # needs a current task, and must cancel this one if it fired
        await asyncio.sleep(0.001)  # a real suspension
        inside = asyncio.current_task()
    await _json(
        send,
        {
            "has_task": first is not None,
            "same_task": first is inside is asyncio.current_task(),
            "seen_before": seen_before,
            "tag": _tag.get(),
        },
    )


_ROUTES = {
    "/": _plaintext,
    "/json": _json_route,
    "/echo": _echo,
    "/stream": _stream,
    "/bytes": _bytes,
    "/slow": _slow,
    "/error": _error,
    "/error-after-start": _error_after_start,
    "/headers": _headers,
    "/get-only": _get_only,
    "/status": _status,
    "/disconnect-probe": _disconnect_probe,
    "/disconnect-probe/result": _disconnect_probe_result,
    "/lifespan": _lifespan_route,
    "/task": _task,
}
