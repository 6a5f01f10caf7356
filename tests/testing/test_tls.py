"""make_self_signed_certificate(): a real TLS handshake with it, verified by the client context it gives."""

from __future__ import annotations

import socket
import ssl
import threading
from pathlib import Path

import pytest

from covet.testing.tls import make_self_signed_certificate


def test_the_certificate_serves_a_verified_handshake_with_alpn(tmp_path: Path) -> None:
    certificate = make_self_signed_certificate(tmp_path / "tls")
    assert certificate.certfile.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    assert b"PRIVATE KEY" in certificate.keyfile.read_bytes()
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(certificate.certfile, certificate.keyfile)
    server_context.set_alpn_protocols(["h2", "http/1.1"])
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]

        def serve_once() -> None:
            connection, _ = listener.accept()
            with server_context.wrap_socket(connection, server_side=True) as tls:
                tls.sendall(b"hello over tls")

        thread = threading.Thread(target=serve_once)
        thread.start()
        client_context = certificate.client_context(["http/1.1"])
        with (
            socket.create_connection(("127.0.0.1", port), timeout=5) as plain,
            client_context.wrap_socket(plain, server_hostname="127.0.0.1") as tls,
        ):
            assert tls.selected_alpn_protocol() == "http/1.1"
            assert tls.recv(100) == b"hello over tls"
        thread.join(5)


def test_another_host_name_does_not_verify(tmp_path: Path) -> None:
    certificate = make_self_signed_certificate(tmp_path)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(certificate.certfile, certificate.keyfile)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]

        def serve_once() -> None:
            connection, _ = listener.accept()
            with connection, pytest.raises(ssl.SSLError):
                server_context.wrap_socket(connection, server_side=True)

        thread = threading.Thread(target=serve_once)
        thread.start()
        with (
            socket.create_connection(("127.0.0.1", port), timeout=5) as plain,
            pytest.raises(ssl.SSLCertVerificationError),
        ):
            certificate.client_context().wrap_socket(plain, server_hostname="localhost")
        thread.join(5)
