"""A small HTTP/2 client on a raw socket and the ``h2`` state machine, for tests that must control the frames.

Outbound header validation and normalisation are off, so a test can send what a
hostile client would (uppercase names, connection-specific headers, a wrong
content-length); what the server answers is collected per stream.
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions
import h2.settings
from hyperframe.frame import Frame, GoAwayFrame

DEFAULT_TIMEOUT = 5.0
# Large windows, so a test never has to think about flow control to read a big body.
_WINDOW = 2**30
_CLOSED_ERRORS = (ConnectionResetError, BrokenPipeError, ssl.SSLEOFError, ssl.SSLZeroReturnError)

Header = tuple[str, str]


class _GracefulGoawayConnection(h2.connection.H2Connection):
    """An h2 connection that keeps reading after a NO_ERROR GOAWAY.

    The h2 library closes its state machine on any GOAWAY, but RFC 9113 section
    6.8 lets the streams up to the announced last stream id finish, and a
    graceful server stop (GOAWAY, PING, final GOAWAY) relies on exactly that.
    """

    def _receive_goaway_frame(self, frame: GoAwayFrame) -> tuple[list[Frame], list[h2.events.Event]]:
        frames, events = super()._receive_goaway_frame(frame)
        if frame.error_code == h2.errors.ErrorCodes.NO_ERROR:
            self.state_machine.state = h2.connection.ConnectionState.CLIENT_OPEN
        return frames, events


@dataclass
class H2Response:
    """What one stream received: the response head, body, trailers, or the RST_STREAM that ended it."""

    status: int | None = None
    headers: list[Header] = field(default_factory=list)
    body: bytes = b""
    trailers: list[Header] = field(default_factory=list)
    reset_code: int | None = None
    ended: bool = False

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name), None)

    @property
    def finished(self) -> bool:
        return self.ended or self.reset_code is not None


class H2Client:
    """One HTTP/2 connection: prior knowledge in cleartext, or TLS with ALPN ``h2`` when given a context."""

    def __init__(
        self,
        address: tuple[str, int],
        tls: ssl.SSLContext | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        preface: bool = True,
    ) -> None:
        plain = socket.create_connection(address, timeout=timeout)
        plain.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = tls.wrap_socket(plain, server_hostname=address[0]) if tls is not None else plain
        if tls is not None:
            assert isinstance(self.sock, ssl.SSLSocket)
            assert self.sock.selected_alpn_protocol() == "h2", self.sock.selected_alpn_protocol()
        config = h2.config.H2Configuration(
            client_side=True,
            header_encoding="latin-1",
            validate_outbound_headers=False,
            normalize_outbound_headers=False,
            validate_inbound_headers=False,
        )
        self.conn = _GracefulGoawayConnection(config=config)
        self.responses: dict[int, H2Response] = {}
        self.goaway_code: int | None = None
        self.closed = False
        if preface:
            self.conn.initiate_connection()
            self.conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: _WINDOW})
            self.conn.increment_flow_control_window(_WINDOW)
            self.flush()

    def __enter__(self) -> H2Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.sock.close()

    def flush(self) -> None:
        if data := self.conn.data_to_send():
            self.send_raw(data)

    def send_raw(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except _CLOSED_ERRORS:
            self.closed = True

    def request(
        self,
        method: str,
        path: str,
        headers: Iterable[Header] = (),
        body: bytes | None = None,
        *,
        end_stream: bool = True,
        authority: str = "conformance.test",
    ) -> int:
        """Send HEADERS (and DATA) for a new stream; the stream id. ``end_stream=False`` leaves the body open."""
        stream_id = self.conn.get_next_available_stream_id()
        pseudo = [(":method", method), (":scheme", "https"), (":authority", authority), (":path", path)]
        self.responses[stream_id] = H2Response()
        self.conn.send_headers(stream_id, [*pseudo, *headers], end_stream=end_stream and body is None)
        if body is not None:
            self.send_data(stream_id, body, end_stream=end_stream)
        self.flush()
        return stream_id

    def send_data(
        self, stream_id: int, data: bytes, *, end_stream: bool = False, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        """Send ``data`` in frames the server's frame size and flow-control windows allow.

        Stops quietly once the server ended or reset the stream (an early 413, for instance).
        """
        deadline = time.monotonic() + timeout
        rest = memoryview(data)
        try:
            while True:
                window = self.conn.local_flow_control_window(stream_id)
                size = min(len(rest), self.conn.max_outbound_frame_size, window)
                if rest and size == 0:
                    if self.responses[stream_id].finished or not self.receive_once(deadline - time.monotonic()):
                        return
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"the server opened no flow-control window for stream {stream_id}")
                    continue
                last = size == len(rest)
                self.conn.send_data(stream_id, bytes(rest[:size]), end_stream=end_stream and last)
                self.flush()
                rest = rest[size:]
                if last:
                    return
        except h2.exceptions.StreamClosedError:
            return

    def reset(self, stream_id: int, code: h2.errors.ErrorCodes = h2.errors.ErrorCodes.CANCEL) -> None:
        self.conn.reset_stream(stream_id, code)
        self.flush()

    def receive_once(self, timeout: float) -> bool:
        """Read and handle one batch of frames; False once the connection is closed."""
        if self.closed:
            return False
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            return True
        except _CLOSED_ERRORS:
            data = b""
        if not data:
            self.closed = True
            return False
        try:
            events = self.conn.receive_data(data)
        except h2.exceptions.ProtocolError as error:
            raise AssertionError(f"the server sent invalid HTTP/2: {error!r}") from error
        for event in events:
            self._handle(event)
        self.flush()
        return True

    def _handle(self, event: h2.events.Event) -> None:
        stream_id = getattr(event, "stream_id", None)
        response = self.responses.setdefault(stream_id, H2Response()) if stream_id else None
        if isinstance(event, h2.events.ResponseReceived) and response:
            headers = [(str(name), str(value)) for name, value in event.headers or []]
            response.status = int(dict(headers)[":status"])
            response.headers = [(name, value) for name, value in headers if not name.startswith(":")]
        elif isinstance(event, h2.events.InformationalResponseReceived):
            pass
        elif isinstance(event, h2.events.DataReceived) and response:
            response.body += event.data or b""
            self.conn.acknowledge_received_data(event.flow_controlled_length or 0, event.stream_id or 0)
        elif isinstance(event, h2.events.TrailersReceived) and response:
            response.trailers = [(str(name), str(value)) for name, value in event.headers or []]
        elif isinstance(event, h2.events.StreamEnded) and response:
            response.ended = True
        elif isinstance(event, h2.events.StreamReset) and response:
            response.reset_code = int(event.error_code or 0)
        elif isinstance(event, h2.events.ConnectionTerminated):
            self.goaway_code = int(event.error_code or 0)

    def wait_for(self, *stream_ids: int, timeout: float = DEFAULT_TIMEOUT) -> list[H2Response]:
        """The responses of ``stream_ids`` once each ended or was reset (or the connection closed)."""
        deadline = time.monotonic() + timeout
        while not all(self.responses[stream_id].finished for stream_id in stream_ids):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"streams {stream_ids} unfinished: {[self.responses[s] for s in stream_ids]}")
            if not self.receive_once(remaining):
                break
        return [self.responses[stream_id] for stream_id in stream_ids]

    def get(self, path: str, timeout: float = DEFAULT_TIMEOUT) -> H2Response:
        return self.wait_for(self.request("GET", path), timeout=timeout)[0]

    def wait_closed(self, timeout: float = DEFAULT_TIMEOUT) -> bool:
        """True if the server closes the connection within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            if not self.receive_once(remaining):
                return True
        return False
