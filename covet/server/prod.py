"""The production worker: one process serving an ASGI app on ``covet_accel`` (Tokio + hyper).

The supervisor (``covet.server.supervisor``) starts each worker as
``python -m covet.server.prod`` with a ``WorkerConfig`` in the environment. The
worker imports the app, runs the lifespan startup, starts the Rust server, and
runs the asyncio loop (uvloop when installed) in its main thread: Tokio queues
requests without the GIL and wakes the loop through a file descriptor, and the
loop starts one task per request. SIGTERM/SIGINT stop it gracefully; the exit
code tells the supervisor what happened.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from covet.types import ASGIApp, Receive, Scope

logger = logging.getLogger("covet.server")

CONFIG_ENV = "COVET_PROD_WORKER_CONFIG"
READY_FD_ENV = "COVET_PROD_READY_FD"

EXIT_OK = 0
EXIT_STARTUP_FAILED = 3
INSTALL_HINT = (
    "covet serve --prod needs the covet-accel server: "
    "install it with pip install 'covet[accel]' (or pip install ./accel from a checkout)."
)


@dataclass(frozen=True)
class WorkerConfig:
    """Everything a worker needs; travels from the supervisor as JSON."""

    app: str
    binds: tuple[str, ...]
    threads: int = 1
    backlog: int = 1024
    http: str = "auto"
    certfile: str | None = None
    keyfile: str | None = None
    max_requests: int = 0
    access_log: bool = False
    max_header_size: int = 16 * 1024
    max_body_size: int = 32 * 1024 * 1024
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    keep_alive_timeout: float = 5.0
    max_connections: int | None = None
    shutdown_timeout: float = 10.0
    lifespan: str = "auto"
    static_url: str | None = None
    static_root: str | None = None
    use_project_settings: bool = False

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> WorkerConfig:
        values = json.loads(text)
        values["binds"] = tuple(values["binds"])
        return cls(**values)


def accel_available() -> bool:
    """Whether the ``covet_accel`` extension can be imported."""
    try:
        import covet_accel  # noqa: F401
    except ImportError:
        return False
    return True


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop's loop when installed (about twice as fast a scheduler), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop


def static_routes(app: Any) -> list[tuple[str, bytes, str, list[tuple[str, str]]]]:
    """The ``router.static(...)`` routes of a Covet app, for Rust to answer without Python."""
    router = getattr(app, "router", None)
    routes = getattr(router, "routes", ())
    found = []
    for route in routes:
        if getattr(route, "kind", None) == "static":
            found.append((route.path, route.body, route.content_type, list(route.headers)))
    return found


def task_starter(loop: asyncio.AbstractEventLoop) -> Callable[[Coroutine[Any, Any, None]], object] | None:
    """How each request's coroutine becomes a task: started eagerly on Python >= 3.12, else ``loop.create_task``.

    An eager task runs its first step at once, inside the task (``current_task()``, its own context): a request
    whose app finishes without suspending completes right there, without a trip through the loop's ready queue,
    and is never added to the registry of pending tasks. Python 3.11 has no eager tasks (None: the server calls
    ``loop.create_task``).
    """
    if sys.version_info < (3, 12):
        return None
    return functools.partial(asyncio.Task, loop=loop, eager_start=True)


def make_runner(app: ASGIApp) -> Any:
    """The coroutine function Rust starts per request: runs the app, turns escapes into 500s."""

    async def run(scope: Scope, receive: Receive, send: Any) -> None:
        try:
            await app(scope, receive, send)
        except Exception:
            if send.response_started:
                logger.exception("Exception in ASGI application after the response started; connection aborted")
            else:
                logger.exception("Exception in ASGI application; answered 500")
        finally:
            send.finish()

    return run


class Worker:
    """One worker process: app, lifespan, Rust server and the loop that drives them."""

    def __init__(self, config: WorkerConfig, ready_fd: int | None = None) -> None:
        self.config = config
        self.ready_fd = ready_fd
        self.loop = new_event_loop()
        self._stopped = asyncio.Event()
        self._startup_tasks: set[asyncio.Task[Any]] = set()

    def run(self) -> int:
        asyncio.set_event_loop(self.loop)
        try:
            return self.loop.run_until_complete(self._serve())
        finally:
            self.loop.close()

    async def _serve(self) -> int:
        import covet_accel

        from covet.server.importer import import_app
        from covet.server.lifespan import Lifespan, LifespanFailure

        if self.config.use_project_settings:
            import covet

            covet.setup()
        app = import_app(self.config.app)
        state: dict[str, Any] = {}
        lifespan = Lifespan(app, self.config.lifespan, state)  # type: ignore[arg-type]
        try:
            await lifespan.startup()
        except LifespanFailure as exc:
            logger.error("Worker %d: %s", os.getpid(), exc)
            return EXIT_STARTUP_FAILED

        config = self.config
        try:
            server = self._start_server(covet_accel, app, state if lifespan.supported else None)
        except (ValueError, OSError) as exc:
            logger.error("Worker %d could not start the server: %s", os.getpid(), exc)
            return EXIT_STARTUP_FAILED
        self.loop.add_reader(server.fileno(), server.drain)
        for sig in (signal.SIGTERM, signal.SIGINT):
            self.loop.add_signal_handler(sig, server.stop, config.shutdown_timeout)
        # A reload (SIGHUP) is the supervisor's business; a worker ignores it.
        self.loop.add_signal_handler(signal.SIGHUP, lambda: None)
        self._report_ready(server.addresses)

        await self._stopped.wait()
        self.loop.remove_reader(server.fileno())
        await _finish_tasks(asyncio.all_tasks() - self._startup_tasks, timeout=1.0)
        server.close(1.0)
        try:
            await lifespan.shutdown(config.shutdown_timeout)
        except LifespanFailure as exc:
            logger.error("Worker %d: %s", os.getpid(), exc)
        return EXIT_OK

    def _start_server(self, covet_accel: Any, app: ASGIApp, lifespan_state: dict[str, Any] | None) -> Any:
        config = self.config
        static_files = (config.static_url, config.static_root) if config.static_url and config.static_root else None
        server = covet_accel.Worker(
            list(config.binds),
            threads=config.threads,
            backlog=config.backlog,
            http=config.http,
            certfile=config.certfile,
            keyfile=config.keyfile,
            max_header_size=config.max_header_size,
            max_body_size=config.max_body_size,
            header_timeout=config.header_timeout,
            body_timeout=config.body_timeout,
            keepalive_timeout=config.keep_alive_timeout,
            max_connections=config.max_connections or 10_000,
            max_requests=config.max_requests,
            access_log=config.access_log,
            static_routes=static_routes(app),
            static_files=static_files,
        )
        self._startup_tasks = asyncio.all_tasks()
        server.start(
            self.loop, make_runner(app), self._stopped.set, lifespan_state=lifespan_state, spawn=task_starter(self.loop)
        )
        return server

    def _report_ready(self, addresses: list[str]) -> None:
        if self.ready_fd is None:
            return
        try:
            os.write(self.ready_fd, (json.dumps(addresses) + "\n").encode())
        finally:
            os.close(self.ready_fd)
            self.ready_fd = None


async def _finish_tasks(tasks: set[asyncio.Task[Any]], timeout: float) -> None:
    """Give request tasks still running (their clients are gone) a moment, then cancel them."""
    current = asyncio.current_task()
    if current is not None:
        tasks.discard(current)
    if not tasks:
        return
    _done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()


def main() -> None:
    """Entry point of a worker process (``python -m covet.server.prod``)."""
    logging.basicConfig(level=logging.INFO, format="[%(process)d] %(levelname)s %(name)s: %(message)s")
    raw = os.environ.get(CONFIG_ENV)
    if raw is None:
        sys.exit(f"{CONFIG_ENV} is not set: workers are started by `covet serve --prod`, not by hand.")
    if not accel_available():
        sys.exit(INSTALL_HINT)
    ready = os.environ.get(READY_FD_ENV)
    worker = Worker(WorkerConfig.from_json(raw), int(ready) if ready else None)
    sys.exit(worker.run())


if __name__ == "__main__":
    main()
