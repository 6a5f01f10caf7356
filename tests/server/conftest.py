"""Fixtures for dev-server tests (the helpers live in dev_server_harness.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from dev_server_harness import REPO_ROOT, DevServerProcess


@pytest.fixture
def dev_server() -> Iterator[Callable[..., DevServerProcess]]:
    """Start ``python -m covet.server.dev ARGS`` (cwd and extra env given per call); killed after the test."""
    started: list[DevServerProcess] = []

    def start(*args: str, cwd: Path = REPO_ROOT, env: dict[str, str] | None = None) -> DevServerProcess:
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO_ROOT), **(env or {})}
        process = subprocess.Popen(
            [sys.executable, "-m", "covet.server.dev", *args],
            cwd=cwd,
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        running = DevServerProcess(process)
        running.start_pump()
        started.append(running)
        return running

    yield start
    for running in started:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait()
