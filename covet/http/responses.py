"""The ``Response`` family: a status, headers and a body, sent as ASGI ``http.response.*`` messages.

``FileResponse`` lives in ``covet.http.files`` (conditional and range requests make it a topic of its own).
"""

from __future__ import annotations

import decimal
import functools
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from typing import Any, Unpack
from urllib.parse import quote

import anyio
import anyio.to_thread
import orjson

from covet.http.background import BackgroundTask
from covet.http.cookies import CookieOptions, build_set_cookie
from covet.http.datastructures import MutableHeaders, encode_header
from covet.types import Message, Receive, Scope, Send

# Statuses whose responses carry no body, so no Content-Length is added for them.
_BODILESS_STATUSES = frozenset({204, 304})

# Characters left as they are when a redirect target is made safe for the Location header.
_LOCATION_SAFE = ":/%#?=@[]!$&'()*+,;~"

# What delete_cookie() sends as Expires: a moment long past.
_EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT"


@functools.lru_cache(maxsize=128)
def content_type_header(media_type: str, charset: str) -> tuple[bytes, bytes]:
    """The ``Content-Type`` header for ``media_type`` (``text/*`` gets ``charset``), validated like any header.

    Cached: a handful of media types serve every response.
    """
    if media_type.startswith("text/") and "charset=" not in media_type.lower():
        media_type += f"; charset={charset}"
    return encode_header("content-type", media_type)


def sends_body(scope: Scope) -> bool:
    """False for HEAD: the headers describe the body, but the body itself is not sent."""
    return scope.get("method") != "HEAD"


class Response:
    """A response whose body is known up front (``str`` is encoded with ``charset``, ``bytes`` sent as is)."""

    media_type: str | None = None
    charset = "utf-8"

    def __init__(
        self,
        content: Any = None,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        self.status_code = status_code
        if media_type is not None:
            self.media_type = media_type
        self.background = background
        self._headers: MutableHeaders | None = None
        self.body = self.render(content)
        self.raw_headers = self.build_headers(headers, content_length=self.content_length())

    def content_length(self) -> int | None:
        """The body length for the Content-Length header, or None when it is not known up front."""
        return len(self.body)

    def render(self, content: Any) -> bytes:
        if content is None:
            return b""
        if isinstance(content, bytes):
            return content
        if isinstance(content, str):
            return content.encode(self.charset)
        if isinstance(content, bytearray | memoryview):
            return bytes(content)
        raise TypeError(
            f"{type(self).__name__} content must be str or bytes, not {type(content).__name__}. "
            "Use JSONResponse for dicts and lists."
        )

    def build_headers(
        self, headers: Mapping[str, str] | None, *, content_length: int | None
    ) -> list[tuple[bytes, bytes]]:
        """The raw header list: the given headers, then Content-Length and Content-Type unless given."""
        if headers:
            raw = [encode_header(name, value) for name, value in headers.items()]
            present: set[bytes] | tuple[()] = {name for name, _ in raw}
        else:  # most responses: nothing to encode or look through
            raw, present = [], ()
        if (
            content_length is not None
            and b"content-length" not in present
            and self.status_code >= 200
            and self.status_code not in _BODILESS_STATUSES
        ):
            raw.append((b"content-length", str(content_length).encode("latin-1")))
        if self.media_type is not None and b"content-type" not in present:
            raw.append(content_type_header(self.media_type, self.charset))
        return raw

    @property
    def headers(self) -> MutableHeaders:
        if self._headers is None:
            self._headers = MutableHeaders(raw=self.raw_headers)
        return self._headers

    def set_cookie(self, key: str, value: str = "", **options: Unpack[CookieOptions]) -> None:
        """Add a ``Set-Cookie`` header: Secure, HttpOnly, SameSite=Lax and Path=/ unless ``options`` say otherwise.

        ``options``: ``max_age``, ``expires``, ``path``, ``domain``, ``secure``, ``httponly``, ``samesite``,
        ``partitioned`` (see ``covet.http.cookies.CookieOptions``).
        """
        self.headers.append("set-cookie", build_set_cookie(key, value, **options))

    def delete_cookie(self, key: str, **options: Unpack[CookieOptions]) -> None:
        """Tell the browser to drop cookie ``key``; ``path`` and ``domain`` must match the ones it was set with."""
        expired: CookieOptions = {**options, "max_age": 0, "expires": _EPOCH}
        self.set_cookie(key, "", **expired)

    async def send_start(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.send_start(send)
        await send({"type": "http.response.body", "body": self.body if sends_body(scope) else b""})
        if self.background is not None:
            await self.background()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.status_code} {self.media_type or ''}>".replace(" >", ">")


class HTMLResponse(Response):
    media_type = "text/html"


class PlainTextResponse(Response):
    media_type = "text/plain"


def _json_default(value: Any) -> Any:
    # orjson handles datetime, date, time, UUID, dataclasses and enums natively; these are the common rest.
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return list(value)
    raise TypeError(
        f"Object of type {type(value).__name__} is not JSON serializable; convert it to a dict, list, str "
        "or number first."
    )


class JSONResponse(Response):
    """JSON through orjson. ``Decimal`` becomes a string (no precision is lost), sets become lists."""

    media_type = "application/json"

    def __init__(
        self,
        content: Any,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
        *,
        json_options: int = orjson.OPT_NON_STR_KEYS,
    ) -> None:
        self.json_options = json_options
        super().__init__(content, status_code, headers, media_type, background)

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=_json_default, option=self.json_options)


class RedirectResponse(Response):
    """A redirect to ``url`` (302 by default; 301, 303, 307 and 308 also accepted)."""

    def __init__(
        self,
        url: str,
        status_code: int = 302,
        headers: Mapping[str, str] | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        if not 300 <= status_code < 400:
            raise ValueError(f"RedirectResponse needs a 3xx status code, not {status_code}.")
        super().__init__(b"", status_code, headers, background=background)
        # Percent-encoding makes CR/LF and spaces harmless: the target can never split the header block.
        self.headers["location"] = quote(str(url), safe=_LOCATION_SAFE)


ContentStream = Iterable[str | bytes] | AsyncIterable[str | bytes]


def body_chunks(content: ContentStream) -> AsyncIterator[str | bytes]:
    """The chunks of a sync or async iterable, as an async iterator.

    A sync iterator may block (reading a file, a database cursor), so each of its steps runs in a worker thread.
    """
    if isinstance(content, AsyncIterable):
        return aiter(content)
    return _iterate_in_thread(iter(content))


async def _iterate_in_thread(iterator: Iterator[str | bytes]) -> AsyncIterator[str | bytes]:
    done = object()
    while True:
        chunk = await anyio.to_thread.run_sync(next, iterator, done)
        if chunk is done:
            return
        yield chunk  # type: ignore[misc]


class StreamingResponse(Response):
    """A body produced piece by piece by a sync or async iterator, sent with chunked transfer encoding.

    If the client disconnects, iteration stops: the iterator is not consumed further (an async generator is closed,
    so its ``finally`` blocks run).
    """

    body_iterator: ContentStream

    def render(self, content: ContentStream) -> bytes:
        self.body_iterator = content
        return b""

    def content_length(self) -> None:
        return None

    async def _stream_body(self, send: Send) -> None:
        chunks = body_chunks(self.body_iterator)
        try:
            async for chunk in chunks:
                data = chunk.encode(self.charset) if isinstance(chunk, str) else chunk
                await send({"type": "http.response.body", "body": data, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            aclose = getattr(chunks, "aclose", None)
            if aclose is not None:
                with anyio.CancelScope(shield=True):
                    await aclose()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.send_start(send)
        if sends_body(scope):
            await send_until_disconnect(receive, self._stream_body, send)
        else:
            await send({"type": "http.response.body", "body": b""})
        if self.background is not None:
            await self.background()


async def _wait_for_disconnect(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


class _ClientGone(Exception):
    """send() failed because the client has gone (ASGI 2.4 servers raise OSError then)."""


async def send_until_disconnect(receive: Receive, send_body: Callable[[Send], Awaitable[None]], send: Send) -> None:
    """Run ``send_body(send)`` until it is done or the client disconnects, whichever comes first.

    A disconnect (an ``http.disconnect`` message, or ``send()`` raising ``OSError``) ends it quietly: there is no
    one left to answer and no point producing the rest. Any other error from ``send_body`` propagates as itself,
    not wrapped in an exception group.
    """

    async def send_unless_gone(message: Message) -> None:
        try:
            await send(message)
        except OSError as error:
            raise _ClientGone from error

    try:
        async with anyio.create_task_group() as tasks:

            async def send_then_stop_listening() -> None:
                await send_body(send_unless_gone)
                tasks.cancel_scope.cancel()

            tasks.start_soon(send_then_stop_listening)
            await _wait_for_disconnect(receive)
            tasks.cancel_scope.cancel()
    except BaseExceptionGroup as group:
        if len(group.exceptions) != 1:
            raise
        error = group.exceptions[0]
        if isinstance(error, _ClientGone):
            return
        raise error from error.__cause__
