"""Serving static files: from the source directories in DEBUG, from STATIC_ROOT with STATICFILES_SERVE, and 404
for every path-traversal attempt — sent as raw bytes over a real socket to the dev server."""

from __future__ import annotations

import asyncio
import gzip
import sys
from pathlib import Path
from typing import Any

import pytest
from static_site import StaticSite

from covet.conf import settings
from covet.core import CovetApp
from covet.http import Request
from covet.routing import Router
from covet.staticfiles import StaticFilesMiddleware, StaticFinder, collect_static
from covet.staticfiles.compression import brotli
from covet.testing import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from dev_server_harness import serving  # the in-process dev server on a real socket


def make_app() -> CovetApp:
    router = Router()

    @router.get("/")
    async def index(request: Request) -> Any:
        return "home"

    @router.get("/static/{path:path}")
    async def fallback(request: Request, path: str) -> Any:
        return f"view:{path}"  # reached only when the middleware does not serve static files

    return CovetApp(router, middleware=[StaticFilesMiddleware])


def test_debug_serves_from_the_source_directories(static_site: StaticSite) -> None:
    client = TestClient(make_app())
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    assert response.content == (static_site.static / "css" / "site.css").read_bytes()
    assert client.get("/static/shop/cart.js").text == "// cart\n"  # from the app's static directory
    assert client.get("/static/js/app.js").text.startswith("// the app's script")  # the project's copy wins
    assert client.get("/").text == "home"
    etag = response.headers["etag"]
    assert client.get("/static/css/site.css", headers={"if-none-match": etag}).status_code == 304
    assert client.head("/static/css/site.css").content == b""


@pytest.mark.parametrize("path", ["/static/nothing.css", "/static/secret/.env", "/static/.gitkeep", "/static/css"])
def test_debug_missing_and_hidden_files_are_404(static_site: StaticSite, path: str) -> None:
    response = TestClient(make_app()).get(path)
    assert response.status_code == 404


def test_other_methods_get_405(static_site: StaticSite) -> None:
    response = TestClient(make_app()).post("/static/css/site.css")
    assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD"


def test_without_debug_static_urls_go_to_the_router(static_site: StaticSite) -> None:
    with settings.override(DEBUG=False):
        assert TestClient(make_app()).get("/static/css/site.css").text == "view:css/site.css"


def test_static_root_serving_with_precompressed_variants(static_site: StaticSite) -> None:
    paths = collect_static(static_site.static_root, StaticFinder.from_settings()).paths
    with settings.override(DEBUG=False, STATICFILES_SERVE=True):
        client = TestClient(make_app())
        hashed = client.get(f"/static/{paths['js/app.js']}", headers={"accept-encoding": "gzip"})
        assert hashed.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert hashed.headers["content-encoding"] == "gzip" and hashed.headers["vary"] == "Accept-Encoding"
        assert hashed.headers["content-type"] == "text/javascript; charset=utf-8"
        raw = (static_site.static_root / paths["js/app.js"]).read_bytes()
        assert hashed.content == raw  # httpx decoded the gzip body
        assert int(hashed.headers["content-length"]) == len(gzip.compress(raw, 9, mtime=0))
        plain = client.get("/static/js/app.js", headers={"accept-encoding": "identity"})
        assert plain.headers["cache-control"] == "no-cache" and "content-encoding" not in plain.headers
        if brotli is not None:
            encoded = client.get("/static/js/app.js", headers={"accept-encoding": "gzip, br"})
            assert encoded.headers["content-encoding"] == "br"
        no_gzip = client.get("/static/js/app.js", headers={"accept-encoding": "gzip;q=0"})
        assert "content-encoding" not in no_gzip.headers
        assert client.get("/static/staticfiles.json").status_code == 200
        assert client.get("/static/css/nothing.css").status_code == 404


async def raw_status(port: int, target: bytes) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 10)
    await reader.read()
    writer.close()
    await writer.wait_closed()
    return int(status_line.split()[1])


TRAVERSALS = [
    b"/static/../outside.txt",
    b"/static/css/../../outside.txt",
    b"/static/%2e%2e/outside.txt",
    b"/static/%2E%2E/%2e%2e/outside.txt",
    b"/static/css/%2e%2e%2f%2e%2e%2foutside.txt",
    b"/static/..%2foutside.txt",
    b"/static/%252e%252e/outside.txt",
    b"/static//etc/passwd",
    b"/static/%2fetc%2fpasswd",
    b"/static/..%5coutside.txt",
    b"/static/css/site.css%00.png",
    b"/static/secret/.env",
    b"/static/C:/Windows/win.ini",
]


@pytest.mark.parametrize("debug", [True, False])
async def test_traversal_attempts_get_404_over_a_real_socket(static_site: StaticSite, debug: bool) -> None:
    collect_static(static_site.static_root, StaticFinder.from_settings())
    (static_site.static_root.parent / "outside.txt").write_text("not a static file\n")
    with settings.override(DEBUG=debug, STATICFILES_SERVE=True):
        async with serving(make_app()) as (_host, port):
            for target in TRAVERSALS:
                status = await raw_status(port, target)
                assert status == 404, (target, status)
            assert await raw_status(port, b"/static/css/site.css") == 200  # and the server keeps serving
