"""In-memory ASGI channels: build scopes, feed request bodies, record what a response sends (no server)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import anyio

from covet.types import Message, Scope


def make_scope(
    method: str = "GET",
    path: str = "/",
    *,
    query_string: bytes = b"",
    headers: Iterable[tuple[str, str]] = (),
    **extra: Any,
) -> Scope:
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query_string,
        "headers": [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    scope.update(extra)
    return scope


def body_receiver(*chunks: bytes, disconnect_after: bool = False) -> Callable[[], Awaitable[Message]]:
    """A receive() that delivers ``chunks`` as http.request messages, like a server would.

    Afterwards it blocks, as a server's does while the client stays connected; with ``disconnect_after`` the last
    chunk claims more body is coming and then the client disconnects instead.
    """
    messages: list[Message] = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks or (b"",))
    ]
    if disconnect_after:
        messages[-1]["more_body"] = True
        messages.append({"type": "http.disconnect"})

    async def receive() -> Message:
        if messages:
            return messages.pop(0)
        return await never_disconnects()

    return receive


@dataclass
class SentResponse:
    """Everything an app sent through send(), decoded for assertions."""

    messages: list[Message] = field(default_factory=list)

    async def __call__(self, message: Message) -> None:
        self.messages.append(message)

    @property
    def status(self) -> int:
        return int(self.messages[0]["status"])

    @property
    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        return list(self.messages[0]["headers"])

    def header(self, name: str) -> str | None:
        values = self.headers_named(name)
        return values[0] if values else None

    def headers_named(self, name: str) -> list[str]:
        key = name.lower().encode()
        return [value.decode("latin-1") for header, value in self.raw_headers if header == key]

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.messages[1:] if m["type"] == "http.response.body")

    @property
    def finished(self) -> bool:
        last = self.messages[-1]
        return last["type"] == "http.response.body" and not last.get("more_body", False)


async def never_disconnects() -> Message:
    """A receive() for a client that stays connected: it never returns until cancelled."""
    await anyio.sleep_forever()
    raise AssertionError("unreachable")


async def send_response(
    app: Callable[..., Awaitable[None]], scope: Scope | None = None, receive: Any = None
) -> SentResponse:
    sent = SentResponse()
    await app(scope or make_scope(), receive or never_disconnects, sent)
    return sent
