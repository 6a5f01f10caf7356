"""The dev server's life: lifespan startup, listening, graceful shutdown on SIGINT/SIGTERM, lifespan shutdown.

Shutdown stops accepting (new connections are refused), closes idle keep-alive
connections, lets requests in flight finish for up to ``shutdown_timeout``
seconds, then closes whatever is left and runs the lifespan shutdown.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import threading

from covet.server.config import ServerConfig
from covet.server.connection import HTTPConnection, ServerState
from covet.server.lifespan import LIFESPAN_FAILURE_EXIT_CODE, Lifespan, LifespanFailure
from covet.types import ASGIApp

logger = logging.getLogger("covet.server")

_SHUTDOWN_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Server:
    """Serves one ASGI app on one listening socket until asked to stop."""

    def __init__(self, app: ASGIApp, config: ServerConfig, *, handle_signals: bool = True) -> None:
        self.config = config
        self._state = ServerState(app=app, config=config)
        self._handle_signals = handle_signals
        self._should_exit = asyncio.Event()
        self._listener: asyncio.Server | None = None
        self.bound_addresses: list[tuple[str, int]] = []
        # Set once the socket listens (for embedding the server, e.g. in tests).
        self.started = asyncio.Event()

    async def serve(self) -> int:
        """Run until shut down; returns the process exit code (0, or 3 when the lifespan failed)."""
        # Handlers first: a signal that arrives while starting up still means a graceful stop.
        self._install_signal_handlers()
        try:
            return await self._serve()
        finally:
            self._remove_signal_handlers()

    async def _serve(self) -> int:
        lifespan = Lifespan(self._state.app, self.config.lifespan, self._state.lifespan_state)
        try:
            await lifespan.startup()
        except LifespanFailure as exc:
            logger.error("%s. The server did not start.", exc)
            return LIFESPAN_FAILURE_EXIT_CODE
        if not self._should_exit.is_set():
            try:
                await self._listen()
            except OSError:
                await self._run_lifespan_shutdown(lifespan)
                raise
            self.started.set()
            await self._should_exit.wait()
            await self._shutdown()
        code = await self._run_lifespan_shutdown(lifespan)
        logger.info("Server stopped.")
        return code

    async def _run_lifespan_shutdown(self, lifespan: Lifespan) -> int:
        try:
            await lifespan.shutdown(self.config.shutdown_timeout)
        except LifespanFailure as exc:
            logger.error("%s.", exc)
            return LIFESPAN_FAILURE_EXIT_CODE
        return 0

    def request_shutdown(self) -> None:
        """Begin a graceful shutdown (what SIGINT and SIGTERM do)."""
        if self._should_exit.is_set():
            logger.warning("Shutdown already in progress; closing all connections now.")
            for connection in list(self._state.connections):
                connection.abort()
        self._should_exit.set()

    async def _listen(self) -> None:
        loop = asyncio.get_running_loop()

        def factory() -> HTTPConnection:
            return HTTPConnection(self._state)

        if self.config.fd is not None:
            sock = socket.socket(fileno=self.config.fd)
            self._listener = await loop.create_server(factory, sock=sock, backlog=2048)
        else:
            self._listener = await loop.create_server(
                factory, self.config.host, self.config.port, reuse_address=True, backlog=2048
            )
        for listening in self._listener.sockets:
            host, port = listening.getsockname()[:2]
            self.bound_addresses.append((host, port))
            shown_host = f"[{host}]" if ":" in host else host
            logger.info("Listening on http://%s:%d (press CTRL+C to quit)", shown_host, port)

    def _install_signal_handlers(self) -> None:
        if not self._handle_signals or threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        for sig in _SHUTDOWN_SIGNALS:
            loop.add_signal_handler(sig, self._on_signal, sig)

    def _on_signal(self, sig: int) -> None:
        logger.info("Received %s: finishing requests in flight, then stopping.", signal.Signals(sig).name)
        self.request_shutdown()

    async def _shutdown(self) -> None:
        state = self._state
        state.shutting_down = True
        if self._listener is not None:
            self._listener.close()
        for connection in list(state.connections):
            connection.shutdown()
        deadline = asyncio.get_running_loop().time() + self.config.shutdown_timeout
        while any(connection.busy for connection in state.connections):
            if asyncio.get_running_loop().time() >= deadline:
                busy = sum(connection.busy for connection in state.connections)
                logger.warning("Closing %d connection(s) still busy after %ss.", busy, self.config.shutdown_timeout)
                break
            await asyncio.sleep(0.05)
        for connection in list(state.connections):
            connection.abort()
        for task in list(state.tasks):
            task.cancel()
        if state.tasks:
            await asyncio.wait(list(state.tasks), timeout=1.0)

    def _remove_signal_handlers(self) -> None:
        if not self._handle_signals or threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        for sig in _SHUTDOWN_SIGNALS:
            loop.remove_signal_handler(sig)
