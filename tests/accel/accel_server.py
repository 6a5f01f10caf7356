"""Starting real ``covet serve --prod`` processes on free ports and waiting on them, for the tests of the Rust server.

Imported by its own name (``from accel_server import ...``), never through ``conftest``, so the right module is found
whatever order the test directories are given in.
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from covet.testing.server_process import signal_and_wait

REPO_ROOT = Path(__file__).resolve().parents[2]
_LISTENING = re.compile(r"Listening on (https?)://([^\s]+):(\d+)")


def require_accel() -> None:
    if importlib.util.find_spec("covet_accel") is not None:
        return
    message = "covet_accel is not importable (install it with `pip install ./accel`)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI=true requires the accel tests to run")
    pytest.skip(message)


@dataclass
class ProdServer:
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)
    scheme: str = "http"
    host: str = "127.0.0.1"
    port: int = 0

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def log(self) -> str:
        return "".join(self.output)

    def worker_pids(self) -> set[int]:
        """Children of the supervisor (the worker processes)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()} if children.exists() else set()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        return signal_and_wait(self.process, sig, timeout, self.log())


def start_prod(
    *args: str, env: dict[str, str] | None = None, cwd: Path = REPO_ROOT, timeout: float = 30.0
) -> ProdServer:
    """Start ``python -m covet serve --prod ARGS`` and wait for its "Listening on" line."""
    require_accel()
    command = [sys.executable, "-m", "covet", "serve", "--prod", *args]
    if "--bind" not in args and "--uds" not in args:
        command += ["--bind", "127.0.0.1:0"]
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO_ROOT), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = ProdServer(process)
    ready = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            server.output.append(line)
            match = _LISTENING.search(line)
            if match and not ready.is_set():
                server.scheme, server.host, server.port = match.group(1), match.group(2), int(match.group(3))
                ready.set()
        ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(timeout) or not server.port:
        server.stop(signal.SIGKILL)
        raise AssertionError(f"server did not start:\n{server.log()}")
    return server


StartProd = Callable[..., ProdServer]


def wait_for(condition: Callable[[], bool], timeout: float = 10.0, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False
