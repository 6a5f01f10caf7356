"""Lifespan through real dev-server processes: failures are logged clearly and exit with code 3."""

from __future__ import annotations

import signal
import textwrap
from collections.abc import Callable
from pathlib import Path

import httpx
from dev_server_harness import DevServerProcess

LIFESPAN_APPS = textwrap.dedent(
    """
    async def _reply(send, status=200, body=b"ok"):
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": body})

    async def startup_fails(scope, receive, send):
        if scope["type"] == "lifespan":
            await receive()
            await send({"type": "lifespan.startup.failed", "message": "database unreachable"})
            return
        await _reply(send)

    async def startup_raises(scope, receive, send):
        if scope["type"] == "lifespan":
            await receive()
            raise ValueError("missing SECRET_KEY")
        await _reply(send)

    async def no_lifespan(scope, receive, send):
        assert scope["type"] == "http", "this app only speaks http"
        await _reply(send, body=b"no lifespan here")

    async def shutdown_fails(scope, receive, send):
        if scope["type"] == "lifespan":
            await receive()
            await send({"type": "lifespan.startup.complete"})
            await receive()
            await send({"type": "lifespan.shutdown.failed", "message": "could not flush the queue"})
            return
        await _reply(send)

    async def slow_startup(scope, receive, send):
        import asyncio
        if scope["type"] == "lifespan":
            await receive()
            print("startup began", flush=True)
            await asyncio.sleep(1.5)
            await send({"type": "lifespan.startup.complete"})
            await receive()
            print("shutdown ran", flush=True)
            await send({"type": "lifespan.shutdown.complete"})
            return
        await _reply(send)

    async def full_lifespan(scope, receive, send):
        if scope["type"] == "lifespan":
            await receive()
            print("startup ran", flush=True)
            await send({"type": "lifespan.startup.complete"})
            await receive()
            print("shutdown ran", flush=True)
            await send({"type": "lifespan.shutdown.complete"})
            return
        await _reply(send)
    """
)


def _project(tmp_path: Path) -> Path:
    (tmp_path / "lifespan_apps.py").write_text(LIFESPAN_APPS)
    return tmp_path


def _start(dev_server: Callable[..., DevServerProcess], tmp_path: Path, app: str, *extra: str) -> DevServerProcess:
    return dev_server("--app", f"lifespan_apps:{app}", "--port", "0", *extra, cwd=_project(tmp_path))


def test_startup_failed_message_exits_3(dev_server: Callable[..., DevServerProcess], tmp_path: Path) -> None:
    server = _start(dev_server, tmp_path, "startup_fails")
    assert server.process.wait(20) == 3
    assert "application startup failed: database unreachable. The server did not start." in server.output()
    assert "Listening on" not in server.output()


def test_startup_exception_exits_3_with_traceback(dev_server: Callable[..., DevServerProcess], tmp_path: Path) -> None:
    server = _start(dev_server, tmp_path, "startup_raises")
    assert server.process.wait(20) == 3
    output = server.output()
    assert "Exception in the application's lifespan handler" in output
    assert "ValueError: missing SECRET_KEY" in output
    assert "the application raised ValueError during startup: missing SECRET_KEY" in output


def test_app_without_lifespan_support_still_serves(dev_server: Callable[..., DevServerProcess], tmp_path: Path) -> None:
    server = _start(dev_server, tmp_path, "no_lifespan")
    port = server.port()
    assert httpx.get(f"http://127.0.0.1:{port}/").text == "no lifespan here"
    assert "does not support the ASGI lifespan protocol" in server.output()
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(20) == 0


def test_lifespan_on_requires_support(dev_server: Callable[..., DevServerProcess], tmp_path: Path) -> None:
    server = _start(dev_server, tmp_path, "no_lifespan", "--lifespan", "on")
    assert server.process.wait(20) == 3
    assert "AssertionError" in server.output()


def test_shutdown_failure_exits_3(dev_server: Callable[..., DevServerProcess], tmp_path: Path) -> None:
    server = _start(dev_server, tmp_path, "shutdown_fails")
    server.port()
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(20) == 3
    assert "application shutdown failed: could not flush the queue" in server.output()


def test_startup_and_shutdown_both_run_and_exit_0(dev_server: Callable[..., DevServerProcess], tmp_path: Path) -> None:
    server = _start(dev_server, tmp_path, "full_lifespan")
    port = server.port()
    assert "startup ran" in server.output()
    assert httpx.get(f"http://127.0.0.1:{port}/").text == "ok"
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(20) == 0
    assert "shutdown ran" in server.output()


def test_signal_during_startup_stops_cleanly_without_listening(
    dev_server: Callable[..., DevServerProcess], tmp_path: Path
) -> None:
    server = _start(dev_server, tmp_path, "slow_startup")
    server.wait_for("startup began")
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(20) == 0
    assert "shutdown ran" in server.output()
    assert "Listening on" not in server.output()
