"""TLS (self-signed certificate made in the test) over HTTP/1.1 and HTTP/2, and HTTP/2 without TLS."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from accel_server import StartProd

from covet.testing.tls import SelfSignedCertificate, make_self_signed_certificate

RAW = "tests.accel.accel_apps:raw_app"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> SelfSignedCertificate:
    return make_self_signed_certificate(tmp_path_factory.mktemp("tls"))


def test_tls_http11_and_http2_by_alpn(prod: StartProd, certificate: SelfSignedCertificate) -> None:
    cert, key = certificate.certfile, certificate.keyfile
    server = prod(RAW, "--certfile", str(cert), "--keyfile", str(key))
    assert server.url.startswith("https://")
    with httpx.Client(verify=certificate.client_context(), timeout=10) as h1:
        response = h1.get(f"{server.url}/scope")
        assert response.http_version == "HTTP/1.1"
        assert response.json()["scheme"] == "https"
        assert h1.post(f"{server.url}/echo", content=b"secret" * 1000).content == b"secret" * 1000
    with httpx.Client(verify=certificate.client_context(), http2=True, timeout=10) as h2:
        response = h2.get(f"{server.url}/scope")
        assert response.http_version == "HTTP/2"
        info = response.json()
        assert info["http_version"] == "2"
        assert info["scheme"] == "https"
        assert info["host"] == f"127.0.0.1:{server.port}"
        big = h2.get(f"{server.url}/big?kb=2048")
        assert len(big.content) == 2048 * 1024
        assert h2.get(f"{server.url}/error").status_code == 500
        assert h2.get(f"{server.url}/pid").status_code == 200
    assert server.stop() == 0


def test_plain_connection_to_the_tls_port_does_not_hurt_the_worker(
    prod: StartProd, certificate: SelfSignedCertificate
) -> None:
    cert, key = certificate.certfile, certificate.keyfile
    server = prod(RAW, "--certfile", str(cert), "--keyfile", str(key))
    with httpx.Client(timeout=5) as plain, pytest.raises(httpx.HTTPError):
        plain.get(f"http://127.0.0.1:{server.port}/pid")
    with httpx.Client(verify=certificate.client_context(), timeout=10) as tls:
        assert tls.get(f"{server.url}/pid").status_code == 200


def test_bad_certificate_path_is_reported(prod: StartProd, tmp_path: Path) -> None:
    missing = tmp_path / "missing.pem"
    with pytest.raises(AssertionError, match=r"missing\.pem"):
        prod(RAW, "--certfile", str(missing), "--keyfile", str(missing))


def test_http2_prior_knowledge_without_tls(prod: StartProd) -> None:
    server = prod(RAW)
    with httpx.Client(http1=False, http2=True, timeout=10) as h2c:
        response = h2c.get(f"{server.url}/scope")
        assert response.http_version == "HTTP/2"
        assert response.json()["http_version"] == "2"
        assert h2c.post(f"{server.url}/echo", content=b"h2c body").content == b"h2c body"


def test_http1_only_mode_refuses_http2(prod: StartProd) -> None:
    server = prod(RAW, "--http", "1")
    with httpx.Client(http1=False, http2=True, timeout=5) as h2c, pytest.raises(httpx.HTTPError):
        h2c.get(f"{server.url}/pid")
    with httpx.Client(timeout=5) as h1:
        assert h1.get(f"{server.url}/pid").status_code == 200


H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
SETTINGS_FRAME = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


@pytest.mark.parametrize(
    "garbage",
    [
        H2_PREFACE + b"\xff" * 64,  # a frame header announcing an impossible length, then noise
        H2_PREFACE + SETTINGS_FRAME + b"\x00\x00\x05\x01\x05\x00\x00\x00\x02" + b"\x82\x84\xff",
        H2_PREFACE[:10] + b"\r\n\r\n",  # a truncated preface
    ],
    ids=["oversized-frame", "headers-with-bad-hpack-on-even-stream", "truncated-preface"],
)
def test_http2_garbage_closes_the_connection_and_the_worker_lives(prod: StartProd, garbage: bytes) -> None:
    import socket

    server = prod(RAW)
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(garbage)
        sock.settimeout(5)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    assert b"HTTP/1.1 200" not in received
    with httpx.Client(http1=False, http2=True, timeout=10) as h2c:
        assert h2c.get(f"{server.url}/pid").status_code == 200
    assert server.process.poll() is None


def test_http2_body_over_the_limit_is_413(prod: StartProd) -> None:
    server = prod(RAW, env={"COVET_MAX_BODY_SIZE": "1000"})
    with httpx.Client(http1=False, http2=True, timeout=10) as h2c:
        assert h2c.post(f"{server.url}/echo", content=b"x" * 5000).status_code == 413
        assert h2c.post(f"{server.url}/echo", content=b"y" * 1000).content == b"y" * 1000
