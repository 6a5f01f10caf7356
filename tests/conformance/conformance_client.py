"""A strict little HTTP/1.1 client on raw sockets, for tests that must control every byte.

It is deliberately independent of h11 (which the dev server uses), so a parsing
bug shared by both cannot hide a server bug.
"""

from __future__ import annotations

import socket
import ssl
import time
from dataclasses import dataclass, field

DEFAULT_TIMEOUT = 5.0


class ConnectionClosed(Exception):
    """The server closed the connection before a complete response arrived."""


@dataclass
class RawResponse:
    status: int
    reason: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    chunked: bool = False

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


# How a TLS peer may end a connection besides a clean close_notify: all mean "closed".
_CLOSED_ERRORS = (ConnectionResetError, ssl.SSLEOFError, ssl.SSLZeroReturnError)
# What sending on a connection the server already closed may raise (plain or TLS).
SEND_FAILED = (BrokenPipeError, ConnectionResetError, ssl.SSLError)


class RawConnection:
    """One TCP connection (TLS-wrapped when given a context): write bytes, read whole responses, observe the close."""

    def __init__(
        self, address: tuple[str, int], timeout: float = DEFAULT_TIMEOUT, tls: ssl.SSLContext | None = None
    ) -> None:
        plain = socket.create_connection(address, timeout=timeout)
        plain.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = tls.wrap_socket(plain, server_hostname=address[0]) if tls is not None else plain
        self.timeout = timeout
        self._buffer = bytearray()
        self._eof = False

    def __enter__(self) -> RawConnection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> None:
        if self._eof:
            raise ConnectionClosed(f"connection closed; unparsed bytes: {bytes(self._buffer[:200])!r}")
        try:
            data = self.sock.recv(65536)
        except _CLOSED_ERRORS:
            data = b""
        if not data:
            self._eof = True
            raise ConnectionClosed(f"connection closed; unparsed bytes: {bytes(self._buffer[:200])!r}")
        self._buffer += data

    def _read_until(self, marker: bytes) -> bytes:
        while (index := self._buffer.find(marker)) < 0:
            self._fill()
        data = bytes(self._buffer[: index + len(marker)])
        del self._buffer[: index + len(marker)]
        return data

    def _read_exactly(self, count: int) -> bytes:
        while len(self._buffer) < count:
            self._fill()
        data = bytes(self._buffer[:count])
        del self._buffer[:count]
        return data

    def read_response(self, *, method: str = "GET") -> RawResponse:
        """Parse exactly one response (an interim 1xx response counts as one)."""
        head = self._read_until(b"\r\n\r\n").decode("latin-1")
        status_line, *header_lines = head[:-4].split("\r\n")
        version, _, rest = status_line.partition(" ")
        assert version == "HTTP/1.1", f"bad status line {status_line!r}"
        status_text, _, reason = rest.partition(" ")
        response = RawResponse(status=int(status_text), reason=reason)
        for line in header_lines:
            name, colon, value = line.partition(":")
            assert colon and name == name.strip(), f"bad header line {line!r}"
            response.headers.append((name, value.strip()))
        if method == "HEAD" or response.status < 200 or response.status in (204, 304):
            return response
        if (response.header("transfer-encoding") or "").lower() == "chunked":
            response.chunked = True
            response.body = self._read_chunked_body()
        elif (length := response.header("content-length")) is not None:
            response.body = self._read_exactly(int(length))
        else:
            response.body = self.read_until_closed()
        return response

    def _read_chunked_body(self) -> bytes:
        body = bytearray()
        while True:
            size_line = self._read_until(b"\r\n")[:-2]
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                self._read_until(b"\r\n")  # no trailers expected: the empty line
                return bytes(body)
            body += self._read_exactly(size)
            assert self._read_exactly(2) == b"\r\n", "chunk not followed by CRLF"

    def read_until_closed(self, timeout: float | None = None) -> bytes:
        """Everything until the server closes; fails if it stays open longer than ``timeout``."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while not self._eof:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the server kept the connection open")
            self.sock.settimeout(remaining)
            try:
                self._fill()
            except ConnectionClosed:
                break
            except TimeoutError:
                raise TimeoutError("the server kept the connection open") from None
        self.sock.settimeout(self.timeout)
        data = bytes(self._buffer)
        self._buffer.clear()
        return data

    def is_closed_within(self, timeout: float) -> bool:
        """True if the server closes (sending nothing more) within ``timeout`` seconds."""
        try:
            leftover = self.read_until_closed(timeout)
        except TimeoutError:
            return False
        assert leftover == b"", f"unexpected bytes before close: {leftover[:200]!r}"
        return True


def request_bytes(
    method: str = "GET", path: str = "/", headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    """A well-formed HTTP/1.1 request (Host included, Content-Length when there is a body)."""
    lines = [f"{method} {path} HTTP/1.1", "Host: conformance.test"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body and not any(name.lower() in ("content-length", "transfer-encoding") for name in headers or {}):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def chunked(*parts: bytes) -> bytes:
    """A chunked body made of ``parts`` plus the last chunk."""
    return b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in parts) + b"0\r\n\r\n"
