"""GZipMiddleware: compresses big bodies and streams, leaves small, encoded and binary ones alone."""

from __future__ import annotations

import gzip

from requests_in_memory import make_request, run

from covet.http import PlainTextResponse, Request, Response, StreamingResponse
from covet.middleware.gzip import GZipMiddleware, accepts_gzip

TEXT = "hello gzip " * 200
GZIP = {"accept-encoding": "br, gzip;q=0.8"}


def returning(response: Response):  # type: ignore[no-untyped-def]
    async def view(request: Request) -> Response:
        return response

    return view


async def test_big_text_is_compressed() -> None:
    response = await run(
        GZipMiddleware, make_request(headers=GZIP), returning(PlainTextResponse(TEXT, headers={"ETag": '"v1"'}))
    )
    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(response.body).decode() == TEXT
    assert response.headers["content-length"] == str(len(response.body))
    assert "accept-encoding" in response.headers["vary"].lower()
    assert response.headers["etag"] == 'W/"v1"'


async def test_left_alone() -> None:
    cases = [
        ({}, PlainTextResponse(TEXT)),  # client did not ask
        (GZIP, PlainTextResponse("small")),
        (GZIP, Response(b"\x89PNG" * 300, media_type="image/png")),
        (GZIP, PlainTextResponse(TEXT, headers={"Content-Encoding": "br"})),
        (GZIP, PlainTextResponse(TEXT, headers={"Cache-Control": "no-transform"})),
        ({"accept-encoding": "gzip;q=0"}, PlainTextResponse(TEXT)),
    ]
    for headers, original in cases:
        body = original.body
        response = await run(GZipMiddleware, make_request(headers=headers), returning(original))
        assert response.headers.get("content-encoding") in (None, "br")
        assert response.body == body


async def test_streaming_is_compressed_incrementally() -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for i in range(50):
            yield f"line {i}\n"

    response = await run(GZipMiddleware, make_request(headers=GZIP), returning(StreamingResponse(chunks())))
    assert response.headers["content-encoding"] == "gzip"
    assert "content-length" not in response.headers
    pieces = [piece async for piece in response.body_iterator]  # type: ignore[union-attr]
    assert len(pieces) > 2
    assert gzip.decompress(b"".join(pieces)).decode() == "".join(f"line {i}\n" for i in range(50))


async def test_sync_stream() -> None:
    response = await run(
        GZipMiddleware, make_request(headers=GZIP), returning(StreamingResponse(iter([b"a" * 1000, b"b" * 1000])))
    )
    pieces = [piece async for piece in response.body_iterator]  # type: ignore[union-attr]
    assert gzip.decompress(b"".join(pieces)) == b"a" * 1000 + b"b" * 1000


def test_accept_encoding_parsing() -> None:
    assert accepts_gzip("gzip") and accepts_gzip("deflate, gzip") and accepts_gzip("*")
    assert not accepts_gzip("identity") and not accepts_gzip("gzip;q=0") and not accepts_gzip("")
    assert not accepts_gzip("x-gzipped")


async def test_closing_a_compressed_stream_closes_the_views_generator_at_once() -> None:
    # StreamingResponse closes its iterator when the client leaves; through gzip, that must reach the view's
    # generator right away (its finally releases resources), not whenever it is garbage-collected.
    closed = False

    async def endless():  # type: ignore[no-untyped-def]
        nonlocal closed
        try:
            while True:
                yield "tick " * 100
        finally:
            closed = True

    response = await run(GZipMiddleware, make_request(headers=GZIP), returning(StreamingResponse(endless())))
    stream = response.body_iterator  # type: ignore[union-attr]
    await anext(stream)
    await stream.aclose()
    assert closed
