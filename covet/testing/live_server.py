"""A project's real server in a child process for one block: ``covet runserver``, or ``covet serve --prod``.

Typical use::

    with live_server(project_dir, env=project_environment({"DEBUG": "false"})) as server:
        assert httpx.get(server.url + "/").status_code == 200
    assert "Traceback" not in server.output()
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from covet.testing.server_process import LOCALHOST, free_port, stop_process, wait_until_listening


@dataclass
class LiveServer:
    """The server started by ``live_server()``: its base URL, its process and what it printed."""

    url: str
    process: subprocess.Popen[bytes]
    _log: IO[bytes]
    _final_output: str | None = None

    def output(self) -> str:
        """Everything the server wrote to stdout and stderr so far (all of it, once the block has ended)."""
        if self._final_output is not None:
            return self._final_output
        # pread leaves the file offset alone: the server shares it and goes on writing at it.
        data = os.pread(self._log.fileno(), os.fstat(self._log.fileno()).st_size, 0)
        return data.decode(errors="replace")

    def _stopped(self) -> None:
        self._final_output = self.output()


@contextmanager
def live_server(
    project_dir: Path, *, env: Mapping[str, str] | None = None, prod_workers: int = 0, timeout: float = 30.0
) -> Iterator[LiveServer]:
    """Run ``python -m covet runserver 127.0.0.1:PORT --noreload`` in ``project_dir`` on a free port, for the block.

    With ``prod_workers``, run ``covet serve --prod`` with that many worker processes instead, and wait until they
    have all started. ``env`` is the whole environment of the server (default: this process's); see
    ``covet.testing.project_env.project_environment``. If the server does not answer within ``timeout`` seconds,
    an ``AssertionError`` carries what it printed. On exit the server is stopped (SIGTERM, then SIGKILL).
    """
    port = free_port()
    address = f"{LOCALHOST}:{port}"
    command = ["runserver", address, "--noreload"]
    if prod_workers:
        command = ["serve", "--prod", "--bind", address, "--workers", str(prod_workers)]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "covet", *command],
            cwd=project_dir,
            env=dict(env) if env is not None else None,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        server = LiveServer(f"http://{address}", process, log)
        try:
            try:
                wait_until_listening(port, process, timeout=timeout)
                if prod_workers:
                    wait_for_children(process.pid, prod_workers, timeout=timeout)
            except RuntimeError as exc:
                raise AssertionError(f"{exc}\nIt printed:\n{server.output()}") from exc
            yield server
        finally:
            stop_process(process, timeout=20)
            server._stopped()


def wait_for_children(pid: int, count: int, timeout: float = 30.0) -> None:
    """Return once process ``pid`` has ``count`` child processes (a prod server's workers); Linux only (``/proc``)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if children.exists() and len(children.read_text().split()) >= count:
            return
        time.sleep(0.1)
    raise RuntimeError(f"The server process {pid} did not start {count} workers within {timeout} s.")
