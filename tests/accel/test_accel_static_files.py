"""Collected static files (STATIC_ROOT) served by Rust in a real project: validators, ranges,
precompressed variants, and no way out of the root."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import httpx
import pytest
from accel_server import StartProd

CSS = b"body { color: #333; }\n" * 200


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.covet]\nsettings = "site_cfg.settings"\n')
    package = tmp_path / "site_cfg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(
        "from pathlib import Path\n"
        "BASE_DIR = Path(__file__).resolve().parent.parent\n"
        "SECRET_KEY = 'static-files-test-' + 'x' * 40\n"
        "DEBUG = False\n"
        "ALLOWED_HOSTS = ['*']\n"
        "INSTALLED_APPS = []\n"
        "ROOT_URLCONF = 'site_cfg.urls'\n"
        "STATIC_URL = '/static/'\n"
        "STATIC_ROOT = BASE_DIR / 'collected'\n"
    )
    (package / "urls.py").write_text(
        "from covet.routing import Router\n"
        "router = Router()\n\n"
        "@router.get('/')\n"
        "async def index(request):\n"
        "    return {'page': 'index'}\n"
    )
    (package / "asgi.py").write_text("import covet\n\napplication = covet.get_asgi_application()\n")
    collected = tmp_path / "collected" / "css"
    collected.mkdir(parents=True)
    (collected / "site.css").write_bytes(CSS)
    (collected / "site.css.gz").write_bytes(gzip.compress(CSS))
    (tmp_path / "collected" / "big.bin").write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    return tmp_path


def test_static_files_with_validators_ranges_and_precompression(
    prod: StartProd, project: Path, http: httpx.Client
) -> None:
    server = prod(cwd=project)
    assert http.get(f"{server.url}/").json() == {"page": "index"}

    plain = http.get(f"{server.url}/static/css/site.css", headers={"accept-encoding": "identity"})
    assert plain.status_code == 200
    assert plain.content == CSS
    assert plain.headers["content-type"] == "text/css; charset=utf-8"
    etag, modified = plain.headers["etag"], plain.headers["last-modified"]

    assert http.get(f"{server.url}/static/css/site.css", headers={"if-none-match": etag}).status_code == 304
    assert http.get(f"{server.url}/static/css/site.css", headers={"if-modified-since": modified}).status_code == 304

    partial = http.get(
        f"{server.url}/static/css/site.css", headers={"range": "bytes=5-9", "accept-encoding": "identity"}
    )
    assert partial.status_code == 206
    assert partial.content == CSS[5:10]
    assert partial.headers["content-range"] == f"bytes 5-9/{len(CSS)}"
    unsatisfiable = http.get(
        f"{server.url}/static/css/site.css", headers={"range": "bytes=99999-", "accept-encoding": "identity"}
    )
    assert unsatisfiable.status_code == 416

    compressed = http.get(f"{server.url}/static/css/site.css", headers={"accept-encoding": "gzip"})
    assert compressed.headers["content-encoding"] == "gzip"
    assert compressed.content == CSS  # httpx decompressed the precompressed sibling
    assert "accept-encoding" in compressed.headers["vary"].lower()

    big = http.get(f"{server.url}/static/big.bin")
    assert len(big.content) == 3 * 1024 * 1024 + 17
    assert http.head(f"{server.url}/static/big.bin").headers["content-length"] == str(3 * 1024 * 1024 + 17)


@pytest.mark.parametrize(
    "path",
    [
        "/static/../site_cfg/settings.py",
        "/static/%2e%2e/site_cfg/settings.py",
        "/static/css/%2e%2e/%2e%2e/site_cfg/settings.py",
        "/static/..%2fsite_cfg%2fsettings.py",
        "/static/css/missing.css",
    ],
)
def test_no_path_leaves_the_static_root(prod: StartProd, project: Path, path: str) -> None:
    server = prod(cwd=project)
    with httpx.Client(timeout=10) as client:
        request = client.build_request("GET", f"{server.url}{path}")
        request.url = request.url.copy_with(raw_path=path.encode())  # keep the dots: no client-side normalising
        response = client.send(request)
    assert response.status_code == 404
    assert b"SECRET_KEY" not in response.content
