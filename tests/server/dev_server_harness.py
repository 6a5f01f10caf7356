"""Harness for dev-server tests: an in-process server on a real socket, and dev-server subprocesses."""

from __future__ import annotations

import asyncio
import re
import subprocess
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from covet.server.config import ServerConfig
from covet.server.server import Server
from covet.types import ASGIApp

REPO_ROOT = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"Listening on http://[^\s:]+:(\d+)")


@asynccontextmanager
async def serving(app: ASGIApp, **config: Any) -> AsyncIterator[tuple[str, int]]:
    """Run ``app`` on 127.0.0.1 with an ephemeral port inside the test's event loop; yields the address."""
    server = Server(app, ServerConfig(host="127.0.0.1", port=0, **config), handle_signals=False)
    task = asyncio.create_task(server.serve())
    started = asyncio.create_task(server.started.wait())
    await asyncio.wait([task, started], return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        started.cancel()
        raise AssertionError(f"server exited early with code {task.result()}")
    try:
        yield server.bound_addresses[0]
    finally:
        server.request_shutdown()
        await asyncio.wait_for(task, 15)


@dataclass
class DevServerProcess:
    """``python -m covet.server.dev`` in a subprocess, its output collected line by line."""

    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = 20.0, after: int = 0) -> re.Match[str]:
        """The first output line (from index ``after``) matching ``pattern``."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if match := regex.search(line):
                    return match
            if self.process.poll() is not None and not self._pump.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"no output line matched {pattern!r} within {timeout}s:\n{self.output()}")

    def port(self, after: int = 0) -> int:
        return int(self.wait_for(LISTENING.pattern, after=after).group(1))

    def start_pump(self) -> None:
        def pump() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self.lines.append(line)

        self._pump = threading.Thread(target=pump, daemon=True)
        self._pump.start()
