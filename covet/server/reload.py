"""Autoreload: a supervising process that runs the server in a child and restarts it when code changes.

The parent binds the listening socket once and hands it to every child, so the
port (even an ephemeral one) survives restarts and no request is refused while
a new child starts. Changes to ``.py``, ``.html`` and ``.toml`` files under the
project directory (``.venv``, ``__pycache__`` and VCS folders ignored) are
debounced by watchfiles; the changed files are printed.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType

import watchfiles

from covet.server.config import ServerConfig

logger = logging.getLogger("covet.server.reload")

WATCHED_SUFFIXES = (".py", ".html", ".toml")
DEBOUNCE_MS = 300
# Seconds a stopping child gets beyond its own shutdown timeout before it is killed.
KILL_GRACE_SECONDS = 5.0


class ProjectChangeFilter(watchfiles.DefaultFilter):
    """watchfiles' default ignores (.venv, __pycache__, .git, ...) limited to source and template files."""

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        return path.endswith(WATCHED_SUFFIXES) and super().__call__(change, path)


def bind_socket(config: ServerConfig) -> socket.socket:
    """The listening socket shared by all children."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((config.host, config.port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


class ReloadSupervisor:
    """Watches ``watch_dir`` and keeps one server child running the latest code."""

    def __init__(self, import_string: str, config: ServerConfig, watch_dir: Path) -> None:
        self._import_string = import_string
        self._config = config
        self._watch_dir = watch_dir
        self._stop = threading.Event()
        self._child: subprocess.Popen[bytes] | None = None
        self._reported_exit = False

    def run(self) -> int:
        sock = bind_socket(self._config)
        try:
            self._install_signal_handlers()
            logger.info("Watching for changes in %s (%s files)", self._watch_dir, ", ".join(WATCHED_SUFFIXES))
            self._start_child(sock)
            for changes in watchfiles.watch(
                self._watch_dir,
                watch_filter=ProjectChangeFilter(),
                debounce=DEBOUNCE_MS,
                stop_event=self._stop,
                yield_on_timeout=True,
                rust_timeout=500,
                raise_interrupt=False,
            ):
                if changes:
                    self._log_changes(changes)
                    self._stop_child()
                    self._start_child(sock)
                else:
                    self._report_child_exit()
            self._stop_child()
        finally:
            sock.close()
        return 0

    def _start_child(self, sock: socket.socket) -> None:
        config = self._config.to_dict()
        config.pop("fd")
        command = [
            sys.executable,
            "-m",
            "covet.server.dev",
            "--app",
            self._import_string,
            "--fd",
            str(sock.fileno()),
            "--config-json",
            json.dumps(config),
        ]
        # Own session: a terminal CTRL+C reaches only the parent, which then stops the child once, gracefully.
        self._child = subprocess.Popen(command, pass_fds=(sock.fileno(),), start_new_session=True)
        self._reported_exit = False

    def _stop_child(self) -> None:
        child = self._child
        if child is None or child.poll() is not None:
            return
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(self._config.shutdown_timeout + KILL_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            logger.warning("Server process %d did not stop in time; killing it.", child.pid)
            child.kill()
            child.wait()

    def _report_child_exit(self) -> None:
        child = self._child
        if child is None or self._reported_exit:
            return
        code = child.poll()
        if code is not None:
            self._reported_exit = True
            logger.error("Server process exited with code %d; fix the error and save a file to restart it.", code)

    def _log_changes(self, changes: set[tuple[watchfiles.Change, str]]) -> None:
        paths = sorted({_relative(path, self._watch_dir) for _, path in changes})
        shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
        logger.info("Detected change in %s; reloading.", shown)

    def _install_signal_handlers(self) -> None:
        def stop(signum: int, frame: FrameType | None) -> None:
            self._stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, stop)


def stop_when_parent_exits(poll_seconds: float = 0.5) -> None:
    """In a reload child: stop gracefully (SIGTERM to itself) if the supervisor disappears, e.g. killed."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_seconds)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="covet-reload-parent-watch", daemon=True).start()


def _relative(path: str, root: Path) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return path
