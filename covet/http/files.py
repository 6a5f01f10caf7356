"""``FileResponse``: a file sent in chunks, with validators (ETag, Last-Modified), conditional GET (304) and ranges.

Range requests: one range gives 206 with ``Content-Range``; several give 206 ``multipart/byteranges`` (overlapping
ranges merged first); a malformed or unsatisfiable ``Range`` gives 416 with ``Content-Range: bytes */size``; an
``If-Range`` that does not match the current file makes the whole file go out with 200. All file I/O runs in
worker threads (anyio), never on the event loop.
"""

from __future__ import annotations

import mimetypes
import os
import secrets
import stat
from collections.abc import Mapping
from email.utils import formatdate, parsedate_to_datetime
from urllib.parse import quote

import anyio
import anyio.to_thread

from covet.exceptions import Http404
from covet.http.background import BackgroundTask
from covet.http.datastructures import Headers
from covet.http.ranges import ByteRange, RangeNotSatisfiable, parse_range_header
from covet.http.responses import Response, send_until_disconnect, sends_body
from covet.types import Receive, Scope, Send

# RFC 5987 attr-chars: what may stay unescaped in filename*=.
_RFC5987_SAFE = "!#$&+-.^_`|~"

# Headers that describe the body and so are left out of a 304.
_BODY_HEADERS = (b"content-length", b"content-type", b"content-disposition")


def content_disposition(disposition_type: str, filename: str) -> str:
    """``attachment; filename="..."`` with an RFC 5987 ``filename*`` when the name is not plain ASCII."""
    fallback = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    fallback = "".join(char for char in fallback if char.isprintable()).replace("\\", "\\\\").replace('"', '\\"')
    encoded = quote(filename, safe=_RFC5987_SAFE)
    if encoded == filename:
        return f'{disposition_type}; filename="{fallback}"'
    return f"{disposition_type}; filename=\"{fallback}\"; filename*=utf-8''{encoded}"


def make_etag(stat_result: os.stat_result) -> str:
    """A strong validator that changes whenever the file's modification time or size does."""
    return f'"{stat_result.st_mtime_ns:x}-{stat_result.st_size:x}"'


class FileResponse(Response):
    """Send the file at ``path``; ``filename`` adds a ``Content-Disposition`` (download) header."""

    chunk_size = 64 * 1024

    def __init__(
        self,
        path: str | os.PathLike[str],
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
        filename: str | None = None,
        stat_result: os.stat_result | None = None,
        content_disposition_type: str = "attachment",
    ) -> None:
        self.path = os.fspath(path)
        self.filename = filename
        self.stat_result = stat_result
        media_type = media_type or mimetypes.guess_type(filename or self.path)[0] or "application/octet-stream"
        super().__init__(None, status_code, headers, media_type, background)
        if filename is not None:
            self.headers.setdefault("content-disposition", content_disposition(content_disposition_type, filename))

    def content_length(self) -> None:
        return None  # known once the file is stat'ed, when the response is sent

    async def _stat(self) -> os.stat_result:
        try:
            stat_result = await anyio.to_thread.run_sync(os.stat, self.path)
        except FileNotFoundError:
            raise Http404("The requested file does not exist.") from None
        if not stat.S_ISREG(stat_result.st_mode):
            raise Http404("The requested path is not a file.")
        return stat_result

    def _validator_headers(self, stat_result: os.stat_result) -> None:
        headers = self.headers
        headers.setdefault("last-modified", formatdate(stat_result.st_mtime, usegmt=True))
        headers.setdefault("etag", make_etag(stat_result))
        headers.setdefault("accept-ranges", "bytes")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        stat_result = self.stat_result or await self._stat()
        self.stat_result = stat_result
        self._validator_headers(stat_result)
        request_headers = Headers(scope=scope)
        size = stat_result.st_size
        conditional = scope.get("method") in ("GET", "HEAD") and self.status_code == 200
        if conditional and self._not_modified(request_headers, stat_result):
            await self._send_not_modified(send)
        else:
            ranges = None
            range_header = request_headers.get("range")
            if conditional and range_header is not None and self._if_range_matches(request_headers):
                try:
                    ranges = parse_range_header(range_header, size)
                except RangeNotSatisfiable as error:
                    await self._send_not_satisfiable(send, size, str(error))
                    return
            await self._send_file(scope, receive, send, size, ranges)
        if self.background is not None:
            await self.background()

    def _not_modified(self, request_headers: Headers, stat_result: os.stat_result) -> bool:
        if_none_match = request_headers.get("if-none-match")
        if if_none_match is not None:
            etag = self.headers["etag"].removeprefix("W/")
            tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            return "*" in tags or etag in tags
        if_modified_since = request_headers.get("if-modified-since")
        if if_modified_since is not None:
            try:
                since = parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError, IndexError):
                return False  # an unparseable date is ignored, as RFC 9110 says
            return int(stat_result.st_mtime) <= since
        return False

    def _if_range_matches(self, request_headers: Headers) -> bool:
        if_range = request_headers.get("if-range")
        if if_range is None:
            return True
        if if_range.startswith('"'):
            return if_range == self.headers["etag"]  # strong comparison: a weak tag never matches
        return if_range == self.headers["last-modified"]

    async def _send_not_modified(self, send: Send) -> None:
        raw = [(name, value) for name, value in self.raw_headers if name not in _BODY_HEADERS]
        await send({"type": "http.response.start", "status": 304, "headers": raw})
        await send({"type": "http.response.body", "body": b""})

    async def _send_not_satisfiable(self, send: Send, size: int, message: str) -> None:
        body = message.encode("utf-8")
        raw = [(name, value) for name, value in self.raw_headers if name not in _BODY_HEADERS]
        raw += [
            (b"content-range", f"bytes */{size}".encode("latin-1")),
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode("latin-1")),
        ]
        await send({"type": "http.response.start", "status": 416, "headers": raw})
        await send({"type": "http.response.body", "body": body})

    async def _send_file(
        self, scope: Scope, receive: Receive, send: Send, size: int, ranges: list[ByteRange] | None
    ) -> None:
        if ranges is None:
            plan = _FullFile(size)
            status = self.status_code
        elif len(ranges) == 1:
            plan = _SingleRange(ranges[0], size)
            status = 206
        else:
            plan = _MultipleRanges(ranges, size, self.headers["content-type"])
            status = 206
        raw = [(name, value) for name, value in self.raw_headers if name not in (b"content-length", b"content-type")]
        raw += plan.headers(self.headers["content-type"])
        await send({"type": "http.response.start", "status": status, "headers": raw})
        if not sends_body(scope):
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_body(send: Send) -> None:
            async with await anyio.open_file(self.path, "rb") as file:
                for prefix, byte_range in plan.parts():
                    if prefix:
                        await send({"type": "http.response.body", "body": prefix, "more_body": True})
                    await file.seek(byte_range.start)
                    remaining = byte_range.length
                    while remaining > 0:
                        chunk = await file.read(min(self.chunk_size, remaining))
                        if not chunk:
                            break  # the file shrank while being sent; the client sees a short body
                        remaining -= len(chunk)
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": plan.epilogue(), "more_body": False})

        await send_until_disconnect(receive, send_body, send)


class _FullFile:
    def __init__(self, size: int) -> None:
        self.size = size

    def headers(self, content_type: str) -> list[tuple[bytes, bytes]]:
        return [(b"content-length", str(self.size).encode()), (b"content-type", content_type.encode("latin-1"))]

    def parts(self) -> list[tuple[bytes, ByteRange]]:
        return [(b"", ByteRange(0, self.size - 1))] if self.size else []

    def epilogue(self) -> bytes:
        return b""


class _SingleRange(_FullFile):
    def __init__(self, byte_range: ByteRange, size: int) -> None:
        super().__init__(size)
        self.byte_range = byte_range

    def headers(self, content_type: str) -> list[tuple[bytes, bytes]]:
        content_range = f"bytes {self.byte_range.start}-{self.byte_range.end}/{self.size}"
        return [
            (b"content-length", str(self.byte_range.length).encode()),
            (b"content-type", content_type.encode("latin-1")),
            (b"content-range", content_range.encode("latin-1")),
        ]

    def parts(self) -> list[tuple[bytes, ByteRange]]:
        return [(b"", self.byte_range)]


class _MultipleRanges(_FullFile):
    """``multipart/byteranges``: each range preceded by its own part headers, then a closing boundary."""

    def __init__(self, ranges: list[ByteRange], size: int, content_type: str) -> None:
        super().__init__(size)
        self.boundary = secrets.token_hex(16)
        self.ranges = ranges
        self.prefixes = []
        for index, byte_range in enumerate(ranges):
            # Each part after the first starts on a new line: the CRLF ends the previous part's data.
            separator = "--" if index == 0 else "\r\n--"
            self.prefixes.append(
                (
                    f"{separator}{self.boundary}\r\n"
                    f"Content-Type: {content_type}\r\n"
                    f"Content-Range: bytes {byte_range.start}-{byte_range.end}/{size}\r\n\r\n"
                ).encode("latin-1")
            )

    def headers(self, content_type: str) -> list[tuple[bytes, bytes]]:
        length = sum(len(prefix) for prefix in self.prefixes) + sum(r.length for r in self.ranges)
        length += len(self.epilogue())
        return [
            (b"content-length", str(length).encode()),
            (b"content-type", f"multipart/byteranges; boundary={self.boundary}".encode("latin-1")),
        ]

    def parts(self) -> list[tuple[bytes, ByteRange]]:
        return list(zip(self.prefixes, self.ranges, strict=True))

    def epilogue(self) -> bytes:
        return f"\r\n--{self.boundary}--\r\n".encode("latin-1")
