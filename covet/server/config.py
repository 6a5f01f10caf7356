"""The dev server's settings: where to listen, the request limits and the time limits.

Every limit can be overridden from the environment with the ``COVET_*`` variables
listed in ``ENV_VARIABLES``; the production server honours the same names so that
one conformance suite can drive both.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

LifespanMode = Literal["auto", "on", "off"]

#: The ``asgi`` key of every scope both servers build (here, not in the h11 protocol, so that the production
#: worker's lifespan does not import h11).
ASGI_VERSIONS = {"version": "3.0", "spec_version": "2.4"}

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True)
class ServerConfig:
    """Settings of one server instance; validated on construction."""

    host: str = "127.0.0.1"
    port: int = 8000
    # A listening socket inherited from a parent process (used by autoreload); overrides host/port.
    fd: int | None = None
    # Request line plus headers; larger heads are answered 431.
    max_header_size: int = 16 * KIB
    # Request body; larger bodies (declared or streamed) are answered 413.
    max_body_size: int = 32 * MIB
    # Seconds from the first byte of a request to the end of its headers (slowloris guard); then 408 and close.
    header_timeout: float = 10.0
    # Seconds the server waits for the next piece of a request body; then 408 (or close if answering).
    body_timeout: float = 30.0
    # Seconds an idle keep-alive connection stays open waiting for the next request.
    keep_alive_timeout: float = 5.0
    # Simultaneous connections; beyond it new ones get 503 and are closed. None means unlimited.
    max_connections: int | None = None
    # Seconds in-flight requests get to finish after SIGINT/SIGTERM before their connections are closed.
    shutdown_timeout: float = 10.0
    # One log line per request on the "covet.access" logger.
    access_log: bool = True
    # Largest WebSocket message (all its frames together); larger ones close the socket with code 1009.
    websocket_max_message_size: int = 16 * MIB
    # "auto": run the ASGI lifespan protocol if the app supports it; "on": require it; "off": skip it.
    lifespan: LifespanMode = "auto"

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {self.port}")
        for name in ("max_header_size", "max_body_size", "websocket_max_message_size"):
            _require_positive(name, getattr(self, name))
        for name in ("header_timeout", "body_timeout", "keep_alive_timeout"):
            _require_positive(name, getattr(self, name))
        if self.shutdown_timeout < 0:
            raise ValueError(f"shutdown_timeout must be zero or more seconds, got {self.shutdown_timeout}")
        if self.max_connections is not None:
            _require_positive("max_connections", self.max_connections)
        if self.lifespan not in ("auto", "on", "off"):
            raise ValueError(f"lifespan must be 'auto', 'on' or 'off', got {self.lifespan!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> ServerConfig:
        """Build a config from the defaults, then ``COVET_*`` environment variables, then ``overrides``."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for variable, (field_name, parse) in ENV_VARIABLES.items():
            raw = environ.get(variable)
            if raw is None or raw.strip() == "":
                continue
            try:
                values[field_name] = parse(raw.strip())
            except ValueError:
                raise ValueError(
                    f"{variable}={raw!r} is not valid: expected {_EXPECTED[parse]} (see docs/dev-server.md)"
                ) from None
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)

    def replace(self, **changes: Any) -> ServerConfig:
        """A copy with ``changes`` applied (and validated)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain values, e.g. to hand the config to a child process as JSON."""
        return dataclasses.asdict(self)


def _require_positive(name: str, value: float) -> None:
    if value <= 0:
        raise ValueError(f"{name} must be greater than zero, got {value}")


def _parse_bool(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


def _byte_count(raw: str) -> int:
    return int(raw)


def _count(raw: str) -> int:
    return int(raw)


# What each parser accepts, for the error message of a bad value.
_EXPECTED: dict[Callable[[str], Any], str] = {
    _byte_count: "a whole number of bytes",
    _count: "a whole number",
    float: "a number of seconds",
    _parse_bool: "true or false",
}

# Environment variable -> (ServerConfig field, parser). Shared with the production server.
ENV_VARIABLES: dict[str, tuple[str, Callable[[str], Any]]] = {
    "COVET_MAX_HEADER_SIZE": ("max_header_size", _byte_count),
    "COVET_MAX_BODY_SIZE": ("max_body_size", _byte_count),
    "COVET_HEADER_TIMEOUT": ("header_timeout", float),
    "COVET_BODY_TIMEOUT": ("body_timeout", float),
    "COVET_KEEPALIVE_TIMEOUT": ("keep_alive_timeout", float),
    "COVET_SHUTDOWN_TIMEOUT": ("shutdown_timeout", float),
    "COVET_MAX_CONNECTIONS": ("max_connections", _count),
    "COVET_ACCESS_LOG": ("access_log", _parse_bool),
}
