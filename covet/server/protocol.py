"""Sans-IO HTTP/1.1 for the dev server: bytes in, h11 events and ASGI messages out, bytes back.

Nothing here touches a socket or an event loop, so every rule (limits, smuggling
checks, scope building, response framing) is tested by feeding bytes.
``ServerConnection`` wraps ``h11.Connection`` and adds what h11 leaves to its
user: head size limits, early rejection of binary garbage, obs-fold, smuggling
(Content-Length with Transfer-Encoding), HTTP versions other than 1.0/1.1 and
body size limits.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from email.utils import formatdate
from http import HTTPStatus
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

import h11

from covet.server.config import ASGI_VERSIONS
from covet.types import Message, Scope

SUPPORTED_HTTP_VERSIONS = (b"1.0", b"1.1")
SERVER_HEADER = (b"server", b"covet")

# The end of a head: an empty line (h11 also accepts bare LF line endings).
_HEAD_END = re.compile(rb"\n\r?\n")
# A header line starting with whitespace continues the previous one (obs-fold, RFC 9112 section 5.2).
_OBS_FOLD = re.compile(rb"\n[ \t]")
# A request line holds printable ASCII and spaces only; anything else (TLS, binary) is rejected at once.
_NOT_REQUEST_LINE_BYTE = re.compile(rb"[^\x20-\x7e\r]")

# h11 quotes offending input as bytearray(b'...'); the error page shows just the b'...'.
_BYTEARRAY_REPR = re.compile(r"bytearray\((b'.*?'|b\".*?\")\)")

# Control characters other than HTAB are not allowed in field values (RFC 9110 section 5.5); h11 lets some through.
_INVALID_FIELD_VALUE = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")

CycleOutcome = Literal["next", "drain", "close"]


class RequestRejected(Exception):
    """The client sent something the server answers with an error status and then closes."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason


class HeadGuard:
    """Checks the raw bytes of one request head before h11 parses it.

    Each ``feed`` scans only the new bytes (plus the few before them that a pattern may span), so a head that
    trickles in byte by byte costs linear time, not quadratic.
    """

    def __init__(self, max_size: int) -> None:
        self._max_size = max_size
        self._buffer = bytearray()
        self._complete = False
        self._first_line_end = -1  # index of the request line's "\n", once it has arrived

    @property
    def in_progress(self) -> bool:
        """True once some bytes of a head have arrived and until the head is complete."""
        return bool(self._buffer) and not self._complete

    def reset(self, pending: bytes = b"") -> None:
        """Start watching the next head, which may already begin with ``pending`` (pipelining)."""
        self._buffer = bytearray()
        self._complete = False
        self._first_line_end = -1
        if pending:
            self.feed(pending)

    def feed(self, data: bytes) -> None:
        if self._complete:
            return
        start = len(self._buffer)
        self._buffer += data
        if self._first_line_end < 0:
            self._first_line_end = self._buffer.find(b"\n", start)
            line_end = len(self._buffer) if self._first_line_end < 0 else self._first_line_end
            if _NOT_REQUEST_LINE_BYTE.search(self._buffer, start, line_end):
                raise RequestRejected(400, "invalid bytes in the request line")
        # "\n\r\n" may begin two bytes before the new data, "\n " one byte before.
        end = _HEAD_END.search(self._buffer, max(0, start - 2))
        head_size = len(self._buffer) if end is None else end.end()
        if head_size > self._max_size:
            raise RequestRejected(431, f"request head larger than {self._max_size} bytes")
        if self._first_line_end >= 0 and _OBS_FOLD.search(
            self._buffer, max(self._first_line_end, start - 1), head_size
        ):
            raise RequestRejected(400, "obsolete line folding (obs-fold) in headers")
        if end is not None:
            self._complete = True
            self._buffer = bytearray()


def validate_request(request: h11.Request, max_body_size: int) -> None:
    """Reject what h11 accepts but a server must not: odd versions, smuggling framing, oversize bodies."""
    if request.http_version not in SUPPORTED_HTTP_VERSIONS:
        raise RequestRejected(400, f"unsupported HTTP version {request.http_version.decode()}")
    content_length: bytes | None = None
    chunked = False
    for name, value in request.headers:
        if _INVALID_FIELD_VALUE.search(value):
            raise RequestRejected(400, f"control character in the value of header {name.decode('ascii')!r}")
        if name == b"content-length":
            content_length = value
        elif name == b"transfer-encoding":
            chunked = True
    if content_length is not None and chunked:
        raise RequestRejected(400, "both Content-Length and Transfer-Encoding (request smuggling)")
    if content_length is not None and int(content_length) > max_body_size:
        raise RequestRejected(413, f"request body larger than {max_body_size} bytes")


def status_for_protocol_error(error: h11.RemoteProtocolError) -> int:
    """The status to answer a malformed request with.

    h11 hints 501 for transfer codings it does not know; RFC 9112 section 6.3 asks a
    server for 400 when chunked is not the final coding, so the only other status
    kept is 431 (head too large).
    """
    return 431 if error.error_status_hint == 431 else 400


class ServerConnection:
    """One client connection's HTTP/1.1 state: parsing, validation and response framing."""

    def __init__(self, *, max_header_size: int, max_body_size: int) -> None:
        self._h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=max_header_size)
        self._guard = HeadGuard(max_header_size)
        self._max_body_size = max_body_size
        self._body_received = 0
        self._request_method = b""
        self._continue_sent = False
        self._body_held_back = False

    # -- incoming ---------------------------------------------------------------

    def receive_data(self, data: bytes) -> None:
        """Buffer bytes from the client; raises ``RequestRejected`` for a head that cannot be valid."""
        self._guard.feed(data)
        self._h11.receive_data(data)

    def receive_eof(self) -> None:
        self._h11.receive_data(b"")

    @property
    def head_in_progress(self) -> bool:
        return self._guard.in_progress

    @property
    def has_buffered_data(self) -> bool:
        return bool(self._h11.trailing_data[0])

    def next_event(self) -> h11.Event | type[h11.NEED_DATA] | type[h11.PAUSED]:
        """The next h11 event (or ``h11.NEED_DATA`` / ``h11.PAUSED``), validated."""
        try:
            event = self._h11.next_event()
        except h11.RemoteProtocolError as exc:
            raise RequestRejected(status_for_protocol_error(exc), _BYTEARRAY_REPR.sub(r"\1", str(exc))) from None
        if isinstance(event, h11.Request):
            validate_request(event, self._max_body_size)
            self._request_method = event.method
            self._body_received = 0
            self._continue_sent = False
            self._body_held_back = False
        elif isinstance(event, h11.Data):
            self._body_received += len(event.data)
            if self._body_received > self._max_body_size:
                raise RequestRejected(413, f"request body larger than {self._max_body_size} bytes")
        return event

    @property
    def client_awaits_continue(self) -> bool:
        """The client sent ``Expect: 100-continue`` and still waits for the go-ahead."""
        return self._h11.they_are_waiting_for_100_continue and not self._continue_sent

    @property
    def request_body_complete(self) -> bool:
        return self._h11.their_state is not h11.SEND_BODY

    # -- outgoing ---------------------------------------------------------------

    def send_continue(self) -> bytes:
        self._continue_sent = True
        return self._h11.send(h11.InformationalResponse(status_code=100, headers=[], reason=b"Continue"))

    def start_response(self, status: int, headers: Sequence[tuple[bytes, bytes]]) -> bytes:
        """Bytes of the status line and headers; raises ``h11.LocalProtocolError`` on invalid headers."""
        response = h11.Response(status_code=status, headers=list(headers), reason=reason_phrase(status))
        # h11 forgets the pending 100-continue once a response goes out; remember it for cycle_outcome().
        self._body_held_back = self.client_awaits_continue
        return self._h11.send(response)

    def send_body(self, data: bytes) -> bytes:
        if not data or self._request_method == b"HEAD":
            return b""
        return self._h11.send(h11.Data(data=data))

    def end_response(self) -> bytes:
        return self._h11.send(h11.EndOfMessage())

    def cycle_outcome(self) -> CycleOutcome:
        """What to do once the response is complete: read the next request, drain this body, or close."""
        if self._h11.our_state is not h11.DONE or self._h11.their_state in (h11.MUST_CLOSE, h11.CLOSED, h11.ERROR):
            return "close"
        if self._h11.their_state is h11.DONE:
            return "next"
        if self._body_held_back:
            # The client holds its body back until told to send it: nothing to drain.
            return "close"
        return "drain"

    def switch_protocols(self, headers: Sequence[tuple[bytes, bytes]]) -> tuple[bytes, bytes]:
        """Accept an Upgrade request: the 101 response bytes and the client bytes already past the request."""
        data = self._h11.send(
            h11.InformationalResponse(status_code=101, headers=list(headers), reason=b"Switching Protocols")
        )
        return data, bytes(self._h11.trailing_data[0])

    def start_next_cycle(self) -> None:
        self._h11.start_next_cycle()
        self._guard.reset(bytes(self._h11.trailing_data[0]))

    @property
    def request_method(self) -> bytes:
        return self._request_method


# -- ASGI mapping ------------------------------------------------------------------


def build_scope(
    request: h11.Request,
    *,
    client: tuple[str, int] | None,
    server: tuple[str, int] | None,
    scheme: str = "http",
    root_path: str = "",
    state: dict[str, Any] | None = None,
) -> Scope:
    """The ASGI HTTP scope of ``request``."""
    raw_path, query_string = split_target(request.target)
    scope: Scope = {
        "type": "http",
        "asgi": ASGI_VERSIONS,
        "http_version": request.http_version.decode("ascii"),
        "method": request.method.decode("ascii"),
        "scheme": scheme,
        "path": unquote(raw_path.decode("ascii")),
        "raw_path": raw_path,
        "query_string": query_string,
        "root_path": root_path,
        "headers": [(name, value) for name, value in request.headers],
        "client": client,
        "server": server,
    }
    if state is not None:
        scope["state"] = dict(state)
    return scope


def split_target(target: bytes) -> tuple[bytes, bytes]:
    """``(raw_path, query_string)`` of an origin-form or absolute-form request target."""
    if target.startswith(b"/") or b"://" not in target:
        raw_path, _, query = target.partition(b"?")
    else:
        parts = urlsplit(target)
        raw_path, query = parts.path or b"/", parts.query
    raw_path, _, _fragment = raw_path.partition(b"#")
    query, _, _fragment = query.partition(b"#")
    return raw_path, query


def request_message(body: bytes, more_body: bool) -> Message:
    return {"type": "http.request", "body": body, "more_body": more_body}


def disconnect_message() -> Message:
    return {"type": "http.disconnect"}


def response_headers(
    status: int, headers: Iterable[Sequence[bytes]], *, body_length: int | None, close: bool
) -> list[tuple[bytes, bytes]]:
    """The app's headers plus Date, Server and, when known, Content-Length; Connection: close if asked."""
    result: list[tuple[bytes, bytes]] = []
    has_date = has_server = has_length = has_chunked = False
    for name, value in headers:
        lowered = bytes(name).lower()
        has_date = has_date or lowered == b"date"
        has_server = has_server or lowered == b"server"
        has_length = has_length or lowered == b"content-length"
        has_chunked = has_chunked or lowered == b"transfer-encoding"
        result.append((bytes(name), bytes(value)))
    if not has_date:
        result.append((b"date", http_date()))
    if not has_server:
        result.append(SERVER_HEADER)
    if body_length is not None and not (has_length or has_chunked or status < 200 or status in (204, 304)):
        result.append((b"content-length", str(body_length).encode("ascii")))
    if close:
        result.append((b"connection", b"close"))
    return result


def error_response(status: int, reason: str, *, include_body: bool = True) -> bytes:
    """A complete plain-text response that ends the connection, written without h11's state."""
    body = f"{reason_phrase(status).decode()}: {reason}\n".encode() if include_body else b""
    head = (
        f"HTTP/1.1 {status} {reason_phrase(status).decode()}\r\n"
        f"content-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\n"
        f"connection: close\r\n"
        f"date: {http_date().decode()}\r\n"
        f"server: covet\r\n\r\n"
    ).encode("ascii")
    return head + body


def reason_phrase(status: int) -> bytes:
    try:
        return HTTPStatus(status).phrase.encode("ascii")
    except ValueError:
        return b""


_date_cache: tuple[int, bytes] = (0, b"")


def http_date() -> bytes:
    """The current time as an HTTP date, formatted at most once per second."""
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, formatdate(now, usegmt=True).encode("ascii"))
    return _date_cache[1]
