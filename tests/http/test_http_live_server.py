"""The HTTP objects behind a real server: a raw ASGI app served by uvicorn on a free port, spoken to by httpx."""

from __future__ import annotations

import asyncio
import hashlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from covet.exceptions import HTTPException
from covet.http import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    Request,
    Response,
    StreamingResponse,
    UploadFile,
)
from covet.types import ASGIApp, Receive, Scope, Send

FILE_CONTENT = b"0123456789abcdef" * 8192  # 128 KiB


def build_app(file_path: Path) -> ASGIApp:
    async def dispatch(request: Request) -> Response:
        path = request.path
        if path == "/file":
            return FileResponse(file_path, filename="données.bin")
        if path == "/json":
            return JSONResponse({"received": await request.json()})
        if path == "/upload":
            form = await request.form(max_fields=5)
            summary: dict[str, object] = {}
            for name, value in form.multi_items():
                if isinstance(value, UploadFile):
                    data = await value.read()
                    summary[name] = {"filename": value.filename, "size": value.size, "sha256": _sha256(data)}
                else:
                    summary[name] = value
            await form.close()
            return JSONResponse(summary)
        if path == "/cookies":
            response = JSONResponse(request.cookies)
            response.set_cookie("visit", "1", max_age=60, secure=False)
            response.delete_cookie("old", secure=False)
            return response
        if path == "/stream":

            async def numbers() -> AsyncIterator[bytes]:
                for number in range(5):
                    yield f"{number},".encode()

            return StreamingResponse(numbers(), media_type="text/csv")
        return PlainTextResponse("not found", status_code=404)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        request = Request(scope, receive, max_body_size=2 * 1024 * 1024)
        try:
            response = await dispatch(request)
        except HTTPException as error:
            response = PlainTextResponse(error.detail, status_code=error.status_code)
        await response(scope, receive, send)

    return app


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
async def server_url(tmp_path: Path) -> AsyncIterator[str]:
    file_path = tmp_path / "data.bin"
    file_path.write_bytes(FILE_CONTENT)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(build_app(file_path), lifespan="off", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(500):
            if server.started:
                break
            await asyncio.sleep(0.01)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)
        sock.close()


@pytest.fixture
async def client(server_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server_url, timeout=10) as http:
        yield http


async def test_file_download_ranges_and_revalidation(client: httpx.AsyncClient) -> None:
    full = await client.get("/file")
    assert full.status_code == 200
    assert full.content == FILE_CONTENT
    assert full.headers["content-disposition"] == (
        "attachment; filename=\"donn_es.bin\"; filename*=utf-8''donn%C3%A9es.bin"
    )
    etag = full.headers["etag"]

    partial = await client.get("/file", headers={"Range": "bytes=16-31"})
    assert partial.status_code == 206
    assert partial.content == FILE_CONTENT[16:32]
    assert partial.headers["content-range"] == f"bytes 16-31/{len(FILE_CONTENT)}"

    multi = await client.get("/file", headers={"Range": "bytes=0-3,-4"})
    assert multi.status_code == 206
    assert multi.headers["content-type"].startswith("multipart/byteranges")
    assert b"0123" in multi.content and FILE_CONTENT[-4:] in multi.content

    cached = await client.get("/file", headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b""
    since = await client.get("/file", headers={"If-Modified-Since": full.headers["last-modified"]})
    assert since.status_code == 304

    head = await client.head("/file")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(FILE_CONTENT))


async def test_invalid_range_is_416_and_the_server_keeps_serving(client: httpx.AsyncClient) -> None:
    bad = await client.get("/file", headers={"Range": "bytes=zzz"})
    assert bad.status_code == 416
    assert bad.headers["content-range"] == f"bytes */{len(FILE_CONTENT)}"
    assert "Malformed Range" in bad.text
    beyond = await client.get("/file", headers={"Range": f"bytes={len(FILE_CONTENT)}-"})
    assert beyond.status_code == 416
    assert (await client.get("/file")).content == FILE_CONTENT


async def test_multipart_upload(client: httpx.AsyncClient) -> None:
    upload = bytes(range(256)) * 4100  # just over 1 MiB: the spooled file rolls over to disk
    response = await client.post(
        "/upload",
        data={"title": "Holiday ☀"},
        files=[("photo", ("beach.jpg", upload, "image/jpeg"))],
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "title": "Holiday ☀",
        "photo": {"filename": "beach.jpg", "size": len(upload), "sha256": _sha256(upload)},
    }


async def test_bad_bodies_get_clear_errors(client: httpx.AsyncClient) -> None:
    invalid_json = await client.post("/json", content=b'{"a": ', headers={"content-type": "application/json"})
    assert invalid_json.status_code == 400
    assert "not valid JSON" in invalid_json.text

    oversized = await client.post("/json", content=b"[" + b"1," * 1_100_000 + b"1]")
    assert oversized.status_code == 413
    assert "larger than the limit of 2097152 bytes" in oversized.text

    no_boundary = await client.post("/upload", content=b"x", headers={"content-type": "multipart/form-data"})
    assert no_boundary.status_code == 400 and "no boundary" in no_boundary.text

    wrong_boundary = await client.post(
        "/upload",
        content=b"--abc\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--abc--\r\n",
        headers={"content-type": "multipart/form-data; boundary=xyz"},
    )
    assert wrong_boundary.status_code == 400 and "Malformed multipart" in wrong_boundary.text

    too_many = await client.post("/upload", data={f"f{i}": "v" for i in range(6)})
    assert too_many.status_code == 400 and "Too many form fields: the limit is 5" in too_many.text

    # Nothing broke: a good request still works after all of them.
    good = await client.post("/json", json={"ok": True})
    assert good.status_code == 200 and good.json() == {"received": {"ok": True}}


async def test_cookies_round_trip(server_url: str) -> None:
    async with httpx.AsyncClient(base_url=server_url, timeout=10) as client:
        response = await client.get("/cookies", headers={"Cookie": 'theme=dark; broken; =x; sid="abc"'})
        assert response.status_code == 200
        assert response.json() == {"theme": "dark", "sid": "abc"}
        set_cookies = response.headers.get_list("set-cookie")
        assert set_cookies[0] == "visit=1; Max-Age=60; Path=/; HttpOnly; SameSite=Lax"
        assert set_cookies[1].startswith("old=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
        assert client.cookies.get("visit") == "1"
        # The client sends the cookie back on the next request.
        again = await client.get("/cookies")
        assert again.json() == {"visit": "1"}


async def test_streaming_response_is_chunked(client: httpx.AsyncClient) -> None:
    response = await client.get("/stream")
    assert response.status_code == 200
    assert response.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.headers
    assert response.text == "0,1,2,3,4,"
