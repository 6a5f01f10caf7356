"""Start and stop the servers under test as real processes: the h11 dev server and ``covet serve --prod``.

Both get the same small limits and timeouts through the shared ``COVET_*``
environment variables, so timeout tests take seconds, not minutes.
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conformance_client import RawConnection, request_bytes

from covet.testing.server_process import free_port, signal_and_wait

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = "tests.conformance.app:app"
SERVER_KINDS = ("runserver", "prod")

MAX_HEADER_SIZE = 8 * 1024
MAX_BODY_SIZE = 64 * 1024
HEADER_TIMEOUT = 1.5
BODY_TIMEOUT = 1.5
KEEPALIVE_TIMEOUT = 2.0

CONFORMANCE_ENV = {
    "COVET_MAX_HEADER_SIZE": str(MAX_HEADER_SIZE),
    "COVET_MAX_BODY_SIZE": str(MAX_BODY_SIZE),
    "COVET_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
    "COVET_BODY_TIMEOUT": str(BODY_TIMEOUT),
    "COVET_KEEPALIVE_TIMEOUT": str(KEEPALIVE_TIMEOUT),
    "COVET_SHUTDOWN_TIMEOUT": "10",
}

_LISTENING = re.compile(r"Listening on http://[^\s:]+:(\d+)")
STARTUP_TIMEOUT = 20.0


@dataclass
class RunningServer:
    kind: str
    process: subprocess.Popen[str]
    host: str = "127.0.0.1"
    port: int = 0
    output: list[str] = field(default_factory=list)

    @property
    def address(self) -> tuple[str, int]:
        return (self.host, self.port)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

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


def server_command(kind: str, port: int) -> list[str]:
    if kind == "runserver":
        return [sys.executable, "-m", "covet.server.dev", "--app", APP, "--host", "127.0.0.1", "--port", str(port)]
    if kind == "prod":
        return [sys.executable, "-m", "covet", "serve", "--prod", APP, "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    raise ValueError(f"unknown server kind {kind!r}")


def start_server(kind: str, extra_env: dict[str, str] | None = None) -> RunningServer:
    if kind == "prod" and (reason := prod_unavailable_reason()):
        pytest.skip(reason)
    port = 0 if kind == "runserver" else free_port()
    env = {**os.environ, **CONFORMANCE_ENV, **(extra_env or {}), "PYTHONUNBUFFERED": "1"}
    env.pop("COVET_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        server_command(kind, port),
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = RunningServer(kind=kind, process=process, port=port)
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
        if server.port and (listening.is_set() or server.kind == "prod"):
            try:
                socket.create_connection(server.address, timeout=1).close()
                return
            except OSError:
                pass
        time.sleep(0.05)
    server.stop(signal.SIGKILL)
    raise AssertionError(f"{server.kind} server did not start within {STARTUP_TIMEOUT}s:\n{server.log()}")


def assert_healthy(server: RunningServer) -> None:
    """A normal request on a new connection succeeds, and the process is still running."""
    server.assert_alive()
    with RawConnection(server.address) as connection:
        connection.send(request_bytes("GET", "/"))
        response = connection.read_response()
    assert response.status == 200, response
    assert response.body == b"Hello, world!"
    server.assert_alive()
