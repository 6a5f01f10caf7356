"""Autoreload with real processes: the supervisor restarts the server child when project files change."""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from dev_server_harness import DevServerProcess

APP_TEMPLATE = """
VERSION = {version!r}

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({{"type": "http.response.start", "status": 200, "headers": []}})
    await send({{"type": "http.response.body", "body": VERSION.encode()}})
"""


def _write_app(project: Path, version: str) -> None:
    (project / "reloadme.py").write_text(APP_TEMPLATE.format(version=version))


def _listening_count(server: DevServerProcess) -> int:
    return sum("Listening on" in line for line in server.lines)


def _start(dev_server: Callable[..., DevServerProcess], project: Path) -> tuple[DevServerProcess, int]:
    _write_app(project, "v1")
    server = dev_server("--app", "reloadme:app", "--port", "0", "--reload", cwd=project)
    port = server.port()
    server.wait_for("Watching for changes in")
    assert httpx.get(f"http://127.0.0.1:{port}/").text == "v1"
    return server, port


def _wait_for_restart(server: DevServerProcess, port: int, before: int) -> None:
    server.wait_for(r"Listening on http://127\.0\.0\.1:(\d+)", after=before)
    assert server.port(after=before) == port, "the port must survive restarts"


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def test_python_change_restarts_the_child_on_the_same_port(
    dev_server: Callable[..., DevServerProcess], tmp_path: Path
) -> None:
    server, port = _start(dev_server, tmp_path)
    mark = len(server.lines)
    _write_app(tmp_path, "v2")
    server.wait_for(r"Detected change in reloadme\.py; reloading\.", after=mark)
    _wait_for_restart(server, port, mark)
    assert httpx.get(f"http://127.0.0.1:{port}/").text == "v2"
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(20) == 0
    assert _refused(port), "the child must stop with the supervisor"


def test_ignored_paths_and_suffixes_do_not_restart_but_templates_do(
    dev_server: Callable[..., DevServerProcess], tmp_path: Path
) -> None:
    (tmp_path / "templates").mkdir()
    server, port = _start(dev_server, tmp_path)
    mark = len(server.lines)
    for ignored in (".venv/lib/site.py", "__pycache__/reloadme.py", "notes.txt", "data.json"):
        path = tmp_path / ignored
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# ignored\n")
    time.sleep(2.0)
    assert not any("Detected change" in line for line in server.lines[mark:]), server.output()
    assert _listening_count(server) == 1
    (tmp_path / "templates" / "page.html").write_text("<p>hi</p>")
    server.wait_for(r"Detected change in templates/page\.html", after=mark)
    _wait_for_restart(server, port, mark)


def test_a_broken_change_is_reported_and_the_fix_restarts(
    dev_server: Callable[..., DevServerProcess], tmp_path: Path
) -> None:
    server, port = _start(dev_server, tmp_path)
    mark = len(server.lines)
    (tmp_path / "reloadme.py").write_text("def broken(:\n")
    server.wait_for(r"Server process exited with code 1; fix the error and save a file to restart it\.", after=mark)
    assert "SyntaxError" in server.output()
    mark = len(server.lines)
    _write_app(tmp_path, "v3")
    _wait_for_restart(server, port, mark)
    assert httpx.get(f"http://127.0.0.1:{port}/").text == "v3"


@pytest.mark.skipif(not hasattr(os, "getppid"), reason="needs POSIX parent tracking")
def test_child_stops_when_the_supervisor_is_killed(dev_server: Callable[..., DevServerProcess], tmp_path: Path) -> None:
    server, port = _start(dev_server, tmp_path)
    server.process.kill()
    server.process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not _refused(port):
        time.sleep(0.2)
    assert _refused(port), "an orphaned server child must stop by itself"
