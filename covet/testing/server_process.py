"""Helpers for tests that run a real server in a child process: a free port, waiting for it, stopping it.

Typical use::

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "covet.server.dev", "--app", "mysite.asgi:application",
                                "--port", str(port)], stderr=subprocess.PIPE)
    try:
        wait_until_listening(port, process)
        ...  # talk to http://127.0.0.1:{port}
    finally:
        stop_process(process)
"""

from __future__ import annotations

import socket
import subprocess
import time
from typing import Any

LOCALHOST = "127.0.0.1"


def free_port(host: str = LOCALHOST) -> int:
    """A TCP port nobody listens on right now (the OS picks it), for a server started next."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_until_listening(
    port: int, process: subprocess.Popen[Any], *, host: str = LOCALHOST, timeout: float = 30.0
) -> None:
    """Return once ``host:port`` accepts connections; ``RuntimeError`` if ``process`` exits first or the time is up.

    The error carries what the process wrote to its stderr when that is a pipe, so a failed start explains itself.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"The server process exited with code {process.returncode} before listening on {host}:{port}."
                f"{_stderr_of(process)}"
            )
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"The server process did not listen on {host}:{port} within {timeout} s.")


def stop_process(process: subprocess.Popen[Any], timeout: float = 10.0) -> int:
    """Terminate ``process`` (SIGTERM), kill it if it is still running after ``timeout`` seconds; its exit code.

    Closes the pipes the process was given, so no file descriptor outlives the test.
    """
    if process.poll() is None:
        process.terminate()
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        code = process.wait()
    for pipe in (process.stdin, process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()
    return code


def signal_and_wait(process: subprocess.Popen[Any], sig: int, timeout: float, log: str = "") -> int:
    """Send ``sig`` to ``process`` (if still running) and return its exit code.

    A process still running ``timeout`` seconds later is killed, and the test fails with ``log`` attached.
    """
    if process.poll() is None:
        process.send_signal(sig)
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError(f"server did not exit {timeout}s after {sig!r}:\n{log}") from None


def _stderr_of(process: subprocess.Popen[Any]) -> str:
    if process.stderr is None:
        return ""
    output = process.stderr.read()
    text = output.decode(errors="replace") if isinstance(output, bytes) else str(output)
    return f"\n{text}" if text else ""
