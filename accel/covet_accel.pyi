"""Type stubs for ``covet_accel``, the Tokio/hyper production server behind ``covet serve --prod``.

Python drives one :class:`Worker` per worker process: ``start`` it with the
asyncio loop, watch ``fileno()`` with ``loop.add_reader(fd, worker.drain)``,
and call ``stop`` on SIGTERM; ``on_stopped`` runs once the drain is over.
"""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterable, Mapping, Sequence
from typing import Any, Final, Literal

__version__: Final[str]

class Ready:
    """An awaitable that is already complete (``await`` returns its value without suspending)."""

    def __await__(self) -> Generator[Any, None, Any]: ...
    def __iter__(self) -> Ready: ...
    def __next__(self) -> None: ...
    def send(self, value: Any) -> None: ...

class Flusher:
    """Hands the complete responses gathered during one loop iteration to Tokio (run by ``loop.call_soon``)."""

    def __call__(self) -> None: ...

class Receive:
    """The ASGI ``receive`` callable of one request."""

    def __call__(self) -> Awaitable[dict[str, Any]]: ...

class Send:
    """The ASGI ``send`` callable of one request."""

    def __call__(self, message: Mapping[str, Any]) -> Awaitable[None]: ...
    def finish(self) -> None:
        """Called once the application returned or raised: 500 if nothing was sent, abort a half-sent stream."""
    @property
    def response_started(self) -> bool: ...

StaticRoute = tuple[str, bytes, str, Sequence[tuple[str, str]]]

class Worker:
    """The server of one worker process."""

    def __init__(
        self,
        binds: Sequence[str],
        *,
        threads: int = 1,
        backlog: int = 1024,
        http: Literal["1", "2", "auto"] = "auto",
        certfile: str | None = None,
        keyfile: str | None = None,
        max_header_size: int = 65536,
        max_body_size: int = 10485760,
        header_timeout: float = 10.0,
        body_timeout: float = 30.0,
        keepalive_timeout: float = 5.0,
        max_connections: int = 10000,
        max_requests: int = 0,
        access_log: bool = False,
        static_routes: Iterable[StaticRoute] = ...,
        static_files: tuple[str, str] | None = None,
    ) -> None:
        """``binds``: ``HOST:PORT`` (bound here with SO_REUSEPORT), ``fd:N`` or ``unix-fd:N`` (inherited)."""
    def start(
        self,
        event_loop: asyncio.AbstractEventLoop,
        runner: Callable[[dict[str, Any], Receive, Send], Coroutine[Any, Any, None]],
        on_stopped: Callable[[], object],
        lifespan_state: dict[str, Any] | None = None,
        root_path: str = "",
        spawn: Callable[[Coroutine[Any, Any, None]], object] | None = None,
    ) -> None: ...
    def fileno(self) -> int: ...
    def drain(self) -> None: ...
    def stop(self, drain_timeout: float = 30.0) -> None: ...
    def close(self, timeout: float = 1.0) -> None: ...
    @property
    def addresses(self) -> list[str]: ...
    @property
    def requests(self) -> int: ...
