"""One client connection on asyncio: feeds socket bytes to ``ServerConnection``, runs cycles, enforces timers.

Timers follow the connection's phase: idle between requests (keep-alive
timeout, silent close), a head arriving (header timeout, 408), a body arriving
(body timeout, 408 or close once the response has begun), and a lingering close
after an error response so the client reads it before the socket goes away.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import h11

from covet.server.access_log import log_access
from covet.server.config import ServerConfig
from covet.server.cycle import ClientDisconnected, RequestCycle
from covet.server.protocol import RequestRejected, ServerConnection, build_scope, error_response
from covet.server.websocket import WebSocketSession
from covet.server.ws_protocol import build_websocket_scope, handshake_problem, is_websocket_upgrade, websocket_key
from covet.types import ASGIApp, Scope

logger = logging.getLogger("covet.server")

# Request body bytes buffered for an app that is not reading before the socket stops being read.
BODY_HIGH_WATER = 64 * 1024
# Seconds an error response's connection keeps discarding input so the client can read the response.
LINGER_SECONDS = 2.0


@dataclass
class ServerState:
    """What all connections of one server share."""

    app: ASGIApp
    config: ServerConfig
    lifespan_state: dict[str, Any] = field(default_factory=dict)
    connections: set[HTTPConnection] = field(default_factory=set)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    shutting_down: bool = False


class HTTPConnection(asyncio.Protocol):
    """asyncio glue for one HTTP/1.1 connection."""

    def __init__(self, state: ServerState) -> None:
        self._state = state
        self._config = state.config
        self._loop = asyncio.get_running_loop()
        self._connection = ServerConnection(
            max_header_size=self._config.max_header_size, max_body_size=self._config.max_body_size
        )
        self._transport: asyncio.Transport | None = None
        self._client: tuple[str, int] | None = None
        self._server_address: tuple[str, int] | None = None
        self._cycle: RequestCycle | None = None
        self._websocket: WebSocketSession | None = None
        self._websocket_started = 0.0
        self._draining = False
        self._closing = False
        self._reading_paused = False
        self._writable = asyncio.Event()
        self._writable.set()
        self._timer: asyncio.TimerHandle | None = None
        # The next request waits while the client is not reading our responses (pipelining flood guard).
        self._next_cycle_pending = False
        # Bytes after a request that asked to close the connection: finish the response, then close.
        self._close_after_response = False

    # -- asyncio.Protocol ---------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._client = _address(transport.get_extra_info("peername"))
        self._server_address = _address(transport.get_extra_info("sockname"))
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        limit = self._config.max_connections
        if limit is not None and len(self._state.connections) >= limit:
            self._send_error_and_linger(503, f"the server is at its limit of {limit} connections")
            return
        self._state.connections.add(self)
        if self._state.shutting_down:
            transport.close()
            return
        self._set_timer(self._config.keep_alive_timeout, self._close)

    def connection_lost(self, exc: Exception | None) -> None:
        self._closing = True
        self._cancel_timer()
        self._state.connections.discard(self)
        if self._cycle is not None:
            self._cycle.disconnect()
        if self._websocket is not None:
            self._websocket.connection_lost()
        self._writable.set()

    def data_received(self, data: bytes) -> None:
        if self._closing:
            return
        if self._websocket is not None and self._websocket.open:
            self._websocket.receive_data(data)
            return
        head_was_in_progress = self._connection.head_in_progress
        try:
            self._connection.receive_data(data)
        except RequestRejected as exc:
            self._reject(exc)
            return
        if self._idle and self._connection.head_in_progress and not head_was_in_progress:
            self._set_timer(self._config.header_timeout, self._on_header_timeout)
        self._process_events()

    def eof_received(self) -> bool | None:
        # A client that stops sending is treated as gone (as hyper does): the app sees http.disconnect.
        return None

    def pause_writing(self) -> None:
        self._writable.clear()

    def resume_writing(self) -> None:
        self._writable.set()
        if self._next_cycle_pending and not self._closing:
            self._next_cycle_pending = False
            self._next_cycle()
            self._process_events()

    # -- event processing ------------------------------------------------------------

    @property
    def _idle(self) -> bool:
        return self._cycle is None and not self._draining and not self._next_cycle_pending and self._websocket is None

    def _process_events(self) -> None:
        while not self._closing:
            try:
                event = self._connection.next_event()
            except RequestRejected as exc:
                if self._cycle is not None and self._cycle.body_complete:
                    # Input after a request that ended the connection (Connection: close): ignore it and
                    # let the response in flight finish.
                    self._close_after_response = True
                    self._pause_reading()
                else:
                    self._reject(exc)
                return
            if event is h11.NEED_DATA:
                return
            if event is h11.PAUSED:
                # A pipelined request waits for the current response; stop reading until then.
                self._pause_reading()
                return
            if isinstance(event, h11.Request):
                self._start_cycle(event)
            elif isinstance(event, h11.Data):
                self._on_body_data(event.data)
            elif isinstance(event, h11.EndOfMessage):
                self._on_body_end()
            elif isinstance(event, h11.ConnectionClosed):
                self._close()

    def _start_cycle(self, request: h11.Request) -> None:
        self._cancel_timer()
        if is_websocket_upgrade(request):
            self._start_websocket(request)
            return
        scope = build_scope(request, client=self._client, server=self._server_address, state=self._state.lifespan_state)
        cycle = RequestCycle(scope, self._connection, self)
        self._cycle = cycle
        self._set_timer(self._config.body_timeout, self._on_body_timeout)
        self._run_task(cycle.run_asgi(self._state.app))

    def _start_websocket(self, request: h11.Request) -> None:
        problem = handshake_problem(request)
        if problem is not None:
            self._reject(RequestRejected(400, problem))
            return
        scope = build_websocket_scope(
            request, client=self._client, server=self._server_address, state=self._state.lifespan_state
        )
        session = WebSocketSession(
            scope,
            websocket_key(request),
            self._connection,
            self,
            max_message_size=self._config.websocket_max_message_size,
        )
        self._websocket = session
        self._websocket_started = time.perf_counter()
        self._run_task(session.run_asgi(self._state.app))

    def _run_task(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = self._loop.create_task(coroutine)
        self._state.tasks.add(task)
        task.add_done_callback(self._state.tasks.discard)

    def _on_body_data(self, data: bytes) -> None:
        if self._draining or self._cycle is None:
            self._set_timer(self._config.body_timeout, self._on_body_timeout)
            return
        self._cycle.feed_body(data)
        if self._cycle.buffered > BODY_HIGH_WATER:
            # The app is not keeping up: stop reading (and stop the body clock, the client is not at fault).
            self._cancel_timer()
            self._pause_reading()
        else:
            self._set_timer(self._config.body_timeout, self._on_body_timeout)

    def _on_body_end(self) -> None:
        self._cancel_timer()
        if self._draining:
            self._draining = False
            self._next_cycle()
        elif self._cycle is not None:
            self._cycle.end_body()

    def _next_cycle(self) -> None:
        try:
            self._connection.start_next_cycle()
        except RequestRejected as exc:
            self._reject(exc)
            return
        self._resume_reading()
        if self._connection.head_in_progress:
            self._set_timer(self._config.header_timeout, self._on_header_timeout)
        elif not self._connection.has_buffered_data:
            self._set_timer(self._config.keep_alive_timeout, self._close)

    # -- CycleOwner ---------------------------------------------------------------------

    @property
    def closing_after_response(self) -> bool:
        return self._state.shutting_down

    def write(self, data: bytes) -> None:
        if data and self._transport is not None and not self._transport.is_closing():
            self._transport.write(data)

    async def drain(self) -> None:
        await self._writable.wait()
        if self._closing:
            raise ClientDisconnected("the client closed the connection")

    def want_body(self) -> None:
        if self._cycle is not None and not self._cycle.body_complete:
            self._set_timer(self._config.body_timeout, self._on_body_timeout)
        self._resume_reading()

    def body_consumed(self) -> None:
        if self._reading_paused and self._cycle is not None and not self._cycle.body_complete:
            self.want_body()

    def response_complete(self, cycle: RequestCycle) -> None:
        self._log(cycle, cycle.status or 0)
        if self._cycle is cycle:
            self._cycle = None
        if self._closing:
            return
        closing = self._state.shutting_down or self._close_after_response
        outcome = "close" if closing else self._connection.cycle_outcome()
        if outcome == "close":
            self._close()
        elif outcome == "drain":
            self._draining = True
            self._resume_reading()
            self._set_timer(self._config.body_timeout, self._on_body_timeout)
        elif not self._writable.is_set():
            self._next_cycle_pending = True
        else:
            self._next_cycle()
            self._process_events()

    def app_failed(self, cycle: RequestCycle) -> None:
        if self._closing or cycle is not self._cycle:
            return
        if cycle.headers_written:
            # Part of the response is on the wire: closing is the only way to tell the client it is incomplete.
            self._log(cycle, cycle.status or 0)
            self._close()
            return
        self._log(cycle, 500)
        self._send_error_and_linger(500, "the application raised an error; see the server log", cycle)

    # -- WebSocketOwner -----------------------------------------------------------------

    def websocket_opened(self, session: WebSocketSession) -> None:
        self._log_scope(session.scope, 101, 0, self._websocket_started)
        self._resume_reading()

    def websocket_denied(self, session: WebSocketSession, status: int, reason: str) -> None:
        self._log_scope(session.scope, status, 0, self._websocket_started)
        self._send_error_and_linger(status, reason)

    def websocket_finished(self, session: WebSocketSession) -> None:
        self._close()

    def websocket_backlogged(self, session: WebSocketSession) -> None:
        self._pause_reading()

    def websocket_caught_up(self, session: WebSocketSession) -> None:
        self._resume_reading()

    # -- errors, timers and closing -------------------------------------------------

    def _reject(self, exc: RequestRejected) -> None:
        logger.debug("Rejected request from %s: %s", self._client, exc)
        cycle = self._cycle
        if cycle is not None and cycle.headers_written:
            self._close()
            return
        if cycle is not None:
            self._log(cycle, exc.status)
        elif self._config.access_log:
            log_access(self._client, "-", "-", "1.1", exc.status, 0, 0.0)
        self._send_error_and_linger(exc.status, exc.reason, cycle)

    def _send_error_and_linger(self, status: int, reason: str, cycle: RequestCycle | None = None) -> None:
        """Answer with an error, stop reading requests, and close once the client had time to read it."""
        if cycle is not None:
            cycle.disconnect()
        include_body = cycle is None or cycle.scope["method"] != "HEAD"
        self.write(error_response(status, reason, include_body=include_body))
        self._closing = True
        self._cycle = None
        transport = self._transport
        if transport is None:
            return
        self._resume_reading()
        if transport.can_write_eof():
            transport.write_eof()
        self._set_timer(LINGER_SECONDS, transport.close)

    def _on_header_timeout(self) -> None:
        if self._idle:
            self._reject(RequestRejected(408, f"request headers not received within {self._config.header_timeout}s"))

    def _on_body_timeout(self) -> None:
        self._reject(RequestRejected(408, f"request body not received within {self._config.body_timeout}s"))

    def _set_timer(self, delay: float, callback: Callable[[], object]) -> None:
        self._cancel_timer()
        self._timer = self._loop.call_later(delay, callback)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _pause_reading(self) -> None:
        if not self._reading_paused and self._transport is not None:
            self._reading_paused = True
            self._transport.pause_reading()

    def _resume_reading(self) -> None:
        if self._reading_paused and self._transport is not None:
            self._reading_paused = False
            self._transport.resume_reading()

    def _close(self) -> None:
        self._closing = True
        self._cancel_timer()
        if self._transport is not None:
            self._transport.close()

    def _log(self, cycle: RequestCycle, status: int) -> None:
        self._log_scope(cycle.scope, status, cycle.bytes_sent, cycle.started_at)

    def _log_scope(self, scope: Scope, status: int, size: int, started_at: float) -> None:
        if not self._config.access_log:
            return
        path = scope["raw_path"].decode("ascii")
        if scope["query_string"]:
            path += "?" + scope["query_string"].decode("ascii")
        duration_ms = (time.perf_counter() - started_at) * 1000
        method = scope.get("method", "GET")
        log_access(self._client, method, path, scope["http_version"], status, size, duration_ms)

    # -- graceful shutdown ------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """A request is being answered (or its body drained) on this connection."""
        return not self._idle

    def shutdown(self) -> None:
        """Close now if idle; otherwise close right after the response in flight."""
        if self._websocket is not None:
            self._websocket.going_away()
        elif self._cycle is None and not self._draining:
            self._close()

    def abort(self) -> None:
        self._closing = True
        self._cancel_timer()
        if self._transport is not None:
            self._transport.abort()


def _address(value: Any) -> tuple[str, int] | None:
    if isinstance(value, tuple) and len(value) >= 2:
        return str(value[0]), int(value[1])
    return None
