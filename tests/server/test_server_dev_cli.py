"""``python -m covet.server.dev`` and ``run()``: startup errors that say what to fix, port 0, env limits."""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from dev_server_harness import DevServerProcess

from covet.server.dev import run

HELLO_APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hello from the cli"})
"""


def test_port_zero_prints_the_real_port_and_serves(dev_server: Callable[..., DevServerProcess], tmp_path: Path) -> None:
    (tmp_path / "hello.py").write_text(HELLO_APP)
    server = dev_server("hello:app", "--port", "0", cwd=tmp_path)
    port = server.port()
    assert port != 0
    assert httpx.get(f"http://127.0.0.1:{port}/").text == "hello from the cli"
    server.wait_for(r'covet\.access: 127\.0\.0\.1:\d+ - "GET / HTTP/1\.1" 200 18 ')
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(20) == 0


def test_limits_come_from_the_environment(dev_server: Callable[..., DevServerProcess], tmp_path: Path) -> None:
    (tmp_path / "hello.py").write_text(HELLO_APP)
    server = dev_server("--app", "hello:app", "--port", "0", cwd=tmp_path, env={"COVET_MAX_HEADER_SIZE": "1024"})
    port = server.port()
    response = httpx.get(f"http://127.0.0.1:{port}/", headers={"X-Big": "a" * 2000})
    assert response.status_code == 431


def test_bad_environment_value_is_a_usage_error(dev_server: Callable[..., DevServerProcess], tmp_path: Path) -> None:
    (tmp_path / "hello.py").write_text(HELLO_APP)
    server = dev_server("--app", "hello:app", cwd=tmp_path, env={"COVET_HEADER_TIMEOUT": "soon"})
    assert server.process.wait(20) == 2
    assert "COVET_HEADER_TIMEOUT='soon' is not valid: expected a number of seconds" in server.output()


@pytest.mark.parametrize(
    ("app", "message"),
    [
        ("no_such_module:app", "Could not import module 'no_such_module'"),
        ("hello:missing", "Module 'hello' has no attribute 'missing'."),
        ("hello", "Invalid app 'hello': use the form 'module:attribute'"),
        ("hello:NOT_CALLABLE", "'hello:NOT_CALLABLE' is not an ASGI application (a callable): it is of type int."),
    ],
)
def test_app_import_errors_exit_1_with_a_clear_message(
    dev_server: Callable[..., DevServerProcess], tmp_path: Path, app: str, message: str
) -> None:
    (tmp_path / "hello.py").write_text(HELLO_APP + "\nNOT_CALLABLE = 3\n")
    server = dev_server("--app", app, "--port", "0", cwd=tmp_path)
    assert server.process.wait(20) == 1
    assert message in server.output()


def test_missing_app_argument_is_a_usage_error(dev_server: Callable[..., DevServerProcess]) -> None:
    server = dev_server()
    assert server.process.wait(20) == 2
    assert "give the app to serve" in server.output()


def test_port_in_use_exits_1_and_says_so(dev_server: Callable[..., DevServerProcess], tmp_path: Path) -> None:
    (tmp_path / "hello.py").write_text(HELLO_APP)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = dev_server("--app", "hello:app", "--port", str(port), cwd=tmp_path)
        assert server.process.wait(20) == 1
    assert f"Could not listen on 127.0.0.1:{port}: Address already in use" in server.output()


def test_run_with_reload_needs_an_import_string() -> None:
    async def app(scope: object, receive: object, send: object) -> None:
        return None

    with pytest.raises(ValueError, match="reload=True needs the app as an import string"):
        run(app, port=0, reload=True)


def test_log_level_debug_shows_rejection_reasons(dev_server: Callable[..., DevServerProcess], tmp_path: Path) -> None:
    (tmp_path / "hello.py").write_text(HELLO_APP)
    server = dev_server("--app", "hello:app", "--port", "0", "--log-level", "debug", cwd=tmp_path)
    port = server.port()
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\n\r\n")
        assert connection.recv(100).startswith(b"HTTP/1.1 400")
    server.wait_for(r"DEBUG\s+covet\.server: Rejected request from .*: 400: Missing mandatory Host")
