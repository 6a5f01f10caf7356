"""Fixtures for the core tests: the served test project on sys.path, lifespan driving, real server processes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from covet.testing.server_process import free_port, stop_process

APPS_DIR = Path(__file__).parent / "apps"
REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent

if str(APPS_DIR) not in sys.path:
    sys.path.insert(0, str(APPS_DIR))


@contextlib.asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[list[dict[str, Any]]]:
    """Drive the ASGI lifespan protocol around the block; yields the messages the app sent.

    Uses a plain asyncio task (not a task group) so it may span a pytest-asyncio fixture's setup and teardown.
    """
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def wait_for(count: int) -> None:
        while len(sent) < count and not task.done():
            await asyncio.sleep(0.001)

    task = asyncio.ensure_future(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, inbox.get, send))
    await inbox.put({"type": "lifespan.startup"})
    await asyncio.wait_for(wait_for(1), 5)
    try:
        yield sent
    finally:
        if sent and sent[0]["type"] == "lifespan.startup.complete":
            await inbox.put({"type": "lifespan.shutdown"})
        await asyncio.wait_for(task, 5)


@dataclass
class Server:
    """A server process serving the served test project."""

    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _commands(name: str, port: int) -> list[str]:
    target = "served_asgi:application"
    if name == "uvicorn":
        return [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port), "--lifespan", "on",
                "--log-level", "warning"]  # fmt: skip
    return [str(VENV_BIN / "granian"), "--interface", "asgi", target, "--host", "127.0.0.1", "--port", str(port),
            "--workers", "1", "--log-level", "warning"]  # fmt: skip


@contextlib.contextmanager
def serve(name: str, log_dir: Path) -> Iterator[Server]:
    """Start ``name`` (uvicorn or granian) on a free port and wait until it answers; stop it afterwards."""
    port = free_port()
    log_path = log_dir / f"{name}.log"
    env = {
        **os.environ,
        "COVET_SETTINGS_MODULE": "served_settings",
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(APPS_DIR)]),
    }
    env.pop("DEBUG", None)
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            _commands(name, port), cwd=APPS_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    server = Server(name, f"http://127.0.0.1:{port}", process, log_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"{name} exited with {process.returncode} before serving:\n{server.log()}")
            try:
                if httpx.get(f"{server.base_url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{name} did not answer within 30 s:\n{server.log()}")
            time.sleep(0.1)
        yield server
    finally:
        stop_process(process)


def asgi_client(app: Any) -> httpx.AsyncClient:
    """An httpx client talking ASGI to ``app`` in-process (app exceptions become 500s, as a server would send)."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")
