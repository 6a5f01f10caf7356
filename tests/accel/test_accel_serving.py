"""``covet serve --prod`` serving real apps over real sockets: raw ASGI, Starlette, Django, Covet."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
from accel_server import REPO_ROOT, StartProd, wait_for

RAW = "tests.accel.accel_apps:raw_app"


def test_raw_app_basics_and_clean_exit(prod: StartProd, http: httpx.Client) -> None:
    server = prod(RAW)
    response = http.get(f"{server.url}/scope?a=1&b=%20x", headers={"host": "example.test"})
    assert response.status_code == 200
    info = response.json()
    assert info["http_version"] == "1.1"
    assert info["scheme"] == "http"
    assert info["path"] == "/scope"
    assert info["query_string"] == "a=1&b=%20x"
    assert info["host"] == "example.test"
    assert info["client"][0] == "127.0.0.1"
    assert info["server"] == ["127.0.0.1", server.port]
    assert http.get(f"{server.url}/nowhere").status_code == 404
    assert server.stop() == 0


def test_percent_encoded_path_is_decoded_and_raw_path_kept(prod: StartProd, http: httpx.Client) -> None:
    server = prod(RAW)
    # /scope is the only route that reports, so ask for it with an encoded letter.
    info = http.get(f"{server.url}/sc%6Fpe").json()
    assert info["path"] == "/scope"
    assert info["raw_path"] == "/sc%6Fpe"


def test_large_request_body_is_streamed_to_the_app_intact(prod: StartProd, http: httpx.Client) -> None:
    server = prod(RAW)
    payload = os.urandom(3 * 1024 * 1024)
    response = http.post(f"{server.url}/echo", content=payload)
    assert response.status_code == 200
    assert response.content == payload

    def chunks() -> object:
        for i in range(0, len(payload), 100_000):
            yield payload[i : i + 100_000]

    streamed = http.post(f"{server.url}/echo", content=chunks())  # chunked transfer encoding
    assert streamed.content == payload


def test_streamed_response_arrives_complete(prod: StartProd, http: httpx.Client) -> None:
    server = prod(RAW)
    with http.stream("GET", f"{server.url}/big?kb=4096") as response:
        assert response.headers.get("transfer-encoding") == "chunked"
        total = sum(len(chunk) for chunk in response.iter_bytes())
    assert total == 4096 * 1024


def test_exception_in_view_is_500_and_the_worker_lives(prod: StartProd, http: httpx.Client) -> None:
    server = prod(RAW)
    pid_before = http.get(f"{server.url}/pid").text
    response = http.get(f"{server.url}/error")
    assert response.status_code == 500
    assert "Internal Server Error" in response.text
    assert http.get(f"{server.url}/pid").text == pid_before
    assert "boom from the view" in server.log()


def test_body_over_the_limit_is_413_and_the_server_keeps_serving(prod: StartProd, http: httpx.Client) -> None:
    server = prod(RAW, env={"COVET_MAX_BODY_SIZE": "1000"})
    assert http.post(f"{server.url}/echo", content=b"x" * 1001).status_code == 413

    def chunks() -> object:
        for _ in range(10):
            yield b"y" * 500

    assert http.post(f"{server.url}/echo", content=chunks()).status_code == 413
    assert http.post(f"{server.url}/echo", content=b"z" * 1000).content == b"z" * 1000


def test_starlette_app(prod: StartProd, http: httpx.Client) -> None:
    server = prod("tests.accel.accel_apps:starlette_app")
    assert http.get(f"{server.url}/users/42").json()["id"] == 42
    assert http.get(f"{server.url}/users/abc").status_code == 404
    assert http.post(f"{server.url}/echo", content=b"hello starlette").text == "hello starlette"
    assert http.get(f"{server.url}/stream").text == "0\n1\n2\n3\n4\n"
    assert http.get(f"{server.url}/fail").status_code == 500
    assert http.get(f"{server.url}/users/7").json()["id"] == 7


def test_django_asgi_app(prod: StartProd, http: httpx.Client) -> None:
    server = prod("tests.accel.django_app:application")
    hello = http.get(f"{server.url}/")
    assert hello.status_code == 200
    assert hello.text == "Hello from Django"
    assert http.post(f"{server.url}/items/5").json() == {"pk": 5, "method": "POST"}
    assert http.get(f"{server.url}/crash").status_code == 500
    assert http.get(f"{server.url}/items/6").json()["pk"] == 6


def test_covet_static_route_is_answered_by_rust(prod: StartProd, http: httpx.Client) -> None:
    server = prod("tests.accel.accel_apps:covet_app")
    response = http.get(f"{server.url}/health")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["x-static"] == "rust"
    head = http.head(f"{server.url}/health")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == "2"
    assert http.get(f"{server.url}/users/3").json() == {"id": 3}


def test_without_the_accelerator_the_command_says_how_to_install_it(tmp_path: object) -> None:
    blocker = os.path.join(str(tmp_path), "covet_accel.py")
    with open(blocker, "w") as handle:
        handle.write("raise ImportError('covet_accel hidden by the test')\n")
    result = subprocess.run(
        [sys.executable, "-m", "covet", "serve", "--prod", "tests.accel.accel_apps:raw_app"],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "pip install 'covet[accel]'" in lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bind", "localhost"], "use HOST:PORT"),
        (["--workers", "0"], "positive number"),
        (["--certfile", "cert.pem"], "both --certfile and --keyfile"),
    ],
)
def test_bad_options_are_explained(args: list[str], message: str) -> None:
    pytest.importorskip("covet_accel")
    result = subprocess.run(
        [sys.executable, "-m", "covet", "serve", "--prod", "tests.accel.accel_apps:raw_app", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_serve_without_prod_points_to_runserver() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "covet", "serve", "tests.accel.accel_apps:raw_app"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "--prod" in result.stderr and "runserver" in result.stderr


def test_access_log_lines_when_asked(prod: StartProd, http: httpx.Client) -> None:
    server = prod(RAW, "--access-log")
    assert http.get(f"{server.url}/pid?x=1").status_code == 200
    assert http.get(f"{server.url}/nowhere").status_code == 404
    assert wait_for(lambda: '"GET /nowhere HTTP/1.1" 404' in server.log(), timeout=5), server.log()
    assert '"GET /pid?x=1 HTTP/1.1" 200' in server.log()


def test_no_access_log_by_default(prod: StartProd, http: httpx.Client) -> None:
    server = prod(RAW)
    assert http.get(f"{server.url}/pid").status_code == 200
    assert server.stop() == 0
    assert "GET /pid" not in server.log()
