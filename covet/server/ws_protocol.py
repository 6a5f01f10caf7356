"""Sans-IO pieces of the WebSocket upgrade (RFC 6455): recognising it, validating it, the 101 headers, the scope."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import h11
from wsproto.utilities import generate_accept_token

from covet.server.protocol import build_scope
from covet.types import Message, Scope


def _tokens(value: bytes) -> set[bytes]:
    return {token.strip().lower() for token in value.split(b",")}


def is_websocket_upgrade(request: h11.Request) -> bool:
    """A request asking to switch this connection to the WebSocket protocol."""
    upgrade = connection = False
    for name, value in request.headers:
        if name == b"upgrade":
            upgrade = upgrade or b"websocket" in _tokens(value)
        elif name == b"connection":
            connection = connection or b"upgrade" in _tokens(value)
    return upgrade and connection


def handshake_problem(request: h11.Request) -> str | None:
    """Why the upgrade request is not a valid WebSocket opening handshake, or None."""
    if request.method != b"GET":
        return f"WebSocket handshake must use GET, not {request.method.decode('ascii')}"
    if request.http_version != b"1.1":
        return "WebSocket handshake needs HTTP/1.1"
    headers = dict(request.headers)
    if headers.get(b"sec-websocket-version") != b"13":
        return "unsupported Sec-WebSocket-Version (only 13 is supported)"
    key = headers.get(b"sec-websocket-key", b"")
    try:
        decoded = base64.b64decode(key, validate=True)
    except binascii.Error:
        decoded = b""
    if len(decoded) != 16:
        return "missing or malformed Sec-WebSocket-Key"
    return None


def requested_subprotocols(request: h11.Request) -> list[str]:
    protocols: list[str] = []
    for name, value in request.headers:
        if name == b"sec-websocket-protocol":
            protocols.extend(token.strip().decode("latin-1") for token in value.split(b",") if token.strip())
    return protocols


def build_websocket_scope(
    request: h11.Request,
    *,
    client: tuple[str, int] | None,
    server: tuple[str, int] | None,
    state: dict[str, Any] | None = None,
) -> Scope:
    """The ASGI ``websocket`` scope of an upgrade request."""
    scope = build_scope(request, client=client, server=server, scheme="ws", state=state)
    scope["type"] = "websocket"
    del scope["method"]
    scope["subprotocols"] = requested_subprotocols(request)
    return scope


def websocket_key(request: h11.Request) -> bytes:
    return dict(request.headers)[b"sec-websocket-key"]


def accept_headers(key: bytes, accept: Message) -> list[tuple[bytes, bytes]]:
    """Headers of the 101 response to the handshake with ``key``, for the app's ``websocket.accept`` message."""
    headers = [
        (b"upgrade", b"websocket"),
        (b"connection", b"Upgrade"),
        (b"sec-websocket-accept", generate_accept_token(key)),
    ]
    subprotocol = accept.get("subprotocol")
    if subprotocol:
        headers.append((b"sec-websocket-protocol", subprotocol.encode("latin-1")))
    for name, value in accept.get("headers", ()):
        headers.append((bytes(name), bytes(value)))
    return headers
