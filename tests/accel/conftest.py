"""Fixtures for the tests of the Rust server: ``prod`` starts ``covet serve --prod`` processes, ``http`` a client."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from accel_server import REPO_ROOT, ProdServer, StartProd, start_prod


@pytest.fixture
def prod() -> Iterator[StartProd]:
    """Start prod servers for one test; any still running afterwards is killed."""
    started: list[ProdServer] = []

    def start(*args: str, env: dict[str, str] | None = None, cwd: Path = REPO_ROOT) -> ProdServer:
        server = start_prod(*args, env=env, cwd=cwd)
        started.append(server)
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            for pid in server.worker_pids():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            server.process.kill()
            server.process.wait()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client
