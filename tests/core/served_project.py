"""The served test project (``apps/served_*``) under real servers, uvicorn and granian, in child processes."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from covet.testing.server_process import free_port, stop_process

APPS_DIR = Path(__file__).parent / "apps"
REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


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
