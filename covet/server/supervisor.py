"""The ``covet serve --prod`` supervisor: starts N worker processes, keeps them alive, reloads and stops them.

* Every listening socket (TCP or Unix) is bound and listened on once, here, and
  inherited by every worker (``fd:N`` / ``unix-fd:N``). The connections queued
  on it belong to the socket, not to a worker, so a worker that stops (reload,
  restart, recycling) never takes queued connections down with it: the socket
  stays open in the supervisor and the other workers, which accept them.
* A worker that dies is replaced. SIGHUP starts a full new set of workers and
  stops the old ones once the new ones are ready (no gap, nothing reset).
  SIGTERM/SIGINT: the supervisor closes its own copy of the sockets, then stops
  every worker gracefully (bounded by the shutdown timeout) and exits 0; once
  the last worker has closed its copy, new connections are refused.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from typing import Any

from covet.server.prod import CONFIG_ENV, EXIT_OK, EXIT_STARTUP_FAILED, READY_FD_ENV, WorkerConfig

STARTUP_TIMEOUT = 60.0
# A worker that dies this soon after starting, again and again, is not restarted forever.
FAST_FAILURE_WINDOW = 2.0
MAX_FAST_FAILURES = 5


class SupervisorError(Exception):
    """The server could not start; the message says why."""


def parse_bind(text: str) -> tuple[str, int]:
    """``HOST:PORT`` or ``[V6]:PORT`` as (host, port)."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise SupervisorError(f"--bind {text!r}: use HOST:PORT, e.g. 127.0.0.1:8000 or [::1]:8000.")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not host:
        raise SupervisorError(f"--bind {text!r}: the host is missing, e.g. 0.0.0.0:{port}.")
    return host, int(port)


def format_bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    ready_fd: int
    started: float = field(default_factory=time.monotonic)
    ready: bool = False


class Supervisor:
    """Runs the worker processes of one ``covet serve --prod``."""

    def __init__(self, config: WorkerConfig, workers: int, uds: str | None = None) -> None:
        if workers < 1:
            raise SupervisorError("--workers must be at least 1.")
        self.template = config
        self.count = workers
        self.uds = uds
        self.workers: list[WorkerProcess] = []
        self._listeners: list[socket.socket] = []
        self._inherited: list[int] = []
        self._urls: list[str] = []
        self._uds_created = False
        self._signal: int | None = None
        self._fast_failures = 0

    # -- sockets -------------------------------------------------------------------------------------------

    def _prepare_sockets(self) -> WorkerConfig:
        scheme = "https" if self.template.certfile else "http"
        binds: list[str] = []
        parsed = [parse_bind(text) for text in self.template.binds]
        ipv4_ports = {port for host, port in parsed if ":" not in host and port != 0}
        for text, (host, port) in zip(self.template.binds, parsed, strict=True):
            listener = self._listen_tcp(text, host, port, v6_only=port in ipv4_ports)
            port = listener.getsockname()[1]
            binds.append(f"fd:{listener.fileno()}")
            self._urls.append(f"{scheme}://{format_bind(host, port)}")
        if self.uds:
            if os.path.exists(self.uds):
                os.unlink(self.uds)
            listener = self._listen(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM), self.uds, self.uds)
            self._uds_created = True
            binds.append(f"unix-fd:{listener.fileno()}")
            self._urls.append(f"{scheme}+unix://{self.uds}")
        if not binds:
            raise SupervisorError("Nothing to listen on: give --bind HOST:PORT or --uds PATH.")
        return replace(self.template, binds=tuple(binds))

    def _listen_tcp(self, text: str, host: str, port: int, *, v6_only: bool) -> socket.socket:
        """``v6_only``: an IPv4 bind on the same port exists (``--bind 0.0.0.0:80 --bind [::]:80``), so the IPv6
        socket must leave IPv4 to it."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        # No SO_REUSEPORT: a second server on the same port fails loudly instead of silently sharing it.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            # Alone, dual-stack where the OS allows it ([::]:8000 also answers IPv4); a v6-only socket still works.
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if v6_only else 0)
        return self._listen(sock, (host, port), text)

    def _listen(self, sock: socket.socket, address: str | tuple[str, int], text: str) -> socket.socket:
        """Bind and listen ``sock``; the workers inherit it, the supervisor keeps its copy open until shutdown."""
        try:
            sock.bind(address)
            sock.listen(self.template.backlog)
        except OSError as exc:
            sock.close()
            raise SupervisorError(f"Cannot listen on {text}: {exc.strerror or exc}.") from None
        self._listeners.append(sock)
        self._inherited.append(sock.fileno())
        return sock

    def _close_listeners(self) -> None:
        """Close the supervisor's copies: the sockets live on in the workers until each has drained its share."""
        for sock in self._listeners:
            sock.close()

    # -- workers -------------------------------------------------------------------------------------------

    def _spawn(self, config: WorkerConfig) -> WorkerProcess:
        read_fd, write_fd = os.pipe()
        env = {**os.environ, CONFIG_ENV: config.to_json(), READY_FD_ENV: str(write_fd)}
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "covet.server.prod"],
                env=env,
                pass_fds=(write_fd, *self._inherited),
            )
        finally:
            os.close(write_fd)
        return WorkerProcess(process, read_fd)

    def _wait_ready(self, workers: list[WorkerProcess]) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        waiting = {w.ready_fd: w for w in workers if not w.ready}
        while waiting:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SupervisorError(f"{len(waiting)} worker(s) did not start within {STARTUP_TIMEOUT:.0f}s.")
            if self._signal in (signal.SIGTERM, signal.SIGINT):
                return
            readable, _, _ = select.select(list(waiting), [], [], min(remaining, 0.2))
            for fd in readable:
                worker = waiting.pop(fd)
                data = os.read(fd, 4096)
                os.close(fd)
                if not data:
                    code = worker.process.wait()
                    raise SupervisorError(f"A worker exited during startup (code {code}); see its error above.")
                worker.ready = True

    def _stop_workers(self, workers: list[WorkerProcess], timeout: float) -> None:
        for worker in workers:
            if worker.process.poll() is None:
                worker.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for worker in workers:
            try:
                worker.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
            if not worker.ready:
                _close_quietly(worker.ready_fd)

    # -- main loop -----------------------------------------------------------------------------------------

    def _on_signal(self, signum: int, _frame: Any) -> None:
        if self._signal not in (signal.SIGTERM, signal.SIGINT):
            self._signal = signum

    def run(self) -> int:
        """Start the workers and supervise them until SIGTERM/SIGINT; returns the exit code."""
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        try:
            config = self._prepare_sockets()
            self._start(config)
            return self._supervise(config)
        finally:
            self._close_listeners()
            if self.uds and self._uds_created and os.path.exists(self.uds):
                os.unlink(self.uds)

    def _start(self, config: WorkerConfig) -> None:
        try:
            self.workers = [self._spawn(config) for _ in range(self.count)]
            self._wait_ready(self.workers)
        except SupervisorError:
            self._stop_workers(self.workers, 5.0)
            raise
        for url in self._urls:
            print(f"Listening on {url} ({self.count} worker{'s' if self.count > 1 else ''}, pid {os.getpid()})")
        sys.stdout.flush()

    def _supervise(self, config: WorkerConfig) -> int:
        while True:
            sig, self._signal = self._signal, None
            if sig in (signal.SIGTERM, signal.SIGINT):
                # Close our copy first: once the workers have closed theirs (each after taking in what is queued),
                # new connections are refused instead of waiting in a queue that nobody will accept from.
                self._close_listeners()
                self._stop_workers(self.workers, self.template.shutdown_timeout + 5.0)
                return 0
            if sig == signal.SIGHUP:
                self._reload(config)
                continue
            for index, worker in enumerate(self.workers):
                code = worker.process.poll()
                if code is None:
                    continue
                if self._signal in (signal.SIGTERM, signal.SIGINT):
                    break
                # A worker that stopped gracefully (--max-requests, a SIGTERM of its own) did not fail, however soon.
                quick = code != EXIT_OK and time.monotonic() - worker.started < FAST_FAILURE_WINDOW
                self._fast_failures = self._fast_failures + 1 if quick else 0
                if code == EXIT_STARTUP_FAILED or self._fast_failures >= MAX_FAST_FAILURES:
                    print(f"Worker {worker.process.pid} failed to start (code {code}); stopping.", file=sys.stderr)
                    self._stop_workers(self.workers, 5.0)
                    return EXIT_STARTUP_FAILED
                print(f"Worker {worker.process.pid} exited (code {code}); starting a new one.", file=sys.stderr)
                replacement = self._spawn(config)
                self.workers[index] = replacement
                try:
                    self._wait_ready([replacement])
                except SupervisorError as exc:
                    print(f"Replacement worker failed: {exc}", file=sys.stderr)
            time.sleep(0.2)

    def _reload(self, config: WorkerConfig) -> None:
        """Start a new generation, then stop the old one: the port never goes unanswered."""
        print(f"Reloading: starting {self.count} new worker(s).", file=sys.stderr)
        fresh = [self._spawn(config) for _ in range(self.count)]
        try:
            self._wait_ready(fresh)
        except SupervisorError as exc:
            print(f"Reload failed, keeping the running workers: {exc}", file=sys.stderr)
            self._stop_workers(fresh, 5.0)
            return
        old, self.workers = self.workers, fresh
        self._stop_workers(old, self.template.shutdown_timeout + 5.0)
        print("Reload complete.", file=sys.stderr)


def _close_quietly(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


def worker_count(value: str) -> int:
    """``--workers N`` or ``auto`` (one per CPU)."""
    if value == "auto":
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if not value.isdigit() or int(value) < 1:
        raise SupervisorError(f"--workers {value!r}: give a positive number or 'auto'.")
    return int(value)
