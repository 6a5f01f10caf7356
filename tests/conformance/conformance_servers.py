"""Start and stop the servers under test as real processes: the h11 dev server and ``covet serve --prod``.

A server *kind* is a server plus how the tests talk to it: ``runserver`` and
``prod`` over cleartext HTTP/1.1, ``prod-h2c`` over prior-knowledge cleartext
HTTP/2, ``prod-tls`` and ``prod-tls-h2`` over TLS (a self-signed certificate made
for the session) with ALPN ``http/1.1`` and ``h2``. All get the same small limits
and timeouts through the shared ``COVET_*`` environment variables, so timeout
tests take seconds, not minutes.
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from conformance_client import DEFAULT_TIMEOUT, RawConnection, request_bytes
from conformance_h2 import H2Client

from covet.testing.server_process import free_port, signal_and_wait
from covet.testing.tls import SelfSignedCertificate

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = "tests.conformance.app:app"


@dataclass(frozen=True)
class ServerKind:
    """Which server runs (``runserver`` or ``prod``) and how the tests speak to it."""

    name: str
    server: str
    tls: bool = False
    http2: bool = False


KINDS = {
    kind.name: kind
    for kind in (
        ServerKind("runserver", "runserver"),
        ServerKind("prod", "prod"),
        ServerKind("prod-h2c", "prod", http2=True),
        ServerKind("prod-tls", "prod", tls=True),
        ServerKind("prod-tls-h2", "prod", tls=True, http2=True),
    )
}
SERVER_KINDS = tuple(KINDS)
HTTP1_KINDS = tuple(name for name, kind in KINDS.items() if not kind.http2)
HTTP2_KINDS = tuple(name for name, kind in KINDS.items() if kind.http2)
TLS_KINDS = tuple(name for name, kind in KINDS.items() if kind.tls)

MAX_HEADER_SIZE = 8 * 1024
MAX_BODY_SIZE = 64 * 1024
HEADER_TIMEOUT = 1.5
BODY_TIMEOUT = 1.5
KEEPALIVE_TIMEOUT = 2.0
# Allowance for a loaded machine on top of each configured timeout.
SLACK = 3.0

CONFORMANCE_ENV = {
    "COVET_MAX_HEADER_SIZE": str(MAX_HEADER_SIZE),
    "COVET_MAX_BODY_SIZE": str(MAX_BODY_SIZE),
    "COVET_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
    "COVET_BODY_TIMEOUT": str(BODY_TIMEOUT),
    "COVET_KEEPALIVE_TIMEOUT": str(KEEPALIVE_TIMEOUT),
    "COVET_SHUTDOWN_TIMEOUT": "10",
}

_LISTENING = re.compile(r"Listening on https?://[^\s:]+:(\d+)")
STARTUP_TIMEOUT = 20.0


@dataclass
class RunningServer:
    kind: str
    process: subprocess.Popen[str]
    host: str = "127.0.0.1"
    port: int = 0
    output: list[str] = field(default_factory=list)
    certificate: SelfSignedCertificate | None = None

    @property
    def spec(self) -> ServerKind:
        return KINDS[self.kind]

    @property
    def address(self) -> tuple[str, int]:
        return (self.host, self.port)

    @property
    def base_url(self) -> str:
        return f"{'https' if self.spec.tls else 'http'}://{self.host}:{self.port}"

    def tls_context(self, alpn: str | None = None) -> ssl.SSLContext | None:
        """A client TLS context trusting the session certificate (None for cleartext kinds), offering ``alpn``."""
        if self.certificate is None:
            return None
        return self.certificate.client_context([alpn or ("h2" if self.spec.http2 else "http/1.1")])

    def connect(self, timeout: float = DEFAULT_TIMEOUT) -> RawConnection:
        """A raw HTTP/1.1 connection, TLS-wrapped (ALPN http/1.1) for the TLS kinds."""
        return RawConnection(self.address, timeout, tls=self.tls_context("http/1.1"))

    def connect_h2(self, timeout: float = DEFAULT_TIMEOUT, *, preface: bool = True) -> H2Client:
        """An HTTP/2 connection: prior knowledge in cleartext, ALPN h2 over TLS."""
        return H2Client(self.address, self.tls_context("h2"), timeout, preface=preface)

    def http_client(self, timeout: float = 10) -> httpx.Client:
        """An httpx client speaking this kind's protocol (HTTP/2 only for the h2 kinds)."""
        verify: ssl.SSLContext | bool = self.certificate.client_context() if self.certificate else True
        if self.spec.http2:
            return httpx.Client(base_url=self.base_url, timeout=timeout, http1=False, http2=True, verify=verify)
        return httpx.Client(base_url=self.base_url, timeout=timeout, verify=verify)

    def log(self) -> str:
        return "".join(self.output)

    def assert_alive(self) -> None:
        assert self.process.poll() is None, f"{self.kind} server died (code {self.process.returncode}):\n{self.log()}"

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        return signal_and_wait(self.process, sig, timeout, f"({self.kind})\n{self.log()}")


def prod_unavailable_reason() -> str | None:
    """Why the prod server cannot be tested here, or None. On CI a missing accelerator is a failure."""
    if importlib.util.find_spec("covet_accel") is not None:
        return None
    message = "covet_accel is not importable (install it with `pip install ./accel`)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI=true requires the prod server to be tested")
    return f"{message}; skipped outside CI"


def server_command(kind: str, port: int, certificate: SelfSignedCertificate | None = None) -> list[str]:
    spec = KINDS[kind]
    if spec.server == "runserver":
        return [sys.executable, "-m", "covet.server.dev", "--app", APP, "--host", "127.0.0.1", "--port", str(port)]
    command = [sys.executable, "-m", "covet", "serve", "--prod", APP, "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    if spec.tls:
        assert certificate is not None, f"the {kind} kind needs a certificate"
        command += ["--certfile", str(certificate.certfile), "--keyfile", str(certificate.keyfile)]
    return command


def start_server(
    kind: str, extra_env: dict[str, str] | None = None, certificate: SelfSignedCertificate | None = None
) -> RunningServer:
    spec = KINDS[kind]
    if spec.server == "prod" and (reason := prod_unavailable_reason()):
        pytest.skip(reason)
    port = 0 if spec.server == "runserver" else free_port()
    env = {**os.environ, **CONFORMANCE_ENV, **(extra_env or {}), "PYTHONUNBUFFERED": "1"}
    env.pop("COVET_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        server_command(kind, port, certificate),
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = RunningServer(kind=kind, process=process, port=port, certificate=certificate if spec.tls else None)
    listening = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            server.output.append(line)
            match = _LISTENING.search(line)
            if match and not listening.is_set():
                server.port = int(match.group(1))
                listening.set()

    threading.Thread(target=pump, daemon=True).start()
    _wait_until_serving(server, listening)
    return server


def _wait_until_serving(server: RunningServer, listening: threading.Event) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"{server.kind} server exited with {server.process.returncode}:\n{server.log()}")
        if server.port and (listening.is_set() or server.spec.server == "prod"):
            try:
                socket.create_connection(server.address, timeout=1).close()
                return
            except OSError:
                pass
        time.sleep(0.05)
    server.stop(signal.SIGKILL)
    raise AssertionError(f"{server.kind} server did not start within {STARTUP_TIMEOUT}s:\n{server.log()}")


def assert_healthy(server: RunningServer) -> None:
    """A normal request on a new connection (in the kind's protocol) succeeds, and the process is still running."""
    server.assert_alive()
    if server.spec.http2:
        with server.connect_h2() as h2:
            answer = h2.get("/")
        status, body = answer.status, answer.body
    else:
        with server.connect() as connection:
            connection.send(request_bytes("GET", "/"))
            response = connection.read_response()
        status, body = response.status, response.body
    assert (status, body) == (200, b"Hello, world!"), f"{server.kind}: {status} {body[:200]!r}"
    server.assert_alive()


def assert_probe_disconnected(client: httpx.Client, probe: str, body_bytes: int) -> None:
    """The app's ``/disconnect-probe`` ``probe`` saw ``http.disconnect`` after ``body_bytes`` bytes (within 5 s)."""
    deadline = time.monotonic() + 5
    record: dict[str, object] = {}
    while time.monotonic() < deadline:
        record = client.get(f"/disconnect-probe/result?id={probe}").json()
        if record["disconnected"]:
            break
        time.sleep(0.1)
    assert record == {"disconnected": True, "body_bytes": body_bytes}
