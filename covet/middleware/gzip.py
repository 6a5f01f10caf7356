"""GZipMiddleware: gzip response bodies for clients that accept it.

Settings: ``GZIP_MIN_SIZE`` [500 bytes] (smaller bodies are not worth it), ``GZIP_LEVEL`` [6].
Streaming responses are compressed chunk by chunk (each chunk flushed, so streams stay live).
Left alone: responses already encoded, ``Cache-Control: no-transform``, file responses (they serve
byte ranges of the file), and types that are already compressed (images other than SVG, audio,
video, archives, fonts). Compressed responses get ``Vary: Accept-Encoding`` and a weakened ETag.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import AsyncIterator

from covet.conf import settings
from covet.http import FileResponse, Request, Response, StreamingResponse
from covet.http.responses import ContentStream, body_chunks
from covet.middleware import GetResponse

_INCOMPRESSIBLE = re.compile(
    r"^(image/(?!svg)|audio/|video/|font/woff|application/(zip|gzip|x-gzip|x-bzip2|x-7z|x-rar|pdf|octet-stream))"
)
_GZIP_TOKEN = re.compile(r"(?:^|,)\s*(?:gzip|\*)\s*(?:;\s*q=(\d(?:\.\d+)?))?\s*(?=,|$)", re.IGNORECASE)


def accepts_gzip(accept_encoding: str) -> bool:
    match = _GZIP_TOKEN.search(accept_encoding)
    return match is not None and (match.group(1) is None or float(match.group(1)) > 0)


class GZipMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.min_size = int(getattr(settings, "GZIP_MIN_SIZE", 500))
        self.level = int(getattr(settings, "GZIP_LEVEL", 6))

    def eligible(self, response: Response) -> bool:
        headers = response.headers
        return (
            200 <= response.status_code < 300
            and response.status_code != 204
            and not isinstance(response, FileResponse)
            and "content-encoding" not in headers
            and "no-transform" not in headers.get("cache-control", "").lower()
            and not _INCOMPRESSIBLE.match(headers.get("content-type", "").lower())
            and (isinstance(response, StreamingResponse) or len(response.body) >= self.min_size)
        )

    async def __call__(self, request: Request) -> Response:
        response: Response = await self.get_response(request)
        if not self.eligible(response):
            return response
        response.headers.add_vary_header("Accept-Encoding")
        if not accepts_gzip(request.headers.get("accept-encoding", "")):
            return response
        if isinstance(response, StreamingResponse):
            response.body_iterator = self.compress_stream(response.body_iterator, response.charset)
            response.headers.pop("content-length", None)
        else:
            compressed = gzip.compress(response.body, compresslevel=self.level, mtime=0)
            if len(compressed) >= len(response.body):
                return response
            response.body = compressed
            response.headers["content-length"] = str(len(compressed))
        response.headers["content-encoding"] = "gzip"
        etag = response.headers.get("etag")
        if etag and not etag.startswith("W/"):
            response.headers["etag"] = f"W/{etag}"
        return response

    async def compress_stream(self, source: ContentStream, charset: str) -> AsyncIterator[bytes]:
        compressor = zlib.compressobj(self.level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # 16+: gzip container
        chunks = body_chunks(source)
        try:
            async for chunk in chunks:
                data = chunk.encode(charset) if isinstance(chunk, str) else chunk
                out = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
                if out:
                    yield out
            yield compressor.flush()
        finally:
            # Closed early (the client left): close the view's generator now, so its ``finally`` runs at once.
            aclose = getattr(chunks, "aclose", None)
            if aclose is not None:
                await aclose()
